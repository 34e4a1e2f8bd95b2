//! `planwatch report annual|feedback|tasklist`: the documents — the annual evaluation report
//! (docx, pdf, html, xlsx), a unit's feedback sheet (docx, pdf) and the task list (xlsx).
//! Settings come from `--config` (default `<data-dir>/report.toml`, else the built-in
//! defaults listed in `config/report.toml`); files are written whole or not at all.

use crate::app;
use anyhow::{Context as _, bail};
use planwatch_model::Plan;
use planwatch_monitor::{AssessmentInput, Rules};
use planwatch_report::adapter::{self, FromAssessment};
use planwatch_report::docx::DocxWriter;
use planwatch_report::model::Source;
use planwatch_report::pdf::PdfEngine;
use planwatch_report::view::AnnualView;
use planwatch_report::{Document, Fonts, ReportConfig, annual, feedback, html, tasklist, xlsx};
use planwatch_store::{Location, OpenMode};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Report settings (fonts, layout, task forces). Default: <data-dir>/report.toml when it
    /// exists, else the built-in defaults. 报告配置文件
    #[arg(long, global = true, env = "PLANWATCH_REPORT_CONFIG")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: ReportCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// The annual evaluation report. 年度评价考核报告
    Annual(AnnualArgs),
    /// A member unit's feedback sheet. 反馈单
    Feedback(FeedbackArgs),
    /// The task list (the plan's attachment 2) as Excel. 任务清单
    Tasklist(TasklistArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Docx,
    Pdf,
    Html,
    Xlsx,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct AnnualArgs {
    /// The year assessed. 年度
    #[arg(long)]
    pub year: i32,
    /// Output format (default: from the --out extension). 格式
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The file to write. 输出文件
    #[arg(long)]
    pub out: PathBuf,
    /// The assessment as JSON: the report view (AnnualView), or the monitor's input
    /// (AssessmentInput, assessed here with --rules). 评价数据（JSON）
    #[arg(long)]
    pub input: PathBuf,
    /// Scoring rules for a monitor input (default: <data-dir>/scoring.toml, else built-in).
    /// 评分规则
    #[arg(long)]
    pub rules: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct FeedbackArgs {
    /// The unit, as named in the plan (市科技局). 单位
    #[arg(long)]
    pub unit: String,
    /// The year assessed. 年度
    #[arg(long)]
    pub year: i32,
    /// docx or pdf (default: from the --out extension). 格式
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The file to write. 输出文件
    #[arg(long)]
    pub out: PathBuf,
    /// The assessment as JSON: an AnnualView or the monitor's AssessmentInput. 评价数据（JSON）
    #[arg(long)]
    pub input: PathBuf,
    /// Scoring rules for a monitor input (default: <data-dir>/scoring.toml, else built-in).
    /// 评分规则
    #[arg(long)]
    pub rules: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct TasklistArgs {
    /// The file to write (.xlsx). 输出文件
    #[arg(long)]
    pub out: PathBuf,
    /// The plan: interchange JSON or plan text, with the embedded organisation's task forces
    /// (default: the database's current plan, else the embedded Yangquan plan). 计划文件
    #[arg(long)]
    pub plan: Option<PathBuf>,
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let cfg = load_config(data_dir, a.config.as_deref())?;
    match a.command {
        ReportCommand::Annual(x) => annual_cmd(&cfg, data_dir, x),
        ReportCommand::Feedback(x) => feedback_cmd(&cfg, data_dir, x),
        ReportCommand::Tasklist(x) => tasklist_cmd(data_dir, &cfg, x),
    }
}

fn load_config(data_dir: &Path, explicit: Option<&Path>) -> anyhow::Result<ReportConfig> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let p = data_dir.join("report.toml");
            if !p.is_file() {
                return Ok(ReportConfig::default());
            }
            p
        }
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("无法读取报告配置 {}", path.display()))?;
    Ok(ReportConfig::from_toml(&text, &path.display().to_string())?)
}

/// The format asked for, or the one the file name says; they must agree.
fn format_of(asked: Option<Format>, out: &Path, allowed: &[Format]) -> anyhow::Result<Format> {
    let by_ext = out.extension().and_then(|e| e.to_str()).and_then(|e| {
        allowed
            .iter()
            .copied()
            .find(|f| f.ext().eq_ignore_ascii_case(e))
    });
    let f = match (asked, by_ext) {
        (Some(f), Some(e)) if f != e => bail!(
            "--format {} 与输出文件扩展名 .{} 不一致：请改其中之一",
            f.ext(),
            e.ext()
        ),
        (Some(f), _) => f,
        (None, Some(e)) => e,
        (None, None) => bail!(
            "无法从输出文件名 {} 判断格式：请加 --format（可选 {}）",
            out.display(),
            allowed
                .iter()
                .map(|f| f.ext())
                .collect::<Vec<_>>()
                .join("、")
        ),
    };
    if !allowed.contains(&f) {
        bail!(
            "此文件不支持 {} 格式，可选：{}",
            f.ext(),
            allowed
                .iter()
                .map(|f| f.ext())
                .collect::<Vec<_>>()
                .join("、")
        );
    }
    Ok(f)
}

fn load_rules(data_dir: &Path, explicit: Option<&Path>) -> anyhow::Result<Rules> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let p = data_dir.join("scoring.toml");
            if !p.is_file() {
                return Ok(Rules::default());
            }
            p
        }
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("无法读取评分规则 {}", path.display()))?;
    Rules::from_toml_str(&text).with_context(|| format!("评分规则 {} 有误", path.display()))
}

/// Reads the report view, or a monitor input which is assessed here. A monitor input carries
/// no submitter names and times; its sources are listed as not recorded.
fn read_view(
    cfg: &ReportConfig,
    data_dir: &Path,
    rules: Option<&Path>,
    path: &Path,
    year: i32,
) -> anyhow::Result<AnnualView> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("无法读取评价数据 {}", path.display()))?;
    let bad = |e: serde_json::Error| {
        anyhow::anyhow!(
            "评价数据 {} 第{}行第{}列有误：{e}",
            path.display(),
            e.line(),
            e.column()
        )
    };
    let value: serde_json::Value = serde_json::from_str(&text).map_err(bad)?;
    let v: AnnualView = if value.get("as_of").is_some() {
        let input: AssessmentInput = serde_json::from_value(value).map_err(bad)?;
        let rules = load_rules(data_dir, rules)?;
        let assessment = planwatch_monitor::assess(&input, &rules)
            .map_err(|e| anyhow::anyhow!("评价数据 {} 无法评价：{e}", path.display()))?;
        adapter::annual_view(&FromAssessment {
            input: &input,
            assessment: &assessment,
            issuer: cfg.issuer.clone(),
            issued_on: None,
            plan_source: Source {
                id: "src-plan".into(),
                what: format!("《{}》", input.plan_title.trim_matches(['《', '》'])),
                unit: cfg.issuer.clone(),
                period: String::new(),
                submitted_by: "（计划文本）".into(),
                submitted_at: String::new(),
                note: "计划文本".into(),
            },
            rules_source: None,
            sources: Vec::new(),
            task_notes: Default::default(),
            office_text: Default::default(),
        })
    } else {
        serde_json::from_value(value).map_err(bad)?
    };
    if v.year != year {
        bail!(
            "评价数据 {} 是{}年度的，与 --year {year} 不一致",
            path.display(),
            v.year
        );
    }
    Ok(v)
}

/// Loads fonts once (only PDF and Word need them) and says which were substituted.
fn fonts(cfg: &ReportConfig) -> anyhow::Result<Arc<Fonts>> {
    let fonts = Fonts::load(&cfg.fonts)?;
    for n in fonts.notes() {
        eprintln!("提示：{n}");
    }
    Ok(Arc::new(fonts))
}

fn render(cfg: &ReportConfig, doc: &Document, format: Format) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        Format::Html => html::render(doc, &cfg.fonts).into_bytes(),
        Format::Xlsx => xlsx::render(doc, cfg.fonts.table.first().map_or("宋体", |s| s))?,
        Format::Docx => DocxWriter::new(fonts(cfg)?, cfg.clone()).render(doc)?,
        Format::Pdf => PdfEngine::new(fonts(cfg)?, cfg.layout.clone()).render(doc)?,
    })
}

/// Writes the file whole: to a temporary name beside it, then renamed into place.
fn write_whole(out: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .with_context(|| format!("输出路径 {} 不是文件名", out.display()))?;
    let tmp = dir.join(format!(".{}.part", name.to_string_lossy()));
    std::fs::write(&tmp, bytes).with_context(|| format!("无法写入 {}", tmp.display()))?;
    std::fs::rename(&tmp, out).with_context(|| format!("无法写入 {}", out.display()))?;
    Ok(())
}

fn done(out: &Path, what: &str, doc: &Document) {
    let demo = if doc.demo {
        "（含示例数据）"
    } else {
        ""
    };
    println!("已生成{what}{demo}：{}", out.display());
}

fn annual_cmd(cfg: &ReportConfig, data_dir: &Path, a: AnnualArgs) -> anyhow::Result<ExitCode> {
    let format = format_of(
        a.format,
        &a.out,
        &[Format::Docx, Format::Pdf, Format::Html, Format::Xlsx],
    )?;
    let view = read_view(cfg, data_dir, a.rules.as_deref(), &a.input, a.year)?;
    let doc = annual::compose(&view)?;
    let bytes = render(cfg, &doc, format)?;
    write_whole(&a.out, &bytes)?;
    done(&a.out, "年度评价考核报告", &doc);
    Ok(ExitCode::SUCCESS)
}

fn feedback_cmd(cfg: &ReportConfig, data_dir: &Path, a: FeedbackArgs) -> anyhow::Result<ExitCode> {
    let format = format_of(a.format, &a.out, &[Format::Docx, Format::Pdf])?;
    let view = read_view(cfg, data_dir, a.rules.as_deref(), &a.input, a.year)?;
    let doc = feedback::compose(&view, a.unit.trim())?;
    let bytes = render(cfg, &doc, format)?;
    write_whole(&a.out, &bytes)?;
    done(&a.out, &format!("{}反馈单", a.unit.trim()), &doc);
    Ok(ExitCode::SUCCESS)
}

/// Each task's task force from an organisation file (`[[task_force]] tasks = [...]`).
fn assignment(org: &planwatch_store::OrgConfig) -> BTreeMap<u32, String> {
    let mut m = BTreeMap::new();
    for tf in &org.task_forces {
        for t in &tf.tasks {
            m.insert(*t, tf.name.clone());
        }
    }
    m
}

/// The plan and its task forces: from `--plan` (with the embedded organisation's task forces),
/// else the database's current plan and organisation, else the embedded plan and organisation.
fn tasklist_plan(
    data_dir: &Path,
    plan_file: Option<&Path>,
) -> anyhow::Result<(Plan, BTreeMap<u32, String>)> {
    if let Some(path) = plan_file {
        let (plan, _) = app::plan_input::read_plan_file(path)?;
        return Ok((plan, assignment(&app::default_org()?)));
    }
    let no_database = matches!(app::location(data_dir)?, Location::Sqlite(p) if !p.exists());
    if no_database {
        eprintln!("提示：数据目录中还没有数据库，使用内置的阳泉市计划和组织架构");
        let (plan, _) = app::plan_input::embedded_plan();
        return Ok((plan, assignment(&app::default_org()?)));
    }
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let plan = store.plan(None).await?;
        let view = store.plan_view(None).await?;
        let by_number = view
            .tasks
            .iter()
            .filter_map(|t| {
                let tf = t.task_force.clone()?;
                Some((u32::try_from(t.number).ok()?, tf))
            })
            .collect();
        Ok((plan, by_number))
    })
}

fn tasklist_cmd(data_dir: &Path, cfg: &ReportConfig, a: TasklistArgs) -> anyhow::Result<ExitCode> {
    format_of(Some(Format::Xlsx), &a.out, &[Format::Xlsx])?;
    let (plan, task_forces) = tasklist_plan(data_dir, a.plan.as_deref())?;
    if plan.tasks.is_empty() {
        bail!(
            "计划“{}”中没有识别出任务，无法生成任务清单：请检查计划文件",
            plan.title
        );
    }
    let doc = tasklist::compose(&plan, &task_forces);
    let unassigned: Vec<String> = plan
        .tasks
        .iter()
        .filter(|t| !task_forces.contains_key(&t.number))
        .map(|t| t.number.to_string())
        .collect();
    if !unassigned.is_empty() {
        eprintln!(
            "提示：任务 {} 未分配专班（见组织架构配置 [[task_force]]），清单中标为“（未分配）”",
            unassigned.join("、")
        );
    }
    let bytes = render(cfg, &doc, Format::Xlsx)?;
    write_whole(&a.out, &bytes)?;
    println!(
        "已生成任务清单（{}项任务）：{}",
        plan.tasks.len(),
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
