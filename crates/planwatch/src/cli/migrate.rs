//! `planwatch migrate`: apply the embedded schema migrations (opening the store does this too;
//! this command does only that, for example before app servers start against PostgreSQL).

use planwatch_app as app;
use planwatch_store::OpenMode;
use std::path::Path;
use std::process::ExitCode;

pub fn run(data_dir: &Path) -> anyhow::Result<ExitCode> {
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Create).await?;
        println!("数据库：{}", store.location());
        let applied = store.migrations_applied_on_open();
        let version = store.schema_version().await?;
        if applied.is_empty() {
            println!("数据库结构已是最新（版本 {version}），无需迁移。");
        } else {
            for m in applied {
                println!("已应用迁移 {}：{}", m.version, m.description);
            }
            println!("数据库结构现为版本 {version}。");
        }
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}
