//! `planwatch catalogue show | export | import FILE`: the indicator catalogue of the current
//! plan — proposed from the plan, corrected by the office on the 指标目录 page or in bulk here.

use planwatch_app as app;
use planwatch_store::OpenMode;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: CatalogueCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum CatalogueCommand {
    /// List the indicators: code, name, unit, kind, reporter; set-aside figures with the reason.
    /// 查看指标目录
    Show,
    /// Print the stored catalogue as a TOML file (for `catalogue import`). 导出指标目录
    Export,
    /// Apply a corrected catalogue file: entries are matched by code; all are checked before
    /// anything is saved; every change is audited. 导入指标目录修改
    Import {
        file: PathBuf,
        /// Act as this user (default: the operator as the office).
        #[arg(long = "as")]
        as_user: Option<String>,
    },
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let result = match a.command {
            CatalogueCommand::Show => show(&store).await,
            CatalogueCommand::Export => app::catalogue::export_toml(&store)
                .await
                .map(|t| print!("{t}")),
            CatalogueCommand::Import { file, as_user } => {
                import(&store, &file, as_user.as_deref()).await
            }
        };
        store.close().await;
        result.map(|()| ExitCode::SUCCESS)
    })
}

async fn show(store: &planwatch_store::Store) -> anyhow::Result<()> {
    let entries = store.catalogue_entries().await?;
    let (kept, aside): (Vec<_>, Vec<_>) = entries.iter().partition(|e| e.set_aside.is_none());
    println!("指标目录：{} 项指标", kept.len());
    for e in &kept {
        println!(
            "  {}  {}（{}）  {}  报送单位：{}",
            e.def.code,
            e.def.name,
            e.def.unit.as_deref().unwrap_or("无单位"),
            e.def.kind.label_zh(),
            e.def.reporter
        );
    }
    if !aside.is_empty() {
        println!("不报送（名称不像指标或已由办公室移出）：{} 项", aside.len());
        for e in &aside {
            println!(
                "  {}  {}：{}",
                e.def.code,
                e.def.name,
                e.set_aside.as_deref().unwrap_or_default()
            );
        }
    }
    Ok(())
}

async fn import(
    store: &planwatch_store::Store,
    file: &Path,
    as_user: Option<&str>,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("无法读取指标目录文件 {}：{e}", file.display()))?;
    let caller = app::Caller::CommandLine { as_user };
    let edits = app::catalogue::edits_from_toml(store, &text)
        .await
        .map_err(|e| anyhow::anyhow!("{}：{e}", file.display()))?;
    let changed = app::catalogue::edit(store, caller, &edits, app::now())
        .await
        .map_err(|e| anyhow::anyhow!("{}：{e}", file.display()))?;
    if changed.is_empty() {
        println!("指标目录没有变化（{}）。", file.display());
    } else {
        println!(
            "已修改 {} 项指标（{}），审计日志已记录：{}",
            changed.len(),
            file.display(),
            changed.join("、")
        );
    }
    Ok(())
}
