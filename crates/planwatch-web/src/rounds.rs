//! Version rounds: the data versions (and unread counts) that read-only requests ask for are
//! read for all of them together. While one round's statement runs, the requests that arrive
//! wait for the next round, which starts as soon as it ends and answers every one of them with
//! one statement (`Store::probe`). Every answer is still read after its request arrived, so a
//! write acknowledged before a request was sent is always seen (through any app server); under
//! load, one statement serves many requests instead of each request sending several.

use super::AppState;
use planwatch_store::Probe;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// The rounds of one app server.
#[derive(Default)]
pub struct Rounds {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// A round is running (its driver will start the next one).
    running: bool,
    /// What the next round will read, and who waits for it.
    next: Option<Pending>,
}

#[derive(Default)]
struct Pending {
    plans: BTreeSet<i64>,
    series: BTreeSet<i64>,
    users: BTreeSet<i64>,
    waiters: Vec<oneshot::Sender<Option<Arc<Probe>>>>,
}

/// What one request asks: the plans (each with the owner plans whose series it follows) and
/// the people whose unread notifications it shows.
#[derive(Debug, Default)]
pub struct Ask<'a> {
    pub plans: Vec<(i64, &'a [i64])>,
    pub users: Vec<i64>,
}

/// The answer of the first round of `state`'s server that starts after this call, or `None` if
/// that round failed (the caller reads on its own, and meets the error itself).
pub async fn ask(state: &AppState, ask: Ask<'_>) -> Option<Arc<Probe>> {
    state.inner.rounds.ask(state, ask).await
}

impl Rounds {
    async fn ask(&self, state: &AppState, ask: Ask<'_>) -> Option<Arc<Probe>> {
        let (rx, start) = {
            let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let next = s.next.get_or_insert_with(Pending::default);
            for (plan, owners) in &ask.plans {
                next.plans.insert(*plan);
                next.series.extend(owners.iter().copied());
            }
            next.users.extend(ask.users.iter().copied());
            let (tx, rx) = oneshot::channel();
            next.waiters.push(tx);
            let start = !s.running;
            s.running = true;
            (rx, start)
        };
        if start {
            // A task of its own, so that a request that goes away does not stop the round others
            // wait for.
            let state = state.clone();
            tokio::spawn(async move { state.inner.rounds.drive(&state).await });
        }
        rx.await.ok().flatten()
    }

    /// Runs rounds while anyone waits.
    async fn drive(&self, state: &AppState) {
        let _guard = Unstuck(self);
        loop {
            let pending = {
                let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
                match s.next.take() {
                    Some(p) => p,
                    None => {
                        s.running = false;
                        return;
                    }
                }
            };
            let plans: Vec<i64> = pending.plans.into_iter().collect();
            let series: Vec<i64> = pending.series.into_iter().collect();
            let users: Vec<i64> = pending.users.into_iter().collect();
            let answer = match state.store().probe(&plans, &series, &users).await {
                Ok(p) => Some(Arc::new(p)),
                Err(e) => {
                    tracing::debug!(error = %e, "version round failed; each request reads alone");
                    None
                }
            };
            state.metrics().version_round(pending.waiters.len());
            for w in pending.waiters {
                let _ = w.send(answer.clone());
            }
        }
    }
}

/// Should a round's task panic, the next ask starts a new driver rather than waiting for one
/// that is gone (the waiters of the lost round read on their own).
struct Unstuck<'a>(&'a Rounds);

impl Drop for Unstuck<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut s = self.0.state.lock().unwrap_or_else(|p| p.into_inner());
            s.running = false;
            s.next = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use planwatch_store::{Location, OpenMode, Store};
    use std::future::Future;

    async fn state(dir: &std::path::Path) -> AppState {
        let store = Store::open(&Location::Sqlite(dir.join("pw.db")), OpenMode::Create)
            .await
            .expect("a store");
        AppState::new(
            store,
            super::super::WebConfig {
                data_dir: dir.to_path_buf(),
                ..Default::default()
            },
        )
    }

    fn counter(state: &AppState, name: &str) -> u64 {
        let text = state.metrics().render();
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} in {text}"))
    }

    #[tokio::test]
    async fn asks_at_once_share_rounds_and_each_answer_is_read_after_its_ask() {
        let dir = tempfile::tempdir().expect("tmp");
        let state = state(dir.path()).await;
        // Fifty requests ask before the first round could start (one thread: the round's task
        // runs once this one waits): one statement answers them all.
        let mut asks: Vec<_> = (0..50)
            .map(|_| {
                Box::pin(ask(
                    &state,
                    Ask {
                        plans: Vec::new(),
                        users: vec![1],
                    },
                ))
            })
            .collect();
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        for a in &mut asks {
            assert!(
                a.as_mut().poll(&mut cx).is_pending(),
                "asked, not answered yet"
            );
        }
        for a in asks {
            let probe = a.await.expect("answered");
            assert_eq!(probe.unread.get(&1), Some(&0));
        }
        assert_eq!(counter(&state, "planwatch_version_asks_total"), 50);
        assert_eq!(counter(&state, "planwatch_version_rounds_total"), 1);
        // While other requests keep rounds running, a write made before an ask is always in its
        // answer: no ask is answered by a round that started before it.
        let busy = {
            let state = state.clone();
            tokio::spawn(async move {
                loop {
                    let _ = ask(&state, Ask::default()).await;
                }
            })
        };
        for n in 0..30 {
            state
                .store()
                .record_sign_in_failure("127.0.0.1", &format!("u{n}"), chrono::Utc::now())
                .await
                .expect("written");
            let newest = state.store().data_version().await.expect("version");
            let probe = ask(&state, Ask::default()).await.expect("answered");
            assert_eq!(probe.global, newest, "write {n}");
            assert_eq!(probe.access, newest, "a sign-in failure is an access row");
        }
        busy.abort();
    }
}
