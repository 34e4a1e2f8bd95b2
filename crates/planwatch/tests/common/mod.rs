//! What the tests of the binary share: the runner for the real binary (`planwatch`, `run_with`),
//! a data folder for one test (SQLite, or a scratch PostgreSQL database when
//! `PLANWATCH_TEST_PG_URL` is set), and `on_both_backends!`, which turns one async test body into
//! a `sqlite_…` and a `pg_…` test. The web tests' `web_support` starts servers with the same
//! runner.

#![allow(dead_code)]

use planwatch_store::testing::ScratchPg;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test: this build, or `PLANWATCH_TEST_BIN` (to show that an older build
/// fails a regression test).
pub fn binary() -> PathBuf {
    std::env::var_os("PLANWATCH_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_planwatch")))
}

/// `planwatch [--data-dir DATA]` with none of the caller's PlanWatch settings (database, data
/// folder, address, report configuration) leaking in; on `DATABASE_URL` `url` when given.
pub fn planwatch(data: Option<&Path>, url: Option<&str>) -> Command {
    let mut cmd = Command::new(binary());
    if let Some(d) = data {
        cmd.arg("--data-dir").arg(d);
    }
    cmd.env_remove("DATABASE_URL")
        .env_remove("PLANWATCH_DATA_DIR")
        .env_remove("PLANWATCH_ADDR")
        .env_remove("PLANWATCH_REPORT_CONFIG");
    if let Some(u) = url {
        cmd.env("DATABASE_URL", u);
    }
    cmd
}

/// Runs `cmd` with `stdin` on its standard input (closed at once when `None`).
pub fn run_with(cmd: &mut Command, stdin: Option<&str>) -> Output {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("planwatch starts");
    {
        let mut input = child.stdin.take().expect("piped");
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).expect("stdin");
        }
    }
    child.wait_with_output().expect("planwatch finishes")
}

/// Where the binary keeps its data for one test, and the database URL if on PostgreSQL.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub database_url: Option<String>,
    pg: Option<ScratchPg>,
}

impl Env {
    pub fn sqlite() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temporary folder"),
            database_url: None,
            pg: None,
        }
    }

    /// A scratch PostgreSQL database, or `None` when no test server is configured.
    pub async fn pg(test: &str) -> Option<Env> {
        let pg = ScratchPg::create(test).await?;
        Some(Env {
            dir: tempfile::tempdir().expect("temporary folder"),
            database_url: Some(pg.url.clone()),
            pg: Some(pg),
        })
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A path for a file of the test's own, outside the data folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `planwatch --data-dir DATA ARGS…` with `DATABASE_URL` only when on PostgreSQL.
    pub fn run(&self, args: &[&str]) -> Output {
        planwatch(Some(&self.data()), self.database_url.as_deref())
            .args(args)
            .output()
            .expect("the binary runs")
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "planwatch {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("output is UTF-8")
    }

    /// Runs and expects exit code 1; returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "planwatch {args:?} should fail:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    pub async fn finish(self) {
        if let Some(pg) = self.pg {
            pg.drop_database().await;
        }
    }
}

/// `on_both_backends!(sqlite_name, pg_name, body)` defines two tests that run `body(env)` on a
/// fresh SQLite data folder and on a fresh PostgreSQL database.
#[macro_export]
macro_rules! on_both_backends {
    ($sqlite:ident, $pg:ident, $body:ident) => {
        #[tokio::test]
        async fn $sqlite() {
            $body(common::Env::sqlite()).await;
        }

        #[tokio::test]
        async fn $pg() {
            if let Some(env) = common::Env::pg(stringify!($pg)).await {
                $body(env).await;
            }
        }
    };
}
