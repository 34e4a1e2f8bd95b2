//! For operators: `/healthz` (is the database reachable), `/metrics` (Prometheus text), and the
//! page for unknown addresses.

use super::super::AppState;
use super::super::error::{UNAVAILABLE_RETRY_AFTER_SECS, WebError};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The longest a health check waits for the database: a load balancer's check must get an
/// answer even from a database that neither answers nor refuses.
const HEALTH_WAIT: std::time::Duration = std::time::Duration::from_millis(1800);

/// 200 `ok` when the database answers, 503 with `Retry-After` otherwise, within
/// [`HEALTH_WAIT`] (for load balancers and monitoring; decision 0065).
pub async fn healthz(State(state): State<AppState>) -> Response {
    let why = match tokio::time::timeout(HEALTH_WAIT, state.store().schema_version()).await {
        Ok(Ok(v)) => return (StatusCode::OK, format!("ok schema={v}\n")).into_response(),
        Ok(Err(e)) => e.to_string(),
        Err(_) => format!("no answer within {} ms", HEALTH_WAIT.as_millis()),
    };
    tracing::error!(error = %why, "health check: database unreachable");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(
            header::RETRY_AFTER,
            UNAVAILABLE_RETRY_AFTER_SECS.to_string(),
        )],
        "database unavailable\n",
    )
        .into_response()
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
