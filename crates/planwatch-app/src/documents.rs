//! The documents use case: what the annual report, a unit's feedback sheet and the task list are
//! made from, read from a store the caller already holds (the command line opens one for the
//! command; the web app passes its own), and the renderer that turns a composed document into
//! bytes with fonts loaded once per process.
//!
//! Nothing here opens the database or touches its file: a process that holds connections to a
//! SQLite database must never open and close another descriptor on the file (closing it drops
//! every POSIX lock the process holds on it, and another process may then delete the write-ahead
//! log under the server). Reading the store is async; composing and rendering are synchronous
//! and CPU-bound (the web runs them on its blocking pool).

use anyhow::Context as _;
use chrono::NaiveDate;
use planwatch_docs::adapter::{self, FromAssessment};
use planwatch_docs::docx::DocxWriter;
use planwatch_docs::model::Source;
use planwatch_docs::pdf::PdfEngine;
use planwatch_docs::view::AnnualView;
use planwatch_docs::{Document, Fonts, ReportConfig, html, xlsx};
use planwatch_model::{Plan, Quarter};
use planwatch_monitor::Rules;
use planwatch_store::Store;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The report settings: `explicit`, else `<data-dir>/report.toml` when it exists, else the
/// built-in defaults (`config/report.toml`).
pub fn load_config(data_dir: &Path, explicit: Option<&Path>) -> anyhow::Result<ReportConfig> {
    let Some(path) = crate::settings_file(data_dir, explicit, "report.toml") else {
        return Ok(ReportConfig::default());
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("无法读取报告配置 {}", path.display()))?;
    Ok(ReportConfig::from_toml(&text, &path.display().to_string())?)
}

/// How the annual view's assessment is made: scoring rules, indicator methods and the day due
/// dates are judged at. Loaded from files before the store is read.
#[derive(Debug, Clone)]
pub struct AnnualSettings {
    pub rules: Rules,
    /// The rules file used (`None`: the built-in rules), named in the sources list.
    pub rules_path: Option<PathBuf>,
    pub methods: super::assess::MethodConfig,
    /// The day due dates are judged at (`None`: the end of the quarter after the year's last,
    /// or today if earlier).
    pub as_of: Option<NaiveDate>,
}

impl AnnualSettings {
    /// `rules`, else `<data-dir>/scoring.toml` when it exists, else the built-in rules;
    /// `methods`, else the built-in `config/indicator-methods.toml`.
    pub fn load(
        data_dir: &Path,
        rules: Option<&Path>,
        methods: Option<&Path>,
        as_of: Option<NaiveDate>,
    ) -> anyhow::Result<Self> {
        let rules_path = crate::settings_file(data_dir, rules, "scoring.toml");
        Ok(Self {
            rules: super::assess::load_rules(rules_path.as_deref())?,
            rules_path,
            methods: super::assess::load_methods(methods)?,
            as_of,
        })
    }
}

/// A year's annual view and the assessment's notes (数据说明).
#[derive(Debug, Clone)]
pub struct Annual {
    pub view: AnnualView,
    pub notes: Vec<String>,
}

fn fmt_time(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// The view of `year`'s annual report, read from `store`: the assessment at the year's fourth
/// quarter as of `settings.as_of` (default: the end of the following quarter, or today if
/// earlier), with the submissions' units, periods, submitters and times as sources, the units'
/// own words on each task and the office's texts. A unit's feedback sheet is composed from the
/// same view (`planwatch_docs::feedback::compose`).
pub async fn annual_view(
    store: &Store,
    data_dir: &Path,
    issuer: &str,
    year: i32,
    settings: &AnnualSettings,
) -> anyhow::Result<Annual> {
    let period = Quarter::new(year, 4).expect("4 is a quarter");
    period_view(store, data_dir, issuer, period, settings).await
}

/// The view of the assessment at `period` (any quarter; the annual report's is the fourth): what
/// the quarterly bulletin is composed from, exactly as `annual_view` makes the annual report's —
/// the same snapshot, sources and notes — with the reports of `period`'s year up to it.
pub async fn period_view(
    store: &Store,
    data_dir: &Path,
    issuer: &str,
    period: Quarter,
    settings: &AnnualSettings,
) -> anyhow::Result<Annual> {
    use super::assess::input::{ReportFacts, default_as_of, task_id};
    use planwatch_quarterly::{ActionKind, RowKey};

    let year = period.year();
    let today = super::now()
        .with_timezone(&super::assess::china())
        .date_naive();
    let as_of = settings
        .as_of
        .unwrap_or_else(|| default_as_of(period, today));
    let sources = super::assess::load_sources(store, data_dir, settings.methods.clone()).await?;
    let revision = store.revisions().await?.pop();
    let office_text = super::report_texts::office_texts(store, year).await?;
    let outcome = super::assess::assess_sources(&sources, period, as_of, &settings.rules)?;
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
        .map(|r| &**r)
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
            unit: r.content.unit.to_string(),
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
                unit: issuer.to_string(),
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
        unit: issuer.to_string(),
        period: String::new(),
        submitted_by: revision
            .as_ref()
            .map(|r| r.created_by.clone())
            .unwrap_or_default(),
        submitted_at: revision
            .as_ref()
            .map(|r| {
                r.created_at
                    .with_timezone(&super::assess::china())
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
        unit: issuer.to_string(),
        period: String::new(),
        submitted_by: "领导小组办公室".into(),
        submitted_at: String::new(),
        note: settings
            .rules_path
            .as_ref()
            .map_or("内置默认规则（config/scoring.toml）".into(), |p| {
                p.display().to_string()
            }),
    };
    let view = adapter::annual_view(&FromAssessment {
        input: &built.input,
        assessment: &outcome.assessment,
        issuer: issuer.to_string(),
        issued_on: None,
        plan_source,
        rules_source: Some(rules_source),
        sources: listed,
        task_notes,
        // The office's own text for the year's sections (planwatch report text set).
        office_text,
        plan_years: Some((sources.plan.period.start, sources.plan.period.end)),
        qualitative_goals: crate::evaluation::qualitative_goals(&sources.plan)
            .into_iter()
            .map(|text| match sources.judgements.goals.get(&text) {
                Some(j) => planwatch_docs::view::QualitativeGoal {
                    verdict: Some(j.verdict),
                    evidence: j.evidence.clone(),
                    judged_by: Some(format!("{}，{}", j.by, j.on.format("%Y年%-m月%-d日"))),
                    text,
                },
                None => planwatch_docs::view::QualitativeGoal::open(text),
            })
            .collect(),
        // The catalogue knows which indicators the plan states among its headline goals.
        headline: sources
            .catalogue
            .indicators
            .iter()
            .filter(|i| i.headline)
            .map(|i| i.code.to_string())
            .collect(),
    });
    Ok(Annual {
        view,
        notes: outcome.notes,
    })
}

/// Each task's task force from an organisation file (`[[task_force]] tasks = [...]`).
pub fn task_forces_of(org: &planwatch_store::OrgConfig) -> BTreeMap<u32, String> {
    let mut m = BTreeMap::new();
    for tf in &org.task_forces {
        for t in &tf.tasks {
            m.insert(*t, tf.name.clone());
        }
    }
    m
}

/// The task list's input from `store`: the current plan and each task's task force.
pub async fn tasklist_plan(store: &Store) -> anyhow::Result<(Plan, BTreeMap<u32, String>)> {
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
}

/// The task list's input without a database: a plan file (interchange JSON or plan text), or the
/// embedded Yangquan plan, with the embedded organisation's task forces.
pub fn tasklist_plan_without_store(
    plan_file: Option<&Path>,
) -> anyhow::Result<(Plan, BTreeMap<u32, String>)> {
    let plan = match plan_file {
        Some(path) => super::plan_input::read_plan_file(path)?.0,
        None => super::plan_input::embedded_plan().0,
    };
    Ok((plan, task_forces_of(&super::default_org()?)))
}

/// The feedback sheets of every unit of `view` (`planwatch_docs::feedback::units`), each as a
/// file named after its unit (`市科技局2024年度反馈单.pdf`), in the units' order.
pub fn feedback_all(
    renderer: &Renderer,
    view: &AnnualView,
    format: Format,
    form: planwatch_docs::annual::Form,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for unit in planwatch_docs::feedback::units(view) {
        let doc = planwatch_docs::feedback::compose_as(view, &unit, form)?;
        let bytes = renderer.render(&doc, format)?;
        out.push((feedback_file_name(&unit, view.year, format), bytes));
    }
    Ok(out)
}

/// `市科技局2024年度反馈单.pdf`; characters a file system refuses become `_`.
pub fn feedback_file_name(unit: &str, year: i32, format: Format) -> String {
    let safe: String = unit
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("{safe}{year}年度反馈单.{}", format.ext())
}

/// The files as one zip archive (deflated), in the order given.
pub fn zip_files(files: &[(String, Vec<u8>)]) -> anyhow::Result<Vec<u8>> {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// A document format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Pdf,
    Html,
    Xlsx,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
            Format::Html => "text/html; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        [Format::Docx, Format::Pdf, Format::Html, Format::Xlsx]
            .into_iter()
            .find(|f| f.ext() == s)
    }
}

/// The fonts and the writers that need them, made on first use.
struct Engines {
    fonts: Arc<Fonts>,
    pdf: PdfEngine,
}

/// Turns composed documents into bytes for one report configuration. Fonts (which only PDF and
/// Word need) are found and loaded the first time one of those is rendered and then kept, so a
/// process that keeps its renderer — the web server keeps one per configuration — scans and
/// reads the font files once. Rendering takes `&self` and may run on several threads at once.
pub struct Renderer {
    cfg: ReportConfig,
    engines: Mutex<Option<Arc<Engines>>>,
    /// Told each font substitution once, when the fonts are loaded.
    on_font_note: fn(&str),
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer").field("cfg", &self.cfg).finish()
    }
}

impl Renderer {
    pub fn new(cfg: ReportConfig, on_font_note: fn(&str)) -> Self {
        Self {
            cfg,
            engines: Mutex::new(None),
            on_font_note,
        }
    }

    /// The configuration this renderer was made from.
    pub fn config(&self) -> &ReportConfig {
        &self.cfg
    }

    /// The fonts and the PDF engine, loaded on first use (a failed load is tried again next
    /// time, so installing a font needs no restart). Concurrent first uses load once.
    fn engines(&self) -> anyhow::Result<Arc<Engines>> {
        let mut slot = self.engines.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = slot.as_ref() {
            return Ok(e.clone());
        }
        let fonts = Arc::new(Fonts::load(&self.cfg.fonts)?);
        for n in fonts.notes() {
            (self.on_font_note)(n);
        }
        let engines = Arc::new(Engines {
            pdf: PdfEngine::new(fonts.clone(), self.cfg.layout.clone()),
            fonts,
        });
        *slot = Some(engines.clone());
        Ok(engines)
    }

    /// For every typographic role, the font asked for and the one used (loading the fonts if
    /// they are not loaded yet): what `planwatch report` prints and the 报告 page shows.
    pub fn font_report(&self) -> anyhow::Result<Vec<planwatch_docs::fonts::FontUse>> {
        Ok(self.engines()?.fonts.report())
    }

    pub fn render(&self, doc: &Document, format: Format) -> anyhow::Result<Vec<u8>> {
        let cfg = &self.cfg;
        Ok(match format {
            Format::Html => html::render(doc, &cfg.fonts).into_bytes(),
            Format::Xlsx => xlsx::render(doc, cfg.fonts.table.first().map_or("宋体", |s| s))?,
            Format::Docx => {
                DocxWriter::new(self.engines()?.fonts.clone(), cfg.clone()).render(doc)?
            }
            Format::Pdf => self.engines()?.pdf.render(doc)?,
        })
    }
}
