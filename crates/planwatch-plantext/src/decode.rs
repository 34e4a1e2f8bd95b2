//! Bytes → text: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK, a .docx, a PDF
//! with a text layer (`pdf`) or a saved web page (`html`). Anything else (empty, binary, a
//! scanned PDF, legacy .doc, undecodable) is an [`InputError`].

use crate::{docx, html, pdf};
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

/// Why some bytes could not be read as a plan at all. Messages are Chinese first, then English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("文件为空，请提供计划文本 (.txt) 或 Word 文档 (.docx) (the file is empty)")]
    Empty,
    #[error("不是文本文件或 .docx 文档（{0}），可能是二进制文件 (not a text or .docx file)")]
    Binary(String),
    #[error("无法识别文件编码，请另存为 UTF-8 或 GB18030 文本 (cannot decode as UTF-8 or GB18030)")]
    Undecodable,
    #[error("无法读取 PDF 文件：{0} (unreadable PDF)")]
    Pdf(String),
    #[error(
        "是扫描件 PDF（共 {pages} 页），没有文字层，需要先做文字识别 (OCR) 再导入 (a scanned PDF without a text layer: it needs OCR)"
    )]
    Scanned { pages: usize },
    #[error("无法读取网页：{0} (unreadable web page)")]
    Html(String),
    #[error(
        "是旧版 Word/WPS (.doc/.wps) 文件，需要用 LibreOffice 转换，或请另存为 .docx (legacy Word format; save as .docx)"
    )]
    LegacyWord,
    #[error("无法读取 .docx 文档：{0} (unreadable .docx)")]
    Docx(String),
    #[error(
        "计划文本过长：{chars} 字，上限 {max} 字，请只提交计划本身 (the text is too long: {chars} characters, at most {max})"
    )]
    TooLong { chars: usize, max: usize },
}

/// The longest plan text read, in characters: a hundred times the Yangquan plan (10 266), some
/// 500 pages. Extraction is linear (about 75 ms per million characters), so this bounds the
/// work and memory of one plan, not a weakness of the extractor.
pub const MAX_TEXT_CHARS: usize = 1_000_000;

/// Where the decoded text came from, for provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The file was the text (or a .docx).
    Text,
    /// A PDF's text layer; pages are separated by form feeds.
    Pdf { pages: usize },
    /// A web page's article; for each line of the text, the line of the HTML source.
    Html { source_lines: Vec<u32> },
}

/// Plan text decoded from a file, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub origin: Origin,
}

/// Whether the bytes are a PDF: the header within the first KiB, as readers accept it.
pub fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// Decodes plan bytes into text. `file_name` is only used for hints in errors and to recognise
/// a web page by its extension.
pub fn decode(bytes: &[u8], file_name: &str) -> Result<String, InputError> {
    decode_document(bytes, file_name).map(|d| d.text)
}

/// Decodes plan bytes into text and says where the text came from (a PDF's pages, a web page's
/// source lines).
pub fn decode_document(bytes: &[u8], file_name: &str) -> Result<Decoded, InputError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(InputError::Empty);
    }
    let text = |text| Decoded {
        text,
        origin: Origin::Text,
    };
    if bytes.starts_with(b"PK\x03\x04") {
        return non_empty(docx::text(bytes)?).map(text);
    }
    if is_pdf(bytes) {
        let p = pdf::read(bytes)?;
        return non_empty(p.text).map(|t| Decoded {
            text: t,
            origin: Origin::Pdf { pages: p.pages },
        });
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(InputError::LegacyWord);
    }
    if html::looks_like_html(bytes, file_name) {
        let page = html::read(bytes)?;
        return non_empty(page.text).map(|t| Decoded {
            text: t,
            origin: Origin::Html {
                source_lines: page.source_lines,
            },
        });
    }
    decode_text(bytes, file_name).map(text)
}

fn decode_text(bytes: &[u8], file_name: &str) -> Result<String, InputError> {
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        std::str::from_utf8(rest)
            .map_err(|_| InputError::Undecodable)?
            .to_string()
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        UTF_16LE
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or(InputError::Undecodable)?
            .into_owned()
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        UTF_16BE
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or(InputError::Undecodable)?
            .into_owned()
    } else {
        if bytes.contains(&0) {
            return Err(InputError::Binary(hint(file_name, "含有 NUL 字节")));
        }
        match std::str::from_utf8(bytes) {
            Ok(t) => t.to_string(),
            Err(_) => GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .ok_or(InputError::Undecodable)?
                .into_owned(),
        }
    };
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if controls > 8 && controls * 100 > text.chars().count() {
        return Err(InputError::Binary(hint(file_name, "含有大量控制字符")));
    }
    non_empty(text)
}

fn non_empty(text: String) -> Result<String, InputError> {
    if text.trim().is_empty() {
        return Err(InputError::Empty);
    }
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        Err(InputError::TooLong {
            chars,
            max: MAX_TEXT_CHARS,
        })
    } else {
        Ok(text)
    }
}

fn hint(file_name: &str, why: &str) -> String {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("xlsx" | "xls" | "et") => format!("{why}；表格文件请另存为 .docx 或文本"),
        Some("wps") => format!("{why}；WPS 文档请另存为 .docx"),
        _ => why.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("计划".as_bytes(), "a.txt").as_deref(), Ok("计划"));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("计划".as_bytes());
        assert_eq!(decode(&b, "a.txt").as_deref(), Ok("计划"));
    }

    #[test]
    fn gb18030_is_detected() {
        let (bytes, _, _) = GB18030.encode("牵头单位：市科技局（2022—2024年）");
        assert_eq!(
            decode(&bytes, "a.txt").as_deref(),
            Ok("牵头单位：市科技局（2022—2024年）")
        );
    }

    #[test]
    fn utf16_with_bom_is_read() {
        let mut b = vec![0xFF, 0xFE];
        for u in "计划".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&b, "a.txt").as_deref(), Ok("计划"));
    }

    #[test]
    fn empty_binary_and_other_formats_are_errors() {
        assert_eq!(decode(b"", "a.txt"), Err(InputError::Empty));
        assert_eq!(decode(b"  \n\n", "a.txt"), Err(InputError::Empty));
        assert!(matches!(
            decode(&[0x7f, 0x45, 0x4c, 0x46, 0, 1, 2], "a"),
            Err(InputError::Binary(_))
        ));
        assert!(matches!(
            decode(b"%PDF-1.7 ...", "a.pdf"),
            Err(InputError::Pdf(_))
        ));
        assert_eq!(
            decode(&[0xD0, 0xCF, 0x11, 0xE0, 1, 2], "a.doc"),
            Err(InputError::LegacyWord)
        );
        assert_eq!(
            decode(&[0xFF, 0x80, 0xFF, 0x80], "a.txt"),
            Err(InputError::Undecodable)
        );
    }
}
