//! Sign-in and sign-out. Failed sign-ins are recorded (audit trail) and limited per account and
//! per client address; unknown user, disabled user and wrong password get the same answer.

use super::super::AppState;
use super::super::error::{WebError, WebResult};
use super::super::limiter::{MAX_FAILURES_PER_ACCOUNT, WINDOW_MINUTES};
use super::super::metrics::SignIn;
use super::super::session::{
    MaybeUser, PRE_COOKIE, SESSION_COOKIE, client_ip, cookie, csrf_token, new_token, secure,
    set_cookie, token_hash,
};
use super::render;
use crate::app;
use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_store::Actor;
use serde::Deserialize;
use std::net::SocketAddr;
use std::time::Instant;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
    notice: Option<&'static str>,
    plan_title: Option<String>,
    asset_version: &'static str,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    msg: String,
}

/// A local path to go to after sign-in; anything else (another site, `//host`) becomes `/`.
pub fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(char::is_control)
        && !next.starts_with("/login")
        && !next.starts_with("/logout");
    if ok {
        next.to_string()
    } else {
        "/".to_string()
    }
}

fn notice(code: &str) -> Option<&'static str> {
    match code {
        "signed_out" => Some("您已退出登录。"),
        "password_changed" => Some("密码已修改，请用新密码重新登录。"),
        "sessions_revoked" => Some("已在所有设备上退出登录，请重新登录。"),
        _ => None,
    }
}

async fn plan_title(state: &AppState) -> Option<String> {
    state
        .store()
        .current_revision()
        .await
        .ok()
        .flatten()
        .map(|r| r.title)
}

/// The sign-in page. It sets the pre-session cookie whose secret its CSRF token is made from.
pub async fn login_form(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> WebResult<Response> {
    if user.is_some() {
        return Ok(Redirect::to(&safe_next(&q.next)).into_response());
    }
    let (pre, fresh) = match cookie(&headers, PRE_COOKIE) {
        Some(p) => (p, false),
        None => (new_token()?, true),
    };
    let page = LoginPage {
        csrf: csrf_token(&pre),
        next: safe_next(&q.next),
        username: String::new(),
        error: None,
        notice: notice(&q.msg),
        plan_title: plan_title(&state).await,
        asset_version: super::super::assets::version(),
    };
    let mut res = render(&page)?.into_response();
    if fresh {
        let c = set_cookie(PRE_COOKIE, &pre, 24 * 3600, secure(&state, &headers));
        res.headers_mut().append(
            header::SET_COOKIE,
            c.parse()
                .map_err(|e| WebError::Internal(anyhow::anyhow!("{e}")))?,
        );
    }
    Ok(res)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn refuse_again(
    state: &AppState,
    headers: &HeaderMap,
    form: &LoginForm,
    status: StatusCode,
    error: String,
) -> WebResult<Response> {
    let pre = cookie(headers, PRE_COOKIE).unwrap_or_default();
    let page = LoginPage {
        csrf: csrf_token(&pre),
        next: safe_next(&form.next),
        username: form.username.trim().chars().take(64).collect(),
        error: Some(error),
        notice: None,
        plan_title: plan_title(state).await,
        asset_version: super::super::assets::version(),
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> WebResult<Response> {
    let now = app::now();
    let client = client_ip(&state, peer.ip(), &headers);
    let username = form.username.trim().to_string();
    if username.is_empty() || form.password.is_empty() {
        return refuse_again(
            &state,
            &headers,
            &form,
            StatusCode::UNPROCESSABLE_ENTITY,
            "请输入用户名和密码。".to_string(),
        )
        .await;
    }
    let since = now - chrono::Duration::minutes(WINDOW_MINUTES);
    let failures = state
        .store()
        .sign_in_failures_since(&username, since)
        .await?;
    if state.limiter().is_blocked(client, Instant::now()) || failures >= MAX_FAILURES_PER_ACCOUNT {
        state.metrics().sign_in(SignIn::Refused);
        tracing::warn!(%client, username = %username, "sign-in refused: too many failures");
        return Err(WebError::TooManyAttempts {
            minutes: WINDOW_MINUTES,
        });
    }
    let Some(user) = state
        .store()
        .authenticate(&username, &form.password)
        .await?
    else {
        state
            .store()
            .record_sign_in_failure(&client.to_string(), &username, now)
            .await?;
        state.limiter().record_failure(client, Instant::now());
        state.metrics().sign_in(SignIn::Failed);
        tracing::info!(%client, username = %username, "sign-in failed");
        return refuse_again(
            &state,
            &headers,
            &form,
            StatusCode::UNAUTHORIZED,
            "用户名或密码不正确（已停用的账号也无法登录）。".to_string(),
        )
        .await;
    };
    let token = new_token()?;
    let hours = state.config().session_hours;
    state
        .store()
        .create_session(
            &Actor::user(&user.username),
            user.id,
            &token_hash(&token),
            now,
            now + chrono::Duration::hours(hours),
        )
        .await?;
    state.metrics().sign_in(SignIn::Ok);
    tracing::info!(%client, username = %user.username, "signed in");
    let secure = secure(&state, &headers);
    let mut res = Redirect::to(&safe_next(&form.next)).into_response();
    for c in [
        set_cookie(SESSION_COOKIE, &token, hours * 3600, secure),
        set_cookie(PRE_COOKIE, "", 0, secure),
    ] {
        res.headers_mut().append(
            header::SET_COOKIE,
            c.parse()
                .map_err(|e| WebError::Internal(anyhow::anyhow!("{e}")))?,
        );
    }
    Ok(res)
}

/// Ends this session (the cookie is cleared even if the session had already ended).
pub async fn logout(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
) -> WebResult<Response> {
    if let Some(u) = user {
        state
            .store()
            .revoke_session(
                &Actor::user(&u.user.username),
                &u.session_hash(),
                app::now(),
            )
            .await?;
    }
    Ok(clear_session(
        &state,
        &headers,
        Redirect::to("/login?msg=signed_out").into_response(),
    ))
}

/// Adds the header that deletes the session cookie.
pub fn clear_session(state: &AppState, headers: &HeaderMap, mut res: Response) -> Response {
    let c = set_cookie(SESSION_COOKIE, "", 0, secure(state, headers));
    if let Ok(v) = c.parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next("/tasks/3"), "/tasks/3");
        assert_eq!(safe_next("//evil.example/"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("/logout"), "/");
        assert_eq!(safe_next(""), "/");
    }
}
