//! Refused permissions as security events (等保 2.0 审计: 越权访问). A signed-in person's request
//! that the server refuses with 403 writes an audit row `access.denied` naming the person, the
//! role, the method and the path. Rows per person are bounded in time, so a script that loops on
//! a forbidden page cannot fill the audit trail: after `MAX_PER_WINDOW` rows in a window the rest
//! are only counted in the server log.

use super::AppState;
use super::session::{cookie, session_cookie, token_hash};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use planwatch_store::Actor;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Audit rows per person per window.
const MAX_PER_WINDOW: u32 = 20;
const WINDOW: Duration = Duration::from_secs(600);
/// People tracked at once (only signed-in people reach it; emptied past this).
const MAX_PEOPLE: usize = 10_000;

#[derive(Default)]
pub struct RefusalBudget {
    by_user: Mutex<HashMap<i64, (Instant, u32)>>,
}

impl RefusalBudget {
    /// Whether another row may be written for this user now.
    fn take(&self, user: i64, now: Instant) -> bool {
        let mut map = self.by_user.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_PEOPLE && !map.contains_key(&user) {
            map.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
            if map.len() >= MAX_PEOPLE {
                map.clear();
            }
        }
        let entry = map.entry(user).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= MAX_PER_WINDOW
    }
}

pub async fn audit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let token = cookie(req.headers(), session_cookie(&state));
    let method = req.method().as_str().chars().take(16).collect::<String>();
    let path: String = req.uri().path().chars().take(200).collect();
    let res = next.run(req).await;
    if res.status() != StatusCode::FORBIDDEN {
        return res;
    }
    let Some(token) = token else {
        return res;
    };
    let now = planwatch_app::now();
    let user = match state.session_user(&token_hash(&token), now).await {
        Ok(Some(u)) => u,
        _ => return res,
    };
    if !state.refusals().take(user.id, Instant::now()) {
        tracing::warn!(user = ?user.username, path = ?path, "access refused (not audited: too many)");
        return res;
    }
    let detail = serde_json::json!({
        "method": method,
        "role": user.role.as_str(),
        "unit": user.unit,
    });
    if let Err(e) = state
        .store()
        .record_access_denied(&Actor::user(&user.username), &path, detail, now)
        .await
    {
        tracing::error!(error = %e, "could not audit a refused request");
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_person_gets_a_bounded_number_of_rows_per_window() {
        let b = RefusalBudget::default();
        let t0 = Instant::now();
        let allowed = (0..100).filter(|_| b.take(7, t0)).count();
        assert_eq!(allowed, MAX_PER_WINDOW as usize);
        assert!(b.take(8, t0));
        assert!(b.take(7, t0 + WINDOW));
    }
}
