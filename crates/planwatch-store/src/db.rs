//! The thin repository layer: one enum over the SQLite and PostgreSQL pools and their
//! transactions, so that every query in this crate is written once.
//!
//! Queries use `$1, $2, …` placeholders, which both SQLite and PostgreSQL accept, and portable
//! SQL. The only per-backend differences live here: how a timestamp is bound and read (TEXT on
//! SQLite, TIMESTAMPTZ on PostgreSQL) and how a write transaction starts (`BEGIN IMMEDIATE` on
//! the single SQLite writer connection, so that writers queue instead of failing with
//! "database is locked").

use crate::error::{Result, StoreError};
use crate::time;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgPool, PgRow};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{Postgres, Row as _, Sqlite};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Which database the store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn label(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// A PostgreSQL error as the store reports it: a database that cannot be reached now — no
/// connection within the pool's wait (the server stopped: every new connection is refused), a
/// connection that broke (I/O), or PostgreSQL's own "connection exception" (class 08) and
/// "operator intervention" (57P01–57P03: shut down, restarting, not yet accepting connections) —
/// is [`StoreError::Unavailable`], so that callers answer "try again later" at once instead of an
/// internal error. SQLite's errors are never mapped here: its waits are about lock contention.
pub(crate) fn postgres_error(e: sqlx::Error) -> StoreError {
    if !postgres_error_kind_is_unavailable(&e) {
        return StoreError::Database(e);
    }
    let detail = match &e {
        sqlx::Error::PoolTimedOut => "等待数据库连接超时".to_string(),
        sqlx::Error::Io(io) => format!("与数据库的连接中断：{io}"),
        sqlx::Error::Database(db) => format!("数据库正在停止或重启：{}", db.message()),
        other => other.to_string(),
    };
    StoreError::Unavailable { detail }
}

/// The key of PostgreSQL's advisory lock that serialises writers ("PWATCH" in ASCII).
const WRITE_LOCK_KEY: i64 = 0x50_57_41_54_43_48;

/// The connection pools. SQLite has one writer connection (writes queue on it) and a few
/// read-only connections (WAL readers never wait for the writer).
#[derive(Debug, Clone)]
pub(crate) enum Pools {
    Sqlite {
        writer: SqlitePool,
        readers: SqlitePool,
    },
    Postgres(Pg),
}

/// PostgreSQL's pool, with what this process has learnt about whether the server can be reached.
#[derive(Debug, Clone)]
pub(crate) struct Pg {
    pub(crate) pool: PgPool,
    breaker: Arc<Breaker>,
}

/// How often, while PostgreSQL cannot be reached, one query tries it again.
const RETRY_INTERVAL: Duration = Duration::from_secs(1);

/// While PostgreSQL cannot be reached, one query at a time, at most once per [`RETRY_INTERVAL`],
/// tries it with the pool's full wait; every other query is told `Unavailable` at once. So a
/// request that makes several queries (or a page that carries on without one) answers within
/// one pool wait, not one per query, and the first try after PostgreSQL is back finds it and
/// lets everything through again (decision 0065).
#[derive(Debug, Default)]
struct Breaker(Mutex<BreakerState>);

#[derive(Debug, Default)]
struct BreakerState {
    /// The database was last found unreachable (and not reached since).
    down: bool,
    /// A query is trying the database now.
    trying: bool,
    /// No other try before this.
    next_try: Option<Instant>,
}

/// A query let through: on the way out it tells the breaker what it found. A query dropped
/// before it finished (the request went away) lets the next one try at once.
struct Admitted<'a> {
    breaker: &'a Breaker,
    trying: bool,
}

impl Breaker {
    fn state(&self) -> std::sync::MutexGuard<'_, BreakerState> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn admit(&self) -> Result<Admitted<'_>> {
        let mut s = self.state();
        if !s.down {
            return Ok(Admitted {
                breaker: self,
                trying: false,
            });
        }
        if s.trying || s.next_try.is_some_and(|t| Instant::now() < t) {
            return Err(StoreError::Unavailable {
                detail: "数据库仍无法连接，稍后自动重试".to_string(),
            });
        }
        s.trying = true;
        Ok(Admitted {
            breaker: self,
            trying: true,
        })
    }
}

impl Admitted<'_> {
    /// What the query found: an unreachable database starts (or keeps) the wait; anything else
    /// lets every query through.
    fn settle(mut self, unreachable: bool) {
        let mut s = self.breaker.state();
        if self.trying {
            s.trying = false;
            self.trying = false;
        }
        s.down = unreachable;
        if unreachable {
            s.next_try = Some(Instant::now() + RETRY_INTERVAL);
        }
    }
}

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        if self.trying {
            let mut s = self.breaker.state();
            s.trying = false;
            s.next_try = None;
        }
    }
}

/// How long the check "does the server accept a connection at all" may take.
const ANSWERS_WAIT: Duration = Duration::from_millis(200);

impl Pg {
    pub(crate) fn new(pool: PgPool) -> Pg {
        Pg {
            pool,
            breaker: Arc::default(),
        }
    }

    /// Runs one pool operation (taking a connection and a first statement) under the breaker.
    async fn run<T>(
        &self,
        op: impl std::future::Future<Output = std::result::Result<T, sqlx::Error>>,
    ) -> Result<T> {
        let admitted = self.breaker.admit()?;
        let e = match op.await {
            Ok(v) => {
                admitted.settle(false);
                return Ok(v);
            }
            Err(e) => e,
        };
        // The pool's wait ran out: the server is away, or only busy (every connection in use
        // under a heavy load). Only a server that does not even accept a connection stops the
        // other queries; a busy one answers this request 503 and the next ones as usual.
        let unreachable = if matches!(e, sqlx::Error::PoolTimedOut) {
            admitted.trying || !self.answers().await
        } else {
            postgres_error_kind_is_unavailable(&e)
        };
        admitted.settle(unreachable);
        Err(postgres_error(e))
    }

    /// Whether the server accepts a connection (TCP or its Unix socket) within [`ANSWERS_WAIT`].
    async fn answers(&self) -> bool {
        let options = self.pool.connect_options();
        let port = options.get_port();
        let socket = match options.get_socket() {
            Some(p) if p.is_dir() => Some(p.join(format!(".s.PGSQL.{port}"))),
            Some(p) => Some(p.clone()),
            None if options.get_host().starts_with('/') => {
                Some(std::path::Path::new(options.get_host()).join(format!(".s.PGSQL.{port}")))
            }
            None => None,
        };
        let attempt = async {
            match &socket {
                Some(path) => tokio::net::UnixStream::connect(path).await.is_ok(),
                None => tokio::net::TcpStream::connect((options.get_host(), port))
                    .await
                    .is_ok(),
            }
        };
        tokio::time::timeout(ANSWERS_WAIT, attempt)
            .await
            .unwrap_or(false)
    }
}

/// Whether [`postgres_error`] makes `e` [`StoreError::Unavailable`].
fn postgres_error_kind_is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

impl Pools {
    pub fn backend(&self) -> Backend {
        match self {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Postgres(_) => Backend::Postgres,
        }
    }

    /// A transaction that may write. On SQLite it takes the write lock at once.
    pub async fn write(&self) -> Result<Tx> {
        Ok(match self {
            Pools::Sqlite { writer, .. } => Tx::sqlite(writer.begin_with("BEGIN IMMEDIATE").await?),
            Pools::Postgres(pg) => {
                let begun = pg.run(async {
                    let mut tx = pg.pool.begin().await?;
                    // Writers take one transaction-scoped lock first, so PostgreSQL writes are
                    // serialised as SQLite's are: audit ids are then handed out in commit order
                    // and `MAX(audit_log.id)` (the data version caches key on, see versions.rs)
                    // can never stay put while an older transaction commits later. Taken before
                    // any row lock, so it cannot deadlock with them.
                    sqlx::query("SELECT pg_advisory_xact_lock($1)")
                        .bind(WRITE_LOCK_KEY)
                        .execute(&mut *tx)
                        .await?;
                    Ok(tx)
                });
                Tx::postgres(begun.await?)
            }
        })
    }

    /// A read-only transaction: one consistent snapshot for several queries.
    pub async fn read(&self) -> Result<Tx> {
        Ok(match self {
            Pools::Sqlite { readers, .. } => Tx::sqlite(readers.begin().await?),
            Pools::Postgres(pg) => {
                let begun = pg.run(
                    pg.pool
                        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"),
                );
                Tx::postgres(begun.await?)
            }
        })
    }

    /// One read statement outside any transaction (a single statement is its own consistent
    /// snapshot). Saves the BEGIN and ROLLBACK round trips of `read()` — on SQLite each is a
    /// hand-off to the connection's worker thread — for reads that run on every request.
    pub async fn fetch_one_statement(&self, sql: &'static str, args: &[Value]) -> Result<Row> {
        Ok(match self {
            Pools::Sqlite { readers, .. } => Row::Sqlite(
                bind_sqlite(sqlx::query(sql), args)
                    .fetch_one(readers)
                    .await?,
            ),
            Pools::Postgres(pg) => {
                let row = pg.run(bind_pg(sqlx::query(sql), args).fetch_one(&pg.pool));
                Row::Postgres(row.await?)
            }
        })
    }

    /// Like `fetch_one_statement`, for a row that may not exist.
    pub async fn fetch_optional_statement(
        &self,
        sql: &'static str,
        args: &[Value],
    ) -> Result<Option<Row>> {
        Ok(match self {
            Pools::Sqlite { readers, .. } => bind_sqlite(sqlx::query(sql), args)
                .fetch_optional(readers)
                .await?
                .map(Row::Sqlite),
            Pools::Postgres(pg) => {
                let row = pg.run(bind_pg(sqlx::query(sql), args).fetch_optional(&pg.pool));
                row.await?.map(Row::Postgres)
            }
        })
    }

    pub async fn close(&self) {
        match self {
            Pools::Sqlite { writer, readers } => {
                readers.close().await;
                writer.close().await;
            }
            Pools::Postgres(pg) => pg.pool.close().await,
        }
    }
}

/// A value bound to a query parameter. Nulls carry their type because PostgreSQL needs it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Time(Option<DateTime<Utc>>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(Some(v))
    }
}
impl From<Option<f64>> for Value {
    fn from(v: Option<f64>) -> Self {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_string()))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Value::Text(v.map(str::to_string))
    }
}
/// Unit names, indicator codes and task ids are stored as the text they wrap.
macro_rules! name_values {
    ($($t:ty),*) => {$(
        impl From<&$t> for Value {
            fn from(v: &$t) -> Self {
                Value::Text(Some(v.to_string()))
            }
        }
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Text(Some(v.into_string()))
            }
        }
        impl From<Option<$t>> for Value {
            fn from(v: Option<$t>) -> Self {
                Value::Text(v.map(<$t>::into_string))
            }
        }
        impl From<Option<&$t>> for Value {
            fn from(v: Option<&$t>) -> Self {
                Value::Text(v.map(ToString::to_string))
            }
        }
    )*};
}
name_values!(
    planwatch_model::UnitName,
    planwatch_model::IndicatorCode,
    planwatch_model::TaskId
);
impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Self {
        Value::Time(Some(v))
    }
}
impl From<Option<DateTime<Utc>>> for Value {
    fn from(v: Option<DateTime<Utc>>) -> Self {
        Value::Time(v)
    }
}

/// `args![a, b, c]` builds the parameter list of a query.
macro_rules! args {
    ($($v:expr),* $(,)?) => { &[$($crate::db::Value::from($v)),*][..] };
}
pub(crate) use args;

/// The plan whose values the indicator aliased `i` reads (a subquery, NULL if none): the oldest
/// active plan that asks the same code of the same unit (issue 17: asked once, in that plan).
/// Every statement that follows an indicator to its owner uses this one rule.
macro_rules! owner_plan_of_i {
    () => {
        "(SELECT MIN(o.plan_id) FROM indicators o \
         JOIN plans p ON p.id = o.plan_id AND p.state = 'active' \
         WHERE o.code = i.code AND o.reporter_id = i.reporter_id \
         AND o.plan_id < i.plan_id AND o.set_aside IS NULL)"
    };
}
pub(crate) use owner_plan_of_i;

/// An open transaction on either backend. Dropping it without `commit` rolls it back, so an
/// error anywhere in a use case leaves the database as it was.
pub(crate) struct Tx {
    conn: TxConn,
    /// The plan this transaction's changes belong to, once it resolved one (`Store::plan_id`):
    /// written on its audit rows of plan data, so that the data version of other plans does not
    /// move (versions.rs, decision 0066).
    pub(crate) plan: Option<i64>,
}

enum TxConn {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    fn sqlite(tx: sqlx::Transaction<'static, Sqlite>) -> Tx {
        Tx {
            conn: TxConn::Sqlite(tx),
            plan: None,
        }
    }

    fn postgres(tx: sqlx::Transaction<'static, Postgres>) -> Tx {
        Tx {
            conn: TxConn::Postgres(tx),
            plan: None,
        }
    }
}

type SqliteQuery<'q> = sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments>;
type PgQuery<'q> = sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>;

fn bind_sqlite<'q>(mut q: SqliteQuery<'q>, args: &[Value]) -> SqliteQuery<'q> {
    for a in args {
        q = match a {
            Value::Int(v) => q.bind(*v),
            Value::Real(v) => q.bind(*v),
            Value::Text(v) => q.bind(v.clone()),
            Value::Time(v) => q.bind(v.map(time::to_text)),
        };
    }
    q
}

fn bind_pg<'q>(mut q: PgQuery<'q>, args: &[Value]) -> PgQuery<'q> {
    for a in args {
        q = match a {
            Value::Int(v) => q.bind(*v),
            Value::Real(v) => q.bind(*v),
            Value::Text(v) => q.bind(v.clone()),
            Value::Time(v) => q.bind(v.map(time::normalise)),
        };
    }
    q
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self.conn {
            TxConn::Sqlite(_) => Backend::Sqlite,
            TxConn::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs a statement; returns the number of rows it changed.
    pub async fn execute(&mut self, sql: &'static str, args: &[Value]) -> Result<u64> {
        self.execute_sql(sqlx::AssertSqlSafe(sql.to_string()), args)
            .await
    }

    /// Runs a statement built at run time from identifiers this crate controls (table and column
    /// names from the dump's table list — never from user input).
    pub async fn execute_sql(
        &mut self,
        sql: sqlx::AssertSqlSafe<String>,
        args: &[Value],
    ) -> Result<u64> {
        Ok(match &mut self.conn {
            TxConn::Sqlite(tx) => bind_sqlite(sqlx::query(sql), args)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
            TxConn::Postgres(tx) => bind_pg(sqlx::query(sql), args)
                .execute(&mut **tx)
                .await
                .map_err(postgres_error)?
                .rows_affected(),
        })
    }

    pub async fn fetch_all(&mut self, sql: &'static str, args: &[Value]) -> Result<Vec<Row>> {
        self.fetch_all_sql(sqlx::AssertSqlSafe(sql.to_string()), args)
            .await
    }

    pub async fn fetch_all_sql(
        &mut self,
        sql: sqlx::AssertSqlSafe<String>,
        args: &[Value],
    ) -> Result<Vec<Row>> {
        Ok(match &mut self.conn {
            TxConn::Sqlite(tx) => bind_sqlite(sqlx::query(sql), args)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(Row::Sqlite)
                .collect(),
            TxConn::Postgres(tx) => bind_pg(sqlx::query(sql), args)
                .fetch_all(&mut **tx)
                .await
                .map_err(postgres_error)?
                .into_iter()
                .map(Row::Postgres)
                .collect(),
        })
    }

    pub async fn fetch_optional(
        &mut self,
        sql: &'static str,
        args: &[Value],
    ) -> Result<Option<Row>> {
        Ok(match &mut self.conn {
            TxConn::Sqlite(tx) => bind_sqlite(sqlx::query(sql), args)
                .fetch_optional(&mut **tx)
                .await?
                .map(Row::Sqlite),
            TxConn::Postgres(tx) => bind_pg(sqlx::query(sql), args)
                .fetch_optional(&mut **tx)
                .await
                .map_err(postgres_error)?
                .map(Row::Postgres),
        })
    }

    pub async fn fetch_one(&mut self, sql: &'static str, args: &[Value]) -> Result<Row> {
        Ok(match &mut self.conn {
            TxConn::Sqlite(tx) => Row::Sqlite(
                bind_sqlite(sqlx::query(sql), args)
                    .fetch_one(&mut **tx)
                    .await?,
            ),
            TxConn::Postgres(tx) => Row::Postgres(
                bind_pg(sqlx::query(sql), args)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(postgres_error)?,
            ),
        })
    }

    /// Inserts a row and returns its new id (`… RETURNING id`).
    pub async fn insert_returning_id(&mut self, sql: &'static str, args: &[Value]) -> Result<i64> {
        self.fetch_one(sql, args).await?.i64("id")
    }

    pub async fn commit(self) -> Result<()> {
        match self.conn {
            TxConn::Sqlite(tx) => tx.commit().await?,
            TxConn::Postgres(tx) => tx.commit().await.map_err(postgres_error)?,
        }
        Ok(())
    }
}

/// A result row from either backend, read by column name.
pub(crate) enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

fn decode_err(col: &str, what: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: col.to_string(),
        source: what.to_string().into(),
    }
}

impl Row {
    pub fn i64(&self, col: &str) -> Result<i64> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(col)?,
            Row::Postgres(r) => r.try_get(col)?,
        })
    }

    pub fn opt_i64(&self, col: &str) -> Result<Option<i64>> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(col)?,
            Row::Postgres(r) => r.try_get(col)?,
        })
    }

    pub fn opt_f64(&self, col: &str) -> Result<Option<f64>> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(col)?,
            Row::Postgres(r) => r.try_get(col)?,
        })
    }

    pub fn text(&self, col: &str) -> Result<String> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(col)?,
            Row::Postgres(r) => r.try_get(col)?,
        })
    }

    pub fn opt_text(&self, col: &str) -> Result<Option<String>> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(col)?,
            Row::Postgres(r) => r.try_get(col)?,
        })
    }

    pub fn time(&self, col: &str) -> Result<DateTime<Utc>> {
        self.opt_time(col)?
            .ok_or_else(|| decode_err(col, "unexpected NULL timestamp").into())
    }

    pub fn opt_time(&self, col: &str) -> Result<Option<DateTime<Utc>>> {
        Ok(match self {
            Row::Sqlite(r) => match r.try_get::<Option<String>, _>(col)? {
                None => None,
                Some(s) => Some(
                    time::from_text(&s)
                        .ok_or_else(|| decode_err(col, &format!("not a timestamp: {s}")))?,
                ),
            },
            Row::Postgres(r) => r.try_get(col)?,
        })
    }
}
