//! Store benchmarks (`cargo bench -p planwatch-store`): time to import the Yangquan plan, and
//! single-row write throughput (one unit plus its audit row per transaction), sequential and
//! with 50 concurrent writers, on SQLite and — when `PLANWATCH_TEST_PG_URL` is set — on
//! PostgreSQL. Results go to BENCHMARKS.md by hand, with the machine and the date.

use chrono::Utc;
use planwatch_model::{Plan, UnitKind};
use planwatch_store::testing::ScratchPg;
use planwatch_store::{Actor, Location, OpenMode, PlanSource, Store};
use std::sync::Arc;
use std::time::{Duration, Instant};

const IMPORT_RUNS: usize = 20;
const SEQUENTIAL_WRITES: usize = 1000;
const TASKS: usize = 50;
const WRITES_PER_TASK: usize = 100;

fn gold_plan() -> Plan {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/plans/yangquan-2022-2024.gold.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture");
    serde_json::from_str(&text).expect("gold plan")
}

/// A fresh store on one backend; the guard keeps the folder or database alive.
enum Guard {
    /// Held only so the temporary folder outlives the store.
    Dir {
        _dir: tempfile::TempDir,
    },
    Pg(ScratchPg),
}

async fn fresh(backend: &str) -> Option<(Store, Guard)> {
    if backend == "SQLite" {
        let dir = tempfile::tempdir().expect("tmp");
        let loc = Location::resolve(dir.path(), None).expect("sqlite");
        Some((
            Store::open(&loc, OpenMode::Create).await.expect("open"),
            Guard::Dir { _dir: dir },
        ))
    } else {
        let pg = ScratchPg::create("bench").await?;
        let loc = Location::resolve(std::path::Path::new("."), Some(&pg.url)).expect("pg");
        Some((
            Store::open(&loc, OpenMode::Create).await.expect("open"),
            Guard::Pg(pg),
        ))
    }
}

async fn release(store: Store, guard: Guard) {
    store.close().await;
    if let Guard::Pg(pg) = guard {
        pg.drop_database().await;
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn bench_import(backend: &str, plan: &Plan) -> Option<(Duration, Duration)> {
    let mut times = Vec::new();
    for _ in 0..IMPORT_RUNS {
        let (store, guard) = fresh(backend).await?;
        let start = Instant::now();
        store
            .import_plan(
                &Actor::cli("bench"),
                plan,
                &PlanSource::Json {
                    file_name: "gold".into(),
                },
                Utc::now(),
            )
            .await
            .expect("import");
        times.push(start.elapsed());
        release(store, guard).await;
    }
    let min = *times.iter().min().expect("runs");
    Some((median(times), min))
}

async fn bench_sequential(backend: &str) -> Option<f64> {
    let (store, guard) = fresh(backend).await?;
    let actor = Actor::cli("bench");
    let start = Instant::now();
    for i in 0..SEQUENTIAL_WRITES {
        store
            .add_unit(&actor, &format!("单位{i}"), UnitKind::Other, Utc::now())
            .await
            .expect("write");
    }
    let rate = SEQUENTIAL_WRITES as f64 / start.elapsed().as_secs_f64();
    release(store, guard).await;
    Some(rate)
}

async fn bench_concurrent(backend: &str) -> Option<f64> {
    let (store, guard) = fresh(backend).await?;
    let store = Arc::new(store);
    let start = Instant::now();
    let mut handles = Vec::new();
    for t in 0..TASKS {
        let store = Arc::clone(&store);
        handles.push(tokio::spawn(async move {
            let actor = Actor::cli("bench");
            for i in 0..WRITES_PER_TASK {
                store
                    .add_unit(&actor, &format!("单位{t}-{i}"), UnitKind::Other, Utc::now())
                    .await
                    .expect("write");
            }
        }));
    }
    for h in handles {
        h.await.expect("task");
    }
    let rate = (TASKS * WRITES_PER_TASK) as f64 / start.elapsed().as_secs_f64();
    let store = Arc::into_inner(store).expect("tasks done");
    release(store, guard).await;
    Some(rate)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let plan = gold_plan();
    println!(
        "| backend | import Yangquan plan (median / min of {IMPORT_RUNS}) | sequential writes/s ({SEQUENTIAL_WRITES}) | concurrent writes/s ({TASKS}×{WRITES_PER_TASK}) |"
    );
    println!("|---|---|---|---|");
    for backend in ["SQLite", "PostgreSQL"] {
        let Some((med, min)) = bench_import(backend, &plan).await else {
            println!("| {backend} | skipped: PLANWATCH_TEST_PG_URL is not set | | |");
            continue;
        };
        let seq = bench_sequential(backend).await.expect("backend available");
        let conc = bench_concurrent(backend).await.expect("backend available");
        println!(
            "| {backend} | {:.1} ms / {:.1} ms | {seq:.0} | {conc:.0} |",
            med.as_secs_f64() * 1e3,
            min.as_secs_f64() * 1e3
        );
    }
}
