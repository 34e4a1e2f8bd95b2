//! Source spans: where in the original text an extracted item came from.

use serde::{Deserialize, Serialize};

/// A place in the source. For a text, `line` and `column` are 1-based and count characters (not
/// bytes), and `start..end` is the byte range in the decoded source text. For a workbook
/// (`sheet` is set), `sheet` is the 1-based index of the sheet among those read, `line` the
/// 1-based row, `column` the 1-based column (A = 1), and `start..end` the byte range within that
/// cell's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub start: usize,
    pub end: usize,
    /// 1-based sheet index, for a place in a workbook; `None` for a text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<u32>,
    /// For a text read out of a PDF (pages separated by form feeds, as the PDF reader and
    /// `pdftotext` write them): the 1-based page the place is on. `None` for a text without pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Where the place is in the original file when that file was not the text itself: for a
    /// PDF the 1-based line on page `page`; for a web page the 1-based line of the HTML source
    /// where the element holding the text begins. `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_line: Option<u32>,
}

impl Span {
    /// Where the place is, in Chinese, for a person: 第 3 页第 12 行 (a PDF), 第 40 行 (the
    /// HTML source of a web page), 第 2 张表第 5 行 (a workbook), 第 12 行 (a text).
    pub fn place_zh(&self) -> String {
        match (self.sheet, self.page, self.source_line) {
            (Some(sheet), _, _) => format!("第 {sheet} 张表第 {} 行", self.line),
            (None, Some(page), Some(line)) => format!("第 {page} 页第 {line} 行"),
            (None, Some(page), None) => format!("第 {page} 页"),
            (None, None, Some(line)) => format!("网页源文件第 {line} 行"),
            (None, None, None) => format!("第 {} 行", self.line),
        }
    }
}
