//! `planwatch --plan CODE bench-assess --period 2024Q4 [--runs 20]` (hidden, for
//! `scripts/bench-scale.sh`): one plan's assessment time inside one process, as an app server
//! pays it after its plan's data changed — the store already open and the plan's reporting
//! context prepared (the server keeps both) — split into reading the plan's data from the store
//! and assessing it. `planwatch assess` pays, besides, a process start, a connection and the
//! reporting context's preparation.

use planwatch_app as app;
use planwatch_app::assess::input::default_as_of;
use planwatch_model::Quarter;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The quarter assessed.
    #[arg(long)]
    pub period: Quarter,
    /// How many times to read and assess (the median is printed).
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let rules = app::assess::load_rules(None)?;
    let methods = app::assess::load_methods(None)?;
    let today = app::now().with_timezone(&app::assess::china()).date_naive();
    let as_of = default_as_of(a.period, today);
    let (read, assess) = app::block_on(async {
        let store = app::open(data_dir, planwatch_store::OpenMode::Existing).await?;
        let result = async {
            let ctx =
                app::reporting::prepare(&store, data_dir, &app::cli_actor(), app::now()).await?;
            let (mut read, mut assess) = (Vec::new(), Vec::new());
            // Every run's sources stay alive, as a server's cache keeps one per plan: the growth
            // of the resident set per run is what one plan's entry weighs.
            let mut kept = Vec::new();
            let rss_before = resident_bytes();
            for _ in 0..a.runs.max(1) {
                let t0 = Instant::now();
                let (sources, stored) =
                    app::assess::load_sources_in(&store, &ctx, methods.clone()).await?;
                let t1 = Instant::now();
                let outcome = app::assess::assess_sources(&sources, a.period, as_of, &rules)?;
                read.push(t1 - t0);
                assess.push(t1.elapsed());
                kept.push((sources, stored, outcome));
            }
            if let (Some(before), Some(after)) = (rss_before, resident_bytes()) {
                println!(
                    "memory: {:.2} MB resident per plan's sources, stored reports and outcome kept",
                    (after.saturating_sub(before)) as f64 / kept.len() as f64 / 1e6
                );
            }
            anyhow::Ok((read, assess))
        }
        .await;
        store.close().await;
        result
    })?;
    let total: Vec<Duration> = read.iter().zip(&assess).map(|(r, s)| *r + *s).collect();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "runs {}: read median {:.1} ms, assess median {:.1} ms, together median {:.1} ms (min {:.1}, max {:.1})",
        total.len(),
        ms(median(&read)),
        ms(median(&assess)),
        ms(median(&total)),
        ms(*total.iter().min().expect("one run")),
        ms(*total.iter().max().expect("one run")),
    );
    Ok(ExitCode::SUCCESS)
}

/// The resident set of this process (Linux), if it can be read.
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v[v.len() / 2]
}
