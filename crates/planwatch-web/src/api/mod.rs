//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/v1/openapi.json`.
//!
//! Every route is added by [`Api::route`] together with its OpenAPI operation (`doc.rs`): the
//! router and the document are built from one table, so a route cannot exist undocumented, and
//! the statuses, parameters and bodies each operation documents are checked against the running
//! handlers by schemathesis in CI and by `tests/web_api_contract.rs` (0058).
//!
//! Reads take the same session as the pages or an API token with the `read` scope; writing
//! indicator values takes a token with the `write` scope, never a session cookie, so no
//! cross-site form can write. Parameters are read strictly (`params.rs`), errors are
//! `application/problem+json` (`problem.rs`), reads answer `ETag`/`Last-Modified` and 304
//! (`conditional.rs`), and each caller has a rate limit (`rate.rs`).

mod conditional;
mod doc;
pub mod evidence;
mod params;
pub mod problem;
pub mod rate;
pub mod values;

use super::AppState;
use super::error::WebError;
use super::pages::data::PlanData;
use super::policy::{Permission, TokenAction, token_allows, token_refusal};
use super::session::{CurrentUser, token_hash};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::{Json, Router};
use params::Params;
use planwatch_model::{Milestone, Target};
use planwatch_store::{ApiToken, RevisionInfo, SectionView, TaskView};
use problem::{ApiError, Kind, Problem};
use serde::Serialize;
use std::sync::Arc;

/// What builds an operation's OpenAPI object (`doc.rs`), given what the document says about the
/// current plan (its quarters, today).
pub type OperationDoc = fn(&doc::Facts) -> serde_json::Value;

/// The API's routes with their documentation: the only way to add one.
struct Api {
    routes: Vec<(&'static str, Method, MethodRouter<AppState>, OperationDoc)>,
}

impl Api {
    fn new() -> Self {
        Api { routes: Vec::new() }
    }

    /// Adds `method path` (relative to `/api/v1`), served by `handler` and documented by `doc`.
    fn route(
        mut self,
        path: &'static str,
        method: Method,
        handler: MethodRouter<AppState>,
        doc: OperationDoc,
    ) -> Self {
        self.routes.push((path, method, handler, doc));
        self
    }

    /// The operations, for the document: (method, path under `/api/v1`, builder).
    fn operations(&self) -> Vec<(Method, &'static str, OperationDoc)> {
        self.routes
            .iter()
            .map(|(p, m, _, d)| (m.clone(), *p, *d))
            .collect()
    }

    fn into_router(self) -> Router<AppState> {
        let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
        for (path, _, handler, _) in self.routes {
            match by_path.iter_mut().find(|(p, _)| *p == path) {
                Some((_, r)) => *r = std::mem::replace(r, MethodRouter::new()).merge(handler),
                None => by_path.push((path, handler)),
            }
        }
        let mut router = Router::new();
        for (path, handler) in by_path {
            router = Router::route(router, path, handler);
        }
        router
    }
}

/// Every route of the API with its operation in the document.
/// `evidence_cap`: the body limit of evidence uploads (see `evidence_body_cap`).
fn api(evidence_cap: usize) -> Api {
    use axum::routing::{get, post};
    Api::new()
        .route(
            "/openapi.json",
            Method::GET,
            get(doc::document),
            doc::openapi_op,
        )
        .route("/plan", Method::GET, get(plan), doc::plan_op)
        .route("/units", Method::GET, get(units), doc::units_op)
        .route("/tasks", Method::GET, get(tasks), doc::tasks_op)
        .route("/tasks/{number}", Method::GET, get(task), doc::task_op)
        .route(
            "/indicators",
            Method::GET,
            get(values::indicators),
            doc::indicators_op,
        )
        .route(
            "/indicators/{id}",
            Method::GET,
            get(values::indicator),
            doc::indicator_op,
        )
        .route("/todo", Method::GET, get(todo), doc::todo_op)
        .route("/scores", Method::GET, get(values::scores), doc::scores_op)
        .route(
            "/values",
            Method::GET,
            get(values::read_values),
            doc::values_read_op,
        )
        .route(
            "/values",
            Method::POST,
            post(values::write_value),
            doc::values_write_op,
        )
        .route(
            "/reports/{unit}/{quarter}/evidence",
            Method::GET,
            get(evidence::list),
            doc::evidence_list_op,
        )
        .route(
            "/reports/{unit}/{quarter}/evidence",
            Method::POST,
            post(evidence::attach).layer(axum::extract::DefaultBodyLimit::max(evidence_cap)),
            doc::evidence_attach_op,
        )
        .route(
            "/reports/{unit}/{quarter}/evidence/{id}",
            Method::GET,
            get(evidence::download),
            doc::evidence_download_op,
        )
        .route(
            "/notifications",
            Method::GET,
            get(notifications),
            doc::notifications_op,
        )
}

/// The operations of the document (method, path under `/api/v1`, builder).
fn operations() -> Vec<(Method, &'static str, OperationDoc)> {
    api(0).operations()
}

pub fn router(state: AppState, evidence_cap: usize) -> Router<AppState> {
    api(evidence_cap)
        .into_router()
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state,
            conditional::layer,
        ))
}

type ApiResult<T> = Result<Json<T>, ApiError>;

async fn not_found() -> ApiError {
    ApiError::from(Problem::new(
        Kind::NotFound,
        "接口不存在：可用的接口见 /api/v1/openapi.json",
    ))
}

/// Who calls the API: a signed-in person (session cookie) or an API token
/// (`Authorization: Bearer …`). Extracting it also counts the request against the caller's
/// rate limit.
pub enum Caller {
    User(CurrentUser),
    Token(ApiToken),
}

impl Caller {
    /// Refuses a caller that may not read: a role without `ReadPlan`, a token without `read`.
    pub fn require_read(&self) -> Result<(), ApiError> {
        match self {
            Caller::User(u) => u.require(Permission::ReadPlan).map_err(ApiError::from),
            Caller::Token(t) if token_allows(t.scopes, TokenAction::Read) => Ok(()),
            Caller::Token(t) => Err(ApiError::from(Problem::new(
                Kind::Forbidden,
                token_refusal(t.scopes, TokenAction::Read),
            ))),
        }
    }

    fn limit_key(&self) -> String {
        match self {
            Caller::User(u) => format!("user:{}", u.user.id),
            Caller::Token(t) => format!("token:{}", t.id),
        }
    }
}

fn bearer(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = if let Some(t) = bearer(parts) {
            match state.api_token(&token_hash(&t)).await? {
                Some(tok) => Caller::Token(tok),
                None => {
                    return Err(ApiError::from(WebError::NotSignedIn {
                        next: String::new(),
                    }));
                }
            }
        } else {
            Caller::User(CurrentUser::from_request_parts(parts, state).await?)
        };
        let limit = state.config().api_requests_per_minute;
        if let Err(wait) =
            state
                .api_limiter()
                .check(&caller.limit_key(), limit, std::time::Instant::now())
        {
            return Err(ApiError::from(Problem {
                retry_after: Some(wait),
                ..Problem::new(
                    Kind::TooManyRequests,
                    format!(
                        "请求过于频繁：每个令牌（或登录用户）每分钟最多 {limit} 次，请 {wait} 秒后再试"
                    ),
                )
            }));
        }
        Ok(caller)
    }
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
    PlanData::load(state).await?.ok_or_else(no_plan)
}

fn no_plan() -> ApiError {
    ApiError::from(Problem::new(
        Kind::NotFound,
        "数据库中还没有计划：请先导入计划（计划 → 导入新版本，或命令 planwatch init）",
    ))
}

async fn plan(State(state): State<AppState>, caller: Caller, q: Params) -> ApiResult<PlanDoc> {
    caller.require_read()?;
    q.only(&[])?;
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

#[derive(Serialize)]
struct TodoDoc {
    items: Vec<planwatch_app::todo::TodoItem>,
}

/// `GET /todo`: the caller's to-do list (a token: its unit's reporter's). Judged by today.
async fn todo(
    State(state): State<AppState>,
    caller: Caller,
    q: Params,
) -> Result<Response, ApiError> {
    caller.require_read()?;
    q.only(&[])?;
    let user = match &caller {
        Caller::User(u) => u.user.clone(),
        Caller::Token(t) => planwatch_app::error::token_user(t),
    };
    let items = super::todo::items(&state, &user).await?;
    let mut r = Json(TodoDoc { items }).into_response();
    r.extensions_mut().insert(conditional::JudgedToday);
    Ok(r)
}

async fn units(
    State(state): State<AppState>,
    caller: Caller,
    q: Params,
) -> ApiResult<Vec<UnitDoc>> {
    caller.require_read()?;
    q.only(&[])?;
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

async fn tasks(
    State(state): State<AppState>,
    caller: Caller,
    q: Params,
) -> ApiResult<Vec<TaskView>> {
    caller.require_read()?;
    q.only(&[])?;
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

/// A path segment as given (a segment that is not valid UTF-8 is refused, never guessed).
fn segment(
    p: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
    field: &str,
) -> Result<String, ApiError> {
    p.map(|axum::extract::Path(s)| s).map_err(|_| {
        ApiError::from(Problem::invalid(
            field,
            format!("路径参数 {field} 无法读取"),
        ))
    })
}

async fn task(
    State(state): State<AppState>,
    caller: Caller,
    number: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
    q: Params,
) -> Result<Response, ApiError> {
    caller.require_read()?;
    q.only(&[])?;
    let number = segment(number, "number")?;
    let n: i64 = number
        .parse()
        .ok()
        .filter(|n| *n >= 1 && number.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            ApiError::from(
                Problem::invalid(
                    "number",
                    format!("任务序号“{number}”应为正整数，如 /api/v1/tasks/2"),
                )
                .allowing("1 及以上的整数"),
            )
        })?;
    let d = current(&state).await?;
    let (t, p) = d.task(n).ok_or_else(|| {
        ApiError::from(Problem::new(
            Kind::NotFound,
            format!("当前计划没有任务{n}（共 {} 项任务）", d.view.tasks.len()),
        ))
    })?;
    Ok(Json(TaskDoc {
        task: t.clone(),
        targets: p.targets.clone(),
        milestones: p.milestones.clone(),
        body: p.body.clone(),
    })
    .into_response())
}

/// `GET /api/v1/notifications`: the signed-in person's notifications (decision 0061).
#[derive(Serialize)]
struct NotificationsDoc {
    unread: i64,
    items: Vec<planwatch_store::Notification>,
}

async fn notifications(
    State(state): State<AppState>,
    caller: Caller,
    q: Params,
) -> ApiResult<NotificationsDoc> {
    q.only(&[])?;
    let Caller::User(u) = &caller else {
        return Err(ApiError::from(Problem::new(
            Kind::Forbidden,
            "接口令牌不代表个人，没有通知；请以个人账号登录后读取",
        )));
    };
    let store = state.store();
    Ok(Json(NotificationsDoc {
        unread: planwatch_app::notify::unread_count(store, &u.user)
            .await
            .map_err(WebError::from)?,
        items: planwatch_app::notify::list(store, &u.user, 200)
            .await
            .map_err(WebError::from)?,
    }))
}
