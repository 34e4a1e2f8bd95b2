//! Evidence files (佐证材料) on the report page: attach a file to a task row or an indicator
//! value, remove it, download it. Who may do what is the use-case layer's
//! (`planwatch_app::evidence`); a download is for whoever may read the report — the unit's own
//! people and the roles not bound to a unit — never another unit.

use super::super::AppState;
use super::super::error::{WebError, WebResult, multipart_error, percent_encode};
use super::super::reporting::Problems;
use super::super::session::CurrentUser;
use super::reports::{back, load, refused};
use axum::Form;
use axum::extract::multipart::Field;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use planwatch_app as app;
use planwatch_quarterly::evidence::{EvidenceError, mime_type};
use planwatch_store::EvidenceRow;
use serde::Deserialize;

/// A file field read up to `max` bytes, chunk by chunk: a larger file is refused as soon as it
/// passes the limit, so no upload holds more than the limit in memory.
pub enum Upload {
    File { name: String, bytes: Vec<u8> },
    TooLarge { name: String, size_at_least: u64 },
}

/// Reads the file field `field` (its name as the person's computer gave it) up to `max` bytes.
pub async fn read_file(
    mut field: Field<'_>,
    max: u64,
) -> Result<Upload, axum::extract::multipart::MultipartError> {
    let name = field.file_name().unwrap_or_default().to_string();
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await? {
        if (bytes.len() + chunk.len()) as u64 > max {
            return Ok(Upload::TooLarge {
                name,
                size_at_least: (bytes.len() + chunk.len()) as u64,
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Upload::File { name, bytes })
}

/// The message for a file over the limit (the same words as the content check's).
pub fn too_large(name: &str, size: u64, max: u64) -> String {
    EvidenceError::TooLarge {
        name: name.to_string(),
        size,
        max,
    }
    .to_string()
}

/// Attaches the posted file to a row of the report (multipart: `row` = task | indicator,
/// `key` = the row key or indicator code, `file`).
pub async fn attach(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((unit_id, quarter)): Path<(String, String)>,
    mut multipart: Multipart,
) -> WebResult<Response> {
    let l = load(&state, &user, &unit_id, &quarter).await?;
    only_the_unit(&user, &l)?;
    let max = l.ctx.settings.max_evidence_bytes;
    let mut row = String::new();
    let mut key = String::new();
    let mut file: Option<Upload> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_error(&e))?
    {
        match field.name().unwrap_or_default() {
            "row" => row = field.text().await.unwrap_or_default(),
            "key" => key = field.text().await.unwrap_or_default(),
            "file" => {
                let up = read_file(field, max)
                    .await
                    .map_err(|e| multipart_error(&e))?;
                let stop = matches!(up, Upload::TooLarge { .. });
                file = Some(up);
                if stop {
                    break;
                }
            }
            _ => {}
        }
    }
    let (name, bytes) = match file {
        Some(Upload::File { name, bytes }) if !name.is_empty() || !bytes.is_empty() => {
            (name, bytes)
        }
        Some(Upload::TooLarge {
            name,
            size_at_least,
        }) => return not_attached(&state, &user, &l, too_large(&name, size_at_least, max)).await,
        _ => return not_attached(&state, &user, &l, "请先选择要上传的文件".to_string()).await,
    };
    let Some(kind) = EvidenceRow::parse(row.trim()) else {
        return Err(WebError::BadRequest("未知的报告行".to_string()));
    };
    match super::super::error::shown(
        app::evidence::attach(
            state.store(),
            &l.ctx,
            &state.config().data_dir,
            app::Caller::User(&user.user),
            &l.unit.name,
            l.quarter,
            kind,
            key.trim(),
            &name,
            &bytes,
            app::now(),
        )
        .await,
    )? {
        Ok(e) => {
            tracing::info!(user = %user.user.username, unit = %l.unit.name, quarter = %l.quarter, file = %e.name, "evidence attached");
            Ok(back(&l, "evidence"))
        }
        Err(m) => not_attached(&state, &user, &l, m).await,
    }
}

/// Only the unit's reporter and head attach and remove its evidence (the use case says the
/// same; this answers 403 before the upload is read).
fn only_the_unit(user: &CurrentUser, l: &super::reports::Loaded) -> WebResult<()> {
    if super::super::reporting::may_edit_unit(&user.user, &l.unit.name) {
        Ok(())
    } else {
        Err(WebError::Forbidden(format!(
            "只有“{}”的填报员和单位负责人可以上传或删除该单位的佐证材料。",
            l.unit.name
        )))
    }
}

async fn not_attached(
    state: &AppState,
    user: &CurrentUser,
    l: &super::reports::Loaded,
    m: String,
) -> WebResult<Response> {
    refused(
        state,
        user,
        l,
        None,
        None,
        &Problems::default(),
        vec![format!("佐证材料未上传：{m}")],
        Vec::new(),
    )
    .await
}

#[derive(Deserialize)]
pub struct RemoveForm {
    id: i64,
}

/// Removes an attached file from the report.
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((unit_id, quarter)): Path<(String, String)>,
    Form(f): Form<RemoveForm>,
) -> WebResult<Response> {
    let l = load(&state, &user, &unit_id, &quarter).await?;
    only_the_unit(&user, &l)?;
    match super::super::error::shown(
        app::evidence::remove(
            state.store(),
            &l.ctx,
            app::Caller::User(&user.user),
            &l.unit.name,
            l.quarter,
            f.id,
            app::now(),
        )
        .await,
    )? {
        Ok(_) => Ok(back(&l, "evidence_removed")),
        Err(m) => {
            refused(
                &state,
                &user,
                &l,
                None,
                None,
                &Problems::default(),
                vec![format!("未删除：{m}")],
                Vec::new(),
            )
            .await
        }
    }
}

/// Downloads an attached file: for whoever may read the report (another unit gets 403 from
/// `load`), and only a file of this report (any other id is 404).
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((unit_id, quarter, id)): Path<(String, String, String)>,
) -> WebResult<Response> {
    let l = load(&state, &user, &unit_id, &quarter).await?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let e = state
        .store()
        .evidence_by_id(id)
        .await?
        .filter(|e| e.unit == l.unit.name.as_str() && e.quarter == l.quarter)
        .ok_or(WebError::NotFound)?;
    file_response(&state, &e).await
}

/// The file's bytes as a download, named as it was uploaded.
pub async fn file_response(
    state: &AppState,
    e: &planwatch_store::AttachedEvidence,
) -> WebResult<Response> {
    let path =
        app::evidence::path_of(&state.config().data_dir, &e.sha256).ok_or(WebError::NotFound)?;
    let bytes = tokio::fs::read(&path).await.map_err(|err| {
        WebError::Internal(anyhow::anyhow!(
            "evidence file {} missing: {err}",
            path.display()
        ))
    })?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(mime_type(&e.kind)),
    );
    let ascii = format!("evidence-{}.{}", e.id, e.kind);
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encode(&e.name)
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}
