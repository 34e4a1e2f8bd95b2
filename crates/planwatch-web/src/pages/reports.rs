//! 我的填报 and a unit's quarterly report: what is due, by when and in which state; the form
//! (save a draft, ask the unit head's approval, approve and submit, submit); the Excel template
//! download and upload with the same validation as the command line; and the read-only view with
//! its history for everyone else who may see it. A unit's people see only their unit's reports.

use super::super::AppState;
use super::super::error::{WebError, WebResult, shown};
use super::super::format;
use super::super::policy::Permission;
use super::super::reporting::{
    self as web_rep, Intent, Posted, Problems, may_edit_unit, may_read_unit,
};
use super::super::session::CurrentUser;
use super::{Chrome, render};
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_app as app;
use planwatch_app::reporting as rep;
use planwatch_model::{Quarter, ReportState, Role, TaskStatus};
use planwatch_quarterly::DueState;
use planwatch_quarterly::check::{IndicatorField, Place, TaskField};
use planwatch_quarterly::content::ReportContent;
use planwatch_quarterly::due::due_state;
use planwatch_quarterly::period::{PeriodState, cst_from_utc};
use planwatch_quarterly::{read_meta, xlsx::quarterly::ReadContext};
use planwatch_store::{EvidenceRow, UnitRef};
use serde::Deserialize;

/// The badge colour of a due state.
pub fn due_badge(s: DueState) -> &'static str {
    match s {
        DueState::Accepted => "green",
        DueState::Submitted => "blue",
        DueState::Late | DueState::Returned => "yellow",
        DueState::Missing => "red",
        DueState::Draft | DueState::AwaitingApproval | DueState::NotStarted => "",
    }
}

pub fn state_badge(s: Option<ReportState>) -> &'static str {
    match s {
        Some(ReportState::Accepted) => "green",
        Some(ReportState::Submitted) => "blue",
        Some(ReportState::Returned) => "yellow",
        Some(ReportState::Approved) => "blue",
        Some(ReportState::Draft | ReportState::AwaitingApproval) | None => "",
    }
}

pub struct QuarterRow {
    /// The report's page (`/p/{code}/reports/…` when the unit reports to several plans).
    pub href: String,
    /// The plan's title, when the unit reports to several plans.
    pub plan: Option<String>,
    pub code: String,
    pub label: String,
    pub deadline: String,
    pub state: &'static str,
    pub badge: &'static str,
    pub late: bool,
    pub tasks: usize,
    pub indicators: usize,
}

pub struct DueRow {
    pub unit_id: i64,
    pub unit: String,
    pub tasks: usize,
    pub indicators: usize,
    pub deadline: String,
    pub state: String,
    pub badge: &'static str,
    pub submitted: String,
    /// Not submitted yet: the office may chase it (催办, decision 0061).
    pub urgeable: bool,
    /// The due state's wire name, for `?state=`.
    pub key: &'static str,
}

/// The overview's filters (`?state=`, `?q=`) and its export (`?format=xlsx`, the rows shown).
async fn overview_filter(
    state: &AppState,
    q: &ReportsQuery,
    quarter: Quarter,
    due: Vec<DueRow>,
) -> WebResult<(Vec<DueRow>, Option<Response>)> {
    let xlsx = super::lists::wants_xlsx(&q.format)?;
    let known = [
        DueState::NotStarted,
        DueState::Draft,
        DueState::AwaitingApproval,
        DueState::Submitted,
        DueState::Late,
        DueState::Returned,
        DueState::Accepted,
        DueState::Missing,
    ];
    if !q.state.is_empty() && !known.iter().any(|s| s.as_str() == q.state) {
        return Err(WebError::BadRequest(format!(
            "报送状态“{}”无法识别",
            q.state
        )));
    }
    let needle = q.q.trim();
    let due: Vec<DueRow> = due
        .into_iter()
        .filter(|d| q.state.is_empty() || d.key == q.state)
        .filter(|d| needle.is_empty() || d.unit.contains(needle))
        .collect();
    if !xlsx {
        return Ok((due, None));
    }
    let table = super::lists::ListTable {
        title: format!("{}报送情况", quarter.label_zh()),
        sheet: "报送情况",
        columns: vec![
            ("单位", false),
            ("报送期限", false),
            ("状态", false),
            ("首次报送", false),
            ("任务", true),
            ("指标", true),
        ],
        rows: due
            .iter()
            .map(|d| {
                vec![
                    d.unit.clone(),
                    d.deadline.clone(),
                    d.state.clone(),
                    d.submitted.clone(),
                    d.tasks.to_string(),
                    d.indicators.to_string(),
                ]
            })
            .collect(),
        demo: super::demo_present(state).await?,
    };
    Ok((Vec::new(), Some(table.download()?)))
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    c: Chrome,
    /// The unit-bound user's unit, or `None` for the overview of all units.
    unit: Option<(i64, String)>,
    quarters: Vec<QuarterRow>,
    period: String,
    period_label: String,
    periods: Vec<(String, String)>,
    due: Vec<DueRow>,
    /// The overview's filters as chosen.
    state_filter: String,
    q: String,
    states: Vec<(&'static str, &'static str)>,
    /// The office may chase units (催办, decision 0061).
    may_urge: bool,
}

#[derive(Deserialize, Default)]
pub struct ReportsQuery {
    #[serde(default)]
    period: String,
    /// The overview only: a due state's wire name (`missing`, `returned`…).
    #[serde(default)]
    state: String,
    /// The overview only: words in the unit's name.
    #[serde(default)]
    q: String,
    /// The overview only: `xlsx` for the workbook.
    #[serde(default)]
    format: String,
}

async fn unit_by_id(state: &AppState, id: &str) -> WebResult<UnitRef> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    state
        .store()
        .units()
        .await?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or(WebError::NotFound)
}

async fn unit_by_name(state: &AppState, name: &str) -> WebResult<UnitRef> {
    state
        .store()
        .unit_by_name(name)
        .await?
        .ok_or(WebError::NotFound)
}

fn parse_quarter(s: &str) -> WebResult<Quarter> {
    Quarter::parse(s).map_err(|_| WebError::NotFound)
}

/// The quarter to show by default: the latest one whose reports are due by now (its deadline
/// has come), or the first one.
fn default_quarter(ctx: &rep::Context, now: chrono::NaiveDateTime) -> Option<Quarter> {
    ctx.periods
        .iter()
        .rfind(|p| p.state_at(now) != PeriodState::Upcoming)
        .or(ctx.periods.first())
        .map(|p| p.quarter)
}

/// The unit's quarters to report in the plan of the request scope, newest first.
async fn unit_quarters(
    state: &AppState,
    user: &CurrentUser,
    unit: &UnitRef,
    now: chrono::DateTime<chrono::Utc>,
) -> WebResult<Vec<QuarterRow>> {
    let local = cst_from_utc(now);
    let ctx = web_rep::context(state, &user.user.username, now).await?;
    let reports = state.store().reports(None).await?;
    let unit_name = &unit.name;
    let inputs = ctx.inputs();
    Ok(ctx
        .periods
        .iter()
        .filter(|p| p.state_at(local) != PeriodState::Upcoming)
        .filter_map(|p| {
            let scope = inputs.scope(unit_name, p.quarter);
            if scope.is_empty() {
                return None;
            }
            let r = reports
                .iter()
                .find(|r| r.unit == *unit_name && r.period == p.quarter);
            let deadline = p.deadline_for(unit_name);
            let due = due_state(r.map(|r| &r.record), deadline, local);
            Some(QuarterRow {
                href: format!("/reports/{}/{}", unit.id, p.quarter),
                plan: None,
                code: p.quarter.to_string(),
                label: p.quarter.label_zh(),
                deadline: deadline.format("%Y-%m-%d").to_string(),
                state: due.state.label_zh(),
                badge: due_badge(due.state),
                late: due.late,
                tasks: scope.rows.len(),
                indicators: scope.indicators.len(),
            })
        })
        .rev()
        .collect())
}

/// 我的填报 (a unit's quarters) or, for the office and readers, who has reported in a quarter.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ReportsQuery>,
) -> WebResult<Response> {
    user.require(Permission::ReadReports)?;
    let now = app::now();
    let local = cst_from_utc(now);
    let c = Chrome::new(&state, &user, "reports", "填报").await?;
    if let Some(unit_name) = user
        .user
        .unit
        .clone()
        .filter(|_| user.user.role.is_unit_bound())
    {
        let unit = unit_by_name(&state, &unit_name).await?;
        // One 我的填报 across every active plan the unit reports to (issue 17).
        let plans = state.plan_list().await?;
        let active: Vec<&planwatch_store::PlanInfo> = plans
            .iter()
            .filter(|p| p.state == planwatch_store::PlanState::Active)
            .collect();
        let quarters = if active.len() > 1 {
            let mut all = Vec::new();
            for p in active {
                let rows = planwatch_store::in_plan(p.id, unit_quarters(&state, &user, &unit, now))
                    .await?;
                all.extend(rows.into_iter().map(|mut r| {
                    r.href = format!("{}{}", crate::plans::prefix(&p.code), r.href);
                    r.plan = Some(p.title.clone());
                    r
                }));
            }
            // Newest quarter first across the plans, then by plan.
            all.sort_by(|a, b| b.code.cmp(&a.code));
            all
        } else {
            unit_quarters(&state, &user, &unit, now).await?
        };
        let page = ReportsPage {
            c,
            unit: Some((unit.id, unit.name.into_string())),
            quarters,
            period: String::new(),
            period_label: String::new(),
            periods: Vec::new(),
            due: Vec::new(),
            state_filter: String::new(),
            q: String::new(),
            states: Vec::new(),
            may_urge: false,
        };
        return Ok(render(&page)?.into_response());
    }
    let ctx = web_rep::context(&state, &user.user.username, now).await?;
    let quarter = if q.period.is_empty() {
        default_quarter(&ctx, local)
    } else {
        Some(Quarter::parse(&q.period).map_err(|e| WebError::BadRequest(e.to_string()))?)
    };
    let Some(quarter) = quarter else {
        return Err(WebError::BadRequest("当前计划没有报送期".to_string()));
    };
    let units = state.units().await?;
    let lines = rep::due(state.store(), &ctx, quarter, now)
        .await
        .map_err(|e| WebError::BadRequest(format!("{e:#}")))?;
    let due = lines
        .into_iter()
        .map(|l| DueRow {
            unit_id: units.iter().find(|u| u.name == l.unit).map_or(0, |u| u.id),
            tasks: l.task_rows,
            indicators: l.indicators,
            deadline: l.deadline.format("%Y-%m-%d").to_string(),
            badge: due_badge(l.due.state),
            urgeable: matches!(
                l.due.state,
                DueState::Missing | DueState::NotStarted | DueState::Draft | DueState::Returned
            ),
            state: l.state_label,
            submitted: l
                .submitted_at
                .map(|t| t.format("%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            unit: l.unit.into_string(),
            key: l.due.state.as_str(),
        })
        .collect();
    let (due, export) = overview_filter(&state, &q, quarter, due).await?;
    if let Some(workbook) = export {
        return Ok(workbook);
    }
    let page = ReportsPage {
        c,
        unit: None,
        quarters: Vec::new(),
        period: quarter.to_string(),
        period_label: quarter.label_zh(),
        periods: ctx
            .periods
            .iter()
            .map(|p| (p.quarter.to_string(), p.quarter.label_zh()))
            .collect(),
        due,
        state_filter: q.state.clone(),
        q: q.q.clone(),
        states: [
            DueState::Missing,
            DueState::Returned,
            DueState::Late,
            DueState::Submitted,
            DueState::Accepted,
            DueState::AwaitingApproval,
            DueState::Draft,
            DueState::NotStarted,
        ]
        .into_iter()
        .map(|s| (s.as_str(), s.label_zh()))
        .collect(),
        may_urge: planwatch_app::policy::allows(user.user.role, Permission::ReviewReports),
    };
    Ok(render(&page)?.into_response())
}

/// One task row of the form.
pub struct FormRow {
    pub index: usize,
    pub key: String,
    pub task: String,
    pub item: String,
    pub due: String,
    pub role: &'static str,
    pub owns_status: bool,
    pub is_item: bool,
    pub contact: String,
    pub progress: String,
    pub cumulative: String,
    pub status: String,
    pub share: String,
    pub reached: String,
    pub problems: String,
    pub next: String,
    pub note: String,
    pub evidence: String,
    pub previous: String,
    /// Says exactly what last quarter's row said (沿用上季度, not edited since).
    pub carried: bool,
    pub contributions: Vec<String>,
    /// Evidence files attached to this row in the browser or the API.
    pub files: Vec<EvidenceLink>,
    errors: Vec<(TaskField, String)>,
    pub row_error: String,
}

/// One task of the form: its rows for this unit (the task as a whole and the breakdown items
/// the unit answers for) under one heading naming every role the unit has in it.
pub struct FormGroup {
    pub number: u32,
    pub task: String,
    pub roles: String,
    pub rows: Vec<FormRow>,
}

impl FormGroup {
    pub fn has_errors(&self) -> bool {
        self.rows.iter().any(FormRow::has_errors)
    }
    pub fn filled(&self) -> bool {
        self.rows.iter().all(|r| !r.progress.is_empty())
    }
    pub fn carried(&self) -> bool {
        self.rows.iter().any(|r| r.carried)
    }
}

/// Groups the form's rows by task, in their order (a task's rows are consecutive in a scope).
fn group_rows(rows: Vec<FormRow>, numbers: &[u32]) -> Vec<FormGroup> {
    let mut groups: Vec<FormGroup> = Vec::new();
    for (row, number) in rows.into_iter().zip(numbers) {
        match groups.last_mut() {
            Some(g) if g.number == *number => g.rows.push(row),
            _ => groups.push(FormGroup {
                number: *number,
                task: row.task.clone(),
                roles: String::new(),
                rows: vec![row],
            }),
        }
    }
    for g in &mut groups {
        let mut roles: Vec<String> = Vec::new();
        for r in g.rows.iter().filter(|r| !r.is_item) {
            if !roles.iter().any(|x| x == r.role) {
                roles.push(r.role.to_string());
            }
        }
        let items = g.rows.iter().filter(|r| r.is_item).count();
        if items > 0 {
            roles.push(format!("负责分解事项 {items} 项"));
        }
        g.roles = roles.join(" · ");
    }
    groups
}

/// An evidence file as a row shows it: its name, size and download link.
pub struct EvidenceLink {
    pub id: i64,
    pub name: String,
    pub size: String,
    pub href: String,
}

impl FormRow {
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || !self.row_error.is_empty()
    }

    pub fn err(&self, field: &str) -> String {
        let f = match field {
            "contact" => TaskField::Contact,
            "progress" => TaskField::Progress,
            "cumulative" => TaskField::Cumulative,
            "status" => TaskField::Status,
            "share" => TaskField::Share,
            "reached" => TaskField::Reached,
            "problems" => TaskField::Problems,
            "next" => TaskField::NextSteps,
            "evidence" => TaskField::Evidence,
            _ => TaskField::Note,
        };
        self.errors
            .iter()
            .filter(|(g, _)| *g == f)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join("；")
    }
}

/// One indicator row of the form.
pub struct IndicatorFormRow {
    pub index: usize,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub target: String,
    pub previous: String,
    pub value: String,
    pub source: String,
    pub note: String,
    pub files: Vec<EvidenceLink>,
    errors: Vec<(IndicatorField, String)>,
    pub row_error: String,
}

impl IndicatorFormRow {
    pub fn err(&self, field: &str) -> String {
        let f = match field {
            "value" => IndicatorField::Value,
            "source" => IndicatorField::Source,
            _ => IndicatorField::Note,
        };
        self.errors
            .iter()
            .filter(|(g, _)| *g == f)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join("；")
    }
}

pub struct EventRow {
    pub at: String,
    pub action: String,
    pub by: String,
    pub state: &'static str,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    c: Chrome,
    unit_id: i64,
    unit: String,
    quarter: String,
    quarter_label: String,
    deadline: String,
    state: &'static str,
    badge: &'static str,
    version: u64,
    comment: String,
    period_notice: String,
    editable: bool,
    can_ready: bool,
    can_approve: bool,
    can_submit: bool,
    can_review: bool,
    can_reopen: bool,
    can_upload: bool,
    /// The unit may ask the office for more time (no request of it is open).
    can_ask_extension: bool,
    /// The unit's extension requests for this quarter, in words.
    extension_requests: Vec<String>,
    groups: Vec<FormGroup>,
    rows_total: usize,
    filled_rows: usize,
    carried_rows: usize,
    can_carry: bool,
    evidence_limit: String,
    accept: &'static str,
    indicators: Vec<IndicatorFormRow>,
    filled_by: String,
    phone: String,
    filled_by_error: String,
    phone_error: String,
    general: Vec<String>,
    notice: Option<String>,
    upload_problems: Vec<String>,
    events: Vec<EventRow>,
    statuses: Vec<&'static str>,
    demo: bool,
}

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    ok: String,
}

fn notice(code: &str) -> Option<String> {
    Some(
        match code {
            "draft" => "草稿已保存。",
            "ready" => {
                "已提请单位负责人审核：负责人的待办中会出现这份报告，审核通过后报送领导小组办公室。"
            }
            "submitted" => "已报送领导小组办公室。",
            "accepted" => "已采纳，指标数值已计入监测。",
            "returned" => "已退回，单位修改后重新报送。",
            "reopened" => "已重新开放，单位可修改后重新报送。",
            "uploaded" => "Excel 报送表已读入并保存。",
            "extension_asked" => "延期申请已提交，领导小组办公室的待办中会出现这份申请。",
            "evidence" => "佐证材料已上传。",
            "evidence_removed" => "佐证材料已删除。",
            _ => return None,
        }
        .to_string(),
    )
}

/// Everything needed to show one report.
pub(super) struct Loaded {
    pub(super) ctx: std::sync::Arc<rep::Context>,
    pub(super) unit: UnitRef,
    pub(super) quarter: Quarter,
    stored: Option<planwatch_store::StoredReport>,
    reports: Vec<planwatch_store::StoredReport>,
    history: std::collections::BTreeMap<String, Vec<(Quarter, f64)>>,
}

pub(super) async fn load(
    state: &AppState,
    user: &CurrentUser,
    unit_id: &str,
    quarter: &str,
) -> WebResult<Loaded> {
    user.require(Permission::ReadReports)?;
    let unit = unit_by_id(state, unit_id).await?;
    if !may_read_unit(&user.user, &unit.name) {
        return Err(WebError::Forbidden(format!(
            "您只能查看本单位（{}）的报告，不能查看“{}”的报告。",
            user.user.unit.clone().unwrap_or_default(),
            unit.name
        )));
    }
    let quarter = parse_quarter(quarter)?;
    let now = app::now();
    let ctx = web_rep::context(state, &user.user.username, now).await?;
    ctx.period(quarter).map_err(|_| WebError::NotFound)?;
    if ctx.inputs().scope(&unit.name, quarter).is_empty() {
        return Err(WebError::NotFound);
    }
    let reports = state.store().reports(Some(quarter)).await?;
    let stored = reports.iter().find(|r| r.unit == unit.name).cloned();
    let history = state.store().indicator_history().await?;
    Ok(Loaded {
        ctx,
        unit,
        quarter,
        stored,
        reports,
        history,
    })
}

/// Builds the page from what is stored, or from what was typed (`typed`) with its problems.
#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    user: &CurrentUser,
    l: &Loaded,
    typed: Option<&ReportContent>,
    posted: Option<&Posted>,
    problems: &Problems,
    general: Vec<String>,
    notice: Option<String>,
    upload_problems: Vec<String>,
) -> WebResult<ReportPage> {
    // Numbers and dates as typed (content keeps only what could be read).
    let raw = |name: String, from_content: String| match posted {
        Some(p) => p.get(&name).to_string(),
        None => from_content,
    };
    let now = app::now();
    let local = cst_from_utc(now);
    let inputs = l.ctx.inputs();
    let scope = inputs.scope(&l.unit.name, l.quarter);
    let period = l.ctx.period(l.quarter).map_err(WebError::Internal)?;
    let record = l.stored.as_ref().map(|r| &r.record);
    let content = typed.or(l.stored.as_ref().map(|r| &*r.content));
    let previous = state.store().report(&l.unit.name, l.quarter.prev()).await?;
    let prev_values = web_rep::previous_values(&l.history, l.quarter);
    let contributions = web_rep::contributions(&l.ctx, &scope, &l.reports);
    let attached = state
        .store()
        .report_evidence(&l.unit.name, l.quarter)
        .await?;
    let files = |kind: EvidenceRow, key: &str| -> Vec<EvidenceLink> {
        attached
            .iter()
            .filter(|e| e.row == kind && e.row_key == key)
            .map(|e| EvidenceLink {
                id: e.id,
                name: e.name.clone(),
                size: planwatch_quarterly::evidence::megabytes(e.size),
                href: format!("/reports/{}/{}/evidence/{}", l.unit.id, l.quarter, e.id),
            })
            .collect()
    };
    let st = record.map(|r| r.state);
    let deadline = period.deadline_for(&l.unit.name);
    let due = due_state(record, deadline, local);
    let period_state = period.state_at(local);
    let open = matches!(period_state, PeriodState::Open | PeriodState::Closed);
    let own = may_edit_unit(&user.user, &l.unit.name);
    let editable = own && open && st.is_none_or(ReportState::is_with_unit);
    let role = user.user.role;
    let period_notice = match period_state {
        PeriodState::Locked => format!("{}已锁定，暂不能填报或报送。", l.quarter.label_zh()),
        PeriodState::Upcoming => format!("{}尚未开始。", l.quarter.label_zh()),
        PeriodState::Closed
            if own && !matches!(st, Some(ReportState::Accepted | ReportState::Submitted)) =>
        {
            format!("报送期限 {deadline} 已过，现在报送将记为逾期报送。")
        }
        _ => String::new(),
    };
    let numbers: Vec<u32> = scope.rows.iter().map(|r| r.task.number).collect();
    let rows: Vec<FormRow> = scope
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let t = content.and_then(|c| c.task(&row.key));
            let prev = previous.as_ref().and_then(|p| p.content.task(&row.key));
            let carried = matches!((t, prev), (Some(t), Some(p)) if t.is_carried_from(p));
            let task_no = row.task.number;
            FormRow {
                index: i,
                key: row.key.encode(),
                task: format!("任务{}：{}", task_no, row.task.title),
                item: row
                    .item
                    .map(|it| format!("{}：{}", it.kind.label_zh(), it.title))
                    .unwrap_or_default(),
                due: row
                    .item
                    .map(|it| it.due.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                role: web_rep::role_label(row.role),
                owns_status: row.role.owns_status(),
                is_item: row.item.is_some(),
                contact: t.map(|t| t.contact.clone()).unwrap_or_default(),
                progress: t.map(|t| t.progress.clone()).unwrap_or_default(),
                cumulative: t.map(|t| t.cumulative.clone()).unwrap_or_default(),
                status: t
                    .and_then(|t| t.status)
                    .map(TaskStatus::label_zh)
                    .unwrap_or_default()
                    .to_string(),
                share: raw(
                    format!("t{i}_share"),
                    t.and_then(|t| t.share_complete)
                        .map(format::number)
                        .unwrap_or_default(),
                ),
                reached: raw(
                    format!("t{i}_reached"),
                    t.and_then(|t| t.reached_on)
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                ),
                problems: t.map(|t| t.problems.clone()).unwrap_or_default(),
                next: t.map(|t| t.next_steps.clone()).unwrap_or_default(),
                note: t.map(|t| t.note.clone()).unwrap_or_default(),
                evidence: t.map(|t| t.evidence.join("；")).unwrap_or_default(),
                previous: prev
                    .map(|p| {
                        let s = p.status.map(TaskStatus::label_zh).unwrap_or("");
                        format!(
                            "{}{}",
                            if s.is_empty() {
                                String::new()
                            } else {
                                format!("【{s}】")
                            },
                            p.progress
                        )
                    })
                    .unwrap_or_default(),
                carried,
                files: files(EvidenceRow::Task, &row.key.encode()),
                contributions: contributions
                    .get(&task_no)
                    .map(|cs| cs.iter().map(|c| c.summary_zh()).collect())
                    .unwrap_or_default(),
                errors: TaskField::ALL
                    .into_iter()
                    .filter_map(|f| {
                        let m = problems.at(&Place::Task {
                            index: i,
                            field: Some(f),
                        });
                        (!m.is_empty()).then_some((f, m))
                    })
                    .collect(),
                row_error: problems.at(&Place::Task {
                    index: i,
                    field: None,
                }),
            }
        })
        .collect();
    let indicators = scope
        .indicators
        .iter()
        .enumerate()
        .map(|(i, def)| {
            let v = content.and_then(|c| c.indicator(&def.code));
            let unit = def.unit.clone().unwrap_or_default();
            let target = def
                .target_for_year(l.quarter.year())
                .or(def.targets.last())
                .map(|t| format!("{}{}（{}年）", format::number(t.value), unit, t.year))
                .unwrap_or_default();
            IndicatorFormRow {
                index: i,
                code: def.code.to_string(),
                name: def.name.clone(),
                target,
                previous: prev_values
                    .get(def.code.as_str())
                    .map(|(q, v)| format!("{}{}（{}）", format::number(*v), unit, q.label_zh()))
                    .unwrap_or_default(),
                unit,
                value: raw(
                    format!("v{i}_value"),
                    v.and_then(|v| v.value)
                        .map(format::number)
                        .unwrap_or_default(),
                ),
                source: v.map(|v| v.source.clone()).unwrap_or_default(),
                note: v.map(|v| v.note.clone()).unwrap_or_default(),
                files: files(EvidenceRow::Indicator, def.code.as_str()),
                errors: IndicatorField::ALL
                    .into_iter()
                    .filter_map(|f| {
                        let m = problems.at(&Place::Indicator {
                            index: i,
                            field: Some(f),
                        });
                        (!m.is_empty()).then_some((f, m))
                    })
                    .collect(),
                row_error: problems.at(&Place::Indicator {
                    index: i,
                    field: None,
                }),
            }
        })
        .collect();
    let mut general = general;
    general.extend(
        problems
            .by_place
            .get(&Place::Report)
            .cloned()
            .unwrap_or_default(),
    );
    let people = state.people().await?;
    let requests: Vec<planwatch_store::ExtensionRequest> = state
        .store()
        .extension_requests(false)
        .await?
        .into_iter()
        .filter(|x| x.unit == l.unit.name && x.period == l.quarter)
        .collect();
    // A run of saves by one person is one line (a data platform may save thousands of times).
    let events = l
        .stored
        .as_ref()
        .map(|r| {
            planwatch_quarterly::history_lines(&r.events)
                .into_iter()
                .rev()
                .map(|l| {
                    let e = l.event;
                    let time = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M").to_string();
                    // A run of saves shows its first and last time in the time column (the
                    // comment column is for the office's and the head's comments).
                    let (action, at) = if l.saves > 1 {
                        let (first, last) = (time(l.first_at), time(e.at));
                        (
                            format!("{}（{} 次）", e.action.label_zh(), l.saves),
                            if first == last {
                                last
                            } else {
                                format!("{first} 至 {last}")
                            },
                        )
                    } else {
                        (e.action.label_zh().to_string(), time(e.at))
                    };
                    EventRow {
                        at,
                        action,
                        by: people.name_with_role(&e.by, e.role.label_zh()),
                        state: e.to.label_zh(),
                        comment: e.comment.clone().unwrap_or_default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(ReportPage {
        c: Chrome::new(
            state,
            user,
            "reports",
            format!("{} {}", l.unit.name, l.quarter.label_zh()),
        )
        .await?,
        unit_id: l.unit.id,
        unit: l.unit.name.to_string(),
        quarter: l.quarter.to_string(),
        quarter_label: l.quarter.label_zh(),
        deadline: deadline.format("%Y-%m-%d").to_string(),
        state: if st.is_some() {
            st.map_or("", ReportState::label_zh)
        } else {
            due.state.label_zh()
        },
        badge: if st.is_some() {
            state_badge(st)
        } else {
            due_badge(due.state)
        },
        version: record.map_or(0, |r| r.version),
        comment: record
            .and_then(|r| r.open_comment())
            .map(str::to_string)
            .unwrap_or_default(),
        period_notice,
        editable,
        can_ready: editable && role == Role::Reporter,
        can_approve: editable && role == Role::UnitHead,
        can_submit: own && open && role == Role::Reporter && st == Some(ReportState::Approved),
        can_review: role == Role::Office && st == Some(ReportState::Submitted),
        can_reopen: role == Role::Office && st == Some(ReportState::Accepted),
        can_upload: editable,
        can_ask_extension: own
            && !matches!(period_state, PeriodState::Locked | PeriodState::Upcoming)
            && !matches!(st, Some(ReportState::Submitted | ReportState::Accepted))
            && !requests.iter().any(|x| x.decision.is_none()),
        extension_requests: requests
            .iter()
            .map(|x| {
                let state = match x.decision.as_deref() {
                    None => "办公室审批中".to_string(),
                    Some("granted") => "已批准".to_string(),
                    Some(_) => format!(
                        "不予延期{}",
                        x.note
                            .as_deref()
                            .map(|n| format!("：{n}"))
                            .unwrap_or_default()
                    ),
                };
                format!(
                    "申请延至 {}（{}）：{state}",
                    x.until.format("%Y-%m-%d"),
                    x.reason
                )
            })
            .collect(),
        can_carry: editable && previous.is_some(),
        evidence_limit: planwatch_quarterly::evidence::megabytes(l.ctx.settings.max_evidence_bytes),
        accept: ".pdf,.png,.jpg,.jpeg,.doc,.docx,.xls,.xlsx,.pptx,.ofd",
        rows_total: rows.len(),
        filled_rows: rows
            .iter()
            .filter(|r: &&FormRow| !r.progress.is_empty())
            .count(),
        carried_rows: rows.iter().filter(|r| r.carried).count(),
        groups: group_rows(rows, &numbers),
        indicators,
        filled_by: content.map(|c| c.filled_by.clone()).unwrap_or_default(),
        phone: content.map(|c| c.phone.clone()).unwrap_or_default(),
        filled_by_error: problems.at(&Place::FilledBy),
        phone_error: problems.at(&Place::Phone),
        general,
        notice,
        upload_problems,
        events,
        statuses: TaskStatus::REPORTED.iter().map(|s| s.label_zh()).collect(),
        demo: l.stored.as_ref().is_some_and(|r| r.content.demo),
    })
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((unit_id, quarter)): Path<(String, String)>,
    Query(q): Query<ReportQuery>,
) -> WebResult<Response> {
    let l = load(&state, &user, &unit_id, &quarter).await?;
    let (problems, general) = kept_problems(&user, &l);
    let p = page(
        &state,
        &user,
        &l,
        None,
        None,
        &problems,
        general,
        notice(&q.ok),
        Vec::new(),
    )
    .await?;
    Ok(render(&p)?.into_response())
}

/// What is still wrong with a saved draft, for its own unit: the validator's problems with the
/// stored content (a draft may be saved with them; approving and sending are refused until they
/// are put right), each shown at its field, with one line saying how many.
fn kept_problems(user: &CurrentUser, l: &Loaded) -> (Problems, Vec<String>) {
    let Some(stored) = l.stored.as_ref() else {
        return (Problems::default(), Vec::new());
    };
    if !may_edit_unit(&user.user, &l.unit.name)
        || !matches!(
            stored.record.state,
            ReportState::Draft | ReportState::Returned
        )
    {
        return (Problems::default(), Vec::new());
    }
    let scope = l.ctx.inputs().scope(&l.unit.name, l.quarter);
    match web_rep::validate(
        &l.ctx,
        &scope,
        &stored.content,
        &l.history,
        false,
        Problems::default(),
    ) {
        Ok(_) => (Problems::default(), Vec::new()),
        Err(p) => {
            let n = p.count();
            (p, vec![draft_problems_line(n)])
        }
    }
}

fn draft_problems_line(n: usize) -> String {
    format!(
        "草稿中有 {n} 处需要修改（已标红并说明原因）；修改前可以继续保存草稿，但不能提请审核或报送。"
    )
}

/// The page again with what was typed and why it was not saved (422, nothing saved).
#[allow(clippy::too_many_arguments)]
pub(super) async fn refused(
    state: &AppState,
    user: &CurrentUser,
    l: &Loaded,
    typed: Option<&ReportContent>,
    posted: Option<&Posted>,
    problems: &Problems,
    general: Vec<String>,
    upload_problems: Vec<String>,
) -> WebResult<Response> {
    let p = page(
        state,
        user,
        l,
        typed,
        posted,
        problems,
        general,
        None,
        upload_problems,
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
}

pub(super) fn back(l: &Loaded, ok: &str) -> Response {
    Redirect::to(&format!("/reports/{}/{}?ok={ok}", l.unit.id, l.quarter)).into_response()
}

/// Saves the form: a draft, a complete report for the head, the head's approval and submission,
/// or the submission of an approved report.
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((unit_id, quarter)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let l = load(&state, &user, &unit_id, &quarter).await?;
    if !may_edit_unit(&user.user, &l.unit.name) {
        return Err(WebError::Forbidden(format!(
            "只有“{}”的填报员和单位负责人可以填报该单位的报告。",
            l.unit.name
        )));
    }
    let form = Posted::new(pairs);
    // 沿用上季度: blank rows are filled from last quarter's report and saved as a draft.
    let carry = form.get("intent") == "carry";
    let intent = if carry {
        Intent::Draft
    } else {
        Intent::parse(form.get("intent"))
            .ok_or_else(|| WebError::BadRequest("未知的操作".to_string()))?
    };
    let version: u64 = form.get("version").parse().unwrap_or(0);
    let scope = l.ctx.inputs().scope(&l.unit.name, l.quarter);
    let now = app::now();
    let content = if intent == Intent::Submit {
        None
    } else {
        let mut problems = Problems::default();
        let mut typed = web_rep::content_from_form(
            &scope,
            l.stored.as_ref().map(|r| &*r.content),
            &form,
            &mut problems,
        )?;
        let mut carried = 0;
        if carry {
            let previous = state.store().report(&l.unit.name, l.quarter.prev()).await?;
            if let Some(p) = previous {
                carried = planwatch_quarterly::content::carry_forward(&mut typed, &p.content);
            }
        }
        match web_rep::validate(
            &l.ctx,
            &scope,
            &typed,
            &l.history,
            intent.strict(),
            problems,
        ) {
            Ok(_) if carry => {
                return save_draft_anyway(
                    &state,
                    &user,
                    &l,
                    &typed,
                    None,
                    version,
                    &Problems::default(),
                    carry_line(carried),
                    now,
                )
                .await;
            }
            Ok(checked) => Some(checked),
            Err(found) => {
                // A draft is kept with its problems (shown at their fields); asking for approval
                // or sending is what they block.
                let why = if carry {
                    carry_line(carried)
                } else if intent == Intent::Draft {
                    String::new()
                } else {
                    "尚未提请审核或报送。".to_string()
                };
                let strict = intent.strict();
                let outcome = save_draft_anyway(
                    &state,
                    &user,
                    &l,
                    &typed,
                    Some(&form),
                    version,
                    &found,
                    why,
                    now,
                )
                .await;
                return match outcome {
                    Ok(r) if strict => Ok((StatusCode::UNPROCESSABLE_ENTITY, r).into_response()),
                    other => other,
                };
            }
        }
    };
    match shown(
        web_rep::save(
            state.store(),
            &l.ctx,
            planwatch_app::Caller::User(&user.user),
            &l.unit.name,
            l.quarter,
            content.as_ref(),
            intent,
            version,
            now,
        )
        .await,
    )? {
        Ok(record) => {
            tracing::info!(user = %user.user.username, unit = %l.unit.name, quarter = %l.quarter, state = record.state.as_str(), "report saved");
            let ok = match (intent, record.state) {
                (_, ReportState::Submitted) => "submitted",
                (Intent::Ready, _) => "ready",
                _ => "draft",
            };
            Ok(back(&l, ok))
        }
        Err(m) => {
            let general = vec![format!("未保存：{m}")];
            refused(
                &state,
                &user,
                &l,
                content.as_ref(),
                Some(&form),
                &Problems::default(),
                general,
                Vec::new(),
            )
            .await
        }
    }
}

fn carry_line(n: usize) -> String {
    if n == 0 {
        "上季度报告中没有可沿用的内容（已填写的项不会被覆盖）。".to_string()
    } else {
        format!(
            "已沿用上季度填写 {n} 项，标为“沿用上季度”；请逐项核对修改，未修改的项在审核和报送时仍标为沿用上季度。"
        )
    }
}

/// Saves what was typed as a draft even though some of it is not right yet, and shows the form
/// again with the problems at their fields (they are kept: opening the report shows them again).
#[allow(clippy::too_many_arguments)]
async fn save_draft_anyway(
    state: &AppState,
    user: &CurrentUser,
    l: &Loaded,
    typed: &ReportContent,
    posted: Option<&Posted>,
    version: u64,
    found: &Problems,
    why: String,
    now: chrono::DateTime<chrono::Utc>,
) -> WebResult<Response> {
    let mut draft = typed.clone();
    draft.demo = false;
    match shown(
        web_rep::save(
            state.store(),
            &l.ctx,
            planwatch_app::Caller::User(&user.user),
            &l.unit.name,
            l.quarter,
            Some(&draft),
            Intent::Draft,
            version,
            now,
        )
        .await,
    )? {
        Ok(_) => {
            let fresh = load(state, user, &l.unit.id.to_string(), &l.quarter.to_string()).await?;
            let mut general = Vec::new();
            let mut notice_text = "草稿已保存。".to_string();
            if !found.is_empty() {
                general.push(draft_problems_line(found.count()));
            }
            if !why.is_empty() {
                notice_text.push_str(&why);
            }
            // Numbers and dates that could not be read are shown as typed, with their message.
            let (kept, _) = kept_problems(user, &fresh);
            let mut shown_problems = Problems::default();
            for (place, msgs) in found.by_place.iter().chain(kept.by_place.iter()) {
                for m in msgs {
                    if !shown_problems
                        .by_place
                        .get(place)
                        .is_some_and(|v| v.contains(m))
                    {
                        shown_problems.add(place.clone(), m.clone());
                    }
                }
            }
            let p = page(
                state,
                user,
                &fresh,
                None,
                posted,
                &shown_problems,
                general,
                Some(notice_text),
                Vec::new(),
            )
            .await?;
            Ok(render(&p)?.into_response())
        }
        Err(m) => {
            refused(
                state,
                user,
                l,
                Some(typed),
                posted,
                found,
                vec![format!("未保存：{m}")],
                Vec::new(),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct ReviewForm {
    action: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    version: u64,
}

/// The office accepts, returns (with a comment) or reopens a report.
pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((unit_id, quarter)): Path<(String, String)>,
    Form(f): Form<ReviewForm>,
) -> WebResult<Response> {
    user.require(Permission::ReviewReports)?;
    let l = load(&state, &user, &unit_id, &quarter).await?;
    let (action, ok) = match f.action.as_str() {
        "accept" => (planwatch_quarterly::Action::Accept, "accepted"),
        "return" => (
            planwatch_quarterly::Action::Return {
                comment: f.comment.trim().to_string(),
            },
            "returned",
        ),
        "reopen" => (
            planwatch_quarterly::Action::Reopen {
                reason: f.comment.trim().to_string(),
            },
            "reopened",
        ),
        _ => return Err(WebError::BadRequest("未知的审核操作".to_string())),
    };
    match shown(
        planwatch_app::reporting::review(
            state.store(),
            &l.ctx,
            planwatch_app::Caller::User(&user.user),
            &l.unit.name,
            l.quarter,
            action,
            Some(f.version),
            app::now(),
        )
        .await,
    )? {
        Ok(_) => Ok(back(&l, ok)),
        Err(m) => {
            let general = vec![format!("未完成：{m}")];
            refused(
                &state,
                &user,
                &l,
                None,
                None,
                &Problems::default(),
                general,
                Vec::new(),
            )
            .await
        }
    }
}

/// The unit's Excel form for the quarter, pre-filled with what is saved.
pub async fn template(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((unit_id, quarter)): Path<(String, String)>,
) -> WebResult<Response> {
    let l = load(&state, &user, &unit_id, &quarter).await?;
    let bytes = rep::template(state.store(), &l.ctx, &l.unit.name, l.quarter)
        .await
        .map_err(WebError::Internal)?;
    let name = format!("{}-{}季度报送表.xlsx", l.unit.name, l.quarter);
    let ascii = format!("report-{}.xlsx", l.quarter);
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        super::super::error::percent_encode(&name)
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// A filled Excel form uploaded in the browser: read with the same reader and rules as
/// `planwatch submit`; any problem and nothing is saved. (Evidence files named in it are kept as
/// names; the server never opens files by a name written in a workbook.)
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((unit_id, quarter)): Path<(String, String)>,
    mut multipart: Multipart,
) -> WebResult<Response> {
    let l = load(&state, &user, &unit_id, &quarter).await?;
    if !may_edit_unit(&user.user, &l.unit.name) {
        return Err(WebError::Forbidden(format!(
            "只有“{}”的填报员和单位负责人可以上传该单位的报送表。",
            l.unit.name
        )));
    }
    let mut bytes = Vec::new();
    let mut version = 0u64;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| super::super::error::multipart_error(&e))?
    {
        match field.name().unwrap_or_default() {
            "file" => {
                bytes = field
                    .bytes()
                    .await
                    .map_err(|e| super::super::error::multipart_error(&e))?
                    .to_vec();
            }
            "version" => {
                version = field
                    .text()
                    .await
                    .unwrap_or_default()
                    .trim()
                    .parse()
                    .unwrap_or(0);
            }
            _ => {}
        }
    }
    let not_imported = || vec!["Excel 报送表未导入，未作任何更改。".to_string()];
    let none = Problems::default();
    if bytes.is_empty() {
        let why = vec!["请选择要上传的 Excel 报送表（.xlsx）".to_string()];
        return refused(&state, &user, &l, None, None, &none, not_imported(), why).await;
    }
    let meta = match read_meta(&bytes, &l.ctx.settings) {
        Ok(m) => m,
        Err(e) => {
            let why = web_rep::upload_problems(&e);
            return refused(&state, &user, &l, None, None, &none, not_imported(), why).await;
        }
    };
    if meta.form != "quarterly"
        || meta.unit.as_deref() != Some(l.unit.name.as_str())
        || meta.period != l.quarter.to_string()
    {
        let why = vec![format!(
            "这不是“{}”{}的季度报送表（文件中为：{} {}）；请下载本页的模板填写",
            l.unit.name,
            l.quarter.label_zh(),
            meta.unit.clone().unwrap_or_default(),
            meta.period
        )];
        return refused(&state, &user, &l, None, None, &none, not_imported(), why).await;
    }
    let scope = l.ctx.inputs().scope(&l.unit.name, l.quarter);
    let mut history = l.history.clone();
    for v in history.values_mut() {
        v.retain(|(p, _)| *p != l.quarter);
    }
    let content = match planwatch_quarterly::xlsx::quarterly::read_quarterly(
        &bytes,
        &ReadContext {
            scope: &scope,
            history: &history,
            settings: &l.ctx.settings,
            require_complete: true,
        },
    ) {
        Ok(c) => c,
        Err(e) => {
            let why = web_rep::upload_problems(&e);
            return refused(&state, &user, &l, None, None, &none, not_imported(), why).await;
        }
    };
    let intent = if user.user.role == Role::UnitHead {
        Intent::ApproveSubmit
    } else {
        Intent::Ready
    };
    match shown(
        web_rep::save(
            state.store(),
            &l.ctx,
            planwatch_app::Caller::User(&user.user),
            &l.unit.name,
            l.quarter,
            Some(&content),
            intent,
            version,
            app::now(),
        )
        .await,
    )? {
        Ok(r) if r.state == ReportState::Submitted => Ok(back(&l, "submitted")),
        Ok(_) => Ok(back(&l, "uploaded")),
        Err(m) => {
            refused(
                &state,
                &user,
                &l,
                None,
                None,
                &none,
                not_imported(),
                vec![m],
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct ExtensionForm {
    #[serde(default)]
    until: String,
    #[serde(default)]
    reason: String,
}

/// 申请延期: the unit's reporter or head asks the office for a later deadline for this quarter.
pub async fn ask_extension(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((unit_id, quarter)): Path<(String, String)>,
    Form(f): Form<ExtensionForm>,
) -> WebResult<Response> {
    let l = load(&state, &user, &unit_id, &quarter).await?;
    if !may_edit_unit(&user.user, &l.unit.name) {
        return Err(WebError::Forbidden(format!(
            "只有“{}”的填报员和单位负责人可以为该单位申请延期。",
            l.unit.name
        )));
    }
    let outcome = match chrono::NaiveDate::parse_from_str(f.until.trim(), "%Y-%m-%d") {
        Ok(until) => {
            rep::ask_extension(
                state.store(),
                &l.ctx,
                planwatch_app::Caller::User(&user.user),
                &l.unit.name,
                l.quarter,
                until,
                &f.reason,
                planwatch_app::now(),
            )
            .await
        }
        Err(_) => Err(planwatch_app::AppError::Refused(format!(
            "申请延期至的日期“{}”无法识别，请写作 2024-10-20",
            f.until.trim()
        ))),
    };
    match super::super::error::shown(outcome)? {
        Ok(_) => Ok(Redirect::to(&format!(
            "/reports/{}/{}?ok=extension_asked",
            l.unit.id, l.quarter
        ))
        .into_response()),
        Err(e) => {
            let p = page(
                &state,
                &user,
                &l,
                None,
                None,
                &Problems::default(),
                vec![format!("延期申请未提交：{e}")],
                None,
                Vec::new(),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    }
}
