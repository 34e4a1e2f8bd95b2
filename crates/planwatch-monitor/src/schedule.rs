//! The schedule method (序时进度) for yearly work: by the end of quarter q, q/4 of the year's
//! required change should be delivered (for year-to-date flows, q/4 of the year's target).
//! The gap in percentage points behind schedule gives the traffic light (thresholds in
//! [`ScheduleRules`]).
//!
//! The README's "cumulative counts", measured against the target itself, are counts that start
//! from zero each year (年内累计: contracts signed this year, enterprises newly certified this
//! year), i.e. [`IndicatorKind::YearToDate`]. Running totals that carry over from year to
//! year ([`IndicatorKind::Cumulative`]: high-tech enterprises in existence, 5G base
//! stations built) are measured on the change since the end of last year, like levels and
//! ratios; measuring 2 800 of 3 600 base stations as "78 % of the target" at Q1 would make
//! every such indicator look ahead of schedule.

use crate::measure::{Comparator, Light, score_with_target};
use crate::rules::ScheduleRules;
use crate::series::IndicatorKind;
use crate::zh;
use planwatch_model::{PlanStage, Quarter};
use serde::{Deserialize, Serialize};

/// Where the year's target came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearTargetSource {
    /// Set for this year in the indicator's configuration (年度目标).
    Explicit,
    /// A plan target falls due in this year.
    PlanTarget,
    /// Interpolated on the straight line from the base to the next plan target.
    Interpolated,
}

impl YearTargetSource {
    pub fn label_zh(self) -> &'static str {
        match self {
            YearTargetSource::Explicit => "年度目标",
            YearTargetSource::PlanTarget => "规划目标",
            YearTargetSource::Interpolated => "按规划目标线性分解",
        }
    }
}

/// The schedule status words (report-anatomy.md §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleStatus {
    /// The year's target is already met (完成年度目标).
    YearTargetMet,
    /// Ahead of schedule (超序时).
    Ahead,
    /// On schedule, or behind by less than the yellow threshold (序时推进).
    OnSchedule,
    /// Behind schedule by at least the yellow threshold (滞后序时).
    Behind,
    /// No value for the period, or none for the start of the year.
    NoData,
}

impl ScheduleStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            ScheduleStatus::YearTargetMet => "完成年度目标",
            ScheduleStatus::Ahead => "超序时",
            ScheduleStatus::OnSchedule => "序时推进",
            ScheduleStatus::Behind => "滞后序时",
            ScheduleStatus::NoData => "暂无数据",
        }
    }

    /// The word at a stage of the plan: no 序时 in the final evaluation.
    pub fn label_at(self, stage: PlanStage) -> &'static str {
        match (self, stage.is_final()) {
            (ScheduleStatus::Ahead, true) => "进度超前",
            (ScheduleStatus::OnSchedule, true) => "按计划推进",
            (ScheduleStatus::Behind, true) => "进度滞后",
            _ => self.label_zh(),
        }
    }
}

/// Removes float noise so that a gap computed as 9.999999999 from exact-looking data is the 10
/// a reader would compute by hand.
pub fn clean_points(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The status and light for a gap (percentage points behind schedule).
pub fn classify_gap(gap: f64, rules: &ScheduleRules) -> (ScheduleStatus, Light) {
    let gap = clean_points(gap);
    if gap < 0.0 {
        (ScheduleStatus::Ahead, Light::Green)
    } else if gap < rules.yellow_gap {
        (ScheduleStatus::OnSchedule, Light::Green)
    } else if gap <= rules.red_gap {
        (ScheduleStatus::Behind, Light::Yellow)
    } else {
        (ScheduleStatus::Behind, Light::Red)
    }
}

/// The expected share (percent) at the end of quarter q: q/4 of the year.
pub fn expected_share(period: Quarter) -> f64 {
    f64::from(period.number()) * 25.0
}

/// The inputs for one indicator in one quarter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScheduleInput<'a> {
    pub period: Quarter,
    pub kind: IndicatorKind,
    pub comparator: Comparator,
    pub year_target: f64,
    pub year_target_source: YearTargetSource,
    /// The value at the end of the previous year (ignored for year-to-date flows, which start
    /// each year from zero).
    pub start_value: Option<f64>,
    /// The value reported for the period itself (year-to-date for flows).
    pub actual: Option<f64>,
    pub unit: Option<&'a str>,
    pub decimals: u8,
}

/// The schedule assessment of one indicator in one quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleResult {
    pub period: Quarter,
    pub year_target: f64,
    pub year_target_source: YearTargetSource,
    pub start_value: Option<f64>,
    pub actual: Option<f64>,
    /// Percent of the year's required change expected by now (25, 50, 75, 100).
    pub expected_share: f64,
    /// Percent of the year's required change delivered; `None` when it cannot be computed.
    pub actual_share: Option<f64>,
    /// Expected minus actual share, in percentage points (positive = behind).
    pub gap_points: Option<f64>,
    pub status: ScheduleStatus,
    pub light: Light,
    /// −5…5, the progress measure's score of actual share ÷ expected share, so schedule and
    /// growth-ratio indicators score on one scale; 5 once the year's target is met.
    pub score: Option<f64>,
    /// e.g. 年度目标180家，上年末160家，截至2023年第二季度末168家，年度进度40%（较上年末实际变动÷应变动），
    /// 序时进度50%，落后10个百分点.
    pub explanation: String,
}

/// Assesses one quarter against the year's target (while the plan runs).
pub fn schedule(i: &ScheduleInput<'_>, rules: &ScheduleRules) -> ScheduleResult {
    schedule_at(i, rules, PlanStage::Running)
}

/// Assesses one quarter against the year's target, in the words of the plan's stage.
pub fn schedule_at(
    i: &ScheduleInput<'_>,
    rules: &ScheduleRules,
    stage: PlanStage,
) -> ScheduleResult {
    let term = stage.schedule_term();
    let expected = expected_share(i.period);
    let flow = i.kind == IndicatorKind::YearToDate;
    let start = if flow { Some(0.0) } else { i.start_value };
    let mut r = ScheduleResult {
        period: i.period,
        year_target: i.year_target,
        year_target_source: i.year_target_source,
        start_value: start,
        actual: i.actual,
        expected_share: expected,
        actual_share: None,
        gap_points: None,
        status: ScheduleStatus::NoData,
        light: Light::Grey,
        score: None,
        explanation: String::new(),
    };
    let v = |x: f64| zh::value(x, i.decimals, i.unit);
    let target_text = format!("{}{}", i.year_target_source.label_zh(), v(i.year_target));
    let (Some(actual), Some(start)) = (i.actual, start) else {
        r.explanation = if i.actual.is_none() {
            format!("{target_text}，{}末暂无数值", i.period.label_zh())
        } else {
            format!("{target_text}，缺少上年末数值，无法计算{term}")
        };
        return r;
    };
    let start_text = if flow {
        String::new()
    } else {
        format!("上年末{}，", v(start))
    };
    let head = format!(
        "{target_text}，{start_text}截至{}末{}",
        i.period.label_zh(),
        v(actual)
    );
    let required = i.year_target - start;
    let dir = i.comparator.direction().sign();
    if i.comparator.is_met(actual, i.year_target) {
        r.status = ScheduleStatus::YearTargetMet;
        r.light = Light::Green;
        r.score = Some(5.0);
        if dir * required > 0.0 {
            r.actual_share = Some(clean_points((actual - start) / required * 100.0));
            r.gap_points = r.actual_share.map(|a| clean_points(expected - a));
        }
        r.explanation = format!("{head}，已完成年度目标");
        return r;
    }
    if dir * required <= 0.0 {
        // The year started at or past its target and has fallen back below it.
        r.status = ScheduleStatus::Behind;
        r.light = Light::Red;
        r.score = Some(-5.0);
        r.explanation = format!("{head}，年初已达到年度目标但目前回落，未达到年度目标");
        return r;
    }
    let share = clean_points((actual - start) / required * 100.0);
    let gap = clean_points(expected - share);
    let (status, light) = classify_gap(gap, rules);
    r.actual_share = Some(share);
    r.gap_points = Some(gap);
    r.status = status;
    r.light = light;
    r.score = Some(score_with_target(share / expected));
    let pct = |x: f64| zh::num(x, 1);
    let tail = if gap > 0.0 {
        format!("落后{}个百分点", pct(gap))
    } else if gap < 0.0 {
        format!("超前{}个百分点", pct(-gap))
    } else {
        format!("与{term}持平")
    };
    // 年度进度 is named apart from the tables' 完成率 (value ÷ target): it is the share of the
    // year's required change delivered, so one row never shows two rates under one name.
    let basis = if flow {
        "本年累计÷年度目标"
    } else {
        "较上年末实际变动÷应变动"
    };
    r.explanation = format!(
        "{head}，年度进度{}%（{basis}），{term}{}%，{tail}",
        pct(share),
        pct(expected)
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quarter {
        Quarter::parse(s).expect("quarter")
    }

    fn input(period: &str, actual: f64) -> ScheduleInput<'static> {
        ScheduleInput {
            period: q(period),
            kind: IndicatorKind::Cumulative,
            comparator: Comparator::AtLeast,
            year_target: 200.0,
            year_target_source: YearTargetSource::PlanTarget,
            start_value: Some(160.0),
            actual: Some(actual),
            unit: Some("家"),
            decimals: 0,
        }
    }

    fn run(period: &str, actual: f64) -> ScheduleResult {
        schedule(&input(period, actual), &ScheduleRules::default())
    }

    #[test]
    fn exactly_on_schedule_is_green() {
        // Q2: 50 % of the 40 required → 180.
        let r = run("2024Q2", 180.0);
        assert_eq!(r.gap_points, Some(0.0));
        assert_eq!(
            (r.status, r.light),
            (ScheduleStatus::OnSchedule, Light::Green)
        );
        assert_eq!(
            r.explanation,
            "规划目标200家，上年末160家，截至2024年第二季度末180家，年度进度50%（较上年末实际变动÷应变动），序时进度50%，与序时进度持平"
        );
    }

    #[test]
    fn ahead_of_schedule_is_green_and_says_so() {
        let r = run("2024Q2", 182.0);
        assert_eq!((r.status, r.light), (ScheduleStatus::Ahead, Light::Green));
        assert_eq!(r.gap_points, Some(-5.0));
    }

    #[test]
    fn just_under_ten_points_behind_is_still_green() {
        // 41 % delivered at Q2: 9 points behind, inside the tolerance band.
        let r = run("2024Q2", 176.4);
        assert_eq!(r.gap_points, Some(9.0));
        assert_eq!(
            (r.status, r.light),
            (ScheduleStatus::OnSchedule, Light::Green)
        );
    }

    #[test]
    fn ten_points_behind_is_yellow() {
        let r = run("2024Q2", 176.0);
        assert_eq!(r.gap_points, Some(10.0));
        assert_eq!((r.status, r.light), (ScheduleStatus::Behind, Light::Yellow));
        assert!(
            r.explanation.ends_with("落后10个百分点"),
            "{}",
            r.explanation
        );
    }

    #[test]
    fn thirty_points_behind_is_still_yellow() {
        let r = run("2024Q2", 168.0);
        assert_eq!(r.gap_points, Some(30.0));
        assert_eq!(r.light, Light::Yellow);
    }

    #[test]
    fn more_than_thirty_points_behind_is_red() {
        let r = run("2024Q2", 167.6);
        assert_eq!(r.gap_points, Some(31.0));
        assert_eq!((r.status, r.light), (ScheduleStatus::Behind, Light::Red));
    }

    #[test]
    fn meeting_the_year_target_is_green_with_full_score() {
        let r = run("2024Q1", 200.0);
        assert_eq!(r.status, ScheduleStatus::YearTargetMet);
        assert_eq!(r.score, Some(5.0));
    }

    #[test]
    fn year_to_date_flows_are_measured_against_the_whole_target() {
        let mut i = input("2024Q3", 120.0);
        i.kind = IndicatorKind::YearToDate;
        i.start_value = None;
        i.unit = Some("亿元");
        let r = schedule(&i, &ScheduleRules::default());
        assert_eq!(r.actual_share, Some(60.0));
        assert_eq!(r.gap_points, Some(15.0));
        assert_eq!(r.light, Light::Yellow);
        assert_eq!(
            r.explanation,
            "规划目标200亿元，截至2024年第三季度末120亿元，年度进度60%（本年累计÷年度目标），序时进度75%，落后15个百分点"
        );
    }

    #[test]
    fn lower_is_better_indicators_count_the_reduction() {
        // PUE 1.50 at the start of the year, 1.40 by year end: 0.03 of 0.10 done at Q2.
        let mut i = input("2024Q2", 1.47);
        i.comparator = Comparator::Below;
        i.year_target = 1.4;
        i.start_value = Some(1.5);
        i.decimals = 2;
        let r = schedule(&i, &ScheduleRules::default());
        assert_eq!(r.actual_share, Some(30.0));
        assert_eq!(r.light, Light::Yellow);
    }

    #[test]
    fn thresholds_come_from_the_rules() {
        let rules = ScheduleRules {
            yellow_gap: 5.0,
            red_gap: 8.0,
            ..ScheduleRules::default()
        };
        let r = schedule(&input("2024Q2", 176.4), &rules);
        assert_eq!(r.light, Light::Red);
    }

    #[test]
    fn no_value_for_the_period_is_grey() {
        let mut i = input("2024Q2", 0.0);
        i.actual = None;
        let r = schedule(&i, &ScheduleRules::default());
        assert_eq!((r.status, r.light), (ScheduleStatus::NoData, Light::Grey));
        assert_eq!(r.explanation, "规划目标200家，2024年第二季度末暂无数值");
    }
}
