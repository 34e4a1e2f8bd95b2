//! The CSRF check for every state-changing request, in one middleware so that no handler can
//! forget it. A form carries the token in a `csrf` field (or, for file uploads, in the `csrf`
//! query parameter of the form's action); scripts may send the `X-CSRF-Token` header. The API
//! under `/api/` is exempt: it accepts no cookies for writes, only bearer tokens.

use super::error::WebError;
use super::session::{PRE_COOKIE, SESSION_COOKIE, cookie, csrf_token, same_token};
use axum::body::Body;
use axum::extract::Request;
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

pub async fn guard(req: Request, next: Next) -> Response {
    if is_safe(req.method()) || req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let secrets: Vec<String> = [SESSION_COOKIE, PRE_COOKIE]
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
