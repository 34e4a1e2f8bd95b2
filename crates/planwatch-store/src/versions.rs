//! Cheap facts every page asks for. A version number for the data every page shows — the plan, the organisation and the
//! units — so that an app server may keep them parsed in memory and still never show stale data:
//! it asks for the version (one indexed query) and reloads only when it changed. It is the id of
//! the newest audit row about those entities; every change to them writes one in the same
//! transaction, so the version moves exactly when they change, for every app server sharing the
//! database.

use crate::Store;
use crate::db::args;
use crate::error::Result;

impl Store {
    /// Changes whenever a plan revision is imported, the organisation is imported or a unit is
    /// created or changed (0 for an empty database).
    pub async fn reference_data_version(&self) -> Result<i64> {
        self.pools
            .fetch_one_statement(
                "SELECT COALESCE(MAX(id), 0) AS v FROM audit_log \
             WHERE entity IN ('plan_revision', 'organisation', 'unit')",
                args![],
            )
            .await?
            .i64("v")
    }

    /// Changes whenever anything changes: the id of the newest audit row (every mutation writes
    /// one in its own transaction). Caches of results computed from the whole store (the
    /// assessment, the 示例数据 flag) are keyed by it.
    pub async fn data_version(&self) -> Result<i64> {
        self.pools
            .fetch_one_statement("SELECT COALESCE(MAX(id), 0) AS v FROM audit_log", args![])
            .await?
            .i64("v")
    }

    /// When the data reached `version` (the time of that audit row): the `Last-Modified` of the
    /// API's reads. `None` for version 0 (an empty trail).
    pub async fn data_version_at(
        &self,
        version: i64,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let mut tx = self.pools.read().await?;
        tx.fetch_optional("SELECT at FROM audit_log WHERE id = $1", args![version])
            .await?
            .map(|r| r.time("at"))
            .transpose()
    }

    /// Whether the database holds synthetic demo data (示例数据): reports, values or baselines
    /// marked as such.
    pub async fn demo_data_present(&self) -> Result<bool> {
        let mut tx = self.pools.read().await?;
        let n = tx
            .fetch_one(
                "SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM reports WHERE demo = 1) \
                 OR EXISTS (SELECT 1 FROM indicator_values WHERE demo = 1) \
                 OR EXISTS (SELECT 1 FROM indicator_baselines WHERE demo = 1) \
                 THEN 1 ELSE 0 END AS BIGINT) AS d",
                args![],
            )
            .await?;
        Ok(n.i64("d")? != 0)
    }

    /// Changes whenever the reporting setup changes: the plan, the organisation, the units, the
    /// indicator catalogue, the reporting periods (deadlines, locks, extensions) or the yearly
    /// breakdown — but not when a report is saved.
    pub async fn reporting_setup_version(&self) -> Result<i64> {
        let mut tx = self.pools.read().await?;
        tx.fetch_one(
            "SELECT COALESCE(MAX(id), 0) AS v FROM audit_log \
             WHERE entity IN ('plan_revision', 'organisation', 'unit', 'indicator', \
             'reporting_period', 'breakdown_item', 'indicator_values')",
            args![],
        )
        .await?
        .i64("v")
    }
}
