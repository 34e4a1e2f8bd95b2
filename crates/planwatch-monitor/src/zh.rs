//! Chinese wording helpers: numbers with trimmed decimals, values with their unit, time windows.

use crate::time::TimePoint;

/// Rounds to at most `decimals` places and drops trailing zeros: 186.0 → "186", 1.980 → "1.98".
/// Negative zero prints as "0".
pub fn num(x: f64, decimals: u8) -> String {
    planwatch_model::figure::number_zh(x, decimals)
}

/// A value with its unit: `186家`, `2%`, `1.41` (no unit).
pub fn value(x: f64, decimals: u8, unit: Option<&str>) -> String {
    format!("{}{}", num(x, decimals), unit.unwrap_or(""))
}

/// A window between two time points: `2021—2023年` when both are years, else
/// `2021年至2023年第三季度`.
pub fn window(from: TimePoint, to: TimePoint) -> String {
    match (from, to) {
        (TimePoint::Year(a), TimePoint::Year(b)) => format!("{a}—{b}年"),
        _ => format!("{}至{}", from.label_zh(), to.label_zh()),
    }
}

/// Formats `a` and `b` with enough decimals (up to four more than `decimals`) that unequal
/// numbers do not print alike: 预计3 against 目标3 would read as met when 2.5 misses.
pub fn distinct(a: f64, b: f64, decimals: u8) -> (String, String) {
    let mut d = decimals;
    loop {
        let (x, y) = (num(a, d), num(b, d));
        if x != y || a == b || d >= decimals + 4 {
            return (x, y);
        }
        d += 1;
    }
}

/// A name in Chinese quotation marks, its own “” turned into ‘’ so that quotes nest as
/// they should: 任务“打造‘智车之城’”, not 任务“打造“智车之城””.
pub fn quoted(name: &str) -> String {
    format!("“{}”", name.replace('“', "‘").replace('”', "’"))
}

/// Decimals that make sense for a value of this size when none are configured: none for large
/// magnitudes, two for ordinary ones, more for small ratios.
pub fn default_decimals(reference: f64) -> u8 {
    let a = reference.abs();
    if a >= 100.0 {
        0
    } else if a >= 0.1 || a == 0.0 {
        2
    } else {
        4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lose_trailing_zeros() {
        assert_eq!(num(186.02, 0), "186");
        assert_eq!(num(1.98, 2), "1.98");
        assert_eq!(num(2.0, 2), "2");
        assert_eq!(num(-0.001, 2), "0");
        assert_eq!(value(200.0, 0, Some("家")), "200家");
    }

    #[test]
    fn unequal_numbers_never_print_alike() {
        assert_eq!(
            distinct(2.96, 3.0, 0),
            ("2.96".to_string(), "3".to_string())
        );
        assert_eq!(
            distinct(29.96, 30.0, 0),
            ("29.96".to_string(), "30".to_string())
        );
        assert_eq!(
            distinct(30.0, 30.0, 0),
            ("30".to_string(), "30".to_string())
        );
    }

    #[test]
    fn quotes_inside_a_quoted_name_become_single_quotes() {
        assert_eq!(quoted("打造“智车之城”"), "“打造‘智车之城’”");
        assert_eq!(quoted("新材料产值"), "“新材料产值”");
    }

    #[test]
    fn windows_read_naturally() {
        assert_eq!(
            window(TimePoint::Year(2021), TimePoint::Year(2023)),
            "2021—2023年"
        );
        let q = TimePoint::parse("2023Q3").expect("q");
        assert_eq!(window(TimePoint::Year(2021), q), "2021年至2023年第三季度");
    }
}
