//! Helpers for tests of this crate and of the crates built on it: a throwaway PostgreSQL
//! database per test, created on the server named by `PLANWATCH_TEST_PG_URL`.
//!
//! Without that variable PostgreSQL tests are skipped with a note — unless `CI=true`, where a
//! missing server must fail the run rather than pass it silently.

use sqlx::Connection;
use sqlx::postgres::PgConnection;
use std::sync::atomic::{AtomicU32, Ordering};

/// The variable `scripts/test.sh` sets to a server where the test role may create databases.
pub const PG_URL_VAR: &str = "PLANWATCH_TEST_PG_URL";

/// A database that exists for one test.
#[derive(Debug)]
pub struct ScratchPg {
    admin_url: String,
    name: String,
    /// The URL of the new database, to use as `DATABASE_URL`.
    pub url: String,
}

fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    format!("{base}/{db}{query}")
}

/// Whether PostgreSQL tests must run (CI) rather than be skipped.
fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The server URL, or `None` (after printing why) when PostgreSQL tests should be skipped.
/// Panics when `CI=true` and the variable is missing: CI must not pass without the PostgreSQL tier.
pub fn pg_server_url(test: &str) -> Option<String> {
    match std::env::var(PG_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if required() => panic!(
            "{PG_URL_VAR} is not set but CI=true: the PostgreSQL test {test} must run, not skip \
             (scripts/test.sh starts a server and sets it)"
        ),
        _ => {
            eprintln!(
                "note: skipping PostgreSQL test {test}: {PG_URL_VAR} is not set \
                 (scripts/test.sh starts a throwaway server and sets it)"
            );
            None
        }
    }
}

impl ScratchPg {
    /// Creates an empty database for `test`, or returns `None` when PostgreSQL tests are skipped.
    pub async fn create(test: &str) -> Option<ScratchPg> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let admin_url = pg_server_url(test)?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let name = format!(
            "pwtest_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        let mut conn = PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {PG_URL_VAR}: {e}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let _ = conn.close().await;
        let url = with_database(&admin_url, &name);
        Some(ScratchPg {
            admin_url,
            name,
            url,
        })
    }

    /// Drops the database (call at the end of a test; a failed test leaves it for inspection on
    /// the throwaway server).
    pub async fn drop_database(self) {
        let _ = self.try_drop().await;
    }

    /// Drops the database under whatever still uses it, for a test about a database that goes
    /// away: retried for up to 20 s (the admin connection may meet a server at its connection
    /// limit while other tests run, or the drop a backend that is still starting), then checked
    /// gone. Panics with the last error if it is still there, so such a test never runs on
    /// against a database that did not go.
    pub async fn drop_database_now(self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let Err(last) = self.try_drop().await else {
                return;
            };
            if std::time::Instant::now() > deadline {
                panic!("test database {} could not be dropped: {last}", self.name);
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }

    async fn try_drop(&self) -> Result<(), String> {
        let mut conn = PgConnection::connect(&self.admin_url)
            .await
            .map_err(|e| format!("connecting: {e}"))?;
        let dropped = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )))
        .execute(&mut conn)
        .await
        .map_err(|e| format!("dropping: {e}"));
        let left: Result<i64, String> =
            sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE datname = $1")
                .bind(&self.name)
                .fetch_one(&mut conn)
                .await
                .map_err(|e| format!("checking: {e}"));
        let _ = conn.close().await;
        dropped?;
        match left? {
            0 => Ok(()),
            _ => Err("still listed in pg_database".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_replaces_the_one_in_the_url() {
        assert_eq!(
            with_database("postgres://u:p@127.0.0.1:55432/planwatch", "x"),
            "postgres://u:p@127.0.0.1:55432/x"
        );
        assert_eq!(
            with_database("postgres://u@h:1/db?sslmode=disable", "x"),
            "postgres://u@h:1/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
