//! Notifications that reach people (decision 0061): people's e-mail and mobile, the in-app list,
//! the outbox of e-mails and robot messages with their delivery status, reminders sent once,
//! the office's 督办 entries, and the daily lease that lets one app server run the reminders.
//!
//! A post (notifications, deliveries, the reminder key, a 督办 entry) is written in one
//! transaction with one audit row. Reading a notification, a delivery's status and the lease are
//! bookkeeping like a session's `last_seen_at`: they change no data anyone reports or reviews and
//! write no audit row (decision 0061).

use crate::Store;
use crate::audit::{self, Actor, Change};
use crate::db::{Row, args};
use crate::error::{Result, StoreError};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The longest e-mail address accepted (RFC 5321's path limit).
const MAX_EMAIL_CHARS: usize = 254;

/// Checks an e-mail address: one `@`, a local part and a domain with a dot, no spaces or angle
/// brackets. Returns the trimmed address; the message names the field and the value.
pub fn check_email(text: &str) -> Result<String> {
    let t = text.trim();
    let ok = t.chars().count() <= MAX_EMAIL_CHARS
        && t.matches('@').count() == 1
        && !t
            .chars()
            .any(|c| c.is_whitespace() || "<>()[],;:\"\\".contains(c))
        && t.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        });
    if ok {
        Ok(t.to_string())
    } else {
        Err(StoreError::InvalidInput(format!(
            "电子邮箱“{t}”格式不对：应形如 name@example.org（不超过 {MAX_EMAIL_CHARS} 个字符） (invalid e-mail address)"
        )))
    }
}

/// Checks a mobile number: 11 digits starting with 1 (mainland China), optionally written with
/// +86 and spaces or hyphens. Returns the 11 digits.
pub fn check_mobile(text: &str) -> Result<String> {
    let t = text.trim();
    let mut digits: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect::<String>();
    if let Some(rest) = digits.strip_prefix("+86") {
        digits = rest.to_string();
    }
    if digits.len() == 11 && digits.starts_with('1') && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(StoreError::InvalidInput(format!(
            "手机号码“{t}”格式不对：应为 11 位数字，以 1 开头（可带 +86） (invalid mobile number)"
        )))
    }
}

/// One in-app notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A notification to write for one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub user_id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
}

/// Where a delivery goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Webhook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Webhook => "webhook",
        }
    }
}

/// An e-mail or robot message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    pub channel: Channel,
    /// The e-mail address; for a webhook, the configured kind (wecom, dingtalk, feishu).
    pub recipient: String,
    pub kind: String,
    pub subject: String,
    pub body: String,
}

/// A delivery waiting in the outbox (or sent, or failed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub id: i64,
    pub channel: Channel,
    pub recipient: String,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// The key of a reminder that is sent at most once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderKey {
    pub kind: String,
    pub unit: planwatch_model::UnitName,
    /// `2024Q2`.
    pub period: String,
    /// The day in China time, `2024-07-12`.
    pub day: String,
}

/// The office's 督办 entry for a unit and period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSupervision {
    pub unit: planwatch_model::UnitName,
    pub period: String,
    pub note: String,
}

/// Everything one event writes, in one transaction with one audit row.
#[derive(Debug, Clone, Default)]
pub struct Post {
    /// The audit action, e.g. `notify.returned`, `notify.remind`, `supervision.create`.
    pub action: String,
    pub notifications: Vec<NewNotification>,
    pub deliveries: Vec<NewDelivery>,
    /// When set and already recorded, nothing is written and `post` returns `None`.
    pub reminder: Option<ReminderKey>,
    pub supervision: Option<NewSupervision>,
}

/// What a post wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posted {
    pub notifications: usize,
    pub deliveries: usize,
    pub supervision_id: Option<i64>,
}

fn notification(r: &Row) -> Result<Notification> {
    Ok(Notification {
        id: r.i64("id")?,
        kind: r.text("kind")?,
        title: r.text("title")?,
        body: r.text("body")?,
        link: r.text("link")?,
        created_at: r.time("created_at")?,
        read_at: r.opt_time("read_at")?,
    })
}

fn delivery(r: &Row) -> Result<Delivery> {
    Ok(Delivery {
        id: r.i64("id")?,
        channel: if r.text("channel")? == "email" {
            Channel::Email
        } else {
            Channel::Webhook
        },
        recipient: r.text("recipient")?,
        kind: r.text("kind")?,
        subject: r.text("subject")?,
        body: r.text("body")?,
        status: r.text("status")?,
        attempts: r.i64("attempts")?,
        last_error: r.opt_text("last_error")?,
    })
}

impl Store {
    /// Sets (or clears, with `None`) a user's e-mail address and mobile number, checked first.
    pub async fn set_user_contact(
        &self,
        actor: &Actor,
        username: &str,
        email: Option<&str>,
        mobile: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<crate::User> {
        let email = email
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(check_email)
            .transpose()?;
        let mobile = mobile
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(check_mobile)
            .transpose()?;
        let mut tx = self.pools.write().await?;
        let before = crate::users::require_user(&mut tx, username).await?;
        if before.email == email && before.mobile == mobile {
            return Ok(before);
        }
        tx.execute(
            "UPDATE users SET email = $1, mobile = $2, updated_at = $3 WHERE id = $4",
            args![email.clone(), mobile.clone(), now, before.id],
        )
        .await?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "user.contact",
                entity: "user",
                entity_id: before.id.to_string(),
                before: Some(serde_json::json!({
                    "username": before.username, "email": before.email, "mobile": before.mobile
                })),
                after: Some(serde_json::json!({
                    "username": before.username, "email": email, "mobile": mobile
                })),
            },
            now,
        )
        .await?;
        let after = crate::users::require_user(&mut tx, username).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The active reporters and head(s) of a unit, by username.
    pub async fn unit_people(&self, unit: &planwatch_model::UnitName) -> Result<Vec<crate::User>> {
        Ok(self
            .users()
            .await?
            .into_iter()
            .filter(|u| u.is_active() && u.unit.as_ref() == Some(unit))
            .collect())
    }

    /// Writes one event's notifications, deliveries, reminder key and 督办 entry with one audit
    /// row. A reminder already recorded writes nothing and returns `None`.
    pub async fn post(
        &self,
        actor: &Actor,
        post: &Post,
        now: DateTime<Utc>,
    ) -> Result<Option<Posted>> {
        let mut tx = self.pools.write().await?;
        let mut audit_after = serde_json::json!({
            "notifications": post.notifications.len(),
            "deliveries": post.deliveries.len(),
        });
        if let Some(key) = &post.reminder {
            let unit = crate::units::find_unit(&mut tx, &key.unit)
                .await?
                .ok_or_else(|| StoreError::UnknownUnit(key.unit.to_string()))?;
            let seen = tx
                .fetch_optional(
                    "SELECT kind FROM reminders_sent \
                     WHERE kind = $1 AND unit_id = $2 AND period = $3 AND day = $4",
                    args![
                        key.kind.as_str(),
                        unit.id,
                        key.period.as_str(),
                        key.day.as_str()
                    ],
                )
                .await?;
            if seen.is_some() {
                return Ok(None);
            }
            tx.execute(
                "INSERT INTO reminders_sent (kind, unit_id, period, day, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
                args![
                    key.kind.as_str(),
                    unit.id,
                    key.period.as_str(),
                    key.day.as_str(),
                    now
                ],
            )
            .await?;
            audit_after["reminder"] = serde_json::json!({
                "kind": key.kind, "unit": key.unit, "period": key.period, "day": key.day
            });
        }
        let mut supervision_id = None;
        if let Some(s) = &post.supervision {
            let unit = crate::units::find_unit(&mut tx, &s.unit)
                .await?
                .ok_or_else(|| StoreError::UnknownUnit(s.unit.to_string()))?;
            let id = tx
                .insert_returning_id(
                    "INSERT INTO supervisions (unit_id, period, note, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    args![
                        unit.id,
                        s.period.as_str(),
                        s.note.as_str(),
                        actor.name.as_str(),
                        now
                    ],
                )
                .await?;
            supervision_id = Some(id);
            audit_after["supervision"] = serde_json::json!({
                "id": id, "unit": s.unit, "period": s.period, "note": s.note
            });
        }
        for n in &post.notifications {
            tx.execute(
                "INSERT INTO notifications (user_id, kind, title, body, link, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                args![
                    n.user_id,
                    n.kind.as_str(),
                    n.title.as_str(),
                    n.body.as_str(),
                    n.link.as_str(),
                    now
                ],
            )
            .await?;
        }
        for d in &post.deliveries {
            tx.execute(
                "INSERT INTO notification_deliveries \
                 (channel, recipient, kind, subject, body, status, attempts, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6)",
                args![
                    d.channel.as_str(),
                    d.recipient.as_str(),
                    d.kind.as_str(),
                    d.subject.as_str(),
                    d.body.as_str(),
                    now
                ],
            )
            .await?;
        }
        let (entity, entity_id) = match (&post.supervision, &post.reminder) {
            (Some(s), _) => ("supervision", format!("{}:{}", s.unit, s.period)),
            (None, Some(k)) => ("reminder", format!("{}:{}:{}", k.kind, k.unit, k.period)),
            (None, None) => ("notification", post.action.clone()),
        };
        audit::record(
            &mut tx,
            actor,
            Change {
                action: &post.action,
                entity,
                entity_id,
                before: None,
                after: Some(audit_after),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(Posted {
            notifications: post.notifications.len(),
            deliveries: post.deliveries.len(),
            supervision_id,
        }))
    }

    /// Whether a reminder was already sent (for a dry run, which writes nothing).
    pub async fn reminder_sent(&self, key: &ReminderKey) -> Result<bool> {
        let mut tx = self.pools.read().await?;
        Ok(tx
            .fetch_optional(
                "SELECT r.kind FROM reminders_sent r JOIN units u ON u.id = r.unit_id \
                 WHERE r.kind = $1 AND u.name = $2 AND r.period = $3 AND r.day = $4",
                args![
                    key.kind.as_str(),
                    &key.unit,
                    key.period.as_str(),
                    key.day.as_str()
                ],
            )
            .await?
            .is_some())
    }

    /// A person's notifications, newest first (at most `limit`).
    pub async fn notifications(&self, user_id: i64, limit: i64) -> Result<Vec<Notification>> {
        let mut tx = self.pools.read().await?;
        tx.fetch_all(
            "SELECT id, kind, title, body, link, created_at, read_at FROM notifications \
             WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
            args![user_id, limit],
        )
        .await?
        .iter()
        .map(notification)
        .collect()
    }

    /// How many of a person's notifications are unread (one indexed statement).
    pub async fn unread_notifications(&self, user_id: i64) -> Result<i64> {
        self.pools
            .fetch_one_statement(
                "SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL",
                args![user_id],
            )
            .await?
            .i64("n")
    }

    /// Marks one notification (`Some(id)`) or all of a person's notifications read. Only the
    /// person's own rows change; returns how many changed.
    pub async fn mark_notifications_read(
        &self,
        user_id: i64,
        id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let mut tx = self.pools.write().await?;
        let n = match id {
            Some(id) => {
                tx.execute(
                    "UPDATE notifications SET read_at = $1 \
                     WHERE user_id = $2 AND id = $3 AND read_at IS NULL",
                    args![now, user_id, id],
                )
                .await?
            }
            None => {
                tx.execute(
                    "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
                    args![now, user_id],
                )
                .await?
            }
        };
        tx.commit().await?;
        Ok(n)
    }

    /// Deliveries waiting to be sent and not held by a sender or waiting to retry, oldest first.
    pub async fn pending_deliveries(
        &self,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<Delivery>> {
        let mut tx = self.pools.read().await?;
        tx.fetch_all(
            "SELECT id, channel, recipient, kind, subject, body, status, attempts, last_error \
             FROM notification_deliveries WHERE status = 'pending' \
             AND (not_before IS NULL OR not_before <= $1) ORDER BY id LIMIT $2",
            args![now, limit],
        )
        .await?
        .iter()
        .map(delivery)
        .collect()
    }

    /// Claims a pending delivery for one attempt, held until `hold_until`: true for the one
    /// sender that gets it (a conditional update), false for any other.
    pub async fn claim_delivery(
        &self,
        id: i64,
        now: DateTime<Utc>,
        hold_until: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.pools.write().await?;
        let n = tx
            .execute(
                "UPDATE notification_deliveries SET attempts = attempts + 1, not_before = $1 \
                 WHERE id = $2 AND status = 'pending' AND (not_before IS NULL OR not_before <= $3)",
                args![hold_until, id, now],
            )
            .await?;
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Every delivery, newest first (for tests and the office's checks).
    pub async fn deliveries(&self, limit: i64) -> Result<Vec<Delivery>> {
        let mut tx = self.pools.read().await?;
        tx.fetch_all(
            "SELECT id, channel, recipient, kind, subject, body, status, attempts, last_error \
             FROM notification_deliveries ORDER BY id DESC LIMIT $1",
            args![limit],
        )
        .await?
        .iter()
        .map(delivery)
        .collect()
    }

    /// Records the outcome of a claimed attempt: sent, or an error. After `max_attempts`
    /// attempts the delivery is `failed`; before, it waits until `retry_at`.
    pub async fn record_delivery(
        &self,
        id: i64,
        outcome: std::result::Result<(), String>,
        max_attempts: i64,
        retry_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pools.write().await?;
        match outcome {
            Ok(()) => {
                tx.execute(
                    "UPDATE notification_deliveries SET status = 'sent', sent_at = $1, \
                     last_error = NULL, not_before = NULL WHERE id = $2",
                    args![now, id],
                )
                .await?
            }
            Err(e) => {
                let e: String = e.chars().take(500).collect();
                tx.execute(
                    "UPDATE notification_deliveries SET last_error = $1, not_before = $2, \
                     status = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'pending' END \
                     WHERE id = $4",
                    args![e, retry_at, max_attempts, id],
                )
                .await?
            }
        };
        tx.commit().await?;
        Ok(())
    }

    /// Takes the lease of the daily job `name` for `day` (China time, `2024-07-12`): true for the
    /// one caller that takes it, false for every other caller that day, whichever server it runs
    /// on. One conditional statement: an insert of the first lease, or an update of the lease of
    /// an earlier day.
    pub async fn take_daily_lease(
        &self,
        name: &str,
        day: &str,
        holder: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.pools.write().await?;
        let n = tx
            .execute(
                "INSERT INTO scheduler_leases (name, day, holder, taken_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (name) DO UPDATE SET day = excluded.day, holder = excluded.holder, \
                 taken_at = excluded.taken_at WHERE scheduler_leases.day < excluded.day",
                args![name, day, holder, now],
            )
            .await?;
        tx.commit().await?;
        Ok(n == 1)
    }
}
