//! 指标: every indicator with its light, and each indicator's series against its target with the
//! forecast and the explanation — and, behind every value, the submission it came from (unit,
//! quarter, who submitted it and when, who accepted it and when).

use super::super::AppState;
use super::super::assessment::{self, Assessed};
use super::super::error::{WebError, WebResult};
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::super::svg;
use super::dashboard::{IndicatorRow, indicator_row, light_class, value_zh};
use super::lists;
use super::{Chrome, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use planwatch_model::Quarter;
use planwatch_quarterly::ActionKind;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    period: String,
    #[serde(default)]
    as_of: String,
    /// The list only: `red`, `yellow`, `green`, `grey`.
    #[serde(default)]
    light: String,
    /// The list only: words in the name or the reporting unit.
    #[serde(default)]
    q: String,
    /// The list only: `light` (red first) or the catalogue's order.
    #[serde(default)]
    sort: String,
    /// The list only: `xlsx` for the workbook.
    #[serde(default)]
    format: String,
}

fn period(q: &PeriodQuery) -> WebResult<Option<Quarter>> {
    if q.period.is_empty() {
        Ok(None)
    } else {
        Quarter::parse(&q.period)
            .map(Some)
            .map_err(|e| WebError::BadRequest(e.to_string()))
    }
}

async fn current(state: &AppState, q: &PeriodQuery) -> WebResult<Assessed> {
    assessment::assessed_as_of(state, period(q)?, assessment::parse_as_of(&q.as_of)?)
        .await?
        .ok_or_else(|| WebError::BadRequest("数据库中还没有计划或报送期，暂无监测结果".to_string()))
}

pub struct ListRow {
    pub row: IndicatorRow,
    /// Red first when sorted by light.
    pub light_rank: u8,
    pub reporter: String,
    pub method: &'static str,
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct IndicatorsPage {
    c: Chrome,
    period: String,
    period_label: String,
    periods: Vec<(String, String)>,
    rows: Vec<ListRow>,
    total: usize,
    light: String,
    q: String,
    sort: String,
    export: String,
}

/// The order of urgency of a light: red first.
pub fn light_rank(light: &str) -> u8 {
    match light {
        "red" => 0,
        "yellow" => 1,
        "green" => 2,
        _ => 3,
    }
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> WebResult<Response> {
    user.require(Permission::ReadPlan)?;
    let xlsx = lists::wants_xlsx(&q.format)?;
    if !matches!(q.light.as_str(), "" | "red" | "yellow" | "green" | "grey") {
        return Err(WebError::BadRequest(format!(
            "信号“{}”无法识别：可选 red、yellow、green、grey",
            q.light
        )));
    }
    let a = current(&state, &q).await?;
    let o = &a.outcome;
    let all: Vec<ListRow> = o
        .assessment
        .indicators
        .iter()
        .map(|i| ListRow {
            light_rank: light_rank(i.light.as_str()),
            row: indicator_row(o, i),
            reporter: a
                .sources
                .catalogue
                .by_code(&i.id)
                .map(|d| d.reporter.to_string())
                .unwrap_or_default(),
            method: i.method.label_at(i.stage),
        })
        .collect();
    let total = all.len();
    let needle = q.q.trim();
    let mut rows: Vec<ListRow> = all
        .into_iter()
        .filter(|r| q.light.is_empty() || r.row.light == q.light)
        .filter(|r| needle.is_empty() || r.row.name.contains(needle) || r.reporter.contains(needle))
        .collect();
    if q.sort == "light" {
        rows.sort_by_key(|r| r.light_rank);
    }
    if xlsx {
        return lists::ListTable {
            title: format!("监测指标（{}）", a.period.label_zh()),
            sheet: "指标",
            columns: vec![
                ("指标", false),
                ("评价方法", false),
                ("信号", false),
                ("最新值", false),
                ("考核目标", false),
                ("状态", false),
                ("预测", false),
                ("报送单位", false),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        r.row.name.clone(),
                        r.method.to_string(),
                        r.row.light_label.to_string(),
                        r.row.latest.clone(),
                        r.row.target.clone(),
                        r.row.status.to_string(),
                        r.row.forecast.clone(),
                        r.reporter.clone(),
                    ]
                })
                .collect(),
            demo: super::demo_present(&state).await?,
        }
        .download();
    }
    let export = lists::export_href(
        "/indicators",
        &[
            ("period", &a.period.to_string()),
            ("as_of", &q.as_of),
            ("light", &q.light),
            ("q", &q.q),
            ("sort", &q.sort),
        ],
    );
    Ok(render(&IndicatorsPage {
        c: Chrome::new(&state, &user, "indicators", "指标").await?,
        period: a.period.to_string(),
        period_label: a.period.label_zh(),
        periods: a
            .periods
            .iter()
            .rev()
            .map(|p| (p.to_string(), p.label_zh()))
            .collect(),
        rows,
        total,
        light: q.light.clone(),
        q: q.q.clone(),
        sort: q.sort.clone(),
        export,
    })?
    .into_response())
}

pub struct ValueRow {
    pub quarter: String,
    pub value: String,
    pub source: String,
    pub unit: String,
    pub unit_href: String,
    pub submitted: String,
    pub accepted: String,
    pub demo: bool,
}

pub struct TargetLine {
    pub target: String,
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    c: Chrome,
    period: String,
    period_label: String,
    name: String,
    light: &'static str,
    light_label: &'static str,
    status: &'static str,
    score: String,
    method: &'static str,
    kind: &'static str,
    reporter: String,
    tasks: String,
    base: String,
    latest: String,
    targets: Vec<TargetLine>,
    forecast: String,
    explanation: String,
    chart: String,
    values: Vec<ValueRow>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> WebResult<Html<String>> {
    user.require(Permission::ReadPlan)?;
    let a = current(&state, &q).await?;
    let o = &a.outcome;
    let i = o
        .assessment
        .indicators
        .iter()
        .find(|i| i.id == id)
        .ok_or(WebError::NotFound)?;
    let def = a.sources.catalogue.by_code(&i.id);
    let reporter = def.map(|d| d.reporter.to_string()).unwrap_or_default();
    // The official series up to the quarter assessed, oldest first.
    let mut series: Vec<&planwatch_app::assess::input::ValueFact> = a
        .sources
        .values
        .iter()
        .filter(|v| v.code == i.id && v.quarter <= a.period)
        .collect();
    series.sort_by_key(|v| v.quarter);
    let reports = &a.reports;
    let people = state.people().await?;
    let units = state.units().await?;
    let values = series
        .iter()
        .rev()
        .map(|v| {
            let r = reports
                .iter()
                .find(|r| r.unit == reporter && r.period == v.quarter);
            let step = |k: ActionKind| {
                r.and_then(|r| r.events.iter().rfind(|e| e.action == k))
                    .map(|e| format!("{} {}", people.name(&e.by), e.at.format("%Y-%m-%d %H:%M")))
                    .unwrap_or_default()
            };
            ValueRow {
                quarter: v.quarter.label_zh(),
                value: value_zh(o, i, v.value),
                source: r
                    .and_then(|r| r.content.indicator(&i.id))
                    .map(|x| x.source.clone())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| v.source.clone()),
                unit: if r.is_some() {
                    reporter.clone()
                } else {
                    String::new()
                },
                unit_href: r
                    .and_then(|r| units.iter().find(|u| u.name == r.unit))
                    .map(|u| format!("/reports/{}/{}", u.id, v.quarter))
                    .unwrap_or_default(),
                submitted: step(ActionKind::Submit),
                accepted: step(ActionKind::Accept),
                demo: r.is_some_and(|r| r.content.demo),
            }
        })
        .collect();
    // The base value (usually a year before the plan) starts the line.
    let points: Vec<(f64, f64)> = i
        .base
        .iter()
        .filter(|b| {
            series.first().is_none_or(|v| {
                b.at.t() < planwatch_monitor::time::TimePoint::Quarter(v.quarter).t()
            })
        })
        .map(|b| (b.at.t(), b.value))
        .chain(series.iter().map(|v| {
            (
                planwatch_monitor::time::TimePoint::Quarter(v.quarter).t(),
                v.value,
            )
        }))
        .collect();
    let target = i.current_target.as_ref().map(|t| (t.at.t(), t.value));
    let forecast = i.forecast.as_ref().map(|f| (f.target_at.t(), f.projected));
    let chart = svg::series(&svg::Series {
        title: &i.name,
        unit: i.unit.as_deref().unwrap_or(""),
        points: &points,
        target,
        forecast,
    });
    let forecast_text = i
        .forecast
        .as_ref()
        .map(|f| {
            if f.when_zh.is_empty() {
                f.explanation.clone()
            } else {
                format!("{}；{}", f.explanation, f.when_zh)
            }
        })
        .unwrap_or_default();
    let tasks = def
        .map(|d| {
            d.tasks
                .iter()
                .map(|t| format!("任务{t}"))
                .collect::<Vec<_>>()
                .join("、")
        })
        .unwrap_or_default();
    render(&IndicatorPage {
        c: Chrome::new(&state, &user, "indicators", i.name.clone()).await?,
        period: a.period.to_string(),
        period_label: a.period.label_zh(),
        name: i.name.clone(),
        light: light_class(i.light),
        light_label: i.light.label_zh(),
        status: i.status_zh(),
        score: i
            .score
            .map(|s| planwatch_monitor::zh::num(s, 2))
            .unwrap_or_else(|| "—".to_string()),
        method: i.method.label_at(i.stage),
        kind: i.kind.label_zh(),
        reporter,
        tasks,
        base: i
            .base
            .as_ref()
            .map(|b| format!("{}（{}）", value_zh(o, i, b.value), b.at.label_zh()))
            .unwrap_or_else(|| "—".to_string()),
        latest: i
            .latest
            .as_ref()
            .map(|l| format!("{}（{}）", value_zh(o, i, l.value), l.at.label_zh()))
            .unwrap_or_else(|| "暂无".to_string()),
        targets: i
            .targets
            .iter()
            .map(|t| TargetLine {
                target: format!(
                    "{}{}（{}）",
                    t.comparator.symbol(),
                    value_zh(o, i, t.value),
                    t.at.label_zh()
                ),
                state: t.state.label_zh(),
            })
            .collect(),
        // The explanation often is the forecast's own sentence: say it once.
        explanation: if forecast_text.starts_with(i.explanation.as_str()) {
            String::new()
        } else {
            i.explanation.clone()
        },
        forecast: forecast_text,
        chart,
        values,
    })
}
