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

/// The per-account limit as the store applies it.
pub fn account_limits() -> planwatch_store::SignInLimits {
    planwatch_store::SignInLimits {
        max_failures: MAX_FAILURES_PER_ACCOUNT,
        window: chrono::Duration::minutes(WINDOW_MINUTES),
    }
}

/// The most client addresses kept; past it the table is pruned, and if every entry is still
/// fresh (a flood of addresses) it is emptied: a limiter that forgets is better than a server
/// that runs out of memory, and the per-account limit in the database still holds.
const MAX_CLIENTS: usize = 50_000;

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
        // Bound the memory a flood of addresses can take.
        if map.len() >= MAX_CLIENTS && !map.contains_key(&client) {
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) <= window()));
            if map.len() >= MAX_CLIENTS {
                map.clear();
            }
        }
        let q = map.entry(client).or_default();
        q.push_back(now);
        // One address never keeps more entries than it takes to block it.
        while q.len() > MAX_FAILURES_PER_CLIENT {
            q.pop_front();
        }
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

    #[test]
    fn a_flood_of_addresses_never_grows_the_table_past_its_bound() {
        let l = ClientLimiter::default();
        let t0 = Instant::now();
        for i in 0..(MAX_CLIENTS as u32 + 10) {
            let ip: IpAddr = std::net::Ipv4Addr::from(i).into();
            l.record_failure(ip, t0);
            l.record_failure(ip, t0);
        }
        let map = l.failures.lock().expect("not poisoned");
        assert!(map.len() <= MAX_CLIENTS);
        assert!(map.values().all(|q| q.len() <= MAX_FAILURES_PER_CLIENT));
    }
}
