//! `planwatch export FILE.json` and `planwatch import FILE.json`: the portable full dump that
//! moves a PlanWatch database between SQLite and PostgreSQL.

use anyhow::Context as _;
use planwatch_app as app;
use planwatch_store::OpenMode;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The file to write (replaced atomically if it exists).
    pub file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// A file written by `planwatch export`.
    pub file: PathBuf,
}

pub fn export(data_dir: &Path, a: ExportArgs) -> anyhow::Result<ExitCode> {
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let summary = store.export_to(&a.file).await;
        let location = store.location().to_string();
        store.close().await;
        let summary = summary?;
        println!(
            "已从 {location} 导出 {} 张表、{} 行到 {}。",
            summary.tables.len(),
            summary.total_rows(),
            a.file.display()
        );
        println!("注意：导出文件含用户的密码散列，请妥善保管。");
        Ok(ExitCode::SUCCESS)
    })
}

pub fn import(data_dir: &Path, a: ImportArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&a.file)
        .with_context(|| format!("无法读取导入文件 {}", a.file.display()))?;
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Create).await?;
        let summary = store
            .import_json(&text, &a.file.display().to_string())
            .await;
        let location = store.location().to_string();
        store.close().await;
        let summary = summary?;
        println!(
            "已把 {} 导入 {location}：{} 张表、{} 行。",
            a.file.display(),
            summary.tables.len(),
            summary.total_rows()
        );
        Ok(ExitCode::SUCCESS)
    })
}
