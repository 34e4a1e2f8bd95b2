//! Command-line interface: one subcommand per use case, each in its own module.

mod assess;
mod audit;
mod backup;
mod bench_assess;
mod bench_load;
mod breakdown;
mod bulletin_text;
mod catalogue;
mod demo;
mod due;
mod dump;
mod extract;
mod init;
mod migrate;
mod org;
mod plan;
mod progress;
mod remind;
pub(crate) mod report;
mod report_text;
mod review;
mod serve;
mod submit;
mod template;
mod user;
mod values;

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

    /// Which plan a command works on, by its code (see `planwatch plan list`); default: the only
    /// active plan. 计划代码
    #[arg(long, global = true, env = "PLANWATCH_PLAN", value_name = "CODE")]
    pub plan: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Monitoring and assessment of a quarter: indicators, tasks, units, scores. 监测评价
    Assess(assess::Args),
    /// Extract a plan from its text (.txt in UTF-8/GB18030, .docx, .pdf, .html, .doc/.wps) or a task table (.xlsx, .ods, .csv). 从计划文本或任务表抽取
    Extract(extract::Args),
    /// Create the data folder and database and load the plan (default: the embedded Yangquan
    /// plan). 初始化
    Init(init::Args),
    /// Apply the database schema migrations. 数据库迁移
    Migrate,
    /// Plans side by side and their revisions: add, list, state, import, show. 计划
    Plan(plan::Args),
    /// The organisation: leading group, office, task forces, unit groups. 组织架构
    Org(org::Args),
    /// The indicator catalogue: show, export to TOML, import corrections. 指标目录
    Catalogue(catalogue::Args),
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
    /// Run the web application. 启动网页服务
    Serve(serve::Args),
    /// Progress measure for series in a CSV (Open SDG vectors' layout). 指标进展测算
    Progress(progress::Args),
    /// A unit's quarterly Excel form (two sheets). 生成季度报送模板
    Template(template::Args),
    /// Submit a filled quarterly workbook. 提交季度报送表
    Submit(submit::Args),
    /// What is due in a quarter, per unit, and its state. 报送情况
    Due(due::Args),
    /// Load synthetic demo reports (示例数据). 载入示例数据
    Demo(demo::Args),
    /// The yearly breakdown (清单、项目、节点) in Excel. 年度任务分解
    Breakdown(breakdown::Args),
    /// Historical indicator values and baselines. 历史数据
    Values(values::Args),
    /// Review actions: accept, return, reopen; approve, send; lock, unlock, extend. 审核与报送期
    Review(review::Args),
    /// Documents: the annual report, feedback sheets, the task list. 报告与清单
    Report(report::Args),
    /// Send the reminders due now (deadline approaching, overdue). 发送催报提醒
    Remind(remind::Args),
    #[command(hide = true)]
    BenchLoad(bench_load::Args),
    #[command(hide = true)]
    BenchAssess(bench_assess::Args),
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // `init --plan FILE` (an existing file) still names the plan file to load.
    let init_file = match (&cli.command, &cli.plan) {
        (Command::Init(_), Some(p)) if std::path::Path::new(p).is_file() => Some(PathBuf::from(p)),
        _ => None,
    };
    if let (None, Some(code)) = (&init_file, &cli.plan) {
        planwatch_app::choose_plan(code);
    }
    match cli.command {
        Command::Assess(a) => assess::run(&cli.data_dir, a),
        Command::Extract(a) => extract::run(a),
        Command::Init(a) => init::run(&cli.data_dir, a, init_file, cli.plan.as_deref()),
        Command::Migrate => migrate::run(&cli.data_dir),
        Command::Plan(a) => plan::run(&cli.data_dir, a),
        Command::Org(a) => org::run(&cli.data_dir, a),
        Command::Catalogue(a) => catalogue::run(&cli.data_dir, a),
        Command::User(a) => user::run(&cli.data_dir, a),
        Command::Audit(a) => audit::run(&cli.data_dir, a),
        Command::Backup(a) => backup::run(&cli.data_dir, a),
        Command::Export(a) => dump::export(&cli.data_dir, a),
        Command::Import(a) => dump::import(&cli.data_dir, a),
        Command::Serve(a) => serve::run(&cli.data_dir, a),
        Command::Progress(a) => progress::run(a),
        Command::Template(a) => template::run(&cli.data_dir, a),
        Command::Submit(a) => submit::run(&cli.data_dir, a),
        Command::Due(a) => due::run(&cli.data_dir, a),
        Command::Demo(a) => demo::run(&cli.data_dir, a),
        Command::Breakdown(a) => breakdown::run(&cli.data_dir, a),
        Command::Values(a) => values::run(&cli.data_dir, a),
        Command::Review(a) => review::run(&cli.data_dir, a),
        Command::Report(a) => report::run(&cli.data_dir, a),
        Command::Remind(a) => remind::run(&cli.data_dir, a),
        Command::BenchLoad(a) => bench_load::run(&cli.data_dir, a),
        Command::BenchAssess(a) => bench_assess::run(&cli.data_dir, a),
    }
}
