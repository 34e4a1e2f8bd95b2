//! Evidence files (佐证材料) attached to a report: size-limited and type-checked by their content,
//! not only their name. The files are kept outside the report rows (the store saves them under
//! their SHA-256 in the data folder); a report row refers to them by name and hash.

use crate::content::hex;
use crate::settings::ReportingSettings;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Cursor;

/// An accepted evidence file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceFile {
    pub name: String,
    /// The detected type: pdf, jpg, png, docx, xlsx, pptx, doc, xls or ofd.
    pub kind: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    #[error("佐证材料“{name}”是空文件")]
    Empty { name: String },
    #[error("佐证材料“{name}”过大：{}，超过 {} 的上限；请压缩或拆分后再上传", megabytes(*.size), megabytes(*.max))]
    TooLarge { name: String, size: u64, max: u64 },
    #[error("佐证材料“{name}”的内容不是 {} 文件（可能已损坏或被改了扩展名）；可上传：{allowed}", .ext.to_uppercase())]
    NotWhatItSays {
        name: String,
        ext: String,
        allowed: String,
    },
    #[error("佐证材料“{name}”的类型无法识别或不允许；可用：{allowed}")]
    TypeNotAllowed { name: String, allowed: String },
    #[error("佐证材料“{name}”的扩展名与内容不符：扩展名为 {ext}，内容是 {detected}")]
    Mismatch {
        name: String,
        ext: String,
        detected: String,
    },
}

/// The SHA-256 of `bytes` in lower-case hex (the name an evidence file is kept under).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A size in MB for people: `20 MB`, `20.5 MB`.
pub fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    if (mb - mb.round()).abs() < 0.05 {
        format!("{} MB", mb.round())
    } else {
        format!("{mb:.1} MB")
    }
}

/// The MIME type of a detected evidence type (for downloads).
pub fn mime_type(kind: &str) -> &'static str {
    match kind {
        "pdf" => "application/pdf",
        "jpg" => "image/jpeg",
        "png" => "image/png",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "doc" => "application/msword",
        "xls" => "application/vnd.ms-excel",
        "ofd" => "application/ofd",
        _ => "application/octet-stream",
    }
}

/// The name of an evidence type for people: PDF, JPEG 图片, Word 文档 …
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "pdf" => "PDF",
        "jpg" => "JPEG 图片",
        "png" => "PNG 图片",
        "docx" | "doc" => "Word 文档",
        "xlsx" | "xls" => "Excel 表格",
        "pptx" => "PowerPoint 演示文稿",
        "ofd" => "OFD 版式文件",
        _ => "文件",
    }
}

/// Whether `bytes` contain `name` in UTF-16LE (how an OLE compound file names its streams).
fn has_stream(bytes: &[u8], name: &str) -> bool {
    let needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// Recognises a file type from its first bytes (and, for zip-based formats, its entries).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        return Some("pdf");
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some("jpg");
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Some("png");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
        let names: Vec<&str> = zip.file_names().collect();
        if names.contains(&"word/document.xml") {
            return Some("docx");
        }
        if names.contains(&"xl/workbook.xml") {
            return Some("xlsx");
        }
        if names.contains(&"ppt/presentation.xml") {
            return Some("pptx");
        }
        if names.contains(&"OFD.xml") {
            return Some("ofd");
        }
    }
    // Word 97–2003 and Excel 97–2003: an OLE compound file, told apart by its main stream.
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        if has_stream(bytes, "WordDocument") {
            return Some("doc");
        }
        if has_stream(bytes, "Workbook") || has_stream(bytes, "Book") {
            return Some("xls");
        }
    }
    None
}

/// Checks an evidence file named `name` with content `bytes`.
pub fn check_evidence(
    name: &str,
    bytes: &[u8],
    settings: &ReportingSettings,
) -> Result<EvidenceFile, EvidenceError> {
    let size = bytes.len() as u64;
    if size == 0 {
        return Err(EvidenceError::Empty { name: name.into() });
    }
    if size > settings.max_evidence_bytes {
        return Err(EvidenceError::TooLarge {
            name: name.into(),
            size,
            max: settings.max_evidence_bytes,
        });
    }
    let allowed = || settings.evidence_types.join("、");
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let ext_kind = if ext == "jpeg" { "jpg" } else { ext.as_str() };
    let detected = match sniff(bytes).filter(|k| settings.evidence_types.iter().any(|t| t == k)) {
        Some(d) => d,
        None if settings.evidence_types.iter().any(|t| t == ext_kind) => {
            return Err(EvidenceError::NotWhatItSays {
                name: name.into(),
                ext,
                allowed: allowed(),
            });
        }
        None => {
            return Err(EvidenceError::TypeNotAllowed {
                name: name.into(),
                allowed: allowed(),
            });
        }
    };
    if ext_kind != detected {
        return Err(EvidenceError::Mismatch {
            name: name.into(),
            ext,
            detected: detected.into(),
        });
    }
    Ok(EvidenceFile {
        name: name.to_string(),
        kind: detected.to_string(),
        size,
        sha256: hex(&Sha256::digest(bytes)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s() -> ReportingSettings {
        ReportingSettings::default()
    }

    #[test]
    fn a_pdf_is_accepted_with_its_hash() {
        let f = check_evidence("会议纪要.pdf", b"%PDF-1.7\n...", &s()).expect("pdf");
        assert_eq!(f.kind, "pdf");
        assert_eq!(f.size, 12);
        assert_eq!(f.sha256.len(), 64);
    }

    #[test]
    fn an_executable_renamed_to_pdf_is_refused() {
        let e = check_evidence("报告.pdf", b"MZ\x90\x00", &s()).expect_err("exe");
        assert!(matches!(e, EvidenceError::NotWhatItSays { .. }), "{e}");
        assert!(
            e.to_string()
                .starts_with("佐证材料“报告.pdf”的内容不是 PDF 文件"),
            "{e}"
        );
        let e = check_evidence("程序.exe", b"MZ\x90\x00", &s()).expect_err("exe");
        assert!(matches!(e, EvidenceError::TypeNotAllowed { .. }), "{e}");
    }

    #[test]
    fn old_office_files_are_told_apart_by_their_main_stream() {
        let mut doc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        let mut xls = doc.clone();
        doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        xls.extend("Workbook".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(sniff(&doc), Some("doc"));
        assert_eq!(sniff(&xls), Some("xls"));
        assert!(check_evidence("通知.doc", &doc, &s()).is_ok());
    }

    #[test]
    fn the_size_limit_is_named_in_megabytes() {
        let e = EvidenceError::TooLarge {
            name: "扫描件.pdf".into(),
            size: 21 * 1024 * 1024 + 300_000,
            max: 20 * 1024 * 1024,
        };
        assert_eq!(
            e.to_string(),
            "佐证材料“扫描件.pdf”过大：21.3 MB，超过 20 MB 的上限；请压缩或拆分后再上传"
        );
    }

    #[test]
    fn a_png_named_jpg_is_a_mismatch() {
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];
        let e = check_evidence("照片.jpg", &png, &s()).expect_err("mismatch");
        assert_eq!(
            e.to_string(),
            "佐证材料“照片.jpg”的扩展名与内容不符：扩展名为 jpg，内容是 png"
        );
    }

    #[test]
    fn a_file_over_the_limit_or_empty_is_refused() {
        let small = ReportingSettings {
            max_evidence_bytes: 4,
            ..Default::default()
        };
        assert!(matches!(
            check_evidence("a.pdf", b"%PDF-1.7", &small),
            Err(EvidenceError::TooLarge { .. })
        ));
        assert!(matches!(
            check_evidence("a.pdf", b"", &s()),
            Err(EvidenceError::Empty { .. })
        ));
    }

    #[test]
    fn an_xlsx_is_recognised_from_its_entries() {
        let bytes = rust_xlsxwriter::Workbook::new()
            .save_to_buffer()
            .expect("xlsx");
        assert_eq!(sniff(&bytes), Some("xlsx"));
        assert!(check_evidence("台账.xlsx", &bytes, &s()).is_ok());
    }
}
