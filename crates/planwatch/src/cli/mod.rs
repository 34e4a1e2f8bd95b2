//! Command-line interface: one subcommand per use case, each in its own module.

mod audit;
mod backup;
mod dump;
mod extract;
mod init;
mod migrate;
mod org;
mod plan;
mod progress;
mod report;
mod user;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// PlanWatch 行动计划监测评价系统
#[derive(Debug, Parser)]
#[command(name = "planwatch", version, about = "PlanWatch 行动计划监测评价系统")]
pub struct Cli {
    /// Data folder (SQLite database, evidence files). 数据目录
    #[arg(
        long,
        global = true,
        default_value = "./planwatch-data",
        env = "PLANWATCH_DATA_DIR"
    )]
    pub data_dir: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract a plan from its text (.txt in UTF-8/GB18030, or .docx). 从计划文本抽取
    Extract(extract::Args),
    /// Create the data folder and database and load the plan (default: the embedded Yangquan
    /// plan). 初始化
    Init(init::Args),
    /// Apply the database schema migrations. 数据库迁移
    Migrate,
    /// Plans and their revisions: import, show. 计划
    Plan(plan::Args),
    /// The organisation: leading group, office, task forces, unit groups. 组织架构
    Org(org::Args),
    /// Users and roles. 用户
    User(user::Args),
    /// Read the audit trail. 审计日志
    Audit(audit::Args),
    /// A consistent online backup. 备份
    Backup(backup::Args),
    /// Write the portable full dump (JSON). 导出
    Export(dump::ExportArgs),
    /// Restore a full dump into an empty database (SQLite or PostgreSQL). 导入
    Import(dump::ImportArgs),
    /// Progress measure for series in a CSV (Open SDG vectors' layout). 指标进展测算
    Progress(progress::Args),
    /// Documents: the annual report, feedback sheets, the task list. 报告与清单
    Report(report::Args),
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Extract(a) => extract::run(a),
        Command::Init(a) => init::run(&cli.data_dir, a),
        Command::Migrate => migrate::run(&cli.data_dir),
        Command::Plan(a) => plan::run(&cli.data_dir, a),
        Command::Org(a) => org::run(&cli.data_dir, a),
        Command::User(a) => user::run(&cli.data_dir, a),
        Command::Audit(a) => audit::run(&cli.data_dir, a),
        Command::Backup(a) => backup::run(&cli.data_dir, a),
        Command::Export(a) => dump::export(&cli.data_dir, a),
        Command::Import(a) => dump::import(&cli.data_dir, a),
        Command::Progress(a) => progress::run(a),
        Command::Report(a) => report::run(&cli.data_dir, a),
    }
}
