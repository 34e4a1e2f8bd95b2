//! The HTML writer: one self-contained file (inline CSS and SVG, no scripts, no external
//! requests — it must open on an intranet machine) that reads well on screen and prints on A4.
//! Every figure links to its source: the number is a link to the source's row in the sources
//! table, whose tooltip names the unit, period, submitter and time.

use crate::config::FontConfig;
use crate::model::{Align, Block, Chart, Document, Inline, Paragraph, Row, Source, Table};
use std::collections::HashMap;
use std::fmt::Write;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn font_stack(families: &[String], generic: &str) -> String {
    let mut v: Vec<String> = families
        .iter()
        .map(|f| format!("\"{}\"", f.replace(['"', '\\', ';', '{', '}', '<'], "")))
        .collect();
    v.push(generic.to_string());
    v.join(", ")
}

fn css(fonts: &FontConfig) -> String {
    let title = font_stack(&fonts.title, "serif");
    let body = font_stack(&fonts.body, "serif");
    let h1 = font_stack(&fonts.heading1, "sans-serif");
    let h2 = font_stack(&fonts.heading2, "serif");
    let table = font_stack(&fonts.table, "serif");
    let chart = font_stack(&fonts.chart, "sans-serif");
    format!(
        r#"
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}
@page wide {{ size: A4 landscape; margin: 28mm 26mm 26mm 28mm; }}
* {{ box-sizing: border-box; }}
html {{ background: #eceff3; }}
body {{ margin: 0; color: #000; font-family: {body}; font-size: 16pt; line-height: 28pt; }}
.page {{ background: #fff; max-width: 210mm; margin: 16px auto; padding: 37mm 26mm 35mm 28mm; box-shadow: 0 1px 6px rgba(0,0,0,.15); }}
h1.title {{ font-family: {title}; font-size: 22pt; line-height: 35pt; font-weight: normal; text-align: center; margin: 0 0 28pt; text-wrap: balance; }}
h2, h3, h4 {{ font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; }}
h2 {{ font-family: {h1}; }}
h3 {{ font-family: {h2}; }}
h4 {{ font-family: {body}; }}
p {{ margin: 0; text-indent: 2em; text-align: justify; }}
p.note {{ text-indent: 0; font-size: 14pt; line-height: 22pt; }}
p.flush {{ text-indent: 0; }}
.label {{ font-family: {h1}; color: #c00000; }}
a.fig {{ color: inherit; text-decoration: none; border-bottom: 1px dotted #1f5fa8; }}
a.fig:hover {{ background: #e8f0fb; }}
sup.more a {{ color: #1f5fa8; font-size: 9pt; text-decoration: none; }}
table {{ border-collapse: collapse; width: 100%; margin: 6pt 0 10pt; font-family: {table}; font-size: 10.5pt; line-height: 1.45; }}
caption {{ font-family: {h1}; font-size: 14pt; line-height: 22pt; padding: 8pt 0 4pt; caption-side: top; }}
th, td {{ border: 0.5pt solid #000; padding: 3pt 4pt; vertical-align: middle; }}
th {{ font-family: {h1}; font-weight: normal; text-align: center; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
tr.group th {{ text-align: left; background: #f2f2f2; }}
td.left {{ text-align: left; }} td.center {{ text-align: center; }} td.right {{ text-align: right; }}
.table-note {{ font-family: {table}; font-size: 10.5pt; line-height: 1.5; }}
figure.chart {{ margin: 10pt 0; text-align: center; break-inside: avoid; font-family: {chart}; }}
figure.chart svg {{ width: 92%; height: auto; }}
figure.chart svg text {{ font-family: {chart}; }}
figcaption {{ font-family: {h1}; font-size: 14pt; line-height: 22pt; }}
figcaption .sources {{ display: block; font-family: {table}; font-size: 10.5pt; color: #444; }}
.attachments {{ display: grid; grid-template-columns: 2em auto 1fr; margin-top: 28pt; }}
.attachments span {{ text-indent: 0; }}
.signature {{ margin-top: 56pt; text-align: right; }}
.signature .issuer {{ padding-right: 2em; }} .signature .date {{ padding-right: 4em; }}
section.attachment {{ break-before: page; margin-top: 28pt; padding-top: 12pt; border-top: 2px dashed #bbb; }}
section.attachment.landscape {{ page: wide; }}
.att-label {{ font-family: {h1}; text-indent: 0; }}
.att-title {{ font-family: {title}; font-size: 18pt; text-align: center; text-indent: 0; margin: 14pt 0; }}
tr:target, tr.src:target {{ background: #fff3c4; }}
.demo-banner {{ position: fixed; top: 0; left: 0; right: 0; text-align: center; font-family: {h1}; font-size: 12pt; line-height: 20pt; letter-spacing: .3em; color: #c00000; background: rgba(255,240,240,.92); z-index: 2; }}
.demo-mark {{ position: fixed; top: 45%; left: 0; right: 0; text-align: center; font-family: {h1}; font-size: 80pt; color: rgba(192,0,0,.10); transform: rotate(-30deg); pointer-events: none; z-index: 1; }}
h1.title .tl {{ display: inline-block; }}
.table-wrap {{ width: 100%; }}
@media screen and (max-width: 760px) {{
  /* A phone: the A4 margins go, the type fits the screen (about 20 characters a line), wide
     tables scroll sideways inside their box instead of squeezing their columns to one character. */
  html {{ background: #fff; }}
  body {{ font-size: 17px; line-height: 1.75; }}
  .page {{ max-width: none; margin: 0; padding: 28px 14px 40px; box-shadow: none; }}
  h1.title {{ font-size: 22px; line-height: 1.5; margin-bottom: 18px; }}
  h2, h3, h4 {{ font-size: 17px; margin-top: 6px; }}
  p.note {{ font-size: 14px; line-height: 1.6; }}
  .table-wrap {{ overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 6px 0 12px; }}
  .table-wrap table {{ min-width: 34em; margin: 0; font-size: 13px; }}
  caption {{ font-size: 15px; line-height: 1.5; text-align: left; }}
  figure.chart svg {{ width: 100%; }}
  figcaption {{ font-size: 15px; line-height: 1.5; }}
  .att-title {{ font-size: 19px; }}
  .signature {{ margin-top: 28px; }}
  .demo-mark {{ font-size: 44px; }}
  .demo-banner {{ font-size: 11px; line-height: 18px; letter-spacing: 0; white-space: nowrap; overflow: hidden; }}
  .page {{ padding-top: 36px; }}
}}
@media print {{
  html {{ background: none; }}
  .page {{ max-width: none; margin: 0; padding: 0; box-shadow: none; }}
  a.fig {{ border-bottom: none; }}
  sup.more {{ display: none; }}
  section.attachment {{ border-top: none; margin-top: 0; padding-top: 0; }}
  .demo-banner {{ background: none; }}
}}
"#
    )
}

fn source_title(s: &Source) -> String {
    let mut parts = vec![s.unit.clone()];
    if !s.period.is_empty() {
        parts.push(s.period.clone());
    }
    parts.push(format!("{}报送", s.submitted_by));
    parts.push(s.submitted_at.clone());
    format!("{}：{}", s.what, parts.join(" · "))
}

struct Ctx<'a> {
    /// Tooltip text per anchor id.
    titles: HashMap<&'a str, String>,
}

impl Ctx<'_> {
    fn title(&self, id: &str) -> String {
        self.titles.get(id).cloned().unwrap_or_default()
    }

    /// A figure: the text links to the first trace; further traces follow as small numbers.
    fn figure(&self, out: &mut String, text: &str, trace: &[String]) {
        let Some(first) = trace.first() else {
            out.push_str(&escape(text));
            return;
        };
        let all: Vec<String> = trace.iter().map(|t| self.title(t)).collect();
        let _ = write!(
            out,
            r##"<a class="fig" href="#{}" title="{}">{}</a>"##,
            escape(first),
            escape(&all.join("\n")),
            escape(text).replace('\n', "<br>")
        );
        if trace.len() > 1 {
            out.push_str(r#"<sup class="more">"#);
            for (i, t) in trace.iter().enumerate().skip(1) {
                let _ = write!(
                    out,
                    r##"<a href="#{}" title="{}">{}</a>"##,
                    escape(t),
                    escape(&self.title(t)),
                    i + 1
                );
            }
            out.push_str("</sup>");
        }
    }

    fn paragraph(&self, out: &mut String, p: &Paragraph) {
        out.push_str(if p.note {
            r#"<p class="note">"#
        } else if p.flush {
            r#"<p class="flush">"#
        } else {
            "<p>"
        });
        if let Some(l) = p.label {
            let _ = write!(out, r#"<span class="label">{}</span>"#, l.text());
        }
        for i in &p.inlines {
            match i {
                Inline::Text { text } => out.push_str(&escape(text)),
                Inline::Figure { text, trace } => self.figure(out, text, trace),
            }
        }
        out.push_str("</p>\n");
    }

    fn table(&self, out: &mut String, t: &Table, in_attachment: bool) {
        out.push_str(r#"<div class="table-wrap">"#);
        let _ = write!(out, r#"<table id="{}">"#, escape(&t.id));
        if t.number.is_some() || !in_attachment {
            let n = t
                .number
                .as_deref()
                .map_or(String::new(), |n| format!("{n}　"));
            let _ = write!(out, "<caption>{}{}</caption>", escape(&n), escape(&t.title));
        }
        let total: u32 = t
            .columns
            .iter()
            .map(|c| u32::from(c.width))
            .sum::<u32>()
            .max(1);
        out.push_str("<colgroup>");
        for c in &t.columns {
            let _ = write!(
                out,
                r#"<col style="width:{:.1}%">"#,
                f64::from(c.width) * 100.0 / f64::from(total)
            );
        }
        out.push_str("</colgroup><thead><tr>");
        for c in &t.columns {
            let _ = write!(out, "<th>{}</th>", escape(&c.title));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for r in &t.rows {
            match r {
                Row::Group { text } => {
                    let _ = writeln!(
                        out,
                        r#"<tr class="group"><th colspan="{}">{}</th></tr>"#,
                        t.columns.len(),
                        escape(text)
                    );
                }
                Row::Cells { cells } => {
                    out.push_str("<tr>");
                    for (i, c) in cells.iter().enumerate() {
                        let col = t.columns.get(i);
                        let align = match col.map(|c| c.align) {
                            Some(Align::Left) => "left",
                            Some(Align::Right) => "right",
                            _ => "center",
                        };
                        let mut class = vec![align];
                        if col.is_some_and(|c| c.key) {
                            class.push("key");
                        }
                        if !c.trace.is_empty() {
                            class.push("fig");
                        }
                        let _ = write!(out, r#"<td class="{}">"#, class.join(" "));
                        if c.trace.is_empty() {
                            out.push_str(&escape(&c.text).replace('\n', "<br>"));
                        } else {
                            self.figure(out, &c.text, &c.trace);
                        }
                        out.push_str("</td>");
                    }
                    out.push_str("</tr>\n");
                }
            }
        }
        out.push_str("</tbody></table></div>\n");
        if let Some(n) = &t.note {
            let _ = writeln!(out, r#"<div class="table-note">{}</div>"#, escape(n));
        }
    }

    fn chart(&self, out: &mut String, c: &Chart) {
        let _ = write!(
            out,
            r#"<figure class="chart" id="{}" role="img" aria-label="{}">"#,
            escape(&c.id),
            escape(&c.alt)
        );
        out.push_str(&c.svg);
        let _ = write!(
            out,
            "<figcaption>{}　{}<span class=\"sources\">数据来源：",
            escape(&c.number),
            escape(&c.title)
        );
        for (i, t) in c.trace.iter().enumerate() {
            if i > 0 {
                out.push('、');
            }
            let _ = write!(
                out,
                r##"<a class="src" href="#{}" title="{}">{}</a>"##,
                escape(t),
                escape(&self.title(t)),
                escape(self.titles.get(t.as_str()).map_or(t.as_str(), |s| {
                    s.split('：')
                        .nth(1)
                        .unwrap_or(s)
                        .split(" · ")
                        .next()
                        .unwrap_or(s)
                }))
            );
        }
        out.push_str("</span></figcaption></figure>\n");
    }

    fn sources(&self, out: &mut String, doc: &Document) {
        out.push_str(
            r#"<table id="sources" class="sources"><thead><tr><th>编号</th><th>来源</th><th>报送单位</th><th>报送期</th><th>报送人</th><th>报送时间</th><th>备注</th></tr></thead><tbody>"#,
        );
        for (i, s) in doc.sources.iter().enumerate() {
            let _ = writeln!(
                out,
                r#"<tr class="src" id="{}"><td class="center">{}</td><td class="left">{}</td><td class="left">{}</td><td class="center">{}</td><td class="center">{}</td><td class="center">{}</td><td class="left">{}</td></tr>"#,
                escape(&s.id),
                i + 1,
                escape(&s.what),
                escape(&s.unit),
                escape(&s.period),
                escape(&s.submitted_by),
                escape(&s.submitted_at),
                escape(&s.note)
            );
        }
        out.push_str("</tbody></table></div>\n");
    }
}

/// Writes the document as one self-contained HTML file.
pub fn render(doc: &Document, fonts: &FontConfig) -> String {
    let mut titles: HashMap<&str, String> = doc
        .sources
        .iter()
        .map(|s| (s.id.as_str(), source_title(s)))
        .collect();
    for t in doc.tables() {
        let n = t.number.as_deref().unwrap_or("");
        titles.insert(t.id.as_str(), format!("见{n}{}", t.title));
    }
    for c in doc.charts() {
        titles.insert(c.id.as_str(), format!("见{}{}", c.number, c.title));
    }
    let ctx = Ctx { titles };
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"PlanWatch\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
        escape(&doc.title),
        css(fonts)
    );
    if doc.demo {
        out.push_str("<div class=\"demo-banner\">示例数据 · 本文件中的数据为演示用的合成数据</div>\n<div class=\"demo-mark\" aria-hidden=\"true\">示例数据</div>\n");
    }
    let _ = writeln!(
        out,
        "<main class=\"page\">\n<h1 class=\"title\">{}</h1>",
        // Short runs that each keep their words together: a narrow screen breaks the title only
        // between them (GB/T 9704: 回行时词意完整).
        crate::model::title_lines(&doc.title, 7.0)
            .iter()
            .map(|l| format!("<span class=\"tl\">{}</span>", escape(l)))
            .collect::<String>()
    );
    let mut in_attachment = false;
    for b in &doc.blocks {
        match b {
            Block::Heading { level, text } => {
                let h = (level + 1).clamp(2, 4);
                let _ = writeln!(out, "<h{h}>{}</h{h}>", escape(text));
            }
            Block::Paragraph(p) => ctx.paragraph(&mut out, p),
            Block::Table(t) => ctx.table(&mut out, t, in_attachment),
            Block::Chart(c) => ctx.chart(&mut out, c),
            Block::AttachmentList { items } => {
                out.push_str("<div class=\"attachments\">");
                for (i, item) in items.iter().enumerate() {
                    let head = if i == 0 { "附件：" } else { "" };
                    let _ = write!(
                        out,
                        "<span></span><span>{head}</span><span>{}</span>",
                        escape(item)
                    );
                }
                out.push_str("</div>\n");
            }
            Block::Signature { issuer, date } => {
                let _ = writeln!(
                    out,
                    "<div class=\"signature\"><div class=\"issuer\">{}</div><div class=\"date\">{}</div></div>",
                    escape(issuer),
                    escape(date)
                );
            }
            Block::Attachment {
                label,
                title,
                landscape,
            } => {
                if in_attachment {
                    out.push_str("</section>\n");
                }
                in_attachment = true;
                let _ = writeln!(
                    out,
                    "<section class=\"attachment{}\"><p class=\"att-label\">{}</p><h2 class=\"att-title\">{}</h2>",
                    if *landscape { " landscape" } else { "" },
                    escape(label),
                    escape(title)
                );
            }
            Block::Sources => ctx.sources(&mut out, doc),
            Block::PageBreak => out.push_str("<div style=\"break-after: page\"></div>\n"),
        }
    }
    if in_attachment {
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_in_data_are_escaped() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
