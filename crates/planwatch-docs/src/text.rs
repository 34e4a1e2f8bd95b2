//! The plain-text form of a document: what snapshot tests compare and what a terminal shows.
//! It keeps every word and number of the document and none of the layout.

use crate::model::{Block, Document, Row};
use std::fmt::Write;

/// Renders the document as plain text, one block per paragraph, tables as `|`-separated rows.
pub fn to_text(doc: &Document) -> String {
    let mut out = String::new();
    if doc.demo {
        out.push_str("【示例数据】\n");
    }
    out.push_str(&doc.title);
    out.push_str("\n\n");
    let mut attachment_title = String::new();
    for b in &doc.blocks {
        match b {
            Block::Heading { text, .. } => {
                let _ = writeln!(out, "{text}\n");
            }
            Block::Paragraph(p) => {
                if let Some(l) = p.label {
                    out.push_str(l.text());
                }
                out.push_str(&p.plain_text());
                out.push_str("\n\n");
            }
            Block::Table(t) => {
                let number = t
                    .number
                    .as_deref()
                    .map_or(String::new(), |n| format!("{n} "));
                let _ = writeln!(out, "{number}{}", t.title);
                let head: Vec<&str> = t.columns.iter().map(|c| c.title.as_str()).collect();
                let _ = writeln!(out, "| {} |", head.join(" | "));
                for r in &t.rows {
                    match r {
                        Row::Cells { cells } => {
                            let cells: Vec<String> =
                                cells.iter().map(|c| c.text.replace('\n', " / ")).collect();
                            let _ = writeln!(out, "| {} |", cells.join(" | "));
                        }
                        Row::Group { text } => {
                            let _ = writeln!(out, "| {text} |");
                        }
                    }
                }
                if let Some(n) = &t.note {
                    let _ = writeln!(out, "{n}");
                }
                out.push('\n');
            }
            Block::Chart(c) => {
                let _ = writeln!(out, "[{} {}] {}\n", c.number, c.title, c.alt);
            }
            Block::AttachmentList { items } => {
                for (i, item) in items.iter().enumerate() {
                    if i == 0 {
                        let _ = writeln!(out, "附件：{item}");
                    } else {
                        let _ = writeln!(out, "　　　{item}");
                    }
                }
                out.push('\n');
            }
            Block::Signature { issuer, date } => {
                let _ = writeln!(out, "{issuer}\n{date}\n");
            }
            Block::Attachment { label, title, .. } => {
                attachment_title.clone_from(title);
                let _ = writeln!(out, "──────── {label} ────────\n{title}\n");
            }
            Block::Sources => {
                let _ = writeln!(
                    out,
                    "| 编号 | 来源 | 报送单位 | 报送期 | 报送人 | 报送时间 | 备注 |"
                );
                for (i, s) in doc.sources.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} | {} | {} | {} | {} |",
                        i + 1,
                        s.what,
                        s.unit,
                        s.period,
                        s.submitted_by,
                        s.submitted_at,
                        s.note
                    );
                }
                out.push('\n');
            }
            Block::PageBreak => out.push_str("────────\n\n"),
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
