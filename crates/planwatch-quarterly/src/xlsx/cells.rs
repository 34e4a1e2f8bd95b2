//! Reading single cells strictly: text, numbers (with the usual ways people type them: full-width
//! digits, thousands separators, a trailing %), dates in the usual spellings, and refusing
//! formulas and error values in cells that hold input.

use crate::xlsx::{SheetData, SheetIssue};
use calamine::{Data, DataType};
use chrono::NaiveDate;

/// The Excel column letter of a 0-based column: 0 → A, 26 → AA.
pub fn col_letter(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = u8::try_from((n - 1) % 26).expect("below 26");
        s.push(char::from(b'A' + r));
        n = (n - 1) / 26;
    }
    s.iter().rev().collect()
}

/// `s` as one Excel cell can hold it: cut at 32 767 UTF-16 code units, Excel's limit (which
/// rust_xlsxwriter enforces with an error). The form writers write every text through this, so a
/// form can always be written; the reader then refuses an over-long field with its own, much
/// lower limit (`validate::text_limits`).
pub fn excel_text(s: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = crate::validate::text_limits::EXCEL_CELL;
    // A UTF-16 code unit takes at least one UTF-8 byte.
    if s.len() <= MAX {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut units = 0;
    let mut end = 0;
    for (i, ch) in s.char_indices() {
        units += ch.len_utf16();
        if units > MAX {
            break;
        }
        end = i + ch.len_utf8();
    }
    if end == s.len() {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s[..end].to_string())
    }
}

/// Any cell as text (numbers without a trailing `.0`, dates as YYYY-MM-DD).
pub fn data_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) => crate::validate::fmt_num(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(_) | Data::DateTimeIso(_) => d
            .as_date()
            .map(|x| x.to_string())
            .unwrap_or_else(|| d.to_string()),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Full-width digits and signs to ASCII, thousands separators and spaces removed.
fn normalise_number_text(s: &str) -> String {
    s.trim()
        .chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
            '．' | '。' => Some('.'),
            '－' | '—' | '−' => Some('-'),
            '＋' => Some('+'),
            '％' => Some('%'),
            ',' | '，' | ' ' | '\u{3000}' | '\u{a0}' => None,
            c => Some(c),
        })
        .collect()
}

/// Parses a number typed as text; `percent_ok` accepts a trailing % (12.5% → 12.5).
pub fn parse_number_text(s: &str, percent_ok: bool) -> Option<f64> {
    let mut t = normalise_number_text(s);
    if percent_ok && t.ends_with('%') {
        t.pop();
    }
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Parses a date written as text: 2023-08-15, 2023/8/15, 2023.8.15, 2023年8月15日, 20230815.
pub fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let t = normalise_number_text(s);
    let t = t.trim_end_matches('日');
    let parts: Vec<&str> = t
        .split(['-', '/', '.', '年', '月'])
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [y, m, d] => NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        [ymd] if ymd.len() == 8 => NaiveDate::parse_from_str(ymd, "%Y%m%d").ok(),
        _ => None,
    }
}

/// A cell could not be used; the reason is already among the collected issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRefused;

/// Reads input cells of one sheet, collecting problems with their location.
pub struct CellReader<'a> {
    pub sheet: &'a SheetData,
    pub issues: &'a mut Vec<SheetIssue>,
}

impl CellReader<'_> {
    fn issue(&mut self, row: u32, col: u16, msg: String) {
        self.issues
            .push(SheetIssue::cell(&self.sheet.name, row, col, msg));
    }

    /// Refuses formulas and error values in an input cell; returns whether the cell is usable.
    fn plain(&mut self, row: u32, col: u16, what: &str) -> bool {
        if let Some(f) = self.sheet.formula(row, col) {
            self.issue(
                row,
                col,
                format!("“{what}”含公式（={f}），请改为直接填写内容（复制后“选择性粘贴→数值”）"),
            );
            return false;
        }
        if let Data::Error(e) = self.sheet.value(row, col) {
            self.issue(row, col, format!("“{what}”是错误值 #{e:?}，请改为有效内容"));
            return false;
        }
        true
    }

    /// Text input of at most `max` characters (`validate::text_limits`); a longer text is a
    /// problem at its cell and is returned as it is.
    pub fn text_at_most(&mut self, row: u32, col: u16, what: &str, max: usize) -> String {
        let text = self.text(row, col, what);
        if let Some(msg) = crate::validate::text_too_long(what, &text, max) {
            self.issue(row, col, msg);
        }
        text
    }

    /// Text input.
    pub fn text(&mut self, row: u32, col: u16, what: &str) -> String {
        if !self.plain(row, col, what) {
            return String::new();
        }
        data_text(self.sheet.value(row, col))
    }

    /// Numeric input; `None` when blank.
    pub fn number(
        &mut self,
        row: u32,
        col: u16,
        what: &str,
        percent_ok: bool,
    ) -> Result<Option<f64>, CellRefused> {
        if !self.plain(row, col, what) {
            return Err(CellRefused);
        }
        match self.sheet.value(row, col) {
            Data::Empty => Ok(None),
            Data::Float(f) if f.is_finite() => Ok(Some(*f)),
            Data::Int(i) => Ok(Some(*i as f64)),
            Data::String(s) if s.trim().is_empty() => Ok(None),
            Data::String(s) => match parse_number_text(s, percent_ok) {
                Some(v) => Ok(Some(v)),
                None => {
                    self.issue(
                        row,
                        col,
                        format!("“{what}”应为数字，实际为文本“{}”；请只填写数字（单位已在表头或“单位”列给出）", s.trim()),
                    );
                    Err(CellRefused)
                }
            },
            d @ (Data::DateTime(_) | Data::DateTimeIso(_)) => {
                let shown = data_text(d);
                self.issue(
                    row,
                    col,
                    format!("“{what}”应为数字，实际为日期“{shown}”；请检查单元格格式"),
                );
                Err(CellRefused)
            }
            other => {
                let shown = data_text(other);
                self.issue(row, col, format!("“{what}”应为数字，实际为“{shown}”"));
                Err(CellRefused)
            }
        }
    }

    /// Date input; `None` when blank.
    pub fn date(
        &mut self,
        row: u32,
        col: u16,
        what: &str,
    ) -> Result<Option<NaiveDate>, CellRefused> {
        if !self.plain(row, col, what) {
            return Err(CellRefused);
        }
        let d = self.sheet.value(row, col);
        let parsed = match d {
            Data::Empty => return Ok(None),
            Data::String(s) if s.trim().is_empty() => return Ok(None),
            Data::DateTime(_) | Data::DateTimeIso(_) => d.as_date(),
            // A date serial in a cell without a date format.
            Data::Float(f) if (1.0..2_958_466.0).contains(f) => {
                NaiveDate::from_ymd_opt(1899, 12, 30)
                    .and_then(|base| base.checked_add_days(chrono::Days::new(f.trunc() as u64)))
            }
            Data::Int(i) if (1..2_958_466).contains(i) => NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|base| base.checked_add_days(chrono::Days::new(*i as u64))),
            Data::String(s) => parse_date_text(s),
            _ => None,
        };
        match parsed {
            Some(x) => Ok(Some(x)),
            None => {
                let shown = data_text(d);
                self.issue(
                    row,
                    col,
                    format!("“{what}”应为日期（如 2023-08-15），实际为“{shown}”"),
                );
                Err(CellRefused)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(col_letter(0), "A");
        assert_eq!(col_letter(25), "Z");
        assert_eq!(col_letter(26), "AA");
        assert_eq!(col_letter(701), "ZZ");
        assert_eq!(col_letter(702), "AAA");
    }

    #[test]
    fn numbers_typed_as_text_are_read_the_usual_ways() {
        assert_eq!(parse_number_text("1,200", false), Some(1200.0));
        assert_eq!(parse_number_text("１２０", false), Some(120.0));
        assert_eq!(parse_number_text(" 3.5 ", false), Some(3.5));
        assert_eq!(parse_number_text("12.5%", true), Some(12.5));
        assert_eq!(parse_number_text("12.5%", false), None);
        assert_eq!(parse_number_text("约120", false), None);
        assert_eq!(parse_number_text("120家", false), None);
        assert_eq!(parse_number_text("inf", false), None);
        assert_eq!(parse_number_text("", false), None);
    }

    #[test]
    fn dates_are_read_in_the_usual_spellings() {
        let want = NaiveDate::from_ymd_opt(2023, 8, 15);
        for s in [
            "2023-08-15",
            "2023/8/15",
            "2023.8.15",
            "2023年8月15日",
            "20230815",
            "２０２３-８-１５",
        ] {
            assert_eq!(parse_date_text(s), want, "{s}");
        }
        assert_eq!(parse_date_text("2023-02-30"), None);
        assert_eq!(parse_date_text("八月中旬"), None);
    }
}
