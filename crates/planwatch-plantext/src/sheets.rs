//! Task tables kept in spreadsheets (任务分解表 / 任务清单 in Excel, WPS or LibreOffice): the
//! grid of each sheet → the same plan as a text gives.
//!
//! Each sheet is read on its own: the header row is found by what its cells name (序号, 重点任务,
//! 牵头单位, 配合单位, 完成时限, 2024年, 前三年目标 — the words of `table::classify`), with a
//! second header row under merged cells (责任单位 over 牵头单位 | 配合单位, 年度目标 over the
//! years); a row above the header with a single text is the title; below it, a row with a single
//! text (one cell, or merged across) is a group and becomes a section, a row without a task cell
//! continues the task above (a merged task cell), and a unit cell merged down is given to every
//! row it covers. A cell's lines are list items (units one per line).
//!
//! The cells are assembled into one text — each used cell once — so that everything downstream
//! is the text extractor's own (unit splitting, targets, milestones, diagnostics, typos); every
//! place in that text is then turned back into sheet, row and column.

use crate::chars::{trim_punct, trim_punct_range};
use crate::extract::{Cx, Draft};
use crate::layout::Block;
use crate::numbering;
use crate::parts::{find_period, is_genre_title};
use crate::source::{LineIndex, NormText};
use crate::table::{self, Col, Header};
use crate::units::Role;
use crate::{Diag, finish};
use planwatch_model::{Period, Plan, Section, Severity, Sheet, Span, Task};
use std::collections::HashSet;
use std::ops::Range;

/// A cell's text is cut after this many characters (a task cell holds a few hundred).
pub const MAX_CELL_CHARS: usize = 20_000;
/// The header is looked for in the first rows of a sheet only.
const HEADER_SEARCH_ROWS: usize = 20;
/// A header cell is short.
const MAX_HEADER_CHARS: usize = 24;

/// Where a cell of the assembled text came from.
struct CellAt {
    start: usize,
    len: usize,
    sheet: u32,
    row: u32,
    col: u32,
}

/// What a sheet's header says.
struct Layout {
    /// The sheet's index in the input.
    sheet: usize,
    /// First row after the header.
    body: usize,
    cols: Vec<Col>,
    /// The title row's single cell (row, column), if any.
    title: Option<(usize, usize)>,
}

fn is_unit_col(c: Col) -> bool {
    matches!(c, Col::Lead | Col::Participate | Col::Responsible)
}

fn is_value_col(c: Col) -> bool {
    is_unit_col(c)
        || matches!(
            c,
            Col::Year(_) | Col::RelYear(_) | Col::Target | Col::Deadline
        )
}

/// What a header cell names: the text extractor's words, plus a bare year (2025) and nothing
/// for a long text.
fn header_kind(t: &str) -> Col {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let t = trim_punct(&t);
    if t.is_empty() || t.chars().count() > MAX_HEADER_CHARS {
        return Col::Other;
    }
    if t.len() == 4
        && t.chars().all(|c| c.is_ascii_digit())
        && let Ok(y) = t.parse::<i32>()
        && (1990..=2100).contains(&y)
    {
        return Col::Year(y);
    }
    table::classify(t)
}

fn filled(t: &str) -> bool {
    !trim_punct(t).trim().is_empty()
}

/// The header of a sheet: the first of its first rows naming a task column and a lead or
/// responsible unit column, with the row under it when that row only names sub-columns.
fn layout(index: usize, sheet: &Sheet) -> Option<Layout> {
    let width = sheet.width();
    let kinds =
        |r: usize| -> Vec<Col> { (0..width).map(|c| header_kind(sheet.cell(r, c))).collect() };
    let top = (0..sheet.rows.len().min(HEADER_SEARCH_ROWS)).find(|&r| {
        let k = kinds(r);
        k.contains(&Col::Task) && k.iter().any(|c| matches!(c, Col::Lead | Col::Responsible))
    })?;
    let mut cols = kinds(top);
    let mut body = top + 1;
    if top + 1 < sheet.rows.len() {
        let sub = kinds(top + 1);
        let cells: Vec<usize> = (0..width)
            .filter(|&c| filled(sheet.cell(top + 1, c)))
            .collect();
        let sub_header = !cells.is_empty()
            && cells.iter().all(|&c| {
                matches!(
                    sub[c],
                    Col::Lead
                        | Col::Participate
                        | Col::Responsible
                        | Col::Year(_)
                        | Col::RelYear(_)
                        | Col::Target
                        | Col::Deadline
                        | Col::Measure
                )
            });
        if sub_header {
            for &c in &cells {
                cols[c] = sub[c];
            }
            body = top + 2;
        }
    }
    // Several task columns (重点任务 | 具体任务): the last is the task, earlier ones group.
    if let Some(last) = cols.iter().rposition(|c| *c == Col::Task) {
        for c in cols.iter_mut().take(last) {
            if *c == Col::Task {
                *c = Col::Category;
            }
        }
    }
    // The title: above the header, a row with one text, preferably named like a plan.
    let singles: Vec<(usize, usize)> = (0..top)
        .filter_map(|r| {
            let cs: Vec<usize> = (0..width).filter(|&c| filled(sheet.cell(r, c))).collect();
            match cs.as_slice() {
                [c] => Some((r, *c)),
                _ => None,
            }
        })
        .filter(|&(r, c)| {
            let t = trim_punct(sheet.cell(r, c));
            let n = t.chars().count();
            let attachment_label = (t.starts_with("附件") || t.starts_with("附表")) && n <= 8;
            (2..=120).contains(&n) && !attachment_label && !t.contains(['：', ':'])
        })
        .collect();
    let genre = |&(r, c): &(usize, usize)| {
        let t = trim_punct(sheet.cell(r, c));
        let t = t.trim_end_matches(['）', ')']);
        let t = t.rfind(['（', '(']).map_or(t, |p| &t[..p]);
        is_genre_title(t) || t.contains("任务")
    };
    let title = singles
        .iter()
        .copied()
        .find(genre)
        .or_else(|| singles.first().copied());
    Some(Layout {
        sheet: index,
        body,
        cols,
        title,
    })
}

/// The cells assembled into one text, and where each came from.
struct Assembled {
    src: String,
    cells: Vec<CellAt>,
    /// Per layout: per row from the layout's body on, per column, the range of the cell's text
    /// (a cell under a merged unit cell gets the merged cell's).
    grids: Vec<Vec<Vec<Option<Range<usize>>>>>,
    /// Per layout: per row, whether the row's first filled cell is merged across columns.
    wide: Vec<Vec<bool>>,
    titles: Vec<Option<Range<usize>>>,
}

fn push_cell(
    out: &mut String,
    cells: &mut Vec<CellAt>,
    sheet: usize,
    row: usize,
    col: usize,
    text: &str,
    list: bool,
) -> Range<usize> {
    let cut = text
        .char_indices()
        .nth(MAX_CELL_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let start = out.len();
    // Line breaks keep their byte length: in a unit cell they separate list items (`;`), in
    // any other cell they are a space.
    let sep = if list { ';' } else { ' ' };
    out.extend(
        text[..cut]
            .chars()
            .map(|c| if matches!(c, '\n' | '\r') { sep } else { c }),
    );
    let end = out.len();
    cells.push(CellAt {
        start,
        len: end - start,
        sheet: u32::try_from(sheet).unwrap_or(u32::MAX),
        row: u32::try_from(row).unwrap_or(u32::MAX),
        col: u32::try_from(col).unwrap_or(u32::MAX),
    });
    out.push('\t');
    start..end
}

fn assemble(sheets: &[Sheet], layouts: &[Layout]) -> Assembled {
    let mut src = String::new();
    let mut cells = Vec::new();
    let mut grids = Vec::new();
    let mut wide = Vec::new();
    let mut titles = Vec::new();
    for l in layouts {
        let sheet = &sheets[l.sheet];
        titles.push(l.title.map(|(r, c)| {
            let range = push_cell(&mut src, &mut cells, l.sheet, r, c, sheet.cell(r, c), false);
            src.push('\n');
            range
        }));
        let rows = sheet.rows.len().saturating_sub(l.body);
        let mut grid: Vec<Vec<Option<Range<usize>>>> = Vec::with_capacity(rows);
        for r in l.body..sheet.rows.len() {
            let mut line = vec![None; l.cols.len()];
            for (c, slot) in line.iter_mut().enumerate() {
                let t = sheet.cell(r, c);
                if !t.trim().is_empty() {
                    let list = l.cols.get(c).copied().is_some_and(is_unit_col);
                    *slot = Some(push_cell(&mut src, &mut cells, l.sheet, r, c, t, list));
                }
            }
            src.push('\n');
            grid.push(line);
        }
        // Merged cells: a cell merged down gives its text to every row it covers, except in
        // the task and number columns (rows under a merged task cell continue that task).
        let mut wide_rows = vec![false; grid.len()];
        let mut covered: HashSet<(usize, usize)> = HashSet::new();
        let mut merges = sheet.merges.clone();
        merges.sort_by_key(|m| (m.first_row, m.first_column));
        merges.dedup();
        for m in &merges {
            let (r0, c0) = (m.first_row as usize, m.first_column as usize);
            let Some(at) = r0.checked_sub(l.body) else {
                continue;
            };
            if m.last_column > m.first_column
                && let Some(w) = wide_rows.get_mut(at)
            {
                *w = true;
            }
            if m.last_row <= m.first_row
                || covered.contains(&(at, c0))
                || matches!(l.cols.get(c0), None | Some(Col::Task | Col::Number))
            {
                continue;
            }
            let Some(anchor) = grid.get(at).and_then(|g| g[c0].clone()) else {
                continue;
            };
            let last = (m.last_row as usize - l.body).min(grid.len().saturating_sub(1));
            for row in grid.iter_mut().take(last + 1).skip(at + 1) {
                if row[c0].is_none() {
                    row[c0] = Some(anchor.clone());
                }
            }
            for r in at + 1..=last {
                covered.insert((r, c0));
            }
        }
        grids.push(grid);
        wide.push(wide_rows);
    }
    Assembled {
        src,
        cells,
        grids,
        wide,
        titles,
    }
}

/// A place in the assembled text → sheet, row and column (all 1-based), and the byte range
/// within the cell.
fn place(cells: &[CellAt], s: Span) -> Span {
    let k = cells.partition_point(|c| c.start <= s.start);
    match k
        .checked_sub(1)
        .and_then(|k| cells.get(k))
        .or(cells.first())
    {
        Some(c) => {
            let start = s.start.saturating_sub(c.start).min(c.len);
            let end = s.end.saturating_sub(c.start).clamp(start, c.len);
            Span {
                line: c.row.saturating_add(1),
                column: c.col.saturating_add(1),
                start,
                end,
                sheet: Some(c.sheet.saturating_add(1)),
                page: None,
                source_line: None,
            }
        }
        None => Span {
            line: 1,
            column: 1,
            start: 0,
            end: 0,
            sheet: Some(1),
            page: None,
            source_line: None,
        },
    }
}

fn each_span(plan: &mut Plan, f: &dyn Fn(Span) -> Span) {
    let go = |s: &mut Option<Span>| {
        if let Some(x) = s.as_mut() {
            *x = f(*x);
        }
    };
    for t in &mut plan.goals {
        go(&mut t.span);
    }
    for s in &mut plan.sections {
        go(&mut s.span);
    }
    for t in &mut plan.tasks {
        go(&mut t.span);
        for x in &mut t.targets {
            go(&mut x.span);
        }
        for m in &mut t.milestones {
            go(&mut m.span);
        }
    }
    for g in &mut plan.guarantee_measures {
        go(&mut g.span);
    }
    for i in &mut plan.indicators {
        for m in &mut i.mentions {
            go(&mut m.span);
        }
    }
    for u in &mut plan.unit_details {
        go(&mut u.span);
    }
}

fn cell_at(b: &Block, i: Option<usize>) -> Option<&NormText> {
    i.and_then(|i| b.cells.as_deref()?.get(i))
        .filter(|c| !trim_punct(&c.text).is_empty())
}

/// A row label that numbers a group (一, （二）, 三、) rather than a task.
fn is_group_label(t: &str) -> bool {
    let t = trim_punct(t);
    if numbering::cn_small(t).is_some() {
        return true;
    }
    numbering::parse(t).is_some_and(|n| {
        matches!(
            n.style,
            numbering::Style::CnComma | numbering::Style::CnParen | numbering::Style::Chapter
        )
    })
}

/// Notes under a table (注：…, 备注：…, 填报说明).
fn is_note(t: &str) -> bool {
    let t = trim_punct(t);
    [
        "注：",
        "注:",
        "备注",
        "说明：",
        "说明:",
        "填报说明",
        "填表说明",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

/// Extracts a plan from the sheets of a workbook holding a task table. Never fails: what could
/// not be read is reported in `Plan::diagnostics` (a diagnostic's line and column are the row
/// and column of the cell; with several sheets its message names the sheet). Every span has
/// `sheet` set (1-based index into `sheets`), the row in `line`, the column in `column`.
pub fn extract_sheets(sheets: &[Sheet]) -> Plan {
    match std::panic::catch_unwind(|| extract(sheets)) {
        Ok(plan) => plan,
        Err(_) => Plan {
            diagnostics: vec![planwatch_model::Diagnostic {
                line: 1,
                column: 1,
                message: "抽取程序内部错误，请把此文件报告给开发者 (internal extractor error)"
                    .to_string(),
                severity: Severity::Error,
                code: "internal-error".to_string(),
                sheet: None,
            }],
            ..Plan::default()
        },
    }
}

fn extract(sheets: &[Sheet]) -> Plan {
    let mut layouts: Vec<Layout> = Vec::new();
    let mut skipped: Vec<usize> = Vec::new();
    for (i, s) in sheets.iter().enumerate() {
        match layout(i, s) {
            Some(l) => layouts.push(l),
            None if s.rows.iter().flatten().any(|c| filled(c)) => skipped.push(i),
            None => {}
        }
    }
    let asm = assemble(sheets, &layouts);
    let several = sheets.len() > 1;
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    let mapper = |d: &mut Diag| {
        if d.span.sheet.is_none() {
            d.span = place(&asm.cells, d.span);
            if several
                && let Some(n) = d
                    .span
                    .sheet
                    .and_then(|s| names.get(s.saturating_sub(1) as usize))
            {
                d.message = format!("工作表“{n}”：{}", d.message);
            }
        }
    };
    let mut cx = Cx {
        src: &asm.src,
        idx: LineIndex::new(&asm.src),
        diags: Vec::new(),
        place: Some(&mapper),
    };
    for &i in &skipped {
        cx.diags.push(Diag {
            span: Span {
                line: 1,
                column: 1,
                start: 0,
                end: 0,
                sheet: Some(u32::try_from(i + 1).unwrap_or(u32::MAX)),
                page: None,
                source_line: None,
            },
            severity: Severity::Info,
            code: "sheet-without-task-header".to_string(),
            message: format!(
                "工作表“{}”的前 {HEADER_SEARCH_ROWS} 行中没有任务表的表头（需有“任务”类列和“牵头单位”或“责任单位”列），已跳过 (no task table header in this sheet)",
                sheets[i].name
            ),
        });
    }

    let mut plan = Plan::default();
    if let Some(r) = asm.titles.iter().flatten().next() {
        plan.title = trim_punct(&asm.src[r.clone()]).trim().to_string();
    }
    let (mut period, stated) = find_period(&plan.title, &[]);
    let years: Vec<i32> = layouts
        .iter()
        .flat_map(|l| l.cols.iter())
        .filter_map(|c| match c {
            Col::Year(y) => Some(*y),
            _ => None,
        })
        .collect();
    if period == Period::default()
        && let (Some(&a), Some(&b)) = (years.iter().min(), years.iter().max())
    {
        period = Period { start: a, end: b };
    }
    plan.period = period;
    let default_year = (stated && plan.period.end != 0).then_some(plan.period.end);

    let mut drafts: Vec<Draft> = Vec::new();
    for (li, l) in layouts.iter().enumerate() {
        let mut cols = l.cols.clone();
        for c in &mut cols {
            if let Col::RelYear(n) = *c {
                *c = if plan.period.start != 0 {
                    Col::Year(plan.period.start + n - 1)
                } else {
                    Col::Target
                };
            }
        }
        read_sheet(
            &mut cx,
            &asm,
            li,
            &sheets[l.sheet],
            l,
            Header { row: 0, cols },
            default_year,
            &mut plan,
            &mut drafts,
        );
    }
    let mut plan = finish::finish(&mut cx, plan, drafts);
    each_span(&mut plan, &|s| place(&asm.cells, s));
    plan
}

#[allow(clippy::too_many_arguments)]
fn read_sheet(
    cx: &mut Cx<'_>,
    asm: &Assembled,
    li: usize,
    sheet: &Sheet,
    l: &Layout,
    h: Header,
    default_year: Option<i32>,
    plan: &mut Plan,
    drafts: &mut Vec<Draft>,
) {
    let src = cx.src;
    let task_col = h.cols.iter().position(|c| *c == Col::Task);
    let number_col = h.cols.iter().position(|c| *c == Col::Number);
    let category_col = h.cols.iter().position(|c| *c == Col::Category);
    let header_task = task_col.map(|c| {
        let t: String = sheet
            .cell(l.body.saturating_sub(1), c)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        t
    });
    let first_draft = drafts.len();
    let mut section = String::new();
    let mut prev_units: Vec<(String, Role, Span)> = Vec::new();
    for (k, line) in asm.grids[li].iter().enumerate() {
        let cells: Vec<NormText> = line
            .iter()
            .map(|r| match r {
                Some(r) => NormText::from_pieces(src, std::slice::from_ref(r)),
                None => NormText::default(),
            })
            .collect();
        let b = Block {
            norm: NormText::join(cells.clone(), '\t'),
            cells: Some(cells),
        };
        let row = l.body + k;
        // The cells written in this row (not given by a merged cell above).
        let own: Vec<usize> = (0..h.cols.len())
            .filter(|&c| filled(sheet.cell(row, c)))
            .collect();
        if own.is_empty() {
            continue;
        }
        if own.iter().any(|&c| is_note(sheet.cell(row, c))) && own.len() == 1 {
            continue;
        }
        // The header printed again (a header repeated on each page).
        if let (Some(t), Some(ht)) = (task_col, &header_task) {
            let here: String = sheet
                .cell(row, t)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            if !ht.is_empty() && here == *ht {
                continue;
            }
        }
        let values_here = h
            .cols
            .iter()
            .enumerate()
            .any(|(c, kind)| is_value_col(*kind) && cell_at(&b, Some(c)).is_some());
        let texts: Vec<&str> = own
            .iter()
            .map(|&c| trim_punct(sheet.cell(row, c)))
            .collect();
        let one_text = texts.windows(2).all(|w| w[0] == w[1]);
        let single = own.len() == 1 || one_text;
        let single_kind = h.cols.get(own[0]).copied().unwrap_or(Col::Other);
        let label_cell = number_col
            .and_then(|n| cell_at(&b, Some(n)))
            .map(|c| c.text.clone());
        let group = !values_here
            && ((single && (asm.wide[li][k] || !is_value_col(single_kind)))
                && single_kind != Col::Category
                || label_cell.as_deref().is_some_and(is_group_label)
                || cell_at(&b, task_col).is_some_and(|c| {
                    numbering::parse(&c.text).is_some_and(|n| {
                        matches!(
                            n.style,
                            numbering::Style::CnComma | numbering::Style::CnParen
                        )
                    })
                }));
        if group {
            let parts: Vec<NormText> = own
                .iter()
                .filter_map(|&c| b.cells.as_ref()?.get(c).cloned())
                .collect();
            let parts = if one_text {
                parts.into_iter().take(1).collect()
            } else {
                parts
            };
            let joined = NormText::join(parts, ' ');
            let t = trim_punct(&joined.text);
            let off = joined.text.find(t).unwrap_or(0);
            let (number, title) = match numbering::parse(t) {
                Some(n) => (
                    crate::outline::bare_number(&n.label),
                    trim_punct(&t[n.rest..]).to_string(),
                ),
                None => (format!("{}", plan.sections.len() + 1), t.to_string()),
            };
            if !title.is_empty() {
                plan.sections.push(Section {
                    number: number.clone(),
                    title,
                    span: Some(cx.span_in(&joined, off..off + t.len())),
                });
                section = number;
            }
            continue;
        }
        if let Some(c) = cell_at(&b, category_col) {
            let t = trim_punct(&c.text).to_string();
            match plan.sections.iter().find(|s| s.title == t) {
                Some(s) => section = s.number.clone(),
                None => {
                    let number = format!("{}", plan.sections.len() + 1);
                    plan.sections.push(Section {
                        number: number.clone(),
                        title: t,
                        span: Some(cx.span_in(c, 0..c.text.len())),
                    });
                    section = number;
                }
            }
        }
        let Some(task_cell) = cell_at(&b, task_col) else {
            // A row under a merged task cell: its units and targets join the task above.
            if drafts.len() > first_draft
                && let Some(d) = drafts.last_mut()
            {
                table::row_units(cx, &b, &h, d, &mut prev_units, false);
                table::row_targets(cx, &b, &h, d, default_year);
            }
            continue;
        };
        let t = task_cell.text.as_str();
        let (label, rest) = match numbering::parse(t) {
            Some(n) if n.rest < t.len() => (n.label.clone(), n.rest),
            _ => (
                label_cell
                    .as_deref()
                    .map(|c| trim_punct(c).to_string())
                    .unwrap_or_default(),
                0,
            ),
        };
        let title_r = trim_punct_range(t, rest..t.len());
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
                body: b.norm.text.clone(),
                span: Some(cx.span_in(task_cell, title_r)),
            },
            units: Vec::new(),
        };
        table::row_units(cx, &b, &h, &mut d, &mut prev_units, true);
        table::task_cell_targets(cx, task_cell, default_year, &mut d);
        table::row_targets(cx, &b, &h, &mut d, default_year);
        drafts.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use planwatch_model::Merge;

    fn sheet(name: &str, rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: name.into(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
            merges: Vec::new(),
        }
    }

    #[test]
    fn a_plain_header_gives_tasks_with_units_and_cell_spans() {
        let s = sheet(
            "任务清单",
            &[
                &["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
                &[
                    "1",
                    "建设科技创新平台",
                    "市科技局",
                    "市财政局\n市发展改革委",
                    "2024年底",
                ],
            ],
        );
        let p = extract_sheets(&[s]);
        assert_eq!(p.tasks.len(), 1, "{p:#?}");
        let t = &p.tasks[0];
        assert_eq!(t.title, "建设科技创新平台");
        assert_eq!(t.lead_units, ["市科技局"]);
        assert_eq!(t.participating_units, ["市财政局", "市发展改革委"]);
        let span = t.span.expect("span");
        assert_eq!((span.sheet, span.line, span.column), (Some(1), 2, 2));
        assert_eq!(t.milestones.len(), 1);
        let u = p
            .unit_details
            .iter()
            .find(|u| u.name == "市发展改革委")
            .expect("unit");
        let us = u.span.expect("span");
        assert_eq!((us.line, us.column), (2, 4));
        assert_eq!(&"市财政局\n市发展改革委"[us.start..us.end], "市发展改革委");
    }

    #[test]
    fn two_row_header_title_groups_and_merged_units() {
        let mut s = sheet(
            "Sheet1",
            &[
                &[
                    "某市数字经济三年行动计划（2024—2026年）任务分解表",
                    "",
                    "",
                    "",
                    "",
                ],
                &["序号", "工作任务", "责任单位", "", "2025年"],
                &["", "", "牵头单位", "配合单位", ""],
                &["一、数字产业化", "", "", "", ""],
                &[
                    "1",
                    "培育数字企业",
                    "市工信局",
                    "市财政局、市科技局",
                    "新增企业50家",
                ],
                &["2", "建设算力中心", "", "", ""],
                &["（二）产业数字化", "", "", "", ""],
                &["3", "推进企业上云", "市经信委", "", ""],
            ],
        );
        s.merges = vec![
            Merge {
                first_row: 0,
                first_column: 0,
                last_row: 0,
                last_column: 4,
            },
            Merge {
                first_row: 1,
                first_column: 2,
                last_row: 1,
                last_column: 3,
            },
            Merge {
                first_row: 4,
                first_column: 2,
                last_row: 5,
                last_column: 2,
            },
            Merge {
                first_row: 3,
                first_column: 0,
                last_row: 3,
                last_column: 4,
            },
        ];
        let p = extract_sheets(&[s]);
        assert_eq!(p.title, "某市数字经济三年行动计划（2024—2026年）任务分解表");
        assert_eq!((p.period.start, p.period.end), (2024, 2026));
        assert_eq!(p.sections.len(), 2, "{:#?}", p.sections);
        assert_eq!(p.sections[0].title, "数字产业化");
        assert_eq!(p.tasks.len(), 3, "{:#?}", p.tasks);
        assert_eq!(p.tasks[1].lead_units, ["市工信局"]);
        assert!(p.tasks[1].participating_units.is_empty());
        let lead_span = p.unit_details.iter().find(|u| u.name == "市工信局");
        assert_eq!(lead_span.and_then(|u| u.span).map(|s| s.line), Some(5));
        assert_eq!(p.tasks[2].section, "二");
        assert_eq!(p.tasks[0].targets.len(), 1, "{:#?}", p.tasks[0]);
        assert_eq!(p.tasks[0].targets[0].year, Some(2025));
        assert!(!p.has_blocking_diagnostics(), "{:#?}", p.diagnostics);
    }

    #[test]
    fn a_sheet_without_header_is_skipped_and_said_so() {
        let p = extract_sheets(&[
            sheet("说明", &[&["填表说明：…"]]),
            sheet(
                "表",
                &[&["序号", "任务", "牵头部门"], &["1", "做事", "市科技局"]],
            ),
        ]);
        assert_eq!(p.tasks.len(), 1);
        assert_eq!(p.tasks[0].span.and_then(|s| s.sheet), Some(2));
        assert!(
            p.diagnostics
                .iter()
                .any(|d| d.code == "sheet-without-task-header" && d.message.contains("说明"))
        );
        let none = extract_sheets(&[]);
        assert!(none.diagnostics.iter().any(|d| d.code == "no-tasks"));
    }
}
