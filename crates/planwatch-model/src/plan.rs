//! The plan as extracted from its text: goals, sections, tasks with their units, targets and
//! milestones, guarantee measures and task forces. Serialised with serde this *is* the plan
//! interchange JSON of DESIGN.md (the shape of shared/plans/*.gold.json), plus source spans.

use crate::span::Span;
use crate::unit::UnitKind;
pub use crate::vocab::{Direction, TargetWording};
use serde::{Deserialize, Serialize};

/// The years a plan covers, e.g. 2022–2024.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Period {
    pub start: i32,
    pub end: i32,
}

/// Where a target's year came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearBasis {
    /// A year phrase in the same sentence.
    Explicit,
    /// A year phrase in an earlier sentence of the same paragraph.
    Context,
    /// No year in the paragraph: the plan's end year.
    Default,
    /// A recurring commitment (每年…) with no single year.
    Recurring,
}

/// A numeric (or qualitative) commitment: a headline goal or a target inside a task.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Target {
    /// The clause that states the target (page-break artefacts repaired).
    pub text: String,
    /// The indicator it measures, as a short name (several targets may share one indicator).
    pub indicator: String,
    pub value: Option<f64>,
    /// Upper bound of a range such as 3-5座.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_max: Option<f64>,
    /// The number as written, when it differs from `value` (24.5万台, 两, 三十).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_text: Option<String>,
    pub unit: Option<String>,
    pub year: Option<i32>,
    pub comparator: Option<TargetWording>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_basis: Option<YearBasis>,
    /// `annual` for 每年… commitments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// The id of the [`Indicator`] this target is a mention of (see `Plan::indicators`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator_id: Option<String>,
}

/// Headline goals have the same shape as task targets.
pub type Goal = Target;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneKind {
    /// Something is built, completed, put into operation or started.
    Deliverable,
    /// A vague end state: 进一步提升, 初见雏形, 打造成为….
    Qualitative,
}

/// A dated, non-numeric commitment (节点).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Milestone {
    pub text: String,
    pub year: Option<i32>,
    /// What is to be done, without the year phrase.
    pub what: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MilestoneKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// First year of a dated range such as 2023-2024年 (`year` is the last).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_start: Option<i32>,
}

/// A numbered group of tasks (二、主要任务 → 1. 增强新兴产业核心竞争力…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub number: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// A key task (重点任务) with its responsible units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// Sequence number across the plan, 1-based.
    pub number: u32,
    /// The label as written: （2）, (1), 1., 第一条.
    #[serde(default)]
    pub label: String,
    pub title: String,
    /// The number of the section the task belongs to.
    pub section: String,
    pub lead_units: Vec<String>,
    pub participating_units: Vec<String>,
    #[serde(default)]
    pub targets: Vec<Target>,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// The task's full text (page-break artefacts repaired).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// A guarantee measure (保障措施), e.g. （二）建立五大专班运行机制.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuaranteeMeasure {
    pub number: String,
    pub title: String,
    #[serde(default)]
    pub mechanisms: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// One place where the plan states a target for an indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorMention {
    /// The task the mention is in; `None` for a headline goal.
    pub task: Option<u32>,
    /// Index into `Plan::goals` (when `task` is `None`) or into that task's `targets`.
    pub target: usize,
    pub value: Option<f64>,
    pub year: Option<i32>,
    pub comparator: Option<TargetWording>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// Something the plan measures, mentioned once or several times (in the goals and again in a
/// task). Mentions that disagree for the same year are reported as a diagnostic, never merged
/// silently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Stable within one extraction: `I1`, `I2`, … in order of first mention.
    pub id: String,
    pub name: String,
    pub unit: Option<String>,
    #[serde(default)]
    pub direction: Direction,
    #[serde(default)]
    pub mentions: Vec<IndicatorMention>,
}

/// A unit named as lead or participant, with its kind and the tasks it is named in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponsibleUnit {
    pub name: String,
    pub kind: UnitKind,
    #[serde(default)]
    pub lead_tasks: Vec<u32>,
    #[serde(default)]
    pub participating_tasks: Vec<u32>,
    /// Where the unit is first named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub number: u32,
    pub title: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Informational: something was repaired or assumed.
    Info,
    /// Worth a look: a possible typo, a conflict between mentions.
    Warning,
    /// Blocks import: a task without a lead unit, no tasks at all.
    Error,
}

/// Something the extractor noticed, with where it is in the source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub line: u32,
    pub column: u32,
    pub message: String,
    #[serde(default = "default_severity")]
    pub severity: Severity,
    /// A stable machine-readable code such as `task-without-lead`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
    /// For a workbook: the 1-based sheet (then `line` is the row and `column` the column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<u32>,
}

fn default_severity() -> Severity {
    Severity::Warning
}

/// A whole plan: what the extractor produces and the store keeps (one revision).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Plan {
    pub title: String,
    pub period: Period,
    #[serde(default)]
    pub goals: Vec<Goal>,
    #[serde(default)]
    pub sections: Vec<Section>,
    #[serde(default)]
    pub tasks: Vec<Task>,
    #[serde(default)]
    pub guarantee_measures: Vec<GuaranteeMeasure>,
    #[serde(default)]
    pub task_forces: Vec<String>,
    /// Every unit named in the plan's unit lines, sorted by code point.
    #[serde(default)]
    pub units: Vec<String>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
    /// Each indicator once, with every place that states a target for it.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// Every unit of `units` with its kind and tasks, in the same order.
    #[serde(default)]
    pub unit_details: Vec<ResponsibleUnit>,
}

impl Plan {
    /// Whether any diagnostic blocks importing this plan.
    pub fn has_blocking_diagnostics(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The unit (not a group name) that leads the most tasks; among equals, the first in name
    /// order. Used where the plan names no unit for a role (who reports a goal-only figure, where
    /// the office sits) until the office says.
    pub fn most_leading_unit(&self) -> Option<&str> {
        let mut leads: std::collections::BTreeMap<&str, usize> = Default::default();
        for t in &self.tasks {
            for u in &t.lead_units {
                if crate::UnitKind::classify(u) != crate::UnitKind::Group {
                    *leads.entry(u.as_str()).or_default() += 1;
                }
            }
        }
        leads
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(u, _)| *u)
    }

    /// All targets: the headline goals first, then each task's targets, with the task number.
    pub fn all_targets(&self) -> impl Iterator<Item = (Option<u32>, &Target)> {
        self.goals.iter().map(|g| (None, g)).chain(
            self.tasks
                .iter()
                .flat_map(|t| t.targets.iter().map(move |x| (Some(t.number), x))),
        )
    }

    pub fn task(&self, number: u32) -> Option<&Task> {
        self.tasks.iter().find(|t| t.number == number)
    }

    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }

    /// The target a mention points at.
    pub fn mention_target(&self, m: &IndicatorMention) -> Option<&Target> {
        match m.task {
            None => self.goals.get(m.target),
            Some(n) => self.task(n).and_then(|t| t.targets.get(m.target)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparators_serialise_in_snake_case_like_the_gold_file() {
        let s = serde_json::to_string(&[TargetWording::AtLeast, TargetWording::AtMost])
            .expect("serialise");
        assert_eq!(s, r#"["at_least","at_most"]"#);
    }

    #[test]
    fn a_minimal_interchange_json_deserialises() {
        let json = r#"{"title":"t","period":{"start":2022,"end":2024},
            "tasks":[{"number":1,"title":"x","section":"1","lead_units":["市科技局"],"participating_units":[]}]}"#;
        let p: Plan = serde_json::from_str(json).expect("parse");
        assert_eq!(p.tasks[0].lead_units, ["市科技局"]);
        assert!(!p.has_blocking_diagnostics());
    }
}
