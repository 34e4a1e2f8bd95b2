//! The Excel writer (rust_xlsxwriter): every table that names a sheet becomes a worksheet with
//! a title row, a frozen header, numbers stored as numbers, A4 landscape print setup and, for
//! demo data, 示例数据 in the title and the printed header. `Block::Sources` becomes a sheet of
//! its own, so the workbook keeps its traceability.

use crate::model::{Align, Block, Cell, Document, Row, Table};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError as Xe};
use std::collections::BTreeSet;

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    #[error("文档中没有可写入 Excel 的表格")]
    NoTables,
    #[error("Excel 文件写入失败（工作表“{sheet}”）：{message}")]
    Write { sheet: String, message: String },
}

/// Makes a valid, unique sheet name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(wanted: &str, used: &mut BTreeSet<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'').trim();
    let base: String = clean.chars().take(31).collect();
    let base = if base.is_empty() {
        "表".to_string()
    } else {
        base
    };
    let mut name = base.clone();
    let mut k = 2;
    while used.contains(&name.to_lowercase()) {
        let suffix = format!("({k})");
        let keep = 31 - suffix.chars().count();
        name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
        k += 1;
    }
    used.insert(name.to_lowercase());
    name
}

struct Formats {
    title: Format,
    demo: Format,
    head: Format,
    group: Format,
    cell: [Format; 3],
    note: Format,
}

fn formats(font: &str) -> Formats {
    let base = Format::new().set_font_name(font).set_font_size(10.5);
    let cell = |a: FormatAlign| {
        base.clone()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(a)
            .set_align(FormatAlign::VerticalCenter)
    };
    Formats {
        title: base
            .clone()
            .set_font_size(16)
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        demo: base
            .clone()
            .set_bold()
            .set_font_color(Color::RGB(0xC0_00_00))
            .set_align(FormatAlign::Center),
        head: cell(FormatAlign::Center)
            .set_bold()
            .set_background_color(Color::RGB(0xF2_F2_F2)),
        group: cell(FormatAlign::Left)
            .set_bold()
            .set_background_color(Color::RGB(0xF8_F8_F8)),
        cell: [
            cell(FormatAlign::Left),
            cell(FormatAlign::Center),
            cell(FormatAlign::Right),
        ],
        note: base.clone().set_text_wrap(),
    }
}

fn align_index(a: Align) -> usize {
    match a {
        Align::Left => 0,
        Align::Center => 1,
        Align::Right => 2,
    }
}

fn write_table(
    wb: &mut Workbook,
    t: &Table,
    name: &str,
    demo: bool,
    f: &Formats,
) -> Result<(), Xe> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let ncols = t.columns.len().max(1) as u16;
    let last = ncols - 1;
    let title = match &t.number {
        Some(n) => format!("{n}　{}", t.title),
        None => t.title.clone(),
    };
    let mut row: u32 = 0;
    if last > 0 {
        ws.merge_range(row, 0, row, last, &title, &f.title)?;
    } else {
        ws.write_string_with_format(row, 0, &title, &f.title)?;
    }
    ws.set_row_height(row, 30)?;
    row += 1;
    if demo {
        let text = "示例数据：本表数据为演示用的合成数据";
        if last > 0 {
            ws.merge_range(row, 0, row, last, text, &f.demo)?;
        } else {
            ws.write_string_with_format(row, 0, text, &f.demo)?;
        }
        row += 1;
        ws.set_header("&C&\"-,Bold\"&K C00000示例数据");
    }
    let header_row = row;
    for (i, c) in t.columns.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, &c.title, &f.head)?;
    }
    row += 1;
    // Widths in characters: scale the relative widths to about 150 characters (landscape A4
    // at 五号) and never narrower than the header.
    let units: f64 = t
        .columns
        .iter()
        .map(|c| f64::from(c.width))
        .sum::<f64>()
        .max(1.0);
    for (i, c) in t.columns.iter().enumerate() {
        let w =
            (f64::from(c.width) * 150.0 / units).max(c.title.chars().count() as f64 * 2.2 + 1.0);
        ws.set_column_width(i as u16, w)?;
    }
    for r in &t.rows {
        match r {
            Row::Group { text } => {
                if last > 0 {
                    ws.merge_range(row, 0, row, last, text, &f.group)?;
                } else {
                    ws.write_string_with_format(row, 0, text, &f.group)?;
                }
            }
            Row::Cells { cells } => {
                for (i, c) in cells.iter().enumerate().take(usize::from(ncols)) {
                    let col = &t.columns[i];
                    let fmt = &f.cell[align_index(col.align)];
                    write_cell(ws, row, i as u16, c, col.key, fmt)?;
                }
            }
        }
        row += 1;
    }
    if let Some(note) = &t.note {
        row += 1;
        if last > 0 {
            ws.merge_range(row, 0, row, last, note, &f.note)?;
        } else {
            ws.write_string_with_format(row, 0, note, &f.note)?;
        }
    }
    ws.set_freeze_panes(header_row + 1, 0)?;
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

fn write_cell(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    c: &Cell,
    key: bool,
    fmt: &Format,
) -> Result<(), Xe> {
    if let (Some(v), true) = (c.number, c.number.is_some_and(f64::is_finite)) {
        let nf = fmt
            .clone()
            .set_num_format(c.format.as_deref().unwrap_or("General"));
        ws.write_number_with_format(row, col, v, &nf)?;
    } else if key && let Ok(n) = c.text.parse::<u32>() {
        ws.write_number_with_format(row, col, f64::from(n), fmt)?;
    } else {
        ws.write_string_with_format(row, col, &c.text, fmt)?;
    }
    Ok(())
}

/// Writes the document's sheet tables (and its sources, when the document lists them) as an
/// .xlsx workbook. `table_font` is the family Excel should use (the table role's first family).
pub fn render(doc: &Document, table_font: &str) -> Result<Vec<u8>, XlsxError> {
    let f = formats(table_font);
    let mut wb = Workbook::new();
    let mut used = BTreeSet::new();
    let mut any = false;
    let err = |sheet: &str| {
        let sheet = sheet.to_string();
        move |e: Xe| XlsxError::Write {
            sheet: sheet.clone(),
            message: e.to_string(),
        }
    };
    for b in &doc.blocks {
        let table = match b {
            Block::Table(t) if t.sheet.is_some() => t.clone(),
            Block::Sources => doc.sources_table(),
            _ => continue,
        };
        let wanted = table.sheet.clone().unwrap_or_else(|| table.title.clone());
        let name = sheet_name(&wanted, &mut used);
        write_table(&mut wb, &table, &name, doc.demo, &f).map_err(err(&name))?;
        any = true;
    }
    if !any {
        return Err(XlsxError::NoTables);
    }
    wb.save_to_buffer().map_err(err("（保存）"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_made_valid_and_unique() {
        let mut used = BTreeSet::new();
        assert_eq!(sheet_name("附件1 主要指标", &mut used), "附件1 主要指标");
        assert_eq!(sheet_name("附件1 主要指标", &mut used), "附件1 主要指标(2)");
        assert_eq!(sheet_name("a/b:c", &mut used), "a_b_c");
        let long = "一".repeat(40);
        assert_eq!(sheet_name(&long, &mut used).chars().count(), 31);
        assert_eq!(sheet_name(&long, &mut used).chars().count(), 31);
    }
}
