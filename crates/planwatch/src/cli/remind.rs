//! `planwatch remind --period 2024Q2 [--dry-run]`: sends the reminders due now — deadline
//! approaching (临近截止) and overdue (逾期未报) for units that have not submitted — in the app,
//! by e-mail (`PLANWATCH_SMTP_URL`) and to the group robot (`PLANWATCH_WEBHOOK_URL`). The same
//! reminder (kind, unit, period, day) is sent once. `--dry-run` prints the messages and sends
//! nothing. Decision 0061.

use planwatch_app as app;
use planwatch_app::notify::{self, Kind, NotifyConfig};
use planwatch_app::reporting as rep;
use planwatch_model::Quarter;
use planwatch_store::OpenMode;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The quarter, e.g. 2024Q2. 报送季度
    #[arg(long)]
    pub period: Quarter,
    /// Print what would be sent; send and record nothing. 只显示，不发送
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let cfg = NotifyConfig::from_env()?;
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let now = app::now();
        let result = async {
            let ctx = rep::prepare(&store, data_dir, &app::cli_actor(), now).await?;
            let out = notify::remind(
                &store,
                &ctx,
                &cfg,
                &app::cli_actor(),
                a.period,
                a.dry_run,
                now,
            )
            .await?;
            let flushed = if a.dry_run {
                None
            } else {
                Some(planwatch_web::deliver::flush(&store, &cfg).await?)
            };
            anyhow::Ok((out, flushed))
        }
        .await;
        store.close().await;
        let (out, flushed) = result?;
        println!(
            "{}提醒（{}，北京时间 {}）：",
            a.period.label_zh(),
            if a.dry_run {
                "试运行，未发送"
            } else {
                "已发送"
            },
            planwatch_quarterly::period::cst_from_utc(now).format("%Y-%m-%d %H:%M")
        );
        for kind in [Kind::DeadlineSoon, Kind::Overdue] {
            println!(
                "  {}（{}）：{} 个单位",
                kind.label_zh(),
                kind.as_str(),
                out.messages.get(&kind).copied().unwrap_or(0)
            );
        }
        println!(
            "  站内通知 {} 条，电子邮件 {} 封{}，群机器人消息 {} 条{}",
            out.notifications,
            out.emails,
            if cfg.smtp_url.is_none() {
                "（未设置 PLANWATCH_SMTP_URL）"
            } else {
                ""
            },
            out.webhooks,
            if cfg.webhook.is_none() {
                "（未设置 PLANWATCH_WEBHOOK_URL）"
            } else {
                ""
            },
        );
        if out.already_sent > 0 {
            println!("  今天已发过、不再重复：{} 个单位", out.already_sent);
        }
        if let Some(f) = flushed {
            println!(
                "  投递：成功 {}，失败 {}（失败的稍后重试）",
                f.sent, f.failed
            );
        }
        if a.dry_run {
            for m in &out.sent {
                println!("\n—— {}（{}）——\n{}", m.unit, m.kind.label_zh(), m.text());
            }
        } else if let Some(m) = out.sent.first() {
            println!("\n例：\n{}", m.text());
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Sends what a command just put in the outbox (a return, an acceptance), before the command
/// ends. A failure is reported on standard error and recorded on the delivery (the server's
/// sender retries it); it never fails the command, whose change is already saved.
pub(crate) async fn send_outbox(store: &planwatch_store::Store) {
    let cfg = match NotifyConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("通知未发送：{e}");
            return;
        }
    };
    if cfg.smtp_url.is_none() && cfg.webhook.is_none() {
        return;
    }
    match planwatch_web::deliver::flush(store, &cfg).await {
        Ok(f) if f.failed > 0 => eprintln!("通知发送失败 {} 条（稍后重试）", f.failed),
        Ok(_) => {}
        Err(e) => eprintln!("通知未发送：{e:#}"),
    }
}
