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
/// The audit action of a failed sign-in.
pub const SIGN_IN_FAILED_ACTION: &str = "session.sign_in_failed";

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

fn recorded_name(username: &str) -> String {
    username
        .trim()
        .chars()
        .take(MAX_RECORDED_NAME_CHARS)
        .collect()
}

impl Store {
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
