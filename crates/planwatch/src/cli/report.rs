//! `planwatch report annual|feedback|bulletin|final|tasklist|text|bulletin-text`: the documents —
//! the annual evaluation report (docx, pdf, html, xlsx; compact unless `--full`), the units'
//! feedback sheets (docx, pdf; one unit or `--all` with a zip), the quarterly bulletin (docx, pdf,
//! html), the final evaluation report (the annual report of the plan's last year in its final
//! form) and the task list (xlsx). Which fonts are used for each role is printed on stderr.
//! Settings come from `--config` (default `<data-dir>/report.toml`, else the built-in
//! defaults listed in `config/report.toml`); files are written whole or not at all.

use anyhow::{Context as _, bail};
use chrono::NaiveDate;
use planwatch_app as app;
use planwatch_app::documents::{self, Renderer};
use planwatch_docs::adapter::{self, FromAssessment};
use planwatch_docs::model::Source;
use planwatch_docs::view::AnnualView;
use planwatch_docs::{Document, ReportConfig, annual, bulletin, feedback, final_report, tasklist};
use planwatch_model::Plan;
use planwatch_monitor::{AssessmentInput, Rules};
use planwatch_store::{Location, OpenMode};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
    /// A member unit's feedback sheet, or every unit's with --all. 反馈单
    Feedback(FeedbackArgs),
    /// The quarterly bulletin. 季度通报
    Bulletin(BulletinArgs),
    /// The final evaluation report, once the plan's last year has been reported. 终期评估报告
    Final(FinalArgs),
    /// The task list (the plan's attachment 2) as Excel. 任务清单
    Tasklist(TasklistArgs),
    /// The office's own text for sections of the annual report. 报告文字
    Text(super::report_text::Args),
    /// The office's own text for sections of a quarterly bulletin. 通报文字
    BulletinText(super::bulletin_text::Args),
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
        documents::Format::from(self).ext()
    }
}

impl From<Format> for documents::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Docx => documents::Format::Docx,
            Format::Pdf => documents::Format::Pdf,
            Format::Html => documents::Format::Html,
            Format::Xlsx => documents::Format::Xlsx,
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
    /// Word and PDF: the long form (a chart per headline indicator, every scoring line, the
    /// list of sources) instead of the compact report the office sends. HTML and Excel are
    /// always complete. 完整版
    #[arg(long)]
    pub full: bool,
    #[command(flatten)]
    pub source: SourceArgs,
}

#[derive(Debug, clap::Args)]
pub struct BulletinArgs {
    /// The quarter, e.g. 2024Q3. 季度
    #[arg(long)]
    pub period: planwatch_model::Quarter,
    /// docx, pdf or html (default: from the --out extension). 格式
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The file to write. 输出文件
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub source: SourceArgs,
}

#[derive(Debug, clap::Args)]
pub struct FinalArgs {
    /// docx, pdf, html or xlsx (default: from the --out extension). 格式
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The file to write. 输出文件
    #[arg(long)]
    pub out: PathBuf,
    /// Word and PDF: the long form with every source and scoring line. 完整版
    #[arg(long)]
    pub full: bool,
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
    #[arg(long, required_unless_present = "all", conflicts_with = "all")]
    pub unit: Option<String>,
    /// Every unit's sheet: one file per unit in the --out folder, and all of them in one zip.
    /// 全部单位
    #[arg(long)]
    pub all: bool,
    /// The year assessed. 年度
    #[arg(long)]
    pub year: i32,
    /// docx or pdf (default: from the --out extension; with --all, --format is needed). 格式
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The file to write; with --all, the folder (created if missing). 输出文件（--all 时为文件夹）
    #[arg(long)]
    pub out: PathBuf,
    /// The long form (every scoring line and indicator, the list of sources). 完整版
    #[arg(long)]
    pub full: bool,
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
    #[arg(long = "plan-file")]
    pub plan_file: Option<PathBuf>,
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let cfg = documents::load_config(data_dir, a.config.as_deref())?;
    match a.command {
        ReportCommand::Annual(x) => annual_cmd(&cfg, data_dir, x),
        ReportCommand::Feedback(x) => feedback_cmd(&cfg, data_dir, x),
        ReportCommand::Bulletin(x) => bulletin_cmd(&cfg, data_dir, x),
        ReportCommand::Final(x) => final_cmd(&cfg, data_dir, x),
        ReportCommand::Tasklist(x) => tasklist_cmd(data_dir, &cfg, x),
        ReportCommand::Text(x) => super::report_text::run(data_dir, x),
        ReportCommand::BulletinText(x) => super::bulletin_text::run(data_dir, x),
    }
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
    let Some(path) = app::settings_file(data_dir, explicit, "scoring.toml") else {
        return Ok(Rules::default());
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
            plan_years: None,
            qualitative_goals: Vec::new(),
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

/// The view for `year`: from `--input`, else from the database (opened for this command; see
/// `app::documents::annual_view`). The assessment's notes (数据说明) go to stderr.
fn view_of(
    cfg: &ReportConfig,
    data_dir: &Path,
    src: &SourceArgs,
    year: i32,
) -> anyhow::Result<AnnualView> {
    let period = planwatch_model::Quarter::new(year, 4).expect("4 is a quarter");
    period_view_of(cfg, data_dir, src, period)
}

/// The view of the assessment at `period`: from `--input` (its period must be `period`), else
/// from the database. The assessment's notes (数据说明) go to stderr.
fn period_view_of(
    cfg: &ReportConfig,
    data_dir: &Path,
    src: &SourceArgs,
    period: planwatch_model::Quarter,
) -> anyhow::Result<AnnualView> {
    let mut v = match &src.input {
        Some(path) => {
            let v = read_view(cfg, data_dir, src.rules.as_deref(), path, period.year())?;
            if period.number() != 4 && v.period != period {
                bail!(
                    "评价数据 {} 是{}的，与 --period {period} 不一致",
                    path.display(),
                    v.period.label_zh()
                );
            }
            v
        }
        None => {
            let settings = documents::AnnualSettings::load(
                data_dir,
                src.rules.as_deref(),
                src.methods.as_deref(),
                src.as_of,
            )?;
            let annual = app::block_on(async {
                let store = app::open(data_dir, OpenMode::Existing).await?;
                let result =
                    documents::period_view(&store, data_dir, &cfg.issuer, period, &settings).await;
                store.close().await;
                result
            })?;
            for n in &annual.notes {
                eprintln!("数据说明：{n}");
            }
            annual.view
        }
    };
    if src.date.is_some() {
        v.issued_on.clone_from(&src.date);
    }
    Ok(v)
}

/// Renders with fonts loaded once for the command, substitutions noted on stderr.
fn renderer(cfg: &ReportConfig) -> Renderer {
    // Substitutions are told by `say_fonts`, role by role, with what was asked for.
    Renderer::new(cfg.clone(), |_| {})
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

/// Tells, for Word and PDF, which font each role asked for and which one is used.
fn say_fonts(r: &Renderer, format: Format) -> anyhow::Result<()> {
    if !matches!(format, Format::Docx | Format::Pdf) {
        return Ok(());
    }
    let report = r.font_report()?;
    eprintln!(
        "字体（{}）：",
        if format == Format::Docx {
            "Word 文档指定各角色的首选字体，打开文档的电脑需已安装；图表图片及下列替代仅用于 PDF 和图表"
        } else {
            "PDF 嵌入实际使用的字体"
        }
    );
    for f in &report {
        eprintln!("  {}", f.line_zh());
    }
    if report
        .iter()
        .any(|f| f.how != planwatch_docs::fonts::FontChoice::Wanted)
    {
        eprintln!(
            "  如需使用公文字体，请把字体文件路径写入报告配置 [fonts] paths（见 README“公文字体”）"
        );
    }
    Ok(())
}

fn form_of(full: bool) -> annual::Form {
    if full {
        annual::Form::Full
    } else {
        annual::Form::Compact
    }
}

/// Word and PDF take the form asked for; HTML and Excel are the system's complete record.
fn annual_form(format: Format, full: bool) -> annual::Form {
    match format {
        Format::Docx | Format::Pdf => form_of(full),
        Format::Html | Format::Xlsx => annual::Form::Full,
    }
}

fn annual_cmd(cfg: &ReportConfig, data_dir: &Path, a: AnnualArgs) -> anyhow::Result<ExitCode> {
    let format = format_of(
        a.format,
        &a.out,
        &[Format::Docx, Format::Pdf, Format::Html, Format::Xlsx],
    )?;
    let view = view_of(cfg, data_dir, &a.source, a.year)?;
    let doc = annual::compose_as(&view, annual_form(format, a.full))?;
    let r = renderer(cfg);
    say_fonts(&r, format)?;
    let bytes = r.render(&doc, format.into())?;
    write_whole(&a.out, &bytes)?;
    done(&a.out, "年度评价考核报告", &doc);
    Ok(ExitCode::SUCCESS)
}

fn feedback_cmd(cfg: &ReportConfig, data_dir: &Path, a: FeedbackArgs) -> anyhow::Result<ExitCode> {
    let form = form_of(a.full);
    if a.all {
        let Some(format) = a.format else {
            bail!("--all 时请用 --format 指定 docx 或 pdf（--out 为文件夹）");
        };
        if !matches!(format, Format::Docx | Format::Pdf) {
            bail!("反馈单不支持 {} 格式，可选：docx、pdf", format.ext());
        }
        if a.out.exists() && !a.out.is_dir() {
            bail!("--out {} 已存在且不是文件夹", a.out.display());
        }
        let view = view_of(cfg, data_dir, &a.source, a.year)?;
        let r = renderer(cfg);
        say_fonts(&r, format)?;
        let files = documents::feedback_all(&r, &view, format.into(), form)?;
        std::fs::create_dir_all(&a.out)
            .with_context(|| format!("无法创建文件夹 {}", a.out.display()))?;
        for (name, bytes) in &files {
            write_whole(&a.out.join(name), bytes)?;
        }
        let zip = a
            .out
            .join(format!("{}年度反馈单（{}家单位）.zip", a.year, files.len()));
        write_whole(&zip, &documents::zip_files(&files)?)?;
        let demo = if view.demo {
            "（含示例数据）"
        } else {
            ""
        };
        println!(
            "已生成{}家单位的反馈单{demo}：{}（另有合集 {}）",
            files.len(),
            a.out.display(),
            zip.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let unit = a.unit.as_deref().unwrap_or_default().trim().to_string();
    let format = format_of(a.format, &a.out, &[Format::Docx, Format::Pdf])?;
    let view = view_of(cfg, data_dir, &a.source, a.year)?;
    let doc = feedback::compose_as(&view, &unit, form)?;
    let r = renderer(cfg);
    say_fonts(&r, format)?;
    let bytes = r.render(&doc, format.into())?;
    write_whole(&a.out, &bytes)?;
    done(&a.out, &format!("{unit}反馈单"), &doc);
    Ok(ExitCode::SUCCESS)
}

fn bulletin_cmd(cfg: &ReportConfig, data_dir: &Path, a: BulletinArgs) -> anyhow::Result<ExitCode> {
    let format = format_of(a.format, &a.out, &[Format::Docx, Format::Pdf, Format::Html])?;
    let view = period_view_of(cfg, data_dir, &a.source, a.period)?;
    let office = if a.source.input.is_some() {
        BTreeMap::new()
    } else {
        app::block_on(async {
            let store = app::open(data_dir, OpenMode::Existing).await?;
            let result = app::report_texts::bulletin_office_texts(&store, a.period).await;
            store.close().await;
            anyhow::Ok(result?)
        })?
    };
    let doc = bulletin::compose(&view, &office);
    let r = renderer(cfg);
    say_fonts(&r, format)?;
    let bytes = r.render(&doc, format.into())?;
    write_whole(&a.out, &bytes)?;
    done(&a.out, &format!("{}通报", a.period.label_zh()), &doc);
    Ok(ExitCode::SUCCESS)
}

/// The plan's last year: from the database's current plan, or the input's whole-plan review.
fn final_year(data_dir: &Path, src: &SourceArgs) -> anyhow::Result<i32> {
    if let Some(path) = &src.input {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("无法读取评价数据 {}", path.display()))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("评价数据 {} 不是 JSON", path.display()))?;
        let year = value
            .get("year")
            .and_then(serde_json::Value::as_i64)
            .or_else(|| {
                value
                    .pointer("/period")
                    .and_then(|p| p.as_str())
                    .and_then(|p| p.get(..4))
                    .and_then(|y| y.parse().ok())
            })
            .with_context(|| format!("评价数据 {} 中没有年度", path.display()))?;
        return Ok(i32::try_from(year).unwrap_or(i32::MAX));
    }
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let revision = store.current_revision().await;
        store.close().await;
        let r = revision?.context("数据库中还没有计划")?;
        Ok(i32::try_from(r.period_end).unwrap_or(i32::MAX))
    })
}

fn final_cmd(cfg: &ReportConfig, data_dir: &Path, a: FinalArgs) -> anyhow::Result<ExitCode> {
    let format = format_of(
        a.format,
        &a.out,
        &[Format::Docx, Format::Pdf, Format::Html, Format::Xlsx],
    )?;
    let year = final_year(data_dir, &a.source)?;
    let view = view_of(cfg, data_dir, &a.source, year)?;
    let doc = final_report::compose_as(&view, annual_form(format, a.full))?;
    let r = renderer(cfg);
    say_fonts(&r, format)?;
    let bytes = r.render(&doc, format.into())?;
    write_whole(&a.out, &bytes)?;
    done(&a.out, "终期评估报告", &doc);
    Ok(ExitCode::SUCCESS)
}

/// The plan and its task forces: from `--plan` (with the embedded organisation's task forces),
/// else the database's current plan and organisation, else the embedded plan and organisation.
fn tasklist_plan(
    data_dir: &Path,
    plan_file: Option<&Path>,
) -> anyhow::Result<(Plan, BTreeMap<u32, String>)> {
    if plan_file.is_some() {
        return documents::tasklist_plan_without_store(plan_file);
    }
    let no_database = matches!(app::location(data_dir)?, Location::Sqlite(p) if !p.exists());
    if no_database {
        eprintln!("提示：数据目录中还没有数据库，使用内置的阳泉市计划和组织架构");
        return documents::tasklist_plan_without_store(None);
    }
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let result = documents::tasklist_plan(&store).await;
        store.close().await;
        result
    })
}

fn tasklist_cmd(data_dir: &Path, cfg: &ReportConfig, a: TasklistArgs) -> anyhow::Result<ExitCode> {
    format_of(Some(Format::Xlsx), &a.out, &[Format::Xlsx])?;
    let (plan, task_forces) = tasklist_plan(data_dir, a.plan_file.as_deref())?;
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
    let bytes = renderer(cfg).render(&doc, Format::Xlsx.into())?;
    write_whole(&a.out, &bytes)?;
    println!(
        "已生成任务清单（{}项任务）：{}",
        plan.tasks.len(),
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
