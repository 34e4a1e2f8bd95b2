//! 报告: generate and download the annual evaluation report (Word, PDF compact or full; HTML,
//! Excel), a unit's feedback sheet or every unit's in one zip (Word, PDF), the quarterly bulletin
//! (Word, PDF, HTML), the final evaluation report and the task list (Excel), from what is in the
//! store now — the same use case and renderer as `planwatch report` (`app::documents`). The page
//! says which font each role asks for and which one is used. A unit's people get their own
//! unit's feedback sheet only.
//!
//! Documents are made in the server's own process state: the store is read with the server's own
//! connections on its runtime (never by opening the database again: on SQLite, closing another
//! descriptor on the file would drop the server's locks on it), composing and rendering run on
//! the blocking pool, the fonts are loaded once per report configuration, and at most
//! [`AT_ONCE`] documents are made at a time — later requests wait their turn.

use super::super::AppState;
use super::super::error::{WebError, WebResult, percent_encode};
use super::super::policy::Permission;
use super::super::reporting::may_read_unit;
use super::super::session::CurrentUser;
use super::{Chrome, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use planwatch_app::documents::{self as docs, AnnualSettings, Format, Renderer};
use planwatch_docs::view::AnnualView;
use planwatch_model::UnitKind;
use serde::Deserialize;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How many documents the server makes at once. A PDF of the annual report takes a few hundred
/// megabytes while it is typeset; requests beyond this wait for a turn (they are not refused).
pub const AT_ONCE: usize = 2;

/// The server's document workshop (one per `AppState`): the turns, and the renderer of the
/// report configuration last used, which keeps its fonts.
pub struct Documents {
    turns: Arc<Semaphore>,
    renderer: Mutex<Option<Arc<Renderer>>>,
}

impl Default for Documents {
    fn default() -> Self {
        Self {
            turns: Arc::new(Semaphore::new(AT_ONCE)),
            renderer: Mutex::new(None),
        }
    }
}

impl Documents {
    /// The renderer for the data folder's report settings (`report.toml`, read on every request
    /// so that an edit applies to the next document); a new one only when they changed.
    fn renderer(&self, data_dir: &std::path::Path) -> anyhow::Result<Arc<Renderer>> {
        let cfg = docs::load_config(data_dir, None)?;
        let mut slot = self.renderer.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(r) = slot.as_ref().filter(|r| *r.config() == cfg) {
            return Ok(r.clone());
        }
        let r = Arc::new(Renderer::new(cfg, |note| {
            tracing::warn!(note, "report fonts: substitution");
        }));
        *slot = Some(r.clone());
        Ok(r)
    }
}

fn failed(e: anyhow::Error) -> WebError {
    WebError::BadRequest(format!("未能生成：{e:#}"))
}

/// Runs the CPU-bound part (composing, rendering) on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> WebResult<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(failed),
        Err(e) => Err(WebError::Internal(anyhow::anyhow!(
            "document generation stopped without an answer: {e}"
        ))),
    }
}

/// Waits for a turn to make a document; returns it with the renderer for the current report
/// settings. The turn is held until the document is made — it goes into the blocking task, so a
/// request given up by its client still counts until its rendering has finished.
async fn turn(state: &AppState) -> WebResult<(OwnedSemaphorePermit, Arc<Renderer>)> {
    let workshop = &state.inner.documents;
    let turn = workshop
        .turns
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| WebError::Internal(e.into()))?;
    let renderer = workshop
        .renderer(&state.config().data_dir)
        .map_err(failed)?;
    Ok((turn, renderer))
}

/// Makes something from the annual view of `year`: waits for a turn, reads the view from the
/// server's store, then runs `make` on the blocking pool (still within the turn).
pub(super) async fn from_annual_view<T: Send + 'static>(
    state: &AppState,
    year: i32,
    make: impl FnOnce(&Renderer, AnnualView) -> anyhow::Result<T> + Send + 'static,
) -> WebResult<T> {
    let (turn, renderer) = turn(state).await?;
    let data_dir = &state.config().data_dir;
    let settings = AnnualSettings::load(data_dir, None, None, None).map_err(failed)?;
    let annual = docs::annual_view(
        state.store(),
        data_dir,
        &renderer.config().issuer,
        year,
        &settings,
    )
    .await
    .map_err(failed)?;
    blocking(move || {
        let _turn = turn;
        make(&renderer, annual.view)
    })
    .await
}

/// Makes something from the view of the assessment at `period` (the quarterly bulletin's), as
/// `from_annual_view` does for a year.
pub(super) async fn from_period_view<T: Send + 'static>(
    state: &AppState,
    period: planwatch_model::Quarter,
    make: impl FnOnce(&Renderer, AnnualView) -> anyhow::Result<T> + Send + 'static,
) -> WebResult<T> {
    let (turn, renderer) = turn(state).await?;
    let data_dir = &state.config().data_dir;
    let settings = AnnualSettings::load(data_dir, None, None, None).map_err(failed)?;
    let view = docs::period_view(
        state.store(),
        data_dir,
        &renderer.config().issuer,
        period,
        &settings,
    )
    .await
    .map_err(failed)?;
    blocking(move || {
        let _turn = turn;
        make(&renderer, view.view)
    })
    .await
}

/// One line of the fonts table: role, asked for, used, how.
pub struct FontLine {
    pub role: &'static str,
    pub wanted: String,
    pub used: String,
    pub how: &'static str,
    pub ok: bool,
}

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage {
    c: Chrome,
    years: Vec<i32>,
    /// Every quarter of the plan, latest first: (2024Q3, 2024年第三季度).
    quarters: Vec<(String, String)>,
    fonts: Vec<FontLine>,
    /// Why the fonts could not be listed.
    fonts_error: Option<String>,
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
        Some(u) => vec![u.to_string()],
        None => state
            .store()
            .units()
            .await?
            .into_iter()
            .filter(|u| u.kind != UnitKind::Group)
            .map(|u| u.name.into_string())
            .collect(),
    };
    let years = plan_years(&state).await?;
    let quarters = years
        .iter()
        .flat_map(|y| {
            (1..=4u8)
                .rev()
                .filter_map(move |q| planwatch_model::Quarter::new(*y, q))
        })
        .map(|q| (q.to_string(), q.label_zh()))
        .collect();
    let (fonts, fonts_error) = match font_lines(&state).await {
        Ok(f) => (f, None),
        Err(e) => (Vec::new(), Some(format!("{e:#}"))),
    };
    render(&DocumentsPage {
        c: Chrome::new(&state, &user, "documents", "报告").await?,
        years,
        quarters,
        fonts,
        fonts_error,
        units,
        own_unit: own_unit.map(String::from),
        can_annual: user.can(Permission::ReadDocuments),
        can_edit_texts: user.can(Permission::EditReportTexts),
    })
}

/// Which font each role asks for and which one PDF and charts use (fonts loaded once, on the
/// blocking pool).
async fn font_lines(state: &AppState) -> anyhow::Result<Vec<FontLine>> {
    let renderer = state.inner.documents.renderer(&state.config().data_dir)?;
    let report = tokio::task::spawn_blocking(move || renderer.font_report()).await??;
    Ok(report
        .into_iter()
        .map(|f| FontLine {
            role: f.role,
            ok: f.how == planwatch_docs::fonts::FontChoice::Wanted,
            how: f.how.label_zh(),
            wanted: f.wanted,
            used: f.used,
        })
        .collect())
}

fn download(bytes: Vec<u8>, name: &str, format: Format) -> WebResult<Response> {
    download_as(bytes, name, format.ext(), format.mime())
}

fn download_as(bytes: Vec<u8>, name: &str, ext: &str, mime: &'static str) -> WebResult<Response> {
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
    let Some(f) = Format::parse(s) else {
        return Err(WebError::BadRequest(format!("不支持的格式“{s}”")));
    };
    if allowed.contains(&f) {
        Ok(f)
    } else {
        Err(WebError::BadRequest(format!("此文件不支持“{s}”格式")))
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
    /// Word and PDF: the long form (`full=1`).
    #[serde(default)]
    full: Option<String>,
}

/// Word and PDF are compact unless the long form is asked for; HTML and Excel are complete.
fn form_of(format: Format, full: bool) -> planwatch_docs::annual::Form {
    match format {
        Format::Docx | Format::Pdf if !full => planwatch_docs::annual::Form::Compact,
        _ => planwatch_docs::annual::Form::Full,
    }
}

fn wants_full(v: &Option<String>) -> bool {
    v.as_deref()
        .is_some_and(|s| matches!(s, "1" | "true" | "on"))
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
    let year = q.year;
    let form = form_of(format, wants_full(&q.full));
    let bytes = from_annual_view(&state, year, move |renderer, view| {
        let doc = planwatch_docs::annual::compose_as(&view, form)?;
        renderer.render(&doc, format)
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
    let name = unit.clone();
    let bytes = from_annual_view(&state, q.year, move |renderer, view| {
        let doc = planwatch_docs::feedback::compose_as(
            &view,
            &name,
            planwatch_docs::annual::Form::Compact,
        )?;
        renderer.render(&doc, format)
    })
    .await?;
    download(bytes, &format!("{unit}{}年度反馈单", q.year), format)
}

#[derive(Deserialize)]
pub struct FeedbackAllQuery {
    year: i32,
    #[serde(default)]
    format: String,
}

/// Every unit's feedback sheet of a year in one zip (the office's download).
pub async fn feedback_all(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<FeedbackAllQuery>,
) -> WebResult<Response> {
    user.require(Permission::ReadDocuments)?;
    let format = format_of(&q.format, &[Format::Docx, Format::Pdf])?;
    check_year(&state, q.year).await?;
    let (bytes, n) = from_annual_view(&state, q.year, move |renderer, view| {
        let files = docs::feedback_all(
            renderer,
            &view,
            format,
            planwatch_docs::annual::Form::Compact,
        )?;
        Ok((docs::zip_files(&files)?, files.len()))
    })
    .await?;
    tracing::info!(user = %user.user.username, year = q.year, units = n, "feedback sheets generated");
    download_as(
        bytes,
        &format!("{}年度反馈单（{n}家单位）", q.year),
        "zip",
        "application/zip",
    )
}

#[derive(Deserialize)]
pub struct BulletinQuery {
    period: String,
    #[serde(default)]
    format: String,
}

/// The quarterly bulletin (季度通报) of a quarter, with the office's stored texts.
pub async fn bulletin(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<BulletinQuery>,
) -> WebResult<Response> {
    user.require(Permission::ReadDocuments)?;
    let format = format_of(&q.format, &[Format::Docx, Format::Pdf, Format::Html])?;
    let period = super::report_texts::check_period(&state, &q.period).await?;
    let office = planwatch_app::report_texts::bulletin_office_texts(state.store(), period).await?;
    let bytes = from_period_view(&state, period, move |renderer, view| {
        let doc = planwatch_docs::bulletin::compose(&view, &office);
        renderer.render(&doc, format)
    })
    .await?;
    tracing::info!(user = %user.user.username, %period, "bulletin generated");
    download(bytes, &format!("{}季度通报", period.label_zh()), format)
}

#[derive(Deserialize)]
pub struct FinalQuery {
    #[serde(default)]
    format: String,
    #[serde(default)]
    full: Option<String>,
}

/// The final evaluation report (终期评估报告): the plan's last year in its final form.
pub async fn final_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<FinalQuery>,
) -> WebResult<Response> {
    user.require(Permission::ReadDocuments)?;
    let format = format_of(
        &q.format,
        &[Format::Docx, Format::Pdf, Format::Html, Format::Xlsx],
    )?;
    let Some(year) = plan_years(&state).await?.first().copied() else {
        return Err(WebError::BadRequest("数据库中还没有计划".to_string()));
    };
    let form = form_of(format, wants_full(&q.full));
    let bytes = from_annual_view(&state, year, move |renderer, view| {
        let doc = planwatch_docs::final_report::compose_as(&view, form)?;
        renderer.render(&doc, format)
    })
    .await?;
    tracing::info!(user = %user.user.username, year, "final report generated");
    download(bytes, "终期评估报告", format)
}

/// The task list (the plan's attachment 2) as Excel.
pub async fn tasklist(State(state): State<AppState>, user: CurrentUser) -> WebResult<Response> {
    user.require(Permission::ReadPlan)?;
    let (turn, renderer) = turn(&state).await?;
    let (plan, task_forces) = docs::tasklist_plan(state.store()).await.map_err(failed)?;
    let bytes = blocking(move || {
        let _turn = turn;
        let doc = planwatch_docs::tasklist::compose(&plan, &task_forces);
        renderer.render(&doc, Format::Xlsx)
    })
    .await?;
    download(bytes, "任务清单", Format::Xlsx)
}
