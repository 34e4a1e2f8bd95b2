//! Rewriting a workbook with changed cells: reads every sheet (values and formulas) and writes a
//! new workbook with the same sheets, hidden state and cells, after the caller has changed them.
//! This is how tests and scripts fill a template programmatically, independently of the code that
//! generated it; it keeps values, not formatting.

use crate::settings::ReportingSettings;
use crate::xlsx::{ImportError, open_workbook};
use calamine::{Data, DataType, Reader, SheetVisible};
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::collections::BTreeMap;

/// A cell's content in a copied workbook.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
    /// A formula without the leading `=`.
    Formula(String),
}

/// One sheet of a copied workbook; change it freely before it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetCopy {
    pub name: String,
    pub visible: SheetVisible,
    /// Cells by 0-based (row, column).
    pub cells: BTreeMap<(u32, u16), CellValue>,
    /// Set to false to leave the sheet out.
    pub keep: bool,
}

impl SheetCopy {
    /// Sets the cell at an A1 reference such as `L5`.
    pub fn set(&mut self, a1: &str, value: CellValue) {
        let (r, c) = parse_a1(a1).expect("a valid A1 reference");
        self.cells.insert((r, c), value);
    }

    /// Moves column `from` to just before column `to` (0-based), shifting the ones between.
    pub fn move_column(&mut self, from: u16, to: u16) {
        let remap = |c: u16| -> u16 {
            if c == from {
                if to > from { to - 1 } else { to }
            } else if from < c && c < to {
                c - 1
            } else if to <= c && c < from {
                c + 1
            } else {
                c
            }
        };
        self.cells = std::mem::take(&mut self.cells)
            .into_iter()
            .map(|((r, c), v)| ((r, remap(c)), v))
            .collect();
    }

    /// The row (0-based) whose column `col` holds exactly `text`.
    pub fn find_row(&self, col: u16, text: &str) -> Option<u32> {
        self.cells.iter().find_map(|((r, c), v)| {
            (*c == col && matches!(v, CellValue::Text(t) if t == text)).then_some(*r)
        })
    }
}

/// Parses an A1 reference (`L5` → row 4, column 11).
pub fn parse_a1(a1: &str) -> Option<(u32, u16)> {
    let split = a1.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = a1.split_at(split);
    if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let mut col: u32 = 0;
    for ch in letters.chars() {
        col = col * 26 + (u32::from(ch) - u32::from('A') + 1);
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, u16::try_from(col - 1).ok()?))
}

/// Reads `bytes`, lets `change` edit every sheet, and writes the result.
pub fn copy_with(
    bytes: &[u8],
    mut change: impl FnMut(&mut SheetCopy),
) -> Result<Vec<u8>, ImportError> {
    let mut wb = open_workbook(bytes, &ReportingSettings::default())?;
    let meta = wb.sheets_metadata().to_vec();
    let mut sheets = Vec::new();
    for m in meta {
        let values = wb
            .worksheet_range(&m.name)
            .map_err(|e| ImportError::Corrupt(e.to_string()))?;
        let formulas = wb
            .worksheet_formula(&m.name)
            .map_err(|e| ImportError::Corrupt(e.to_string()))?;
        let mut cells = BTreeMap::new();
        let (vr, vc) = values.start().unwrap_or((0, 0));
        for (r, c, d) in values.used_cells() {
            let key = (vr + to_u32(r), to_u16(vc as usize + c));
            let v = match d {
                Data::String(s) => CellValue::Text(s.clone()),
                Data::Float(f) => CellValue::Number(*f),
                Data::Int(i) => CellValue::Number(*i as f64),
                Data::Bool(b) => CellValue::Bool(*b),
                Data::DateTime(_) | Data::DateTimeIso(_) => match d.as_date() {
                    Some(x) => CellValue::Date(x),
                    None => continue,
                },
                _ => continue,
            };
            cells.insert(key, v);
        }
        let (fr, fc) = formulas.start().unwrap_or((0, 0));
        for (r, c, f) in formulas.used_cells() {
            if !f.is_empty() {
                cells.insert(
                    (fr + to_u32(r), to_u16(fc as usize + c)),
                    CellValue::Formula(f.clone()),
                );
            }
        }
        let mut s = SheetCopy {
            name: m.name.clone(),
            visible: m.visible,
            cells,
            keep: true,
        };
        change(&mut s);
        sheets.push(s);
    }
    write(&sheets).map_err(|e| ImportError::Corrupt(e.to_string()))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("a worksheet has fewer than 2^32 rows")
}

fn to_u16(n: usize) -> u16 {
    u16::try_from(n).expect("a worksheet has fewer than 2^16 columns")
}

fn write(sheets: &[SheetCopy]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for s in sheets.iter().filter(|s| s.keep) {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name)?;
        for (&(r, c), v) in &s.cells {
            match v {
                CellValue::Text(t) => ws.write_string(r, c, t)?,
                CellValue::Number(n) => ws.write_number(r, c, *n)?,
                CellValue::Bool(b) => ws.write_boolean(r, c, *b)?,
                CellValue::Date(d) => ws.write_date_with_format(r, c, d, &date)?,
                CellValue::Formula(f) => ws.write_formula(r, c, format!("={f}").as_str())?,
            };
        }
        match s.visible {
            SheetVisible::Visible => {}
            SheetVisible::Hidden => {
                ws.set_hidden(true);
            }
            SheetVisible::VeryHidden => {
                ws.set_very_hidden(true);
            }
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_references_parse() {
        assert_eq!(parse_a1("A1"), Some((0, 0)));
        assert_eq!(parse_a1("L5"), Some((4, 11)));
        assert_eq!(parse_a1("AA10"), Some((9, 26)));
        assert_eq!(parse_a1("A0"), None);
        assert_eq!(parse_a1("5"), None);
        assert_eq!(parse_a1("a1"), None);
    }

    #[test]
    fn moving_a_column_shifts_the_ones_between() {
        let mut s = SheetCopy {
            name: "s".into(),
            visible: SheetVisible::Visible,
            cells: (0..5u16)
                .map(|c| ((0, c), CellValue::Number(f64::from(c))))
                .collect(),
            keep: true,
        };
        s.move_column(3, 1);
        let order: Vec<_> = (0..5u16).map(|c| s.cells[&(0, c)].clone()).collect();
        assert_eq!(
            order,
            [0.0, 3.0, 1.0, 2.0, 4.0].map(CellValue::Number).to_vec()
        );
    }
}
