//! A PDF's text layer → plan text. Glyphs come from `hayro-interpret` (pure Rust; CJK through
//! the fonts' ToUnicode maps), are grouped into lines by their baselines and into paragraphs by
//! the page's margins; running headers and footers (a line in the top or bottom band repeated on
//! other pages, or a page number such as — 12 — or 第 3 页) are dropped. Wide gaps inside a line
//! become tabs, and a table drawn with rules is read cell by cell, so a table row reads like a
//! .docx table row; a table without rules is found from where its text stands (`pdf_table`).
//! A table's header repeated on the next page is dropped and a row broken by the page break
//! joined again (`settle_page_breaks`). Pages are separated by a form feed
//! at the end of a page's last line, so every span knows its page (`Span::page`); a paragraph
//! broken by a page break is joined later by `layout`, as for a text.
//!
//! The file is checked by `pdf_guard` before it is parsed, and the interpretation runs under a
//! budget of drawing calls and time and on a thread with its own stack.

use crate::decode::InputError;
use crate::pdf_guard;
use hayro_interpret::font::Glyph;
use hayro_interpret::hayro_syntax::Pdf;
use hayro_interpret::{
    BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache,
    InterpreterSettings, Paint, PathDrawMode, SoftMask, TransformExt, interpret_page,
};
use kurbo::{Affine, BezPath, Point, Rect, Shape};
use std::time::{Duration, Instant};

/// Drawing calls (glyphs, paths, images, clips) interpreted over the whole file: some 40 times
/// what a 100-page text-heavy plan needs (about a thousand glyphs a page).
const MAX_DRAW_CALLS: u64 = 4_000_000;
/// Time for interpreting the whole file (the Yangquan plan's 17 pages take under a second in a
/// debug build).
const MAX_TIME: Duration = Duration::from_secs(20);
/// The interpreting thread's stack: the interpreter recurses for nested forms and patterns.
const STACK_BYTES: usize = 64 << 20;
/// Glyphs kept over the whole file (each some 60 bytes).
const MAX_GLYPHS: usize = 4_000_000;

/// A PDF read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PdfText {
    pub(crate) text: String,
    pub(crate) pages: usize,
}

/// Reads the text layer of a PDF. A file without text (a scan) is [`InputError::Scanned`].
pub(crate) fn read(bytes: &[u8]) -> Result<PdfText, InputError> {
    pdf_guard::check(bytes)?;
    let data = bytes.to_vec();
    let run = std::thread::Builder::new()
        .name("pdf-text".into())
        .stack_size(STACK_BYTES)
        .spawn(move || std::panic::catch_unwind(move || glyph_pages(data)))
        .map_err(|e| InputError::Pdf(format!("无法启动 PDF 读取线程：{e}")))?;
    let pages = match run.join() {
        Ok(Ok(result)) => result?,
        Ok(Err(payload)) | Err(payload) => {
            if payload.downcast_ref::<OverBudget>().is_some() {
                return Err(InputError::Pdf(
                    "PDF 的绘制指令过多或读取超时，无法在限定的时间内取出文字".to_string(),
                ));
            }
            return Err(InputError::Pdf(
                "PDF 内部结构损坏，无法取出文字".to_string(),
            ));
        }
    };
    let page_count = pages.len();
    let glyphs: usize = pages.iter().map(|p| p.glyphs.len()).sum();
    if glyphs == 0 {
        return Err(InputError::Scanned { pages: page_count });
    }
    let missing: usize = pages.iter().map(|p| p.unmapped).sum();
    if missing > glyphs {
        return Err(InputError::Pdf(format!(
            "PDF 中有 {missing} 个字形无法对应到文字（字体缺少 ToUnicode 映射），请用原始文档另存为 .docx，或做文字识别 (OCR)"
        )));
    }
    Ok(PdfText {
        text: layout_pages(&pages),
        pages: page_count,
    })
}

/// The budget ran out: unwound out of the interpreter (without the panic hook).
struct OverBudget;

#[derive(Debug, Clone)]
struct PlacedGlyph {
    /// Baseline origin, in points from the page's top left.
    x: f64,
    y: f64,
    size: f64,
    width: f64,
    text: String,
}

#[derive(Debug, Default)]
struct PageGlyphs {
    glyphs: Vec<PlacedGlyph>,
    unmapped: usize,
    height: f64,
    /// Thin horizontal and vertical strokes and fills: a table's rules.
    rules: Vec<Rect>,
}

/// Rules kept per page (a table of 100 rows and 10 columns draws some 1 100).
const MAX_RULES: usize = 20_000;

struct Collector {
    glyphs: Vec<PlacedGlyph>,
    rules: Vec<Rect>,
    unmapped: usize,
    calls: u64,
    total_glyphs: usize,
    started: Instant,
}

impl Collector {
    fn tick(&mut self) {
        self.calls += 1;
        if self.calls > MAX_DRAW_CALLS
            || self.total_glyphs > MAX_GLYPHS
            || (self.calls.is_multiple_of(1024) && self.started.elapsed() > MAX_TIME)
        {
            std::panic::resume_unwind(Box::new(OverBudget));
        }
    }
}

impl<'a> Device<'a> for Collector {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'a>>) {}
    fn set_blend_mode(&mut self, _: BlendMode) {}
    fn draw_path(&mut self, path: &BezPath, transform: Affine, _: &Paint<'a>, _: &PathDrawMode) {
        self.tick();
        if self.rules.len() >= MAX_RULES || path.elements().len() > 16 {
            return;
        }
        let b = (transform * path.clone()).bounding_box();
        let thin = b.height() <= 2.5 || b.width() <= 2.5;
        if thin && (b.width() >= 4.0 || b.height() >= 4.0) && b.x0.is_finite() && b.y0.is_finite() {
            self.rules.push(b);
        }
    }
    fn push_clip_path(&mut self, _: &ClipPath) {
        self.tick();
    }
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {
        self.tick();
    }
    fn draw_glyph(
        &mut self,
        glyph: &Glyph<'a>,
        transform: Affine,
        glyph_transform: Affine,
        _: &Paint<'a>,
        _: &GlyphDrawMode,
    ) {
        self.tick();
        let m = transform * glyph_transform;
        let origin = m * Point::ORIGIN;
        // Glyph space has 1000 units per em.
        let size = (m * Point::new(0.0, 1000.0) - origin).length();
        let advance = match glyph {
            Glyph::Outline(g) => g.advance_width().map(f64::from),
            Glyph::Type3(_) => None,
        };
        let width = advance.map_or(size * 0.5, |a| (m * Point::new(a, 0.0) - origin).length());
        let Some(text) = glyph.as_unicode().map(|u| match u {
            hayro_interpret::hayro_cmap::BfString::Char(c) => c.to_string(),
            hayro_interpret::hayro_cmap::BfString::String(s) => s,
        }) else {
            self.unmapped += 1;
            return;
        };
        let text: String = text.chars().filter(|c| !c.is_control()).collect();
        if text.trim().is_empty() || !size.is_finite() || !origin.x.is_finite() {
            return;
        }
        self.total_glyphs += 1;
        self.glyphs.push(PlacedGlyph {
            x: origin.x,
            y: origin.y,
            size: size.max(0.1),
            width,
            text,
        });
    }
    fn draw_image(&mut self, _: Image<'a, '_>, _: Affine) {
        self.tick();
    }
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

fn glyph_pages(data: Vec<u8>) -> Result<Vec<PageGlyphs>, InputError> {
    let pdf = Pdf::new(data).map_err(|e| match e {
        hayro_interpret::hayro_syntax::LoadPdfError::Decryption(_) => {
            InputError::Pdf("PDF 已加密，请先解除密码保护".to_string())
        }
        hayro_interpret::hayro_syntax::LoadPdfError::Invalid => {
            InputError::Pdf("不是有效的 PDF 文件，或文件已损坏".to_string())
        }
    })?;
    let pages = pdf.pages();
    if pages.len() > pdf_guard::MAX_PAGES {
        return Err(InputError::Pdf(format!(
            "PDF 有 {} 页，超过上限 {} 页",
            pages.len(),
            pdf_guard::MAX_PAGES
        )));
    }
    let settings = InterpreterSettings::default();
    let cache = InterpreterCache::new();
    let mut collector = Collector {
        glyphs: Vec::new(),
        rules: Vec::new(),
        unmapped: 0,
        calls: 0,
        total_glyphs: 0,
        started: Instant::now(),
    };
    let mut out = Vec::with_capacity(pages.len());
    for page in pages.iter() {
        let (w, h) = page.render_dimensions();
        let mut context = Context::new(
            page.initial_transform(true).to_kurbo(),
            Rect::new(0.0, 0.0, f64::from(w), f64::from(h)),
            &cache,
            page.xref(),
            settings.clone(),
        );
        interpret_page(page, &mut context, &mut collector);
        out.push(PageGlyphs {
            glyphs: std::mem::take(&mut collector.glyphs),
            unmapped: std::mem::take(&mut collector.unmapped),
            height: f64::from(h),
            rules: std::mem::take(&mut collector.rules),
        });
    }
    Ok(out)
}

/// One visual line of a page.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub(crate) text: String,
    pub(crate) left: f64,
    pub(crate) right: f64,
    /// Baseline, from the page's top.
    pub(crate) y: f64,
    pub(crate) size: f64,
    /// A table row (tab-separated cells): never joined with another line.
    pub(crate) cells: bool,
    /// The line cut at gaps of about an em or more (`pdf_table` finds columns in them).
    pub(crate) parts: Vec<Part>,
}

/// A run of text on a line with no gap of about an em or more inside it.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub(crate) x0: f64,
    pub(crate) x1: f64,
    pub(crate) text: String,
}

/// A wide character (CJK, full-width punctuation): no space is written next to it for a
/// justified gap.
fn wide(c: char) -> bool {
    crate::chars::is_wide(c)
}

/// Glyphs → lines: glyphs whose baselines are within a third of their size form a line, read
/// left to right. A gap much wider than the line's usual gap is a space; a gap of three ems or
/// more separates two table cells (a tab).
fn lines_of(mut glyphs: Vec<PlacedGlyph>) -> Vec<Line> {
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Vec<PlacedGlyph>> = Vec::new();
    for g in glyphs {
        match rows.last_mut() {
            Some(row)
                if row
                    .last()
                    .is_some_and(|last| (g.y - last.y).abs() <= 0.35 * last.size.max(g.size)) =>
            {
                row.push(g);
            }
            _ => rows.push(vec![g]),
        }
    }
    rows.into_iter()
        .filter_map(|mut row| {
            row.sort_by(|a, b| a.x.total_cmp(&b.x));
            // Drop a glyph drawn twice at the same place (fake bold).
            row.dedup_by(|b, a| a.text == b.text && (a.x - b.x).abs() < 0.1 * a.size);
            line_of(&row)
        })
        .collect()
}

fn line_of(row: &[PlacedGlyph]) -> Option<Line> {
    let first = row.first()?;
    let size = row.iter().map(|g| g.size).sum::<f64>() / row.len() as f64;
    let gaps: Vec<f64> = row
        .windows(2)
        .map(|w| w[1].x - (w[0].x + w[0].width))
        .collect();
    let mut sorted = gaps.clone();
    sorted.sort_by(f64::total_cmp);
    let usual = sorted
        .get(sorted.len() / 2)
        .copied()
        .unwrap_or(0.0)
        .max(0.0);
    let mut text = String::new();
    let mut cells = false;
    text.push_str(&first.text);
    // A gap this wide separates parts: about an em, and clearly more than the usual gap
    // between glyphs of a word (a line of table cells has mostly wide gaps); between two
    // Chinese characters, which are set without gaps, half an em (two cells' padding).
    let usual_part = usual.min(0.3 * size);
    let cut = (0.9 * size).max(usual_part + 0.7 * size);
    let cut_wide = (0.4 * size).max(usual_part + 0.35 * size);
    let mut parts = Vec::new();
    let mut part = Part {
        x0: first.x,
        x1: first.x + first.width,
        text: first.text.clone(),
    };
    for (g, gap) in row[1..].iter().zip(&gaps) {
        let before = text.chars().next_back().unwrap_or(' ');
        let after = g.text.chars().next().unwrap_or(' ');
        let mut space = None;
        if *gap >= 3.0 * size {
            text.push('\t');
            cells = true;
        } else if (wide(before) || wide(after)) && *gap > usual + 0.6 * size {
            space = Some('\u{3000}');
        } else if !wide(before) && !wide(after) && *gap > usual.min(0.15 * size) + 0.15 * size {
            space = Some(' ');
        }
        if *gap >= cut || (wide(before) && wide(after) && *gap >= cut_wide) {
            parts.push(std::mem::replace(
                &mut part,
                Part {
                    x0: g.x,
                    x1: g.x,
                    text: String::new(),
                },
            ));
        } else if let Some(c) = space {
            part.text.push(c);
        }
        if let Some(c) = space {
            text.push(c);
        }
        text.push_str(&g.text);
        part.text.push_str(&g.text);
        part.x1 = part.x1.max(g.x + g.width);
    }
    parts.push(part);
    let last = row.last()?;
    Some(Line {
        text,
        left: first.x,
        right: last.x + last.width,
        y: row.iter().map(|g| g.y).sum::<f64>() / row.len() as f64,
        size,
        cells,
        parts,
    })
}

/// Values within `tol` of each other, merged (sorted).
fn cluster(mut v: Vec<f64>, tol: f64) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    for x in v {
        match out.last() {
            Some(&l) if x - l <= tol => {}
            _ => out.push(x),
        }
    }
    out
}

/// Tables drawn with rules: each run of vertical rules over the same height is a table, its
/// columns between the vertical rules and its rows between the horizontal ones. The glyphs in
/// a cell, read line by line, are the cell's text; a row becomes one line of tab-separated
/// cells (a merged cell's text stays in the row it is drawn in). Returns the glyphs outside
/// tables and the rows.
fn table_rows(glyphs: &[PlacedGlyph], rules: &[Rect]) -> (Vec<PlacedGlyph>, Vec<Line>) {
    let vertical: Vec<&Rect> = rules.iter().filter(|r| r.height() > r.width()).collect();
    let horizontal: Vec<&Rect> = rules.iter().filter(|r| r.width() >= r.height()).collect();
    // Vertical extents of tables: overlapping vertical rules merged.
    let mut spans: Vec<(f64, f64)> = vertical.iter().map(|r| (r.y0, r.y1)).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut tables: Vec<(f64, f64)> = Vec::new();
    for (a, b) in spans {
        match tables.last_mut() {
            Some(t) if a <= t.1 + 1.0 => t.1 = t.1.max(b),
            _ => tables.push((a, b)),
        }
    }
    let mut rest: Vec<PlacedGlyph> = Vec::new();
    let mut taken = vec![false; glyphs.len()];
    let mut rows_out = Vec::new();
    for (top, bottom) in tables {
        let xs = cluster(
            vertical
                .iter()
                .filter(|r| r.y0 >= top - 1.0 && r.y1 <= bottom + 1.0)
                .map(|r| r.center().x)
                .collect(),
            2.0,
        );
        let ys = cluster(
            horizontal
                .iter()
                .filter(|r| r.center().y >= top - 1.5 && r.center().y <= bottom + 1.5)
                .map(|r| r.center().y)
                .collect(),
            2.0,
        );
        if xs.len() < 3 || ys.len() < 2 {
            continue;
        }
        let (left, right) = (xs[0], xs[xs.len() - 1]);
        let mut cells: Vec<Vec<Vec<PlacedGlyph>>> =
            vec![vec![Vec::new(); xs.len() - 1]; ys.len() - 1];
        for (i, g) in glyphs.iter().enumerate() {
            let cx = g.x + g.width / 2.0;
            let cy = g.y - g.size * 0.35;
            if taken[i] || cx < left || cx > right || cy < ys[0] || cy > ys[ys.len() - 1] {
                continue;
            }
            let col = xs
                .partition_point(|&x| x <= cx)
                .saturating_sub(1)
                .min(xs.len() - 2);
            let row = ys
                .partition_point(|&y| y <= cy)
                .saturating_sub(1)
                .min(ys.len() - 2);
            cells[row][col].push(g.clone());
            taken[i] = true;
        }
        for (r, row) in cells.into_iter().enumerate() {
            let texts: Vec<String> = row
                .into_iter()
                .map(|cell| {
                    let mut text = String::new();
                    for l in lines_of(cell) {
                        let before = text.chars().next_back().unwrap_or(' ');
                        let after = l.text.chars().next().unwrap_or(' ');
                        if !text.is_empty() && !wide(before) && !wide(after) {
                            text.push(' ');
                        }
                        text.push_str(&l.text.replace('\t', " "));
                    }
                    text
                })
                .collect();
            if texts.iter().all(String::is_empty) {
                continue;
            }
            let size = glyphs.first().map_or(10.0, |g| g.size);
            rows_out.push(Line {
                text: texts.join("\t"),
                left,
                right,
                y: ys[r] + 0.01,
                size,
                cells: true,
                parts: Vec::new(),
            });
        }
    }
    for (i, g) in glyphs.iter().enumerate() {
        if !taken[i] {
            rest.push(g.clone());
        }
    }
    (rest, rows_out)
}

/// The key a running header or footer keeps from page to page: without digits and spaces.
fn furniture_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !crate::chars::is_space(*c))
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// Whether a line lies in the page's top or bottom band, where headers and footers are.
fn in_band(l: &Line, height: f64) -> bool {
    height > 0.0 && (l.y < height * 0.12 || l.y > height * 0.88)
}

fn layout_pages(pages: &[PageGlyphs]) -> String {
    let lines: Vec<(Vec<Line>, f64)> = pages
        .iter()
        .map(|p| {
            let (rest, mut rows) = table_rows(&p.glyphs, &p.rules);
            let mut lines = lines_of(rest);
            lines.append(&mut rows);
            lines.sort_by(|a, b| a.y.total_cmp(&b.y));
            (lines, p.height)
        })
        .collect();
    // Headers and footers: a line in a band whose key is in the same band on another page.
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (page, h) in &lines {
        let h = *h;
        let keys: std::collections::BTreeSet<String> = page
            .iter()
            .filter(|l| in_band(l, h))
            .map(|l| furniture_key(&l.text))
            .collect();
        for k in keys {
            *seen.entry(k).or_default() += 1;
        }
    }
    // The body of each page, with its tables without rules read as rows.
    let mut carry = None;
    let mut bodies: Vec<Vec<Line>> = Vec::with_capacity(lines.len());
    for (page, h) in lines {
        // A line of three or more columns, and a line right next to one (or near one, when it
        // has columns of its own), belongs to a table, not to a running header: a header row
        // repeated on every page is dropped by `settle_page_breaks`, and rows of a table are
        // alike once their digits are masked.
        let mut columned: Vec<f64> = page
            .iter()
            .filter(|l| l.parts.len() >= 3 || l.cells && l.parts.is_empty())
            .map(|l| l.y)
            .collect();
        columned.sort_by(f64::total_cmp);
        let in_table = |l: &Line| {
            let near = if l.parts.len() >= 2 { 4.0 } else { 2.5 } * l.size;
            // The first columned line at or below `l.y - near`, if it is within reach.
            let k = columned.partition_point(|&y| y < l.y - near);
            columned.get(k).is_some_and(|&y| y <= l.y + near)
        };
        let body: Vec<Line> = page
            .into_iter()
            .filter(|l| {
                let band = in_band(l, h) && !in_table(l);
                let repeated = seen.get(&furniture_key(&l.text)).is_some_and(|&n| n >= 2);
                !(band && (repeated || crate::layout::is_page_number(&l.text)))
            })
            .collect();
        bodies.push(crate::pdf_table::recover(body, &mut carry));
    }
    settle_page_breaks(&mut bodies);
    let mut out = String::new();
    for (i, body) in bodies.iter().enumerate() {
        let refs: Vec<&Line> = body.iter().collect();
        let text = paragraphs(&refs);
        if i > 0 {
            // The form feed ends the previous page's last line.
            out.push('\u{c}');
            out.push('\n');
        }
        out.push_str(&text);
    }
    out
}

/// Tables going on over a page break: a table's first row repeated at the top of the next
/// page is dropped (word processors repeat header rows on every page), and a row broken by
/// the page break is joined again (`pdf_table::continues_row`).
fn settle_page_breaks(bodies: &mut [Vec<Line>]) {
    let mut headers: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut before: Option<Line> = None;
    for k in 0..bodies.len() {
        let goes_on = before.as_ref().is_some_and(|b| b.cells);
        if goes_on
            && bodies[k]
                .first()
                .is_some_and(|l| l.cells && headers.contains(&l.text))
        {
            bodies[k].remove(0);
        }
        if let Some(b) = &before
            && bodies[k]
                .first()
                .is_some_and(|first| crate::pdf_table::continues_row(b, first))
        {
            let rest = bodies[k].remove(0);
            let (done, _) = bodies.split_at_mut(k);
            if let Some(prev) = done.iter_mut().rev().find_map(|p| p.last_mut()) {
                crate::pdf_table::join_rows(prev, &rest);
            }
        }
        let mut last_cells = before.as_ref().is_some_and(|b| b.cells);
        for l in &bodies[k] {
            if l.cells && !last_cells {
                headers.insert(l.text.clone());
            }
            last_cells = l.cells;
        }
        if let Some(l) = bodies[..=k].iter().rev().find_map(|p| p.last()) {
            before = Some(l.clone());
        }
    }
}

/// Joins the lines of a page into paragraphs: a line that reaches the right margin goes on
/// with the next line when that one starts at the left margin (not indented) in the same size.
fn paragraphs(lines: &[&Line]) -> String {
    let left = lines.iter().map(|l| l.left).fold(f64::INFINITY, f64::min);
    let right = lines
        .iter()
        .map(|l| l.right)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            let p = lines[i - 1];
            let full = p.right >= right - 1.5 * p.size;
            let flush = l.left <= left + 0.6 * l.size;
            let same = (l.size - p.size).abs() <= 0.2 * p.size;
            let near = (l.y - p.y) <= 2.2 * p.size.max(l.size);
            let joins = full && flush && same && near && !p.cells && !l.cells;
            if joins {
                let before = out.chars().next_back().unwrap_or(' ');
                let after = l.text.chars().next().unwrap_or(' ');
                if !wide(before) && !wide(after) && before != '-' {
                    out.push(' ');
                }
            } else {
                out.push('\n');
            }
        }
        out.push_str(&l.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(y: f64, x0: f64, text: &str, step: f64) -> Vec<PlacedGlyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| PlacedGlyph {
                x: x0 + step * i as f64,
                y,
                size: 16.0,
                width: if wide(c) { 16.0 } else { 8.0 },
                text: c.to_string(),
            })
            .collect()
    }

    #[test]
    fn justified_cjk_gaps_are_not_spaces_and_wide_gaps_are_cells() {
        let l = lines_of(glyphs(100.0, 80.0, "建设创新平台", 17.0));
        assert_eq!(l[0].text, "建设创新平台");
        let mut row = glyphs(200.0, 80.0, "市科技局", 16.0);
        row.extend(glyphs(200.0, 300.0, "市财政局", 16.0));
        let l = lines_of(row);
        assert_eq!(l[0].text, "市科技局\t市财政局");
    }

    #[test]
    fn lines_reaching_the_margin_join_and_indented_lines_start_paragraphs() {
        let mut g = glyphs(100.0, 112.0, "（1）打造新材料基地。依托", 16.0);
        g.extend(glyphs(128.0, 80.0, "龙头企业，加快推动电池产业", 16.0));
        g.extend(glyphs(156.0, 112.0, "牵头单位：市工信局", 16.0));
        let lines = lines_of(g);
        let refs: Vec<&Line> = lines.iter().collect();
        assert_eq!(
            paragraphs(&refs),
            "（1）打造新材料基地。依托龙头企业，加快推动电池产业\n牵头单位：市工信局"
        );
    }

    #[test]
    fn repeated_headers_and_page_numbers_are_dropped() {
        let page = |n: usize, body: &str| {
            let mut g = glyphs(40.0, 200.0, "阳泉市人民政府办公室文件", 16.0);
            g.extend(glyphs(300.0, 112.0, body, 16.0));
            g.extend(glyphs(800.0, 280.0, &format!("— {n} —"), 10.0));
            PageGlyphs {
                glyphs: g,
                unmapped: 0,
                height: 842.0,
                rules: Vec::new(),
            }
        };
        let text = layout_pages(&[page(1, "一、目标要求"), page(2, "二、主要任务")]);
        assert_eq!(text, "一、目标要求\u{c}\n二、主要任务");
    }
}
