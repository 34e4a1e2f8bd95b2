//! `planwatch demo [--until 2024Q2] [--seed N] [--no-serve]`: initialise the data folder if
//! needed and load synthetic reports (示例数据) for every unit and quarter up to the given one.

use crate::app;
use crate::app::reporting as rep;
use planwatch_model::Quarter;
use planwatch_store::OpenMode;
use std::path::Path;
use std::process::ExitCode;

/// The seed used when none is given, so that every demo database looks the same.
pub const DEFAULT_SEED: u64 = 20_221_001;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The last quarter with reports. 截至季度
    #[arg(long, default_value = "2024Q2")]
    pub until: Quarter,
    /// The seed of the generator: the same seed gives the same data. 随机种子
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Only load the data (this version has no web server yet, so it always only loads).
    #[arg(long)]
    pub no_serve: bool,
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    app::block_on(async {
        // A database with a plan is used as it is; otherwise it is initialised first (on
        // PostgreSQL an empty database opens fine but has no plan yet).
        let existing = match app::open(data_dir, OpenMode::Existing).await {
            Ok(s) if s.current_revision().await?.is_some() => Some(s),
            Ok(s) => {
                s.close().await;
                None
            }
            Err(_) => None,
        };
        let store = match existing {
            Some(s) => s,
            None => {
                let out = app::init(data_dir, None).await?;
                println!(
                    "已初始化数据库 {}，载入内置计划和组织架构。",
                    out.store.location()
                );
                out.store
            }
        };
        let result = async {
            let now = app::now();
            let ctx = rep::prepare(&store, data_dir, &app::cli_actor(), now).await?;
            if let Some(s) = ctx.setup_summary() {
                println!("{s}");
            }
            rep::demo(&store, &ctx, a.until, a.seed, now).await
        }
        .await;
        store.close().await;
        let out = result?;
        println!(
            "已载入示例数据（seed={}）：{} 份季度报告（2022年第一季度至{}），{} 个指标基期值；数据时点 {}。",
            a.seed,
            out.reports,
            a.until.label_zh(),
            out.baselines,
            out.as_of.format("%Y-%m-%d")
        );
        println!("所有记录均标注为“示例数据”，不是真实报送。");
        println!("查看报送情况：planwatch due --period {}", a.until);
        if !a.no_serve {
            println!("（本版本尚未包含 Web 界面，载入后即结束。）");
        }
        Ok(ExitCode::SUCCESS)
    })
}
