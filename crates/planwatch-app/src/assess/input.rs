//! The adapter from reporting to monitoring: builds the monitor's `AssessmentInput` from the
//! plan, the organisation (units, groups, task forces), the indicator catalogue, the yearly
//! breakdown, the reporting periods and what the units reported — whether those came from the
//! store or from the pure demo generator. Pure: no IO, no clock; the period and "now" (`as_of`)
//! are arguments, so any past assessment can be rebuilt identically.
//!
//! What counts (ARCHITECTURE.md, "Assessment from the store"): task progress and milestone
//! updates come only from reports the office had accepted by `as_of`; indicator values come from
//! the official series (values of accepted reports and imported history) recorded by `as_of`;
//! reporting timeliness comes from every report's workflow steps up to `as_of`.

use chrono::{NaiveDate, NaiveDateTime};
use planwatch_model::{
    Comparator, Direction, IndicatorDef, IndicatorKind, Plan, Quarter, TaskId, UnitKind,
};
use planwatch_monitor::assess::AssessmentInput;
use planwatch_monitor::indicator::{AnnualTarget, IndicatorInput, Method, TargetInput};
use planwatch_monitor::reporting::{ReportEvent, ReportEventKind, ReportObligation};
use planwatch_monitor::scoring::{TaskForceInput, UnitInput};
use planwatch_monitor::series::Observation;
use planwatch_monitor::task::{MilestoneInput, MilestoneUpdate, TaskInput, TaskReport};
use planwatch_monitor::time::TimePoint;
use planwatch_quarterly::period::quarter_end;
use planwatch_quarterly::{
    ActionKind, BaselineRecord, Breakdown, Catalogue, ReportContent, ReportingPeriod,
    ReportingSettings, RowKey, ScopeInputs, UnitGroups, WorkflowEvent,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The method file shipped with the binary (`config/indicator-methods.toml`).
pub const DEFAULT_METHODS_TOML: &str = include_str!("../../../../config/indicator-methods.toml");

/// Why the method file could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("指标测算方法文件 {file} 有误：{message}")]
pub struct MethodsError {
    pub file: String,
    pub message: String,
}

/// Which method decides each indicator's status: by kind, overridden per indicator code.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodConfig {
    #[serde(default)]
    pub default: KindMethods,
    #[serde(default)]
    pub indicator: BTreeMap<String, Method>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KindMethods {
    pub cumulative: Method,
    pub level: Method,
    pub ratio: Method,
    pub year_to_date: Method,
}

impl Default for KindMethods {
    fn default() -> Self {
        KindMethods {
            cumulative: Method::ProgressMeasure,
            level: Method::ProgressMeasure,
            ratio: Method::ProgressMeasure,
            // A flow that restarts every January is judged against the year's target.
            year_to_date: Method::Schedule,
        }
    }
}

impl MethodConfig {
    /// Parses a method file; `file` names it in messages.
    pub fn from_toml(text: &str, file: &str) -> Result<MethodConfig, MethodsError> {
        toml::from_str(text).map_err(|e| MethodsError {
            file: file.to_string(),
            message: e.to_string(),
        })
    }

    /// The file shipped with the binary (equal to `MethodConfig::default()`, checked by a test).
    pub fn builtin() -> MethodConfig {
        MethodConfig::from_toml(DEFAULT_METHODS_TOML, "config/indicator-methods.toml")
            .expect("the shipped method file is checked by a unit test")
    }

    pub fn method_for(&self, def: &IndicatorDef) -> Method {
        self.indicator
            .get(def.code.as_str())
            .copied()
            .unwrap_or(match def.kind {
                IndicatorKind::Cumulative => self.default.cumulative,
                IndicatorKind::Level => self.default.level,
                IndicatorKind::Ratio => self.default.ratio,
                IndicatorKind::YearToDate => self.default.year_to_date,
            })
    }
}

/// A unit as the organisation knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitFact {
    pub name: String,
    pub kind: UnitKind,
}

/// A task force and the plan tasks it steers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskForceFact {
    pub name: String,
    pub tasks: Vec<u32>,
}

/// The organisation as the monitor needs it: every unit with its kind, the group names and
/// their members, and the task-force assignment.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OrgFacts {
    pub units: Vec<UnitFact>,
    pub groups: UnitGroups,
    pub task_forces: Vec<TaskForceFact>,
}

impl OrgFacts {
    /// From the store: its units with their kinds and the organisation as imported.
    pub fn from_store(
        units: &[planwatch_store::UnitRef],
        org: &planwatch_store::OrgView,
    ) -> OrgFacts {
        OrgFacts {
            units: units
                .iter()
                .map(|u| UnitFact {
                    name: u.name.to_string(),
                    kind: u.kind,
                })
                .collect(),
            groups: UnitGroups(org.groups.iter().cloned().collect()),
            task_forces: org
                .task_forces
                .iter()
                .map(|tf| TaskForceFact {
                    name: tf.body.name.clone(),
                    tasks: tf
                        .tasks
                        .iter()
                        .filter_map(|(n, _)| u32::try_from(*n).ok())
                        .collect(),
                })
                .collect(),
        }
    }
}

/// One step of a report's workflow, as the store's `report_events` or the demo data record it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportStep {
    pub action: ActionKind,
    pub at: NaiveDateTime,
}

/// One unit's quarterly report: what it says and what happened to it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportFacts {
    /// Shared with the stored report it was taken from.
    pub content: Arc<ReportContent>,
    /// In time order.
    pub steps: Vec<ReportStep>,
}

impl ReportFacts {
    /// From a report's content and its audited workflow events (as the store keeps them).
    pub fn from_events(content: Arc<ReportContent>, events: &[WorkflowEvent]) -> ReportFacts {
        let mut steps: Vec<ReportStep> = events
            .iter()
            .map(|e| ReportStep {
                action: e.action,
                at: e.at,
            })
            .collect();
        steps.sort_by_key(|s| s.at);
        ReportFacts { content, steps }
    }

    /// Whether the office had accepted the report by the end of `as_of` (its latest step by then
    /// is an acceptance; a reopened report no longer counts until accepted again).
    pub fn accepted_by(&self, as_of: NaiveDate) -> bool {
        self.steps
            .iter()
            .rfind(|s| s.at.date() <= as_of)
            .is_some_and(|s| s.action == ActionKind::Accept)
    }

    /// e.g. 市科技局2024年第二季度报告（示例数据）.
    pub fn label(&self) -> String {
        let period = self
            .content
            .period
            .map(Quarter::label_zh)
            .unwrap_or_default();
        let demo = if self.content.demo {
            "（示例数据）"
        } else {
            ""
        };
        format!("{}{period}报告{demo}", self.content.unit)
    }
}

/// One value of an indicator's official series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueFact {
    pub code: String,
    pub quarter: Quarter,
    pub value: f64,
    /// Where it came from (the report, or the import and its stated source).
    pub source: String,
    /// The day it entered the official series; `None` for history known from the start.
    pub recorded_on: Option<NaiveDate>,
}

/// The values of accepted reports, each recorded on the day of its report's first acceptance:
/// the official series as the store builds it when the office accepts a report.
///
/// A report reopened for correction (重新开放) and not yet accepted again gives none: its content
/// is a draft under correction, not reviewed. The store keeps the values its acceptance
/// published until it is accepted again, and they reach the assessment with the series on
/// record (`load_sources_in` reads it for the quarters no report gives).
pub fn official_values(reports: &[Arc<ReportFacts>]) -> Vec<ValueFact> {
    let mut out = Vec::new();
    for r in reports {
        let under_correction = r
            .steps
            .iter()
            .rfind(|s| matches!(s.action, ActionKind::Accept | ActionKind::Reopen))
            .is_some_and(|s| s.action == ActionKind::Reopen);
        let (Some(q), Some(accept), false) = (
            r.content.period,
            r.steps.iter().find(|s| s.action == ActionKind::Accept),
            under_correction,
        ) else {
            continue;
        };
        let label = r.label();
        for row in &r.content.indicators {
            let Some(value) = row.value else { continue };
            out.push(ValueFact {
                code: row.code.to_string(),
                quarter: q,
                value,
                source: if row.source.trim().is_empty() {
                    label.clone()
                } else {
                    format!("{label}，数据来源：{}", row.source.trim())
                },
                recorded_on: Some(accept.at.date()),
            });
        }
    }
    out
}

/// What a workflow step is to the monitor's reporting timeliness: a report sent, sent back
/// (returned, or reopened for correction) or accepted. Saving, asking the unit head for approval
/// and approving happen inside the unit and count for nothing (`None`): the one place that says
/// so, for the obligations and for [`super::same_for_assessment`].
pub fn event_kind(action: ActionKind) -> Option<ReportEventKind> {
    match action {
        ActionKind::Submit => Some(ReportEventKind::Submitted),
        ActionKind::Return | ActionKind::Reopen => Some(ReportEventKind::Returned),
        ActionKind::Accept => Some(ReportEventKind::Accepted),
        ActionKind::Edit | ActionKind::RequestApproval | ActionKind::Approve => None,
    }
}

/// Everything the adapter reads, owned, from whichever source.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessSources {
    pub plan: Plan,
    pub org: OrgFacts,
    pub catalogue: Catalogue,
    pub breakdown: Breakdown,
    pub settings: ReportingSettings,
    /// Reporting periods with their deadlines and extensions; missing quarters take the default
    /// deadline from `settings`.
    pub periods: Vec<ReportingPeriod>,
    /// Shared: a refresh that reads a report or two again keeps the others as they are.
    pub reports: Vec<Arc<ReportFacts>>,
    pub values: Vec<ValueFact>,
    /// Baselines recorded apart from the catalogue file (they take precedence).
    pub baselines: Vec<BaselineRecord>,
    pub methods: MethodConfig,
    /// The office's judgements: which target applies where the plan states two for a year.
    pub judgements: crate::evaluation::Judgements,
}

impl AssessSources {
    /// A copy of everything but the reports and the values (left empty), for a caller that
    /// supplies them anew.
    pub fn clone_without_reports(&self) -> AssessSources {
        AssessSources {
            plan: self.plan.clone(),
            org: self.org.clone(),
            catalogue: self.catalogue.clone(),
            breakdown: self.breakdown.clone(),
            settings: self.settings.clone(),
            periods: self.periods.clone(),
            reports: Vec::new(),
            values: Vec::new(),
            baselines: self.baselines.clone(),
            methods: self.methods.clone(),
            judgements: self.judgements.clone(),
        }
    }
}

/// The monitor's input and what the adapter had to assume or leave out on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    pub input: AssessmentInput,
    /// 数据说明: targets that cannot be measured, names missing from the unit list, and so on.
    pub notes: Vec<String>,
}

/// A number as the plan writes it: no trailing zeros.
fn num(x: f64) -> String {
    planwatch_monitor::zh::num(x, 4)
}

/// The monitor's id of a plan task.
pub fn task_id(number: u32) -> TaskId {
    TaskId::of_number(number)
}

fn start_of_year(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 1, 1)
}

impl AssessSources {
    fn scope(&self) -> ScopeInputs<'_> {
        ScopeInputs {
            plan: &self.plan,
            catalogue: &self.catalogue,
            breakdown: &self.breakdown,
            groups: &self.org.groups,
            settings: &self.settings,
        }
    }

    fn period(&self, q: Quarter) -> ReportingPeriod {
        self.periods
            .iter()
            .find(|p| p.quarter == q)
            .cloned()
            .unwrap_or_else(|| ReportingPeriod::new(q, &self.settings))
    }

    /// Whether the data are synthetic demo data (示例数据).
    pub fn is_demo(&self) -> bool {
        self.reports.iter().any(|r| r.content.demo)
    }

    /// Builds the monitor's input for `period`, judging dates at `as_of`.
    pub fn build(&self, period: Quarter, as_of: NaiveDate) -> Built {
        let mut notes = Vec::new();
        let accepted: Vec<&ReportFacts> = self
            .reports
            .iter()
            .filter(|r| r.content.period.is_some_and(|p| p <= period) && r.accepted_by(as_of))
            .map(|r| &**r)
            .collect();
        let units = self.units(&mut notes);
        let tf_of: HashMap<u32, &str> = self
            .org
            .task_forces
            .iter()
            .flat_map(|tf| tf.tasks.iter().map(move |&n| (n, tf.name.as_str())))
            .collect();
        let task_forces = self
            .org
            .task_forces
            .iter()
            .map(|tf| TaskForceInput {
                id: tf.name.clone(),
                name: tf.name.clone(),
            })
            .collect();
        let tasks = self
            .plan
            .tasks
            .iter()
            .map(|t| TaskInput {
                id: task_id(t.number),
                number: Some(t.number),
                title: t.title.clone(),
                task_force: tf_of.get(&t.number).map(|s| s.to_string()),
                lead_units: t.lead_units.clone(),
                participating_units: t.participating_units.clone(),
                due: None,
                milestones: self.milestones(t.number, period, &accepted),
                reports: task_reports(t.number, &accepted),
            })
            .collect();
        let indicators = self
            .catalogue
            .indicators
            .iter()
            .map(|def| self.indicator(def, as_of, &mut notes))
            .collect();
        for code in self.methods.indicator.keys() {
            if self.catalogue.by_code(code).is_none() {
                notes.push(format!(
                    "指标测算方法文件中的指标编码“{code}”不在指标目录中，已忽略"
                ));
            }
        }
        notes.extend(self.uncounted(period, as_of));
        let mut unknown: BTreeSet<&str> = BTreeSet::new();
        for v in &self.values {
            if self.catalogue.by_code(&v.code).is_none() {
                unknown.insert(&v.code);
            }
        }
        for code in unknown {
            notes.push(format!("指标值中的指标编码“{code}”不在指标目录中，已忽略"));
        }
        Built {
            input: AssessmentInput {
                period,
                as_of,
                plan_title: self.plan.title.clone(),
                plan_period: (self.plan.period.end >= self.plan.period.start
                    && self.plan.period.end > 0)
                    .then_some(self.plan.period),
                demo: self.is_demo(),
                units,
                task_forces,
                tasks,
                indicators,
                reports: self.obligations(period, as_of),
                bonus_claims: Vec::new(),
            },
            notes,
        }
    }

    /// Reports of the assessment year that were submitted but are not (or no longer) accepted
    /// at `as_of`: their content is not evidence yet, and the office should know which.
    fn uncounted(&self, period: Quarter, as_of: NaiveDate) -> Vec<String> {
        let mut pending = Vec::new();
        let mut returned = Vec::new();
        for r in &self.reports {
            let Some(q) = r.content.period else { continue };
            if q > period || q.year() != period.year() {
                continue;
            }
            let who = format!("{}（{}）", r.content.unit, q.label_zh());
            match r
                .steps
                .iter()
                .rfind(|s| s.at.date() <= as_of)
                .map(|s| s.action)
            {
                Some(ActionKind::Submit) => pending.push(who),
                Some(ActionKind::Return | ActionKind::Reopen) => returned.push(who),
                _ => {}
            }
        }
        let mut out = Vec::new();
        if !pending.is_empty() {
            out.push(format!(
                "以下{}份报告已报送、尚待审核，其进展和数据未计入本次评价（采纳后即计入）：{}",
                pending.len(),
                pending.join("、")
            ));
        }
        if !returned.is_empty() {
            out.push(format!(
                "以下{}份报告被退回待重报，其进展和数据未计入本次评价：{}",
                returned.len(),
                returned.join("、")
            ));
        }
        out
    }

    /// Every unit the organisation knows, plus any name the plan, the catalogue or the breakdown
    /// uses that it does not (with a note), so the monitor never meets an unknown unit.
    fn units(&self, notes: &mut Vec<String>) -> Vec<UnitInput> {
        let mut out: Vec<UnitInput> = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut push = |name: &str, kind: UnitKind, out: &mut Vec<UnitInput>| {
            if seen.insert(name.to_string()) {
                out.push(UnitInput {
                    id: name.to_string(),
                    name: name.to_string(),
                    kind,
                    area: None,
                    members: self.org.groups.0.get(name).cloned().unwrap_or_default(),
                });
            }
        };
        for u in &self.org.units {
            let kind = if self.org.groups.0.contains_key(&u.name) {
                UnitKind::Group
            } else {
                u.kind
            };
            push(&u.name, kind, &mut out);
        }
        let mut referenced: Vec<&str> = Vec::new();
        for (g, members) in &self.org.groups.0 {
            referenced.push(g);
            referenced.extend(members.iter().map(String::as_str));
        }
        for t in &self.plan.tasks {
            referenced.extend(t.lead_units.iter().map(String::as_str));
            referenced.extend(t.participating_units.iter().map(String::as_str));
        }
        referenced.extend(
            self.catalogue
                .indicators
                .iter()
                .map(|i| i.reporter.as_str()),
        );
        referenced.extend(
            self.breakdown
                .items
                .iter()
                .map(|i| i.responsible_unit.as_str()),
        );
        referenced.extend(self.reports.iter().map(|r| r.content.unit.as_str()));
        for name in referenced {
            if name.trim().is_empty() || out.iter().any(|u| u.id == name) {
                continue;
            }
            let kind = if self.org.groups.0.contains_key(name) {
                UnitKind::Group
            } else {
                UnitKind::classify(name)
            };
            notes.push(format!(
                "单位“{name}”不在单位名单中，按名称推定为{}参与评价；请在组织架构中补充",
                kind.label_zh()
            ));
            push(name, kind, &mut out);
        }
        out
    }

    /// The breakdown items of the task due up to the period's year that are not an indicator's
    /// yearly target (those are judged through the indicator), with their reported updates.
    fn milestones(
        &self,
        task: u32,
        period: Quarter,
        accepted: &[&ReportFacts],
    ) -> Vec<MilestoneInput> {
        self.breakdown
            .items
            .iter()
            .filter(|i| {
                i.task == task && !i.withdrawn && i.indicator.is_none() && i.year <= period.year()
            })
            .map(|item| {
                let key = RowKey::Item {
                    id: item.id.clone(),
                };
                let updates = accepted
                    .iter()
                    .filter_map(|r| {
                        let q = r.content.period?;
                        let row = r.content.task(&key)?;
                        let status = row.status;
                        let done = status == Some(planwatch_model::TaskStatus::Done);
                        Some(MilestoneUpdate {
                            period: q,
                            percent_complete: row.share_complete,
                            started: status
                                .is_some_and(|s| s != planwatch_model::TaskStatus::NotStarted),
                            // Done without a date: reached at the latest by the quarter's end.
                            completed_on: row.reached_on.or_else(|| done.then(|| quarter_end(q))),
                            source: Some(r.label()),
                        })
                    })
                    .collect();
                MilestoneInput {
                    id: item.id.clone(),
                    text: item.title.clone(),
                    start: start_of_year(item.year),
                    due: item.due,
                    updates,
                }
            })
            .collect()
    }

    fn indicator(
        &self,
        def: &IndicatorDef,
        as_of: NaiveDate,
        notes: &mut Vec<String>,
    ) -> IndicatorInput {
        let dir = def.direction;
        let mut targets: Vec<TargetInput> = Vec::new();
        for t in &def.targets {
            let Some(c) = Comparator::from_wording(t.comparator, dir) else {
                notes.push(format!(
                    "指标“{}”的{}年目标没有可测算的数值（{}），未纳入测算",
                    def.name,
                    t.year,
                    if t.text.is_empty() {
                        &t.source
                    } else {
                        &t.text
                    }
                ));
                continue;
            };
            if c.direction() != dir {
                notes.push(format!(
                    "指标“{}”的{}年目标（{}{}）与指标方向“{}”矛盾，未纳入测算；请核对指标目录",
                    def.name,
                    t.year,
                    c.symbol(),
                    t.value,
                    def.direction.label_zh()
                ));
                continue;
            }
            if let Some(k) = targets.iter().position(|x| x.at == TimePoint::Year(t.year)) {
                let kept = &targets[k];
                if kept.value == t.value && kept.comparator == c {
                    // The same target stated twice (总体目标 and a task): nothing to tell.
                    continue;
                }
                // One rule, used by every view: of two targets for the same year the one the
                // office chose (stored and audited) is measured against, else the stricter; the
                // other is named in a note (decisions 0052, 0054).
                let kept_source = def
                    .targets
                    .iter()
                    .find(|x| x.year == t.year && x.value == kept.value)
                    .map_or("", |x| x.source.as_str())
                    .to_string();
                let chosen = self
                    .judgements
                    .targets
                    .get(&(def.code.to_string(), t.year))
                    .filter(|c| c.value == t.value || c.value == kept.value);
                let take_new = match chosen {
                    Some(c) => c.value == t.value,
                    None => match dir {
                        Direction::HigherIsBetter => t.value > kept.value,
                        Direction::LowerIsBetter => t.value < kept.value,
                    },
                };
                let (used, used_src, other, other_src) = if take_new {
                    (t.value, t.source.as_str(), kept.value, kept_source.as_str())
                } else {
                    (kept.value, kept_source.as_str(), t.value, t.source.as_str())
                };
                let how = match chosen {
                    Some(c) => format!(
                        "按领导小组办公室选定的{}（{}；理由：{}）",
                        num(used),
                        used_src,
                        c.reason
                    ),
                    None => format!("按从严的{}（{}）", num(used), used_src),
                };
                notes.push(format!(
                    "指标“{}”在{}年有两个目标：{how}测算，{}（{}）作为参考",
                    def.name,
                    t.year,
                    num(other),
                    other_src
                ));
                if take_new {
                    targets[k] = TargetInput {
                        value: t.value,
                        at: TimePoint::Year(t.year),
                        comparator: c,
                        text: (!t.text.is_empty()).then(|| t.text.clone()),
                    };
                }
                continue;
            }
            targets.push(TargetInput {
                value: t.value,
                at: TimePoint::Year(t.year),
                comparator: c,
                text: (!t.text.is_empty()).then(|| t.text.clone()),
            });
        }
        let mut annual_targets: Vec<AnnualTarget> = Vec::new();
        for item in self
            .breakdown
            .items
            .iter()
            .filter(|i| !i.withdrawn && i.indicator.as_deref() == Some(def.code.as_str()))
        {
            if let Some(value) = item.target_value
                && !annual_targets.iter().any(|a| a.year == item.year)
            {
                annual_targets.push(AnnualTarget {
                    year: item.year,
                    value,
                });
            }
        }
        let baseline = self
            .baselines
            .iter()
            .rfind(|b| b.code == def.code)
            .map(|b| &b.baseline)
            .or(def.baseline.as_ref());
        let base_year = baseline.map_or(self.plan.period.start - 1, |b| b.year);
        let mut observations: Vec<Observation> = Vec::new();
        if let Some(b) = baseline {
            observations.push(Observation {
                at: TimePoint::Year(b.year),
                value: b.value,
                source: Some(if b.source.is_empty() {
                    "基期值".to_string()
                } else {
                    format!("基期值（{}）", b.source)
                }),
            });
        }
        let mut seen: BTreeSet<Quarter> = BTreeSet::new();
        for v in self
            .values
            .iter()
            .filter(|v| v.code == def.code && v.recorded_on.is_none_or(|d| d <= as_of))
        {
            // A base-year Q4 value is the baseline itself, already present as the annual value.
            let clashes_with_base =
                baseline.is_some() && v.quarter.year() == base_year && v.quarter.number() == 4;
            if clashes_with_base || !seen.insert(v.quarter) || !v.value.is_finite() {
                continue;
            }
            observations.push(Observation {
                at: TimePoint::Quarter(v.quarter),
                value: v.value,
                source: Some(v.source.clone()),
            });
        }
        let mut leads: Vec<String> = Vec::new();
        let mut parts: Vec<String> = Vec::new();
        for n in &def.tasks {
            if let Some(task) = self.plan.task(*n) {
                for u in &task.lead_units {
                    if !leads.contains(u) {
                        leads.push(u.clone());
                    }
                }
                for u in &task.participating_units {
                    if !parts.contains(u) {
                        parts.push(u.clone());
                    }
                }
            }
        }
        parts.retain(|p| !leads.contains(p));
        if leads.is_empty() {
            leads.push(def.reporter.to_string());
        }
        IndicatorInput {
            id: def.code.to_string(),
            name: def.name.clone(),
            unit: def.unit.clone(),
            kind: def.kind,
            direction: dir,
            method: self.methods.method_for(def),
            base: TimePoint::Year(base_year),
            targets,
            annual_targets,
            limit: (def.is_percent() && def.direction == Direction::HigherIsBetter)
                .then_some(100.0),
            observations,
            task: def.tasks.first().map(|n| task_id(*n)),
            lead_units: leads,
            participating_units: parts,
            weight: 1.0,
            forecast_model: None,
            decimals: def.rules.integer.then_some(0),
        }
    }

    /// Every unit's duty to report in every quarter of the plan up to `period`, with the
    /// submissions, returns and acceptances recorded by `as_of`.
    fn obligations(&self, period: Quarter, as_of: NaiveDate) -> Vec<ReportObligation> {
        let Some(first) = Quarter::new(self.plan.period.start, 1) else {
            return Vec::new();
        };
        let scope = self.scope();
        let by_key: HashMap<(&str, Quarter), &ReportFacts> = self
            .reports
            .iter()
            .filter_map(|r| Some(((r.content.unit.as_str(), r.content.period?), &**r)))
            .collect();
        let mut out = Vec::new();
        for q in Quarter::range(first, period) {
            let p = self.period(q);
            for unit in scope.responsible_units(q) {
                let events = by_key
                    .get(&(unit.as_str(), q))
                    .map(|r| {
                        r.steps
                            .iter()
                            .filter(|s| s.at.date() <= as_of)
                            .filter_map(|s| {
                                Some(ReportEvent {
                                    on: s.at.date(),
                                    kind: event_kind(s.action)?,
                                })
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                out.push(ReportObligation {
                    due: p.deadline_for(&unit),
                    unit: unit.into_string(),
                    period: q,
                    events,
                });
            }
        }
        out
    }
}

/// The lead unit's task rows (`T:<n>`) of the accepted reports: status and share of the year's
/// work. Contributions (`C:<n>`) carry no status and do not count here.
fn task_reports(task: u32, accepted: &[&ReportFacts]) -> Vec<TaskReport> {
    let key = RowKey::Task { task };
    accepted
        .iter()
        .filter_map(|r| {
            let q = r.content.period?;
            let row = r.content.task(&key)?;
            let status = row.status;
            Some(TaskReport {
                period: q,
                unit: r.content.unit.to_string(),
                percent_complete: row.share_complete,
                started: status.is_some_and(|s| s != planwatch_model::TaskStatus::NotStarted)
                    || row.share_complete.is_some_and(|p| p > 0.0),
                completed: status == Some(planwatch_model::TaskStatus::Done),
                source: Some(r.label()),
            })
        })
        .collect()
}

/// The default "now" for assessing `period` at `today`: the end of the following quarter (by
/// then the period's reports are due and reviewed), or today if that is earlier. A past period
/// is thus always judged at the same date, whenever the command runs.
pub fn default_as_of(period: Quarter, today: NaiveDate) -> NaiveDate {
    quarter_end(period.next()).min(today)
}
