//! What the command-line tests share: a data folder for one test (SQLite, or a scratch
//! PostgreSQL database when `PLANWATCH_TEST_PG_URL` is set), the runner for the real binary, and
//! `on_both_backends!`, which turns one async test body into a `sqlite_…` and a `pg_…` test.

#![allow(dead_code)]

use planwatch_store::testing::ScratchPg;
use std::path::PathBuf;
use std::process::{Command, Output};

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
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_planwatch"));
        cmd.arg("--data-dir").arg(self.data()).args(args);
        cmd.env_remove("DATABASE_URL")
            .env_remove("PLANWATCH_DATA_DIR");
        if let Some(url) = &self.database_url {
            cmd.env("DATABASE_URL", url);
        }
        cmd.output().expect("the binary runs")
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
