//! Throughput of the progress measure: series assessed per second on one core (BENCHMARKS.md,
//! "Monitoring"). Run with `cargo bench -p planwatch-monitor --bench progress [-- N]`.
//! Plain `std::time`; the series are generated up front so only the measure is timed.

use planwatch_model::Quarter;
use planwatch_monitor::indicator::{IndicatorInput, Method, TargetInput, assess_indicator};
use planwatch_monitor::measure::{Comparator, Direction, MeasureParams, NumericTarget, measure};
use planwatch_monitor::rules::Rules;
use planwatch_monitor::series::{IndicatorKind, Observation};
use planwatch_monitor::strict::{StrictParams, YearValue, strict_measure};
use planwatch_monitor::time::{Point, TimePoint};
use std::hint::black_box;
use std::time::Instant;

/// A small deterministic generator, so every run assesses the same series.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Case {
    points: Vec<Point>,
    params: MeasureParams,
    years: Vec<YearValue>,
    strict: StrictParams,
}

fn cases(n: usize) -> Vec<Case> {
    let mut rng = Lcg(20240630);
    (0..n)
        .map(|_| {
            let len = 2 + (rng.next() * 7.0) as usize;
            let start = 50.0 + rng.next() * 500.0;
            let growth = rng.next() * 0.3 - 0.1;
            let points: Vec<Point> = (0..len)
                .map(|k| {
                    let t = 2020.0 + k as f64 * 0.25 * (1.0 + (rng.next() * 3.0).floor());
                    Point {
                        t,
                        value: start * (1.0 + growth).powf(t - 2020.0) * (0.97 + rng.next() * 0.06),
                    }
                })
                .scan(f64::NEG_INFINITY, |last, mut p| {
                    if p.t <= *last {
                        p.t = *last + 0.25;
                    }
                    *last = p.t;
                    Some(p)
                })
                .collect();
            let positive = rng.next() < 0.7;
            let has_target = rng.next() < 0.85;
            let target_value = start * (1.0 + rng.next());
            let params = MeasureParams {
                base_t: 2020.0,
                target: has_target.then(|| NumericTarget {
                    value: if positive { target_value } else { start / 2.0 },
                    t: 2024.0,
                    comparator: if positive {
                        Comparator::AtLeast
                    } else {
                        Comparator::Below
                    },
                }),
                direction: if positive {
                    Direction::HigherIsBetter
                } else {
                    Direction::LowerIsBetter
                },
                limit: (!has_target && rng.next() < 0.3).then_some(start * 1.2),
            };
            let years: Vec<YearValue> = (0..len)
                .map(|k| YearValue {
                    year: 2015 + k as i32,
                    value: points[k].value,
                })
                .collect();
            let strict = StrictParams {
                base_year: 2015,
                target: params.target.map(|t| t.value),
                target_year: Some(2025),
                direction: Some(params.direction),
                limit: params.limit,
            };
            Case {
                points,
                params,
                years,
                strict,
            }
        })
        .collect()
}

fn rate(label: &str, n: usize, f: impl Fn() -> f64) {
    // One warm-up pass, then the best of three timed passes.
    black_box(f());
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        black_box(f());
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{label:<44} {n:>9} series  {:>8.1} ms  {:>12.0} series/s  {:>7.1} ns/series",
        best * 1e3,
        n as f64 / best,
        best * 1e9 / n as f64
    );
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2_000_000);
    let cs = cases(n);
    println!("progress measure throughput, one thread, {n} generated series (2–8 observations)");
    rate("measure (normal mode)", n, || {
        cs.iter()
            .map(|c| {
                measure(black_box(&c.points), &c.params)
                    .score
                    .unwrap_or(0.0)
            })
            .sum()
    });
    rate("strict_measure (sdg-build compatible)", n, || {
        cs.iter()
            .map(|c| {
                strict_measure(black_box(&c.years), &c.strict)
                    .score
                    .unwrap_or(0.0)
            })
            .sum()
    });

    // The full indicator assessment (targets, schedule, forecast, Chinese sentences) allocates
    // strings, so it is measured separately on fewer series.
    let m = (n / 10).max(1);
    let inputs: Vec<IndicatorInput> = cs[..m]
        .iter()
        .map(|c| IndicatorInput {
            id: "x".into(),
            name: "指标".into(),
            unit: Some("家".into()),
            kind: IndicatorKind::Cumulative,
            direction: c.params.direction,
            method: Method::ProgressMeasure,
            base: TimePoint::Year(2020),
            targets: c
                .params
                .target
                .map(|t| TargetInput {
                    value: t.value,
                    at: TimePoint::Year(2024),
                    comparator: t.comparator,
                    text: None,
                })
                .into_iter()
                .collect(),
            annual_targets: vec![],
            limit: c.params.limit,
            observations: c
                .points
                .iter()
                .map(|p| Observation {
                    at: TimePoint::Quarter(quarter_of(p.t)),
                    value: p.value,
                    source: None,
                })
                .collect(),
            task: None,
            lead_units: vec![],
            participating_units: vec![],
            weight: 1.0,
            forecast_model: None,
            decimals: None,
        })
        .collect();
    let rules = Rules::default();
    let period = Quarter::parse("2024Q4").expect("valid quarter");
    rate("assess_indicator (with forecast and text)", m, || {
        inputs
            .iter()
            .map(|i| {
                assess_indicator(black_box(i), period, &rules)
                    .map(|a| a.score.unwrap_or(0.0))
                    .unwrap_or(0.0)
            })
            .sum()
    });
}

fn quarter_of(t: f64) -> Quarter {
    planwatch_monitor::time::quarter_at_or_after(t).expect("generated times are in range")
}
