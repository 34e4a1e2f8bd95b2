//! Forecast: the value projected at the target date, whether the target will be met, when it
//! will be reached, and one Chinese sentence built only from those numbers.
//!
//! The trend runs from the base observation to the latest one (the same two points as the
//! progress measure, so forecast and status never tell different stories):
//! - compound growth `v̂_T = v_t (1 + r)^(T − t)` with `r = CAGR(v_t, v_0)` for cumulative
//!   counts, levels and (annualised) year-to-date flows;
//! - straight line `v̂_T = v_t + b (T − t)` with `b = (v_t − v_0)/(t − t_0)` for ratios, and
//!   wherever compound growth is undefined (zero or opposite-signed values).
//!
//! The expected date is when the trend crosses the target, rounded up to a quarter end.

use crate::measure::{Comparator, Direction};
use crate::series::IndicatorKind;
use crate::time::{TimePoint, quarter_at_or_after};
use crate::zh;
use planwatch_model::Quarter;
use serde::{Deserialize, Serialize};

/// How the trend is extended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForecastModel {
    /// Constant annual growth rate (年均增长率).
    Compound,
    /// Constant annual change (年均增量).
    Linear,
}

impl ForecastModel {
    /// The default model of each indicator kind.
    pub fn for_kind(kind: IndicatorKind) -> ForecastModel {
        match kind {
            IndicatorKind::Ratio => ForecastModel::Linear,
            IndicatorKind::Cumulative | IndicatorKind::Level | IndicatorKind::YearToDate => {
                ForecastModel::Compound
            }
        }
    }
}

/// When the target is (or will be) reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "quarter")]
pub enum Reach {
    /// The latest value already meets the target.
    AlreadyMet,
    /// The trend meets the target by the end of this quarter.
    ExpectedAt(Quarter),
    /// The trend does not move towards the target (or needs more than a century).
    NotAtCurrentTrend,
}

/// The inputs of one forecast, all from the indicator's comparable series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForecastInput<'a> {
    pub base: (TimePoint, f64),
    pub latest: (TimePoint, f64),
    pub target: f64,
    pub target_at: TimePoint,
    pub comparator: Comparator,
    pub model: ForecastModel,
    /// The indicator's unit of measure (家, %, 亿元); `%` makes linear rates read as 个百分点.
    pub unit: Option<&'a str>,
    /// Decimals for values in the sentence.
    pub decimals: u8,
    /// For a year-to-date flow reported part-way through a year: the value as reported
    /// (`latest.1` is then its annualised figure). The target is met only when the reported
    /// cumulative value meets it, never by the annualised figure alone.
    pub reported: Option<f64>,
}

/// A forecast with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// The model actually used (compound falls back to linear where it is undefined).
    pub model: ForecastModel,
    /// The trend window.
    pub from: TimePoint,
    pub to: TimePoint,
    /// Compound: growth per year as a fraction (0.124 = 12.4 %); linear: change per year in the
    /// indicator's unit.
    pub rate: f64,
    pub target: f64,
    pub target_at: TimePoint,
    pub projected: f64,
    pub will_meet: bool,
    pub reach: Reach,
    /// One sentence, e.g. 按2021—2023年年均增长12.4%测算，2024年预计达到186家，低于目标200家.
    pub explanation: String,
    /// When the target will be reached, e.g. 按此速度预计2025年第二季度实现目标.
    pub when_zh: String,
}

/// Projects the trend to the target date. `None` when there is no span between base and
/// latest, or the target date is not after the latest observation.
pub fn forecast(i: &ForecastInput<'_>) -> Option<Forecast> {
    let (t0, v0) = (i.base.0.t(), i.base.1);
    let (t, vt) = (i.latest.0.t(), i.latest.1);
    let tt = i.target_at.t();
    let dt = t - t0;
    if dt <= 0.0 || tt <= t {
        return None;
    }
    let compound_ok = (v0 > 0.0 && vt > 0.0) || (v0 < 0.0 && vt < 0.0);
    let model = if i.model == ForecastModel::Compound && compound_ok {
        ForecastModel::Compound
    } else {
        ForecastModel::Linear
    };
    let (rate, projected, years_to_target) = match model {
        ForecastModel::Compound => {
            let r = (vt / v0).powf(1.0 / dt) - 1.0;
            let n = if r != 0.0 && i.target / vt > 0.0 {
                (i.target / vt).ln() / (1.0 + r).ln()
            } else {
                f64::NAN
            };
            (r, vt * (1.0 + r).powf(tt - t), n)
        }
        ForecastModel::Linear => {
            let b = (vt - v0) / dt;
            let n = if b != 0.0 {
                (i.target - vt) / b
            } else {
                f64::NAN
            };
            (b, vt + b * (tt - t), n)
        }
    };
    let will_meet = i.comparator.is_met(projected, i.target);
    let reported = i.reported.unwrap_or(vt);
    let partial_year = (reported - vt).abs() > 1e-9 * vt.abs().max(1.0);
    // A year-to-date total that meets an upper limit part-way through the year has not met it
    // yet: the rest of the year still counts.
    let settled = i.comparator.is_met(reported, i.target)
        && (!partial_year || i.comparator.direction() == Direction::HigherIsBetter);
    let reach = if settled {
        Reach::AlreadyMet
    } else if partial_year && i.comparator.is_met(vt, i.target) {
        // The annualised figure (× 4/q) meets the target: the running total crosses it at the
        // share target/annualised of the year, an upper limit only at the year's end.
        let year_start = f64::from(i.latest.0.year()) - 1.0;
        let share = match i.comparator.direction() {
            Direction::HigherIsBetter if vt > 0.0 => (i.target / vt).clamp(0.0, 1.0),
            _ => 1.0,
        };
        quarter_at_or_after(year_start + share).map_or(Reach::NotAtCurrentTrend, Reach::ExpectedAt)
    } else if years_to_target > 0.0 && years_to_target <= 100.0 {
        quarter_at_or_after(t + years_to_target).map_or(Reach::NotAtCurrentTrend, Reach::ExpectedAt)
    } else {
        Reach::NotAtCurrentTrend
    };
    let mut f = Forecast {
        model,
        from: i.base.0,
        to: i.latest.0,
        rate,
        target: i.target,
        target_at: i.target_at,
        projected,
        will_meet,
        reach,
        explanation: String::new(),
        when_zh: String::new(),
    };
    f.explanation = explain(&f, i);
    f.when_zh = when(&f);
    Some(f)
}

fn explain(f: &Forecast, i: &ForecastInput<'_>) -> String {
    let unit = i.unit.unwrap_or("");
    let latest = i.latest.1;
    let reported = i.reported.unwrap_or(latest);
    if f.reach == Reach::AlreadyMet {
        let total = if i.reported.is_some() {
            "累计"
        } else {
            "为"
        };
        return format!(
            "{}{total}{}{unit}，已达到{}目标{}{unit}",
            f.to.label_zh(),
            zh::num(reported, i.decimals),
            f.target_at.label_zh(),
            zh::num(f.target, i.decimals),
        );
    }
    // The annualised figure is named as such, so that no reader sees two different numbers
    // for the same quarter.
    let annualised = if (reported - latest).abs() > 1e-9 * latest.abs().max(1.0) {
        format!(
            "{}累计{}{unit}，折合全年约{}{unit}；",
            f.to.label_zh(),
            zh::num(reported, i.decimals),
            zh::num(latest, i.decimals)
        )
    } else {
        String::new()
    };
    let trend = match f.model {
        ForecastModel::Compound => {
            let pct = zh::num(f.rate.abs() * 100.0, 1);
            if f.rate >= 0.0 {
                format!("年均增长{pct}%")
            } else {
                format!("年均下降{pct}%")
            }
        }
        ForecastModel::Linear if unit == "%" => {
            let pp = zh::num(f.rate.abs(), i.decimals.max(2));
            if f.rate >= 0.0 {
                format!("年均提高{pp}个百分点")
            } else {
                format!("年均下降{pp}个百分点")
            }
        }
        ForecastModel::Linear => {
            let step = zh::num(f.rate.abs(), i.decimals.max(1));
            if f.rate >= 0.0 {
                format!("年均增加{step}{unit}")
            } else {
                format!("年均减少{step}{unit}")
            }
        }
    };
    let verb = if f.projected >= latest {
        "预计达到"
    } else {
        "预计降至"
    };
    let (p, x) = zh::distinct(f.projected, f.target, i.decimals);
    let relation = if f.projected > f.target {
        "高于"
    } else if f.projected < f.target {
        "低于"
    } else {
        "等于"
    };
    format!(
        "{annualised}按{}{trend}测算，{}{verb}{p}{unit}，{relation}目标{x}{unit}",
        zh::window(f.from, f.to),
        f.target_at.label_zh(),
    )
}

fn when(f: &Forecast) -> String {
    match f.reach {
        Reach::AlreadyMet => "已实现目标".to_string(),
        Reach::ExpectedAt(q) if f.will_meet => {
            if TimePoint::Quarter(q).t() < f.target_at.t() {
                format!("预计{}提前实现目标", q.label_zh())
            } else {
                format!("预计{}实现目标", q.label_zh())
            }
        }
        Reach::ExpectedAt(q) => format!("按此速度预计{}实现目标", q.label_zh()),
        Reach::NotAtCurrentTrend => "按此趋势无法实现目标".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(base: (&str, f64), latest: (&str, f64), target: f64) -> ForecastInput<'static> {
        ForecastInput {
            base: (TimePoint::parse(base.0).expect("t"), base.1),
            latest: (TimePoint::parse(latest.0).expect("t"), latest.1),
            target,
            target_at: TimePoint::Year(2024),
            comparator: Comparator::AtLeast,
            model: ForecastModel::Compound,
            unit: Some("家"),
            decimals: 0,
            reported: None,
        }
    }

    #[test]
    fn the_brief_example_sentence_is_reproduced_from_the_numbers() {
        // 131 → 165.5 over 2021–2023 is 12.4 % a year; one more year gives 186.
        let f = forecast(&input(("2021", 131.0), ("2023", 165.5), 200.0)).expect("forecast");
        assert_eq!(
            f.explanation,
            "按2021—2023年年均增长12.4%测算，2024年预计达到186家，低于目标200家"
        );
        assert!(!f.will_meet);
        // ln(200/165.5)/ln(1.124) = 1.64 years after 2023.0: 2024.64 → 2025Q3.
        assert_eq!(
            f.reach,
            Reach::ExpectedAt(Quarter::parse("2025Q3").expect("q"))
        );
        assert_eq!(f.when_zh, "按此速度预计2025年第三季度实现目标");
    }

    #[test]
    fn case_b_meets_early() {
        // progress-methods.md §7.2: 120 → 160 over 2020–2022, target 200 by 2024: t* = 2023.55.
        let f = forecast(&input(("2020", 120.0), ("2022", 160.0), 200.0)).expect("forecast");
        assert!((f.projected - 213.33).abs() < 0.01);
        assert!(f.will_meet);
        assert_eq!(
            f.reach,
            Reach::ExpectedAt(Quarter::parse("2024Q3").expect("q"))
        );
        assert_eq!(f.when_zh, "预计2024年第三季度提前实现目标");
        assert_eq!(
            f.explanation,
            "按2020—2022年年均增长15.5%测算，2024年预计达到213家，高于目标200家"
        );
    }

    #[test]
    fn a_falling_level_says_it_falls() {
        // Case D, PUE: 1.60 → 1.50 over 2020–2022, target ≤ 1.3 by 2024 → 1.4063, met in 2026.44.
        let mut i = input(("2020", 1.6), ("2022", 1.5), 1.3);
        i.comparator = Comparator::Below;
        i.unit = None;
        i.decimals = 2;
        let f = forecast(&i).expect("forecast");
        assert_eq!(
            f.explanation,
            "按2020—2022年年均下降3.2%测算，2024年预计降至1.41，高于目标1.3"
        );
        assert_eq!(
            f.reach,
            Reach::ExpectedAt(Quarter::parse("2027Q2").expect("q"))
        );
    }

    #[test]
    fn ratios_are_extended_in_percentage_points() {
        // Case A: 1.50 → 1.75 over 2019–2022: 0.0833 points a year → 1.9167 in 2024.
        let mut i = input(("2019", 1.5), ("2022", 1.75), 2.0);
        i.model = ForecastModel::for_kind(IndicatorKind::Ratio);
        i.unit = Some("%");
        i.decimals = 2;
        let f = forecast(&i).expect("forecast");
        assert_eq!(f.model, ForecastModel::Linear);
        assert_eq!(
            f.explanation,
            "按2019—2022年年均提高0.08个百分点测算，2024年预计达到1.92%，低于目标2%"
        );
    }

    #[test]
    fn a_target_already_met_is_said_plainly() {
        let f = forecast(&input(("2021", 150.0), ("2023", 215.0), 200.0)).expect("forecast");
        assert_eq!(f.reach, Reach::AlreadyMet);
        assert_eq!(f.explanation, "2023年为215家，已达到2024年目标200家");
    }

    #[test]
    fn a_trend_away_from_the_target_never_reaches_it() {
        let f = forecast(&input(("2021", 30.0), ("2023", 28.0), 40.0)).expect("forecast");
        assert_eq!(f.reach, Reach::NotAtCurrentTrend);
        assert_eq!(f.when_zh, "按此趋势无法实现目标");
    }

    #[test]
    fn values_through_zero_use_the_straight_line() {
        let mut i = input(("2021", 0.0), ("2023", 4.0), 10.0);
        i.unit = Some("项");
        let f = forecast(&i).expect("forecast");
        assert_eq!(f.model, ForecastModel::Linear);
        assert_eq!(f.projected, 6.0);
        assert!(
            f.explanation.starts_with("按2021—2023年年均增加2项测算"),
            "{}",
            f.explanation
        );
    }

    #[test]
    fn an_annualised_year_to_date_figure_is_named_and_does_not_count_as_met() {
        // 新材料产值: 53亿元 by 2024Q1, ×4 = 212 ≥ 200; the year's total crosses 200 at
        // 200/212 of the year → 2024Q4, not "already met".
        let mut i = input(("2021", 121.0), ("2024Q1", 212.0), 200.0);
        i.unit = Some("亿元");
        i.reported = Some(53.0);
        let f = forecast(&i).expect("forecast");
        assert!(f.will_meet);
        assert_eq!(
            f.reach,
            Reach::ExpectedAt(Quarter::parse("2024Q4").expect("q"))
        );
        assert!(
            f.explanation.starts_with(
                "2024年第一季度累计53亿元，折合全年约212亿元；按2021年至2024年第一季度"
            ),
            "{}",
            f.explanation
        );
        // Once the running total itself reaches the target, it is met.
        i.reported = Some(201.0);
        i.latest.1 = 268.0;
        let f = forecast(&i).expect("forecast");
        assert_eq!(f.reach, Reach::AlreadyMet);
        assert_eq!(
            f.explanation,
            "2024年第一季度累计201亿元，已达到2024年目标200亿元"
        );
    }

    #[test]
    fn an_upper_limit_on_a_flow_is_not_met_before_the_year_is_over() {
        let mut i = input(("2021", 100.0), ("2024Q2", 80.0), 90.0);
        i.comparator = Comparator::AtMost;
        i.reported = Some(40.0);
        let f = forecast(&i).expect("forecast");
        assert_eq!(
            f.reach,
            Reach::ExpectedAt(Quarter::parse("2024Q4").expect("q"))
        );
    }

    #[test]
    fn no_forecast_without_a_span_or_after_the_target_date() {
        assert!(forecast(&input(("2023", 1.0), ("2023", 1.0), 2.0)).is_none());
        assert!(forecast(&input(("2021", 1.0), ("2024", 1.5), 2.0)).is_none());
    }
}
