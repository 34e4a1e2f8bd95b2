//! Plan text → plan draft plus diagnostics. Never panics and never fails on text; only input that
//! is not text at all (empty, binary, undecodable) is an error. No IO beyond the bytes given.

use planwatch_model::Plan;

/// Why some bytes could not be read as a plan at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("文件为空 (the file is empty)")]
    Empty,
    #[error("不是文本文件 (not a text file: {0})")]
    NotText(String),
}

/// Extracts a plan from text. (Skeleton: the extractor is being written.)
pub fn extract_text(text: &str) -> Plan {
    Plan {
        title: text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default()
            .trim()
            .to_string(),
        ..Plan::default()
    }
}
