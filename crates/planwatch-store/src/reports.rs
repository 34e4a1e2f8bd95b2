//! Quarterly reporting in the store (issue 4): the indicator catalogue of the current plan,
//! reporting periods with the office's actions on them, the yearly breakdown, units' reports with
//! their workflow state, version and content, the official indicator series (accepted reports
//! and imported history) and evidence files. The rules themselves live in `planwatch-quarterly`;
//! this module only keeps what they produce. Every mutation writes its audit row in the same
//! transaction, and a report change names the version it was based on: a stale version changes
//! nothing and is reported as a conflict.

use crate::Store;
use crate::audit::{self, Actor, Change};
use crate::db::{Row, Tx, args};
use crate::error::{Result, StoreError};
use crate::units::{ensure_unit, find_unit};
use chrono::{DateTime, NaiveDate, Utc};
use planwatch_model::{Baseline, IndicatorDef, Quarter, ReportState, Role, TaskStatus, UnitName};
use planwatch_quarterly::breakdown::{Breakdown, BreakdownItem};
use planwatch_quarterly::content::{IndicatorRow, ReportContent, TaskRow};
use planwatch_quarterly::evidence::EvidenceFile;
use planwatch_quarterly::period::{
    Extension, PeriodEvent, ReportingPeriod, cst_from_utc, cst_to_utc,
};
use planwatch_quarterly::scope::RowKey;
use planwatch_quarterly::values::ValuesImport;
use planwatch_quarterly::workflow::{ActionKind, ReportRecord, WorkflowError, WorkflowEvent};
use planwatch_quarterly::xlsx::breakdown::BreakdownImport;
use planwatch_quarterly::{Catalogue, SetAside};
use serde_json::json;
use std::collections::BTreeMap;

/// What the reporting setup of a plan consists of (built by `planwatch-quarterly`).
#[derive(Debug, Clone)]
pub struct ReportingSetup {
    pub catalogue: Catalogue,
    pub periods: Vec<ReportingPeriod>,
    pub breakdown: Breakdown,
}

/// What `ensure_reporting` added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetupOutcome {
    pub indicators_added: usize,
    pub periods_added: usize,
    pub items_added: usize,
}

impl SetupOutcome {
    pub fn is_empty(&self) -> bool {
        self.indicators_added == 0 && self.periods_added == 0 && self.items_added == 0
    }
}

/// A change to a reporting period by the office.
#[derive(Debug, Clone, PartialEq)]
pub enum PeriodChange {
    Lock,
    Reopen {
        reason: String,
        until: Option<NaiveDate>,
    },
    Extend {
        unit: UnitName,
        until: NaiveDate,
        reason: String,
    },
}

/// A report as stored: its workflow record, content and history.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReport {
    pub id: i64,
    pub unit: UnitName,
    pub period: Quarter,
    pub record: ReportRecord,
    /// Shared: the web keeps a plan's reports and the assessment's facts of them side by side,
    /// one content for both.
    pub content: std::sync::Arc<ReportContent>,
    pub content_hash: String,
    pub events: Vec<WorkflowEvent>,
}

/// What a values import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValuesOutcome {
    pub values_added: usize,
    pub values_changed: usize,
    pub baselines_set: usize,
    pub unchanged: usize,
}

pub(crate) fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn parse_day(s: &str, what: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| StoreError::InvalidInput(format!("数据库中的{what}“{s}”不是日期")))
}

fn parse_quarter(s: &str) -> Result<Quarter> {
    Quarter::parse(s).map_err(|e| StoreError::InvalidInput(e.to_string()))
}

fn flag(b: bool) -> i64 {
    i64::from(b)
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).expect("reporting types always serialise")
}

pub(crate) fn enum_text<T: serde::Serialize>(v: &T) -> String {
    match to_json(v) {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

fn enum_from<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| StoreError::InvalidInput(format!("数据库中的{what}“{s}”无法识别")))
}

pub(crate) async fn unit_id(tx: &mut Tx, name: &str) -> Result<i64> {
    Ok(find_unit(tx, name)
        .await?
        .ok_or_else(|| StoreError::UnknownUnit(name.to_string()))?
        .id)
}

async fn task_ids(tx: &mut Tx, plan: i64) -> Result<BTreeMap<u32, i64>> {
    tx.fetch_all(
        "SELECT id, number FROM tasks WHERE plan_id = $1",
        args![plan],
    )
    .await?
    .iter()
    .map(|r| {
        Ok((
            u32::try_from(r.i64("number")?).unwrap_or(u32::MAX),
            r.i64("id")?,
        ))
    })
    .collect()
}

pub(crate) async fn indicator_ids(tx: &mut Tx, plan: i64) -> Result<BTreeMap<String, i64>> {
    tx.fetch_all(
        "SELECT id, code FROM indicators WHERE plan_id = $1",
        args![plan],
    )
    .await?
    .iter()
    .map(|r| Ok((r.text("code")?, r.i64("id")?)))
    .collect()
}

pub(crate) async fn period_id(tx: &mut Tx, plan: i64, q: Quarter) -> Result<i64> {
    tx.fetch_optional(
        "SELECT id FROM reporting_periods WHERE plan_id = $1 AND quarter = $2",
        args![plan, q.to_string()],
    )
    .await?
    .ok_or_else(|| {
        StoreError::InvalidInput(format!(
            "{} 不是本计划的报送期（计划期内的季度才有报送期）",
            q.label_zh()
        ))
    })?
    .i64("id")
}

pub(crate) async fn load_periods(tx: &mut Tx, plan: i64) -> Result<Vec<ReportingPeriod>> {
    let mut periods = Vec::new();
    let rows = tx
        .fetch_all(
            "SELECT id, quarter, deadline FROM reporting_periods WHERE plan_id = $1 ORDER BY quarter",
            args![plan],
        )
        .await?;
    for r in &rows {
        let id = r.i64("id")?;
        let mut p = ReportingPeriod {
            quarter: parse_quarter(&r.text("quarter")?)?,
            deadline: parse_day(&r.text("deadline")?, "报送期限")?,
            events: Vec::new(),
            extensions: Vec::new(),
        };
        for e in tx
            .fetch_all(
                "SELECT action, at, actor, reason, until_day FROM period_events \
                 WHERE period_id = $1 ORDER BY id",
                args![id],
            )
            .await?
        {
            let at = cst_from_utc(e.time("at")?);
            let by = e.text("actor")?;
            p.events.push(match e.text("action")?.as_str() {
                "lock" => PeriodEvent::Lock { at, by },
                _ => PeriodEvent::Reopen {
                    at,
                    by,
                    reason: e.opt_text("reason")?.unwrap_or_default(),
                    until: e
                        .opt_text("until_day")?
                        .map(|d| parse_day(&d, "重新开放截止日"))
                        .transpose()?,
                },
            });
        }
        for e in tx
            .fetch_all(
                "SELECT u.name, x.until_day, x.reason, x.at, x.actor FROM period_extensions x \
                 JOIN units u ON u.id = x.unit_id WHERE x.period_id = $1 ORDER BY x.id",
                args![id],
            )
            .await?
        {
            p.extensions.push(Extension {
                unit: e.text("name")?.into(),
                until: parse_day(&e.text("until_day")?, "延期截止日")?,
                reason: e.text("reason")?,
                by: e.text("actor")?,
                at: cst_from_utc(e.time("at")?),
            });
        }
        periods.push(p);
    }
    Ok(periods)
}

pub(crate) fn indicator_def(r: &Row) -> Result<IndicatorDef> {
    let json = r.text("def_json")?;
    serde_json::from_str(&json)
        .map_err(|e| StoreError::InvalidInput(format!("数据库中的指标定义无法读取：{e}")))
}

async fn load_catalogue(tx: &mut Tx, plan: i64) -> Result<Catalogue> {
    let rows = tx
        .fetch_all(
            "SELECT i.id, i.def_json, i.set_aside, u.name AS reporter, b.year, b.value, b.source \
             FROM indicators i JOIN units u ON u.id = i.reporter_id \
             LEFT JOIN indicator_baselines b ON b.indicator_id = i.id \
             WHERE i.plan_id = $1 ORDER BY i.position",
            args![plan],
        )
        .await?;
    let mut indicators = Vec::new();
    let mut set_aside = Vec::new();
    for r in &rows {
        let mut def = indicator_def(r)?;
        def.reporter = r.text("reporter")?.into();
        if let (Some(year), Some(value)) = (r.opt_i64("year")?, r.opt_f64("value")?) {
            def.baseline = Some(Baseline {
                year: i32::try_from(year).unwrap_or(i32::MAX),
                value,
                source: r.opt_text("source")?.unwrap_or_default(),
            });
        }
        match r.opt_text("set_aside")? {
            None => indicators.push(def),
            Some(reason) => set_aside.push(SetAside { def, reason }),
        }
    }
    let asked_elsewhere = asked_elsewhere(tx, plan)
        .await?
        .into_iter()
        .map(|(code, (_, title))| (code, title))
        .collect();
    Ok(Catalogue {
        indicators,
        set_aside,
        asked_elsewhere,
    })
}

/// The indicators of `plan` (by code) that the same unit reports for an older active plan of the
/// deployment: code → (that plan's id, its title). They are asked once, in that plan (issue 17).
pub(crate) async fn asked_elsewhere(
    tx: &mut Tx,
    plan: i64,
) -> Result<BTreeMap<String, (i64, String)>> {
    let rows = tx
        .fetch_all(
            concat!(
                "SELECT i.code, w.plan_id AS owner, r.title FROM indicators i \
                 JOIN indicators w ON w.code = i.code AND w.plan_id = ",
                crate::db::owner_plan_of_i!(),
                " JOIN plan_revisions r ON r.plan_id = w.plan_id AND r.number = \
                   (SELECT MAX(x.number) FROM plan_revisions x WHERE x.plan_id = w.plan_id) \
                 WHERE i.plan_id = $1 AND i.set_aside IS NULL ORDER BY i.code"
            ),
            args![plan],
        )
        .await?;
    let mut out = BTreeMap::new();
    for r in &rows {
        out.insert(r.text("code")?, (r.i64("owner")?, r.text("title")?));
    }
    Ok(out)
}

async fn load_breakdown(tx: &mut Tx, plan: i64) -> Result<Breakdown> {
    let rows = tx
        .fetch_all(
            "SELECT b.item_key, b.year, t.number AS task, b.kind, b.title, u.name AS unit, \
             b.due_day, b.indicator_code, b.target_value, b.origin, b.note, b.withdrawn \
             FROM breakdown_items b JOIN tasks t ON t.id = b.task_id \
             JOIN units u ON u.id = b.responsible_id WHERE b.plan_id = $1 ORDER BY b.id",
            args![plan],
        )
        .await?;
    let items = rows
        .iter()
        .map(|r| {
            Ok(BreakdownItem {
                id: r.text("item_key")?,
                year: i32::try_from(r.i64("year")?).unwrap_or(i32::MAX),
                task: u32::try_from(r.i64("task")?).unwrap_or(u32::MAX),
                kind: enum_from(&r.text("kind")?, "事项类型")?,
                title: r.text("title")?,
                responsible_unit: r.text("unit")?.into(),
                due: parse_day(&r.text("due_day")?, "完成时限")?,
                indicator: r.opt_text("indicator_code")?.map(Into::into),
                target_value: r.opt_f64("target_value")?,
                origin: enum_from(&r.text("origin")?, "事项来源")?,
                note: r.text("note")?,
                withdrawn: r.i64("withdrawn")? != 0,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Breakdown { items })
}

async fn insert_item(
    tx: &mut Tx,
    actor: &Actor,
    plan: i64,
    tasks: &BTreeMap<u32, i64>,
    item: &BreakdownItem,
    now: DateTime<Utc>,
) -> Result<()> {
    let task = *tasks
        .get(&item.task)
        .ok_or_else(|| StoreError::InvalidInput(format!("任务 {} 不在当前计划中", item.task)))?;
    let (unit, _) = ensure_unit(tx, actor, &item.responsible_unit, None, now).await?;
    tx.execute(
        "INSERT INTO breakdown_items (plan_id, item_key, year, task_id, kind, title, \
         responsible_id, due_day, indicator_code, target_value, origin, note, withdrawn, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        args![
            plan,
            &item.id,
            i64::from(item.year),
            task,
            enum_text(&item.kind),
            &item.title,
            unit.id,
            day_text(item.due),
            item.indicator.clone(),
            item.target_value,
            enum_text(&item.origin),
            &item.note,
            flag(item.withdrawn),
            now
        ],
    )
    .await?;
    Ok(())
}

fn record_json(r: &ReportRecord) -> serde_json::Value {
    json!({
        "state": r.state.as_str(),
        "version": r.version,
        "submissions": r.submissions,
        "comment": r.comment,
        "approved_by": r.approved_by,
    })
}

/// Maps a unique-key violation (someone created the same report at the same moment) to the
/// version conflict it is.
fn conflict_on_duplicate(e: StoreError, expected: u64) -> StoreError {
    match &e {
        StoreError::Database(sqlx::Error::Database(d)) if d.is_unique_violation() => {
            StoreError::Workflow(WorkflowError::VersionConflict {
                expected,
                actual: expected + 1,
            })
        }
        _ => e,
    }
}

/// Writes `c` as the rows of `report` (of `plan`), whose rows read as `old` (`None`: none, or
/// unknown). Rows that read the same are left alone: a value a data platform posts changes one
/// indicator row of a report whose other rows stay as they were, and is then one statement, not
/// one per row (the plan's indicator ids are read only when rows are written anew).
async fn write_content(
    tx: &mut Tx,
    plan: i64,
    report: i64,
    c: &ReportContent,
    old: Option<&ReportContent>,
) -> Result<()> {
    if old.is_none_or(|o| o.tasks != c.tasks) {
        write_task_rows(tx, report, c).await?;
    }
    let same_rows = old.is_some_and(|o| {
        o.indicators.len() == c.indicators.len()
            && o.indicators
                .iter()
                .zip(&c.indicators)
                .all(|(a, b)| a.code == b.code)
    });
    let Some(old) = old.filter(|_| same_rows) else {
        let ids = indicator_ids(tx, plan).await?;
        return write_indicator_rows(tx, report, &ids, c).await;
    };
    for (i, (was, row)) in old.indicators.iter().zip(&c.indicators).enumerate() {
        if was == row {
            continue;
        }
        tx.execute(
            "UPDATE report_indicator_rows SET value = $1, source = $2, note = $3 \
             WHERE report_id = $4 AND position = $5",
            args![
                row.value,
                &row.source,
                &row.note,
                report,
                i64::try_from(i).unwrap_or(i64::MAX)
            ],
        )
        .await?;
    }
    Ok(())
}

async fn write_task_rows(tx: &mut Tx, report: i64, c: &ReportContent) -> Result<()> {
    tx.execute(
        "DELETE FROM report_task_rows WHERE report_id = $1",
        args![report],
    )
    .await?;
    for (i, t) in c.tasks.iter().enumerate() {
        let key = t
            .key
            .as_ref()
            .map(RowKey::encode)
            .ok_or_else(|| StoreError::InvalidInput("报告中的任务行缺少行标识".into()))?;
        tx.execute(
            "INSERT INTO report_task_rows (report_id, position, row_key, status, share_complete, \
             reached_on, contact, progress, cumulative, problems, next_steps, evidence_json, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            args![
                report,
                i64::try_from(i).unwrap_or(i64::MAX),
                key,
                t.status.map(|s| enum_text(&s)),
                t.share_complete,
                t.reached_on.map(day_text),
                &t.contact,
                &t.progress,
                &t.cumulative,
                &t.problems,
                &t.next_steps,
                to_json(&t.evidence).to_string(),
                &t.note
            ],
        )
        .await?;
    }
    Ok(())
}

async fn write_indicator_rows(
    tx: &mut Tx,
    report: i64,
    indicators: &BTreeMap<String, i64>,
    c: &ReportContent,
) -> Result<()> {
    tx.execute(
        "DELETE FROM report_indicator_rows WHERE report_id = $1",
        args![report],
    )
    .await?;
    for (i, row) in c.indicators.iter().enumerate() {
        let ind = *indicators
            .get(row.code.as_str())
            .ok_or_else(|| StoreError::InvalidInput(format!("指标“{}”不在指标目录中", row.code)))?;
        tx.execute(
            "INSERT INTO report_indicator_rows (report_id, position, indicator_id, value, source, \
             note) VALUES ($1, $2, $3, $4, $5, $6)",
            args![
                report,
                i64::try_from(i).unwrap_or(i64::MAX),
                ind,
                row.value,
                &row.source,
                &row.note
            ],
        )
        .await?;
    }
    Ok(())
}

async fn read_content(
    tx: &mut Tx,
    report: i64,
    unit: &str,
    period: Quarter,
    head: &Row,
) -> Result<ReportContent> {
    let tasks = tx
        .fetch_all(
            concat!(
                "SELECT report_id, ",
                task_row_columns!(),
                " FROM report_task_rows WHERE report_id = $1 ORDER BY position"
            ),
            args![report],
        )
        .await?;
    let indicators = tx
        .fetch_all(
            "SELECT x.report_id, i.code, x.value, x.source, x.note FROM report_indicator_rows x \
             JOIN indicators i ON i.id = x.indicator_id WHERE x.report_id = $1 ORDER BY x.position",
            args![report],
        )
        .await?;
    let tasks: Vec<&Row> = tasks.iter().collect();
    let indicators: Vec<&Row> = indicators.iter().collect();
    build_content(unit, period, head, &tasks, &indicators)
}

/// The columns of a task row as [`build_content`] reads them.
macro_rules! task_row_columns {
    () => {
        "row_key, status, share_complete, reached_on, contact, progress, cumulative, \
         problems, next_steps, evidence_json, note"
    };
}
use task_row_columns;

/// A report's content from its head, its task rows and its indicator rows (in position order).
fn build_content(
    unit: &str,
    period: Quarter,
    head: &Row,
    tasks: &[&Row],
    indicators: &[&Row],
) -> Result<ReportContent> {
    let mut c = ReportContent::new(unit, period);
    c.filled_by = head.text("filled_by")?;
    c.phone = head.text("phone")?;
    c.demo = head.i64("demo")? != 0;
    for r in tasks {
        let key = r.text("row_key")?;
        c.tasks.push(TaskRow {
            key: Some(RowKey::decode(&key).ok_or_else(|| {
                StoreError::InvalidInput(format!("数据库中的行标识“{key}”无法识别"))
            })?),
            contact: r.text("contact")?,
            progress: r.text("progress")?,
            cumulative: r.text("cumulative")?,
            status: r
                .opt_text("status")?
                .map(|s| enum_from::<TaskStatus>(&s, "任务状态"))
                .transpose()?,
            share_complete: r.opt_f64("share_complete")?,
            reached_on: r
                .opt_text("reached_on")?
                .map(|d| parse_day(&d, "节点完成日期"))
                .transpose()?,
            problems: r.text("problems")?,
            next_steps: r.text("next_steps")?,
            evidence: serde_json::from_str(&r.text("evidence_json")?).map_err(|e| {
                StoreError::InvalidInput(format!("数据库中的佐证材料列表无法读取：{e}"))
            })?,
            note: r.text("note")?,
        });
    }
    for r in indicators {
        c.indicators.push(IndicatorRow {
            code: r.text("code")?.into(),
            value: r.opt_f64("value")?,
            source: r.text("source")?,
            note: r.text("note")?,
        });
    }
    Ok(c)
}

macro_rules! select_reports {
    () => {
        "SELECT r.id, u.name AS unit, r.quarter, r.state, r.version, r.submissions, \
         r.first_submitted_at, r.last_submitted_at, r.comment, r.approved_by, r.content_hash, \
         r.filled_by, r.phone, r.demo FROM reports r JOIN units u ON u.id = r.unit_id"
    };
}

/// A report from its head row; with `with_events`, its workflow history too (which grows with
/// every saved draft, so writers that need only the current state leave it out).
async fn assemble_with(tx: &mut Tx, head: &Row, with_events: bool) -> Result<StoredReport> {
    let id = head.i64("id")?;
    let unit = head.text("unit")?;
    let period = parse_quarter(&head.text("quarter")?)?;
    let content = read_content(tx, id, &unit, period, head).await?;
    let rows = if with_events {
        tx.fetch_all(
            concat!(
                "SELECT report_id, ",
                event_columns!(),
                " FROM report_events WHERE report_id = $1 ORDER BY version"
            ),
            args![id],
        )
        .await?
    } else {
        Vec::new()
    };
    let rows: Vec<&Row> = rows.iter().collect();
    build_report(head, content, &rows)
}

/// The columns of a report event as [`build_report`] reads them.
macro_rules! event_columns {
    () => {
        "version, action, from_state, to_state, actor, role, at, comment"
    };
}
use event_columns;

/// Every report of `plan` (of `quarter`, if given) with its content and events, in a fixed number
/// of queries whatever the number of reports (a province's plan has hundreds).
async fn reports_of(tx: &mut Tx, plan: i64, quarter: Option<Quarter>) -> Result<Vec<StoredReport>> {
    let q = quarter.map(|q| q.to_string());
    let heads = tx
        .fetch_all(
            concat!(
                select_reports!(),
                " WHERE r.plan_id = $1 AND ($2 IS NULL OR r.quarter = $2) \
                 ORDER BY r.quarter, u.name"
            ),
            args![plan, q.clone()],
        )
        .await?;
    let tasks = tx
        .fetch_all(
            concat!(
                "SELECT t.report_id, ",
                task_row_columns!(),
                " FROM report_task_rows t JOIN reports r ON r.id = t.report_id \
                 WHERE r.plan_id = $1 AND ($2 IS NULL OR r.quarter = $2) \
                 ORDER BY t.report_id, t.position"
            ),
            args![plan, q.clone()],
        )
        .await?;
    let indicators = tx
        .fetch_all(
            "SELECT x.report_id, i.code, x.value, x.source, x.note FROM report_indicator_rows x \
             JOIN indicators i ON i.id = x.indicator_id JOIN reports r ON r.id = x.report_id \
             WHERE r.plan_id = $1 AND ($2 IS NULL OR r.quarter = $2) \
             ORDER BY x.report_id, x.position",
            args![plan, q.clone()],
        )
        .await?;
    let events = tx
        .fetch_all(
            concat!(
                "SELECT e.report_id, ",
                "e.version, e.action, e.from_state, e.to_state, e.actor, e.role, e.at, e.comment",
                " FROM report_events e JOIN reports r ON r.id = e.report_id \
                 WHERE r.plan_id = $1 AND ($2 IS NULL OR r.quarter = $2) \
                 ORDER BY e.report_id, e.version"
            ),
            args![plan, q],
        )
        .await?;
    let group = |rows: &[Row]| -> Result<BTreeMap<i64, Vec<usize>>> {
        let mut m: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for (i, r) in rows.iter().enumerate() {
            m.entry(r.i64("report_id")?).or_default().push(i);
        }
        Ok(m)
    };
    let (by_task, by_ind, by_event) = (group(&tasks)?, group(&indicators)?, group(&events)?);
    let pick = |m: &BTreeMap<i64, Vec<usize>>, id: i64| -> Vec<usize> {
        m.get(&id).cloned().unwrap_or_default()
    };
    let mut out = Vec::with_capacity(heads.len());
    for h in &heads {
        let id = h.i64("id")?;
        let unit = h.text("unit")?;
        let period = parse_quarter(&h.text("quarter")?)?;
        let t: Vec<&Row> = pick(&by_task, id).into_iter().map(|i| &tasks[i]).collect();
        let x: Vec<&Row> = pick(&by_ind, id)
            .into_iter()
            .map(|i| &indicators[i])
            .collect();
        let e: Vec<&Row> = pick(&by_event, id)
            .into_iter()
            .map(|i| &events[i])
            .collect();
        let content = build_content(&unit, period, h, &t, &x)?;
        out.push(build_report(h, content, &e)?);
    }
    Ok(out)
}

/// A stored report from its head, its content and its events (in version order).
fn build_report(head: &Row, content: ReportContent, event_rows: &[&Row]) -> Result<StoredReport> {
    let id = head.i64("id")?;
    let unit = head.text("unit")?;
    let period = parse_quarter(&head.text("quarter")?)?;
    let state_text = head.text("state")?;
    let record = ReportRecord {
        state: state_text
            .parse::<ReportState>()
            .map_err(|e| StoreError::InvalidInput(e.to_string()))?,
        version: u64::try_from(head.i64("version")?).unwrap_or(0),
        submissions: u32::try_from(head.i64("submissions")?).unwrap_or(0),
        first_submitted_at: head.opt_time("first_submitted_at")?.map(cst_from_utc),
        last_submitted_at: head.opt_time("last_submitted_at")?.map(cst_from_utc),
        comment: head.opt_text("comment")?,
        approved_by: head.opt_text("approved_by")?,
    };
    let mut events = Vec::new();
    for e in event_rows {
        events.push(WorkflowEvent {
            action: enum_from::<ActionKind>(&e.text("action")?, "报告操作")?,
            from: e
                .opt_text("from_state")?
                .map(|s| s.parse::<ReportState>())
                .transpose()
                .map_err(|x| StoreError::InvalidInput(x.to_string()))?,
            to: e
                .text("to_state")?
                .parse::<ReportState>()
                .map_err(|x| StoreError::InvalidInput(x.to_string()))?,
            by: e.text("actor")?,
            role: e
                .text("role")?
                .parse::<Role>()
                .map_err(|x| StoreError::InvalidInput(x.to_string()))?,
            at: cst_from_utc(e.time("at")?),
            comment: e.opt_text("comment")?,
            version: u64::try_from(e.i64("version")?).unwrap_or(0),
        });
    }
    Ok(StoredReport {
        id,
        unit: unit.into(),
        period,
        record,
        content: std::sync::Arc::new(content),
        content_hash: head.text("content_hash")?,
        events,
    })
}

/// Copies an accepted report's indicator values into the official series.
async fn publish_values(
    tx: &mut Tx,
    actor: &Actor,
    report: i64,
    quarter: Quarter,
    demo: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let rows = tx
        .fetch_all(
            "SELECT indicator_id, value, source, note FROM report_indicator_rows \
             WHERE report_id = $1 AND value IS NOT NULL",
            args![report],
        )
        .await?;
    for r in &rows {
        let ind = r.i64("indicator_id")?;
        tx.execute(
            "DELETE FROM indicator_values WHERE indicator_id = $1 AND quarter = $2",
            args![ind, quarter.to_string()],
        )
        .await?;
        tx.execute(
            "INSERT INTO indicator_values (indicator_id, quarter, value, source, note, origin, \
             report_id, demo, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, 'report', $6, $7, $8, $9)",
            args![
                ind,
                quarter.to_string(),
                r.opt_f64("value")?,
                r.text("source")?,
                r.text("note")?,
                report,
                flag(demo),
                now,
                &actor.name
            ],
        )
        .await?;
    }
    Ok(())
}

/// One text column (`t`) of a plan's rows.
async fn plan_texts(tx: &mut Tx, sql: &'static str, plan: i64) -> Result<Vec<String>> {
    tx.fetch_all(sql, args![plan])
        .await?
        .iter()
        .map(|r| r.text("t"))
        .collect()
}

/// The audit row of one part of the reporting setup (`(action, entity, plan)`), unless nothing
/// was added.
async fn record_setup(
    tx: &mut Tx,
    actor: &Actor,
    (action, entity, plan): (&'static str, &'static str, i64),
    after: serde_json::Value,
    nothing_added: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    if nothing_added {
        return Ok(());
    }
    audit::record(
        tx,
        actor,
        Change {
            action,
            entity,
            entity_id: format!("plan:{plan}"),
            before: None,
            after: Some(after),
        },
        now,
    )
    .await
}

impl Store {
    /// Adds the reporting setup of the current plan where it is missing: indicators not yet in
    /// the catalogue, periods not yet created, breakdown items whose key is new. Existing rows
    /// are kept as they are, so running it again adds nothing.
    pub async fn ensure_reporting(
        &self,
        actor: &Actor,
        setup: &ReportingSetup,
        now: DateTime<Utc>,
    ) -> Result<SetupOutcome> {
        let mut tx = self.pools.write().await?;
        let plan = self.writable_plan_id(&mut tx).await?;
        let mut out = SetupOutcome::default();
        let known = indicator_ids(&mut tx, plan).await?;
        let mut added = Vec::new();
        let mut set_aside = Vec::new();
        let proposed = setup.catalogue.indicators.iter().map(|d| (d, None)).chain(
            setup
                .catalogue
                .set_aside
                .iter()
                .map(|s| (&s.def, Some(s.reason.as_str()))),
        );
        for (pos, (def, reason)) in proposed.enumerate() {
            if known.contains_key(def.code.as_str()) {
                continue;
            }
            let (reporter, _) = ensure_unit(&mut tx, actor, &def.reporter, None, now).await?;
            tx.execute(
                "INSERT INTO indicators (plan_id, position, code, name, unit_of_measure, \
                 reporter_id, kind, direction, def_json, set_aside) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                args![
                    plan,
                    i64::try_from(pos).unwrap_or(i64::MAX),
                    &def.code,
                    &def.name,
                    def.unit.clone(),
                    reporter.id,
                    enum_text(&def.kind),
                    enum_text(&def.direction),
                    to_json(def).to_string(),
                    reason.map(str::to_string)
                ],
            )
            .await?;
            match reason {
                None => added.push(def.code.clone()),
                Some(r) => {
                    set_aside.push(json!({ "code": def.code, "name": def.name, "reason": r }))
                }
            }
        }
        out.indicators_added = added.len();
        record_setup(
            &mut tx,
            actor,
            ("indicator.catalogue", "indicator", plan),
            json!({ "added": added, "set_aside": set_aside }),
            added.is_empty() && set_aside.is_empty(),
            now,
        )
        .await?;
        let existing = plan_texts(
            &mut tx,
            "SELECT quarter AS t FROM reporting_periods WHERE plan_id = $1",
            plan,
        )
        .await?;
        let mut new_periods = Vec::new();
        for p in &setup.periods {
            if existing.contains(&p.quarter.to_string()) {
                continue;
            }
            tx.execute(
                "INSERT INTO reporting_periods (plan_id, quarter, deadline, created_at) \
                 VALUES ($1, $2, $3, $4)",
                args![plan, p.quarter.to_string(), day_text(p.deadline), now],
            )
            .await?;
            new_periods.push(json!({ "quarter": p.quarter, "deadline": day_text(p.deadline) }));
        }
        out.periods_added = new_periods.len();
        record_setup(
            &mut tx,
            actor,
            ("period.create", "reporting_period", plan),
            json!({ "periods": new_periods }),
            new_periods.is_empty(),
            now,
        )
        .await?;
        let keys = plan_texts(
            &mut tx,
            "SELECT item_key AS t FROM breakdown_items WHERE plan_id = $1",
            plan,
        )
        .await?;
        let tasks = task_ids(&mut tx, plan).await?;
        let mut new_items = Vec::new();
        for item in &setup.breakdown.items {
            if keys.contains(&item.id) {
                continue;
            }
            insert_item(&mut tx, actor, plan, &tasks, item, now).await?;
            new_items.push(item.id.clone());
        }
        out.items_added = new_items.len();
        record_setup(
            &mut tx,
            actor,
            ("breakdown.seed", "breakdown_item", plan),
            json!({ "added": new_items }),
            new_items.is_empty(),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    /// The indicator catalogue of the current plan, with baselines on record.
    pub async fn catalogue(&self) -> Result<Catalogue> {
        let mut tx = self.pools.read().await?;
        let plan = self.plan_id(&mut tx).await?;
        load_catalogue(&mut tx, plan).await
    }

    /// The reporting periods of the current plan, with the office's actions on them.
    pub async fn reporting_periods(&self) -> Result<Vec<ReportingPeriod>> {
        let mut tx = self.pools.read().await?;
        let plan = self.plan_id(&mut tx).await?;
        load_periods(&mut tx, plan).await
    }

    /// Locks, reopens or extends a period. The change is checked by the period rules against the
    /// period as stored in this transaction, so two offices acting at once cannot both lock it.
    pub async fn change_period(
        &self,
        actor: &Actor,
        quarter: Quarter,
        change: &PeriodChange,
        now: DateTime<Utc>,
    ) -> Result<ReportingPeriod> {
        let mut tx = self.pools.write().await?;
        let plan = self.writable_plan_id(&mut tx).await?;
        let period = change_period_in(&mut tx, plan, actor, quarter, change, now).await?;
        tx.commit().await?;
        Ok(period)
    }

    /// The yearly breakdown of the current plan (all years).
    pub async fn breakdown(&self) -> Result<Breakdown> {
        let mut tx = self.pools.read().await?;
        let plan = self.plan_id(&mut tx).await?;
        load_breakdown(&mut tx, plan).await
    }

    /// Applies a breakdown import: updated items are rewritten, new items inserted; one audit
    /// row per item with its before and after.
    pub async fn apply_breakdown(
        &self,
        actor: &Actor,
        changes: &BreakdownImport,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pools.write().await?;
        let plan = self.writable_plan_id(&mut tx).await?;
        let tasks = task_ids(&mut tx, plan).await?;
        let current = load_breakdown(&mut tx, plan).await?;
        for item in &changes.updated {
            let before = current.get(&item.id).ok_or_else(|| {
                StoreError::InvalidInput(format!("事项 {} 已不存在，请重新生成模板", item.id))
            })?;
            let (unit, _) = ensure_unit(&mut tx, actor, &item.responsible_unit, None, now).await?;
            tx.execute(
                "UPDATE breakdown_items SET kind = $1, title = $2, responsible_id = $3, \
                 due_day = $4, target_value = $5, note = $6, withdrawn = $7, updated_at = $8 \
                 WHERE plan_id = $9 AND item_key = $10",
                args![
                    enum_text(&item.kind),
                    &item.title,
                    unit.id,
                    day_text(item.due),
                    item.target_value,
                    &item.note,
                    flag(item.withdrawn),
                    now,
                    plan,
                    &item.id
                ],
            )
            .await?;
            audit::record(
                &mut tx,
                actor,
                Change {
                    action: "breakdown.update",
                    entity: "breakdown_item",
                    entity_id: item.id.clone(),
                    before: Some(to_json(before)),
                    after: Some(to_json(item)),
                },
                now,
            )
            .await?;
        }
        for item in &changes.added {
            insert_item(&mut tx, actor, plan, &tasks, item, now).await?;
            audit::record(
                &mut tx,
                actor,
                Change {
                    action: "breakdown.add",
                    entity: "breakdown_item",
                    entity_id: item.id.clone(),
                    before: None,
                    after: Some(to_json(item)),
                },
                now,
            )
            .await?;
        }
        tx.commit().await
    }

    /// One unit's report for one quarter, if it exists.
    pub async fn report(&self, unit: &UnitName, quarter: Quarter) -> Result<Option<StoredReport>> {
        self.report_with(unit, quarter, true).await
    }

    /// A report's current state and content without its workflow history (`events` is empty):
    /// what a writer needs before a save, at a cost that does not grow with the history.
    pub async fn report_current(
        &self,
        unit: &UnitName,
        quarter: Quarter,
    ) -> Result<Option<StoredReport>> {
        self.report_with(unit, quarter, false).await
    }

    async fn report_with(
        &self,
        unit: &str,
        quarter: Quarter,
        with_events: bool,
    ) -> Result<Option<StoredReport>> {
        let mut tx = self.pools.read().await?;
        let plan = self.plan_id(&mut tx).await?;
        let head = tx
            .fetch_optional(
                concat!(
                    select_reports!(),
                    " WHERE r.plan_id = $1 AND u.name = $2 AND r.quarter = $3"
                ),
                args![plan, unit.trim(), quarter.to_string()],
            )
            .await?;
        match head {
            Some(h) => Ok(Some(assemble_with(&mut tx, &h, with_events).await?)),
            None => Ok(None),
        }
    }

    /// The report `known` as [`Store::report`] gives it now, reading only the workflow events
    /// after the last one `known` holds (events are never changed once written): what a cache
    /// that keeps `known` needs after the report moved, at a cost that does not grow with its
    /// history. A report that is no longer that one (another id) is read whole; `None` if it is
    /// gone.
    pub async fn report_after(&self, known: &StoredReport) -> Result<Option<StoredReport>> {
        let mut tx = self.pools.read().await?;
        let plan = self.plan_id(&mut tx).await?;
        let Some(head) = tx
            .fetch_optional(
                concat!(
                    select_reports!(),
                    " WHERE r.plan_id = $1 AND u.name = $2 AND r.quarter = $3"
                ),
                args![plan, known.unit.as_str(), known.period.to_string()],
            )
            .await?
        else {
            return Ok(None);
        };
        let id = head.i64("id")?;
        if id != known.id {
            return Ok(Some(assemble_with(&mut tx, &head, true).await?));
        }
        let unit = head.text("unit")?;
        let period = parse_quarter(&head.text("quarter")?)?;
        let content = read_content(&mut tx, id, &unit, period, &head).await?;
        let last = known
            .events
            .last()
            .map_or(0, |e| i64::try_from(e.version).unwrap_or(i64::MAX));
        let rows = tx
            .fetch_all(
                concat!(
                    "SELECT report_id, ",
                    event_columns!(),
                    " FROM report_events WHERE report_id = $1 AND version > $2 ORDER BY version"
                ),
                args![id, last],
            )
            .await?;
        let rows: Vec<&Row> = rows.iter().collect();
        let mut report = build_report(&head, content, &rows)?;
        let mut events = known.events.clone();
        events.append(&mut report.events);
        report.events = events;
        Ok(Some(report))
    }

    /// Every report of a quarter (or of all quarters), by unit name.
    pub async fn reports(&self, quarter: Option<Quarter>) -> Result<Vec<StoredReport>> {
        let mut tx = self.pools.read().await?;
        let plan = self.plan_id(&mut tx).await?;
        reports_of(&mut tx, plan, quarter).await
    }

    /// Saves workflow steps of one report atomically. `expected_version` is the version the
    /// steps were computed from (0: the report does not exist yet); if the stored version differs,
    /// nothing is written and the result is a version conflict. `content` (when given) replaces
    /// the report's content. Each step gets its event row and its audit row; accepting publishes
    /// the report's indicator values into the official series.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_report(
        &self,
        actor: &Actor,
        unit: &str,
        quarter: Quarter,
        expected_version: u64,
        content: Option<&ReportContent>,
        steps: &[(ReportRecord, WorkflowEvent)],
        now: DateTime<Utc>,
    ) -> Result<ReportRecord> {
        let mut tx = self.pools.write().await?;
        let plan = self.writable_plan_id(&mut tx).await?;
        let rec = save_report_tx(
            &mut tx,
            plan,
            actor,
            unit,
            quarter,
            expected_version,
            content,
            steps,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(rec)
    }

    /// Saves several successive edits of one report in one transaction — each its own version
    /// with its own audit row, exactly as if saved one after another, but with one commit.
    /// `expected_version` is the version the first edit was computed from; each next edit
    /// follows the one before. All or nothing.
    #[allow(clippy::type_complexity)]
    pub async fn save_report_rounds(
        &self,
        actor: &Actor,
        unit: &str,
        quarter: Quarter,
        expected_version: u64,
        rounds: &[(ReportContent, Vec<(ReportRecord, WorkflowEvent)>)],
        now: DateTime<Utc>,
    ) -> Result<Vec<ReportRecord>> {
        let mut tx = self.pools.write().await?;
        let plan = self.writable_plan_id(&mut tx).await?;
        let mut version = expected_version;
        let mut out = Vec::with_capacity(rounds.len());
        for (content, steps) in rounds {
            let rec = save_report_tx(
                &mut tx,
                plan,
                actor,
                unit,
                quarter,
                version,
                Some(content),
                steps,
                now,
            )
            .await?;
            version = rec.version;
            out.push(rec);
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Loads many reports with their steps in one transaction (the demo data): all or nothing.
    pub async fn save_reports(
        &self,
        actor: &Actor,
        reports: &[(ReportContent, Vec<(ReportRecord, WorkflowEvent)>)],
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let mut tx = self.pools.write().await?;
        let plan = self.writable_plan_id(&mut tx).await?;
        let mut n = 0;
        for (content, steps) in reports {
            let Some(period) = content.period else {
                continue;
            };
            if steps.is_empty() {
                continue;
            }
            save_report_tx(
                &mut tx,
                plan,
                actor,
                &content.unit,
                period,
                0,
                Some(content),
                steps,
                now,
            )
            .await?;
            n += 1;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// The indicators other plans of the deployment report (not set aside), oldest plan first:
    /// (code, name, unit of measure, reporting unit).
    pub async fn other_plans_indicators(
        &self,
    ) -> Result<Vec<(String, String, Option<String>, UnitName)>> {
        let mut tx = self.pools.read().await?;
        let plan = self.plan_id(&mut tx).await?;
        tx.fetch_all(
            "SELECT i.code, i.name, i.unit_of_measure, u.name AS reporter FROM indicators i \
             JOIN units u ON u.id = i.reporter_id \
             WHERE i.plan_id <> $1 AND i.set_aside IS NULL ORDER BY i.plan_id, i.position",
            args![plan],
        )
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.text("code")?,
                r.text("name")?,
                r.opt_text("unit_of_measure")?,
                UnitName::from(r.text("reporter")?),
            ))
        })
        .collect()
    }

    /// The official series on record: per indicator code, (quarter, value), oldest first.
    pub async fn indicator_history(&self) -> Result<BTreeMap<String, Vec<(Quarter, f64)>>> {
        self.history_where(None).await
    }

    /// [`Store::indicator_history`] of the indicators `codes` alone: a value written through the
    /// API is checked against its own indicator's series, and a province's plan has dozens.
    pub async fn indicator_history_of(
        &self,
        codes: &[&str],
    ) -> Result<BTreeMap<String, Vec<(Quarter, f64)>>> {
        if codes.is_empty() {
            return Ok(BTreeMap::new());
        }
        self.history_where(Some(codes)).await
    }

    /// The series of every indicator, or of `codes`. Indicator codes are letters, digits, `-`
    /// and `_` (the catalogue refuses others), so a code is among `,A,B,` when `,CODE,` is found
    /// in it: one statement on both backends (`replace` and `length` are common to them; `LIKE`
    /// would take a `_` in a code for any character).
    async fn history_where(
        &self,
        codes: Option<&[&str]>,
    ) -> Result<BTreeMap<String, Vec<(Quarter, f64)>>> {
        let list = codes.map_or(String::new(), |c| format!(",{},", c.join(",")));
        let mut tx = self.pools.read().await?;
        let plan = self.plan_id(&mut tx).await?;
        let mut out: BTreeMap<String, Vec<(Quarter, f64)>> = BTreeMap::new();
        for r in tx
            .fetch_all(
                "SELECT i.code, v.quarter, v.value FROM indicator_values v \
                 JOIN indicators i ON i.id = v.indicator_id WHERE i.plan_id = $1 \
                 AND ($2 = '' OR length(replace($2, ',' || i.code || ',', '')) < length($2)) \
                 ORDER BY i.code, v.quarter",
                args![plan, list.clone()],
            )
            .await?
        {
            out.entry(r.text("code")?).or_default().push((
                parse_quarter(&r.text("quarter")?)?,
                r.opt_f64("value")?.unwrap_or(f64::NAN),
            ));
        }
        // An indicator asked in another plan (the same code, the same unit) takes that plan's
        // values for the quarters this plan has none of: reported once, monitored in both. The
        // plan asked is the oldest active one (`owner_plan_of_i!`, as for `asked_elsewhere`);
        // the values of all such indicators come in one statement (a province's plan shares
        // dozens of codes, and every value written reads them).
        let mut theirs: BTreeMap<String, Vec<(Quarter, f64)>> = BTreeMap::new();
        for r in tx
            .fetch_all(
                concat!(
                    "SELECT i.code, v.quarter, v.value FROM indicators i \
                     JOIN indicators w ON w.code = i.code AND w.plan_id = ",
                    crate::db::owner_plan_of_i!(),
                    " JOIN indicator_values v ON v.indicator_id = w.id \
                     WHERE i.plan_id = $1 AND i.set_aside IS NULL \
                     AND ($2 = '' OR length(replace($2, ',' || i.code || ',', '')) < length($2)) \
                     ORDER BY i.code, v.quarter"
                ),
                args![plan, list],
            )
            .await?
        {
            theirs.entry(r.text("code")?).or_default().push((
                parse_quarter(&r.text("quarter")?)?,
                r.opt_f64("value")?.unwrap_or(f64::NAN),
            ));
        }
        for (code, values) in theirs {
            let own = out.entry(code).or_default();
            let have: std::collections::BTreeSet<Quarter> = own.iter().map(|(q, _)| *q).collect();
            own.extend(values.into_iter().filter(|(q, _)| !have.contains(q)));
            own.sort_by_key(|(q, _)| *q);
        }
        out.retain(|_, v| !v.is_empty());
        Ok(out)
    }

    /// Imports historical values and baselines. Values equal to what is on record are left
    /// alone, so importing the same file twice changes nothing the second time.
    pub async fn import_values(
        &self,
        actor: &Actor,
        import: &ValuesImport,
        demo: bool,
        source_name: &str,
        now: DateTime<Utc>,
    ) -> Result<ValuesOutcome> {
        let mut tx = self.pools.write().await?;
        let plan = self.writable_plan_id(&mut tx).await?;
        let ids = indicator_ids(&mut tx, plan).await?;
        let id_of = |code: &str| {
            ids.get(code).copied().ok_or_else(|| {
                StoreError::InvalidInput(format!("指标“{code}”不在数据库的指标目录中"))
            })
        };
        let mut out = ValuesOutcome::default();
        let mut before = Vec::new();
        let mut after = Vec::new();
        for v in &import.values {
            let ind = id_of(&v.code)?;
            let old = tx
                .fetch_optional(
                    "SELECT value, source, note FROM indicator_values \
                     WHERE indicator_id = $1 AND quarter = $2",
                    args![ind, v.period.to_string()],
                )
                .await?;
            if let Some(o) = &old {
                if o.opt_f64("value")? == Some(v.value)
                    && o.text("source")? == v.source
                    && o.text("note")? == v.note
                {
                    out.unchanged += 1;
                    continue;
                }
                before.push(json!({ "indicator": v.code, "quarter": v.period, "value": o.opt_f64("value")? }));
                out.values_changed += 1;
                tx.execute(
                    "DELETE FROM indicator_values WHERE indicator_id = $1 AND quarter = $2",
                    args![ind, v.period.to_string()],
                )
                .await?;
            } else {
                out.values_added += 1;
            }
            tx.execute(
                "INSERT INTO indicator_values (indicator_id, quarter, value, source, note, origin, \
                 report_id, demo, updated_at, updated_by) \
                 VALUES ($1, $2, $3, $4, $5, 'import', NULL, $6, $7, $8)",
                args![
                    ind,
                    v.period.to_string(),
                    v.value,
                    &v.source,
                    &v.note,
                    flag(demo),
                    now,
                    &actor.name
                ],
            )
            .await?;
            after.push(json!({ "indicator": v.code, "quarter": v.period, "value": v.value }));
        }
        for b in &import.baselines {
            let ind = id_of(&b.code)?;
            let old = tx
                .fetch_optional(
                    "SELECT year, value, source FROM indicator_baselines WHERE indicator_id = $1",
                    args![ind],
                )
                .await?;
            if let Some(o) = &old {
                if o.i64("year")? == i64::from(b.baseline.year)
                    && o.opt_f64("value")? == Some(b.baseline.value)
                    && o.text("source")? == b.baseline.source
                {
                    out.unchanged += 1;
                    continue;
                }
                before.push(json!({ "indicator": b.code, "baseline": o.opt_f64("value")?, "year": o.i64("year")? }));
                tx.execute(
                    "DELETE FROM indicator_baselines WHERE indicator_id = $1",
                    args![ind],
                )
                .await?;
            }
            tx.execute(
                "INSERT INTO indicator_baselines (indicator_id, year, value, source, demo, \
                 updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                args![
                    ind,
                    i64::from(b.baseline.year),
                    b.baseline.value,
                    &b.baseline.source,
                    flag(demo),
                    now,
                    &actor.name
                ],
            )
            .await?;
            after.push(json!({ "indicator": b.code, "baseline": b.baseline.value, "year": b.baseline.year }));
            out.baselines_set += 1;
        }
        if !after.is_empty() {
            audit::record(
                &mut tx,
                actor,
                Change {
                    action: "indicator_value.import",
                    entity: "indicator_values",
                    entity_id: source_name.to_string(),
                    before: (!before.is_empty()).then(|| json!(before)),
                    after: Some(json!(after)),
                },
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Records an evidence file (the caller has stored its bytes under its hash). Returns whether
    /// it was new.
    pub async fn record_evidence(
        &self,
        actor: &Actor,
        file: &EvidenceFile,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.pools.write().await?;
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
            audit::record(
                &mut tx,
                actor,
                Change {
                    action: "evidence.add",
                    entity: "evidence_file",
                    entity_id: file.sha256.clone(),
                    before: None,
                    after: Some(to_json(file)),
                },
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(!known)
    }
}

#[allow(clippy::too_many_arguments)]
async fn save_report_tx(
    tx: &mut Tx,
    plan: i64,
    actor: &Actor,
    unit: &str,
    quarter: Quarter,
    expected_version: u64,
    content: Option<&ReportContent>,
    steps: &[(ReportRecord, WorkflowEvent)],
    now: DateTime<Utc>,
) -> Result<ReportRecord> {
    let Some((last, _)) = steps.last() else {
        return Err(StoreError::InvalidInput("没有要保存的操作".into()));
    };
    let uid = unit_id(tx, unit).await?;
    let current = tx
        .fetch_optional(
            "SELECT id, version, state, content_hash FROM reports \
             WHERE plan_id = $1 AND unit_id = $2 AND quarter = $3",
            args![plan, uid, quarter.to_string()],
        )
        .await?;
    let actual = match &current {
        Some(r) => u64::try_from(r.i64("version")?).unwrap_or(0),
        None => 0,
    };
    if actual != expected_version {
        return Err(WorkflowError::VersionConflict {
            expected: expected_version,
            actual,
        }
        .into());
    }
    let old_hash = match &current {
        Some(r) => Some(r.text("content_hash")?),
        None => None,
    };
    let hash = content
        .map(ReportContent::content_hash)
        .or(old_hash.clone())
        .unwrap_or_default();
    let v = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
    let report_id = match &current {
        Some(r) => {
            let id = r.i64("id")?;
            let changed = tx
                .execute(
                    "UPDATE reports SET state = $1, version = $2, submissions = $3, \
                     first_submitted_at = $4, last_submitted_at = $5, comment = $6, \
                     approved_by = $7, content_hash = $8, filled_by = COALESCE($9, filled_by), \
                     phone = COALESCE($10, phone), demo = COALESCE($11, demo), updated_at = $12 \
                     WHERE id = $13 AND version = $14",
                    args![
                        last.state.as_str(),
                        v(last.version),
                        i64::from(last.submissions),
                        last.first_submitted_at.map(cst_to_utc),
                        last.last_submitted_at.map(cst_to_utc),
                        last.comment.clone(),
                        last.approved_by.clone(),
                        &hash,
                        content.map(|c| c.filled_by.clone()),
                        content.map(|c| c.phone.clone()),
                        content.map(|c| flag(c.demo)),
                        now,
                        id,
                        v(expected_version)
                    ],
                )
                .await?;
            if changed != 1 {
                return Err(WorkflowError::VersionConflict {
                    expected: expected_version,
                    actual: expected_version + 1,
                }
                .into());
            }
            id
        }
        None => {
            let c = content.ok_or_else(|| StoreError::InvalidInput("新报告必须带有内容".into()))?;
            tx.insert_returning_id(
                "INSERT INTO reports (plan_id, unit_id, quarter, state, version, submissions, \
                 first_submitted_at, last_submitted_at, comment, approved_by, content_hash, \
                 filled_by, phone, demo, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) \
                 RETURNING id",
                args![
                    plan,
                    uid,
                    quarter.to_string(),
                    last.state.as_str(),
                    v(last.version),
                    i64::from(last.submissions),
                    last.first_submitted_at.map(cst_to_utc),
                    last.last_submitted_at.map(cst_to_utc),
                    last.comment.clone(),
                    last.approved_by.clone(),
                    &hash,
                    &c.filled_by,
                    &c.phone,
                    flag(c.demo),
                    now
                ],
            )
            .await
            .map_err(|e| conflict_on_duplicate(e, expected_version))?
        }
    };
    let old_content = match (&current, content) {
        (Some(r), Some(_)) => {
            let head = tx
                .fetch_one(
                    "SELECT filled_by, phone, demo FROM reports WHERE id = $1",
                    args![r.i64("id")?],
                )
                .await?;
            Some(read_content(tx, report_id, unit, quarter, &head).await?)
        }
        _ => None,
    };
    if let Some(c) = content {
        write_content(tx, plan, report_id, c, old_content.as_ref()).await?;
    }
    let demo = match content {
        Some(c) => c.demo,
        None => {
            tx.fetch_one("SELECT demo FROM reports WHERE id = $1", args![report_id])
                .await?
                .i64("demo")?
                != 0
        }
    };
    let mut previous: Option<&ReportRecord> = None;
    for (rec, ev) in steps {
        tx.execute(
            "INSERT INTO report_events (report_id, version, action, from_state, to_state, actor, \
             role, at, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            args![
                report_id,
                v(ev.version),
                ev.action.as_str(),
                ev.from.map(|s| s.as_str().to_string()),
                ev.to.as_str(),
                &ev.by,
                ev.role.as_str(),
                cst_to_utc(ev.at),
                ev.comment.clone()
            ],
        )
        .await
        .map_err(|e| conflict_on_duplicate(e, expected_version))?;
        let mut before = previous.map(record_json);
        let mut after = record_json(rec);
        if ev.action == ActionKind::Edit
            && let Some(c) = content
        {
            after["content"] = to_json(c);
            if let (Some(b), Some(old)) = (before.as_mut(), &old_content) {
                b["content"] = to_json(old);
            }
        }
        if before.is_none()
            && let Some(r) = &current
        {
            before = Some(json!({
                "state": r.text("state")?,
                "version": r.i64("version")?,
            }));
        }
        after["event"] = json!({ "by": ev.by, "role": ev.role.as_str(), "comment": ev.comment });
        audit::record(
            tx,
            actor,
            Change {
                action: match ev.action {
                    ActionKind::Edit => "report.edit",
                    ActionKind::RequestApproval => "report.request_approval",
                    ActionKind::Approve => "report.approve",
                    ActionKind::Submit => "report.submit",
                    ActionKind::Accept => "report.accept",
                    ActionKind::Return => "report.return",
                    ActionKind::Reopen => "report.reopen",
                },
                entity: "report",
                entity_id: format!("{quarter}/{unit}"),
                before,
                after: Some(after),
            },
            now,
        )
        .await?;
        if ev.action == ActionKind::Accept {
            publish_values(tx, actor, report_id, quarter, demo, now).await?;
        }
        previous = Some(rec);
    }
    Ok(last.clone())
}

/// Locks, reopens or extends a period inside the transaction `tx` (see
/// [`Store::change_period`]); also used when the office grants a unit's extension request.
pub(crate) async fn change_period_in(
    tx: &mut Tx,
    plan: i64,
    actor: &Actor,
    quarter: Quarter,
    change: &PeriodChange,
    now: DateTime<Utc>,
) -> Result<ReportingPeriod> {
    let pid = period_id(tx, plan, quarter).await?;
    let mut period = load_periods(tx, plan)
        .await?
        .into_iter()
        .find(|p| p.quarter == quarter)
        .ok_or(StoreError::NoPlan)?;
    let before = to_json(&period);
    let local = cst_from_utc(now);
    let action = match change {
        PeriodChange::Lock => {
            period.lock(&actor.name, local)?;
            tx.execute(
                "INSERT INTO period_events (period_id, action, at, actor) \
                 VALUES ($1, 'lock', $2, $3)",
                args![pid, now, &actor.name],
            )
            .await?;
            "period.lock"
        }
        PeriodChange::Reopen { reason, until } => {
            period.reopen(&actor.name, reason, *until, local)?;
            tx.execute(
                "INSERT INTO period_events (period_id, action, at, actor, reason, until_day) \
                 VALUES ($1, 'reopen', $2, $3, $4, $5)",
                args![pid, now, &actor.name, reason.trim(), until.map(day_text)],
            )
            .await?;
            "period.reopen"
        }
        PeriodChange::Extend {
            unit,
            until,
            reason,
        } => {
            period.extend(unit, *until, reason, &actor.name, local)?;
            let uid = unit_id(tx, unit).await?;
            tx.execute(
                "INSERT INTO period_extensions (period_id, unit_id, until_day, reason, at, \
                 actor) VALUES ($1, $2, $3, $4, $5, $6)",
                args![pid, uid, day_text(*until), reason.trim(), now, &actor.name],
            )
            .await?;
            "period.extend"
        }
    };
    audit::record(
        tx,
        actor,
        Change {
            action,
            entity: "reporting_period",
            entity_id: quarter.to_string(),
            before: Some(before),
            after: Some(to_json(&period)),
        },
        now,
    )
    .await?;
    Ok(period)
}
