//! `planwatch values import FILE`: historical indicator values and baselines in bulk, from CSV
//! (UTF-8 or GBK) or xlsx, with the same rules as a quarterly report.

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
    /// Import values: columns 指标, 期间, 数值, 数据来源, 说明, 基期. 导入历史数据
    Import {
        file: PathBuf,
        #[arg(long = "as")]
        as_user: Option<String>,
    },
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let Command::Import { file, as_user } = &a.command;
    let bytes = std::fs::read(file).with_context(|| format!("无法读取 {}", file.display()))?;
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let now = app::now();
        let result = async {
            let ctx = rep::prepare(&store, data_dir, &app::cli_actor(), now).await?;
            if let Some(s) = ctx.setup_summary() {
                println!("{s}");
            }
            let caller = app::Caller::CommandLine {
                as_user: as_user.as_deref(),
            };
            rep::values_import(&store, &ctx, file, &bytes, caller, now).await
        }
        .await;
        store.close().await;
        match result {
            Ok(o) => {
                println!(
                    "已导入 {}：新增数值 {}，修改 {}，基期值 {}，未变 {}。",
                    file.display(),
                    o.values_added,
                    o.values_changed,
                    o.baselines_set,
                    o.unchanged
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(AppError::Invalid(r)) => {
                print_refusal(file, &r);
                Ok(ExitCode::from(2))
            }
            Err(e) => Err(e.into()),
        }
    })
}
