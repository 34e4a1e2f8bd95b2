//! A small hand-made assessment input shared by the scoring and property tests: four units,
//! two task forces, two tasks, two indicators, two quarters of reporting.

#![allow(dead_code)]

use chrono::NaiveDate;
use planwatch_model::{Quarter, UnitKind};
use planwatch_monitor::assess::AssessmentInput;
use planwatch_monitor::indicator::{IndicatorInput, Method, TargetInput};
use planwatch_monitor::measure::{Comparator, Direction};
use planwatch_monitor::reporting::{ReportEvent, ReportEventKind, ReportObligation};
use planwatch_monitor::scoring::{BonusClaim, TaskForceInput, UnitInput};
use planwatch_monitor::series::{IndicatorKind, Observation};
use planwatch_monitor::task::{MilestoneInput, TaskInput, TaskReport};
use planwatch_monitor::time::TimePoint;

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

pub fn q(s: &str) -> Quarter {
    Quarter::parse(s).expect("quarter")
}

pub fn unit(id: &str, kind: UnitKind, area: Option<&str>) -> UnitInput {
    UnitInput {
        id: id.into(),
        name: id.into(),
        kind,
        area: area.map(str::to_string),
        members: vec![],
    }
}

pub fn obligation(
    unit: &str,
    period: &str,
    events: &[(&str, ReportEventKind)],
) -> ReportObligation {
    let p = q(period);
    ReportObligation {
        unit: unit.into(),
        period: p,
        due: planwatch_monitor::reporting::due_after_quarter_end(p, 10),
        events: events
            .iter()
            .map(|&(on, kind)| ReportEvent { on: d(on), kind })
            .collect(),
    }
}

pub fn observations(v: &[(&str, f64)]) -> Vec<Observation> {
    v.iter()
        .map(|&(at, value)| Observation {
            at: TimePoint::parse(at).expect("time"),
            value,
            source: None,
        })
        .collect()
}

pub fn indicator(id: &str, lead: &str, task: Option<&str>) -> IndicatorInput {
    IndicatorInput {
        id: id.into(),
        name: id.into(),
        unit: None,
        kind: IndicatorKind::Level,
        direction: Direction::HigherIsBetter,
        method: Method::ProgressMeasure,
        base: TimePoint::Year(2021),
        targets: vec![],
        annual_targets: vec![],
        limit: None,
        observations: vec![],
        task: task.map(Into::into),
        lead_units: vec![lead.into()],
        participating_units: vec![],
        weight: 1.0,
        forecast_model: None,
        decimals: None,
    }
}

/// The scoring example worked by hand in tests/scoring.rs.
pub fn example() -> AssessmentInput {
    use ReportEventKind::{Returned, Submitted};
    let mut high_tech = indicator("高新技术企业数", "市科技局", Some("T1"));
    high_tech.unit = Some("家".into());
    high_tech.kind = IndicatorKind::Cumulative;
    high_tech.targets = vec![TargetInput {
        value: 200.0,
        at: TimePoint::Year(2024),
        comparator: Comparator::AtLeast,
        text: None,
    }];
    high_tech.observations = observations(&[("2021", 150.0), ("2023", 210.0)]);
    let mut growth = indicator("技术交易活跃度", "市科技局", None);
    growth.observations = observations(&[("2021", 100.0), ("2023", 102.01)]);
    AssessmentInput {
        period: q("2024Q2"),
        as_of: d("2024-07-15"),
        plan_title: "测试计划".into(),
        plan_period: None,
        demo: false,
        units: vec![
            unit("市科技局", UnitKind::CityDepartment, None),
            unit("市工信局", UnitKind::CityDepartment, None),
            unit("平定县人民政府", UnitKind::CountyGovernment, None),
            unit("平定县科技局", UnitKind::Other, Some("平定县人民政府")),
        ],
        task_forces: vec![
            TaskForceInput {
                id: "kjcx".into(),
                name: "科技创新专班".into(),
            },
            TaskForceInput {
                id: "cyfz".into(),
                name: "产业发展专班".into(),
            },
        ],
        tasks: vec![
            TaskInput {
                id: "T1".into(),
                number: Some(1),
                title: "培育高新技术企业".into(),
                task_force: Some("kjcx".into()),
                lead_units: vec!["市科技局".into()],
                participating_units: vec!["市工信局".into()],
                due: None,
                milestones: vec![MilestoneInput {
                    id: "M1".into(),
                    text: "出台培育方案".into(),
                    start: None,
                    due: d("2024-03-31"),
                    updates: vec![],
                }],
                reports: vec![],
            },
            TaskInput {
                id: "T2".into(),
                number: Some(2),
                title: "建设数字经济园区".into(),
                task_force: Some("cyfz".into()),
                lead_units: vec!["市工信局".into()],
                participating_units: vec![],
                due: None,
                milestones: vec![],
                reports: vec![TaskReport {
                    period: q("2024Q2"),
                    unit: "市工信局".into(),
                    percent_complete: Some(35.0),
                    started: true,
                    completed: false,
                    source: None,
                }],
            },
        ],
        indicators: vec![high_tech, growth],
        reports: vec![
            obligation(
                "市科技局",
                "2024Q1",
                &[
                    ("2024-04-08", Submitted),
                    ("2024-04-09", Returned),
                    ("2024-04-10", Submitted),
                ],
            ),
            obligation("市科技局", "2024Q2", &[("2024-07-13", Submitted)]),
            obligation("市工信局", "2024Q1", &[]),
            obligation("市工信局", "2024Q2", &[("2024-07-01", Submitted)]),
            obligation("平定县人民政府", "2024Q1", &[("2024-04-01", Submitted)]),
            obligation("平定县人民政府", "2024Q2", &[("2024-07-01", Submitted)]),
            obligation("平定县科技局", "2024Q1", &[("2024-04-01", Submitted)]),
            obligation("平定县科技局", "2024Q2", &[]),
            // Last year's report does not count for this year's score.
            obligation("市科技局", "2023Q4", &[]),
        ],
        bonus_claims: vec![BonusClaim {
            unit: "平定县人民政府".into(),
            points: 3.0,
            reason: "获评省级创新型县（市）".into(),
        }],
    }
}
