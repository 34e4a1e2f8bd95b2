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
}
