//! Task tables flattened to text, one cell per line (as web pages and PDF converters print a
//! 任务分解表): the header cells, perhaps broken over lines (牵头 / 部门), then each row's cells
//! on their own lines, merged cells printed once, a cell's lines printed as separate lines, and
//! perhaps `|` lines between the cells of a row. The rows are rebuilt from what the lines look
//! like (a row number, a task text, a deadline, a list of units) against the header's columns,
//! and handed on as ordinary table rows.

use crate::chars::{is_space, trim_punct};
use crate::layout::Block;
use crate::numbering::{self, Style};
use crate::source::NormText;
use crate::table::{Col, classify};
use crate::units;
use std::ops::Range;

/// A flattened table found in the source: the lines it spans and its rebuilt rows (the header
/// row first).
pub(crate) struct FlatTable {
    /// Index of the first and one past the last line (into the layout's lines).
    pub(crate) lines: Range<usize>,
    pub(crate) blocks: Vec<Block>,
}

/// Header columns, each with the lines (indices) that print it.
type Columns = Vec<(Col, Vec<usize>)>;

/// One non-blank line: its index among the layout's lines, its source range and text.
struct L<'a> {
    line: usize,
    range: Range<usize>,
    text: &'a str,
    /// A `|` line stood between this line and the previous one.
    linked: bool,
}

/// What a line of a flattened row looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Look {
    Units,
    Deadline,
    Text,
}

/// Header cells that only complete the cell before them (牵头 / 部门, 任务 / 分类).
const HEADER_TAILS: &[&str] = &[
    "部门", "单位", "主体", "分类", "内容", "时限", "时间", "进度", "目标", "名称", "事项", "处室",
    "领导",
];

/// Header cells that name no column kind but belong to a header (主要方向, 备注).
const NEUTRAL_HEADERS: &[&str] = &["主要方向", "方向", "备注", "领域", "类别", "分类", "说明"];

fn is_separator(t: &str) -> bool {
    !t.is_empty() && t.chars().all(|c| matches!(c, '|' | '｜' | '-' | ':' | ' '))
}

/// A row number printed alone on its line: 12, 一, （一）, 1., (3).
fn bare_label(t: &str) -> Option<(Style, u32)> {
    let t = t.trim_matches(is_space);
    if !t.is_empty() && t.len() <= 3 && t.chars().all(|c| c.is_ascii_digit()) {
        return t.parse().ok().map(|v| (Style::ArabicDot, v));
    }
    if let Some(v) = numbering::cn_small(t) {
        return Some((Style::CnComma, v));
    }
    let n = numbering::parse(t)?;
    trim_punct(&t[n.rest..])
        .is_empty()
        .then_some((n.style, n.value))
}

/// A numbered line: its numbering style and value, and whether text follows the number.
fn label(t: &str) -> Option<(Style, u32, bool)> {
    if let Some((s, v)) = bare_label(t) {
        return Some((s, v, false));
    }
    let n = numbering::parse(t)?;
    Some((n.style, n.value, true))
}

fn look(raw: &str) -> Look {
    let t = trim_punct(raw);
    // A cell ending with a full stop is a sentence, never a list of units.
    if raw.trim_end_matches(is_space).ends_with('。') {
        return Look::Text;
    }
    let n = t.chars().count();
    if n <= 14
        && !t.contains(['，', ',', '。'])
        && [
            "年",
            "月",
            "季度",
            "持续",
            "长期",
            "常态",
            "同步",
            "底前",
            "前完成",
        ]
        .iter()
        .any(|w| t.contains(w))
        && !units::looks_like_unit(t)
    {
        return Look::Deadline;
    }
    if n <= 120 && !t.contains(['。', '：', ':']) && is_unit_list(t) {
        return Look::Units;
    }
    Look::Text
}

fn is_unit_list(t: &str) -> bool {
    let items = units::split_list(t, 0);
    !items.is_empty()
        && items.iter().all(|r| {
            units::clean_unit(&t[r.clone()]).is_some_and(|(name, _)| {
                if name.chars().count() > 20 || name.chars().any(|c| c.is_ascii_digit()) {
                    return false;
                }
                let core = name
                    .rfind(['（', '('])
                    .filter(|_| name.ends_with(['）', ')']))
                    .map_or(name.as_str(), |p| &name[..p]);
                units::looks_like_unit(&name) || units::looks_like_unit(core)
            })
        })
}

/// The columns a header's cells name, after joining cells broken over lines. Returns the
/// columns with the lines that print each, and where the body starts.
fn header_at(ls: &[L<'_>], at: usize) -> Option<(Columns, usize)> {
    let cell_like = |t: &str| {
        (1..=16).contains(&t.chars().count())
            && !t.contains(['。', '，', '；', ',', '：', ':', '、'])
            && bare_label(t).is_none()
    };
    let is_tail = |t: &str| HEADER_TAILS.contains(&t);
    let mut cols: Columns = Vec::new();
    let mut k = at;
    while let Some(l) = ls.get(k) {
        let mut t = trim_punct(l.text).to_string();
        if !cell_like(&t) {
            break;
        }
        let mut ks = vec![k];
        // 牵头 / 部门, 实施 / 主体, 任务 / 分类: a header cell broken over two lines.
        if !is_tail(&t)
            && !HEADER_TAILS.iter().any(|w| t.ends_with(w))
            && let Some(next) = ls.get(k + 1).map(|n| trim_punct(n.text))
            && is_tail(next)
        {
            t.push_str(next);
            ks.push(k + 1);
        }
        let col = classify(&t);
        if col == Col::Other && !NEUTRAL_HEADERS.contains(&t.as_str()) {
            break;
        }
        k = ks[ks.len() - 1] + 1;
        cols.push((col, ks));
    }
    // Several task columns (重点任务 | 具体工作): the last is the task, earlier ones group.
    if let Some(last) = cols.iter().rposition(|c| c.0 == Col::Task) {
        for c in cols.iter_mut().take(last) {
            if c.0 == Col::Task {
                c.0 = Col::Category;
            }
        }
    }
    let has = |f: &dyn Fn(Col) -> bool| cols.iter().any(|c| f(c.0));
    let ok = cols.len() >= 3
        && has(&|c| c == Col::Task)
        && has(&|c| matches!(c, Col::Lead | Col::Responsible));
    ok.then_some((cols, k))
}

/// Finds the flattened task tables among the lines (`(range, is_blank_or_table)` per line).
pub(crate) fn find(src: &str, lines: &[(Range<usize>, bool)]) -> Vec<FlatTable> {
    let mut ls: Vec<L<'_>> = Vec::new();
    let mut linked = false;
    for (i, (r, skip)) in lines.iter().enumerate() {
        if *skip {
            continue;
        }
        let text = src.get(r.clone()).unwrap_or("").trim_matches(is_space);
        if text.is_empty() {
            continue;
        }
        if is_separator(text) {
            linked = true;
            continue;
        }
        ls.push(L {
            line: i,
            range: r.clone(),
            text,
            linked,
        });
        linked = false;
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < ls.len() {
        // A header starts with a header word right after a non-header line.
        let Some((cols, body)) = header_at(&ls, k) else {
            k += 1;
            continue;
        };
        let end = table_end(&ls, body, &cols);
        if end > body {
            let cols: Columns = cols
                .into_iter()
                .map(|(c, ks)| (c, ks.into_iter().map(|x| x - k).collect()))
                .collect();
            let blocks = rebuild(src, &ls[k..end], &cols, body - k);
            if blocks.len() > 1 {
                out.push(FlatTable {
                    lines: ls[k].line..ls[end - 1].line + 1,
                    blocks,
                });
            }
        }
        k = end.max(k + 1);
    }
    out
}

/// Where the table ends: at an attachment line, a new header, or a heading in a numbering style
/// the table's rows never used (三、保障措施 after the table).
fn table_end(ls: &[L<'_>], body: usize, cols: &[(Col, Vec<usize>)]) -> usize {
    let mut seen: Vec<Style> = Vec::new();
    let mut k = body;
    while let Some(l) = ls.get(k) {
        if k > body
            && (l.text.starts_with("附件") || l.text.starts_with("附表"))
            && l.text.chars().count() <= 40
        {
            break;
        }
        if let Some((s, _, with_text)) = label(l.text) {
            if with_text
                && !seen.contains(&s)
                && matches!(s, Style::CnComma | Style::Chapter | Style::Article)
                && k > body + cols.len()
            {
                break;
            }
            if !seen.contains(&s) {
                seen.push(s);
            }
        }
        k += 1;
    }
    k
}

/// Rebuilds the rows of a flattened table: `ls` holds the header lines (`body` of them) and
/// the body lines.
fn rebuild(src: &str, ls: &[L<'_>], cols: &[(Col, Vec<usize>)], body: usize) -> Vec<Block> {
    let piece = |l: &L<'_>| NormText::from_pieces(src, std::slice::from_ref(&l.range));
    let mut blocks = Vec::new();
    let header_cells: Vec<NormText> = cols
        .iter()
        .map(|(_, ks)| {
            let ranges: Vec<Range<usize>> = ks.iter().map(|&k| ls[k].range.clone()).collect();
            NormText::from_pieces(src, &ranges)
        })
        .collect();
    blocks.push(Block {
        norm: NormText::join(ls[..body].iter().map(piece).collect(), '\t'),
        cells: Some(header_cells),
    });
    let rows = &ls[body..];
    // The row numbering: the label style used most often (the tasks); other styles that
    // label lines are groups (一 推进…, （一） 提升…, 1、改善…).
    let mut counts: Vec<(Style, usize)> = Vec::new();
    for l in rows {
        if let Some((s, _, _)) = label(l.text) {
            match counts.iter_mut().find(|c| c.0 == s) {
                Some(c) => c.1 += 1,
                None => counts.push((s, 1)),
            }
        }
    }
    let task_style = counts
        .iter()
        .max_by_key(|c| c.1)
        .filter(|c| c.1 >= 2)
        .map(|c| c.0);
    let group_styles: Vec<Style> = counts
        .iter()
        .filter(|c| Some(c.0) != task_style && c.1 >= 1)
        .map(|c| c.0)
        .collect();
    // `|` lines linking cells: a line not linked to the one before starts a row.
    let linked = rows.iter().filter(|l| l.linked).count();
    let by_links = linked > 0 && linked * 3 >= rows.len();

    let task_at = cols.iter().position(|c| c.0 == Col::Task);
    let number_at = cols.iter().position(|c| c.0 == Col::Number);
    let mut k = 0;
    while k < rows.len() {
        let l = &rows[k];
        let lab = label(l.text);
        // A group row: a label in a group style, with its title on the same or the next line.
        if let Some((s, _, with_text)) = lab
            && group_styles.contains(&s)
            && (!by_links || !l.linked)
        {
            let mut parts = vec![piece(l)];
            let mut next = k + 1;
            if !with_text
                && let Some(t) = rows.get(next)
                && label(t.text).is_none()
                && look(t.text) != Look::Units
                && t.text.chars().count() <= 40
            {
                parts.push(piece(t));
                next += 1;
            }
            let sep = if with_text || matches!(s, Style::CnParen | Style::ArabicParen) {
                ' '
            } else {
                '、'
            };
            blocks.push(Block {
                norm: NormText::join(parts.clone(), '\t'),
                cells: Some(vec![NormText::join(parts, sep)]),
            });
            k = next;
            continue;
        }
        // A task row runs to the next row start.
        let starts_row = |j: usize| -> bool {
            let t = &rows[j];
            if by_links {
                return !t.linked;
            }
            match label(t.text) {
                Some((s, _, _)) => Some(s) == task_style || group_styles.contains(&s),
                None => false,
            }
        };
        let mut end = k + 1;
        while end < rows.len() && !starts_row(end) {
            end += 1;
        }
        // Without row numbers, a row ends after its units: the next text line starts a new row.
        if task_style.is_none() && !by_links {
            let mut seen_units = false;
            let mut j = k + 1;
            while j < end {
                let lk = look(rows[j].text);
                if seen_units && lk == Look::Text {
                    end = j;
                    break;
                }
                seen_units |= lk == Look::Units;
                j += 1;
            }
        }
        blocks.push(row_block(src, &rows[k..end], cols, task_at, number_at));
        k = end;
    }
    blocks
}

/// Assigns a row's lines to the header's columns and builds the row's cells.
fn row_block(
    src: &str,
    rows: &[L<'_>],
    cols: &[(Col, Vec<usize>)],
    task_at: Option<usize>,
    number_at: Option<usize>,
) -> Block {
    let piece = |l: &L<'_>| NormText::from_pieces(src, std::slice::from_ref(&l.range));
    let mut cells: Vec<Vec<NormText>> = vec![Vec::new(); cols.len()];
    let mut rest: &[L<'_>] = rows;
    let mut first_col = 0;
    if let Some(first) = rows.first() {
        match label(first.text) {
            // 12 alone: the number cell; the columns after it take the lines that follow.
            Some((_, _, false)) => {
                if let Some(n) = number_at {
                    cells[n].push(piece(first));
                }
                rest = &rows[1..];
                first_col = number_at.map_or(0, |n| n + 1);
            }
            // （1）建设精品道路300条。: the task cell itself, number included.
            Some((_, _, true)) if task_at.is_some() => {
                let t = task_at.unwrap_or(0);
                cells[t].push(piece(first));
                rest = &rows[1..];
                first_col = t + 1;
            }
            _ => {}
        }
    }
    let assign = align(rest, &cols[first_col.min(cols.len())..]);
    for (l, c) in rest.iter().zip(assign) {
        if let Some(c) = c {
            cells[first_col + c].push(piece(l));
        }
    }
    let built: Vec<NormText> = cols
        .iter()
        .zip(cells)
        .map(|((col, _), parts)| {
            let sep = match col {
                Col::Lead | Col::Participate | Col::Responsible => '、',
                _ => '\n',
            };
            NormText::join(parts, sep)
        })
        .collect();
    Block {
        norm: NormText::join(rows.iter().map(piece).collect(), '\t'),
        cells: Some(built),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Deadline,
    Units,
    /// A column that takes no line after the row's start (序号).
    Fixed,
}

fn kind_of(c: Col) -> Kind {
    match c {
        Col::Lead | Col::Participate | Col::Responsible => Kind::Units,
        Col::Deadline => Kind::Deadline,
        Col::Number => Kind::Fixed,
        _ => Kind::Text,
    }
}

/// Cost of putting a line that looks like `l` in a column of kind `k`.
fn fit(l: Look, k: Kind) -> f64 {
    match (l, k) {
        (_, Kind::Fixed) => 20.0,
        (Look::Units, Kind::Units)
        | (Look::Text, Kind::Text)
        | (Look::Deadline, Kind::Deadline) => 0.0,
        (Look::Deadline, Kind::Text) => 1.0,
        (Look::Text, Kind::Deadline) => 2.5,
        (Look::Units, Kind::Text) => 3.0,
        (Look::Units, Kind::Deadline) => 5.0,
        (Look::Text | Look::Deadline, Kind::Units) => 6.0,
    }
}

/// Aligns the lines, in order, with the columns, in order: each line goes to one column, a
/// column may take several lines (a cell printed over several lines) or none (a merged cell).
/// Extra lines are cheapest in the first column of a kind (a lead cell of two lines), and
/// columns left empty cheapest at the end (one unit named for three unit columns leads).
fn align(lines: &[L<'_>], cols: &[(Col, Vec<usize>)]) -> Vec<Option<usize>> {
    let n = lines.len();
    let m = cols.len();
    if m == 0 {
        return vec![None; n];
    }
    let looks: Vec<Look> = lines.iter().map(|l| look(l.text)).collect();
    let kinds: Vec<Kind> = cols.iter().map(|c| kind_of(c.0)).collect();
    let task = |j: usize| cols[j].0 == Col::Task;
    // best[i][j][f]: least cost for lines i.. with the current column j, f = j has a line.
    const INF: f64 = f64::INFINITY;
    let mut best = vec![vec![[INF; 2]; m + 1]; n + 1];
    let mut choice = vec![vec![[0u8; 2]; m + 1]; n + 1];
    best[n][m] = [0.0; 2];
    let skip_cost = |j: usize| -> f64 {
        if task(j) {
            10.0
        } else {
            0.4 + 0.01 * (m - j) as f64
        }
    };
    for j in (0..m).rev() {
        for f in 0..2 {
            best[n][j][f] = (if f == 1 { 0.0 } else { skip_cost(j) }) + best[n][j + 1][0];
        }
    }
    for i in (0..n).rev() {
        // Lines left over when the columns are used up are dropped.
        best[i][m] = [8.0 * (n - i) as f64; 2];
        choice[i][m] = [2; 2];
        for j in (0..m).rev() {
            for f in 0..2 {
                // Put line i in column j.
                let extra = if f == 1 { 0.6 + 0.01 * j as f64 } else { 0.0 };
                let put = fit(looks[i], kinds[j]) + extra + best[i + 1][j][1];
                // Move on to column j + 1.
                let next = (if f == 1 { 0.0 } else { skip_cost(j) }) + best[i][j + 1][0];
                // Drop the line (nothing fits).
                let drop = 8.0 + best[i + 1][j][f];
                let (c, v) = [(0u8, put), (1, next), (2, drop)]
                    .into_iter()
                    .fold((0u8, INF), |a, b| if b.1 < a.1 { b } else { a });
                best[i][j][f] = v;
                choice[i][j][f] = c;
            }
        }
    }
    let mut out = vec![None; n];
    let (mut i, mut j, mut f) = (0, 0, 0);
    while i < n && j < m {
        match choice[i][j][f] {
            0 => {
                out[i] = Some(j);
                i += 1;
                f = 1;
            }
            1 => {
                j += 1;
                f = 0;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(src: &str) -> Vec<(Range<usize>, bool)> {
        let mut out = Vec::new();
        let mut at = 0;
        for l in src.split('\n') {
            out.push((at..at + l.len(), l.trim().is_empty()));
            at += l.len() + 1;
        }
        out
    }

    fn rows(src: &str) -> Vec<Vec<String>> {
        find(src, &spans(src))
            .into_iter()
            .flat_map(|t| t.blocks)
            .map(|b| {
                b.cells
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| c.text)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn rows_are_rebuilt_from_one_cell_per_line() {
        let src = "附表\n序号\n重点任务\n具体工作\n时间进度\n责任部门\n一\n推进综合管理\n1\n全力推进目标进度，明确年度任务\n全年推进\n发展改革委、生态环境局等\n2\n编制排放清单\n年内完成\n生态环境局\n";
        assert_eq!(
            rows(src),
            [
                vec!["序号", "重点任务", "具体工作", "时间进度", "责任部门"],
                vec!["一、推进综合管理"],
                vec![
                    "1",
                    "",
                    "全力推进目标进度，明确年度任务",
                    "全年推进",
                    "发展改革委、生态环境局等"
                ],
                vec!["2", "", "编制排放清单", "年内完成", "生态环境局"],
            ]
        );
    }

    #[test]
    fn broken_header_cells_are_joined_and_extra_unit_lines_go_to_the_lead() {
        let src = "重点任务\n2024年\n2025年\n牵头\n部门\n配合\n部门\n（1）建设道路300条。\n建设100条。\n建设200条。\n设施运行处\n设施养护处\n各区\n（2）改造站台。\n完成。\n完成。\n";
        assert_eq!(
            rows(src),
            [
                vec!["重点任务", "2024年", "2025年", "牵头部门", "配合部门"],
                vec![
                    "（1）建设道路300条。",
                    "建设100条。",
                    "建设200条。",
                    "设施运行处、设施养护处",
                    "各区"
                ],
                vec!["（2）改造站台。", "完成。", "完成。", "", ""],
            ]
        );
    }
}
