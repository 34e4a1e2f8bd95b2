//! `planwatch breakdown template --year 2023 --out FILE.xlsx` and `planwatch breakdown import
//! FILE.xlsx`: the yearly breakdown (清单化、项目化、节点化) in Excel.

use super::submit::print_refusal;
use anyhow::Context as _;
use planwatch_app as app;
use planwatch_app::AppError;
use planwatch_app::reporting as rep;
use planwatch_store::OpenMode;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write the breakdown sheet of one year. 生成年度任务分解表
    Template {
        #[arg(long)]
        year: i32,
        /// Default: 年度任务分解-YEAR.xlsx.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Import a filled breakdown sheet (office or task force). 导入年度任务分解表
    Import {
        file: PathBuf,
        #[arg(long = "as")]
        as_user: Option<String>,
    },
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let now = app::now();
        let result: anyhow::Result<ExitCode> = async {
            let ctx = rep::prepare(&store, data_dir, &app::cli_actor(), now).await?;
            if let Some(s) = ctx.setup_summary() {
                println!("{s}");
            }
            match &a.command {
                Command::Template { year, out } => {
                    let bytes = rep::breakdown_template(&ctx, *year)?;
                    let out = out
                        .clone()
                        .unwrap_or_else(|| PathBuf::from(format!("年度任务分解-{year}.xlsx")));
                    std::fs::write(&out, &bytes)
                        .with_context(|| format!("无法写入 {}", out.display()))?;
                    println!(
                        "已生成{year}年度任务分解表：{}（{} 项）",
                        out.display(),
                        ctx.breakdown
                            .items
                            .iter()
                            .filter(|i| i.year == *year)
                            .count()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Command::Import { file, as_user } => {
                    let bytes = std::fs::read(file)
                        .with_context(|| format!("无法读取 {}", file.display()))?;
                    let caller = app::Caller::CommandLine {
                        as_user: as_user.as_deref(),
                    };
                    match rep::breakdown_import(&store, &ctx, &bytes, caller, now).await {
                        Ok((c, year)) if c.is_empty() => {
                            println!(
                                "{year}年度任务分解表与数据库一致（{} 项），未作任何更改。",
                                c.unchanged
                            );
                            Ok(ExitCode::SUCCESS)
                        }
                        Ok((c, year)) => {
                            println!(
                                "已导入{year}年度任务分解：修改 {} 项，新增 {} 项，未变 {} 项。",
                                c.updated.len(),
                                c.added.len(),
                                c.unchanged
                            );
                            for i in &c.added {
                                println!(
                                    "  新增 {} {}：{}（{}，{}）",
                                    i.id, i.kind, i.title, i.responsible_unit, i.due
                                );
                            }
                            Ok(ExitCode::SUCCESS)
                        }
                        Err(AppError::Invalid(r)) => {
                            print_refusal(file, &r);
                            Ok(ExitCode::from(2))
                        }
                        Err(e) => Err(e.into()),
                    }
                }
            }
        }
        .await;
        store.close().await;
        result
    })
}
