//! Time to assess a whole plan of the Yangquan plan's size: every goal and task target of the
//! gold annotation as an indicator, its 22 tasks and milestones, its units, ten quarters of
//! reporting, all filled with synthetic numbers generated here (not the demo data of
//! `planwatch demo`, which does not exist yet). Run with
//! `cargo bench -p planwatch-monitor --bench assess`.

use chrono::NaiveDate;
use planwatch_model::{Quarter, UnitKind};
use planwatch_monitor::assess::{AssessmentInput, assess};
use planwatch_monitor::indicator::{IndicatorInput, Method, TargetInput};
use planwatch_monitor::measure::{Comparator, Direction};
use planwatch_monitor::reporting::{
    ReportEvent, ReportEventKind, ReportObligation, due_after_quarter_end,
};
use planwatch_monitor::rules::Rules;
use planwatch_monitor::scoring::{TaskForceInput, UnitInput};
use planwatch_monitor::series::{IndicatorKind, Observation};
use planwatch_monitor::task::{MilestoneInput, MilestoneUpdate, TaskInput, TaskReport};
use planwatch_monitor::time::TimePoint;
use serde_json::Value;
use std::hint::black_box;
use std::time::Instant;

const COUNTIES: [&str; 5] = [
    "城区人民政府",
    "矿区人民政府",
    "郊区人民政府",
    "平定县人民政府",
    "盂县人民政府",
];

fn q(s: &str) -> Quarter {
    Quarter::parse(s).expect("valid quarter")
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn indicator(
    id: String,
    t: &Value,
    task: Option<planwatch_model::TaskId>,
    lead: Vec<String>,
    k: usize,
) -> Option<IndicatorInput> {
    let value = t["value"].as_f64()?;
    let unit = t["unit"].as_str().map(str::to_string);
    let at_most = t["comparator"].as_str() == Some("at_most");
    let kind = match unit.as_deref() {
        Some("%") => IndicatorKind::Ratio,
        Some("家" | "个" | "件" | "项" | "座" | "台") => IndicatorKind::Cumulative,
        _ => IndicatorKind::Level,
    };
    let year = i32::try_from(t["year"].as_i64().unwrap_or(2024)).unwrap_or(2024);
    let start = if at_most { value * 1.4 } else { value * 0.6 };
    let pace = 0.7 + (k % 7) as f64 * 0.1;
    let path = |f: f64| start + (value - start) * f * pace;
    let observations = [
        ("2021", 0.0),
        ("2022", 0.3),
        ("2023", 0.6),
        ("2024Q1", 0.7),
        ("2024Q2", 0.8),
    ]
    .iter()
    .map(|&(at, f)| Observation {
        at: TimePoint::parse(at).expect("valid time"),
        value: path(f),
        source: Some(format!("{id}-{at}")),
    })
    .collect();
    Some(IndicatorInput {
        id,
        name: t["indicator"].as_str().unwrap_or("指标").to_string(),
        unit,
        kind,
        direction: if at_most {
            Direction::LowerIsBetter
        } else {
            Direction::HigherIsBetter
        },
        method: if k.is_multiple_of(3) {
            Method::Schedule
        } else {
            Method::ProgressMeasure
        },
        base: TimePoint::Year(2021),
        targets: vec![TargetInput {
            value,
            at: TimePoint::Year(year),
            comparator: if at_most {
                Comparator::AtMost
            } else {
                Comparator::AtLeast
            },
            text: t["text"].as_str().map(str::to_string),
        }],
        annual_targets: vec![],
        limit: None,
        observations,
        task,
        lead_units: lead,
        participating_units: vec![],
        weight: 1.0,
        forecast_model: None,
        decimals: None,
    })
}

fn input() -> AssessmentInput {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/plans/yangquan-2022-2024.gold.json"
    );
    let gold: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("gold fixture")).expect("json");
    let mut names: Vec<String> = strs(&gold["units"]);
    names.extend(COUNTIES.iter().map(|s| s.to_string()));
    names.sort();
    names.dedup();
    let units: Vec<UnitInput> = names
        .iter()
        .map(|n| {
            let kind = UnitKind::classify(n);
            UnitInput {
                id: n.clone(),
                name: n.clone(),
                kind,
                area: None,
                members: if kind == UnitKind::Group && n.contains("县") {
                    COUNTIES.iter().map(|s| s.to_string()).collect()
                } else {
                    vec![]
                },
            }
        })
        .collect();
    let task_forces: Vec<TaskForceInput> = strs(&gold["task_forces"])
        .into_iter()
        .map(|n| TaskForceInput {
            id: n.clone(),
            name: n,
        })
        .collect();
    let mut indicators = Vec::new();
    for (k, g) in gold["goals"].as_array().into_iter().flatten().enumerate() {
        indicators.extend(indicator(
            format!("G{}", k + 1),
            g,
            None,
            vec!["市科技局".into()],
            k,
        ));
    }
    let mut tasks = Vec::new();
    for (k, t) in gold["tasks"].as_array().into_iter().flatten().enumerate() {
        let id = planwatch_model::TaskId::from(format!("T{}", k + 1));
        let lead = strs(&t["lead_units"]);
        for (j, x) in t["targets"].as_array().into_iter().flatten().enumerate() {
            indicators.extend(indicator(
                format!("{id}-{}", j + 1),
                x,
                Some(id.clone()),
                lead.clone(),
                k + j,
            ));
        }
        let milestones = t["milestones"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(j, m)| {
                let year = i32::try_from(m["year"].as_i64().unwrap_or(2024)).unwrap_or(2024);
                MilestoneInput {
                    id: format!("{id}-M{}", j + 1),
                    text: m["what"].as_str().unwrap_or("节点").to_string(),
                    start: NaiveDate::from_ymd_opt(2022, 1, 1),
                    due: NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date"),
                    updates: vec![MilestoneUpdate {
                        period: q("2024Q2"),
                        percent_complete: Some(40.0 + (k * 7 % 50) as f64),
                        started: true,
                        completed_on: None,
                        source: None,
                    }],
                }
            })
            .collect();
        let reports = ["2024Q1", "2024Q2"]
            .iter()
            .flat_map(|p| {
                lead.iter().map(move |u| TaskReport {
                    period: q(p),
                    unit: u.clone(),
                    percent_complete: Some(if *p == "2024Q1" {
                        20.0
                    } else {
                        25.0 + (k * 11 % 40) as f64
                    }),
                    started: true,
                    completed: false,
                    source: None,
                })
            })
            .collect();
        tasks.push(TaskInput {
            id,
            number: t["number"].as_u64().and_then(|n| u32::try_from(n).ok()),
            title: t["title"].as_str().unwrap_or("任务").to_string(),
            task_force: task_forces
                .get(k % task_forces.len().max(1))
                .map(|tf| tf.id.clone()),
            lead_units: lead,
            participating_units: strs(&t["participating_units"]),
            due: None,
            milestones,
            reports,
        });
    }
    let mut reports = Vec::new();
    for (k, u) in units
        .iter()
        .filter(|u| u.kind != UnitKind::Group)
        .enumerate()
    {
        for (j, p) in Quarter::range(q("2022Q1"), q("2024Q2")).enumerate() {
            let due = due_after_quarter_end(p, 10);
            let events = match (k + j) % 9 {
                0 => vec![],
                1 => vec![ReportEvent {
                    on: due + chrono::Days::new(3),
                    kind: ReportEventKind::Submitted,
                }],
                2 => vec![
                    ReportEvent {
                        on: due,
                        kind: ReportEventKind::Submitted,
                    },
                    ReportEvent {
                        on: due + chrono::Days::new(1),
                        kind: ReportEventKind::Returned,
                    },
                    ReportEvent {
                        on: due + chrono::Days::new(2),
                        kind: ReportEventKind::Submitted,
                    },
                ],
                _ => vec![
                    ReportEvent {
                        on: due - chrono::Days::new(2),
                        kind: ReportEventKind::Submitted,
                    },
                    ReportEvent {
                        on: due,
                        kind: ReportEventKind::Accepted,
                    },
                ],
            };
            reports.push(ReportObligation {
                unit: u.id.clone(),
                period: p,
                due,
                events,
            });
        }
    }
    AssessmentInput {
        period: q("2024Q2"),
        as_of: NaiveDate::from_ymd_opt(2024, 7, 15).expect("valid date"),
        plan_title: gold["title"].as_str().unwrap_or_default().to_string(),
        plan_period: None,
        demo: true,
        units,
        task_forces,
        tasks,
        indicators,
        reports,
        bonus_claims: vec![],
    }
}

fn main() {
    let input = input();
    let rules = Rules::default();
    let first = assess(&input, &rules).expect("the synthetic plan is valid input");
    println!(
        "Yangquan-sized plan (synthetic numbers): {} indicators, {} tasks, {} milestones, {} units scored, {} reporting obligations",
        first.indicators.len(),
        first.tasks.len(),
        first
            .tasks
            .iter()
            .map(|t| t.milestones.len())
            .sum::<usize>(),
        first.units.len(),
        first.reporting.len()
    );
    let runs = 200;
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(assess(black_box(&input), &rules).expect("valid"));
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "assess(): median {:.3} ms, p95 {:.3} ms, max {:.3} ms over {runs} runs (one thread)",
        times[runs / 2],
        times[runs * 95 / 100],
        times[runs - 1]
    );
    let t = Instant::now();
    let json = serde_json::to_string(&first).expect("serialise");
    println!(
        "serialising the assessment to JSON: {:.3} ms, {} bytes",
        t.elapsed().as_secs_f64() * 1e3,
        json.len()
    );
}
