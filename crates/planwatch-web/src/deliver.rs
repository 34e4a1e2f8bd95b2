//! Sends the outbox (decision 0061): e-mails through the SMTP server of `PLANWATCH_SMTP_URL`
//! (lettre, rustls) and group-robot messages to `PLANWATCH_WEBHOOK_URL` (hyper's client, rustls)
//! in the platform's JSON. Each attempt has a time limit; a delivery is claimed in the store
//! before it is sent, so several app servers never send it twice; failures are recorded with
//! their error and retried later, up to [`MAX_ATTEMPTS`]. Nothing here runs in a request: the
//! server runs [`run_sender`] in the background, the command line calls [`flush`].

use axum::body::Body;
use chrono::{DateTime, Utc};
use planwatch_app::notify::{NotifyConfig, WebhookKind};
use planwatch_store::{Channel, Delivery, Store};
use std::sync::Arc;
use std::time::Duration;

/// Attempts before a delivery is given up as failed.
pub const MAX_ATTEMPTS: i64 = 5;
/// The time limit of one attempt (connect, TLS, send, answer).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);
/// The most of a robot's answer read.
const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// Deliveries sent per round.
const BATCH: i64 = 100;

/// What one round sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flushed {
    pub sent: usize,
    pub failed: usize,
}

/// Sends every pending delivery once (those due now). Errors of single deliveries are recorded
/// on them; only a store error ends the round early.
pub async fn flush(store: &Store, cfg: &NotifyConfig) -> anyhow::Result<Flushed> {
    let mut out = Flushed::default();
    let now = Utc::now();
    let pending = store.pending_deliveries(BATCH, now).await?;
    let mailer = match &cfg.smtp_url {
        Some(url) => Some(Arc::new(mailer(url)?)),
        None => None,
    };
    for d in pending {
        let now = Utc::now();
        let hold = now + chrono::Duration::from_std(ATTEMPT_TIMEOUT * 2)?;
        if !store.claim_delivery(d.id, now, hold).await? {
            continue;
        }
        let result =
            match tokio::time::timeout(ATTEMPT_TIMEOUT, send_one(cfg, mailer.as_deref(), &d)).await
            {
                Ok(r) => r,
                Err(_) => Err(format!("超时（{} 秒）", ATTEMPT_TIMEOUT.as_secs())),
            };
        let now = Utc::now();
        match &result {
            Ok(()) => out.sent += 1,
            Err(e) => {
                out.failed += 1;
                tracing::warn!(
                    "通知发送失败（{} #{} 第 {} 次）：{e}",
                    d.channel.as_str(),
                    d.id,
                    d.attempts + 1
                );
            }
        }
        store
            .record_delivery(
                d.id,
                result,
                MAX_ATTEMPTS,
                retry_at(now, d.attempts + 1),
                now,
            )
            .await?;
    }
    Ok(out)
}

/// When a failed delivery is tried again: 1, 2, 4, 8 … minutes after the failure.
fn retry_at(now: DateTime<Utc>, attempts: i64) -> DateTime<Utc> {
    now + chrono::Duration::minutes(1i64 << attempts.clamp(1, 8).saturating_sub(1))
}

/// The server's background work; [`Background::stop`] ends it (so that the store can be closed).
pub struct Background(Vec<tokio::task::JoinHandle<()>>);

impl Background {
    /// Ends the tasks and waits until they have let go of the state.
    pub async fn stop(self) {
        for h in &self.0 {
            h.abort();
        }
        for h in self.0 {
            let _ = h.await;
        }
    }
}

/// Starts the server's background work: the sender and the daily reminders.
pub fn spawn_background(state: &crate::AppState, cfg: NotifyConfig) -> Background {
    let mut tasks = vec![tokio::spawn(run_sender(state.clone(), cfg.clone()))];
    if cfg.scheduled {
        tasks.push(tokio::spawn(run_scheduler(state.clone(), cfg)));
    }
    Background(tasks)
}

/// The server's sender: a round now, then whenever something is posted, and every 30 seconds
/// (retries, and posts from other servers or the command line). Never ends; errors are logged.
pub async fn run_sender(state: crate::AppState, cfg: NotifyConfig) {
    loop {
        if let Err(e) = flush(state.store(), &cfg).await {
            tracing::warn!("通知发送轮次出错：{e:#}");
        }
        tokio::select! {
            () = planwatch_app::notify::posted() => {}
            () = tokio::time::sleep(Duration::from_secs(30)) => {}
        }
    }
}

/// The lease name of the daily reminders.
pub const REMIND_LEASE: &str = "remind";

/// The daily reminders: once a minute, when China's clock has passed `PLANWATCH_REMIND_AT`,
/// the server that takes today's lease (one of several on one PostgreSQL) sends the reminders
/// of every period whose deadline is near or past.
pub async fn run_scheduler(state: crate::AppState, cfg: NotifyConfig) {
    let holder = format!(
        "{}:{}",
        std::env::var("HOSTNAME").unwrap_or_else(|_| "server".to_string()),
        std::process::id()
    );
    loop {
        if let Err(e) = scheduled_round(&state, &cfg, &holder).await {
            tracing::warn!("定时提醒出错：{e:#}");
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}

/// One check of the schedule; returns the periods reminded (empty when not due or not ours).
pub async fn scheduled_round(
    state: &crate::AppState,
    cfg: &NotifyConfig,
    holder: &str,
) -> anyhow::Result<Vec<planwatch_model::Quarter>> {
    let now = Utc::now();
    let Some(day) = planwatch_app::notify::schedule_day(cfg, now) else {
        return Ok(Vec::new());
    };
    let store = state.store();
    if !store
        .take_daily_lease(REMIND_LEASE, &day.to_string(), holder, now)
        .await?
    {
        return Ok(Vec::new());
    }
    let ctx = crate::reporting::context(state, "system:reminders", now)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let actor = planwatch_store::Actor::user("system:reminders");
    let periods = planwatch_app::notify::periods_to_remind(&ctx, cfg, day);
    for q in &periods {
        let out = planwatch_app::notify::remind(store, &ctx, cfg, &actor, *q, false, now).await?;
        tracing::info!(
            period = %q,
            notifications = out.notifications,
            emails = out.emails,
            webhooks = out.webhooks,
            "定时提醒已发送"
        );
    }
    Ok(periods)
}

type Mailer = lettre::AsyncSmtpTransport<lettre::Tokio1Executor>;

fn mailer(url: &str) -> anyhow::Result<Mailer> {
    Ok(Mailer::from_url(url)
        .map_err(|e| {
            anyhow::anyhow!("PLANWATCH_SMTP_URL 无法使用：{e}（应为 smtp://主机:25 或 smtps://用户:密码@主机:465）")
        })?
        .timeout(Some(ATTEMPT_TIMEOUT))
        .build())
}

async fn send_one(cfg: &NotifyConfig, mailer: Option<&Mailer>, d: &Delivery) -> Result<(), String> {
    match d.channel {
        Channel::Email => {
            let mailer = mailer.ok_or("未设置 PLANWATCH_SMTP_URL")?;
            send_mail(mailer, &cfg.smtp_from, d).await
        }
        Channel::Webhook => {
            let (url, kind) = cfg.webhook.as_ref().ok_or("未设置 PLANWATCH_WEBHOOK_URL")?;
            let kind = WebhookKind::parse(&d.recipient).unwrap_or(*kind);
            post_webhook(url, kind, &d.body).await
        }
    }
}

async fn send_mail(mailer: &Mailer, from: &str, d: &Delivery) -> Result<(), String> {
    use lettre::AsyncTransport as _;
    let msg = lettre::Message::builder()
        .from(
            from.parse()
                .map_err(|e| format!("发件地址“{from}”不对：{e}"))?,
        )
        .to(d
            .recipient
            .parse()
            .map_err(|e| format!("收件地址“{}”不对：{e}", d.recipient))?)
        .subject(d.subject.clone())
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(d.body.clone())
        .map_err(|e| format!("邮件无法生成：{e}"))?;
    mailer
        .send(msg)
        .await
        .map(|_| ())
        .map_err(|e| format!("SMTP：{e}"))
}

/// The parts of an http(s) URL a robot is reached at.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    tls: bool,
    host: String,
    port: u16,
    path: String,
}

fn parse_url(url: &str) -> Result<Target, String> {
    let (tls, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = url.strip_prefix("http://") {
        (false, r)
    } else {
        return Err("PLANWATCH_WEBHOOK_URL 应以 http:// 或 https:// 开头".to_string());
    };
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let path = if path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_string()
    };
    if authority.contains('@') || authority.is_empty() {
        return Err("PLANWATCH_WEBHOOK_URL 的主机部分不对".to_string());
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') || h.ends_with(']') => (
            h.trim_start_matches('[').trim_end_matches(']').to_string(),
            p.parse::<u16>()
                .map_err(|_| format!("PLANWATCH_WEBHOOK_URL 的端口“{p}”不对"))?,
        ),
        _ => (
            authority
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
            if tls { 443 } else { 80 },
        ),
    };
    Ok(Target {
        tls,
        host,
        port,
        path,
    })
}

trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

async fn connect(t: &Target) -> Result<Box<dyn Io>, String> {
    let tcp = tokio::net::TcpStream::connect((t.host.as_str(), t.port))
        .await
        .map_err(|e| format!("无法连接 {}:{}：{e}", t.host, t.port))?;
    if !t.tls {
        return Ok(Box::new(tcp));
    }
    use tokio_rustls::rustls;
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS 设置失败：{e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(t.host.clone())
        .map_err(|e| format!("主机名“{}”不对：{e}", t.host))?;
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| format!("TLS 握手失败（{}）：{e}", t.host))?;
    Ok(Box::new(tls))
}

/// Posts one text message to a group robot and checks its answer: HTTP 2xx and, in the JSON,
/// `errcode` (企业微信, 钉钉) or `code` (飞书) 0 when present.
pub async fn post_webhook(url: &str, kind: WebhookKind, text: &str) -> Result<(), String> {
    let t = parse_url(url)?;
    let io = connect(&t).await?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(io))
            .await
            .map_err(|e| format!("HTTP 握手失败：{e}"))?;
    let driver = tokio::spawn(async move {
        let _ = conn.await;
    });
    let host_header = if (t.tls && t.port == 443) || (!t.tls && t.port == 80) {
        t.host.clone()
    } else {
        format!("{}:{}", t.host, t.port)
    };
    let body = kind.payload(text).to_string();
    let req = axum::http::Request::post(&t.path)
        .header("host", host_header)
        .header("content-type", "application/json; charset=utf-8")
        .header("user-agent", "planwatch")
        .body(Body::from(body))
        .map_err(|e| format!("请求无法生成：{e}"))?;
    let result = async {
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| format!("HTTP 请求失败：{e}"))?;
        let status = resp.status();
        let bytes = axum::body::to_bytes(Body::new(resp.into_body()), MAX_ANSWER_BYTES)
            .await
            .map_err(|e| format!("回复无法读取：{e}"))?;
        if !status.is_success() {
            return Err(format!(
                "HTTP {status}：{}",
                String::from_utf8_lossy(&bytes)
            ));
        }
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
            let code = v
                .get("errcode")
                .or_else(|| v.get("code"))
                .and_then(serde_json::Value::as_i64);
            if let Some(c) = code.filter(|c| *c != 0) {
                return Err(format!(
                    "机器人拒收（代码 {c}）：{}",
                    String::from_utf8_lossy(&bytes)
                ));
            }
        }
        Ok(())
    }
    .await;
    driver.abort();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_split_into_host_port_and_path() {
        assert_eq!(
            parse_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"),
            Ok(Target {
                tls: true,
                host: "qyapi.weixin.qq.com".into(),
                port: 443,
                path: "/cgi-bin/webhook/send?key=abc".into()
            })
        );
        assert_eq!(
            parse_url("http://127.0.0.1:8089"),
            Ok(Target {
                tls: false,
                host: "127.0.0.1".into(),
                port: 8089,
                path: "/".into()
            })
        );
        assert!(parse_url("ftp://x").is_err());
        assert!(parse_url("http://user@x/").is_err());
        assert!(parse_url("http://x:99999/").is_err());
    }
}
