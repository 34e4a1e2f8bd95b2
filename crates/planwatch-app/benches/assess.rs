//! Time to assess the whole Yangquan plan with demo data, in memory: the adapter that builds the
//! monitor's input from the plan, organisation, catalogue, breakdown, periods and ten quarters of
//! demo reports (`AssessSources::build`), then the pure monitor (`assess`). This is the work
//! `planwatch assess` and every page do after reading the store; the store read itself is
//! measured end to end with hyperfine (BENCHMARKS.md, "Monitoring").
//! Run with `cargo bench -p planwatch-app --bench assess [-- RUNS]`.

use chrono::NaiveDateTime;
use planwatch_app::assess::demo::{DemoSetup, demo_sources, org_from_config};
use planwatch_app::assess::input::MethodConfig;
use planwatch_model::{Plan, Quarter};
use planwatch_monitor::{Rules, assess};
use planwatch_quarterly::{CatalogueConfig, ReportingSettings};
use std::hint::black_box;
use std::time::Instant;

const ORG_TOML: &str = include_str!("../../../config/yangquan-org.toml");
/// The seed `planwatch demo` uses by default.
const SEED: u64 = 20_221_001;

fn stats(mut ms: Vec<f64>) -> (f64, f64, f64) {
    ms.sort_by(f64::total_cmp);
    let n = ms.len();
    (ms[n / 2], ms[n * 95 / 100], ms[n - 1])
}

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(300);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/plans/yangquan-2022-2024.gold.json"
    );
    let plan: Plan = serde_json::from_str(&std::fs::read_to_string(path).expect("gold fixture"))
        .expect("the gold file is a plan");
    let org_config =
        planwatch_store::OrgConfig::parse(ORG_TOML, "config/yangquan-org.toml").expect("org");
    let org = org_from_config(&plan, &org_config);
    let now = NaiveDateTime::parse_from_str("2026-01-01 00:00", "%Y-%m-%d %H:%M").expect("now");
    let until = Quarter::parse("2024Q2").expect("quarter");
    let d = demo_sources(
        plan,
        DemoSetup {
            org,
            catalogue: &CatalogueConfig::yangquan(),
            settings: ReportingSettings::default(),
            methods: MethodConfig::builtin(),
        },
        until,
        SEED,
        now,
    )
    .expect("the Yangquan catalogue builds");
    let as_of = d.as_of.date();
    let rules = Rules::default();
    let s = &d.sources;

    let first = assess(&s.build(until, as_of).input, &rules).expect("valid input");
    println!(
        "Yangquan plan, demo data seed {SEED} up to {until} (as of {as_of}): {} reports, {} official values; \
         assessed {} indicators, {} tasks, {} milestones, {} units scored, {} reporting obligations",
        s.reports.len(),
        s.values.len(),
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

    let mut build = Vec::with_capacity(runs);
    let mut monitor = Vec::with_capacity(runs);
    let mut total = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t0 = Instant::now();
        let built = s.build(black_box(until), black_box(as_of));
        let t1 = Instant::now();
        let a = assess(black_box(&built.input), &rules).expect("valid");
        let t2 = Instant::now();
        black_box(a);
        build.push((t1 - t0).as_secs_f64() * 1e3);
        monitor.push((t2 - t1).as_secs_f64() * 1e3);
        total.push((t2 - t0).as_secs_f64() * 1e3);
    }
    for (what, ms) in [
        ("adapter (build the monitor input)", build),
        ("monitor (assess)", monitor),
        ("adapter + monitor", total),
    ] {
        let (median, p95, max) = stats(ms);
        println!(
            "{what}: median {median:.3} ms, p95 {p95:.3} ms, max {max:.3} ms over {runs} runs (one thread)"
        );
    }
}
