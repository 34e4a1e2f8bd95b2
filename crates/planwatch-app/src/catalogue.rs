//! The office's corrections of the indicator catalogue (issue 14): the catalogue proposed from
//! the plan is edited on the 指标目录 page or in bulk as TOML (`planwatch catalogue export` /
//! `import`). The store checks and audits every change in one transaction.

use crate::error::require;
use crate::policy::Permission;
use crate::{AppError, Caller};
use planwatch_model::Role;
use planwatch_quarterly::catalogue::{CatalogueConfig, IndicatorConfig};
use planwatch_store::{IndicatorEdit, Store};

/// Applies the edits (one indicator from the page, many from a file); returns the codes changed.
pub async fn edit(
    store: &Store,
    caller: Caller<'_>,
    edits: &[IndicatorEdit],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<String>, AppError> {
    let (actor, who) = caller.actors(store, Role::Office, None).await?;
    require(who.role, Permission::ManageSetup)?;
    Ok(store.edit_indicators(&actor, edits, now).await?)
}

/// The stored catalogue as a catalogue file: every indicator, set-aside ones with their reason.
pub async fn export_toml(store: &Store) -> anyhow::Result<String> {
    let plan = store.plan(None).await?;
    let entries = store.catalogue_entries().await?;
    let config = CatalogueConfig {
        plan_title: Some(plan.title.clone()),
        defaults: Default::default(),
        indicator: entries
            .iter()
            .map(|e| IndicatorConfig {
                code: e.def.code.clone(),
                name: e.def.name.clone(),
                aliases: e
                    .def
                    .plan_names
                    .iter()
                    .filter(|n| **n != e.def.name)
                    .cloned()
                    .collect(),
                tasks: e.def.tasks.clone(),
                goal: e.def.headline,
                kind: Some(e.def.kind),
                direction: Some(e.def.direction),
                reporter: Some(e.def.reporter.clone()),
                unit: e.def.unit.clone(),
                set_aside: e.set_aside.clone(),
                ..IndicatorConfig::default()
            })
            .collect(),
    };
    Ok(format!(
        "# 《{}》的指标目录，由 planwatch catalogue export 导出。\n# 可修改 name、unit、kind、direction、reporter，写上 set_aside = \"理由\" 表示不报送；\n# 用 planwatch catalogue import 导入（按 code 对应，全部检查通过才保存）。\n{}",
        plan.title,
        toml::to_string(&config)?
    ))
}

/// Reads a catalogue file and turns each entry into an edit of the stored indicator with its
/// code. An entry whose code is not stored, or that lacks what an edit needs, is an error that
/// names it; nothing is changed then.
pub async fn edits_from_toml(store: &Store, text: &str) -> Result<Vec<IndicatorEdit>, AppError> {
    let config = CatalogueConfig::from_toml(text).map_err(AppError::refused)?;
    let entries = store.catalogue_entries().await?;
    let mut problems = Vec::new();
    let mut edits = Vec::new();
    for c in &config.indicator {
        let Some(e) = entries.iter().find(|e| e.def.code == c.code) else {
            problems.push(format!(
                "编码“{}”（{}）不在本计划的指标目录中：导入只修改已有指标",
                c.code, c.name
            ));
            continue;
        };
        edits.push(IndicatorEdit {
            code: c.code.to_string(),
            name: c.name.clone(),
            unit: c.unit.clone(),
            kind: c.kind.unwrap_or(e.def.kind),
            direction: c.direction.unwrap_or(e.def.direction),
            reporter: c.reporter.clone().unwrap_or_else(|| e.def.reporter.clone()),
            set_aside: c.set_aside.clone(),
        });
    }
    if problems.is_empty() {
        Ok(edits)
    } else {
        Err(AppError::Refused(format!(
            "指标目录文件未导入：\n{}",
            problems.join("\n")
        )))
    }
}
