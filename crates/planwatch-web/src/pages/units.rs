//! 单位: the responsible units by kind, and each unit with the tasks it leads or takes part in
//! (directly or through a group such as 各县（区）人民政府).

use super::super::AppState;
use super::super::assessment;
use super::super::error::{WebError, WebResult};
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::data::{PlanData, Responsibility, TaskRow};
use super::{Chrome, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use planwatch_model::UnitKind;

pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub lead: usize,
    pub participating: usize,
    pub score: String,
    pub rank: String,
}

pub struct KindGroup {
    pub label: &'static str,
    pub units: Vec<UnitRow>,
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    c: Chrome,
    kinds: Vec<KindGroup>,
    total: usize,
    /// The quarter the scores are for, if there are any.
    scored: String,
}

pub async fn list(State(state): State<AppState>, user: CurrentUser) -> WebResult<Html<String>> {
    user.require(Permission::ReadPlan)?;
    let d = PlanData::load(&state).await?;
    let units = match &d {
        Some(d) => d.units.clone(),
        None => state.units().await?.as_ref().clone(),
    };
    let a = assessment::assessed(&state, None)
        .await?
        .filter(|a| a.sources.reports.iter().any(|r| !r.steps.is_empty()));
    let score_of = |name: &str| {
        a.as_ref()
            .and_then(|a| a.outcome.assessment.units.iter().find(|u| u.name == name))
    };
    let kinds: Vec<KindGroup> = UnitKind::ALL
        .iter()
        .map(|k| KindGroup {
            label: k.label_zh(),
            units: units
                .iter()
                .filter(|u| u.kind == *k)
                .map(|u| {
                    let tasks = d.as_ref().map(|d| d.tasks_of(&u.name)).unwrap_or_default();
                    let sc = score_of(&u.name);
                    UnitRow {
                        score: sc.map(|s| s.score.total.to_string()).unwrap_or_default(),
                        rank: sc
                            .and_then(|s| {
                                let grade = s.grade.as_deref().map(|g| format!(" {g}"));
                                Some(format!(
                                    "{}/{}{}",
                                    s.rank?,
                                    s.class_size?,
                                    grade.unwrap_or_default()
                                ))
                            })
                            .unwrap_or_default(),
                        id: u.id,
                        name: u.name.to_string(),
                        lead: tasks
                            .iter()
                            .filter(|(_, r)| *r == Responsibility::Lead)
                            .count(),
                        participating: tasks
                            .iter()
                            .filter(|(_, r)| *r == Responsibility::Participating)
                            .count(),
                    }
                })
                .collect(),
        })
        .filter(|g| !g.units.is_empty())
        .collect();
    render(&UnitsPage {
        c: Chrome::new(&state, &user, "units", "单位").await?,
        total: units.iter().filter(|u| u.kind != UnitKind::Group).count(),
        kinds,
        scored: a.map(|a| a.period.label_zh()).unwrap_or_default(),
    })
}

pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub active: bool,
}

pub struct ScoreLine {
    pub rule: &'static str,
    pub points: String,
    pub negative: bool,
    pub reason: String,
}

pub struct ReportLine {
    pub quarter: String,
    pub code: String,
    pub state: &'static str,
    pub badge: &'static str,
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    id: i64,
    period_label: String,
    score: String,
    rank: String,
    breakdown: Vec<ScoreLine>,
    reports: Option<Vec<ReportLine>>,
    c: Chrome,
    name: String,
    kind: &'static str,
    /// For a group: its members; for a unit: the groups it belongs to.
    members: Vec<String>,
    groups: Vec<String>,
    tasks: Vec<TaskRow>,
    users: Option<Vec<UserRow>>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> WebResult<Html<String>> {
    user.require(Permission::ReadPlan)?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let d = PlanData::load(&state).await?;
    let units = match &d {
        Some(d) => d.units.clone(),
        None => state.units().await?.as_ref().clone(),
    };
    let unit = units
        .iter()
        .find(|u| u.id == id)
        .ok_or(WebError::NotFound)?;
    let (tasks, members, groups) = match &d {
        Some(d) => {
            let tasks = d
                .tasks_of(&unit.name)
                .into_iter()
                .map(|(t, r)| {
                    let mut row = TaskRow::from(t);
                    row.responsibility = r.label();
                    row
                })
                .collect();
            let members = d
                .view
                .groups
                .iter()
                .find(|(g, _)| *g == unit.name)
                .map(|(_, m)| m.clone())
                .unwrap_or_default();
            let groups = d
                .names_of(&unit.name)
                .into_iter()
                .filter(|n| *n != unit.name)
                .collect();
            (tasks, members, groups)
        }
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    // Who reports for the unit is for the people who manage accounts.
    let users = if user.can(Permission::ReadUsers) {
        Some(
            state
                .store()
                .users()
                .await?
                .into_iter()
                .filter(|u| u.unit.as_deref() == Some(unit.name.as_str()))
                .map(|u| UserRow {
                    active: u.is_active(),
                    role: u.role.label_zh(),
                    username: u.username,
                    display_name: u.display_name,
                })
                .collect(),
        )
    } else {
        None
    };
    let a = assessment::assessed(&state, None)
        .await?
        .filter(|a| a.sources.reports.iter().any(|r| !r.steps.is_empty()));
    let sc = a.as_ref().and_then(|a| {
        a.outcome
            .assessment
            .units
            .iter()
            .find(|u| u.name == unit.name)
    });
    // A unit's people see only their own unit's reports.
    let reports = if user.can(Permission::ReadReports)
        && super::super::reporting::may_read_unit(&user.user, &unit.name)
    {
        let mut rows: Vec<ReportLine> = state
            .store()
            .reports(None)
            .await?
            .into_iter()
            .filter(|r| r.unit == unit.name)
            .map(|r| ReportLine {
                quarter: r.period.label_zh(),
                code: r.period.to_string(),
                state: r.record.state.label_zh(),
                badge: super::reports::state_badge(Some(r.record.state)),
            })
            .collect();
        rows.reverse();
        Some(rows)
    } else {
        None
    };
    render(&UnitPage {
        id: unit.id,
        period_label: a.as_ref().map(|a| a.period.label_zh()).unwrap_or_default(),
        score: sc.map(|s| s.score.total.to_string()).unwrap_or_default(),
        rank: sc
            .and_then(|s| {
                Some(format!(
                    "{}第 {} 名（共 {} 家）{}",
                    s.class.clone().unwrap_or_default(),
                    s.rank?,
                    s.class_size?,
                    s.grade
                        .as_deref()
                        .map(|g| format!("，等次：{g}"))
                        .unwrap_or_default()
                ))
            })
            .unwrap_or_default(),
        breakdown: sc
            .map(|s| {
                s.score
                    .items
                    .iter()
                    .map(|i| ScoreLine {
                        rule: i.rule.label_zh(),
                        points: if i.points.is_negative() {
                            i.points.to_string()
                        } else {
                            format!("+{}", i.points)
                        },
                        negative: i.points.is_negative(),
                        reason: i.reason.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        reports,
        c: Chrome::new(&state, &user, "units", unit.name.clone()).await?,
        name: unit.name.to_string(),
        kind: unit.kind.label_zh(),
        members,
        groups,
        tasks,
        users,
    })
}
