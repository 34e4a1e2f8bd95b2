//! Quarterly reporting (issue 4): the indicator catalogue, reporting periods and deadlines, what
//! each unit reports, the content of a unit's report, the review workflow, the yearly breakdown,
//! Excel templates in and out, bulk historical values and reproducible demo data.
//!
//! This crate knows no database and reads no clock: "now" and the period are arguments, and Excel
//! and CSV are read from and written to bytes the caller supplies. The store persists what this
//! crate produces; the CLI and web call it.

pub mod breakdown;
pub mod catalogue;
pub mod check;
pub mod content;
pub mod demo;
pub mod due;
pub mod evidence;
pub mod indicator_names;
mod matching;
pub mod period;
pub mod rng;
pub mod scope;
pub mod settings;
pub mod task_sheets;
pub mod validate;
pub mod values;
pub mod workflow;
pub mod xlsx;

pub use breakdown::{Breakdown, BreakdownItem, ItemKind, ItemOrigin};
pub use catalogue::{Catalogue, CatalogueConfig, CatalogueError, CatalogueNote, SetAside};
pub use check::{CheckContext, Issue, Place, check_report};
pub use content::{Contribution, IndicatorRow, ReportContent, TaskRow};
pub use demo::{DemoData, DemoReport, DemoStep};
pub use due::{Due, DueState, due_state};
pub use evidence::{EvidenceError, EvidenceFile, check_evidence};
pub use period::{PeriodError, PeriodState, ReportingPeriod, Timeliness};
pub use scope::{ReportScope, RowKey, ScopeInputs, TaskRole, UnitGroups};
pub use settings::ReportingSettings;
pub use task_sheets::{SheetsError, read_sheets};
pub use validate::{ValueProblem, check_value};
pub use values::{BaselineRecord, ValueRecord, ValuesImport, read_values};
pub use workflow::{
    Action, ActionKind, Actor, HistoryLine, ReportRecord, WorkflowError, WorkflowEvent, apply,
    fold_saves, history_lines,
};
pub use xlsx::{ImportError, SheetIssue, WorkbookMeta, read_meta};
