//! The plan's outline: headings with their nesting (learnt from the order in which numbering
//! styles appear), what each part is for (goals, tasks, guarantee measures), and which
//! numbering level holds the tasks (the level that the unit assignments hang under).

use crate::chars::{closes, is_han, opens, trim_punct, trim_punct_range};
use crate::numbering::{Numbering, Style};
use std::collections::HashMap;
use std::ops::Range;

/// What a part of the plan is for, from its heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    Goals,
    Guarantee,
    /// 指导思想, 基本原则, 实施步骤 …: neither goals nor tasks.
    Other,
    /// Nothing said: tasks may live here.
    Open,
}

/// One heading of the outline.
#[derive(Debug, Clone)]
pub(crate) struct Heading {
    /// Index of the block that carries it.
    pub(crate) block: usize,
    pub(crate) num: Numbering,
    pub(crate) depth: usize,
    pub(crate) parent: Option<usize>,
    /// The title's byte range in the block text.
    pub(crate) title: Range<usize>,
    /// Where the block's body starts (after the title and its full stop).
    pub(crate) body: usize,
    /// What the part is for, inherited from the parent when the title says nothing.
    pub(crate) purpose: Purpose,
    /// What the heading's own title says.
    pub(crate) own: Purpose,
}

/// Reads what a heading title says the part is for.
pub(crate) fn purpose_of(title: &str) -> Purpose {
    let has = |ws: &[&str]| ws.iter().any(|w| title.contains(w));
    if has(&["任务", "举措", "行动", "工程", "重点工作"]) && !has(&["保障措施", "保障机制"])
    {
        Purpose::Open
    } else if title.contains("目标") || has(&["总体要求", "总体思路"]) {
        Purpose::Goals
    } else if has(&[
        "保障",
        "组织实施",
        "组织领导",
        "工作要求",
        "实施要求",
        "推进机制",
        "工作机制",
        "落实机制",
        "监督考核",
        "考核评估",
        "督查考核",
    ]) {
        Purpose::Guarantee
    } else if has(&[
        "指导思想",
        "基本原则",
        "背景",
        "形势",
        "意义",
        "发展基础",
        "实施步骤",
        "进度安排",
        "时间安排",
        "步骤安排",
        "适用范围",
        "附则",
        "工作原则",
    ]) {
        Purpose::Other
    } else {
        Purpose::Open
    }
}

/// The title of a heading block: from after the number to the first full stop (or colon) outside
/// brackets, without a trailing unit annotation. Returns (title range, body start).
pub(crate) fn title_range(text: &str, rest: usize, cut: &[Range<usize>]) -> (Range<usize>, usize) {
    let mut depth = 0usize;
    let mut end = text.len();
    let mut body = text.len();
    for (i, c) in text[rest..].char_indices() {
        let at = rest + i;
        if let Some(r) = cut.iter().find(|r| r.start == at) {
            end = end.min(r.start);
            body = r.end.min(text.len());
            break;
        }
        if opens(c) {
            depth += 1;
        } else if closes(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && matches!(c, '。' | '；' | '：' | '！' | '？' | ';' | ':') {
            end = at;
            body = at + c.len_utf8();
            break;
        } else if depth == 0
            && c == '.'
            && crate::chars::char_before(text, at).is_some_and(|p| is_han(p) || closes(p))
        {
            end = at;
            body = at + 1;
            break;
        }
    }
    (trim_punct_range(text, rest..end), body)
}

/// Assigns depths and parents from the order in which numbering styles appear: a style seen
/// before is a return to that level; a new style goes one level deeper.
pub(crate) fn nest(headings: &mut [Heading]) {
    let mut stack: Vec<(Style, usize)> = Vec::new();
    for (i, h) in headings.iter_mut().enumerate() {
        if let Some(p) = stack.iter().position(|(s, _)| *s == h.num.style) {
            stack.truncate(p);
        }
        h.depth = stack.len();
        h.parent = stack.last().map(|&(_, p)| p);
        stack.push((h.num.style, i));
    }
    for i in 0..headings.len() {
        if headings[i].purpose == Purpose::Open
            && let Some(p) = headings[i].parent
        {
            let inherited = headings[p].purpose;
            if let Some(h) = headings.get_mut(i) {
                h.purpose = inherited;
            }
        }
    }
}

/// The numbering style of the tasks: the style whose headings most unit assignments follow;
/// without any, the most frequent style among headings in open parts below the top level.
pub(crate) fn task_style(headings: &[Heading], votes: &HashMap<usize, usize>) -> Option<Style> {
    // Assignments in open parts first; a plan whose only assignments sit under goals (一、主要
    // 预期目标 (一)…(牵头单位：…)) has its tasks there.
    for open_only in [true, false] {
        let mut by_style: Vec<(Style, usize, usize)> = Vec::new();
        for (&h, &n) in votes {
            let Some(hd) = headings.get(h) else { continue };
            if open_only && hd.purpose != Purpose::Open {
                continue;
            }
            match by_style.iter_mut().find(|(s, _, _)| *s == hd.num.style) {
                Some(e) => e.1 += n,
                None => by_style.push((hd.num.style, n, hd.depth)),
            }
        }
        if let Some(best) = by_style.iter().max_by_key(|(_, n, d)| (*n, *d)) {
            return Some(best.0);
        }
    }
    let open: Vec<&Heading> = headings
        .iter()
        .filter(|h| h.purpose == Purpose::Open)
        .collect();
    let max_depth = open.iter().map(|h| h.depth).max()?;
    let min_depth = usize::from(max_depth > 0);
    let mut counts: Vec<(Style, usize, usize)> = Vec::new();
    for h in open.iter().filter(|h| h.depth >= min_depth) {
        match counts.iter_mut().find(|(s, _, _)| *s == h.num.style) {
            Some(e) => e.1 += 1,
            None => counts.push((h.num.style, 1, h.depth)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n, d)| (*n, *d))
        .map(|(s, _, _)| s)
}

/// A section number as the interchange JSON writes it: 1 for "1.", 一 for "（一）".
pub(crate) fn bare_number(label: &str) -> String {
    let s: String = label
        .chars()
        .filter(|c| {
            c.is_ascii_digit()
                || "零〇一二三四五六七八九十百两".contains(*c)
                || ('０'..='９').contains(c)
        })
        .collect();
    if s.is_empty() {
        trim_punct(label).to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_from_heading_titles() {
        assert_eq!(purpose_of("目标要求"), Purpose::Goals);
        assert_eq!(purpose_of("主要目标"), Purpose::Goals);
        assert_eq!(purpose_of("保障措施"), Purpose::Guarantee);
        assert_eq!(purpose_of("主要任务"), Purpose::Open);
        assert_eq!(purpose_of("目标任务"), Purpose::Open);
        assert_eq!(purpose_of("指导思想"), Purpose::Other);
        assert_eq!(purpose_of("总体要求"), Purpose::Goals);
        assert_eq!(purpose_of("增强新兴产业核心竞争力"), Purpose::Open);
    }

    #[test]
    fn titles_end_at_the_first_full_stop() {
        let t = "（2）加快煤炭开发。以深化改革为抓手";
        let (r, body) = title_range(t, "（2）".len(), &[]);
        assert_eq!(&t[r], "加快煤炭开发");
        assert_eq!(&t[body..], "以深化改革为抓手");
        let t = "（13）高质量建设山西智创城NO.7。构建";
        let (r, _) = title_range(t, "（13）".len(), &[]);
        assert_eq!(&t[r], "高质量建设山西智创城NO.7");
    }

    #[test]
    fn bare_numbers_drop_brackets_and_dots() {
        assert_eq!(bare_number("1."), "1");
        assert_eq!(bare_number("（一）"), "一");
        assert_eq!(bare_number("第三条"), "三");
    }
}
