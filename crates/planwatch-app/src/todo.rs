//! 待办: what each person has to do next, from the reports on record, the reporting periods and
//! the current assessment. One list serves the home page, the count in the navigation and
//! `GET /api/v1/todo`; every word and date in it is decided here.
//!
//! - 填报员: a quarter to fill in (due), a report the head approved and that waits to be sent, a
//!   report returned by the office (with its comment), a quarter overdue — per quarter.
//! - 单位负责人: reports of the unit awaiting approval (待负责人审核), and the unit's overdue quarters.
//! - 领导小组办公室 / 系统管理员: reports to review, units overdue, extensions asked for.
//! - 专班: its tasks that lag or are overdue.
//! - 领导: red indicators and overdue milestones.

use crate::reporting::Context;
use chrono::{NaiveDate, NaiveDateTime};
use planwatch_model::{Light, Quarter, ReportState, Role, TaskStatus, UnitName};
use planwatch_monitor::assess::Assessment;
use planwatch_quarterly::DueState;
use planwatch_quarterly::due::due_state;
use planwatch_quarterly::period::PeriodState;
use planwatch_store::{ExtensionRequest, StoredReport, User};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What kind of thing is to be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TodoKind {
    /// The office returned the report: correct and send again.
    Returned,
    /// The unit head's turn: a report awaits approval (待负责人审核).
    Approve,
    /// The office's turn: a report was sent and awaits review.
    Review,
    /// The head approved the report; it waits to be sent to the office.
    Submit,
    /// A unit asked for more time.
    ExtensionAsked,
    /// The deadline passed and the unit's report has not been sent.
    Overdue,
    /// A unit's report is overdue (the office's view).
    UnitOverdue,
    /// A quarter's report to fill in before its deadline.
    Fill,
    /// A task of the task force lags behind its schedule or is overdue.
    LaggingTask,
    /// An indicator is red.
    RedIndicator,
    /// A milestone is past its date and not done.
    OverdueMilestone,
}

impl TodoKind {
    pub const ALL: [TodoKind; 11] = [
        TodoKind::Returned,
        TodoKind::Approve,
        TodoKind::Review,
        TodoKind::Submit,
        TodoKind::ExtensionAsked,
        TodoKind::Overdue,
        TodoKind::UnitOverdue,
        TodoKind::Fill,
        TodoKind::LaggingTask,
        TodoKind::RedIndicator,
        TodoKind::OverdueMilestone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TodoKind::Returned => "returned",
            TodoKind::Overdue => "overdue",
            TodoKind::Submit => "submit",
            TodoKind::Fill => "fill",
            TodoKind::Approve => "approve",
            TodoKind::Review => "review",
            TodoKind::ExtensionAsked => "extension_asked",
            TodoKind::UnitOverdue => "unit_overdue",
            TodoKind::LaggingTask => "lagging_task",
            TodoKind::RedIndicator => "red_indicator",
            TodoKind::OverdueMilestone => "overdue_milestone",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            TodoKind::Returned => "退回修改",
            TodoKind::Overdue => "已逾期",
            TodoKind::Submit => "待报送",
            TodoKind::Fill => "待填报",
            TodoKind::Approve => "待审核",
            TodoKind::Review => "待审核",
            TodoKind::ExtensionAsked => "延期申请",
            TodoKind::UnitOverdue => "逾期未报",
            TodoKind::LaggingTask => "任务滞后",
            TodoKind::RedIndicator => "指标红灯",
            TodoKind::OverdueMilestone => "节点逾期",
        }
    }

    /// Whether it waits on the person's own step (a return to correct, a report to approve,
    /// review or send, a request to decide).
    pub fn waits_on_person(self) -> bool {
        matches!(
            self,
            TodoKind::Returned
                | TodoKind::Approve
                | TodoKind::Review
                | TodoKind::Submit
                | TodoKind::ExtensionAsked
        )
    }

    /// Whether it is urgent (shown in red).
    pub fn urgent(self) -> bool {
        matches!(
            self,
            TodoKind::Returned
                | TodoKind::Overdue
                | TodoKind::UnitOverdue
                | TodoKind::RedIndicator
                | TodoKind::OverdueMilestone
        )
    }
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TodoItem {
    pub kind: TodoKind,
    /// The kind in words (退回修改, 待审核 …).
    pub label: &'static str,
    /// What to do, in one line naming the unit and the quarter.
    pub title: String,
    /// The office's comment, the lag, the days overdue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Where to do it (a path of the web app).
    pub link: String,
    /// By when (the unit's deadline), if there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// The quarter it concerns (e.g. 2024Q2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub urgent: bool,
    /// The plan it belongs to (its code), when the person works for several plans.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// That plan's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_title: Option<String>,
}

impl TodoItem {
    /// The same item as one of several plans' lists: its link names the plan (`/p/{code}…`).
    pub fn in_plan(mut self, code: &str, title: &str) -> TodoItem {
        if self.link.starts_with('/') && !self.link.starts_with("/p/") {
            self.link = format!("/p/{code}{}", self.link);
        }
        self.plan = Some(code.to_string());
        self.plan_title = Some(title.to_string());
        self
    }
}

/// One to-do list out of several plans' lists: what waits on the person first, then what is
/// overdue, then what is coming (the order of [`for_user`]), by date within each.
pub fn merge(lists: Vec<Vec<TodoItem>>) -> Vec<TodoItem> {
    let mut all: Vec<(usize, TodoItem)> = lists
        .into_iter()
        .flat_map(|l| l.into_iter().enumerate())
        .collect();
    // A stable sort on (urgency rank within its own list, due date) keeps each list's order.
    all.sort_by(|(ia, a), (ib, b)| {
        rank(a.kind)
            .cmp(&rank(b.kind))
            .then(a.due.cmp(&b.due))
            .then(ia.cmp(ib))
    });
    all.into_iter().map(|(_, t)| t).collect()
}

/// Where a kind goes in a merged list: waiting on the person, then overdue, then coming.
fn rank(kind: TodoKind) -> u8 {
    if kind.waits_on_person() {
        0
    } else if kind.urgent() {
        1
    } else {
        2
    }
}

/// What the to-do lists are made from.
pub struct Inputs<'a> {
    pub ctx: &'a Context,
    /// Every report on record (all quarters).
    pub reports: &'a [Arc<StoredReport>],
    /// `reports` by unit and quarter ([`Inputs::index`]): the office's list looks up every
    /// unit's report of every open quarter.
    pub by_unit: HashMap<(&'a str, Quarter), &'a StoredReport>,
    /// Unit name → its id in the web app's links.
    pub unit_ids: &'a BTreeMap<String, i64>,
    /// The current assessment (for task forces and leaders), if there are reports.
    pub assessment: Option<&'a Assessment>,
    /// Extension requests not yet decided.
    pub extensions_asked: &'a [ExtensionRequest],
    /// Now, in China's time.
    pub now: NaiveDateTime,
}

/// The link to a unit's report of a quarter.
pub fn report_link(unit_ids: &BTreeMap<String, i64>, unit: &str, q: Quarter) -> String {
    match unit_ids.get(unit) {
        Some(id) => format!("/reports/{id}/{q}"),
        None => format!("/reports?period={q}"),
    }
}

fn date_zh(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// The to-do list of `user`: what waits on them first (a return to correct, a report to approve
/// or review), then what is overdue, then what is coming; by date within each kind.
pub fn for_user(user: &User, i: &Inputs<'_>) -> Vec<TodoItem> {
    let mut out = match user.role {
        Role::Reporter | Role::UnitHead => match &user.unit {
            Some(u) => unit_items(user.role, u, i),
            None => Vec::new(),
        },
        Role::Office | Role::Admin => office_items(i),
        Role::TaskForce => match &user.task_force {
            Some(tf) => task_force_items(tf, i),
            None => Vec::new(),
        },
        Role::Leader => leader_items(i),
    };
    out.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then(a.due.cmp(&b.due))
            .then(a.title.cmp(&b.title))
    });
    out
}

fn item(
    kind: TodoKind,
    title: String,
    detail: Option<String>,
    link: String,
    due: Option<NaiveDate>,
    period: Option<Quarter>,
    unit: Option<&str>,
) -> TodoItem {
    TodoItem {
        kind,
        label: kind.label_zh(),
        title,
        detail,
        link,
        due,
        period: period.map(|q| q.to_string()),
        unit: unit.map(str::to_string),
        urgent: kind.urgent(),
        plan: None,
        plan_title: None,
    }
}

/// The quarters whose reports can be worked on now (open, or past the deadline but not locked).
fn workable_periods<'a>(
    i: &'a Inputs<'_>,
) -> impl Iterator<Item = &'a planwatch_quarterly::period::ReportingPeriod> + 'a {
    i.ctx
        .periods
        .iter()
        .filter(|p| matches!(p.state_at(i.now), PeriodState::Open | PeriodState::Closed))
}

fn report_of<'a>(i: &'a Inputs<'_>, unit: &str, q: Quarter) -> Option<&'a StoredReport> {
    i.by_unit.get(&(unit, q)).copied()
}

impl<'a> Inputs<'a> {
    /// `reports` by unit and quarter (the first of each, should there be two).
    pub fn index(
        reports: &'a [Arc<StoredReport>],
    ) -> HashMap<(&'a str, Quarter), &'a StoredReport> {
        let mut out = HashMap::with_capacity(reports.len());
        for r in reports {
            out.entry((r.unit.as_str(), r.period)).or_insert(&**r);
        }
        out
    }
}

fn overdue_days(deadline: NaiveDate, now: NaiveDateTime) -> i64 {
    (now.date() - deadline).num_days()
}

/// 截止日期 2024年7月10日，已逾期 880 天.
fn overdue_detail(deadline: NaiveDate, now: NaiveDateTime) -> String {
    format!(
        "截止日期 {}，已逾期 {} 天",
        date_zh(deadline),
        overdue_days(deadline, now)
    )
}

fn unit_items(role: Role, unit: &UnitName, i: &Inputs<'_>) -> Vec<TodoItem> {
    let inputs = i.ctx.inputs();
    let mut out = Vec::new();
    for p in workable_periods(i) {
        let q = p.quarter;
        if !inputs.reports_anything(unit, q) {
            continue;
        }
        let deadline = p.deadline_for(unit);
        let r = report_of(i, unit, q);
        let due = due_state(r.map(|r| &r.record), deadline, i.now);
        let link = report_link(i.unit_ids, unit, q);
        let label = q.label_zh();
        let state = r.map(|r| r.record.state);
        let reporter = role == Role::Reporter;
        let awaiting = state == Some(ReportState::AwaitingApproval);
        match due.state {
            // Late and with the head: the head's turn, not the reporter's.
            DueState::Missing if awaiting && !reporter => out.push(item(
                TodoKind::Approve,
                format!("{label}报告待您审核（已逾期）"),
                Some(overdue_detail(deadline, i.now)),
                link,
                Some(deadline),
                Some(q),
                Some(unit),
            )),
            DueState::Missing if awaiting => {}
            DueState::Missing => out.push(item(
                TodoKind::Overdue,
                format!("{label}报告已逾期，尽快填报并报送"),
                Some(overdue_detail(deadline, i.now)),
                link,
                Some(deadline),
                Some(q),
                Some(unit),
            )),
            DueState::Returned if reporter => out.push(item(
                TodoKind::Returned,
                format!("{label}报告被退回，请修改后重新报送"),
                r.and_then(|r| r.record.comment.clone())
                    .map(|c| format!("退回意见：{c}")),
                link,
                Some(deadline),
                Some(q),
                Some(unit),
            )),
            DueState::NotStarted | DueState::Draft
                if reporter && state == Some(ReportState::Approved) =>
            {
                out.push(item(
                    TodoKind::Submit,
                    format!("{label}报告负责人已审核，请报送"),
                    None,
                    link,
                    Some(deadline),
                    Some(q),
                    Some(unit),
                ))
            }
            DueState::NotStarted | DueState::Draft if reporter => out.push(item(
                TodoKind::Fill,
                format!("填报{label}报告"),
                Some(format!("截止日期 {}", date_zh(deadline))),
                link,
                Some(deadline),
                Some(q),
                Some(unit),
            )),
            DueState::AwaitingApproval if !reporter => out.push(item(
                TodoKind::Approve,
                format!("{label}报告待您审核"),
                r.map(|r| r.content.filled_by.trim())
                    .filter(|s| !s.is_empty())
                    .map(|s| format!("填报人：{s}；截止日期 {}", date_zh(deadline))),
                link,
                Some(deadline),
                Some(q),
                Some(unit),
            )),
            _ => {}
        }
    }
    out
}

fn office_items(i: &Inputs<'_>) -> Vec<TodoItem> {
    let mut out = Vec::new();
    // Unit → its late quarters with their deadlines, oldest first.
    let mut overdue: BTreeMap<String, Vec<(Quarter, NaiveDate)>> = BTreeMap::new();
    for p in workable_periods(i) {
        let q = p.quarter;
        let label = q.label_zh();
        for unit in i.ctx.reporting_units(q).iter() {
            let deadline = p.deadline_for(unit);
            let r = report_of(i, unit, q);
            let due = due_state(r.map(|r| &r.record), deadline, i.now);
            let link = report_link(i.unit_ids, unit, q);
            match due.state {
                DueState::Submitted | DueState::Late => out.push(item(
                    TodoKind::Review,
                    format!("审核{unit}{label}报告"),
                    r.and_then(|r| r.record.last_submitted_at).map(|t| {
                        let resubmitted = r.is_some_and(|r| r.record.is_resubmission());
                        format!(
                            "{}于 {}{}",
                            if resubmitted {
                                "重新报送"
                            } else {
                                "报送"
                            },
                            t.format("%Y-%m-%d %H:%M"),
                            if due.late { "（逾期报送）" } else { "" }
                        )
                    }),
                    link,
                    None,
                    Some(q),
                    Some(unit),
                )),
                DueState::Missing => overdue
                    .entry(unit.to_string())
                    .or_default()
                    .push((q, deadline)),
                _ => {}
            }
        }
    }
    // One line per late unit, however many of its quarters are late: the office chases a unit.
    for (unit, late) in overdue {
        let Some(&(q, deadline)) = late.first() else {
            continue;
        };
        let (title, detail) = if late.len() == 1 {
            (
                format!("{unit}{}报告逾期未报", q.label_zh()),
                overdue_detail(deadline, i.now),
            )
        } else {
            (
                format!("{unit}有 {} 个季度的报告逾期未报", late.len()),
                format!(
                    "{}；最早的已逾期 {} 天",
                    late.iter()
                        .map(|(q, _)| q.label_zh())
                        .collect::<Vec<_>>()
                        .join("、"),
                    overdue_days(deadline, i.now)
                ),
            )
        };
        let (latest, _) = late[late.len() - 1];
        out.push(item(
            TodoKind::UnitOverdue,
            title,
            Some(detail),
            report_link(i.unit_ids, &unit, latest),
            Some(deadline),
            Some(latest),
            Some(&unit),
        ));
    }
    for x in i.extensions_asked {
        out.push(item(
            TodoKind::ExtensionAsked,
            format!(
                "{}申请将{}报告延期至 {}",
                x.unit,
                x.period.label_zh(),
                date_zh(x.until)
            ),
            Some(format!("理由：{}", x.reason)),
            format!("/review?period={}", x.period),
            None,
            Some(x.period),
            Some(&x.unit),
        ));
    }
    out
}

fn task_force_items(tf: &str, i: &Inputs<'_>) -> Vec<TodoItem> {
    let Some(a) = i.assessment else {
        return Vec::new();
    };
    a.tasks
        .iter()
        .filter(|t| t.task_force.as_deref() == Some(tf))
        .filter(|t| matches!(t.status, TaskStatus::Behind | TaskStatus::Overdue))
        .map(|t| {
            let kind = TodoKind::LaggingTask;
            let n = t.number.map(|n| format!("任务{n} ")).unwrap_or_default();
            item(
                kind,
                format!("{n}{}：{}", t.title, t.status.label_at(t.stage)),
                Some(t.explanation.clone()).filter(|e| !e.is_empty()),
                t.number
                    .map_or_else(|| "/tasks".to_string(), |n| format!("/tasks/{n}")),
                None,
                Some(a.period),
                None,
            )
        })
        .collect()
}

fn leader_items(i: &Inputs<'_>) -> Vec<TodoItem> {
    let Some(a) = i.assessment else {
        return Vec::new();
    };
    let mut out: Vec<TodoItem> = a
        .indicators
        .iter()
        .filter(|x| x.light == Light::Red)
        .map(|x| {
            item(
                TodoKind::RedIndicator,
                format!("指标“{}”为红灯", x.name),
                Some(x.lead_units.join("、"))
                    .filter(|s| !s.is_empty())
                    .map(|s| format!("牵头单位：{s}")),
                format!("/indicators/{}", x.id),
                None,
                Some(a.period),
                None,
            )
        })
        .collect();
    out.extend(a.overdue_milestones.iter().map(|m| {
        item(
            TodoKind::OverdueMilestone,
            format!("{}：{}", m.task_title, m.text),
            Some(format!(
                "计划 {} 完成，已逾期 {} 天；牵头单位：{}",
                date_zh(m.due),
                m.days_overdue,
                m.lead_units.join("、")
            )),
            a.tasks
                .iter()
                .find(|t| t.id == m.task_id)
                .and_then(|t| t.number)
                .map_or_else(|| "/tasks".to_string(), |n| format!("/tasks/{n}")),
            Some(m.due),
            Some(a.period),
            None,
        )
    }));
    out
}

/// Reads what the to-do lists are made from, beside the plan's stored `reports` (the web keeps
/// them with the plan's monitoring results), and returns `user`'s list at `now` (UTC).
pub async fn load(
    store: &planwatch_store::Store,
    ctx: &Context,
    reports: &[Arc<StoredReport>],
    user: &User,
    assessment: Option<&Assessment>,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<TodoItem>> {
    let unit_ids: BTreeMap<String, i64> = store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.name.to_string(), u.id))
        .collect();
    let asked = if matches!(user.role, Role::Office | Role::Admin) {
        store.extension_requests(true).await?
    } else {
        Vec::new()
    };
    let inputs = Inputs {
        ctx,
        reports,
        by_unit: Inputs::index(reports),
        unit_ids: &unit_ids,
        assessment,
        extensions_asked: &asked,
        now: planwatch_quarterly::period::cst_from_utc(now),
    };
    Ok(for_user(user, &inputs))
}
