//! What is due: for a unit and a period, the state of its report as the office sees it —
//! not started, draft, submitted, returned, accepted, late or missing.

use crate::workflow::ReportRecord;
use chrono::{NaiveDate, NaiveDateTime};
use planwatch_model::ReportState;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    /// Nothing saved yet, deadline not passed.
    NotStarted,
    /// Saved (or approved) but not submitted, deadline not passed.
    Draft,
    /// The reporter asked the unit head to approve; deadline not passed.
    AwaitingApproval,
    /// Submitted on time, awaiting review.
    Submitted,
    /// Submitted after the unit's deadline, awaiting review.
    Late,
    /// Returned by the office for correction.
    Returned,
    /// Accepted by the office.
    Accepted,
    /// Deadline passed and nothing submitted.
    Missing,
}

impl DueState {
    pub fn as_str(self) -> &'static str {
        match self {
            DueState::NotStarted => "not_started",
            DueState::Draft => "draft",
            DueState::AwaitingApproval => "awaiting_approval",
            DueState::Submitted => "submitted",
            DueState::Late => "late",
            DueState::Returned => "returned",
            DueState::Accepted => "accepted",
            DueState::Missing => "missing",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DueState::NotStarted => "未开始",
            DueState::Draft => "草稿",
            DueState::AwaitingApproval => "待负责人审核",
            DueState::Submitted => "已报送",
            DueState::Late => "逾期报送",
            DueState::Returned => "已退回",
            DueState::Accepted => "已采纳",
            DueState::Missing => "未报送（已逾期）",
        }
    }
}

/// A unit's report state for the office, with whether it was (first) submitted late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub state: DueState,
    pub late: bool,
}

/// The due state of a report with workflow record `record`, given the unit's `deadline`.
pub fn due_state(record: Option<&ReportRecord>, deadline: NaiveDate, now: NaiveDateTime) -> Due {
    let late = record
        .and_then(|r| r.first_submitted_at)
        .is_some_and(|t| t.date() > deadline);
    let state = match record.map(|r| r.state) {
        None | Some(ReportState::Draft | ReportState::AwaitingApproval | ReportState::Approved)
            if now.date() > deadline =>
        {
            DueState::Missing
        }
        None => DueState::NotStarted,
        Some(ReportState::Draft | ReportState::Approved) => DueState::Draft,
        Some(ReportState::AwaitingApproval) => DueState::AwaitingApproval,
        Some(ReportState::Submitted) if late => DueState::Late,
        Some(ReportState::Submitted) => DueState::Submitted,
        Some(ReportState::Returned) => DueState::Returned,
        Some(ReportState::Accepted) => DueState::Accepted,
    };
    Due { state, late }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time")
    }
    fn deadline() -> NaiveDate {
        NaiveDate::from_ymd_opt(2023, 10, 10).expect("date")
    }
    fn rec(state: ReportState, submitted: Option<&str>) -> ReportRecord {
        ReportRecord {
            state,
            version: 1,
            submissions: u32::from(submitted.is_some()),
            first_submitted_at: submitted.map(t),
            last_submitted_at: submitted.map(t),
            comment: None,
            approved_by: None,
        }
    }

    #[test]
    fn nothing_saved_is_not_started_before_the_deadline_and_missing_after() {
        assert_eq!(
            due_state(None, deadline(), t("2023-10-09 10:00")).state,
            DueState::NotStarted
        );
        assert_eq!(
            due_state(None, deadline(), t("2023-10-11 10:00")).state,
            DueState::Missing
        );
    }

    #[test]
    fn an_unsubmitted_draft_after_the_deadline_is_missing() {
        let r = rec(ReportState::Approved, None);
        assert_eq!(
            due_state(Some(&r), deadline(), t("2023-10-09 10:00")).state,
            DueState::Draft
        );
        assert_eq!(
            due_state(Some(&r), deadline(), t("2023-10-12 10:00")).state,
            DueState::Missing
        );
    }

    #[test]
    fn a_submission_after_the_deadline_is_late_and_stays_flagged_when_accepted() {
        let r = rec(ReportState::Submitted, Some("2023-10-12 10:00"));
        assert_eq!(
            due_state(Some(&r), deadline(), t("2023-10-13 10:00")),
            Due {
                state: DueState::Late,
                late: true
            }
        );
        let r = rec(ReportState::Accepted, Some("2023-10-12 10:00"));
        assert_eq!(
            due_state(Some(&r), deadline(), t("2023-10-13 10:00")),
            Due {
                state: DueState::Accepted,
                late: true
            }
        );
    }

    #[test]
    fn on_time_returned_and_accepted_reports_keep_their_state() {
        let on_time = Some("2023-10-10 18:00");
        for (s, d) in [
            (ReportState::Submitted, DueState::Submitted),
            (ReportState::Returned, DueState::Returned),
            (ReportState::Accepted, DueState::Accepted),
        ] {
            let r = rec(s, on_time);
            assert_eq!(
                due_state(Some(&r), deadline(), t("2023-11-01 10:00")),
                Due {
                    state: d,
                    late: false
                }
            );
        }
    }
}
