//! 公开: the optional public progress page (the plan's 宣传机制), readable without signing in. It
//! is off unless the server is started with `--public`; when on, it shows exactly what the office
//! chose to publish (公开 → settings): an introduction, the latest accepted value and light of
//! chosen headline indicators, and task status counts — all as of a closed reporting period, so
//! only reviewed data reaches it. Never unit scores, people, drafts or pending reports; when
//! nothing is chosen it says so.

use super::super::AppState;
use super::super::assessment;
use super::super::error::{WebError, WebResult};
use super::dashboard::indicator_row;
use super::data::PlanData;
use super::{demo_present, render};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use planwatch_monitor::task::TaskStatus;
use planwatch_store::PublicChoice;

pub struct PublicIndicator {
    pub name: String,
    pub latest: String,
    pub target: String,
    pub light: &'static str,
    pub light_label: &'static str,
}

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage {
    title: String,
    period: String,
    demo: bool,
    intro: Vec<String>,
    /// 2023年第二季度, when figures are published.
    as_of: Option<String>,
    indicators: Vec<PublicIndicator>,
    /// (status, count) in the monitor's order, when published; and the total.
    task_counts: Option<(Vec<(&'static str, usize)>, usize)>,
    nothing: bool,
    asset_version: &'static str,
}

/// The published figures of `choice`, from the assessment of its period (accepted data only).
async fn figures(
    state: &AppState,
    choice: &PublicChoice,
) -> WebResult<(
    Vec<PublicIndicator>,
    Option<(Vec<(&'static str, usize)>, usize)>,
)> {
    let Some(period) = choice.as_of.filter(|_| choice.has_figures()) else {
        return Ok((Vec::new(), None));
    };
    let Some(a) = assessment::assessed(state, Some(period))
        .await?
        .filter(|a| a.period == period)
    else {
        return Ok((Vec::new(), None));
    };
    let o = &a.outcome;
    let indicators = o
        .assessment
        .indicators
        .iter()
        .filter(|i| choice.indicators.iter().any(|c| *c == i.id))
        .map(|i| {
            let r = indicator_row(o, i);
            PublicIndicator {
                name: r.name,
                latest: r.latest,
                target: r.target,
                light: r.light,
                light_label: r.light_label,
            }
        })
        .collect();
    let counts = choice.task_counts.then(|| {
        let tasks = &o.assessment.tasks;
        (
            TaskStatus::ASSESSED
                .iter()
                .map(|s| {
                    (
                        s.label_zh(),
                        tasks.iter().filter(|t| t.status == *s).count(),
                    )
                })
                .filter(|(_, n)| *n > 0)
                .collect(),
            tasks.len(),
        )
    });
    Ok((indicators, counts))
}

pub async fn show(State(state): State<AppState>) -> WebResult<Html<String>> {
    if !state.config().public_page {
        return Err(WebError::NotFound);
    }
    let d = PlanData::load(&state).await?.ok_or(WebError::NotFound)?;
    let rev = &d.view.revision;
    let choice = state.store().public_settings().await?.choice;
    let (indicators, task_counts) = figures(&state, &choice).await?;
    let intro: Vec<String> = choice
        .intro
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let as_of = choice
        .as_of
        .filter(|_| !indicators.is_empty() || task_counts.is_some())
        .map(|q| q.label_zh());
    render(&PublicPage {
        title: rev.title.clone(),
        period: format!("{}—{}年", rev.period_start, rev.period_end),
        demo: demo_present(&state).await?,
        nothing: intro.is_empty() && indicators.is_empty() && task_counts.is_none(),
        intro,
        as_of,
        indicators,
        task_counts,
        asset_version: super::super::assets::version(),
    })
}
