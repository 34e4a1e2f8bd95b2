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
        let dir = app::evidence::companion_dir(&a.file);
        let files = match &summary {
            Ok(_) => Some(app::evidence::copy_out(&store, data_dir, &dir).await),
            Err(_) => None,
        };
        let location = store.location().to_string();
        store.close().await;
        let summary = summary?;
        println!(
            "已从 {location} 导出 {} 张表、{} 行到 {}。",
            summary.tables.len(),
            summary.total_rows(),
            a.file.display()
        );
        if let Some(files) = files {
            report_evidence_out(&files?, &dir);
        }
        println!("注意：导出文件含用户的密码散列，请妥善保管。");
        Ok(ExitCode::SUCCESS)
    })
}

pub fn import(data_dir: &Path, a: ImportArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&a.file)
        .with_context(|| format!("无法读取导入文件 {}", a.file.display()))?;
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Create).await?;
        // Evidence bytes first (each checked against its hash): a bad file changes nothing.
        let dir = app::evidence::companion_dir(&a.file);
        let files = if dir.is_dir() {
            app::evidence::copy_in(&dir, data_dir)?
        } else {
            0
        };
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
        if files > 0 {
            println!("已从 {} 恢复佐证材料 {files} 个。", dir.display());
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Says how many evidence files went with a backup or an export, and which are missing.
pub fn report_evidence_out(files: &(usize, Vec<String>), dir: &Path) {
    let (copied, missing) = files;
    if *copied > 0 {
        println!(
            "佐证材料 {copied} 个已复制到 {}（导入时与导出文件放在一起即可；恢复 SQLite 备份时把其中的文件复制到数据目录的 evidence 目录）。",
            dir.display()
        );
    }
    if !missing.is_empty() {
        eprintln!(
            "警告：数据目录中缺少 {} 个佐证材料文件（{}），未能复制。",
            missing.len(),
            missing.join("、")
        );
    }
}
