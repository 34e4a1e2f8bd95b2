//! Shared test support: a fresh store on SQLite (temporary folder) or PostgreSQL (a scratch
//! database), fixed clocks, and the Yangquan fixtures. `on_both_backends!` turns one async test
//! body into a `sqlite_…` and a `pg_…` test.

#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use planwatch_model::Plan;
use planwatch_store::testing::ScratchPg;
use planwatch_store::{Actor, Location, OpenMode, OrgConfig, Store};
use std::path::PathBuf;

pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// The Yangquan plan from its gold interchange JSON.
pub fn gold_plan() -> Plan {
    let text = std::fs::read_to_string(fixture("fixtures/plans/yangquan-2022-2024.gold.json"))
        .expect("the gold fixture is in the repository");
    serde_json::from_str(&text).expect("the gold fixture deserialises into a Plan")
}

/// The gold plan's reporting setup: its catalogue, its periods and its seeded breakdown.
pub fn gold_setup() -> planwatch_store::ReportingSetup {
    let plan = gold_plan();
    let (catalogue, _) =
        planwatch_quarterly::Catalogue::yangquan(&plan).expect("the gold plan's catalogue");
    planwatch_store::ReportingSetup {
        periods: planwatch_quarterly::period::ReportingPeriod::for_plan(
            plan.period,
            &planwatch_quarterly::ReportingSettings::default(),
        ),
        breakdown: planwatch_quarterly::breakdown::Breakdown::seed(&plan, &catalogue),
        catalogue,
    }
}

/// The default Yangquan organisation.
pub fn org_config() -> OrgConfig {
    let text = std::fs::read_to_string(fixture("config/yangquan-org.toml"))
        .expect("the default organisation file is in the repository");
    OrgConfig::parse(&text, "config/yangquan-org.toml").expect("the default organisation parses")
}

/// A fixed instant: 2023-09-30 08:00 UTC plus `minutes`.
pub fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, 9, 30, 8, 0, 0)
        .single()
        .expect("valid date")
        + chrono::Duration::minutes(minutes)
}

pub fn office() -> Actor {
    Actor::user("office")
}

pub enum Db {
    Sqlite(tempfile::TempDir),
    Postgres(ScratchPg),
}

/// A store under test and what it lives in.
pub struct Ctx {
    pub store: Store,
    pub location: Location,
    pub db: Db,
}

impl Ctx {
    pub async fn sqlite() -> Ctx {
        let dir = tempfile::tempdir().expect("temporary folder");
        let location = Location::resolve(dir.path(), None).expect("no DATABASE_URL");
        let store = Store::open(&location, OpenMode::Create)
            .await
            .expect("a new SQLite store opens");
        Ctx {
            store,
            location,
            db: Db::Sqlite(dir),
        }
    }

    pub async fn pg(test: &str) -> Option<Ctx> {
        let pg = ScratchPg::create(test).await?;
        let location = Location::resolve(std::path::Path::new("unused"), Some(&pg.url))
            .expect("a postgres:// URL");
        let store = Store::open(&location, OpenMode::Create)
            .await
            .expect("a new PostgreSQL store opens");
        Some(Ctx {
            store,
            location,
            db: Db::Postgres(pg),
        })
    }

    /// The data folder (SQLite) — PostgreSQL tests get a temporary one when they need it.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        match &self.location {
            Location::Sqlite(p) => Some(p.clone()),
            Location::Postgres(_) => None,
        }
    }

    /// Closes and reopens the store (as a new process would).
    pub async fn reopen(self) -> Ctx {
        let Ctx {
            store,
            location,
            db,
        } = self;
        store.close().await;
        let store = Store::open(&location, OpenMode::Existing)
            .await
            .expect("the store reopens");
        Ctx {
            store,
            location,
            db,
        }
    }

    pub async fn finish(self) {
        self.store.close().await;
        if let Db::Postgres(pg) = self.db {
            pg.drop_database().await;
        }
    }

    /// Loads the gold plan and the default organisation.
    pub async fn with_yangquan(self) -> Ctx {
        self.store
            .import_plan(
                &office(),
                &gold_plan(),
                &planwatch_store::PlanSource::Json {
                    file_name: "yangquan-2022-2024.gold.json".to_string(),
                },
                at(0),
            )
            .await
            .expect("the gold plan imports");
        self.store
            .import_org(&office(), &org_config(), "config/yangquan-org.toml", at(1))
            .await
            .expect("the default organisation imports");
        self
    }
}

/// `on_both_backends!(sqlite_name, pg_name, body)` defines two tests that run `body(ctx)` on a
/// fresh SQLite store and on a fresh PostgreSQL database.
#[macro_export]
macro_rules! on_both_backends {
    ($sqlite:ident, $pg:ident, $body:path) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite() {
            $body(common::Ctx::sqlite().await).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $pg() {
            if let Some(ctx) = common::Ctx::pg(stringify!($pg)).await {
                $body(ctx).await;
            }
        }
    };
}
