//! 单位: the responsible units by kind, and each unit with the tasks it leads or takes part in
//! (directly or through a group such as 各县（区）人民政府).

use super::super::AppState;
use super::super::assessment;
use super::super::error::{WebError, WebResult};
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::data::{PlanData, Responsibility, TaskRow};
use super::lists;
use super::{Chrome, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use planwatch_model::UnitKind;
use serde::Deserialize;

pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub lead: usize,
    pub participating: usize,
    pub score: String,
    pub rank: String,
    /// The score as a number, for ranking (`None`: not scored).
    pub value: Option<f64>,
}

pub struct KindGroup {
    pub label: &'static str,
    pub key: &'static str,
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
    all_kinds: Vec<(&'static str, &'static str)>,
    q: UnitsQuery,
    export: String,
}

#[derive(Deserialize, Default)]
pub struct UnitsQuery {
    /// A unit kind's wire name.
    #[serde(default)]
    pub kind: String,
    /// Words in the unit's name.
    #[serde(default)]
    pub q: String,
    /// `score` (default: highest first), `lead` (most tasks led first).
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub format: String,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<UnitsQuery>,
) -> WebResult<Response> {
    user.require(Permission::ReadPlan)?;
    let xlsx = lists::wants_xlsx(&q.format)?;
    if !q.kind.is_empty() && !UnitKind::ALL.iter().any(|k| k.as_str() == q.kind) {
        return Err(WebError::BadRequest(format!(
            "单位类别“{}”无法识别",
            q.kind
        )));
    }
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
    let needle = q.q.trim();
    let kinds: Vec<KindGroup> = UnitKind::ALL
        .iter()
        .filter(|k| q.kind.is_empty() || k.as_str() == q.kind)
        .map(|k| {
            let mut rows: Vec<UnitRow> = units
                .iter()
                .filter(|u| u.kind == *k)
                .filter(|u| needle.is_empty() || u.name.contains(needle))
                .map(|u| {
                    let tasks = d.as_ref().map(|d| d.tasks_of(&u.name)).unwrap_or_default();
                    let sc = score_of(&u.name);
                    UnitRow {
                        score: sc.map(|s| s.score.total.to_string()).unwrap_or_default(),
                        value: sc.map(|s| s.score.total.as_f64()),
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
                .collect();
            // Ranked: the highest score first (the assessment's own ranking within a class
            // follows the same scores); units without a score after them, most tasks first.
            if q.sort == "lead" {
                rows.sort_by(|a, b| {
                    b.lead
                        .cmp(&a.lead)
                        .then(b.participating.cmp(&a.participating))
                });
            } else {
                rows.sort_by(|a, b| match (a.value, b.value) {
                    (Some(x), Some(y)) => y.total_cmp(&x),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => (b.lead + b.participating).cmp(&(a.lead + a.participating)),
                });
            }
            KindGroup {
                label: k.label_zh(),
                key: k.as_str(),
                units: rows,
            }
        })
        .filter(|g| !g.units.is_empty())
        .collect();
    let scored = a.as_ref().map(|a| a.period.label_zh()).unwrap_or_default();
    if xlsx {
        let rows = kinds
            .iter()
            .flat_map(|g| {
                g.units.iter().map(|u| {
                    vec![
                        g.label.to_string(),
                        u.name.clone(),
                        u.score.clone(),
                        u.rank.clone(),
                        u.lead.to_string(),
                        u.participating.to_string(),
                    ]
                })
            })
            .collect();
        return lists::ListTable {
            title: if scored.is_empty() {
                "责任单位".to_string()
            } else {
                format!("责任单位（{scored}得分）")
            },
            sheet: "单位",
            columns: vec![
                ("类别", false),
                ("单位", false),
                ("得分", true),
                ("排名", false),
                ("牵头任务", true),
                ("参加任务", true),
            ],
            rows,
            demo: super::demo_present(&state).await?,
        }
        .download();
    }
    let export = lists::export_href(
        "/units",
        &[("kind", &q.kind), ("q", &q.q), ("sort", &q.sort)],
    );
    Ok(render(&UnitsPage {
        c: Chrome::new(&state, &user, "units", "单位").await?,
        total: units.iter().filter(|u| u.kind != UnitKind::Group).count(),
        kinds,
        scored,
        all_kinds: UnitKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label_zh()))
            .collect(),
        export,
        q,
    })?
    .into_response())
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
