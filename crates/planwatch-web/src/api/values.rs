//! Monitoring results and indicator values over the API: indicators with their lights and series,
//! unit scores, and — with a unit's API token — writing that unit's indicator values into its
//! quarterly report, validated exactly as the form and the Excel upload validate them. A value
//! written this way is a draft for the unit: its head still approves and submits the report.

use super::super::AppState;
use super::super::assessment;
use super::super::error::WebError;
use super::super::pages::dashboard::value_zh;
use super::super::policy::Permission;
use super::super::reporting as web_rep;
use super::super::session::token_hash;
use super::{ApiError, ApiResult, ApiUser};
use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use planwatch_app as app;
use planwatch_app::value_writes::{self as vw, NotAccepted, ValueWrite, WriteOutcome};
use planwatch_model::Quarter;
use planwatch_store::ApiToken;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    period: String,
    /// `today` or YYYY-MM-DD; default: the end of the quarter after the period (or today).
    #[serde(default)]
    as_of: String,
}

async fn assessed(state: &AppState, q: &PeriodQuery) -> Result<assessment::Assessed, ApiError> {
    let period = if q.period.is_empty() {
        None
    } else {
        Some(Quarter::parse(&q.period).map_err(|e| WebError::BadRequest(e.to_string()))?)
    };
    let as_of = assessment::parse_as_of(&q.as_of).map_err(ApiError::from)?;
    assessment::assessed_as_of(state, period, as_of)
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
    /// Where it stands for the year (表A 完成情况) — the documents' word, from the same function.
    verdict: planwatch_model::IndicatorVerdict,
    verdict_label: &'static str,
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
    /// Where the period stands in the plan's life (running / final_year / closed).
    stage: planwatch_model::PlanStage,
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
            .map(|d| d.reporter.to_string())
            .unwrap_or_default(),
        light: i.light,
        status: i.status,
        status_label: i.status_zh(),
        verdict: i.verdict(),
        verdict_label: i.verdict_zh(),
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
        stage: a.outcome.assessment.stage,
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

#[derive(Deserialize, Clone)]
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

/// Writes one indicator value (or, with `{"values": […]}`, up to 500) into the token's unit's
/// report for the quarter (a draft). Checking, queueing and saving are the library's
/// (`planwatch_app::value_writes`); here a request becomes values and each outcome an answer.
pub async fn write_value(
    State(state): State<AppState>,
    parts_caller: Caller,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, ApiError> {
    let Caller::Token(token) = parts_caller else {
        return Err(ApiError(WebError::Forbidden(
            "写入指标数值需要单位的接口令牌（Authorization: Bearer …）；登录会话只能读取"
                .to_string(),
        )));
    };
    let bad = |e: String| {
        Ok(problems(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
            &format!("请求内容不是有效的指标数值：{e}"),
            Vec::new(),
        ))
    };
    match body.get("values") {
        Some(list) => {
            let inputs: Vec<ValueInput> = match serde_json::from_value(list.clone()) {
                Ok(v) => v,
                Err(e) => return bad(format!("values {e}")),
            };
            if inputs.is_empty() || inputs.len() > MAX_BULK {
                return bad(format!(
                    "values 应含 1 至 {MAX_BULK} 项，实有 {} 项",
                    inputs.len()
                ));
            }
            write_many(state, token, inputs).await
        }
        None => match serde_json::from_value::<ValueInput>(body) {
            Ok(input) => {
                let mut answers = write_all(&state, &token, vec![input]).await?;
                let answer = answers.pop().expect("one answer per value");
                if answer.status == StatusCode::FORBIDDEN {
                    return Err(ApiError(WebError::Forbidden(
                        answer.body["error"]["message"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    )));
                }
                Ok(answer.into_response())
            }
            Err(e) => bad(e.to_string()),
        },
    }
}

/// The most values one bulk request may carry.
const MAX_BULK: usize = 500;

/// Prechecks each value, writes those that pass through the library's queues, and answers each
/// in the order sent.
async fn write_all(
    state: &AppState,
    token: &ApiToken,
    inputs: Vec<ValueInput>,
) -> Result<Vec<Answer>, ApiError> {
    let ctx = web_rep::context(state, &vw::token_user(token).username, app::now()).await?;
    let mut answers: Vec<Option<Answer>> = (0..inputs.len()).map(|_| None).collect();
    let mut writes = Vec::new();
    let mut which = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let q = match Quarter::parse(&input.quarter) {
            Ok(q) => q,
            Err(e) => {
                answers[i] = Some(Answer::problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "bad_quarter",
                    &e.to_string(),
                    Vec::new(),
                ));
                continue;
            }
        };
        let w = ValueWrite {
            indicator: input.indicator.as_str().into(),
            quarter: q,
            value: input.value,
            source: input.source.clone(),
            note: input.note.clone(),
        };
        match vw::precheck(&ctx, token, &w) {
            Ok(()) => {
                writes.push(w);
                which.push(i);
            }
            Err(NotAccepted::BadQuarter(m)) => {
                answers[i] = Some(Answer::problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "bad_quarter",
                    &m,
                    Vec::new(),
                ));
            }
            Err(NotAccepted::NotTheUnits(m)) => {
                answers[i] = Some(Answer::problem(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    &m,
                    Vec::new(),
                ));
            }
        }
    }
    if !writes.is_empty() {
        let outcomes = state
            .value_queues()
            .write(state, ctx, token, writes, app::now)
            .await;
        for (i, outcome) in which.into_iter().zip(outcomes) {
            let outcome =
                outcome.map_err(|e| ApiError(WebError::Internal(anyhow::anyhow!("{e:#}"))))?;
            answers[i] = Some(respond(outcome, &token.unit, &inputs[i]));
        }
    }
    Ok(answers
        .into_iter()
        .map(|a| {
            a.unwrap_or(Answer {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                body: serde_json::Value::Null,
            })
        })
        .collect())
}

/// A unit's figures in one request (`{"values": […]}`): each value is checked, queued and saved
/// as a single write would be, and answered in the results in the order sent.
async fn write_many(
    state: AppState,
    token: ApiToken,
    inputs: Vec<ValueInput>,
) -> Result<Response, ApiError> {
    let answers = write_all(&state, &token, inputs.clone()).await?;
    let results: Vec<serde_json::Value> = answers
        .into_iter()
        .zip(&inputs)
        .map(|(a, input)| {
            let mut entry = serde_json::json!({
                "indicator": input.indicator,
                "quarter": input.quarter,
                "status": a.status.as_u16(),
            });
            if a.status == StatusCode::OK {
                entry["version"] = a.body["version"].clone();
                entry["report_state"] = a.body["report_state"].clone();
            } else {
                entry["error"] = a.body["error"].clone();
            }
            entry
        })
        .collect();
    let saved = results.iter().filter(|r| r["status"] == 200).count();
    Ok(Json(serde_json::json!({
        "unit": token.unit,
        "saved": saved,
        "refused": results.len() - saved,
        "results": results,
    }))
    .into_response())
}

/// The answer to one value: its status and JSON body (a response for a single write, an entry
/// of the results for a bulk write).
struct Answer {
    status: StatusCode,
    body: serde_json::Value,
}

impl Answer {
    fn problem(status: StatusCode, code: &'static str, message: &str, list: Vec<String>) -> Self {
        Answer {
            status,
            body: serde_json::json!(Problems {
                error: ProblemsDetail {
                    code,
                    message: message.to_string(),
                    problems: list,
                },
            }),
        }
    }

    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

fn respond(outcome: WriteOutcome, unit: &str, input: &ValueInput) -> Answer {
    match outcome {
        WriteOutcome::Saved(record) => Answer {
            status: StatusCode::OK,
            body: serde_json::json!(ValueSaved {
                unit: unit.to_string(),
                quarter: input.quarter.clone(),
                indicator: input.indicator.clone(),
                value: input.value,
                report_state: record.state.label_zh(),
                version: record.version,
            }),
        },
        WriteOutcome::Closed(m) => {
            Answer::problem(StatusCode::CONFLICT, "report_closed", &m, Vec::new())
        }
        WriteOutcome::Refused(m) => {
            Answer::problem(StatusCode::CONFLICT, "not_saved", &m, Vec::new())
        }
        WriteOutcome::Invalid(found) => Answer::problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
            "数值未通过检查，未保存",
            found,
        ),
    }
}
