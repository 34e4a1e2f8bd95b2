//! The Word writer (docx-rs): an editable document in GB/T 9704-2012 layout — A4, margins
//! 37/35/28/26 mm, title 2号 小标宋, body 3号 仿宋 at a fixed line pitch, 一级标题 黑体,
//! 二级标题 楷体, tables 五号, page numbers 4号 “— 1 —” outside on odd and even pages.
//! Fonts are named, not embedded: the first configured family of each role, which the office's
//! machines have. Charts are PNGs rasterised from the same SVG the other formats use.

use crate::config::ReportConfig;
use crate::fonts::Fonts;
use crate::model::{Align, Block, Document, Inline, Paragraph as ParaModel, Row, Table};
use crate::raster::{RasterError, svg_to_png};
use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, Header, LineSpacing, LineSpacingType, PageMargin,
    PageNum, PageOrientationType, PageSize, Paragraph, Pic, Run, RunFonts, SectionProperty,
    Shading, ShdType, SpecialIndentType, TableCell, TableLayoutType, TableRow, VAlignType,
    WidthType,
};
use std::sync::Arc;

/// Why a Word document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error(transparent)]
    Chart(#[from] RasterError),
    #[error("Word 文件打包失败：{0}")]
    Pack(String),
}

// Sizes in half-points (Word's w:sz): 二号 22pt, 三号 16pt, 四号 14pt, 五号 10.5pt.
const SZ_ER: usize = 44;
const SZ_SAN: usize = 32;
const SZ_SI: usize = 28;
const SZ_WU: usize = 21;
const SZ_ATT_TITLE: usize = 36;
const RED: &str = "C00000";
/// One 三号 character in twips (16 pt × 20).
const CHAR: i32 = 320;

fn twips(mm: f64) -> i32 {
    (mm * 1440.0 / 25.4).round() as i32
}

/// A4 in twips.
const A4_W: u32 = 11906;
const A4_H: u32 = 16838;

/// Writes documents as docx. Holds the fonts (for chart PNGs) and the settings.
pub struct DocxWriter {
    fonts: Arc<Fonts>,
    cfg: ReportConfig,
}

struct Names {
    title: String,
    body: String,
    h1: String,
    h2: String,
    table: String,
    page: String,
}

fn first(v: &[String], fallback: &str) -> String {
    v.first().cloned().unwrap_or_else(|| fallback.to_string())
}

fn fonts_of(name: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(name)
        .ascii(name)
        .hi_ansi(name)
        .cs(name)
}

fn run(text: &str, font: &str, size: usize) -> Run {
    let mut r = Run::new().fonts(fonts_of(font)).size(size);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        r = r.add_text(line);
    }
    r
}

impl DocxWriter {
    pub fn new(fonts: Arc<Fonts>, cfg: ReportConfig) -> Self {
        Self { fonts, cfg }
    }

    fn names(&self) -> Names {
        let f = &self.cfg.fonts;
        Names {
            title: first(&f.title, "方正小标宋简体"),
            body: first(&f.body, "仿宋_GB2312"),
            h1: first(&f.heading1, "黑体"),
            h2: first(&f.heading2, "楷体_GB2312"),
            table: first(&f.table, "宋体"),
            page: first(&f.page_number, "宋体"),
        }
    }

    fn pitch(&self) -> i32 {
        (self.cfg.layout.line_spacing_pt * 20.0).round() as i32
    }

    fn body_spacing(&self) -> LineSpacing {
        LineSpacing::new()
            .line(self.pitch())
            .line_rule(LineSpacingType::Exact)
            .before(0)
            .after(0)
    }

    /// A body paragraph: indented two characters, justified, fixed pitch.
    fn body_par(&self) -> Paragraph {
        Paragraph::new()
            .align(AlignmentType::Both)
            .line_spacing(self.body_spacing())
            .indent(
                None,
                Some(SpecialIndentType::FirstLine(2 * CHAR)),
                None,
                None,
            )
            .first_line_chars(200)
    }

    fn margin(&self) -> PageMargin {
        let l = &self.cfg.layout;
        PageMargin::new()
            .top(twips(l.margin_top_mm))
            .bottom(twips(l.margin_bottom_mm))
            .left(twips(l.margin_left_mm))
            .right(twips(l.margin_right_mm))
            .header(twips(15.0))
            // GB/T 9704 §7.5: the number's line sits 7 mm below the text area.
            .footer(twips((l.margin_bottom_mm - 7.0 - 5.0).max(5.0)))
            .gutter(0)
    }

    fn text_width(&self, landscape: bool) -> i32 {
        let l = &self.cfg.layout;
        let page = if landscape { 297.0 } else { 210.0 };
        twips(page - l.margin_left_mm - l.margin_right_mm)
    }

    fn page_footer(&self, n: &Names, odd: bool) -> Footer {
        let font = &n.page;
        let p = Paragraph::new()
            .add_run(run("— ", font, SZ_SI))
            .add_page_num(PageNum::new())
            .add_run(run(" —", font, SZ_SI));
        let p = if odd {
            p.align(AlignmentType::Right)
                .indent(None, None, Some(CHAR * 7 / 8), None)
        } else {
            p.align(AlignmentType::Left)
                .indent(Some(CHAR * 7 / 8), None, None, None)
        };
        Footer::new().add_paragraph(p)
    }

    fn demo_header(&self, n: &Names) -> Header {
        Header::new().add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(run("示例数据", &n.h1, 24).color(RED).character_spacing(60)),
        )
    }

    fn paragraph(&self, n: &Names, p: &ParaModel) -> Paragraph {
        let (font, size) = if p.note {
            (&n.body, SZ_SI)
        } else {
            (&n.body, SZ_SAN)
        };
        let mut par = if p.note {
            Paragraph::new().line_spacing(
                LineSpacing::new()
                    .line(440)
                    .line_rule(LineSpacingType::Exact),
            )
        } else if p.flush {
            Paragraph::new()
                .align(AlignmentType::Both)
                .line_spacing(self.body_spacing())
        } else {
            self.body_par()
        };
        if let Some(l) = p.label {
            par = par.add_run(run(l.text(), &n.h1, size).color(RED));
        }
        for i in &p.inlines {
            match i {
                Inline::Text { text } | Inline::Figure { text, .. } => {
                    par = par.add_run(run(text, font, size));
                }
            }
        }
        par
    }

    fn caption(&self, n: &Names, text: &str) -> Paragraph {
        Paragraph::new()
            .align(AlignmentType::Center)
            .keep_next(true)
            .line_spacing(
                LineSpacing::new()
                    .line(440)
                    .line_rule(LineSpacingType::Exact)
                    .before(120)
                    .after(60),
            )
            .add_run(run(text, &n.h1, SZ_SI))
    }

    fn table(&self, n: &Names, t: &Table, landscape: bool, in_attachment: bool) -> Vec<Item> {
        let mut out = Vec::new();
        if t.number.is_some() || !in_attachment {
            let cap = match &t.number {
                Some(num) => format!("{num}　{}", t.title),
                None => t.title.clone(),
            };
            out.push(p_item(self.caption(n, &cap)));
        }
        let total_w = self.text_width(landscape);
        let units: i32 = t
            .columns
            .iter()
            .map(|c| i32::from(c.width))
            .sum::<i32>()
            .max(1);
        let widths: Vec<usize> = t
            .columns
            .iter()
            .map(|c| (i64::from(total_w) * i64::from(c.width) / i64::from(units)) as usize)
            .collect();
        let cell_par = |text: &str, font: &str, align: Align| {
            let a = match align {
                Align::Left => AlignmentType::Left,
                Align::Center => AlignmentType::Center,
                Align::Right => AlignmentType::Right,
            };
            Paragraph::new()
                .align(a)
                .line_spacing(
                    LineSpacing::new()
                        .line(260)
                        .line_rule(LineSpacingType::Auto),
                )
                .add_run(run(text, font, SZ_WU))
        };
        let mut rows = Vec::with_capacity(t.rows.len() + 1);
        // The header row is the only row marked cantSplit; `repeat_header_rows` turns that mark
        // into w:tblHeader after building (docx-rs has no flag for it).
        rows.push(
            TableRow::new(
                t.columns
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| {
                        TableCell::new()
                            .width(*w, WidthType::Dxa)
                            .vertical_align(VAlignType::Center)
                            .add_paragraph(cell_par(&c.title, &n.h1, Align::Center))
                    })
                    .collect(),
            )
            .cant_split(),
        );
        for r in &t.rows {
            match r {
                Row::Group { text } => rows.push(TableRow::new(vec![
                    TableCell::new()
                        .grid_span(t.columns.len())
                        .width(total_w.max(0) as usize, WidthType::Dxa)
                        .shading(Shading::new().shd_type(ShdType::Clear).fill("F2F2F2"))
                        .add_paragraph(cell_par(text, &n.h1, Align::Left)),
                ])),
                Row::Cells { cells } => rows.push(TableRow::new(
                    cells
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let align = t.columns.get(i).map_or(Align::Left, |c| c.align);
                            TableCell::new()
                                .width(widths.get(i).copied().unwrap_or(0), WidthType::Dxa)
                                .vertical_align(VAlignType::Center)
                                .add_paragraph(cell_par(&c.text, &n.table, align))
                        })
                        .collect(),
                )),
            }
        }
        out.push(t_item(
            docx_rs::Table::new(rows)
                .set_grid(widths)
                .layout(TableLayoutType::Fixed)
                .width(total_w.max(0) as usize, WidthType::Dxa),
        ));
        if let Some(note) = &t.note {
            out.push(p_item(
                Paragraph::new()
                    .line_spacing(
                        LineSpacing::new()
                            .line(300)
                            .line_rule(LineSpacingType::Auto)
                            .before(60),
                    )
                    .add_run(run(note, &n.table, SZ_WU)),
            ));
        }
        out
    }

    fn section_break(&self, landscape: bool, n: &Names, demo: bool) -> Paragraph {
        // Every section must name the headers and footers itself: the first section has no
        // previous one to inherit from. docx-rs registers the files once (on the final section)
        // as rIdHeader1.. and rIdFooter1..; the intermediate sections point at the same ids.
        let (w, h, o) = if landscape {
            (A4_H, A4_W, PageOrientationType::Landscape)
        } else {
            (A4_W, A4_H, PageOrientationType::Portrait)
        };
        let mut sp = SectionProperty::new()
            .page_size(PageSize::new().size(w, h).orient(o))
            .page_margin(self.margin());
        if demo {
            sp = sp
                .header(self.demo_header(n), "rIdHeader1")
                .even_header(self.demo_header(n), "rIdHeader2");
        }
        sp = sp
            .footer(self.page_footer(n, true), "rIdFooter1")
            .even_footer(self.page_footer(n, false), "rIdFooter2");
        Paragraph::new().section_property(sp)
    }

    /// Writes the document as a .docx file (bytes).
    pub fn render(&self, doc: &Document) -> Result<Vec<u8>, DocxError> {
        let n = self.names();
        let mut items: Vec<Item> = Vec::new();
        items.push(p_item(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(
                    LineSpacing::new()
                        .line(700)
                        .line_rule(LineSpacingType::Exact),
                )
                .add_run(run(
                    &crate::model::title_lines(&doc.title, self.cfg.layout.title_chars_per_line())
                        .join("\n"),
                    &n.title,
                    SZ_ER,
                )),
        ));
        items.push(p_item(self.body_par()));
        let mut landscape = false;
        let mut in_attachment = false;
        for (k, b) in doc.blocks.iter().enumerate() {
            // The 附件 list and the 落款 are kept on the page of the paragraph before them
            // (keep with next), as the PDF keeps them together.
            let tail_follows = matches!(
                doc.blocks.get(k + 1),
                Some(Block::AttachmentList { .. } | Block::Signature { .. })
            );
            match b {
                Block::Heading { level, text } => {
                    let font = match level {
                        1 => &n.h1,
                        2 => &n.h2,
                        _ => &n.body,
                    };
                    items.push(p_item(
                        self.body_par()
                            .keep_next(true)
                            .outline_lvl(usize::from(level.saturating_sub(1)))
                            .add_run(run(text, font, SZ_SAN)),
                    ));
                }
                Block::Paragraph(p) => {
                    items.push(p_item(self.paragraph(&n, p).keep_next(tail_follows)))
                }
                Block::Table(t) => items.extend(self.table(&n, t, landscape, in_attachment)),
                Block::Sources => {
                    items.extend(self.table(&n, &doc.sources_table(), landscape, true));
                }
                Block::Chart(c) => {
                    let png = svg_to_png(&c.svg, &self.fonts, 2.0)?;
                    let width_mm = if landscape { 200.0 } else { 150.0 };
                    let height_mm = width_mm * f64::from(c.height) / f64::from(c.width.max(1));
                    let emu = |mm: f64| (mm * 36000.0).round() as u32;
                    items.push(p_item(
                        Paragraph::new()
                            .align(AlignmentType::Center)
                            .keep_next(true)
                            .add_run(
                                Run::new().add_image(
                                    Pic::new_with_dimensions(png.data, png.width, png.height)
                                        .size(emu(width_mm), emu(height_mm)),
                                ),
                            ),
                    ));
                    items.push(p_item(
                        self.caption(&n, &format!("{}　{}", c.number, c.title)),
                    ));
                }
                Block::AttachmentList { items: list } => {
                    items.push(p_item(self.body_par().keep_next(true)));
                    for (i, item) in list.iter().enumerate() {
                        let p = Paragraph::new()
                            .align(AlignmentType::Left)
                            .keep_next(tail_follows || i + 1 < list.len())
                            .line_spacing(self.body_spacing());
                        let p = if i == 0 {
                            p.indent(
                                Some(5 * CHAR),
                                Some(SpecialIndentType::Hanging(3 * CHAR)),
                                None,
                                None,
                            )
                            .add_run(run("附件：", &n.body, SZ_SAN))
                        } else {
                            p.indent(Some(5 * CHAR), None, None, None)
                        };
                        items.push(p_item(p.add_run(run(item, &n.body, SZ_SAN))));
                    }
                }
                Block::Signature { issuer, date } => {
                    items.push(p_item(self.body_par().keep_next(true)));
                    items.push(p_item(self.body_par().keep_next(true)));
                    for (text, right) in [(issuer, 2 * CHAR), (date, 4 * CHAR)] {
                        items.push(p_item(
                            Paragraph::new()
                                .align(AlignmentType::Right)
                                .keep_next(text == issuer)
                                .line_spacing(self.body_spacing())
                                .indent(None, None, Some(right), None)
                                .add_run(run(text, &n.body, SZ_SAN)),
                        ));
                    }
                }
                Block::Attachment {
                    label,
                    title,
                    landscape: next,
                } => {
                    items.push(p_item(self.section_break(landscape, &n, doc.demo)));
                    landscape = *next;
                    in_attachment = true;
                    items.push(p_item(
                        Paragraph::new()
                            .line_spacing(self.body_spacing())
                            .add_run(run(label, &n.h1, SZ_SAN)),
                    ));
                    items.push(p_item(
                        Paragraph::new()
                            .align(AlignmentType::Center)
                            .line_spacing(
                                LineSpacing::new()
                                    .line(600)
                                    .line_rule(LineSpacingType::Exact)
                                    .after(120),
                            )
                            .add_run(run(title, &n.title, SZ_ATT_TITLE)),
                    ));
                }
                Block::PageBreak => items.push(p_item(
                    Paragraph::new().add_run(Run::new().add_break(BreakType::Page)),
                )),
            }
        }

        let mut docx = Docx::new()
            .default_fonts(fonts_of(&n.body))
            .default_size(SZ_SAN);
        for it in items {
            docx = match it {
                Item::P(p) => docx.add_paragraph(*p),
                Item::T(t) => docx.add_table(*t),
            };
        }
        // The final section: its header and footer calls register the files the intermediate
        // sections refer to (headers first so that the ids match section_break()).
        let (w, h, o) = if landscape {
            (A4_H, A4_W, PageOrientationType::Landscape)
        } else {
            (A4_W, A4_H, PageOrientationType::Portrait)
        };
        docx = docx
            .page_size(w, h)
            .page_orient(o)
            .page_margin(self.margin());
        if doc.demo {
            docx = docx
                .header(self.demo_header(&n))
                .even_header(self.demo_header(&n));
        }
        docx = docx
            .footer(self.page_footer(&n, true))
            .even_footer(self.page_footer(&n, false));
        let mut xml = docx.build();
        xml.document = repeat_header_rows(xml.document);
        let mut buf = std::io::Cursor::new(Vec::new());
        xml.pack(&mut buf)
            .map_err(|e| DocxError::Pack(e.to_string()))?;
        Ok(buf.into_inner())
    }
}

/// Marks header rows (the only rows built with cantSplit) to repeat on every page a table spans.
fn repeat_header_rows(document: Vec<u8>) -> Vec<u8> {
    match String::from_utf8(document) {
        Ok(xml) => xml
            .replace(
                "<w:trPr><w:cantSplit /></w:trPr>",
                "<w:trPr><w:cantSplit /><w:tblHeader /></w:trPr>",
            )
            .into_bytes(),
        Err(e) => e.into_bytes(),
    }
}

/// A body element; boxed because docx-rs paragraphs are large.
enum Item {
    P(Box<Paragraph>),
    T(Box<docx_rs::Table>),
}

fn p_item(p: Paragraph) -> Item {
    Item::P(Box::new(p))
}

fn t_item(t: docx_rs::Table) -> Item {
    Item::T(Box::new(t))
}
