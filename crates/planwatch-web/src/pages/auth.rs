//! Sign-in and sign-out. Failed sign-ins are recorded (audit trail) and limited per account and
//! per client address; unknown user, disabled user and wrong password get the same answer.

use super::super::AppState;
use super::super::error::{WebError, WebResult};
use super::super::limiter::account_limits;
use super::super::metrics::SignIn;
use super::super::session::{
    MaybeUser, client_ip, cookie, csrf_token, new_token, pre_cookie, secure, session_cookie,
    set_cookie, token_hash,
};
use super::render;
use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_app as app;
use planwatch_store::{Actor, CheckPurpose, SignInGate};
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
    /// The database holds demo data (示例数据): said before anyone signs in.
    demo: bool,
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
    let (pre, fresh) = match cookie(&headers, pre_cookie(&state)) {
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
        demo: super::demo_present(&state).await.unwrap_or(false),
        asset_version: super::super::assets::version(),
    };
    let mut res = render(&page)?.into_response();
    if fresh {
        let c = set_cookie(
            pre_cookie(&state),
            &pre,
            24 * 3600,
            secure(&state, &headers),
        );
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
    let pre = cookie(headers, pre_cookie(state)).unwrap_or_default();
    let page = LoginPage {
        csrf: csrf_token(&pre),
        next: safe_next(&form.next),
        username: form.username.trim().chars().take(64).collect(),
        error: Some(error),
        notice: None,
        plan_title: plan_title(state).await,
        demo: super::demo_present(state).await.unwrap_or(false),
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
    if state.limiter().is_blocked(client, Instant::now()) {
        state.metrics().sign_in(SignIn::Refused);
        tracing::warn!(%client, username = ?username, "sign-in refused: too many failures from this address");
        return Err(WebError::TooManyAttempts {
            minutes: account_limits().window.num_minutes(),
        });
    }
    // The attempt is reserved before the password is checked, in one write transaction, so
    // simultaneous attempts cannot all pass the limit.
    let gate = state
        .store()
        .admit_password_check(
            &client.to_string(),
            &username,
            CheckPurpose::SignIn,
            now,
            account_limits(),
        )
        .await?;
    if let SignInGate::Locked { until } = gate {
        state.metrics().sign_in(SignIn::Refused);
        tracing::warn!(%client, username = ?username, "sign-in refused: account locked");
        return Err(WebError::TooManyAttempts {
            minutes: minutes_until(now, until),
        });
    }
    let Some(user) = state
        .store()
        .authenticate(&username, &form.password)
        .await?
    else {
        let locked = state
            .store()
            .password_check_failed(
                &client.to_string(),
                &username,
                CheckPurpose::SignIn,
                now,
                account_limits(),
            )
            .await?;
        state.limiter().record_failure(client, Instant::now());
        state.metrics().sign_in(SignIn::Failed);
        tracing::info!(%client, username = ?username, "sign-in failed");
        let message = match locked {
            Some(until) => format!(
                "用户名或密码不正确。该账号连续登录失败次数过多，已锁定，请 {} 分钟后再试。",
                minutes_until(now, until)
            ),
            None => "用户名或密码不正确（已停用的账号也无法登录）。".to_string(),
        };
        return refuse_again(&state, &headers, &form, StatusCode::UNAUTHORIZED, message).await;
    };
    let token = new_token()?;
    let hours = state.config().session_hours;
    state
        .store()
        .start_session(
            &user,
            &token_hash(&token),
            &client.to_string(),
            now,
            now + chrono::Duration::hours(hours),
        )
        .await?;
    state.metrics().sign_in(SignIn::Ok);
    tracing::info!(%client, username = ?user.username, "signed in");
    let secure = secure(&state, &headers);
    let mut res = Redirect::to(&safe_next(&form.next)).into_response();
    for c in [
        set_cookie(session_cookie(&state), &token, hours * 3600, secure),
        set_cookie(pre_cookie(&state), "", 0, secure),
    ] {
        res.headers_mut().append(
            header::SET_COOKIE,
            c.parse()
                .map_err(|e| WebError::Internal(anyhow::anyhow!("{e}")))?,
        );
    }
    Ok(res)
}

/// Whole minutes from `now` until `until` (at least 1).
pub fn minutes_until(
    now: chrono::DateTime<chrono::Utc>,
    until: chrono::DateTime<chrono::Utc>,
) -> i64 {
    ((until - now).num_seconds() + 59).div_euclid(60).max(1)
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
    let c = set_cookie(session_cookie(state), "", 0, secure(state, headers));
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
