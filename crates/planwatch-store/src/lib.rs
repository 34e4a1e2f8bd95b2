//! The store: embedded SQLite by default, PostgreSQL by configuration; migrations, audit rows in
//! the same transaction.
//!
//! Only this crate knows SQL. Its public face is [`Store`] — opened from a [`Location`] chosen by
//! `DATABASE_URL` — and one method per use case: import a plan revision, import the organisation,
//! manage users and sessions, read the audit trail, export, import and back up. Every method that
//! changes data takes the [`Actor`] and the current time as arguments (the store reads no clock)
//! and writes its audit row in the same transaction as the change.

mod api_tokens;
mod audit;
mod catalogue_edits;
mod db;
mod dump;
mod error;
mod evaluation;
mod evidence;
mod extension_requests;
mod location;
mod notifications;
mod open;
mod org;
mod plan_diff;
mod plans;
mod public_page;
mod report_texts;
mod reports;
mod scope;
mod sessions;
pub mod testing;
mod time;
mod units;
mod users;
mod versions;
pub use versions::{DataChange, Probe};

pub use api_tokens::{ApiToken, TokenScopes};
pub use audit::{
    Actor, AuditEntry, AuditFilter, BrokenLink, ChainReport, GENESIS_HASH, SECURITY_FILTER,
};
pub use catalogue_edits::{
    CatalogueEntry, IndicatorEdit, MAX_INDICATOR_NAME_CHARS, MAX_MEASURE_CHARS,
};
pub use db::Backend;
pub use dump::{BackupKind, DumpSummary, FORMAT_NAME as DUMP_FORMAT_NAME, exported_columns};
pub use error::{Result, StoreError};
pub use evaluation::{ChoiceKind, EvaluationChoice, MAX_EVIDENCE_CHARS, target_subject};
pub use evidence::{AttachedEvidence, EvidenceRow};
pub use extension_requests::ExtensionRequest;
pub use location::{APPLICATION_ID, Location, SQLITE_FILE_NAME, redact_url};
pub use notifications::{
    Channel, Delivery, NewDelivery, NewNotification, NewSupervision, Notification, Post, Posted,
    ReminderKey, check_email, check_mobile,
};
pub use open::{AppliedMigration, OpenMode, embedded_migrations};
pub use org::{
    BodyView, GroupDecl, LeadingGroupDecl, OfficeDecl, OrgConfig, OrgImport, OrgView,
    TaskForceDecl, TaskForceView, UnitDecl,
};
pub use plan_diff::{PlanDiff, TargetChange, TaskChange, diff_plans};
pub use plans::{
    PlanImport, PlanSource, PlanView, RevisionInfo, SectionView, TaskView, check_plan,
    parse_plan_json,
};
pub use public_page::{PublicChoice, PublicSettings};
pub use report_texts::{
    BULLETIN_TEXT_SECTIONS, MAX_REPORT_TEXT_CHARS, REPORT_TEXT_SECTIONS, ReportText,
    ReportTextMode, TextChange, bulletin_section, normalise_text, parse_bulletin_section,
};
pub use reports::{PeriodChange, ReportingSetup, SetupOutcome, StoredReport, ValuesOutcome};
pub use scope::{
    MAX_PLAN_CODE_CHARS, PlanInfo, PlanState, check_plan_code, in_plan, plan_in_scope,
};
pub use sessions::{
    ACCOUNT_LOCKED_ACTION, CheckPurpose, SIGN_IN_ATTEMPT_ACTION, SIGN_IN_ENTITY,
    SIGN_IN_FAILED_ACTION, SIGN_IN_OK_ACTION, SessionInfo, SignInGate, SignInLimits,
};
pub use time::{normalise as normalise_time, to_text as time_to_text};
pub use units::UnitRef;
pub use users::ActiveSession;
pub use users::{MIN_PASSWORD_CHARS, NewUser, Password, User};

use db::Pools;

/// An open store. Cheap to share by reference across tasks; all methods take `&self`.
#[derive(Debug)]
pub struct Store {
    pools: Pools,
    location: Location,
    applied_on_open: Vec<AppliedMigration>,
    /// The plan this store works on (`None`: the default plan, see `scope`).
    scope: Option<i64>,
}

impl Store {
    pub fn backend(&self) -> Backend {
        self.pools.backend()
    }

    /// Where the data is (for messages; never contains a password).
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The migrations that opening this store applied (empty if the schema was up to date).
    pub fn migrations_applied_on_open(&self) -> &[AppliedMigration] {
        &self.applied_on_open
    }

    /// Closes every connection; on SQLite this also checkpoints the write-ahead log.
    pub async fn close(self) {
        self.pools.close().await;
    }
}
