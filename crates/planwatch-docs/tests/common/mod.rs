//! Shared fixtures for the writer tests: a small document with every kind of block, and the
//! fonts loaded once per test binary.

#![allow(dead_code)]

pub mod view;

use planwatch_docs::charts::{IndicatorSeries, indicator_chart};
use planwatch_docs::model::{
    Align, Block, Cell, Chart, Column, Document, Label, ParagraphBuilder, Row, Source, Table,
};
use planwatch_docs::{Fonts, Paragraph, ReportConfig};
use std::sync::{Arc, OnceLock};

/// The system's fonts, loaded once for the whole test binary (loading is the slow part).
pub fn fonts() -> Arc<Fonts> {
    static FONTS: OnceLock<Arc<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Arc::new(
                Fonts::load(&ReportConfig::default().fonts)
                    .expect("a CJK font is installed (scripts/test.sh installs fonts-noto-cjk)"),
            )
        })
        .clone()
}

/// Where tests leave files for a human to look at.
pub fn out_dir() -> std::path::PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("planwatch-docs");
    std::fs::create_dir_all(&d).expect("create the output folder");
    d
}

fn src(id: &str) -> Vec<String> {
    vec![id.to_string()]
}

/// A document with every block kind, Chinese text, a figure trace, a group row and a chart.
pub fn sample_document(demo: bool) -> Document {
    let chart = indicator_chart(&IndicatorSeries {
        name: "国家高新技术企业数量".into(),
        unit: "家".into(),
        points: vec![(2021.0, 120.0), (2022.0, 151.0), (2023.0, 172.0)],
        target: Some((2024, 200.0)),
        forecast: Some((2024.0, 196.0)),
        decimals: 0,
    })
    .expect("chart draws");
    let table = Table {
        id: "table-1".into(),
        number: Some("表1".into()),
        title: "主要指标完成情况表".into(),
        columns: vec![
            Column::key("序号", 4),
            Column::new("指标名称", 16, Align::Left),
            Column::new("单位", 5, Align::Center),
            Column::new("年度目标值", 7, Align::Right),
            Column::new("完成值", 7, Align::Right),
            Column::new("完成率", 7, Align::Right),
            Column::new("状态", 9, Align::Center),
        ],
        rows: vec![
            Row::Group {
                text: "科技创新专班".into(),
            },
            Row::cells(vec![
                Cell::text("1"),
                Cell::traced("国家高新技术企业数量", &src("src-plan")),
                Cell::text("家"),
                Cell::number("180", 180.0, "0", &src("src-plan")),
                Cell::number("172", 172.0, "0", &src("src-1")),
                Cell::number("95.6%", 0.956, "0.0%", &src("src-1")),
                Cell::text("未达到序时进度"),
            ]),
            Row::cells(vec![
                Cell::text("2"),
                Cell::traced("全社会R&D经费支出占GDP比重 <#[*_\"", &src("src-plan")),
                Cell::text("%"),
                Cell::number("1.8", 1.8, "0.0", &src("src-plan")),
                Cell::number("1.85", 1.85, "0.00", &src("src-2")),
                Cell::number("102.8%", 1.028, "0.0%", &src("src-2")),
                Cell::text("已完成"),
            ]),
        ],
        sheet: Some("表1 主要指标".into()),
        note: Some("注：完成率＝完成值÷年度目标值。".into()),
    };
    let wide = Table {
        id: "attachment-1".into(),
        number: None,
        title: "重点任务推进情况表".into(),
        columns: vec![
            Column::key("序号", 3),
            Column::new("专班", 6, Align::Center),
            Column::new("重点任务", 14, Align::Left),
            Column::new("牵头单位", 8, Align::Left),
            Column::new("节点", 16, Align::Left),
            Column::new("进展情况", 16, Align::Left),
            Column::new("状态", 6, Align::Center),
        ],
        rows: vec![Row::cells(vec![
            Cell::text("1"),
            Cell::text("产业发展专班"),
            Cell::traced("打造百亿级新材料产业基地", &src("src-plan")),
            Cell::text("市工信局"),
            Cell::traced(
                "2024年：新材料产值达到200亿元以上\n2023年：建成中试基地",
                &src("src-plan"),
            ),
            Cell::traced("新材料产值完成168亿元", &src("src-1")),
            Cell::text("序时推进"),
        ])],
        sheet: Some("附件1 重点任务".into()),
        note: None,
    };
    Document {
        title: "关于2023年度国家创新型城市建设评价考核情况的报告".into(),
        demo,
        blocks: vec![
            Block::Paragraph(Paragraph::text(
                "根据《阳泉市国家创新型城市建设三年行动计划（2022—2024年）》，现将2023年度评价考核情况报告如下：",
            )),
            Block::Heading {
                level: 1,
                text: "一、总体情况".into(),
            },
            Block::Paragraph(
                ParagraphBuilder::new()
                    .label(Label::Draft)
                    .text("计划确定的重点任务共")
                    .figure("22", &src("attachment-1"))
                    .text("项，已完成")
                    .figure("5", &src("attachment-1"))
                    .text("项、占")
                    .figure("22.7%", &src("attachment-1"))
                    .text("。")
                    .build(),
            ),
            Block::Heading {
                level: 2,
                text: "（一）科技创新专班".into(),
            },
            Block::Table(table),
            Block::Chart(Chart {
                id: "chart-1".into(),
                number: "图1".into(),
                title: "国家高新技术企业数量".into(),
                svg: chart.svg,
                width: chart.width,
                height: chart.height,
                alt: "2021年120家，2022年151家，2023年172家；目标2024年200家，预测196家".into(),
                trace: vec!["src-1".into(), "src-2".into()],
            }),
            Block::AttachmentList {
                items: vec!["1.重点任务推进情况表".into(), "2.数据来源清单".into()],
            },
            Block::Signature {
                issuer: "阳泉市国家创新型城市建设工作领导小组办公室".into(),
                date: "2024年1月20日".into(),
            },
            Block::Attachment {
                label: "附件1".into(),
                title: "重点任务推进情况表".into(),
                landscape: true,
            },
            Block::Table(wide),
            Block::Attachment {
                label: "附件2".into(),
                title: "数据来源清单".into(),
                landscape: false,
            },
            Block::Sources,
        ],
        sources: vec![
            Source {
                id: "src-plan".into(),
                what: "计划文本".into(),
                unit: "阳泉市人民政府".into(),
                period: String::new(),
                submitted_by: "办公室".into(),
                submitted_at: "2022-03-01 09:00".into(),
                note: "导入".into(),
            },
            Source {
                id: "src-1".into(),
                what: "季度报告".into(),
                unit: "市科技局".into(),
                period: "2023Q4".into(),
                submitted_by: "张明".into(),
                submitted_at: "2024-01-10 15:20".into(),
                note: "已审核".into(),
            },
            Source {
                id: "src-2".into(),
                what: "季度报告".into(),
                unit: "市统计局".into(),
                period: "2023Q4".into(),
                submitted_by: "李华".into(),
                submitted_at: "2024-01-12 10:05".into(),
                note: "已审核".into(),
            },
        ],
    }
}

/// Decodes the XML character entities docx and html writers produce.
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// One part of a docx (zip) as text.
pub fn docx_part(docx: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a docx is a zip");
    let mut f = zip
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the docx"));
    let mut s = String::new();
    f.read_to_string(&mut s).expect("utf-8 xml");
    s
}

/// The text of every `<w:t>` between `start` and `end` tags, joined.
fn texts(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<w:t") {
        rest = &rest[i + 4..];
        // <w:t> or <w:t xml:space="preserve">, but not <w:tc>, <w:tr>, <w:tbl>...
        if !(rest.starts_with('>') || rest.starts_with(' ')) {
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        if rest[..gt].ends_with('/') {
            rest = &rest[gt + 1..];
            continue;
        }
        rest = &rest[gt + 1..];
        let Some(end) = rest.find("</w:t>") else {
            break;
        };
        out.push_str(&unescape(&rest[..end]));
        rest = &rest[end..];
    }
    out
}

fn split_elements<'a>(xml: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(open) {
        let after = &rest[i + open.len()..];
        if !(after.starts_with('>') || after.starts_with(' ')) {
            rest = after;
            continue;
        }
        let Some(end) = after.find(close) else { break };
        out.push(&after[..end]);
        rest = &after[end + close.len()..];
    }
    out
}

/// The text of every paragraph in the document body, in order (table cells included).
pub fn docx_paragraphs(docx: &[u8]) -> Vec<String> {
    let xml = docx_part(docx, "word/document.xml");
    split_elements(&xml, "<w:p", "</w:p>")
        .into_iter()
        .map(texts)
        .collect()
}

/// Every table row as its cells' texts.
pub fn docx_table_rows(docx: &[u8]) -> Vec<Vec<String>> {
    let xml = docx_part(docx, "word/document.xml");
    split_elements(&xml, "<w:tr", "</w:tr>")
        .into_iter()
        .map(|tr| {
            split_elements(tr, "<w:tc", "</w:tc>")
                .into_iter()
                .map(texts)
                .collect()
        })
        .collect()
}

/// Runs a command-line tool when it is installed. Returns `None` when it is not and the tier
/// is not required (`PLANWATCH_REQUIRE_DOC_TOOLS` unset); panics when it is required.
pub fn tool(name: &str) -> Option<std::path::PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var_os("PLANWATCH_REQUIRE_DOC_TOOLS").is_some() {
            panic!("{name} is required by the document tier (scripts/test.sh installs it)");
        }
        eprintln!(
            "skipping: {name} is not installed (set PLANWATCH_REQUIRE_DOC_TOOLS=1 to require it)"
        );
    }
    found
}

/// pdftotext of a PDF file, with layout.
pub fn pdftotext(pdf: &std::path::Path) -> Option<String> {
    let exe = tool("pdftotext")?;
    let out = std::process::Command::new(exe)
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).expect("utf-8 text"))
}

/// Renders every page of a PDF to PNGs next to it (for a human to look at); returns the count.
pub fn pdftoppm(pdf: &std::path::Path, dpi: u32) -> Option<usize> {
    let exe = tool("pdftoppm")?;
    let stem = pdf.with_extension("");
    let out = std::process::Command::new(exe)
        .args(["-r", &dpi.to_string(), "-png"])
        .arg(pdf)
        .arg(&stem)
        .output()
        .expect("run pdftoppm");
    assert!(
        out.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let prefix = stem
        .file_name()
        .expect("file name")
        .to_string_lossy()
        .to_string();
    let n = std::fs::read_dir(pdf.parent().expect("parent"))
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.starts_with(&format!("{prefix}-")) && n.ends_with(".png")
        })
        .count();
    Some(n)
}

/// Converts a docx to PDF with LibreOffice (headless, a private profile so tests can run in
/// parallel); returns the PDF's path.
pub fn libreoffice_to_pdf(docx: &std::path::Path) -> Option<std::path::PathBuf> {
    let exe = tool("soffice").or_else(|| tool("libreoffice"))?;
    let dir = docx.parent().expect("parent");
    let profile = dir.join(format!(
        "lo-profile-{}",
        docx.file_stem().expect("stem").to_string_lossy()
    ));
    let out = std::process::Command::new(exe)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir)
        .arg(docx)
        .output()
        .expect("run libreoffice");
    assert!(
        out.status.success(),
        "libreoffice failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = docx.with_extension("pdf");
    assert!(
        pdf.is_file(),
        "libreoffice wrote no PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(pdf)
}

/// The values of attribute `attr` in every tag of `html`.
fn attr_values<'a>(tag: &'a str, attr: &str) -> Option<&'a str> {
    let key = format!("{attr}=\"");
    let i = tag.find(&key)?;
    let rest = &tag[i + key.len()..];
    Some(&rest[..rest.find('"')?])
}

fn tags<'a>(html: &'a str, name: &str) -> Vec<(&'a str, &'a str)> {
    // (opening tag, content up to the matching close tag; no nesting of the same element).
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i..];
        let next = after.as_bytes().get(open.len()).copied();
        if !matches!(next, Some(b' ' | b'>')) {
            rest = &after[open.len()..];
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let tag = &after[..=gt];
        let body_start = &after[gt + 1..];
        let end = body_start.find(&close).unwrap_or(body_start.len());
        out.push((tag, &body_start[..end]));
        rest = &body_start[end..];
    }
    out
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The traceability check for the HTML report. Returns every problem found:
/// - a figure (`a.fig`, `a.src`) whose link points to no element id;
/// - a chart (`<figure>`) without a source link;
/// - a table cell holding a number that is neither a key column (序号) nor a linked figure;
/// - anything that would load from outside the file (scripts, links, remote URLs).
pub fn check_html_traceability(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        let after = &rest[i + 5..];
        let end = after.find('"').unwrap_or(0);
        ids.insert(after[..end].to_string());
        rest = &after[end..];
    }
    let mut links = 0;
    for (tag, body) in tags(html, "a") {
        let Some(href) = attr_values(tag, "href") else {
            problems.push(format!("link without href: {tag}"));
            continue;
        };
        let Some(target) = href.strip_prefix('#') else {
            problems.push(format!("link leaves the file: {href}"));
            continue;
        };
        if !ids.contains(target) {
            problems.push(format!(
                "figure “{}” links to missing #{target}",
                strip_tags(body)
            ));
        }
        links += 1;
    }
    if links == 0 {
        problems.push("no figure links at all".into());
    }
    for (tag, body) in tags(html, "figure") {
        if !body.contains("class=\"src\" href=\"#") {
            problems.push(format!("chart without a source link: {tag}"));
        }
    }
    for (tag, body) in tags(html, "td") {
        let class = attr_values(tag, "class").unwrap_or("");
        let classes: Vec<&str> = class.split(' ').collect();
        let text = strip_tags(body);
        if text.chars().any(|c| c.is_ascii_digit())
            && !classes.contains(&"key")
            && !classes.contains(&"fig")
            && !html_in_sources_table(html, tag, body)
        {
            problems.push(format!(
                "number without a source link: “{}”",
                unescape(&text)
            ));
        }
        if classes.contains(&"fig") && !body.contains("href=\"#") {
            problems.push(format!("figure cell without a link: “{}”", unescape(&text)));
        }
    }
    for bad in ["<script", "<link", "src=\"http", "url(http", "@import"] {
        if html.contains(bad) {
            problems.push(format!("external resource: {bad}"));
        }
    }
    problems
}

/// Cells of the sources table describe sources; they are not figures themselves.
fn html_in_sources_table(html: &str, tag: &str, body: &str) -> bool {
    let needle = format!("{tag}{body}");
    match (html.find("<table id=\"sources\""), html.find(&needle)) {
        (Some(s), Some(p)) => p > s && html[s..p].find("</table>").is_none(),
        _ => false,
    }
}
