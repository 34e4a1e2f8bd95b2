//! Reporting benchmark (`cargo bench -p planwatch-store --bench reports`): validate and import
//! a filled 1,000-row quarterly workbook (600 task rows and 400 indicator rows of one unit) —
//! read and check every cell and rule, then save the report with its rows, three workflow steps
//! and their audit rows in one transaction — on SQLite and, when `PLANWATCH_TEST_PG_URL` is set,
//! on PostgreSQL. Each run imports into a new quarter so that nothing is skipped as unchanged.
//! Results go to BENCHMARKS.md by hand, with the machine and the date.

use chrono::{NaiveDate, Utc};
use planwatch_model::Direction;
use planwatch_model::{
    IndicatorDef, IndicatorKind, IndicatorTarget, Period, Plan, Quarter, Role, Section,
    TargetWording, Task, TaskStatus, ValidationRules,
};
use planwatch_quarterly::content::{IndicatorRow, ReportContent, TaskRow};
use planwatch_quarterly::period::{ReportingPeriod, cst_from_utc};
use planwatch_quarterly::workflow::{self, Action};
use planwatch_quarterly::xlsx::quarterly::{
    QuarterlyTemplate, ReadContext, read_quarterly, write_quarterly,
};
use planwatch_quarterly::{Breakdown, Catalogue, ReportingSettings, ScopeInputs, UnitGroups};
use planwatch_store::testing::ScratchPg;
use planwatch_store::{Actor, Location, OpenMode, PlanSource, ReportingSetup, Store};
use std::collections::BTreeMap;
use std::time::Instant;

const UNIT: &str = "市科技局";
const TASKS: u32 = 600;
const INDICATORS: usize = 400;

fn plan() -> Plan {
    Plan {
        title: "基准测试计划".into(),
        period: Period {
            start: 2022,
            end: 2026,
        },
        sections: vec![Section {
            number: "1".into(),
            title: "主要任务".into(),
            span: None,
        }],
        tasks: (1..=TASKS)
            .map(|n| Task {
                number: n,
                label: format!("（{n}）"),
                title: format!("第{n}项重点任务"),
                section: "1".into(),
                lead_units: vec![UNIT.into()],
                participating_units: vec![],
                targets: vec![],
                milestones: vec![],
                body: String::new(),
                span: None,
            })
            .collect(),
        ..Plan::default()
    }
}

fn catalogue() -> Catalogue {
    Catalogue {
        indicators: (0..INDICATORS)
            .map(|i| IndicatorDef {
                code: format!("bench-{i}").into(),
                name: format!("基准指标{i}"),
                unit: Some("家".into()),
                reporter: UNIT.into(),
                kind: IndicatorKind::Cumulative,
                direction: Direction::HigherIsBetter,
                baseline: None,
                targets: vec![IndicatorTarget {
                    year: 2026,
                    value: 5000.0,
                    value_max: None,
                    comparator: TargetWording::AtLeast,
                    source: String::new(),
                    text: String::new(),
                }],
                tasks: vec![],
                rules: ValidationRules {
                    min: Some(0.0),
                    max: None,
                    integer: true,
                    max_change_share: Some(0.5),
                },
                headline: false,
                plan_names: vec![],
            })
            .collect(),
        set_aside: Vec::new(),
        asked_elsewhere: Default::default(),
    }
}

async fn fresh(backend: &str) -> Option<(Store, Option<ScratchPg>, Option<tempfile::TempDir>)> {
    if backend == "SQLite" {
        let dir = tempfile::tempdir().expect("tmp");
        let loc = Location::resolve(dir.path(), None).expect("sqlite");
        let store = Store::open(&loc, OpenMode::Create).await.expect("open");
        Some((store, None, Some(dir)))
    } else {
        let pg = ScratchPg::create("bench_reports").await?;
        let loc = Location::resolve(std::path::Path::new("."), Some(&pg.url)).expect("pg");
        let store = Store::open(&loc, OpenMode::Create).await.expect("open");
        Some((store, Some(pg), None))
    }
}

async fn bench(backend: &str) {
    let Some((store, pg, _dir)) = fresh(backend).await else {
        println!("{backend}: skipped (PLANWATCH_TEST_PG_URL not set)");
        return;
    };
    let actor = Actor::user("bench");
    let plan = plan();
    let settings = ReportingSettings::default();
    store
        .import_plan(
            &actor,
            &plan,
            &PlanSource::Json {
                file_name: "bench.json".into(),
            },
            Utc::now(),
        )
        .await
        .expect("plan");
    let catalogue = catalogue();
    store
        .ensure_reporting(
            &actor,
            &ReportingSetup {
                catalogue: catalogue.clone(),
                periods: ReportingPeriod::for_plan(plan.period, &settings),
                breakdown: Breakdown::default(),
            },
            Utc::now(),
        )
        .await
        .expect("setup");
    let breakdown = Breakdown::default();
    let groups = UnitGroups::default();
    let inputs = ScopeInputs {
        plan: &plan,
        catalogue: &catalogue,
        breakdown: &breakdown,
        groups: &groups,
        settings: &settings,
    };
    let quarters: Vec<Quarter> = Quarter::range(
        Quarter::parse("2022Q1").expect("q"),
        Quarter::parse("2026Q4").expect("q"),
    )
    .collect();
    let mut times = Vec::new();
    let mut rows = 0;
    for (run, q) in quarters.iter().enumerate() {
        let scope = inputs.scope(&planwatch_model::UnitName::from(UNIT), *q);
        let mut content = ReportContent::new(UNIT, *q);
        content.filled_by = "张三".into();
        for r in &scope.rows {
            content.tasks.push(TaskRow {
                key: Some(r.key.clone()),
                progress: format!("{} 本季度完成年度计划的七成，召开推进会两次", r.task.title),
                cumulative: "累计完成70%".into(),
                status: Some(TaskStatus::OnSchedule),
                share_complete: Some(70.0),
                ..Default::default()
            });
        }
        for d in &scope.indicators {
            content.indicators.push(IndicatorRow {
                code: d.code.clone(),
                value: Some(100.0 + run as f64),
                source: "部门统计台账".into(),
                note: String::new(),
            });
        }
        rows = scope.rows.len() + scope.indicators.len();
        let bytes = write_quarterly(&QuarterlyTemplate {
            scope: &scope,
            plan_title: &plan.title,
            plan_code: None,
            deadline: NaiveDate::from_ymd_opt(2030, 1, 10).expect("date"),
            task_forces: &BTreeMap::new(),
            previous: None,
            previous_values: &BTreeMap::new(),
            contributions: &BTreeMap::new(),
            prefill: Some(&content),
        })
        .expect("template");

        let t = Instant::now();
        let history = store.indicator_history().await.expect("history");
        let read = read_quarterly(
            &bytes,
            &ReadContext {
                scope: &scope,
                history: &history,
                settings: &settings,
                require_complete: true,
            },
        )
        .expect("valid workbook");
        let now = Utc::now();
        let local = cst_from_utc(now);
        let mut rec = None;
        let mut steps = Vec::new();
        for (action, role) in [
            (Action::Edit, Role::UnitHead),
            (Action::Approve, Role::UnitHead),
            (Action::Submit, Role::UnitHead),
        ] {
            let who = workflow::Actor {
                user: "bench".into(),
                role,
                unit: Some(UNIT.into()),
            };
            let v = rec
                .as_ref()
                .map_or(0, |r: &workflow::ReportRecord| r.version);
            let (next, ev) =
                workflow::apply(rec.as_ref(), UNIT, &action, &who, v, local).expect("allowed");
            rec = Some(next.clone());
            steps.push((next, ev));
        }
        store
            .save_report(&actor, UNIT, *q, 0, Some(&read), &steps, now)
            .await
            .expect("saved");
        times.push(t.elapsed());
    }
    times.sort();
    let n = times.len();
    println!(
        "{backend}: validate + import a {rows}-row workbook: median {:.1} ms, min {:.1} ms, max {:.1} ms over {n} runs",
        times[n / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[n - 1].as_secs_f64() * 1e3
    );
    store.close().await;
    if let Some(pg) = pg {
        pg.drop_database().await;
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        bench("SQLite").await;
        bench("PostgreSQL").await;
    });
}
