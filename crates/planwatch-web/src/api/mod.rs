//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/v1/openapi.json`.
//! Reads take the same session as the pages (or a unit's API token) and the same permissions;
//! writing indicator values takes a unit's API token (`Authorization: Bearer …`), never a
//! session cookie, so no cross-site form can write. Errors are JSON with a Chinese message.

mod openapi;
pub mod values;

use super::AppState;
use super::error::{WebError, new_reference};
use super::pages::data::PlanData;
use super::policy::Permission;
use super::session::CurrentUser;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use planwatch_model::{Milestone, Target};
use planwatch_store::{RevisionInfo, SectionView, TaskView};
use serde::Serialize;
use std::sync::Arc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/plan", get(plan))
        .route("/units", get(units))
        .route("/tasks", get(tasks))
        .route("/tasks/{number}", get(task))
        .route("/indicators", get(values::indicators))
        .route("/indicators/{id}", get(values::indicator))
        .route("/scores", get(values::scores))
        .route("/values", post(values::write_value))
        .fallback(not_found)
}

/// An API error: the page error, answered as JSON.
pub struct ApiError(WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

#[derive(Serialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize)]
struct ErrorDetail {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, reference) = match self.0 {
            WebError::NotSignedIn { .. } => (
                StatusCode::UNAUTHORIZED,
                "not_signed_in",
                "未登录或登录已过期".to_string(),
                None,
            ),
            WebError::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m, None),
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "资源不存在".to_string(),
                None,
            ),
            WebError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m, None),
            WebError::Csrf => (
                StatusCode::FORBIDDEN,
                "csrf",
                "表单已失效".to_string(),
                None,
            ),
            WebError::TooManyAttempts { minutes } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                format!("请求过多，请 {minutes} 分钟后再试"),
                None,
            ),
            WebError::TooLarge { limit_mb } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("请求内容过大：上限为 {limit_mb} MB"),
                None,
            ),
            WebError::Internal(e) => {
                let reference = new_reference();
                tracing::error!(reference = %reference, error = %format!("{e:#}"), "unexpected API error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "内部错误，数据未作更改；请把参考编号告知系统管理员".to_string(),
                    Some(reference),
                )
            }
        };
        (
            status,
            Json(ErrorBody {
                error: ErrorDetail {
                    code,
                    message,
                    reference,
                },
            }),
        )
            .into_response()
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// The signed-in caller of an API request; without a session the answer is a JSON 401, not a
/// redirect to the sign-in page.
pub struct ApiUser(CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        CurrentUser::from_request_parts(parts, state)
            .await
            .map(ApiUser)
            .map_err(ApiError)
    }
}

async fn not_found() -> ApiError {
    ApiError(WebError::NotFound)
}

#[derive(Serialize)]
struct PlanDoc {
    revision: RevisionInfo,
    title: String,
    period: planwatch_model::Period,
    goals: Vec<Target>,
    sections: Vec<SectionView>,
    tasks: Vec<TaskView>,
    groups: Vec<GroupDoc>,
}

#[derive(Serialize)]
struct GroupDoc {
    name: String,
    members: Vec<String>,
}

/// The current plan (kept parsed per server, like the pages'), or 404 before any import.
async fn current(state: &AppState) -> Result<Arc<PlanData>, ApiError> {
    PlanData::load(state)
        .await?
        .ok_or(ApiError(WebError::NotFound))
}

async fn plan(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<PlanDoc> {
    user.require(Permission::ReadPlan)?;
    let d = current(&state).await?;
    Ok(Json(PlanDoc {
        title: d.plan.title.clone(),
        period: d.plan.period,
        goals: d.plan.goals.clone(),
        revision: d.view.revision.clone(),
        sections: d.view.sections.clone(),
        tasks: d.view.tasks.clone(),
        groups: d
            .view
            .groups
            .iter()
            .map(|(name, members)| GroupDoc {
                name: name.clone(),
                members: members.clone(),
            })
            .collect(),
    }))
}

#[derive(Serialize)]
struct UnitDoc {
    id: i64,
    name: String,
    kind: planwatch_model::UnitKind,
    kind_label: &'static str,
}

async fn units(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<Vec<UnitDoc>> {
    user.require(Permission::ReadPlan)?;
    let units = match PlanData::load(&state).await? {
        Some(d) => d.units.clone(),
        None => state.units().await?.as_ref().clone(),
    };
    Ok(Json(
        units
            .into_iter()
            .map(|u| UnitDoc {
                id: u.id,
                kind_label: u.kind.label_zh(),
                name: u.name.into_string(),
                kind: u.kind,
            })
            .collect(),
    ))
}

async fn tasks(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<Vec<TaskView>> {
    user.require(Permission::ReadPlan)?;
    Ok(Json(current(&state).await?.view.tasks.clone()))
}

#[derive(Serialize)]
struct TaskDoc {
    #[serde(flatten)]
    task: TaskView,
    targets: Vec<Target>,
    milestones: Vec<Milestone>,
    body: String,
}

async fn task(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(number): Path<String>,
) -> ApiResult<TaskDoc> {
    user.require(Permission::ReadPlan)?;
    let number: i64 = number.parse().map_err(|_| WebError::NotFound)?;
    let d = current(&state).await?;
    let (t, p) = d.task(number).ok_or(WebError::NotFound)?;
    Ok(Json(TaskDoc {
        task: t.clone(),
        targets: p.targets.clone(),
        milestones: p.milestones.clone(),
        body: p.body.clone(),
    }))
}
