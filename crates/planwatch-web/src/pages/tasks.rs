//! 任务: the plan's tasks by section or by task force, and each task with its units, targets,
//! milestones and full text.

use super::super::AppState;
use super::super::error::{WebError, WebResult};
use super::super::format;
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::data::{PlanData, TaskRow, UnitLink};
use super::{Chrome, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;

pub struct Group {
    pub heading: String,
    pub sub: String,
    pub tasks: Vec<TaskRow>,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    c: Chrome,
    by_task_force: bool,
    groups: Vec<Group>,
    total: usize,
}

#[derive(Deserialize, Default)]
pub struct TasksQuery {
    #[serde(default)]
    by: String,
}

fn no_plan() -> WebError {
    WebError::BadRequest(
        "数据库中还没有计划：请先导入计划（计划 → 导入新版本，或命令 planwatch init）".to_string(),
    )
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TasksQuery>,
) -> WebResult<Html<String>> {
    user.require(Permission::ReadPlan)?;
    let d = PlanData::load(&state).await?.ok_or_else(no_plan)?;
    let by_task_force = q.by == "task_force";
    let groups = if by_task_force {
        let org = &d.org;
        let mut groups: Vec<Group> = org
            .task_forces
            .iter()
            .map(|tf| Group {
                heading: tf.body.name.clone(),
                sub: tf
                    .body
                    .seat
                    .as_ref()
                    .map(|s| format!("牵头单位：{s}"))
                    .unwrap_or_default(),
                tasks: d
                    .view
                    .tasks
                    .iter()
                    .filter(|t| t.task_force.as_deref() == Some(tf.body.name.as_str()))
                    .map(TaskRow::from)
                    .collect(),
            })
            .collect();
        let unassigned: Vec<TaskRow> = d
            .view
            .tasks
            .iter()
            .filter(|t| t.task_force.is_none())
            .map(TaskRow::from)
            .collect();
        if !unassigned.is_empty() {
            groups.push(Group {
                heading: "未分配专班".to_string(),
                sub: "组织架构中没有专班负责这些任务".to_string(),
                tasks: unassigned,
            });
        }
        groups
    } else {
        d.view
            .sections
            .iter()
            .map(|s| Group {
                heading: format!("{} {}", s.number, s.title),
                sub: String::new(),
                tasks: d
                    .view
                    .tasks
                    .iter()
                    .filter(|t| t.section == s.number)
                    .map(TaskRow::from)
                    .collect(),
            })
            .filter(|g| !g.tasks.is_empty())
            .collect()
    };
    render(&TasksPage {
        c: Chrome::new(&state, &user, "tasks", "任务").await?,
        by_task_force,
        groups,
        total: d.view.tasks.len(),
    })
}

pub struct TargetRow {
    pub indicator: String,
    pub value: String,
    pub year: String,
    pub text: String,
}

pub struct MilestoneRow {
    pub year: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    c: Chrome,
    number: i64,
    label: String,
    title: String,
    section: String,
    task_force: String,
    lead: Vec<UnitLink>,
    participating: Vec<UnitLink>,
    targets: Vec<TargetRow>,
    milestones: Vec<MilestoneRow>,
    body: String,
    previous: Option<i64>,
    next: Option<i64>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> WebResult<Html<String>> {
    user.require(Permission::ReadPlan)?;
    let number: i64 = number.parse().map_err(|_| WebError::NotFound)?;
    let d = PlanData::load(&state).await?.ok_or_else(no_plan)?;
    let (view, task) = d.task(number).ok_or(WebError::NotFound)?;
    let position = d.view.tasks.iter().position(|t| t.number == number);
    let previous = position
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| d.view.tasks.get(i))
        .map(|t| t.number);
    let next = position
        .and_then(|i| d.view.tasks.get(i + 1))
        .map(|t| t.number);
    let targets = task
        .targets
        .iter()
        .map(|t| TargetRow {
            indicator: t.indicator.clone(),
            value: format::target_value(t),
            year: match (t.year, t.recurrence.as_deref()) {
                (_, Some("annual")) => "每年".to_string(),
                (Some(y), _) => format!("{y}年"),
                (None, _) => String::new(),
            },
            text: t.text.clone(),
        })
        .collect();
    let milestones = task
        .milestones
        .iter()
        .map(|m| MilestoneRow {
            year: m.year.map(|y| format!("{y}年")).unwrap_or_default(),
            what: m.what.clone(),
        })
        .collect();
    let section = format!("{} {}", view.section, d.section_title(&view.section));
    render(&TaskPage {
        c: Chrome::new(&state, &user, "tasks", format!("任务 {number}")).await?,
        number,
        label: view.label.clone(),
        title: view.title.clone(),
        section,
        task_force: view.task_force.clone().unwrap_or_default(),
        lead: view.lead_units.iter().map(UnitLink::from).collect(),
        participating: view
            .participating_units
            .iter()
            .map(UnitLink::from)
            .collect(),
        targets,
        milestones,
        body: task.body.clone(),
        previous,
        next,
    })
}
