//! Tables: task breakdown tables (任务分解表: 序号 | 重点任务 | 牵头单位 | 配合单位 | 2022年 |
//! 2023年 | 2024年 | 完成时限) become tasks with units, yearly targets and milestones; indicator
//! tables in the goals (指标 | 单位 | 2024年目标值) become headline goals.

use crate::chars::trim_punct;
use crate::clauses::year_phrases;
use crate::extract::{Cx, Draft};
use crate::layout::Block;
use crate::numbering;
use crate::numbers::scan;
use crate::outline::Purpose;
use crate::source::NormText;
use crate::targets::{self, Ctx, Found};
use crate::units::{self, Role};
use planwatch_model::{
    Milestone, MilestoneKind, Plan, Section, Severity, Target, TargetWording, Task, YearBasis,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Col {
    Number,
    Category,
    Task,
    Lead,
    Participate,
    Responsible,
    Year(i32),
    /// 前三年目标, 五年目标: the year counted from the plan's first year.
    RelYear(i32),
    Target,
    Deadline,
    Indicator,
    Measure,
    Other,
}

pub(crate) fn classify(h: &str) -> Col {
    let h: String = h.chars().filter(|c| !c.is_whitespace()).collect();
    let has = |ws: &[&str]| ws.iter().any(|w| h.contains(w));
    if h.is_empty() {
        return Col::Other;
    }
    if matches!(h.as_str(), "序号" | "编号" | "序" | "No." | "NO.") {
        return Col::Number;
    }
    if has(&["领导", "责任人", "联系人", "负责人"]) {
        return Col::Other;
    }
    if has(&["牵头", "主责", "主办"]) {
        return Col::Lead;
    }
    if has(&["配合", "参加", "参与", "协办", "协助", "协同"]) {
        return Col::Participate;
    }
    if has(&[
        "责任单位",
        "责任部门",
        "责任主体",
        "实施单位",
        "承办单位",
        "责任处室",
        "实施主体",
        "实施部门",
        "推进单位",
        "推进部门",
        "落实单位",
        "承担单位",
    ]) {
        return Col::Responsible;
    }
    if has(&["时限", "完成时间", "时间节点", "进度", "期限"]) {
        return Col::Deadline;
    }
    // 2020年基期值, 现状值: where the plan starts from, not a target.
    if has(&["基期", "基数", "基准", "现状", "实际", "完成值", "基础值"]) {
        return Col::Other;
    }
    let years = year_phrases(&h);
    if let [y] = years.as_slice()
        && y.start == y.end
    {
        return Col::Year(y.end);
    }
    // 前三年目标 / 五年目标 (a plan for 2011–2015): years counted from the first.
    if let Some(n) = relative_years(&h) {
        return Col::RelYear(n);
    }
    if h == "单位" || h == "计量单位" {
        return Col::Measure;
    }
    if h.contains("指标") && !h.contains("值") {
        return Col::Indicator;
    }
    if has(&["目标", "成效", "预期", "指标值"]) {
        return Col::Target;
    }
    if has(&["领域", "类别", "板块", "方向", "分类"]) {
        return Col::Category;
    }
    if has(&[
        "任务",
        "工作内容",
        "举措",
        "措施",
        "事项",
        "内容",
        "项目",
        "工作",
    ]) {
        return Col::Task;
    }
    Col::Other
}

/// 前三年 → 3, 五年目标 → 5, 第二年 → 2 (as in 第二年目标), within a column header.
fn relative_years(h: &str) -> Option<i32> {
    let at = h.find('年')?;
    let head = &h[..at];
    let n = head.chars().next_back()?;
    let v = crate::numbering::cn_small(&n.to_string())
        .and_then(|v| i32::try_from(v).ok())
        .filter(|v| (1..=10).contains(v))?;
    let before = &head[..head.len() - n.len_utf8()];
    let tail = &h[at + '年'.len_utf8()..];
    let ok = (before.is_empty() || before.ends_with(['前', '第', '近']))
        && (tail.is_empty()
            || ["目标", "任务", "计划", "指标"]
                .iter()
                .any(|w| tail.starts_with(w)));
    ok.then_some(v)
}

pub(crate) struct Header {
    pub(crate) row: usize,
    pub(crate) cols: Vec<Col>,
}

fn cells(b: &Block) -> &[NormText] {
    b.cells.as_deref().unwrap_or(&[])
}

fn find_header(blocks: &[Block], run: &[usize]) -> Option<Header> {
    for (k, &bi) in run.iter().enumerate().take(4) {
        let mut cols: Vec<Col> = cells(&blocks[bi])
            .iter()
            .map(|c| classify(&c.text))
            .collect();
        let is_tasks = cols.contains(&Col::Task)
            && cols
                .iter()
                .any(|c| matches!(c, Col::Lead | Col::Responsible));
        let is_indicators = cols.contains(&Col::Indicator)
            && cols.iter().any(|c| matches!(c, Col::Year(_) | Col::Target));
        if !(is_tasks || is_indicators) {
            continue;
        }
        // Several task columns (重点任务 | 具体任务): the last is the task, earlier ones group.
        if let Some(last) = cols.iter().rposition(|c| *c == Col::Task) {
            for c in cols.iter_mut().take(last) {
                if *c == Col::Task {
                    *c = Col::Category;
                }
            }
        }
        // A second header row with the years under a merged 年度目标 cell.
        let mut row = k;
        if let Some(&next) = run.get(k + 1) {
            let sub: Vec<Col> = cells(&blocks[next])
                .iter()
                .map(|c| classify(&c.text))
                .collect();
            if sub.iter().any(|c| matches!(c, Col::Year(_))) && !sub.contains(&Col::Task) {
                for (i, c) in sub.iter().enumerate() {
                    if let Col::Year(y) = c {
                        if i < cols.len() {
                            cols[i] = Col::Year(*y);
                        } else {
                            cols.push(Col::Year(*y));
                        }
                    }
                }
                row = k + 1;
            }
        }
        return Some(Header { row, cols });
    }
    None
}

fn cell(b: &Block, i: Option<usize>) -> Option<&NormText> {
    i.and_then(|i| cells(b).get(i))
        .filter(|c| !trim_punct(&c.text).is_empty())
}

fn col(h: &Header, want: Col) -> Option<usize> {
    h.cols.iter().position(|c| *c == want)
}

/// Reads one table (consecutive table rows) into tasks or goals.
pub(crate) fn read(
    cx: &mut Cx<'_>,
    blocks: &[Block],
    run: &[usize],
    purpose: Purpose,
    default_year: Option<i32>,
    plan: &mut Plan,
    drafts: &mut Vec<Draft>,
) {
    let Some(mut h) = find_header(blocks, run) else {
        return;
    };
    for c in &mut h.cols {
        if let Col::RelYear(n) = *c {
            *c = if plan.period.start != 0 {
                Col::Year(plan.period.start + n - 1)
            } else {
                Col::Target
            };
        }
    }
    if h.cols.contains(&Col::Indicator) && !h.cols.contains(&Col::Lead) {
        read_indicators(cx, blocks, &run[h.row + 1..], &h, default_year, plan);
        return;
    }
    let task_table = h.cols.contains(&Col::Task)
        && h.cols
            .iter()
            .any(|c| matches!(c, Col::Lead | Col::Responsible));
    if !task_table && (purpose == Purpose::Goals || purpose == Purpose::Guarantee) {
        return;
    }
    // Tasks with their own unit lines in the text win over a restated task list.
    if drafts.iter().any(|d| !d.units.is_empty()) {
        let b = &blocks[run[0]];
        cx.diag(
            b,
            0..b.norm.text.len(),
            Severity::Info,
            "task-table-ignored",
            "正文已列出任务及责任单位，此任务表未重复导入 (task table restates the text; not imported)".to_string(),
        );
        return;
    }
    if !drafts.is_empty() {
        // The text's items carry no units: the table is the task list, and the targets the
        // items state are the plan's.
        for d in drafts.drain(..) {
            plan.goals.extend(d.task.targets);
        }
        plan.sections.clear();
    }
    let task_col = col(&h, Col::Task);
    let mut section = String::new();
    let mut prev_units: Vec<(String, Role, planwatch_model::Span)> = Vec::new();
    for &bi in &run[h.row + 1..] {
        let b = &blocks[bi];
        let cs = cells(b);
        let filled: Vec<&NormText> = cs
            .iter()
            .filter(|c| !trim_punct(&c.text).is_empty())
            .collect();
        if filled.is_empty()
            || filled
                .iter()
                .all(|c| c.text.chars().all(|ch| matches!(ch, '-' | ':' | '—')))
        {
            continue;
        }
        // A row with one text across the table is a section heading.
        // A flattened table's group row (一 / 推进碳达峰碳中和综合管理) comes as one cell.
        let group_row = cs.len() == 1 && h.cols.len() > 1;
        if filled.len() == 1 || filled.windows(2).all(|w| w[0].text == w[1].text) {
            if col(&h, Col::Category).is_some() && !group_row {
                continue;
            }
            let t = trim_punct(&filled[0].text);
            let (number, title) = match numbering::parse(t) {
                Some(n) => (
                    crate::outline::bare_number(&n.label),
                    trim_punct(&t[n.rest..]).to_string(),
                ),
                None => (format!("{}", plan.sections.len() + 1), t.to_string()),
            };
            if !title.is_empty()
                && (group_row
                    || col(&h, Col::Category).is_none()
                        && cell(b, task_col).is_none_or(|c| trim_punct(&c.text) == t))
            {
                plan.sections.push(Section {
                    number: number.clone(),
                    title,
                    span: Some(cx.span_in(filled[0], 0..filled[0].text.len())),
                });
                section = number;
                continue;
            }
        }
        if let Some(c) = cell(b, col(&h, Col::Category)) {
            let t = trim_punct(&c.text).to_string();
            if !plan.sections.iter().any(|s| s.title == t) {
                let number = format!("{}", plan.sections.len() + 1);
                plan.sections.push(Section {
                    number: number.clone(),
                    title: t,
                    span: Some(cx.span_in(c, 0..c.text.len())),
                });
                section = number;
            } else if let Some(s) = plan.sections.iter().find(|s| s.title == t) {
                section = s.number.clone();
            }
        }
        let Some(task_cell) = cell(b, task_col) else {
            // A continuation row (merged task cell): its units and targets join the last task.
            if let Some(d) = drafts.last_mut() {
                row_units(cx, b, &h, d, &mut prev_units, false);
                row_targets(cx, b, &h, d, default_year);
            }
            continue;
        };
        let t = task_cell.text.as_str();
        let (label, rest) = match numbering::parse(t) {
            Some(n) => (n.label.clone(), n.rest),
            None => (
                cell(b, col(&h, Col::Number))
                    .map(|c| trim_punct(&c.text).to_string())
                    .unwrap_or_default(),
                0,
            ),
        };
        // A table row's title is its task cell, whole (the label left out).
        let title_r = crate::chars::trim_punct_range(t, rest..t.len());
        let number = u32::try_from(drafts.len() + 1).unwrap_or(u32::MAX);
        let mut d = Draft {
            task: Task {
                number,
                label,
                title: t[title_r.clone()].to_string(),
                section: section.clone(),
                lead_units: Vec::new(),
                participating_units: Vec::new(),
                targets: Vec::new(),
                milestones: Vec::new(),
                body: cs
                    .iter()
                    .map(|c| c.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\t"),
                span: Some(cx.span_in(task_cell, title_r)),
            },
            units: Vec::new(),
        };
        row_units(cx, b, &h, &mut d, &mut prev_units, true);
        task_cell_targets(cx, task_cell, default_year, &mut d);
        row_targets(cx, b, &h, &mut d, default_year);
        drafts.push(d);
    }
}

pub(crate) fn row_units(
    cx: &mut Cx<'_>,
    b: &Block,
    h: &Header,
    d: &mut Draft,
    prev: &mut Vec<(String, Role, planwatch_model::Span)>,
    new_task: bool,
) {
    let is_lead = |r: Role| matches!(r, Role::Lead | Role::Responsible);
    let mut named: Vec<(String, Role, planwatch_model::Span)> = Vec::new();
    for (i, c) in h.cols.iter().enumerate() {
        let role = match c {
            Col::Lead => Role::Lead,
            Col::Participate => Role::Participate,
            Col::Responsible => Role::Responsible,
            _ => continue,
        };
        let Some(cell) = cells(b).get(i).filter(|c| !trim_punct(&c.text).is_empty()) else {
            continue;
        };
        let explicit = named.iter().chain(&d.units).any(|u| is_lead(u.1));
        let role = if role == Role::Responsible && explicit {
            Role::Participate
        } else {
            role
        };
        for n in units::parse_spec(&cell.text, 0, Some(role)) {
            let span = cx.span_in(cell, n.range.clone());
            named.push((n.name, n.role, span));
        }
    }
    if !new_task {
        // A continuation row (merged task cell): its units join the task.
        prev.extend(named.iter().cloned());
        d.units.extend(named);
        return;
    }
    let has_unit_cols = h
        .cols
        .iter()
        .any(|c| matches!(c, Col::Lead | Col::Responsible | Col::Participate));
    if named.is_empty() && has_unit_cols {
        // No unit cell at all under vertically merged ones: the units of the row above.
        d.units.extend(prev.iter().cloned());
        return;
    }
    if !named.iter().any(|u| is_lead(u.1))
        && h.cols
            .iter()
            .any(|c| matches!(c, Col::Lead | Col::Responsible))
    {
        // An empty lead cell under a vertically merged one: the lead of the row above.
        named.splice(0..0, prev.iter().filter(|u| is_lead(u.1)).cloned());
    }
    prev.clone_from(&named);
    d.units.extend(named);
}

pub(crate) fn row_targets(
    cx: &mut Cx<'_>,
    b: &Block,
    h: &Header,
    d: &mut Draft,
    default_year: Option<i32>,
) {
    let subject = d.task.title.clone();
    for (i, c) in h.cols.iter().enumerate() {
        let Some(cell) = cells(b).get(i).filter(|c| !trim_punct(&c.text).is_empty()) else {
            continue;
        };
        let t = cell.text.as_str();
        match c {
            Col::Year(y) => {
                let mut found = Found::default();
                let mut context = None;
                targets::extract(
                    t,
                    0..t.len(),
                    Ctx {
                        default_year,
                        goals: false,
                        subject: &subject,
                        year: Some(*y),
                    },
                    &mut context,
                    &mut found,
                );
                push_found(cx, cell, found, d, Some(*y));
            }
            Col::Target => task_cell_targets(cx, cell, default_year, d),
            Col::Deadline => {
                if let Some(y) = year_phrases(t).into_iter().find(|y| !y.baseline) {
                    d.task.milestones.push(Milestone {
                        text: trim_punct(t).to_string(),
                        year: Some(y.end),
                        year_start: (y.start != y.end).then_some(y.start),
                        what: d.task.title.clone(),
                        kind: Some(MilestoneKind::Deliverable),
                        span: Some(cx.span_in(cell, 0..t.len())),
                    });
                }
            }
            _ => {}
        }
    }
}

/// The targets written in one cell of a row — its task cell (到2026年建成示范项目5个) or a
/// target column — for the flattened tables and the spreadsheets alike.
pub(crate) fn task_cell_targets(
    cx: &mut Cx<'_>,
    task_cell: &NormText,
    default_year: Option<i32>,
    d: &mut Draft,
) {
    let t = task_cell.text.as_str();
    let mut found = Found::default();
    let mut context = None;
    let subject = d.task.title.clone();
    targets::extract(
        t,
        0..t.len(),
        Ctx {
            default_year,
            goals: false,
            subject: &subject,
            year: None,
        },
        &mut context,
        &mut found,
    );
    push_found(cx, task_cell, found, d, None);
}

pub(crate) fn push_found(
    cx: &mut Cx<'_>,
    cell: &NormText,
    found: Found,
    d: &mut Draft,
    column_year: Option<i32>,
) {
    for (mut t, r) in found.targets {
        if let Some(y) = column_year
            && t.year_basis != Some(YearBasis::Recurring)
        {
            t.year = t.year.or(Some(y));
        }
        t.span = Some(cx.span_in(cell, r));
        d.task.targets.push(t);
    }
    for (mut m, r) in found.milestones {
        m.span = Some(cx.span_in(cell, r));
        d.task.milestones.push(m);
    }
}

/// An indicator table: one goal per indicator and year column.
fn read_indicators(
    cx: &mut Cx<'_>,
    blocks: &[Block],
    rows: &[usize],
    h: &Header,
    default_year: Option<i32>,
    plan: &mut Plan,
) {
    let name_col = col(h, Col::Indicator);
    let measure_col = col(h, Col::Measure);
    for &bi in rows {
        let b = &blocks[bi];
        let Some(name) = cell(b, name_col) else {
            continue;
        };
        let name_text = trim_punct(&name.text).to_string();
        let measure = cell(b, measure_col).map(|c| trim_punct(&c.text).to_string());
        for (i, c) in h.cols.iter().enumerate() {
            let year = match c {
                Col::Year(y) => Some(*y),
                Col::Target => default_year,
                _ => continue,
            };
            let Some(v) = cells(b).get(i).filter(|c| !trim_punct(&c.text).is_empty()) else {
                continue;
            };
            let text = v.text.as_str();
            let (qs, _) = scan(text, &[]);
            let (value, unit, value_max, post) = match qs.first() {
                Some(q) => (
                    q.value,
                    q.unit.clone().or_else(|| measure.clone()),
                    q.value_max,
                    q.post,
                ),
                None => match bare_number(text) {
                    Some(v) => (Some(v), measure.clone(), None, None),
                    None => continue,
                },
            };
            let comparator = post.unwrap_or_else(|| {
                if text.contains(['≥', '>']) || text.contains("以上") {
                    TargetWording::AtLeast
                } else if text.contains(['≤', '<']) || text.contains("以下") {
                    TargetWording::AtMost
                } else {
                    TargetWording::Equal
                }
            });
            plan.goals.push(Target {
                text: format!("{name_text}{}", trim_punct(text)),
                indicator: name_text.clone(),
                value,
                value_max,
                unit,
                year,
                comparator: Some(comparator),
                year_basis: Some(if matches!(c, Col::Year(_)) {
                    YearBasis::Explicit
                } else {
                    YearBasis::Default
                }),
                span: Some(cx.span_in(v, 0..text.len())),
                ..Target::default()
            });
        }
    }
}

/// A number standing alone in a table cell (≥200, 2.5).
fn bare_number(s: &str) -> Option<f64> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let end = s[start..]
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or(s.len(), |e| start + e);
    s[start..end].parse().ok()
}
