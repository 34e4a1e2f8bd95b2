//! Source spans: where in the original text an extracted item came from.

use serde::{Deserialize, Serialize};

/// A place in the source text. `line` and `column` are 1-based and count characters (not
/// bytes); `start..end` is the byte range in the decoded source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub start: usize,
    pub end: usize,
}
