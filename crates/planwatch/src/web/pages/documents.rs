//! 报告: generate and download the annual evaluation report (Word, PDF, HTML, Excel), a unit's
//! feedback sheet (Word, PDF) and the task list (Excel), from what is in the store now — the same
//! use cases and writers as `planwatch report`. A unit's people get their own unit's feedback
//! sheet only.

use super::super::AppState;
use super::super::error::{WebError, WebResult, percent_encode};
use super::super::policy::Permission;
use super::super::reporting::may_read_unit;
use super::super::session::CurrentUser;
use super::{Chrome, render};
use crate::cli::report::{self as docs, Format, SourceArgs};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use planwatch_model::UnitKind;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage {
    c: Chrome,
    years: Vec<i32>,
    units: Vec<String>,
    own_unit: Option<String>,
    can_annual: bool,
    can_edit_texts: bool,
}

pub(super) async fn plan_years(state: &AppState) -> WebResult<Vec<i32>> {
    Ok(match state.store().current_revision().await? {
        Some(r) => (r.period_start..=r.period_end)
            .map(|y| i32::try_from(y).unwrap_or(0))
            .rev()
            .collect(),
        None => Vec::new(),
    })
}

pub async fn show(State(state): State<AppState>, user: CurrentUser) -> WebResult<Html<String>> {
    user.require(Permission::ReadPlan)?;
    let own_unit = user
        .user
        .unit
        .clone()
        .filter(|_| user.user.role.is_unit_bound());
    let units = match &own_unit {
        Some(u) => vec![u.clone()],
        None => state
            .store()
            .units()
            .await?
            .into_iter()
            .filter(|u| u.kind != UnitKind::Group)
            .map(|u| u.name)
            .collect(),
    };
    render(&DocumentsPage {
        c: Chrome::new(&state, &user, "documents", "报告").await?,
        years: plan_years(&state).await?,
        units,
        own_unit,
        can_annual: user.can(Permission::ReadDocuments),
        can_edit_texts: user.can(Permission::EditReportTexts),
    })
}

/// Runs document generation on a thread of its own: the writers are synchronous and read the
/// store through the command line's own use case (which runs its own small runtime).
pub(super) async fn generate<T: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> WebResult<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.await {
        Ok(Ok(x)) => Ok(x),
        Ok(Err(e)) => Err(WebError::BadRequest(format!("未能生成：{e:#}"))),
        Err(_) => Err(WebError::Internal(anyhow::anyhow!(
            "document generation stopped without an answer"
        ))),
    }
}

fn download(bytes: Vec<u8>, name: &str, format: Format) -> WebResult<Response> {
    let (ext, mime) = match format {
        Format::Docx => (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        Format::Pdf => ("pdf", "application/pdf"),
        Format::Html => ("html", "text/html; charset=utf-8"),
        Format::Xlsx => (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    };
    let file = format!("{name}.{ext}");
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    let disposition = format!(
        "attachment; filename=\"planwatch.{ext}\"; filename*=UTF-8''{}",
        percent_encode(&file)
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition)
            .map_err(|e| WebError::Internal(anyhow::anyhow!("{e}")))?,
    );
    Ok(res)
}

fn format_of(s: &str, allowed: &[Format]) -> WebResult<Format> {
    let f = match s {
        "docx" => Format::Docx,
        "pdf" => Format::Pdf,
        "html" => Format::Html,
        "xlsx" => Format::Xlsx,
        _ => return Err(WebError::BadRequest(format!("不支持的格式“{s}”"))),
    };
    if allowed.contains(&f) {
        Ok(f)
    } else {
        Err(WebError::BadRequest(format!("此文件不支持“{s}”格式")))
    }
}

pub(super) fn no_source() -> SourceArgs {
    SourceArgs {
        input: None,
        rules: None,
        methods: None,
        as_of: None,
        date: None,
    }
}

pub(super) async fn check_year(state: &AppState, year: i32) -> WebResult<()> {
    if plan_years(state).await?.contains(&year) {
        Ok(())
    } else {
        Err(WebError::BadRequest(format!("{year}年不在计划期内")))
    }
}

#[derive(Deserialize)]
pub struct AnnualQuery {
    year: i32,
    #[serde(default)]
    format: String,
}

/// The annual evaluation report of a year.
pub async fn annual(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AnnualQuery>,
) -> WebResult<Response> {
    user.require(Permission::ReadDocuments)?;
    let format = format_of(
        &q.format,
        &[Format::Docx, Format::Pdf, Format::Html, Format::Xlsx],
    )?;
    check_year(&state, q.year).await?;
    let data_dir = state.config().data_dir.clone();
    let year = q.year;
    let (bytes, _) = generate(move || {
        let cfg = docs::load_config(&data_dir, None)?;
        let view = docs::view_of(&cfg, &data_dir, &no_source(), year)?;
        let doc = planwatch_report::annual::compose(&view)?;
        Ok((docs::render(&cfg, &doc, format)?, doc.demo))
    })
    .await?;
    tracing::info!(user = %user.user.username, year, "annual report generated");
    download(bytes, &format!("{year}年度评价考核报告"), format)
}

#[derive(Deserialize)]
pub struct FeedbackQuery {
    unit: String,
    year: i32,
    #[serde(default)]
    format: String,
}

/// A unit's feedback sheet of a year.
pub async fn feedback(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<FeedbackQuery>,
) -> WebResult<Response> {
    user.require(Permission::ReadPlan)?;
    let unit = q.unit.trim().to_string();
    if !may_read_unit(&user.user, &unit) {
        return Err(WebError::Forbidden(format!(
            "您只能下载本单位（{}）的反馈单。",
            user.user.unit.clone().unwrap_or_default()
        )));
    }
    if state.store().unit_by_name(&unit).await?.is_none() {
        return Err(WebError::NotFound);
    }
    let format = format_of(&q.format, &[Format::Docx, Format::Pdf])?;
    check_year(&state, q.year).await?;
    let data_dir = state.config().data_dir.clone();
    let (year, name) = (q.year, unit.clone());
    let (bytes, _) = generate(move || {
        let cfg = docs::load_config(&data_dir, None)?;
        let view = docs::view_of(&cfg, &data_dir, &no_source(), year)?;
        let doc = planwatch_report::feedback::compose(&view, &name)?;
        Ok((docs::render(&cfg, &doc, format)?, doc.demo))
    })
    .await?;
    download(bytes, &format!("{unit}{}年度反馈单", q.year), format)
}

/// The task list (the plan's attachment 2) as Excel.
pub async fn tasklist(State(state): State<AppState>, user: CurrentUser) -> WebResult<Response> {
    user.require(Permission::ReadPlan)?;
    let data_dir = state.config().data_dir.clone();
    let (bytes, _) = generate(move || {
        let cfg = docs::load_config(&data_dir, None)?;
        let (plan, task_forces) = docs::tasklist_plan(&data_dir, None)?;
        let doc = planwatch_report::tasklist::compose(&plan, &task_forces);
        Ok((docs::render(&cfg, &doc, Format::Xlsx)?, doc.demo))
    })
    .await?;
    download(bytes, "任务清单", Format::Xlsx)
}
