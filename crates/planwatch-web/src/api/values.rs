//! Monitoring results and indicator values over the API: indicators with their lights and series,
//! unit scores, and — with a unit's API token — writing that unit's indicator values into its
//! quarterly report, validated exactly as the form and the Excel upload validate them. A value
//! written this way is a draft for the unit: its head still approves and submits the report.

use super::super::AppState;
use super::super::assessment;
use super::super::error::WebError;
use super::super::pages::dashboard::value_zh;
use super::super::reporting as web_rep;
use super::Caller;
use super::conditional::{JudgedToday, Tagged};
use super::params::{self, Params};
use super::problem::{ApiError, Kind, Problem};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use planwatch_app as app;
use planwatch_app::value_writes::{self as vw, NotAccepted, ValueWrite, WriteOutcome};
use planwatch_model::Quarter;
use planwatch_store::ApiToken;
use serde::Serialize;

/// The quarter and date of an assessment read, checked (`period` one of the plan's quarters up
/// to now, `as_of` today or a past date), and the assessment itself.
async fn assessed(state: &AppState, q: &Params) -> Result<assessment::Assessed, ApiError> {
    q.only(&["period", "as_of"])?;
    let today = assessment::today_in_china();
    let as_of = params::as_of(q.get("as_of"), today)?;
    let plan = super::current(state).await?;
    let periods = assessment::selectable_periods(plan.plan.period, today);
    let period = params::period(q.get("period"), &periods)?;
    let a = assessment::assessed_as_of(state, period, as_of)
        .await?
        .ok_or_else(super::no_plan)?;
    if period.is_some_and(|p| p != a.period) {
        // Never another quarter than the one asked for (the check above makes this unreachable).
        return Err(ApiError::from(
            Problem::invalid(
                "period",
                format!("季度“{}”无法评价", q.get("period").unwrap_or_default()),
            )
            .allowing(params::range_text(&a.periods)),
        ));
    }
    Ok(a)
}

/// A read answer judged by today's date (its `Last-Modified` is not earlier than today).
fn judged_today<T: Serialize>(body: T) -> Response {
    let mut r = Json(body).into_response();
    r.extensions_mut().insert(JudgedToday);
    r
}

/// Serialised JSON judged by today's date, as [`judged_today`] answers it.
/// A kept JSON answer that depends on today's date, carrying its body's kept tag (see
/// `conditional::Tagged`).
fn judged_today_json(kept: std::sync::Arc<crate::rendered::Kept>) -> Response {
    let mut r = (
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        kept.body.clone(),
    )
        .into_response();
    r.extensions_mut().insert(JudgedToday);
    r.extensions_mut().insert(Tagged(kept));
    r
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
    q: Params,
) -> Result<Response, ApiError> {
    caller.require_read()?;
    // Kept per plan, data version, day and query (rendered.rs): the same bytes every time.
    let version = state.data_version().await?;
    let key = crate::rendered::key(&[
        &"api-indicators",
        &planwatch_store::plan_in_scope().unwrap_or(0),
        &version,
        &assessment::today_in_china(),
        &q.key(),
    ]);
    if let Some(kept) = state.rendered().get(&key) {
        return Ok(judged_today_json(kept));
    }
    let a = assessed(&state, &q).await?;
    let doc = IndicatorsDoc {
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
    };
    let body = axum::body::Bytes::from(
        serde_json::to_vec(&doc).map_err(|e| WebError::Internal(e.into()))?,
    );
    Ok(judged_today_json(state.rendered().put(key, body)))
}

pub async fn indicator(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
    q: Params,
) -> Result<Response, ApiError> {
    caller.require_read()?;
    let id = super::segment(id, "id")?;
    let a = assessed(&state, &q).await?;
    let i = a
        .outcome
        .assessment
        .indicators
        .iter()
        .find(|i| i.id == id)
        .ok_or_else(|| {
            ApiError::from(Problem::new(
                Kind::NotFound,
                format!("没有编号为“{id}”的指标：全部指标见 /api/v1/indicators"),
            ))
        })?;
    Ok(judged_today(indicator_doc(&a, i, true)))
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
    q: Params,
) -> Result<Response, ApiError> {
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
    Ok(judged_today(ScoresDoc {
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

/// The most values one page of the bulk read holds, and how many it holds by default.
pub const MAX_PAGE: usize = 5000;
pub const DEFAULT_PAGE: usize = 1000;

#[derive(Serialize)]
pub struct ValueRecord {
    indicator: String,
    name: Option<String>,
    quarter: String,
    value: f64,
    source: String,
    recorded_on: Option<String>,
}

#[derive(Serialize)]
pub struct ValuesPage {
    data_version: i64,
    since: Option<String>,
    values: Vec<ValueRecord>,
    next_cursor: Option<String>,
}

/// The bulk read: every value of the official series (accepted reports and imported history)
/// with its source and the day it was recorded, by indicator and quarter, a page at a time. A
/// cursor names the data version it was made at; once the data has moved on it is refused (409),
/// so a client never stitches pages of two versions together.
pub async fn read_values(
    State(state): State<AppState>,
    caller: Caller,
    q: Params,
) -> Result<Response, ApiError> {
    caller.require_read()?;
    q.only(&["since", "cursor", "limit"])?;
    let since = match q.get("since") {
        None => None,
        Some(s) => Some(
            (s.len() == 10)
                .then(|| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                .flatten()
                .ok_or_else(|| {
                    ApiError::from(
                        Problem::invalid("since", format!("日期“{s}”无法识别：请写作 2024-07-01"))
                            .allowing("YYYY-MM-DD"),
                    )
                })?,
        ),
    };
    let limit = match q.get("limit") {
        None => DEFAULT_PAGE,
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n) && s.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| {
                ApiError::from(
                    Problem::invalid("limit", format!("每页项数“{s}”应为 1 至 {MAX_PAGE} 的整数"))
                        .allowing(format!("1–{MAX_PAGE}")),
                )
            })?,
    };
    let version = state.data_version().await?;
    let offset = match q.get("cursor") {
        None => 0,
        Some(c) => {
            let parsed = c
                .split_once('.')
                .filter(|(v, o)| {
                    (1..=18).contains(&v.len())
                        && (1..=9).contains(&o.len())
                        && v.bytes().chain(o.bytes()).all(|b| b.is_ascii_digit())
                })
                .and_then(|(v, o)| Some((v.parse::<i64>().ok()?, o.parse::<usize>().ok()?)));
            let Some((v, o)) = parsed else {
                return Err(ApiError::from(
                    Problem::invalid(
                        "cursor",
                        format!("分页游标“{c}”无法识别：请原样使用上一页的 next_cursor"),
                    )
                    .allowing("上一页的 next_cursor"),
                ));
            };
            if v != version {
                return Err(ApiError::from(Problem {
                    field: Some("cursor".to_string()),
                    ..Problem::new(
                        Kind::StaleCursor,
                        "翻页期间数据有变化（分页游标来自旧的数据版本）：请从第一页重新读取",
                    )
                }));
            }
            o
        }
    };
    let sources = assessment::current_sources(&state)
        .await?
        .ok_or_else(super::no_plan)?;
    let names: std::collections::HashMap<&str, &str> = sources
        .catalogue
        .indicators
        .iter()
        .map(|d| (d.code.as_str(), d.name.as_str()))
        .collect();
    let mut all: Vec<&app::assess::input::ValueFact> = sources
        .values
        .iter()
        .filter(|v| since.is_none_or(|s| v.recorded_on.is_some_and(|r| r >= s)))
        .collect();
    all.sort_by(|a, b| (&a.code, a.quarter).cmp(&(&b.code, b.quarter)));
    let end = offset.saturating_add(limit).min(all.len());
    let values = all
        .get(offset.min(end)..end)
        .unwrap_or_default()
        .iter()
        .map(|v| ValueRecord {
            indicator: v.code.clone(),
            name: names.get(v.code.as_str()).map(|n| (*n).to_string()),
            quarter: v.quarter.to_string(),
            value: v.value,
            source: v.source.clone(),
            recorded_on: v.recorded_on.map(|d| d.to_string()),
        })
        .collect();
    Ok(Json(ValuesPage {
        data_version: version,
        since: since.map(|s| s.to_string()),
        values,
        next_cursor: (end < all.len()).then(|| format!("{version}.{end}")),
    })
    .into_response())
}

#[derive(Clone)]
pub struct ValueInput {
    /// The indicator's id (`doctors-per-1000`).
    indicator: String,
    /// The quarter (`2024Q3`).
    quarter: String,
    value: f64,
    source: String,
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

/// A body that could not be read as values: 400 for what is not JSON, 415 for what is not sent
/// as JSON, 422 (naming the field) for JSON of the wrong shape.
fn unreadable(e: JsonRejection) -> ApiError {
    match e {
        JsonRejection::MissingJsonContentType(_) => ApiError::from(Problem::new(
            Kind::UnsupportedMediaType,
            "请求内容应为 JSON，并带 Content-Type: application/json",
        )),
        JsonRejection::JsonSyntaxError(e) => ApiError::from(Problem::new(
            Kind::MalformedBody,
            format!("请求内容不是有效的 JSON：{}", e.body_text()),
        )),
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::from(WebError::TooLarge {
                limit_mb: super::super::MAX_BODY_BYTES / (1024 * 1024),
            })
        }
        other => ApiError::from(Problem::new(
            Kind::MalformedBody,
            format!("请求内容无法读取：{}", other.body_text()),
        )),
    }
}

/// A body of the wrong shape: 422 naming the field (`values[2].quarter`).
fn wrong_shape(field: &str, detail: String) -> ApiError {
    ApiError::from(Problem::invalid(
        field,
        format!("请求内容不是有效的指标数值：{detail}"),
    ))
}

/// Reads one value: every field checked against the document's rules before anything is written.
fn read_input(
    v: &serde_json::Value,
    prefix: &str,
    quarters: &[Quarter],
) -> Result<ValueInput, ApiError> {
    let at = |f: &str| {
        if prefix.is_empty() {
            f.to_string()
        } else {
            format!("{prefix}.{f}")
        }
    };
    let Some(object) = v.as_object() else {
        return Err(wrong_shape(
            if prefix.is_empty() { "body" } else { prefix },
            "每项数值应为一个对象：{\"indicator\", \"quarter\", \"value\", \"source\", \"note\"}"
                .to_string(),
        ));
    };
    const FIELDS: [&str; 5] = ["indicator", "quarter", "value", "source", "note"];
    if let Some(k) = object.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(wrong_shape(
            &at(k),
            format!("不认识的字段“{k}”：只接受 {}", FIELDS.join("、")),
        ));
    }
    let text = |k: &str, required: bool| -> Result<String, ApiError> {
        match object.get(k) {
            None if required => Err(wrong_shape(&at(k), format!("缺少 {k}"))),
            None => Ok(String::new()),
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(wrong_shape(&at(k), format!("{k} 应为字符串"))),
        }
    };
    let indicator = text("indicator", true)?;
    let quarter = text("quarter", true)?;
    let value = match object.get("value") {
        None => return Err(wrong_shape(&at("value"), "缺少 value".to_string())),
        Some(n) => n
            .as_f64()
            .filter(|x| x.is_finite())
            .ok_or_else(|| wrong_shape(&at("value"), "value 应为数字".to_string()))?,
    };
    let input = ValueInput {
        indicator,
        quarter,
        value,
        source: text("source", false)?,
        note: text("note", false)?,
    };
    let n = input.indicator.chars().count();
    if n == 0 || n > 200 {
        return Err(wrong_shape(
            &at("indicator"),
            "indicator 应为 1 至 200 个字符的指标编号".to_string(),
        ));
    }
    if !quarters.iter().any(|q| q.to_string() == input.quarter) {
        let allowed = params::range_text(quarters);
        let mut e = wrong_shape(
            &at("quarter"),
            format!(
                "季度“{}”不是计划期内的季度：请写作 2024Q3 这样的形式，计划期为 {allowed}",
                input.quarter
            ),
        );
        e.0.allowed = Some(allowed);
        return Err(e);
    }
    let limits = [
        (
            "source",
            &input.source,
            planwatch_quarterly::validate::text_limits::SOURCE,
        ),
        (
            "note",
            &input.note,
            planwatch_quarterly::validate::text_limits::NOTE,
        ),
    ];
    for (name, text, max) in limits {
        if text.chars().count() > max {
            return Err(wrong_shape(
                &at(name),
                format!("{name} 不能超过 {max} 个字符"),
            ));
        }
    }
    Ok(input)
}

/// Writes one indicator value (or, with `{"values": […]}`, up to 500) into the token's unit's
/// report for the quarter (a draft). Checking, queueing and saving are the library's
/// (`planwatch_app::value_writes`); here a request becomes values and each outcome an answer.
pub async fn write_value(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Caller::Token(token) = caller else {
        return Err(ApiError::from(Problem::new(
            Kind::Forbidden,
            "写入指标数值需要单位的接口令牌（Authorization: Bearer …）；登录会话只能读取",
        )));
    };
    if !super::token_allows(token.scopes, super::TokenAction::WriteValues) {
        return Err(ApiError::from(Problem::new(
            Kind::Forbidden,
            super::token_refusal(token.scopes, super::TokenAction::WriteValues),
        )));
    }
    let Json(body) = body.map_err(unreadable)?;
    let quarters = params::plan_quarters(super::current(&state).await?.plan.period);
    let Some(object) = body.as_object() else {
        return Err(wrong_shape(
            "body",
            "应为一个对象（一项数值）或 {\"values\": […]}".to_string(),
        ));
    };
    if object.contains_key("values") {
        if object.len() > 1 {
            let other = object
                .keys()
                .find(|k| *k != "values")
                .cloned()
                .unwrap_or_default();
            return Err(wrong_shape(
                &other,
                format!("批量写入只接受 values，不认识“{other}”"),
            ));
        }
        let Some(list) = object.get("values").and_then(|v| v.as_array()) else {
            return Err(wrong_shape("values", "values 应为数组".to_string()));
        };
        if list.is_empty() || list.len() > MAX_BULK {
            return Err(wrong_shape(
                "values",
                format!("values 应含 1 至 {MAX_BULK} 项，实有 {} 项", list.len()),
            ));
        }
        let inputs = list
            .iter()
            .enumerate()
            .map(|(i, v)| read_input(v, &format!("values[{i}]"), &quarters))
            .collect::<Result<Vec<_>, _>>()?;
        return write_many(state, token, inputs).await;
    }
    let input = read_input(&body, "", &quarters)?;
    let mut answers = write_all(&state, &token, vec![input]).await?;
    let answer = answers.pop().expect("one answer per value");
    Ok(answer.into_response())
}

/// The most values one bulk request may carry.
pub const MAX_BULK: usize = 500;

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
            Ok(q) if q.to_string() == input.quarter => q,
            _ => {
                answers[i] = Some(Answer::problem(Problem::invalid(
                    "quarter",
                    format!("季度“{}”无法识别：请写作 2024Q3", input.quarter),
                )));
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
                answers[i] = Some(Answer::problem(Problem::invalid("quarter", m)));
            }
            Err(NotAccepted::NotTheUnits(m)) => {
                answers[i] = Some(Answer::problem(Problem {
                    field: Some("indicator".to_string()),
                    ..Problem::new(Kind::Forbidden, m)
                }));
            }
        }
    }
    if !writes.is_empty() {
        let outcomes = state
            .value_queues()
            .write(state, ctx, token, writes, app::now)
            .await;
        for (i, outcome) in which.into_iter().zip(outcomes) {
            let outcome = outcome
                .map_err(|e| ApiError::from(WebError::Internal(anyhow::anyhow!("{e:#}"))))?;
            answers[i] = Some(respond(outcome, &token.unit, &inputs[i]));
        }
    }
    Ok(answers
        .into_iter()
        .map(|a| {
            a.unwrap_or_else(|| Answer::problem(Problem::new(Kind::Internal, "该项未得到答复")))
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
        .enumerate()
        .map(|(i, (a, input))| {
            let mut entry = serde_json::json!({
                "indicator": input.indicator,
                "quarter": input.quarter,
                "status": a.status.as_u16(),
            });
            match a.body {
                AnswerBody::Saved(saved) => {
                    entry["version"] = serde_json::json!(saved.version);
                    entry["report_state"] = serde_json::json!(saved.report_state);
                }
                AnswerBody::Problem(mut p) => {
                    p.field = p.field.map(|f| format!("values[{i}].{f}"));
                    entry["error"] = p.to_json();
                }
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

/// The answer to one value: saved, or a problem (a response for a single write, an entry of the
/// results for a bulk write).
struct Answer {
    status: StatusCode,
    body: AnswerBody,
}

enum AnswerBody {
    Saved(ValueSaved),
    Problem(Problem),
}

impl Answer {
    fn problem(p: Problem) -> Self {
        Answer {
            status: p.status(),
            body: AnswerBody::Problem(p),
        }
    }

    fn into_response(self) -> Response {
        match self.body {
            AnswerBody::Saved(s) => (self.status, Json(s)).into_response(),
            AnswerBody::Problem(p) => p.into_response(),
        }
    }
}

fn respond(outcome: WriteOutcome, unit: &str, input: &ValueInput) -> Answer {
    match outcome {
        WriteOutcome::Saved(record) => Answer {
            status: StatusCode::OK,
            body: AnswerBody::Saved(ValueSaved {
                unit: unit.to_string(),
                quarter: input.quarter.clone(),
                indicator: input.indicator.clone(),
                value: input.value,
                report_state: record.state.label_zh(),
                version: record.version,
            }),
        },
        WriteOutcome::Closed(m) => Answer::problem(Problem::new(Kind::ReportClosed, m)),
        WriteOutcome::Refused(m) => Answer::problem(Problem::new(Kind::NotSaved, m)),
        WriteOutcome::Invalid(found) => Answer::problem(Problem {
            field: Some("value".to_string()),
            problems: found,
            ..Problem::new(Kind::InvalidValue, "数值未通过检查，未保存")
        }),
    }
}
