//! Properties: a better latest value never lowers a score; scores stay within their bounds; a
//! unit's score is exactly the sum of its breakdown; nothing panics on odd input.

mod common;

use planwatch_model::Quarter;
use planwatch_monitor::assess::assess;
use planwatch_monitor::csv_series;
use planwatch_monitor::forecast::Reach;
use planwatch_monitor::indicator::{IndicatorInput, Method, TargetInput, assess_indicator};
use planwatch_monitor::measure::{
    Comparator, Direction, Light, MeasureParams, NumericTarget, measure,
};
use planwatch_monitor::points::Points;
use planwatch_monitor::reporting::{ReportEvent, ReportEventKind};
use planwatch_monitor::rules::Rules;
use planwatch_monitor::series::{IndicatorKind, Observation};
use planwatch_monitor::strict::{StrictParams, YearValue, strict_measure};
use planwatch_monitor::time::{Point, TimePoint};
use proptest::prelude::*;

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        (-1000.0f64..1000.0),
        (0.001f64..10.0),
        (-10.0f64..-0.001),
    ]
}

fn target() -> impl Strategy<Value = Option<(f64, i32, bool)>> {
    prop::option::of((value(), 2021i32..2031, any::<bool>()))
}

fn params(
    base_t: f64,
    target: Option<(f64, i32, bool)>,
    direction: Direction,
    limit: Option<f64>,
) -> MeasureParams {
    MeasureParams {
        base_t,
        target: target.map(|(value, year, strict)| NumericTarget {
            value,
            t: f64::from(year),
            comparator: match (direction, strict) {
                (Direction::HigherIsBetter, false) => Comparator::AtLeast,
                (Direction::HigherIsBetter, true) => Comparator::Above,
                (Direction::LowerIsBetter, false) => Comparator::AtMost,
                (Direction::LowerIsBetter, true) => Comparator::Below,
            },
        }),
        direction,
        limit,
    }
}

proptest! {
    #[test]
    fn a_higher_latest_value_never_lowers_the_score_when_higher_is_better(
        base in value(),
        a in value(),
        b in value(),
        quarters in 1u32..20,
        target in target(),
        limit in prop::option::of(0.0f64..200.0),
    ) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let t = 2020.0 + f64::from(quarters) / 4.0;
        let p = params(2020.0, target, Direction::HigherIsBetter, limit);
        let series = |v: f64| [Point { t: 2020.0, value: base }, Point { t, value: v }];
        let s_lo = measure(&series(lo), &p).score;
        let s_hi = measure(&series(hi), &p).score;
        if let Some(x) = s_lo {
            let y = s_hi.expect("a better value is never less assessable");
            prop_assert!(y >= x - 1e-9, "score({lo}) = {x} > score({hi}) = {y}");
        }
    }

    #[test]
    fn a_lower_latest_value_never_lowers_the_score_when_lower_is_better(
        base in value(),
        a in value(),
        b in value(),
        quarters in 1u32..20,
        target in target(),
    ) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let t = 2020.0 + f64::from(quarters) / 4.0;
        let p = params(2020.0, target, Direction::LowerIsBetter, None);
        let series = |v: f64| [Point { t: 2020.0, value: base }, Point { t, value: v }];
        if let Some(x) = measure(&series(hi), &p).score {
            let y = measure(&series(lo), &p).score.expect("assessable");
            prop_assert!(y >= x - 1e-9);
        }
    }

    #[test]
    fn normal_scores_stay_within_minus_five_and_five(
        values in prop::collection::vec(value(), 0..6),
        base_q in 0u32..8,
        target in target(),
        positive in any::<bool>(),
        limit in prop::option::of(-200.0f64..200.0),
    ) {
        let points: Vec<Point> = values
            .iter()
            .enumerate()
            .map(|(i, &value)| Point { t: 2019.0 + i as f64 * 0.75, value })
            .collect();
        let d = if positive { Direction::HigherIsBetter } else { Direction::LowerIsBetter };
        let m = measure(&points, &params(2019.0 + f64::from(base_q) / 4.0, target, d, limit));
        if let Some(s) = m.score {
            prop_assert!((-5.0..=5.0).contains(&s), "score {s}");
        }
        prop_assert_eq!(m.score.is_some(), m.status.light() != planwatch_monitor::measure::Light::Grey);
    }

    #[test]
    fn strict_mode_never_panics_and_keeps_its_scores_in_bounds(
        values in prop::collection::vec((2014i32..2030, prop_oneof![value(), Just(f64::NAN)]), 0..6),
        base_year in 2013i32..2031,
        target in prop::option::of(value()),
        target_year in prop::option::of(2013i32..2040),
        direction in prop::option::of(prop_oneof![Just(Direction::HigherIsBetter), Just(Direction::LowerIsBetter)]),
        limit in prop::option::of(-200.0f64..200.0),
    ) {
        let obs: Vec<YearValue> = values.iter().map(|&(year, value)| YearValue { year, value }).collect();
        let m = strict_measure(&obs, &StrictParams { base_year, target, target_year, direction, limit });
        if let Some(s) = m.score {
            prop_assert!((-5.0..=5.0).contains(&s), "score {s}");
        }
    }

    #[test]
    fn the_csv_reader_never_panics(text in "\\PC{0,200}") {
        let head = "case,years,values,base_year,target,target_year,direction,limit\n";
        for input in [text.clone(), format!("{head}{text}")] {
            if let Ok(rows) = csv_series::parse(&input) {
                for r in rows {
                    let _ = r.strict_measure();
                    let _ = r.normal_measure();
                }
            }
        }
    }

    #[test]
    fn every_unit_score_is_its_breakdown_and_within_bounds(
        pct in 0.0f64..100.0,
        growth in 0.01f64..300.0,
        claim in 0.0f64..10.0,
        days in prop::collection::vec(prop::option::of((-30i64..60, 0u32..3)), 8),
        missing_points in 0.0f64..40.0,
        floor in 0.0f64..80.0,
    ) {
        let mut input = common::example();
        input.tasks[1].reports[0].percent_complete = Some(pct);
        input.indicators[1].observations[1].value = growth;
        input.bonus_claims[0].points = claim;
        for (o, day) in input.reports.iter_mut().zip(&days) {
            o.events = match day {
                None => vec![],
                Some((offset, returns)) => {
                    let on = o.due + chrono::TimeDelta::days(*offset);
                    let mut ev = vec![ReportEvent { on, kind: ReportEventKind::Submitted }];
                    for k in 0..*returns {
                        let day = on + chrono::Days::new(u64::from(k) + 1);
                        ev.push(ReportEvent { on: day, kind: ReportEventKind::Returned });
                        ev.push(ReportEvent { on: day, kind: ReportEventKind::Submitted });
                    }
                    ev
                }
            };
        }
        let mut rules = Rules::default();
        rules.reporting.missing = missing_points;
        rules.base.floor = floor;
        let a = assess(&input, &rules).expect("valid input");
        let top = Points::from_f64(rules.base.points + rules.bonus.cap);
        for u in &a.units {
            let sum: Points = u.score.items.iter().map(|i| i.points).sum();
            prop_assert_eq!(sum, u.score.total);
            prop_assert!(u.score.total >= Points::from_f64(floor), "{} below floor", u.unit);
            prop_assert!(u.score.total <= top, "{} above the ceiling", u.unit);
        }
        for g in a.task_forces.iter().chain(&a.areas) {
            prop_assert!(g.score.reproduces());
        }
    }

    #[test]
    fn a_better_indicator_value_never_lowers_the_lead_units_score(
        a in 0.01f64..300.0,
        b in 0.01f64..300.0,
    ) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let score = |v: f64| {
            let mut input = common::example();
            input.indicators[1].observations[1].value = v;
            let r = assess(&input, &Rules::default()).expect("valid");
            r.units.iter().find(|u| u.unit == "市科技局").expect("scored").score.total
        };
        prop_assert!(score(hi) >= score(lo));
    }
}

fn kind() -> impl Strategy<Value = IndicatorKind> {
    prop_oneof![
        Just(IndicatorKind::Cumulative),
        Just(IndicatorKind::Level),
        Just(IndicatorKind::Ratio),
        Just(IndicatorKind::YearToDate),
    ]
}

proptest! {
    /// The headline (【light·words】) never says the target will be met, nor shows green, while
    /// the forecast says it will be missed; and it never says 已实现目标 while the forecast
    /// says the target has not been reached yet.
    #[test]
    fn no_indicator_is_reported_on_track_with_a_forecast_that_misses(
        kind in kind(),
        schedule in any::<bool>(),
        up in any::<bool>(),
        base in 0.1f64..500.0,
        values in prop::collection::vec(0.0f64..800.0, 1..8),
        target in 0.1f64..800.0,
        target_year in 2023i32..2027,
        period in 0u8..12,
    ) {
        let quarters: Vec<Quarter> = (0..12u8)
            .map(|k| Quarter::new(2022 + i32::from(k / 4), k % 4 + 1).expect("quarter"))
            .collect();
        let step = (12 / values.len()).max(1);
        let observations = std::iter::once(Observation {
            at: TimePoint::Year(2021),
            value: base,
            source: None,
        })
        .chain(values.iter().enumerate().map(|(k, v)| Observation {
            at: TimePoint::Quarter(quarters[(k * step).min(11)]),
            value: *v,
            source: None,
        }))
        .collect::<Vec<_>>();
        let mut seen = std::collections::HashSet::new();
        let observations: Vec<Observation> = observations
            .into_iter()
            .filter(|o| seen.insert(o.at.t().to_bits()))
            .collect();
        let direction = if up { Direction::HigherIsBetter } else { Direction::LowerIsBetter };
        let input = IndicatorInput {
            id: "I1".into(),
            name: "指标".into(),
            unit: Some("个".into()),
            kind,
            direction,
            method: if schedule { Method::Schedule } else { Method::ProgressMeasure },
            base: TimePoint::Year(2021),
            targets: vec![TargetInput {
                value: target,
                at: TimePoint::Year(target_year),
                comparator: Comparator::inclusive(direction),
                text: None,
            }],
            annual_targets: vec![],
            limit: None,
            observations,
            task: None,
            lead_units: vec![],
            participating_units: vec![],
            weight: 1.0,
            forecast_model: None,
            decimals: None,
        };
        let a = assess_indicator(&input, quarters[usize::from(period)], &Rules::default())
            .expect("valid input");
        let words = a.headline_zh();
        if let Some(f) = &a.forecast {
            if !f.will_meet && f.reach != Reach::AlreadyMet {
                prop_assert_ne!(a.light, Light::Green);
                prop_assert!(!words.contains("按期可实现") && !words.contains("已实现"), "{}", words);
            }
            if f.reach != Reach::AlreadyMet {
                prop_assert_ne!(words, "已实现目标");
                prop_assert!(!a.achieved_early);
            }
        }
        prop_assert!(!words.contains("按期可实现") || a.forecast.as_ref().is_some_and(|f| f.will_meet));
    }
}

#[test]
fn quarter_axis_positions_match_the_model() {
    let q = |s: &str| TimePoint::parse(s).expect("time").t();
    assert_eq!(q("2023Q4"), 2023.0);
    assert_eq!(q("2023Q3"), 2022.75);
}
