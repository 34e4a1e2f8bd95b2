//! Property tests: composing never panics, whatever the numbers (zero targets, NaN, negative
//! values, empty lists), and every figure in the result still links somewhere.

mod common;

use planwatch_docs::model::Source;
use planwatch_docs::view::{
    AnnualView, ForecastView, IndicatorVerdict, IndicatorView, Light, MilestoneStatus,
    MilestoneView, PointView, ReportingView, ScoreItemView, TaskStatus, TaskView, UnitScoreView,
};
use planwatch_docs::{ReportConfig, annual, feedback, html, text::to_text};
use planwatch_model::{Comparator, PlanStage, Quarter, TaskJudgement};
use proptest::prelude::*;

const UNITS: [&str; 4] = ["市科技局", "市工信局", "平定县人民政府", "华阳集团"];

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        -1e6..1e9f64,
        0.0..1.0f64,
    ]
}

fn indicator() -> impl Strategy<Value = IndicatorView> {
    (
        0..4usize,
        proptest::option::of(number()),
        proptest::option::of(number()),
        prop_oneof![
            Just(IndicatorVerdict::Achieved),
            Just(IndicatorVerdict::OnSchedule),
            Just(IndicatorVerdict::Behind),
            Just(IndicatorVerdict::NoData)
        ],
        any::<bool>(),
        proptest::option::of((number(), any::<bool>())),
        proptest::collection::vec(number(), 0..4),
        prop_oneof![Just(Comparator::AtLeast), Just(Comparator::AtMost)],
    )
        .prop_map(
            |(u, target, actual, status, headline, forecast, series, cmp)| IndicatorView {
                id: format!("i{u}"),
                name: "高新技术企业数量".into(),
                unit: "家".into(),
                headline,
                task: None,
                task_force: Some("科技创新专班".into()),
                comparator: cmp,
                target,
                target_year: Some(2024),
                annual_target: target,
                actual,
                schedule_share: 0.75,
                completion: None,
                status,
                light: Light::Yellow,
                forecast: forecast.map(|(value, meets)| ForecastView {
                    year: 2024,
                    value,
                    meets,
                    explanation: "按趋势测算".into(),
                }),
                units: vec![UNITS[u].into()],
                note: String::new(),
                series: series
                    .into_iter()
                    .enumerate()
                    .map(|(k, value)| PointView {
                        t: 2021.0 + k as f64,
                        value,
                    })
                    .collect(),
                sources: vec!["s1".into()],
                decimals: None,
                stage: PlanStage::Running,
            },
        )
}

fn task() -> impl Strategy<Value = TaskView> {
    (
        1..30u32,
        0..4usize,
        prop_oneof![
            Just(TaskStatus::Done),
            Just(TaskStatus::Ahead),
            Just(TaskStatus::OnSchedule),
            Just(TaskStatus::Behind),
            Just(TaskStatus::NotStarted),
            Just(TaskStatus::Overdue)
        ],
        proptest::collection::vec(
            prop_oneof![
                Just(MilestoneStatus::Done),
                Just(MilestoneStatus::Overdue),
                Just(MilestoneStatus::NotStarted)
            ],
            0..3,
        ),
        any::<bool>(),
    )
        .prop_map(|(n, u, status, ms, problems)| TaskView {
            number: n,
            title: "打造新材料产业基地".into(),
            task_force: if u % 2 == 0 {
                "产业发展专班".into()
            } else {
                "科技创新专班".into()
            },
            lead_units: vec![UNITS[u].into()],
            participating_units: vec![UNITS[(u + 1) % 4].into()],
            status,
            light: Light::Green,
            progress: "进展顺利".into(),
            problems: if problems {
                "资金不足".into()
            } else {
                String::new()
            },
            milestones: ms
                .into_iter()
                .map(|status| MilestoneView {
                    what: "建成中试基地".into(),
                    due_year: Some(2023),
                    status,
                })
                .collect(),
            sources: vec!["s1".into()],
            stage: PlanStage::Running,
            judgement: None,
            judgement_basis: None,
        })
}

fn view() -> impl Strategy<Value = AnnualView> {
    (
        proptest::collection::vec(indicator(), 0..8),
        proptest::collection::vec(task(), 0..8),
        proptest::collection::vec((0..4usize, number(), 0..5u32, 0..5u32), 0..5),
        any::<bool>(),
    )
        .prop_map(|(mut indicators, mut tasks, scores, closed)| {
            // Half the views are of the plan's last year: every word in its final words.
            let stage = if closed {
                PlanStage::Closed
            } else {
                PlanStage::Running
            };
            for i in &mut indicators {
                i.stage = stage;
            }
            for t in &mut tasks {
                t.stage = stage;
                if closed {
                    t.judgement = Some(match t.status {
                        TaskStatus::Done => TaskJudgement::Completed,
                        TaskStatus::Ahead | TaskStatus::OnSchedule => {
                            TaskJudgement::LargelyCompleted
                        }
                        _ => TaskJudgement::NotCompleted,
                    });
                    t.judgement_basis = Some("计划期内节点完成1个（共2个）".into());
                }
            }
            let units: Vec<UnitScoreView> = scores
                .iter()
                .map(|(u, s, late, _)| UnitScoreView {
                    unit: UNITS[*u].into(),
                    class: "市直部门".into(),
                    score: *s,
                    rank: 1,
                    class_size: 1,
                    grade: None,
                    items: vec![ScoreItemView {
                        item: "迟报".into(),
                        rule: "每次扣2分".into(),
                        max_points: None,
                        points: -2.0 * f64::from(*late),
                        note: String::new(),
                        sources: vec![],
                    }],
                })
                .collect();
            let reporting = scores
                .iter()
                .map(|(u, _, late, missing)| ReportingView {
                    unit: UNITS[*u].into(),
                    expected: 4,
                    on_time: 4u32.saturating_sub(late + missing),
                    late: *late,
                    missing: *missing,
                    returned: 0,
                    sources: vec![],
                })
                .collect();
            let src = |id: &str| Source {
                id: id.into(),
                what: "报告".into(),
                unit: "市科技局".into(),
                period: "2023Q3".into(),
                submitted_by: "张".into(),
                submitted_at: "2023-10-01 09:00".into(),
                note: String::new(),
            };
            AnnualView {
                plan_title: "阳泉市国家创新型城市建设三年行动计划（2022—2024年）".into(),
                year: 2023,
                period: Quarter::new(2023, 3).expect("valid"),
                issuer: "办公室".into(),
                issued_on: None,
                demo: true,
                plan_source: src("plan"),
                rules_source: None,
                task_forces: vec![],
                indicators,
                tasks,
                unit_mean: None,
                units,
                reporting,
                period_reporting: vec![],
                sources: vec![src("s1")],
                office_text: Default::default(),
                final_review: None,
                stage,
                scoring_rules: vec!["起评分100分".into()],
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn composing_never_panics_and_never_leaves_a_dangling_link(v in view()) {
        let doc = annual::compose(&v).expect("charts draw for any numbers");
        prop_assert_eq!(doc.dangling_traces(), Vec::<String>::new());
        let _ = to_text(&doc);
        let page = html::render(&doc, &ReportConfig::default().fonts);
        let problems = common::check_html_traceability(&page);
        prop_assert!(problems.is_empty(), "{:#?}", problems);
        for unit in feedback::units(&v) {
            let sheet = feedback::compose(&v, &unit).expect("a known unit");
            prop_assert_eq!(sheet.dangling_traces(), Vec::<String>::new());
            if v.stage.is_final() {
                prop_assert!(!to_text(&sheet).contains("序时"), "{}", to_text(&sheet));
            }
        }
        // Once the plan is over no word is said in 序时 terms.
        if v.stage.is_final() {
            let text = to_text(&doc);
            prop_assert!(!text.contains("序时"), "{}", text);
        }
        // The office's documents: the compact forms, the bulletin and (once final) the final
        // report compose for any view and link only to what they contain.
        let compact = annual::compose_as(&v, annual::Form::Compact).expect("charts draw");
        prop_assert_eq!(compact.dangling_traces(), Vec::<String>::new());
        for unit in feedback::units(&v) {
            let sheet = feedback::compose_as(&v, &unit, annual::Form::Compact).expect("known");
            prop_assert_eq!(sheet.dangling_traces(), Vec::<String>::new());
        }
        let bulletin = planwatch_docs::bulletin::compose(&v, &Default::default());
        prop_assert_eq!(bulletin.dangling_traces(), Vec::<String>::new());
        let _ = to_text(&bulletin);
        if let Ok(fin) = planwatch_docs::final_report::compose_as(&v, annual::Form::Compact) {
            prop_assert_eq!(fin.dangling_traces(), Vec::<String>::new());
            if v.stage.is_final() {
                prop_assert!(!to_text(&fin).contains("序时"), "{}", to_text(&fin));
            }
        }
    }
}
