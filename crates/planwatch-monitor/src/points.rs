//! Score points held as whole hundredths, so that every score is exactly the sum of its breakdown.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};

/// Assessment points (分), kept as an integer number of hundredths.
///
/// Every breakdown item is rounded to 0.01 point when it is made; a score is then the exact
/// integer sum of its items, so anyone can add up the published breakdown and get the published
/// score. Serialised as a JSON number with at most two decimals (`87.5`, `-2.25`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Points(i64);

impl Points {
    pub const ZERO: Points = Points(0);

    /// Rounds to the nearest hundredth (halves away from zero). Non-finite input gives zero;
    /// inputs are validated before scoring, so that cannot happen for accepted data.
    pub fn from_f64(x: f64) -> Points {
        if !x.is_finite() {
            return Points::ZERO;
        }
        // Rounding the product is not enough for values such as 0.285 (28.499999…); rounding
        // to 1e-6 first removes that representation noise.
        let scaled = (x * 100.0 * 1e6).round() / 1e6;
        Points(scaled.round() as i64)
    }

    pub const fn from_hundredths(h: i64) -> Points {
        Points(h)
    }

    pub const fn hundredths(self) -> i64 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn min(self, other: Points) -> Points {
        Points(self.0.min(other.0))
    }

    pub fn max(self, other: Points) -> Points {
        Points(self.0.max(other.0))
    }
}

impl fmt::Display for Points {
    /// `87.63`, `-2.00`, `100.00`: always two decimals, as score sheets print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", a / 100, a % 100)
    }
}

impl Add for Points {
    type Output = Points;
    fn add(self, o: Points) -> Points {
        Points(self.0 + o.0)
    }
}

impl AddAssign for Points {
    fn add_assign(&mut self, o: Points) {
        self.0 += o.0;
    }
}

impl Sub for Points {
    type Output = Points;
    fn sub(self, o: Points) -> Points {
        Points(self.0 - o.0)
    }
}

impl Neg for Points {
    type Output = Points;
    fn neg(self) -> Points {
        Points(-self.0)
    }
}

impl Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let x = f64::deserialize(d)?;
        if !x.is_finite() {
            return Err(serde::de::Error::custom(
                "分值必须是有限数 (points must be finite)",
            ));
        }
        Ok(Points::from_f64(x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awkward_decimals_round_to_the_nearest_hundredth() {
        assert_eq!(Points::from_f64(0.285).hundredths(), 29);
        assert_eq!(Points::from_f64(-0.285).hundredths(), -29);
        assert_eq!(Points::from_f64(2.0 / 3.0).hundredths(), 67);
        assert_eq!(Points::from_f64(f64::NAN), Points::ZERO);
    }

    #[test]
    fn points_print_with_two_decimals() {
        assert_eq!(Points::from_f64(87.5).to_string(), "87.50");
        assert_eq!(Points::from_f64(-0.05).to_string(), "-0.05");
        assert_eq!(Points::from_f64(-2.0).to_string(), "-2.00");
    }

    #[test]
    fn points_serialise_as_plain_numbers() {
        let p = Points::from_hundredths(8763);
        assert_eq!(serde_json::to_string(&p).expect("serialise"), "87.63");
        let back: Points = serde_json::from_str("87.63").expect("parse");
        assert_eq!(back, p);
    }
}
