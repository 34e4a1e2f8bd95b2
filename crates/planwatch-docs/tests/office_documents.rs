//! The documents the office sends: the compact annual report, the compact feedback sheet, the
//! quarterly bulletin and the final evaluation report, composed from the Yangquan 2023 view and
//! typeset for real.

mod common;

use planwatch_docs::annual::{self, Form};
use planwatch_docs::bulletin::{self, BulletinSection};
use planwatch_docs::final_report::{self, FinalError};
use planwatch_docs::model::{Block, Row};
use planwatch_docs::pdf::PdfEngine;
use planwatch_docs::text::to_text;
use planwatch_docs::view::{
    FinalReview, OfficeText, OfficeTextMode, PeriodReportView, PlanStage, QualitativeGoal,
    ReportingStatus, ReviewRow, TargetJudgement,
};
use planwatch_docs::{ReportConfig, feedback};
use std::collections::BTreeMap;

fn pdf_pages(doc: &planwatch_docs::Document, name: &str) -> Option<usize> {
    let engine = PdfEngine::new(common::fonts(), ReportConfig::default().layout);
    let (pdf, warnings) = engine.render_with_warnings(doc).expect("pdf");
    assert!(warnings.is_empty(), "{warnings:?}");
    let path = common::out_dir().join(name);
    std::fs::write(&path, &pdf).expect("write");
    common::pdftotext(&path).map(|t| t.matches('\u{c}').count())
}

#[test]
fn the_compact_annual_report_keeps_three_short_annexes_and_one_chart_of_the_headline_indicators() {
    let v = common::view::yangquan_2023();
    let compact = annual::compose_as(&v, Form::Compact).expect("composes");
    let full = annual::compose(&v).expect("composes");
    assert_eq!(compact.dangling_traces(), Vec::<String>::new());
    assert!(!compact.blocks.iter().any(|b| matches!(b, Block::Sources)));
    assert!(full.blocks.iter().any(|b| matches!(b, Block::Sources)));
    let attachments = |d: &planwatch_docs::Document| {
        d.blocks
            .iter()
            .filter(|b| matches!(b, Block::Attachment { .. }))
            .count()
    };
    assert_eq!(attachments(&compact), 3);
    assert_eq!(attachments(&full), 4);
    // The headline indicators in one small-multiples chart instead of one chart each.
    let headline = v.indicators.iter().filter(|i| i.headline).count();
    assert!(headline > 1);
    let grid = compact
        .charts()
        .find(|c| c.title == "主要指标走势")
        .expect("the small multiples");
    assert!(grid.svg.matches("<svg").count() > headline, "a panel each");
    assert!(compact.charts().count() < full.charts().count());
    // 附件3: one line per unit, only the rules that gave or took points.
    let scores = compact
        .tables()
        .find(|t| t.id == planwatch_docs::tables::SCORES_TABLE)
        .expect("附件3");
    let lines = scores
        .rows
        .iter()
        .filter(|r| matches!(r, Row::Cells { .. }))
        .count();
    assert_eq!(lines, v.units.len());
    for r in &scores.rows {
        if let Row::Cells { cells } = r {
            assert!(!cells[4].text.contains(" 0.00"), "{}", cells[4].text);
        }
    }
    // The same figures as the full form: every unit's score in both texts.
    let (c, f) = (to_text(&compact), to_text(&full));
    for u in &v.units {
        let s = planwatch_docs::model::fmt_score(u.score);
        assert!(c.contains(&s) && f.contains(&s), "{} {s}", u.unit);
    }
    if let (Some(c), Some(f)) = (
        pdf_pages(&compact, "annual-compact.pdf"),
        pdf_pages(&full, "annual-full.pdf"),
    ) {
        assert!(c < f, "compact {c} pages, full {f}");
        assert!(c <= 30, "compact {c} pages");
    }
}

#[test]
fn the_compact_feedback_sheet_lists_only_the_points_given_or_taken_and_fits_three_pages() {
    let v = common::view::yangquan_2023();
    for unit in feedback::units(&v) {
        let doc = feedback::compose_as(&v, &unit, Form::Compact).expect("composes");
        assert_eq!(doc.dangling_traces(), Vec::<String>::new(), "{unit}");
        assert!(!doc.blocks.iter().any(|b| matches!(b, Block::Sources)));
        if let Some(t) = doc.tables().find(|t| t.number.as_deref() == Some("表1")) {
            for r in &t.rows {
                if let Row::Cells { cells } = r {
                    assert_ne!(cells[2].text, "0.00", "{unit}: a row of 得分 0");
                }
            }
        }
    }
    let doc = feedback::compose_as(&v, "市科技局", Form::Compact).expect("composes");
    let text = to_text(&doc);
    assert!(text.contains("需整改的问题"), "{text}");
    if let Some(n) = pdf_pages(&doc, "feedback-compact.pdf") {
        assert!(n <= 3, "{n} pages");
    }
}

fn with_quarter_reports(
    mut v: planwatch_docs::view::AnnualView,
) -> planwatch_docs::view::AnnualView {
    let units: Vec<String> = v.units.iter().map(|u| u.unit.clone()).collect();
    v.period_reporting = units
        .iter()
        .enumerate()
        .map(|(k, u)| PeriodReportView {
            unit: u.clone(),
            status: match k % 7 {
                0 => ReportingStatus::Late,
                1 => ReportingStatus::Missing,
                _ => ReportingStatus::OnTime,
            },
            days_late: (k % 7 == 0).then_some(3),
            sources: vec![],
        })
        .collect();
    v
}

#[test]
fn the_bulletin_names_units_by_how_they_reported_and_the_red_indicators_with_their_units() {
    let v = with_quarter_reports(common::view::yangquan_2023());
    let doc = bulletin::compose(&v, &BTreeMap::new());
    assert_eq!(doc.dangling_traces(), Vec::<String>::new());
    assert_eq!(
        doc.title,
        "关于2023年第四季度国家创新型城市建设推进情况的通报"
    );
    let text = to_text(&doc);
    for (status, word) in [
        (ReportingStatus::OnTime, "按时报送"),
        (ReportingStatus::Late, "逾期报送"),
        (ReportingStatus::Missing, "未报送"),
    ] {
        let named: Vec<&str> = v
            .period_reporting
            .iter()
            .filter(|r| r.status == status)
            .map(|r| r.unit.as_str())
            .collect();
        let head = format!("{word}（{}家）：", named.len());
        let at = text.find(&head).unwrap_or_else(|| panic!("{head}\n{text}"));
        let line: String = text[at..].chars().take_while(|c| *c != '。').collect();
        for u in named {
            assert!(line.contains(u), "{u} under {word}");
        }
    }
    assert!(text.contains("（逾期3天）"));
    for i in v
        .indicators
        .iter()
        .filter(|i| i.light == planwatch_docs::view::Light::Red)
    {
        assert!(text.contains(&i.name), "red: {}", i.name);
        for u in &i.units {
            assert!(text.contains(u.as_str()), "{}: {u}", i.name);
        }
    }
    assert!(text.contains("【草稿】"));
    assert!(text.contains("下一步工作要求"));
    if let Some(n) = pdf_pages(&doc, "bulletin.pdf") {
        assert!(n <= 8, "{n} pages");
    }
}

#[test]
fn the_office_text_replaces_or_follows_a_bulletin_section() {
    let v = with_quarter_reports(common::view::yangquan_2023());
    let drafted = bulletin::drafted_sections(&v);
    let drafts: Vec<String> = drafted
        .iter()
        .find(|(k, _)| *k == BulletinSection::Requirements)
        .expect("listed")
        .1
        .iter()
        .map(|p| p.plain_text())
        .collect();
    assert!(!drafts.is_empty());
    let mut office = BTreeMap::new();
    office.insert(
        BulletinSection::Requirements,
        OfficeText {
            mode: OfficeTextMode::Replace,
            paragraphs: vec!["各单位于1月10日前报送年度总结。".into()],
        },
    );
    office.insert(
        BulletinSection::Highlights,
        OfficeText {
            mode: OfficeTextMode::Append,
            paragraphs: vec!["市科技局经验做法值得推广。".into()],
        },
    );
    let text = to_text(&bulletin::compose(&v, &office));
    assert!(text.contains("各单位于1月10日前报送年度总结。"));
    for d in &drafts {
        assert!(!text.contains(d.as_str()), "replaced: {d}");
    }
    assert!(text.contains("市科技局经验做法值得推广。"));
    let highlights = &drafted
        .iter()
        .find(|(k, _)| *k == BulletinSection::Highlights)
        .expect("listed")
        .1;
    for p in highlights {
        assert!(text.contains(&p.plain_text()), "kept: {}", p.plain_text());
    }
}

#[test]
fn the_final_report_needs_the_plans_last_year_and_reviews_the_whole_period() {
    let mut v = common::view::yangquan_2023();
    let e = final_report::compose_as(&v, Form::Compact).expect_err("a running year");
    assert!(matches!(e, FinalError::NotFinal { year: 2023 }), "{e}");

    v.stage = PlanStage::Closed;
    v.final_review = Some(FinalReview {
        start: 2022,
        end: 2023,
        rows: vec![
            ReviewRow {
                name: "高新技术企业数量".into(),
                unit: "家".into(),
                base: Some((2021, 100.0)),
                latest: Some(("2023年第四季度".into(), 172.0)),
                targets: vec![TargetJudgement {
                    year: 2023,
                    value: 180.0,
                    met: Some(false),
                    observed: Some(172.0),
                }],
                decimals: 0,
            },
            ReviewRow {
                name: "全社会R&D经费支出占GDP比重".into(),
                unit: "%".into(),
                base: Some((2021, 1.5)),
                latest: Some(("2023年第四季度".into(), 2.1)),
                targets: vec![TargetJudgement {
                    year: 2023,
                    value: 2.0,
                    met: Some(true),
                    observed: Some(2.1),
                }],
                decimals: 2,
            },
        ],
        qualitative_goals: vec![QualitativeGoal::open("资源型城市绿色转型先行示范")],
    });
    let doc = final_report::compose_as(&v, Form::Compact).expect("composes");
    assert_eq!(doc.dangling_traces(), Vec::<String>::new());
    let text = to_text(&doc);
    for needle in [
        "关于国家创新型城市建设2022—2023年计划实施情况终期评估的报告",
        "期末目标已实现1项、未实现1项",
        "未实现的指标为：高新技术企业数量",
        "定性目标实现情况",
        "尚待评判",
        "资源型城市绿色转型先行示范",
        "重点任务完成情况",
        "对下一轮计划的建议",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
    // Not reported yet: the last quarter's reports all still to come.
    v.period_reporting = vec![PeriodReportView {
        unit: "市科技局".into(),
        status: ReportingStatus::NotYetDue,
        days_late: None,
        sources: vec![],
    }];
    assert!(matches!(
        final_report::compose_as(&v, Form::Compact),
        Err(FinalError::NotReported { year: 2023 })
    ));
}
