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
use std::sync::{Arc, Mutex};

/// Which version: of everything, of shared data, or of one plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Global,
    Shared,
    Access,
    Plan(i64),
}

/// The versions a read-only request has read or is reading: one cell per version, so that two
/// parts of a page asking at once (joined futures) share one query.
type Memo = Mutex<Vec<(Which, Arc<tokio::sync::OnceCell<i64>>)>>;

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

/// The memo's cell for `which` (made empty on first use), or `None` outside a read-only request
/// (a write, or a background task), which asks afresh each time.
fn cell(which: Which) -> Option<Arc<tokio::sync::OnceCell<i64>>> {
    READ_ONLY_VERSIONS
        .try_with(|m| {
            let mut m = m.lock().unwrap_or_else(|p| p.into_inner());
            match m.iter().find(|(w, _)| *w == which) {
                Some((_, c)) => c.clone(),
                None => {
                    let c = Arc::new(tokio::sync::OnceCell::new());
                    m.push((which, c.clone()));
                    c
                }
            }
        })
        .ok()
}

impl AppState {
    fn version(
        &self,
        which: Which,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = WebResult<i64>> + Send + '_>> {
        Box::pin(self.version_now(which))
    }

    async fn version_now(&self, which: Which) -> WebResult<i64> {
        match cell(which) {
            Some(c) => c
                .get_or_try_init(|| self.read_version(which))
                .await
                .copied(),
            None => self.read_version(which).await,
        }
    }

    async fn read_version(&self, which: Which) -> WebResult<i64> {
        let store = self.store();
        let v = match which {
            Which::Global => store.data_version().await?,
            // A page needs both (the plan list, the session): read together, each kept.
            Which::Shared | Which::Access => {
                let (shared, access) = store.shared_and_access_versions().await?;
                for (w, v) in [(Which::Shared, shared), (Which::Access, access)] {
                    if w != which
                        && let Some(c) = cell(w)
                    {
                        let _ = c.set(v);
                    }
                }
                if which == Which::Shared {
                    shared
                } else {
                    access
                }
            }
            Which::Plan(p) => {
                // The plans whose values it reads change only with shared data: kept per
                // shared version, so a page costs index probes only.
                let shared = self.version(Which::Shared).await?;
                let owners = self.plan_value_owners(p, shared).await?;
                store.plans_data_version(p, &owners).await?
            }
        };
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

    /// The version of shared data and of access (sign-ins, sessions, API tokens): for the
    /// cache of active sessions.
    pub async fn access_version(&self) -> WebResult<i64> {
        self.version(Which::Access).await
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
    async fn the_memo_lives_only_inside_its_scope_and_shares_one_read() {
        let seen = READ_ONLY_VERSIONS
            .scope(Mutex::new(Vec::new()), async {
                let reads = std::sync::atomic::AtomicUsize::new(0);
                let read = |v: i64| {
                    let reads = &reads;
                    async move {
                        reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        tokio::task::yield_now().await;
                        Ok::<i64, ()>(v)
                    }
                };
                let (a, b) = tokio::join!(
                    async {
                        cell(Which::Plan(3))
                            .expect("in scope")
                            .get_or_try_init(|| read(7))
                            .await
                            .copied()
                    },
                    async {
                        cell(Which::Plan(3))
                            .expect("in scope")
                            .get_or_try_init(|| read(8))
                            .await
                            .copied()
                    },
                );
                let other = cell(Which::Plan(4)).expect("in scope").get().copied();
                (a, b, other, reads.load(std::sync::atomic::Ordering::SeqCst))
            })
            .await;
        assert_eq!(
            seen,
            (Ok(7), Ok(7), None, 1),
            "one read for two asking at once"
        );
        assert!(cell(Which::Global).is_none(), "no memo outside");
    }
}
