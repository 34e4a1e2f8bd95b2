//! Quarterly reporting as the web app does it: a unit's report as a form (its rows in the order
//! of the unit's scope), what a person typed turned back into report content, validation, and
//! saving through the workflow. The rules are the reporting crate's and the data is the store's;
//! nothing here decides what is allowed.
//!
//! Validation is `planwatch_quarterly::check`, the one validator the Excel upload, `planwatch
//! submit` and the API use: the same rules and messages, each at its [`Place`], shown next to
//! its field.

use super::error::{WebError, WebResult};
use chrono::{DateTime, NaiveDate, Utc};
use planwatch_app::reporting::{self as rep, Context};
use planwatch_model::{Quarter, Role, TaskStatus};
use planwatch_quarterly::ImportError;
use planwatch_quarterly::check::{
    CheckContext, IndicatorField, Issue, Place, TaskField, besides, check_report,
};
use planwatch_quarterly::content::{IndicatorRow, ReportContent, TaskRow};
use planwatch_quarterly::scope::{ReportScope, TaskRole};
use planwatch_store::Actor;
use std::collections::{BTreeMap, HashMap};

/// What the reporting context was loaded from: the store's reporting-setup version and the
/// modification times of the office's settings files in the data folder.
pub type ContextKey = (
    i64,
    Option<std::time::SystemTime>,
    Option<std::time::SystemTime>,
);

fn modified(path: std::path::PathBuf) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The reporting context of the current plan (creating its setup the first time, audited under
/// the signed-in user), kept per server while neither the setup in the store nor the settings
/// files change.
pub async fn context(
    state: &super::AppState,
    username: &str,
    now: DateTime<Utc>,
) -> WebResult<std::sync::Arc<Context>> {
    let data_dir = &state.config().data_dir;
    let key: ContextKey = (
        state.store().reporting_setup_version().await?,
        modified(data_dir.join(rep::SETTINGS_FILE)),
        modified(data_dir.join(rep::CATALOGUE_FILE)),
    );
    if let Some(c) = state.cached_context(&key) {
        return Ok(c);
    }
    let ctx = std::sync::Arc::new(
        rep::prepare(state.store(), data_dir, &Actor::user(username), now)
            .await
            .map_err(WebError::Internal)?,
    );
    // Preparing may have created the setup (and moved the version): key it by what is now there.
    let key: ContextKey = (state.store().reporting_setup_version().await?, key.1, key.2);
    state.cache_context(key, ctx.clone());
    Ok(ctx)
}

pub use planwatch_app::reporting::{contributions, previous_values};

/// Problems with what was typed, by place, each in the reader's words.
#[derive(Debug, Default)]
pub struct Problems {
    pub by_place: BTreeMap<Place, Vec<String>>,
}

impl Problems {
    pub fn is_empty(&self) -> bool {
        self.by_place.is_empty()
    }

    pub fn add(&mut self, place: Place, message: impl Into<String>) {
        self.by_place.entry(place).or_default().push(message.into());
    }

    pub fn at(&self, place: &Place) -> String {
        self.by_place
            .get(place)
            .map(|v| v.join("；"))
            .unwrap_or_default()
    }

    pub fn count(&self) -> usize {
        self.by_place.values().map(Vec::len).sum()
    }

    /// The validator's problems, each at its place, except at places already here (a field
    /// that could not be read needs no second message that it is empty).
    fn add_besides(&mut self, issues: Vec<Issue>) {
        let already: Vec<Place> = self.by_place.keys().cloned().collect();
        for i in besides(issues, &already) {
            self.add(i.place, i.message);
        }
    }
}

/// The form as posted: field name → value.
pub struct Posted(HashMap<String, String>);

impl Posted {
    pub fn new(pairs: Vec<(String, String)>) -> Posted {
        Posted(pairs.into_iter().collect())
    }

    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", |s| s.trim())
    }

    /// The raw value, keeping inner line breaks (text areas).
    fn text(&self, name: &str) -> String {
        self.0
            .get(name)
            .map(|s| s.replace("\r\n", "\n").trim().to_string())
            .unwrap_or_default()
    }
}

/// Turns the posted form into report content for `scope`. Numbers and dates that cannot be read
/// are problems at their field (the rest is still checked by the reader).
pub fn content_from_form(
    scope: &ReportScope<'_>,
    stored: Option<&ReportContent>,
    form: &Posted,
    problems: &mut Problems,
) -> WebResult<ReportContent> {
    let mut c = ReportContent::new(&scope.unit, scope.period);
    c.filled_by = form.text("filled_by");
    c.phone = form.text("phone");
    c.demo = false;
    for (i, row) in scope.rows.iter().enumerate() {
        if form.get(&format!("t{i}_key")) != row.key.encode() {
            return Err(WebError::BadRequest(
                "表单已过期（本单位应报送的内容已调整），请重新打开报告后再填写".to_string(),
            ));
        }
        let f = |name: &str| form.text(&format!("t{i}_{name}"));
        let mut t = TaskRow {
            key: Some(row.key.clone()),
            contact: f("contact"),
            progress: f("progress"),
            cumulative: f("cumulative"),
            problems: f("problems"),
            next_steps: f("next"),
            note: f("note"),
            // Evidence is named in the Excel form and kept as it was stored.
            evidence: stored
                .and_then(|s| s.task(&row.key))
                .map(|r| r.evidence.clone())
                .unwrap_or_default(),
            ..TaskRow::default()
        };
        if row.role.owns_status() {
            let status = f("status");
            t.status = TaskStatus::REPORTED
                .into_iter()
                .find(|s| s.label_zh() == status);
            let share = f("share");
            if !share.is_empty() {
                match share.trim_end_matches('%').parse::<f64>() {
                    Ok(v) => t.share_complete = Some(v),
                    Err(_) => problems.add(
                        Place::Task {
                            index: i,
                            field: Some(TaskField::Share),
                        },
                        format!("完成比例应为 0 到 100 之间的数字，填写的是“{share}”"),
                    ),
                }
            }
        }
        if row.item.is_some() {
            let reached = f("reached");
            if !reached.is_empty() {
                match NaiveDate::parse_from_str(&reached, "%Y-%m-%d") {
                    Ok(d) => t.reached_on = Some(d),
                    Err(_) => problems.add(
                        Place::Task {
                            index: i,
                            field: Some(TaskField::Reached),
                        },
                        format!("节点完成日期应为日期，例如 2023-08-15，填写的是“{reached}”"),
                    ),
                }
            }
        }
        c.tasks.push(t);
    }
    for (i, def) in scope.indicators.iter().enumerate() {
        if form.get(&format!("v{i}_code")) != def.code {
            return Err(WebError::BadRequest(
                "表单已过期（本单位应报送的指标已调整），请重新打开报告后再填写".to_string(),
            ));
        }
        let f = |name: &str| form.text(&format!("v{i}_{name}"));
        let text = f("value").replace([',', '，'], "");
        let value = if text.is_empty() {
            None
        } else {
            match text.trim_end_matches('%').parse::<f64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    problems.add(
                        Place::Indicator {
                            index: i,
                            field: Some(IndicatorField::Value),
                        },
                        format!("“{}”应填写数字，填写的是“{text}”", def.name),
                    );
                    None
                }
            }
        };
        c.indicators.push(IndicatorRow {
            code: def.code.clone(),
            value,
            source: f("source"),
            note: f("note"),
        });
    }
    Ok(c)
}

/// Checks typed content with the one validator the Excel reader and the API use (the same
/// rules and messages; no workbook is written): the content as it is kept, or the problems by
/// place. `already` holds what could not be read from the input; the validator's messages at
/// those places are left out. `strict` requires a complete report (as for submission).
pub fn validate(
    ctx: &Context,
    scope: &ReportScope<'_>,
    content: &ReportContent,
    history: &BTreeMap<String, Vec<(Quarter, f64)>>,
    strict: bool,
    already: Problems,
) -> Result<ReportContent, Problems> {
    let checked = check_report(
        content,
        &CheckContext {
            scope,
            history,
            settings: &ctx.settings,
            require_complete: strict,
        },
    );
    match checked {
        Ok(mut c) if already.is_empty() => {
            c.demo = false;
            Ok(c)
        }
        Ok(_) => Err(already),
        Err(issues) => {
            let mut p = already;
            p.add_besides(issues);
            Err(p)
        }
    }
}

pub use planwatch_app::reporting::{Intent, save};

/// Whether `user` may see reports of `unit`: unit-bound roles only their own unit's.
pub fn may_read_unit(user: &planwatch_store::User, unit: &str) -> bool {
    if user.role.is_unit_bound() {
        user.unit.as_deref() == Some(unit)
    } else {
        true
    }
}

/// Whether `user` may fill in reports of `unit` (the workflow decides the rest).
pub fn may_edit_unit(user: &planwatch_store::User, unit: &str) -> bool {
    matches!(user.role, Role::Reporter | Role::UnitHead) && user.unit.as_deref() == Some(unit)
}

/// The reader's problems with an uploaded workbook, one line each with sheet, row and column.
pub fn upload_problems(e: &ImportError) -> Vec<String> {
    if e.issues().is_empty() {
        vec![e.to_string()]
    } else {
        e.issues().iter().map(ToString::to_string).collect()
    }
}

/// The task role label of a scope row (牵头 / 共同牵头 / 参加).
pub fn role_label(role: TaskRole) -> &'static str {
    role.label_zh()
}
