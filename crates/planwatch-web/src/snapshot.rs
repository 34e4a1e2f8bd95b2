//! One data version per page view. Every cache of the web layer (the signed-in user, the units,
//! the plan, the 示例数据 flag, the monitoring results) is keyed by the store's data version —
//! the id of the newest audit row. A read-only request (GET, HEAD) asks the database for it once
//! and every cache it consults uses that answer, so a page that is fully cached costs one small
//! query. A request that may write asks afresh each time, so that what it shows after its own
//! change is never older than the change.

use super::AppState;
use super::error::WebResult;
use axum::extract::Request;
use axum::http::Method;
use axum::response::Response;
use std::sync::OnceLock;

tokio::task_local! {
    /// The data version of the current read-only request, once it has been read.
    static READ_ONLY_VERSION: OnceLock<i64>;
}

/// Gives each GET or HEAD request its own memo of the data version while `inner` handles it
/// (called by the outermost middleware, `plans::scope`, which reads the version first).
pub async fn scope<F, Fut>(request: Request, inner: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        READ_ONLY_VERSION
            .scope(OnceLock::new(), inner(request))
            .await
    } else {
        inner(request).await
    }
}

impl AppState {
    /// The store's data version, read once per read-only request (see the module comment).
    pub async fn data_version(&self) -> WebResult<i64> {
        if let Ok(Some(v)) = READ_ONLY_VERSION.try_with(|m| m.get().copied()) {
            return Ok(v);
        }
        let v = self.store().data_version().await?;
        // Outside a read-only request (a write, or a background task) there is no memo.
        let _ = READ_ONLY_VERSION.try_with(|m| m.set(v));
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_memo_lives_only_inside_its_scope() {
        let seen = READ_ONLY_VERSION
            .scope(OnceLock::new(), async {
                READ_ONLY_VERSION.with(|m| m.set(7)).expect("first set");
                READ_ONLY_VERSION.with(|m| m.get().copied())
            })
            .await;
        assert_eq!(seen, Some(7));
        assert!(
            READ_ONLY_VERSION.try_with(|_| ()).is_err(),
            "no memo outside"
        );
    }
}
