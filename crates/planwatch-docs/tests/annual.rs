//! The annual report composed from a hand-built assessment: outline, drafts, traceability,
//! office text, the snapshot of its text form, and all four formats read back.

mod common;

use planwatch_docs::model::{Block, Inline, Label};
use planwatch_docs::pdf::PdfEngine;
use planwatch_docs::text::to_text;
use planwatch_docs::view::{OfficeText, OfficeTextMode, SectionKey};
use planwatch_docs::{ReportConfig, annual, docx::DocxWriter, html, xlsx};

#[test]
fn the_annual_report_text_matches_the_snapshot() {
    let doc = annual::compose(&common::view::yangquan_2023()).expect("composes");
    insta::assert_snapshot!("annual_2023", to_text(&doc));
}

#[test]
fn the_outline_runs_from_overall_situation_to_assessment_results() {
    let doc = annual::compose(&common::view::yangquan_2023()).expect("composes");
    assert_eq!(
        doc.title,
        "关于2023年度国家创新型城市建设评价考核情况的报告"
    );
    let headings: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level: 1, text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        headings,
        [
            "一、总体情况",
            "二、主要指标完成情况",
            "三、重点任务推进情况",
            "四、组织保障措施落实情况",
            "五、经验做法",
            "六、存在的问题",
            "七、对策建议",
            "八、考核评价结果"
        ]
    );
    let attachments: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Attachment { label, .. } => Some(label.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(attachments, ["附件1", "附件2", "附件3", "附件4"]);
    let numbers: Vec<String> = doc.tables().filter_map(|t| t.number.clone()).collect();
    assert_eq!(numbers, ["表1", "表2", "表3"]);
}

#[test]
fn every_figure_links_to_something_that_exists() {
    let doc = annual::compose(&common::view::yangquan_2023()).expect("composes");
    assert_eq!(doc.dangling_traces(), Vec::<String>::new());
}

#[test]
fn every_drafted_sentence_carries_a_number_from_the_data() {
    let doc = annual::compose(&common::view::yangquan_2023()).expect("composes");
    let mut drafted = 0;
    for b in &doc.blocks {
        let Block::Paragraph(p) = b else { continue };
        if p.label != Some(Label::Draft) {
            continue;
        }
        drafted += 1;
        // Walk the sentences (split at 。), noting whether each has a numeric figure.
        let mut has_number = false;
        let mut sentence = String::new();
        for i in &p.inlines {
            match i {
                Inline::Figure { text, trace } => {
                    assert!(!trace.is_empty(), "figure {text} without trace");
                    has_number |= text.chars().any(|c| c.is_ascii_digit());
                    sentence.push_str(text);
                }
                Inline::Text { text } => {
                    for (k, part) in text.split('。').enumerate() {
                        if k > 0 {
                            assert!(has_number, "sentence without a number: {sentence}。");
                            has_number = false;
                            sentence.clear();
                        }
                        sentence.push_str(part);
                    }
                }
            }
        }
        assert!(
            sentence.trim().is_empty() || has_number,
            "sentence without a number: {sentence}"
        );
    }
    assert!(drafted >= 10, "only {drafted} drafted paragraphs");
}

#[test]
fn problems_and_countermeasures_are_numbered_drafts() {
    let doc = annual::compose(&common::view::yangquan_2023()).expect("composes");
    let text = to_text(&doc);
    let problems = &text[text.find("六、存在的问题").expect("problems")
        ..text.find("七、对策建议").expect("measures")];
    for mark in [
        "【草稿】一是部分指标进度滞后",
        "【草稿】二是部分节点任务逾期",
        "【草稿】三是部分单位报送不及时",
        "【草稿】四是部分任务推进缓慢",
    ] {
        assert!(problems.contains(mark), "{mark} missing in\n{problems}");
    }
    let measures = &text[text.find("七、对策建议").expect("measures")
        ..text.find("八、考核评价结果").expect("results")];
    assert!(
        measures.contains("【草稿】一是聚焦滞后指标精准发力"),
        "{measures}"
    );
}

#[test]
fn office_text_replaces_or_follows_the_draft() {
    let mut v = common::view::yangquan_2023();
    v.office_text.insert(
        SectionKey::Problems,
        OfficeText {
            mode: OfficeTextMode::Replace,
            paragraphs: vec!["一是办公室核定的问题。".into()],
        },
    );
    v.office_text.insert(
        SectionKey::Organisation,
        OfficeText {
            mode: OfficeTextMode::Append,
            paragraphs: vec!["领导小组全年召开会议2次。".into()],
        },
    );
    let text = to_text(&annual::compose(&v).expect("composes"));
    let problems = &text[text.find("六、存在的问题").expect("problems")
        ..text.find("七、对策建议").expect("measures")];
    assert!(problems.contains("\n一是办公室核定的问题。"), "{problems}");
    assert!(!problems.contains("【草稿】"), "{problems}");
    let org = &text[text.find("四、组织保障措施落实情况").expect("org")
        ..text.find("五、经验做法").expect("exp")];
    assert!(org.contains("【草稿】按照“每季度末"), "{org}");
    assert!(
        org.trim_end().ends_with("领导小组全年召开会议2次。"),
        "{org}"
    );
}

#[test]
fn a_year_without_problems_says_so_with_numbers() {
    let mut v = common::view::yangquan_2023();
    use planwatch_docs::view::{IndicatorVerdict, MilestoneStatus, TaskStatus};
    for i in &mut v.indicators {
        i.status = IndicatorVerdict::Achieved;
        i.actual = i.annual_target;
        if let Some(f) = &mut i.forecast {
            f.meets = true;
        }
    }
    for t in &mut v.tasks {
        t.status = TaskStatus::OnSchedule;
        t.problems.clear();
        for m in &mut t.milestones {
            m.status = MilestoneStatus::OnSchedule;
        }
    }
    for r in &mut v.reporting {
        r.on_time = r.expected;
        r.late = 0;
        r.missing = 0;
    }
    let text = to_text(&annual::compose(&v).expect("composes"));
    assert!(text.contains("【草稿】从2023年监测数据看，"), "{text}");
    assert!(text.contains("未发现突出问题"));
    assert!(text.contains("【草稿】一是保持推进力度"));
}

/// All four formats from one composition; the files are left in the test output folder.
#[test]
fn the_annual_report_is_written_in_all_four_formats_and_reads_back() {
    let doc = annual::compose(&common::view::yangquan_2023()).expect("composes");
    let cfg = ReportConfig::default();
    let dir = common::out_dir();

    let page = html::render(&doc, &cfg.fonts);
    std::fs::write(dir.join("annual-2023.html"), &page).expect("write");
    let problems = common::check_html_traceability(&page);
    assert!(problems.is_empty(), "{problems:#?}");

    let book = xlsx::render(&doc, "宋体").expect("xlsx");
    std::fs::write(dir.join("annual-2023.xlsx"), &book).expect("write");
    use calamine::Reader;
    let wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(book)).expect("opens");
    assert_eq!(
        wb.sheet_names(),
        [
            "表1 主要指标完成情况表",
            "表2 各专班推进情况",
            "表3 考核得分",
            "主要指标完成情况表",
            "重点任务推进情况表",
            "各责任单位考核评分表",
            "数据来源"
        ]
    );

    let word = DocxWriter::new(common::fonts(), cfg.clone())
        .render(&doc)
        .expect("docx");
    std::fs::write(dir.join("annual-2023.docx"), &word).expect("write");
    let rows = common::docx_table_rows(&word);
    for t in doc.tables() {
        assert!(rows.len() > t.rows.len(), "{}", t.title);
    }
    let paras = common::docx_paragraphs(&word);
    for h in ["二、主要指标完成情况", "六、存在的问题", "八、考核评价结果"]
    {
        assert!(paras.iter().any(|p| p == h), "{h}");
    }

    let engine = PdfEngine::new(common::fonts(), cfg.layout.clone());
    let (pdf, warnings) = engine.render_with_warnings(&doc).expect("pdf");
    assert!(warnings.is_empty(), "{warnings:?}");
    let path = dir.join("annual-2023.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let Some(text) = common::pdftotext(&path) else {
        return;
    };
    let flat: String = text.split_whitespace().collect();
    for needle in [
        "二、主要指标完成情况",
        "六、存在的问题",
        "表1",
        "表2",
        "表3",
        "附件1",
        "附件4",
        "全社会R&D经费支出占GDP比重",
        "【草稿】一是部分指标进度滞后",
        "示例数据",
    ] {
        assert!(flat.contains(needle), "{needle} missing from the PDF text");
    }
    common::pdftoppm(&path, 60);
}

/// The CLI tests read the hand-built assessment as JSON; this keeps that file in step with the
/// fixture (regenerate with PLANWATCH_UPDATE_FIXTURES=1).
#[test]
fn the_committed_view_json_matches_the_fixture() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/annual-view-2023.json"
    );
    let want =
        serde_json::to_string_pretty(&common::view::yangquan_2023()).expect("serialises") + "\n";
    if std::env::var_os("PLANWATCH_UPDATE_FIXTURES").is_some() {
        std::fs::write(path, &want).expect("write fixture");
    }
    let have = std::fs::read_to_string(path).expect("tests/data/annual-view-2023.json exists");
    assert!(
        have == want,
        "tests/data/annual-view-2023.json is stale: run with PLANWATCH_UPDATE_FIXTURES=1"
    );
    let back: planwatch_docs::view::AnnualView = serde_json::from_str(&have).expect("parses");
    assert_eq!(back, common::view::yangquan_2023());
}
