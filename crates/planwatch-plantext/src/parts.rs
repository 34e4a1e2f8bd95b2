//! The parts of a plan around its tasks: title and period, guarantee measures and their
//! mechanisms, task forces (专班) and attachments (附件).

use crate::chars::trim_punct;
use crate::clauses::{sentences, year_phrases};
use crate::layout::Block;
use crate::numbering;
use crate::units;
use planwatch_model::{Attachment, Period, Plan};
use std::collections::HashMap;
use std::ops::Range;

pub(crate) fn read_mechanisms(text: &str, r: Range<usize>, plan: &mut Plan) {
    let Some(m) = plan.guarantee_measures.last_mut() else {
        return;
    };
    for s in sentences(text, r) {
        for part in text[s.range.clone()].split(['；', ';']) {
            let p = trim_punct(part);
            if p.chars().count() >= 4 {
                m.mechanisms.push(p.to_string());
            }
        }
    }
}

pub(crate) fn task_forces(text: &str, out: &mut Vec<String>) {
    for s in sentences(text, 0..text.len()) {
        for c in &s.clauses {
            for item in text[c.clone()].split('、') {
                let mut name = trim_punct(item);
                for v in ["成立", "设立", "组建", "建立", "由", "各"] {
                    if let Some(r) = name.strip_prefix(v) {
                        name = r;
                    }
                }
                let n = name.chars().count();
                if name.ends_with("专班")
                    && (4..=12).contains(&n)
                    && name != "工作专班"
                    && !name
                        .chars()
                        .any(|c| crate::numbers::is_cn_numeral(c) || c.is_ascii_digit())
                    && !out.iter().any(|o| o == name)
                {
                    out.push(name.to_string());
                }
            }
        }
    }
}

pub(crate) fn read_attachment(text: &str, plan: &mut Plan, pending: &mut Option<u32>) {
    let mut rest = text.strip_prefix("附件").unwrap_or(text);
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    rest = &rest[digits.len()..];
    rest = rest.trim_start_matches(['：', ':', '、', '.', '．', ' ']);
    let mut number = digits.parse::<u32>().ok();
    if let Some(n) = numbering::parse(rest) {
        number = Some(n.value);
        rest = &rest[n.rest..];
    }
    let title = trim_punct(rest);
    let number =
        number.unwrap_or_else(|| u32::try_from(plan.attachments.len() + 1).unwrap_or(u32::MAX));
    if title.is_empty() {
        *pending = Some(number);
    } else if !plan
        .attachments
        .iter()
        .any(|a| a.number == number && a.title == title)
    {
        plan.attachments.push(Attachment {
            number,
            title: title.to_string(),
        });
    }
}

/// The plan's title: among the blocks before the first heading, the last one shaped like a plan
/// title (no full stop, ends with 行动计划/实施方案/…, perhaps with the period in brackets),
/// past any web-page boilerplate and forwarding notice. Returns the first and last block of the
/// title (a title broken over two lines: 静安区2025年碳达峰碳中和 / 及节能减排重点工作安排).
pub(crate) fn find_title(blocks: &[Block]) -> Option<(usize, usize)> {
    let end = blocks
        .iter()
        .position(|b| {
            b.cells.is_some()
                || numbering::parse(&b.norm.text).is_some()
                || units::label_at_start(&b.norm.text).is_some()
        })
        .unwrap_or(blocks.len())
        .min(60);
    let title_like = |b: &Block| {
        let t = b.norm.text.as_str();
        !t.contains(['。', '；']) && (2..=80).contains(&t.chars().count()) && !t.starts_with("附件")
    };
    let genre = |b: &Block| {
        let t = b.norm.text.trim_end_matches(['）', ')']);
        let t = t.rfind(['（', '(']).map_or(t, |p| &t[..p]);
        is_genre_title(t) && !b.norm.text.starts_with("关于") && !t.contains(['：', ':', '|'])
    };
    let found = (0..end)
        .rev()
        .find(|&i| title_like(&blocks[i]) && genre(&blocks[i]));
    let Some(last) = found else {
        return (0..end.min(15))
            .find(|&i| title_like(&blocks[i]))
            .map(|i| (i, i));
    };
    // The first half of a title broken over two lines: a short line without punctuation that is
    // neither a date, a signature nor a note, when the second half cannot stand alone.
    let t = blocks[last].norm.text.as_str();
    let second_is_tail = t.starts_with(['及', '和', '与', '暨', '、']) || t.chars().count() <= 8;
    let first = last.checked_sub(1).filter(|&j| {
        let p = blocks[j].norm.text.as_str();
        second_is_tail
            && title_like(&blocks[j])
            && !p.contains(['：', ':', '，', ',', '|'])
            && !p.starts_with(['（', '(', '《', '#', '【'])
            && !p.starts_with("关于")
            && !genre(&blocks[j])
            && !is_date(p)
            && !units::looks_like_unit(p)
            && p.chars().count() + t.chars().count() <= 80
    });
    Some((first.unwrap_or(last), last))
}

/// Whether a title ends with a word naming a plan of the genre.
pub(crate) fn is_genre_title(t: &str) -> bool {
    [
        "计划",
        "方案",
        "要点",
        "意见",
        "规划",
        "清单",
        "分解表",
        "办法",
        "措施",
        "分工",
        "分解",
        "工作安排",
        "任务安排",
        "任务书",
        "路线图",
    ]
    .iter()
    .any(|g| t.ends_with(g))
}

/// A date line (2025年2月24日, 2023-04-17).
fn is_date(s: &str) -> bool {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    (t.ends_with('日') && t.contains('年') && t.contains('月'))
        || (digits >= 6
            && t.chars()
                .all(|c| c.is_ascii_digit() || "-/.年月日".contains(c)))
}

/// The plan's period, and whether the plan states it (in its title or first lines) rather than
/// it being inferred from the years its targets are set for.
pub(crate) fn find_period(title: &str, blocks: &[Block]) -> (Period, bool) {
    let from = |s: &str| {
        let ys = year_phrases(s);
        ys.iter()
            .find(|y| y.start != y.end)
            .or_else(|| ys.first())
            .map(|y| Period {
                start: y.start,
                end: y.end,
            })
    };
    if let Some(p) = from(title) {
        return (p, true);
    }
    for b in blocks.iter().take(3) {
        if let Some(p) = year_phrases(&b.norm.text)
            .into_iter()
            .find(|y| y.start != y.end)
        {
            let p = Period {
                start: p.start,
                end: p.end,
            };
            return (p, true);
        }
    }
    // No period written: the year most targets are set for (到2025年) is the end.
    let all: Vec<(i32, i32, bool)> = blocks
        .iter()
        .filter(|b| b.cells.is_none())
        .flat_map(|b| {
            let t = &b.norm.text;
            year_phrases(t)
                .into_iter()
                .filter(|y| !y.baseline)
                .map(|y| {
                    (
                        y.start,
                        y.end,
                        ["到", "至", "力争"]
                            .iter()
                            .any(|p| t[y.range.clone()].starts_with(p)),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let mut counts: HashMap<i32, usize> = HashMap::new();
    for &(_, e, by) in &all {
        if by {
            *counts.entry(e).or_default() += 1;
        }
    }
    let end = counts
        .into_iter()
        .max_by_key(|&(y, n)| (n, y))
        .map(|(y, _)| y)
        .or_else(|| all.iter().map(|a| a.1).max());
    let period = match end {
        Some(e) => Period {
            start: all
                .iter()
                .map(|a| a.0)
                .filter(|&s| s <= e && s >= e - 10)
                .min()
                .unwrap_or(e),
            end: e,
        },
        None => Period::default(),
    };
    (period, false)
}
