//! 驾驶舱: the first page after sign-in. With reports on record: the overall score, indicator
//! traffic lights, task status counts, the units that have not reported, the charts and what
//! changed since the quarter before — all from the monitor over what is committed now. Before any
//! report: the plan at a glance. A unit's or a task force's people also see what is theirs.

use super::super::AppState;
use super::super::error::WebResult;
use super::super::format;
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::data::{PlanData, TaskRow};
use super::{Chrome, render};
use askama::Template;
use axum::extract::State;
use axum::response::Html;

pub struct GoalRow {
    pub indicator: String,
    pub target: String,
    pub year: String,
    pub text: String,
}

pub struct SectionRow {
    pub number: String,
    pub title: String,
    pub tasks: usize,
}

pub struct TaskForceRow {
    pub name: String,
    pub lead: String,
    pub tasks: usize,
}

pub struct Overview {
    pub title: String,
    pub revision: i64,
    pub period: String,
    pub tasks: usize,
    pub goals: usize,
    pub targets: usize,
    pub milestones: usize,
    pub units: usize,
    pub task_forces: usize,
    pub goal_rows: Vec<GoalRow>,
    pub sections: Vec<SectionRow>,
    pub task_force_rows: Vec<TaskForceRow>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    overview: Option<Overview>,
    /// "本单位的任务" or "本专班的任务", with the rows.
    mine_heading: String,
    mine: Vec<TaskRow>,
    can_import: bool,
    todo: Vec<planwatch_app::todo::TodoItem>,
    todo_total: usize,
}

/// How many to-do items the home page lists before linking to 待办.
const TODO_ON_HOME: usize = 8;

/// The first to-do items of `user` for the home page, and how many there are.
pub async fn todo_head(
    state: &AppState,
    user: &planwatch_store::User,
) -> WebResult<(Vec<planwatch_app::todo::TodoItem>, usize)> {
    let todo = super::super::todo::kept(state, user).await?;
    Ok((
        todo.iter().take(TODO_ON_HOME).cloned().collect(),
        todo.len(),
    ))
}

/// What the dashboard's body is made from: the plan and its data version (its monitoring),
/// shared data (units, the viewer's role), the viewer's to-do list (across plans for a unit's
/// people: the global version), the viewer, the query and the day.
async fn dashboard_key(
    state: &AppState,
    user: &CurrentUser,
    q: &HomeQuery,
) -> super::super::error::WebResult<String> {
    let plan = planwatch_store::plan_in_scope().unwrap_or(0);
    let version = state.data_version().await?;
    let shared = state.shared_version().await?;
    let todo = if user.user.role.is_unit_bound() {
        state.global_version().await?
    } else {
        version
    };
    let today = super::super::assessment::today_in_china();
    Ok(crate::rendered::key(&[
        &"dashboard",
        &plan,
        &version,
        &shared,
        &todo,
        &user.user.id,
        &today,
        &q.period,
        &q.as_of,
    ]))
}

pub fn goal_row(g: &planwatch_model::Target) -> GoalRow {
    GoalRow {
        indicator: g.indicator.clone(),
        target: format::target_value(g),
        year: g.year.map(|y| format!("{y}年")).unwrap_or_default(),
        text: g.text.clone(),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct HomeQuery {
    #[serde(default)]
    period: String,
    #[serde(default)]
    as_of: String,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<HomeQuery>,
) -> WebResult<Html<String>> {
    user.require(Permission::ReadPlan)?;
    let period = if q.period.is_empty() {
        None
    } else {
        Some(
            planwatch_model::Quarter::parse(&q.period)
                .map_err(|e| super::super::error::WebError::BadRequest(e.to_string()))?,
        )
    };
    let as_of = super::super::assessment::parse_as_of(&q.as_of)?;
    // The dashboard's body is kept per everything it is made from (rendered.rs): a plan whose
    // data did not change is shown without loading its monitoring sources again.
    let key = dashboard_key(&state, &user, &q).await?;
    if let Some(kept) = state.rendered().get(&key)
        && let Some(body) = kept.text()
    {
        return super::dashboard::page(&state, &user, body).await;
    }
    if let Some(a) = super::super::assessment::assessed_as_of(&state, period, as_of).await?
        && a.sources.reports.iter().any(|r| !r.steps.is_empty())
    {
        let body = super::dashboard::body(&state, &user, a).await?;
        let kept = state.rendered().put_text(key, body);
        return super::dashboard::page(&state, &user, kept.text().unwrap_or_default()).await;
    }
    let c = Chrome::new(&state, &user, "home", "驾驶舱").await?;
    let data = PlanData::load(&state).await?;
    let can_import = user.can(Permission::ImportPlan);
    let Some(d) = data else {
        return render(&HomePage {
            c,
            overview: None,
            mine_heading: String::new(),
            mine: Vec::new(),
            can_import,
            todo: Vec::new(),
            todo_total: 0,
        });
    };
    let org = &d.org;
    let u = &user.user;
    let (mine_heading, mine) = if let Some(unit) = &u.unit {
        (
            format!("{unit}的任务"),
            d.tasks_of(unit)
                .into_iter()
                .map(|(t, r)| {
                    let mut row = TaskRow::from(t);
                    row.responsibility = r.label();
                    row
                })
                .collect(),
        )
    } else if let Some(tf) = &u.task_force {
        (
            format!("{tf}的任务"),
            d.view
                .tasks
                .iter()
                .filter(|t| t.task_force.as_deref() == Some(tf.as_str()))
                .map(TaskRow::from)
                .collect(),
        )
    } else {
        (String::new(), Vec::new())
    };
    let rev = &d.view.revision;
    let overview = Overview {
        title: rev.title.clone(),
        revision: rev.number,
        period: format!("{}—{}年", rev.period_start, rev.period_end),
        tasks: d.view.tasks.len(),
        goals: d.plan.goals.len(),
        targets: d.target_count(),
        milestones: d.milestone_count(),
        units: d
            .units
            .iter()
            .filter(|u| u.kind != planwatch_model::UnitKind::Group)
            .count(),
        task_forces: org.task_forces.len(),
        goal_rows: d.plan.goals.iter().map(goal_row).collect(),
        sections: d
            .view
            .sections
            .iter()
            .map(|s| SectionRow {
                number: s.number.clone(),
                title: s.title.clone(),
                tasks: d
                    .view
                    .tasks
                    .iter()
                    .filter(|t| t.section == s.number)
                    .count(),
            })
            .collect(),
        task_force_rows: org
            .task_forces
            .iter()
            .map(|tf| TaskForceRow {
                name: tf.body.name.clone(),
                lead: tf.body.seat.clone().unwrap_or_default(),
                tasks: tf.tasks.len(),
            })
            .collect(),
    };
    let (todo, todo_total) = todo_head(&state, u).await?;
    render(&HomePage {
        c,
        overview: Some(overview),
        mine_heading,
        mine,
        can_import,
        todo,
        todo_total,
    })
}
