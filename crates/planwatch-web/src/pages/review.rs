//! 审核: the office's queue — reports submitted and waiting, reports returned and waiting for the
//! unit — and the periods with their deadlines, where the office grants a unit an extension.

use super::super::AppState;
use super::super::error::WebResult;
use super::super::policy::Permission;
use super::super::reporting as web_rep;
use super::super::session::CurrentUser;
use super::{Chrome, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use planwatch_app as app;
use planwatch_app::reporting as rep;
use planwatch_model::{Quarter, ReportState};
use planwatch_quarterly::period::cst_from_utc;
use planwatch_store::PeriodChange;
use serde::Deserialize;

pub struct QueueRow {
    pub unit_id: i64,
    pub unit: String,
    pub quarter: String,
    pub quarter_label: String,
    pub submitted: String,
    pub resubmitted: bool,
    pub late: bool,
    pub comment: String,
    pub demo: bool,
}

pub struct AskedRow {
    pub id: i64,
    pub unit: String,
    pub quarter_label: String,
    pub deadline: String,
    pub until: String,
    pub reason: String,
    pub asked: String,
}

pub struct PeriodRow {
    pub quarter: String,
    pub label: String,
    pub deadline: String,
    pub state: &'static str,
    pub extensions: Vec<String>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    c: Chrome,
    waiting: Vec<QueueRow>,
    returned: Vec<QueueRow>,
    periods: Vec<PeriodRow>,
    /// Units' requests for more time, not yet decided.
    asked: Vec<AskedRow>,
    units: Vec<String>,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ReviewQuery {
    #[serde(default)]
    ok: String,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    notice: Option<String>,
    error: Option<String>,
) -> WebResult<ReviewPage> {
    let now = app::now();
    let local = cst_from_utc(now);
    let ctx = web_rep::context(state, &user.user.username, now).await?;
    let units = state.units().await?;
    let reports = state.store().reports(None).await?;
    let row = |r: &planwatch_store::StoredReport| {
        let deadline = ctx.period(r.period).map(|p| p.deadline_for(&r.unit)).ok();
        QueueRow {
            unit_id: units.iter().find(|u| u.name == r.unit).map_or(0, |u| u.id),
            unit: r.unit.to_string(),
            quarter: r.period.to_string(),
            quarter_label: r.period.label_zh(),
            submitted: r
                .record
                .last_submitted_at
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            resubmitted: r.record.is_resubmission(),
            late: match (r.record.first_submitted_at, deadline) {
                (Some(t), Some(d)) => t.date() > d,
                _ => false,
            },
            comment: r.record.open_comment().unwrap_or_default().to_string(),
            demo: r.content.demo,
        }
    };
    let mut waiting: Vec<QueueRow> = reports
        .iter()
        .filter(|r| r.record.state == ReportState::Submitted)
        .map(row)
        .collect();
    waiting.sort_by(|a, b| a.submitted.cmp(&b.submitted));
    let mut returned: Vec<QueueRow> = reports
        .iter()
        .filter(|r| r.record.state == ReportState::Returned)
        .map(row)
        .collect();
    returned.sort_by(|a, b| b.quarter.cmp(&a.quarter).then(a.unit.cmp(&b.unit)));
    let periods = ctx
        .periods
        .iter()
        .rev()
        .map(|p| PeriodRow {
            quarter: p.quarter.to_string(),
            label: p.quarter.label_zh(),
            deadline: p.deadline.format("%Y-%m-%d").to_string(),
            state: p.state_at(local).label_zh(),
            extensions: p
                .extensions
                .iter()
                .map(|e| {
                    format!(
                        "{} 延至 {}（{}）",
                        e.unit,
                        e.until.format("%Y-%m-%d"),
                        e.reason
                    )
                })
                .collect(),
        })
        .collect();
    let people = state.people().await?;
    let asked = state
        .store()
        .extension_requests(true)
        .await?
        .into_iter()
        .map(|x| AskedRow {
            id: x.id,
            quarter_label: x.period.label_zh(),
            deadline: ctx
                .period(x.period)
                .map(|p| p.deadline_for(&x.unit).format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            until: x.until.format("%Y-%m-%d").to_string(),
            reason: x.reason,
            asked: format!(
                "{} {}",
                people.name(&x.asked_by),
                cst_from_utc(x.asked_at).format("%Y-%m-%d %H:%M")
            ),
            unit: x.unit.into_string(),
        })
        .collect();
    let mut unit_names = ctx.inputs().responsible_units(
        ctx.periods
            .last()
            .map(|p| p.quarter)
            .unwrap_or_else(|| Quarter::parse("2024Q4").expect("a valid quarter")),
    );
    unit_names.sort();
    Ok(ReviewPage {
        c: Chrome::new(state, user, "review", "审核").await?,
        waiting,
        returned,
        periods,
        asked,
        units: unit_names.into_iter().map(String::from).collect(),
        notice,
        error,
    })
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ReviewQuery>,
) -> WebResult<Response> {
    user.require(Permission::ReviewReports)?;
    let notice = match q.ok.as_str() {
        "extended" => Some("已批准延期。".to_string()),
        "refused" => Some("已不予延期，单位会在报告页看到。".to_string()),
        _ => None,
    };
    Ok(render(&page(&state, &user, notice, None).await?)?.into_response())
}

#[derive(Deserialize)]
pub struct ExtendForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    reason: String,
}

/// Grants one unit a later deadline for one quarter (audited; the reason is required).
pub async fn extend(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<ExtendForm>,
) -> WebResult<Response> {
    user.require(Permission::ReviewReports)?;
    // The periods exist once the reporting setup does (made on first use).
    web_rep::context(&state, &user.user.username, app::now()).await?;
    let parsed = (|| {
        let q = Quarter::parse(f.quarter.trim()).map_err(|e| e.to_string())?;
        let until = NaiveDate::parse_from_str(f.until.trim(), "%Y-%m-%d")
            .map_err(|_| format!("延期日期“{}”无法识别，请写作 2024-10-20", f.until.trim()))?;
        if f.unit.trim().is_empty() {
            return Err("请选择单位".to_string());
        }
        Ok((q, until))
    })();
    let outcome = match parsed {
        Ok((q, until)) => rep::change_period(
            state.store(),
            q,
            PeriodChange::Extend {
                unit: f.unit.trim().into(),
                until,
                reason: f.reason.trim().to_string(),
            },
            planwatch_app::Caller::User(&user.user),
            app::now(),
        )
        .await
        .map(|_| ()),
        Err(e) => Err(planwatch_app::AppError::Refused(e)),
    };
    let outcome = crate::error::shown(outcome)?;
    match outcome {
        Ok(()) => Ok(Redirect::to("/review?ok=extended").into_response()),
        Err(e) => {
            let p = page(&state, &user, None, Some(format!("未批准延期：{e}"))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

/// Grants or refuses a unit's extension request (granting moves the unit's deadline).
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Form(f): Form<DecideForm>,
) -> WebResult<Response> {
    user.require(Permission::ReviewReports)?;
    let grant = match f.decision.as_str() {
        "grant" => Ok(true),
        "refuse" => Ok(false),
        _ => Err(planwatch_app::AppError::Refused(
            "请选择批准或不予延期".to_string(),
        )),
    };
    let outcome = match grant {
        Ok(g) => rep::decide_extension(
            state.store(),
            planwatch_app::Caller::User(&user.user),
            id,
            g,
            &f.note,
            app::now(),
        )
        .await
        .map(|_| g),
        Err(e) => Err(e),
    };
    match crate::error::shown(outcome)? {
        Ok(true) => Ok(Redirect::to("/review?ok=extended").into_response()),
        Ok(false) => Ok(Redirect::to("/review?ok=refused").into_response()),
        Err(e) => {
            let p = page(&state, &user, None, Some(format!("延期申请未处理：{e}"))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    }
}
