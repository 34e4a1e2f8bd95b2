//! The Open SDG / Statistics Canada progress measure, product ("normal") mode: ratio of observed
//! to required compound growth, five statuses, a score in −5…5.
//!
//! Formulas: shared/monitor/README.md. Differences from the reference (sdg-build 2.4.x), which
//! [`crate::strict`] reproduces exactly:
//! - the direction is a required type, never defaulted;
//! - the target carries a [`Comparator`], so "PUE below 1.3" is a strict `<`;
//! - time is fractional years, so quarterly data work and any span Δt > 0 is accepted
//!   (spans under one year are flagged [`MeasureNote::ShortSpan`]);
//! - no 0 → 0.001 replacement: where compound growth is undefined (a zero or opposite-signed
//!   base or target) the ratio falls back to straight-line pace ([`Formula::LinearRatio`]);
//! - base equal to target is [`ProgressStatus::NotAssessable`] unless the target is met;
//! - a value that crossed zero away from the target is deterioration (score −5) instead of
//!   "not available", so a better latest value never gives a worse score;
//! - the score is exactly piecewise linear through the status thresholds (the reference rounds
//!   its coefficients to 7.1429 and 4.2857, which puts R = 0.6 at 0.00004 instead of 0).

use crate::time::Point;
use serde::{Deserialize, Serialize};

/// Which way is better (required on every series: the reference's default, negative, turned a
/// rising count into "target achieved", progress-methods.md case K) and how a value is compared
/// with a target: the model's words, re-exported where the formulas use them.
pub use planwatch_model::vocab::{Comparator, Direction};

/// The status words of the progress measure (the reference's labels, plus `not_assessable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStatus {
    TargetAchieved,
    SubstantialProgress,
    ModerateProgress,
    LimitedProgress,
    Deterioration,
    /// Not enough data: no base, one observation, no time between base and latest.
    NotAvailable,
    /// Data exist but the measure has no meaning for them (normal mode only): base equal to
    /// target, target not after the base, a zero base without a target.
    NotAssessable,
}

impl ProgressStatus {
    /// The reference's label, as in the vectors' `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            ProgressStatus::TargetAchieved => "target_achieved",
            ProgressStatus::SubstantialProgress => "substantial_progress",
            ProgressStatus::ModerateProgress => "moderate_progress",
            ProgressStatus::LimitedProgress => "limited_progress",
            ProgressStatus::Deterioration => "deterioration",
            ProgressStatus::NotAvailable => "not_available",
            ProgressStatus::NotAssessable => "not_assessable",
        }
    }

    /// Words for the pace measured, never a prediction: whether the target will be met on
    /// time is the forecast's to say (a "substantial progress" ratio of 0.95 can still miss).
    pub fn label_zh(self) -> &'static str {
        match self {
            ProgressStatus::TargetAchieved => "已实现目标",
            ProgressStatus::SubstantialProgress => "进展良好",
            ProgressStatus::ModerateProgress => "进展一般",
            ProgressStatus::LimitedProgress => "进展有限",
            ProgressStatus::Deterioration => "出现倒退",
            ProgressStatus::NotAvailable => "暂无数据",
            ProgressStatus::NotAssessable => "无法评估",
        }
    }

    /// Traffic light of progress-methods.md §8.1: green on track, yellow needs acceleration,
    /// red off track, grey without a value.
    pub fn light(self) -> Light {
        match self {
            ProgressStatus::TargetAchieved | ProgressStatus::SubstantialProgress => Light::Green,
            ProgressStatus::ModerateProgress => Light::Yellow,
            ProgressStatus::LimitedProgress | ProgressStatus::Deterioration => Light::Red,
            ProgressStatus::NotAvailable | ProgressStatus::NotAssessable => Light::Grey,
        }
    }
}

/// The traffic light: the model's word.
pub use planwatch_model::vocab::Light;

/// Which formula produced the progress value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Formula {
    /// R = s·d·CAGR(latest, base) / |CAGR(target, base)|.
    GrowthRatio,
    /// P = s·d·CAGR(latest, base) (no target).
    GrowthRate,
    /// R = d·(latest − base)/|target − base| ÷ ((t − t0)/(T − t0)): share of the change
    /// delivered over share of the time elapsed. Used where compound growth is undefined.
    LinearRatio,
}

/// Why a measure has no value, or what a reader should know about the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureNote {
    /// No observation at all.
    NoData,
    /// No observation at or after the base period.
    NoBase,
    /// The latest observation is the base: nothing to compare.
    NoSpan,
    /// Base and latest have different signs (reference and no-target cases).
    SignChange,
    /// The base value is zero: a growth rate from zero is undefined.
    ZeroBase,
    /// The base already equals the target: required growth is zero.
    BaseEqualsTarget,
    /// The target date is not after the base date.
    TargetNotAfterBase,
    /// The value crossed zero; judged as the extreme in the direction it moved.
    CrossedZero,
    /// Computed from less than one year between base and latest; read with care.
    ShortSpan,
    /// The reference implementation would stop with an error on this input (duplicate years,
    /// target year equal to base year, no data at or after the base year).
    ReferenceFails,
}

impl MeasureNote {
    pub fn label_zh(self) -> &'static str {
        match self {
            MeasureNote::NoData => "暂无观测值",
            MeasureNote::NoBase => "基期及以后无观测值",
            MeasureNote::NoSpan => "最新值即基期值，无法比较",
            MeasureNote::SignChange => "基期值与最新值正负号不同，无法计算增速",
            MeasureNote::ZeroBase => "基期值为0，无法计算增速",
            MeasureNote::BaseEqualsTarget => "基期值已等于目标值，无法按增速评估",
            MeasureNote::TargetNotAfterBase => "目标年份不晚于基期",
            MeasureNote::CrossedZero => "数值跨越0，按变动方向取极值",
            MeasureNote::ShortSpan => "基期至最新不足一年，结果仅供参考",
            MeasureNote::ReferenceFails => "参考实现对该输入会报错",
        }
    }
}

/// A numeric target for the measure: value, time on the fractional-year axis, comparator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NumericTarget {
    pub value: f64,
    pub t: f64,
    pub comparator: Comparator,
}

/// The parameters of one series' measure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeasureParams {
    /// The requested base on the fractional-year axis; when it has no observation the first
    /// later observation is the base.
    pub base_t: f64,
    pub target: Option<NumericTarget>,
    pub direction: Direction,
    /// A natural limit (100 for a coverage rate); used only without a target.
    pub limit: Option<f64>,
}

/// The result for one series. `Copy` and allocation-free, so millions can be assessed per second.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    /// R (with a target) or P (without); `None` when not computable.
    pub value: Option<f64>,
    pub status: ProgressStatus,
    /// −5…5; `None` when not computable.
    pub score: Option<f64>,
    pub formula: Option<Formula>,
    pub base: Option<Point>,
    pub latest: Option<Point>,
    pub note: Option<MeasureNote>,
}

impl Measure {
    pub(crate) fn empty(note: MeasureNote) -> Measure {
        Measure {
            value: None,
            status: ProgressStatus::NotAvailable,
            score: None,
            formula: None,
            base: None,
            latest: None,
            note: Some(note),
        }
    }
}

/// The reference's thresholds with a target (on R).
pub const HIGH_WITH_TARGET: f64 = 0.95;
pub const MED_WITH_TARGET: f64 = 0.60;
/// The reference's thresholds without a target (on P, before the limit scaling).
pub const HIGH_NO_TARGET: f64 = 0.015;
pub const MED_NO_TARGET: f64 = 0.005;

/// `CAGR(a, b, ta, tb) = (a/b)^(1/(ta − tb)) − 1`.
pub fn cagr(a: f64, b: f64, dt: f64) -> f64 {
    (a / b).powf(1.0 / dt) - 1.0
}

/// Status bands shared by both modes: `value ≥ high` substantial, `med ≤ value < high` moderate,
/// `low ≤ value < med` limited, below `low` deterioration; NaN is not available.
pub fn status_from_value(value: f64, high: f64, med: f64, low: f64) -> ProgressStatus {
    if value >= high {
        ProgressStatus::SubstantialProgress
    } else if value >= med {
        ProgressStatus::ModerateProgress
    } else if value >= low {
        ProgressStatus::LimitedProgress
    } else if value < low {
        ProgressStatus::Deterioration
    } else {
        ProgressStatus::NotAvailable
    }
}

/// Exact piecewise-linear score with a target: (−0.6, −5), (0, −2.5), (0.6, 0), (0.95, 2.5),
/// (1.3, 5), clamped to −5…5.
pub fn score_with_target(r: f64) -> f64 {
    if r >= MED_WITH_TARGET {
        ((r - MED_WITH_TARGET) * (2.5 / (HIGH_WITH_TARGET - MED_WITH_TARGET))).min(5.0)
    } else {
        ((r - MED_WITH_TARGET) * (2.5 / MED_WITH_TARGET)).max(-5.0)
    }
}

/// The limit factor `C` (README: "Without a target").
pub fn limit_coefficient(base_abs: f64, limit_abs: f64) -> f64 {
    if base_abs >= 2.0 * limit_abs {
        1.0
    } else if base_abs <= limit_abs {
        1.0 - (base_abs / limit_abs).powf(4.44)
    } else {
        1.0 - ((2.0 * limit_abs - base_abs) / limit_abs).powf(4.44)
    }
}

/// Score without a target (the reference's formulas, which are exact).
pub fn score_without_target(p: f64, coeff: f64) -> Option<f64> {
    let (high, med, low) = (HIGH_NO_TARGET * coeff, MED_NO_TARGET * coeff, 0.0);
    if p < low {
        Some((125.0 * p - 2.5).max(-5.0))
    } else if coeff == 0.0 && p >= low {
        Some(5.0)
    } else if p >= high {
        Some((500.0 * p / coeff - 5.0).min(5.0))
    } else if p >= med {
        Some(250.0 * p / coeff - 1.25)
    } else if p >= low {
        Some(500.0 * p / coeff - 2.5)
    } else {
        None
    }
}

fn strict_sign(x: f64) -> f64 {
    if x < 0.0 { -1.0 } else { 1.0 }
}

/// Whether `a` and `b` are both non-zero with the same sign.
fn same_sign_nonzero(a: f64, b: f64) -> bool {
    (a > 0.0 && b > 0.0) || (a < 0.0 && b < 0.0)
}

/// The progress measure of one series in normal mode.
///
/// `points` must be sorted by `t` without duplicates (the indicator layer guarantees it);
/// only points up to "now" should be passed.
pub fn measure(points: &[Point], p: &MeasureParams) -> Measure {
    let Some(&latest) = points.last() else {
        return Measure::empty(MeasureNote::NoData);
    };
    // A base requested as 2021 also matches a point at 2021 ± rounding noise.
    let Some(&base) = points.iter().find(|x| x.t >= p.base_t - 1e-9) else {
        return Measure {
            latest: Some(latest),
            ..Measure::empty(MeasureNote::NoBase)
        };
    };
    let mut m = Measure {
        base: Some(base),
        latest: Some(latest),
        ..Measure::empty(MeasureNote::NoSpan)
    };
    let dt = latest.t - base.t;
    let achieved = p
        .target
        .is_some_and(|x| x.comparator.is_met(latest.value, x.value));
    let computed = if dt > 0.0 {
        match p.target {
            Some(x) => with_target(base, latest, dt, x, p.direction),
            None => without_target(base, latest, dt, p.direction, p.limit),
        }
    } else {
        Computed::none(MeasureNote::NoSpan)
    };
    m.value = computed.value;
    m.formula = computed.formula;
    m.note = computed.note;
    if achieved {
        m.status = ProgressStatus::TargetAchieved;
        m.score = Some(5.0);
        // What kept the value from being computed does not matter once the target is met.
        if m.value.is_none() {
            m.note = None;
        }
    } else {
        m.status = computed.status;
        m.score = computed.score;
    }
    if m.note.is_none() && m.value.is_some() && dt < 1.0 {
        m.note = Some(MeasureNote::ShortSpan);
    }
    m
}

struct Computed {
    value: Option<f64>,
    status: ProgressStatus,
    score: Option<f64>,
    formula: Option<Formula>,
    note: Option<MeasureNote>,
}

impl Computed {
    fn none(note: MeasureNote) -> Computed {
        let status = match note {
            MeasureNote::BaseEqualsTarget
            | MeasureNote::TargetNotAfterBase
            | MeasureNote::ZeroBase => ProgressStatus::NotAssessable,
            _ => ProgressStatus::NotAvailable,
        };
        Computed {
            value: None,
            status,
            score: None,
            formula: None,
            note: Some(note),
        }
    }

    fn extreme(improved: bool, formula: Formula) -> Computed {
        Computed {
            value: None,
            status: if improved {
                ProgressStatus::SubstantialProgress
            } else {
                ProgressStatus::Deterioration
            },
            score: Some(if improved { 5.0 } else { -5.0 }),
            formula: Some(formula),
            note: Some(MeasureNote::CrossedZero),
        }
    }
}

fn with_target(base: Point, latest: Point, dt: f64, x: NumericTarget, d: Direction) -> Computed {
    let span = x.t - base.t;
    if span <= 0.0 {
        return Computed::none(MeasureNote::TargetNotAfterBase);
    }
    if base.value == x.value {
        return Computed::none(MeasureNote::BaseEqualsTarget);
    }
    let (r, formula) = if same_sign_nonzero(base.value, x.value) {
        if latest.value != 0.0 && !same_sign_nonzero(base.value, latest.value) {
            // Crossing zero with base and target on one side moves away from the target
            // (the met case was handled by the caller), so it is the worst outcome.
            return Computed::extreme(false, Formula::GrowthRatio);
        }
        let s = strict_sign(base.value);
        let obs = cagr(latest.value, base.value, dt);
        let req = cagr(x.value, base.value, span);
        (s * d.sign() * obs / req.abs(), Formula::GrowthRatio)
    } else {
        let delivered = d.sign() * (latest.value - base.value) / (x.value - base.value).abs();
        (delivered * span / dt, Formula::LinearRatio)
    };
    Computed {
        value: Some(r),
        status: status_from_value(r, HIGH_WITH_TARGET, MED_WITH_TARGET, 0.0),
        score: Some(score_with_target(r)),
        formula: Some(formula),
        note: None,
    }
}

fn without_target(
    base: Point,
    latest: Point,
    dt: f64,
    d: Direction,
    limit: Option<f64>,
) -> Computed {
    if base.value == 0.0 {
        return Computed::none(MeasureNote::ZeroBase);
    }
    if latest.value != 0.0 && !same_sign_nonzero(base.value, latest.value) {
        let improved = d.sign() * (latest.value - base.value) > 0.0;
        return Computed::extreme(improved, Formula::GrowthRate);
    }
    let s = strict_sign(base.value);
    let pv = s * d.sign() * cagr(latest.value, base.value, dt);
    let coeff = limit.map_or(1.0, |l| limit_coefficient(base.value.abs(), l.abs()));
    let status = if coeff == 0.0 && pv >= 0.0 {
        ProgressStatus::SubstantialProgress
    } else {
        status_from_value(pv, HIGH_NO_TARGET * coeff, MED_NO_TARGET * coeff, 0.0)
    };
    Computed {
        value: Some(pv),
        status,
        score: score_without_target(pv, coeff),
        formula: Some(Formula::GrowthRate),
        note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(v: &[(f64, f64)]) -> Vec<Point> {
        v.iter().map(|&(t, value)| Point { t, value }).collect()
    }

    fn target(value: f64, t: f64, comparator: Comparator) -> Option<NumericTarget> {
        Some(NumericTarget {
            value,
            t,
            comparator,
        })
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 5e-5, "{a} vs {b}");
    }

    #[test]
    fn quarterly_5g_case_uses_fractional_years() {
        // progress-methods.md §7.2: 800 at 2020.0, 2800 at Q3 2023 (2022.75), 3600 by 2024.0.
        let p = MeasureParams {
            base_t: 2020.0,
            target: target(3600.0, 2024.0, Comparator::AtLeast),
            direction: Direction::HigherIsBetter,
            limit: None,
        };
        let m = measure(&pts(&[(2020.0, 800.0), (2022.75, 2800.0)]), &p);
        let obs = (2800.0f64 / 800.0).powf(1.0 / 2.75) - 1.0;
        let req = (3600.0f64 / 800.0).powf(1.0 / 4.0) - 1.0;
        close(obs, 0.5770);
        close(req, 0.4565);
        let r = m.value.expect("value");
        assert_eq!(r, obs / req);
        close(r, 1.2641);
        assert_eq!(m.status, ProgressStatus::SubstantialProgress);
        // Exact coefficients: (R − 0.6)·2.5/0.35.
        assert_eq!(m.score, Some((r - 0.6) * (2.5 / 0.35)));
        close(m.score.expect("score"), 4.7437);
    }

    #[test]
    fn pue_below_a_strict_target_is_not_achieved_at_the_target_itself() {
        let mut p = MeasureParams {
            base_t: 2020.0,
            target: target(1.3, 2024.0, Comparator::Below),
            direction: Direction::LowerIsBetter,
            limit: None,
        };
        let series = pts(&[(2020.0, 1.6), (2022.0, 1.3)]);
        let strict = measure(&series, &p);
        assert_ne!(strict.status, ProgressStatus::TargetAchieved);
        assert_eq!(strict.status, ProgressStatus::SubstantialProgress);
        p.target = target(1.3, 2024.0, Comparator::AtMost);
        assert_eq!(measure(&series, &p).status, ProgressStatus::TargetAchieved);
    }

    #[test]
    fn base_equal_to_target_is_not_assessable_unless_met() {
        let p = MeasureParams {
            base_t: 2020.0,
            target: target(50.0, 2024.0, Comparator::AtLeast),
            direction: Direction::HigherIsBetter,
            limit: None,
        };
        let m = measure(&pts(&[(2020.0, 50.0), (2022.0, 48.0)]), &p);
        assert_eq!(m.status, ProgressStatus::NotAssessable);
        assert_eq!(m.note, Some(MeasureNote::BaseEqualsTarget));
        assert_eq!(m.score, None);
        let met = measure(&pts(&[(2020.0, 50.0), (2022.0, 51.0)]), &p);
        assert_eq!(met.status, ProgressStatus::TargetAchieved);
        assert_eq!(met.score, Some(5.0));
    }

    #[test]
    fn a_zero_target_falls_back_to_straight_line_pace() {
        // Case H: 10 → 6 over 2020–2022, target 0 by 2024: 40 % of the change in 50 % of the time.
        let p = MeasureParams {
            base_t: 2020.0,
            target: target(0.0, 2024.0, Comparator::AtMost),
            direction: Direction::LowerIsBetter,
            limit: None,
        };
        let m = measure(&pts(&[(2020.0, 10.0), (2022.0, 6.0)]), &p);
        assert_eq!(m.formula, Some(Formula::LinearRatio));
        close(m.value.expect("value"), 0.8);
        assert_eq!(m.status, ProgressStatus::ModerateProgress);
    }

    #[test]
    fn the_base_past_target_case_is_deterioration() {
        // Case J: 2.1 → 1.9, target ≥ 2.0: the reference's R = −4.026.
        let p = MeasureParams {
            base_t: 2020.0,
            target: target(2.0, 2024.0, Comparator::AtLeast),
            direction: Direction::HigherIsBetter,
            limit: None,
        };
        let m = measure(&pts(&[(2020.0, 2.1), (2022.0, 1.9)]), &p);
        close(m.value.expect("value"), -4.0261);
        assert_eq!(m.status, ProgressStatus::Deterioration);
        assert_eq!(m.score, Some(-5.0));
    }

    #[test]
    fn a_later_base_is_used_when_the_requested_one_has_no_data() {
        let p = MeasureParams {
            base_t: 2019.0,
            target: None,
            direction: Direction::HigherIsBetter,
            limit: None,
        };
        let m = measure(&pts(&[(2020.0, 50.0), (2022.0, 56.0)]), &p);
        assert_eq!(m.base.map(|b| b.t), Some(2020.0));
    }

    #[test]
    fn quarter_spans_under_a_year_are_flagged() {
        let p = MeasureParams {
            base_t: 2022.0,
            target: target(200.0, 2024.0, Comparator::AtLeast),
            direction: Direction::HigherIsBetter,
            limit: None,
        };
        let m = measure(&pts(&[(2022.0, 160.0), (2022.5, 170.0)]), &p);
        assert!(m.value.is_some());
        assert_eq!(m.note, Some(MeasureNote::ShortSpan));
    }

    #[test]
    fn one_observation_is_not_available() {
        let p = MeasureParams {
            base_t: 2022.0,
            target: None,
            direction: Direction::HigherIsBetter,
            limit: None,
        };
        let m = measure(&pts(&[(2022.0, 160.0)]), &p);
        assert_eq!(m.status, ProgressStatus::NotAvailable);
        assert_eq!(m.note, Some(MeasureNote::NoSpan));
        assert_eq!(
            measure(&[], &p).note,
            Some(MeasureNote::NoData),
            "an empty series says so"
        );
    }

    #[test]
    fn exact_score_breakpoints_hold() {
        assert_eq!(score_with_target(0.6), 0.0);
        close(score_with_target(0.95), 2.5);
        close(score_with_target(1.3), 5.0);
        assert_eq!(score_with_target(0.0), -2.5);
        close(score_with_target(-0.6), -5.0);
        assert_eq!(score_with_target(9.0), 5.0);
        assert_eq!(score_with_target(-9.0), -5.0);
    }
}
