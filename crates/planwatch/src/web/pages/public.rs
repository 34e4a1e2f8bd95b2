//! 公开: the optional public progress page (the plan's 宣传机制), readable without signing in. It
//! is off unless the server is started with `--public`; when on, it shows only the plan's own
//! published text — its title, period, headline goals and task titles — never reports, scores or
//! anything about people.

use super::super::AppState;
use super::super::error::{WebError, WebResult};
use super::data::PlanData;
use super::home::{GoalRow, goal_row};
use super::render;
use askama::Template;
use axum::extract::State;
use axum::response::Html;

pub struct PublicSection {
    pub heading: String,
    pub tasks: Vec<String>,
}

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage {
    title: String,
    period: String,
    goals: Vec<GoalRow>,
    sections: Vec<PublicSection>,
    asset_version: &'static str,
}

pub async fn show(State(state): State<AppState>) -> WebResult<Html<String>> {
    if !state.config().public_page {
        return Err(WebError::NotFound);
    }
    let d = PlanData::load(&state).await?.ok_or(WebError::NotFound)?;
    let rev = &d.view.revision;
    render(&PublicPage {
        title: rev.title.clone(),
        period: format!("{}—{}年", rev.period_start, rev.period_end),
        goals: d.plan.goals.iter().map(goal_row).collect(),
        sections: d
            .view
            .sections
            .iter()
            .map(|s| PublicSection {
                heading: format!("{} {}", s.number, s.title),
                tasks: d
                    .view
                    .tasks
                    .iter()
                    .filter(|t| t.section == s.number)
                    .map(|t| t.title.clone())
                    .collect(),
            })
            .collect(),
        asset_version: super::super::assets::version(),
    })
}
