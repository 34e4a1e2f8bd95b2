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
/// title (no full stop, ends with 行动计划/实施方案/…, perhaps with the period in brackets).
pub(crate) fn find_title(blocks: &[Block]) -> Option<usize> {
    let end = blocks
        .iter()
        .position(|b| {
            b.cells.is_some()
                || numbering::parse(&b.norm.text).is_some()
                || units::label_at_start(&b.norm.text).is_some()
        })
        .unwrap_or(blocks.len())
        .min(15);
    let title_like = |b: &Block| {
        let t = b.norm.text.as_str();
        !t.contains(['。', '；']) && (2..=80).contains(&t.chars().count()) && !t.starts_with("附件")
    };
    let genre = |b: &Block| {
        let t = b.norm.text.trim_end_matches(['）', ')']);
        let t = t.rfind(['（', '(']).map_or(t, |p| &t[..p]);
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
        ]
        .iter()
        .any(|g| t.ends_with(g))
            && !b.norm.text.starts_with("关于")
    };
    (0..end)
        .rev()
        .find(|&i| title_like(&blocks[i]) && genre(&blocks[i]))
        .or_else(|| (0..end).find(|&i| title_like(&blocks[i])))
}

pub(crate) fn find_period(title: &str, blocks: &[Block]) -> Period {
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
        return p;
    }
    for b in blocks.iter().take(3) {
        if let Some(p) = year_phrases(&b.norm.text)
            .into_iter()
            .find(|y| y.start != y.end)
        {
            return Period {
                start: p.start,
                end: p.end,
            };
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
    match end {
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
    }
}
