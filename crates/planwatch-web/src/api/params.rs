//! The API's parameters, read strictly (0058): a parameter the operation does not take, one given
//! twice, or a value outside its rule is refused with 422 naming the field and what it allows —
//! never replaced by a default. The rules the document states (`period` one of the plan's
//! quarters up to the current one, `as_of` a date from 2000-01-01 to today) are built here, by
//! the same functions that check them.

use super::problem::{ApiError, Problem};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::{Datelike, NaiveDate};
use planwatch_model::Quarter;

/// The query parameters of a request, in order.
pub struct Params(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .map(Params)
            .map_err(|e| {
                ApiError::from(Problem::invalid("query", format!("查询参数无法读取：{e}")))
            })
    }
}

impl Params {
    /// Refuses a parameter not in `allowed`, or one given more than once.
    pub fn only(&self, allowed: &[&str]) -> Result<(), ApiError> {
        for (i, (k, _)) in self.0.iter().enumerate() {
            if !allowed.contains(&k.as_str()) {
                let what = if allowed.is_empty() {
                    "该接口不接受查询参数".to_string()
                } else {
                    format!("该接口只接受 {}", allowed.join("、"))
                };
                return Err(ApiError::from(
                    Problem::invalid(k, format!("不认识的查询参数“{k}”：{what}"))
                        .allowing(allowed.join(", ")),
                ));
            }
            if self.0[..i].iter().any(|(j, _)| j == k) {
                return Err(ApiError::from(Problem::invalid(
                    k,
                    format!("查询参数“{k}”出现了不止一次"),
                )));
            }
        }
        Ok(())
    }

    /// The parameters as given, in order, for a key of a kept answer (rendered.rs).
    pub fn key(&self) -> String {
        serde_urlencoded::to_string(&self.0).unwrap_or_default()
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The range of quarters in words, `2022Q1—2024Q2`.
pub fn range_text(periods: &[Quarter]) -> String {
    match (periods.first(), periods.last()) {
        (Some(a), Some(b)) => format!("{a}—{b}"),
        _ => "（尚未导入计划）".to_string(),
    }
}

/// `period` as given (absent: `None`), which must be one of `periods`.
pub fn period(given: Option<&str>, periods: &[Quarter]) -> Result<Option<Quarter>, ApiError> {
    let Some(s) = given else { return Ok(None) };
    let allowed = range_text(periods);
    let q = Quarter::parse(s).map_err(|_| {
        ApiError::from(
            Problem::invalid(
                "period",
                format!("季度“{s}”无法识别：请写作 2024Q3 这样的形式，可查询 {allowed}"),
            )
            .allowing(allowed.clone()),
        )
    })?;
    if !periods.contains(&q) || q.to_string() != s {
        return Err(ApiError::from(
            Problem::invalid(
                "period",
                format!(
                    "季度“{s}”不在可查询的范围内：可查询计划期内截至本季度的各季度，即 {allowed}"
                ),
            )
            .allowing(allowed),
        ));
    }
    Ok(Some(q))
}

/// Every quarter of the plan's period: those a value may be written for.
pub fn plan_quarters(p: planwatch_model::Period) -> Vec<Quarter> {
    match (Quarter::new(p.start, 1), Quarter::new(p.end, 4)) {
        (Some(a), Some(b)) => Quarter::range(a, b).collect(),
        _ => Vec::new(),
    }
}

/// The earliest `as_of` the API takes.
pub const EARLIEST_AS_OF: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// `as_of` as given: `today` or a date `YYYY-MM-DD` from 2000-01-01 to today (an assessment
/// cannot be judged as of a day that has not come).
pub fn as_of(given: Option<&str>, today: NaiveDate) -> Result<Option<NaiveDate>, ApiError> {
    let Some(s) = given else { return Ok(None) };
    let allowed = format!("today，或 {EARLIEST_AS_OF} 至 {today} 之间的日期");
    let refuse = |detail: String| {
        ApiError::from(Problem::invalid("as_of", detail).allowing(allowed.clone()))
    };
    if s == "today" {
        return Ok(Some(today));
    }
    let well_formed = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let d = well_formed
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            refuse(format!(
                "评价截止日“{s}”无法识别：请写作 2024-09-30 或 today"
            ))
        })?;
    if d > today {
        return Err(refuse(format!(
            "评价截止日“{s}”晚于今天（{today}）：评价只能截至已经到来的日期"
        )));
    }
    if d < EARLIEST_AS_OF {
        return Err(refuse(format!("评价截止日“{s}”早于 {EARLIEST_AS_OF}")));
    }
    Ok(Some(d))
}

fn alternatives(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    format!("(?:{})", items.join("|"))
}

fn two(n: u32) -> String {
    format!("{n:02}")
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).map_or(28, |d| d.day())
}

/// `MM-DD` of months `1..=last_month` of `year`, the last one only up to `last_day`.
fn month_days(year: i32, last_month: u32, last_day: u32) -> String {
    alternatives((1..=last_month).map(|m| {
        let days = if m == last_month {
            last_day.min(days_in_month(year, m))
        } else {
            days_in_month(year, m)
        };
        format!("{}-{}", two(m), alternatives((1..=days).map(two)))
    }))
}

/// The pattern of `as_of` exactly as [`as_of`] accepts it: `today`, or a real calendar date
/// from 2000-01-01 up to `today`.
pub fn as_of_pattern(today: NaiveDate) -> String {
    let y = today.year();
    let mut parts = vec!["today".to_string()];
    let first = EARLIEST_AS_OF.year();
    if y > first {
        // Any year before this one: every day but 29 February …
        let years = alternatives((first..y).map(|x| x.to_string()));
        parts.push(format!("{years}-{}", month_days(2001, 12, 31)));
        // … which only leap years have.
        let leap: Vec<String> = (first..y)
            .filter(|x| days_in_month(*x, 2) == 29)
            .map(|x| x.to_string())
            .collect();
        if !leap.is_empty() {
            parts.push(format!("{}-02-29", alternatives(leap)));
        }
    }
    parts.push(format!("{y}-{}", month_days(y, today.month(), today.day())));
    format!("^(?:{})$", parts.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn periods() -> Vec<Quarter> {
        Quarter::range(
            Quarter::parse("2022Q1").expect("q"),
            Quarter::parse("2024Q2").expect("q"),
        )
        .collect()
    }

    #[test]
    fn a_period_outside_the_plan_or_malformed_is_refused_with_the_range() {
        let p = periods();
        assert_eq!(period(None, &p).ok(), Some(None));
        assert_eq!(
            period(Some("2023Q4"), &p)
                .ok()
                .flatten()
                .map(|q| q.to_string()),
            Some("2023Q4".to_string())
        );
        for bad in [
            "3890Q3", "", "2024Q3", "0000Q1", "2024q1", "2024Q5", " 2023Q4",
        ] {
            let e = period(Some(bad), &p).expect_err(bad).0;
            assert_eq!(e.field.as_deref(), Some("period"), "{bad}");
            assert_eq!(e.allowed.as_deref(), Some("2022Q1—2024Q2"), "{bad}");
            assert!(e.detail.contains("2022Q1—2024Q2"), "{bad}: {}", e.detail);
        }
    }

    #[test]
    fn as_of_takes_today_or_a_past_date_and_nothing_else() {
        let today = d("2026-12-06");
        assert_eq!(as_of(Some("today"), today).ok(), Some(Some(today)));
        assert_eq!(
            as_of(Some("2024-02-29"), today).ok(),
            Some(Some(d("2024-02-29")))
        );
        for bad in [
            "2026-12-07",
            "2024-2-1",
            "2023-02-29",
            "1999-12-31",
            "",
            "今天",
            "2024-13-01",
        ] {
            let e = as_of(Some(bad), today).expect_err(bad).0;
            assert_eq!(e.field.as_deref(), Some("as_of"), "{bad}");
        }
    }

    #[test]
    fn the_documented_pattern_of_as_of_is_exactly_what_is_accepted() {
        let today = d("2026-03-05");
        let pattern = as_of_pattern(today);
        // Every day from 2000 to a little after today, and some malformed strings: the pattern
        // matches exactly those `as_of` accepts.
        let matches = |s: &str| simple_match(&pattern, s);
        let mut day = d("1999-12-25");
        while day <= d("2026-03-10") {
            let s = day.to_string();
            assert_eq!(matches(&s), as_of(Some(&s), today).is_ok(), "{s}");
            day = day.succ_opt().expect("next day");
        }
        for s in [
            "today",
            "2023-02-29",
            "2024-02-30",
            "2025-00-10",
            "2025-1-01",
            "x",
        ] {
            assert_eq!(matches(s), as_of(Some(s), today).is_ok(), "{s}");
        }
    }

    /// Matches `s` against the patterns [`as_of_pattern`] builds: `^(?:a|b|…)$` where each
    /// alternative is literal text and nested `(?:…|…)` groups — no other regex syntax occurs.
    fn simple_match(pattern: &str, s: &str) -> bool {
        fn parse(p: &[u8], i: &mut usize) -> Vec<Vec<Node>> {
            // An alternation of sequences, up to a closing parenthesis or the end.
            let mut alts = vec![Vec::new()];
            while *i < p.len() {
                match p[*i] {
                    b'(' => {
                        *i += 3; // "(?:"
                        let inner = parse(p, i);
                        alts.last_mut().expect("seq").push(Node::Group(inner));
                    }
                    b')' => {
                        *i += 1;
                        return alts;
                    }
                    b'|' => {
                        *i += 1;
                        alts.push(Vec::new());
                    }
                    c => {
                        *i += 1;
                        alts.last_mut().expect("seq").push(Node::Byte(c));
                    }
                }
            }
            alts
        }
        enum Node {
            Byte(u8),
            Group(Vec<Vec<Node>>),
        }
        fn ends(seq: &[Node], s: &[u8], at: usize) -> Vec<usize> {
            let mut pos = vec![at];
            for n in seq {
                let mut next = Vec::new();
                for p in pos {
                    match n {
                        Node::Byte(c) => {
                            if s.get(p) == Some(c) {
                                next.push(p + 1);
                            }
                        }
                        Node::Group(alts) => {
                            for a in alts {
                                next.extend(ends(a, s, p));
                            }
                        }
                    }
                }
                pos = next;
            }
            pos
        }
        let inner = pattern
            .strip_prefix('^')
            .and_then(|p| p.strip_suffix('$'))
            .expect("anchored");
        let mut i = 0;
        let tree = parse(inner.as_bytes(), &mut i);
        tree.iter()
            .any(|seq| ends(seq, s.as_bytes(), 0).contains(&s.len()))
    }
}
