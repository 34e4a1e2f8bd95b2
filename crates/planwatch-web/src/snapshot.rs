//! One set of data versions per page view. Every cache of the web layer is keyed by one of the
//! store's data versions (versions.rs): shared data (the signed-in user, the units, the people,
//! the plan list) by the shared version, one plan's results (its pages, its monitoring) by that
//! plan's version, and what spans plans (a unit's to-do across its plans) by the global one. A
//! read-only request (GET, HEAD) asks for each version it needs once and every cache it consults
//! uses that answer. It asks through the server's version rounds (rounds.rs): its first ask
//! reads, in one statement shared with the other requests of that moment, the global, shared and
//! access versions, its plan's version and its viewer's unread notifications — the plan and the
//! viewer guessed from the URL and the session cookie (`hint`), kept only if the answer shows
//! the guess held — so a page that is fully cached costs a share of one statement. A request
//! that may write asks afresh each time, so that what it shows after its own change is never
//! older than the change.

use super::AppState;
use super::error::WebResult;
use axum::extract::Request;
use axum::http::Method;
use axum::response::Response;
use std::sync::{Arc, Mutex};

/// Which version: of everything, of shared data, of access, of one plan; or a person's unread
/// notifications (read with them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Global,
    Shared,
    Access,
    Plan(i64),
    Unread(i64),
}

/// The versions a read-only request has read or is reading: one cell per version, so that two
/// parts of a page asking at once (joined futures) share one read; and the guesses of its plan
/// and viewer.
#[derive(Default)]
struct Memo {
    cells: Mutex<Vec<(Which, Arc<tokio::sync::OnceCell<i64>>)>>,
    hints: Mutex<Hints>,
}

/// The plan and the viewer a read-only request is likely about, before it knows (the plan list
/// and the session are read with the versions).
#[derive(Debug, Default, Clone, Copy)]
struct Hints {
    plan: Option<i64>,
    user: Option<i64>,
}

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
            .scope(Memo::default(), inner(request))
            .await
    } else {
        inner(request).await
    }
}

/// Records the guesses of the current read-only request's plan and viewer (nothing outside
/// one): its first version read also reads theirs.
pub fn hint(plan: Option<i64>, user: Option<i64>) {
    let _ = READ_ONLY_VERSIONS.try_with(|m| {
        *m.hints.lock().unwrap_or_else(|p| p.into_inner()) = Hints { plan, user };
    });
}

fn hints() -> Hints {
    READ_ONLY_VERSIONS
        .try_with(|m| *m.hints.lock().unwrap_or_else(|p| p.into_inner()))
        .unwrap_or_default()
}

/// The memo's cell for `which` (made empty on first use), or `None` outside a read-only request
/// (a write, or a background task), which asks afresh each time.
fn cell(which: Which) -> Option<Arc<tokio::sync::OnceCell<i64>>> {
    READ_ONLY_VERSIONS
        .try_with(|m| {
            let mut m = m.cells.lock().unwrap_or_else(|p| p.into_inner());
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

/// Keeps `v` as the answer for `which` unless the request already has one.
fn settle(which: Which, v: i64) {
    if let Some(c) = cell(which) {
        let _ = c.set(v);
    }
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
        if cell(which).is_some()
            && let Some(v) = self.read_in_round(which).await?
        {
            return Ok(v);
        }
        self.read_alone(which).await
    }

    /// `which` from the next version round, with everything else the round read that this
    /// request may need (see the module comment); `None` when the round could not answer it (a
    /// plan whose owner plans are not known for the shared version read, or a failed round).
    async fn read_in_round(&self, which: Which) -> WebResult<Option<i64>> {
        let h = hints();
        let plan = match which {
            Which::Plan(p) => Some(p),
            _ => h.plan,
        };
        let user = match which {
            Which::Unread(u) => Some(u),
            _ => h.user,
        };
        // The owner plans kept for some shared version: right if the round reads that one.
        let owners = plan.and_then(|p| {
            self.inner
                .owners_cache
                .peek(Some(p))
                .map(|(shared, owners)| (p, shared, owners))
        });
        let ask = super::rounds::Ask {
            plans: owners.iter().map(|(p, _, o)| (*p, o.as_slice())).collect(),
            users: user.into_iter().collect(),
        };
        let Some(probe) = super::rounds::ask(self, ask).await else {
            return Ok(None);
        };
        settle(Which::Global, probe.global);
        settle(Which::Shared, probe.shared);
        settle(Which::Access, probe.access);
        if let Some((p, shared, owners)) = &owners
            && *shared == probe.shared
            && let Some(v) = probe.plan_version(*p, owners)
        {
            settle(Which::Plan(*p), v);
        }
        for (u, n) in &probe.unread {
            settle(Which::Unread(*u), *n);
        }
        Ok(match which {
            Which::Global => Some(probe.global),
            Which::Shared => Some(probe.shared),
            Which::Access => Some(probe.access),
            Which::Plan(p) => owners
                .as_ref()
                .filter(|(_, shared, _)| *shared == probe.shared)
                .and_then(|(_, _, o)| probe.plan_version(p, o)),
            Which::Unread(u) => probe.unread.get(&u).copied(),
        })
    }

    /// `which` read on its own (a request that may write, a background task, or what a round
    /// could not answer).
    async fn read_alone(&self, which: Which) -> WebResult<i64> {
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
                // shared version, so a page costs index probes only (in the next round, which
                // knows the owners now, inside a read-only request).
                let shared = self.version(Which::Shared).await?;
                let owners = self.plan_value_owners(p, shared).await?;
                if cell(which).is_some()
                    && let Some(probe) = super::rounds::ask(
                        self,
                        super::rounds::Ask {
                            plans: vec![(p, owners.as_slice())],
                            users: Vec::new(),
                        },
                    )
                    .await
                    && let Some(v) = probe.plan_version(p, &owners)
                {
                    return Ok(v);
                }
                store.plans_data_version(p, &owners).await?
            }
            Which::Unread(u) => store.unread_notifications(u).await?,
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

    /// The unread notifications of the person `user` (the navigation's count): read with the
    /// request's versions inside a read-only request.
    pub async fn unread_notifications(&self, user: i64) -> WebResult<i64> {
        self.version(Which::Unread(user)).await
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
            .scope(Memo::default(), async {
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
