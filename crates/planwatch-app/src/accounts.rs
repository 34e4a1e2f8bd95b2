//! Users and API tokens: who may sign in, in which role, and which systems may write a unit's
//! indicator values. Every change asks the permission table (`ManageUsers`, `ManageApiTokens`)
//! for whoever calls (the web's administrator, the command line's operator) and is audited by
//! the store. A refusal says where: a form field (`AppError::Field`) or the whole request.

use crate::error::require;
use crate::policy::Permission;
use crate::{AppError, Caller};
use chrono::{DateTime, Utc};
use planwatch_model::{Role, UnitName};
use planwatch_store::{ApiToken, NewUser, Password, Store, StoreError, TokenScopes, User};

/// The acting person's store actor after the permission check (the command line acts as an
/// administrator unless `--as` names someone).
async fn acting(
    store: &Store,
    caller: Caller<'_>,
    p: Permission,
) -> Result<planwatch_store::Actor, AppError> {
    let (actor, who) = caller.actors(store, Role::Admin, None).await?;
    require(who.role, p)?;
    Ok(actor)
}

/// Every account (`ReadUsers`).
pub async fn users(store: &Store, caller: Caller<'_>) -> Result<Vec<User>, AppError> {
    acting(store, caller, Permission::ReadUsers).await?;
    Ok(store.users().await?)
}

/// Creates an account. A name already taken, an unknown unit or task force, or a weak password
/// is refused at its field.
pub async fn add_user(
    store: &Store,
    caller: Caller<'_>,
    new: &NewUser,
    password: &Password,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let actor = acting(store, caller, Permission::ManageUsers).await?;
    store
        .add_user(&actor, new, password, now)
        .await
        .map_err(|e| match e {
            StoreError::UserExists(name) => {
                AppError::field("username", format!("用户名“{name}”已被使用"))
            }
            StoreError::UnknownUnit(name) => AppError::field("unit", format!("单位“{name}”不存在")),
            StoreError::UnknownTaskForce(name) => {
                AppError::field("task_force", format!("专班“{name}”不存在"))
            }
            StoreError::InvalidInput(m) => AppError::field("username", m),
            StoreError::WeakPassword(m) => {
                AppError::field("password", format!("密码不够安全：{m}"))
            }
            other => other.into(),
        })
}

/// Refuses a change to the caller's own account that would lock them out.
fn not_yourself(caller: Caller<'_>, username: &str) -> Result<(), AppError> {
    match caller {
        Caller::User(u) if u.username == username => Err(AppError::refused(
            "不能停用自己的账号：请由另一位系统管理员操作。",
        )),
        _ => Ok(()),
    }
}

/// Disables an account and ends its sessions; never the caller's own.
pub async fn disable_user(
    store: &Store,
    caller: Caller<'_>,
    username: &str,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let actor = acting(store, caller, Permission::ManageUsers).await?;
    not_yourself(caller, username)?;
    Ok(store.disable_user(&actor, username, now).await?)
}

/// Sets a new password and ends the account's sessions.
pub async fn reset_password(
    store: &Store,
    caller: Caller<'_>,
    username: &str,
    password: &Password,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let actor = acting(store, caller, Permission::ManageUsers).await?;
    Ok(store
        .reset_password(&actor, username, password, now)
        .await?)
}

/// Ends every session of an account. Returns how many ended.
pub async fn revoke_sessions(
    store: &Store,
    caller: Caller<'_>,
    username: &str,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let actor = acting(store, caller, Permission::ManageUsers).await?;
    Ok(store.revoke_user_sessions(&actor, username, now).await?)
}

/// Every API token (`ManageApiTokens`).
pub async fn api_tokens(store: &Store, caller: Caller<'_>) -> Result<Vec<ApiToken>, AppError> {
    acting(store, caller, Permission::ManageApiTokens).await?;
    Ok(store.api_tokens().await?)
}

/// Records a new token of `unit` with its scopes (only its hash is kept; the caller shows the
/// secret once).
pub async fn create_api_token(
    store: &Store,
    caller: Caller<'_>,
    unit: &UnitName,
    name: &str,
    scopes: TokenScopes,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<ApiToken, AppError> {
    let actor = acting(store, caller, Permission::ManageApiTokens).await?;
    store
        .create_api_token(&actor, unit, name, scopes, token_hash, now)
        .await
        .map_err(|e| match e {
            StoreError::UnknownUnit(u) => AppError::field("unit", format!("单位“{u}”不存在")),
            StoreError::InvalidInput(m) if scopes.as_str().is_none() => {
                AppError::field("scopes", m)
            }
            StoreError::InvalidInput(m) => AppError::field("name", m),
            other => other.into(),
        })
}

/// Revokes a token; `false` when there was none with this id.
pub async fn revoke_api_token(
    store: &Store,
    caller: Caller<'_>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let actor = acting(store, caller, Permission::ManageApiTokens).await?;
    Ok(store.revoke_api_token(&actor, id, now).await?)
}

/// A person sets their own new password (after proving the old one at the adapter); every
/// session of theirs ends. No permission is needed to change one's own account.
pub async fn change_own_password(
    store: &Store,
    user: &User,
    password: &Password,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let actor = planwatch_store::Actor::user(&user.username);
    Ok(store
        .reset_password(&actor, &user.username, password, now)
        .await?)
}

/// A person ends every session of theirs, on every device.
pub async fn end_own_sessions(
    store: &Store,
    user: &User,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let actor = planwatch_store::Actor::user(&user.username);
    Ok(store
        .revoke_user_sessions(&actor, &user.username, now)
        .await?)
}

/// The store's refusal of a contact detail, at its form field.
fn contact_error(e: StoreError) -> AppError {
    match e {
        StoreError::InvalidInput(m) if m.contains("电子邮箱") => AppError::field("email", m),
        StoreError::InvalidInput(m) if m.contains("手机") => AppError::field("mobile", m),
        other => other.into(),
    }
}

/// Sets an account's e-mail address and mobile number (`ManageUsers`); empty clears one.
/// Decision 0061.
pub async fn set_contact(
    store: &Store,
    caller: Caller<'_>,
    username: &str,
    email: Option<&str>,
    mobile: Option<&str>,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let actor = acting(store, caller, Permission::ManageUsers).await?;
    store
        .set_user_contact(&actor, username, email, mobile, now)
        .await
        .map_err(contact_error)
}

/// A person sets their own e-mail address and mobile number.
pub async fn set_own_contact(
    store: &Store,
    user: &User,
    email: Option<&str>,
    mobile: Option<&str>,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let actor = planwatch_store::Actor::user(&user.username);
    store
        .set_user_contact(&actor, &user.username, email, mobile, now)
        .await
        .map_err(contact_error)
}
