//! The assessment use case: gather the plan, organisation, catalogue, breakdown, periods and
//! reports (from the store, or from the pure demo generator), build the monitor's input
//! ([`input`]) and run the pure monitor. Nothing is cached: every call recomputes from what is
//! committed, so an accepted submission shows in the very next assessment (ARCHITECTURE.md,
//! "Assessment from the store").

pub mod demo;
pub mod input;

use anyhow::Context as _;
use planwatch_monitor::{Assessment, Rules};
use planwatch_quarterly::fold_saves;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

pub use input::{AssessSources, MethodConfig};

/// The scoring rules: the file given, or the built-in defaults (equal to `config/scoring.toml`).
pub fn load_rules(path: Option<&Path>) -> anyhow::Result<Rules> {
    let Some(p) = path else {
        return Ok(Rules::default());
    };
    let text = std::fs::read_to_string(p)
        .with_context(|| format!("无法读取评分规则文件 {}", p.display()))?;
    Rules::from_toml_str(&text).with_context(|| format!("评分规则文件 {} 有误", p.display()))
}

/// The indicator methods: the file given, or the built-in `config/indicator-methods.toml`.
pub fn load_methods(path: Option<&Path>) -> anyhow::Result<MethodConfig> {
    let Some(p) = path else {
        return Ok(MethodConfig::builtin());
    };
    let text = std::fs::read_to_string(p)
        .with_context(|| format!("无法读取指标测算方法文件 {}", p.display()))?;
    Ok(MethodConfig::from_toml(&text, &p.display().to_string())?)
}

/// An assessment with the adapter's notes (数据说明).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub assessment: Assessment,
    pub notes: Vec<String>,
    /// Decimals to print each indicator's values with, where the catalogue fixes them (whole
    /// numbers for counts); the monitor's own sentences already use them.
    pub decimals: BTreeMap<String, u8>,
}

impl Outcome {
    /// A value of indicator `i` as every output writes it (its unit, the configured or derived
    /// decimals): the one place pages, the API and `planwatch assess` take a figure from.
    pub fn figure(
        &self,
        i: &planwatch_monitor::indicator::IndicatorAssessment,
        value: f64,
    ) -> planwatch_model::Figure {
        i.figure(value, self.decimals.get(&i.id).copied())
    }
}

/// Builds the input for `period` as of `as_of` and assesses it.
pub fn assess_sources(
    sources: &AssessSources,
    period: planwatch_model::Quarter,
    as_of: chrono::NaiveDate,
    rules: &Rules,
) -> anyhow::Result<Outcome> {
    let plan = &sources.plan.period;
    if period.year() < plan.start || period.year() > plan.end {
        anyhow::bail!(
            "{}不在计划期内：《{}》的评价期为{}年第一季度至{}年第四季度",
            period.label_zh(),
            sources.plan.title,
            plan.start,
            plan.end
        );
    }
    let built = sources.build(period, as_of);
    let assessment = planwatch_monitor::assess(&built.input, rules)
        .context("监测输入有误，未能完成评价；请按提示更正数据后重试")?;
    let decimals = built
        .input
        .indicators
        .iter()
        .filter_map(|i| Some((i.id.clone(), i.decimals?)))
        .collect();
    Ok(Outcome {
        assessment,
        notes: built.notes,
        decimals,
    })
}

/// China Standard Time, in which report deadlines and due dates are calendar days.
pub fn china() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// Reads everything the assessment needs from the store, in its committed state: the current
/// plan with its reporting setup (created on first use, as every reporting command does), the
/// organisation, every report with its workflow history, and the official series. Nothing is
/// cached between calls.
pub async fn load_sources(
    store: &planwatch_store::Store,
    data_dir: &Path,
    methods: MethodConfig,
) -> anyhow::Result<AssessSources> {
    let ctx = super::reporting::prepare(store, data_dir, &super::cli_actor(), super::now()).await?;
    Ok(load_sources_in(store, &ctx, methods).await?.0)
}

/// The sources of the assessment within a reporting context already prepared (the web keeps one
/// per plan and setup version), with the stored reports they were taken from (the pages show
/// their events): the reports are read once for both. Each report's history is kept with its runs
/// of saves folded ([`fold_saves`]): all the assessment and the pages read of it stays the same,
/// and a report a data platform saved thousands of times stays small.
pub async fn load_sources_in(
    store: &planwatch_store::Store,
    ctx: &super::reporting::Context,
    methods: MethodConfig,
) -> anyhow::Result<(AssessSources, Vec<Arc<planwatch_store::StoredReport>>)> {
    let units = store.units().await?;
    let view = store.org_view().await?;
    // The series before the reports: a value published by an acceptance is then always matched
    // by that acceptance in the reports read next, even if another server accepts a report
    // between the two reads (the store offers no single snapshot across them).
    let history = store.indicator_history().await?;
    let stored: Vec<Arc<planwatch_store::StoredReport>> = store
        .reports(None)
        .await?
        .into_iter()
        .map(|mut r| {
            fold_saves(&mut r.events);
            Arc::new(r)
        })
        .collect();
    let reports: Vec<_> = stored.iter().map(|r| report_facts(r)).collect();
    let history = history.into_iter().flat_map(|(code, series)| {
        series
            .into_iter()
            .map(move |(quarter, value)| input::ValueFact {
                code: code.clone(),
                quarter,
                value,
                source: "历史数据导入".to_string(),
                recorded_on: None,
            })
    });
    let values = official_series(&reports, history);
    let sources = AssessSources {
        org: input::OrgFacts::from_store(&units, &view),
        plan: ctx.plan.clone(),
        catalogue: ctx.catalogue.clone(),
        breakdown: ctx.breakdown.clone(),
        settings: ctx.settings.clone(),
        periods: ctx.periods.clone(),
        reports,
        values,
        // The store's catalogue carries the baselines on record.
        baselines: Vec::new(),
        methods,
        judgements: crate::evaluation::Judgements::load(store).await?,
    };
    Ok((sources, stored))
}

fn report_facts(r: &planwatch_store::StoredReport) -> Arc<input::ReportFacts> {
    Arc::new(input::ReportFacts::from_events(
        r.content.clone(),
        &r.events,
    ))
}

/// The official series holds the values of accepted reports (taken from the reports, with the
/// day of acceptance, so an assessment as of an earlier day leaves later ones out) and imported
/// history (known from the start) for the quarters no accepted report gives.
fn official_series(
    reports: &[Arc<input::ReportFacts>],
    history: impl IntoIterator<Item = input::ValueFact>,
) -> Vec<input::ValueFact> {
    let mut values = input::official_values(reports);
    let from_reports: BTreeSet<(String, planwatch_model::Quarter)> =
        values.iter().map(|v| (v.code.clone(), v.quarter)).collect();
    values.extend(
        history
            .into_iter()
            .filter(|v| !from_reports.contains(&(v.code.clone(), v.quarter))),
    );
    values
}

/// The workflow steps after which a report's values in the official series are what they were:
/// only an acceptance publishes them and only a reopening takes them back.
pub const STEPS_KEEPING_THE_SERIES: &[&str] = &[
    "report.edit",
    "report.request_approval",
    "report.approve",
    "report.submit",
    "report.return",
];

/// The sources with some of their stored reports read anew (`fresh`, each replacing the stored
/// report of the same unit and quarter), for changes of those reports by
/// [`STEPS_KEEPING_THE_SERIES`] alone: everything else is as it was, and the reports not read
/// anew are shared with `sources` and `stored`, not copied (a province's plan has hundreds).
/// `None` if a fresh report is not among `stored` (a new report: the caller loads everything),
/// or if `stored` is not the list `sources` was taken from (as [`load_sources_in`] gives them,
/// report for report). Fresh histories are folded as [`load_sources_in`] folds them.
pub fn with_fresh_reports(
    sources: &AssessSources,
    stored: &[Arc<planwatch_store::StoredReport>],
    fresh: Vec<planwatch_store::StoredReport>,
) -> Option<(AssessSources, Vec<Arc<planwatch_store::StoredReport>>)> {
    let taken_from = |s: &planwatch_store::StoredReport, f: &input::ReportFacts| {
        f.content.unit == s.unit && f.content.period == Some(s.period)
    };
    if sources.reports.len() != stored.len()
        || !stored
            .iter()
            .zip(&sources.reports)
            .all(|(s, f)| taken_from(s, f))
    {
        return None;
    }
    let mut stored = stored.to_vec();
    let mut reports = sources.reports.clone();
    for mut f in fresh {
        fold_saves(&mut f.events);
        let at = stored
            .iter()
            .position(|r| r.unit == f.unit && r.period == f.period)?;
        reports[at] = report_facts(&f);
        stored[at] = Arc::new(f);
    }
    // The imported history as the full load took it (values no accepted report gives).
    let history = sources
        .values
        .iter()
        .filter(|v| v.recorded_on.is_none())
        .cloned();
    let values = official_series(&reports, history);
    let sources = AssessSources {
        reports,
        values,
        ..sources.clone_without_reports()
    };
    Some((sources, stored))
}

/// Which kept assessments still hold after some reports changed (see
/// [`assessments_kept_before`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeptAssessments {
    /// Those of the quarters before this one.
    Before(planwatch_model::Quarter),
    /// Every one: the changes were all in what no assessment reads.
    Every,
}

impl KeptAssessments {
    /// Whether an assessment of `q` (as of any day) still holds.
    pub fn keeps(self, q: planwatch_model::Quarter) -> bool {
        match self {
            KeptAssessments::Before(first) => q < first,
            KeptAssessments::Every => true,
        }
    }
}

/// Which assessments are the same for `old` and `new`, sources that differ only in the reports of
/// the quarters `touched` (as [`with_fresh_reports`] gives them). An assessment of a quarter
/// before every touched one is the same for both, as of any day, since
/// [`AssessSources::build`](input::AssessSources::build) reads no report of a quarter after the
/// one it assesses — its accepted reports, its pending and returned ones and the duty to report
/// all stop at that quarter. A touched report that is the same in all the assessment reads of it
/// ([`same_for_assessment`]: a draft saved again) touches nothing. What every quarter reads is
/// checked to be the same: the official series, whether the data are 示例数据, and which units
/// reported which quarters. `None` when it is not, or when nothing was touched: nothing is known
/// to be the same then.
pub fn assessments_kept_before(
    old: &AssessSources,
    new: &AssessSources,
    touched: impl IntoIterator<Item = planwatch_model::Quarter>,
) -> Option<KeptAssessments> {
    let touched: BTreeSet<planwatch_model::Quarter> = touched.into_iter().collect();
    if touched.is_empty() {
        return None;
    }
    let key = |r: &input::ReportFacts| (r.content.unit.clone(), r.content.period);
    let same = old.values == new.values
        && old.is_demo() == new.is_demo()
        && old.reports.len() == new.reports.len()
        && old
            .reports
            .iter()
            .zip(&new.reports)
            .all(|(a, b)| key(a) == key(b));
    if !same {
        return None;
    }
    let first = old
        .reports
        .iter()
        .zip(&new.reports)
        .filter(|(a, _)| a.content.period.is_some_and(|q| touched.contains(&q)))
        .filter(|(a, b)| !same_for_assessment(a, b))
        .filter_map(|(a, _)| a.content.period)
        .min();
    Some(first.map_or(KeptAssessments::Every, KeptAssessments::Before))
}

/// Whether the assessment reads the same of the report `a` as of `b` (the same report, unit and
/// quarter), as of any day. [`AssessSources::build`](input::AssessSources::build) reads of a
/// report its unit, quarter and 示例数据 mark; its submissions, returns, reopenings and
/// acceptances with their times (the duty to report, the official series); the kind of its latest
/// step by the day assessed (`accepted_by`, the pending and returned reports) — where saving,
/// asking for approval and approving are alike, none of them counting; and its content only
/// while it is accepted. So a draft saved again, with other values, reads the same.
pub fn same_for_assessment(a: &input::ReportFacts, b: &input::ReportFacts) -> bool {
    use planwatch_quarterly::ActionKind;
    let counts = |k: ActionKind| input::event_kind(k).is_some();
    let ever_accepted =
        |r: &input::ReportFacts| r.steps.iter().any(|s| s.action == ActionKind::Accept);
    if a.content.unit != b.content.unit
        || a.content.period != b.content.period
        || a.content.demo != b.content.demo
        || ((ever_accepted(a) || ever_accepted(b)) && a.content != b.content)
    {
        return false;
    }
    let counted = |r: &'_ input::ReportFacts| {
        r.steps
            .iter()
            .filter(|s| counts(s.action))
            .map(|s| (s.action, s.at))
            .collect::<Vec<_>>()
    };
    if counted(a) != counted(b) {
        return false;
    }
    // The kind of the latest step by a day changes only on the days of steps.
    let latest = |r: &input::ReportFacts, day: chrono::NaiveDate| {
        r.steps
            .iter()
            .rfind(|s| s.at.date() <= day)
            .map(|s| s.action)
            .filter(|k| counts(*k))
    };
    a.steps
        .iter()
        .chain(&b.steps)
        .all(|s| latest(a, s.at.date()) == latest(b, s.at.date()))
}

/// `planwatch assess`: opens the store in `data_dir` (or `DATABASE_URL`), reads the current
/// plan and everything reported, and assesses `period` as of `as_of`.
pub async fn from_store(
    data_dir: &Path,
    period: planwatch_model::Quarter,
    as_of: chrono::NaiveDate,
    rules: &Rules,
    methods: MethodConfig,
) -> anyhow::Result<Outcome> {
    let store = super::open(data_dir, planwatch_store::OpenMode::Existing).await?;
    let result = async {
        let sources = load_sources(&store, data_dir, methods).await?;
        assess_sources(&sources, period, as_of, rules)
    }
    .await;
    store.close().await;
    result
}

/// The Yangquan plan with demo data, for tests and benchmarks here and in the adapters (reads the
/// gold fixture from the repository).
#[doc(hidden)]
pub mod testing {
    use super::demo::{DemoSetup, DemoSources, demo_sources};
    use super::input::{MethodConfig, OrgFacts};
    use chrono::NaiveDateTime;
    use planwatch_model::{Plan, Quarter};
    use planwatch_quarterly::{CatalogueConfig, ReportingSettings};

    pub fn q(s: &str) -> Quarter {
        Quarter::parse(s).expect("quarter")
    }

    pub fn yangquan_plan() -> Plan {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/plans/yangquan-2022-2024.gold.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).expect("gold fixture"))
            .expect("the gold file is a plan")
    }

    pub fn yangquan_org(plan: &Plan) -> OrgFacts {
        let cfg = crate::default_org().expect("the shipped organisation parses");
        super::demo::org_from_config(plan, &cfg)
    }

    pub fn now() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-01-01 00:00", "%Y-%m-%d %H:%M").expect("now")
    }

    /// The Yangquan plan with demo data up to `until`.
    pub fn yangquan_demo(until: &str, seed: u64) -> DemoSources {
        let plan = yangquan_plan();
        let org = yangquan_org(&plan);
        demo_sources(
            plan,
            DemoSetup {
                org,
                catalogue: &CatalogueConfig::yangquan(),
                settings: ReportingSettings::default(),
                methods: MethodConfig::builtin(),
            },
            q(until),
            seed,
            now(),
        )
        .expect("the Yangquan catalogue builds")
    }
}

#[cfg(test)]
mod tests {
    use super::demo::DemoSources;
    use super::input::{
        DEFAULT_METHODS_TOML, MethodConfig, ReportStep, default_as_of, official_values, task_id,
    };
    use super::testing::{q, yangquan_demo, yangquan_org, yangquan_plan};
    use super::*;
    use chrono::NaiveDate;
    use planwatch_model::{Quarter, ReportState, UnitKind};
    use planwatch_monitor::indicator::IndicatorStatus;
    use planwatch_quarterly::ActionKind;
    use std::collections::BTreeSet;

    fn assess_demo(d: &DemoSources, period: &str) -> Outcome {
        assess_sources(&d.sources, q(period), d.as_of.date(), &Rules::default())
            .expect("demo data are valid monitor input")
    }

    #[test]
    fn the_shipped_method_file_equals_the_built_in_defaults() {
        assert_eq!(
            MethodConfig::from_toml(DEFAULT_METHODS_TOML, "x").expect("parses"),
            MethodConfig::default()
        );
    }

    #[test]
    fn an_unknown_key_in_the_method_file_is_an_error_naming_the_file() {
        let e = MethodConfig::from_toml("[default]\ncumulativ = \"schedule\"\n", "m.toml")
            .expect_err("typo");
        assert!(e.to_string().contains("m.toml"), "{e}");
    }

    #[test]
    fn the_organisation_file_gives_every_unit_a_kind_and_the_counties_their_group() {
        let plan = yangquan_plan();
        let org = yangquan_org(&plan);
        let kind = |n: &str| org.units.iter().find(|u| u.name == n).map(|u| u.kind);
        assert_eq!(kind("城区人民政府"), Some(UnitKind::CountyGovernment));
        assert_eq!(kind("各县（区）人民政府"), Some(UnitKind::Group));
        assert_eq!(kind("华阳集团"), Some(UnitKind::Enterprise));
        assert_eq!(kind("市科技局"), Some(UnitKind::CityDepartment));
        assert_eq!(org.groups.0["各县（区）人民政府"].len(), 5);
        let steered: BTreeSet<u32> = org
            .task_forces
            .iter()
            .flat_map(|t| t.tasks.clone())
            .collect();
        assert_eq!(steered, (1..=22).collect());
    }

    #[test]
    fn every_yangquan_indicator_is_assessed_with_a_status_and_an_explanation() {
        let d = yangquan_demo("2024Q2", 7);
        let a = assess_demo(&d, "2024Q2").assessment;
        let codes: BTreeSet<&str> = a.indicators.iter().map(|i| i.id.as_str()).collect();
        let expected: BTreeSet<&str> = d
            .sources
            .catalogue
            .indicators
            .iter()
            .map(|i| i.code.as_str())
            .collect();
        assert_eq!(codes, expected);
        assert_eq!(a.indicators.len(), 47);
        for i in &a.indicators {
            assert!(!i.explanation.trim().is_empty(), "{}", i.id);
            assert!(i.latest.is_some(), "{} has no accepted value", i.id);
            // Only the schedule method needs this quarter's own value; where that report still
            // awaits review, the indicator says so rather than guessing.
            if i.status == IndicatorStatus::NotAvailable {
                assert!(
                    i.explanation.contains("暂无数值"),
                    "{}: {}",
                    i.id,
                    i.explanation
                );
            }
        }
        let available = a
            .indicators
            .iter()
            .filter(|i| i.status != IndicatorStatus::NotAvailable)
            .count();
        assert!(available >= 40, "only {available} indicators with a status");
        let forecasts = a.indicators.iter().filter(|i| i.forecast.is_some()).count();
        assert!(forecasts >= 40, "only {forecasts} forecasts");
        assert!(a.demo, "demo data must be labelled");
    }

    #[test]
    fn every_task_is_assessed_with_its_task_force_and_milestones() {
        let d = yangquan_demo("2024Q2", 7);
        let a = assess_demo(&d, "2024Q2").assessment;
        assert_eq!(a.tasks.len(), 22);
        for (k, t) in a.tasks.iter().enumerate() {
            let n = u32::try_from(k + 1).expect("small");
            assert_eq!(t.id, task_id(n));
            assert!(t.task_force.is_some(), "task {n} has no task force");
            assert!(!t.explanation.is_empty(), "task {n}");
        }
        let milestones: usize = a.tasks.iter().map(|t| t.milestones.len()).sum();
        assert!(milestones > 0);
        // Some breakdown items of 2022 and 2023 were never reported done: the demo's overdue cases.
        assert!(!a.overdue_milestones.is_empty());
    }

    #[test]
    fn every_unit_gets_a_score_whose_breakdown_sums_exactly_and_a_rank_in_its_class() {
        let d = yangquan_demo("2024Q2", 7);
        let a = assess_demo(&d, "2024Q2").assessment;
        let scored: BTreeSet<&str> = a.units.iter().map(|u| u.unit.as_str()).collect();
        for u in d
            .sources
            .org
            .units
            .iter()
            .filter(|u| u.kind != UnitKind::Group)
        {
            assert!(scored.contains(u.name.as_str()), "{} is not scored", u.name);
        }
        for u in &a.units {
            assert!(u.score.reproduces(), "{}", u.unit);
            let sum: planwatch_monitor::points::Points =
                u.score.items.iter().map(|i| i.points).sum();
            assert_eq!(sum, u.score.total, "{}", u.unit);
            assert_eq!(u.rank.is_some(), u.class.is_some(), "{}", u.unit);
        }
        // Late and missing reports cost points somewhere.
        assert!(a.units.iter().any(|u| u.score.items.len() > 1));
        assert!(a.summary.reports_late > 0 && a.summary.reports_missing > 0);
    }

    #[test]
    fn only_accepted_reports_count_and_an_acceptance_shows_in_the_next_assessment() {
        // A 2024Q2 report with indicators that still awaits review at as_of (the demo leaves a
        // few reports awaiting review; which units they are depends on the seed).
        let (mut d, k) = (7..40)
            .find_map(|seed| {
                let d = yangquan_demo("2024Q2", seed);
                let k = d.sources.reports.iter().position(|r| {
                    r.content.period == Some(q("2024Q2"))
                        && !r.content.indicators.is_empty()
                        && r.steps.last().map(|s| s.action) == Some(ActionKind::Submit)
                })?;
                Some((d, k))
            })
            .expect("some seed leaves a 2024Q2 report with indicators awaiting review");
        let as_of = d.as_of.date();
        let before = assess_demo(&d, "2024Q2").assessment;
        let code = d.sources.reports[k].content.indicators[0].code.clone();
        let latest = |a: &Assessment| {
            a.indicators
                .iter()
                .find(|i| i.id == code)
                .and_then(|i| i.latest.as_ref())
                .map(|l| l.at)
        };
        assert_ne!(
            latest(&before),
            Some(planwatch_monitor::time::TimePoint::Quarter(q("2024Q2")))
        );
        let accepted_at = d.as_of;
        Arc::make_mut(&mut d.sources.reports[k])
            .steps
            .push(ReportStep {
                action: ActionKind::Accept,
                at: accepted_at,
            });
        d.sources.values = official_values(&d.sources.reports);
        let after = assess_sources(&d.sources, q("2024Q2"), as_of, &Rules::default())
            .expect("valid")
            .assessment;
        assert_eq!(
            latest(&after),
            Some(planwatch_monitor::time::TimePoint::Quarter(q("2024Q2")))
        );
        assert_ne!(before.indicators, after.indicators);
    }

    #[test]
    fn a_past_assessment_ignores_everything_recorded_after_its_date() {
        let d = yangquan_demo("2024Q2", 7);
        let cut = NaiveDate::from_ymd_opt(2024, 1, 20).expect("date");
        let a = assess_sources(&d.sources, q("2023Q4"), cut, &Rules::default())
            .expect("valid")
            .assessment;
        let mut trimmed = d.sources.clone();
        for r in &mut trimmed.reports {
            Arc::make_mut(r).steps.retain(|s| s.at.date() <= cut);
        }
        trimmed
            .values
            .retain(|v| v.recorded_on.is_none_or(|x| x <= cut));
        let b = assess_sources(&trimmed, q("2023Q4"), cut, &Rules::default())
            .expect("valid")
            .assessment;
        assert_eq!(a, b);
    }

    #[test]
    fn reports_never_accepted_are_not_evidence_but_still_count_for_timeliness() {
        let d = yangquan_demo("2024Q2", 7);
        let a = assess_demo(&d, "2024Q2").assessment;
        let not_accepted = d
            .sources
            .reports
            .iter()
            .filter(|r| !r.accepted_by(d.as_of.date()))
            .filter(|r| r.steps.iter().any(|s| s.action == ActionKind::Submit))
            .count();
        assert!(not_accepted > 0);
        let awaiting = a
            .reporting
            .iter()
            .filter(|r| r.review == planwatch_monitor::reporting::ReviewState::AwaitingReview)
            .count();
        assert!(awaiting > 0);
        let _ = ReportState::Submitted;
    }

    #[test]
    fn the_default_date_of_an_assessment_is_the_end_of_the_following_quarter_or_today() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
        assert_eq!(
            default_as_of(q("2023Q4"), today),
            NaiveDate::from_ymd_opt(2024, 3, 31).expect("date")
        );
        let early = NaiveDate::from_ymd_opt(2024, 7, 15).expect("date");
        assert_eq!(default_as_of(q("2024Q2"), early), early);
    }

    #[test]
    fn of_two_targets_in_one_year_the_stricter_counts_and_the_note_names_the_other() {
        let d = yangquan_demo("2024Q2", 7);
        let a = assess_demo(&d, "2024Q2");
        assert!(
            a.notes.contains(
                &"指标“省级以上创新平台数量”在2024年有两个目标：按从严的30（任务17）测算，20（总体目标）作为参考"
                    .to_string()
            ),
            "{:#?}",
            a.notes
        );
        let platforms = a
            .assessment
            .indicators
            .iter()
            .find(|i| i.name == "省级以上创新平台数量")
            .expect("indicator");
        let values: Vec<f64> = platforms.targets.iter().map(|t| t.value).collect();
        assert_eq!(values, vec![30.0], "{platforms:#?}");
    }

    /// Words never contradict numbers: over every quarter of the demo, an indicator reads
    /// 达到序时进度 only when its share of the year's work is at least the expected share.
    #[test]
    fn a_verdict_never_says_on_schedule_below_the_expected_share() {
        let d = yangquan_demo("2024Q4", 7);
        let mut checked = 0;
        for p in planwatch_model::Quarter::range(q("2022Q1"), q("2024Q4")) {
            let a = assess_sources(
                &d.sources,
                p,
                default_as_of(p, d.as_of.date()),
                &Rules::default(),
            )
            .expect("assessed");
            for i in &a.assessment.indicators {
                if i.verdict() == planwatch_model::IndicatorVerdict::OnSchedule
                    && let Some(s) = &i.schedule
                    && let Some(actual) = s.actual_share
                {
                    assert!(
                        actual >= s.expected_share,
                        "{p} {}: {actual} < {}",
                        i.name,
                        s.expected_share
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 20, "only {checked} on-schedule verdicts checked");
    }

    #[test]
    fn reports_awaiting_review_or_returned_are_named_in_the_notes() {
        let d = yangquan_demo("2024Q2", 7);
        let as_of = d.as_of.date();
        let notes = assess_demo(&d, "2024Q2").notes;
        let pending: Vec<&str> = d
            .sources
            .reports
            .iter()
            .filter(|r| r.content.period == Some(q("2024Q2")))
            .filter(|r| {
                r.steps
                    .iter()
                    .rfind(|s| s.at.date() <= as_of)
                    .map(|s| s.action)
                    == Some(ActionKind::Submit)
            })
            .map(|r| r.content.unit.as_str())
            .collect();
        assert!(!pending.is_empty());
        let note = notes
            .iter()
            .find(|n| n.contains("尚待审核"))
            .expect("a note on pending reports");
        for u in &pending {
            assert!(
                note.contains(&format!("{u}（2024年第二季度）")),
                "{u}: {note}"
            );
        }
        assert!(
            note.starts_with(&format!("以下{}份报告", pending.len())),
            "{note}"
        );
    }

    #[test]
    fn a_report_reopened_for_correction_gives_its_published_values_not_its_draft() {
        let d = yangquan_demo("2024Q2", 7);
        let mut s = d.sources.clone();
        let k = s
            .reports
            .iter()
            .position(|r| {
                r.steps.last().map(|x| x.action) == Some(ActionKind::Accept)
                    && r.content.indicators.iter().any(|i| i.value.is_some())
            })
            .expect("an accepted report with a value");
        let (code, quarter, published) = {
            let r = &s.reports[k];
            let row = r
                .content
                .indicators
                .iter()
                .find(|i| i.value.is_some())
                .expect("a value");
            (
                row.code.to_string(),
                r.content.period.expect("period"),
                row.value.expect("value"),
            )
        };
        // The series on record, as the store holds it after the acceptance.
        let history = vec![input::ValueFact {
            code: code.clone(),
            quarter,
            value: published,
            source: "历史数据导入".into(),
            recorded_on: None,
        }];
        let value = |s: &AssessSources| {
            official_series(&s.reports, history.clone())
                .into_iter()
                .find(|v| v.code == code && v.quarter == quarter)
                .map(|v| v.value)
        };
        assert_eq!(value(&s), Some(published));
        let accepted = s.reports[k].steps.last().map(|x| x.at).expect("accepted");
        let day = |n: i64| accepted + chrono::Duration::days(n);
        let step = |action, at| ReportStep { action, at };
        // Reopened, and the unit corrects the value in its draft: not reviewed yet.
        let r = Arc::make_mut(&mut s.reports[k]);
        r.steps.push(step(ActionKind::Reopen, day(1)));
        r.steps.push(step(ActionKind::Edit, day(2)));
        let row = Arc::make_mut(&mut r.content)
            .indicators
            .iter_mut()
            .find(|i| i.code.as_str() == code)
            .expect("the row");
        row.value = Some(published + 1.0);
        assert_eq!(value(&s), Some(published), "the published value stands");
        // Sent and accepted again: the corrected value is official.
        let r = Arc::make_mut(&mut s.reports[k]);
        r.steps.push(step(ActionKind::Approve, day(3)));
        r.steps.push(step(ActionKind::Submit, day(3)));
        r.steps.push(step(ActionKind::Accept, day(4)));
        assert_eq!(value(&s), Some(published + 1.0));
    }

    #[test]
    fn folding_runs_of_saves_changes_no_assessment() {
        let d = yangquan_demo("2024Q2", 7);
        let today = d.as_of.date();
        let event = |action: ActionKind, at: chrono::NaiveDateTime, by: &str| {
            planwatch_quarterly::WorkflowEvent {
                action,
                from: None,
                to: ReportState::Draft,
                by: by.into(),
                role: planwatch_model::Role::Reporter,
                at,
                comment: None,
                version: 0,
            }
        };
        let (mut full, mut folded) = (d.sources.clone(), d.sources.clone());
        let mut days: BTreeSet<(Quarter, NaiveDate)> = BTreeSet::new();
        for (k, r) in d.sources.reports.iter().enumerate() {
            let mut events = Vec::new();
            for (i, s) in r.steps.iter().enumerate() {
                events.push(event(s.action, s.at, "某人"));
                if s.action != ActionKind::Return {
                    continue;
                }
                // A returned report that a data platform saves every six hours until it is sent
                // again (or until today).
                let until = r.steps.get(i + 1).map_or(d.as_of, |n| n.at);
                let saves = (1..)
                    .map(|n| s.at + chrono::Duration::hours(6 * n))
                    .take_while(|at| *at < until);
                for at in saves {
                    days.insert((r.content.period.expect("period"), at.date()));
                    events.push(event(ActionKind::Edit, at, "数据平台"));
                }
            }
            full.reports[k] = Arc::new(input::ReportFacts::from_events(r.content.clone(), &events));
            fold_saves(&mut events);
            folded.reports[k] =
                Arc::new(input::ReportFacts::from_events(r.content.clone(), &events));
        }
        let steps = |s: &AssessSources| s.reports.iter().map(|r| r.steps.len()).sum::<usize>();
        assert!(
            steps(&folded) + 100 < steps(&full),
            "runs of saves were made and folded: {} → {}",
            steps(&full),
            steps(&folded)
        );
        let rules = Rules::default();
        let mut checked = 0;
        for (p, day) in &days {
            for as_of in [*day, default_as_of(*p, today), today] {
                let a = assess_sources(&full, *p, as_of, &rules).expect("full");
                let b = assess_sources(&folded, *p, as_of, &rules).expect("folded");
                assert_eq!(a, b, "{p} as of {as_of}");
                checked += 1;
            }
        }
        assert!(checked > 10, "{checked} assessments compared");
    }

    #[test]
    fn assessments_of_quarters_before_a_changed_report_are_the_same_as_computed_anew() {
        let d = yangquan_demo("2024Q2", 7);
        let old = &d.sources;
        let changed = q("2024Q2");
        // A report of 2024Q2 awaiting review is returned, and its unit edits its draft: steps that
        // leave the official series as it was, as the web's refresh meets them.
        let mut new = old.clone();
        let r = new
            .reports
            .iter_mut()
            .find(|r| {
                r.content.period == Some(changed)
                    && r.steps.last().map(|s| s.action) == Some(ActionKind::Submit)
            })
            .expect("a report awaiting review");
        let r = Arc::make_mut(r);
        let last = r.steps.last().map(|s| s.at).expect("submitted");
        let later = |hours: i64| last + chrono::Duration::hours(hours);
        for (n, action) in [ActionKind::Return, ActionKind::Edit]
            .into_iter()
            .enumerate()
        {
            r.steps.push(ReportStep {
                action,
                at: later(i64::try_from(n).expect("small") + 1),
            });
        }
        if let Some(row) = Arc::make_mut(&mut r.content).tasks.first_mut() {
            row.problems = "资金拨付滞后，已协调财政部门".into();
        }
        let kept_before = assessments_kept_before(old, &new, [changed]).expect("the same series");
        assert_eq!(kept_before, KeptAssessments::Before(changed));
        let today = d.as_of.date();
        let rules = Rules::default();
        let days = |p: Quarter| [default_as_of(p, today), today, later(24).date()];
        let mut differs = false;
        for p in Quarter::range(q("2022Q1"), changed) {
            for as_of in days(p) {
                let a = assess_sources(old, p, as_of, &rules).expect("old");
                let b = assess_sources(&new, p, as_of, &rules).expect("new");
                if kept_before.keeps(p) {
                    assert_eq!(a, b, "{p} as of {as_of}");
                } else {
                    differs |= a != b;
                }
            }
        }
        assert!(
            differs,
            "the change shows in its own quarter (the test can fail)"
        );

        // A change to the official series (here a value of an accepted report, as a correction
        // accepted anew gives): nothing is known to be the same.
        let mut corrected = new.clone();
        let r = corrected
            .reports
            .iter_mut()
            .find(|r| {
                r.content.period == Some(changed)
                    && r.content.indicators.iter().any(|i| i.value.is_some())
                    && r.steps.last().map(|s| s.action) == Some(ActionKind::Accept)
            })
            .expect("an accepted report with values");
        let r = Arc::make_mut(r);
        if let Some(v) = Arc::make_mut(&mut r.content)
            .indicators
            .iter_mut()
            .find_map(|i| i.value.as_mut())
        {
            *v += 1.0;
        }
        let imported = old
            .values
            .iter()
            .filter(|v| v.recorded_on.is_none())
            .cloned();
        corrected.values = official_series(&corrected.reports, imported);
        assert_ne!(corrected.values, old.values, "the series changed");
        assert_eq!(assessments_kept_before(old, &corrected, [changed]), None);
        assert_eq!(
            assessments_kept_before(old, &new, std::iter::empty()),
            None,
            "nothing touched: nothing is known"
        );
    }

    #[test]
    fn a_report_that_reads_the_same_to_the_assessment_changes_no_assessment() {
        let d = yangquan_demo("2024Q2", 7);
        let changed = q("2024Q2");
        let at =
            d.sources
                .reports
                .iter()
                .position(|r| {
                    r.content.period == Some(changed)
                        && !r.steps.is_empty()
                        && r.content.tasks.iter().any(|t| {
                            matches!(t.key, Some(planwatch_quarterly::RowKey::Task { .. }))
                        })
                })
                .expect("a lead unit's report");
        // The report as saved and submitted, and nothing after.
        let first = d.sources.reports[at].steps[0].at;
        let submitted = first + chrono::Duration::hours(1);
        let mut d = d.clone();
        Arc::make_mut(&mut d.sources.reports[at]).steps = vec![
            ReportStep {
                action: ActionKind::Edit,
                at: first,
            },
            ReportStep {
                action: ActionKind::Submit,
                at: submitted,
            },
        ];
        let d = d;
        let rules = Rules::default();
        let today = d.as_of.date();
        // Sources with steps of the given kinds after the submission, the given hours after it,
        // and the report's task rows saying `problems` (and, with some, done).
        let with = |steps: &[(ActionKind, i64)], problems: &str| {
            let mut s = d.sources.clone();
            let r = Arc::make_mut(&mut s.reports[at]);
            for (action, hours) in steps {
                r.steps.push(ReportStep {
                    action: *action,
                    at: submitted + chrono::Duration::hours(*hours),
                });
            }
            for row in &mut Arc::make_mut(&mut r.content).tasks {
                row.problems = problems.into();
                if !problems.is_empty() {
                    row.share_complete = Some(1.0);
                    row.status = Some(planwatch_model::TaskStatus::Done);
                }
            }
            s
        };
        // Every quarter from the changed one on, as of every day a step was taken, the quarter's
        // default day and today.
        let equal_assessments = |a: &AssessSources, b: &AssessSources| {
            let mut days: BTreeSet<NaiveDate> = [a, b]
                .iter()
                .flat_map(|s| s.reports[at].steps.iter().map(|st| st.at.date()))
                .filter(|day| *day >= submitted.date() && *day <= today)
                .collect();
            days.insert(today);
            [changed, q("2024Q4")].iter().all(|p| {
                days.iter().chain([&default_as_of(*p, today)]).all(|day| {
                    assess_sources(a, *p, *day, &rules).expect("a")
                        == assess_sources(b, *p, *day, &rules).expect("b")
                })
            })
        };
        use ActionKind::{Accept, Approve, Edit, Reopen, RequestApproval, Return, Submit};
        // Cases meant to read the same: saves, approvals and other words of a draft.
        let draft = [(Return, 1), (Edit, 2)];
        let again = [
            (Return, 1),
            (Edit, 2),
            (Edit, 3),
            (RequestApproval, 4),
            (Approve, 5),
            (Edit, 6),
        ];
        let kept = assessments_kept_before(
            &with(&draft, "原有问题"),
            &with(&again, "资金拨付滞后"),
            [changed],
        );
        assert_eq!(kept, Some(KeptAssessments::Every));
        assert!(equal_assessments(
            &with(&draft, "原有问题"),
            &with(&again, "资金拨付滞后")
        ));
        // A save after a return takes the report off the list of returned ones: it counts,
        // and the assessment shows it (the rule is not looser than the assessment).
        let (returned, saved) = (
            with(&[(Return, 1)], ""),
            with(&[(Return, 1), (Edit, 2)], ""),
        );
        assert!(!same_for_assessment(
            &returned.reports[at],
            &saved.reports[at]
        ));
        assert!(!equal_assessments(&returned, &saved), "the save shows");
        assert_eq!(
            assessments_kept_before(&returned, &saved, [changed]),
            Some(KeptAssessments::Before(changed))
        );
        // The content of a report that was accepted is read while it is.
        let (accepted, corrected) = (
            with(&[(Accept, 1)], ""),
            with(&[(Accept, 1)], "资金拨付滞后"),
        );
        assert!(!same_for_assessment(
            &accepted.reports[at],
            &corrected.reports[at]
        ));
        assert!(
            !equal_assessments(&accepted, &corrected),
            "the content shows"
        );
        // A return and submission again on the day of the acceptance: the same kind of latest step
        // every day, but the duty to report saw a return.
        let (straight, bounced) = (
            with(&[(Accept, 5)], ""),
            with(&[(Return, 3), (Submit, 4), (Accept, 5)], ""),
        );
        assert!(!same_for_assessment(
            &straight.reports[at],
            &bounced.reports[at]
        ));
        assert!(!equal_assessments(&straight, &bounced), "the return shows");
        // Random histories: whenever the rule says two read the same, every assessment agrees.
        let kinds = [
            Edit,
            RequestApproval,
            Approve,
            Submit,
            Return,
            Reopen,
            Accept,
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % n as u64).expect("small")
        };
        let (mut same, mut differ) = (0, 0);
        for _ in 0..64 {
            let mut old: Vec<(ActionKind, i64)> = Vec::new();
            for n in 0..next(4) {
                old.push((
                    kinds[next(kinds.len())],
                    1 + 6 * i64::try_from(n).expect("small"),
                ));
            }
            let mut new = old.clone();
            // Sometimes one of the earlier steps is gone from the new history.
            if !new.is_empty() && next(3) == 0 {
                new.remove(next(new.len()));
            }
            for n in 0..1 + next(3) {
                // Mostly the steps of a draft, sometimes any.
                let kind = if next(3) == 0 {
                    kinds[next(kinds.len())]
                } else {
                    kinds[next(3)]
                };
                new.push((kind, 30 + 6 * i64::try_from(n).expect("small")));
            }
            let words = ["", "资金拨付滞后"];
            let (a, b) = (with(&old, words[next(2)]), with(&new, words[next(2)]));
            if same_for_assessment(&a.reports[at], &b.reports[at]) {
                same += 1;
                assert!(equal_assessments(&a, &b), "{old:?} → {new:?}");
            } else {
                differ += 1;
            }
        }
        assert!(
            same >= 8 && differ >= 8,
            "{same} read the same, {differ} not"
        );
    }

    #[test]
    fn the_yangquan_demo_needs_no_guessing_about_units() {
        let d = yangquan_demo("2024Q2", 7);
        let notes = assess_demo(&d, "2024Q2").notes;
        assert!(
            notes.iter().all(|n| !n.contains("不在单位名单中")),
            "{notes:#?}"
        );
    }
}
