//! 用户: the list of accounts (admins and the office), and for admins: create a user, disable a
//! user, set a new password, end a user's sessions. Every change goes through the store's user
//! use cases, which audit it in the same transaction.

use super::super::AppState;
use super::super::error::{WebError, WebResult, percent_encode, shown};
use super::super::format;
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::{Chrome, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_app as app;
use planwatch_app::{AppError, accounts};
use planwatch_model::{Role, UnitKind};
use planwatch_store::{NewUser, Password};
use serde::Deserialize;
use std::collections::BTreeMap;

pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub affiliation: String,
    pub active: bool,
    pub created: String,
    pub is_self: bool,
    /// E-mail address and mobile number (decision 0061); empty when none.
    pub email: String,
    pub mobile: String,
}

/// The create-user form as typed, to show again with its errors.
#[derive(Deserialize, Default, Clone)]
pub struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    task_force: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    mobile: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    rows: Vec<UserRow>,
    can_manage: bool,
    notice: Option<String>,
    error: Option<String>,
    form: NewUserForm,
    field_errors: BTreeMap<&'static str, String>,
    roles: Vec<(&'static str, &'static str)>,
    units: Vec<String>,
    task_forces: Vec<String>,
}

impl UsersPage {
    fn field_error(&self, field: &str) -> String {
        self.field_errors.get(field).cloned().unwrap_or_default()
    }
}

#[derive(Deserialize, Default)]
pub struct UsersQuery {
    #[serde(default)]
    ok: String,
    #[serde(default)]
    who: String,
}

fn notice(q: &UsersQuery) -> Option<String> {
    let who = q.who.chars().take(64).collect::<String>();
    match q.ok.as_str() {
        "created" => Some(format!("已新建用户 {who}。")),
        "disabled" => Some(format!("已停用用户 {who}，其登录已全部注销。")),
        "reset" => Some(format!("已为用户 {who} 设置新密码，其登录已全部注销。")),
        "revoked" => Some(format!("已注销用户 {who} 的全部登录。")),
        "contact" => Some(format!("已保存用户 {who} 的联系方式。")),
        _ => None,
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    notice: Option<String>,
    error: Option<String>,
    form: NewUserForm,
    field_errors: BTreeMap<&'static str, String>,
) -> WebResult<UsersPage> {
    let rows = accounts::users(state.store(), app::Caller::User(&user.user))
        .await?
        .into_iter()
        .map(|u| UserRow {
            is_self: u.username == user.user.username,
            active: u.is_active(),
            role: u.role.label_zh(),
            affiliation: u
                .unit
                .as_ref()
                .map(ToString::to_string)
                .or(u.task_force.clone())
                .unwrap_or_default(),
            created: format::time(u.created_at),
            email: u.email.clone().unwrap_or_default(),
            mobile: u.mobile.clone().unwrap_or_default(),
            username: u.username,
            display_name: u.display_name,
        })
        .collect();
    let units = state
        .store()
        .units()
        .await?
        .into_iter()
        .filter(|u| u.kind != UnitKind::Group)
        .map(|u| u.name.into_string())
        .collect();
    let task_forces = state
        .store()
        .org_view()
        .await?
        .task_forces
        .into_iter()
        .map(|t| t.body.name)
        .collect();
    Ok(UsersPage {
        c: Chrome::new(state, user, "users", "用户").await?,
        rows,
        can_manage: user.can(Permission::ManageUsers),
        notice,
        error,
        form,
        field_errors,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), r.label_zh()))
            .collect(),
        units,
        task_forces,
    })
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<UsersQuery>,
) -> WebResult<Response> {
    user.require(Permission::ReadUsers)?;
    let p = page(
        &state,
        &user,
        notice(&q),
        None,
        NewUserForm::default(),
        BTreeMap::new(),
    )
    .await?;
    Ok(render(&p)?.into_response())
}

fn done(ok: &str, who: &str) -> Response {
    Redirect::to(&format!("/users?ok={ok}&who={}", percent_encode(who))).into_response()
}

/// Turns the typed form into a new user, or the messages of the fields that are wrong.
fn parse_new_user(f: &NewUserForm) -> Result<(NewUser, Password), BTreeMap<&'static str, String>> {
    let mut errors = BTreeMap::new();
    let role: Option<Role> = f.role.parse().ok();
    if role.is_none() {
        errors.insert("role", "请选择角色".to_string());
    }
    if f.username.trim().is_empty() {
        errors.insert("username", "请填写用户名".to_string());
    }
    let unit = Some(f.unit.trim().to_string()).filter(|s| !s.is_empty());
    let task_force = Some(f.task_force.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(r) = role {
        match (r.is_unit_bound(), &unit) {
            (true, None) => {
                errors.insert("unit", format!("{}必须选择所属单位", r.label_zh()));
            }
            (false, Some(_)) => {
                errors.insert(
                    "unit",
                    format!("{}不属于某个单位，请不要选择单位", r.label_zh()),
                );
            }
            _ => {}
        }
        match (r == Role::TaskForce, &task_force) {
            (true, None) => {
                errors.insert("task_force", "专班用户必须选择所属专班".to_string());
            }
            (false, Some(_)) => {
                errors.insert("task_force", "只有专班用户可以选择专班".to_string());
            }
            _ => {}
        }
    }
    if !f.email.trim().is_empty()
        && let Err(e) = planwatch_store::check_email(&f.email)
    {
        errors.insert("email", e.to_string());
    }
    if !f.mobile.trim().is_empty()
        && let Err(e) = planwatch_store::check_mobile(&f.mobile)
    {
        errors.insert("mobile", e.to_string());
    }
    let password = match Password::new(&f.password) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.insert("password", e.to_string());
            None
        }
    };
    match (role, password) {
        (Some(role), Some(password)) if errors.is_empty() => Ok((
            NewUser {
                username: f.username.trim().to_string(),
                display_name: f.display_name.trim().to_string(),
                role,
                unit: if role.is_unit_bound() {
                    unit.map(Into::into)
                } else {
                    None
                },
                task_force: if role == Role::TaskForce {
                    task_force
                } else {
                    None
                },
            },
            password,
        )),
        _ => Err(errors),
    }
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<NewUserForm>,
) -> WebResult<Response> {
    user.require(Permission::ManageUsers)?;
    let again = |errors: BTreeMap<&'static str, String>, general: Option<String>| {
        let state = state.clone();
        let user = user.clone();
        let mut form = f.clone();
        form.password.clear();
        async move {
            let p = page(&state, &user, None, general, form, errors).await?;
            Ok::<Response, WebError>(
                (StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response(),
            )
        }
    };
    let (new, password) = match parse_new_user(&f) {
        Ok(x) => x,
        Err(errors) => {
            return again(errors, Some("新建用户失败，请修改标红的内容。".to_string())).await;
        }
    };
    let caller = app::Caller::User(&user.user);
    match accounts::add_user(state.store(), caller, &new, &password, app::now()).await {
        Ok(u) if f.email.trim().is_empty() && f.mobile.trim().is_empty() => {
            Ok(done("created", &u.username))
        }
        Ok(u) => {
            // Checked above, so this only fails on a store error.
            accounts::set_contact(
                state.store(),
                caller,
                &u.username,
                Some(&f.email),
                Some(&f.mobile),
                app::now(),
            )
            .await?;
            Ok(done("created", &u.username))
        }
        Err(AppError::Field { field, message }) => {
            again(BTreeMap::from([(field, message)]), None).await
        }
        Err(AppError::Internal(e)) => Err(WebError::Internal(e)),
        Err(AppError::Forbidden(m)) => Err(WebError::Forbidden(m)),
        Err(e) => again(BTreeMap::new(), e.user_message()).await,
    }
}

/// The account a path names, exactly as stored: a name that differs from a stored one in any way
/// (a trailing space, another case) names no account, so checks such as "not yourself" compare
/// the same account that the change would reach.
async fn known(state: &AppState, username: &str) -> WebResult<planwatch_store::User> {
    match state.store().user(username).await? {
        Some(u) if u.username == username => Ok(u),
        _ => Err(WebError::NotFound),
    }
}

pub async fn disable(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(username): Path<String>,
) -> WebResult<Response> {
    user.require(Permission::ManageUsers)?;
    known(&state, &username).await?;
    let caller = app::Caller::User(&user.user);
    match shown(accounts::disable_user(state.store(), caller, &username, app::now()).await)? {
        Ok(_) => Ok(done("disabled", &username)),
        Err(m) => {
            let p = page(
                &state,
                &user,
                None,
                Some(m),
                NewUserForm::default(),
                BTreeMap::new(),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(username): Path<String>,
    Form(f): Form<PasswordForm>,
) -> WebResult<Response> {
    user.require(Permission::ManageUsers)?;
    known(&state, &username).await?;
    let password =
        match Password::new(&f.password).and_then(|p| p.check_account(&username).map(|()| p)) {
            Ok(p) => p,
            Err(e) => {
                let p = page(
                    &state,
                    &user,
                    None,
                    Some(format!("未能为用户 {username} 设置新密码：{e}")),
                    NewUserForm::default(),
                    BTreeMap::new(),
                )
                .await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
            }
        };
    let caller = app::Caller::User(&user.user);
    accounts::reset_password(state.store(), caller, &username, &password, app::now()).await?;
    Ok(done("reset", &username))
}

pub async fn revoke_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(username): Path<String>,
) -> WebResult<Response> {
    user.require(Permission::ManageUsers)?;
    known(&state, &username).await?;
    let caller = app::Caller::User(&user.user);
    accounts::revoke_sessions(state.store(), caller, &username, app::now()).await?;
    Ok(done("revoked", &username))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(role: &str, unit: &str, tf: &str) -> NewUserForm {
        NewUserForm {
            username: "kjj.tb".into(),
            display_name: "张三".into(),
            role: role.into(),
            unit: unit.into(),
            task_force: tf.into(),
            password: "correct horse battery".into(),
            ..NewUserForm::default()
        }
    }

    #[test]
    fn a_bad_email_or_mobile_is_refused_at_its_field() {
        let mut f = form("reporter", "市科技局", "");
        f.email = "kjj@".into();
        f.mobile = "12345".into();
        let e = parse_new_user(&f).expect_err("refused");
        assert!(e["email"].contains("电子邮箱"), "{e:?}");
        assert!(e["mobile"].contains("手机号码"), "{e:?}");
        f.email = "kjj@example.org".into();
        f.mobile = "138 0000 0000".into();
        assert!(parse_new_user(&f).is_ok());
    }

    #[test]
    fn a_reporter_needs_a_unit_and_no_task_force() {
        let e = parse_new_user(&form("reporter", "", "")).expect_err("refused");
        assert!(e.contains_key("unit"));
        let e = parse_new_user(&form("reporter", "市科技局", "科技创新专班")).expect_err("refused");
        assert!(e.contains_key("task_force"));
        let (u, _) = parse_new_user(&form("reporter", "市科技局", "")).expect("accepted");
        assert_eq!(u.unit.as_deref(), Some("市科技局"));
    }

    #[test]
    fn a_leader_belongs_to_no_unit_and_a_weak_password_is_named() {
        let e = parse_new_user(&form("leader", "市科技局", "")).expect_err("refused");
        assert!(e.contains_key("unit"));
        let mut f = form("leader", "", "");
        f.password = "short".into();
        let e = parse_new_user(&f).expect_err("refused");
        assert!(e["password"].contains("10"));
        assert!(parse_new_user(&form("nobody", "", "")).is_err());
    }
}

#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    mobile: String,
}

/// Sets an account's e-mail address and mobile number (empty clears one); a bad value is shown
/// on the page and changes nothing (decision 0061).
pub async fn contact(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(username): Path<String>,
    Form(f): Form<ContactForm>,
) -> WebResult<Response> {
    user.require(Permission::ManageUsers)?;
    known(&state, &username).await?;
    let caller = app::Caller::User(&user.user);
    let set = accounts::set_contact(
        state.store(),
        caller,
        &username,
        Some(&f.email),
        Some(&f.mobile),
        app::now(),
    )
    .await;
    match shown(set)? {
        Ok(_) => Ok(done("contact", &username)),
        Err(m) => {
            let p = page(
                &state,
                &user,
                None,
                Some(format!("用户 {username} 的联系方式未保存：{m}")),
                NewUserForm::default(),
                BTreeMap::new(),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    }
}
