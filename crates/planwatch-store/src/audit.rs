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

/// Writes one audit row in the caller's transaction. JSON objects serialise with sorted keys, so
/// the text is the same on every backend and every run.
pub(crate) async fn record(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    at: DateTime<Utc>,
) -> Result<()> {
    let json = |v: Option<serde_json::Value>| v.map(|v| v.to_string());
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        args![
            at,
            &actor.name,
            change.action,
            change.entity,
            change.entity_id,
            json(change.before),
            json(change.after)
        ],
    )
    .await?;
    Ok(())
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
    /// Reads the audit trail, oldest first.
    pub async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let mut tx = self.pools.read().await?;
        let rows = tx
            .fetch_all(
                "SELECT id, at, actor, action, entity, entity_id, before_json, after_json \
                 FROM audit_log \
                 WHERE ($1 IS NULL OR entity = $1) AND ($2 IS NULL OR entity_id = $2) \
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
