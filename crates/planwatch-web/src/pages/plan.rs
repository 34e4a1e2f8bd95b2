//! 计划: the plan by section — headline goals, tasks with lead and participating units, targets
//! and milestones, guarantee measures — and the list of its revisions.

use super::super::AppState;
use super::super::error::{WebError, WebResult};
use super::super::format;
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::data::{PlanData, TaskRow};
use super::home::{GoalRow, goal_row};
use super::{Chrome, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;
use std::sync::Arc;

pub struct SectionBlock {
    pub number: String,
    pub title: String,
    pub tasks: Vec<TaskRow>,
}

pub struct MeasureRow {
    pub number: String,
    pub title: String,
    pub mechanisms: Vec<String>,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    c: Chrome,
    title: String,
    revision: i64,
    current: bool,
    period: String,
    source: String,
    imported: String,
    goals: Vec<GoalRow>,
    sections: Vec<SectionBlock>,
    measures: Vec<MeasureRow>,
    groups: Vec<(String, Vec<String>)>,
    can_import: bool,
}

#[derive(Deserialize, Default)]
pub struct PlanQuery {
    rev: Option<i64>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PlanQuery>,
) -> WebResult<Html<String>> {
    user.require(Permission::ReadPlan)?;
    let loaded = match q.rev {
        None => PlanData::load(&state).await?,
        Some(n) => PlanData::load_revision(&state, Some(n))
            .await?
            .map(Arc::new),
    };
    let Some(d) = loaded else {
        return Err(WebError::BadRequest(
            "数据库中还没有计划：请先导入计划（计划 → 导入新版本，或命令 planwatch init）"
                .to_string(),
        ));
    };
    let current = match q.rev {
        None => true,
        Some(_) => state
            .store()
            .current_revision()
            .await?
            .is_some_and(|r| r.number == d.view.revision.number),
    };
    let rev = &d.view.revision;
    let mut sections: Vec<SectionBlock> = d
        .view
        .sections
        .iter()
        .map(|s| SectionBlock {
            number: s.number.clone(),
            title: s.title.clone(),
            tasks: d
                .view
                .tasks
                .iter()
                .filter(|t| t.section == s.number)
                .map(TaskRow::from)
                .collect(),
        })
        .collect();
    // Tasks whose section the plan does not list still have to appear somewhere.
    let orphans: Vec<TaskRow> = d
        .view
        .tasks
        .iter()
        .filter(|t| !d.view.sections.iter().any(|s| s.number == t.section))
        .map(TaskRow::from)
        .collect();
    if !orphans.is_empty() {
        sections.push(SectionBlock {
            number: String::new(),
            title: "其他任务".to_string(),
            tasks: orphans,
        });
    }
    let page = PlanPage {
        c: Chrome::new(&state, &user, "plan", "计划").await?,
        title: rev.title.clone(),
        revision: rev.number,
        current,
        period: format!("{}—{}年", rev.period_start, rev.period_end),
        source: rev.source_name.clone(),
        imported: format!(
            "{} {}",
            format::time(rev.created_at),
            state.people().await?.name(&rev.created_by)
        ),
        goals: d.plan.goals.iter().map(goal_row).collect(),
        sections,
        measures: d
            .plan
            .guarantee_measures
            .iter()
            .map(|m| MeasureRow {
                number: m.number.clone(),
                title: m.title.clone(),
                mechanisms: m.mechanisms.clone(),
            })
            .collect(),
        groups: d.view.groups.clone(),
        can_import: user.can(Permission::ImportPlan),
    };
    render(&page)
}

pub struct RevisionRow {
    pub number: i64,
    pub title: String,
    pub source: String,
    pub created: String,
    pub by: String,
    pub tasks: i64,
}

#[derive(Template)]
#[template(path = "plan_revisions.html")]
struct RevisionsPage {
    c: Chrome,
    rows: Vec<RevisionRow>,
    can_import: bool,
}

fn source_label(kind: &str) -> &'static str {
    match kind {
        "embedded" => "内置计划",
        "text" => "计划文本",
        "json" => "计划 JSON",
        _ => "其他",
    }
}

pub async fn revisions(
    State(state): State<AppState>,
    user: CurrentUser,
) -> WebResult<Html<String>> {
    user.require(Permission::ReadPlan)?;
    let people = state.people().await?;
    let mut rows: Vec<RevisionRow> = state
        .store()
        .revisions()
        .await?
        .into_iter()
        .map(|r| RevisionRow {
            number: r.number,
            title: r.title,
            source: format!("{}：{}", source_label(&r.source_kind), r.source_name),
            created: format::time(r.created_at),
            by: people.name(&r.created_by),
            tasks: r.task_count,
        })
        .collect();
    rows.reverse();
    render(&RevisionsPage {
        c: Chrome::new(&state, &user, "plan", "计划版本").await?,
        rows,
        can_import: user.can(Permission::ImportPlan),
    })
}
