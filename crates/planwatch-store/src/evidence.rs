//! Evidence files (佐证材料) attached to one row of a unit's quarterly report in the browser or
//! the API: a task row or an indicator value. The bytes are the caller's to keep (once per
//! SHA-256 in the data folder); the store knows each file once (`evidence_files`) and each
//! attachment (`report_evidence`), and writes an audit row for every attach and remove.

use crate::Store;
use crate::audit::{self, Actor, Change};
use crate::db::{Row, args};
use crate::error::{Result, StoreError};
use crate::units::find_unit;
use chrono::{DateTime, Utc};
use planwatch_model::Quarter;
use planwatch_quarterly::evidence::EvidenceFile;
use serde_json::json;

/// Which kind of report row a file is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceRow {
    /// A task row; the key is the scope row key (`T:13`, `C:3`, `I:2024-T13-W01`).
    Task,
    /// An indicator value; the key is the indicator code.
    Indicator,
}

impl EvidenceRow {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceRow::Task => "task",
            EvidenceRow::Indicator => "indicator",
        }
    }

    pub fn parse(s: &str) -> Option<EvidenceRow> {
        match s {
            "task" => Some(EvidenceRow::Task),
            "indicator" => Some(EvidenceRow::Indicator),
            _ => None,
        }
    }
}

/// One file attached to one row of a unit's report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AttachedEvidence {
    pub id: i64,
    pub unit: String,
    pub quarter: Quarter,
    pub row: EvidenceRow,
    pub row_key: String,
    pub name: String,
    /// The detected type (pdf, jpg, png, docx, xlsx, pptx, doc, xls, ofd).
    pub kind: String,
    pub size: u64,
    pub sha256: String,
    pub attached_at: DateTime<Utc>,
    pub attached_by: String,
}

const SELECT: &str = "SELECT e.id, u.name AS unit, e.quarter, e.row_kind, e.row_key, e.name, \
     f.kind, f.size, e.sha256, e.attached_at, e.attached_by \
     FROM report_evidence e JOIN units u ON u.id = e.unit_id \
     JOIN evidence_files f ON f.sha256 = e.sha256";

fn attached(r: &Row) -> Result<AttachedEvidence> {
    let quarter = r.text("quarter")?;
    Ok(AttachedEvidence {
        id: r.i64("id")?,
        unit: r.text("unit")?,
        quarter: Quarter::parse(&quarter).map_err(|e| {
            StoreError::InvalidInput(format!("report_evidence.quarter {quarter}: {e}"))
        })?,
        row: EvidenceRow::parse(&r.text("row_kind")?)
            .ok_or_else(|| StoreError::InvalidInput("report_evidence.row_kind".to_string()))?,
        row_key: r.text("row_key")?,
        name: r.text("name")?,
        kind: r.text("kind")?,
        size: u64::try_from(r.i64("size")?).unwrap_or(0),
        sha256: r.text("sha256")?,
        attached_at: r.time("attached_at")?,
        attached_by: r.text("attached_by")?,
    })
}

impl Store {
    /// Attaches a checked file (whose bytes the caller has kept under its hash) to a row of
    /// `unit`'s report for `quarter`: the file is recorded once, the attachment and its audit
    /// row in the same transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn attach_evidence(
        &self,
        actor: &Actor,
        unit: &str,
        quarter: Quarter,
        row: EvidenceRow,
        row_key: &str,
        file: &EvidenceFile,
        now: DateTime<Utc>,
    ) -> Result<AttachedEvidence> {
        let mut tx = self.pools.write().await?;
        let plan = self.writable_plan_id(&mut tx).await?;
        let unit_id = find_unit(&mut tx, unit)
            .await?
            .ok_or_else(|| StoreError::UnknownUnit(unit.to_string()))?
            .id;
        let known = tx
            .fetch_optional(
                "SELECT sha256 FROM evidence_files WHERE sha256 = $1",
                args![&file.sha256],
            )
            .await?
            .is_some();
        if !known {
            tx.execute(
                "INSERT INTO evidence_files (sha256, kind, size, first_name, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
                args![
                    &file.sha256,
                    &file.kind,
                    i64::try_from(file.size).unwrap_or(i64::MAX),
                    &file.name,
                    now
                ],
            )
            .await?;
        }
        let id = tx
            .insert_returning_id(
                "INSERT INTO report_evidence (plan_id, unit_id, quarter, row_kind, row_key, \
                 sha256, name, attached_at, attached_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                args![
                    plan,
                    unit_id,
                    quarter.to_string(),
                    row.as_str(),
                    row_key,
                    &file.sha256,
                    &file.name,
                    now,
                    &actor.name
                ],
            )
            .await?;
        let out = AttachedEvidence {
            id,
            unit: unit.to_string(),
            quarter,
            row,
            row_key: row_key.to_string(),
            name: file.name.clone(),
            kind: file.kind.clone(),
            size: file.size,
            sha256: file.sha256.clone(),
            attached_at: now,
            attached_by: actor.name.clone(),
        };
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "evidence.attach",
                entity: "report_evidence",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({
                    "unit": unit, "quarter": quarter.to_string(), "row": row.as_str(),
                    "row_key": row_key, "name": file.name, "kind": file.kind,
                    "size": file.size, "sha256": file.sha256, "new_file": !known,
                })),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    /// The files attached to `unit`'s report for `quarter`, oldest first.
    pub async fn report_evidence(
        &self,
        unit: &str,
        quarter: Quarter,
    ) -> Result<Vec<AttachedEvidence>> {
        let mut tx = self.pools.read().await?;
        let plan = self.plan_id(&mut tx).await?;
        let sql = sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE e.plan_id = $1 AND u.name = $2 AND e.quarter = $3 ORDER BY e.id"
        ));
        tx.fetch_all_sql(sql, args![plan, unit, quarter.to_string()])
            .await?
            .iter()
            .map(attached)
            .collect()
    }

    /// One attachment by its id.
    pub async fn evidence_by_id(&self, id: i64) -> Result<Option<AttachedEvidence>> {
        let mut tx = self.pools.read().await?;
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE e.id = $1"));
        tx.fetch_all_sql(sql, args![id])
            .await?
            .first()
            .map(attached)
            .transpose()
    }

    /// Removes an attachment (the file's bytes stay: other rows may use them, and the audit
    /// trail names them). Returns what was removed, `None` when there was no such attachment.
    pub async fn remove_evidence(
        &self,
        actor: &Actor,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<AttachedEvidence>> {
        let Some(before) = self.evidence_by_id(id).await? else {
            return Ok(None);
        };
        let mut tx = self.pools.write().await?;
        let n = tx
            .execute("DELETE FROM report_evidence WHERE id = $1", args![id])
            .await?;
        if n == 0 {
            return Ok(None);
        }
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "evidence.remove",
                entity: "report_evidence",
                entity_id: id.to_string(),
                before: Some(json!({
                    "unit": before.unit, "quarter": before.quarter.to_string(),
                    "row": before.row.as_str(), "row_key": before.row_key,
                    "name": before.name, "sha256": before.sha256,
                })),
                after: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(before))
    }

    /// The SHA-256 of every evidence file the store knows (what a backup must carry).
    pub async fn evidence_hashes(&self) -> Result<Vec<String>> {
        let mut tx = self.pools.read().await?;
        tx.fetch_all("SELECT sha256 FROM evidence_files ORDER BY sha256", args![])
            .await?
            .iter()
            .map(|r| r.text("sha256"))
            .collect()
    }
}
