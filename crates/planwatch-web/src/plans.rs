//! The plan of a request (decision 0064). A deployment holds several plans; every page and API
//! route works on one of them:
//! - `/p/{code}/…` names it in the URL (the prefix is taken off before routing, so every route
//!   exists under every plan, the API included: `/p/{code}/api/v1/…`); the choice is remembered in
//!   the `pw_plan` cookie so that the pages' own links stay in that plan;
//! - otherwise the `pw_plan` cookie names it;
//! - otherwise the only active plan, or the first active one (the oldest).
//!
//! The request then runs inside [`planwatch_store::in_plan`], so every store call it makes,
//! through any use case, works on that plan; the web's caches are kept per plan (`PerPlan`).
//! This middleware wraps the router (it runs before routing) and also opens the request's data
//! version memo (`snapshot::scope`), which it reads to cache the plan list.

use super::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use planwatch_store::{PlanInfo, PlanState};
use std::sync::Arc;

/// The cookie that remembers the plan last named in a URL.
pub const PLAN_COOKIE: &str = "pw_plan";

/// The plans, as the switcher shows them, and the one this request works on.
#[derive(Debug, Clone)]
pub struct PlanNav {
    pub current: Option<PlanInfo>,
    pub plans: Arc<Vec<PlanInfo>>,
}

impl PlanNav {
    /// The plans a switcher offers: every plan but the archived ones (the current plan always).
    pub fn switchable(&self) -> Vec<&PlanInfo> {
        let current = self.current.as_ref().map(|p| p.id);
        self.plans
            .iter()
            .filter(|p| p.state != PlanState::Archived || Some(p.id) == current)
            .collect()
    }

    /// Whether the current plan has ended (or is archived): its pages are for reading only.
    pub fn read_only(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|p| p.state != PlanState::Active)
    }
}

tokio::task_local! {
    static NAV: Arc<PlanNav>;
}

/// The plan navigation of the current request (none outside a request).
pub fn nav() -> Option<Arc<PlanNav>> {
    NAV.try_with(Arc::clone).ok()
}

/// The path prefix of plan `code`: `/p/{code}`.
pub fn prefix(code: &str) -> String {
    format!("/p/{code}")
}

/// Splits `/p/{code}/rest` into (`code`, `/rest`); `None` for any other path.
fn split_prefix(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/p/")?;
    let (code, tail) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    (!code.is_empty()).then_some((code, tail))
}

fn cookie_plan(request: &Request) -> Option<String> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == PLAN_COOKIE)
        .map(|(_, v)| v.trim().to_string())
}

/// The plan an unnamed request works on: the first active plan, else the newest plan.
fn default_plan(plans: &[PlanInfo]) -> Option<&PlanInfo> {
    plans
        .iter()
        .find(|p| p.state == PlanState::Active)
        .or_else(|| plans.last())
}

/// Middleware around the router: see the module comment.
pub async fn scope(State(state): State<AppState>, request: Request, next: Next) -> Response {
    super::snapshot::scope(request, |request| route(state, request, next)).await
}

/// An error answered before routing: problem JSON for the API, a page otherwise.
fn refuse(path: &str, e: super::error::WebError) -> Response {
    if path.starts_with("/api/") {
        super::api::problem::ApiError::from(e).into_response()
    } else {
        e.into_response()
    }
}

async fn route(state: AppState, mut request: Request, next: Next) -> Response {
    let named = split_prefix(request.uri().path()).map(|(c, t)| (c.to_string(), t.to_string()));
    let route_path = named
        .as_ref()
        .map_or_else(|| request.uri().path().to_string(), |(_, t)| t.clone());
    super::snapshot::hint(
        guessed_plan(&state, named.as_ref().map(|(c, _)| c.as_str()), &request),
        super::session::guessed_user(request.headers(), &state),
    );
    let plans = match state.plan_list().await {
        Ok(p) => p,
        // Pages that need no database (the sign-in form) still work; every other page meets
        // the same failure on its own first query and answers it (503 while the database is
        // away, with the breaker answering at once).
        Err(e) if named.is_none() => {
            tracing::debug!(error = %e, "plan list unavailable; request runs without a plan");
            return NAV
                .scope(
                    Arc::new(PlanNav {
                        current: None,
                        plans: Arc::new(Vec::new()),
                    }),
                    next.run(request),
                )
                .await;
        }
        Err(e) => return refuse(&route_path, e),
    };
    let current = match &named {
        Some((code, tail)) => {
            let Some(p) = plans.iter().find(|p| &p.code == code) else {
                return refuse(tail, super::error::WebError::NotFound);
            };
            // Route the rest of the path as if it had no prefix.
            let pq = match request.uri().query() {
                Some(q) => format!("{tail}?{q}"),
                None => tail.clone(),
            };
            let mut parts = request.uri().clone().into_parts();
            parts.path_and_query = pq.parse().ok();
            if let Ok(uri) = Uri::from_parts(parts) {
                *request.uri_mut() = uri;
            }
            Some(p.clone())
        }
        None => cookie_plan(&request)
            .and_then(|c| plans.iter().find(|p| p.code == c))
            .or_else(|| default_plan(&plans))
            .cloned(),
    };
    let remember = named.as_ref().and_then(|(code, _)| {
        (cookie_plan(&request).as_deref() != Some(code.as_str())).then(|| code.clone())
    });
    let nav = Arc::new(PlanNav {
        current: current.clone(),
        plans,
    });
    let run = NAV.scope(nav, next.run(request));
    let mut response = match current {
        Some(p) => planwatch_store::in_plan(p.id, run).await,
        None => run.await,
    };
    if let Some(code) = remember
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{PLAN_COOKIE}={code}; Path=/; SameSite=Lax; HttpOnly"
        ))
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// The id of the plan a request will work on, by the plan list this server read last (whatever
/// its version): a guess for the request's version round (`snapshot::hint`).
fn guessed_plan(state: &AppState, named: Option<&str>, request: &Request) -> Option<i64> {
    let last = state
        .inner
        .plan_list
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .map(|(_, plans)| plans.clone())?;
    match named {
        Some(code) => last.iter().find(|p| p.code == code),
        None => cookie_plan(request)
            .and_then(|c| last.iter().find(|p| p.code == c))
            .or_else(|| default_plan(&last)),
    }
    .map(|p| p.id)
}

impl AppState {
    /// Every plan (code, title, state), read once per shared data version (a plan's code, state and
    /// revisions are shared data: their audit rows name no plan).
    pub async fn plan_list(&self) -> super::error::WebResult<Arc<Vec<PlanInfo>>> {
        let version = self.shared_version().await?;
        if let Some((v, p)) = self
            .inner
            .plan_list
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            && *v == version
        {
            return Ok(p.clone());
        }
        let plans = Arc::new(self.store().plans().await?);
        *self
            .inner
            .plan_list
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some((version, plans.clone()));
        Ok(plans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_names_the_plan_and_leaves_the_route() {
        assert_eq!(split_prefix("/p/szjj/tasks/3"), Some(("szjj", "/tasks/3")));
        assert_eq!(split_prefix("/p/szjj"), Some(("szjj", "/")));
        assert_eq!(split_prefix("/p/szjj/"), Some(("szjj", "/")));
        assert_eq!(split_prefix("/p/"), None);
        assert_eq!(split_prefix("/plan"), None);
        assert_eq!(split_prefix("/tasks"), None);
    }
}
