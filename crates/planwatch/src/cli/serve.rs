//! `planwatch serve [--addr 127.0.0.1:8080]`: runs the web application on the store in the data
//! folder (or `DATABASE_URL`) until Ctrl-C or SIGTERM.

use anyhow::Context as _;
use planwatch_app as app;

use planwatch_store::OpenMode;
use planwatch_web::{AppState, WebConfig};
use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Clone, clap::Args)]
#[group(id = "serve_options")]
pub struct Args {
    /// Address to listen on (port 0 picks a free port and prints it). 监听地址
    #[arg(long, default_value = "127.0.0.1:8080", env = "PLANWATCH_ADDR")]
    pub addr: SocketAddr,
    /// Mark cookies Secure: set this when users reach the site over HTTPS (for example through a
    /// TLS-terminating proxy). Requests with `X-Forwarded-Proto: https` get Secure cookies anyway.
    #[arg(long, env = "PLANWATCH_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Serve the public progress page (公开) at /public, readable without signing in.
    #[arg(long, env = "PLANWATCH_PUBLIC_PAGE")]
    pub public: bool,
    /// Behind a reverse proxy: take the client's address from the last `X-Forwarded-For` entry
    /// (for sign-in limits and the audit trail). 部署在反向代理之后
    #[arg(long, env = "PLANWATCH_BEHIND_PROXY")]
    pub behind_proxy: bool,
    /// Hours a sign-in lasts. 登录有效时长（小时）
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=720))]
    pub session_hours: i64,
    /// Minutes without any request after which a sign-in ends (idle timeout). 空闲超时（分钟）
    #[arg(long, default_value_t = 30, env = "PLANWATCH_IDLE_MINUTES",
          value_parser = clap::value_parser!(i64).range(1..=1440))]
    pub idle_minutes: i64,
    /// API requests each token (or signed-in person) may make per minute; past it the API answers
    /// 429 with Retry-After. 每个接口令牌每分钟请求上限
    #[arg(long, default_value_t = planwatch_web::DEFAULT_API_REQUESTS_PER_MINUTE,
          env = "PLANWATCH_API_RATE_LIMIT", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub api_rate_limit: u32,
    /// How many plans' monitoring results this server keeps in memory (each a few MB at province
    /// size); the plan used least recently makes room. 内存中缓存监测结果的计划数
    #[arg(long, default_value_t = planwatch_web::DEFAULT_PLANS_CACHED, env = "PLANWATCH_PLAN_CACHE",
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub plan_cache: u32,
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key. Cookies are then Secure
    /// and carry the __Host- prefix. 证书文件（PEM）
    #[arg(long, env = "PLANWATCH_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<std::path::PathBuf>,
    /// The private key (PEM) of --tls-cert. 私钥文件（PEM）
    #[arg(long, env = "PLANWATCH_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<std::path::PathBuf>,
    /// E-mail notifications through this SMTP server: smtp://host:25, smtp://host:587 (STARTTLS
    /// with ?tls=required), smtps://user:password@host:465. 通知邮件服务器
    #[arg(long, env = "PLANWATCH_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of notification e-mails, e.g. "PlanWatch <planwatch@example.org>". 发件地址
    #[arg(long, env = "PLANWATCH_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// A group robot's webhook address (企业微信, 钉钉 or 飞书). 群机器人地址
    #[arg(long, env = "PLANWATCH_WEBHOOK_URL", hide_env_values = true)]
    pub webhook_url: Option<String>,
    /// The robot's platform: wecom, dingtalk or feishu. 群机器人平台
    #[arg(long, env = "PLANWATCH_WEBHOOK_KIND")]
    pub webhook_kind: Option<String>,
    /// The address people open the app at, for links in messages (default
    /// http://127.0.0.1:8080). 对外访问地址
    #[arg(long, env = "PLANWATCH_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The time of day (China time, HH:MM) the daily reminders go out, or "off". 每日提醒时间
    #[arg(long, env = "PLANWATCH_REMIND_AT")]
    pub remind_at: Option<String>,
    /// Days before a deadline the reminder goes out (default 3). 截止前几天提醒
    #[arg(long, env = "PLANWATCH_REMIND_DAYS")]
    pub remind_days: Option<String>,
}

impl Args {
    /// The notification settings from the flags (which clap fills from the environment too).
    fn notify_config(&self) -> anyhow::Result<planwatch_app::notify::NotifyConfig> {
        let get = |k: &str| -> Option<String> {
            match k {
                "PLANWATCH_SMTP_URL" => self.smtp_url.clone(),
                "PLANWATCH_SMTP_FROM" => self.smtp_from.clone(),
                "PLANWATCH_WEBHOOK_URL" => self.webhook_url.clone(),
                "PLANWATCH_WEBHOOK_KIND" => self.webhook_kind.clone(),
                "PLANWATCH_PUBLIC_URL" => self.public_url.clone(),
                "PLANWATCH_REMIND_AT" => self.remind_at.clone(),
                "PLANWATCH_REMIND_DAYS" => self.remind_days.clone(),
                _ => None,
            }
            .filter(|v| !v.trim().is_empty())
        };
        Ok(planwatch_app::notify::NotifyConfig::from_lookup(get)?)
    }
}

/// The accounts `planwatch demo` creates so that a person can try every role at once. Their
/// password is public (README), like the demo data they come with.
pub use planwatch_app::demo_accounts::{DEMO_PASSWORD, ensure_demo_accounts};

/// Logs go to standard error; `PLANWATCH_LOG` (or `RUST_LOG`) sets the filter.
fn init_logging() {
    let filter = std::env::var("PLANWATCH_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".to_string());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

pub fn run(data_dir: &Path, args: Args) -> anyhow::Result<ExitCode> {
    init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时 (cannot start the async runtime)")?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(planwatch_web::tls::server_config(cert, key)?),
        _ => None,
    };
    // A bad notification setting stops the server before it starts, naming the variable.
    let notify_cfg = args.notify_config()?;
    planwatch_app::notify::configure(notify_cfg.clone());
    runtime.block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| {
                format!(
                    "无法监听 {}：端口可能已被占用，可用 --addr 指定其他地址",
                    args.addr
                )
            })?;
        let addr = listener.local_addr()?;
        let config = WebConfig {
            secure_cookies: args.secure_cookies,
            public_page: args.public,
            session_hours: args.session_hours,
            idle_minutes: args.idle_minutes,
            tls: tls.is_some(),
            behind_proxy: args.behind_proxy,
            data_dir: data_dir.to_path_buf(),
            api_requests_per_minute: args.api_rate_limit,
            plans_cached: usize::try_from(args.plan_cache).unwrap_or(usize::MAX),
        };
        tracing::info!(backend = store.backend().label(), %addr, tls = tls.is_some(), "serving");
        let state = AppState::new(store, config);
        // Notifications: the outbox sender and the daily reminders (decision 0061).
        let background = planwatch_web::deliver::spawn_background(&state, notify_cfg);
        match tls {
            Some(tls) => {
                // Tests and scripts read this line to learn the port.
                println!("PlanWatch 已启动：https://{addr}/ （按 Ctrl-C 停止）");
                planwatch_web::tls::serve(listener, state.clone(), tls, shutdown_signal())
                    .await
                    .context("服务器异常退出 (server failed)")?;
            }
            None => {
                println!("PlanWatch 已启动：http://{addr}/ （按 Ctrl-C 停止）");
                planwatch_web::serve(listener, state.clone(), shutdown_signal())
                    .await
                    .context("服务器异常退出 (server failed)")?;
            }
        }
        background.stop().await;
        // Close the store cleanly (on SQLite this checkpoints the write-ahead log).
        if let Some(store) = state.into_store() {
            store.close().await;
        }
        Ok(ExitCode::SUCCESS)
    })
}
