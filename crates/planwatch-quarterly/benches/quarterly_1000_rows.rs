//! Benchmark: read and validate a filled quarterly workbook of 1,000 rows (600 task rows and 400
//! indicator rows of one unit). Run with `cargo bench -p planwatch-quarterly`; the result goes
//! into BENCHMARKS.md. Timing lives here, never in tests.

use planwatch_model::{
    Direction, IndicatorDef, IndicatorKind, IndicatorTarget, Period, Plan, Quarter, TargetWording,
    Task, TaskStatus, ValidationRules,
};
use planwatch_quarterly::content::{IndicatorRow, ReportContent, TaskRow};
use planwatch_quarterly::xlsx::quarterly::{
    QuarterlyTemplate, ReadContext, read_quarterly, write_quarterly,
};
use planwatch_quarterly::{Breakdown, Catalogue, ReportingSettings, ScopeInputs, UnitGroups};
use std::collections::BTreeMap;
use std::time::Instant;

const UNIT: &str = "市科技局";

fn main() {
    let plan = Plan {
        title: "基准测试计划".into(),
        period: Period {
            start: 2022,
            end: 2024,
        },
        tasks: (1..=600)
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
    };
    let catalogue = Catalogue {
        indicators: (0..400)
            .map(|i| IndicatorDef {
                code: format!("bench-{i}").into(),
                name: format!("基准指标{i}"),
                unit: Some("家".into()),
                reporter: UNIT.into(),
                kind: IndicatorKind::Cumulative,
                direction: Direction::HigherIsBetter,
                baseline: None,
                targets: vec![IndicatorTarget {
                    year: 2024,
                    value: 1000.0,
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
                plan_names: Vec::new(),
            })
            .collect(),
        set_aside: Vec::new(),
        asked_elsewhere: Default::default(),
    };
    let breakdown = Breakdown::default();
    let groups = UnitGroups::default();
    let settings = ReportingSettings::default();
    let inputs = ScopeInputs {
        plan: &plan,
        catalogue: &catalogue,
        breakdown: &breakdown,
        groups: &groups,
        settings: &settings,
    };
    let period = Quarter::parse("2023Q3").expect("quarter");
    let scope = inputs.scope(&planwatch_model::UnitName::from(UNIT), period);
    let mut content = ReportContent::new(UNIT, period);
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
    let mut history = BTreeMap::new();
    for d in &scope.indicators {
        content.indicators.push(IndicatorRow {
            code: d.code.clone(),
            value: Some(120.0),
            source: "部门统计台账".into(),
            note: String::new(),
        });
        history.insert(d.code.to_string(), vec![(period.prev(), 110.0)]);
    }
    let bytes = write_quarterly(&QuarterlyTemplate {
        scope: &scope,
        plan_title: &plan.title,
        plan_code: None,
        deadline: chrono::NaiveDate::from_ymd_opt(2023, 10, 10).expect("date"),
        task_forces: &BTreeMap::new(),
        previous: None,
        previous_values: &BTreeMap::new(),
        contributions: &BTreeMap::new(),
        prefill: Some(&content),
    })
    .expect("template");
    let ctx = ReadContext {
        scope: &scope,
        history: &history,
        settings: &settings,
        require_complete: true,
    };
    let rows = scope.rows.len() + scope.indicators.len();
    // Warm up once, then measure.
    let back = read_quarterly(&bytes, &ctx).expect("valid workbook");
    assert_eq!(back.content_hash(), content.content_hash());
    let runs = 20;
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let c = read_quarterly(&bytes, &ctx).expect("valid workbook");
        times.push(t.elapsed());
        std::hint::black_box(c);
    }
    times.sort();
    println!(
        "read+validate quarterly workbook: {rows} rows, {} bytes; median {:.1} ms, min {:.1} ms, max {:.1} ms over {runs} runs",
        bytes.len(),
        times[runs / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[runs - 1].as_secs_f64() * 1e3,
    );
    // Of which the checks before any parser sees the file (xlsx::guard: every entry read with
    // a cap, every XML part scanned, the checked copy written).
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let checked = planwatch_quarterly::xlsx::guard::check(&bytes, &settings).expect("valid");
        times.push(t.elapsed());
        std::hint::black_box(checked);
    }
    times.sort();
    println!(
        "  of which xlsx::guard::check: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        times[runs / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[runs - 1].as_secs_f64() * 1e3,
    );
    // For comparison: calamine alone on the original file, reading what the reader reads (both
    // sheets' values and formulas, and the identification sheet) without any check.
    use calamine::Reader;
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(&bytes[..])).expect("opens");
        for name in wb.sheet_names() {
            std::hint::black_box(wb.worksheet_range(&name).expect("values"));
            std::hint::black_box(wb.worksheet_formula(&name).expect("formulas"));
        }
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "  calamine alone, unchecked: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        times[runs / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[runs - 1].as_secs_f64() * 1e3,
    );
}
