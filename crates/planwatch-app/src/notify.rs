//! Notifications that reach people (issue 15 item 2, decision 0061): what happened, to whom, in
//! which words. Every event becomes in-app notifications for the people concerned, e-mails to
//! those with an address (when `PLANWATCH_SMTP_URL` is set) and one group-robot message (when
//! `PLANWATCH_WEBHOOK_URL` is set), written to the store's outbox in one transaction. Sending is
//! the adapters' job (`planwatch_web::deliver`), in the background: no request waits for a mail
//! server.
//!
//! Workflow events reach this module in one place, [`on_transition`], called where the app layer
//! stores `workflow::apply` results; reminders come from [`remind`] (the command and the
//! server's daily schedule); 催办 from [`urge`].

use crate::error::{AppError, Caller};
use crate::policy::Permission;
use crate::reporting::{self, Context};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use planwatch_model::{Quarter, Role, UnitName};
use planwatch_quarterly::DueState;
use planwatch_quarterly::period::cst_from_utc;
use planwatch_quarterly::workflow::{ActionKind, WorkflowEvent};
use planwatch_store::{
    Actor, Channel, NewDelivery, NewNotification, NewSupervision, Post, ReminderKey, Store, User,
};
use std::collections::BTreeMap;
use std::fmt;

/// The default public address links point to.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";
/// Days before the deadline a reminder goes out, by default.
pub const DEFAULT_DAYS_BEFORE: i64 = 3;
/// The longest 催办 note accepted.
pub const MAX_URGE_NOTE_CHARS: usize = 500;

/// The group robot's platform, which decides the JSON it expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookKind {
    /// 企业微信群机器人.
    Wecom,
    /// 钉钉群机器人.
    Dingtalk,
    /// 飞书群机器人.
    Feishu,
}

impl WebhookKind {
    pub fn parse(s: &str) -> Option<WebhookKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "wecom" | "wechat-work" | "qywx" => Some(WebhookKind::Wecom),
            "dingtalk" | "dingding" => Some(WebhookKind::Dingtalk),
            "feishu" | "lark" => Some(WebhookKind::Feishu),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookKind::Wecom => "wecom",
            WebhookKind::Dingtalk => "dingtalk",
            WebhookKind::Feishu => "feishu",
        }
    }

    /// The text message body the platform's robot API takes.
    pub fn payload(self, text: &str) -> serde_json::Value {
        match self {
            WebhookKind::Wecom | WebhookKind::Dingtalk => {
                serde_json::json!({"msgtype": "text", "text": {"content": text}})
            }
            WebhookKind::Feishu => {
                serde_json::json!({"msg_type": "text", "content": {"text": text}})
            }
        }
    }
}

/// Where and how notifications go, from the environment.
#[derive(Clone, PartialEq, Eq)]
pub struct NotifyConfig {
    /// The address people open links at (`PLANWATCH_PUBLIC_URL`), without a trailing slash.
    pub public_url: String,
    /// Days before a deadline the reminder goes out (`PLANWATCH_REMIND_DAYS`).
    pub days_before: i64,
    /// `PLANWATCH_SMTP_URL`: smtp://host:25, smtp://host:587 (STARTTLS), smtps://user:pass@host:465.
    pub smtp_url: Option<String>,
    /// `PLANWATCH_SMTP_FROM`.
    pub smtp_from: String,
    /// `PLANWATCH_WEBHOOK_URL` and `PLANWATCH_WEBHOOK_KIND`.
    pub webhook: Option<(String, WebhookKind)>,
    /// `PLANWATCH_REMIND_AT`, China time.
    pub remind_at: NaiveTime,
    /// Whether `planwatch serve` sends the daily reminders: when `PLANWATCH_REMIND_AT` is set,
    /// or e-mail or a robot is configured; never with `PLANWATCH_REMIND_AT=off`.
    pub scheduled: bool,
}

impl fmt::Debug for NotifyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The SMTP URL may carry a password: never printed.
        f.debug_struct("NotifyConfig")
            .field("public_url", &self.public_url)
            .field("days_before", &self.days_before)
            .field("smtp", &self.smtp_url.as_ref().map(|_| "***"))
            .field("smtp_from", &self.smtp_from)
            .field("webhook", &self.webhook.as_ref().map(|w| w.1))
            .field("remind_at", &self.remind_at)
            .field("scheduled", &self.scheduled)
            .finish()
    }
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            public_url: DEFAULT_PUBLIC_URL.to_string(),
            days_before: DEFAULT_DAYS_BEFORE,
            smtp_url: None,
            smtp_from: "PlanWatch <planwatch@localhost>".to_string(),
            webhook: None,
            remind_at: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
            scheduled: false,
        }
    }
}

impl NotifyConfig {
    /// Reads the settings from the environment; a bad value is an error naming the variable.
    pub fn from_env() -> Result<NotifyConfig, AppError> {
        Self::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads the settings through `get` (the environment, or a test's map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<NotifyConfig, AppError> {
        let mut c = NotifyConfig::default();
        let bad = |var: &str, v: &str, want: &str| {
            AppError::Refused(format!("环境变量 {var}=“{v}”不对：{want}"))
        };
        if let Some(v) = get("PLANWATCH_PUBLIC_URL") {
            let t = v.trim().trim_end_matches('/');
            if !(t.starts_with("http://") || t.starts_with("https://")) || t.contains(' ') {
                return Err(bad(
                    "PLANWATCH_PUBLIC_URL",
                    &v,
                    "应以 http:// 或 https:// 开头",
                ));
            }
            c.public_url = t.to_string();
        }
        if let Some(v) = get("PLANWATCH_REMIND_DAYS") {
            c.days_before = v
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=60).contains(n))
                .ok_or_else(|| {
                    bad(
                        "PLANWATCH_REMIND_DAYS",
                        &v,
                        "应为 0–60 的整数（截止前几天提醒）",
                    )
                })?;
        }
        if let Some(v) = get("PLANWATCH_SMTP_URL") {
            let t = v.trim();
            if !(t.starts_with("smtp://") || t.starts_with("smtps://")) {
                // The value may hold a password: name only its scheme.
                let scheme = t.split("://").next().unwrap_or("");
                return Err(AppError::Refused(format!(
                    "环境变量 PLANWATCH_SMTP_URL 的协议“{scheme}”不对：应为 smtp://主机:25 或 smtps://用户:密码@主机:465"
                )));
            }
            c.smtp_url = Some(t.to_string());
        }
        if let Some(v) = get("PLANWATCH_SMTP_FROM") {
            if !v.contains('@') {
                return Err(bad(
                    "PLANWATCH_SMTP_FROM",
                    &v,
                    "应为发件地址，如 PlanWatch <planwatch@example.org>",
                ));
            }
            c.smtp_from = v.trim().to_string();
        }
        if let Some(url) = get("PLANWATCH_WEBHOOK_URL") {
            let t = url.trim();
            if !(t.starts_with("http://") || t.starts_with("https://")) {
                return Err(bad(
                    "PLANWATCH_WEBHOOK_URL",
                    "…",
                    "应以 http:// 或 https:// 开头",
                ));
            }
            let kind_text = get("PLANWATCH_WEBHOOK_KIND").unwrap_or_default();
            let kind = WebhookKind::parse(&kind_text).ok_or_else(|| {
                bad(
                    "PLANWATCH_WEBHOOK_KIND",
                    &kind_text,
                    "设置了 PLANWATCH_WEBHOOK_URL 时须指定 wecom（企业微信）、dingtalk（钉钉）或 feishu（飞书）",
                )
            })?;
            c.webhook = Some((t.to_string(), kind));
        }
        c.scheduled = c.smtp_url.is_some() || c.webhook.is_some();
        if let Some(v) = get("PLANWATCH_REMIND_AT") {
            if v.trim().eq_ignore_ascii_case("off") {
                c.scheduled = false;
            } else {
                c.remind_at = NaiveTime::parse_from_str(v.trim(), "%H:%M").map_err(|_| {
                    bad(
                        "PLANWATCH_REMIND_AT",
                        &v,
                        "应为北京时间 时:分，如 09:00，或 off（不定时发送）",
                    )
                })?;
                c.scheduled = true;
            }
        }
        Ok(c)
    }

    /// The absolute address of a path in the app.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.public_url, path)
    }
}

/// The settings of this process when `planwatch serve` set them (from its flags and the
/// environment); otherwise they are read from the environment on each use.
static PROCESS_CONFIG: std::sync::OnceLock<NotifyConfig> = std::sync::OnceLock::new();

/// Sets this process's notification settings once (the server, at start).
pub fn configure(cfg: NotifyConfig) {
    let _ = PROCESS_CONFIG.set(cfg);
}

/// This process's notification settings: those `configure` set, else the environment's.
pub fn config() -> Result<NotifyConfig, AppError> {
    match PROCESS_CONFIG.get() {
        Some(c) => Ok(c.clone()),
        None => NotifyConfig::from_env(),
    }
}

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    DeadlineSoon,
    Overdue,
    Returned,
    AwaitingApproval,
    Accepted,
    Urged,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::DeadlineSoon,
        Kind::Overdue,
        Kind::Returned,
        Kind::AwaitingApproval,
        Kind::Accepted,
        Kind::Urged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::DeadlineSoon => "deadline_soon",
            Kind::Overdue => "overdue",
            Kind::Returned => "returned",
            Kind::AwaitingApproval => "awaiting_approval",
            Kind::Accepted => "accepted",
            Kind::Urged => "urged",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Kind::DeadlineSoon => "临近截止",
            Kind::Overdue => "逾期未报",
            Kind::Returned => "退回修改",
            Kind::AwaitingApproval => "待负责人审核",
            Kind::Accepted => "已采纳",
            Kind::Urged => "催办",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Who is told: the unit's head for an approval, its reporters and head otherwise.
    fn for_role(self, role: Role) -> bool {
        match self {
            Kind::AwaitingApproval => role == Role::UnitHead,
            _ => matches!(role, Role::Reporter | Role::UnitHead),
        }
    }
}

/// One message about one unit's report for one period, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Message {
    pub kind: Kind,
    pub unit: UnitName,
    pub period: Quarter,
    pub deadline: NaiveDate,
    pub title: String,
    pub body: String,
    /// The app path (`/reports/…`), for the in-app list.
    pub path: String,
    /// The absolute link, in e-mails and robot messages.
    pub link: String,
}

impl Message {
    /// The message as one text (e-mail body, robot message).
    pub fn text(&self) -> String {
        format!("{}\n\n{}\n\n办理链接：{}", self.title, self.body, self.link)
    }
}

/// The app path of a unit's report for a period (`/reports/{unit id}/2024Q2`, the report page).
pub async fn report_path(store: &Store, unit: &UnitName, q: Quarter) -> Result<String, AppError> {
    let u = store
        .unit_by_name(unit)
        .await?
        .ok_or_else(|| AppError::Refused(format!("单位“{unit}”不存在")))?;
    Ok(format!("/reports/{}/{q}", u.id))
}

fn date_zh(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// Builds the message of `kind` for a unit and period; `path` is the report page
/// ([`report_path`]). `today` is China's date; `extra` is the return comment or the 催办 note.
#[allow(clippy::too_many_arguments)]
pub fn message(
    cfg: &NotifyConfig,
    kind: Kind,
    unit: &UnitName,
    q: Quarter,
    path: String,
    deadline: NaiveDate,
    today: NaiveDate,
    extra: Option<&str>,
) -> Message {
    let period = q.label_zh();
    let dl = date_zh(deadline);
    let days = (deadline - today).num_days();
    let (title, body) = match kind {
        Kind::DeadlineSoon => (
            format!("【填报提醒】{unit}{period}报告将于{dl}截止"),
            format!(
                "{unit}：{period}的季度报告报送截止日期为{dl}（{}），目前尚未报送。请及时填报，经单位负责人审核后报送。",
                if days <= 0 {
                    "今天截止".to_string()
                } else {
                    format!("还有 {days} 天")
                }
            ),
        ),
        Kind::Overdue => (
            format!("【逾期提醒】{unit}{period}报告已逾期"),
            format!(
                "{unit}：{period}的季度报告报送截止日期为{dl}，已逾期 {} 天，目前尚未报送。请尽快填报并报送。",
                -days
            ),
        ),
        Kind::Returned => (
            format!("【退回修改】{unit}{period}报告被退回"),
            format!(
                "{unit}：{period}的季度报告（截止日期{dl}）已被牵头办公室退回，请按意见修改后重新报送。\n退回意见：{}",
                extra.unwrap_or("（未填写）")
            ),
        ),
        Kind::AwaitingApproval => (
            format!("【待审核】{unit}{period}报告待负责人审核"),
            format!(
                "{unit}：{period}的季度报告已填写完毕，等待单位负责人审核后报送（截止日期{dl}）。"
            ),
        ),
        Kind::Accepted => (
            format!("【已采纳】{unit}{period}报告已采纳"),
            format!("{unit}：{period}的季度报告（截止日期{dl}）已被牵头办公室采纳。"),
        ),
        Kind::Urged => (
            format!("【催办】{unit}{period}报告请尽快报送"),
            format!(
                "{unit}：牵头办公室督办{period}季度报告（截止日期{dl}{}）。{}",
                if days < 0 {
                    format!("，已逾期 {} 天", -days)
                } else {
                    String::new()
                },
                extra
                    .map(|n| format!("\n督办意见：{n}"))
                    .unwrap_or_default()
            ),
        ),
    };
    Message {
        kind,
        unit: unit.clone(),
        period: q,
        deadline,
        title,
        body,
        link: cfg.link(&path),
        path,
    }
}

/// The people told about a unit's message.
async fn recipients(store: &Store, kind: Kind, unit: &UnitName) -> Result<Vec<User>, AppError> {
    Ok(store
        .unit_people(unit)
        .await?
        .into_iter()
        .filter(|u| kind.for_role(u.role))
        .collect())
}

/// The post for one message: a notification per person, an e-mail per address (with SMTP
/// configured), one robot message (with a webhook configured).
fn post_for(cfg: &NotifyConfig, msg: &Message, people: &[User]) -> Post {
    let mut post = Post {
        action: format!("notify.{}", msg.kind.as_str()),
        ..Post::default()
    };
    for u in people {
        post.notifications.push(NewNotification {
            user_id: u.id,
            kind: msg.kind.as_str().to_string(),
            title: msg.title.clone(),
            body: msg.body.clone(),
            link: msg.path.clone(),
        });
        if cfg.smtp_url.is_some()
            && let Some(email) = &u.email
        {
            post.deliveries.push(NewDelivery {
                channel: Channel::Email,
                recipient: email.clone(),
                kind: msg.kind.as_str().to_string(),
                subject: msg.title.clone(),
                body: msg.text(),
            });
        }
    }
    if let Some((_, kind)) = &cfg.webhook {
        post.deliveries.push(NewDelivery {
            channel: Channel::Webhook,
            recipient: kind.as_str().to_string(),
            kind: msg.kind.as_str().to_string(),
            subject: msg.title.clone(),
            body: msg.text(),
        });
    }
    post
}

/// Wakes the server's sender after something was posted (no-op without one).
static SENDER_WAKE: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Tells the background sender there is something in the outbox.
pub fn wake_sender() {
    SENDER_WAKE.notify_one();
}

/// Waits until something is posted (the background sender).
pub async fn posted() {
    SENDER_WAKE.notified().await;
}

/// Posts a message to a unit's people. Returns how many people were told.
async fn post_message(
    store: &Store,
    cfg: &NotifyConfig,
    actor: &Actor,
    msg: &Message,
    mut post_extra: impl FnMut(&mut Post),
    now: DateTime<Utc>,
) -> Result<Option<planwatch_store::Posted>, AppError> {
    let people = recipients(store, msg.kind, &msg.unit).await?;
    let mut post = post_for(cfg, msg, &people);
    post_extra(&mut post);
    let posted = store.post(actor, &post, now).await?;
    if posted.is_some_and(|p| p.deliveries > 0) {
        wake_sender();
    }
    Ok(posted)
}

/// The message a stored workflow step calls for, if any.
fn kind_of(ev: &WorkflowEvent) -> Option<Kind> {
    match ev.action {
        ActionKind::Return | ActionKind::Reopen => Some(Kind::Returned),
        ActionKind::Accept => Some(Kind::Accepted),
        // The head's turn: the reporter asked for approval.
        ActionKind::RequestApproval => Some(Kind::AwaitingApproval),
        _ => None,
    }
}

/// Tells people about workflow steps just stored for a unit's report — returned (with the
/// comment), accepted, awaiting the head's approval. Called once per stored change by the app
/// layer, whichever adapter made it. The change is already committed: a failure here is logged,
/// never turned into a failure of the change.
pub async fn on_transition(
    store: &Store,
    ctx: &Context,
    actor: &Actor,
    unit: &UnitName,
    q: Quarter,
    steps: &[WorkflowEvent],
    now: DateTime<Utc>,
) {
    let Some((ev, kind)) = steps
        .iter()
        .rev()
        .find_map(|ev| kind_of(ev).map(|k| (ev, k)))
    else {
        return;
    };
    let cfg = match config() {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("通知设置有误，只发站内通知：{e}");
            NotifyConfig::default()
        }
    };
    let deadline = match ctx.period(q) {
        Ok(p) => p.deadline_for(unit),
        Err(e) => {
            tracing::warn!("无法通知 {unit} {q}：{e:#}");
            return;
        }
    };
    let today = cst_from_utc(now).date();
    let path = match report_path(store, unit, q).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!("无法通知 {unit} {q}：{e}");
            return;
        }
    };
    let msg = message(
        &cfg,
        kind,
        unit,
        q,
        path,
        deadline,
        today,
        ev.comment.as_deref(),
    );
    if let Err(e) = post_message(store, &cfg, actor, &msg, |_| {}, now).await {
        tracing::warn!("无法保存通知（{} {unit} {q}）：{e}", kind.as_str());
    }
}

/// What `remind` found and did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RemindOutcome {
    /// Messages per kind (one per unit).
    pub messages: BTreeMap<Kind, usize>,
    /// In-app notifications, e-mails and robot messages written.
    pub notifications: usize,
    pub emails: usize,
    pub webhooks: usize,
    /// Reminders already sent today (not sent again).
    pub already_sent: usize,
    /// The messages (all of them for a dry run; those sent otherwise).
    pub sent: Vec<Message>,
}

/// The reminders due now for a period: units that have not submitted, `days_before` days or
/// fewer before their deadline (临近截止), or after it (逾期未报). Each (kind, unit, period, day)
/// is sent once; a dry run writes nothing and lists what would be sent.
pub async fn remind(
    store: &Store,
    ctx: &Context,
    cfg: &NotifyConfig,
    actor: &Actor,
    q: Quarter,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<RemindOutcome, AppError> {
    let lines = reporting::due(store, ctx, q, now).await?;
    let today = cst_from_utc(now).date();
    let mut out = RemindOutcome::default();
    for line in lines {
        let days = (line.deadline - today).num_days();
        let kind = match line.due.state {
            DueState::NotStarted | DueState::Draft if days <= cfg.days_before => Kind::DeadlineSoon,
            DueState::Missing => Kind::Overdue,
            _ => continue,
        };
        let key = ReminderKey {
            kind: kind.as_str().to_string(),
            unit: line.unit.clone(),
            period: q.to_string(),
            day: today.to_string(),
        };
        let path = report_path(store, &line.unit, q).await?;
        let msg = message(cfg, kind, &line.unit, q, path, line.deadline, today, None);
        if dry_run {
            if store.reminder_sent(&key).await? {
                out.already_sent += 1;
                continue;
            }
            let people = recipients(store, kind, &line.unit).await?;
            count(&mut out, &post_for(cfg, &msg, &people));
            *out.messages.entry(kind).or_default() += 1;
            out.sent.push(msg);
            continue;
        }
        let people = recipients(store, kind, &line.unit).await?;
        let mut post = post_for(cfg, &msg, &people);
        post.reminder = Some(key);
        match store.post(actor, &post, now).await? {
            Some(_) => {
                count(&mut out, &post);
                *out.messages.entry(kind).or_default() += 1;
                out.sent.push(msg);
            }
            None => out.already_sent += 1,
        }
    }
    if out.emails + out.webhooks > 0 && !dry_run {
        wake_sender();
    }
    Ok(out)
}

fn count(out: &mut RemindOutcome, post: &Post) {
    out.notifications += post.notifications.len();
    for d in &post.deliveries {
        match d.channel {
            Channel::Email => out.emails += 1,
            Channel::Webhook => out.webhooks += 1,
        }
    }
}

/// Which units the office chases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrgeTarget {
    One(UnitName),
    /// Every unit whose report is overdue (逾期未报) or not yet submitted after the deadline.
    AllLate,
}

/// 催办: the office chases units for a period's report. Each unit gets a 督办 entry (with its
/// audit row) and a message to its reporters and head. Returns the units chased.
#[allow(clippy::too_many_arguments)]
pub async fn urge(
    store: &Store,
    ctx: &Context,
    cfg: &NotifyConfig,
    caller: Caller<'_>,
    target: UrgeTarget,
    q: Quarter,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Vec<UnitName>, AppError> {
    let (actor, wf) = caller.actors(store, Role::Office, None).await?;
    crate::error::require(wf.role, Permission::ReviewReports)?;
    let note = note.trim();
    if note.chars().count() > MAX_URGE_NOTE_CHARS {
        return Err(AppError::Refused(format!(
            "督办意见最多 {MAX_URGE_NOTE_CHARS} 个字（现为 {} 个）",
            note.chars().count()
        )));
    }
    let lines = reporting::due(store, ctx, q, now).await?;
    let chosen: Vec<_> = match &target {
        UrgeTarget::One(unit) => {
            let line = lines.iter().find(|l| &l.unit == unit).ok_or_else(|| {
                AppError::Refused(format!("“{unit}”在{}没有需要报送的内容", q.label_zh()))
            })?;
            vec![line]
        }
        UrgeTarget::AllLate => lines
            .iter()
            .filter(|l| l.due.state == DueState::Missing)
            .collect(),
    };
    let today = cst_from_utc(now).date();
    let mut done = Vec::new();
    for line in chosen {
        let msg = message(
            cfg,
            Kind::Urged,
            &line.unit,
            q,
            report_path(store, &line.unit, q).await?,
            line.deadline,
            today,
            Some(note).filter(|n| !n.is_empty()),
        );
        let supervision = NewSupervision {
            unit: line.unit.clone(),
            period: q.to_string(),
            note: if note.is_empty() {
                "催办".to_string()
            } else {
                note.to_string()
            },
        };
        post_message(
            store,
            cfg,
            &actor,
            &msg,
            |p| {
                p.action = "supervision.urge".to_string();
                p.supervision = Some(supervision.clone());
            },
            now,
        )
        .await?;
        done.push(line.unit.clone());
    }
    Ok(done)
}

/// The number of unread notifications of a person (for the navigation).
pub async fn unread_count(store: &Store, user: &User) -> Result<i64, AppError> {
    Ok(store.unread_notifications(user.id).await?)
}

/// A person's notifications, newest first.
pub async fn list(
    store: &Store,
    user: &User,
    limit: i64,
) -> Result<Vec<planwatch_store::Notification>, AppError> {
    Ok(store.notifications(user.id, limit.clamp(1, 500)).await?)
}

/// Marks one (`Some(id)`) or all of a person's notifications read.
pub async fn mark_read(
    store: &Store,
    user: &User,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    Ok(store.mark_notifications_read(user.id, id, now).await?)
}

/// The day the daily reminder job is due to run at `now`, when it is: the China date once the
/// configured time of day has passed.
pub fn schedule_day(cfg: &NotifyConfig, now: DateTime<Utc>) -> Option<NaiveDate> {
    let local = cst_from_utc(now);
    (local.time() >= cfg.remind_at).then(|| local.date())
}

/// The periods whose reminders are due around `today`: every period with a deadline from
/// `days_before` days ahead back to 92 days ago (overdue reports are chased for a quarter).
pub fn periods_to_remind(ctx: &Context, cfg: &NotifyConfig, today: NaiveDate) -> Vec<Quarter> {
    ctx.periods
        .iter()
        .filter(|p| {
            let d = (p.deadline - today).num_days();
            d <= cfg.days_before && d >= -92
        })
        .map(|p| p.quarter)
        .collect()
}
