//! The time axis of observations: whole years and quarter ends on one fractional-year scale.
//!
//! The annual value of year Y sits at t = Y (the end-of-year stock) and the end of quarter q of
//! year Y at t = Y − 1 + q/4, so Q4 2023 is 2023.0 and Q3 2023 is 2022.75
//! (shared/monitor/README.md). Growth rates are always per year on this axis.

use planwatch_model::Quarter;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// When a value was measured or is due: a whole year or the end of a quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimePoint {
    /// The annual value (or the year-end target) of a calendar year.
    Year(i32),
    /// The end of a quarter.
    Quarter(Quarter),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("无法识别的时间“{0}”，应写作 2023 或 2023Q3 (expected a year or a quarter)")]
pub struct TimePointParseError(pub String);

impl TimePoint {
    /// The position on the fractional-year axis.
    pub fn t(self) -> f64 {
        match self {
            TimePoint::Year(y) => f64::from(y),
            TimePoint::Quarter(q) => q.as_fractional_year(),
        }
    }

    /// The calendar year the point falls in.
    pub fn year(self) -> i32 {
        match self {
            TimePoint::Year(y) => y,
            TimePoint::Quarter(q) => q.year(),
        }
    }

    /// The quarter the point ends (Q4 for a whole year).
    pub fn quarter(self) -> Quarter {
        match self {
            TimePoint::Year(y) => Quarter::new(y, 4).expect("4 is a valid quarter number"),
            TimePoint::Quarter(q) => q,
        }
    }

    /// `2023年` or `2023年第三季度`.
    pub fn label_zh(self) -> String {
        match self {
            TimePoint::Year(y) => format!("{y}年"),
            TimePoint::Quarter(q) => q.label_zh(),
        }
    }

    /// Parses `2023` (a year) or any quarter spelling that [`Quarter::parse`] accepts.
    pub fn parse(s: &str) -> Result<TimePoint, TimePointParseError> {
        let s = s.trim();
        if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            return s
                .parse()
                .map(TimePoint::Year)
                .map_err(|_| TimePointParseError(s.to_string()));
        }
        Quarter::parse(s)
            .map(TimePoint::Quarter)
            .map_err(|_| TimePointParseError(s.to_string()))
    }
}

/// The first quarter whose end is at or after `t` (a forecast date rounded up to a quarter end).
/// `None` when `t` is not finite or beyond the year 9999.
pub fn quarter_at_or_after(t: f64) -> Option<Quarter> {
    if !t.is_finite() || !(-9999.0..=9999.0).contains(&t) {
        return None;
    }
    // Quarter ends are multiples of 1/4; the small tolerance keeps 2023.0 from becoming 2024Q1.
    let n = (t * 4.0 - 1e-9).ceil() as i64;
    let year = n.div_euclid(4) + i64::from(n.rem_euclid(4) != 0);
    let q = match n.rem_euclid(4) {
        0 => 4,
        r => r,
    };
    Quarter::new(i32::try_from(year).ok()?, u8::try_from(q).ok()?)
}

impl fmt::Display for TimePoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimePoint::Year(y) => write!(f, "{y}"),
            TimePoint::Quarter(q) => write!(f, "{q}"),
        }
    }
}

impl FromStr for TimePoint {
    type Err = TimePointParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TimePoint::parse(s)
    }
}

impl From<Quarter> for TimePoint {
    fn from(q: Quarter) -> Self {
        TimePoint::Quarter(q)
    }
}

impl Serialize for TimePoint {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimePoint {
    /// Accepts `"2023"`, `"2023Q3"` or the bare number `2023`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(i32),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(y) => Ok(TimePoint::Year(y)),
            Raw::S(s) => TimePoint::parse(&s).map_err(serde::de::Error::custom),
        }
    }
}

/// One observation in numeric form: a position on the fractional-year axis and a value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub t: f64,
    pub value: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quarter {
        Quarter::parse(s).expect("valid quarter")
    }

    #[test]
    fn years_and_quarters_share_one_axis() {
        assert_eq!(TimePoint::parse("2023").expect("year").t(), 2023.0);
        assert_eq!(TimePoint::parse("2023Q4").expect("q").t(), 2023.0);
        assert_eq!(TimePoint::parse("2023Q3").expect("q").t(), 2022.75);
        assert_eq!(TimePoint::parse("2023Q1").expect("q").t(), 2022.25);
    }

    #[test]
    fn a_forecast_date_rounds_up_to_the_next_quarter_end() {
        assert_eq!(quarter_at_or_after(2023.55), Some(q("2024Q3")));
        assert_eq!(quarter_at_or_after(2023.0), Some(q("2023Q4")));
        assert_eq!(quarter_at_or_after(2023.01), Some(q("2024Q1")));
        assert_eq!(quarter_at_or_after(2022.75), Some(q("2023Q3")));
        assert_eq!(quarter_at_or_after(f64::INFINITY), None);
    }

    #[test]
    fn time_points_round_trip_through_json() {
        let v: Vec<TimePoint> = serde_json::from_str(r#"["2021", 2022, "2023Q3"]"#).expect("parse");
        assert_eq!(
            serde_json::to_string(&v).expect("serialise"),
            r#"["2021","2022","2023Q3"]"#
        );
    }

    #[test]
    fn labels_are_chinese() {
        assert_eq!(TimePoint::Year(2024).label_zh(), "2024年");
        assert_eq!(TimePoint::Quarter(q("2023Q3")).label_zh(), "2023年第三季度");
    }
}
