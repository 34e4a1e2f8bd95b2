//! Task tables in PDFs without drawn rules (issue 19): the PDF reader recovers the table from
//! where the text stands, so `planwatch extract` gets from the PDF the same tasks, units and
//! targets as from the document it was printed from — the task table .docx, the same table
//! typeset with and without borders, and tables that go on over page breaks (a header row
//! repeated on every page, a row broken by the page break, cells set in the middle of their
//! rows). Every PDF is printed here by LibreOffice; the tests are skipped only when it is
//! missing and `PLANWATCH_REQUIRE_DOC_TOOLS` is unset.

mod common;
#[path = "publish_formats/make.rs"]
mod make;

use serde_json::Value;
use std::path::Path;

/// What the office checks of each task: title, units and targets (text, value, year).
fn tasks(plan: &Value) -> Vec<Value> {
    plan["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| {
            let targets: Vec<Value> = t["targets"]
                .as_array()
                .expect("targets")
                .iter()
                .map(|x| serde_json::json!([x["text"], x["value"], x["year"]]))
                .collect();
            serde_json::json!({
                "title": t["title"],
                "lead": t["lead_units"],
                "participating": t["participating_units"],
                "targets": targets,
            })
        })
        .collect()
}

#[test]
fn the_task_table_docx_printed_to_pdf_gives_the_tasks_of_the_docx() {
    let dir = make::scratch("pdf-tables", "docx");
    let docx = dir.join("task-table.docx");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/plans/task-table.docx"),
        &docx,
    )
    .expect("copy the fixture");
    let Some(pdf) = make::libreoffice(&docx, "pdf") else {
        return;
    };
    let want = tasks(&make::extracted(&docx));
    assert_eq!(want.len(), 5);
    let got = tasks(&make::extracted(&pdf));
    assert_eq!(got, want);
    // Cells wrapped onto several lines are whole again, two paragraphs of a cell are two units.
    assert_eq!(
        got[4]["participating"],
        serde_json::json!(["市人社局", "市教育局"])
    );
    assert_eq!(
        got[2]["participating"],
        serde_json::json!(["各县（市、区）人民政府"])
    );
}

const UNITS: [&str; 6] = [
    "市科技局",
    "市工信局",
    "市发展改革委",
    "市财政局",
    "市人社局",
    "市教育局",
];

/// Rows of a task table: 序号, 重点任务 (every sixth one long enough to break over a page),
/// 牵头单位, 配合单位, 目标.
fn task_rows(n: usize) -> Vec<[String; 5]> {
    (1..=n)
        .map(|i| {
            let repeat = if i % 6 == 0 { 8 } else { 1 };
            let body = vec!["加强组织实施和统筹调度"; repeat].join("；");
            [
                i.to_string(),
                format!("第{i}项任务。{body}"),
                UNITS[i % 6].to_string(),
                format!("{}、{}", UNITS[(i + 1) % 6], UNITS[(i + 2) % 6]),
                format!("到2025年完成{}个", i * 2),
            ]
        })
        .collect()
}

const HEADER: [&str; 5] = ["序号", "重点任务", "牵头单位", "配合单位", "目标"];
const TITLE: &str = "某市重点任务分解表（2024—2025年）";

/// The table as a flat ODT document: fixed column widths, cells top-aligned, the header row
/// repeated on every page, with or without borders.
fn fodt(rows: &[[String; 5]], borders: bool) -> String {
    let border = if borders {
        "0.5pt solid #000000"
    } else {
        "none"
    };
    let cell = |t: &str| {
        format!(
            "<table:table-cell table:style-name=\"Cell\" office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>"
        )
    };
    let header: String = HEADER.iter().map(|h| cell(h)).collect();
    let body: String = rows
        .iter()
        .map(|r| {
            let cells: String = r.iter().map(|c| cell(c)).collect();
            format!("<table:table-row>{cells}</table:table-row>")
        })
        .collect();
    let columns: String = ["1.5cm", "6cm", "2.5cm", "3cm", "3cm"]
        .iter()
        .enumerate()
        .map(|(i, w)| {
            format!(
                "<style:style style:name=\"C{i}\" style:family=\"table-column\"><style:table-column-properties style:column-width=\"{w}\"/></style:style>"
            )
        })
        .collect();
    let column_refs: String = (0..5)
        .map(|i| format!("<table:table-column table:style-name=\"C{i}\"/>"))
        .collect();
    format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls><style:font-face style:name="CJK" svg:font-family="'Noto Serif CJK SC'"/></office:font-face-decls>
<office:styles><style:style style:name="Standard" style:family="paragraph"><style:text-properties style:font-name="CJK" style:font-name-asian="CJK" fo:font-size="12pt" style:font-size-asian="12pt"/></style:style></office:styles>
<office:automatic-styles>
<style:style style:name="T" style:family="table"><style:table-properties style:width="16cm" table:align="left"/></style:style>
{columns}
<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.1cm" fo:border="{border}"/></style:style>
<style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="210mm" fo:page-height="297mm" fo:margin-top="25mm" fo:margin-bottom="20mm" fo:margin-left="25mm" fo:margin-right="25mm"/></style:page-layout>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="A4"/></office:master-styles>
<office:body><office:text>
<text:p>{TITLE}</text:p>
<table:table table:name="Tasks" table:style-name="T">{column_refs}
<table:table-header-rows><table:table-row>{header}</table:table-row></table:table-header-rows>
{body}
</table:table>
<text:p>附件：填报说明</text:p>
</office:text></office:body></office:document>
"##
    )
}

/// The same table in a web page (the reference the PDFs are held to). `valign` sets where the
/// cells stand in their rows.
fn page(rows: &[[String; 5]], border: u8, valign: &str) -> String {
    let header: String = HEADER.iter().map(|h| format!("<th>{h}</th>")).collect();
    let body: String = rows
        .iter()
        .map(|r| {
            let cells: String = r
                .iter()
                .map(|c| format!("<td valign=\"{valign}\">{c}</td>"))
                .collect();
            format!("<tr>{cells}</tr>")
        })
        .collect();
    format!(
        "<html><head><meta charset=\"utf-8\"><title>任务分解表</title></head><body><p>{TITLE}</p><table border=\"{border}\" cellspacing=\"0\" cellpadding=\"4\" width=\"100%\"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table><p>附件：填报说明</p></body></html>"
    )
}

#[test]
fn a_table_reads_the_same_with_and_without_borders_over_page_breaks() {
    let dir = make::scratch("pdf-tables", "borders");
    let rows = task_rows(18);
    let html = dir.join("table.html");
    std::fs::write(&html, page(&rows, 1, "top")).expect("write");
    let want = tasks(&make::extracted(&html));
    assert_eq!(want.len(), 18);
    for (name, borders) in [("ruled", true), ("plain", false)] {
        let src = dir.join(format!("{name}.fodt"));
        std::fs::write(&src, fodt(&rows, borders)).expect("write");
        let Some(pdf) = make::libreoffice(&src, "pdf") else {
            return;
        };
        let plan = make::extracted(&pdf);
        let last = plan["tasks"][17]["span"]["page"].as_u64();
        assert!(last >= Some(2), "{name}: the table goes on to page 2");
        assert_eq!(tasks(&plan), want, "{name}");
        // The long task broken by the page break is one task with its whole text.
        let long = plan["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .filter(|t| t["body"].as_str().unwrap_or("").matches("统筹调度").count() == 8)
            .count();
        assert_eq!(long, 3, "{name}: tasks 6, 12 and 18 are whole");
    }
}

#[test]
fn a_long_table_with_cells_set_in_the_middle_reads_like_its_page() {
    let dir = make::scratch("pdf-tables", "middle");
    let rows: Vec<[String; 5]> = task_rows(40)
        .into_iter()
        .map(|mut r| {
            r[1] = format!("第{}项重点任务建设内容说明较长需要换行显示", r[0]);
            r
        })
        .collect();
    let html = dir.join("table.html");
    std::fs::write(&html, page(&rows, 1, "middle")).expect("write");
    let want = tasks(&make::extracted(&html));
    assert_eq!(want.len(), 40);
    for border in [1, 0] {
        let src = dir.join(format!("table-{border}.html"));
        std::fs::write(&src, page(&rows, border, "middle")).expect("write");
        let Some(pdf) = make::libreoffice(&src, "pdf") else {
            return;
        };
        let plan = make::extracted(&pdf);
        assert!(
            plan["tasks"][39]["span"]["page"].as_u64() >= Some(3),
            "border {border}: three pages or more"
        );
        assert_eq!(tasks(&plan), want, "border {border}");
    }
}
