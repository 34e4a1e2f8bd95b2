//! `/metrics` in the Prometheus text format, hand-written: request counts by route, method and
//! status, a latency histogram, and sign-in outcomes. Routes are the router's patterns
//! (`/tasks/{number}`), never raw paths, so the number of series stays small.

use super::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

/// How a sign-in ended.
#[derive(Debug, Clone, Copy)]
pub enum SignIn {
    Ok,
    Failed,
    Refused,
}

pub struct Metrics {
    started: Instant,
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
    sign_ins: [AtomicU64; 3],
    /// A plan's monitoring sources read in full, and brought up to date from the reports changed
    /// since (assessment.rs).
    plan_loads: [AtomicU64; 3],
    /// Version rounds run, and the read-only requests' asks they answered (rounds.rs).
    version_rounds: AtomicU64,
    version_asks: AtomicU64,
    /// Quarters' assessments computed, and carried over to a newer data version unchanged
    /// (assessment.rs).
    assessments_computed: AtomicU64,
    assessments_carried: AtomicU64,
}

/// How a plan's monitoring sources were brought to the current data version.
#[derive(Debug, Clone, Copy)]
pub enum PlanLoad {
    Full,
    ChangedReports,
    /// Nothing it holds had changed (a draft of a plan whose values it reads).
    Kept,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            requests: Mutex::new(BTreeMap::new()),
            buckets: Default::default(),
            count: AtomicU64::new(0),
            sum_micros: AtomicU64::new(0),
            sign_ins: Default::default(),
            plan_loads: Default::default(),
            version_rounds: AtomicU64::new(0),
            assessments_computed: AtomicU64::new(0),
            assessments_carried: AtomicU64::new(0),
            version_asks: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    fn observe(&self, route: String, method: String, status: u16, secs: f64) {
        {
            let mut m = self.requests.lock().unwrap_or_else(|p| p.into_inner());
            *m.entry((route, method, status)).or_insert(0) += 1;
        }
        for (i, le) in BUCKETS.iter().enumerate() {
            if secs <= *le {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        // Whole microseconds: the rounding is far below what the histogram resolves.
        let micros = (secs * 1e6).round();
        self.sum_micros.fetch_add(
            if micros > 0.0 { micros as u64 } else { 0 },
            Ordering::Relaxed,
        );
    }

    pub fn plan_load(&self, how: PlanLoad) {
        self.plan_loads[how as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn version_round(&self, asks: usize) {
        self.version_rounds.fetch_add(1, Ordering::Relaxed);
        self.version_asks
            .fetch_add(u64::try_from(asks).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    pub fn assessment_computed(&self) {
        self.assessments_computed.fetch_add(1, Ordering::Relaxed);
    }

    pub fn assessments_carried(&self, n: usize) {
        self.assessments_carried
            .fetch_add(u64::try_from(n).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    pub fn sign_in(&self, outcome: SignIn) {
        self.sign_ins[outcome as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# HELP planwatch_build_info PlanWatch version.");
        let _ = writeln!(out, "# TYPE planwatch_build_info gauge");
        let _ = writeln!(
            out,
            "planwatch_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        let _ = writeln!(
            out,
            "# HELP planwatch_uptime_seconds Seconds since the server started."
        );
        let _ = writeln!(out, "# TYPE planwatch_uptime_seconds gauge");
        let _ = writeln!(
            out,
            "planwatch_uptime_seconds {:.3}",
            self.started.elapsed().as_secs_f64()
        );
        let _ = writeln!(
            out,
            "# HELP planwatch_http_requests_total HTTP requests by route, method and status."
        );
        let _ = writeln!(out, "# TYPE planwatch_http_requests_total counter");
        {
            let m = self.requests.lock().unwrap_or_else(|p| p.into_inner());
            for ((route, method, status), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "planwatch_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                    escape(route),
                    escape(method)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP planwatch_http_request_duration_seconds Time to answer a request."
        );
        let _ = writeln!(
            out,
            "# TYPE planwatch_http_request_duration_seconds histogram"
        );
        for (i, le) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "planwatch_http_request_duration_seconds_bucket{{le=\"{le}\"}} {}",
                self.buckets[i].load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "planwatch_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "planwatch_http_request_duration_seconds_sum {:.6}",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "planwatch_http_request_duration_seconds_count {count}");
        let _ = writeln!(
            out,
            "# HELP planwatch_sign_ins_total Sign-in attempts by outcome."
        );
        let _ = writeln!(out, "# TYPE planwatch_sign_ins_total counter");
        for (i, name) in ["ok", "failed", "refused"].iter().enumerate() {
            let _ = writeln!(
                out,
                "planwatch_sign_ins_total{{outcome=\"{name}\"}} {}",
                self.sign_ins[i].load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP planwatch_plan_loads_total A plan's monitoring sources brought to a newer data version: read in full, only the reports changed since, or kept as they were."
        );
        let _ = writeln!(out, "# TYPE planwatch_plan_loads_total counter");
        for (i, name) in ["full", "changed_reports", "kept"].iter().enumerate() {
            let _ = writeln!(
                out,
                "planwatch_plan_loads_total{{how=\"{name}\"}} {}",
                self.plan_loads[i].load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP planwatch_assessments_total A quarter's assessment computed, or carried over unchanged when its plan's data moved on (only later quarters' reports changed)."
        );
        let _ = writeln!(out, "# TYPE planwatch_assessments_total counter");
        for (name, v) in [
            ("computed", &self.assessments_computed),
            ("carried", &self.assessments_carried),
        ] {
            let _ = writeln!(
                out,
                "planwatch_assessments_total{{how=\"{name}\"}} {}",
                v.load(Ordering::Relaxed)
            );
        }
        for (name, help, v) in [
            (
                "planwatch_version_rounds_total",
                "Statements that read the data versions read-only requests asked for together.",
                &self.version_rounds,
            ),
            (
                "planwatch_version_asks_total",
                "Asks of read-only requests for data versions, answered by those rounds.",
                &self.version_asks,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} counter");
            let _ = writeln!(out, "{name} {}", v.load(Ordering::Relaxed));
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The method as a label: the standard ones by name, anything else as `other`, so that made-up
/// methods cannot add series (the route is already the router's pattern or `unmatched`).
fn method_label(m: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

pub async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let method = method_label(req.method()).to_string();
    let start = Instant::now();
    let res = next.run(req).await;
    state.metrics().observe(
        route,
        method,
        res.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_counts_requests_by_route_and_fills_the_histogram() {
        let m = Metrics::default();
        m.observe("/tasks/{number}".into(), "GET".into(), 200, 0.003);
        m.observe("/tasks/{number}".into(), "GET".into(), 200, 0.2);
        m.sign_in(SignIn::Failed);
        let text = m.render();
        assert!(text.contains(
            "planwatch_http_requests_total{route=\"/tasks/{number}\",method=\"GET\",status=\"200\"} 2"
        ));
        assert!(text.contains("planwatch_http_request_duration_seconds_bucket{le=\"0.005\"} 1"));
        assert!(text.contains("planwatch_http_request_duration_seconds_bucket{le=\"+Inf\"} 2"));
        assert!(text.contains("planwatch_sign_ins_total{outcome=\"failed\"} 1"));
    }

    #[test]
    fn made_up_methods_share_one_label() {
        for name in ["FOO", "BAR", "GETX", "PROPFIND"] {
            let m = axum::http::Method::from_bytes(name.as_bytes()).expect("a token");
            assert_eq!(method_label(&m), "other");
        }
        assert_eq!(method_label(&axum::http::Method::POST), "POST");
    }
}
