//! Timestamps as the store keeps them: UTC, microsecond precision, and one canonical text form.
//!
//! PostgreSQL keeps microseconds; truncating every instant to microseconds before it is written
//! makes both backends hold the same value, so exports from either are byte-identical.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// The canonical text form: `2023-09-30T08:00:00.000000Z`. Fixed width, so on SQLite (where
/// timestamps are TEXT) text order is time order and range queries work.
const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// The instant as the store will keep it.
pub fn normalise(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}

/// The canonical text of an instant (after truncation to microseconds).
pub fn to_text(t: DateTime<Utc>) -> String {
    normalise(t).format(FORMAT).to_string()
}

/// Parses the canonical text form back.
pub fn from_text(s: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(s, FORMAT)
        .ok()
        .map(|n| n.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn canonical_text_is_fixed_width_and_round_trips() {
        let t = Utc
            .with_ymd_and_hms(2023, 9, 30, 8, 0, 0)
            .single()
            .expect("valid date");
        let s = to_text(t);
        assert_eq!(s, "2023-09-30T08:00:00.000000Z");
        assert_eq!(from_text(&s), Some(t));
    }

    #[test]
    fn nanoseconds_are_truncated_to_what_postgresql_keeps() {
        let t = DateTime::from_timestamp(1_700_000_000, 123_456_789).expect("valid");
        assert_eq!(to_text(t), "2023-11-14T22:13:20.123456Z");
        assert_eq!(
            from_text(&to_text(t))
                .expect("parses")
                .timestamp_subsec_nanos(),
            123_456_000
        );
    }

    #[test]
    fn text_order_is_time_order() {
        let a = DateTime::from_timestamp(1_700_000_000, 0).expect("valid");
        let b = DateTime::from_timestamp(1_700_000_000, 500_000_000).expect("valid");
        let c = DateTime::from_timestamp(1_700_000_001, 0).expect("valid");
        assert!(to_text(a) < to_text(b) && to_text(b) < to_text(c));
    }
}
