//! `planwatch submit FILE.xlsx [--as USER]`: read a filled quarterly workbook back and save it
//! for its unit. Every problem is listed with sheet, row and column; if there is any, nothing is
//! saved. Submitting the same content again changes nothing.

use anyhow::Context as _;
use planwatch_app as app;
use planwatch_app::AppError;
use planwatch_app::reporting::{self as rep, SubmitOutcome};
use planwatch_quarterly::ImportError;
use planwatch_quarterly::period::Timeliness;
use planwatch_store::OpenMode;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The filled workbook. 已填写的报送表
    pub file: PathBuf,
    /// Submit as this PlanWatch user (a reporter saves a draft for the unit head; a unit head
    /// approves and submits). Without it the operator submits for the unit, as its head (代报).
    #[arg(long = "as")]
    pub as_user: Option<String>,
}

/// Prints a refusal: every problem on its own line.
pub fn print_refusal(file: &Path, e: &ImportError) {
    let issues = e.issues();
    if issues.is_empty() {
        eprintln!("错误：{}：{}", file.display(), e);
    } else {
        eprintln!(
            "{} 有 {} 处问题，未导入任何内容：",
            file.display(),
            issues.len()
        );
        for (i, issue) in issues.iter().enumerate() {
            eprintln!("  {}. {issue}", i + 1);
        }
    }
    eprintln!("请修改后重新提交。");
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&a.file).with_context(|| format!("无法读取 {}", a.file.display()))?;
    // A form names the plan it was made for: it goes back to that plan unless --plan says another.
    if app::chosen_plan().is_none()
        && let Ok(settings) = rep::settings(data_dir)
        && let Ok(meta) = planwatch_quarterly::xlsx::read_meta(&bytes, &settings)
        && let Some(code) = meta.plan
    {
        app::choose_plan(&code);
    }
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let result = async {
            let now = app::now();
            let ctx = rep::prepare(&store, data_dir, &app::cli_actor(), now).await?;
            if let Some(s) = ctx.setup_summary() {
                println!("{s}");
            }
            rep::submit(
                &store,
                &ctx,
                data_dir,
                &a.file,
                &bytes,
                app::Caller::CommandLine {
                    as_user: a.as_user.as_deref(),
                },
                now,
            )
            .await
        }
        .await;
        super::remind::send_outbox(&store).await;
        store.close().await;
        match result {
            Ok(SubmitOutcome::Unchanged { state }) => {
                println!(
                    "{} 的内容与数据库中的报告相同（状态：{}），未作任何更改。",
                    a.file.display(),
                    state.label_zh()
                );
                Ok(ExitCode::SUCCESS)
            }
            Ok(SubmitOutcome::Saved {
                record,
                timeliness,
                evidence_missing,
                evidence_stored,
            }) => {
                let when = match timeliness {
                    Some(Timeliness::OnTime) => "，按时报送".to_string(),
                    Some(Timeliness::Late { days }) => format!("，逾期 {days} 天报送"),
                    None => String::new(),
                };
                println!(
                    "已保存 {}：状态“{}”，第 {} 版{when}。",
                    a.file.display(),
                    record.state.label_zh(),
                    record.version
                );
                if record.state == planwatch_model::ReportState::Draft {
                    println!(
                        "草稿须经单位负责人审核后报送（planwatch review approve / review send）。"
                    );
                }
                if evidence_stored > 0 {
                    println!("已保存佐证材料 {evidence_stored} 个。");
                }
                if !evidence_missing.is_empty() {
                    println!(
                        "注意：以下佐证材料未随附（与报送表放在同一目录即可一并提交），仅记录了文件名：{}",
                        evidence_missing.join("、")
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            Err(AppError::Invalid(r)) => {
                print_refusal(&a.file, &r);
                Ok(ExitCode::from(2))
            }
            Err(e) => Err(e.into()),
        }
    })
}
