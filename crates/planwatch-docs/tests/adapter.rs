//! From the monitor's assessment to the annual report: a small plan assessed by the real
//! monitor, adapted, composed and checked for statuses, sources and links.

use planwatch_docs::adapter::{FromAssessment, TaskNote, annual_view};
use planwatch_docs::model::Source;
use planwatch_docs::text::to_text;
use planwatch_docs::view::{IndicatorVerdict, TaskStatus};
use planwatch_monitor::assess::{AssessmentInput, assess};
use planwatch_monitor::rules::Rules;
use std::collections::BTreeMap;

/// A small plan for 2023 in the monitor's input format (also read by the CLI tests).
const INPUT: &str = include_str!("data/assessment-input-2023.json");

fn text_has_no_fractional_count(view: &planwatch_docs::view::AnnualView) -> bool {
    let doc = planwatch_docs::annual::compose(view).expect("composes");
    !to_text(&doc).contains("185.18家")
}

fn source(id: &str, unit: &str, period: &str, who: &str, at: &str) -> Source {
    Source {
        id: id.into(),
        what: format!("{period}季度报告"),
        unit: unit.into(),
        period: period.into(),
        submitted_by: who.into(),
        submitted_at: at.into(),
        note: "已审核".into(),
    }
}

#[test]
fn the_monitor_assessment_becomes_a_complete_annual_report() {
    let input: AssessmentInput = serde_json::from_str(INPUT).expect("valid input");
    let assessment = assess(&input, &Rules::default()).expect("assesses");
    let view = annual_view(&FromAssessment {
        input: &input,
        assessment: &assessment,
        issuer: "阳泉市国家创新型城市建设工作领导小组办公室".into(),
        issued_on: Some("2024年1月20日".into()),
        plan_source: source("plan", "阳泉市人民政府", "", "办公室", "2022-03-01 09:00"),
        rules_source: None,
        sources: vec![
            source(
                "sub-kjj-2023Q4",
                "市科技局",
                "2023Q4",
                "张明",
                "2024-01-09 16:00",
            ),
            source(
                "sub-gxj-2023Q4",
                "市工信局",
                "2023Q4",
                "李华",
                "2024-01-12 09:30",
            ),
        ],
        task_notes: BTreeMap::from([(
            planwatch_model::TaskId::of_number(17),
            TaskNote {
                progress: "新认定省级重点实验室2家".into(),
                problems: "配套资金不足".into(),
            },
        )]),
        office_text: BTreeMap::new(),
        plan_years: None,
        qualitative_goals: Vec::new(),
        headline: Default::default(),
    });
    assert_eq!(view.year, 2023);
    assert!(view.demo);
    assert_eq!(view.task_forces, ["科技创新专班", "产业发展专班"]);

    let g4 = view.indicators.iter().find(|i| i.id == "G4").expect("G4");
    assert!(g4.headline);
    assert_eq!(g4.units, ["市科技局"]);
    assert_eq!(g4.actual, Some(165.0));
    assert_eq!((g4.target, g4.target_year), (Some(200.0), Some(2024)));
    let src = |id: &str| view.sources.iter().find(|s| s.id == id).expect("listed");
    assert_eq!(g4.sources.len(), 1);
    assert_eq!(src(&g4.sources[0]).submitted_by, "张明");
    assert!(g4.sources[0].starts_with("src-"), "short anchor ids");
    assert!(
        g4.forecast
            .as_ref()
            .is_some_and(|f| !f.explanation.is_empty())
    );
    let i1 = view.indicators.iter().find(|i| i.id == "I1").expect("I1");
    assert!(!i1.headline);
    assert_eq!(i1.task_force.as_deref(), Some("产业发展专班"));
    assert_eq!(i1.annual_target, Some(170.0));
    assert_eq!(
        i1.status,
        IndicatorVerdict::Behind,
        "150 of 170 at year end"
    );

    let t17 = view.tasks.iter().find(|t| t.number == 17).expect("T17");
    assert_eq!(t17.lead_units, ["市科技局"]);
    assert_eq!(t17.participating_units, ["市工信局"]);
    assert_eq!(t17.progress, "新认定省级重点实验室2家");
    assert_eq!(t17.milestones[0].due_year, Some(2023));
    let t1 = view.tasks.iter().find(|t| t.number == 1).expect("T1");
    assert_eq!(t1.status, TaskStatus::NotStarted);

    let gxj = view
        .reporting
        .iter()
        .find(|r| r.unit == "市工信局")
        .expect("gxj");
    assert_eq!(
        (gxj.expected, gxj.on_time, gxj.late, gxj.missing),
        (2, 0, 1, 1)
    );
    assert_eq!(gxj.sources.len(), 1);
    assert_eq!(src(&gxj.sources[0]).submitted_by, "李华");
    assert!(
        view.units
            .iter()
            .all(|u| !u.items.is_empty() && u.items[0].rule.starts_with("起评分"))
    );

    // Forecasts of counts are whole numbers, as the data are.
    assert!(text_has_no_fractional_count(&view));

    let doc = planwatch_docs::annual::compose(&view).expect("composes");
    assert_eq!(doc.dangling_traces(), Vec::<String>::new());
    let text = to_text(&doc);
    for needle in [
        "一、总体情况",
        "国家高新技术企业数量",
        "【草稿】一是",
        "市工信局迟报1份、漏报1份",
        "配套资金不足",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
}
