//! Tables without drawn rules in a PDF, recovered from where the text stands.
//!
//! A table typeset without borders reaches us as lines of glyphs whose cells wrap onto several
//! lines (建设创 / 新平台). Read line by line it is noise; here it becomes rows of tab-separated
//! cells, as the .docx reader writes a table:
//!
//! - **Where**: a run of lines cut into at least two parts by gaps of about an em (`Part`), at
//!   most eight other lines apart and no more than three line heights from each other.
//! - **Columns**: the x ranges that the parts of those lines cover, separated by gutters no part
//!   crosses (a tenth of the lines may: a merged header cell). Two columns need three such lines,
//!   three or more columns two.
//! - **Rows**: a line starts a new row when it is further below the row's last line than a line
//!   step inside a cell (rows are set apart by cell padding or paragraph spacing), or when the
//!   first column gets a new number (序号) while it already has one. A line crossing a gutter
//!   between rows is a row of its own with its text in its first column (a section row such as
//!   一、创新平台, as a merged row reads from a .docx).
//! - **Cells**: a cell's lines are joined as one paragraph; a second paragraph in a cell (a gap
//!   wider than a line step) is joined with ；, as the .docx reader does.
//! - **Page breaks**: the columns carry over to the next page when the table ends its page (a
//!   header row repeated there and a row broken by the page are settled by `pdf`, for tables
//!   with rules too: [`continues_row`], [`join_rows`]).
//!
//! Every step is linear or sorts, so a hostile page of glyphs costs no more than reading it.

use crate::pdf::{Line, Part};

/// Columns of a table that ended its page, for the next page.
#[derive(Debug, Clone)]
pub(crate) struct Carry {
    /// x of the boundaries between columns (one fewer than the columns).
    bounds: Vec<f64>,
    left: f64,
    right: f64,
    /// The step between two lines of a cell.
    pitch: f64,
}

/// Lines further apart than this many sizes end a table.
const MAX_STEP: f64 = 4.0;
/// Lines without parts allowed between two lines with parts inside one table.
const MAX_SINGLES: usize = 8;
/// Columns of a table: a task table has about ten; more is a page of scattered text (and would
/// cost a cell per column and row).
const MAX_COLUMNS: usize = 64;

fn wide(c: char) -> bool {
    crate::chars::is_wide(c)
}

/// Appends `piece` to a cell: as the same paragraph (a space only between two Latin letters or
/// digits), or as a new paragraph (；, unless the cell ends with punctuation).
fn append(cell: &mut String, piece: &str, new_paragraph: bool) {
    let piece = piece.trim();
    if piece.is_empty() {
        return;
    }
    if !cell.is_empty() {
        if new_paragraph {
            if !cell.ends_with(['。', '；', '！', '？', '：', ';', '，', '、']) {
                cell.push('；');
            }
        } else {
            let before = cell.chars().next_back().unwrap_or(' ');
            let after = piece.chars().next().unwrap_or(' ');
            if !wide(before) && !wide(after) && before != '-' {
                cell.push(' ');
            }
        }
    }
    cell.push_str(piece);
}

/// A row number in the first column: 1, 12, 3.
fn is_row_number(s: &str) -> bool {
    let t = s.trim().trim_end_matches(['.', '、', '．']);
    !t.is_empty() && t.len() <= 4 && t.chars().all(|c| c.is_ascii_digit())
}

/// The columns of a run of lines: covered x ranges between gutters no more than `allowance`
/// parts cross. None when fewer than two columns.
fn columns(parts: &[&Part], allowance: usize, size: f64) -> Option<(Vec<f64>, f64, f64)> {
    // Coverage by a sweep over the parts' ends.
    let mut events: Vec<(f64, i32)> = Vec::with_capacity(parts.len() * 2);
    for p in parts {
        events.push((p.x0, 1));
        events.push((p.x1, -1));
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut depth = 0i64;
    // Covered ranges (where more than `allowance` parts overlap).
    let mut covered: Vec<(f64, f64)> = Vec::new();
    let mut start: Option<f64> = None;
    let limit = i64::try_from(allowance).unwrap_or(i64::MAX);
    for (x, d) in events {
        depth += i64::from(d);
        match start {
            None if depth > limit => start = Some(x),
            Some(s) if depth <= limit => {
                match covered.last_mut() {
                    // A sliver of a gutter is not a gutter.
                    Some(last) if s - last.1 < 0.4 * size => last.1 = x,
                    _ => covered.push((s, x)),
                }
                start = None;
            }
            _ => {}
        }
    }
    if covered.len() < 2 {
        return None;
    }
    let bounds = covered
        .windows(2)
        .map(|w| f64::midpoint(w[0].1, w[1].0))
        .collect();
    Some((bounds, covered[0].0, covered[covered.len() - 1].1))
}

fn column_of(bounds: &[f64], x: f64) -> usize {
    bounds.partition_point(|&b| b <= x)
}

/// Where a part falls: its column, and whether it crosses into the next ones.
fn place(bounds: &[f64], p: &Part, size: f64) -> (usize, bool) {
    let c = column_of(bounds, p.x0);
    let spans = bounds.get(c).is_some_and(|&b| p.x1 > b + 0.3 * size);
    (c, spans)
}

/// Whether every part of the line stays in its column.
fn fits(bounds: &[f64], l: &Line) -> bool {
    l.parts.iter().all(|p| !place(bounds, p, l.size).1)
}

/// The step between two lines of one cell: the smallest step between two lines with text in
/// the same column and none between them in that column (else 1.2 sizes). Lines of other
/// columns may lie between them: a cell set in the middle of its row has its own baselines.
fn pitch_of(lines: &[Line], bounds: &[f64], size: f64) -> f64 {
    let mut last = vec![f64::NAN; bounds.len() + 1];
    let mut pitch = f64::INFINITY;
    for l in lines {
        for p in &l.parts {
            let c = column_of(bounds, p.x0).min(bounds.len());
            let step = l.y - last[c];
            if step >= 0.6 * size {
                pitch = pitch.min(step);
            }
            last[c] = l.y;
        }
    }
    if pitch.is_finite() { pitch } else { 1.2 * size }
}

/// The lines of one table → its rows (tab-separated).
fn rows(lines: &[Line], bounds: &[f64], left: f64, right: f64, pitch: f64) -> Vec<Line> {
    let n = bounds.len() + 1;
    let within = 1.3 * pitch;
    let numbered = lines
        .iter()
        .filter(|l| {
            l.parts
                .first()
                .is_some_and(|p| column_of(bounds, p.x0) == 0 && is_row_number(&p.text))
        })
        .count()
        >= 2;

    struct Row {
        cells: Vec<String>,
        last: Vec<f64>,
        top: f64,
        bottom: f64,
        size: f64,
    }
    let mut out = Vec::new();
    let flush = |row: Option<Row>, out: &mut Vec<Line>| {
        if let Some(r) = row
            && r.cells.iter().any(|c| !c.is_empty())
        {
            out.push(Line {
                text: r.cells.join("\t"),
                left,
                right,
                y: r.top,
                size: r.size,
                cells: true,
                parts: Vec::new(),
            });
        }
    };
    let mut row: Option<Row> = None;
    for l in lines {
        let placed: Vec<(usize, bool, &Part)> = l
            .parts
            .iter()
            .map(|p| {
                let (c, s) = place(bounds, p, l.size);
                (c.min(n - 1), s, p)
            })
            .collect();
        if let [(c, true, p)] = placed[..] {
            // A line across the columns: a row of its own.
            flush(row.take(), &mut out);
            let mut cells = vec![String::new(); n];
            append(&mut cells[c], &p.text, false);
            flush(
                Some(Row {
                    cells,
                    last: vec![f64::NEG_INFINITY; n],
                    top: l.y,
                    bottom: l.y,
                    size: l.size,
                }),
                &mut out,
            );
            continue;
        }
        let renumbered = numbered
            && placed
                .iter()
                .any(|(c, _, p)| *c == 0 && is_row_number(&p.text))
            && row.as_ref().is_some_and(|r| !r.cells[0].is_empty());
        let new = match &row {
            None => true,
            Some(r) => l.y - r.bottom > within || renumbered,
        };
        if new {
            flush(row.take(), &mut out);
            row = Some(Row {
                cells: vec![String::new(); n],
                last: vec![f64::NEG_INFINITY; n],
                top: l.y,
                bottom: l.y,
                size: l.size,
            });
        }
        let Some(r) = row.as_mut() else { continue };
        let mut seen_here = vec![false; n];
        for (c, _, p) in placed {
            let new_paragraph = !seen_here[c] && l.y - r.last[c] > within;
            if seen_here[c] {
                // Two parts of one line in one cell: a wide gap inside the cell.
                r.cells[c].push(' ');
            }
            append(&mut r.cells[c], &p.text, new_paragraph);
            r.last[c] = l.y;
            seen_here[c] = true;
        }
        r.bottom = r.bottom.max(l.y);
    }
    flush(row, &mut out);
    out
}

/// The lines of one page (body only, in reading order) with the tables that have no rules
/// replaced by their rows. `carry` holds the columns of a table that ended the previous page
/// and is set for the next one.
pub(crate) fn recover(lines: Vec<Line>, carry: &mut Option<Carry>) -> Vec<Line> {
    let taken = carry.take();
    let n = lines.len();
    let has_parts = |l: &Line| l.parts.len() >= 2;
    let step_ok = |a: &Line, b: &Line| b.y - a.y <= MAX_STEP * a.size.max(b.size);
    let mut out: Vec<Line> = Vec::with_capacity(n);
    let mut ended_page = None;
    let mut i = 0;
    // The table carried from the previous page goes on at the top of this one.
    if let Some(c) = &taken {
        let mut j = 0;
        while j < n
            && !lines[j].parts.is_empty()
            && (j == 0 || step_ok(&lines[j - 1], &lines[j]))
            && fits(&c.bounds, &lines[j])
        {
            j += 1;
        }
        if j > 0 {
            out.extend(rows(&lines[..j], &c.bounds, c.left, c.right, c.pitch));
            if j == n {
                ended_page = Some(c.clone());
            }
            i = j;
        }
    }
    // Lines from here on were copied to `out` one by one, unchanged.
    let mut copied_from = i;
    while i < n {
        if lines[i].parts.is_empty() || !has_parts(&lines[i]) {
            out.push(lines[i].clone());
            i += 1;
            continue;
        }
        // The run of lines with parts starting here.
        let mut last = i;
        let mut j = i + 1;
        while j < n
            && !lines[j].parts.is_empty()
            && step_ok(&lines[j - 1], &lines[j])
            && j - last <= MAX_SINGLES
        {
            if has_parts(&lines[j]) {
                last = j;
            }
            j += 1;
        }
        let multi: Vec<&Line> = lines[i..=last].iter().filter(|l| has_parts(l)).collect();
        let size = multi.iter().map(|l| l.size).sum::<f64>() / multi.len() as f64;
        let parts: Vec<&Part> = multi.iter().flat_map(|l| l.parts.iter()).collect();
        let found = columns(&parts, multi.len() / 10, size).filter(|(bounds, _, _)| {
            let cols = bounds.len() + 1;
            if cols > MAX_COLUMNS {
                return false;
            }
            let fitting = multi.iter().filter(|l| fits(bounds, l)).count();
            (cols >= 3 && multi.len() >= 2 || multi.len() >= 3) && 2 * fitting > multi.len()
        });
        let Some((bounds, left, right)) = found else {
            out.extend(lines[i..=last].iter().cloned());
            i = last + 1;
            continue;
        };
        // Lines after the last one with parts that go on in a cell (the rest of a wrapped cell).
        let mut end = last + 1;
        let pitch = pitch_of(&lines[i..=last], &bounds, size);
        while end < n
            && !lines[end].parts.is_empty()
            && lines[end].y - lines[end - 1].y <= 1.3 * pitch
            && fits(&bounds, &lines[end])
        {
            end += 1;
        }
        // Lines just before the first line with parts that fit the columns: the first lines
        // of cells set in the middle or at the bottom of the first row.
        let mut start = i;
        while start > copied_from
            && !lines[start - 1].parts.is_empty()
            && lines[start].y - lines[start - 1].y <= 1.3 * pitch
            && fits(&bounds, &lines[start - 1])
        {
            start -= 1;
            out.pop();
        }
        // A leading line across the columns is not part of the table.
        while start < end && !fits(&bounds, &lines[start]) && lines[start].parts.len() < 2 {
            out.push(lines[start].clone());
            start += 1;
        }
        out.extend(rows(&lines[start..end], &bounds, left, right, pitch));
        if end == n {
            ended_page = Some(Carry {
                bounds,
                left,
                right,
                pitch,
            });
        }
        i = end;
        copied_from = end;
    }
    *carry = ended_page;
    out
}

/// Whether a row is the rest of `before`, broken by a page break: the rows number themselves
/// in the first column and this one has no number, in as many cells.
pub(crate) fn continues_row(before: &Line, row: &Line) -> bool {
    let first = |l: &Line| l.text.split('\t').next().unwrap_or("").trim().to_string();
    before.cells
        && row.cells
        && is_row_number(&first(before))
        && first(row).is_empty()
        && before.text.matches('\t').count() == row.text.matches('\t').count()
}

/// Joins the rest of a row carried over a page break into the row it continues, cell by cell.
pub(crate) fn join_rows(row: &mut Line, rest: &Line) {
    let mut cells: Vec<String> = row.text.split('\t').map(str::to_string).collect();
    for (k, piece) in rest.text.split('\t').enumerate() {
        match cells.get_mut(k) {
            Some(cell) => append(cell, piece, false),
            None => cells.push(piece.to_string()),
        }
    }
    row.text = cells.join("\t");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line of cells: (x, text) with 12-point glyphs, 12 points a character.
    fn line(y: f64, cells: &[(f64, &str)]) -> Line {
        let parts: Vec<Part> = cells
            .iter()
            .map(|(x, t)| Part {
                x0: *x,
                x1: x + 12.0 * t.chars().count() as f64,
                text: (*t).to_string(),
            })
            .collect();
        Line {
            text: cells
                .iter()
                .map(|c| c.1)
                .collect::<Vec<_>>()
                .join("\u{3000}"),
            left: parts.first().map_or(0.0, |p| p.x0),
            right: parts.last().map_or(0.0, |p| p.x1),
            y,
            size: 12.0,
            cells: false,
            parts,
        }
    }

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.text.clone()).collect()
    }

    #[test]
    fn wrapped_cells_are_joined_and_rows_split_by_spacing() {
        let lines = vec![
            line(
                100.0,
                &[(90.0, "为落实创新驱动发展战略，现将重点任务分解如下。")],
            ),
            line(
                130.0,
                &[(90.0, "序号"), (150.0, "重点任"), (210.0, "牵头部")],
            ),
            line(145.0, &[(150.0, "务"), (210.0, "门")]),
            line(170.0, &[(90.0, "一、创新平台")]),
            line(195.0, &[(90.0, "1"), (150.0, "建设创"), (210.0, "市科技")]),
            line(210.0, &[(150.0, "新平台"), (210.0, "局")]),
            line(225.0, &[(150.0, "建设")]),
            line(250.0, &[(90.0, "2"), (150.0, "建设新"), (210.0, "市人社")]),
            line(265.0, &[(150.0, "型研发"), (210.0, "局")]),
            line(280.0, &[(150.0, "机构")]),
            line(290.0, &[(210.0, "市教育")]),
            line(330.0, &[(90.0, "附件：任务分解表填报说明")]),
        ];
        let mut carry = None;
        let out = recover(lines, &mut carry);
        assert!(carry.is_none());
        assert_eq!(
            texts(&out),
            [
                "为落实创新驱动发展战略，现将重点任务分解如下。",
                "序号\t重点任务\t牵头部门",
                "一、创新平台\t\t",
                "1\t建设创新平台建设\t市科技局",
                "2\t建设新型研发机构\t市人社局；市教育",
                "附件：任务分解表填报说明",
            ]
        );
    }

    #[test]
    fn prose_and_a_spaced_title_are_left_alone() {
        let lines = vec![
            line(100.0, &[(200.0, "通"), (260.0, "知")]),
            line(130.0, &[(90.0, "各县（区）人民政府，市直各有关单位：")]),
            line(
                145.0,
                &[(112.0, "现将《行动计划》印发给你们，请认真贯彻落实。")],
            ),
        ];
        let before = texts(&lines);
        let mut carry = None;
        let out = recover(lines, &mut carry);
        assert_eq!(texts(&out), before);
    }

    #[test]
    fn a_table_goes_on_over_the_page_break() {
        let page1 = vec![
            line(600.0, &[(90.0, "序号"), (150.0, "任务"), (210.0, "牵头")]),
            line(
                625.0,
                &[(90.0, "1"), (150.0, "建设创"), (210.0, "市科技局")],
            ),
            line(640.0, &[(150.0, "新平台")]),
            line(
                665.0,
                &[(90.0, "2"), (150.0, "培育科"), (210.0, "市工信局")],
            ),
        ];
        let page2 = vec![
            line(80.0, &[(90.0, "序号"), (150.0, "任务"), (210.0, "牵头")]),
            line(105.0, &[(150.0, "技企业")]),
            line(
                130.0,
                &[(90.0, "3"), (150.0, "引进人才"), (210.0, "市委人才办")],
            ),
        ];
        let mut carry = None;
        let mut first = recover(page1, &mut carry);
        assert!(carry.is_some());
        let second = recover(page2, &mut carry);
        assert_eq!(
            texts(&second),
            ["序号\t任务\t牵头", "\t技企业\t", "3\t引进人才\t市委人才办"]
        );
        let last = first.last_mut().expect("rows");
        assert!(continues_row(last, &second[1]) && !continues_row(last, &second[2]));
        join_rows(last, &second[1]);
        assert_eq!(
            texts(&first),
            [
                "序号\t任务\t牵头",
                "1\t建设创新平台\t市科技局",
                "2\t培育科技企业\t市工信局"
            ]
        );
    }
}
