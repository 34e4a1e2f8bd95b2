//! What the web app needs beyond creating and revoking one session (in `users.rs`): the list of a
//! user's active sessions, signing a user out everywhere, and the record of failed sign-ins that
//! login rate limiting counts. Failed sign-ins live in the audit trail itself (entity `sign_in`,
//! id = the username tried), so every app server sharing the database sees the same count and
//! the office can read who tried what from where.

use crate::Store;
use crate::audit::{self, Actor, Change};
use crate::db::args;
use crate::error::{Result, StoreError};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The audit entity under which failed sign-ins are recorded.
pub const SIGN_IN_ENTITY: &str = "sign_in";
/// The audit action of a failed sign-in (or a wrong current password when changing it).
pub const SIGN_IN_FAILED_ACTION: &str = "session.sign_in_failed";
/// The audit action that reserves one password check for an account before it runs.
pub const SIGN_IN_ATTEMPT_ACTION: &str = "session.sign_in_attempt";
/// The audit action of a password check that passed (a sign-in, or the current password when
/// changing it): failures before it no longer count.
pub const SIGN_IN_OK_ACTION: &str = "session.sign_in";
/// The audit action written when an account reaches the failure limit and is locked.
pub const ACCOUNT_LOCKED_ACTION: &str = "session.account_locked";

/// How many password checks an account may fail, and for how long they count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInLimits {
    pub max_failures: i64,
    pub window: chrono::Duration,
}

/// Whether a password check may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInGate {
    /// It may run; the attempt is recorded and counts until a check passes.
    Admitted,
    /// The account is locked until then.
    Locked { until: DateTime<Utc> },
}

/// Why a password was checked (kept in the audit rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckPurpose {
    SignIn,
    PasswordChange,
}

impl CheckPurpose {
    fn as_str(self) -> &'static str {
        match self {
            CheckPurpose::SignIn => "sign_in",
            CheckPurpose::PasswordChange => "password_change",
        }
    }
}

/// Usernames are at most 64 characters; anything longer typed into a sign-in form is cut so that
/// a hostile client cannot fill the audit trail with megabytes per attempt.
const MAX_RECORDED_NAME_CHARS: usize = 64;

/// An active web session, without its token hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionInfo {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub(crate) fn recorded_name(username: &str) -> String {
    username
        .trim()
        .chars()
        .take(MAX_RECORDED_NAME_CHARS)
        .collect()
}

/// The rows of `action` (attempts, or failures) that count against `username` at `now`: since
/// the window started and since the last check that passed. Returns how many and the oldest
/// one's time.
async fn counted_attempts(
    tx: &mut crate::db::Tx,
    username: &str,
    action: &str,
    now: DateTime<Utc>,
    limits: SignInLimits,
) -> Result<(i64, Option<DateTime<Utc>>)> {
    let last_ok = tx
        .fetch_optional(
            "SELECT at FROM audit_log WHERE entity = $1 AND entity_id = $2 AND action = $3 \
             ORDER BY id DESC LIMIT 1",
            args![SIGN_IN_ENTITY, username, SIGN_IN_OK_ACTION],
        )
        .await?
        .map(|r| r.time("at"))
        .transpose()?;
    let since = now - limits.window;
    let since = match last_ok {
        Some(t) if t >= since => t,
        _ => since,
    };
    let rows = tx
        .fetch_all(
            "SELECT at FROM audit_log WHERE entity = $1 AND entity_id = $2 AND action = $3 \
             AND at >= $4 ORDER BY id",
            args![SIGN_IN_ENTITY, username, action, since],
        )
        .await?;
    let times = rows
        .iter()
        .map(|r| r.time("at"))
        .collect::<Result<Vec<_>>>()?;
    // An attempt in the same microsecond as the last success was made before it.
    let times: Vec<_> = times
        .into_iter()
        .filter(|t| last_ok.is_none_or(|ok| *t > ok || ok < now - limits.window))
        .collect();
    Ok((
        i64::try_from(times.len()).unwrap_or(i64::MAX),
        times.first().copied(),
    ))
}

fn client_actor(client: &str) -> (Actor, String) {
    let client: String = client.chars().take(MAX_RECORDED_NAME_CHARS).collect();
    (
        Actor {
            name: format!("web:{client}"),
        },
        client,
    )
}

impl Store {
    /// Decides, in one write transaction, whether a password check for `username` may run, and
    /// if so records the attempt before it runs. Writers are serialised, so any number of
    /// simultaneous requests for one account admit at most `limits.max_failures` checks in a
    /// window: the check and the reservation cannot be raced.
    pub async fn admit_password_check(
        &self,
        client: &str,
        username: &str,
        purpose: CheckPurpose,
        now: DateTime<Utc>,
        limits: SignInLimits,
    ) -> Result<SignInGate> {
        let name = recorded_name(username);
        let mut tx = self.pools.write().await?;
        let (n, oldest) =
            counted_attempts(&mut tx, &name, SIGN_IN_ATTEMPT_ACTION, now, limits).await?;
        if n >= limits.max_failures {
            return Ok(SignInGate::Locked {
                until: oldest.unwrap_or(now) + limits.window,
            });
        }
        let (actor, client) = client_actor(client);
        audit::record(
            &mut tx,
            &actor,
            Change {
                action: SIGN_IN_ATTEMPT_ACTION,
                entity: SIGN_IN_ENTITY,
                entity_id: name,
                before: None,
                after: Some(serde_json::json!({ "client": client, "purpose": purpose.as_str() })),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(SignInGate::Admitted)
    }

    /// Records that an admitted password check failed; when it was the last one the limit
    /// allows, also records that the account is locked (and until when).
    pub async fn password_check_failed(
        &self,
        client: &str,
        username: &str,
        purpose: CheckPurpose,
        now: DateTime<Utc>,
        limits: SignInLimits,
    ) -> Result<Option<DateTime<Utc>>> {
        let name = recorded_name(username);
        let (actor, client) = client_actor(client);
        let mut tx = self.pools.write().await?;
        audit::record(
            &mut tx,
            &actor,
            Change {
                action: SIGN_IN_FAILED_ACTION,
                entity: SIGN_IN_ENTITY,
                entity_id: name.clone(),
                before: None,
                after: Some(serde_json::json!({ "client": client, "purpose": purpose.as_str() })),
            },
            now,
        )
        .await?;
        // The failure that reaches the limit locks the account (once: attempts admitted at the
        // same time fail one after another, and only the last of them reaches it).
        let (failures, _) =
            counted_attempts(&mut tx, &name, SIGN_IN_FAILED_ACTION, now, limits).await?;
        let (n, oldest) =
            counted_attempts(&mut tx, &name, SIGN_IN_ATTEMPT_ACTION, now, limits).await?;
        let locked = (failures == limits.max_failures && n >= limits.max_failures)
            .then(|| oldest.unwrap_or(now) + limits.window);
        if let Some(until) = locked {
            audit::record(
                &mut tx,
                &actor,
                Change {
                    action: ACCOUNT_LOCKED_ACTION,
                    entity: SIGN_IN_ENTITY,
                    entity_id: name,
                    before: None,
                    after: Some(serde_json::json!({
                        "failures": n,
                        "until": crate::time::to_text(until),
                    })),
                },
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(locked)
    }

    /// Records that an admitted password check passed (failures before it stop counting).
    /// A sign-in records this together with its session (`start_session`).
    pub async fn password_check_passed(
        &self,
        actor: &Actor,
        username: &str,
        purpose: CheckPurpose,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pools.write().await?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: SIGN_IN_OK_ACTION,
                entity: SIGN_IN_ENTITY,
                entity_id: recorded_name(username),
                before: None,
                after: Some(serde_json::json!({ "purpose": purpose.as_str() })),
            },
            now,
        )
        .await?;
        tx.commit().await
    }

    /// Records a failed sign-in for `username` (as typed, whether or not such a user exists) from
    /// `client` (an address, for the office to read). The actor is the client: nobody is signed in.
    pub async fn record_sign_in_failure(
        &self,
        client: &str,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pools.write().await?;
        let client: String = client.chars().take(MAX_RECORDED_NAME_CHARS).collect();
        audit::record(
            &mut tx,
            &Actor {
                name: format!("web:{client}"),
            },
            Change {
                action: SIGN_IN_FAILED_ACTION,
                entity: SIGN_IN_ENTITY,
                entity_id: recorded_name(username),
                before: None,
                after: Some(serde_json::json!({ "client": client })),
            },
            now,
        )
        .await?;
        tx.commit().await
    }

    /// How many sign-ins for `username` failed at or after `since`.
    pub async fn sign_in_failures_since(
        &self,
        username: &str,
        since: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.pools.read().await?;
        tx.fetch_one(
            "SELECT COUNT(*) AS n FROM audit_log \
             WHERE entity = $1 AND entity_id = $2 AND action = $3 AND at >= $4",
            args![
                SIGN_IN_ENTITY,
                recorded_name(username),
                SIGN_IN_FAILED_ACTION,
                since
            ],
        )
        .await?
        .i64("n")
    }

    /// The user's sessions that are neither revoked nor expired at `now`, newest first.
    pub async fn active_sessions(
        &self,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<SessionInfo>> {
        let mut tx = self.pools.read().await?;
        tx.fetch_all(
            "SELECT s.id, s.created_at, s.expires_at FROM sessions s \
             JOIN users us ON us.id = s.user_id \
             WHERE us.username = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 \
             ORDER BY s.created_at DESC, s.id DESC",
            args![username.trim(), now],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(SessionInfo {
                id: r.i64("id")?,
                created_at: r.time("created_at")?,
                expires_at: r.time("expires_at")?,
            })
        })
        .collect()
    }

    /// Revokes every active session of a user ("sign out everywhere"). Returns how many were
    /// revoked; revoking none writes no audit row.
    pub async fn revoke_user_sessions(
        &self,
        actor: &Actor,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let mut tx = self.pools.write().await?;
        let user_id = tx
            .fetch_optional(
                "SELECT id FROM users WHERE username = $1",
                args![username.trim()],
            )
            .await?
            .ok_or_else(|| StoreError::UnknownUser(username.to_string()))?
            .i64("id")?;
        let revoked = tx
            .execute(
                "UPDATE sessions SET revoked_at = $1 \
                 WHERE user_id = $2 AND revoked_at IS NULL AND expires_at > $1",
                args![now, user_id],
            )
            .await?;
        if revoked == 0 {
            return Ok(0);
        }
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "session.revoke_all",
                entity: "user",
                entity_id: user_id.to_string(),
                before: None,
                after: Some(serde_json::json!({ "sessions_revoked": revoked })),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(revoked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_very_long_username_is_cut_before_it_is_recorded() {
        let long = "x".repeat(10_000);
        assert_eq!(
            recorded_name(&long).chars().count(),
            MAX_RECORDED_NAME_CHARS
        );
        assert_eq!(recorded_name("  kjj.tb "), "kjj.tb");
    }
}
