//! The CSRF check for every state-changing request, in one middleware so that no handler can
//! forget it. A form carries the token in a `csrf` field (or, for file uploads, in the `csrf`
//! query parameter of the form's action); scripts may send the `X-CSRF-Token` header. The API
//! under `/api/` is exempt: it accepts no cookies for writes, only bearer tokens.
//!
//! Which secret a token must come from depends on the request: on a request that carries a
//! session cookie, every form but the sign-in form needs the token of the session cookie. A token
//! made from a pre-session cookie that an attacker planted is therefore worthless on a signed-in
//! request (without a session the handlers refuse anyway: every form but sign-in needs one).

use super::AppState;
use super::error::WebError;
use super::session::{cookie, csrf_token, pre_cookie, same_token, session_cookie};
use axum::body::Body;
use axum::extract::Request;
use axum::extract::State;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest url-encoded form the guard reads to find the token (multipart uploads carry the
/// token in the query string and are not read here).
const MAX_FORM_BYTES: usize = 4 * 1024 * 1024;

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn field(pairs: &[(String, String)]) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.clone())
}

/// The path whose form is signed with the pre-session cookie's secret.
const SIGN_IN_PATH: &str = "/login";

pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if is_safe(req.method()) || req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    // With a session cookie, only the session's own token counts (except on the sign-in form,
    // which is signed before there is a session). Without one, the pre-session token lets the
    // request through to a handler that then asks the visitor to sign in.
    let has_session = cookie(req.headers(), session_cookie(&state)).is_some();
    let names = if req.uri().path() == SIGN_IN_PATH || !has_session {
        vec![session_cookie(&state), pre_cookie(&state)]
    } else {
        vec![session_cookie(&state)]
    };
    let secrets: Vec<String> = names
        .into_iter()
        .filter_map(|c| cookie(req.headers(), c))
        .collect();
    if secrets.is_empty() {
        return WebError::Csrf.into_response();
    }
    let from_header = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let from_query = req
        .uri()
        .query()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|p| field(&p));
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));

    let (req, provided) = match from_header.or(from_query) {
        Some(t) => (req, Some(t)),
        None if is_form => {
            let (parts, body) = req.into_parts();
            let bytes = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
                Ok(b) => b,
                Err(_) => {
                    return WebError::BadRequest("提交的表单过大或不完整".to_string())
                        .into_response();
                }
            };
            let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .ok()
                .and_then(|p| field(&p));
            (Request::from_parts(parts, Body::from(bytes)), token)
        }
        None => (req, None),
    };
    let ok = provided.is_some_and(|p| secrets.iter().any(|s| same_token(&csrf_token(s), &p)));
    if ok {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "form rejected: missing or wrong CSRF token");
        WebError::Csrf.into_response()
    }
}
