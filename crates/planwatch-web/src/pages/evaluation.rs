//! 报告 → 评判 (终期评估): the office judges each qualitative goal of the plan with its evidence,
//! and chooses which target applies where the plan states two for one indicator and year
//! (default: the stricter). Only the office posts here; every judgement is stored and audited by
//! the use case, and the annual report and every assessment read it from there.

use super::super::AppState;
use super::super::error::{WebResult, shown};
use super::super::policy::Permission;
use super::super::reporting::context;
use super::super::session::CurrentUser;
use super::{Chrome, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_app as app;
use planwatch_app::evaluation::{self, Judgements};
use planwatch_model::GoalVerdict;
use serde::Deserialize;

pub struct GoalRow {
    pub index: usize,
    pub text: String,
    pub verdict: String,
    pub verdict_label: String,
    pub evidence: String,
    pub by: String,
}

pub struct TargetRow {
    pub code: String,
    pub name: String,
    pub year: i32,
    /// (value as posted, label, checked)
    pub options: Vec<(String, String, bool)>,
    pub reason: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "evaluation.html")]
struct EvaluationPage {
    c: Chrome,
    goals: Vec<GoalRow>,
    targets: Vec<TargetRow>,
    verdicts: Vec<(&'static str, &'static str)>,
    /// The office may judge; other readers see the judgements.
    can_evaluate: bool,
    notice: Option<String>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    notice: Option<String>,
    error: Option<String>,
) -> WebResult<EvaluationPage> {
    context(state, &user.user.username, app::now()).await?;
    let store = state.store();
    let plan = store.plan(None).await?;
    let catalogue = store.catalogue().await?;
    let judgements = Judgements::load(store).await?;
    let people = state.people().await?;
    let goals = evaluation::qualitative_goals(&plan)
        .into_iter()
        .enumerate()
        .map(|(index, text)| {
            let j = judgements.goals.get(&text);
            GoalRow {
                index,
                verdict: j.map_or(String::new(), |j| j.verdict.as_str().to_string()),
                verdict_label: j.map_or("待评判".to_string(), |j| {
                    j.verdict.label_zh().to_string()
                }),
                evidence: j.map_or(String::new(), |j| j.evidence.clone()),
                by: j.map_or(String::new(), |j| {
                    format!("{} · {}", people.name(&j.by), j.on.format("%Y-%m-%d"))
                }),
                text,
            }
        })
        .collect();
    let targets = evaluation::target_conflicts(&catalogue)
        .into_iter()
        .map(|t| {
            let chosen = judgements.targets.get(&(t.code.clone(), t.year));
            let applied = chosen.map_or(t.stricter, |c| c.value);
            TargetRow {
                options: t
                    .options
                    .iter()
                    .map(|(v, src)| {
                        let strict = if *v == t.stricter { "，从严" } else { "" };
                        (
                            v.to_string(),
                            format!("{}（{src}{strict}）", planwatch_monitor::zh::num(*v, 4)),
                            *v == applied,
                        )
                    })
                    .collect(),
                reason: chosen.map_or(String::new(), |c| c.reason.clone()),
                status: match chosen {
                    Some(c) => format!("已由 {} 选定", people.name(&c.by)),
                    None => "未选定：默认按从严的目标测算".to_string(),
                },
                code: t.code,
                name: t.name,
                year: t.year,
            }
        })
        .collect();
    Ok(EvaluationPage {
        c: Chrome::new(state, user, "documents", "终期评估评判").await?,
        goals,
        targets,
        verdicts: GoalVerdict::ALL
            .iter()
            .map(|v| (v.as_str(), v.label_zh()))
            .collect(),
        can_evaluate: user.can(Permission::Evaluate),
        notice,
        error,
    })
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: String,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SavedQuery>,
) -> WebResult<Response> {
    user.require(Permission::ReadDocuments)?;
    let notice = (!q.saved.is_empty()).then(|| "已保存，审计日志已记录。".to_string());
    Ok(render(&page(&state, &user, notice, None).await?)?.into_response())
}

#[derive(Deserialize)]
pub struct GoalForm {
    index: usize,
    #[serde(default)]
    verdict: String,
    #[serde(default)]
    evidence: String,
}

async fn refused(state: &AppState, user: &CurrentUser, m: String) -> WebResult<Response> {
    let p = page(state, user, None, Some(m)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
}

pub async fn judge_goal(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<GoalForm>,
) -> WebResult<Response> {
    user.require(Permission::Evaluate)?;
    let plan = state.store().plan(None).await?;
    let Some(goal) = evaluation::qualitative_goals(&plan)
        .into_iter()
        .nth(f.index)
    else {
        return refused(
            &state,
            &user,
            "没有这一项定性目标，请刷新页面后再评判".into(),
        )
        .await;
    };
    let Some(verdict) = GoalVerdict::parse(&f.verdict) else {
        return refused(&state, &user, format!("请为“{goal}”选择评判结论")).await;
    };
    let result = evaluation::judge_goal(
        state.store(),
        app::Caller::User(&user.user),
        &goal,
        verdict,
        &f.evidence,
        app::now(),
    )
    .await;
    match shown(result)? {
        Ok(_) => Ok(Redirect::to("/documents/evaluation?saved=1").into_response()),
        Err(m) => refused(&state, &user, m).await,
    }
}

#[derive(Deserialize)]
pub struct TargetForm {
    code: String,
    year: i32,
    #[serde(default)]
    value: String,
    #[serde(default)]
    reason: String,
}

pub async fn choose_target(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<TargetForm>,
) -> WebResult<Response> {
    user.require(Permission::Evaluate)?;
    let Ok(value) = f.value.trim().parse::<f64>() else {
        return refused(&state, &user, "请选择适用的目标值".into()).await;
    };
    let result = evaluation::choose_target(
        state.store(),
        app::Caller::User(&user.user),
        &f.code,
        f.year,
        value,
        &f.reason,
        app::now(),
    )
    .await;
    match shown(result)? {
        Ok(_) => Ok(Redirect::to("/documents/evaluation?saved=1").into_response()),
        Err(m) => refused(&state, &user, m).await,
    }
}
