//! The PDF writer: typst as a library with our own `World`. The template is a static `.typ`
//! file embedded in the binary; the document travels as JSON (`/data.json`) and charts as SVG
//! files (`/charts/<id>.svg`), both served from memory, so no data is ever escaped into markup
//! and the disk is never read. Fonts come from a `Fonts` value loaded once.

use crate::config::LayoutConfig;
use crate::fonts::{FontRole, Fonts};
use crate::model::{Block, Document};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

const TEMPLATE: &str = include_str!("../templates/report.typ");

/// Why a PDF could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("PDF 排版失败：{0}")]
    Typeset(String),
    #[error("PDF 导出失败：{0}")]
    Export(String),
    #[error("PDF 数据序列化失败：{0}")]
    Data(#[from] serde_json::Error),
}

/// Turns documents into PDF. Build it once (it holds the fonts and the typst library) and reuse
/// it for every document.
pub struct PdfEngine {
    fonts: Arc<Fonts>,
    layout: LayoutConfig,
    library: LazyHash<Library>,
}

impl std::fmt::Debug for PdfEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfEngine")
            .field("fonts", &self.fonts)
            .finish()
    }
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("static virtual paths are valid");
    // Interned: the same few paths map to the same ids on every call.
    FileId::new(RootedPath::new(VirtualRoot::Project, vpath))
}

struct ReportWorld<'a> {
    engine: &'a PdfEngine,
    main: Source,
    files: HashMap<FileId, Bytes>,
}

impl World for ReportWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.engine.fonts.typst_book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.text().to_string()));
        }
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.typst_fonts().get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Documents carry their own dates; the template never asks for today.
        None
    }
}

fn describe(diags: &[SourceDiagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            let hints: Vec<&str> = d.hints.iter().map(|h| h.v.as_str()).collect();
            if hints.is_empty() {
                d.message.to_string()
            } else {
                format!("{}（{}）", d.message, hints.join("；"))
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

impl PdfEngine {
    pub fn new(fonts: Arc<Fonts>, layout: LayoutConfig) -> Self {
        Self {
            fonts,
            layout,
            library: LazyHash::new(Library::default()),
        }
    }

    /// The JSON the template reads: the document split into body and attachments, the
    /// resolved font families and the layout.
    fn data(&self, doc: &Document) -> serde_json::Value {
        let mut body = Vec::new();
        let mut attachments: Vec<serde_json::Value> = Vec::new();
        let strip = |b: &Block| -> serde_json::Value {
            // The sources list is typeset as the model's own table of it.
            let b = match b {
                Block::Sources => &Block::Table(doc.sources_table()),
                other => other,
            };
            let mut v = serde_json::to_value(b).unwrap_or(serde_json::Value::Null);
            // Chart SVGs travel as files, not inside the JSON.
            if let Block::Chart(_) = b
                && let Some(o) = v.as_object_mut()
            {
                o.remove("svg");
            }
            v
        };
        for b in &doc.blocks {
            if let Block::Attachment {
                label,
                title,
                landscape,
            } = b
            {
                attachments.push(json!({
                    "label": label, "title": title, "landscape": landscape, "blocks": []
                }));
            } else if let Some(a) = attachments.last_mut() {
                if let Some(list) = a["blocks"].as_array_mut() {
                    list.push(strip(b));
                }
            } else {
                body.push(strip(b));
            }
        }
        let family = |r| self.fonts.role(r).family.clone();
        json!({
            "doc": { "title": doc.title, "demo": doc.demo, "sources": doc.sources },
            "title_lines": crate::model::title_lines(&doc.title, self.layout.title_chars_per_line()),
            "body": body,
            "attachments": attachments,
            "fonts": {
                "title": family(FontRole::Title),
                "body": family(FontRole::Body),
                "heading1": family(FontRole::Heading1),
                "heading2": family(FontRole::Heading2),
                "table": family(FontRole::Table),
                "page_number": family(FontRole::PageNumber),
                "chart": family(FontRole::Chart),
                "fallback": family(FontRole::Body),
            },
            "layout": self.layout,
        })
    }

    /// Typesets the document; returns the PDF and typst's warnings (an unknown font family, a
    /// layout problem), which a correct template and font set never produce.
    pub fn render_with_warnings(&self, doc: &Document) -> Result<(Vec<u8>, Vec<String>), PdfError> {
        let data = serde_json::to_vec(&self.data(doc))?;
        let mut files = HashMap::new();
        files.insert(file_id("/data.json"), Bytes::new(data));
        for c in doc.charts() {
            files.insert(
                file_id(&format!("/charts/{}.svg", c.id)),
                Bytes::new(c.svg.clone().into_bytes()),
            );
        }
        let world = ReportWorld {
            engine: self,
            main: Source::new(file_id("/report.typ"), TEMPLATE.to_string()),
            files,
        };
        let warned = typst::compile::<typst_layout::PagedDocument>(&world);
        let warnings: Vec<String> = warned
            .warnings
            .iter()
            .map(|w| w.message.to_string())
            .collect();
        let paged = warned.output.map_err(|e| PdfError::Typeset(describe(&e)))?;
        let options = typst_pdf::PdfOptions {
            ident: typst::foundations::Smart::Custom(doc.title.clone()),
            creator: typst::foundations::Smart::Custom(Some("PlanWatch".into())),
            ..typst_pdf::PdfOptions::default()
        };
        let pdf = typst_pdf::pdf(&paged, &options).map_err(|e| PdfError::Export(describe(&e)))?;
        Ok((pdf, warnings))
    }

    /// Typesets the document as PDF (A4, GB/T 9704 layout, fonts embedded and subset).
    pub fn render(&self, doc: &Document) -> Result<Vec<u8>, PdfError> {
        self.render_with_warnings(doc).map(|(pdf, _)| pdf)
    }
}
