//! 报告 → 编辑报告文字: the office writes its own text for sections of a year's annual report
//! (存在的问题, 对策建议, …), which replaces or follows the drafted 【草稿】 paragraphs when the
//! report is generated. Each section shows PlanWatch's draft for reference, the office's current
//! text with its revision, a form to save it (replace or append) and one to clear it. Only the
//! office and admins reach the page or post to it; a stale form is refused without loss.

use super::super::AppState;
use super::super::error::{WebError, WebResult, shown};
use super::super::format;
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::documents::{check_year, from_annual_view, plan_years};
use super::{Chrome, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_app as app;
use planwatch_app::AppError;
use planwatch_app::report_texts as texts;
use planwatch_docs::Label;
use planwatch_docs::view::SectionKey;
use planwatch_store::{ReportTextMode, TextChange};
use serde::Deserialize;
use std::collections::BTreeMap;

pub struct SectionForm {
    pub key: &'static str,
    pub heading: &'static str,
    /// PlanWatch's drafted paragraphs, for reference (【草稿】 marked).
    pub draft: Vec<String>,
    /// The office's current text (or what was just posted, when it was refused).
    pub text: String,
    /// `replace` or `append`.
    pub mode: &'static str,
    pub revision: i64,
    /// 替换草稿 · 第 2 版 · office 2024-01-10 10:00; empty when there is no text.
    pub status: String,
    pub has_text: bool,
    pub error: String,
}

#[derive(Template)]
#[template(path = "report_texts.html")]
struct TextsPage {
    c: Chrome,
    year: i32,
    years: Vec<i32>,
    sections: Vec<SectionForm>,
    notice: Option<String>,
    /// Why the drafts could not be shown (the page still works without them).
    drafts_note: Option<String>,
    /// A refusal that belongs to no one section.
    error: Option<String>,
}

/// A refused post: which section, what was typed (none for a clear), and the message.
struct Refusal {
    section: SectionKey,
    typed: Option<(String, ReportTextMode)>,
    message: String,
}

fn draft_lines(p: &planwatch_docs::Paragraph) -> String {
    match p.label {
        Some(Label::Draft) => format!("{}{}", Label::Draft.text(), p.plain_text()),
        _ => p.plain_text(),
    }
}

/// The drafted paragraphs of every section for `year`, computed as the report computes them
/// (the same path as a download: `documents::from_annual_view`).
async fn drafts(state: &AppState, year: i32) -> Result<BTreeMap<SectionKey, Vec<String>>, String> {
    from_annual_view(state, year, |_, view| {
        Ok(planwatch_docs::annual::drafted_sections(&view)
            .into_iter()
            .map(|(k, ps)| (k, ps.iter().map(draft_lines).collect()))
            .collect())
    })
    .await
    .map_err(|e| e.to_string())
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    year: i32,
    notice: Option<String>,
    refusal: Option<Refusal>,
) -> WebResult<TextsPage> {
    let stored = texts::stored_texts(state.store(), year).await?;
    let (drafted, drafts_note) = match drafts(state, year).await {
        Ok(d) => (d, None),
        Err(e) => (BTreeMap::new(), Some(e)),
    };
    let sections = SectionKey::ALL
        .iter()
        .map(|&key| {
            let row = stored.get(&key);
            let current = row.and_then(|t| t.current.clone());
            let status = match (row, &current) {
                (Some(t), Some((mode, _))) => format!(
                    "{} · 第 {} 版 · {} {}",
                    mode.label_zh(),
                    t.revision,
                    t.updated_by,
                    format::time(t.updated_at)
                ),
                _ => String::new(),
            };
            let mut form = SectionForm {
                key: key.as_str(),
                heading: key.heading_zh(),
                draft: drafted.get(&key).cloned().unwrap_or_default(),
                text: current.as_ref().map(|(_, b)| b.clone()).unwrap_or_default(),
                mode: current
                    .as_ref()
                    .map_or(ReportTextMode::Replace, |(m, _)| *m)
                    .as_str(),
                revision: row.map_or(0, |t| t.revision),
                status,
                has_text: current.is_some(),
                error: String::new(),
            };
            if let Some(r) = refusal.as_ref().filter(|r| r.section == key) {
                if let Some((text, mode)) = &r.typed {
                    form.text.clone_from(text);
                    form.mode = mode.as_str();
                }
                form.error.clone_from(&r.message);
            }
            form
        })
        .collect();
    Ok(TextsPage {
        c: Chrome::new(state, user, "documents", "编辑报告文字").await?,
        year,
        years: plan_years(state).await?,
        sections,
        notice,
        drafts_note: drafts_note
            .map(|e| format!("系统草稿暂不能显示（{e}），仍可填写和保存文字。")),
        error: None,
    })
}

#[derive(Deserialize, Default)]
pub struct TextsQuery {
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    saved: String,
    #[serde(default)]
    cleared: String,
}

/// The year shown when none is chosen: the latest year of the plan that has begun.
async fn default_year(state: &AppState) -> WebResult<i32> {
    let this_year =
        chrono::Datelike::year(&app::now().with_timezone(&app::assess::china()).date_naive());
    let years = plan_years(state).await?;
    years
        .iter()
        .copied()
        .find(|y| *y <= this_year)
        .or_else(|| years.last().copied())
        .ok_or_else(|| WebError::BadRequest("数据库中还没有计划".to_string()))
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TextsQuery>,
) -> WebResult<Response> {
    user.require(Permission::EditReportTexts)?;
    let year = match q.year {
        Some(y) => {
            check_year(&state, y).await?;
            y
        }
        None => default_year(&state).await?,
    };
    let heading = |s: &str| SectionKey::parse(s).map(|k| k.heading_zh());
    let notice = heading(&q.saved)
        .map(|h| format!("已保存“{h}”的文字。重新生成报告即可看到。"))
        .or_else(|| {
            heading(&q.cleared).map(|h| format!("已清除“{h}”的文字，报告将显示系统草稿。"))
        });
    Ok(render(&page(&state, &user, year, notice, None).await?)?.into_response())
}

#[derive(Deserialize)]
pub struct TextForm {
    year: i32,
    #[serde(default)]
    section: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    revision: Option<i64>,
}

/// The answer to a change: back to the page (303) when it was written or needed no writing, the
/// page with the message (422) when it was refused.
async fn answer(
    state: &AppState,
    user: &CurrentUser,
    year: i32,
    section: SectionKey,
    result: Result<TextChange, AppError>,
    typed: Option<(String, ReportTextMode)>,
    what: &str,
) -> WebResult<Response> {
    match shown(result)? {
        Ok(_) => Ok(Redirect::to(&format!(
            "/documents/texts?year={year}&{what}={}#section-{}",
            section.as_str(),
            section.as_str()
        ))
        .into_response()),
        Err(message) => {
            let refusal = Refusal {
                section,
                typed,
                message,
            };
            let p = page(state, user, year, None, Some(refusal)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    }
}

async fn section_of(
    state: &AppState,
    user: &CurrentUser,
    f: &TextForm,
) -> WebResult<Result<SectionKey, Response>> {
    match texts::parse_section(&f.section) {
        Ok(s) => Ok(Ok(s)),
        Err(e) => {
            let mut p = page(state, user, f.year, None, None).await?;
            p.error = Some(e.to_string());
            Ok(Err(
                (StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response()
            ))
        }
    }
}

pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<TextForm>,
) -> WebResult<Response> {
    user.require(Permission::EditReportTexts)?;
    check_year(&state, f.year).await?;
    let section = match section_of(&state, &user, &f).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let mode = match texts::parse_mode(&f.mode) {
        Ok(m) => m,
        Err(e) => {
            return answer(
                &state,
                &user,
                f.year,
                section,
                Err(e),
                Some((f.text, ReportTextMode::Replace)),
                "saved",
            )
            .await;
        }
    };
    let result = texts::set_text(
        state.store(),
        app::Caller::User(&user.user),
        f.year,
        section,
        mode,
        &f.text,
        Some(f.revision.unwrap_or(0)),
        app::now(),
    )
    .await;
    answer(
        &state,
        &user,
        f.year,
        section,
        result,
        Some((f.text, mode)),
        "saved",
    )
    .await
}

pub async fn clear(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<TextForm>,
) -> WebResult<Response> {
    user.require(Permission::EditReportTexts)?;
    check_year(&state, f.year).await?;
    let section = match section_of(&state, &user, &f).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let result = texts::clear_text(
        state.store(),
        app::Caller::User(&user.user),
        f.year,
        section,
        f.revision,
        app::now(),
    )
    .await;
    answer(&state, &user, f.year, section, result, None, "cleared").await
}
