//! Bytes that are not a plan's text: each is a clear error that says what to do.

mod common;

use planwatch_plantext::{InputError, extract_bytes};
use std::io::Write;

fn err(bytes: &[u8], name: &str) -> InputError {
    extract_bytes(bytes, name).expect_err("not a plan")
}

#[test]
fn an_empty_file_is_an_error() {
    assert_eq!(err(b"", "a.txt"), InputError::Empty);
    assert_eq!(err(b" \r\n\t\n", "a.txt"), InputError::Empty);
    assert_eq!(err(&[0xEF, 0xBB, 0xBF], "a.txt"), InputError::Empty);
}

#[test]
fn a_binary_file_is_an_error() {
    let elf = [
        0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0,
    ];
    assert!(matches!(err(&elf, "planwatch"), InputError::Binary(_)));
    let png = [
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d,
    ];
    assert!(matches!(err(&png, "a.png"), InputError::Binary(_)));
}

#[test]
fn text_in_no_known_encoding_is_an_error() {
    assert_eq!(
        err(&[0x80, 0xFF, 0x80, 0xFF], "a.txt"),
        InputError::Undecodable
    );
}

#[test]
fn a_broken_pdf_and_legacy_word_files_say_what_is_wrong() {
    let e = err(b"%PDF-1.7\n%\xe2\xe3", "a.pdf");
    assert!(matches!(&e, InputError::Pdf(m) if m.contains("PDF")), "{e}");
    assert_eq!(
        err(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], "a.doc"),
        InputError::LegacyWord
    );
    assert!(InputError::LegacyWord.to_string().contains("LibreOffice"));
    assert!(InputError::Scanned { pages: 3 }.to_string().contains("OCR"));
}

#[test]
fn a_zip_that_is_not_a_word_document_is_an_error() {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        zip.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default())
            .expect("entry");
        zip.write_all(b"<workbook/>").expect("write");
        zip.finish().expect("zip");
    }
    let e = err(&buf.into_inner(), "a.xlsx");
    assert!(
        matches!(&e, InputError::Docx(m) if m.contains("word/document.xml")),
        "{e}"
    );
}

#[test]
fn a_truncated_docx_is_an_error() {
    let bytes = common::docx(&["（1）建设平台。", "牵头单位：市科技局"], &[]);
    assert!(matches!(
        err(&bytes[..bytes.len() / 2], "a.docx"),
        InputError::Docx(_)
    ));
}

#[test]
fn a_docx_without_text_is_empty() {
    assert_eq!(
        err(&common::docx(&["", ""], &[]), "a.docx"),
        InputError::Empty
    );
}

#[test]
fn every_message_is_chinese_then_english() {
    for e in [
        InputError::Empty,
        InputError::Binary("x".into()),
        InputError::Undecodable,
        InputError::Pdf("x".into()),
        InputError::Scanned { pages: 2 },
        InputError::Html("x".into()),
        InputError::LegacyWord,
        InputError::Docx("x".into()),
        InputError::TooLong { chars: 2, max: 1 },
    ] {
        let m = e.to_string();
        assert!(m.chars().next().is_some_and(|c| !c.is_ascii()), "{m}");
        assert!(m.ends_with(')') && !m.contains('\n'), "{m}");
    }
}
