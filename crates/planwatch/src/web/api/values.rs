//! Monitoring results and indicator values over the API: indicators with their lights and series,
//! unit scores, and — with a unit's API token — writing that unit's indicator values into its
//! quarterly report, validated exactly as the form and the Excel upload validate them. A value
//! written this way is a draft for the unit: its head still approves and submits the report.

use super::super::AppState;
use super::super::assessment;
use super::super::error::WebError;
use super::super::pages::dashboard::value_zh;
use super::super::policy::Permission;
use super::super::reporting::{self as web_rep, Intent, PlaceKey, Refusal};
use super::super::session::token_hash;
use super::{ApiError, ApiResult, ApiUser};
use crate::app;
use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use planwatch_model::{Quarter, ReportState, Role};
use planwatch_reporting::content::{IndicatorRow, ReportContent};
use planwatch_store::{ApiToken, User};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    period: String,
}

async fn assessed(state: &AppState, q: &PeriodQuery) -> Result<assessment::Assessed, ApiError> {
    let period = if q.period.is_empty() {
        None
    } else {
        Some(Quarter::parse(&q.period).map_err(|e| WebError::BadRequest(e.to_string()))?)
    };
    assessment::assessed(state, period)
        .await?
        .ok_or(ApiError(WebError::NotFound))
}

#[derive(Serialize)]
pub struct Observation {
    quarter: String,
    value: f64,
    source: String,
}

#[derive(Serialize)]
pub struct IndicatorDoc {
    id: String,
    name: String,
    unit: Option<String>,
    reporter: String,
    light: planwatch_monitor::measure::Light,
    status: planwatch_monitor::indicator::IndicatorStatus,
    status_label: &'static str,
    latest: Option<Observed>,
    target: Option<TargetDoc>,
    forecast: Option<String>,
    explanation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    series: Option<Vec<Observation>>,
}

#[derive(Serialize)]
pub struct Observed {
    at: String,
    value: f64,
    text: String,
}

#[derive(Serialize)]
pub struct TargetDoc {
    comparator: &'static str,
    value: f64,
    at: String,
}

#[derive(Serialize)]
pub struct IndicatorsDoc {
    period: String,
    as_of: String,
    demo: bool,
    indicators: Vec<IndicatorDoc>,
}

fn indicator_doc(
    a: &assessment::Assessed,
    i: &planwatch_monitor::indicator::IndicatorAssessment,
    series: bool,
) -> IndicatorDoc {
    let o = &a.outcome;
    IndicatorDoc {
        id: i.id.clone(),
        name: i.name.clone(),
        unit: i.unit.clone(),
        reporter: a
            .sources
            .catalogue
            .by_code(&i.id)
            .map(|d| d.reporter.clone())
            .unwrap_or_default(),
        light: i.light,
        status: i.status,
        status_label: i.status.label_zh(),
        latest: i.latest.as_ref().map(|l| Observed {
            at: l.at.label_zh(),
            value: l.value,
            text: value_zh(o, i, l.value),
        }),
        target: i.current_target.as_ref().map(|t| TargetDoc {
            comparator: t.comparator.symbol(),
            value: t.value,
            at: t.at.label_zh(),
        }),
        forecast: i.forecast.as_ref().map(|f| f.explanation.clone()),
        explanation: i.explanation.clone(),
        series: series.then(|| {
            let mut s: Vec<Observation> = a
                .sources
                .values
                .iter()
                .filter(|v| v.code == i.id && v.quarter <= a.period)
                .map(|v| Observation {
                    quarter: v.quarter.to_string(),
                    value: v.value,
                    source: v.source.clone(),
                })
                .collect();
            s.sort_by(|x, y| x.quarter.cmp(&y.quarter));
            s
        }),
    }
}

pub async fn indicators(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<IndicatorsDoc> {
    caller.require_read()?;
    let a = assessed(&state, &q).await?;
    Ok(Json(IndicatorsDoc {
        period: a.period.to_string(),
        as_of: a.as_of.to_string(),
        demo: a.outcome.assessment.demo,
        indicators: a
            .outcome
            .assessment
            .indicators
            .iter()
            .map(|i| indicator_doc(&a, i, false))
            .collect(),
    }))
}

pub async fn indicator(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<IndicatorDoc> {
    caller.require_read()?;
    let a = assessed(&state, &q).await?;
    let i = a
        .outcome
        .assessment
        .indicators
        .iter()
        .find(|i| i.id == id)
        .ok_or(ApiError(WebError::NotFound))?;
    Ok(Json(indicator_doc(&a, i, true)))
}

#[derive(Serialize)]
pub struct ScoreDoc {
    name: String,
    class: Option<String>,
    rank: Option<u32>,
    class_size: Option<u32>,
    score: f64,
}

#[derive(Serialize)]
pub struct ScoresDoc {
    period: String,
    as_of: String,
    demo: bool,
    overall: Option<f64>,
    indicator_index: Option<f64>,
    units: Vec<ScoreDoc>,
    task_forces: Vec<ScoreDoc>,
    areas: Vec<ScoreDoc>,
}

pub async fn scores(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<ScoresDoc> {
    caller.require_read()?;
    let a = assessed(&state, &q).await?;
    let x = &a.outcome.assessment;
    let group = |g: &planwatch_monitor::scoring::GroupScore| ScoreDoc {
        name: g.name.clone(),
        class: None,
        rank: g.rank,
        class_size: None,
        score: g.score.total.as_f64(),
    };
    Ok(Json(ScoresDoc {
        period: a.period.to_string(),
        as_of: a.as_of.to_string(),
        demo: x.demo,
        overall: x.overall.units.as_ref().map(|u| u.total.as_f64()),
        indicator_index: x.overall.indicator_index,
        units: x
            .units
            .iter()
            .map(|u| ScoreDoc {
                name: u.name.clone(),
                class: u.class.clone(),
                rank: u.rank,
                class_size: u.class_size,
                score: u.score.total.as_f64(),
            })
            .collect(),
        task_forces: x.task_forces.iter().map(group).collect(),
        areas: x.areas.iter().map(group).collect(),
    }))
}

/// Who calls the API: a signed-in person (session cookie, reads only) or a unit's API token
/// (`Authorization: Bearer …`).
pub enum Caller {
    User(super::super::session::CurrentUser),
    Token(ApiToken),
}

impl Caller {
    fn require_read(&self) -> Result<(), ApiError> {
        match self {
            Caller::User(u) => u.require(Permission::ReadPlan).map_err(ApiError),
            Caller::Token(_) => Ok(()),
        }
    }
}

fn bearer(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(t) = bearer(parts) {
            return match state.store().api_token(&token_hash(&t)).await? {
                Some(tok) => Ok(Caller::Token(tok)),
                None => Err(ApiError(WebError::NotSignedIn {
                    next: String::new(),
                })),
            };
        }
        ApiUser::from_request_parts(parts, state)
            .await
            .map(|ApiUser(u)| Caller::User(u))
    }
}

#[derive(Deserialize)]
pub struct ValueInput {
    /// The indicator's id (`doctors-per-1000`).
    indicator: String,
    /// The quarter (`2024Q3`).
    quarter: String,
    value: f64,
    #[serde(default)]
    source: String,
    #[serde(default)]
    note: String,
}

#[derive(Serialize)]
pub struct ValueSaved {
    unit: String,
    quarter: String,
    indicator: String,
    value: f64,
    report_state: &'static str,
    version: u64,
}

#[derive(Serialize)]
struct Problems {
    error: ProblemsDetail,
}

#[derive(Serialize)]
struct ProblemsDetail {
    code: &'static str,
    message: String,
    problems: Vec<String>,
}

fn problems(status: StatusCode, code: &'static str, message: &str, list: Vec<String>) -> Response {
    (
        status,
        Json(Problems {
            error: ProblemsDetail {
                code,
                message: message.to_string(),
                problems: list,
            },
        }),
    )
        .into_response()
}

/// Writes one indicator value into the token's unit's report for the quarter (a draft).
pub async fn write_value(
    State(state): State<AppState>,
    parts_caller: Caller,
    Json(input): Json<ValueInput>,
) -> Result<Response, ApiError> {
    let Caller::Token(token) = parts_caller else {
        return Err(ApiError(WebError::Forbidden(
            "写入指标数值需要单位的接口令牌（Authorization: Bearer …）；登录会话只能读取"
                .to_string(),
        )));
    };
    let now = app::now();
    let q = Quarter::parse(&input.quarter).map_err(|e| WebError::BadRequest(e.to_string()))?;
    // The token acts as a reporter of its unit, under its own name in the audit trail.
    let user = User {
        id: 0,
        username: format!("api:{}", token.name),
        display_name: token.name.clone(),
        role: Role::Reporter,
        unit: Some(token.unit.clone()),
        task_force: None,
        disabled_at: None,
        created_at: token.created_at,
        updated_at: token.created_at,
    };
    let ctx = web_rep::context(&state, &user.username, now).await?;
    if ctx.period(q).is_err() {
        return Ok(problems(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_quarter",
            &format!("{}不在计划期内", q.label_zh()),
            Vec::new(),
        ));
    }
    let scope = ctx.inputs().scope(&token.unit, q);
    let Some(index) = scope
        .indicators
        .iter()
        .position(|d| d.code == input.indicator)
    else {
        return Err(ApiError(WebError::Forbidden(format!(
            "指标“{}”不由“{}”报送，该令牌不能写入",
            input.indicator, token.unit
        ))));
    };
    let stored = state.store().report(&token.unit, q).await?;
    if let Some(r) = &stored
        && matches!(
            r.record.state,
            ReportState::Submitted | ReportState::Accepted
        )
    {
        return Ok(problems(
            StatusCode::CONFLICT,
            "report_closed",
            &format!(
                "“{}”{}的报告已{}，不能再写入；如需更正请联系领导小组办公室退回或重新开放",
                token.unit,
                q.label_zh(),
                r.record.state.label_zh()
            ),
            Vec::new(),
        ));
    }
    let mut content = stored
        .as_ref()
        .map(|r| r.content.clone())
        .unwrap_or_else(|| ReportContent::new(&token.unit, q));
    content.demo = false;
    let row = IndicatorRow {
        code: input.indicator.clone(),
        value: Some(input.value),
        source: input.source.trim().to_string(),
        note: input.note.trim().to_string(),
    };
    match content.indicators.iter_mut().find(|r| r.code == row.code) {
        Some(r) => *r = row,
        None => content.indicators.push(row),
    }
    let history = state.store().indicator_history().await?;
    let checked = match web_rep::validate(&ctx, &scope, &content, &history, false)? {
        Ok(c) => c,
        Err(found) => {
            // Only this value's problems matter to the caller; others belong to the unit's form.
            let mine: Vec<String> = found
                .by_place
                .iter()
                .filter(|(k, _)| matches!(k, PlaceKey::Indicator(i, _) if *i == index))
                .flat_map(|(_, v)| v.clone())
                .collect();
            let list = if mine.is_empty() {
                found.by_place.values().flatten().cloned().collect()
            } else {
                mine
            };
            return Ok(problems(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_value",
                "数值未通过检查，未保存",
                list,
            ));
        }
    };
    let version = stored.as_ref().map_or(0, |r| r.record.version);
    match web_rep::save(
        state.store(),
        &ctx,
        &user,
        &token.unit,
        q,
        Some(&checked),
        Intent::Draft,
        version,
        now,
    )
    .await?
    {
        Ok(record) => {
            tracing::info!(token = %token.name, unit = %token.unit, quarter = %q, indicator = %input.indicator, "indicator value written over the API");
            Ok(Json(ValueSaved {
                unit: token.unit.clone(),
                quarter: q.to_string(),
                indicator: input.indicator,
                value: input.value,
                report_state: record.state.label_zh(),
                version: record.version,
            })
            .into_response())
        }
        Err(Refusal::Rule(m)) => Ok(problems(StatusCode::CONFLICT, "not_saved", &m, Vec::new())),
    }
}
