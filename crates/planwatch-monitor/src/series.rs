//! Indicator series: kinds of indicator, observations as reported, and their preparation for the
//! measures (as-of filtering, ordering, annualising year-to-date flows).

use crate::time::{Point, TimePoint};
use serde::{Deserialize, Serialize};

/// What an indicator's numbers are: the model's word (see [`crate::forecast`] for the forecast
/// model each kind gets).
pub use planwatch_model::vocab::IndicatorKind;

/// One reported or published value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub at: TimePoint,
    pub value: f64,
    /// Where the value came from (a submission id from the store, a statistical yearbook), so
    /// every number in a report can be traced; passed through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A series ready for the measures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prepared {
    /// Values as reported, sorted by time, up to "now".
    pub raw: Vec<Point>,
    /// Values comparable with annual targets (year-to-date flows annualised), sorted by time.
    pub comparable: Vec<Point>,
    /// For each point, the index of the observation it came from.
    pub origin: Vec<usize>,
}

/// Why a series could not be prepared.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SeriesError {
    #[error("{0} 有两个观测值，请删除其中一个 (duplicate observation)")]
    Duplicate(String),
    #[error("{0} 的观测值不是有限数 (value is not a finite number)")]
    NotFinite(String),
}

/// Sorts, filters to `t ≤ now_t` and annualises. An annual value and a Q4 value of the same year
/// sit at the same time; the annual one (usually the published statistic) wins. Two values for
/// the same year, or for the same quarter, are an error.
pub fn prepare(
    obs: &[Observation],
    kind: IndicatorKind,
    now_t: f64,
) -> Result<Prepared, SeriesError> {
    let mut idx: Vec<usize> = Vec::with_capacity(obs.len());
    for (i, o) in obs.iter().enumerate() {
        if !o.value.is_finite() {
            return Err(SeriesError::NotFinite(o.at.label_zh()));
        }
        if o.at.t() <= now_t + 1e-9 {
            idx.push(i);
        }
    }
    idx.sort_by(|&a, &b| obs[a].at.t().total_cmp(&obs[b].at.t()));
    let mut kept: Vec<usize> = Vec::with_capacity(idx.len());
    for i in idx {
        match kept.last() {
            Some(&j) if obs[j].at.t() == obs[i].at.t() => match (obs[j].at, obs[i].at) {
                (TimePoint::Year(_), TimePoint::Quarter(_)) => {}
                (TimePoint::Quarter(_), TimePoint::Year(_)) => {
                    *kept.last_mut().expect("a last element exists") = i;
                }
                _ => return Err(SeriesError::Duplicate(obs[i].at.label_zh())),
            },
            _ => kept.push(i),
        }
    }
    let raw: Vec<Point> = kept
        .iter()
        .map(|&i| Point {
            t: obs[i].at.t(),
            value: obs[i].value,
        })
        .collect();
    let comparable = kept
        .iter()
        .map(|&i| Point {
            t: obs[i].at.t(),
            value: comparable_value(&obs[i], kind),
        })
        .collect();
    Ok(Prepared {
        raw,
        comparable,
        origin: kept,
    })
}

/// A value comparable with an annual target: year-to-date flows at the end of quarter q are
/// multiplied by 4/q (pro rata); everything else is taken as it is.
pub fn comparable_value(o: &Observation, kind: IndicatorKind) -> f64 {
    match (kind, o.at) {
        (IndicatorKind::YearToDate, TimePoint::Quarter(q)) => o.value * 4.0 / f64::from(q.number()),
        _ => o.value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ob(at: &str, value: f64) -> Observation {
        Observation {
            at: TimePoint::parse(at).expect("time"),
            value,
            source: None,
        }
    }

    #[test]
    fn year_to_date_flows_are_annualised_pro_rata() {
        let p = prepare(
            &[ob("2023Q2", 30.0), ob("2022", 50.0), ob("2023Q3", 48.0)],
            IndicatorKind::YearToDate,
            2023.0,
        )
        .expect("prepared");
        let v: Vec<(f64, f64)> = p.comparable.iter().map(|x| (x.t, x.value)).collect();
        assert_eq!(v, [(2022.0, 50.0), (2022.5, 60.0), (2022.75, 64.0)]);
        assert_eq!(p.raw[1].value, 30.0);
    }

    #[test]
    fn values_after_now_are_ignored() {
        let p = prepare(
            &[ob("2022", 1.0), ob("2023Q1", 2.0), ob("2023Q2", 3.0)],
            IndicatorKind::Level,
            TimePoint::parse("2023Q1").expect("q").t(),
        )
        .expect("prepared");
        assert_eq!(p.raw.len(), 2);
    }

    #[test]
    fn an_annual_value_supersedes_the_fourth_quarter_report() {
        let p = prepare(
            &[ob("2022Q4", 1.0), ob("2022", 2.0)],
            IndicatorKind::Level,
            2030.0,
        )
        .expect("prepared");
        assert_eq!(
            p.raw,
            [Point {
                t: 2022.0,
                value: 2.0
            }]
        );
        assert_eq!(p.origin, [1]);
    }

    #[test]
    fn two_values_for_one_quarter_are_an_error_naming_it() {
        let e = prepare(
            &[ob("2023Q1", 1.0), ob("2023Q1", 2.0)],
            IndicatorKind::Level,
            2030.0,
        )
        .expect_err("duplicate");
        assert!(e.to_string().contains("2023年第一季度"), "{e}");
    }
}
