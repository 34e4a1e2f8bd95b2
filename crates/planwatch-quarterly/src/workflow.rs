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

/// Whether `later`, directly after `earlier` in a report's history, is one more save in the same
/// person's run of saves.
fn same_run(earlier: &WorkflowEvent, later: &WorkflowEvent) -> bool {
    earlier.action == ActionKind::Edit && later.action == ActionKind::Edit && earlier.by == later.by
}

/// Shortens a report's history (in version order) to what anything but the history itself reads:
/// of each run of consecutive saves by one person, only the first and the last are kept. A data
/// platform that posts values all quarter leaves thousands of saves on one report; kept in full
/// they cost memory and time on every read of the plan.
///
/// What stays the same, and why it is enough: every event that is not a save; the first and last
/// event of every kind and person; and, for any moment, which kind of event and whose was the
/// latest by then (the latest kept event at or before it is the run's first, a later kept save of
/// the same run, or the same event as before). Monitoring reads only these: the latest step by a
/// day, the first submission, the first and latest acceptance.
pub fn fold_saves(events: &mut Vec<WorkflowEvent>) {
    if events.len() < 3 {
        return;
    }
    let keep: Vec<bool> = (0..events.len())
        .map(|i| {
            let inner = i > 0
                && i + 1 < events.len()
                && same_run(&events[i - 1], &events[i])
                && same_run(&events[i], &events[i + 1]);
            !inner
        })
        .collect();
    let mut k = keep.iter();
    events.retain(|_| *k.next().unwrap_or(&true));
}

/// One line of a report's history as people read it: an event, or a run of consecutive saves by
/// one person shown as its last save with how many saves it stands for and when the first was.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryLine<'a> {
    /// The event (of a run of saves: the last).
    pub event: &'a WorkflowEvent,
    /// How many saves the line stands for (1 for any other event).
    pub saves: usize,
    /// When the run's first save was (the event's own time for a single event).
    pub first_at: NaiveDateTime,
}

/// A report's history (in version order) as lines, each run of saves by one person as one line.
pub fn history_lines(events: &[WorkflowEvent]) -> Vec<HistoryLine<'_>> {
    let mut out: Vec<HistoryLine<'_>> = Vec::new();
    for e in events {
        match out.last_mut() {
            Some(l) if same_run(l.event, e) => {
                l.event = e;
                l.saves += 1;
            }
            _ => out.push(HistoryLine {
                event: e,
                saves: 1,
                first_at: e.at,
            }),
        }
    }
    out
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

    /// A history made by applying random steps (those the workflow refuses are skipped) by two
    /// reporters, the unit head and the office, minutes to days apart.
    fn history(steps: &[(u8, u8, u16)]) -> Vec<WorkflowEvent> {
        let reporter2 = Actor {
            user: "reporter-2".into(),
            ..actor(Role::Reporter)
        };
        let people = [
            actor(Role::Reporter),
            reporter2,
            actor(Role::UnitHead),
            actor(Role::Office),
        ];
        let mut at = now();
        let mut rec: Option<ReportRecord> = None;
        let mut events = Vec::new();
        for &(kind, who, minutes) in steps {
            // Saves are the common step, as in a quarter of a data platform's posts.
            let kind = ActionKind::ALL
                .get(usize::from(kind).saturating_sub(6))
                .copied()
                .unwrap_or(ActionKind::Edit);
            at += chrono::Duration::minutes(i64::from(minutes));
            let who = &people[usize::from(who) % people.len()];
            let v = rec.as_ref().map_or(0, |r| r.version);
            if let Ok((r, e)) = apply(rec.as_ref(), UNIT, &action(kind), who, v, at) {
                events.push(e);
                rec = Some(r);
            }
        }
        events
    }

    /// The kind and person of the latest event at or before `t`.
    fn latest_by(events: &[WorkflowEvent], t: NaiveDateTime) -> Option<(ActionKind, &str)> {
        events
            .iter()
            .rfind(|e| e.at <= t)
            .map(|e| (e.action, e.by.as_str()))
    }

    proptest::proptest! {
        #[test]
        fn folding_saves_keeps_what_monitoring_reads(
            steps in proptest::collection::vec((0u8..13, 0u8..4, 0u16..3000), 0..80)
        ) {
            let full = history(&steps);
            let mut folded = full.clone();
            fold_saves(&mut folded);
            let others = |v: &[WorkflowEvent]| -> Vec<WorkflowEvent> {
                v.iter().filter(|e| e.action != ActionKind::Edit).cloned().collect()
            };
            proptest::prop_assert_eq!(others(&full), others(&folded));
            proptest::prop_assert_eq!(full.last(), folded.last());
            for e in &full {
                for t in [e.at - chrono::Duration::seconds(1), e.at] {
                    proptest::prop_assert_eq!(latest_by(&full, t), latest_by(&folded, t));
                }
                for k in ActionKind::ALL {
                    let of = |v: &[WorkflowEvent]| {
                        let f = v.iter().find(|x| x.action == k && x.by == e.by).cloned();
                        let l = v.iter().rfind(|x| x.action == k && x.by == e.by).cloned();
                        (f, l)
                    };
                    proptest::prop_assert_eq!(of(&full), of(&folded));
                }
            }
            // Folding twice changes nothing more, and the history lines are the same either way
            // except for how many saves a run stands for.
            let mut again = folded.clone();
            fold_saves(&mut again);
            proptest::prop_assert_eq!(&again, &folded);
            // A kept history folded, with the events after it appended and folded again (how a
            // cache brings a report up to date), is the whole history folded.
            for cut in 0..=full.len() {
                let mut kept = full[..cut].to_vec();
                fold_saves(&mut kept);
                kept.extend_from_slice(&full[cut..]);
                fold_saves(&mut kept);
                proptest::prop_assert_eq!(&kept, &folded);
            }
            let lines = history_lines(&full);
            proptest::prop_assert_eq!(lines.iter().map(|l| l.saves).sum::<usize>(), full.len());
            let strip = |v: Vec<HistoryLine<'_>>| -> Vec<(WorkflowEvent, NaiveDateTime)> {
                v.into_iter().map(|l| (l.event.clone(), l.first_at)).collect()
            };
            proptest::prop_assert_eq!(strip(lines), strip(history_lines(&folded)));
        }
    }

    #[test]
    fn a_run_of_saves_is_one_history_line_and_its_first_and_last_are_kept() {
        // Saves by the reporter, one by a second reporter, then the reporter again.
        let steps: Vec<(u8, u8, u16)> = [0, 0, 0, 0]
            .iter()
            .map(|_| (0, 0, 10))
            .chain([(0, 1, 10), (0, 0, 10), (0, 0, 10)])
            .collect();
        let full = history(&steps);
        assert_eq!(full.len(), 7);
        let mut folded = full.clone();
        fold_saves(&mut folded);
        assert_eq!(
            folded.iter().map(|e| e.version).collect::<Vec<_>>(),
            [1, 4, 5, 6, 7]
        );
        let lines = history_lines(&full);
        assert_eq!(
            lines
                .iter()
                .map(|l| (l.event.version, l.saves))
                .collect::<Vec<_>>(),
            [(4, 4), (5, 1), (7, 2)]
        );
        assert_eq!(lines[0].first_at, full[0].at);
    }
}
