//! `planwatch report annual|feedback|tasklist|text`: the documents — the annual evaluation report
//! (docx, pdf, html, xlsx), a unit's feedback sheet (docx, pdf) and the task list (xlsx).
//! Settings come from `--config` (default `<data-dir>/report.toml`, else the built-in
//! defaults listed in `config/report.toml`); files are written whole or not at all.

use crate::app;
use anyhow::{Context as _, bail};
use chrono::NaiveDate;
use planwatch_model::{Plan, Quarter};
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
    /// The office's own text for sections of the annual report. 报告文字
    Text(super::report_text::Args),
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
    #[command(flatten)]
    pub source: SourceArgs,
}

/// Where the assessment comes from: the database (default) or a JSON file.
#[derive(Debug, clap::Args)]
pub struct SourceArgs {
    /// Instead of the database: the assessment as JSON — the report view (AnnualView) or the
    /// monitor's input (AssessmentInput, assessed here). 评价数据（JSON）
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Scoring rules (default: <data-dir>/scoring.toml, else the built-in rules). 评分规则
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Indicator methods (default: config/indicator-methods.toml). 指标测算方法
    #[arg(long)]
    pub methods: Option<PathBuf>,
    /// The day due dates are judged at (default: the end of the quarter after the year's last,
    /// or today if earlier). 评价截至日期 YYYY-MM-DD
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
    /// 成文日期 as printed, e.g. 2024年1月20日 (default: left blank for the office). 成文日期
    #[arg(long)]
    pub date: Option<String>,
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
    #[command(flatten)]
    pub source: SourceArgs,
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
        ReportCommand::Text(x) => super::report_text::run(data_dir, x),
    }
}

pub fn load_config(data_dir: &Path, explicit: Option<&Path>) -> anyhow::Result<ReportConfig> {
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
            headline: Default::default(),
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

/// The view for `year`: from `--input`, else from the database (the assessment at the year's
/// fourth quarter, with the submissions' units, periods, submitters and times as sources).
pub fn view_of(
    cfg: &ReportConfig,
    data_dir: &Path,
    src: &SourceArgs,
    year: i32,
) -> anyhow::Result<AnnualView> {
    let mut v = match &src.input {
        Some(path) => read_view(cfg, data_dir, src.rules.as_deref(), path, year)?,
        None => store_view(cfg, data_dir, src, year)?,
    };
    if src.date.is_some() {
        v.issued_on.clone_from(&src.date);
    }
    Ok(v)
}

fn fmt_time(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

fn store_view(
    cfg: &ReportConfig,
    data_dir: &Path,
    src: &SourceArgs,
    year: i32,
) -> anyhow::Result<AnnualView> {
    use app::assess::input::{ReportFacts, default_as_of, task_id};
    use planwatch_reporting::{ActionKind, RowKey};

    let period = Quarter::new(year, 4).expect("4 is a quarter");
    let rules_path = src
        .rules
        .clone()
        .or_else(|| Some(data_dir.join("scoring.toml")).filter(|p| p.is_file()));
    let rules = app::assess::load_rules(rules_path.as_deref())?;
    let methods = app::assess::load_methods(src.methods.as_deref())?;
    let today = app::now().with_timezone(&app::assess::china()).date_naive();
    let as_of = src.as_of.unwrap_or_else(|| default_as_of(period, today));
    let (sources, revision, office_text) = app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let result = async {
            let sources = app::assess::load_sources(&store, data_dir, methods).await?;
            let revision = store.revisions().await?.pop();
            let office_text = app::report_texts::office_texts(&store, year).await?;
            anyhow::Ok((sources, revision, office_text))
        }
        .await;
        store.close().await;
        result
    })?;
    let outcome = app::assess::assess_sources(&sources, period, as_of, &rules)?;
    for n in &outcome.notes {
        eprintln!("数据说明：{n}");
    }
    let built = sources.build(period, as_of);

    // Each report of the year is a source: who filled it in, when it was first submitted,
    // whether the office had accepted it by `as_of`.
    let year_reports: Vec<&ReportFacts> = sources
        .reports
        .iter()
        .filter(|r| {
            r.content
                .period
                .is_some_and(|p| p.year() == year && p <= period)
        })
        .collect();
    let mut listed: Vec<Source> = Vec::new();
    let mut labels: Vec<(String, Source)> = Vec::new();
    for r in &year_reports {
        let label = r.label();
        let submitted = r.steps.iter().find(|s| s.action == ActionKind::Submit);
        let accepted = r
            .steps
            .iter()
            .rfind(|s| s.at.date() <= as_of && s.action == ActionKind::Accept);
        // The list has unit and period columns: the label's rest says what kind of source.
        let what = label
            .strip_prefix(r.content.unit.as_str())
            .map(|rest| {
                let period = r.content.period.map(Quarter::label_zh).unwrap_or_default();
                let rest = rest.strip_prefix(period.as_str()).unwrap_or(rest);
                format!("季度{rest}")
            })
            .unwrap_or_else(|| label.clone());
        let s = Source {
            id: label.clone(),
            what,
            unit: r.content.unit.clone(),
            period: r.content.period.map(|p| p.to_string()).unwrap_or_default(),
            submitted_by: if r.content.filled_by.trim().is_empty() {
                "（未填）".into()
            } else {
                r.content.filled_by.clone()
            },
            submitted_at: submitted.map(|s| fmt_time(s.at)).unwrap_or_default(),
            note: match (accepted, r.accepted_by(as_of)) {
                (Some(a), true) => format!("{}审核通过", a.at.format("%Y-%m-%d")),
                _ => "未审核通过".into(),
            },
        };
        labels.push((label, s.clone()));
        listed.push(s);
    }
    // Figures may cite a report with the unit's stated data source appended, or imported history.
    let mut cited: Vec<String> = Vec::new();
    for i in &built.input.indicators {
        cited.extend(i.observations.iter().filter_map(|o| o.source.clone()));
    }
    for t in &built.input.tasks {
        cited.extend(t.reports.iter().filter_map(|r| r.source.clone()));
        for m in &t.milestones {
            cited.extend(m.updates.iter().filter_map(|u| u.source.clone()));
        }
    }
    for c in cited {
        if listed.iter().any(|s| s.id == c) {
            continue;
        }
        let base = labels
            .iter()
            .find(|(l, _)| c.starts_with(l.as_str()))
            .map(|(_, s)| s.clone());
        listed.push(match base {
            Some(s) => {
                let label = labels
                    .iter()
                    .find(|(l, _)| c.starts_with(l.as_str()))
                    .map_or("", |(l, _)| l.as_str());
                Source {
                    id: c.clone(),
                    what: format!("{}{}", s.what, &c[label.len()..]),
                    ..s
                }
            }
            None => Source {
                id: c.clone(),
                what: c.clone(),
                unit: cfg.issuer.clone(),
                period: String::new(),
                submitted_by: "领导小组办公室".into(),
                submitted_at: String::new(),
                note: "历史数据或统计资料".into(),
            },
        });
    }

    // The units' own words on each task: the lead unit's latest accepted report of the year.
    let mut task_notes = BTreeMap::new();
    for t in &sources.plan.tasks {
        let latest = year_reports
            .iter()
            .filter(|r| r.accepted_by(as_of))
            .filter_map(|r| {
                let row = r
                    .content
                    .tasks
                    .iter()
                    .find(|row| row.key == Some(RowKey::Task { task: t.number }))?;
                Some((r.content.period, row))
            })
            .max_by_key(|(p, _)| *p);
        if let Some((_, row)) = latest {
            let progress = if row.cumulative.trim().is_empty() {
                row.progress.clone()
            } else {
                row.cumulative.clone()
            };
            task_notes.insert(
                task_id(t.number),
                adapter::TaskNote {
                    progress,
                    problems: row.problems.clone(),
                },
            );
        }
    }

    let plan_source = Source {
        id: "src-plan".into(),
        what: format!("《{}》", sources.plan.title.trim_matches(['《', '》'])),
        unit: cfg.issuer.clone(),
        period: String::new(),
        submitted_by: revision
            .as_ref()
            .map(|r| r.created_by.clone())
            .unwrap_or_default(),
        submitted_at: revision
            .as_ref()
            .map(|r| {
                r.created_at
                    .with_timezone(&app::assess::china())
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default(),
        note: revision
            .as_ref()
            .map(|r| format!("计划文本第{}版（{}）", r.number, r.source_name))
            .unwrap_or_else(|| "计划文本".into()),
    };
    let rules_source = Source {
        id: "src-rules".into(),
        what: "考核评分规则".into(),
        unit: cfg.issuer.clone(),
        period: String::new(),
        submitted_by: "领导小组办公室".into(),
        submitted_at: String::new(),
        note: rules_path.map_or("内置默认规则（config/scoring.toml）".into(), |p| {
            p.display().to_string()
        }),
    };
    Ok(adapter::annual_view(&FromAssessment {
        input: &built.input,
        assessment: &outcome.assessment,
        issuer: cfg.issuer.clone(),
        issued_on: None,
        plan_source,
        rules_source: Some(rules_source),
        sources: listed,
        task_notes,
        // The office's own text for the year's sections (planwatch report text set).
        office_text,
        // The catalogue knows which indicators the plan states among its headline goals.
        headline: sources
            .catalogue
            .indicators
            .iter()
            .filter(|i| i.headline)
            .map(|i| i.code.clone())
            .collect(),
    }))
}

/// Loads fonts once (only PDF and Word need them) and says which were substituted.
fn fonts(cfg: &ReportConfig) -> anyhow::Result<Arc<Fonts>> {
    let fonts = Fonts::load(&cfg.fonts)?;
    for n in fonts.notes() {
        eprintln!("提示：{n}");
    }
    Ok(Arc::new(fonts))
}

pub fn render(cfg: &ReportConfig, doc: &Document, format: Format) -> anyhow::Result<Vec<u8>> {
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
    let view = view_of(cfg, data_dir, &a.source, a.year)?;
    let doc = annual::compose(&view)?;
    let bytes = render(cfg, &doc, format)?;
    write_whole(&a.out, &bytes)?;
    done(&a.out, "年度评价考核报告", &doc);
    Ok(ExitCode::SUCCESS)
}

fn feedback_cmd(cfg: &ReportConfig, data_dir: &Path, a: FeedbackArgs) -> anyhow::Result<ExitCode> {
    let format = format_of(a.format, &a.out, &[Format::Docx, Format::Pdf])?;
    let view = view_of(cfg, data_dir, &a.source, a.year)?;
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
pub fn tasklist_plan(
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
