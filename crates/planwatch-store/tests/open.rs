//! Opening the store with bad configuration or a bad file: each is a clear error that names
//! what is wrong, and nothing is changed. Also: the two migration dialects describe the same
//! tables, and the dump covers all of them.

mod common;

use common::{Ctx, at, office};
use planwatch_model::UnitKind;
use planwatch_store::{Location, OpenMode, Store, StoreError};
use sqlx::Connection;
use std::collections::BTreeMap;
use std::path::Path;

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn an_unknown_database_url_scheme_is_refused_before_anything_is_created() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let err =
        Location::resolve(&data, Some("mysql://root@localhost/planwatch")).expect_err("refused");
    assert!(matches!(err, StoreError::UnsupportedScheme { ref scheme } if scheme == "mysql"));
    let msg = err.to_string();
    assert!(
        msg.contains("mysql") && msg.contains("postgres://"),
        "{msg}"
    );
    assert!(!data.exists());
}

#[tokio::test]
async fn an_unreachable_postgresql_is_a_clear_error_that_hides_the_password() {
    let loc = Location::resolve(
        Path::new("."),
        Some("postgres://planwatch:topsecret@127.0.0.1:1/planwatch"),
    )
    .expect("a postgres URL");
    let err = Store::open(&loc, OpenMode::Create)
        .await
        .expect_err("nothing listens on port 1");
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Unreachable { .. }), "{msg}");
    assert!(
        msg.contains("127.0.0.1:1") && msg.contains("无法连接"),
        "{msg}"
    );
    assert!(!msg.contains("topsecret"), "{msg}");
}

#[tokio::test]
async fn opening_a_missing_database_without_init_says_to_run_init_and_creates_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let loc = Location::resolve(dir.path(), None).expect("sqlite");
    let err = Store::open(&loc, OpenMode::Existing)
        .await
        .expect_err("not initialised");
    assert!(matches!(err, StoreError::NotInitialised { .. }));
    assert!(err.to_string().contains("planwatch init"));
    assert!(files_in(dir.path()).is_empty());
}

/// Writes `bytes` as the database file, tries to open it, and checks that the error matches and
/// the file is byte-for-byte unchanged.
async fn refused_unchanged(dir: &Path, check: impl Fn(&StoreError) -> bool) -> String {
    let path = dir.join(planwatch_store::SQLITE_FILE_NAME);
    let before = std::fs::read(&path).expect("file");
    let loc = Location::resolve(dir, None).expect("sqlite");
    let err = Store::open(&loc, OpenMode::Create)
        .await
        .expect_err("refused");
    assert!(check(&err), "unexpected error: {err:?}");
    assert_eq!(
        std::fs::read(&path).expect("file"),
        before,
        "the file was changed"
    );
    let msg = err.to_string();
    assert!(
        msg.contains(&path.display().to_string()),
        "the message names the file: {msg}"
    );
    msg
}

#[tokio::test]
async fn a_text_file_in_place_of_the_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("planwatch.sqlite"),
        "这不是数据库\n".repeat(100),
    )
    .expect("write");
    let msg = refused_unchanged(dir.path(), |e| matches!(e, StoreError::NotSqlite { .. })).await;
    assert!(msg.contains("不是 SQLite 数据库"), "{msg}");
}

#[tokio::test]
async fn a_truncated_database_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("planwatch.sqlite"),
        b"SQLite format 3\0truncated",
    )
    .expect("write");
    refused_unchanged(dir.path(), |e| matches!(e, StoreError::NotSqlite { .. })).await;
}

#[tokio::test]
async fn another_programs_sqlite_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("planwatch.sqlite");
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&opts)
        .await
        .expect("create");
    sqlx::query("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
        .execute(&mut conn)
        .await
        .expect("ddl");
    sqlx::query("INSERT INTO invoices (amount) VALUES (12.5)")
        .execute(&mut conn)
        .await
        .expect("row");
    conn.close().await.expect("close");
    let msg = refused_unchanged(dir.path(), |e| {
        matches!(e, StoreError::ForeignSqlite { .. })
    })
    .await;
    assert!(msg.contains("不是 PlanWatch 的数据库"), "{msg}");
}

#[tokio::test]
async fn a_corrupt_planwatch_database_is_refused_and_left_alone() {
    let ctx = Ctx::sqlite().await.with_yangquan().await;
    let path = ctx.sqlite_path().expect("sqlite");
    let dir = path.parent().expect("folder").to_path_buf();
    let Ctx { store, db, .. } = ctx;
    store.close().await;
    let mut bytes = std::fs::read(&path).expect("file");
    assert!(bytes.len() > 8 * 4096, "the database has pages to damage");
    for b in &mut bytes[2 * 4096..6 * 4096] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).expect("damage");
    let msg = refused_unchanged(&dir, |e| matches!(e, StoreError::CorruptSqlite { .. })).await;
    assert!(msg.contains("已损坏"), "{msg}");
    drop(db);
}

async fn a_database_from_a_newer_planwatch_is_refused(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let Ctx {
        store,
        location,
        db,
    } = ctx;
    store.close().await;
    let sql = "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
               VALUES (99990101000000, 'future', TRUE, X'00', 0)";
    match &location {
        Location::Sqlite(p) => {
            let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(p);
            let mut c = sqlx::SqliteConnection::connect_with(&opts)
                .await
                .expect("connect");
            sqlx::query(sql).execute(&mut c).await.expect("insert");
            c.close().await.expect("close");
        }
        Location::Postgres(url) => {
            let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
            sqlx::query(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                 VALUES (99990101000000, 'future', TRUE, '\\x00', 0)",
            )
            .execute(&mut c)
            .await
            .expect("insert");
            c.close().await.expect("close");
        }
    }
    let err = Store::open(&location, OpenMode::Existing)
        .await
        .expect_err("too new");
    assert!(
        matches!(
            err,
            StoreError::SchemaTooNew {
                version: 99990101000000
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("升级 PlanWatch"));
    let store = Store::open(&location, OpenMode::Existing).await;
    assert!(store.is_err());
    if let common::Db::Postgres(pg) = db {
        pg.drop_database().await;
    }
}
on_both_backends!(
    sqlite_a_database_from_a_newer_planwatch_is_refused,
    pg_a_database_from_a_newer_planwatch_is_refused,
    a_database_from_a_newer_planwatch_is_refused
);

#[tokio::test]
async fn pg_a_postgresql_database_holding_another_programs_tables_is_refused() {
    let Some(pg) = planwatch_store::testing::ScratchPg::create("pg_foreign").await else {
        return;
    };
    let mut c = sqlx::PgConnection::connect(&pg.url).await.expect("connect");
    sqlx::query("CREATE TABLE invoices (id BIGINT PRIMARY KEY)")
        .execute(&mut c)
        .await
        .expect("ddl");
    c.close().await.expect("close");
    let loc = Location::resolve(Path::new("."), Some(&pg.url)).expect("pg");
    let err = Store::open(&loc, OpenMode::Create)
        .await
        .expect_err("refused");
    assert!(matches!(err, StoreError::ForeignPostgres { .. }), "{err:?}");
    let mut c = sqlx::PgConnection::connect(&pg.url).await.expect("connect");
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()",
    )
    .fetch_one(&mut c)
    .await
    .expect("count");
    assert_eq!(tables, 1, "nothing was added next to the foreign table");
    c.close().await.expect("close");
    pg.drop_database().await;
}

async fn reopening_applies_nothing_and_keeps_the_data(ctx: Ctx) {
    // A new database gets every embedded migration on its first open.
    assert_eq!(
        ctx.store.migrations_applied_on_open().len(),
        planwatch_store::embedded_migrations(ctx.store.backend()).len()
    );
    ctx.store
        .add_unit(&office(), "市测试局", UnitKind::Other, at(0))
        .await
        .expect("add");
    let ctx = ctx.reopen().await;
    assert!(ctx.store.migrations_applied_on_open().is_empty());
    assert!(
        ctx.store
            .unit_by_name("市测试局")
            .await
            .expect("q")
            .is_some()
    );
    let newest = planwatch_store::embedded_migrations(ctx.store.backend())
        .iter()
        .map(|(v, _)| *v)
        .max();
    assert_eq!(Some(ctx.store.schema_version().await.expect("v")), newest);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_reopening_applies_nothing_and_keeps_the_data,
    pg_reopening_applies_nothing_and_keeps_the_data,
    reopening_applies_nothing_and_keeps_the_data
);

/// table → columns in order, as the migrated database has them.
async fn schema_of(location: &Location) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    match location {
        Location::Sqlite(p) => {
            let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(p);
            let mut c = sqlx::SqliteConnection::connect_with(&opts)
                .await
                .expect("connect");
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\' \
                 AND m.name NOT LIKE 'sqlite%' ORDER BY m.name, p.cid",
            )
            .fetch_all(&mut c)
            .await
            .expect("schema");
            for (t, col) in rows {
                out.entry(t).or_default().push(col);
            }
        }
        Location::Postgres(url) => {
            let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations' \
                 ORDER BY table_name, ordinal_position",
            )
            .fetch_all(&mut c)
            .await
            .expect("schema");
            for (t, col) in rows {
                out.entry(t).or_default().push(col);
            }
        }
    }
    out
}

async fn the_schema_has_exactly_the_tables_and_columns_the_dump_moves(ctx: Ctx) {
    let actual = schema_of(&ctx.location).await;
    let exported: BTreeMap<String, Vec<String>> = planwatch_store::exported_columns()
        .into_iter()
        .map(|(t, cols)| {
            (
                t.to_string(),
                cols.into_iter().map(str::to_string).collect(),
            )
        })
        .collect();
    assert_eq!(actual, exported);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_the_schema_has_exactly_the_tables_and_columns_the_dump_moves,
    pg_the_schema_has_exactly_the_tables_and_columns_the_dump_moves,
    the_schema_has_exactly_the_tables_and_columns_the_dump_moves
);

#[test]
fn both_dialects_have_the_same_migrations() {
    let sqlite = planwatch_store::embedded_migrations(planwatch_store::Backend::Sqlite);
    let pg = planwatch_store::embedded_migrations(planwatch_store::Backend::Postgres);
    assert_eq!(sqlite, pg);
    assert!(!sqlite.is_empty());
}

/// Migration 0011 rebuilds SQLite's reports table (a new state in its CHECK). A database made
/// before it keeps every report and event, the events still point at their report, and the
/// rebuilt table takes the new state while foreign keys stay enforced.
#[tokio::test]
async fn a_database_from_before_the_awaiting_approval_state_keeps_its_reports() {
    let dir = tempfile::tempdir().expect("tmp");
    let old = tempfile::tempdir().expect("old migrations");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    for e in std::fs::read_dir(&src).expect("migrations") {
        let p = e.expect("entry").path();
        let name = p.file_name().expect("name").to_string_lossy().to_string();
        if name.as_str() < "0011" {
            std::fs::copy(&p, old.path().join(&name)).expect("copy");
        }
    }
    let path = dir.path().join(planwatch_store::SQLITE_FILE_NAME);
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .foreign_keys(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&opts)
        .await
        .expect("create");
    sqlx::migrate::Migrator::new(old.path())
        .await
        .expect("old migrator")
        .run(&mut conn)
        .await
        .expect("migrations 0001-0010");
    for sql in [
        "INSERT INTO plans (id, created_at, created_by) VALUES (1, '2024-01-01T00:00:00', 'cli:t')",
        "INSERT INTO units (id, name, kind, created_at) VALUES (7, '市科技局', 'city_department', '2024-01-01T00:00:00')",
        "INSERT INTO reports (id, plan_id, unit_id, quarter, state, version, submissions, \
         first_submitted_at, last_submitted_at, comment, approved_by, content_hash, filled_by, \
         phone, demo, created_at, updated_at) VALUES (3, 1, 7, '2024Q2', 'returned', 4, 1, \
         '2024-07-05T09:00:00', '2024-07-05T09:00:00', '请补充佐证材料', NULL, 'h', '张三', \
         '0353-1', 0, '2024-07-01T09:00:00', '2024-07-06T09:00:00')",
        "INSERT INTO report_events (report_id, version, action, from_state, to_state, actor, \
         role, at, comment) VALUES (3, 4, 'return', 'submitted', 'returned', 'office', \
         'office', '2024-07-06T09:00:00', '请补充佐证材料')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.expect(sql);
    }
    conn.close().await.expect("close");

    let loc = Location::resolve(dir.path(), None).expect("sqlite");
    let store = Store::open(&loc, OpenMode::Create).await.expect("upgraded");
    let applied: Vec<i64> = store
        .migrations_applied_on_open()
        .iter()
        .map(|m| m.version)
        .collect();
    assert_eq!(applied.first(), Some(&11), "{applied:?}");
    store.close().await;

    let mut conn = sqlx::SqliteConnection::connect_with(&opts)
        .await
        .expect("reopen");
    let row: (String, i64, Option<String>) =
        sqlx::query_as("SELECT state, version, comment FROM reports WHERE id = 3")
            .fetch_one(&mut conn)
            .await
            .expect("the report is kept");
    assert_eq!(
        row,
        (
            "returned".to_string(),
            4,
            Some("请补充佐证材料".to_string())
        )
    );
    let events: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM report_events e JOIN reports r ON r.id = e.report_id",
    )
    .fetch_one(&mut conn)
    .await
    .expect("events");
    assert_eq!(events, 1, "the event still points at its report");
    let fk_problems: Vec<(String,)> =
        sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
            .fetch_all(&mut conn)
            .await
            .expect("check");
    assert!(fk_problems.is_empty(), "{fk_problems:?}");
    sqlx::query("UPDATE reports SET state = 'awaiting_approval' WHERE id = 3")
        .execute(&mut conn)
        .await
        .expect("the new state is allowed");
    sqlx::query("UPDATE reports SET state = 'waiting' WHERE id = 3")
        .execute(&mut conn)
        .await
        .expect_err("an unknown state is still refused");
    sqlx::query("INSERT INTO report_events (report_id, version, action, from_state, to_state, actor, role, at) VALUES (99, 1, 'edit', NULL, 'draft', 'x', 'reporter', 'now')")
        .execute(&mut conn)
        .await
        .expect_err("foreign keys are enforced on the rebuilt table");
    conn.close().await.expect("close");
}
