//! Every writer, read back: docx XML has every heading, paragraph and table row and opens in
//! LibreOffice; the PDF's text has the headings, table numbers and Chinese; the xlsx reads back
//! with calamine; the html links every figure to its source.

mod common;

use calamine::{Data, Reader, Xlsx};
use planwatch_docs::model::{Block, Row};
use planwatch_docs::pdf::PdfEngine;
use planwatch_docs::{ReportConfig, docx::DocxWriter, html, raster, xlsx};

#[test]
fn the_docx_holds_every_heading_paragraph_and_table_row() {
    let doc = common::sample_document(true);
    let bytes = DocxWriter::new(common::fonts(), ReportConfig::default())
        .render(&doc)
        .expect("writes");
    std::fs::write(common::out_dir().join("sample.docx"), &bytes).expect("write");
    let paras = common::docx_paragraphs(&bytes);
    assert!(paras.iter().any(|p| p == &doc.title), "title");
    for b in &doc.blocks {
        match b {
            Block::Heading { text, .. } => assert!(paras.contains(text), "heading {text}"),
            Block::Paragraph(p) => {
                let label = p.label.map_or("", |l| l.text());
                let want = format!("{label}{}", p.plain_text());
                assert!(paras.contains(&want), "paragraph {want}");
            }
            _ => {}
        }
    }
    let rows = common::docx_table_rows(&bytes);
    for t in doc.tables() {
        let head: Vec<String> = t.columns.iter().map(|c| c.title.clone()).collect();
        assert!(rows.contains(&head), "header of {}", t.title);
        for r in &t.rows {
            let want: Vec<String> = match r {
                Row::Cells { cells } => cells.iter().map(|c| c.text.replace('\n', "")).collect(),
                Row::Group { text } => vec![text.clone()],
            };
            assert!(rows.contains(&want), "row {want:?}");
        }
    }
    for s in &doc.sources {
        assert!(
            rows.iter().any(|r| r.contains(&s.submitted_at)),
            "source {}",
            s.id
        );
    }
    // 示例数据 in the header of odd and even pages, page numbers as a PAGE field.
    assert!(common::docx_part(&bytes, "word/header1.xml").contains("示例数据"));
    assert!(common::docx_part(&bytes, "word/header2.xml").contains("示例数据"));
    let footer = common::docx_part(&bytes, "word/footer1.xml");
    assert!(footer.contains("PAGE") && footer.contains("— "), "{footer}");
    let settings = common::docx_part(&bytes, "word/settings.xml");
    assert!(settings.contains("evenAndOddHeaders"));
    // The body section and the landscape attachment both name the footers.
    let body = common::docx_part(&bytes, "word/document.xml");
    assert_eq!(body.matches("<w:sectPr").count(), 3, "three sections");
    assert_eq!(body.matches("w:orient=\"landscape\"").count(), 1);
    assert!(body.matches("rIdFooter1").count() >= 3);
    // Header rows repeat on every page a table spans.
    assert_eq!(
        body.matches("<w:tblHeader />").count(),
        doc.tables().count() + 1
    );
    // GB/T 9704 margins: 37 mm top = 2098 twips, 28 mm left = 1587 twips.
    assert!(body.contains("w:top=\"2098\"") && body.contains("w:left=\"1587\""));
}

#[test]
fn a_docx_without_demo_data_has_no_demo_header() {
    let bytes = DocxWriter::new(common::fonts(), ReportConfig::default())
        .render(&common::sample_document(false))
        .expect("writes");
    let body = common::docx_part(&bytes, "word/document.xml");
    assert!(!body.contains("rIdHeader"));
    assert!(!body.contains("示例数据"));
}

#[test]
fn the_docx_opens_in_libreoffice_and_converts_to_pdf() {
    let doc = common::sample_document(true);
    let bytes = DocxWriter::new(common::fonts(), ReportConfig::default())
        .render(&doc)
        .expect("writes");
    let path = common::out_dir().join("sample-lo.docx");
    std::fs::write(&path, &bytes).expect("write");
    let Some(pdf) = common::libreoffice_to_pdf(&path) else {
        return;
    };
    let Some(text) = common::pdftotext(&pdf) else {
        return;
    };
    let flat: String = text.split_whitespace().collect();
    for needle in [
        "关于2023年度国家创新型城市建设评价考核情况的报告",
        "一、总体情况",
        "表1",
        "主要指标完成情况表",
        "数据来源清单",
        "—1—",
    ] {
        assert!(
            flat.contains(needle),
            "{needle} missing from LibreOffice's PDF:\n{text}"
        );
    }
    common::pdftoppm(&pdf, 50);
}

#[test]
fn chart_text_survives_rasterisation_for_word() {
    // The resvg gotcha: with no face for "sans-serif", text silently disappears.
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60" viewBox="0 0 200 60"><rect width="200" height="60" fill="white"/><text x="10" y="40" font-family="sans-serif" font-size="32" fill="black">中文标签</text></svg>"#;
    let png = raster::svg_to_png(svg, &common::fonts(), 1.0).expect("renders");
    let pix = resvg::tiny_skia::Pixmap::decode_png(&png.data).expect("decodes");
    let dark = pix
        .pixels()
        .iter()
        .filter(|p| p.red() < 100 && p.green() < 100 && p.blue() < 100)
        .count();
    assert!(
        dark > 200,
        "only {dark} dark pixels: the text was not drawn"
    );
}

#[test]
fn the_pdf_text_has_headings_table_numbers_and_chinese() {
    let doc = common::sample_document(true);
    let engine = PdfEngine::new(common::fonts(), ReportConfig::default().layout);
    let (pdf, warnings) = engine.render_with_warnings(&doc).expect("typesets");
    assert!(warnings.is_empty(), "{warnings:?}");
    let path = common::out_dir().join("sample.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let Some(text) = common::pdftotext(&path) else {
        return;
    };
    let flat: String = text.split_whitespace().collect();
    for needle in [
        "示例数据",
        "关于2023年度国家创新型城市建设评价考核情况的报告",
        "一、总体情况",
        "（一）科技创新专班",
        "表1",
        "主要指标完成情况表",
        "图1",
        "附件1",
        "重点任务推进情况表",
        "数据来源清单",
        "2024-01-10",
        "—1—",
        "—2—",
    ] {
        assert!(flat.contains(needle), "{needle} missing from:\n{text}");
    }
    // Markup characters in the data come out verbatim (JSON, never spliced into markup).
    assert!(flat.contains("<#[*_\""), "{text}");
    assert!(common::pdftoppm(&path, 60).expect("pdftoppm installed") >= 3);
}

#[test]
fn the_xlsx_reads_back_with_calamine() {
    let doc = common::sample_document(true);
    let bytes = xlsx::render(&doc, "宋体").expect("writes");
    std::fs::write(common::out_dir().join("sample.xlsx"), &bytes).expect("write");
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("opens");
    assert_eq!(
        wb.sheet_names(),
        ["表1 主要指标", "附件1 重点任务", "数据来源"]
    );
    let r = wb.worksheet_range("表1 主要指标").expect("sheet");
    let cell = |row: u32, col: u32| r.get_value((row, col)).cloned().unwrap_or(Data::Empty);
    assert_eq!(cell(0, 0), Data::String("表1　主要指标完成情况表".into()));
    assert_eq!(
        cell(1, 0),
        Data::String("示例数据：本表数据为演示用的合成数据".into())
    );
    assert_eq!(cell(2, 1), Data::String("指标名称".into()));
    assert_eq!(cell(3, 0), Data::String("科技创新专班".into()));
    assert_eq!(cell(4, 0), Data::Float(1.0));
    assert_eq!(cell(4, 1), Data::String("国家高新技术企业数量".into()));
    assert_eq!(cell(4, 4), Data::Float(172.0));
    assert_eq!(cell(4, 5), Data::Float(0.956));
    assert_eq!(
        cell(5, 1),
        Data::String("全社会R&D经费支出占GDP比重 <#[*_\"".into())
    );
    let s = wb.worksheet_range("数据来源").expect("sources sheet");
    assert_eq!(s.get_value((4, 4)), Some(&Data::String("张明".into())));
}

#[test]
fn the_html_links_every_figure_to_its_source() {
    let doc = common::sample_document(true);
    let page = html::render(&doc, &ReportConfig::default().fonts);
    std::fs::write(common::out_dir().join("sample.html"), &page).expect("write");
    let problems = common::check_html_traceability(&page);
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(page.contains("<svg"), "inline SVG");
    assert!(page.contains("class=\"demo-banner\""));
    assert!(page.contains("@media print") && page.contains("size: A4"));
    assert!(page.contains("全社会R&amp;D经费支出占GDP比重 &lt;#[*_&quot;"));
}

#[test]
fn the_html_check_catches_an_untraced_number() {
    let mut doc = common::sample_document(false);
    for b in &mut doc.blocks {
        if let Block::Table(t) = b {
            for r in &mut t.rows {
                if let Row::Cells { cells } = r {
                    cells[4].trace.clear();
                }
            }
        }
    }
    let page = html::render(&doc, &ReportConfig::default().fonts);
    let problems = common::check_html_traceability(&page);
    assert!(problems.iter().any(|p| p.contains("172")), "{problems:#?}");
}
