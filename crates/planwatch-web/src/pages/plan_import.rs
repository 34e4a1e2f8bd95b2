//! 计划 → 导入新版本: upload a plan text (or interchange JSON), see the extraction with its
//! diagnostics beside the text and what would change, correct it in the table, then confirm to
//! create a new revision. The preview changes nothing; the confirmation re-reads the same text
//! (extraction is deterministic) — or, when the office edited the table, takes the plan the table
//! posts as interchange JSON (`edit`) — and imports it through the library's use case, which
//! refuses a plan with blocking problems and writes the audit row in the same transaction.

mod edit;
mod origin;

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
use std::collections::{BTreeMap, BTreeSet};

#[derive(Template)]
#[template(path = "plan_import.html")]
struct ImportForm {
    c: Chrome,
    error: Option<String>,
}

impl ImportForm {
    /// The file types the upload takes (the same readers as `planwatch plan import`).
    fn accept(&self) -> &'static str {
        app::plan_input::PLAN_FILE_TYPES
    }

    fn types_zh(&self) -> &'static str {
        app::plan_input::PLAN_FILE_TYPES_ZH
    }
}

pub async fn form(State(state): State<AppState>, user: CurrentUser) -> WebResult<Html<String>> {
    user.require(Permission::ImportPlan)?;
    render(&ImportForm {
        c: Chrome::new(&state, &user, "plan", "导入计划").await?,
        error: None,
    })
}

/// The uploaded document as it travels from the preview to the confirmation.
pub struct Upload {
    file_name: String,
    content: String,
    /// For a saved web page, the HTML source line of each line of `content` (carried sealed,
    /// `origin`); a PDF's pages are in `content` as form feeds.
    source_lines: Option<Vec<u32>>,
}

impl Upload {
    /// The document as the extractor decoded it.
    fn decoded(&self) -> planwatch_plantext::Decoded {
        planwatch_plantext::Decoded {
            text: self.content.clone(),
            origin: match &self.source_lines {
                Some(lines) => planwatch_plantext::Origin::Html {
                    source_lines: lines.clone(),
                },
                None => planwatch_plantext::Origin::Text,
            },
        }
    }

    /// The carried source-line map (empty without one) and its seal for this session.
    fn origin_fields(&self, csrf: &str) -> (String, String) {
        match &self.source_lines {
            Some(lines) => {
                let carried = origin::encode(lines);
                let seal = origin::seal(csrf, &self.file_name, &self.content, &carried);
                (carried, seal)
            }
            None => (String::new(), String::new()),
        }
    }

    /// The document carried back from the page: the map is checked against its seal and the
    /// text; the error says the upload must be repeated.
    fn carried(
        csrf: &str,
        file_name: String,
        content: &str,
        carried: &str,
        seal: &str,
    ) -> Result<Self, String> {
        let content = normalise_newlines(content);
        let source_lines = if carried.is_empty() {
            None
        } else {
            if !origin::verify(csrf, &file_name, &content, carried, seal) {
                return Err(
                    "来源位置信息与文本不符（页面被修改或已过期），请重新上传文件".to_string(),
                );
            }
            Some(origin::decode(carried, content.split('\n').count())?)
        };
        Ok(Self {
            file_name,
            content,
            source_lines,
        })
    }
}

/// The confirmation: the document, and the plan as corrected in the table (interchange JSON;
/// empty when the office changed nothing).
#[derive(Deserialize)]
pub struct ConfirmForm {
    file_name: String,
    content: String,
    #[serde(default)]
    edited: String,
    /// The sealed source-line map of a web page (`origin`), and its seal.
    #[serde(default)]
    origin: String,
    #[serde(default)]
    origin_seal: String,
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
            planwatch_plantext::extract_decoded(&upload.decoded()),
            PlanSource::Text { file_name: name },
        ))
    }
}

pub struct SourceLine {
    pub number: usize,
    /// The PDF page this line starts (a form feed ended the line before); 0 otherwise.
    pub page: usize,
    pub text: String,
    /// `diag-error`, `diag-warning`, `diag-info` or empty.
    pub class: &'static str,
}

pub struct DiagRow {
    /// Where in a workbook (工作表1 第5行第3列); empty for a text, whose line is linked.
    pub cell: String,
    pub line: u32,
    pub column: u32,
    pub severity: &'static str,
    pub badge: &'static str,
    pub message: String,
    pub code: String,
}

/// A task as a row of the editing table; `index` is its place in the plan shown, so the script
/// keeps every field the table does not show.
pub struct TaskRow {
    pub index: usize,
    pub number: u32,
    pub title: String,
    pub section: String,
    pub lead: String,
    pub participating: String,
    /// The line of the text the task starts on; 0 when there is no text line to link to.
    pub line: u32,
    /// Where the task starts in the original file when that is not the text (a PDF's page and
    /// line, a web page's source line); empty otherwise.
    pub origin: String,
    pub without_lead: bool,
}

pub struct TargetRow {
    pub task: usize,
    pub index: usize,
    pub task_number: u32,
    pub indicator: String,
    pub text: String,
    pub year: String,
    pub value: String,
    pub unit: String,
    pub comparator: &'static str,
}

pub struct MilestoneRow {
    pub task: usize,
    pub index: usize,
    pub task_number: u32,
    pub text: String,
    pub year: String,
}

pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

/// The comparator's choices in the table: the JSON names of `TargetWording` with the model's
/// words (one vocabulary), after a blank for a target whose wording the plan does not state.
fn comparators() -> Vec<Choice> {
    std::iter::once(Choice {
        value: "",
        label: "（未注明）",
    })
    .chain(planwatch_model::TargetWording::ALL.iter().map(|w| Choice {
        value: w.as_str(),
        label: w.label_zh(),
    }))
    .collect()
}

#[derive(Template)]
#[template(path = "plan_preview.html")]
struct PreviewPage {
    c: Chrome,
    file_name: String,
    content: String,
    /// The web page's source-line map and its seal, carried to the next step.
    origin: String,
    origin_seal: String,
    is_json: bool,
    title: String,
    period: String,
    goals: usize,
    tasks: Vec<TaskRow>,
    targets: Vec<TargetRow>,
    milestones: Vec<MilestoneRow>,
    units: usize,
    problems: Vec<String>,
    diagnostics: Vec<DiagRow>,
    changes: Vec<String>,
    next_revision: i64,
    lines: Vec<SourceLine>,
    /// The plan shown, as interchange JSON: the script's base for the plan the table posts.
    plan_json: String,
    /// The plan as corrected in the table, carried to the confirmation; empty for the document.
    edited: String,
    merges: Vec<edit::Merge>,
    comparators: Vec<Choice>,
    /// Why the table's correction could not be read.
    error: Option<String>,
}

/// What the preview shows: the document as read, or the office's correction of it.
enum Shown {
    Document,
    Corrected(Box<Plan>),
    /// The table posted something that is not a plan: the document again, with why.
    Unreadable(String),
}

fn severity(s: Severity) -> (&'static str, &'static str, &'static str) {
    match s {
        Severity::Error => ("阻断", "red", "diag-error"),
        Severity::Warning => ("注意", "yellow", "diag-warning"),
        Severity::Info => ("提示", "blue", "diag-info"),
    }
}

fn number_text<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn table_rows(plan: &Plan, text: bool) -> (Vec<TaskRow>, Vec<TargetRow>, Vec<MilestoneRow>) {
    let mut tasks = Vec::new();
    let mut targets = Vec::new();
    let mut milestones = Vec::new();
    for (i, t) in plan.tasks.iter().enumerate() {
        tasks.push(TaskRow {
            index: i,
            number: t.number,
            title: t.title.clone(),
            section: t.section.clone(),
            lead: t.lead_units.join("、"),
            participating: t.participating_units.join("、"),
            line: t.span.filter(|_| text).map_or(0, |s| s.line),
            origin: t
                .span
                .filter(|s| text && (s.page.is_some() || s.source_line.is_some()))
                .map(|s| format!("原文{}", s.place_zh()))
                .unwrap_or_default(),
            without_lead: t.lead_units.iter().all(|u| u.trim().is_empty()),
        });
        for (j, x) in t.targets.iter().enumerate() {
            let comparator = x.comparator.map_or("", |c| c.as_str());
            targets.push(TargetRow {
                task: i,
                index: j,
                task_number: t.number,
                indicator: x.indicator.clone(),
                text: x.text.clone(),
                year: number_text(x.year),
                value: number_text(x.value),
                unit: x.unit.clone().unwrap_or_default(),
                comparator,
            });
        }
        for (j, m) in t.milestones.iter().enumerate() {
            milestones.push(MilestoneRow {
                task: i,
                index: j,
                task_number: t.number,
                text: m.text.clone(),
                year: number_text(m.year),
            });
        }
    }
    (tasks, targets, milestones)
}

async fn preview_page(
    state: &AppState,
    user: &CurrentUser,
    upload: Upload,
    shown: Shown,
) -> WebResult<Response> {
    let c = Chrome::new(state, user, "plan", "导入计划：预览").await?;
    let (document, _) = match read(&upload) {
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
    let (plan, corrected, error) = match shown {
        Shown::Document => (document, false, None),
        Shown::Corrected(mut plan) => {
            // Where each item lies in the original file comes from the document carried
            // (sealed), not from the spans the table posted.
            if !json {
                planwatch_plantext::place_spans(&mut plan, &upload.decoded());
            }
            (*plan, true, None)
        }
        Shown::Unreadable(e) => (document, false, Some(e)),
    };
    let problems = check_plan(&plan);
    let mut worst: BTreeMap<usize, Severity> = BTreeMap::new();
    if !json {
        for d in &plan.diagnostics {
            let e = worst.entry(d.line as usize).or_insert(d.severity);
            *e = (*e).max(d.severity);
        }
    }
    let mut page = 1;
    let mut next_page = false;
    let lines = upload
        .content
        .lines()
        .enumerate()
        .map(|(i, t)| {
            let starts = std::mem::replace(&mut next_page, t.contains('\u{c}'));
            if starts {
                page += 1;
            }
            SourceLine {
                number: i + 1,
                page: if starts { page } else { 0 },
                text: t.replace('\u{c}', ""),
                class: worst.get(&(i + 1)).map_or("", |s| severity(*s).2),
            }
        })
        .collect();
    let mut diagnostics: Vec<DiagRow> = plan
        .diagnostics
        .iter()
        .map(|d| {
            let (label, badge, _) = severity(d.severity);
            DiagRow {
                cell: d.sheet.map_or(String::new(), |sheet| {
                    format!("工作表{sheet} 第{}行第{}列", d.line, d.column)
                }),
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
    let known: BTreeSet<String> = state
        .store()
        .units()
        .await?
        .into_iter()
        .map(|u| u.name.as_str().to_string())
        .collect();
    let plan_json = serde_json::to_string(&plan).map_err(|e| WebError::Internal(e.into()))?;
    let (tasks, targets, milestones) = table_rows(&plan, !json);
    let status = if error.is_some() || (corrected && !problems.is_empty()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (origin, origin_seal) = upload.origin_fields(&user.csrf);
    let page = PreviewPage {
        origin,
        origin_seal,
        c,
        title: plan.title.clone(),
        period: format!("{}—{}年", plan.period.start, plan.period.end),
        goals: plan.goals.len(),
        tasks,
        targets,
        milestones,
        units: plan.units.len(),
        merges: edit::merges(&plan, &known),
        problems,
        diagnostics,
        changes,
        next_revision: current.map_or(1, |(n, _)| n + 1),
        lines,
        is_json: json,
        edited: if corrected {
            plan_json.clone()
        } else {
            String::new()
        },
        plan_json,
        comparators: comparators(),
        error,
        file_name: upload.file_name,
        content: upload.content,
    };
    Ok((status, render(&page)?).into_response())
}

/// Browsers send form fields with CRLF line ends; the file had LF (or CRLF). Both the preview and
/// the confirmation read the document with LF only, so they extract exactly the same plan.
fn normalise_newlines(s: &str) -> String {
    s.replace("\r\n", "\n")
}

/// The upload as text: UTF-8, GB18030, UTF-16, .docx, .doc/.wps (LibreOffice), a PDF's text
/// layer or a web page's article, decoded as the CLI decodes a file, with where the text came
/// from (a web page's source lines).
fn decode_document(file_name: &str, bytes: &[u8]) -> Result<planwatch_plantext::Decoded, String> {
    app::plan_input::plan_document(bytes, file_name).map_err(|e| format!("文件 {file_name} {e}"))
}

/// Receives the upload (a file, or text pasted into the form) and shows the preview. The
/// editing table posts here too (`file_name`, `content`, `edited`) to see its correction
/// checked and compared with the current revision before confirming.
pub async fn preview(
    State(state): State<AppState>,
    user: CurrentUser,
    mut multipart: Multipart,
) -> WebResult<Response> {
    user.require(Permission::ImportPlan)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut pasted = String::new();
    let mut carried = BTreeMap::new();
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
            "file_name" | "content" | "edited" | "origin" | "origin_seal" => {
                carried.insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
            _ => {}
        }
    }
    if let (Some(file_name), Some(content), Some(edited)) = (
        carried.remove("file_name"),
        carried.remove("content"),
        carried.remove("edited"),
    ) && !content.trim().is_empty()
        && !edited.trim().is_empty()
    {
        let shown = match edit::corrected(&edited, &file_name) {
            Ok(plan) => Shown::Corrected(Box::new(plan)),
            Err(e) => Shown::Unreadable(e),
        };
        let upload = match Upload::carried(
            &user.csrf,
            file_name,
            &content,
            &carried.remove("origin").unwrap_or_default(),
            &carried.remove("origin_seal").unwrap_or_default(),
        ) {
            Ok(u) => u,
            Err(error) => return form_error(&state, &user, error).await,
        };
        return preview_page(&state, &user, upload, shown).await;
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
                    source_lines: None,
                },
                Err(error) => {
                    return form_error(&state, &user, format!("任务表“{name}”{error}")).await;
                }
            }
        }
        Some((name, bytes)) => match decode_document(&name, &bytes) {
            Ok(document) => Upload {
                file_name: name,
                content: normalise_newlines(&document.text),
                source_lines: match document.origin {
                    planwatch_plantext::Origin::Html { source_lines } => Some(source_lines),
                    planwatch_plantext::Origin::Text | planwatch_plantext::Origin::Pdf { .. } => {
                        None
                    }
                },
            },
            Err(error) => return form_error(&state, &user, error).await,
        },
        None if !pasted.trim().is_empty() => Upload {
            file_name: "粘贴的文本".to_string(),
            content: normalise_newlines(&pasted),
            source_lines: None,
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
    preview_page(&state, &user, upload, Shown::Document).await
}

async fn form_error(state: &AppState, user: &CurrentUser, error: String) -> WebResult<Response> {
    let page = ImportForm {
        c: Chrome::new(state, user, "plan", "导入计划").await?,
        error: Some(error),
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

/// Imports the previewed document as the next revision — or, when the office corrected the
/// table, the plan the table posted (`edited`). A correction that is not a plan, or one with
/// blocking problems, is refused with 422 and the preview again, naming the task and field;
/// nothing is written.
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<ConfirmForm>,
) -> WebResult<Response> {
    user.require(Permission::ImportPlan)?;
    let upload = match Upload::carried(
        &user.csrf,
        form.file_name,
        &form.content,
        &form.origin,
        &form.origin_seal,
    ) {
        Ok(u) => u,
        Err(error) => return form_error(&state, &user, error).await,
    };
    let (plan, source, corrected) = if form.edited.trim().is_empty() {
        match read(&upload) {
            Ok((plan, source)) => (plan, source, false),
            Err(error) => return form_error(&state, &user, error).await,
        }
    } else {
        match edit::corrected(&form.edited, &upload.file_name) {
            Ok(mut plan) => {
                // The places in the original file come from the document carried (sealed).
                if !is_json(&upload.file_name, &upload.content) {
                    planwatch_plantext::place_spans(&mut plan, &upload.decoded());
                }
                let source = PlanSource::Json {
                    file_name: format!("{}（网页校对）", upload.file_name),
                };
                (plan, source, true)
            }
            Err(e) => return preview_page(&state, &user, upload, Shown::Unreadable(e)).await,
        }
    };
    let caller = app::Caller::User(&user.user);
    match app::plan_input::import_revision(state.store(), caller, &plan, &source, app::now()).await
    {
        Ok(done) => {
            tracing::info!(user = %user.user.username, revision = done.revision, corrected, "plan revision imported");
            Ok(Redirect::to("/plan/revisions").into_response())
        }
        // The preview already showed these; a changed document or a race shows them again.
        Err(app::AppError::Refused(_)) if corrected => {
            preview_page(&state, &user, upload, Shown::Corrected(Box::new(plan))).await
        }
        Err(app::AppError::Refused(_)) => {
            preview_page(&state, &user, upload, Shown::Document).await
        }
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
        let e = decode_document("plan.txt", &[0xB0, 0xA1, 0xFF]).expect_err("not UTF-8");
        assert!(e.contains("UTF-8"));
        let d = decode_document("a.txt", b"\xEF\xBB\xBFabc").expect("text");
        assert_eq!(d.text, "abc");
    }
}
