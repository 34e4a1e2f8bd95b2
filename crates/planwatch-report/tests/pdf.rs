//! PDF writer tests: typeset the sample document and read it back with pdftotext.

mod common;

use planwatch_report::ReportConfig;
use planwatch_report::pdf::PdfEngine;

#[test]
fn the_sample_document_typesets_without_warnings() {
    let engine = PdfEngine::new(common::fonts(), ReportConfig::default().layout);
    let (pdf, warnings) = engine
        .render_with_warnings(&common::sample_document(true))
        .expect("typesets");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(pdf.starts_with(b"%PDF"));
    std::fs::write(common::out_dir().join("sample.pdf"), &pdf).expect("write");
}
