//! Rate limits of the API per caller — each API token, each signed-in person — kept in memory
//! per app server: at most `WebConfig::api_requests_per_minute` requests in a fixed window of
//! one minute. Past it the caller gets 429 with `Retry-After`, the seconds until its window ends.
//! The table holds only authenticated callers and is bounded like the sign-in limiter.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

/// The most callers kept; past it expired windows are dropped, and if all are fresh the table is
/// emptied (forgetting counts is better than running out of memory).
const MAX_CALLERS: usize = 10_000;

#[derive(Default)]
pub struct ApiLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl ApiLimiter {
    /// Counts a request of `caller`; `Err(seconds)` when it is over the limit, with the seconds
    /// until it may try again (at least 1).
    pub fn check(&self, caller: &str, per_minute: u32, now: Instant) -> Result<(), u64> {
        let mut map = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_CALLERS && !map.contains_key(caller) {
            map.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
            if map.len() >= MAX_CALLERS {
                map.clear();
            }
        }
        let entry = map.entry(caller.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        if entry.1 >= per_minute {
            let left = WINDOW.saturating_sub(now.duration_since(entry.0));
            return Err((left.as_secs() + u64::from(left.subsec_nanos() > 0)).max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_over_its_limit_waits_for_its_window_and_others_do_not() {
        let l = ApiLimiter::default();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.check("token:1", 3, t0), Ok(()));
        }
        let wait = l.check("token:1", 3, t0 + Duration::from_secs(20));
        assert_eq!(wait, Err(40), "40 s left of the window");
        let wait = l.check("token:1", 3, t0 + Duration::from_millis(20_500));
        assert_eq!(wait, Err(40), "39.5 s left, rounded up");
        assert_eq!(l.check("token:2", 3, t0), Ok(()), "another token");
        assert_eq!(l.check("token:1", 3, t0 + WINDOW), Ok(()), "a new window");
    }

    #[test]
    fn the_table_never_grows_past_its_bound() {
        let l = ApiLimiter::default();
        let t0 = Instant::now();
        for i in 0..(MAX_CALLERS + 5) {
            let _ = l.check(&format!("user:{i}"), 10, t0);
        }
        assert!(l.windows.lock().expect("lock").len() <= MAX_CALLERS);
    }
}
