//! 接口令牌: the office (and admins) give a system such as the city's data platform a token with
//! which it reads the plan and the monitoring results, writes one unit's indicator values through
//! the API, or both — the scopes are chosen when the token is created (0058). The token is shown
//! once, when it is created; only its hash is kept. Revoking takes effect at once.

use super::super::AppState;
use super::super::error::{WebError, WebResult, shown};
use super::super::format;
use super::super::policy::Permission;
use super::super::session::{CurrentUser, new_token, token_hash};
use super::{Chrome, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_app as app;
use planwatch_app::accounts;
use serde::Deserialize;

pub struct TokenRow {
    pub id: i64,
    pub unit: String,
    pub name: String,
    pub scopes: &'static str,
    pub created: String,
    pub by: String,
    pub revoked: String,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    c: Chrome,
    rows: Vec<TokenRow>,
    units: Vec<String>,
    new_token: Option<(String, String)>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    new_token: Option<(String, String)>,
    error: Option<String>,
) -> WebResult<TokensPage> {
    let people = state.people().await?;
    let rows = accounts::api_tokens(state.store(), app::Caller::User(&user.user))
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            unit: t.unit.into_string(),
            name: t.name,
            scopes: t.scopes.label_zh(),
            created: format::time(t.created_at),
            by: people.name(&t.created_by),
            revoked: t.revoked_at.map(format::time).unwrap_or_default(),
        })
        .collect();
    let units = state
        .store()
        .units()
        .await?
        .into_iter()
        .filter(|u| u.kind != planwatch_model::UnitKind::Group)
        .map(|u| u.name.into_string())
        .collect();
    Ok(TokensPage {
        c: Chrome::new(state, user, "tokens", "接口令牌").await?,
        rows,
        units,
        new_token,
        error,
    })
}

pub async fn list(State(state): State<AppState>, user: CurrentUser) -> WebResult<Response> {
    user.require(Permission::ManageApiTokens)?;
    Ok(render(&page(&state, &user, None, None).await?)?.into_response())
}

#[derive(Deserialize)]
pub struct NewToken {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    name: String,
    /// Checkboxes: present (`on`) when ticked.
    #[serde(default)]
    read: Option<String>,
    #[serde(default)]
    write: Option<String>,
}

/// Creates a token and shows it this once.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<NewToken>,
) -> WebResult<Response> {
    user.require(Permission::ManageApiTokens)?;
    let token = new_token()?;
    let created = accounts::create_api_token(
        state.store(),
        app::Caller::User(&user.user),
        &f.unit.as_str().into(),
        &f.name,
        planwatch_store::TokenScopes {
            read: f.read.is_some(),
            write: f.write.is_some(),
        },
        &token_hash(&token),
        app::now(),
    )
    .await;
    match shown(created)? {
        Ok(t) => {
            let p = page(&state, &user, Some((t.unit.into_string(), token)), None).await?;
            Ok(render(&p)?.into_response())
        }
        Err(m) => {
            let p = page(&state, &user, None, Some(m)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> WebResult<Response> {
    user.require(Permission::ManageApiTokens)?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let caller = app::Caller::User(&user.user);
    let revoked = accounts::revoke_api_token(state.store(), caller, id, app::now()).await;
    if !revoked? {
        return Err(WebError::NotFound);
    }
    Ok(Redirect::to("/api-tokens").into_response())
}
