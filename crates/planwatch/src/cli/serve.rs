//! `planwatch serve [--addr 127.0.0.1:8080]`: runs the web application on the store in the data
//! folder (or `DATABASE_URL`) until Ctrl-C or SIGTERM.

use anyhow::Context as _;
use planwatch_app as app;
use planwatch_model::Role;
use planwatch_store::{NewUser, OpenMode, Password, Store};
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
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key. Cookies are then Secure
    /// and carry the __Host- prefix. 证书文件（PEM）
    #[arg(long, env = "PLANWATCH_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<std::path::PathBuf>,
    /// The private key (PEM) of --tls-cert. 私钥文件（PEM）
    #[arg(long, env = "PLANWATCH_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<std::path::PathBuf>,
}

/// The accounts `planwatch demo` creates so that a person can try every role at once. Their
/// password is public (README), like the demo data they come with.
pub const DEMO_PASSWORD: &str = "planwatch-demo";

/// (username, display name, role, unit or task force).
const DEMO_ACCOUNTS: [(&str, &str, Role, Option<&str>); 8] = [
    ("admin", "系统管理员（示例）", Role::Admin, None),
    ("office", "办公室王主任（示例）", Role::Office, None),
    ("leader", "李市长（示例）", Role::Leader, None),
    (
        "zb.kjcx",
        "科技创新专班（示例）",
        Role::TaskForce,
        Some("科技创新专班"),
    ),
    (
        "kjj",
        "市科技局填报员（示例）",
        Role::Reporter,
        Some("市科技局"),
    ),
    (
        "kjj.head",
        "市科技局负责人（示例）",
        Role::UnitHead,
        Some("市科技局"),
    ),
    (
        "wjw",
        "市卫健委填报员（示例）",
        Role::Reporter,
        Some("市卫健委"),
    ),
    (
        "wjw.head",
        "市卫健委负责人（示例）",
        Role::UnitHead,
        Some("市卫健委"),
    ),
];

/// Creates the demo accounts that do not exist yet; returns the lines to print.
pub async fn ensure_demo_accounts(store: &Store) -> anyhow::Result<Vec<String>> {
    let password = Password::new(DEMO_PASSWORD)?;
    let actor = app::cli_actor();
    let mut lines = Vec::new();
    for (username, name, role, affiliation) in DEMO_ACCOUNTS {
        let (unit, task_force) = match (role, affiliation) {
            (Role::TaskForce, Some(tf)) => (None, Some(tf.to_string())),
            (_, Some(u)) => (Some(u.to_string()), None),
            _ => (None, None),
        };
        // A unit or task force this plan does not have gets no account.
        if let Some(u) = &unit
            && store.unit_by_name(u).await?.is_none()
        {
            continue;
        }
        if store.user(username).await?.is_none() {
            let new = NewUser {
                username: username.to_string(),
                display_name: name.to_string(),
                role,
                unit: unit.clone(),
                task_force: task_force.clone(),
            };
            if store
                .add_user(&actor, &new, &password, app::now())
                .await
                .is_err()
            {
                continue;
            }
        }
        lines.push(format!(
            "  {username:<10} {}{}",
            role.label_zh(),
            unit.or(task_force)
                .map(|x| format!("（{x}）"))
                .unwrap_or_default()
        ));
    }
    Ok(lines)
}

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
        };
        tracing::info!(backend = store.backend().label(), %addr, tls = tls.is_some(), "serving");
        let state = AppState::new(store, config);
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
        // Close the store cleanly (on SQLite this checkpoints the write-ahead log).
        if let Some(store) = state.into_store() {
            store.close().await;
        }
        Ok(ExitCode::SUCCESS)
    })
}
