//! Monitoring results and indicator values over the API: indicators with their lights and series,
//! unit scores, and — with a unit's API token — writing that unit's indicator values into its
//! quarterly report, validated exactly as the form and the Excel upload validate them. A value
//! written this way is a draft for the unit: its head still approves and submits the report.

use super::super::AppState;
use super::super::assessment;
use super::super::error::WebError;
use super::super::pages::dashboard::value_zh;
use super::super::policy::Permission;
use super::super::reporting::{self as web_rep, Problems as Found_, Refusal};
use super::super::session::token_hash;
use super::{ApiError, ApiResult, ApiUser};
use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use planwatch_app as app;
use planwatch_model::{Quarter, ReportState, Role};
use planwatch_quarterly::check::Place;
use planwatch_quarterly::content::{IndicatorRow, ReportContent};
use planwatch_quarterly::scope::ReportScope;
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

/// Writes one indicator value into the token's unit's report for the quarter (a draft).
///
/// Values for the same report and token that arrive while an earlier one is being saved wait in
/// that report's queue and are then saved together: checked as one report, written as one new
/// version with one audit row — one commit for all of them, so that a data platform sending a
/// unit's figures at once neither gets version conflicts nor waits for one commit per figure.
/// If the values do not pass the checks together, each is saved (or refused) on its own, so one
/// bad value never blocks the others.
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
            Ok(input) => write_one(state, token, input).await,
            Err(e) => bad(e.to_string()),
        },
    }
}

/// The most values one bulk request may carry.
const MAX_BULK: usize = 500;

/// Checks that need no report: the quarter is the plan's and the indicator is the unit's.
async fn precheck(
    state: &AppState,
    token: &ApiToken,
    input: &ValueInput,
) -> Result<Result<Quarter, Answer>, ApiError> {
    let q = match Quarter::parse(&input.quarter) {
        Ok(q) => q,
        Err(e) => {
            return Ok(Err(Answer::problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_quarter",
                &e.to_string(),
                Vec::new(),
            )));
        }
    };
    let ctx = web_rep::context(state, &token_user(token).username, app::now()).await?;
    if ctx.period(q).is_err() {
        return Ok(Err(Answer::problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_quarter",
            &format!("{}不在计划期内", q.label_zh()),
            Vec::new(),
        )));
    }
    if !ctx
        .inputs()
        .scope(&token.unit, q)
        .indicators
        .iter()
        .any(|d| d.code == input.indicator)
    {
        return Ok(Err(Answer::problem(
            StatusCode::FORBIDDEN,
            "forbidden",
            &format!(
                "指标“{}”不由“{}”报送，该令牌不能写入",
                input.indicator, token.unit
            ),
            Vec::new(),
        )));
    }
    Ok(Ok(q))
}

fn not_answered() -> ApiError {
    ApiError(WebError::Internal(anyhow::anyhow!(
        "a queued API value was not answered"
    )))
}

/// Takes the queue's turn and saves everything waiting in it (in a task of its own, so that a
/// caller who hangs up cannot leave the others of the batch without an answer).
async fn save_waiting(
    state: &AppState,
    token: &ApiToken,
    q: Quarter,
    queue: &ReportQueue,
) -> Result<(), ApiError> {
    let batch: Vec<Pending> =
        std::mem::take(&mut *queue.pending.lock().unwrap_or_else(|p| p.into_inner()));
    // Empty when an earlier batch, already finished, took ours.
    if !batch.is_empty() {
        let task = tokio::spawn(save_batch(state.clone(), token.clone(), q, batch));
        if task.await.is_err() {
            return Err(ApiError(WebError::Internal(anyhow::anyhow!(
                "saving queued API values stopped unexpectedly"
            ))));
        }
    }
    Ok(())
}

async fn write_one(
    state: AppState,
    token: ApiToken,
    input: ValueInput,
) -> Result<Response, ApiError> {
    let q = match precheck(&state, &token, &input).await? {
        Ok(q) => q,
        Err(answer) if answer.status == StatusCode::FORBIDDEN => {
            return Err(ApiError(WebError::Forbidden(
                answer.body["error"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )));
        }
        Err(answer) => return Ok(answer.into_response()),
    };
    let queue = state.report_queue(&token.unit, q, token.id);
    let (reply, answer) = tokio::sync::oneshot::channel();
    queue
        .pending
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(Pending { input, reply });
    let mut answer = answer;
    tokio::select! {
        // Saved by the batch of a caller ahead in the queue: no need to wait for a turn.
        biased;
        done = &mut answer => return done.map_err(|_| not_answered())?.map(Answer::into_response),
        _turn = queue.turn.lock() => save_waiting(&state, &token, q, &queue).await?,
    }
    // Answered by the batch that took this value (ours, or an earlier caller's).
    answer
        .await
        .map_err(|_| not_answered())?
        .map(Answer::into_response)
}

/// A unit's figures in one request (`{"values": […]}`): each value is checked, queued and saved
/// as a single write would be, and answered in the results in the order sent.
async fn write_many(
    state: AppState,
    token: ApiToken,
    inputs: Vec<ValueInput>,
) -> Result<Response, ApiError> {
    let mut answers: Vec<Option<Answer>> = (0..inputs.len()).map(|_| None).collect();
    let mut waiting = Vec::new();
    let mut queues: Vec<(Quarter, std::sync::Arc<ReportQueue>)> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        match precheck(&state, &token, input).await? {
            Err(answer) => answers[i] = Some(answer),
            Ok(q) => {
                let queue = state.report_queue(&token.unit, q, token.id);
                let (reply, answer) = tokio::sync::oneshot::channel();
                queue
                    .pending
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(Pending {
                        input: input.clone(),
                        reply,
                    });
                if !queues.iter().any(|(x, _)| *x == q) {
                    queues.push((q, queue));
                }
                waiting.push((i, answer));
            }
        }
    }
    for (q, queue) in &queues {
        let _turn = queue.turn.lock().await;
        save_waiting(&state, &token, *q, queue).await?;
    }
    for (i, answer) in waiting {
        answers[i] = Some(answer.await.map_err(|_| not_answered())??);
    }
    let results: Vec<serde_json::Value> = answers
        .into_iter()
        .zip(&inputs)
        .map(|(a, input)| {
            let a = a.unwrap_or(Answer {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                body: serde_json::Value::Null,
            });
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

/// The API writes waiting for one report (unit, quarter) under one token.
#[derive(Default)]
pub struct ReportQueue {
    pending: std::sync::Mutex<Vec<Pending>>,
    /// Held while a batch is taken and saved.
    turn: tokio::sync::Mutex<()>,
}

struct Pending {
    input: ValueInput,
    reply: tokio::sync::oneshot::Sender<Result<Answer, ApiError>>,
}

/// The token acts as a reporter of its unit, under its own name in the audit trail.
fn token_user(token: &ApiToken) -> User {
    User {
        id: 0,
        username: format!("api:{}", token.name),
        display_name: token.name.clone(),
        role: Role::Reporter,
        unit: Some(token.unit.clone()),
        task_force: None,
        disabled_at: None,
        created_at: token.created_at,
        updated_at: token.created_at,
    }
}

async fn save_batch(state: AppState, token: ApiToken, q: Quarter, batch: Vec<Pending>) {
    let (inputs, replies): (Vec<ValueInput>, Vec<_>) =
        batch.into_iter().map(|p| (p.input, p.reply)).unzip();
    // Rounds in arrival order with each indicator at most once, so that every value is checked
    // and answered for itself (a later value never hides an earlier bad one).
    let mut rounds: Vec<Vec<usize>> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        match rounds.last_mut() {
            Some(r) if !r.iter().any(|&j| inputs[j].indicator == input.indicator) => r.push(i),
            _ => rounds.push(vec![i]),
        }
    }
    let mut answers: Vec<Option<Result<Answer, ApiError>>> =
        (0..inputs.len()).map(|_| None).collect();
    let settle = |result: Result<Settled, ApiError>,
                  which: &[usize],
                  answers: &mut Vec<Option<Result<Answer, ApiError>>>|
     -> Vec<usize> {
        match result {
            Ok((settled, alone)) => {
                for (i, outcome) in settled {
                    answers[i] = Some(respond(&Ok(outcome), &token.unit, &inputs[i]));
                }
                alone
            }
            Err(e) => {
                for &i in which {
                    answers[i] = Some(Err(ApiError(e.0.duplicate())));
                }
                Vec::new()
            }
        }
    };
    let all: Vec<usize> = (0..inputs.len()).collect();
    let result = save_rounds(&state, &token, q, &inputs, &rounds).await;
    let alone = settle(result, &all, &mut answers);
    for i in alone {
        let result = save_rounds(&state, &token, q, &inputs, &[vec![i]]).await;
        settle(result, &[i], &mut answers);
    }
    for (reply, answer) in replies.into_iter().zip(answers) {
        // A caller who hung up no longer needs the answer; the value is saved all the same.
        if let Some(answer) = answer {
            let _ = reply.send(answer);
        }
    }
}

/// Problems found in values, each with the place it belongs to.
type Found = Vec<(Place, Vec<String>)>;

/// What `save_rounds` settled (value index and outcome), and the values to try one by one.
type Settled = (Vec<(usize, Outcome)>, Vec<usize>);

/// What became of values saved together.
enum Outcome {
    Saved(planwatch_quarterly::workflow::ReportRecord),
    /// The report is submitted or accepted: the message.
    Closed(String),
    /// The values do not pass the checks: each problem with the place it belongs to.
    Invalid(Found),
    /// The workflow or the period refuses the save: the message.
    Refused(String),
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

fn respond(
    outcome: &Result<Outcome, ApiError>,
    unit: &str,
    input: &ValueInput,
) -> Result<Answer, ApiError> {
    match outcome {
        Ok(Outcome::Saved(record)) => Ok(Answer {
            status: StatusCode::OK,
            body: serde_json::json!(ValueSaved {
                unit: unit.to_string(),
                quarter: input.quarter.clone(),
                indicator: input.indicator.clone(),
                value: input.value,
                report_state: record.state.label_zh(),
                version: record.version,
            }),
        }),
        Ok(Outcome::Closed(m)) => Ok(Answer::problem(
            StatusCode::CONFLICT,
            "report_closed",
            m,
            Vec::new(),
        )),
        Ok(Outcome::Refused(m)) => Ok(Answer::problem(
            StatusCode::CONFLICT,
            "not_saved",
            m,
            Vec::new(),
        )),
        Ok(Outcome::Invalid(found)) => Ok(Answer::problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
            "数值未通过检查，未保存",
            found.iter().flat_map(|(_, v)| v.clone()).collect(),
        )),
        Err(e) => Err(ApiError(e.0.duplicate())),
    }
}

/// Checks the values of one round — by the same reader as the form and the Excel upload, on a
/// form holding just their indicators (the rest of the draft is the unit's to complete and is
/// checked in full when the unit submits) — and gives their rows as read back, or the problems.
fn check_round(
    ctx: &planwatch_app::reporting::Context,
    scope: &ReportScope<'_>,
    values: &[&ValueInput],
    history: &std::collections::BTreeMap<String, Vec<(Quarter, f64)>>,
) -> Result<Result<Vec<IndicatorRow>, Found>, ApiError> {
    let narrow = ReportScope {
        unit: scope.unit.clone(),
        period: scope.period,
        rows: Vec::new(),
        indicators: scope
            .indicators
            .iter()
            .copied()
            .filter(|d| values.iter().any(|x| x.indicator == d.code))
            .collect(),
    };
    let mut part = ReportContent::new(&scope.unit, scope.period);
    part.indicators = values
        .iter()
        .map(|input| IndicatorRow {
            code: input.indicator.clone(),
            value: Some(input.value),
            source: input.source.trim().to_string(),
            note: input.note.trim().to_string(),
        })
        .collect();
    Ok(
        match web_rep::validate(ctx, &narrow, &part, history, false, Found_::default()) {
            Ok(checked) => Ok(checked
                .indicators
                .into_iter()
                .filter(|r| r.value.is_some())
                .collect()),
            Err(found) => Err(found.by_place.into_iter().collect()),
        },
    )
}

/// Checks every round (each indicator at most once in a round) and saves the rounds that pass
/// as successive versions of the report in one transaction — each with its own audit row, one
/// commit for all — applied again to the newer report if someone saved it in between. Returns
/// the outcome of each value it settled, and the values of rounds of several values that did
/// not pass together (to be tried one by one, so that each gets its own verdict).
async fn save_rounds(
    state: &AppState,
    token: &ApiToken,
    q: Quarter,
    inputs: &[ValueInput],
    rounds: &[Vec<usize>],
) -> Result<Settled, ApiError> {
    let now = app::now();
    let user = token_user(token);
    let ctx = web_rep::context(state, &user.username, now).await?;
    let scope = ctx.inputs().scope(&token.unit, q);
    // Other quarters' values only: writes to this quarter do not change it.
    let history = state.store().indicator_history().await?;
    let mut settled = Vec::new();
    let mut retry_alone = Vec::new();
    let mut passed: Vec<(&Vec<usize>, Vec<IndicatorRow>)> = Vec::new();
    for round in rounds {
        let values: Vec<&ValueInput> = round.iter().map(|&i| &inputs[i]).collect();
        match check_round(&ctx, &scope, &values, &history)? {
            Ok(rows) => passed.push((round, rows)),
            Err(found) if round.len() == 1 => settled.push((round[0], Outcome::Invalid(found))),
            Err(_) => retry_alone.extend(round.iter().copied()),
        }
    }
    if passed.is_empty() {
        return Ok((settled, retry_alone));
    }
    let every = |o: &dyn Fn() -> Outcome, settled: &mut Vec<(usize, Outcome)>| {
        for (round, _) in &passed {
            settled.extend(round.iter().map(|&i| (i, o())));
        }
    };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let stored = state.store().report_current(&token.unit, q).await?;
        if let Some(r) = &stored
            && matches!(
                r.record.state,
                ReportState::Submitted | ReportState::Accepted
            )
        {
            let m = format!(
                "“{}”{}的报告已{}，不能再写入；如需更正请联系领导小组办公室退回或重新开放",
                token.unit,
                q.label_zh(),
                r.record.state.label_zh()
            );
            every(&|| Outcome::Closed(m.clone()), &mut settled);
            return Ok((settled, retry_alone));
        }
        let mut content = stored
            .as_ref()
            .map(|r| r.content.clone())
            .unwrap_or_else(|| ReportContent::new(&token.unit, q));
        content.demo = false;
        let mut contents = Vec::with_capacity(passed.len());
        for (_, rows) in &passed {
            for row in rows {
                match content.indicators.iter_mut().find(|r| r.code == row.code) {
                    Some(r) => *r = row.clone(),
                    None => content.indicators.push(row.clone()),
                }
            }
            contents.push(content.clone());
        }
        match web_rep::save_drafts(
            state.store(),
            &ctx,
            &user,
            &token.unit,
            q,
            stored.as_ref(),
            &contents,
            now,
        )
        .await?
        {
            Ok(records) => {
                tracing::info!(token = %token.name, unit = %token.unit, quarter = %q, values = passed.iter().map(|(r, _)| r.len()).sum::<usize>(), versions = records.len(), "indicator values written over the API");
                for ((round, _), record) in passed.iter().zip(records) {
                    settled.extend(round.iter().map(|&i| (i, Outcome::Saved(record.clone()))));
                }
                return Ok((settled, retry_alone));
            }
            Err(Refusal::Stale(_)) if attempt < MAX_ATTEMPTS => continue,
            Err(Refusal::Rule(m) | Refusal::Stale(m)) => {
                every(&|| Outcome::Refused(m.clone()), &mut settled);
                return Ok((settled, retry_alone));
            }
        }
    }
}

/// How often API values are applied again when the report changed under them.
const MAX_ATTEMPTS: u32 = 5;
