//! Flood control for sign-in by client address, kept in memory. The per-account limit (the one
//! that stops password guessing) counts failed sign-ins in the database so that every app server
//! sees the same number; this one only stops a single client from hammering the sign-in form
//! (and the audit trail) with many usernames.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed sign-ins per account within [`WINDOW_MINUTES`] before the account is refused.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed sign-ins per client address within the window before the address is refused.
pub const MAX_FAILURES_PER_CLIENT: usize = 30;
pub const WINDOW_MINUTES: i64 = 15;

fn window() -> Duration {
    Duration::from_secs(u64::try_from(WINDOW_MINUTES).unwrap_or(15) * 60)
}

#[derive(Default)]
pub struct ClientLimiter {
    failures: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl ClientLimiter {
    /// Whether the client is currently refused.
    pub fn is_blocked(&self, client: IpAddr, now: Instant) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match map.get_mut(&client) {
            Some(q) => {
                while q.front().is_some_and(|t| now.duration_since(*t) > window()) {
                    q.pop_front();
                }
                let blocked = q.len() >= MAX_FAILURES_PER_CLIENT;
                if q.is_empty() {
                    map.remove(&client);
                }
                blocked
            }
            None => false,
        }
    }

    pub fn record_failure(&self, client: IpAddr, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Bound the memory a flood of spoofed addresses can take.
        if map.len() > 100_000 {
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) <= window()));
        }
        map.entry(client).or_default().push_back(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_is_refused_after_too_many_failures_and_let_in_after_the_window() {
        let l = ClientLimiter::default();
        let ip: IpAddr = [10, 0, 0, 1].into();
        let t0 = Instant::now();
        for _ in 0..MAX_FAILURES_PER_CLIENT {
            assert!(!l.is_blocked(ip, t0));
            l.record_failure(ip, t0);
        }
        assert!(l.is_blocked(ip, t0));
        assert!(!l.is_blocked([10, 0, 0, 2].into(), t0));
        assert!(!l.is_blocked(ip, t0 + window() + Duration::from_secs(1)));
    }
}
