//! One set of data versions per page view. Every cache of the web layer is keyed by one of the
//! store's data versions (versions.rs): shared data (the signed-in user, the units, the people,
//! the plan list) by the shared version, one plan's results (its pages, its monitoring) by that
//! plan's version, and what spans plans (a unit's to-do across its plans) by the global one. A
//! read-only request (GET, HEAD) asks the database for each version it needs once and every cache
//! it consults uses that answer, so a page that is fully cached costs one or two small queries. A
//! request that may write asks afresh each time, so that what it shows after its own change is
//! never older than the change.

use super::AppState;
use super::error::WebResult;
use axum::extract::Request;
use axum::http::Method;
use axum::response::Response;
use std::sync::Mutex;

/// Which version: of everything, of shared data, or of one plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Global,
    Shared,
    Plan(i64),
}

/// The versions a read-only request has read so far.
type Memo = Mutex<Vec<(Which, i64)>>;

tokio::task_local! {
    /// The data versions of the current read-only request, as they are read.
    static READ_ONLY_VERSIONS: Memo;
}

/// Gives each GET or HEAD request its own memo of the data versions while `inner` handles it
/// (called by the outermost middleware, `plans::scope`, which reads the shared version first).
pub async fn scope<F, Fut>(request: Request, inner: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        READ_ONLY_VERSIONS
            .scope(Mutex::new(Vec::new()), inner(request))
            .await
    } else {
        inner(request).await
    }
}

fn remembered(which: Which) -> Option<i64> {
    READ_ONLY_VERSIONS
        .try_with(|m| {
            m.lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .find(|(w, _)| *w == which)
                .map(|(_, v)| *v)
        })
        .ok()
        .flatten()
}

fn remember(which: Which, v: i64) {
    // Outside a read-only request (a write, or a background task) there is no memo.
    let _ = READ_ONLY_VERSIONS
        .try_with(|m| m.lock().unwrap_or_else(|p| p.into_inner()).push((which, v)));
}

impl AppState {
    async fn version(&self, which: Which) -> WebResult<i64> {
        if let Some(v) = remembered(which) {
            return Ok(v);
        }
        let store = self.store();
        let v = match which {
            Which::Global => store.data_version().await?,
            Which::Shared => store.shared_data_version().await?,
            Which::Plan(p) => store.plan_data_version(p).await?,
        };
        remember(which, v);
        Ok(v)
    }

    /// The data version of what this request shows: that of the plan of the request scope (its
    /// own changes, the plans whose values it reads, shared data), or the shared version
    /// outside a plan. Read once per read-only request (see the module comment).
    pub async fn data_version(&self) -> WebResult<i64> {
        match planwatch_store::plan_in_scope() {
            Some(p) => self.version(Which::Plan(p)).await,
            None => self.version(Which::Shared).await,
        }
    }

    /// The version of shared data: units, users, sessions, the organisation, the plans.
    pub async fn shared_version(&self) -> WebResult<i64> {
        self.version(Which::Shared).await
    }

    /// The version of everything, every plan included: for what spans plans.
    pub async fn global_version(&self) -> WebResult<i64> {
        self.version(Which::Global).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_memo_lives_only_inside_its_scope() {
        let seen = READ_ONLY_VERSIONS
            .scope(Mutex::new(Vec::new()), async {
                remember(Which::Plan(3), 7);
                remember(Which::Shared, 5);
                (
                    remembered(Which::Plan(3)),
                    remembered(Which::Plan(4)),
                    remembered(Which::Shared),
                )
            })
            .await;
        assert_eq!(seen, (Some(7), None, Some(5)));
        remember(Which::Global, 9);
        assert_eq!(remembered(Which::Global), None, "no memo outside");
    }
}
