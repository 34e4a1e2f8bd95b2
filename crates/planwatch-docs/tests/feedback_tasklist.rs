//! The unit feedback sheet (docx, pdf) and the task list (xlsx), read back.

mod common;

use calamine::{Data, Reader, Xlsx};
use planwatch_docs::feedback::{self, FeedbackError};
use planwatch_docs::pdf::PdfEngine;
use planwatch_docs::text::to_text;
use planwatch_docs::{ReportConfig, docx::DocxWriter, tasklist, xlsx};

#[test]
fn the_feedback_sheet_text_matches_the_snapshot() {
    let doc = feedback::compose(&common::view::yangquan_2023(), "市科技局").expect("composes");
    assert_eq!(doc.dangling_traces(), Vec::<String>::new());
    insta::assert_snapshot!("feedback_2023_kejiju", to_text(&doc));
}

#[test]
fn a_unit_outside_the_assessment_is_an_error_listing_the_known_units() {
    let err = feedback::compose(&common::view::yangquan_2023(), "市不存在局").expect_err("unknown");
    assert!(matches!(err, FeedbackError::UnknownUnit { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("市不存在局") && msg.contains("市科技局"),
        "{msg}"
    );
}

#[test]
fn the_feedback_sheet_is_written_as_docx_and_pdf_and_reads_back() {
    let v = common::view::yangquan_2023();
    let doc = feedback::compose(&v, "市体育局").expect("composes");
    let cfg = ReportConfig::default();
    let dir = common::out_dir();
    let word = DocxWriter::new(common::fonts(), cfg.clone())
        .render(&doc)
        .expect("docx");
    std::fs::write(dir.join("feedback.docx"), &word).expect("write");
    let paras = common::docx_paragraphs(&word);
    assert!(paras.iter().any(|p| p == "市体育局："), "{paras:?}");
    assert!(
        paras.iter().any(|p| p.starts_with("【草稿】一是")),
        "{paras:?}"
    );

    let engine = PdfEngine::new(common::fonts(), cfg.layout.clone());
    let (pdf, warnings) = engine.render_with_warnings(&doc).expect("pdf");
    assert!(warnings.is_empty(), "{warnings:?}");
    let path = dir.join("feedback.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let Some(text) = common::pdftotext(&path) else {
        return;
    };
    let flat: String = text.split_whitespace().collect();
    for needle in [
        "2023年度国家创新型城市建设评价考核反馈单",
        "市体育局：",
        "一、考核得分",
        "表1",
        "需整改的问题",
        "示例数据",
    ] {
        assert!(flat.contains(needle), "{needle} missing:\n{text}");
    }
    common::pdftoppm(&path, 60);
}

#[test]
fn the_task_list_has_every_task_with_its_task_force_units_goals_and_deadline() {
    let plan = common::view::plan();
    let doc = tasklist::compose(&plan, &common::view::task_forces());
    let bytes = xlsx::render(&doc, "宋体").expect("xlsx");
    std::fs::write(common::out_dir().join("tasklist.xlsx"), &bytes).expect("write");
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("opens");
    assert_eq!(wb.sheet_names(), ["任务清单"]);
    let r = wb.worksheet_range("任务清单").expect("sheet");
    let cell = |row: u32, col: u32| r.get_value((row, col)).cloned().unwrap_or(Data::Empty);
    assert_eq!(
        cell(0, 0),
        Data::String("阳泉市国家创新型城市建设任务清单".into())
    );
    let header: Vec<Data> = (0..7).map(|c| cell(1, c)).collect();
    let want: Vec<Data> = [
        "序号",
        "任务",
        "专班",
        "牵头单位",
        "参加单位",
        "目标",
        "完成时限",
    ]
    .iter()
    .map(|s| Data::String(s.to_string()))
    .collect();
    assert_eq!(header, want);
    assert_eq!(
        cell(2, 0),
        Data::String("一、增强新兴产业核心竞争力，培育城市转型发展新动能".into())
    );
    assert_eq!(cell(3, 0), Data::Float(1.0));
    assert_eq!(cell(3, 1), Data::String("打造百亿级新材料产业基地".into()));
    assert_eq!(cell(3, 2), Data::String("产业发展专班".into()));
    assert_eq!(cell(3, 3), Data::String("市工信局".into()));
    assert_eq!(
        cell(3, 4),
        Data::String("市发展改革委、各县（区）人民政府、阳泉高新区、华阳集团".into())
    );
    let Data::String(goals) = cell(3, 5) else {
        panic!("goals are text")
    };
    assert!(goals.contains("新材料产值达到200亿元以上"), "{goals}");
    assert_eq!(cell(3, 6), Data::String("2024年底前".into()));
    // 22 tasks + 3 section rows after the title and header rows.
    let numbers: Vec<f64> = (2..r.height() as u32)
        .filter_map(|row| match cell(row, 0) {
            Data::Float(n) => Some(n),
            _ => None,
        })
        .collect();
    assert_eq!(numbers, (1..=22).map(f64::from).collect::<Vec<_>>());
}
