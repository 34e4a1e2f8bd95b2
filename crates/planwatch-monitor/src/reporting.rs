//! Reporting completeness and timeliness per unit and period: submitted on time, late, missing,
//! returned, not yet due; and a per-unit summary.
//!
//! Timeliness is judged on the first submission (a unit that submitted on time and was asked to
//! correct its report did report on time; the return is counted separately). Events dated after
//! `as_of` are ignored, so an assessment "as of" a past date is reproducible.

use crate::error::InputError;
use chrono::NaiveDate;
use planwatch_model::Quarter;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportEventKind {
    /// The unit submitted (or resubmitted) the report.
    Submitted,
    /// The office returned it for correction (退回).
    Returned,
    /// The office accepted it (审核通过).
    Accepted,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportEvent {
    pub on: NaiveDate,
    pub kind: ReportEventKind,
}

/// One unit's duty to report for one period, with what happened so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportObligation {
    pub unit: String,
    pub period: Quarter,
    /// The last day a submission counts as on time.
    pub due: NaiveDate,
    #[serde(default)]
    pub events: Vec<ReportEvent>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportingStatus {
    /// First submitted on or before the due date.
    OnTime,
    /// First submitted after the due date.
    Late,
    /// Not submitted, and the due date has passed.
    Missing,
    /// Returned by the office and not yet resubmitted.
    Returned,
    /// Not submitted, and the due date has not passed.
    NotYetDue,
}

impl ReportingStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            ReportingStatus::OnTime => "按时报送",
            ReportingStatus::Late => "逾期报送",
            ReportingStatus::Missing => "未报送",
            ReportingStatus::Returned => "退回待重报",
            ReportingStatus::NotYetDue => "未到期",
        }
    }
}

/// Where the office's review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    NotSubmitted,
    AwaitingReview,
    Returned,
    Accepted,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportingRecord {
    pub unit: String,
    pub period: Quarter,
    pub due: NaiveDate,
    pub status: ReportingStatus,
    /// Timeliness of the first submission, whatever happened later.
    pub timely: Option<bool>,
    pub first_submitted_on: Option<NaiveDate>,
    pub days_late: Option<i64>,
    pub returned_times: u32,
    pub review: ReviewState,
}

impl ReportingRecord {
    /// e.g. 2024年第一季度进展报告逾期3天报送.
    pub fn describe_zh(&self) -> String {
        let what = format!("{}进展报告", self.period.label_zh());
        match self.status {
            ReportingStatus::Late | ReportingStatus::Returned if self.timely == Some(false) => {
                format!("{what}逾期{}天报送", self.days_late.unwrap_or(0))
            }
            s => format!("{what}{}", s.label_zh()),
        }
    }
}

/// Per-unit counts over the obligations assessed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportingSummary {
    pub unit: String,
    /// Obligations whose due date has passed or that were submitted.
    pub expected: u32,
    pub submitted: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
    pub returned_times: u32,
    /// submitted / expected, percent; `None` when nothing is expected yet.
    pub completeness: Option<f64>,
    /// on time / expected, percent.
    pub timeliness: Option<f64>,
}

impl ReportObligation {
    pub fn validate(&self) -> Vec<InputError> {
        let mut sorted: Vec<&ReportEvent> = self.events.iter().collect();
        sorted.sort_by_key(|e| e.on);
        let mut errs = Vec::new();
        if sorted
            .first()
            .is_some_and(|e| e.kind != ReportEventKind::Submitted)
        {
            errs.push(InputError::new(
                format!("单位“{}”{}报送记录", self.unit, self.period.label_zh()),
                "第一条记录应为报送（submitted），退回或通过之前必须先报送",
            ));
        }
        errs
    }
}

/// The status of one obligation at `as_of`.
pub fn assess_obligation(o: &ReportObligation, as_of: NaiveDate) -> ReportingRecord {
    let mut events: Vec<&ReportEvent> = o.events.iter().filter(|e| e.on <= as_of).collect();
    // Same-day events keep their given order (a return and a resubmission on one day).
    events.sort_by_key(|e| e.on);
    let first = events
        .iter()
        .find(|e| e.kind == ReportEventKind::Submitted)
        .map(|e| e.on);
    let returned_times = events
        .iter()
        .filter(|e| e.kind == ReportEventKind::Returned)
        .count() as u32;
    let review = match events.last().map(|e| e.kind) {
        None => ReviewState::NotSubmitted,
        Some(ReportEventKind::Submitted) => ReviewState::AwaitingReview,
        Some(ReportEventKind::Returned) => ReviewState::Returned,
        Some(ReportEventKind::Accepted) => ReviewState::Accepted,
    };
    let timely = first.map(|d| d <= o.due);
    let status = match (first, review) {
        (None, _) if as_of > o.due => ReportingStatus::Missing,
        (None, _) => ReportingStatus::NotYetDue,
        (Some(_), ReviewState::Returned) => ReportingStatus::Returned,
        (Some(d), _) if d <= o.due => ReportingStatus::OnTime,
        (Some(_), _) => ReportingStatus::Late,
    };
    ReportingRecord {
        unit: o.unit.clone(),
        period: o.period,
        due: o.due,
        status,
        timely,
        first_submitted_on: first,
        days_late: first.filter(|d| *d > o.due).map(|d| (d - o.due).num_days()),
        returned_times,
        review,
    }
}

/// Counts per unit, in the order units first appear.
pub fn summarise(records: &[ReportingRecord]) -> Vec<ReportingSummary> {
    let mut out: Vec<ReportingSummary> = Vec::new();
    for r in records {
        let i = match out.iter().position(|s| s.unit == r.unit) {
            Some(i) => i,
            None => {
                out.push(ReportingSummary {
                    unit: r.unit.clone(),
                    expected: 0,
                    submitted: 0,
                    on_time: 0,
                    late: 0,
                    missing: 0,
                    returned_times: 0,
                    completeness: None,
                    timeliness: None,
                });
                out.len() - 1
            }
        };
        let s = &mut out[i];
        if r.status != ReportingStatus::NotYetDue {
            s.expected += 1;
        }
        if r.first_submitted_on.is_some() {
            s.submitted += 1;
        }
        match r.timely {
            Some(true) => s.on_time += 1,
            Some(false) => s.late += 1,
            None => {}
        }
        if r.status == ReportingStatus::Missing {
            s.missing += 1;
        }
        s.returned_times += r.returned_times;
    }
    for s in &mut out {
        if s.expected > 0 {
            let e = f64::from(s.expected);
            s.completeness = Some(f64::from(s.submitted) / e * 100.0);
            s.timeliness = Some(f64::from(s.on_time) / e * 100.0);
        }
    }
    out
}

/// The usual due date for a quarter's report: `days` days after the quarter ends
/// (每季度末后N日内报送). A convenience for the app layer's period set-up.
pub fn due_after_quarter_end(period: Quarter, days: u32) -> NaiveDate {
    let next = period.next();
    let first_of_next = NaiveDate::from_ymd_opt(next.year(), next.end_month() - 2, 1)
        .expect("the first day of a quarter's first month exists");
    let end = first_of_next.pred_opt().expect("a day before exists");
    end + chrono::Days::new(u64::from(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn ob(events: &[(&str, ReportEventKind)]) -> ReportObligation {
        ReportObligation {
            unit: "市科技局".into(),
            period: Quarter::parse("2024Q1").expect("q"),
            due: d("2024-04-10"),
            events: events
                .iter()
                .map(|&(on, kind)| ReportEvent { on: d(on), kind })
                .collect(),
        }
    }

    use ReportEventKind::{Accepted, Returned, Submitted};

    #[test]
    fn submitted_on_the_due_date_is_on_time() {
        let r = assess_obligation(&ob(&[("2024-04-10", Submitted)]), d("2024-05-01"));
        assert_eq!(r.status, ReportingStatus::OnTime);
        assert_eq!(r.review, ReviewState::AwaitingReview);
    }

    #[test]
    fn a_day_after_is_late_by_one_day() {
        let r = assess_obligation(
            &ob(&[("2024-04-11", Submitted), ("2024-04-12", Accepted)]),
            d("2024-05-01"),
        );
        assert_eq!(r.status, ReportingStatus::Late);
        assert_eq!(r.days_late, Some(1));
        assert_eq!(r.describe_zh(), "2024年第一季度进展报告逾期1天报送");
    }

    #[test]
    fn nothing_submitted_is_missing_only_after_the_due_date() {
        assert_eq!(
            assess_obligation(&ob(&[]), d("2024-04-10")).status,
            ReportingStatus::NotYetDue
        );
        assert_eq!(
            assess_obligation(&ob(&[]), d("2024-04-11")).status,
            ReportingStatus::Missing
        );
    }

    #[test]
    fn a_returned_report_counts_its_returns_and_keeps_its_timeliness() {
        let o = ob(&[
            ("2024-04-08", Submitted),
            ("2024-04-09", Returned),
            ("2024-04-12", Submitted),
            ("2024-04-13", Returned),
        ]);
        let r = assess_obligation(&o, d("2024-04-20"));
        assert_eq!(r.status, ReportingStatus::Returned);
        assert_eq!(r.returned_times, 2);
        assert_eq!(r.timely, Some(true));
        // As of the 10th the report was returned once and not yet resubmitted.
        let earlier = assess_obligation(&o, d("2024-04-10"));
        assert_eq!(earlier.returned_times, 1);
    }

    #[test]
    fn events_after_as_of_are_ignored() {
        let r = assess_obligation(&ob(&[("2024-04-15", Submitted)]), d("2024-04-12"));
        assert_eq!(r.status, ReportingStatus::Missing);
    }

    #[test]
    fn the_summary_counts_rates_over_due_obligations() {
        let recs = [
            assess_obligation(&ob(&[("2024-04-01", Submitted)]), d("2024-05-01")),
            assess_obligation(&ob(&[("2024-04-20", Submitted)]), d("2024-05-01")),
            assess_obligation(&ob(&[]), d("2024-05-01")),
        ];
        let s = &summarise(&recs)[0];
        assert_eq!(
            (s.expected, s.submitted, s.on_time, s.late, s.missing),
            (3, 2, 1, 1, 1)
        );
        assert!((s.completeness.expect("rate") - 66.666_666).abs() < 1e-3);
    }

    #[test]
    fn a_return_before_any_submission_is_an_input_error() {
        assert_eq!(ob(&[("2024-04-01", Returned)]).validate().len(), 1);
    }

    #[test]
    fn due_dates_follow_the_quarter_end() {
        let q = |s| Quarter::parse(s).expect("q");
        assert_eq!(due_after_quarter_end(q("2024Q1"), 10), d("2024-04-10"));
        assert_eq!(due_after_quarter_end(q("2023Q4"), 10), d("2024-01-10"));
    }
}
