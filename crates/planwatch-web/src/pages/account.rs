//! 我的账号: who I am, my active sessions, change my password, sign out everywhere.

use super::super::AppState;
use super::super::error::WebResult;
use super::super::format;
use super::super::limiter::account_limits;
use super::super::session::CurrentUser;
use super::super::session::client_ip;
use super::auth::clear_session;
use super::auth::minutes_until;
use super::{Chrome, render};
use askama::Template;
use axum::Form;
use axum::extract::ConnectInfo;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_app as app;
use planwatch_store::{Actor, CheckPurpose, Password, SignInGate};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;

pub struct SessionRow {
    pub created: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    c: Chrome,
    username: String,
    display_name: String,
    role: &'static str,
    unit: Option<String>,
    task_force: Option<String>,
    sessions: Vec<SessionRow>,
    field_errors: BTreeMap<&'static str, String>,
    /// The person's e-mail address and mobile number (decision 0061).
    email: String,
    mobile: String,
}

impl AccountPage {
    fn field_error(&self, field: &str) -> String {
        self.field_errors.get(field).cloned().unwrap_or_default()
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    field_errors: BTreeMap<&'static str, String>,
) -> WebResult<AccountPage> {
    let now = app::now();
    let sessions = state
        .store()
        .active_sessions(&user.user.username, now)
        .await?;
    Ok(AccountPage {
        c: Chrome::new(state, user, "", "我的账号").await?,
        username: user.user.username.clone(),
        display_name: user.user.display_name.clone(),
        role: user.user.role.label_zh(),
        unit: user.user.unit.as_ref().map(ToString::to_string),
        task_force: user.user.task_force.clone(),
        sessions: sessions
            .into_iter()
            .map(|s| SessionRow {
                created: format::time(s.created_at),
                expires: format::time(s.expires_at),
            })
            .collect(),
        field_errors,
        email: user.user.email.clone().unwrap_or_default(),
        mobile: user.user.mobile.clone().unwrap_or_default(),
    })
}

pub async fn show(State(state): State<AppState>, user: CurrentUser) -> WebResult<Response> {
    Ok(render(&page(&state, &user, BTreeMap::new()).await?)?.into_response())
}

#[derive(Deserialize)]
pub struct ChangePassword {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

/// Changes the user's own password after checking the current one; every session (this one
/// included) ends, so the person signs in again with the new password. The current password is
/// checked under the same per-account limit as signing in (a stolen session cannot guess it),
/// and every check is audited.
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<ChangePassword>,
) -> WebResult<Response> {
    let mut errors = BTreeMap::new();
    let username = user.user.username.clone();
    let client = client_ip(&state, peer.ip(), &headers).to_string();
    let now = app::now();
    let purpose = CheckPurpose::PasswordChange;
    match state
        .store()
        .admit_password_check(&client, &username, purpose, now, account_limits())
        .await?
    {
        SignInGate::Locked { until } => {
            tracing::warn!(user = ?username, "password change refused: account locked");
            errors.insert(
                "current",
                format!(
                    "当前密码错误次数过多，账号已锁定，请 {} 分钟后再试",
                    minutes_until(now, until)
                ),
            );
        }
        SignInGate::Admitted => {
            if state
                .store()
                .authenticate(&username, &f.current)
                .await?
                .is_some()
            {
                state
                    .store()
                    .password_check_passed(&Actor::user(&username), &username, purpose, now)
                    .await?;
            } else {
                let locked = state
                    .store()
                    .password_check_failed(&client, &username, purpose, now, account_limits())
                    .await?;
                tracing::info!(user = ?username, "password change: wrong current password");
                errors.insert(
                    "current",
                    match locked {
                        Some(until) => format!(
                            "当前密码不正确；错误次数过多，账号已锁定，请 {} 分钟后再试",
                            minutes_until(now, until)
                        ),
                        None => "当前密码不正确".to_string(),
                    },
                );
            }
        }
    }
    let new = match Password::new(&f.new).and_then(|p| p.check_account(&username).map(|()| p)) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.insert("new", e.to_string());
            None
        }
    };
    if f.new != f.repeat {
        errors.insert("repeat", "两次输入的新密码不一致".to_string());
    }
    match new {
        Some(new) if errors.is_empty() => {
            planwatch_app::accounts::change_own_password(
                state.store(),
                &user.user,
                &new,
                app::now(),
            )
            .await?;
            tracing::info!(user = ?username, "password changed by its owner");
            Ok(clear_session(
                &state,
                &headers,
                Redirect::to("/login?msg=password_changed").into_response(),
            ))
        }
        _ => {
            let p = page(&state, &user, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    }
}

/// Ends every session of the user, on every device.
pub async fn revoke_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
) -> WebResult<Response> {
    planwatch_app::accounts::end_own_sessions(state.store(), &user.user, app::now()).await?;
    Ok(clear_session(
        &state,
        &headers,
        Redirect::to("/login?msg=sessions_revoked").into_response(),
    ))
}

#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    mobile: String,
}

/// A person sets their own e-mail address (where notifications go) and mobile number; a bad
/// value is shown at its field and changes nothing (decision 0061).
pub async fn contact(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<ContactForm>,
) -> WebResult<Response> {
    let set = accounts_contact(&state, &user, &f).await;
    match set {
        Ok(()) => Ok(Redirect::to("/account").into_response()),
        Err(app::AppError::Field { field, message }) => {
            let mut p = page(&state, &user, BTreeMap::from([(field, message)])).await?;
            p.email = f.email.clone();
            p.mobile = f.mobile.clone();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn accounts_contact(
    state: &AppState,
    user: &CurrentUser,
    f: &ContactForm,
) -> Result<(), app::AppError> {
    app::accounts::set_own_contact(
        state.store(),
        &user.user,
        Some(&f.email),
        Some(&f.mobile),
        app::now(),
    )
    .await
    .map(|_| ())
}
