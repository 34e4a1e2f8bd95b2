//! The fixtures of the publishing formats, made in the test from a plan text: an official
//! document (A4, a red header line 阳泉市人民政府办公室文件 with a rule, 3号 body with a
//! two-character first-line indent, footer page numbers — N —) printed to PDF by LibreOffice
//! (from flat ODT) and by typst, a .doc saved by LibreOffice, the text inside a GBK portal page
//! with all the furniture around it, and a scanned PDF (one image per page, no text).

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const HEADER: &str = "阳泉市人民政府办公室文件";

/// The paragraphs of a plan text (its non-empty lines).
/// A fresh folder for one test, under the test target's temporary folder: `{kind}-{pid}/{test}`.
pub fn scratch(kind: &str, test: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{kind}-{}", std::process::id()))
        .join(test);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// `planwatch extract FILE --format json`, as it ended.
pub fn extract(file: &std::path::Path) -> std::process::Output {
    crate::common::planwatch(None, None)
        .args([
            "extract",
            file.to_str().expect("utf-8 path"),
            "--format",
            "json",
        ])
        .env("PLANWATCH_DATA_DIR", file.with_extension("data"))
        .output()
        .expect("the binary runs")
}

/// The plan `planwatch extract` gives for `file` (which must succeed).
pub fn extracted(file: &std::path::Path) -> serde_json::Value {
    let o = extract(file);
    assert!(
        o.status.success(),
        "planwatch extract {} failed: {}",
        file.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("plan JSON")
}

pub fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The plan as a flat ODT document in the official layout. The first `title_lines` paragraphs
/// are the centred title.
pub fn fodt(text: &str, title_lines: usize) -> String {
    let body: String = paragraphs(text)
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let style = if i < title_lines { "Title" } else { "Body" };
            format!(
                "<text:p text:style-name=\"{style}\">{}</text:p>\n",
                xml_escape(p)
            )
        })
        .collect();
    // `punctuation-wrap="simple"`: with LibreOffice's default (hanging) a 。 or 、 that falls at
    // the end of a justified line is not drawn at all, and the PDF lacks it.
    format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls><style:font-face style:name="CJK" svg:font-family="'Noto Serif CJK SC'"/></office:font-face-decls>
<office:styles>
<style:style style:name="Standard" style:family="paragraph"><style:text-properties style:font-name="CJK" style:font-name-asian="CJK" fo:font-size="16pt" style:font-size-asian="16pt"/></style:style>
<style:style style:name="Body" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-indent="32pt" fo:line-height="28pt" fo:text-align="justify" style:punctuation-wrap="simple"/></style:style>
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center" fo:margin-bottom="12pt"/><style:text-properties fo:font-size="22pt" style:font-size-asian="22pt"/></style:style>
<style:style style:name="Header" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center" fo:border-bottom="0.06pt solid #c00000" fo:padding-bottom="4pt"/><style:text-properties fo:font-size="12pt" style:font-size-asian="12pt" fo:color="#c00000"/></style:style>
<style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="14pt" style:font-size-asian="14pt"/></style:style>
</office:styles>
<office:automatic-styles><style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="210mm" fo:page-height="297mm" fo:margin-top="25mm" fo:margin-bottom="20mm" fo:margin-left="28mm" fo:margin-right="26mm"/><style:header-style/><style:footer-style/></style:page-layout></office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="A4">
<style:header><text:p text:style-name="Header">{HEADER}</text:p></style:header>
<style:footer><text:p text:style-name="Footer">— <text:page-number text:select-page="current"/> —</text:p></style:footer>
</style:master-page></office:master-styles>
<office:body><office:text>
{body}</office:text></office:body></office:document>
"##
    )
}

/// A command-line tool, or `None` when it is not installed and the document tier is not
/// required (`PLANWATCH_REQUIRE_DOC_TOOLS` unset); panics when it is required.
pub fn tool(names: &[&str]) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .flat_map(|p| names.iter().map(move |n| p.join(n)))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var_os("PLANWATCH_REQUIRE_DOC_TOOLS").is_some() {
            panic!(
                "{} is required by the document tier (scripts/test.sh installs it)",
                names[0]
            );
        }
        eprintln!(
            "skipping: {} is not installed (set PLANWATCH_REQUIRE_DOC_TOOLS=1 to require it)",
            names[0]
        );
    }
    found
}

/// Converts `input` with LibreOffice headless to `format` (pdf, doc) next to it, with a private
/// profile so tests can run in parallel; `None` when LibreOffice is not installed.
pub fn libreoffice(input: &Path, format: &str) -> Option<PathBuf> {
    let exe = tool(&["soffice", "libreoffice"])?;
    let dir = input.parent().expect("parent");
    let stem = input.file_stem().expect("stem").to_string_lossy();
    let profile = dir.join(format!("lo-profile-{stem}-{format}"));
    let out = Command::new(exe)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            format,
            "--outdir",
        ])
        .arg(dir)
        .arg(input)
        .output()
        .expect("run libreoffice");
    let made = input.with_extension(format);
    assert!(
        out.status.success() && made.is_file(),
        "libreoffice failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(made)
}

/// The plan printed to PDF by LibreOffice in the official layout.
pub fn libreoffice_pdf(dir: &Path, name: &str, text: &str, title_lines: usize) -> Option<PathBuf> {
    let src = dir.join(format!("{name}.fodt"));
    std::fs::write(&src, fodt(text, title_lines)).expect("write fodt");
    libreoffice(&src, "pdf")
}

/// The plan saved as an old Word document (.doc) by LibreOffice.
pub fn libreoffice_doc(dir: &Path, name: &str, text: &str) -> Option<PathBuf> {
    let src = dir.join(format!("{name}.fodt"));
    std::fs::write(&src, fodt(text, 2)).expect("write fodt");
    libreoffice(&src, "doc")
}

/// The plan printed to PDF by typst in the official layout (the product's own PDF engine).
pub fn typst_pdf(text: &str, title_lines: usize) -> Vec<u8> {
    use typst::diag::{FileError, FileResult};
    use typst::foundations::{Bytes, Datetime, Duration};
    use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
    use typst::text::{Font, FontBook};
    use typst::utils::LazyHash;
    use typst::{Library, LibraryExt, World};

    struct PlanWorld {
        library: LazyHash<Library>,
        book: LazyHash<FontBook>,
        fonts: Vec<Font>,
        main: Source,
        data: (FileId, Bytes),
    }
    impl World for PlanWorld {
        fn library(&self) -> &LazyHash<Library> {
            &self.library
        }
        fn book(&self) -> &LazyHash<FontBook> {
            &self.book
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
            if id == self.data.0 {
                Ok(self.data.1.clone())
            } else {
                Err(FileError::NotFound(id.vpath().get_with_slash().into()))
            }
        }
        fn font(&self, index: usize) -> Option<Font> {
            self.fonts.get(index).cloned()
        }
        fn today(&self, _: Option<Duration>) -> Option<Datetime> {
            None
        }
    }

    let fonts = planwatch_docs::Fonts::load(&planwatch_docs::config::FontConfig::default())
        .expect("a CJK font is installed");
    let body = fonts.role(planwatch_docs::FontRole::Body);
    let data = std::fs::read(&body.path).expect("font file");
    let fonts: Vec<Font> = Font::iter(Bytes::new(data)).collect();
    let family = body.family.clone();
    let paras = paragraphs(text);
    let json = serde_json::json!({
        "title": paras.iter().take(title_lines).collect::<Vec<_>>(),
        "body": paras.iter().skip(title_lines).collect::<Vec<_>>(),
        "header": HEADER,
    });
    let id = |p: &str| {
        FileId::new(RootedPath::new(
            VirtualRoot::Project,
            VirtualPath::new(p).expect("path"),
        ))
    };
    let markup = format!(
        r##"#let d = json("/data.json")
#set page(paper: "a4", margin: (top: 3.7cm, bottom: 3.5cm, left: 2.8cm, right: 2.6cm),
  header: [#align(center, text(size: 12pt, fill: rgb("#c00000"), d.header)) #v(-0.6em) #line(length: 100%, stroke: 0.6pt + rgb("#c00000"))],
  footer: context align(center, text(size: 14pt)[— #counter(page).display() —]))
#set text(font: "{family}", size: 16pt, lang: "zh", region: "cn")
#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 0.75em, spacing: 0.75em)
#for t in d.title [#align(center, text(size: 22pt, t)) #parbreak()]
#for p in d.body [#p #parbreak()]
"##
    );
    let main = Source::new(id("/main.typ"), markup);
    let world = PlanWorld {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        main,
        data: (id("/data.json"), Bytes::from_string(json.to_string())),
    };
    let doc = typst::compile::<typst_layout::PagedDocument>(&world)
        .output
        .expect("typst compiles the plan");
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default()).expect("typst writes the PDF")
}

/// The plan inside a government portal page, in GBK: navigation, breadcrumbs, the
/// 发布时间 / 来源 / 浏览次数 / 字体 大 中 小 / 打印 / 关闭 line, share links and the site
/// footer with 主办单位 / 网站标识码 / ICP 备案号 around the article; the article itself
/// without the plan's title (the page's heading has it).
pub fn portal_page(text: &str, title_lines: usize) -> Vec<u8> {
    let paras = paragraphs(text);
    let title: String = paras.iter().take(title_lines).cloned().collect();
    let article: String = paras
        .iter()
        .skip(title_lines)
        .map(|p| format!("<p style=\"text-indent:2em\">{}</p>\n", xml_escape(p)))
        .collect();
    let page = format!(
        r##"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk" />
<title>{title}_阳泉市人民政府门户网站</title>
<link rel="stylesheet" href="/css/style.css" />
<script type="text/javascript">var _hmt = _hmt || []; document.write("<div>统计</div>");</script>
<style>.nav a {{ margin: 0 8px; }}</style>
</head>
<body>
<div class="top"><a href="/">阳泉市人民政府</a> | <a href="/en">English</a> | <a href="/wza">无障碍浏览</a> | <a href="/old">长者模式</a></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/zwfw">政务服务</a></li><li><a href="/hdjl">互动交流</a></li><li><a href="/zjyq">走进阳泉</a></li></ul></div>
<div class="search"><form action="/search"><input name="q" /><button>搜索</button></form></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; <a href="/zwgk/zcwj">政策文件</a> &gt; 市政府办文件</div>
<div class="main">
<table class="xxgk" width="100%"><tr><td>索引号：</td><td>11140300MB1960211X/2022-00123</td><td>主题分类：</td><td>科技、教育</td></tr>
<tr><td>发文机关：</td><td>阳泉市人民政府办公室</td><td>成文日期：</td><td>2022年05月10日</td></tr></table>
<h1 class="article-title">{title}</h1>
<div class="info">发布时间：2022-05-12 09:30 来源：市政府办公室 浏览次数：<span id="count">2371</span> 字体：[<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>] <a href="javascript:window.print()">打印</a> <a href="javascript:window.close()">关闭</a></div>
<div class="TRS_Editor" id="zoom">
{article}</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
<div class="print">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
<div class="related"><h3>相关文件</h3><ul><li><a href="/a">阳泉市人民政府关于印发阳泉市国家创新型城市建设方案的通知</a></li><li><a href="/b">阳泉市“十四五”科技创新规划</a></li></ul></div>
</div>
<div class="footer"><p><a href="/about">关于我们</a> | <a href="/map">网站地图</a> | <a href="/contact">联系我们</a></p>
<p>主办单位：阳泉市人民政府办公室 承办单位：阳泉市大数据应用局</p>
<p>网站标识码：1403000001 晋ICP备05001234号 晋公网安备 14030202000123号</p>
<p>建议使用1366×768分辨率 IE9以上浏览器</p></div>
</body>
</html>
"##
    );
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&page);
    assert!(!unmappable, "the page is GBK");
    bytes.into_owned()
}

/// A scanned PDF: `pages` A4 pages, each one grey image and no text.
pub fn scanned_pdf(pages: usize) -> Vec<u8> {
    let (w, h) = (62u32, 88u32);
    let pixels: Vec<u8> = (0..w * h)
        .map(|i| {
            if (i / w) % 7 == 3 && i % w > 6 && i % w < 55 {
                40
            } else {
                235
            }
        })
        .collect();
    let mut z = flate2_like_store(&pixels);
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let kids: Vec<String> = (0..pages).map(|p| format!("{} 0 R", 3 + p * 2)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
    );
    let image_id = 3 + pages * 2;
    for p in 0..pages {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 {image_id} 0 R >> >> /Contents {} 0 R >>",
                4 + p * 2
            )
            .into_bytes(),
        );
        let content = b"q 595 0 0 842 0 0 cm /Im1 Do Q";
        let mut o = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        o.extend_from_slice(content);
        o.extend_from_slice(b"\nendstream");
        objects.push(o);
    }
    let mut img = format!(
        "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length {} >>\nstream\n",
        z.len()
    )
    .into_bytes();
    img.append(&mut z);
    img.extend_from_slice(b"\nendstream");
    objects.push(img);
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).expect("in memory");
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).expect("in memory");
    for off in offsets {
        writeln!(out, "{off:010} 00000 n ").expect("in memory");
    }
    write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    )
    .expect("in memory");
    out
}

/// A zlib stream of stored (uncompressed) deflate blocks: valid FlateDecode data without a
/// compressor.
fn flate2_like_store(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, c) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        let len = c.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(c);
    }
    // Adler-32 of the data.
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}
