//! Indicator assessments: multi-target paths, quarterly data, the schedule method through the
//! indicator layer, forecasts and validation.

use planwatch_model::Quarter;
use planwatch_monitor::forecast::Reach;
use planwatch_monitor::indicator::{
    AnnualTarget, IndicatorInput, IndicatorStatus, Method, TargetInput, TargetState,
    assess_indicator,
};
use planwatch_monitor::measure::{Comparator, Direction, Light, ProgressStatus};
use planwatch_monitor::rules::Rules;
use planwatch_monitor::schedule::YearTargetSource;
use planwatch_monitor::series::{IndicatorKind, Observation};
use planwatch_monitor::time::TimePoint;

fn q(s: &str) -> Quarter {
    Quarter::parse(s).expect("quarter")
}

fn obs(v: &[(&str, f64)]) -> Vec<Observation> {
    v.iter()
        .map(|&(at, value)| Observation {
            at: TimePoint::parse(at).expect("time"),
            value,
            source: Some(format!("report-{at}")),
        })
        .collect()
}

fn target(value: f64, year: i32) -> TargetInput {
    TargetInput {
        value,
        at: TimePoint::Year(year),
        comparator: Comparator::AtLeast,
        text: None,
    }
}

fn five_g() -> IndicatorInput {
    IndicatorInput {
        id: "5g".into(),
        name: "5G基站数量".into(),
        unit: Some("个".into()),
        kind: IndicatorKind::Cumulative,
        direction: Direction::HigherIsBetter,
        method: Method::ProgressMeasure,
        base: TimePoint::Year(2020),
        targets: vec![target(2000.0, 2022), target(3600.0, 2024)],
        annual_targets: vec![],
        limit: None,
        observations: obs(&[
            ("2020", 800.0),
            ("2021", 1500.0),
            ("2022", 2100.0),
            ("2023Q3", 2800.0),
        ]),
        task: Some("16".into()),
        lead_units: vec!["市工信局".into()],
        participating_units: vec![],
        weight: 1.0,
        forecast_model: None,
        decimals: None,
    }
}

#[test]
fn a_past_milestone_target_is_recorded_met_and_the_next_one_is_assessed() {
    let a = assess_indicator(&five_g(), q("2023Q3"), &Rules::default()).expect("assessed");
    assert_eq!(a.targets[0].state, TargetState::Met);
    assert_eq!(a.targets[0].observed, Some(2100.0));
    assert_eq!(a.targets[1].state, TargetState::Current);
    let cur = a.current_target.as_ref().expect("current");
    assert_eq!(cur.value, 3600.0);
    // The hand-computed quarterly case of progress-methods.md §7.2: R = 1.2641.
    let r = a.progress.value.expect("R");
    assert!((r - 1.264_122_651).abs() < 1e-8, "{r}");
    assert_eq!(a.status, IndicatorStatus::SubstantialProgress);
    assert_eq!(a.light, Light::Green);
    assert_eq!(a.base.as_ref().map(|b| b.at), Some(TimePoint::Year(2020)));
    assert_eq!(
        a.latest.as_ref().and_then(|l| l.source.clone()).as_deref(),
        Some("report-2023Q3")
    );
}

#[test]
fn before_the_first_milestone_is_due_it_is_the_one_assessed() {
    let a = assess_indicator(&five_g(), q("2022Q2"), &Rules::default()).expect("assessed");
    assert_eq!(a.targets[0].state, TargetState::Current);
    assert_eq!(a.targets[1].state, TargetState::Upcoming);
    // 800 → 1500 over one year against 800 → 2000 over two: 0.875 / 0.5811 = 1.5057.
    let r = a.progress.value.expect("R");
    let expected = 0.875 / ((2000.0f64 / 800.0).sqrt() - 1.0);
    assert!((r - expected).abs() < 1e-12);
    assert_eq!(a.progress.status, ProgressStatus::SubstantialProgress);
}

#[test]
fn a_missed_milestone_is_recorded_missed() {
    let mut i = five_g();
    i.observations = obs(&[("2020", 800.0), ("2021", 1500.0), ("2022", 1900.0)]);
    let a = assess_indicator(&i, q("2023Q1"), &Rules::default()).expect("assessed");
    assert_eq!(a.targets[0].state, TargetState::Missed);
    assert_eq!(a.targets[0].observed, Some(1900.0));
}

#[test]
fn a_due_milestone_without_its_year_value_awaits_data() {
    let mut i = five_g();
    i.observations = obs(&[("2020", 800.0), ("2021", 1500.0), ("2022Q3", 1950.0)]);
    let a = assess_indicator(&i, q("2023Q1"), &Rules::default()).expect("assessed");
    assert_eq!(a.targets[0].state, TargetState::AwaitingData);
}

#[test]
fn after_the_last_target_is_due_it_stays_the_current_one() {
    let mut i = five_g();
    i.observations.push(obs(&[("2024", 3700.0)]).remove(0));
    let a = assess_indicator(&i, q("2024Q4"), &Rules::default()).expect("assessed");
    let cur = a.current_target.expect("current");
    assert_eq!(cur.state, TargetState::Met);
    assert_eq!(a.status, IndicatorStatus::TargetAchieved);
    assert!(!a.achieved_early);
    assert!(a.forecast.is_none());
    assert_eq!(a.explanation, "2024年目标3600个已实现（实际3700个）");
}

#[test]
fn values_reported_after_the_period_are_not_used() {
    let a = assess_indicator(&five_g(), q("2022Q4"), &Rules::default()).expect("assessed");
    assert_eq!(a.latest.as_ref().map(|l| l.at), Some(TimePoint::Year(2022)));
}

#[test]
fn the_forecast_uses_the_current_target_and_explains_itself() {
    let a = assess_indicator(&five_g(), q("2023Q3"), &Rules::default()).expect("assessed");
    let f = a.forecast.expect("forecast");
    assert!(f.will_meet);
    // ln(3600/2800)/ln(1.5770) = 0.552 years after 2022.75: 2023.30 → 2024Q2.
    assert_eq!(f.reach, Reach::ExpectedAt(q("2024Q2")));
    assert_eq!(
        f.explanation,
        "按2020年至2023年第三季度年均增长57.7%测算，2024年预计达到4948个，高于目标3600个"
    );
    assert!(
        a.explanation.ends_with("预计2024年第二季度提前实现目标"),
        "{}",
        a.explanation
    );
}

fn high_tech(method: Method) -> IndicatorInput {
    IndicatorInput {
        id: "gq".into(),
        name: "高新技术企业数量".into(),
        unit: Some("家".into()),
        kind: IndicatorKind::Cumulative,
        direction: Direction::HigherIsBetter,
        method,
        base: TimePoint::Year(2021),
        targets: vec![target(200.0, 2024)],
        annual_targets: vec![],
        limit: None,
        observations: obs(&[("2021", 140.0), ("2022", 160.0), ("2023Q2", 168.0)]),
        task: None,
        lead_units: vec!["市科技局".into()],
        participating_units: vec![],
        weight: 1.0,
        forecast_model: None,
        decimals: None,
    }
}

#[test]
fn the_schedule_method_splits_the_plan_target_into_a_year_target() {
    // 140 in 2021 → 200 in 2024 is 20 a year: the 2023 target is 180; 168 at Q2 is 40 % of the
    // year's 20, 10 points behind the 50 % schedule.
    let a = assess_indicator(&high_tech(Method::Schedule), q("2023Q2"), &Rules::default())
        .expect("assessed");
    let s = a.schedule.as_ref().expect("schedule");
    assert_eq!(s.year_target, 180.0);
    assert_eq!(s.year_target_source, YearTargetSource::Interpolated);
    assert_eq!(s.start_value, Some(160.0));
    assert_eq!(s.gap_points, Some(10.0));
    assert_eq!(a.status, IndicatorStatus::BehindSchedule);
    assert_eq!(a.light, Light::Yellow);
    assert!(
        a.explanation.starts_with(
            "按规划目标线性分解180家，上年末160家，截至2023年第二季度末168家，年度进度40%（较上年末实际变动÷应变动），序时进度50%，落后10个百分点；"
        ),
        "{}",
        a.explanation
    );
}

/// A target dated in an earlier year is met or missed at its date; it is never the later year's
/// target (a 2024 report once called 2022's 5家 its 年度目标).
#[test]
fn a_target_of_an_earlier_year_is_not_this_years_target() {
    let mut i = high_tech(Method::Schedule);
    i.targets
        .iter_mut()
        .for_each(|t| t.at = TimePoint::Year(2022));
    let a = assess_indicator(&i, q("2024Q2"), &Rules::default()).expect("assessed");
    assert!(a.schedule.is_none(), "{:?}", a.schedule);
    let t = a
        .current_target
        .expect("the last target stays the one assessed");
    assert_eq!(t.at, TimePoint::Year(2022));
}

#[test]
fn an_explicit_year_target_overrides_the_straight_line() {
    let mut i = high_tech(Method::Schedule);
    i.annual_targets = vec![AnnualTarget {
        year: 2023,
        value: 176.0,
    }];
    let a = assess_indicator(&i, q("2023Q2"), &Rules::default()).expect("assessed");
    let s = a.schedule.expect("schedule");
    assert_eq!(s.year_target_source, YearTargetSource::Explicit);
    assert_eq!(s.gap_points, Some(0.0));
    assert_eq!(a.light, Light::Green);
}

#[test]
fn the_same_data_under_the_progress_measure_uses_growth_ratios() {
    let a = assess_indicator(
        &high_tech(Method::ProgressMeasure),
        q("2023Q2"),
        &Rules::default(),
    )
    .expect("assessed");
    // 140 → 168 over 1.5 years against 140 → 200 over 3 years.
    let obs = (168.0f64 / 140.0).powf(1.0 / 1.5) - 1.0;
    let req = (200.0f64 / 140.0).powf(1.0 / 3.0) - 1.0;
    assert!((a.progress.value.expect("R") - obs / req).abs() < 1e-12);
    assert!(
        a.schedule.is_some(),
        "the schedule is computed for every method"
    );
}

#[test]
fn year_to_date_flows_are_annualised_for_the_measure_and_raw_for_the_schedule() {
    let i = IndicatorInput {
        id: "jsht".into(),
        name: "技术合同成交额".into(),
        unit: Some("亿元".into()),
        kind: IndicatorKind::YearToDate,
        direction: Direction::HigherIsBetter,
        method: Method::Schedule,
        base: TimePoint::Year(2021),
        targets: vec![target(30.0, 2024)],
        annual_targets: vec![AnnualTarget {
            year: 2023,
            value: 24.0,
        }],
        limit: None,
        observations: obs(&[("2021", 12.0), ("2022", 18.0), ("2023Q2", 10.0)]),
        task: None,
        lead_units: vec!["市科技局".into()],
        participating_units: vec![],
        weight: 1.0,
        forecast_model: None,
        decimals: None,
    };
    let a = assess_indicator(&i, q("2023Q2"), &Rules::default()).expect("assessed");
    let latest = a.latest.as_ref().expect("latest");
    assert_eq!((latest.value, latest.comparable), (10.0, 20.0));
    let s = a.schedule.as_ref().expect("schedule");
    assert_eq!(s.actual_share, Some(41.666667));
    assert_eq!(s.light, Light::Green);
}

#[test]
fn a_strict_pue_target_is_not_met_at_the_boundary() {
    let i = IndicatorInput {
        id: "pue".into(),
        name: "数据中心PUE".into(),
        unit: None,
        kind: IndicatorKind::Level,
        direction: Direction::LowerIsBetter,
        method: Method::ProgressMeasure,
        base: TimePoint::Year(2021),
        targets: vec![TargetInput {
            value: 1.3,
            at: TimePoint::Year(2024),
            comparator: Comparator::Below,
            text: Some("PUE降至1.3以下".into()),
        }],
        annual_targets: vec![],
        limit: None,
        observations: obs(&[("2021", 1.6), ("2023", 1.3)]),
        task: None,
        lead_units: vec![],
        participating_units: vec![],
        weight: 1.0,
        forecast_model: None,
        decimals: None,
    };
    let a = assess_indicator(&i, q("2023Q4"), &Rules::default()).expect("assessed");
    assert_ne!(a.status, IndicatorStatus::TargetAchieved);
}

#[test]
fn a_comparator_against_the_direction_is_an_input_error() {
    let mut i = five_g();
    i.targets[0].comparator = Comparator::AtMost;
    let errs = i.validate();
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0]
            .to_string()
            .contains("指标“5G基站数量”(5g)的2022年目标"),
        "{}",
        errs[0]
    );
}

#[test]
fn an_indicator_without_data_is_grey_and_says_why() {
    let mut i = five_g();
    i.observations.clear();
    let a = assess_indicator(&i, q("2023Q3"), &Rules::default()).expect("assessed");
    assert_eq!(a.light, Light::Grey);
    assert_eq!(a.explanation, "暂无观测值");
}
