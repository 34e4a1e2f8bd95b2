//! Opening a store: checking that an existing SQLite file is ours and sound before anything is
//! written to it, configuring SQLite for durability, connecting to PostgreSQL, and applying the
//! embedded migrations.

use crate::Store;
use crate::db::{Backend, Pools, args};
use crate::error::{Result, StoreError};
use crate::location::{FileState, Location, inspect_sqlite_file, redact_url};
use sqlx::Connection;
use sqlx::SqlitePool;
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a SQLite connection waits for another process's write lock before giving up. Inside
/// one process writers queue on the single writer connection and never see the lock at all.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a caller waits for the (single) SQLite writer connection.
const SQLITE_WRITER_WAIT: Duration = Duration::from_secs(120);
const SQLITE_READERS: u32 = 4;
const POSTGRES_POOL_SIZE: u32 = 10;
/// How long opening the store waits for PostgreSQL's first answer (a command reports an
/// unreachable server at once; a slow one gets this long).
const POSTGRES_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a running server's query waits for a pooled PostgreSQL connection, connecting
/// included. When PostgreSQL is stopped every new connection is refused and the pool retries
/// until this passes; the query then fails with `StoreError::Unavailable`, so that a request
/// answers 503 within 2 s instead of hanging (decision 0065). Loopback and LAN connections take
/// milliseconds, and a read waits this long for a busy pool only when the server is overloaded,
/// where shedding the request is the right answer too.
const POSTGRES_ACQUIRE_TIMEOUT: Duration = Duration::from_millis(1500);

/// Whether opening may create a new SQLite database file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// `planwatch init`: create the data folder and the file if they are missing.
    Create,
    /// Every other command: the database must already exist.
    Existing,
}

/// A migration applied when the store was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    pub version: i64,
    pub description: String,
}

impl Store {
    /// Opens (and for [`OpenMode::Create`] creates) the store, then applies any pending
    /// migrations. A foreign or damaged SQLite file is refused without being changed.
    pub async fn open(location: &Location, mode: OpenMode) -> Result<Store> {
        let pools = match location {
            Location::Sqlite(path) => open_sqlite(path, mode).await?,
            Location::Postgres(url) => open_postgres(url).await?,
        };
        let applied_on_open = match migrate(&pools).await {
            Ok(applied) => applied,
            Err(e) => {
                pools.close().await;
                return Err(e);
            }
        };
        // Audit rows written before the trail was chained get their hashes, once: when this open
        // applied migration 0006. Later a row without a hash is a broken link that
        // `audit verify` reports, never something opening the store would quietly repair.
        if applied_on_open.iter().any(|m| m.version == 6)
            && let Err(e) = crate::audit::chain_unhashed(&pools).await
        {
            pools.close().await;
            return Err(e);
        }
        Ok(Store {
            pools,
            location: location.clone(),
            applied_on_open,
            scope: None,
        })
    }

    /// The schema version (the newest applied migration).
    pub async fn schema_version(&self) -> Result<i64> {
        let mut tx = self.pools.read().await?;
        tx.fetch_one(
            "SELECT COALESCE(MAX(version), 0) AS version FROM _sqlx_migrations",
            args![],
        )
        .await?
        .i64("version")
    }

    /// Checks the database's consistency and returns the problems found (empty when sound).
    /// SQLite: `PRAGMA integrity_check` and `PRAGMA foreign_key_check`. PostgreSQL (which checks
    /// its own pages and keys): every identity sequence is past the highest id, so the next
    /// insert cannot collide with a restored row.
    pub async fn check_integrity(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        match &self.pools {
            Pools::Sqlite { writer, .. } => {
                let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                    .fetch_all(writer)
                    .await?;
                problems.extend(rows.into_iter().filter(|r| r != "ok"));
                let fk: Vec<(String,)> =
                    sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                        .fetch_all(writer)
                        .await?;
                problems.extend(
                    fk.into_iter()
                        .map(|(t,)| format!("表 {t} 有外键不一致的行")),
                );
            }
            Pools::Postgres(_) => {
                let mut tx = self.pools.read().await?;
                for table in crate::dump::tables_with_identity() {
                    // `table` comes from the crate's own table list, never from input.
                    let sql = format!(
                        "SELECT COALESCE((SELECT MAX(id) FROM {table}), 0) AS max_id, \
                         (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END \
                          FROM {table}_id_seq) AS next_id"
                    );
                    let rows = tx.fetch_all_sql(sqlx::AssertSqlSafe(sql), &[]).await?;
                    let Some(row) = rows.first() else { continue };
                    let max_id = row.i64("max_id")?;
                    let next = row.i64("next_id")?;
                    if next <= max_id {
                        problems.push(format!(
                            "表 {table} 的编号序列（下一个 {next}）落后于已有的最大编号 {max_id}"
                        ));
                    }
                }
            }
        }
        Ok(problems)
    }
}

async fn open_sqlite(path: &Path, mode: OpenMode) -> Result<Pools> {
    let state = inspect_sqlite_file(path)?;
    if mode == OpenMode::Existing && !path.exists() {
        return Err(StoreError::NotInitialised {
            path: path.to_path_buf(),
        });
    }
    if mode == OpenMode::Create
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
            path: dir.to_path_buf(),
            detail: e.to_string(),
        })?;
    }
    // synchronous=FULL: in WAL mode every commit fsyncs the log before it is acknowledged, so an
    // acknowledged write survives a power loss, not only a process crash (see ARCHITECTURE.md).
    let base = SqliteConnectOptions::new()
        .filename(path)
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        .synchronous(SqliteSynchronous::Full);
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(SQLITE_WRITER_WAIT)
        .connect_with(
            base.clone()
                .create_if_missing(mode == OpenMode::Create)
                .journal_mode(SqliteJournalMode::Wal),
        )
        .await
        .map_err(|e| sqlite_open_error(path, e))?;
    if state == FileState::Ours
        && let Err(e) = quick_check(&writer, path).await
    {
        writer.close().await;
        return Err(e);
    }
    // Readers are read-only connections: a write that bypassed the writer queue would fail loudly
    // instead of racing it.
    let readers = SqlitePoolOptions::new()
        .max_connections(SQLITE_READERS)
        .acquire_timeout(SQLITE_WRITER_WAIT)
        .connect_with(base.read_only(true))
        .await
        .map_err(|e| sqlite_open_error(path, e))?;
    Ok(Pools::Sqlite { writer, readers })
}

async fn quick_check(pool: &SqlitePool, path: &Path) -> Result<()> {
    let rows: Vec<String> = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_all(pool)
        .await
        .map_err(|e| sqlite_open_error(path, e))?;
    if rows.len() == 1 && rows[0] == "ok" {
        Ok(())
    } else {
        Err(StoreError::CorruptSqlite {
            path: path.to_path_buf(),
            detail: rows.into_iter().take(3).collect::<Vec<_>>().join("；"),
        })
    }
}

fn sqlite_open_error(path: &Path, e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        // SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), including their extended codes.
        let primary = db
            .code()
            .and_then(|c| c.parse::<i64>().ok())
            .map(|c| c & 0xff);
        if matches!(primary, Some(11) | Some(26)) {
            return StoreError::CorruptSqlite {
                path: path.to_path_buf(),
                detail: db.message().to_string(),
            };
        }
    }
    StoreError::CannotOpen {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

async fn open_postgres(url: &str) -> Result<Pools> {
    let target = redact_url(url);
    let options: PgConnectOptions =
        url.parse()
            .map_err(|e: sqlx::Error| StoreError::BadDatabaseUrl {
                detail: e.to_string().replace(url, &target),
            })?;
    let options = options.application_name("planwatch");
    let unreachable = |detail: String| StoreError::Unreachable {
        target: target.clone(),
        detail: detail.replace(url, &target),
    };
    // One direct attempt first: the pool would retry a refused connection until its timeout,
    // and a server that is down should be reported at once.
    match tokio::time::timeout(
        POSTGRES_CONNECT_TIMEOUT,
        PgConnection::connect_with(&options),
    )
    .await
    {
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
        }
        Ok(Err(e)) => return Err(unreachable(e.to_string())),
        Err(_) => {
            return Err(unreachable(format!(
                "{} 秒内没有响应",
                POSTGRES_CONNECT_TIMEOUT.as_secs()
            )));
        }
    }
    let pool = PgPoolOptions::new()
        .max_connections(POSTGRES_POOL_SIZE)
        .acquire_timeout(POSTGRES_ACQUIRE_TIMEOUT)
        // The planner's cost of a random page read defaults to 4 (spinning disks): with it,
        // reading one plan's report rows at province size (a few hundred of 180 000 reports) was
        // planned as a parallel scan of every report, 42 ms instead of 4 (decision 0066). Every
        // query here reads a small slice through an index, on the SSD-backed storage servers
        // have today. A SET once per connection (not a startup option, which connection poolers
        // such as PgBouncer refuse).
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::Executor::execute(&mut *conn, "SET random_page_cost = 1.1").await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    // Refuse a database that already holds someone else's tables rather than mixing ours in.
    let foreign: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations' \
         AND NOT EXISTS (SELECT 1 FROM information_schema.tables \
                         WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations')",
    )
    .fetch_one(&pool)
    .await?;
    if foreign > 0 {
        pool.close().await;
        return Err(StoreError::ForeignPostgres { target });
    }
    Ok(Pools::Postgres(crate::db::Pg::new(pool)))
}

async fn applied_versions(pools: &Pools) -> Vec<i64> {
    let sql = "SELECT version FROM _sqlx_migrations ORDER BY version";
    // Before the first migration the table does not exist; that simply means nothing is applied.
    let res = match pools {
        Pools::Sqlite { writer, .. } => sqlx::query_scalar(sql).fetch_all(writer).await,
        Pools::Postgres(pg) => sqlx::query_scalar(sql).fetch_all(&pg.pool).await,
    };
    res.unwrap_or_default()
}

async fn migrate(pools: &Pools) -> Result<Vec<AppliedMigration>> {
    let migrator = match pools {
        Pools::Sqlite { .. } => &SQLITE_MIGRATIONS,
        Pools::Postgres(_) => &POSTGRES_MIGRATIONS,
    };
    let before = applied_versions(pools).await;
    let known_max = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    if let Some(&v) = before.iter().find(|&&v| v > known_max) {
        return Err(StoreError::SchemaTooNew { version: v });
    }
    let result = match pools {
        Pools::Sqlite { writer, .. } => migrator.run(writer).await,
        Pools::Postgres(pg) => migrator.run(&pg.pool).await,
    };
    result.map_err(|e| match e {
        MigrateError::VersionMissing(v) if v > known_max => StoreError::SchemaTooNew { version: v },
        other => StoreError::Migration(other.to_string()),
    })?;
    Ok(migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration() && !before.contains(&m.version))
        .map(|m| AppliedMigration {
            version: m.version,
            description: m.description.to_string(),
        })
        .collect())
}

/// The migrations embedded in this binary for a backend: (version, description).
pub fn embedded_migrations(backend: Backend) -> Vec<(i64, String)> {
    let m = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    m.iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| (m.version, m.description.to_string()))
        .collect()
}
