//! Plan text → plan draft plus diagnostics. Never panics and never fails on text; only input that
//! is not text at all (empty, binary, undecodable) is an error. No IO beyond the bytes given.
//!
//! The pipeline (see `ARCHITECTURE.md`): [`decode`] bytes (UTF-8, GB18030, .docx, a PDF's text
//! layer, a web page's article) → `layout`
//! joins lines broken by page breaks into blocks → `outline` learns the heading levels and
//! which level holds the tasks → `units`, `targets` and `table` read each task → `finish`
//! groups indicators and reports diagnostics with line and column.

mod chars;
mod clauses;
mod decode;
mod docx;
mod docx_numbering;
mod extract;
mod finish;
mod flat_table;
mod html;
mod indicators;
mod layout;
mod lexicon;
mod naming;
mod numbering;
mod numbers;
mod outline;
mod parts;
mod pdf;
pub mod pdf_guard;
mod pdf_table;
mod sheets;
mod source;
mod summary;
mod table;
mod targets;
mod typos;
mod units;

pub use decode::{Decoded, InputError, MAX_TEXT_CHARS, Origin, decode, decode_document, is_pdf};
pub use html::MAX_HTML_BYTES;
pub use sheets::{MAX_CELL_CHARS, extract_sheets};
pub use summary::summary_zh;

use planwatch_model::{Diagnostic, Plan, Severity, Span};

/// The Yangquan plan (阳泉市国家创新型城市建设三年行动计划（2022—2024年）), the embedded default.
pub const YANGQUAN_PLAN: &str = include_str!("../../../fixtures/plans/yangquan-2022-2024.txt");

/// A diagnostic with its full source span, before it becomes a model `Diagnostic`.
#[derive(Debug, Clone)]
pub(crate) struct Diag {
    pub(crate) span: Span,
    pub(crate) severity: Severity,
    pub(crate) code: String,
    pub(crate) message: String,
}

/// Extracts a plan from text. Never fails: what could not be read is reported in
/// `Plan::diagnostics`.
pub fn extract_text(text: &str) -> Plan {
    // The extractor is written not to panic (property-tested). Should a bug slip through, the
    // caller still gets a plan that cannot be imported, with the reason, instead of a crash.
    match std::panic::catch_unwind(|| extract::extract(text)) {
        Ok(plan) => plan,
        Err(_) => Plan {
            diagnostics: vec![Diagnostic {
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

/// Extracts a plan from a file's bytes: UTF-8 (with or without BOM), UTF-16 with BOM,
/// GB18030/GBK, .docx, a PDF with a text layer or a saved web page. `file_name` feeds hints in
/// error messages and recognises a web page by its extension. Spans of a PDF carry the page and
/// the line on it; spans of a web page the line of the HTML source (`Span::source_line`).
pub fn extract_bytes(bytes: &[u8], file_name: &str) -> Result<Plan, InputError> {
    Ok(extract_decoded(&decode_document(bytes, file_name)?))
}

/// Extracts a plan from decoded text with its origin: as [`extract_bytes`] does once the file
/// is decoded (the web's preview carries the text and the origin between its steps).
pub fn extract_decoded(decoded: &Decoded) -> Plan {
    let mut plan = extract_text(&decoded.text);
    place_spans(&mut plan, decoded);
    plan
}

/// Sets where each span of `plan` lies in the original file, from its line in the decoded text:
/// a PDF's page and the line on it (form feeds in the text), a web page's source line. A span
/// whose line is not in the text gets no place. The web preview uses it on a plan the office
/// corrected, whose spans came back from the page.
pub fn place_spans(plan: &mut Plan, decoded: &Decoded) {
    let index = source::LineIndex::new(&decoded.text);
    let html = match &decoded.origin {
        Origin::Html { source_lines } => Some(source_lines),
        Origin::Text | Origin::Pdf { .. } => None,
    };
    for_each_span(plan, |s| {
        let at = usize::try_from(s.line)
            .unwrap_or(usize::MAX)
            .saturating_sub(1);
        let known = s.line >= 1 && at < index.lines();
        let page = index.page_of(at).filter(|_| known);
        s.page = page.map(|p| p.0);
        s.source_line = match html {
            Some(lines) => lines.get(at).copied().filter(|_| known),
            None => page.map(|p| p.1),
        };
    });
}

/// Calls `f` on every span of the plan.
fn for_each_span(plan: &mut Plan, mut f: impl FnMut(&mut Span)) {
    let mut on = |s: &mut Option<Span>| {
        if let Some(s) = s {
            f(s);
        }
    };
    for g in &mut plan.goals {
        on(&mut g.span);
    }
    for s in &mut plan.sections {
        on(&mut s.span);
    }
    for t in &mut plan.tasks {
        on(&mut t.span);
        for x in &mut t.targets {
            on(&mut x.span);
        }
        for m in &mut t.milestones {
            on(&mut m.span);
        }
    }
    for g in &mut plan.guarantee_measures {
        on(&mut g.span);
    }
    for i in &mut plan.indicators {
        for m in &mut i.mentions {
            on(&mut m.span);
        }
    }
    for u in &mut plan.unit_details {
        on(&mut u.span);
    }
}
