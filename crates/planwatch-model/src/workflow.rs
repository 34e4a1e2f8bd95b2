//! The vocabulary of quarterly reports: a task's progress status (已完成 … 其他) and the state
//! of a unit's report in the review workflow (草稿 … 已采纳). The rules that move a report from
//! one state to another live in the reporting crate; this is only the shared words.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub use crate::vocab::TaskStatus;

/// Where a unit's quarterly report stands in the review workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// Being filled in by the unit's reporter.
    Draft,
    /// The reporter has asked the unit head to approve (待负责人审核); it is the head's turn.
    AwaitingApproval,
    /// Approved by the unit head (单位负责人审核), ready to submit.
    Approved,
    /// Submitted to the office, awaiting review.
    Submitted,
    /// Returned by the office with a comment; the unit corrects and resubmits.
    Returned,
    /// Accepted by the office.
    Accepted,
}

impl ReportState {
    pub const ALL: [ReportState; 6] = [
        ReportState::Draft,
        ReportState::AwaitingApproval,
        ReportState::Approved,
        ReportState::Submitted,
        ReportState::Returned,
        ReportState::Accepted,
    ];

    /// Whether the unit head has signed the report off (approved, submitted or accepted): only
    /// then may other units see what it says — a lead unit sees its participants' contributions
    /// from signed-off reports only, never a draft or a returned report being reworked.
    pub fn is_signed_off(self) -> bool {
        matches!(
            self,
            ReportState::Approved | ReportState::Submitted | ReportState::Accepted
        )
    }

    /// Whether the unit may still change what the report says (it is with the unit, not the
    /// office): draft, awaiting the head, approved but not sent, or returned.
    pub fn is_with_unit(self) -> bool {
        matches!(
            self,
            ReportState::Draft
                | ReportState::AwaitingApproval
                | ReportState::Approved
                | ReportState::Returned
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Draft => "draft",
            ReportState::AwaitingApproval => "awaiting_approval",
            ReportState::Approved => "approved",
            ReportState::Submitted => "submitted",
            ReportState::Returned => "returned",
            ReportState::Accepted => "accepted",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ReportState::Draft => "草稿",
            ReportState::AwaitingApproval => "待负责人审核",
            ReportState::Approved => "单位已审核",
            ReportState::Submitted => "已报送",
            ReportState::Returned => "已退回",
            ReportState::Accepted => "已采纳",
        }
    }
}

impl fmt::Display for ReportState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知的报告状态“{0}” (unknown report state)")]
pub struct ReportStateParseError(pub String);

impl FromStr for ReportState {
    type Err = ReportStateParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReportState::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| ReportStateParseError(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_states_round_trip_through_their_names() {
        for s in ReportState::ALL {
            assert_eq!(s.as_str().parse::<ReportState>(), Ok(s));
        }
    }
}
