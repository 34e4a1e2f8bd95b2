//! 多计划综合评价: each unit's combined score across the plans of a year (issue 17), with the
//! breakdown per plan. Each plan's part is that plan's own assessment, taken from the same cache
//! as its pages (so the figures agree), and combined by `planwatch_app::combined`.

use super::super::AppState;
use super::super::assessment;
use super::super::error::{WebError, WebResult};
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::{Chrome, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use planwatch_app::combined::{self, Combined};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct CombinedQuery {
    #[serde(default)]
    year: String,
}

#[derive(Template)]
#[template(path = "units_combined.html")]
struct CombinedPage {
    c: Chrome,
    combined: Option<Combined>,
    /// The years with at least one plan, newest first, and the one shown.
    years: Vec<i32>,
    year: i32,
    /// Plans of the year without an assessment yet (no quarter has begun), by title.
    missing: Vec<String>,
}

/// `GET /units/combined?year=2024`.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CombinedQuery>,
) -> WebResult<Response> {
    user.require(Permission::ReadPlan)?;
    let plans = state.plan_list().await?;
    let today = assessment::today_in_china();
    let mut years: Vec<i32> = plans
        .iter()
        .filter(|p| p.state != planwatch_store::PlanState::Archived)
        .flat_map(|p| p.period_start..=p.period_end)
        .filter_map(|y| i32::try_from(y).ok())
        .filter(|y| combined::quarter_of_year(*y, today).is_some())
        .collect();
    years.sort_unstable();
    years.dedup();
    years.reverse();
    let year = if q.year.trim().is_empty() {
        years.first().copied().unwrap_or(0)
    } else {
        q.year
            .trim()
            .parse()
            .ok()
            .filter(|y| years.contains(y))
            .ok_or_else(|| WebError::BadRequest(format!("没有{}年的计划", q.year.trim())))?
    };
    let weights = combined::load_weights(&state.config().data_dir, &[])
        .map_err(|e| WebError::BadRequest(format!("{e:#}")))?;
    let mut missing = Vec::new();
    let mut result = None;
    if let Some(quarter) = combined::quarter_of_year(year, today) {
        let taking_part = combined::plans_of_year(&plans, year);
        let mut outcomes = Vec::new();
        for p in &taking_part {
            let a =
                planwatch_store::in_plan(p.id, assessment::assessed(&state, Some(quarter))).await?;
            match a {
                Some(a) if a.period == quarter => outcomes.push((*p, a)),
                _ => missing.push(p.title.clone()),
            }
        }
        if !outcomes.is_empty() {
            let parts: Vec<_> = outcomes
                .iter()
                .map(|(p, a)| {
                    (
                        *p,
                        weights.get(&p.code).copied().unwrap_or(1.0),
                        &a.outcome.assessment,
                    )
                })
                .collect();
            result = Some(combined::combine(year, quarter, &parts));
        }
    }
    let page = CombinedPage {
        c: Chrome::new(&state, &user, "units", "多计划综合评价").await?,
        combined: result,
        years,
        year,
        missing,
    };
    Ok(render(&page)?.into_response())
}
