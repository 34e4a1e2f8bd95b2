//! Security headers on every response: a strict content security policy (no inline script, no
//! third-party anything — the app runs on intranets without a CDN), no framing, no sniffing.

use super::AppState;
use super::error::WebError;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::response::Response;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
                   script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub async fn security(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if state.config().tls {
        res.headers_mut()
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static("max-age=31536000"));
    }
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CSP);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "same-origin");
    // Pages show personal and unpublished data: never keep them in shared caches.
    set(h, header::CACHE_CONTROL, "no-store");
    res
}

/// Refuses a body whose declared length is over the limit before anything reads it, with a
/// message that says the limit (bodies without a length are cut at the same limit by the
/// `RequestBodyLimitLayer`, and the upload handlers answer the same message).
pub async fn body_limit(req: Request, next: Next, evidence_cap: usize) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let evidence = super::is_evidence_upload(req.method(), req.uri().path());
    let (limit, limit_mb) = if evidence {
        (
            evidence_cap,
            evidence_cap.saturating_sub(super::MAX_BODY_BYTES) / (1024 * 1024),
        )
    } else {
        (super::MAX_BODY_BYTES, super::MAX_BODY_BYTES / (1024 * 1024))
    };
    if declared.is_some_and(|n| n > limit as u64) {
        let e = WebError::TooLarge { limit_mb };
        return if req.uri().path().starts_with("/api/") {
            super::api::problem::ApiError::from(e).into_response()
        } else {
            e.into_response()
        };
    }
    next.run(req).await
}
