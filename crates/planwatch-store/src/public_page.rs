//! What the office publishes on the public progress page (issue 7, 宣传机制): an introduction,
//! the headline indicators whose latest accepted value and light are shown, whether task status
//! counts are shown, and the reporting period the published figures are as of — a period whose
//! deadline has passed or that the office has locked, never one still open for reports. Every
//! change is audited in the same transaction; saving the same choice again writes nothing.

use crate::Store;
use crate::audit::{self, Actor, Change};
use crate::db::{Tx, args};
use crate::error::{Result, StoreError};
use crate::reports::{indicator_ids, load_periods};
use chrono::{DateTime, Utc};
use planwatch_model::Quarter;
use planwatch_quarterly::period::{PeriodState, cst_from_utc};
use serde_json::json;
use std::collections::BTreeMap;

/// The longest introduction accepted, in characters.
pub const MAX_INTRO_CHARS: usize = 5_000;

/// What the office chooses to publish.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicChoice {
    /// Shown at the top of the public page (paragraphs separated by line breaks).
    pub intro: String,
    /// Indicator codes (the catalogue's) whose latest accepted value and light are published.
    pub indicators: Vec<planwatch_model::IndicatorCode>,
    /// Whether the counts of tasks by status (已完成、正常推进、滞后…) are published.
    pub task_counts: bool,
    /// The period the published figures are as of; required when any figure is published.
    pub as_of: Option<Quarter>,
}

impl PublicChoice {
    /// Whether the choice publishes nothing at all.
    pub fn is_empty(&self) -> bool {
        self.intro.trim().is_empty() && self.indicators.is_empty() && !self.task_counts
    }

    /// Whether any figure (indicator or task count) is published.
    pub fn has_figures(&self) -> bool {
        !self.indicators.is_empty() || self.task_counts
    }
}

/// The stored choice with its history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicSettings {
    pub choice: PublicChoice,
    /// 0 while nothing was ever saved; +1 for every change.
    pub revision: i64,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
}

fn conflict(by: &str, revision: i64) -> StoreError {
    StoreError::Conflict(format!(
        "公开内容已被 {by} 修改（现为第 {revision} 版），您的修改未保存：请查看最新设置后再修改"
    ))
}

fn choice_json(c: &PublicChoice) -> serde_json::Value {
    json!({
        "intro": c.intro,
        "indicators": c.indicators,
        "task_counts": c.task_counts,
        "as_of": c.as_of.map(|q| q.to_string()),
    })
}

/// The intro as kept: one line ending, no trailing spaces.
fn normalised(c: &PublicChoice) -> PublicChoice {
    let mut indicators = c.indicators.clone();
    indicators.sort();
    indicators.dedup();
    PublicChoice {
        intro: crate::report_texts::normalise_text(&c.intro),
        indicators,
        task_counts: c.task_counts,
        as_of: c.as_of,
    }
}

async fn load(tx: &mut Tx, plan: i64) -> Result<PublicSettings> {
    let Some(r) = tx
        .fetch_optional(
            "SELECT intro, show_task_counts, as_of_quarter, revision, updated_at, updated_by \
             FROM public_settings WHERE plan_id = $1",
            args![plan],
        )
        .await?
    else {
        return Ok(PublicSettings::default());
    };
    let mut indicators: Vec<planwatch_model::IndicatorCode> = tx
        .fetch_all(
            "SELECT i.code FROM public_indicators p JOIN indicators i ON i.id = p.indicator_id \
             WHERE p.plan_id = $1",
            args![plan],
        )
        .await?
        .iter()
        .map(|r| r.text("code").map(Into::into))
        .collect::<Result<_>>()?;
    indicators.sort();
    Ok(PublicSettings {
        choice: PublicChoice {
            intro: r.text("intro")?,
            indicators,
            task_counts: r.i64("show_task_counts")? != 0,
            as_of: r
                .opt_text("as_of_quarter")?
                .map(|q| Quarter::parse(&q).map_err(|e| StoreError::InvalidInput(e.to_string())))
                .transpose()?,
        },
        revision: r.i64("revision")?,
        updated_at: Some(r.time("updated_at")?),
        updated_by: Some(r.text("updated_by")?),
    })
}

/// Checks the choice against the plan's catalogue and periods as stored now.
async fn check(
    tx: &mut Tx,
    plan: i64,
    c: &PublicChoice,
    now: DateTime<Utc>,
) -> Result<BTreeMap<String, i64>> {
    let chars = c.intro.chars().count();
    if chars > MAX_INTRO_CHARS {
        return Err(StoreError::InvalidInput(format!(
            "公开说明共 {chars} 字，超过 {MAX_INTRO_CHARS} 字的上限，未保存"
        )));
    }
    let ids = indicator_ids(tx, plan).await?;
    if let Some(unknown) = c
        .indicators
        .iter()
        .find(|code| !ids.contains_key(code.as_str()))
    {
        return Err(StoreError::InvalidInput(format!(
            "指标“{unknown}”不在本计划的指标目录中，未保存"
        )));
    }
    match c.as_of {
        None if c.has_figures() => Err(StoreError::InvalidInput(
            "发布指标数值或任务统计时，须选择数据截至的报送期（已截止或已锁定的季度）".to_string(),
        )),
        None => Ok(ids),
        Some(q) => {
            let periods = load_periods(tx, plan).await?;
            let period = periods.iter().find(|p| p.quarter == q).ok_or_else(|| {
                StoreError::InvalidInput(format!("{} 不是本计划的报送期", q.label_zh()))
            })?;
            match period.state_at(cst_from_utc(now)) {
                PeriodState::Closed | PeriodState::Locked => Ok(ids),
                state => Err(StoreError::InvalidInput(format!(
                    "{}报送期{}，只能发布已截止或已锁定报送期的数据",
                    q.label_zh(),
                    state.label_zh()
                ))),
            }
        }
    }
}

impl Store {
    /// What the office has chosen to publish for the current plan (nothing when never saved).
    pub async fn public_settings(&self) -> Result<PublicSettings> {
        let mut tx = self.pools.read().await?;
        let plan = self.plan_id(&mut tx).await?;
        load(&mut tx, plan).await
    }

    /// Saves what the public page shows. Refused (nothing changed) for an unknown indicator, a
    /// too long introduction, figures without a period, or a period that is not closed or
    /// locked at `now`. Returns `false` when the choice was already stored (no audit row).
    /// `expected_revision` refuses the change if someone saved in between.
    pub async fn set_public_settings(
        &self,
        actor: &Actor,
        choice: &PublicChoice,
        expected_revision: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let choice = normalised(choice);
        let mut tx = self.pools.write().await?;
        let plan = self.writable_plan_id(&mut tx).await?;
        let before = load(&mut tx, plan).await?;
        if before.choice == choice && (before.revision > 0 || choice.is_empty()) {
            return Ok(false);
        }
        if let Some(e) = expected_revision
            && e != before.revision
        {
            return Err(conflict(
                before.updated_by.as_deref().unwrap_or("他人"),
                before.revision,
            ));
        }
        let ids = check(&mut tx, plan, &choice, now).await?;
        let revision = before.revision + 1;
        let as_of = choice.as_of.map(|q| q.to_string());
        if before.revision == 0 {
            tx.execute(
                "INSERT INTO public_settings (plan_id, intro, show_task_counts, as_of_quarter, \
                 revision, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                args![
                    plan,
                    &choice.intro,
                    i64::from(choice.task_counts),
                    as_of,
                    revision,
                    now,
                    &actor.name
                ],
            )
            .await
            .map_err(|e| match &e {
                StoreError::Database(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                    conflict("他人", 1)
                }
                _ => e,
            })?;
        } else {
            let n = tx
                .execute(
                    "UPDATE public_settings SET intro = $1, show_task_counts = $2, \
                     as_of_quarter = $3, revision = $4, updated_at = $5, updated_by = $6 \
                     WHERE plan_id = $7 AND revision = $8",
                    args![
                        &choice.intro,
                        i64::from(choice.task_counts),
                        as_of,
                        revision,
                        now,
                        &actor.name,
                        plan,
                        before.revision
                    ],
                )
                .await?;
            if n != 1 {
                return Err(conflict("他人", revision));
            }
            tx.execute(
                "DELETE FROM public_indicators WHERE plan_id = $1",
                args![plan],
            )
            .await?;
        }
        for code in &choice.indicators {
            let id = *ids.get(code.as_str()).ok_or_else(|| {
                StoreError::InvalidInput(format!("指标“{code}”不在本计划的指标目录中"))
            })?;
            tx.execute(
                "INSERT INTO public_indicators (plan_id, indicator_id) VALUES ($1, $2)",
                args![plan, id],
            )
            .await?;
        }
        let mut after = choice_json(&choice);
        after["revision"] = json!(revision);
        let before_json = (before.revision > 0).then(|| {
            let mut b = choice_json(&before.choice);
            b["revision"] = json!(before.revision);
            b
        });
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "public_page.set",
                entity: "public_page",
                entity_id: plan.to_string(),
                before: before_json,
                after: Some(after),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
