//! .docx → text: one line per paragraph of the document body, one line per table row with the
//! cells separated by tabs (a merged cell repeats as empty cells, so columns stay aligned).

use crate::decode::InputError;
use crate::docx_numbering::{Numbering, attr};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::io::{Cursor, Read};

/// The document part may not decompress to more than this (a zip bomb is refused).
const MAX_XML: u64 = 256 * 1024 * 1024;

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
    let mut xml = String::new();
    {
        let part = zip.by_name("word/document.xml").map_err(|_| {
            InputError::Docx(
                "缺少 word/document.xml，不是 Word 文档 (no word/document.xml)".to_string(),
            )
        })?;
        part.take(MAX_XML).read_to_string(&mut xml).map_err(|e| {
            InputError::Docx(format!(
                "文档内容无法解压或不是 UTF-8 (cannot read document.xml: {e})"
            ))
        })?;
    }
    // Automatic list numbering is optional; without it the labels are in the text or absent.
    let mut numbering_xml = String::new();
    let read = zip.by_name("word/numbering.xml").ok().is_some_and(|part| {
        part.take(MAX_XML)
            .read_to_string(&mut numbering_xml)
            .is_ok()
    });
    let mut numbering = if read {
        Numbering::parse(&numbering_xml)
    } else {
        Numbering::default()
    };
    let mut styles_xml = String::new();
    if zip
        .by_name("word/styles.xml")
        .ok()
        .is_some_and(|part| part.take(MAX_XML).read_to_string(&mut styles_xml).is_ok())
    {
        numbering.add_styles(&styles_xml);
    }
    document_text(&xml, numbering)
        .map_err(|e| InputError::Docx(format!("XML 格式错误 (malformed XML: {e})")))
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
