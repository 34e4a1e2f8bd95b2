//! The office's judgements for the evaluation (issue 13): which target applies when the plan
//! states two for one indicator and year, and whether each qualitative goal of the plan was
//! achieved, with the evidence. They are the office's to make (the data cannot decide them), so
//! they are stored, one row per plan, kind and subject, and every change is audited in the same
//! transaction; saving the same judgement again writes nothing.

use crate::Store;
use crate::audit::{self, Actor, Change};
use crate::db::{Row, args};
use crate::error::{Result, StoreError};
use chrono::{DateTime, Utc};
use serde_json::json;

/// The longest evidence text accepted, in characters.
pub const MAX_EVIDENCE_CHARS: usize = 5_000;

/// What a judgement is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChoiceKind {
    /// A qualitative goal of the plan (subject: its text).
    Goal,
    /// The target applied for an indicator and year (subject: `CODE@YEAR`).
    Target,
}

impl ChoiceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChoiceKind::Goal => "goal",
            ChoiceKind::Target => "target",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "goal" => Ok(ChoiceKind::Goal),
            "target" => Ok(ChoiceKind::Target),
            other => Err(StoreError::InvalidInput(format!(
                "数据库中的评判类别“{other}”无法识别"
            ))),
        }
    }
}

/// One stored judgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationChoice {
    pub kind: ChoiceKind,
    pub subject: String,
    /// For a goal: achieved / largely_achieved / not_achieved; for a target: the value applied.
    pub choice: String,
    pub evidence: String,
    pub revision: i64,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

/// The subject of a target choice: `CODE@YEAR`.
pub fn target_subject(code: &str, year: i32) -> String {
    format!("{code}@{year}")
}

fn choice_row(r: &Row) -> Result<EvaluationChoice> {
    Ok(EvaluationChoice {
        kind: ChoiceKind::parse(&r.text("kind")?)?,
        subject: r.text("subject")?,
        choice: r.text("choice")?,
        evidence: r.text("evidence")?,
        revision: r.i64("revision")?,
        updated_at: r.time("updated_at")?,
        updated_by: r.text("updated_by")?,
    })
}

impl Store {
    /// Every judgement of the current plan, by kind and subject.
    pub async fn evaluation_choices(&self) -> Result<Vec<EvaluationChoice>> {
        let mut tx = self.pools.read().await?;
        let plan = self.plan_id(&mut tx).await?;
        tx.fetch_all(
            "SELECT kind, subject, choice, evidence, revision, updated_at, updated_by \
             FROM evaluation_choices WHERE plan_id = $1 ORDER BY kind, subject",
            args![plan],
        )
        .await?
        .iter()
        .map(choice_row)
        .collect()
    }

    /// Stores a judgement (the caller has checked who may and what is valid). Returns `false`
    /// when the same choice and evidence were already stored (no audit row).
    pub async fn set_evaluation_choice(
        &self,
        actor: &Actor,
        kind: ChoiceKind,
        subject: &str,
        choice: &str,
        evidence: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let evidence = crate::report_texts::normalise_text(evidence);
        let chars = evidence.chars().count();
        if chars > MAX_EVIDENCE_CHARS {
            return Err(StoreError::InvalidInput(format!(
                "依据说明共 {chars} 字，超过 {MAX_EVIDENCE_CHARS} 字的上限，未保存"
            )));
        }
        if subject.trim().is_empty() || choice.trim().is_empty() {
            return Err(StoreError::InvalidInput(
                "评判对象和评判结论都不能为空".to_string(),
            ));
        }
        let mut tx = self.pools.write().await?;
        let plan = self.writable_plan_id(&mut tx).await?;
        let before = tx
            .fetch_optional(
                "SELECT kind, subject, choice, evidence, revision, updated_at, updated_by \
                 FROM evaluation_choices WHERE plan_id = $1 AND kind = $2 AND subject = $3",
                args![plan, kind.as_str(), subject],
            )
            .await?
            .as_ref()
            .map(choice_row)
            .transpose()?;
        if before
            .as_ref()
            .is_some_and(|b| b.choice == choice && b.evidence == evidence)
        {
            return Ok(false);
        }
        let revision = before.as_ref().map_or(1, |b| b.revision + 1);
        match &before {
            None => {
                tx.execute(
                    "INSERT INTO evaluation_choices (plan_id, kind, subject, choice, evidence, \
                     revision, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    args![
                        plan,
                        kind.as_str(),
                        subject,
                        choice,
                        &evidence,
                        revision,
                        now,
                        &actor.name
                    ],
                )
                .await?;
            }
            Some(b) => {
                let n = tx
                    .execute(
                        "UPDATE evaluation_choices SET choice = $1, evidence = $2, revision = $3, \
                         updated_at = $4, updated_by = $5 \
                         WHERE plan_id = $6 AND kind = $7 AND subject = $8 AND revision = $9",
                        args![
                            choice,
                            &evidence,
                            revision,
                            now,
                            &actor.name,
                            plan,
                            kind.as_str(),
                            subject,
                            b.revision
                        ],
                    )
                    .await?;
                if n != 1 {
                    return Err(StoreError::Conflict(format!(
                        "“{subject}”的评判已被他人修改，您的修改未保存：请刷新后再改"
                    )));
                }
            }
        }
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "evaluation.set",
                entity: "evaluation",
                entity_id: format!("{}:{subject}", kind.as_str()),
                before: before.as_ref().map(
                    |b| json!({"choice": b.choice, "evidence": b.evidence, "revision": b.revision}),
                ),
                after: Some(json!({"choice": choice, "evidence": evidence, "revision": revision})),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
