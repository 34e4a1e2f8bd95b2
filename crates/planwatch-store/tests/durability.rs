//! Concurrency and crash safety on both backends: many concurrent writers lose nothing and never
//! see "database is locked"; a writer killed with SIGKILL mid-stream loses no acknowledged write
//! and leaves a sound database.

mod common;

use common::{Ctx, at, office};
use planwatch_model::UnitKind;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

const TASKS: usize = 50;
const WRITES: usize = 100;

async fn fifty_tasks_writing_a_hundred_rows_each_lose_nothing(ctx: Ctx) {
    let Ctx {
        store,
        location,
        db,
    } = ctx;
    let store = Arc::new(store);
    let mut handles = Vec::new();
    for t in 0..TASKS {
        let store = Arc::clone(&store);
        handles.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for i in 0..WRITES {
                let name = format!("并发单位-{t}-{i}");
                match store
                    .add_unit(&office(), &name, UnitKind::Other, at(i as i64))
                    .await
                {
                    Ok(u) => acknowledged.push((u.id, name)),
                    Err(e) => panic!("write {t}/{i} failed: {e}"),
                }
            }
            acknowledged
        }));
    }
    let mut acknowledged = Vec::new();
    for h in handles {
        acknowledged.extend(h.await.expect("a writer task finished"));
    }
    assert_eq!(acknowledged.len(), TASKS * WRITES);
    let store = Arc::into_inner(store).expect("all tasks are done");
    let ctx = Ctx {
        store,
        location,
        db,
    }
    .reopen()
    .await;
    let stored: BTreeSet<(i64, String)> = ctx
        .store
        .units()
        .await
        .expect("units")
        .into_iter()
        .map(|u| (u.id, u.name.into_string()))
        .collect();
    for a in &acknowledged {
        assert!(stored.contains(a), "acknowledged write {a:?} is missing");
    }
    assert_eq!(stored.len(), TASKS * WRITES);
    let audit = ctx
        .store
        .audit_entries(&Default::default())
        .await
        .expect("audit");
    assert_eq!(audit.len(), TASKS * WRITES, "one audit row per write");
    assert_eq!(
        ctx.store.check_integrity().await.expect("check"),
        Vec::<String>::new()
    );
    ctx.finish().await;
}
on_both_backends!(
    sqlite_fifty_tasks_writing_a_hundred_rows_each_lose_nothing,
    pg_fifty_tasks_writing_a_hundred_rows_each_lose_nothing,
    fifty_tasks_writing_a_hundred_rows_each_lose_nothing
);

/// Starts the writer, waits for `kill_after` acknowledgements, kills it with SIGKILL and returns
/// every (id, name) it acknowledged.
fn kill_writer_mid_stream(
    data_dir: &std::path::Path,
    url: Option<&str>,
    prefix: &str,
    kill_after: usize,
) -> Vec<(i64, String)> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_planwatch-store-writer"));
    cmd.arg(data_dir).arg(prefix).arg("100000");
    cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
    match url {
        Some(u) => cmd.env("DATABASE_URL", u),
        None => cmd.env_remove("DATABASE_URL"),
    };
    let mut child = cmd.spawn().expect("the writer starts");
    let stdout = child.stdout.take().expect("piped");
    let mut lines = BufReader::new(stdout).lines();
    assert_eq!(lines.next().expect("a line").expect("utf-8"), "ready");
    let mut acknowledged = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("utf-8");
        let (id, name) = line.split_once(' ').expect("'id name'");
        acknowledged.push((id.parse().expect("an id"), name.to_string()));
        if acknowledged.len() == kill_after {
            // std's kill is SIGKILL on Unix: no destructor, no close, no checkpoint runs.
            child.kill().expect("SIGKILL");
            break;
        }
    }
    assert_eq!(
        acknowledged.len(),
        kill_after,
        "the writer stopped before it was killed"
    );
    // Acknowledgements already in the pipe when the process died were acknowledged too.
    for line in lines.map_while(Result::ok) {
        if let Some((id, name)) = line.split_once(' ')
            && let Ok(id) = id.parse()
        {
            acknowledged.push((id, name.to_string()));
        }
    }
    let status = child.wait().expect("reaped");
    assert!(
        !status.success(),
        "the writer was killed, not finished: {status:?}"
    );
    acknowledged
}

async fn a_writer_killed_mid_stream_loses_no_acknowledged_write(ctx: Ctx) {
    let url = match &ctx.location {
        planwatch_store::Location::Postgres(u) => Some(u.clone()),
        planwatch_store::Location::Sqlite(_) => None,
    };
    let data_dir = ctx
        .sqlite_path()
        .and_then(|p| p.parent().map(|d| d.to_path_buf()))
        .unwrap_or_else(std::env::temp_dir);
    // The test's own connections must not hide anything: close them while the writer runs.
    let Ctx {
        store,
        location,
        db,
    } = ctx;
    store.close().await;
    let mut acknowledged = Vec::new();
    for round in 0..3 {
        acknowledged.extend(kill_writer_mid_stream(
            &data_dir,
            url.as_deref(),
            &format!("崩溃测试{round}"),
            150 + 50 * round,
        ));
    }
    let store = planwatch_store::Store::open(&location, planwatch_store::OpenMode::Existing)
        .await
        .expect("the database opens after the crash");
    let ctx = Ctx {
        store,
        location,
        db,
    };
    assert_eq!(
        ctx.store.check_integrity().await.expect("check"),
        Vec::<String>::new()
    );
    let stored: BTreeSet<(i64, String)> = ctx
        .store
        .units()
        .await
        .expect("units")
        .into_iter()
        .map(|u| (u.id, u.name.into_string()))
        .collect();
    assert!(acknowledged.len() >= 450);
    for a in &acknowledged {
        assert!(
            stored.contains(a),
            "acknowledged write {a:?} was lost in the crash"
        );
    }
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_writer_killed_mid_stream_loses_no_acknowledged_write,
    pg_a_writer_killed_mid_stream_loses_no_acknowledged_write,
    a_writer_killed_mid_stream_loses_no_acknowledged_write
);

async fn writer_processes_running_at_once_never_see_a_locked_database(ctx: Ctx) {
    let url = match &ctx.location {
        planwatch_store::Location::Postgres(u) => Some(u.clone()),
        planwatch_store::Location::Sqlite(_) => None,
    };
    let data_dir = ctx
        .sqlite_path()
        .and_then(|p| p.parent().map(|d| d.to_path_buf()))
        .unwrap_or_else(std::env::temp_dir);
    // Like a command-line import running next to the web server: separate processes, one file.
    let children: Vec<_> = ["甲", "乙", "丙"]
        .iter()
        .map(|prefix| {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_planwatch-store-writer"));
            cmd.arg(&data_dir).arg(prefix).arg("300");
            match &url {
                Some(u) => cmd.env("DATABASE_URL", u),
                None => cmd.env_remove("DATABASE_URL"),
            };
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
            cmd.spawn().expect("a writer starts")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("finishes");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "a writer failed: {stderr}");
        assert!(!stderr.contains("locked"), "{stderr}");
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 301);
    }
    let names: BTreeSet<String> = ctx
        .store
        .units()
        .await
        .expect("units")
        .into_iter()
        .map(|u| u.name.into_string())
        .collect();
    assert_eq!(names.len(), 900);
    for prefix in ["甲", "乙", "丙"] {
        assert!((0..300).all(|i| names.contains(&format!("{prefix}-{i}"))));
    }
    ctx.finish().await;
}
on_both_backends!(
    sqlite_writer_processes_running_at_once_never_see_a_locked_database,
    pg_writer_processes_running_at_once_never_see_a_locked_database,
    writer_processes_running_at_once_never_see_a_locked_database
);
