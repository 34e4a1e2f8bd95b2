//! The review workflow of a unit's quarterly report: draft (reporter) → approved by the unit head
//! → submitted → accepted, or returned with a comment by the office → corrected → resubmitted.
//! Which role may do what is decided here, forbidden transitions are typed errors, and every
//! change carries a version number so that concurrent edits never silently overwrite each other.

use chrono::NaiveDateTime;
use planwatch_model::{ReportState, Role, UnitName};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Who is acting: a user, their role and, for unit-bound roles, their unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user: String,
    pub role: Role,
    pub unit: Option<UnitName>,
}

/// What someone wants to do to a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Save content (creates the report as a draft if there is none).
    Edit,
    /// The reporter asks the unit head to approve (提请单位负责人审核).
    RequestApproval,
    /// The unit head approves the content (单位负责人审核).
    Approve,
    /// Send the approved report to the office.
    Submit,
    /// The office accepts the report.
    Accept,
    /// The office returns the report with a comment saying what to correct.
    Return { comment: String },
    /// The office reopens an accepted report for correction, saying why.
    Reopen { reason: String },
}

/// The kind of an action, without its text; used in the permission table and audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Edit,
    RequestApproval,
    Approve,
    Submit,
    Accept,
    Return,
    Reopen,
}

impl ActionKind {
    pub const ALL: [ActionKind; 7] = [
        ActionKind::Edit,
        ActionKind::RequestApproval,
        ActionKind::Approve,
        ActionKind::Submit,
        ActionKind::Accept,
        ActionKind::Return,
        ActionKind::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Edit => "edit",
            ActionKind::RequestApproval => "request_approval",
            ActionKind::Approve => "approve",
            ActionKind::Submit => "submit",
            ActionKind::Accept => "accept",
            ActionKind::Return => "return",
            ActionKind::Reopen => "reopen",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ActionKind::Edit => "填写保存",
            ActionKind::RequestApproval => "提请负责人审核",
            ActionKind::Approve => "审核同意",
            ActionKind::Submit => "报送",
            ActionKind::Accept => "采纳",
            ActionKind::Return => "退回",
            ActionKind::Reopen => "重新开放",
        }
    }

    /// The permission table: which role may do which action.
    pub fn allowed_for(self, role: Role) -> bool {
        match self {
            ActionKind::Edit | ActionKind::Submit => {
                matches!(role, Role::Reporter | Role::UnitHead)
            }
            ActionKind::RequestApproval => role == Role::Reporter,
            ActionKind::Approve => role == Role::UnitHead,
            ActionKind::Accept | ActionKind::Return | ActionKind::Reopen => role == Role::Office,
        }
    }

    /// The states this action may start from (`None` = the report does not exist yet).
    fn start_states(self) -> &'static [Option<ReportState>] {
        use ReportState::*;
        match self {
            ActionKind::Edit => &[
                None,
                Some(Draft),
                Some(AwaitingApproval),
                Some(Approved),
                Some(Returned),
            ],
            ActionKind::RequestApproval => &[Some(Draft), Some(Returned)],
            ActionKind::Approve => &[Some(Draft), Some(AwaitingApproval), Some(Returned)],
            ActionKind::Submit => &[Some(Approved)],
            ActionKind::Accept | ActionKind::Return => &[Some(Submitted)],
            ActionKind::Reopen => &[Some(Accepted)],
        }
    }

    fn to_state(self, from: Option<ReportState>) -> ReportState {
        match self {
            // Changing approved content withdraws the approval, and changing content that
            // awaits approval withdraws the request (the head is asked again); a returned report
            // stays returned until it is approved again, so the office's comment stays visible.
            ActionKind::Edit => match from {
                Some(ReportState::Returned) => ReportState::Returned,
                _ => ReportState::Draft,
            },
            ActionKind::RequestApproval => ReportState::AwaitingApproval,
            ActionKind::Approve => ReportState::Approved,
            ActionKind::Submit => ReportState::Submitted,
            ActionKind::Accept => ReportState::Accepted,
            ActionKind::Return | ActionKind::Reopen => ReportState::Returned,
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Edit => ActionKind::Edit,
            Action::RequestApproval => ActionKind::RequestApproval,
            Action::Approve => ActionKind::Approve,
            Action::Submit => ActionKind::Submit,
            Action::Accept => ActionKind::Accept,
            Action::Return { .. } => ActionKind::Return,
            Action::Reopen { .. } => ActionKind::Reopen,
        }
    }

    fn comment(&self) -> Option<&str> {
        match self {
            Action::Return { comment } => Some(comment),
            Action::Reopen { reason } => Some(reason),
            _ => None,
        }
    }
}

/// The workflow state of one report, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRecord {
    pub state: ReportState,
    /// Increases by one with every change; a change must name the version it was based on.
    pub version: u64,
    /// How many times it was submitted (more than one: resubmitted).
    pub submissions: u32,
    pub first_submitted_at: Option<NaiveDateTime>,
    pub last_submitted_at: Option<NaiveDateTime>,
    /// The office's latest return comment or reopening reason.
    pub comment: Option<String>,
    pub approved_by: Option<String>,
}

impl ReportRecord {
    pub fn is_resubmission(&self) -> bool {
        self.submissions > 1
    }

    /// The office's return comment while it is still to be acted on: closed once the report is
    /// accepted (it stays in the events, the report's history).
    pub fn open_comment(&self) -> Option<&str> {
        match self.state {
            ReportState::Accepted => None,
            _ => self.comment.as_deref().filter(|c| !c.is_empty()),
        }
    }
}

/// One audited step of the workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowEvent {
    pub action: ActionKind,
    pub from: Option<ReportState>,
    pub to: ReportState,
    pub by: String,
    pub role: Role,
    pub at: NaiveDateTime,
    pub comment: Option<String>,
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("角色“{}”不能{}报告", .role.label_zh(), .action.label_zh())]
    Forbidden { role: Role, action: ActionKind },
    #[error("只能处理本单位的报告：该报告属于“{report_unit}”，当前用户属于“{actor_unit}”")]
    OtherUnit {
        report_unit: String,
        actor_unit: String,
    },
    #[error("报告处于“{}”状态，不能{}", .state.map_or("未填报", |s| s.label_zh()), .action.label_zh())]
    NotAllowedInState {
        state: Option<ReportState>,
        action: ActionKind,
    },
    #[error("{}时须填写意见或原因", .0.label_zh())]
    CommentRequired(ActionKind),
    #[error("报告已被他人修改：当前版本 {actual}，你依据的是版本 {expected}；请重新打开后再操作")]
    VersionConflict { expected: u64, actual: u64 },
}

/// Applies `action` by `actor` to the report of `report_unit` whose current record is `current`
/// (`None`: not yet created), provided the actor saw version `expected_version` (0 for a new
/// report). Returns the new record and the event to audit; the input is never changed.
pub fn apply(
    current: Option<&ReportRecord>,
    report_unit: &str,
    action: &Action,
    actor: &Actor,
    expected_version: u64,
    now: NaiveDateTime,
) -> Result<(ReportRecord, WorkflowEvent), WorkflowError> {
    let kind = action.kind();
    if !kind.allowed_for(actor.role) {
        return Err(WorkflowError::Forbidden {
            role: actor.role,
            action: kind,
        });
    }
    if actor.role.is_unit_bound() && actor.unit.as_deref() != Some(report_unit) {
        return Err(WorkflowError::OtherUnit {
            report_unit: report_unit.to_string(),
            actor_unit: actor.unit.as_deref().unwrap_or("（未指定）").to_string(),
        });
    }
    let actual = current.map_or(0, |r| r.version);
    if actual != expected_version {
        return Err(WorkflowError::VersionConflict {
            expected: expected_version,
            actual,
        });
    }
    let from = current.map(|r| r.state);
    if !kind.start_states().contains(&from) {
        return Err(WorkflowError::NotAllowedInState {
            state: from,
            action: kind,
        });
    }
    let comment = action.comment().map(str::trim);
    if comment.is_some_and(str::is_empty) {
        return Err(WorkflowError::CommentRequired(kind));
    }
    let to = kind.to_state(from);
    let mut rec = current.cloned().unwrap_or(ReportRecord {
        state: ReportState::Draft,
        version: 0,
        submissions: 0,
        first_submitted_at: None,
        last_submitted_at: None,
        comment: None,
        approved_by: None,
    });
    rec.state = to;
    rec.version = actual + 1;
    match kind {
        ActionKind::Edit => rec.approved_by = None,
        ActionKind::Approve => rec.approved_by = Some(actor.user.clone()),
        ActionKind::Submit => {
            rec.submissions += 1;
            rec.first_submitted_at.get_or_insert(now);
            rec.last_submitted_at = Some(now);
        }
        ActionKind::Return | ActionKind::Reopen => {
            rec.comment = comment.map(str::to_string);
            rec.approved_by = None;
        }
        ActionKind::RequestApproval | ActionKind::Accept => {}
    }
    let event = WorkflowEvent {
        action: kind,
        from,
        to,
        by: actor.user.clone(),
        role: actor.role,
        at: now,
        comment: comment.map(str::to_string),
        version: rec.version,
    };
    Ok((rec, event))
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIT: &str = "市科技局";

    fn now() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2023-10-08 10:00", "%Y-%m-%d %H:%M").expect("time")
    }

    fn actor(role: Role) -> Actor {
        Actor {
            user: format!("{role}-user"),
            role,
            unit: role.is_unit_bound().then(|| UNIT.into()),
        }
    }

    fn action(kind: ActionKind) -> Action {
        match kind {
            ActionKind::Edit => Action::Edit,
            ActionKind::RequestApproval => Action::RequestApproval,
            ActionKind::Approve => Action::Approve,
            ActionKind::Submit => Action::Submit,
            ActionKind::Accept => Action::Accept,
            ActionKind::Return => Action::Return {
                comment: "数据来源不明".into(),
            },
            ActionKind::Reopen => Action::Reopen {
                reason: "统计口径调整".into(),
            },
        }
    }

    /// A record in `state` at version 3.
    fn record(state: Option<ReportState>) -> Option<ReportRecord> {
        state.map(|state| ReportRecord {
            state,
            version: 3,
            submissions: u32::from(matches!(
                state,
                ReportState::Submitted | ReportState::Returned | ReportState::Accepted
            )),
            first_submitted_at: None,
            last_submitted_at: None,
            comment: None,
            approved_by: None,
        })
    }

    fn step(
        state: Option<ReportState>,
        kind: ActionKind,
        role: Role,
    ) -> Result<ReportState, WorkflowError> {
        let rec = record(state);
        let v = rec.as_ref().map_or(0, |r| r.version);
        apply(rec.as_ref(), UNIT, &action(kind), &actor(role), v, now()).map(|(r, _)| r.state)
    }

    /// The whole table: every state × action × role, with the expected outcome.
    #[test]
    fn a_return_comment_is_open_until_the_report_is_accepted() {
        let office = actor(Role::Office);
        let head = actor(Role::UnitHead);
        let submitted = record(Some(ReportState::Submitted));
        let (returned, ev) = apply(
            submitted.as_ref(),
            UNIT,
            &action(ActionKind::Return),
            &office,
            3,
            now(),
        )
        .expect("return");
        assert_eq!(returned.open_comment(), Some("数据来源不明"));
        assert_eq!(ev.comment.as_deref(), Some("数据来源不明"));
        let (approved, _) =
            apply(Some(&returned), UNIT, &Action::Approve, &head, 4, now()).expect("approve");
        let (resent, _) =
            apply(Some(&approved), UNIT, &Action::Submit, &head, 5, now()).expect("submit");
        assert_eq!(
            resent.open_comment(),
            Some("数据来源不明"),
            "still open under review"
        );
        let (accepted, _) =
            apply(Some(&resent), UNIT, &Action::Accept, &office, 6, now()).expect("accept");
        assert_eq!(accepted.open_comment(), None, "closed on acceptance");
        assert_eq!(
            accepted.comment.as_deref(),
            Some("数据来源不明"),
            "kept on record"
        );
    }

    #[test]
    fn every_transition_is_allowed_or_forbidden_as_the_table_says() {
        use ReportState::*;
        let allowed: &[(Option<ReportState>, ActionKind, &[Role], ReportState)] = &[
            (
                None,
                ActionKind::Edit,
                &[Role::Reporter, Role::UnitHead],
                Draft,
            ),
            (
                Some(Draft),
                ActionKind::Edit,
                &[Role::Reporter, Role::UnitHead],
                Draft,
            ),
            (
                Some(Approved),
                ActionKind::Edit,
                &[Role::Reporter, Role::UnitHead],
                Draft,
            ),
            (
                Some(Returned),
                ActionKind::Edit,
                &[Role::Reporter, Role::UnitHead],
                Returned,
            ),
            (
                Some(AwaitingApproval),
                ActionKind::Edit,
                &[Role::Reporter, Role::UnitHead],
                Draft,
            ),
            (
                Some(Draft),
                ActionKind::RequestApproval,
                &[Role::Reporter],
                AwaitingApproval,
            ),
            (
                Some(Returned),
                ActionKind::RequestApproval,
                &[Role::Reporter],
                AwaitingApproval,
            ),
            (
                Some(AwaitingApproval),
                ActionKind::Approve,
                &[Role::UnitHead],
                Approved,
            ),
            (
                Some(Draft),
                ActionKind::Approve,
                &[Role::UnitHead],
                Approved,
            ),
            (
                Some(Returned),
                ActionKind::Approve,
                &[Role::UnitHead],
                Approved,
            ),
            (
                Some(Approved),
                ActionKind::Submit,
                &[Role::Reporter, Role::UnitHead],
                Submitted,
            ),
            (
                Some(Submitted),
                ActionKind::Accept,
                &[Role::Office],
                Accepted,
            ),
            (
                Some(Submitted),
                ActionKind::Return,
                &[Role::Office],
                Returned,
            ),
            (
                Some(Accepted),
                ActionKind::Reopen,
                &[Role::Office],
                Returned,
            ),
        ];
        let states = std::iter::once(None).chain(ReportState::ALL.into_iter().map(Some));
        let mut checked = 0;
        for state in states {
            for kind in ActionKind::ALL {
                for role in Role::ALL {
                    let expected = allowed
                        .iter()
                        .find(|(s, k, roles, _)| *s == state && *k == kind && roles.contains(&role))
                        .map(|(_, _, _, to)| *to);
                    let got = step(state, kind, role);
                    match expected {
                        Some(to) => assert_eq!(got, Ok(to), "{state:?} {kind:?} {role:?}"),
                        None => assert!(got.is_err(), "{state:?} {kind:?} {role:?} should fail"),
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 7 * 7 * 6);
    }

    #[test]
    fn a_reporter_may_not_approve_and_the_error_says_so() {
        let e = step(
            Some(ReportState::Draft),
            ActionKind::Approve,
            Role::Reporter,
        )
        .expect_err("forbidden");
        assert_eq!(
            e,
            WorkflowError::Forbidden {
                role: Role::Reporter,
                action: ActionKind::Approve
            }
        );
        assert_eq!(e.to_string(), "角色“填报员”不能审核同意报告");
    }

    #[test]
    fn submitting_a_draft_without_approval_is_refused() {
        let e = step(Some(ReportState::Draft), ActionKind::Submit, Role::UnitHead)
            .expect_err("not approved");
        assert_eq!(e.to_string(), "报告处于“草稿”状态，不能报送");
    }

    #[test]
    fn a_unit_head_of_another_unit_cannot_touch_the_report() {
        let other = Actor {
            user: "u".into(),
            role: Role::UnitHead,
            unit: Some("市财政局".into()),
        };
        let rec = record(Some(ReportState::Draft));
        let e =
            apply(rec.as_ref(), UNIT, &Action::Approve, &other, 3, now()).expect_err("other unit");
        assert!(matches!(e, WorkflowError::OtherUnit { .. }));
    }

    #[test]
    fn returning_without_a_comment_is_refused() {
        let rec = record(Some(ReportState::Submitted));
        let e = apply(
            rec.as_ref(),
            UNIT,
            &Action::Return {
                comment: "  ".into(),
            },
            &actor(Role::Office),
            3,
            now(),
        )
        .expect_err("no comment");
        assert_eq!(e, WorkflowError::CommentRequired(ActionKind::Return));
    }

    #[test]
    fn a_stale_version_never_overwrites_a_newer_change() {
        let rec = record(Some(ReportState::Draft));
        let e = apply(
            rec.as_ref(),
            UNIT,
            &Action::Edit,
            &actor(Role::Reporter),
            2,
            now(),
        )
        .expect_err("stale");
        assert_eq!(
            e,
            WorkflowError::VersionConflict {
                expected: 2,
                actual: 3
            }
        );
        let e =
            apply(None, UNIT, &Action::Edit, &actor(Role::Reporter), 1, now()).expect_err("stale");
        assert!(matches!(e, WorkflowError::VersionConflict { .. }));
    }

    #[test]
    fn two_editors_starting_from_the_same_version_cannot_both_win() {
        let rec = record(Some(ReportState::Draft)).expect("record");
        let (first, _) = apply(
            Some(&rec),
            UNIT,
            &Action::Edit,
            &actor(Role::Reporter),
            3,
            now(),
        )
        .expect("first");
        let second = apply(
            Some(&first),
            UNIT,
            &Action::Edit,
            &actor(Role::UnitHead),
            3,
            now(),
        );
        assert!(matches!(second, Err(WorkflowError::VersionConflict { .. })));
    }

    #[test]
    fn the_full_journey_records_a_resubmission_and_the_first_submission_time() {
        let rep = actor(Role::Reporter);
        let head = actor(Role::UnitHead);
        let office = actor(Role::Office);
        let t1 = now();
        let t2 = t1 + chrono::Duration::days(5);
        let mut events = Vec::new();
        let mut rec: Option<ReportRecord> = None;
        let steps: Vec<(Action, &Actor, NaiveDateTime)> = vec![
            (Action::Edit, &rep, t1),
            (Action::Approve, &head, t1),
            (Action::Submit, &rep, t1),
            (
                Action::Return {
                    comment: "补充佐证材料".into(),
                },
                &office,
                t1,
            ),
            (Action::Edit, &rep, t2),
            (Action::Approve, &head, t2),
            (Action::Submit, &head, t2),
            (Action::Accept, &office, t2),
        ];
        for (a, who, at) in steps {
            let v = rec.as_ref().map_or(0, |r| r.version);
            let (r, e) = apply(rec.as_ref(), UNIT, &a, who, v, at).expect("allowed");
            events.push(e);
            rec = Some(r);
        }
        let rec = rec.expect("record");
        assert_eq!(rec.state, ReportState::Accepted);
        assert_eq!(rec.version, 8);
        assert!(rec.is_resubmission());
        assert_eq!(rec.first_submitted_at, Some(t1));
        assert_eq!(rec.last_submitted_at, Some(t2));
        assert_eq!(rec.comment.as_deref(), Some("补充佐证材料"));
        assert_eq!(events[3].to, ReportState::Returned);
        assert_eq!(events[4].to, ReportState::Returned);
        assert_eq!(
            events.iter().map(|e| e.version).collect::<Vec<_>>(),
            (1..=8).collect::<Vec<_>>()
        );
    }
}
