//! Evidence files (佐证材料) through the API: a unit's system attaches a file to a row of its
//! quarterly report with its `write` token (multipart, the same checks as the page), and whoever
//! may read the report lists and downloads them. Another unit's token or person gets 403.

use super::super::AppState;
use super::super::pages::evidence::{Upload, file_response, read_file, too_large};
use super::problem::{ApiError, Kind, Problem};
use super::{Caller, TokenAction, token_allows, token_refusal};
use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use planwatch_app as app;
use planwatch_model::{Quarter, UnitName};
use planwatch_store::{AttachedEvidence, EvidenceRow, UnitRef};
use serde::Serialize;

/// One attached file as the API answers it.
#[derive(Serialize)]
pub struct EvidenceDoc {
    id: i64,
    unit: String,
    quarter: String,
    row: EvidenceRow,
    key: String,
    name: String,
    kind: String,
    size: u64,
    sha256: String,
    attached_at: String,
    attached_by: String,
    download: String,
}

fn doc(unit_id: i64, e: &AttachedEvidence) -> EvidenceDoc {
    EvidenceDoc {
        id: e.id,
        unit: e.unit.clone(),
        quarter: e.quarter.to_string(),
        row: e.row,
        key: e.row_key.clone(),
        name: e.name.clone(),
        kind: e.kind.clone(),
        size: e.size,
        sha256: e.sha256.clone(),
        attached_at: e.attached_at.to_rfc3339(),
        attached_by: e.attached_by.clone(),
        download: format!("/api/v1/reports/{unit_id}/{}/evidence/{}", e.quarter, e.id),
    }
}

fn not_found(detail: impl Into<String>) -> ApiError {
    ApiError::from(Problem::new(Kind::NotFound, detail))
}

/// The unit (by id) and quarter of the path, and whether the caller may see its report.
async fn report_of(
    state: &AppState,
    caller: &Caller,
    unit: &str,
    quarter: &str,
) -> Result<(UnitRef, Quarter), ApiError> {
    let id: i64 = unit.parse().map_err(|_| {
        ApiError::from(Problem::invalid(
            "unit",
            format!("单位编号“{unit}”应为整数（见 /api/v1/units）"),
        ))
    })?;
    let unit = state
        .store()
        .units()
        .await?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or_else(|| not_found(format!("没有编号为 {id} 的单位")))?;
    let q = Quarter::parse(quarter).map_err(|e| {
        ApiError::from(Problem::invalid("quarter", format!("季度“{quarter}”：{e}")))
    })?;
    let allowed = match caller {
        Caller::User(u) => app::evidence::may_download(&u.user, &unit.name),
        Caller::Token(t) => t.unit == unit.name,
    };
    if !allowed {
        return Err(ApiError::from(Problem::new(
            Kind::Forbidden,
            format!("只能查看本单位的佐证材料，不能查看“{}”的", unit.name),
        )));
    }
    Ok((unit, q))
}

fn at(p: Problem, field: &str) -> Problem {
    Problem {
        field: Some(field.to_string()),
        ..p
    }
}

fn refusal(e: app::AppError) -> ApiError {
    match e {
        app::AppError::Internal(e) => ApiError::from(super::super::error::WebError::Internal(e)),
        app::AppError::Forbidden(m) => ApiError::from(Problem::new(Kind::Forbidden, m)),
        app::AppError::Stale(m) => ApiError::from(Problem::new(Kind::NotSaved, m)),
        app::AppError::Field {
            field: "report",
            message,
        } => ApiError::from(Problem::new(Kind::ReportClosed, message)),
        app::AppError::Field { field, message } => {
            ApiError::from(at(Problem::new(Kind::InvalidValue, message), field))
        }
        other => ApiError::from(Problem::new(
            Kind::InvalidValue,
            other.user_message().unwrap_or_default(),
        )),
    }
}

/// `GET /reports/{unit}/{quarter}/evidence`: the files attached to the report.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path((unit, quarter)): Path<(String, String)>,
) -> Result<Json<Vec<EvidenceDoc>>, ApiError> {
    caller.require_read()?;
    let (unit, q) = report_of(&state, &caller, &unit, &quarter).await?;
    let files = state.store().report_evidence(&unit.name, q).await?;
    Ok(Json(files.iter().map(|e| doc(unit.id, e)).collect()))
}

/// `GET /reports/{unit}/{quarter}/evidence/{id}`: one file's bytes.
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path((unit, quarter, id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    caller.require_read()?;
    let (unit, q) = report_of(&state, &caller, &unit, &quarter).await?;
    let n: i64 = id
        .parse()
        .map_err(|_| not_found(format!("没有编号为 {id} 的佐证材料")))?;
    let e = state
        .store()
        .evidence_by_id(n)
        .await?
        .filter(|e| e.unit == unit.name.as_str() && e.quarter == q)
        .ok_or_else(|| not_found(format!("该报告没有编号为 {id} 的佐证材料")))?;
    Ok(file_response(&state, &e).await?)
}

/// `POST /reports/{unit}/{quarter}/evidence` (multipart `row`, `key`, `file`): attaches a file
/// with the unit's `write` token.
pub async fn attach(
    State(state): State<AppState>,
    caller: Caller,
    Path((unit, quarter)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let Caller::Token(token) = &caller else {
        return Err(ApiError::from(Problem::new(
            Kind::Forbidden,
            "上传佐证材料需要单位的接口令牌（Authorization: Bearer …）；登录会话只能读取",
        )));
    };
    if !token_allows(token.scopes, TokenAction::WriteValues) {
        return Err(ApiError::from(Problem::new(
            Kind::Forbidden,
            token_refusal(token.scopes, TokenAction::WriteValues),
        )));
    }
    let (unit, q) = report_of(&state, &caller, &unit, &quarter).await?;
    let mut multipart = multipart.map_err(|e| {
        ApiError::from(Problem::new(
            Kind::UnsupportedMediaType,
            format!("请求内容应为 multipart/form-data（字段 row、key、file）：{e}"),
        ))
    })?;
    let user = app::error::token_user(token);
    let ctx = super::super::reporting::context(&state, &user.username, app::now()).await?;
    let max = ctx.settings.max_evidence_bytes;
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::from(Problem::new(
                Kind::TooLarge,
                format!(
                    "佐证材料超过 {} 的上限",
                    planwatch_quarterly::evidence::megabytes(max)
                ),
            ))
        } else {
            // A form whose parts cannot be read (e.g. a part header the parser refuses): the
            // request is understood but its content cannot be processed — a 422 naming the
            // form, not the JSON problem's "不是有效的 JSON".
            ApiError::from(Problem::invalid(
                "body",
                format!("上传的表单无法读取（字段 row、key、file）：{e}"),
            ))
        }
    };
    let (mut row, mut key, mut file) = (String::new(), String::new(), None);
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "row" => row = field.text().await.map_err(unreadable)?,
            "key" => key = field.text().await.map_err(unreadable)?,
            "file" => {
                let up = read_file(field, max).await.map_err(unreadable)?;
                if let Upload::TooLarge {
                    name,
                    size_at_least,
                } = up
                {
                    return Err(ApiError::from(at(
                        Problem::new(Kind::TooLarge, too_large(&name, size_at_least, max)),
                        "file",
                    )));
                }
                file = Some(up);
            }
            _ => {}
        }
    }
    let Some(kind) = EvidenceRow::parse(row.trim()) else {
        return Err(ApiError::from(
            Problem::invalid("row", "row 应为 task（任务行）或 indicator（指标）")
                .allowing("task、indicator"),
        ));
    };
    let Some(Upload::File { name, bytes }) = file else {
        return Err(ApiError::from(Problem::invalid(
            "file",
            "缺少文件字段 file",
        )));
    };
    let unit_name: UnitName = unit.name.clone();
    let e = app::evidence::attach(
        state.store(),
        &ctx,
        &state.config().data_dir,
        app::Caller::Token(token),
        &unit_name,
        q,
        kind,
        key.trim(),
        &name,
        &bytes,
        app::now(),
    )
    .await
    .map_err(refusal)?;
    Ok(Json(doc(unit.id, &e)).into_response())
}
