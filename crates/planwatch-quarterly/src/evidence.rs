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
    /// The detected type: pdf, jpg, png, docx, xlsx or ofd.
    pub kind: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    #[error("佐证材料“{name}”是空文件")]
    Empty { name: String },
    #[error("佐证材料“{name}”过大：{size} 字节，上限 {max} 字节；请压缩或拆分后再上传")]
    TooLarge { name: String, size: u64, max: u64 },
    #[error("佐证材料“{name}”的类型无法识别或不允许；可用：{allowed}")]
    TypeNotAllowed { name: String, allowed: String },
    #[error("佐证材料“{name}”的扩展名与内容不符：扩展名为 {ext}，内容是 {detected}")]
    Mismatch {
        name: String,
        ext: String,
        detected: String,
    },
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
        if names.contains(&"OFD.xml") {
            return Some("ofd");
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
    let detected = sniff(bytes)
        .filter(|k| settings.evidence_types.iter().any(|t| t == k))
        .ok_or_else(|| EvidenceError::TypeNotAllowed {
            name: name.into(),
            allowed: allowed(),
        })?;
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let ext_kind = if ext == "jpeg" { "jpg" } else { ext.as_str() };
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
        assert!(matches!(e, EvidenceError::TypeNotAllowed { .. }), "{e}");
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
