//! 公开 → settings: the office chooses what the public progress page shows — an introduction,
//! which headline indicators have their latest accepted value and light published, whether task
//! status counts are published, and the closed (or locked) reporting period the figures are as
//! of. Only the office reaches the page or posts to it; every change is audited.

use super::super::AppState;
use super::super::assessment;
use super::super::error::{WebResult, shown};
use super::super::format;
use super::super::policy::Permission;
use super::super::reporting::context;
use super::super::session::CurrentUser;
use super::dashboard::indicator_row;
use super::{Chrome, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_app as app;
use planwatch_app::public_page;
use planwatch_model::Quarter;
use planwatch_quarterly::period::{PeriodState, cst_from_utc};
use planwatch_store::PublicChoice;
use serde::Deserialize;

pub struct IndicatorChoice {
    pub code: String,
    pub name: String,
    pub checked: bool,
    /// What would be published as of the chosen period (latest value · light).
    pub preview: String,
}

#[derive(Template)]
#[template(path = "public_settings.html")]
struct SettingsPage {
    c: Chrome,
    public_on: bool,
    intro: String,
    indicators: Vec<IndicatorChoice>,
    task_counts: bool,
    /// (value, label) of every period that may be chosen: closed or locked.
    periods: Vec<(String, String)>,
    as_of: String,
    revision: i64,
    /// 第 2 版 · office 2024-01-10 10:00; empty before the first save.
    status: String,
    notice: Option<String>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    shown: Option<PublicChoice>,
    notice: Option<String>,
    error: Option<String>,
) -> WebResult<SettingsPage> {
    let now = app::now();
    let ctx = context(state, &user.user.username, now).await?;
    let stored = state.store().public_settings().await?;
    let choice = shown.unwrap_or_else(|| stored.choice.clone());
    let local = cst_from_utc(now);
    let periods = ctx
        .periods
        .iter()
        .rev()
        .filter(|p| matches!(p.state_at(local), PeriodState::Closed | PeriodState::Locked))
        .map(|p| {
            (
                p.quarter.to_string(),
                format!(
                    "{}（{}）",
                    p.quarter.label_zh(),
                    p.state_at(local).label_zh()
                ),
            )
        })
        .collect();
    // What each indicator would show, as of the stored period.
    let assessed = match stored.choice.as_of {
        Some(q) => assessment::assessed(state, Some(q))
            .await?
            .filter(|a| a.period == q),
        None => None,
    };
    let indicators = ctx
        .catalogue
        .indicators
        .iter()
        .filter(|d| d.headline)
        .map(|d| IndicatorChoice {
            code: d.code.to_string(),
            name: d.name.clone(),
            checked: choice.indicators.contains(&d.code),
            preview: assessed
                .as_ref()
                .and_then(|a| {
                    let o = &a.outcome;
                    o.assessment
                        .indicators
                        .iter()
                        .find(|i| i.id == d.code)
                        .map(|i| {
                            let r = indicator_row(o, i);
                            format!("{} · {}", r.latest, r.light_label)
                        })
                })
                .unwrap_or_default(),
        })
        .collect();
    Ok(SettingsPage {
        c: Chrome::new(state, user, "public", "公开内容").await?,
        public_on: state.config().public_page,
        intro: choice.intro.clone(),
        indicators,
        task_counts: choice.task_counts,
        periods,
        as_of: choice.as_of.map(|q| q.to_string()).unwrap_or_default(),
        revision: stored.revision,
        status: match (&stored.updated_by, stored.updated_at) {
            (Some(by), Some(at)) => {
                format!("第 {} 版 · {by} {}", stored.revision, format::time(at))
            }
            _ => String::new(),
        },
        notice,
        error,
    })
}

#[derive(Deserialize, Default)]
pub struct SettingsQuery {
    #[serde(default)]
    saved: String,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SettingsQuery>,
) -> WebResult<Response> {
    user.require(Permission::ManagePublicPage)?;
    let notice = (!q.saved.is_empty()).then(|| "已保存公开内容。".to_string());
    Ok(render(&page(&state, &user, None, notice, None).await?)?.into_response())
}

/// The posted form as pairs: `indicator` repeats, one per ticked box.
fn choice_of(fields: &[(String, String)]) -> Result<(PublicChoice, Option<i64>), String> {
    let one = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let as_of = match one("as_of").as_str() {
        "" => None,
        q => Some(Quarter::parse(q).map_err(|e| e.to_string())?),
    };
    let revision = match one("revision").as_str() {
        "" => None,
        r => Some(
            r.parse::<i64>()
                .map_err(|_| "表单已过期，请刷新页面后重试".to_string())?,
        ),
    };
    let intro = fields
        .iter()
        .find(|(k, _)| k == "intro")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    Ok((
        PublicChoice {
            intro,
            indicators: fields
                .iter()
                .filter(|(k, _)| k == "indicator")
                .map(|(_, v)| v.trim().into())
                .collect(),
            task_counts: fields
                .iter()
                .any(|(k, v)| k == "task_counts" && !v.is_empty()),
            as_of,
        },
        revision,
    ))
}

pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    user.require(Permission::ManagePublicPage)?;
    // The catalogue and periods exist once the reporting setup is prepared (the page does it
    // too; a post may come first, e.g. from a script).
    context(&state, &user.user.username, app::now()).await?;
    let (choice, revision) = match choice_of(&fields) {
        Ok(x) => x,
        Err(m) => {
            let p = page(&state, &user, None, None, Some(m)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
        }
    };
    let result = public_page::set_choice(
        state.store(),
        app::Caller::User(&user.user),
        &choice,
        Some(revision.unwrap_or(0)),
        app::now(),
    )
    .await;
    match shown(result)? {
        Ok(_) => Ok(Redirect::to("/public/settings?saved=1").into_response()),
        Err(m) => {
            let p = page(&state, &user, Some(choice), None, Some(m)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    }
}
