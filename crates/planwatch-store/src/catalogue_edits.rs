//! The office's edits of the stored indicator catalogue (issue 14): a name, unit of measure,
//! kind, direction or reporting unit changed, a figure set aside or taken in. One call is one
//! transaction: every edit is checked first and nothing changes if one is wrong. Each changed
//! indicator is one audit row (`indicator.edit`) with what it was and what it became.

use crate::Store;
use crate::audit::{self, Actor, Change};
use crate::db::{Tx, args};
use crate::error::{Result, StoreError};
use crate::reports::{enum_text, indicator_def, to_json};
use crate::units::find_unit;
use chrono::{DateTime, Utc};
use planwatch_model::{Direction, IndicatorDef, IndicatorKind, UnitKind, UnitName};
use serde_json::json;

/// The longest indicator name the office may give, in characters.
pub const MAX_INDICATOR_NAME_CHARS: usize = 60;
/// The longest unit of measure, in characters.
pub const MAX_MEASURE_CHARS: usize = 12;

/// What one indicator should become. Every field is the whole new state of that field.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorEdit {
    pub code: String,
    pub name: String,
    pub unit: Option<String>,
    pub kind: IndicatorKind,
    pub direction: Direction,
    pub reporter: UnitName,
    /// `Some(reason)`: not reported; `None`: in the catalogue.
    pub set_aside: Option<String>,
}

/// One stored indicator as the office edits it.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogueEntry {
    pub def: IndicatorDef,
    pub set_aside: Option<String>,
    /// Values on record (reports or imports): such an indicator cannot be set aside.
    pub values: i64,
}

impl Store {
    /// Every stored indicator of the current plan, in the catalogue's order, set-aside ones too.
    pub async fn catalogue_entries(&self) -> Result<Vec<CatalogueEntry>> {
        let mut tx = self.pools.read().await?;
        let plan = self.plan_id(&mut tx).await?;
        entries(&mut tx, plan).await
    }

    /// Applies the office's edits; returns the codes that changed (an edit that changes nothing
    /// is not recorded).
    pub async fn edit_indicators(
        &self,
        actor: &Actor,
        edits: &[IndicatorEdit],
        now: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        let mut tx = self.pools.write().await?;
        let plan = self.writable_plan_id(&mut tx).await?;
        let current = entries(&mut tx, plan).await?;
        let mut problems = Vec::new();
        let mut planned = Vec::new();
        for e in edits {
            let Some(before) = current.iter().find(|c| c.def.code == e.code) else {
                problems.push(format!("指标编码“{}”不在本计划的指标目录中", e.code));
                continue;
            };
            let name = e.name.trim().to_string();
            let unit = e
                .unit
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(str::to_string);
            let here = format!("指标“{}”（{}）", before.def.name, e.code);
            if name.is_empty() {
                problems.push(format!("{here}：名称不能为空"));
            } else if name.chars().count() > MAX_INDICATOR_NAME_CHARS {
                problems.push(format!("{here}：名称超过 {MAX_INDICATOR_NAME_CHARS} 字"));
            } else if name.chars().any(char::is_control) {
                problems.push(format!("{here}：名称含有控制字符"));
            } else if let Some(other) = current.iter().find(|c| {
                c.def.code != e.code
                    && c.def.name == name
                    && edits
                        .iter()
                        .find(|x| x.code == c.def.code)
                        .is_none_or(|x| x.name.trim() == name)
            }) {
                problems.push(format!(
                    "{here}：名称“{name}”已被指标 {} 使用",
                    other.def.code
                ));
            }
            if unit.as_deref().is_some_and(|u| {
                u.chars().count() > MAX_MEASURE_CHARS || u.chars().any(char::is_control)
            }) {
                problems.push(format!("{here}：计量单位不能超过 {MAX_MEASURE_CHARS} 字"));
            }
            let reporter = match find_unit(&mut tx, e.reporter.as_str()).await? {
                None => {
                    problems.push(format!("{here}：报送单位“{}”不存在", e.reporter));
                    None
                }
                Some(u) if u.kind == UnitKind::Group => {
                    problems.push(format!(
                        "{here}：“{}”是单位组，报送单位须是一个具体单位",
                        e.reporter
                    ));
                    None
                }
                Some(u) => Some(u),
            };
            let set_aside = e.set_aside.as_deref().map(str::trim).map(|r| {
                if r.is_empty() {
                    "办公室移出".to_string()
                } else {
                    r.to_string()
                }
            });
            if set_aside.is_some() && before.set_aside.is_none() && before.values > 0 {
                problems.push(format!(
                    "{here}：已有 {} 个报送数值，不能移出指标目录",
                    before.values
                ));
            }
            let Some(reporter) = reporter else { continue };
            let mut def = before.def.clone();
            def.name = name;
            def.unit = unit;
            def.kind = e.kind;
            def.direction = e.direction;
            def.reporter = reporter.name.clone();
            if def == before.def && set_aside == before.set_aside {
                continue;
            }
            if !before.def.plan_names.contains(&before.def.name) {
                def.plan_names.insert(0, before.def.name.clone());
            }
            planned.push((before, def, set_aside, reporter.id));
        }
        if !problems.is_empty() {
            return Err(StoreError::InvalidInput(format!(
                "指标目录未保存：\n{}",
                problems.join("\n")
            )));
        }
        let mut changed = Vec::new();
        for (before, def, set_aside, reporter_id) in planned {
            tx.execute(
                "UPDATE indicators SET name = $1, unit_of_measure = $2, reporter_id = $3, \
                 kind = $4, direction = $5, def_json = $6, set_aside = $7 \
                 WHERE plan_id = $8 AND code = $9",
                args![
                    &def.name,
                    def.unit.clone(),
                    reporter_id,
                    enum_text(&def.kind),
                    enum_text(&def.direction),
                    to_json(&def).to_string(),
                    set_aside.clone(),
                    plan,
                    def.code.to_string()
                ],
            )
            .await?;
            let view = |d: &IndicatorDef, s: &Option<String>| {
                json!({
                    "name": d.name, "unit": d.unit, "kind": d.kind, "direction": d.direction,
                    "reporter": d.reporter, "set_aside": s,
                })
            };
            audit::record(
                &mut tx,
                actor,
                Change {
                    action: "indicator.edit",
                    entity: "indicator",
                    entity_id: def.code.to_string(),
                    before: Some(view(&before.def, &before.set_aside)),
                    after: Some(view(&def, &set_aside)),
                },
                now,
            )
            .await?;
            changed.push(def.code.to_string());
        }
        tx.commit().await?;
        Ok(changed)
    }
}

async fn entries(tx: &mut Tx, plan: i64) -> Result<Vec<CatalogueEntry>> {
    let rows = tx
        .fetch_all(
            "SELECT i.def_json, i.set_aside, u.name AS reporter, \
             (SELECT COUNT(*) FROM indicator_values v WHERE v.indicator_id = i.id) AS n_values \
             FROM indicators i JOIN units u ON u.id = i.reporter_id \
             WHERE i.plan_id = $1 ORDER BY i.position, i.id",
            args![plan],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let mut def = indicator_def(r)?;
            def.reporter = r.text("reporter")?.into();
            Ok(CatalogueEntry {
                def,
                set_aside: r.opt_text("set_aside")?,
                values: r.i64("n_values")?,
            })
        })
        .collect()
}
