//! Reporting periods: quarters such as `2023Q3`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar quarter, the plan's reporting period (每季度末报送).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    year: i32,
    q: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("无法识别的季度“{input}”，应写作 2023Q3 的形式 (expected a quarter like 2023Q3)")]
pub struct QuarterParseError {
    pub input: String,
}

impl Quarter {
    /// Builds a quarter; `q` must be 1..=4.
    pub fn new(year: i32, q: u8) -> Option<Self> {
        (1..=4).contains(&q).then_some(Self { year, q })
    }

    /// Parses `2023Q3`, `2023q3`, `2023-Q3` or `2023年第3季度`.
    pub fn parse(input: &str) -> Result<Self, QuarterParseError> {
        let err = || QuarterParseError {
            input: input.to_string(),
        };
        let s = input.trim();
        let (y, rest) = s.split_at(
            s.char_indices()
                .take(4)
                .last()
                .map_or(0, |(i, c)| i + c.len_utf8()),
        );
        let year: i32 = y.parse().map_err(|_| err())?;
        let rest = rest.trim_start_matches('-');
        let q = if let Some(r) = rest.strip_prefix(['Q', 'q']) {
            r.parse::<u8>().map_err(|_| err())?
        } else if let Some(r) = rest.strip_prefix("年第") {
            let d = r.strip_suffix("季度").ok_or_else(err)?;
            match d {
                "1" | "一" => 1,
                "2" | "二" => 2,
                "3" | "三" => 3,
                "4" | "四" => 4,
                _ => return Err(err()),
            }
        } else {
            return Err(err());
        };
        Self::new(year, q).ok_or_else(err)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn number(self) -> u8 {
        self.q
    }

    /// The quarter after this one.
    pub fn next(self) -> Self {
        if self.q == 4 {
            Self {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Self {
                year: self.year,
                q: self.q + 1,
            }
        }
    }

    /// The quarter before this one.
    pub fn prev(self) -> Self {
        if self.q == 1 {
            Self {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Self {
                year: self.year,
                q: self.q - 1,
            }
        }
    }

    /// The end of the quarter on a fractional-year axis where the annual value of year Y sits at
    /// t = Y: Q4 2023 is 2023.0 and Q3 2023 is 2022.75 (see shared/monitor/README.md).
    pub fn as_fractional_year(self) -> f64 {
        f64::from(self.year) - 1.0 + f64::from(self.q) / 4.0
    }

    /// Every quarter from `first` to `last` inclusive.
    pub fn range(first: Self, last: Self) -> impl Iterator<Item = Quarter> {
        std::iter::successors(Some(first), |q| Some(q.next())).take_while(move |q| *q <= last)
    }

    /// The month (1..=12) in which the quarter ends.
    pub fn end_month(self) -> u32 {
        u32::from(self.q) * 3
    }

    /// A Chinese label such as 2023年第三季度.
    pub fn label_zh(self) -> String {
        let n = ["一", "二", "三", "四"][usize::from(self.q - 1)];
        format!("{}年第{}季度", self.year, n)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

impl FromStr for Quarter {
    type Err = QuarterParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Quarter {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quarter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Quarter::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_parse_in_the_usual_spellings() {
        for s in [
            "2023Q3",
            "2023q3",
            "2023-Q3",
            "2023年第三季度",
            "2023年第3季度",
        ] {
            assert_eq!(Quarter::parse(s).expect(s).to_string(), "2023Q3");
        }
    }

    #[test]
    fn malformed_quarters_are_rejected_with_the_input_in_the_message() {
        for s in [
            "",
            "2023",
            "2023Q5",
            "2023Q0",
            "23Q1",
            "二〇二三Q1",
            "2023年第五季度",
        ] {
            let e = Quarter::parse(s).expect_err(s);
            assert!(e.to_string().contains(s));
        }
    }

    #[test]
    fn fractional_years_put_q4_on_the_year_itself() {
        let q = |s| Quarter::parse(s).expect("valid");
        assert_eq!(q("2023Q4").as_fractional_year(), 2023.0);
        assert_eq!(q("2023Q3").as_fractional_year(), 2022.75);
    }

    #[test]
    fn a_range_covers_the_plan_period() {
        let all: Vec<_> = Quarter::range(
            Quarter::parse("2022Q1").expect("valid"),
            Quarter::parse("2024Q4").expect("valid"),
        )
        .collect();
        assert_eq!(all.len(), 12);
        assert_eq!(all[4].to_string(), "2023Q1");
        assert_eq!(all[4].prev().to_string(), "2022Q4");
    }
}
