//! The plan model shared by every PlanWatch crate: what a plan, its tasks, units, targets and
//! milestones are, plus the small value types (quarters, roles, report states) that the rest of
//! the system passes around. This crate does no IO and reads no clock.

pub mod catalogue;
pub mod figure;
pub mod ids;
pub mod period;
pub mod plan;
pub mod role;
pub mod sheet;
pub mod span;
pub mod unit;
pub mod vocab;
pub mod workflow;

pub use catalogue::{Baseline, IndicatorDef, IndicatorTarget, ValidationRules};
pub use figure::Figure;
pub use ids::{IndicatorCode, TaskId, UnitName};
pub use period::{Quarter, QuarterParseError};
pub use plan::{
    Attachment, Diagnostic, Goal, GuaranteeMeasure, Indicator, IndicatorMention, Milestone,
    MilestoneKind, Period, Plan, ResponsibleUnit, Section, Severity, Target, Task, YearBasis,
};
pub use role::Role;
pub use sheet::{Merge, Sheet};
pub use span::Span;
pub use unit::UnitKind;
pub use vocab::{
    Comparator, Direction, GoalVerdict, IndicatorKind, IndicatorVerdict, Light, MilestoneStatus,
    PlanStage, TargetWording, TaskJudgement, TaskStatus,
};
pub use workflow::ReportState;
