//! The audit trail: who changed what, before and after, and when. Every mutation in this crate
//! calls [`record`] inside its own transaction, so a change and its audit row are committed
//! together or not at all.

use crate::Store;
use crate::db::{Row, Tx, args};
use crate::error::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Who is making a change: a signed-in user (`alice`) or an operator at the command line
/// (`cli:root`). The store records it verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
}

impl Actor {
    /// A signed-in PlanWatch user.
    pub fn user(username: &str) -> Self {
        Self {
            name: username.to_string(),
        }
    }

    /// An operator at the command line, named by their operating-system account.
    pub fn cli(os_user: &str) -> Self {
        Self {
            name: format!("cli:{os_user}"),
        }
    }
}

/// One audit row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// The entity before the change as JSON (none for a creation).
    pub before: Option<String>,
    /// The entity after the change as JSON (none for a deletion).
    pub after: Option<String>,
}

/// The pseudo-entity of [`AuditFilter::entity`] that selects every security event: sign-ins and
/// password checks, lock-outs, sessions, refused permissions and changes to accounts.
pub const SECURITY_FILTER: &str = "security";

/// Which audit rows to read.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub since: Option<DateTime<Utc>>,
    /// Only the newest `limit` rows (still listed oldest first).
    pub limit: Option<i64>,
}

/// What a change did, for [`record`].
pub(crate) struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The `prev_hash` of the first row of the trail.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of one audit row: SHA-256 over the previous row's hash and every column of the row
/// (as the canonical text the store keeps), encoded as a JSON array so that no two different
/// rows can give the same input. Editing any column of a row, deleting a row or reordering rows
/// breaks the chain at that row.
/// The row's `id` is not part of the hash (rows are chained by `prev_hash`).
pub(crate) fn row_hash(prev_hash: &str, e: &AuditEntry) -> String {
    use sha2::{Digest, Sha256};
    let input = serde_json::json!([
        "planwatch-audit-v1",
        prev_hash,
        crate::time::to_text(e.at),
        e.actor,
        e.action,
        e.entity,
        e.entity_id,
        e.before,
        e.after
    ])
    .to_string();
    let digest = Sha256::digest(input.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The hash of the newest row (the genesis hash for an empty trail). Writers are serialised on
/// both backends (see `Pools::write`), so the newest row cannot change under the caller.
async fn head_hash(tx: &mut Tx) -> Result<String> {
    Ok(tx
        .fetch_optional(
            "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
            args![],
        )
        .await?
        .map(|r| r.opt_text("hash"))
        .transpose()?
        .flatten()
        .unwrap_or_else(|| GENESIS_HASH.to_string()))
}

/// The entities whose changes belong to one plan: their audit rows name the plan the transaction
/// resolved, so only that plan's data version moves (and that of the plans reading its values;
/// versions.rs). Everything else — units, users, sessions, the organisation, the plans and their
/// revisions, the indicator catalogue — is shared: its rows name no plan and move every plan's
/// version. A change of plan data in a transaction that resolved no plan is shared too, which
/// costs a cache reload and nothing else.
const PLAN_ENTITIES: &[&str] = &[
    "report",
    "report_evidence",
    "report_text",
    "evaluation",
    "indicator_values",
    "reporting_period",
    "breakdown_item",
    "public_page",
];

/// The entities of access — sign-ins, sessions, API tokens, refused requests — and the
/// notifications sent to people (read where they are shown, never kept). Their rows carry
/// [`ACCESS_ROWS`] in place of a plan: they move the global version and the access version
/// (the sessions cache), not the shared version nor any plan's (versions.rs).
const ACCESS_ENTITIES: &[&str] = &["sign_in", "session", "api_token", "access", "notification"];

/// The `plan_id` of access rows: no plan has id 0 (identities start at 1).
pub(crate) const ACCESS_ROWS: i64 = 0;

/// Writes one audit row in the caller's transaction, chained to the row before it. JSON objects
/// serialise with sorted keys, so the text is the same on every backend and every run.
pub(crate) async fn record(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    at: DateTime<Utc>,
) -> Result<()> {
    let at = crate::time::normalise(at);
    let json = |v: Option<serde_json::Value>| v.map(|v| v.to_string());
    let (before, after) = (json(change.before), json(change.after));
    let prev = head_hash(tx).await?;
    let row = AuditEntry {
        id: 0,
        at,
        actor: actor.name.clone(),
        action: change.action.to_string(),
        entity: change.entity.to_string(),
        entity_id: change.entity_id,
        before,
        after,
    };
    let hash = row_hash(&prev, &row);
    let plan = if ACCESS_ENTITIES.contains(&change.entity) {
        Some(ACCESS_ROWS)
    } else {
        tx.plan.filter(|_| PLAN_ENTITIES.contains(&change.entity))
    };
    tx.execute(
        "INSERT INTO audit_log \
         (at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash, plan_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        args![
            at,
            row.actor,
            row.action,
            row.entity,
            row.entity_id,
            row.before,
            row.after,
            prev,
            hash,
            plan
        ],
    )
    .await?;
    Ok(())
}

/// Chains the rows written before the trail was chained (migration 0006), oldest first, in one
/// transaction. Does nothing (one indexed read) when every row has its hash.
pub(crate) async fn chain_unhashed(pools: &crate::db::Pools) -> Result<u64> {
    let pending = pools
        .fetch_optional_statement(
            "SELECT id FROM audit_log WHERE hash IS NULL LIMIT 1",
            args![],
        )
        .await?;
    if pending.is_none() {
        return Ok(0);
    }
    let mut tx = pools.write().await?;
    let first = tx
        .fetch_one(
            "SELECT COALESCE(MIN(id), 0) AS id FROM audit_log WHERE hash IS NULL",
            args![],
        )
        .await?
        .i64("id")?;
    let mut prev = tx
        .fetch_optional(
            "SELECT hash FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT 1",
            args![first],
        )
        .await?
        .map(|r| r.opt_text("hash"))
        .transpose()?
        .flatten()
        .unwrap_or_else(|| GENESIS_HASH.to_string());
    let rows = tx
        .fetch_all(
            "SELECT id, at, actor, action, entity, entity_id, before_json, after_json \
             FROM audit_log WHERE id >= $1 ORDER BY id",
            args![first],
        )
        .await?;
    let mut n = 0;
    for r in &rows {
        let e = entry(r)?;
        let hash = row_hash(&prev, &e);
        tx.execute(
            "UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3",
            args![prev, &hash, e.id],
        )
        .await?;
        prev = hash;
        n += 1;
    }
    tx.commit().await?;
    Ok(n)
}

/// What `planwatch audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Rows checked.
    pub rows: u64,
    /// The newest row's id and hash (write it down: a trail cut short after it shows as a
    /// different head).
    pub head: Option<(i64, String)>,
    /// The first row whose link or content does not match, with what is wrong.
    pub first_broken: Option<BrokenLink>,
}

/// A row where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenLink {
    pub id: i64,
    /// 内容被改动 (the row's content no longer gives its hash) or 链接断开 (its `prev_hash` is
    /// not the hash of the row before it: a row was deleted, inserted or reordered).
    pub problem: String,
}

fn entry(r: &Row) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.i64("id")?,
        at: r.time("at")?,
        actor: r.text("actor")?,
        action: r.text("action")?,
        entity: r.text("entity")?,
        entity_id: r.text("entity_id")?,
        before: r.opt_text("before_json")?,
        after: r.opt_text("after_json")?,
    })
}

impl Store {
    /// Checks the whole audit trail's hash chain, oldest row first, reading it in pages (a
    /// trail of millions of rows is checked in bounded memory). Stops at the first broken link.
    pub async fn verify_audit_chain(&self) -> Result<ChainReport> {
        const PAGE: i64 = 5_000;
        let mut prev = GENESIS_HASH.to_string();
        let mut after_id = i64::MIN;
        let mut rows = 0u64;
        let mut head = None;
        loop {
            let page = {
                let mut tx = self.pools.read().await?;
                tx.fetch_all(
                    "SELECT id, at, actor, action, entity, entity_id, before_json, after_json, \
                     prev_hash, hash FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
                    args![after_id, PAGE],
                )
                .await?
            };
            if page.is_empty() {
                break;
            }
            for r in &page {
                let e = entry(r)?;
                let (stored_prev, stored) = (r.opt_text("prev_hash")?, r.opt_text("hash")?);
                rows += 1;
                let problem = if stored_prev.as_deref() != Some(prev.as_str()) {
                    Some(
                        "链接断开：本行记录的上一行哈希与实际上一行不符（其前有行被删除、插入或调换）",
                    )
                } else {
                    let expected = row_hash(&prev, &e);
                    (stored.as_deref() != Some(expected.as_str()))
                        .then_some("内容被改动：本行内容与其哈希不符")
                };
                if let Some(p) = problem {
                    return Ok(ChainReport {
                        rows,
                        head,
                        first_broken: Some(BrokenLink {
                            id: e.id,
                            problem: p.to_string(),
                        }),
                    });
                }
                prev = stored.unwrap_or_default();
                after_id = e.id;
                head = Some((e.id, prev.clone()));
            }
        }
        Ok(ChainReport {
            rows,
            head,
            first_broken: None,
        })
    }

    /// Records a refused request of a signed-in user (等保: 越权访问 is a security event): who,
    /// what, with which role. The caller bounds how often one user can cause a row.
    pub async fn record_access_denied(
        &self,
        actor: &Actor,
        what: &str,
        detail: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pools.write().await?;
        record(
            &mut tx,
            actor,
            Change {
                action: "access.denied",
                entity: "access",
                entity_id: what.chars().take(200).collect(),
                before: None,
                after: Some(detail),
            },
            now,
        )
        .await?;
        tx.commit().await
    }

    /// Reads the audit trail, oldest first.
    pub async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let mut tx = self.pools.read().await?;
        let rows = tx
            .fetch_all(
                "SELECT id, at, actor, action, entity, entity_id, before_json, after_json \
                 FROM audit_log \
                 WHERE ($1 IS NULL OR entity = $1 \
                        OR ($1 = 'security' AND (entity IN ('sign_in', 'session', 'access') \
                            OR action IN ('user.create', 'user.disable', 'user.reset_password', \
                                          'session.revoke_all', 'api_token.create', \
                                          'api_token.revoke')))) \
                   AND ($2 IS NULL OR entity_id = $2) \
                   AND ($3 IS NULL OR at >= $3) \
                 ORDER BY id DESC LIMIT $4",
                args![
                    filter.entity.clone(),
                    filter.entity_id.clone(),
                    filter.since,
                    filter.limit.unwrap_or(i64::MAX)
                ],
            )
            .await?;
        let mut out = rows.iter().map(entry).collect::<Result<Vec<_>>>()?;
        out.reverse();
        Ok(out)
    }
}
