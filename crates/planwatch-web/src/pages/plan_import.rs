//! 计划 → 导入新版本: upload a plan text (or interchange JSON), see the extraction with its
//! diagnostics beside the text and what would change, then confirm to create a new revision.
//! The preview changes nothing; the confirmation re-reads the same text (extraction is
//! deterministic) and imports it through the store's plan import use case, which refuses a plan
//! with blocking problems and writes the audit row in the same transaction.

use super::super::AppState;
use super::super::error::{WebError, WebResult};
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::{Chrome, render};
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use planwatch_app as app;
use planwatch_model::{Plan, Severity};
use planwatch_store::{PlanSource, check_plan, diff_plans, parse_plan_json};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "plan_import.html")]
struct ImportForm {
    c: Chrome,
    error: Option<String>,
}

pub async fn form(State(state): State<AppState>, user: CurrentUser) -> WebResult<Html<String>> {
    user.require(Permission::ImportPlan)?;
    render(&ImportForm {
        c: Chrome::new(&state, &user, "plan", "导入计划").await?,
        error: None,
    })
}

/// The uploaded document as it travels from the preview to the confirmation.
#[derive(Deserialize)]
pub struct Upload {
    file_name: String,
    content: String,
}

/// Whether the document is interchange JSON rather than plan text: a `.json` name or a
/// document that starts with `{` (the same rule as `planwatch plan import`).
fn is_json(file_name: &str, content: &str) -> bool {
    file_name.to_lowercase().ends_with(".json") || content.trim_start().starts_with('{')
}

/// Reads the upload as the CLI reads a file: JSON is checked field by field, text is extracted.
fn read(upload: &Upload) -> Result<(Plan, PlanSource), String> {
    let name = upload.file_name.clone();
    if is_json(&name, &upload.content) {
        let plan = parse_plan_json(&upload.content, &name).map_err(|e| e.to_string())?;
        Ok((plan, PlanSource::Json { file_name: name }))
    } else {
        Ok((
            planwatch_plantext::extract_text(&upload.content),
            PlanSource::Text { file_name: name },
        ))
    }
}

pub struct SourceLine {
    pub number: usize,
    pub text: String,
    /// `diag-error`, `diag-warning`, `diag-info` or empty.
    pub class: &'static str,
}

pub struct DiagRow {
    pub line: u32,
    pub column: u32,
    pub severity: &'static str,
    pub badge: &'static str,
    pub message: String,
    pub code: String,
}

pub struct ExtractedTask {
    pub number: u32,
    pub title: String,
    pub section: String,
    pub lead: String,
    pub participating: String,
    pub targets: usize,
    pub milestones: usize,
}

#[derive(Template)]
#[template(path = "plan_preview.html")]
struct PreviewPage {
    c: Chrome,
    file_name: String,
    content: String,
    is_json: bool,
    title: String,
    period: String,
    goals: usize,
    tasks: Vec<ExtractedTask>,
    targets: usize,
    milestones: usize,
    units: usize,
    problems: Vec<String>,
    diagnostics: Vec<DiagRow>,
    changes: Vec<String>,
    next_revision: i64,
    lines: Vec<SourceLine>,
}

fn severity(s: Severity) -> (&'static str, &'static str, &'static str) {
    match s {
        Severity::Error => ("阻断", "red", "diag-error"),
        Severity::Warning => ("注意", "yellow", "diag-warning"),
        Severity::Info => ("提示", "blue", "diag-info"),
    }
}

async fn preview_page(state: &AppState, user: &CurrentUser, upload: Upload) -> WebResult<Response> {
    let c = Chrome::new(state, user, "plan", "导入计划：预览").await?;
    let (plan, _) = match read(&upload) {
        Ok(p) => p,
        Err(error) => {
            let page = ImportForm {
                c,
                error: Some(error),
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    let json = is_json(&upload.file_name, &upload.content);
    let problems = check_plan(&plan);
    let mut worst: BTreeMap<usize, Severity> = BTreeMap::new();
    if !json {
        for d in &plan.diagnostics {
            let e = worst.entry(d.line as usize).or_insert(d.severity);
            *e = (*e).max(d.severity);
        }
    }
    let lines = upload
        .content
        .lines()
        .enumerate()
        .map(|(i, t)| SourceLine {
            number: i + 1,
            text: t.to_string(),
            class: worst.get(&(i + 1)).map_or("", |s| severity(*s).2),
        })
        .collect();
    let mut diagnostics: Vec<DiagRow> = plan
        .diagnostics
        .iter()
        .map(|d| {
            let (label, badge, _) = severity(d.severity);
            DiagRow {
                line: d.line,
                column: d.column,
                severity: label,
                badge,
                message: d.message.clone(),
                code: d.code.clone(),
            }
        })
        .collect();
    diagnostics.sort_by_key(|d| (d.badge != "red", d.line, d.column));
    let current = match state.store().current_revision().await? {
        Some(r) => Some((r.number, state.store().plan(Some(r.number)).await?)),
        None => None,
    };
    let changes = match &current {
        Some((_, old)) => {
            let d = diff_plans(old, &plan);
            if d.is_empty() {
                vec!["与当前版本相比没有变化".to_string()]
            } else {
                d.lines_zh()
            }
        }
        None => vec!["这是第一个版本".to_string()],
    };
    let page = PreviewPage {
        c,
        title: plan.title.clone(),
        period: format!("{}—{}年", plan.period.start, plan.period.end),
        goals: plan.goals.len(),
        tasks: plan
            .tasks
            .iter()
            .map(|t| ExtractedTask {
                number: t.number,
                title: t.title.clone(),
                section: t.section.clone(),
                lead: t.lead_units.join("、"),
                participating: t.participating_units.join("、"),
                targets: t.targets.len(),
                milestones: t.milestones.len(),
            })
            .collect(),
        targets: plan.tasks.iter().map(|t| t.targets.len()).sum(),
        milestones: plan.tasks.iter().map(|t| t.milestones.len()).sum(),
        units: plan.units.len(),
        problems,
        diagnostics,
        changes,
        next_revision: current.map_or(1, |(n, _)| n + 1),
        lines,
        is_json: json,
        file_name: upload.file_name,
        content: upload.content,
    };
    Ok(render(&page)?.into_response())
}

/// Browsers send form fields with CRLF line ends; the file had LF (or CRLF). Both the preview and
/// the confirmation read the document with LF only, so they extract exactly the same plan.
fn normalise_newlines(s: &str) -> String {
    s.replace("\r\n", "\n")
}

/// The upload as text: UTF-8, GB18030, UTF-16 or a .docx, decoded as the CLI decodes a file.
fn decode(file_name: &str, bytes: &[u8]) -> Result<String, String> {
    planwatch_plantext::decode(bytes, file_name).map_err(|e| format!("文件 {file_name} {e}"))
}

/// Receives the upload (a file, or text pasted into the form) and shows the preview.
pub async fn preview(
    State(state): State<AppState>,
    user: CurrentUser,
    mut multipart: Multipart,
) -> WebResult<Response> {
    user.require(Permission::ImportPlan)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut pasted = String::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(super::super::error::multipart_error(&e)),
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| super::super::error::multipart_error(&e))?;
        match name.as_str() {
            "file" if !bytes.is_empty() => {
                file = Some((
                    file_name.unwrap_or_else(|| "上传的文件".to_string()),
                    bytes.to_vec(),
                ));
            }
            "text" => pasted = String::from_utf8_lossy(&bytes).into_owned(),
            _ => {}
        }
    }
    let upload = match file {
        // A task table in a spreadsheet is extracted here, once: the preview and the
        // confirmation then carry the extracted plan as interchange JSON.
        Some((name, bytes)) if app::plan_input::is_spreadsheet(&name, &bytes) => {
            match app::plan_input::extract_plan_bytes(&bytes, &name) {
                Ok(plan) => Upload {
                    content: serde_json::to_string_pretty(&plan)
                        .map_err(|e| WebError::Internal(e.into()))?,
                    file_name: format!("{name}（任务表）.json"),
                },
                Err(error) => {
                    return form_error(&state, &user, format!("任务表“{name}”{error}")).await;
                }
            }
        }
        Some((name, bytes)) => match decode(&name, &bytes) {
            Ok(content) => Upload {
                file_name: name,
                content: normalise_newlines(&content),
            },
            Err(error) => return form_error(&state, &user, error).await,
        },
        None if !pasted.trim().is_empty() => Upload {
            file_name: "粘贴的文本".to_string(),
            content: normalise_newlines(&pasted),
        },
        None => {
            return form_error(
                &state,
                &user,
                "请选择计划文件，或把计划全文粘贴到文本框中。".to_string(),
            )
            .await;
        }
    };
    preview_page(&state, &user, upload).await
}

async fn form_error(state: &AppState, user: &CurrentUser, error: String) -> WebResult<Response> {
    let page = ImportForm {
        c: Chrome::new(state, user, "plan", "导入计划").await?,
        error: Some(error),
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

/// Imports the previewed document as the next revision.
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(mut upload): Form<Upload>,
) -> WebResult<Response> {
    user.require(Permission::ImportPlan)?;
    upload.content = normalise_newlines(&upload.content);
    let (plan, source) = match read(&upload) {
        Ok(p) => p,
        Err(error) => return form_error(&state, &user, error).await,
    };
    let caller = app::Caller::User(&user.user);
    match app::plan_input::import_revision(state.store(), caller, &plan, &source, app::now()).await
    {
        Ok(done) => {
            tracing::info!(user = %user.user.username, revision = done.revision, "plan revision imported");
            Ok(Redirect::to("/plan/revisions").into_response())
        }
        // The preview already showed these; a changed document or a race shows them again.
        Err(app::AppError::Refused(_)) => preview_page(&state, &user, upload).await,
        Err(app::AppError::Forbidden(m)) => Err(WebError::Forbidden(m)),
        Err(e) => Err(WebError::Internal(e.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_recognised_by_name_or_first_character() {
        assert!(is_json("plan.JSON", "x"));
        assert!(is_json("a.txt", "  \n{\"title\":1}"));
        assert!(!is_json("plan.txt", "阳泉市…"));
    }

    #[test]
    fn text_that_is_not_utf8_gets_a_chinese_hint() {
        let e = decode("plan.txt", &[0xB0, 0xA1, 0xFF]).expect_err("not UTF-8");
        assert!(e.contains("UTF-8"));
        assert_eq!(decode("a.txt", b"\xEF\xBB\xBFabc").as_deref(), Ok("abc"));
    }
}
