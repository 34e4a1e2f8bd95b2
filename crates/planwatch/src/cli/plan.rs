//! `planwatch plan add FILE --code CODE | list | state STATE | import FILE | show [--format
//! text|json] [--revision N] | revisions`. The global `--plan CODE` picks the plan the last four
//! work on (default: the only active plan).

use planwatch_app as app;
use planwatch_store::{OpenMode, PlanView};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: PlanCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum PlanCommand {
    /// Add another plan beside the ones already held, under a new code. 新增计划
    Add {
        /// The plan file (.txt, .docx, .pdf, .html, .doc/.wps, a task table, or .json).
        file: PathBuf,
        /// The new plan's code: lower-case letters, digits and '-', e.g. szjj-2025. 计划代码
        #[arg(long)]
        code: String,
    },
    /// List the plans: code, title, period, state, revision. 计划列表
    List {
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
    /// Set the plan's state: 进行中 (active), 已结束 (ended), 已归档 (archived). 设置计划状态
    State {
        /// active | ended | archived (or 进行中 / 已结束 / 已归档)
        state: String,
    },
    /// Import a plan text or interchange JSON as a new revision of the plan. 导入计划（新修订版）
    Import {
        /// The plan file (.txt, .docx, .pdf, .html, .doc/.wps, a task table, or .json as printed
        /// by `plan show --format json`).
        file: PathBuf,
    },
    /// Print the plan's tasks with their lead and participating units. 查看计划
    Show {
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
        /// Which revision (default: the current one).
        #[arg(long)]
        revision: Option<i64>,
    },
    /// List the plan's revisions. 修订版列表
    Revisions,
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let result = match a.command {
            PlanCommand::Add { file, code } => add(&store, data_dir, &file, &code).await,
            PlanCommand::List { format } => list(&store, &format).await,
            PlanCommand::State { state } => {
                let Some(state) = planwatch_store::PlanState::parse(&state) else {
                    anyhow::bail!(
                        "计划状态“{state}”无法识别：可用 active（进行中）、ended（已结束）、archived（已归档）"
                    );
                };
                let p = store
                    .set_plan_state(&app::cli_actor(), state, app::now())
                    .await?;
                println!("计划 {}《{}》现为{}。", p.code, p.title, p.state.label_zh());
                Ok(())
            }
            PlanCommand::Import { file } => import(&store, &file).await,
            PlanCommand::Show { format, revision } => {
                if format == "json" {
                    let plan = store.plan(revision).await?;
                    println!("{}", serde_json::to_string_pretty(&plan)?);
                } else {
                    print!("{}", render_text(&store.plan_view(revision).await?));
                }
                Ok(())
            }
            PlanCommand::Revisions => {
                for r in store.revisions().await? {
                    println!(
                        "第 {} 版  {}  任务 {} 项  来源：{}（{}）  导入：{} {}",
                        r.number,
                        r.title,
                        r.task_count,
                        r.source_name,
                        r.source_kind,
                        r.created_by,
                        r.created_at.format("%Y-%m-%d %H:%M:%S UTC")
                    );
                }
                Ok(())
            }
        };
        store.close().await;
        result.map(|()| ExitCode::SUCCESS)
    })
}

async fn add(
    store: &planwatch_store::Store,
    data_dir: &Path,
    file: &Path,
    code: &str,
) -> anyhow::Result<()> {
    let (plan, source) = app::plan_input::read_plan_file(file)?;
    let warnings = app::plan_input::warnings(&plan);
    let caller = app::Caller::CommandLine { as_user: None };
    let (imp, scoped) =
        app::plan_input::add_plan(store, data_dir, caller, code, &plan, &source, app::now())
            .await?;
    let catalogue = scoped.catalogue().await?;
    let shared = if catalogue.asked_elsewhere.is_empty() {
        String::new()
    } else {
        format!(
            "（其中 {} 项已在其他计划中由同一单位报送，只报一次）",
            catalogue.asked_elsewhere.len()
        )
    };
    println!(
        "已新增计划 {code}《{}》（来源：{}）：重点任务 {} 项，新建责任单位 {} 个，指标目录 {} 项{shared}。",
        plan.title.trim(),
        file.display(),
        plan.tasks.len(),
        imp.units_created.len(),
        catalogue.indicators.len()
    );
    print_warnings(&warnings);
    println!(
        "下一步：planwatch --plan {code} plan show 查看任务；planwatch --plan {code} template … 生成季度报送表。"
    );
    Ok(())
}

async fn list(store: &planwatch_store::Store, format: &str) -> anyhow::Result<()> {
    let plans = store.plans().await?;
    if format == "json" {
        println!("{}", serde_json::to_string_pretty(&plans)?);
        return Ok(());
    }
    if plans.is_empty() {
        println!(
            "数据库中还没有计划：请先运行 planwatch init 或 planwatch plan add FILE --code CODE"
        );
        return Ok(());
    }
    println!("代码\t状态\t期限\t修订版\t标题");
    for p in &plans {
        println!(
            "{}\t{}\t{}\t第 {} 版\t{}",
            p.code,
            p.state.label_zh(),
            p.period_label(),
            p.revision,
            p.title
        );
    }
    Ok(())
}

async fn import(store: &planwatch_store::Store, file: &Path) -> anyhow::Result<()> {
    let (plan, source) = app::plan_input::read_plan_file(file)?;
    let warnings = app::plan_input::warnings(&plan);
    let caller = app::Caller::CommandLine { as_user: None };
    let imp = app::plan_input::import_revision(store, caller, &plan, &source, app::now()).await?;
    println!(
        "已导入《{}》为第 {} 版（来源：{}），重点任务 {} 项。",
        plan.title.trim(),
        imp.revision,
        file.display(),
        plan.tasks.len()
    );
    print_warnings(&warnings);
    match &imp.diff {
        None => println!("这是该计划的第一版。"),
        Some(d) if d.is_empty() => println!("与上一版相比没有变化。"),
        Some(d) => {
            println!("与上一版相比的变化：");
            for line in d.lines_zh() {
                println!("  - {line}");
            }
        }
    }
    Ok(())
}

/// Prints the extractor's non-blocking diagnostics (at most 20).
pub fn print_warnings(warnings: &[String]) {
    if warnings.is_empty() {
        return;
    }
    println!("抽取提示 {} 条（不影响导入，请核对）：", warnings.len());
    for w in warnings.iter().take(20) {
        println!("  - {w}");
    }
    if warnings.len() > 20 {
        println!("  - ……其余 {} 条略", warnings.len() - 20);
    }
}

fn names(units: &[planwatch_store::UnitRef]) -> String {
    if units.is_empty() {
        "（无）".to_string()
    } else {
        units
            .iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// The plan as text: sections, then each task with its task force and units; group names are
/// expanded at the end. Deterministic (no times), so both backends print the same.
pub fn render_text(view: &PlanView) -> String {
    let mut out = String::new();
    let r = &view.revision;
    let _ = writeln!(out, "{}", r.title);
    let _ = writeln!(
        out,
        "第 {} 版 · {}—{}年 · 重点任务 {} 项",
        r.number,
        r.period_start,
        r.period_end,
        view.tasks.len()
    );
    let mut current_section: Option<&str> = None;
    for t in &view.tasks {
        if current_section != Some(t.section.as_str()) {
            current_section = Some(t.section.as_str());
            let title = view
                .sections
                .iter()
                .find(|s| s.number == t.section)
                .map(|s| s.title.as_str())
                .unwrap_or("");
            let _ = writeln!(out, "\n{}. {title}", t.section);
        }
        let tf = t
            .task_force
            .as_deref()
            .map(|n| format!("  ［{n}］"))
            .unwrap_or_default();
        let _ = writeln!(out, "  （{}）{}{tf}", t.number, t.title);
        let _ = writeln!(out, "      牵头单位：{}", names(&t.lead_units));
        let _ = writeln!(out, "      参加单位：{}", names(&t.participating_units));
    }
    if !view.groups.is_empty() {
        let _ = writeln!(out);
        for (group, members) in &view.groups {
            let members = if members.is_empty() {
                "（尚未配置成员，见 planwatch org import）".to_string()
            } else {
                members.join("、")
            };
            let _ = writeln!(out, "{group} 指：{members}");
        }
    }
    out
}
