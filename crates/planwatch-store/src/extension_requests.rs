//! 延期申请: a unit asks the office for more time for a quarter's report; the office grants it
//! (the period extension is written in the same transaction) or refuses it. Each step is audited
//! (`extension.ask`, `extension.grant`, `extension.refuse`); undecided requests are listed for the
//! office's to-do.

use crate::Store;
use crate::audit::{self, Actor, Change};
use crate::db::args;
use crate::error::{Result, StoreError};
use crate::reports::{PeriodChange, change_period_in, day_text, parse_day, period_id, unit_id};
use chrono::{DateTime, NaiveDate, Utc};
use planwatch_model::{Quarter, UnitName};
use serde::Serialize;
use serde_json::json;

/// A unit's request for more time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtensionRequest {
    pub id: i64,
    pub unit: UnitName,
    pub period: Quarter,
    pub until: NaiveDate,
    pub reason: String,
    pub asked_by: String,
    pub asked_at: DateTime<Utc>,
    /// `granted` or `refused`; `None` while the office has not decided.
    pub decision: Option<String>,
    pub note: Option<String>,
}

impl Store {
    /// Records `unit`'s request to report `quarter` by `until`. Refused while an earlier request
    /// of the unit for that quarter is undecided.
    pub async fn ask_extension(
        &self,
        actor: &Actor,
        unit: &UnitName,
        quarter: Quarter,
        until: NaiveDate,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.pools.write().await?;
        let plan = self.writable_plan_id(&mut tx).await?;
        let pid = period_id(&mut tx, plan, quarter).await?;
        let uid = unit_id(&mut tx, unit).await?;
        let open = tx
            .fetch_optional(
                "SELECT id FROM extension_requests WHERE period_id = $1 AND unit_id = $2 \
                 AND decision IS NULL",
                args![pid, uid],
            )
            .await?;
        if open.is_some() {
            return Err(StoreError::Conflict(format!(
                "{unit}{}的延期申请尚在办公室审批中，请勿重复申请",
                quarter.label_zh()
            )));
        }
        let row = tx
            .fetch_one(
                "INSERT INTO extension_requests (period_id, unit_id, until_day, reason, asked_at, \
                 asked_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                args![pid, uid, day_text(until), reason.trim(), now, &actor.name],
            )
            .await?;
        let id = row.i64("id")?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "extension.ask",
                entity: "reporting_period",
                entity_id: quarter.to_string(),
                before: None,
                after: Some(json!({
                    "request": id, "unit": unit.as_str(), "until": day_text(until),
                    "reason": reason.trim(),
                })),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The current plan's extension requests, undecided ones only when `open_only`.
    pub async fn extension_requests(&self, open_only: bool) -> Result<Vec<ExtensionRequest>> {
        let mut tx = self.pools.read().await?;
        let plan = self.plan_id(&mut tx).await?;
        let rows = tx
            .fetch_all(
                "SELECT x.id, u.name, p.quarter, x.until_day, x.reason, x.asked_by, x.asked_at, \
                 x.decision, x.note FROM extension_requests x \
                 JOIN units u ON u.id = x.unit_id \
                 JOIN reporting_periods p ON p.id = x.period_id \
                 WHERE p.plan_id = $1 ORDER BY x.id",
                args![plan],
            )
            .await?;
        let mut out = Vec::new();
        for r in rows {
            let decision = r.opt_text("decision")?;
            if open_only && decision.is_some() {
                continue;
            }
            out.push(ExtensionRequest {
                id: r.i64("id")?,
                unit: r.text("name")?.into(),
                period: Quarter::parse(&r.text("quarter")?)
                    .map_err(|e| StoreError::InvalidInput(e.to_string()))?,
                until: parse_day(&r.text("until_day")?, "申请延期至")?,
                reason: r.text("reason")?,
                asked_by: r.text("asked_by")?,
                asked_at: r.time("asked_at")?,
                decision,
                note: r.opt_text("note")?,
            });
        }
        Ok(out)
    }

    /// The office decides request `id`: granting writes the period extension (checked by the
    /// period rules) in the same transaction; a request already decided is refused.
    pub async fn decide_extension(
        &self,
        actor: &Actor,
        id: i64,
        grant: bool,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<ExtensionRequest> {
        let mut tx = self.pools.write().await?;
        let plan = self.writable_plan_id(&mut tx).await?;
        let row = tx
            .fetch_optional(
                "SELECT x.id, u.name, p.quarter, x.until_day, x.reason, x.asked_by, x.asked_at, \
                 x.decision FROM extension_requests x JOIN units u ON u.id = x.unit_id \
                 JOIN reporting_periods p ON p.id = x.period_id \
                 WHERE x.id = $1 AND p.plan_id = $2",
                args![id, plan],
            )
            .await?
            .ok_or_else(|| StoreError::InvalidInput(format!("延期申请 {id} 不存在")))?;
        if row.opt_text("decision")?.is_some() {
            return Err(StoreError::Conflict("这份延期申请已经处理过了".to_string()));
        }
        let req = ExtensionRequest {
            id,
            unit: row.text("name")?.into(),
            period: Quarter::parse(&row.text("quarter")?)
                .map_err(|e| StoreError::InvalidInput(e.to_string()))?,
            until: parse_day(&row.text("until_day")?, "申请延期至")?,
            reason: row.text("reason")?,
            asked_by: row.text("asked_by")?,
            asked_at: row.time("asked_at")?,
            decision: Some(if grant { "granted" } else { "refused" }.to_string()),
            note: Some(note.trim().to_string()).filter(|n| !n.is_empty()),
        };
        if grant {
            change_period_in(
                &mut tx,
                plan,
                actor,
                req.period,
                &PeriodChange::Extend {
                    unit: req.unit.clone(),
                    until: req.until,
                    reason: req.reason.clone(),
                },
                now,
            )
            .await?;
        }
        tx.execute(
            "UPDATE extension_requests SET decision = $1, decided_at = $2, decided_by = $3, \
             note = $4 WHERE id = $5",
            args![req.decision.clone(), now, &actor.name, req.note.clone(), id],
        )
        .await?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: if grant {
                    "extension.grant"
                } else {
                    "extension.refuse"
                },
                entity: "reporting_period",
                entity_id: req.period.to_string(),
                before: Some(json!({ "request": id, "unit": req.unit.as_str() })),
                after: Some(json!({ "decision": req.decision, "note": req.note })),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(req)
    }
}
