//! 报告 → 编辑报告文字 / 编辑通报文字: the office writes its own text for sections of a year's
//! annual report (存在的问题, 对策建议, …) or of a quarter's bulletin (季度通报: 下一步工作要求, …),
//! which replaces or follows the drafted 【草稿】 paragraphs when the document is generated. Each section shows PlanWatch's draft for reference, the office's current
//! text with its revision, a form to save it (replace or append) and one to clear it. Only the
//! office and admins reach the page or post to it; a stale form is refused without loss.

use super::super::AppState;
use super::super::error::{WebError, WebResult, shown};
use super::super::format;
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::documents::{check_year, from_annual_view, from_period_view, plan_years};
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
use planwatch_docs::bulletin::BulletinSection;
use planwatch_docs::view::SectionKey;
use planwatch_model::Quarter;
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

/// Which document's texts a page edits.
#[derive(Debug, Clone, Copy)]
enum Target {
    Annual(i32),
    Bulletin(Quarter),
}

impl Target {
    /// Where the forms post (`/documents/texts`, `/documents/bulletin-texts`).
    fn action(self) -> &'static str {
        match self {
            Target::Annual(_) => "/documents/texts",
            Target::Bulletin(_) => "/documents/bulletin-texts",
        }
    }

    /// The form field that names the document, and its value.
    fn field(self) -> (&'static str, String) {
        match self {
            Target::Annual(y) => ("year", y.to_string()),
            Target::Bulletin(p) => ("period", p.to_string()),
        }
    }

    fn heading(self) -> String {
        match self {
            Target::Annual(y) => format!("{y}年度评价考核报告 · 办公室文字"),
            Target::Bulletin(p) => format!("{}通报 · 办公室文字", p.label_zh()),
        }
    }

    /// The section's heading, when `key` names one of this document's sections.
    fn section_heading(self, key: &str) -> Option<&'static str> {
        match self {
            Target::Annual(_) => SectionKey::parse(key).map(|k| k.heading_zh()),
            Target::Bulletin(_) => BulletinSection::parse(key).map(|k| k.heading_zh()),
        }
    }
}

#[derive(Template)]
#[template(path = "report_texts.html")]
struct TextsPage {
    c: Chrome,
    heading: String,
    /// Where the forms post; the clear form posts to `<action>/clear`.
    action: &'static str,
    /// The field naming the document (`year` or `period`) and its value.
    field: &'static str,
    value: String,
    /// The documents to switch to: (value, label).
    choices: Vec<(String, String)>,
    /// 切换年度 / 切换季度.
    switch: &'static str,
    sections: Vec<SectionForm>,
    notice: Option<String>,
    /// Why the drafts could not be shown (the page still works without them).
    drafts_note: Option<String>,
    /// A refusal that belongs to no one section.
    error: Option<String>,
}

/// A refused post: which section, what was typed (none for a clear), and the message.
struct Refusal {
    section: &'static str,
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
async fn drafts(
    state: &AppState,
    target: Target,
) -> Result<BTreeMap<&'static str, Vec<String>>, String> {
    let lines = |ps: Vec<planwatch_docs::Paragraph>| ps.iter().map(draft_lines).collect();
    match target {
        Target::Annual(year) => from_annual_view(state, year, move |_, view| {
            Ok(planwatch_docs::annual::drafted_sections(&view)
                .into_iter()
                .map(|(k, ps)| (k.as_str(), lines(ps)))
                .collect())
        })
        .await
        .map_err(|e| e.to_string()),
        Target::Bulletin(period) => from_period_view(state, period, move |_, view| {
            Ok(planwatch_docs::bulletin::drafted_sections(&view)
                .into_iter()
                .map(|(k, ps)| (k.as_str(), lines(ps)))
                .collect())
        })
        .await
        .map_err(|e| e.to_string()),
    }
}

/// The sections of the document: (key, heading) in its order.
fn sections_of(target: Target) -> Vec<(&'static str, &'static str)> {
    match target {
        Target::Annual(_) => SectionKey::ALL
            .iter()
            .map(|k| (k.as_str(), k.heading_zh()))
            .collect(),
        Target::Bulletin(_) => BulletinSection::ALL
            .iter()
            .map(|k| (k.as_str(), k.heading_zh()))
            .collect(),
    }
}

/// The stored rows of the document by section key.
async fn stored_of(
    state: &AppState,
    target: Target,
) -> WebResult<BTreeMap<&'static str, planwatch_store::ReportText>> {
    Ok(match target {
        Target::Annual(year) => texts::stored_texts(state.store(), year)
            .await?
            .into_iter()
            .map(|(k, t)| (k.as_str(), t))
            .collect(),
        Target::Bulletin(period) => texts::stored_bulletin_texts(state.store(), period)
            .await?
            .into_iter()
            .map(|(k, t)| (k.as_str(), t))
            .collect(),
    })
}

/// Every quarter of the plan's years, latest first.
async fn plan_quarters(state: &AppState) -> WebResult<Vec<Quarter>> {
    Ok(plan_years(state)
        .await?
        .into_iter()
        .flat_map(|y| (1..=4u8).rev().filter_map(move |q| Quarter::new(y, q)))
        .collect())
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    target: Target,
    notice: Option<String>,
    refusal: Option<Refusal>,
) -> WebResult<TextsPage> {
    let stored = stored_of(state, target).await?;
    let (drafted, drafts_note) = match drafts(state, target).await {
        Ok(d) => (d, None),
        Err(e) => (BTreeMap::new(), Some(e)),
    };
    let sections = sections_of(target)
        .into_iter()
        .map(|(key, heading)| {
            let row = stored.get(key);
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
                key,
                heading,
                draft: drafted.get(key).cloned().unwrap_or_default(),
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
    let (field, value) = target.field();
    let (choices, switch) = match target {
        Target::Annual(_) => (
            plan_years(state)
                .await?
                .into_iter()
                .map(|y| (y.to_string(), format!("{y}年")))
                .collect(),
            "切换年度",
        ),
        Target::Bulletin(_) => (
            plan_quarters(state)
                .await?
                .into_iter()
                .map(|q| (q.to_string(), q.label_zh()))
                .collect(),
            "切换季度",
        ),
    };
    let title = match target {
        Target::Annual(_) => "编辑报告文字",
        Target::Bulletin(_) => "编辑通报文字",
    };
    Ok(TextsPage {
        c: Chrome::new(state, user, "documents", title).await?,
        heading: target.heading(),
        action: target.action(),
        field,
        value,
        choices,
        switch,
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

fn notice(target: Target, saved: &str, cleared: &str) -> Option<String> {
    let doc = match target {
        Target::Annual(_) => "报告",
        Target::Bulletin(_) => "通报",
    };
    target
        .section_heading(saved)
        .map(|h| format!("已保存“{h}”的文字。重新生成{doc}即可看到。"))
        .or_else(|| {
            target
                .section_heading(cleared)
                .map(|h| format!("已清除“{h}”的文字，{doc}将显示系统草稿。"))
        })
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
    let target = Target::Annual(year);
    let notice = notice(target, &q.saved, &q.cleared);
    Ok(render(&page(&state, &user, target, notice, None).await?)?.into_response())
}

#[derive(Deserialize, Default)]
pub struct BulletinTextsQuery {
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    saved: String,
    #[serde(default)]
    cleared: String,
}

/// The quarter shown when none is chosen: the latest quarter of the plan that has ended, else
/// the plan's first.
async fn default_quarter(state: &AppState) -> WebResult<Quarter> {
    let today = app::now().with_timezone(&app::assess::china()).date_naive();
    let quarters = plan_quarters(state).await?;
    quarters
        .iter()
        .copied()
        .find(|q| {
            chrono::NaiveDate::from_ymd_opt(q.year(), q.end_month(), 1).is_some_and(|d| d < today)
        })
        .or_else(|| quarters.last().copied())
        .ok_or_else(|| WebError::BadRequest("数据库中还没有计划".to_string()))
}

/// A quarter typed in a form or a link, within the plan's years.
pub(super) async fn check_period(state: &AppState, s: &str) -> WebResult<Quarter> {
    let q: Quarter = s
        .trim()
        .parse()
        .map_err(|e: planwatch_model::QuarterParseError| WebError::BadRequest(e.to_string()))?;
    check_year(state, q.year()).await?;
    Ok(q)
}

pub async fn show_bulletin(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<BulletinTextsQuery>,
) -> WebResult<Response> {
    user.require(Permission::EditReportTexts)?;
    let period = match q.period.as_deref().filter(|p| !p.trim().is_empty()) {
        Some(p) => check_period(&state, p).await?,
        None => default_quarter(&state).await?,
    };
    let target = Target::Bulletin(period);
    let notice = notice(target, &q.saved, &q.cleared);
    Ok(render(&page(&state, &user, target, notice, None).await?)?.into_response())
}

#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    period: Option<String>,
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
    target: Target,
    section: &'static str,
    result: Result<TextChange, AppError>,
    typed: Option<(String, ReportTextMode)>,
    what: &str,
) -> WebResult<Response> {
    match shown(result)? {
        Ok(_) => {
            let (field, value) = target.field();
            Ok(Redirect::to(&format!(
                "{}?{field}={value}&{what}={section}#section-{section}",
                target.action()
            ))
            .into_response())
        }
        Err(message) => {
            let refusal = Refusal {
                section,
                typed,
                message,
            };
            let p = page(state, user, target, None, Some(refusal)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    }
}

/// A section of the document the form names, or the page with the refusal (422).
async fn section_of(
    state: &AppState,
    user: &CurrentUser,
    target: Target,
    f: &TextForm,
) -> WebResult<Result<&'static str, Response>> {
    let parsed = match target {
        Target::Annual(_) => texts::parse_section(&f.section).map(|k| k.as_str()),
        Target::Bulletin(_) => texts::parse_bulletin_section(&f.section).map(|k| k.as_str()),
    };
    match parsed {
        Ok(s) => Ok(Ok(s)),
        Err(e) => {
            let mut p = page(state, user, target, None, None).await?;
            p.error = Some(e.to_string());
            Ok(Err(
                (StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response()
            ))
        }
    }
}

/// The document a form posted to `path` is about.
async fn target_of(state: &AppState, bulletin: bool, f: &TextForm) -> WebResult<Target> {
    if bulletin {
        let p = f.period.as_deref().unwrap_or_default();
        Ok(Target::Bulletin(check_period(state, p).await?))
    } else {
        let y = f
            .year
            .ok_or_else(|| WebError::BadRequest("缺少年度".to_string()))?;
        check_year(state, y).await?;
        Ok(Target::Annual(y))
    }
}

async fn save_to(
    state: AppState,
    user: CurrentUser,
    f: TextForm,
    bulletin: bool,
) -> WebResult<Response> {
    user.require(Permission::EditReportTexts)?;
    let target = target_of(&state, bulletin, &f).await?;
    let section = match section_of(&state, &user, target, &f).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let mode = match texts::parse_mode(&f.mode) {
        Ok(m) => m,
        Err(e) => {
            return answer(
                &state,
                &user,
                target,
                section,
                Err(e),
                Some((f.text, ReportTextMode::Replace)),
                "saved",
            )
            .await;
        }
    };
    let who = app::Caller::User(&user.user);
    let expected = Some(f.revision.unwrap_or(0));
    let result = match target {
        Target::Annual(year) => {
            let key = SectionKey::parse(section).expect("parsed above");
            texts::set_text(
                state.store(),
                who,
                year,
                key,
                mode,
                &f.text,
                expected,
                app::now(),
            )
            .await
        }
        Target::Bulletin(period) => {
            let key = BulletinSection::parse(section).expect("parsed above");
            texts::set_bulletin_text(
                state.store(),
                who,
                period,
                key,
                mode,
                &f.text,
                expected,
                app::now(),
            )
            .await
        }
    };
    answer(
        &state,
        &user,
        target,
        section,
        result,
        Some((f.text, mode)),
        "saved",
    )
    .await
}

async fn clear_in(
    state: AppState,
    user: CurrentUser,
    f: TextForm,
    bulletin: bool,
) -> WebResult<Response> {
    user.require(Permission::EditReportTexts)?;
    let target = target_of(&state, bulletin, &f).await?;
    let section = match section_of(&state, &user, target, &f).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let who = app::Caller::User(&user.user);
    let result = match target {
        Target::Annual(year) => {
            let key = SectionKey::parse(section).expect("parsed above");
            texts::clear_text(state.store(), who, year, key, f.revision, app::now()).await
        }
        Target::Bulletin(period) => {
            let key = BulletinSection::parse(section).expect("parsed above");
            texts::clear_bulletin_text(state.store(), who, period, key, f.revision, app::now())
                .await
        }
    };
    answer(&state, &user, target, section, result, None, "cleared").await
}

pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<TextForm>,
) -> WebResult<Response> {
    save_to(state, user, f, false).await
}

pub async fn clear(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<TextForm>,
) -> WebResult<Response> {
    clear_in(state, user, f, false).await
}

/// 编辑通报文字: a section of a quarter's bulletin saved.
pub async fn save_bulletin(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<TextForm>,
) -> WebResult<Response> {
    save_to(state, user, f, true).await
}

/// 编辑通报文字: a section of a quarter's bulletin cleared.
pub async fn clear_bulletin(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<TextForm>,
) -> WebResult<Response> {
    clear_in(state, user, f, true).await
}
