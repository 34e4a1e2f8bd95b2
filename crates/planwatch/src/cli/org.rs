//! `planwatch org import FILE | show [--format text|json] | export | default`: the leading group, its office, the
//! task forces and the tasks they steer, and unit groups.

use planwatch_app as app;
use planwatch_store::OpenMode;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: OrgCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum OrgCommand {
    /// Replace the organisation with the one in a TOML file (see config/yangquan-org.toml).
    /// 导入组织架构
    Import { file: PathBuf },
    /// Print the organisation. 查看组织架构
    Show {
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
    /// Print the embedded default organisation file (a starting point for your own). 输出默认配置
    Default,
    /// Print the stored organisation as an organisation file (for `org import`). 导出组织架构
    Export,
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    if let OrgCommand::Default = a.command {
        print!("{}", app::DEFAULT_ORG_TOML);
        return Ok(ExitCode::SUCCESS);
    }
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let result = match a.command {
            OrgCommand::Import { file } => import(&store, &file).await,
            OrgCommand::Show { format } => show(&store, &format).await,
            OrgCommand::Export => app::organisation::export_toml(&store)
                .await
                .map(|t| print!("{t}")),
            OrgCommand::Default => Ok(()),
        };
        store.close().await;
        result.map(|()| ExitCode::SUCCESS)
    })
}

async fn import(store: &planwatch_store::Store, file: &Path) -> anyhow::Result<()> {
    let config = app::read_org_file(file)?;
    let out = store
        .import_org(
            &app::cli_actor(),
            &config,
            &file.display().to_string(),
            app::now(),
        )
        .await?;
    println!(
        "已导入组织架构（{}）：{} 个专班。",
        file.display(),
        out.task_forces
    );
    if !out.units_created.is_empty() {
        println!("新建单位：{}", out.units_created.join("、"));
    }
    if !out.units_changed.is_empty() {
        println!("修改了类别或简称的单位：{}", out.units_changed.join("、"));
    }
    if !out.unassigned_tasks.is_empty() {
        println!("提示：以下任务尚未分配专班：");
        for (n, t) in &out.unassigned_tasks {
            println!("  （{n}）{t}");
        }
    }
    Ok(())
}

async fn show(store: &planwatch_store::Store, format: &str) -> anyhow::Result<()> {
    let org = store.org_view().await?;
    if format == "json" {
        println!("{}", serde_json::to_string_pretty(&org)?);
        return Ok(());
    }
    if let Some(lg) = &org.leading_group {
        println!("{}", lg.name);
        if !lg.description.is_empty() {
            println!("  {}", lg.description);
        }
        println!("  成员单位 {} 个", lg.members.len());
    }
    if let Some(o) = &org.office {
        println!(
            "{}（设在{}）",
            o.name,
            o.seat.as_deref().unwrap_or("（未指定）")
        );
    }
    for tf in &org.task_forces {
        println!(
            "\n{}  牵头单位：{}",
            tf.body.name,
            tf.body.seat.as_deref().unwrap_or("（未指定）")
        );
        println!("  成员单位：{}", tf.body.members.join("、"));
        for (n, t) in &tf.tasks {
            println!("  统筹任务（{n}）{t}");
        }
    }
    if !org.unassigned_tasks.is_empty() {
        println!("\n尚未分配专班的任务：");
        for (n, t) in &org.unassigned_tasks {
            println!("  （{n}）{t}");
        }
    }
    if !org.groups.is_empty() {
        println!();
        for (g, members) in &org.groups {
            println!("{g} 指：{}", members.join("、"));
        }
    }
    println!();
    for (kind, units) in &org.units_by_kind {
        println!("{kind}（{} 个）：{}", units.len(), units.join("、"));
    }
    Ok(())
}
