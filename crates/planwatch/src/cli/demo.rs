//! `planwatch demo [--until 2024Q2] [--seed N] [--no-serve]`: initialise the data folder if
//! needed and load synthetic reports (示例数据) for every unit and quarter up to the given one.

use planwatch_app as app;
use planwatch_app::reporting as rep;
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
    /// Only load the data; do not start the web server afterwards (for scripts). 只载入不启动
    #[arg(long)]
    pub no_serve: bool,
    /// How to serve afterwards (the same options as `planwatch serve`).
    #[command(flatten)]
    pub serve: super::serve::Args,
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
                let out = app::init(data_dir, None, app::chosen_plan()).await?;
                println!(
                    "已初始化数据库 {}，载入内置计划和组织架构。",
                    out.store.location()
                );
                out.store
            }
        };
        // Demo data already there (the main command run a second time): keep it as it is and
        // serve it again (or, with `--no-serve`, just say so: scripts may run it twice).
        if store.demo_data_present().await? {
            let accounts = super::serve::ensure_demo_accounts(&store).await?;
            store.close().await;
            println!("数据库中已有示例数据，不再重复载入。");
            print_accounts(&accounts);
            return Ok(ExitCode::SUCCESS);
        }
        let result = async {
            let now = app::now();
            let ctx = rep::prepare(&store, data_dir, &app::cli_actor(), now).await?;
            if let Some(s) = ctx.setup_summary() {
                println!("{s}");
            }
            let out = rep::demo(&store, &ctx, a.until, a.seed, now).await?;
            let accounts = super::serve::ensure_demo_accounts(&store).await?;
            Ok::<_, anyhow::Error>((out, accounts))
        }
        .await;
        store.close().await;
        let (out, accounts) = result?;
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
        print_accounts(&accounts);
        Ok(ExitCode::SUCCESS)
    })?;
    if a.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    super::serve::run(data_dir, a.serve)
}

fn print_accounts(accounts: &[String]) {
    println!(
        "示例账号（密码均为 {}）：\n{}",
        super::serve::DEMO_PASSWORD,
        accounts.join("\n")
    );
}
