//! Cheap facts every page asks for. Version numbers for the data pages show, so that an app server
//! may keep what it read parsed in memory and still never show stale data: it asks for the
//! version (one statement of index probes) and reloads only when it changed. Each is the id of the
//! newest audit row of some kind; every change writes one in its own transaction, so a version
//! moves exactly when its data changes, for every app server sharing the database. The audit row
//! names the plan of a change to plan data (migration 0015, decision 0066), so there is a version
//! per plan beside the shared and the global ones.

use crate::Store;
use crate::db::args;
use crate::error::Result;

/// What [`Store::probe`] read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Probe {
    /// [`Store::data_version`].
    pub global: i64,
    /// [`Store::shared_data_version`].
    pub shared: i64,
    /// [`Store::access_data_version`].
    pub access: i64,
    /// The newest audit row of each plan asked.
    pub own: std::collections::HashMap<i64, i64>,
    /// The newest audit row that can change the official series of each owner plan asked.
    pub series: std::collections::HashMap<i64, i64>,
    /// The unread notifications of each person asked.
    pub unread: std::collections::HashMap<i64, i64>,
}

impl Probe {
    /// [`Store::plans_data_version`] of `plan` with `owners`, when this probe asked all of them.
    pub fn plan_version(&self, plan: i64, owners: &[i64]) -> Option<i64> {
        let mut v = self.shared.max(*self.own.get(&plan)?);
        for o in owners {
            v = v.max(*self.series.get(o)?);
        }
        Some(v)
    }
}

/// Plans, owner plans and people per statement of [`Store::probe`].
pub const PROBE_PLANS: usize = 4;
pub const PROBE_SERIES: usize = 16;
pub const PROBE_USERS: usize = 4;

/// The audit rows that can change a plan's official series (values, an acceptance, a reopening;
/// conservatively every entity that is not a report): the predicate of the partial index
/// audit_log_series (migration 0016), which a probe must repeat word for word to use it.
macro_rules! series_rows {
    () => {
        "(entity <> 'report' OR action IN ('report.accept', 'report.reopen'))"
    };
}

/// The statement of [`Store::probe`]: $1 the access rows' plan id, then the slots.
static PROBE_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let mut cols = vec![
        "COALESCE((SELECT MAX(id) FROM audit_log), 0) AS g".to_string(),
        "COALESCE((SELECT MAX(id) FROM audit_log WHERE plan_id IS NULL), 0) AS s".to_string(),
        "COALESCE((SELECT MAX(id) FROM audit_log WHERE plan_id = $1), 0) AS a".to_string(),
    ];
    let mut n = 1;
    for k in 0..PROBE_PLANS {
        n += 1;
        cols.push(format!(
            "COALESCE((SELECT MAX(id) FROM audit_log WHERE plan_id = ${n}), 0) AS o{k}"
        ));
    }
    for k in 0..PROBE_SERIES {
        n += 1;
        cols.push(format!(
            "COALESCE((SELECT MAX(id) FROM audit_log WHERE plan_id = ${n} AND {}), 0) AS s{k}",
            series_rows!()
        ));
    }
    for k in 0..PROBE_USERS {
        n += 1;
        cols.push(format!(
            "(SELECT COUNT(*) FROM notifications WHERE user_id = ${n} AND read_at IS NULL) AS n{k}"
        ));
    }
    format!("SELECT {}", cols.join(", "))
});

/// One change in the audit trail, as a cache sees it (`Store::changes_between`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataChange {
    /// The plan of a change to plan data; `None` for shared data.
    pub plan: Option<i64>,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
}

impl Store {
    /// Changes whenever a plan revision is imported, the organisation is imported or a unit is
    /// created or changed (0 for an empty database).
    pub async fn reference_data_version(&self) -> Result<i64> {
        // One index probe per entity (audit_log_entity_newest), not a scan of their rows.
        self.pools
            .fetch_one_statement(
                "SELECT COALESCE(MAX(v), 0) AS v FROM (\
                 SELECT MAX(id) AS v FROM audit_log WHERE entity = 'plan_revision' \
                 UNION ALL SELECT MAX(id) FROM audit_log WHERE entity = 'organisation' \
                 UNION ALL SELECT MAX(id) FROM audit_log WHERE entity = 'unit') t",
                args![],
            )
            .await?
            .i64("v")
    }

    /// Changes whenever anything changes: the id of the newest audit row (every mutation writes
    /// one in its own transaction). Caches of what several plans give together (a unit's to-do
    /// across its plans) are keyed by it.
    pub async fn data_version(&self) -> Result<i64> {
        self.pools
            .fetch_one_statement("SELECT COALESCE(MAX(id), 0) AS v FROM audit_log", args![])
            .await?
            .i64("v")
    }

    /// Changes whenever shared data changes — units, users, sessions, the organisation, the
    /// plans, their revisions and the indicator catalogue: the newest audit row that names no
    /// plan (audit.rs). Caches of shared data (units, people, sessions, the plan list) are keyed
    /// by it, so a report saved in one plan leaves them valid.
    pub async fn shared_data_version(&self) -> Result<i64> {
        self.pools
            .fetch_one_statement(
                "SELECT COALESCE(MAX(id), 0) AS v FROM audit_log WHERE plan_id IS NULL",
                args![],
            )
            .await?
            .i64("v")
    }

    /// Changes whenever shared data or access changes: sign-ins, sessions, API tokens, refused
    /// requests and notifications besides what [`Store::shared_data_version`] follows. Their
    /// audit rows are marked as access rows ([`crate::audit::ACCESS_ROWS`]) and move no plan's
    /// version and not the shared one — a province signs people in all day, and each sign-in
    /// would otherwise make every app server reload every plan — but the cache of active
    /// sessions is keyed by this one, so a sign-out or a revoked session takes effect at once on
    /// every server.
    pub async fn access_data_version(&self) -> Result<i64> {
        Ok(self.shared_and_access_versions().await?.1)
    }

    /// [`Store::shared_data_version`] and [`Store::access_data_version`] in one statement (a
    /// page needs both: the plan list and the session).
    pub async fn shared_and_access_versions(&self) -> Result<(i64, i64)> {
        let row = self
            .pools
            .fetch_one_statement(
                "SELECT COALESCE((SELECT MAX(id) FROM audit_log WHERE plan_id IS NULL), 0) AS s, \
                 COALESCE((SELECT MAX(id) FROM audit_log WHERE plan_id = $1), 0) AS a",
                args![crate::audit::ACCESS_ROWS],
            )
            .await?;
        let shared = row.i64("s")?;
        Ok((shared, shared.max(row.i64("a")?)))
    }

    /// The plans whose values the plan `plan` reads: for each of its indicators, the oldest
    /// active plan that asks the same code of the same unit, as `asked_elsewhere` finds it.
    /// They change only with shared data (the indicator catalogue, a plan's state), so a caller
    /// may keep them per shared version ([`Store::shared_data_version`]).
    pub async fn plan_value_owners(&self, plan: i64) -> Result<Vec<i64>> {
        let mut tx = self.pools.read().await?;
        tx.fetch_all(
            concat!(
                "SELECT DISTINCT owner FROM (SELECT ",
                crate::db::owner_plan_of_i!(),
                " AS owner FROM indicators i WHERE i.plan_id = $1 AND i.set_aside IS NULL) d \
                 WHERE owner IS NOT NULL ORDER BY owner"
            ),
            args![plan],
        )
        .await?
        .iter()
        .map(|r| r.i64("owner"))
        .collect()
    }

    /// The newest audit row of shared data, of the plan `plan`, or of one of `owners` (the plans
    /// whose values it reads) that can change their official series — values, an acceptance, a
    /// reopening; a draft saved there changes nothing `plan` shows. Index probes only, one
    /// statement per eight owners (audit_log(plan_id, id) and its partial twin
    /// audit_log_series, migrations 0015 and 0016).
    pub async fn plans_data_version(&self, plan: i64, owners: &[i64]) -> Result<i64> {
        const NONE: i64 = -1; // no plan has it: a probe that finds nothing
        let mut newest = 0;
        let chunks: Vec<&[i64]> = if owners.is_empty() {
            vec![&[]]
        } else {
            owners.chunks(8).collect()
        };
        for chunk in chunks {
            let at = |n: usize| chunk.get(n).copied().unwrap_or(NONE);
            let v = self
                .pools
                .fetch_one_statement(
                    concat!(
                        "SELECT COALESCE(MAX(v), 0) AS v FROM (\
                         SELECT MAX(id) AS v FROM audit_log WHERE plan_id IS NULL \
                         UNION ALL SELECT MAX(id) FROM audit_log WHERE plan_id = $1",
                        " UNION ALL SELECT MAX(id) FROM audit_log WHERE plan_id = $2 AND ",
                        series_rows!(),
                        " UNION ALL SELECT MAX(id) FROM audit_log WHERE plan_id = $3 AND ",
                        series_rows!(),
                        " UNION ALL SELECT MAX(id) FROM audit_log WHERE plan_id = $4 AND ",
                        series_rows!(),
                        " UNION ALL SELECT MAX(id) FROM audit_log WHERE plan_id = $5 AND ",
                        series_rows!(),
                        " UNION ALL SELECT MAX(id) FROM audit_log WHERE plan_id = $6 AND ",
                        series_rows!(),
                        " UNION ALL SELECT MAX(id) FROM audit_log WHERE plan_id = $7 AND ",
                        series_rows!(),
                        " UNION ALL SELECT MAX(id) FROM audit_log WHERE plan_id = $8 AND ",
                        series_rows!(),
                        " UNION ALL SELECT MAX(id) FROM audit_log WHERE plan_id = $9 AND ",
                        series_rows!(),
                        ") t"
                    ),
                    args![plan, at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7)],
                )
                .await?
                .i64("v")?;
            newest = newest.max(v);
        }
        Ok(newest)
    }

    /// Many version reads in one statement per [`PROBE_PLANS`] plans, [`PROBE_SERIES`] owners
    /// and [`PROBE_USERS`] people: the global, shared and access versions, the newest audit row
    /// of each plan of `plans`, the newest row that can change the official series of each plan
    /// of `series` (as [`Store::plans_data_version`] probes owners), and the unread notifications
    /// of each person of `users`. The web asks it for every read-only request that arrived while
    /// the previous one ran (snapshot.rs): one statement instead of several per request, and
    /// every answer read after its request arrived. Unused slots are NULL (a probe that ends
    /// before it starts).
    pub async fn probe(&self, plans: &[i64], series: &[i64], users: &[i64]) -> Result<Probe> {
        let mut out = Probe::default();
        let rounds = plans
            .len()
            .div_ceil(PROBE_PLANS)
            .max(series.len().div_ceil(PROBE_SERIES))
            .max(users.len().div_ceil(PROBE_USERS))
            .max(1);
        for r in 0..rounds {
            let part = |all: &[i64], n: usize| -> Vec<i64> {
                all.iter().skip(r * n).take(n).copied().collect()
            };
            let (p, s, u) = (
                part(plans, PROBE_PLANS),
                part(series, PROBE_SERIES),
                part(users, PROBE_USERS),
            );
            let mut values = vec![crate::db::Value::from(crate::audit::ACCESS_ROWS)];
            let slot = |v: &[i64], n: usize| crate::db::Value::from(v.get(n).copied());
            values.extend((0..PROBE_PLANS).map(|n| slot(&p, n)));
            values.extend((0..PROBE_SERIES).map(|n| slot(&s, n)));
            values.extend((0..PROBE_USERS).map(|n| slot(&u, n)));
            let row = self
                .pools
                .fetch_one_statement(PROBE_SQL.as_str(), &values)
                .await?;
            if r == 0 {
                out.global = row.i64("g")?;
                out.shared = row.i64("s")?;
                out.access = out.shared.max(row.i64("a")?);
            }
            for (n, id) in p.iter().enumerate() {
                out.own.insert(*id, row.i64(&format!("o{n}"))?);
            }
            for (n, id) in s.iter().enumerate() {
                out.series.insert(*id, row.i64(&format!("s{n}"))?);
            }
            for (n, id) in u.iter().enumerate() {
                out.unread.insert(*id, row.i64(&format!("n{n}"))?);
            }
        }
        Ok(out)
    }

    /// Changes whenever anything the plan `plan` shows changes: the newest audit row of that
    /// plan, of the plans whose values it reads ([`Store::plan_value_owners`]; a state change
    /// is a shared row) or of shared data. Caches of one plan's results (its monitoring, its
    /// pages) are keyed by it, so a write to one plan of a province leaves the other plans'
    /// caches valid. The web keeps the owners per shared version and asks
    /// [`Store::plans_data_version`] alone.
    pub async fn plan_data_version(&self, plan: i64) -> Result<i64> {
        let owners = self.plan_value_owners(plan).await?;
        self.plans_data_version(plan, &owners).await
    }

    /// The changes after version `since` up to `upto` of shared data and of `plans`, oldest
    /// first: what a cache of those plans needs to know to bring itself up to `upto` without
    /// reading everything again. `None` if there are more than `limit` (the caller reads
    /// everything). One statement per eight plans, each by index (migrations 0015, 0016).
    pub async fn changes_between(
        &self,
        since: i64,
        upto: i64,
        plans: &[i64],
        limit: usize,
    ) -> Result<Option<Vec<DataChange>>> {
        let mut tx = self.pools.read().await?;
        let cap = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        let mut rows = tx
            .fetch_all(
                "SELECT id, plan_id, entity, entity_id, action FROM audit_log \
                 WHERE plan_id IS NULL AND id > $1 AND id <= $2 ORDER BY id LIMIT $3",
                args![since, upto, cap],
            )
            .await?;
        for chunk in plans.chunks(8) {
            if rows.len() > limit {
                break;
            }
            let at = |n: usize| chunk.get(n).copied().unwrap_or(-1);
            rows.extend(
                tx.fetch_all(
                    "SELECT id, plan_id, entity, entity_id, action FROM audit_log \
                     WHERE plan_id IN ($4, $5, $6, $7, $8, $9, $10, $11) \
                     AND id > $1 AND id <= $2 ORDER BY id LIMIT $3",
                    args![
                        since,
                        upto,
                        cap,
                        at(0),
                        at(1),
                        at(2),
                        at(3),
                        at(4),
                        at(5),
                        at(6),
                        at(7)
                    ],
                )
                .await?,
            );
        }
        if rows.len() > limit {
            return Ok(None);
        }
        let mut out = rows
            .iter()
            .map(|r| {
                Ok((
                    r.i64("id")?,
                    DataChange {
                        plan: r.opt_i64("plan_id")?,
                        entity: r.text("entity")?,
                        entity_id: r.text("entity_id")?,
                        action: r.text("action")?,
                    },
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_by_key(|(id, _)| *id);
        Ok(Some(out.into_iter().map(|(_, c)| c).collect()))
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

    /// Whether the plan this store works on holds synthetic demo data (示例数据): reports, values
    /// or baselines marked as such (false before any plan).
    pub async fn demo_data_present(&self) -> Result<bool> {
        let mut tx = self.pools.read().await?;
        let plan = match self.plan_id(&mut tx).await {
            Ok(id) => id,
            Err(crate::StoreError::NoPlan) => return Ok(false),
            Err(e) => return Err(e),
        };
        let n = tx
            .fetch_one(
                "SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM reports \
                 WHERE plan_id = $1 AND demo = 1) \
                 OR EXISTS (SELECT 1 FROM indicator_values v JOIN indicators i \
                 ON i.id = v.indicator_id WHERE i.plan_id = $1 AND v.demo = 1) \
                 OR EXISTS (SELECT 1 FROM indicator_baselines b JOIN indicators i \
                 ON i.id = b.indicator_id WHERE i.plan_id = $1 AND b.demo = 1) \
                 THEN 1 ELSE 0 END AS BIGINT) AS d",
                args![plan],
            )
            .await?;
        Ok(n.i64("d")? != 0)
    }

    /// Changes whenever the reporting setup changes: the plan, the organisation, the units, the
    /// indicator catalogue, the reporting periods (deadlines, locks, extensions) or the yearly
    /// breakdown — but not when a report is saved.
    pub async fn reporting_setup_version(&self) -> Result<i64> {
        let mut tx = self.pools.read().await?;
        // One index probe per entity (audit_log_entity_newest), not a scan of their rows.
        tx.fetch_one(
            "SELECT COALESCE(MAX(v), 0) AS v FROM (\
             SELECT MAX(id) AS v FROM audit_log WHERE entity = 'plan_revision' \
             UNION ALL SELECT MAX(id) FROM audit_log WHERE entity = 'organisation' \
             UNION ALL SELECT MAX(id) FROM audit_log WHERE entity = 'unit' \
             UNION ALL SELECT MAX(id) FROM audit_log WHERE entity = 'indicator' \
             UNION ALL SELECT MAX(id) FROM audit_log WHERE entity = 'reporting_period' \
             UNION ALL SELECT MAX(id) FROM audit_log WHERE entity = 'breakdown_item' \
             UNION ALL SELECT MAX(id) FROM audit_log WHERE entity = 'indicator_values') t",
            args![],
        )
        .await?
        .i64("v")
    }
}
