//! 全部计划: every plan of the deployment (code, title, period, state, revision), searchable by
//! code or title and filtered by state, each linking to its own pages. The plan switcher lists
//! the plans itself while there are few ([`super::SWITCHER_MAX`]); a province's hundreds are
//! found here instead of in a list as long as the screen.

use super::super::AppState;
use super::super::error::WebResult;
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::{Chrome, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use planwatch_store::PlanState;
use serde::Deserialize;

pub struct Row {
    pub href: String,
    pub code: String,
    pub title: String,
    pub period: String,
    pub state: &'static str,
    pub revision: i64,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    c: Chrome,
    rows: Vec<Row>,
    total: usize,
    q: String,
    /// (value, label, selected) of the state filter.
    states: Vec<(&'static str, &'static str, bool)>,
}

#[derive(Deserialize, Default)]
pub struct PlansQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    state: String,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<PlansQuery>,
) -> WebResult<Html<String>> {
    user.require(Permission::ReadPlan)?;
    let plans = state.plan_list().await?;
    let current = super::super::plans::nav().and_then(|n| n.current.as_ref().map(|p| p.id));
    let wanted = PlanState::parse(&f.state);
    let q = f.q.trim().to_lowercase();
    let rows = plans
        .iter()
        .filter(|p| wanted.is_none_or(|s| p.state == s))
        .filter(|p| {
            q.is_empty()
                || p.code.to_lowercase().contains(&q)
                || p.title.to_lowercase().contains(&q)
        })
        .map(|p| Row {
            href: format!("{}/", super::super::plans::prefix(&p.code)),
            code: p.code.clone(),
            title: p.title.clone(),
            period: p.period_label(),
            state: p.state.label_zh(),
            revision: p.revision,
            current: Some(p.id) == current,
        })
        .collect();
    let chosen = wanted.map_or("", PlanState::as_str);
    render(&PlansPage {
        c: Chrome::new(&state, &user, "", "全部计划").await?,
        rows,
        total: plans.len(),
        q: f.q.trim().to_string(),
        states: [
            ("", "全部状态"),
            ("active", "进行中"),
            ("ended", "已结束"),
            ("archived", "已归档"),
        ]
        .into_iter()
        .map(|(v, l)| (v, l, v == chosen))
        .collect(),
    })
}
