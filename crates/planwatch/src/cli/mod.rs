//! Command-line interface: one subcommand per use case, each in its own module.

mod extract;
mod report;

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
    /// Documents: the annual report, feedback sheets, the task list. 报告与清单
    Report(report::Args),
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Extract(a) => extract::run(a),
        Command::Report(a) => report::run(&cli.data_dir, a),
    }
}
