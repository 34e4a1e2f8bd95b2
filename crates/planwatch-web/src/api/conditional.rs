//! Conditional reads (0058): every successful API read carries an `ETag` — a hash of the exact
//! bytes of the answer, so two answers share a tag exactly when they are the same; weak (`W/`)
//! only because the gzip layer may send the same answer in another content-coding — and a
//! `Last-Modified`: when the data reached its current version (the newest audit row), or the
//! start of today for answers that are judged by today's date. A repeated read with
//! `If-None-Match` (or, without it, `If-Modified-Since`) that would get the same answer gets
//! `304 Not Modified` with no body. Answers may be kept by the caller only (`private, no-cache`).

use super::super::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};

/// Put in a response's extensions by a handler whose answer depends on today's date.
#[derive(Clone, Copy)]
pub struct JudgedToday;

/// Put in a response's extensions by a handler whose body is a kept one (rendered.rs): the tag is
/// made once per kept body, and the body goes out as it is instead of being read into one buffer
/// and hashed on every request. The handler answers with exactly `Tagged.0.body`.
#[derive(Clone)]
pub struct Tagged(pub std::sync::Arc<crate::rendered::Kept>);

/// The entity tag of an answer's bytes.
fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!(
        "W/\"{}\"",
        digest
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

/// The largest answer buffered for its tag (answers are JSON built in memory anyway).
const MAX_TAGGED_BYTES: usize = 64 * 1024 * 1024;

pub fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn parse_http_date(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Whether `If-None-Match` names `etag` (weak comparison, RFC 9110 §13.1.2).
fn none_match(headers: &HeaderMap, etag: &str) -> Option<bool> {
    let values: Vec<&str> = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if values.is_empty() {
        return None;
    }
    let bare = etag.trim_start_matches("W/");
    Some(
        values
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .any(|t| t == "*" || t.trim_start_matches("W/") == bare),
    )
}

/// Middleware over the API's GET and HEAD requests.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let conditions = request.headers().clone();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let (etag, body) = match parts.extensions.remove::<Tagged>() {
        Some(Tagged(kept)) => (kept.tag(etag_of).to_owned(), body),
        None => match axum::body::to_bytes(body, MAX_TAGGED_BYTES).await {
            Ok(bytes) => (etag_of(&bytes), Body::from(bytes)),
            Err(e) => {
                return super::problem::ApiError::from(super::super::error::WebError::Internal(
                    anyhow::anyhow!("reading an answer to tag it: {e}"),
                ))
                .into_response();
            }
        },
    };
    let mut modified = match state.data_version().await {
        Ok(v) => state.data_version_at(v).await.ok().flatten(),
        Err(_) => None,
    };
    if parts.extensions.get::<JudgedToday>().is_some() {
        let today = super::super::assessment::today_in_china();
        let start = planwatch_app::assess::china()
            .from_local_datetime(&today.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .map(|t| t.with_timezone(&Utc));
        modified = modified.max(start);
    }
    // Second precision, as the header carries it.
    let modified = modified.and_then(|t| Utc.timestamp_opt(t.timestamp(), 0).single());
    let unchanged = match none_match(&conditions, &etag) {
        Some(matched) => matched,
        None => {
            let since = conditions
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_http_date);
            matches!((since, modified), (Some(s), Some(m)) if m <= s)
        }
    };
    let h = &mut parts.headers;
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Some(m) = modified
        && let Ok(v) = HeaderValue::from_str(&http_date(m))
    {
        h.insert(header::LAST_MODIFIED, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    if unchanged {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_TYPE);
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_go_out_and_come_back() {
        let t = Utc
            .with_ymd_and_hms(2024, 7, 1, 8, 5, 9)
            .single()
            .expect("date");
        assert_eq!(http_date(t), "Mon, 01 Jul 2024 08:05:09 GMT");
        assert_eq!(parse_http_date(&http_date(t)), Some(t));
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists_and_star() {
        let mut h = HeaderMap::new();
        assert_eq!(none_match(&h, "\"ab\""), None);
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"ab\""),
        );
        assert_eq!(none_match(&h, "\"ab\""), Some(true));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"x\""));
        assert_eq!(none_match(&h, "\"ab\""), Some(false));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert_eq!(none_match(&h, "\"ab\""), Some(true));
    }
}
