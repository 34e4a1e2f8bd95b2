//! Strict-compatibility mode: the progress measure exactly as the reference implementation
//! (Open SDG sdg-build 2.4.x, `ProgressMeasure.SeriesProgress`) computes it, quirks included.
//!
//! Used to check the product against `fixtures/monitor/opensdg-progress-vectors.csv` and by
//! analysts who need the published Open SDG numbers. Reproduced behaviour (facts about the
//! reference, re-implemented here, not its code):
//! - annual data only; years are integers;
//! - a missing direction means negative;
//! - the base is the requested year, or the first later year with data;
//! - target achieved is `≥` / `≤` on the latest value and is checked before anything else;
//! - a zero base value and a zero target are replaced by 0.001 (the sign and the limit factor
//!   use the base *before* the replacement);
//! - no value when base and latest have different signs or less than a year apart;
//! - the score uses the rounded coefficients 7.1429, 4.2857 and 4.1667;
//! - a negative target/base ratio with a fractional exponent gives a complex required growth
//!   (its modulus is used) when the base year was found as requested, and NaN ("not available")
//!   when the base year had to be moved; base equal to target gives an infinite R.

use crate::measure::{
    Direction, Formula, HIGH_NO_TARGET, HIGH_WITH_TARGET, MED_NO_TARGET, MED_WITH_TARGET, Measure,
    MeasureNote, ProgressStatus, limit_coefficient, status_from_value,
};
use crate::time::Point;
use serde::{Deserialize, Serialize};

/// One annual observation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct YearValue {
    pub year: i32,
    pub value: f64,
}

/// The reference's per-series configuration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StrictParams {
    pub base_year: i32,
    pub target: Option<f64>,
    /// Defaults to 2030 in the reference when a target is given without a year.
    pub target_year: Option<i32>,
    /// `None` behaves as negative, as in the reference.
    pub direction: Option<Direction>,
    pub limit: Option<f64>,
}

/// The reference's defaults for a missing target year.
pub const DEFAULT_TARGET_YEAR: i32 = 2030;

/// The required-growth term `|CAGR(target, base)|` with the reference's numeric semantics.
fn abs_required_growth(ratio: f64, exponent: f64, python_scalars: bool) -> f64 {
    if ratio < 0.0 && exponent.fract() != 0.0 && python_scalars {
        // Python raises a negative float to a fractional power as a complex number:
        // |r|^e · (cos πe + i sin πe); the reference then takes |z − 1|.
        let m = (-ratio).powf(exponent);
        let phase = std::f64::consts::PI * exponent;
        (m * phase.cos() - 1.0).hypot(m * phase.sin())
    } else {
        (ratio.powf(exponent) - 1.0).abs()
    }
}

/// The measure of one annual series as the reference computes it. `obs` may be in any order;
/// NaN values are dropped.
pub fn strict_measure(obs: &[YearValue], p: &StrictParams) -> Measure {
    let mut latest: Option<YearValue> = None;
    let mut requested: Option<YearValue> = None;
    let mut later: Option<YearValue> = None;
    let mut count = 0usize;
    for (i, o) in obs.iter().enumerate() {
        if o.value.is_nan() {
            continue;
        }
        count += 1;
        if obs[..i]
            .iter()
            .any(|e| !e.value.is_nan() && e.year == o.year)
        {
            return Measure::empty(MeasureNote::ReferenceFails);
        }
        if latest.is_none_or(|l| o.year > l.year) {
            latest = Some(*o);
        }
        if o.year == p.base_year {
            requested = Some(*o);
        } else if o.year > p.base_year && later.is_none_or(|l| o.year < l.year) {
            later = Some(*o);
        }
    }
    let Some(latest) = latest else {
        return Measure::empty(MeasureNote::NoData);
    };
    debug_assert!(count > 0);
    let python_base_year = requested.is_some();
    let Some(base) = requested.or(later) else {
        // The reference looks up a base year that does not exist and stops with an error.
        return Measure::empty(MeasureNote::ReferenceFails);
    };
    let d = match p.direction {
        Some(Direction::HigherIsBetter) => 1.0,
        _ => -1.0,
    };
    let target = p.target.map(|t| if t == 0.0 { 0.001 } else { t });
    let target_year = p.target_year.unwrap_or(DEFAULT_TARGET_YEAR);
    let sign = if base.value < 0.0 { -1.0 } else { 1.0 };
    // The limit applies only without a target; its factor uses the unreplaced base.
    let coeff = match (target, p.limit) {
        (None, Some(l)) => limit_coefficient(base.value.abs(), l.abs()),
        _ => 1.0,
    };
    let achieved =
        target.is_some_and(|x| (d < 0.0 && latest.value <= x) || (d > 0.0 && latest.value >= x));
    let mut m = Measure {
        value: None,
        status: ProgressStatus::NotAvailable,
        score: None,
        formula: Some(if target.is_some() {
            Formula::GrowthRatio
        } else {
            Formula::GrowthRate
        }),
        base: Some(Point {
            t: f64::from(base.year),
            value: base.value,
        }),
        latest: Some(Point {
            t: f64::from(latest.year),
            value: latest.value,
        }),
        note: None,
    };

    let base_value = if base.value == 0.0 { 0.001 } else { base.value };
    let span = latest.year - base.year;
    let value =
        if (base_value > 0.0 && latest.value < 0.0) || (base_value < 0.0 && latest.value > 0.0) {
            m.note = Some(MeasureNote::SignChange);
            None
        } else if span < 1 {
            m.note = Some(MeasureNote::NoSpan);
            None
        } else {
            let obs_growth = (latest.value / base_value).powf(1.0 / f64::from(span)) - 1.0;
            match target {
                None => Some(sign * d * obs_growth),
                Some(x) => {
                    let req_span = target_year - base.year;
                    if req_span == 0 && python_base_year {
                        // Python integers: 1 / 0 raises ZeroDivisionError.
                        m.note = Some(MeasureNote::ReferenceFails);
                        None
                    } else {
                        let exponent = 1.0 / f64::from(req_span);
                        let req = abs_required_growth(x / base_value, exponent, python_base_year);
                        Some(sign * d * obs_growth / req)
                    }
                }
            }
        };
    m.value = value;

    m.status = if achieved {
        ProgressStatus::TargetAchieved
    } else {
        match (value, target) {
            (None, _) => ProgressStatus::NotAvailable,
            (Some(v), Some(_)) => status_from_value(v, HIGH_WITH_TARGET, MED_WITH_TARGET, 0.0),
            (Some(v), None) => {
                status_from_value(v, HIGH_NO_TARGET * coeff, MED_NO_TARGET * coeff, 0.0)
            }
        }
    };
    m.score = if achieved {
        Some(5.0)
    } else {
        value.and_then(|v| {
            if target.is_some() {
                strict_score_with_target(v)
            } else {
                strict_score_without_target(v, coeff)
            }
        })
    };
    m
}

/// The reference's score with a target, with its rounded coefficients; NaN gives `None`.
fn strict_score_with_target(r: f64) -> Option<f64> {
    if r >= MED_WITH_TARGET {
        Some((7.1429 * r - 4.2857).min(5.0))
    } else if r < MED_WITH_TARGET {
        Some((4.1667 * r - 2.5).max(-5.0))
    } else {
        None
    }
}

/// The reference's score without a target, in its order of tests (a factor of 0 gives 5 before
/// the value is looked at, even for NaN).
fn strict_score_without_target(p: f64, coeff: f64) -> Option<f64> {
    let (high, med, low) = (HIGH_NO_TARGET * coeff, MED_NO_TARGET * coeff, 0.0);
    if p < low {
        return Some((125.0 * p - 2.5).max(-5.0));
    }
    if coeff == 0.0 {
        return Some(5.0);
    }
    if p >= high {
        Some((500.0 * p / coeff - 5.0).min(5.0))
    } else if p >= med {
        Some(250.0 * p / coeff - 1.25)
    } else if p >= low {
        Some(500.0 * p / coeff - 2.5)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yv(v: &[(i32, f64)]) -> Vec<YearValue> {
        v.iter()
            .map(|&(year, value)| YearValue { year, value })
            .collect()
    }

    fn params(target: Option<f64>, ty: i32, d: Option<Direction>) -> StrictParams {
        StrictParams {
            base_year: 2020,
            target,
            target_year: Some(ty),
            direction: d,
            limit: None,
        }
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 5e-6, "{a} vs {b}");
    }

    #[test]
    fn case_b_high_tech_firms_matches_the_research_table() {
        let m = strict_measure(
            &yv(&[(2020, 120.0), (2021, 140.0), (2022, 160.0)]),
            &params(Some(200.0), 2024, Some(Direction::HigherIsBetter)),
        );
        close(m.value.expect("value"), 1.135672);
        assert_eq!(m.status, ProgressStatus::SubstantialProgress);
        close(m.score.expect("score"), 3.826292);
    }

    #[test]
    fn an_omitted_direction_is_negative_as_in_the_reference() {
        // Case K: 120 → 160 with target 200 is "achieved" because 160 ≤ 200.
        let m = strict_measure(
            &yv(&[(2020, 120.0), (2022, 160.0)]),
            &params(Some(200.0), 2024, None),
        );
        assert_eq!(m.status, ProgressStatus::TargetAchieved);
        close(m.value.expect("value"), -1.135672);
        assert_eq!(m.score, Some(5.0));
    }

    #[test]
    fn a_zero_target_becomes_a_thousandth() {
        // Case H.
        let m = strict_measure(
            &yv(&[(2020, 10.0), (2022, 6.0)]),
            &params(Some(0.0), 2024, Some(Direction::LowerIsBetter)),
        );
        close(m.value.expect("value"), 0.250448);
        assert_eq!(m.status, ProgressStatus::LimitedProgress);
        close(m.score.expect("score"), -1.456458);
    }

    #[test]
    fn the_limit_factor_scales_the_no_target_thresholds() {
        // Case G: 95 → 97 with limit 100.
        let mut p = params(None, 2030, Some(Direction::HigherIsBetter));
        p.base_year = 2019;
        p.limit = Some(100.0);
        let m = strict_measure(&yv(&[(2019, 95.0), (2022, 97.0)]), &p);
        close(m.value.expect("value"), 0.006969);
        assert_eq!(m.status, ProgressStatus::SubstantialProgress);
        assert_eq!(m.score, Some(5.0));
    }

    #[test]
    fn base_equal_to_target_gives_an_infinite_ratio() {
        let m = strict_measure(
            &yv(&[(2020, 50.0), (2022, 48.0)]),
            &params(Some(50.0), 2024, Some(Direction::HigherIsBetter)),
        );
        assert_eq!(m.value, Some(f64::NEG_INFINITY));
        assert_eq!(m.status, ProgressStatus::Deterioration);
        assert_eq!(m.score, Some(-5.0));
    }

    #[test]
    fn duplicate_years_are_where_the_reference_stops() {
        let m = strict_measure(
            &yv(&[(2020, 50.0), (2020, 48.0)]),
            &params(None, 2024, Some(Direction::HigherIsBetter)),
        );
        assert_eq!(m.note, Some(MeasureNote::ReferenceFails));
    }

    #[test]
    fn a_negative_target_ratio_uses_the_complex_modulus() {
        // base 10, target −5 by 2022 (exponent 1/2): (−0.5)^(1/2) = 0.7071i, |z − 1| = 1.2247.
        let m = strict_measure(
            &yv(&[(2020, 10.0), (2021, 8.0)]),
            &params(Some(-5.0), 2022, Some(Direction::LowerIsBetter)),
        );
        close(m.value.expect("value"), 0.2 / 1.5f64.sqrt());
    }

    #[test]
    fn signs_differing_between_base_and_latest_give_no_value_but_targets_still_count() {
        let m = strict_measure(
            &yv(&[(2020, 2.0), (2022, -1.0)]),
            &params(Some(3.0), 2024, Some(Direction::LowerIsBetter)),
        );
        assert_eq!(m.value, None);
        assert_eq!(m.status, ProgressStatus::TargetAchieved);
        assert_eq!(m.score, Some(5.0));
    }
}
