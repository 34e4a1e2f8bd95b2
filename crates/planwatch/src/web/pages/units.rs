//! 单位: the responsible units by kind, and each unit with the tasks it leads or takes part in
//! (directly or through a group such as 各县（区）人民政府).

use super::super::AppState;
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
}

const KIND_ORDER: [UnitKind; 7] = [
    UnitKind::CityDepartment,
    UnitKind::CountyGovernment,
    UnitKind::DevelopmentZone,
    UnitKind::Enterprise,
    UnitKind::Institution,
    UnitKind::Other,
    UnitKind::Group,
];

pub async fn list(State(state): State<AppState>, user: CurrentUser) -> WebResult<Html<String>> {
    user.require(Permission::ReadPlan)?;
    let d = PlanData::load(&state).await?;
    let units = match &d {
        Some(d) => d.units.clone(),
        None => state.store().units().await?,
    };
    let kinds: Vec<KindGroup> = KIND_ORDER
        .iter()
        .map(|k| KindGroup {
            label: k.label_zh(),
            units: units
                .iter()
                .filter(|u| u.kind == *k)
                .map(|u| {
                    let tasks = d.as_ref().map(|d| d.tasks_of(&u.name)).unwrap_or_default();
                    UnitRow {
                        id: u.id,
                        name: u.name.clone(),
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
    })
}

pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
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
        None => state.store().units().await?,
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
    render(&UnitPage {
        c: Chrome::new(&state, &user, "units", unit.name.clone()).await?,
        name: unit.name.clone(),
        kind: unit.kind.label_zh(),
        members,
        groups,
        tasks,
        users,
    })
}
