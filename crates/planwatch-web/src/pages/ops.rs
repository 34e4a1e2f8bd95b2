//! For operators: `/healthz` (is the database reachable), `/metrics` (Prometheus text), and the
//! page for unknown addresses.

use super::super::AppState;
use super::super::error::WebError;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// 200 `ok` when the database answers, 503 otherwise (for load balancers and monitoring).
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store().schema_version().await {
        Ok(v) => (StatusCode::OK, format!("ok schema={v}\n")).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics().render(),
    )
        .into_response()
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}
