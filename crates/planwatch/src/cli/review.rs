//! `planwatch review …`: the office's actions (accept, return, reopen a report; lock, reopen and
//! extend a period) and the unit head's (approve and send a saved draft).

use chrono::NaiveDate;
use planwatch_app as app;
use planwatch_app::reporting as rep;
use planwatch_model::Quarter;
use planwatch_quarterly::workflow::Action;
use planwatch_store::{OpenMode, PeriodChange};
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Args)]
pub struct Which {
    /// The reporting unit. 填报单位
    #[arg(long)]
    pub unit: String,
    /// The quarter, e.g. 2023Q3.
    #[arg(long)]
    pub period: Quarter,
    /// Act as this PlanWatch user (default: the operator, as the office or the unit head).
    #[arg(long = "as")]
    pub as_user: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Show a stored report: state, history, task rows and indicator values. 查看报告
    Show {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        period: Quarter,
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
    /// The office accepts a submitted report. 采纳
    Accept(Which),
    /// The office returns a submitted report with a comment. 退回
    Return {
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        comment: String,
    },
    /// The office reopens an accepted report for correction. 重新开放报告
    Reopen {
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        reason: String,
    },
    /// The unit head approves a saved draft. 单位负责人审核
    Approve(Which),
    /// Send an approved report to the office. 报送
    Send(Which),
    /// The office locks a period: no more reports are accepted. 锁定报送期
    Lock {
        #[arg(long)]
        period: Quarter,
        #[arg(long = "as")]
        as_user: Option<String>,
    },
    /// The office reopens a locked period, saying why. 重新开放报送期
    Unlock {
        #[arg(long)]
        period: Quarter,
        #[arg(long)]
        reason: String,
        /// Lock again after this day (YYYY-MM-DD).
        #[arg(long)]
        until: Option<NaiveDate>,
        #[arg(long = "as")]
        as_user: Option<String>,
    },
    /// The office grants one unit a later deadline. 延期
    Extend {
        #[arg(long)]
        period: Quarter,
        #[arg(long)]
        unit: String,
        /// The new deadline (YYYY-MM-DD).
        #[arg(long)]
        until: NaiveDate,
        #[arg(long)]
        reason: String,
        #[arg(long = "as")]
        as_user: Option<String>,
    },
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let now = app::now();
        let result: anyhow::Result<()> = async {
            let ctx = rep::prepare(&store, data_dir, &app::cli_actor(), now).await?;
            if let Some(s) = ctx.setup_summary() {
                println!("{s}");
            }
            let (period, change, as_user) = match &a.command {
                Command::Show {
                    unit,
                    period,
                    format,
                } => return show(&store, &ctx, unit.trim(), *period, format == "json").await,
                Command::Accept(w) => return report(&store, &ctx, w, Action::Accept, now).await,
                Command::Return { which, comment } => {
                    let action = Action::Return {
                        comment: comment.clone(),
                    };
                    return report(&store, &ctx, which, action, now).await;
                }
                Command::Reopen { which, reason } => {
                    let action = Action::Reopen {
                        reason: reason.clone(),
                    };
                    return report(&store, &ctx, which, action, now).await;
                }
                Command::Approve(w) => return report(&store, &ctx, w, Action::Approve, now).await,
                Command::Send(w) => return report(&store, &ctx, w, Action::Submit, now).await,
                Command::Lock { period, as_user } => (*period, PeriodChange::Lock, as_user),
                Command::Unlock {
                    period,
                    reason,
                    until,
                    as_user,
                } => (
                    *period,
                    PeriodChange::Reopen {
                        reason: reason.clone(),
                        until: *until,
                    },
                    as_user,
                ),
                Command::Extend {
                    period,
                    unit,
                    until,
                    reason,
                    as_user,
                } => (
                    *period,
                    PeriodChange::Extend {
                        unit: unit.trim().into(),
                        until: *until,
                        reason: reason.clone(),
                    },
                    as_user,
                ),
            };
            let p = rep::change_period(
                &store,
                period,
                change.clone(),
                app::Caller::CommandLine {
                    as_user: as_user.as_deref(),
                },
                now,
            )
            .await?;
            let local = planwatch_quarterly::period::cst_from_utc(now);
            match change {
                PeriodChange::Extend { unit, .. } => println!(
                    "已批准“{unit}”{}延期至 {}。",
                    period.label_zh(),
                    p.deadline_for(&unit)
                ),
                _ => println!(
                    "{}报送期现为“{}”。",
                    period.label_zh(),
                    p.state_at(local).label_zh()
                ),
            }
            Ok(())
        }
        .await;
        super::remind::send_outbox(&store).await;
        store.close().await;
        result.map(|()| ExitCode::SUCCESS)
    })
}

/// One workflow action on one report.
async fn report(
    store: &planwatch_store::Store,
    ctx: &rep::Context,
    w: &Which,
    action: Action,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let kind = action.kind();
    let rec = rep::review(
        store,
        ctx,
        app::Caller::CommandLine {
            as_user: w.as_user.as_deref(),
        },
        &planwatch_model::UnitName::from(w.unit.trim()),
        w.period,
        action,
        None,
        now,
    )
    .await?;
    println!(
        "已{}“{}”{}的报告：状态“{}”，第 {} 版。",
        kind.label_zh(),
        w.unit.trim(),
        w.period.label_zh(),
        rec.state.label_zh(),
        rec.version
    );
    Ok(())
}

/// Prints a stored report.
async fn show(
    store: &planwatch_store::Store,
    ctx: &rep::Context,
    unit: &str,
    period: Quarter,
    json: bool,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let r = store
        .report(&planwatch_model::UnitName::from(unit), period)
        .await?
        .with_context(|| format!("“{unit}”{}的报告尚未填报", period.label_zh()))?;
    if json {
        let value = serde_json::json!({
            "unit": r.unit,
            "period": r.period,
            "state": r.record.state.as_str(),
            "version": r.record.version,
            "submissions": r.record.submissions,
            "first_submitted_at": r.record.first_submitted_at,
            "content_hash": r.content_hash,
            "content": r.content,
            "events": r.events,
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    println!(
        "“{}”{}报告{}：状态“{}”，第 {} 版，报送 {} 次{}",
        r.unit,
        r.period.label_zh(),
        if r.content.demo {
            "【示例数据】"
        } else {
            ""
        },
        r.record.state.label_zh(),
        r.record.version,
        r.record.submissions,
        r.record
            .first_submitted_at
            .map(|t| format!("，首次报送 {}", t.format("%Y-%m-%d %H:%M")))
            .unwrap_or_default()
    );
    println!(
        "填报人：{}　联系电话：{}",
        r.content.filled_by, r.content.phone
    );
    println!("办理记录：");
    for e in &r.events {
        println!(
            "  v{} {} {}（{}）{} → {}{}",
            e.version,
            e.at.format("%Y-%m-%d %H:%M"),
            e.by,
            e.role.label_zh(),
            e.action.label_zh(),
            e.to.label_zh(),
            e.comment
                .as_ref()
                .map(|c| format!("：{c}"))
                .unwrap_or_default()
        );
    }
    println!(
        "重点任务（{} 行；百分比为本年度完成比例）：",
        r.content.tasks.len()
    );
    for t in &r.content.tasks {
        let key = t.key.as_ref().map(|k| k.encode()).unwrap_or_default();
        let progress: String = t.progress.chars().take(40).collect();
        println!(
            "  {key:<16} {:<6} {:>5} {progress}",
            t.status.map_or("—", |s| s.label_zh()),
            t.share_complete
                .map(|v| format!("{v}%"))
                .unwrap_or_default()
        );
    }
    println!("指标（{} 项）：", r.content.indicators.len());
    for i in &r.content.indicators {
        let def = ctx.catalogue.by_code(&i.code);
        println!(
            "  {}：{}{}（{}）{}",
            def.map_or(i.code.as_str(), |d| d.name.as_str()),
            i.value
                .map(planwatch_quarterly::validate::fmt_num)
                .unwrap_or_else(|| "未填".into()),
            def.and_then(|d| d.unit.as_deref()).unwrap_or(""),
            i.source,
            if i.note.is_empty() {
                String::new()
            } else {
                format!("；说明：{}", i.note)
            }
        );
    }
    Ok(())
}
