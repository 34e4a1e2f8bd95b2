//! .docx → text: one line per paragraph of the document body, one line per table row with the
//! cells separated by tabs (a merged cell repeats as empty cells, so columns stay aligned).

use crate::decode::InputError;
use crate::docx_numbering::{Numbering, attr};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::io::{Cursor, Read};

/// Entries a .docx may have: a Word document has about 15 parts, one more per picture.
const MAX_ENTRIES: usize = 512;
/// `word/document.xml` may not decompress to more than this (a 300-page plan is about 3 MiB):
/// a zip bomb is refused. The size the zip declares is not believed; the part is read with a
/// cap and must be exactly as large as declared.
const MAX_DOCUMENT_BYTES: u64 = 16 * 1024 * 1024;
/// `word/numbering.xml` and `word/styles.xml` (Word's own styles.xml is under 1 MiB).
const MAX_AUX_BYTES: u64 = 8 * 1024 * 1024;
/// Element nesting of a part: a table in a text box in a table is about 30 deep.
const MAX_DEPTH: usize = 128;

/// A table being read: its rows, the row and cell under construction.
#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    cell: String,
    /// Extra empty cells owed to the current cell's gridSpan.
    span: usize,
}

/// Reads the paragraphs and tables of `word/document.xml`.
pub(crate) fn text(bytes: &[u8]) -> Result<String, InputError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| InputError::Docx(format!("不是有效的压缩包 (not a valid zip: {e})")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(InputError::Docx(format!(
            "压缩包含有 {} 个部件，上限 {MAX_ENTRIES} 个，不像 Word 文档 (too many zip entries: {}, at most {MAX_ENTRIES})",
            zip.len(),
            zip.len()
        )));
    }
    let xml = part(&mut zip, "word/document.xml", MAX_DOCUMENT_BYTES)?.ok_or_else(|| {
        InputError::Docx(
            "缺少 word/document.xml，不是 Word 文档 (no word/document.xml)".to_string(),
        )
    })?;
    // Automatic list numbering is optional; without it the labels are in the text or absent.
    let mut numbering = match part(&mut zip, "word/numbering.xml", MAX_AUX_BYTES)? {
        Some(x) => Numbering::parse(&x),
        None => Numbering::default(),
    };
    if let Some(styles) = part(&mut zip, "word/styles.xml", MAX_AUX_BYTES)? {
        numbering.add_styles(&styles);
    }
    document_text(&xml, numbering)
        .map_err(|e| InputError::Docx(format!("XML 格式错误 (malformed XML: {e})")))
}

/// One part as text, read within `max` bytes whatever the zip declares, and checked for
/// nesting and document type declarations before it is parsed. `None` when there is no such
/// part.
fn part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    max: u64,
) -> Result<Option<String>, InputError> {
    let mut f = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(InputError::Docx(format!(
                "{name} 无法读取 (cannot read {name}: {e})"
            )));
        }
    };
    let mib = max / (1024 * 1024);
    let bomb = || {
        InputError::Docx(format!(
            "{name} 解压后超过 {mib} MiB 的上限，可能是压缩炸弹，不予读取 ({name} inflates beyond {mib} MiB)"
        ))
    };
    let declared = f.size();
    if declared > max {
        return Err(bomb());
    }
    let mut bytes = Vec::new();
    (&mut f)
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::Docx(format!("{name} 无法解压 (cannot inflate {name}: {e})")))?;
    let got = bytes.len() as u64;
    if got > max {
        return Err(bomb());
    }
    if got != declared {
        return Err(InputError::Docx(format!(
            "{name} 声明解压后为 {declared} 字节，实际为 {got} 字节，压缩包已损坏或被篡改 ({name} declares {declared} bytes but inflates to {got})"
        )));
    }
    let Ok(xml) = String::from_utf8(bytes) else {
        return Err(InputError::Docx(format!(
            "{name} 不是 UTF-8 编码 ({name} is not UTF-8)"
        )));
    };
    check_xml(name, &xml)?;
    Ok(Some(xml))
}

/// Refuses a part nested deeper than `MAX_DEPTH` or with a document type declaration (Word
/// writes none; it is how entity bombs are built). Malformed XML is left to the parser.
fn check_xml(name: &str, xml: &str) -> Result<(), InputError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().allow_unmatched_ends = true;
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(InputError::Docx(format!(
                        "{name} 的元素嵌套超过 {MAX_DEPTH} 层，Word 文档不会这样嵌套，不予读取 ({name} nests deeper than {MAX_DEPTH})"
                    )));
                }
            }
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::DocType(_)) => {
                return Err(InputError::Docx(format!(
                    "{name} 含有文档类型声明（DOCTYPE），Word 文档中不会出现，不予读取 ({name} has a DOCTYPE)"
                )));
            }
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|&b| b == b':').next().unwrap_or(name)
}

fn document_text(xml: &str, mut numbering: Numbering) -> Result<String, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    let mut lines: Vec<String> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut para = String::new();
    let mut in_text = false;
    // The list a paragraph belongs to (w:numPr): numId and level.
    let mut num_id: Option<String> = None;
    let mut ilvl: Option<usize> = None;
    let mut p_style: Option<String> = None;
    // Depth inside elements whose text is not document text (deleted runs, field codes,
    // fallback copies of text boxes).
    let mut skip = 0usize;
    loop {
        match reader.read_event()? {
            Event::Eof => break,
            Event::Start(e) => {
                let name = e.name();
                let n = local(name.as_ref());
                if skip > 0 || matches!(n, b"del" | b"instrText" | b"Fallback" | b"delText") {
                    skip += 1;
                    continue;
                }
                match n {
                    b"t" => in_text = true,
                    b"p" => {
                        para.clear();
                        num_id = None;
                        ilvl = None;
                        p_style = None;
                    }
                    b"tbl" => tables.push(Table::default()),
                    b"tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.row.clear();
                        }
                    }
                    b"tc" => {
                        if let Some(t) = tables.last_mut() {
                            t.cell.clear();
                            t.span = 0;
                        }
                    }
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if skip > 0 {
                    continue;
                }
                let name = e.name();
                match local(name.as_ref()) {
                    b"tab" => para.push(if tables.is_empty() { '\t' } else { ' ' }),
                    b"br" | b"cr" => para.push('\n'),
                    b"noBreakHyphen" => para.push('-'),
                    b"numId" => num_id = attr(&e, b"val"),
                    b"ilvl" => ilvl = attr(&e, b"val").and_then(|v| v.parse().ok()),
                    b"pStyle" => p_style = attr(&e, b"val"),
                    b"gridSpan" => {
                        if let (Some(t), Some(v)) = (tables.last_mut(), attr(&e, b"val")) {
                            t.span = v.parse::<usize>().unwrap_or(1).saturating_sub(1).min(64);
                        }
                    }
                    b"p" if tables.is_empty() => lines.push(String::new()),
                    _ => {}
                }
            }
            Event::Text(t) if in_text && skip == 0 => para.push_str(&t.unescape()?),
            Event::CData(t) if in_text && skip == 0 => para.push_str(&String::from_utf8_lossy(&t)),
            Event::End(e) => {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let name = e.name();
                match local(name.as_ref()) {
                    b"t" => in_text = false,
                    b"p" => {
                        let mut p = std::mem::take(&mut para);
                        let from_style = p_style.take().and_then(|st| numbering.style_list(&st));
                        let list = match (num_id.take(), from_style) {
                            (Some(id), st) => Some((id, ilvl.or(st.map(|s| s.1)).unwrap_or(0))),
                            (None, Some((id, l))) => Some((id, ilvl.unwrap_or(l))),
                            (None, None) => None,
                        };
                        if let Some((id, level)) = list.filter(|(id, _)| id != "0")
                            && !p.trim().is_empty()
                            && let Some(label) = numbering.next_label(&id, level)
                            && crate::numbering::parse(p.trim_start()).is_none()
                        {
                            p.insert_str(0, &label);
                        }
                        match tables.last_mut() {
                            Some(t) => {
                                if !t.cell.is_empty() && !p.is_empty() {
                                    let ends = t
                                        .cell
                                        .ends_with(['。', '；', '！', '？', '：', ';', '，', '、']);
                                    if !ends {
                                        t.cell.push('；');
                                    }
                                }
                                t.cell.push_str(&p.replace('\n', ""));
                            }
                            None => {
                                // A tab inside a body paragraph is layout, not a table cell.
                                let p = if p.contains('\t') {
                                    p.replace('\t', " ")
                                } else {
                                    p
                                };
                                lines.extend(p.split('\n').map(str::to_string));
                            }
                        }
                    }
                    b"tc" => {
                        if let Some(t) = tables.last_mut() {
                            let cell = std::mem::take(&mut t.cell).replace('\t', " ");
                            t.row.push(cell);
                            for _ in 0..t.span {
                                t.row.push(String::new());
                            }
                        }
                    }
                    b"tr" => {
                        if let Some(t) = tables.last_mut() {
                            let row = std::mem::take(&mut t.row);
                            t.rows.push(row);
                        }
                    }
                    b"tbl" => {
                        if let Some(t) = tables.pop() {
                            let text: Vec<String> =
                                t.rows.into_iter().map(|r| r.join("\t")).collect();
                            match tables.last_mut() {
                                // A nested table's text becomes part of the outer cell.
                                Some(outer) => {
                                    if !outer.cell.is_empty() {
                                        outer.cell.push('；');
                                    }
                                    outer.cell.push_str(&text.join("；").replace('\t', " "));
                                }
                                None => lines.extend(text),
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Ok(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        )
    }

    #[test]
    fn paragraphs_become_lines_and_empty_paragraphs_blank_lines() {
        let xml = doc(
            "<w:p><w:r><w:t>一、目标</w:t></w:r></w:p><w:p/><w:p><w:r><w:t xml:space=\"preserve\">到 2024 年</w:t></w:r><w:r><w:t>，达到</w:t></w:r></w:p>",
        );
        assert_eq!(
            document_text(&xml, Numbering::default()).expect("xml"),
            "一、目标\n\n到 2024 年，达到"
        );
    }

    #[test]
    fn table_rows_become_tab_separated_lines() {
        let xml = doc(concat!(
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>牵头单位</w:t></w:r></w:p></w:tc></w:tr>",
            "<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>市科技局</w:t></w:r></w:p><w:p><w:r><w:t>市财政局</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        ));
        assert_eq!(
            document_text(&xml, Numbering::default()).expect("xml"),
            "序号\t牵头单位\n1\t市科技局；市财政局"
        );
    }

    #[test]
    fn deleted_text_and_field_codes_are_skipped() {
        let xml = doc(
            "<w:p><w:del><w:r><w:delText>旧</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:t>新</w:t></w:r></w:p>",
        );
        assert_eq!(
            document_text(&xml, Numbering::default()).expect("xml"),
            "新"
        );
    }

    #[test]
    fn a_merged_cell_keeps_columns_aligned() {
        let xml = doc(
            "<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr><w:p><w:r><w:t>一、科技创新</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>",
        );
        assert_eq!(
            document_text(&xml, Numbering::default()).expect("xml"),
            "一、科技创新\t\t"
        );
    }
}
