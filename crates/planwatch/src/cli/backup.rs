//! `planwatch backup FILE`: a consistent online copy. SQLite: `VACUUM INTO` a database file;
//! PostgreSQL: the full dump from one snapshot.

use planwatch_app as app;
use planwatch_store::{BackupKind, OpenMode};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backup file to create (never overwritten).
    pub file: PathBuf,
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let kind = store.backup(&a.file).await;
        let dir = planwatch_app::evidence::companion_dir(&a.file);
        let files = match &kind {
            Ok(_) => Some(app::evidence::copy_out(&store, data_dir, &dir).await),
            Err(_) => None,
        };
        let location = store.location().to_string();
        store.close().await;
        match kind? {
            BackupKind::SqliteFile => println!(
                "已备份 {location} 到 {}（SQLite 数据库文件；恢复时把它复制为数据目录中的 {}）。",
                a.file.display(),
                planwatch_store::SQLITE_FILE_NAME
            ),
            BackupKind::Dump => println!(
                "已备份 {location} 到 {}（一致快照的完整导出；恢复时对空数据库运行 planwatch import）。",
                a.file.display()
            ),
        }
        if let Some(files) = files {
            super::dump::report_evidence_out(&files?, &dir);
        }
        println!("注意：备份含用户的密码散列，请妥善保管。");
        Ok(ExitCode::SUCCESS)
    })
}
