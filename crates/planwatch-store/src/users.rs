//! Users, roles and web sessions. Passwords are hashed with argon2id and never stored, printed,
//! logged or written to the audit trail; session tokens are stored only as a hash.

use crate::Store;
use crate::audit::{self, Actor, Change};
use crate::db::{Row, Tx, args};
use crate::error::{Result, StoreError};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Utc};
use planwatch_model::Role;
use serde::Serialize;
use std::fmt;

/// Passwords of ten characters or more that lists of leaked passwords put near the top.
const COMMON_PASSWORDS: [&str; 16] = [
    "1234567890",
    "12345678910",
    "123456789a",
    "a123456789",
    "qwertyuiop",
    "1qaz2wsx3edc",
    "1q2w3e4r5t",
    "password123",
    "password1234",
    "p@ssw0rd123",
    "admin12345",
    "admin@12345",
    "abc1234567",
    "abcd123456",
    "qwerty12345",
    "iloveyou123",
];

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A password in memory. `Debug` and `Display` never show it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Accepts a password that is long enough and not all one character.
    pub fn new(text: &str) -> Result<Password> {
        let text = text.trim_end_matches(['\r', '\n']);
        let chars = text.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(StoreError::WeakPassword(format!(
                "至少需要 {MIN_PASSWORD_CHARS} 个字符（现为 {chars} 个）"
            )));
        }
        let mut distinct: Vec<char> = text.chars().collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < 4 {
            return Err(StoreError::WeakPassword(
                "至少要有 4 个不同的字符".to_string(),
            ));
        }
        // 等保 2.0 asks for passwords of some complexity: at least two kinds of character.
        let kinds = [
            text.chars().any(char::is_alphabetic),
            text.chars().any(|c| c.is_ascii_digit()),
            text.chars()
                .any(|c| !c.is_alphabetic() && !c.is_ascii_digit()),
        ]
        .iter()
        .filter(|k| **k)
        .count();
        if kinds < 2 {
            return Err(StoreError::WeakPassword(
                "须包含字母、数字、符号（含空格）中的至少两类".to_string(),
            ));
        }
        let lower = text.to_lowercase();
        if COMMON_PASSWORDS.contains(&lower.as_str()) {
            return Err(StoreError::WeakPassword(
                "这是常见密码，容易被猜中，请换一个".to_string(),
            ));
        }
        Ok(Password(text.to_string()))
    }

    /// Refuses a password that contains the account's username (case-insensitive, for
    /// usernames of three characters or more).
    pub fn check_account(&self, username: &str) -> Result<()> {
        let name = username.trim().to_lowercase();
        if name.chars().count() >= 3 && self.0.to_lowercase().contains(&name) {
            return Err(StoreError::WeakPassword("密码不能包含用户名".to_string()));
        }
        Ok(())
    }

    fn hash(&self) -> Result<String> {
        Argon2::default()
            .hash_password(self.0.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| StoreError::PasswordHash(e.to_string()))
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a password nobody knows, made once per process: checking a password for an unknown
/// or disabled account costs the same argon2 work as for an active one, so the time of an answer
/// does not tell whether a username exists.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let mut secret = [0u8; 32];
        // Without randomness a fixed decoy still costs the same work; it is never a valid password
        // for any account because no account has this hash.
        let _ = getrandom::fill(&mut secret);
        Argon2::default()
            .hash_password(&secret)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// A user to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Required for reporters and unit heads: the unit they report for.
    pub unit: Option<planwatch_model::UnitName>,
    /// Required for task-force users: the task force they belong to.
    pub task_force: Option<String>,
}

/// A user as stored (without the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit: Option<planwatch_model::UnitName>,
    pub task_force: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Where e-mail notifications go (decision 0061); none: in-app only.
    pub email: Option<String>,
    /// A mobile number, for the office's contact list (decision 0061).
    pub mobile: Option<String>,
}

impl User {
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }

    /// What the audit trail keeps about a user: everything except the password hash.
    fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role.as_str(),
            "unit": self.unit,
            "task_force": self.task_force,
            "disabled": self.disabled_at.is_some(),
        })
    }
}

/// An active session: its user, when it ends, and when it was last used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveSession {
    pub user: User,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// The user query without its WHERE/ORDER clause (a macro so that `concat!` can extend it).
macro_rules! select_users {
    () => {
        "SELECT us.id, us.username, us.display_name, us.role, u.name AS unit, \
         b.name AS task_force, us.disabled_at, us.created_at, us.updated_at, us.password_hash, \
         us.email, us.mobile \
         FROM users us LEFT JOIN units u ON u.id = us.unit_id \
         LEFT JOIN org_bodies b ON b.id = us.task_force_id"
    };
}

fn user(r: &Row) -> Result<User> {
    let role = r.text("role")?;
    Ok(User {
        id: r.i64("id")?,
        username: r.text("username")?,
        display_name: r.text("display_name")?,
        role: role
            .parse()
            .map_err(|_| StoreError::InvalidInput(format!("数据库中的角色“{role}”无法识别")))?,
        unit: r.opt_text("unit")?.map(Into::into),
        task_force: r.opt_text("task_force")?,
        disabled_at: r.opt_time("disabled_at")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        email: r.opt_text("email")?,
        mobile: r.opt_text("mobile")?,
    })
}

async fn find_user(tx: &mut Tx, username: &str) -> Result<Option<(User, String)>> {
    let sql = concat!(select_users!(), " WHERE us.username = $1");
    match tx.fetch_optional(sql, args![username.trim()]).await? {
        Some(r) => Ok(Some((user(&r)?, r.text("password_hash")?))),
        None => Ok(None),
    }
}

pub(crate) async fn require_user(tx: &mut Tx, username: &str) -> Result<User> {
    Ok(find_user(tx, username)
        .await?
        .ok_or_else(|| StoreError::UnknownUser(username.to_string()))?
        .0)
}

fn check_username(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::InvalidInput(format!(
            "用户名“{name}”不合适：用 1–64 个字母、数字或 . _ - @，不含空格 (invalid username)"
        )))
    }
}

async fn revoke_all_sessions(tx: &mut Tx, user_id: i64, now: DateTime<Utc>) -> Result<u64> {
    tx.execute(
        "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        args![now, user_id],
    )
    .await
}

/// Inserts a session and its `session.create` audit row in the caller's transaction.
async fn insert_session(
    tx: &mut Tx,
    actor: &Actor,
    user_id: i64,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<i64> {
    let id = tx
        .insert_returning_id(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $3) RETURNING id",
            args![token_hash, user_id, now, expires_at],
        )
        .await?;
    audit::record(
        tx,
        actor,
        Change {
            action: "session.create",
            entity: "session",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "user_id": user_id, "expires_at": crate::time::to_text(expires_at)
            })),
        },
        now,
    )
    .await?;
    Ok(id)
}

impl Store {
    /// Creates a user. Reporters and unit heads need a unit, task-force users a task force, and
    /// no other role may have either.
    pub async fn add_user(
        &self,
        actor: &Actor,
        new: &NewUser,
        password: &Password,
        now: DateTime<Utc>,
    ) -> Result<User> {
        let username = new.username.trim();
        check_username(username)?;
        password.check_account(username)?;
        let unit_needed = new.role.is_unit_bound();
        let tf_needed = new.role == Role::TaskForce;
        match (&new.unit, unit_needed) {
            (None, true) => {
                return Err(StoreError::InvalidInput(format!(
                    "角色 {}（{}）必须指定所属单位（--unit）",
                    new.role,
                    new.role.label_zh()
                )));
            }
            (Some(_), false) => {
                return Err(StoreError::InvalidInput(format!(
                    "角色 {}（{}）不属于某个单位，不能指定 --unit",
                    new.role,
                    new.role.label_zh()
                )));
            }
            _ => {}
        }
        match (&new.task_force, tf_needed) {
            (None, true) => {
                return Err(StoreError::InvalidInput(
                    "角色 task_force（专班）必须指定所属专班（--task-force）".to_string(),
                ));
            }
            (Some(_), false) => {
                return Err(StoreError::InvalidInput(format!(
                    "只有角色 task_force 可以指定 --task-force（现为 {}）",
                    new.role
                )));
            }
            _ => {}
        }
        // Hash before taking the write lock: argon2 is deliberately slow.
        let hash = password.hash()?;
        let mut tx = self.pools.write().await?;
        if find_user(&mut tx, username).await?.is_some() {
            return Err(StoreError::UserExists(username.to_string()));
        }
        let unit_id = match &new.unit {
            Some(name) => Some(
                crate::units::find_unit(&mut tx, name)
                    .await?
                    .ok_or_else(|| StoreError::UnknownUnit(name.to_string()))?
                    .id,
            ),
            None => None,
        };
        let tf_id = match &new.task_force {
            Some(name) => Some(
                tx.fetch_optional(
                    "SELECT id FROM org_bodies WHERE name = $1 AND kind = 'task_force'",
                    args![name.trim()],
                )
                .await?
                .ok_or_else(|| StoreError::UnknownTaskForce(name.clone()))?
                .i64("id")?,
            ),
            None => None,
        };
        let display = if new.display_name.trim().is_empty() {
            username
        } else {
            new.display_name.trim()
        };
        let id = tx
            .insert_returning_id(
                "INSERT INTO users (username, display_name, role, unit_id, task_force_id, \
                 password_hash, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                args![
                    username,
                    display,
                    new.role.as_str(),
                    unit_id,
                    tf_id,
                    hash,
                    now
                ],
            )
            .await?;
        let created = require_user(&mut tx, username).await?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "user.create",
                entity: "user",
                entity_id: id.to_string(),
                before: None,
                after: Some(created.audit_json()),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Every user, by username.
    pub async fn users(&self) -> Result<Vec<User>> {
        let mut tx = self.pools.read().await?;
        tx.fetch_all(concat!(select_users!(), " ORDER BY us.username"), args![])
            .await?
            .iter()
            .map(user)
            .collect()
    }

    pub async fn user(&self, username: &str) -> Result<Option<User>> {
        let mut tx = self.pools.read().await?;
        Ok(find_user(&mut tx, username).await?.map(|(u, _)| u))
    }

    /// Disables a user and revokes their sessions. Disabling a disabled user changes nothing.
    pub async fn disable_user(
        &self,
        actor: &Actor,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<User> {
        let mut tx = self.pools.write().await?;
        let before = require_user(&mut tx, username).await?;
        if before.disabled_at.is_some() {
            return Ok(before);
        }
        tx.execute(
            "UPDATE users SET disabled_at = $1, updated_at = $1 WHERE id = $2",
            args![now, before.id],
        )
        .await?;
        let revoked = revoke_all_sessions(&mut tx, before.id, now).await?;
        let after = require_user(&mut tx, username).await?;
        let mut after_json = after.audit_json();
        after_json["sessions_revoked"] = serde_json::json!(revoked);
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "user.disable",
                entity: "user",
                entity_id: before.id.to_string(),
                before: Some(before.audit_json()),
                after: Some(after_json),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Sets a new password and revokes the user's sessions. The audit row says that the password
    /// changed, never what it is.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        username: &str,
        password: &Password,
        now: DateTime<Utc>,
    ) -> Result<User> {
        password.check_account(username)?;
        let hash = password.hash()?;
        let mut tx = self.pools.write().await?;
        let before = require_user(&mut tx, username).await?;
        tx.execute(
            "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3",
            args![hash, now, before.id],
        )
        .await?;
        let revoked = revoke_all_sessions(&mut tx, before.id, now).await?;
        let after = require_user(&mut tx, username).await?;
        let mut after_json = after.audit_json();
        after_json["password_changed"] = serde_json::json!(true);
        after_json["sessions_revoked"] = serde_json::json!(revoked);
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "user.reset_password",
                entity: "user",
                entity_id: before.id.to_string(),
                before: Some(before.audit_json()),
                after: Some(after_json),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The active user with this username and password, or `None` (unknown user, disabled user
    /// and wrong password all look the same to the caller).
    ///
    /// The argon2 check always runs (against a decoy hash for an unknown or disabled account), on
    /// a blocking thread so that it never stalls the async workers.
    pub async fn authenticate(&self, username: &str, password: &str) -> Result<Option<User>> {
        // Made on the first check whatever the account, so not even the first answer tells.
        let decoy = decoy_hash();
        let found = {
            let mut tx = self.pools.read().await?;
            find_user(&mut tx, username).await?
        };
        let (user, hash) = match found {
            Some((u, hash)) if u.is_active() => (Some(u), hash),
            _ => (None, decoy.to_string()),
        };
        let password = password.to_string();
        let ok = tokio::task::spawn_blocking(move || verify(&password, &hash))
            .await
            .unwrap_or(false);
        Ok(user.filter(|_| ok))
    }

    /// Records a new web session for a user. `token_hash` is a hash of the cookie's random token;
    /// the token itself never reaches the database.
    pub async fn create_session(
        &self,
        actor: &Actor,
        user_id: i64,
        token_hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.pools.write().await?;
        let id = insert_session(&mut tx, actor, user_id, token_hash, now, expires_at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Starts a web session after a sign-in whose password check passed: the session and the
    /// check's success (failed checks before it stop counting) in one transaction.
    pub async fn start_session(
        &self,
        user: &User,
        token_hash: &str,
        client: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<i64> {
        let actor = Actor::user(&user.username);
        let mut tx = self.pools.write().await?;
        let client: String = client.chars().take(64).collect();
        audit::record(
            &mut tx,
            &actor,
            Change {
                action: crate::sessions::SIGN_IN_OK_ACTION,
                entity: crate::sessions::SIGN_IN_ENTITY,
                entity_id: crate::sessions::recorded_name(&user.username),
                before: None,
                after: Some(serde_json::json!({ "client": client, "purpose": "sign_in" })),
            },
            now,
        )
        .await?;
        let id = insert_session(&mut tx, &actor, user.id, token_hash, now, expires_at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Notes that a session was used at `now` (for the idle timeout). No audit row: using a
    /// session changes no data, and the data version that caches key on must not move on every
    /// request. Returns whether an active session was touched.
    pub async fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.pools.write().await?;
        let n = tx
            .execute(
                "UPDATE sessions SET last_seen_at = $1 \
                 WHERE token_hash = $2 AND revoked_at IS NULL AND expires_at > $1",
                args![now, token_hash],
            )
            .await?;
        tx.commit().await?;
        Ok(n > 0)
    }

    /// The active user of a session that exists, is not revoked and has not expired at `now`.
    /// The user of an active session and when the session expires, in one statement (no
    /// transaction): what the web layer caches per data version, since revoking a session,
    /// disabling a user or changing a role each write an audit row and so change the version.
    pub async fn active_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ActiveSession>> {
        let row = self
            .pools
            .fetch_optional_statement(
                "SELECT us.id, us.username, us.display_name, us.role, u.name AS unit, \
                 b.name AS task_force, us.disabled_at, us.created_at, us.updated_at, \
                 us.email, us.mobile, \
                 s.expires_at, s.last_seen_at, s.created_at AS session_created \
                 FROM sessions s JOIN users us ON us.id = s.user_id \
                 LEFT JOIN units u ON u.id = us.unit_id \
                 LEFT JOIN org_bodies b ON b.id = us.task_force_id \
                 WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 \
                 AND us.disabled_at IS NULL",
                args![token_hash, now],
            )
            .await?;
        match row {
            Some(r) => Ok(Some(ActiveSession {
                user: user(&r)?,
                expires_at: r.time("expires_at")?,
                last_seen_at: match r.opt_time("last_seen_at")? {
                    Some(t) => t,
                    None => r.time("session_created")?,
                },
            })),
            None => Ok(None),
        }
    }

    pub async fn session_user(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<User>> {
        let mut tx = self.pools.read().await?;
        let row = tx
            .fetch_optional(
                "SELECT us.username FROM sessions s JOIN users us ON us.id = s.user_id \
                 WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 \
                 AND us.disabled_at IS NULL",
                args![token_hash, now],
            )
            .await?;
        match row {
            Some(r) => Ok(find_user(&mut tx, &r.text("username")?)
                .await?
                .map(|(u, _)| u)),
            None => Ok(None),
        }
    }

    /// Revokes a session (sign-out). Returns whether an active session was revoked.
    pub async fn revoke_session(
        &self,
        actor: &Actor,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.pools.write().await?;
        let Some(row) = tx
            .fetch_optional(
                "SELECT id FROM sessions WHERE token_hash = $1 AND revoked_at IS NULL",
                args![token_hash],
            )
            .await?
        else {
            return Ok(false);
        };
        let id = row.i64("id")?;
        tx.execute(
            "UPDATE sessions SET revoked_at = $1 WHERE id = $2",
            args![now, id],
        )
        .await?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "session.revoke",
                entity: "session",
                entity_id: id.to_string(),
                before: None,
                after: Some(serde_json::json!({ "revoked": true })),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_or_monotonous_passwords_are_refused() {
        assert!(Password::new("short").is_err());
        assert!(Password::new("aaaaaaaaaaaaaaaa").is_err());
        assert!(Password::new("correct horse battery").is_ok());
    }

    #[test]
    fn a_password_needs_two_kinds_of_character_and_must_not_be_common_or_the_username() {
        assert!(Password::new("abcdefghijk").is_err());
        assert!(Password::new("1234567891").is_err());
        assert!(Password::new("Password123").is_err());
        assert!(Password::new("Spring-rain-2024").is_ok());
        assert!(Password::new("password123").is_err());
        let p = Password::new("kjj.tb-2024-spring").expect("strong enough");
        assert!(p.check_account("kjj.tb").is_err());
        assert!(p.check_account("office").is_ok());
    }

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let p = Password::new("correct horse battery").expect("strong enough");
        assert_eq!(format!("{p:?}"), "Password(***)");
    }

    #[test]
    fn usernames_are_one_word() {
        assert!(check_username("zhang.san").is_ok());
        assert!(check_username("张三").is_ok());
        assert!(check_username("zhang san").is_err());
        assert!(check_username("").is_err());
    }
}
