//! `planwatch bench-load DIR [--until 2024Q4] [--seed N]` (hidden, for `scripts/bench-scale.sh`):
//! adds every plan file of `DIR` (its code is the file name without extension) beside the plans
//! already held and fills each plan that has no reports yet with the demo data (示例数据) —
//! the product's own write path, in one process: what `planwatch plan add FILE --code CODE`
//! followed by `planwatch --plan CODE demo --no-serve` does, without starting a process and
//! opening the database twice per plan. Plans already present keep their data, so a run that
//! was stopped can be resumed.

use planwatch_app as app;
use planwatch_app::reporting as rep;
use planwatch_model::Quarter;
use planwatch_store::OpenMode;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A folder of plan files (interchange JSON, text, …); each file's stem is its plan code.
    pub dir: PathBuf,
    /// The last quarter with reports.
    #[arg(long, default_value = "2024Q4")]
    pub until: Quarter,
    /// The seed of the first plan's demo data (the n-th plan uses seed + n).
    #[arg(long, default_value_t = super::demo::DEFAULT_SEED)]
    pub seed: u64,
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(&a.dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let result = load(&store, data_dir, &files, &a).await;
        store.close().await;
        result
    })?;
    Ok(ExitCode::SUCCESS)
}

async fn load(
    store: &planwatch_store::Store,
    data_dir: &Path,
    files: &[PathBuf],
    a: &Args,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let (mut added, mut filled, mut reports) = (0usize, 0usize, 0usize);
    for (n, file) in files.iter().enumerate() {
        let code = file
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| anyhow::anyhow!("计划文件名无法作为代码：{}", file.display()))?;
        let now = app::now();
        let known = store.plans().await?;
        let scoped = match known.iter().find(|p| p.code == code) {
            Some(p) => store.scoped(p.id),
            None => {
                let (plan, source) = app::plan_input::read_plan_file(file)?;
                let caller = app::Caller::CommandLine { as_user: None };
                let (_, scoped) =
                    app::plan_input::add_plan(store, data_dir, caller, code, &plan, &source, now)
                        .await?;
                added += 1;
                scoped
            }
        };
        if scoped.reports(None).await?.is_empty() {
            let ctx = rep::prepare(&scoped, data_dir, &app::cli_actor(), now).await?;
            let out = rep::demo(&scoped, &ctx, a.until, a.seed + n as u64, now).await?;
            reports += out.reports;
            filled += 1;
        }
        if (n + 1) % 25 == 0 || n + 1 == files.len() {
            println!(
                "{} / {} 个计划，{:.1} 秒",
                n + 1,
                files.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    let accounts = super::serve::ensure_demo_accounts(store).await?;
    println!(
        "新增计划 {added} 个，载入示例数据的计划 {filled} 个（{reports} 份季度报告），用时 {:.1} 秒；示例账号 {} 个。",
        started.elapsed().as_secs_f64(),
        accounts.len()
    );
    println!("所有记录均标注为“示例数据”，不是真实报送。");
    let problems = store.check_integrity().await?;
    if !problems.is_empty() {
        anyhow::bail!("数据库完整性检查发现问题：{}", problems.join("；"));
    }
    println!("数据库完整性检查通过。");
    Ok(())
}
