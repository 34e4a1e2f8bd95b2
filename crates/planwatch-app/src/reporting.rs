//! Quarterly reporting use cases (issue 4), shared by the command line and later the web app:
//! prepare the reporting setup of the current plan, generate a unit's template, submit a filled
//! workbook, list what is due, the office's review and period actions, the yearly breakdown,
//! historical values and the demo data. The rules are in `planwatch-quarterly`; the data in the
//! store; this layer reads files, names the actor and passes "now".

use crate::error::require;
pub use crate::error::workflow_actor;
use crate::policy::Permission;
use crate::{AppError, Caller};
use anyhow::{Context as _, bail};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use planwatch_model::{Plan, Quarter, ReportState, Role, UnitName};
use planwatch_quarterly::breakdown::Breakdown;
use planwatch_quarterly::catalogue::{Catalogue, CatalogueConfig, CatalogueNote};
use planwatch_quarterly::check::{CheckContext, Issue, Place, check_report};
use planwatch_quarterly::content::{Contribution, ReportContent};
use planwatch_quarterly::due::{Due, due_state};
use planwatch_quarterly::evidence::check_evidence;
use planwatch_quarterly::period::{PeriodState, ReportingPeriod, Timeliness, cst_from_utc};
use planwatch_quarterly::scope::{RowKey, ScopeInputs, UnitGroups};
use planwatch_quarterly::settings::ReportingSettings;
use planwatch_quarterly::workflow::{self, Action, ReportRecord, WorkflowEvent};
use planwatch_quarterly::xlsx::breakdown::{
    BreakdownContext, BreakdownImport, BreakdownTemplate, read_breakdown, write_breakdown,
};
use planwatch_quarterly::xlsx::quarterly::{
    QuarterlyTemplate, ReadContext, read_quarterly, write_quarterly,
};
use planwatch_quarterly::{read_meta, read_values};
use planwatch_store::{
    Actor, PeriodChange, ReportingSetup, SetupOutcome, Store, StoredReport, ValuesOutcome,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The settings file an office may put in the data folder; otherwise the shipped defaults.
pub const SETTINGS_FILE: &str = "reporting.toml";
/// The indicator catalogue file an office may put in the data folder.
pub const CATALOGUE_FILE: &str = "indicators.toml";

/// Everything the reporting rules need about the current plan, loaded from the store.
pub struct Context {
    pub plan: Plan,
    pub catalogue: Catalogue,
    pub breakdown: Breakdown,
    pub groups: UnitGroups,
    pub settings: ReportingSettings,
    pub periods: Vec<ReportingPeriod>,
    pub task_forces: BTreeMap<u32, String>,
    /// Every unit name on record (for the breakdown's responsible-unit list).
    pub units: Vec<UnitName>,
    /// Notes from building the catalogue the first time (empty afterwards).
    pub notes: Vec<CatalogueNote>,
    pub setup: SetupOutcome,
    /// [`Context::reporting_units`], per quarter, once asked.
    reporting_units: std::sync::Mutex<BTreeMap<Quarter, std::sync::Arc<Vec<UnitName>>>>,
}

impl Context {
    /// The units that report anything for `q` (the responsible units whose report has a row or
    /// an indicator), in name order. It depends only on the setup this context holds, so it is
    /// worked out once per quarter: the office's to-do list asks it for every open quarter
    /// whenever a report changes.
    pub fn reporting_units(&self, q: Quarter) -> std::sync::Arc<Vec<UnitName>> {
        let mut memo = self
            .reporting_units
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        memo.entry(q)
            .or_insert_with(|| {
                let inputs = self.inputs();
                std::sync::Arc::new(
                    inputs
                        .responsible_units(q)
                        .into_iter()
                        .filter(|u| inputs.reports_anything(u, q))
                        .collect(),
                )
            })
            .clone()
    }

    pub fn inputs(&self) -> ScopeInputs<'_> {
        ScopeInputs {
            plan: &self.plan,
            catalogue: &self.catalogue,
            breakdown: &self.breakdown,
            groups: &self.groups,
            settings: &self.settings,
        }
    }

    pub fn period(&self, q: Quarter) -> anyhow::Result<&ReportingPeriod> {
        self.periods
            .iter()
            .find(|p| p.quarter == q)
            .with_context(|| {
                format!(
                    "{} 不在计划期内（报送期为 {}—{}）",
                    q.label_zh(),
                    self.periods
                        .first()
                        .map_or(String::new(), |p| p.quarter.to_string()),
                    self.periods
                        .last()
                        .map_or(String::new(), |p| p.quarter.to_string())
                )
            })
    }

    /// What was set up by this call (the first time only), for the person at the keyboard.
    pub fn setup_summary(&self) -> Option<String> {
        if self.setup.is_empty() {
            return None;
        }
        let mut s = format!(
            "首次使用季度报送：已建立指标目录 {} 项、报送期 {} 个、年度任务分解 {} 项。",
            self.setup.indicators_added, self.setup.periods_added, self.setup.items_added
        );
        for n in &self.notes {
            s.push_str(&format!("\n  提示：{}：{}", n.indicator, n.message));
        }
        Some(s)
    }

    /// Checks that `unit` is a unit with something to report in `q`.
    pub fn check_unit(&self, unit: &UnitName, q: Quarter) -> anyhow::Result<()> {
        if !self.inputs().reports_anything(unit, q) {
            let known = self.inputs().responsible_units(q);
            bail!(
                "“{unit}”在{}没有需要报送的任务或指标；有报送任务的单位：{}",
                q.label_zh(),
                known.join("、")
            );
        }
        Ok(())
    }
}

/// The reporting settings: `reporting.toml` in the data folder, else the shipped defaults.
pub fn settings(data_dir: &Path) -> anyhow::Result<ReportingSettings> {
    let path = data_dir.join(SETTINGS_FILE);
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("无法读取报送设置 {}", path.display()))?;
        ReportingSettings::from_toml(&text).with_context(|| format!("报送设置 {}", path.display()))
    } else {
        Ok(ReportingSettings::default())
    }
}

fn catalogue_config(data_dir: &Path, plan: &Plan) -> anyhow::Result<CatalogueConfig> {
    let path = data_dir.join(CATALOGUE_FILE);
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("无法读取指标目录 {}", path.display()))?;
        let cfg = CatalogueConfig::from_toml(&text)
            .with_context(|| format!("指标目录 {}", path.display()))?;
        if !cfg.applies_to(plan) {
            bail!(
                "指标目录 {} 是为《{}》编写的，与当前计划《{}》不符",
                path.display(),
                cfg.plan_title.unwrap_or_default(),
                plan.title
            );
        }
        return Ok(cfg);
    }
    let shipped = CatalogueConfig::yangquan();
    Ok(if shipped.applies_to(plan) {
        shipped
    } else {
        CatalogueConfig::default()
    })
}

/// Loads the reporting context of the current plan, creating its catalogue, periods and seeded
/// breakdown the first time (audited as `actor`).
pub async fn prepare(
    store: &Store,
    data_dir: &Path,
    actor: &Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Context> {
    let plan = store.plan(None).await?;
    let settings = settings(data_dir)?;
    let mut catalogue = store.catalogue().await?;
    let mut periods = store.reporting_periods().await?;
    let mut breakdown = store.breakdown().await?;
    let mut notes = Vec::new();
    let mut setup = SetupOutcome::default();
    // The catalogue, periods and seeded breakdown are created the first time, and what a later
    // plan revision adds (a new indicator, a new year) is added; what is stored is never changed
    // here. A plan the catalogue file cannot describe is an error only while nothing is stored.
    let built =
        catalogue_config(data_dir, &plan).and_then(|cfg| Ok(Catalogue::build(&plan, &cfg)?));
    let built = match built {
        Ok(b) => Some(b),
        Err(e) if catalogue.indicators.is_empty() => return Err(e),
        Err(_) => None,
    };
    if let Some((mut built, mut n)) = built {
        // Always applied, so that the codes proposed now are the codes stored the first time.
        let shared = adopt_shared_codes(store, &mut built).await?;
        if catalogue.indicators.is_empty() && catalogue.set_aside.is_empty() {
            n.extend(shared);
        }
        let want_periods = ReportingPeriod::for_plan(plan.period, &settings);
        // A year is seeded once, into what is stored: the task forces' later edits (a renamed or
        // withdrawn item) are theirs, and seeding again would bring the original back.
        let mut want_items = breakdown.clone();
        for year in plan.period.start..=plan.period.end {
            if !breakdown.items.iter().any(|i| i.year == year) {
                want_items.seed_year(&plan, &built, year);
            }
        }
        // Set-aside figures are stored too; either way a stored code is never proposed again.
        let stored = |code: &str| {
            catalogue.by_code(code).is_some()
                || catalogue.set_aside.iter().any(|s| s.def.code == code)
        };
        let missing = built
            .indicators
            .iter()
            .chain(built.set_aside.iter().map(|s| &s.def))
            .any(|d| !stored(&d.code))
            || want_periods
                .iter()
                .any(|p| !periods.iter().any(|x| x.quarter == p.quarter))
            || want_items.items.len() > breakdown.items.len();
        if missing {
            notes = n;
            setup = store
                .ensure_reporting(
                    actor,
                    &ReportingSetup {
                        catalogue: built,
                        periods: want_periods,
                        breakdown: want_items,
                    },
                    now,
                )
                .await?;
            catalogue = store.catalogue().await?;
            periods = store.reporting_periods().await?;
            breakdown = store.breakdown().await?;
        }
    }
    let org = store.org_view().await?;
    let groups = UnitGroups(org.groups.into_iter().collect());
    let mut task_forces = BTreeMap::new();
    for tf in &org.task_forces {
        for (number, _) in &tf.tasks {
            task_forces.insert(u32::try_from(*number).unwrap_or(0), tf.body.name.clone());
        }
    }
    let units = store.units().await?.into_iter().map(|u| u.name).collect();
    Ok(Context {
        periods,
        breakdown,
        plan,
        catalogue,
        groups,
        settings,
        task_forces,
        units,
        notes,
        setup,
        reporting_units: Default::default(),
    })
}

/// A new plan's proposed catalogue takes the code of an indicator another plan of the deployment
/// already asks of the same unit under the same name and unit of measure: the unit reports it
/// once, for both plans (issue 17). The reporting unit must be the same: two cities' plans of a
/// province both name 高新技术企业数量, but each city's figure is its own, reported by its own
/// department, and taking the other plan's unit would ask one city for the other's figure.
/// Returns a note per indicator taken over.
async fn adopt_shared_codes(
    store: &Store,
    built: &mut Catalogue,
) -> anyhow::Result<Vec<planwatch_quarterly::CatalogueNote>> {
    let others = store.other_plans_indicators().await?;
    let mut notes = Vec::new();
    if others.is_empty() {
        return Ok(notes);
    }
    let taken: std::collections::BTreeSet<String> = built
        .indicators
        .iter()
        .chain(built.set_aside.iter().map(|s| &s.def))
        .map(|d| d.code.to_string())
        .collect();
    let mut used = std::collections::BTreeSet::new();
    for def in &mut built.indicators {
        let Some((code, _, _, reporter)) = others.iter().find(|(code, name, unit, reporter)| {
            name.trim() == def.name.trim()
                && unit.as_deref().map(str::trim) == def.unit.as_deref().map(str::trim)
                && *reporter == def.reporter
                && (code.as_str() == def.code.as_str() || !taken.contains(code))
                && !used.contains(code)
        }) else {
            continue;
        };
        used.insert(code.clone());
        if def.code.as_str() != code {
            def.code = code.clone().into();
            notes.push(planwatch_quarterly::CatalogueNote {
                indicator: def.name.clone(),
                message: format!(
                    "{reporter}在其他计划中报送同名指标，沿用其代码 {code}：该单位只报送一次"
                ),
            });
        }
    }
    Ok(notes)
}

/// The latest value on record before `q`, per indicator (the form, the workbook and the API
/// check a new value against it).
pub fn previous_values(
    history: &BTreeMap<String, Vec<(Quarter, f64)>>,
    q: Quarter,
) -> BTreeMap<String, (Quarter, f64)> {
    history
        .iter()
        .filter_map(|(code, vs)| {
            vs.iter()
                .filter(|(p, _)| *p < q)
                .max_by_key(|(p, _)| *p)
                .map(|x| (code.clone(), *x))
        })
        .collect()
}

/// What co-leads and participants reported this quarter about the tasks `scope.unit` leads:
/// only from reports their unit head has signed off (never a draft or a returned report).
pub fn contributions(
    ctx: &Context,
    scope: &planwatch_quarterly::ReportScope<'_>,
    reports: &[StoredReport],
) -> BTreeMap<u32, Vec<Contribution>> {
    let inputs = ctx.inputs();
    let others: Vec<&ReportContent> = reports
        .iter()
        .filter(|r| r.unit != scope.unit)
        .filter(|r| r.record.state.is_signed_off())
        .map(|r| &*r.content)
        .collect();
    scope
        .rows
        .iter()
        .filter_map(|row| match row.key {
            RowKey::Task { task } => {
                let c = planwatch_quarterly::content::contributions_for(task, &others, |u| {
                    inputs.role(row.task, u)
                });
                (!c.is_empty()).then_some((task, c))
            }
            _ => None,
        })
        .collect()
}

/// `planwatch template`: the unit's quarterly workbook, pre-filled with its saved draft if any.
pub async fn template(
    store: &Store,
    ctx: &Context,
    unit: &UnitName,
    q: Quarter,
) -> anyhow::Result<Vec<u8>> {
    ctx.check_unit(unit, q)?;
    let period = ctx.period(q)?;
    let scope = ctx.inputs().scope(unit, q);
    let previous = store.report(unit, q.prev()).await?;
    let current = store.report(unit, q).await?;
    let history = store.indicator_history().await?;
    let reports = store.reports(Some(q)).await?;
    let plan_code = store.current_plan().await?.code;
    let bytes = write_quarterly(&QuarterlyTemplate {
        scope: &scope,
        plan_title: &ctx.plan.title,
        plan_code: Some(&plan_code),
        deadline: period.deadline_for(unit),
        task_forces: &ctx.task_forces,
        previous: previous.as_ref().map(|r| &*r.content),
        previous_values: &previous_values(&history, q),
        contributions: &contributions(ctx, &ctx.inputs().scope(unit, q), &reports),
        prefill: current.as_ref().map(|r| &*r.content),
    })?;
    Ok(bytes)
}

/// What a submission did.
#[derive(Debug)]
pub enum SubmitOutcome {
    /// The same content was already submitted or accepted: nothing changed.
    Unchanged { state: ReportState },
    /// Saved and moved on in the workflow.
    Saved {
        record: ReportRecord,
        timeliness: Option<Timeliness>,
        evidence_missing: Vec<String>,
        evidence_stored: usize,
    },
}

/// `planwatch submit FILE [--as USER]`: reads a filled workbook and saves it for its unit. A
/// reporter's submission is saved as a draft for the unit head; a unit head's (or the operator's,
/// acting for the unit) is approved and submitted. Any problem: nothing is saved.
pub async fn submit(
    store: &Store,
    ctx: &Context,
    data_dir: &Path,
    file: &Path,
    bytes: &[u8],
    caller: Caller<'_>,
    now: DateTime<Utc>,
) -> Result<SubmitOutcome, AppError> {
    let meta = read_meta(bytes, &ctx.settings).map_err(AppError::Invalid)?;
    if let Some(code) = &meta.plan {
        let current = store.current_plan().await?;
        if current.code != *code {
            return Err(AppError::Refused(format!(
                "{} 是计划 {code} 的报送表，不属于当前计划 {}《{}》：请在计划 {code} 中提交（命令行加 --plan {code}，网页在该计划下上传）",
                file.display(),
                current.code,
                current.title
            )));
        }
    }
    if meta.form != "quarterly" {
        return Err(AppError::Refused(format!(
            "{} 是年度任务分解表，请用 planwatch breakdown import 导入",
            file.display()
        )));
    }
    let unit: UnitName = meta
        .unit
        .clone()
        .ok_or_else(|| AppError::refused("模板标识表中没有单位；请重新生成模板"))?
        .into();
    let q = Quarter::parse(&meta.period).map_err(AppError::refused)?;
    ctx.check_unit(&unit, q).map_err(refused)?;
    let period = ctx.period(q).map_err(refused)?;
    let (store_actor, actor) = caller.actors(store, Role::UnitHead, Some(&unit)).await?;
    let local = cst_from_utc(now);
    let timeliness = period
        .check_submission(&unit, local)
        .map_err(AppError::refused)?;
    let scope = ctx.inputs().scope(&unit, q);
    let mut history = store.indicator_history().await?;
    for v in history.values_mut() {
        v.retain(|(p, _)| *p != q);
    }
    let content = read_quarterly(
        bytes,
        &ReadContext {
            scope: &scope,
            history: &history,
            settings: &ctx.settings,
            require_complete: true,
        },
    )
    .map_err(AppError::Invalid)?;

    // Evidence files named in the workbook and lying beside it are checked and kept.
    let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut evidence_missing = Vec::new();
    let mut evidence = Vec::new();
    let names: BTreeSet<&String> = content.tasks.iter().flat_map(|t| &t.evidence).collect();
    for name in names {
        let path = dir.join(name);
        match std::fs::read(&path) {
            Ok(b) => evidence.push((
                check_evidence(name, &b, &ctx.settings).map_err(AppError::refused)?,
                b,
            )),
            Err(_) => evidence_missing.push(name.clone()),
        }
    }

    let current = store.report(&unit, q).await?;
    let same = current
        .as_ref()
        .is_some_and(|r| r.content_hash == content.content_hash());
    if let Some(r) = &current
        && same
        && matches!(
            r.record.state,
            ReportState::Submitted | ReportState::Accepted
        )
    {
        return Ok(SubmitOutcome::Unchanged {
            state: r.record.state,
        });
    }
    let mut steps: Vec<(ReportRecord, WorkflowEvent)> = Vec::new();
    let mut rec = current.as_ref().map(|r| r.record.clone());
    let start_version = rec.as_ref().map_or(0, |r| r.version);
    let mut apply = |rec: &mut Option<ReportRecord>, action: Action| -> Result<(), AppError> {
        let v = rec.as_ref().map_or(0, |r| r.version);
        let (next, ev) = workflow::apply(rec.as_ref(), &unit, &action, &actor, v, local)
            .map_err(workflow_refusal)?;
        *rec = Some(next.clone());
        steps.push((next, ev));
        Ok(())
    };
    let state = rec.as_ref().map(|r| r.state);
    let needs_edit = !(same && state.is_some_and(ReportState::is_with_unit));
    if needs_edit {
        apply(&mut rec, Action::Edit)?;
    }
    if actor.role == Role::UnitHead {
        if rec.as_ref().map(|r| r.state) != Some(ReportState::Approved) {
            apply(&mut rec, Action::Approve)?;
        }
        apply(&mut rec, Action::Submit)?;
    } else if actor.role == Role::Reporter {
        // A reporter's workbook goes to the unit head for approval; content the head approved
        // before goes on to the office.
        match rec.as_ref().map(|r| r.state) {
            Some(ReportState::Approved) => apply(&mut rec, Action::Submit)?,
            Some(ReportState::Draft | ReportState::Returned) => {
                apply(&mut rec, Action::RequestApproval)?
            }
            _ => {}
        }
    }
    if steps.is_empty() {
        return Ok(SubmitOutcome::Unchanged {
            state: state.unwrap_or(ReportState::Draft),
        });
    }
    let evidence_dir = data_dir.join("evidence");
    let mut stored = 0;
    for (f, b) in &evidence {
        let path = evidence_dir.join(&f.sha256);
        if !path.exists() {
            std::fs::create_dir_all(&evidence_dir)
                .with_context(|| format!("无法创建目录 {}", evidence_dir.display()))?;
            std::fs::write(&path, b).with_context(|| format!("无法写入 {}", path.display()))?;
        }
        if store.record_evidence(&store_actor, f, now).await? {
            stored += 1;
        }
    }
    let record = store_steps(
        store,
        ctx,
        &store_actor,
        &unit,
        q,
        start_version,
        needs_edit.then_some(&content),
        &steps,
        now,
    )
    .await?;
    let submitted = record.state == ReportState::Submitted;
    Ok(SubmitOutcome::Saved {
        record,
        timeliness: submitted.then_some(timeliness),
        evidence_missing,
        evidence_stored: stored,
    })
}

/// One line of `planwatch due`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DueLine {
    pub unit: UnitName,
    pub task_rows: usize,
    pub indicators: usize,
    pub deadline: NaiveDate,
    pub due: Due,
    pub state_label: String,
    pub submitted_at: Option<NaiveDateTime>,
    pub version: Option<u64>,
    pub demo: bool,
}

/// `planwatch due --period Q`: every unit with something to report, what and by when, and where
/// its report stands at `now`.
pub async fn due(
    store: &Store,
    ctx: &Context,
    q: Quarter,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<DueLine>> {
    let period = ctx.period(q)?;
    let reports: BTreeMap<UnitName, StoredReport> = store
        .reports(Some(q))
        .await?
        .into_iter()
        .map(|r| (r.unit.clone(), r))
        .collect();
    let local = cst_from_utc(now);
    let inputs = ctx.inputs();
    let mut out = Vec::new();
    for unit in inputs.responsible_units(q) {
        let scope = inputs.scope(&unit, q);
        if scope.is_empty() {
            continue;
        }
        let deadline = period.deadline_for(&unit);
        let r = reports.get(&unit);
        let due = due_state(r.map(|r| &r.record), deadline, local);
        let label = if due.late && due.state != planwatch_quarterly::DueState::Late {
            format!("{}（逾期报送）", due.state.label_zh())
        } else {
            due.state.label_zh().to_string()
        };
        out.push(DueLine {
            unit,
            task_rows: scope.rows.len(),
            indicators: scope.indicators.len(),
            deadline,
            due,
            state_label: label,
            submitted_at: r.and_then(|r| r.record.first_submitted_at),
            version: r.map(|r| r.record.version),
            demo: r.is_some_and(|r| r.content.demo),
        });
    }
    Ok(out)
}

/// The rule for approving and sending a report, the same whichever way it was filled in (form,
/// workbook, API) and wherever it is approved or sent from (a page, the command line): its content
/// passes the one validator with everything required filled in. The refusal names each problem
/// with its place (the first ten, then how many more).
pub fn ready_to_sign_off(
    ctx: &Context,
    history: &BTreeMap<String, Vec<(Quarter, f64)>>,
    unit: &UnitName,
    q: Quarter,
    content: &ReportContent,
) -> Result<(), String> {
    let scope = ctx.inputs().scope(unit, q);
    let checked = check_report(
        content,
        &CheckContext {
            scope: &scope,
            history,
            settings: &ctx.settings,
            require_complete: true,
        },
    );
    let Err(issues) = checked else {
        return Ok(());
    };
    // Rows not filled in at all are listed by name, the rest with their place.
    let (missing, other): (Vec<&Issue>, Vec<&Issue>) = issues.iter().partition(|i| {
        matches!(
            i.place,
            Place::Task { field: None, .. } | Place::Indicator { field: None, .. }
        )
    });
    let mut parts = Vec::new();
    if !missing.is_empty() {
        let names: Vec<String> = missing
            .iter()
            .map(|i| i.place.describe_zh(&scope))
            .collect();
        parts.push(format!("尚未填写：{}", names.join("、")));
    }
    const SHOWN: usize = 10;
    parts.extend(
        other
            .iter()
            .take(SHOWN)
            .map(|i| format!("{}：{}", i.place.describe_zh(&scope), i.message)),
    );
    if other.len() > SHOWN {
        parts.push(format!("……另有 {} 处", other.len() - SHOWN));
    }
    Err(format!(
        "“{}”{}的报告尚未填写完整，不能审核或报送（{} 处需要补充或修改）：{}",
        unit,
        q.label_zh(),
        issues.len(),
        parts.join("；")
    ))
}

/// An action on one report by the office or the unit's head — approve, send, accept, return,
/// reopen — from a page or the command line. Approving and sending follow
/// [`ready_to_sign_off`]. `expected_version` is the version the caller saw (a page); `None` acts
/// on the current one (the command line). A refusal or a stale version changes nothing.
#[allow(clippy::too_many_arguments)]
pub async fn review(
    store: &Store,
    ctx: &Context,
    caller: Caller<'_>,
    unit: &UnitName,
    q: Quarter,
    action: Action,
    expected_version: Option<u64>,
    now: DateTime<Utc>,
) -> Result<ReportRecord, AppError> {
    let current = store
        .report(unit, q)
        .await?
        .ok_or_else(|| AppError::Refused(format!("“{unit}”{}的报告尚未填报", q.label_zh())))?;
    let default_role = match action {
        Action::Approve | Action::Submit | Action::Edit => Role::UnitHead,
        _ => Role::Office,
    };
    let (store_actor, actor) = caller.actors(store, default_role, Some(unit)).await?;
    if matches!(action, Action::Approve | Action::Submit) {
        let history = store.indicator_history().await?;
        ready_to_sign_off(ctx, &history, unit, q, &current.content).map_err(AppError::Refused)?;
    }
    let v = expected_version.unwrap_or(current.record.version);
    let (next, ev) = workflow::apply(
        Some(&current.record),
        unit,
        &action,
        &actor,
        v,
        cst_from_utc(now),
    )
    .map_err(workflow_refusal)?;
    store_steps(
        store,
        ctx,
        &store_actor,
        unit,
        q,
        v,
        None,
        &[(next, ev)],
        now,
    )
    .await
}

/// The office locks, reopens or extends a period.
pub async fn change_period(
    store: &Store,
    q: Quarter,
    change: PeriodChange,
    caller: Caller<'_>,
    now: DateTime<Utc>,
) -> Result<ReportingPeriod, AppError> {
    let (store_actor, actor) = caller.actors(store, Role::Office, None).await?;
    require(actor.role, Permission::ReviewReports)?;
    Ok(store.change_period(&store_actor, q, &change, now).await?)
}

/// `planwatch breakdown template --year Y`.
pub fn breakdown_template(ctx: &Context, year: i32) -> anyhow::Result<Vec<u8>> {
    if year < ctx.plan.period.start || year > ctx.plan.period.end {
        bail!(
            "{year} 年不在计划期（{}—{} 年）内",
            ctx.plan.period.start,
            ctx.plan.period.end
        );
    }
    Ok(write_breakdown(&BreakdownTemplate {
        year,
        plan: &ctx.plan,
        breakdown: &ctx.breakdown,
        catalogue: &ctx.catalogue,
        task_forces: &ctx.task_forces,
        units: &ctx.units,
    })?)
}

/// `planwatch breakdown import FILE`: the office or a task force updates the breakdown.
pub async fn breakdown_import(
    store: &Store,
    ctx: &Context,
    bytes: &[u8],
    caller: Caller<'_>,
    now: DateTime<Utc>,
) -> Result<(BreakdownImport, i32), AppError> {
    let meta = read_meta(bytes, &ctx.settings).map_err(AppError::Invalid)?;
    if meta.form != "breakdown" {
        return Err(AppError::refused(
            "这是季度报送表，不是年度任务分解表；请用 planwatch submit 提交",
        ));
    }
    let year: i32 = meta
        .period
        .parse()
        .map_err(|_| AppError::refused("模板标识表中的年度无法识别"))?;
    let (store_actor, actor) = caller.actors(store, Role::Office, None).await?;
    require(actor.role, Permission::EditBreakdown)?;
    let units: BTreeSet<UnitName> = ctx.units.iter().cloned().collect();
    let changes = read_breakdown(
        bytes,
        &BreakdownContext {
            year,
            plan: &ctx.plan,
            breakdown: &ctx.breakdown,
            units: &units,
            settings: &ctx.settings,
        },
    )
    .map_err(AppError::Invalid)?;
    if !changes.is_empty() {
        store.apply_breakdown(&store_actor, &changes, now).await?;
    }
    Ok((changes, year))
}

/// `planwatch values import FILE`: historical values and baselines (the office).
pub async fn values_import(
    store: &Store,
    ctx: &Context,
    file: &Path,
    bytes: &[u8],
    caller: Caller<'_>,
    now: DateTime<Utc>,
) -> Result<ValuesOutcome, AppError> {
    let (store_actor, actor) = caller.actors(store, Role::Office, None).await?;
    require(actor.role, Permission::ImportValues)?;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let history = store.indicator_history().await?;
    let import = read_values(&name, bytes, &ctx.catalogue, &history, &ctx.settings)
        .map_err(AppError::Invalid)?;
    Ok(store
        .import_values(
            &store_actor,
            &import,
            false,
            &file.display().to_string(),
            now,
        )
        .await?)
}

/// What `planwatch demo` loaded.
pub struct DemoOutcome {
    pub reports: usize,
    pub baselines: usize,
    pub as_of: NaiveDateTime,
}

/// `planwatch demo`: synthetic reports for every unit and quarter up to `until`, each step
/// replayed through the workflow rules and audited. Refused when reports already exist.
pub async fn demo(
    store: &Store,
    ctx: &Context,
    until: Quarter,
    seed: u64,
    now: DateTime<Utc>,
) -> anyhow::Result<DemoOutcome> {
    ctx.period(until)?;
    if !store.reports(None).await?.is_empty() {
        bail!(
            "数据库中已有季度报告，示例数据只能载入没有报告的数据库；请用新的数据目录（--data-dir）运行 planwatch demo"
        );
    }
    let data = planwatch_quarterly::demo::generate(&ctx.inputs(), until, seed, cst_from_utc(now));
    let mut batch = Vec::new();
    for r in &data.reports {
        let mut rec: Option<ReportRecord> = None;
        let mut steps = Vec::new();
        for s in &r.steps {
            let v = rec.as_ref().map_or(0, |x| x.version);
            let (next, ev) =
                workflow::apply(rec.as_ref(), &r.content.unit, &s.action, &s.actor, v, s.at)?;
            rec = Some(next.clone());
            steps.push((next, ev));
        }
        batch.push((r.content.clone(), steps));
    }
    let actor = crate::cli_actor();
    let reports = store.save_reports(&actor, &batch, now).await?;
    let values = planwatch_quarterly::values::ValuesImport {
        values: Vec::new(),
        baselines: data.baselines.clone(),
    };
    let outcome = store
        .import_values(&actor, &values, true, &format!("示例数据 seed={seed}"), now)
        .await?;
    Ok(DemoOutcome {
        reports,
        baselines: outcome.baselines_set,
        as_of: data.as_of,
    })
}

/// Saves successive drafts of one report (`contents`, each the whole report after one more
/// round of edits) as successive versions in one transaction — what `save` with
/// `Intent::Draft` does for one, with one commit for all. A content equal to the one before it
/// makes no version; its record is the one before. Returns one record per content.
#[allow(clippy::too_many_arguments)]
pub async fn save_drafts(
    store: &Store,
    ctx: &Context,
    caller: Caller<'_>,
    unit: &UnitName,
    q: Quarter,
    current: Option<&StoredReport>,
    contents: &[ReportContent],
    now: DateTime<Utc>,
) -> Result<Vec<ReportRecord>, AppError> {
    let local = cst_from_utc(now);
    let period = ctx.period(q)?;
    if let Err(e) = period.check_submission(unit, local) {
        return Err(AppError::refused(e));
    }
    let (store_actor, actor) = caller.actors(store, Role::Reporter, Some(unit)).await?;
    let expected = current.map_or(0, |r| r.record.version);
    let mut rec: Option<ReportRecord> = current.map(|r| r.record.clone());
    let mut hash = current.map(|r| r.content_hash.clone());
    let mut rounds = Vec::new();
    // For each content, the index of its round (None: unchanged, the record before stands).
    let mut round_of = Vec::with_capacity(contents.len());
    for c in contents {
        let h = c.content_hash();
        let same = hash.as_deref() == Some(h.as_str())
            && rec.as_ref().is_some_and(|r| r.state.is_with_unit());
        if same {
            round_of.push(rounds.len().checked_sub(1));
            continue;
        }
        let v = rec.as_ref().map_or(0, |r| r.version);
        match workflow::apply(rec.as_ref(), unit, &Action::Edit, &actor, v, local) {
            Ok((next, ev)) => {
                rec = Some(next.clone());
                hash = Some(h);
                rounds.push((c.clone(), vec![(next, ev)]));
                round_of.push(Some(rounds.len() - 1));
            }
            Err(e) => return Err(workflow_refusal(e)),
        }
    }
    let saved = if rounds.is_empty() {
        Vec::new()
    } else {
        match store
            .save_report_rounds(&store_actor, unit, q, expected, &rounds, now)
            .await
        {
            Ok(r) => r,
            // Someone saved the same report between our read and our write.
            Err(planwatch_store::StoreError::Workflow(e)) => {
                return Err(AppError::Stale(e.to_string()));
            }
            Err(e) => return Err(e.into()),
        }
    };
    let before = current.map(|r| r.record.clone());
    let records = round_of
        .into_iter()
        .map(|r| match r {
            Some(i) => Some(saved[i].clone()),
            None => before.clone(),
        })
        .collect::<Option<Vec<_>>>();
    records.ok_or_else(|| AppError::refused("没有可保存的内容"))
}

/// What a person asks for when they post the report form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// 保存草稿: saved even if incomplete.
    Draft,
    /// 提请单位负责人审核: saved only if complete.
    Ready,
    /// 审核通过并报送 (unit head): complete, approved and submitted in one step.
    ApproveSubmit,
    /// 报送 (after the head approved): the approved content goes to the office.
    Submit,
}

impl Intent {
    pub fn parse(s: &str) -> Option<Intent> {
        match s {
            "draft" => Some(Intent::Draft),
            "ready" => Some(Intent::Ready),
            "approve_submit" => Some(Intent::ApproveSubmit),
            "submit" => Some(Intent::Submit),
            _ => None,
        }
    }

    /// Whether the report must be complete (everything but a draft).
    pub fn strict(self) -> bool {
        self != Intent::Draft
    }
}

/// The report form's save (web): saves `content` (when given) and moves the report on as `intent` asks, as one atomic step in
/// the store based on `expected_version`. Returns the new record.
#[allow(clippy::too_many_arguments)]
pub async fn save(
    store: &Store,
    ctx: &Context,
    caller: Caller<'_>,
    unit: &UnitName,
    q: Quarter,
    content: Option<&ReportContent>,
    intent: Intent,
    expected_version: u64,
    now: DateTime<Utc>,
) -> Result<ReportRecord, AppError> {
    let local = cst_from_utc(now);
    let period = ctx.period(q)?;
    if let Err(e) = period.check_submission(unit, local) {
        return Err(AppError::refused(e));
    }
    let current = store.report_current(unit, q).await?;
    let (store_actor, actor) = caller.actors(store, Role::Reporter, Some(unit)).await?;
    let mut rec: Option<ReportRecord> = current.as_ref().map(|r| r.record.clone());
    let stored_version = rec.as_ref().map_or(0, |r| r.version);
    if stored_version != expected_version {
        return Err(AppError::Stale(
            workflow::WorkflowError::VersionConflict {
                expected: expected_version,
                actual: stored_version,
            }
            .to_string(),
        ));
    }
    let same = match (content, &current) {
        (Some(c), Some(r)) => r.content_hash == c.content_hash(),
        (None, _) => true,
        (Some(_), None) => false,
    };
    let mut steps: Vec<(ReportRecord, WorkflowEvent)> = Vec::new();
    let mut apply = |rec: &mut Option<ReportRecord>, action: Action| {
        let v = rec.as_ref().map_or(0, |r| r.version);
        workflow::apply(rec.as_ref(), unit, &action, &actor, v, local).map(|(next, ev)| {
            *rec = Some(next.clone());
            steps.push((next, ev));
        })
    };
    if matches!(intent, Intent::ApproveSubmit | Intent::Submit) {
        let signed = content.or(current.as_ref().map(|r| &*r.content));
        if let Some(c) = signed {
            // A report's values are checked against their own indicators' series.
            let codes: Vec<&str> = c.indicators.iter().map(|r| r.code.as_str()).collect();
            let history = store.indicator_history_of(&codes).await?;
            if let Err(m) = ready_to_sign_off(ctx, &history, unit, q, c) {
                return Err(AppError::Refused(m));
            }
        }
    }
    let mut result = Ok(());
    let state = rec.as_ref().map(|r| r.state);
    let needs_edit = content.is_some() && !(same && state.is_some_and(ReportState::is_with_unit));
    if needs_edit {
        result = apply(&mut rec, Action::Edit);
    }
    if result.is_ok() {
        match intent {
            Intent::Draft => {}
            Intent::Ready => {
                if rec.as_ref().map(|r| r.state) != Some(ReportState::AwaitingApproval) {
                    result = apply(&mut rec, Action::RequestApproval);
                }
            }
            Intent::ApproveSubmit => {
                if rec.as_ref().map(|r| r.state) != Some(ReportState::Approved) {
                    result = apply(&mut rec, Action::Approve);
                }
                if result.is_ok() {
                    result = apply(&mut rec, Action::Submit);
                }
            }
            Intent::Submit => result = apply(&mut rec, Action::Submit),
        }
    }
    if let Err(e) = result {
        return Err(AppError::refused(e));
    }
    if steps.is_empty() {
        // Nothing changed (the same draft saved again): the record stands as it was.
        return match rec {
            Some(r) => Ok(r),
            None => Err(AppError::refused("没有可保存的内容")),
        };
    }
    // Someone saved the same report between our read and our write: stale.
    store_steps(
        store,
        ctx,
        &store_actor,
        unit,
        q,
        stored_version,
        content.filter(|_| needs_edit),
        &steps,
        now,
    )
    .await
}

/// Stores workflow steps and then tells the people concerned (`notify::on_transition`,
/// decision 0061): the one place the app layer stores `workflow::apply` results of a person's
/// action, so the form, the workbook, the API and the command line all notify.
#[allow(clippy::too_many_arguments)]
async fn store_steps(
    store: &Store,
    ctx: &Context,
    actor: &Actor,
    unit: &UnitName,
    q: Quarter,
    base_version: u64,
    content: Option<&ReportContent>,
    steps: &[(ReportRecord, WorkflowEvent)],
    now: DateTime<Utc>,
) -> Result<ReportRecord, AppError> {
    let record = store
        .save_report(actor, unit, q, base_version, content, steps, now)
        .await?;
    let events: Vec<WorkflowEvent> = steps.iter().map(|(_, ev)| ev.clone()).collect();
    crate::notify::on_transition(store, ctx, actor, unit, q, &events, now).await;
    Ok(record)
}

/// A rule of the form's context, in the words of the error (the period, the unit's scope).
fn refused(e: anyhow::Error) -> AppError {
    AppError::Refused(format!("{e:#}"))
}

/// The workflow's refusal: a version that moved on is stale, anything else breaks a rule.
fn workflow_refusal(e: workflow::WorkflowError) -> AppError {
    match e {
        workflow::WorkflowError::VersionConflict { .. } => AppError::Stale(e.to_string()),
        other => AppError::Refused(other.to_string()),
    }
}

/// The longest reason a unit may give for asking more time.
pub const MAX_EXTENSION_REASON_CHARS: usize = 500;

/// 申请延期: the unit's reporter or head asks the office to report quarter `q` by `until`. The
/// day must be after the unit's current deadline, the report not yet sent, the period not locked.
#[allow(clippy::too_many_arguments)]
pub async fn ask_extension(
    store: &Store,
    ctx: &Context,
    caller: Caller<'_>,
    unit: &UnitName,
    q: Quarter,
    until: NaiveDate,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let (store_actor, actor) = caller.actors(store, Role::Reporter, Some(unit)).await?;
    if !matches!(actor.role, Role::Reporter | Role::UnitHead) || actor.unit.as_ref() != Some(unit) {
        return Err(AppError::Refused(format!(
            "只有{unit}的填报员或单位负责人可以为本单位申请延期"
        )));
    }
    let period = ctx.period(q)?;
    let local = cst_from_utc(now);
    if period.state_at(local) == PeriodState::Locked {
        return Err(AppError::Refused(format!(
            "{}已锁定，不能申请延期",
            q.label_zh()
        )));
    }
    let deadline = period.deadline_for(unit);
    if until <= deadline {
        return Err(AppError::Refused(format!(
            "申请延期至的日期须晚于本单位现在的截止日期（{deadline}）"
        )));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::Refused("请填写申请延期的理由".to_string()));
    }
    if reason.chars().count() > MAX_EXTENSION_REASON_CHARS {
        return Err(AppError::Refused(format!(
            "申请延期的理由不能超过 {MAX_EXTENSION_REASON_CHARS} 字"
        )));
    }
    if let Some(r) = store.report_current(unit, q).await?
        && matches!(
            r.record.state,
            ReportState::Submitted | ReportState::Accepted
        )
    {
        return Err(AppError::Refused(format!(
            "{}报告已报送，无需申请延期",
            q.label_zh()
        )));
    }
    Ok(store
        .ask_extension(&store_actor, unit, q, until, reason, now)
        .await?)
}

/// The office grants or refuses extension request `id`; granting moves the unit's deadline.
pub async fn decide_extension(
    store: &Store,
    caller: Caller<'_>,
    id: i64,
    grant: bool,
    note: &str,
    now: DateTime<Utc>,
) -> Result<planwatch_store::ExtensionRequest, AppError> {
    let (store_actor, actor) = caller.actors(store, Role::Office, None).await?;
    require(actor.role, Permission::ReviewReports)?;
    Ok(store
        .decide_extension(&store_actor, id, grant, note, now)
        .await?)
}
