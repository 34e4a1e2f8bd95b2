//! 通知: a person's notifications (returned, accepted, awaiting approval, reminders, 催办),
//! newest first, with mark read and mark all read (decision 0061). Everyone signed in has their
//! own list; nobody sees or marks anyone else's.

use super::super::AppState;
use super::super::error::{WebError, WebResult};
use super::super::format;
use super::super::session::CurrentUser;
use super::{Chrome, render};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_app as app;
use planwatch_app::notify;
use serde::Deserialize;

/// How many notifications the page shows.
const SHOWN: i64 = 200;

pub struct Row {
    pub id: i64,
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    c: Chrome,
    rows: Vec<Row>,
    unread: i64,
}

pub async fn list(State(state): State<AppState>, user: CurrentUser) -> WebResult<Response> {
    let store = state.store();
    let rows = notify::list(store, &user.user, SHOWN)
        .await?
        .into_iter()
        .map(|n| Row {
            id: n.id,
            kind: notify::Kind::parse(&n.kind).map_or("通知", notify::Kind::label_zh),
            title: n.title,
            body: n.body,
            // Links are app paths; anything else is not followed from the page.
            link: if n.link.starts_with('/') {
                n.link
            } else {
                String::new()
            },
            created: format::time(n.created_at),
            unread: n.read_at.is_none(),
        })
        .collect();
    let unread = notify::unread_count(store, &user.user).await?;
    let page = NotificationsPage {
        c: Chrome::new(&state, &user, "", "通知").await?,
        rows,
        unread,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct MarkRead {
    /// One notification's id; absent or `all`: every one.
    #[serde(default)]
    id: String,
}

/// Marks one or all of the person's notifications read, then shows the list again.
pub async fn mark_read(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<MarkRead>,
) -> WebResult<Response> {
    let id = match f.id.trim() {
        "" | "all" => None,
        s => Some(s.parse::<i64>().map_err(|_| WebError::NotFound)?),
    };
    notify::mark_read(state.store(), &user.user, id, app::now()).await?;
    Ok(Redirect::to("/notifications").into_response())
}

#[derive(Deserialize)]
pub struct UrgeForm {
    #[serde(default)]
    period: String,
    /// One unit's id; empty: every unit whose report is overdue.
    #[serde(default)]
    unit: String,
    #[serde(default)]
    note: String,
}

/// 催办 from the office's 报送情况 page: one unit, or every overdue unit of the period. Each unit
/// gets a 督办 entry with its audit row and a message to its reporters and head; then the page
/// again, saying how many units were chased.
pub async fn urge(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<UrgeForm>,
) -> WebResult<Response> {
    user.require(super::super::policy::Permission::ReviewReports)?;
    let now = app::now();
    let q = planwatch_model::Quarter::parse(f.period.trim())
        .map_err(|e| WebError::BadRequest(format!("季度“{}”不对：{e}", f.period)))?;
    let target = if f.unit.trim().is_empty() {
        notify::UrgeTarget::AllLate
    } else {
        let id: i64 = f.unit.trim().parse().map_err(|_| WebError::NotFound)?;
        let unit = state
            .units()
            .await?
            .iter()
            .find(|u| u.id == id)
            .cloned()
            .ok_or(WebError::NotFound)?;
        notify::UrgeTarget::One(unit.name)
    };
    let cfg = notify::config().map_err(|e| WebError::BadRequest(e.to_string()))?;
    let ctx = super::super::reporting::context(&state, &user.user.username, now).await?;
    let caller = app::Caller::User(&user.user);
    match super::super::error::shown(
        notify::urge(state.store(), &ctx, &cfg, caller, target, q, &f.note, now).await,
    )? {
        Ok(units) => {
            Ok(Redirect::to(&format!("/reports?period={q}&urged={}", units.len())).into_response())
        }
        Err(m) => Err(WebError::BadRequest(m)),
    }
}
