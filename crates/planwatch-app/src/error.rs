//! What a use case answers when it does not do what was asked: a refusal in the person's words
//! (Chinese, saying where and what; nothing changed), or an unexpected failure that only the log
//! explains in full. Adapters show the first as it is and the second under a reference number.

use crate::policy::{self, Permission};
use planwatch_model::{Role, UnitName};
use planwatch_quarterly::workflow;
use planwatch_store::{Actor, ApiToken, Store, User};

/// A use case's failure.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The rules refuse it (the message says why, in Chinese); nothing changed.
    #[error("{0}")]
    Refused(String),
    /// The caller's role does not allow it (the message names the role and who may); nothing
    /// changed.
    #[error("{0}")]
    Forbidden(String),
    /// Someone changed the same thing after the caller read it (the message says so); nothing
    /// changed. Read again and retry.
    #[error("{0}")]
    Stale(String),
    /// One field of a form or command is refused (`field` names it, the message says why);
    /// nothing changed.
    #[error("{message}")]
    Field {
        field: &'static str,
        message: String,
    },
    /// A file from outside (a workbook) was refused, with every problem found and where it is;
    /// nothing changed.
    #[error("{0}")]
    Invalid(planwatch_quarterly::ImportError),
    /// Unexpected (a database error): for the log, never shown as it is.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// The message a person may see, or `None` for an internal failure.
    pub fn user_message(&self) -> Option<String> {
        match self {
            AppError::Refused(m) | AppError::Forbidden(m) | AppError::Stale(m) => Some(m.clone()),
            AppError::Field { message, .. } => Some(message.clone()),
            AppError::Invalid(e) => Some(e.to_string()),
            AppError::Internal(_) => None,
        }
    }

    /// A refusal of one field.
    pub fn field(field: &'static str, message: impl Into<String>) -> AppError {
        AppError::Field {
            field,
            message: message.into(),
        }
    }

    /// A refusal from an error whose message is for the person (the period rules, the
    /// workflow, a template's identity sheet).
    pub fn refused(e: impl std::fmt::Display) -> AppError {
        AppError::Refused(e.to_string())
    }
}

impl From<planwatch_store::StoreError> for AppError {
    fn from(e: planwatch_store::StoreError) -> Self {
        use planwatch_store::StoreError as E;
        match e {
            E::Workflow(w @ planwatch_quarterly::WorkflowError::VersionConflict { .. }) => {
                AppError::Stale(w.to_string())
            }
            E::Conflict(m) => AppError::Stale(m),
            // An ended plan is read-only for everyone: as a role that may not.
            e @ E::PlanClosed { .. } => AppError::Forbidden(e.to_string()),
            // What the person asked for breaks a rule the store keeps: the message says which.
            e @ (E::Workflow(_)
            | E::Period(_)
            | E::InvalidInput(_)
            | E::UnknownUnit(_)
            | E::UnitExists(_)
            | E::UnknownTaskForce(_)
            | E::UnknownUser(_)
            | E::UserExists(_)
            | E::WeakPassword(_)
            | E::BlockingDiagnostics(_)
            | E::NoPlan
            | E::AmbiguousPlan(_)
            | E::UnknownPlan { .. }
            | E::PlanCodeTaken(_)
            | E::OrgConfig { .. }
            | E::NotEmpty { .. }) => AppError::Refused(e.to_string()),
            other => AppError::Internal(other.into()),
        }
    }
}

/// Who asks a use case: a signed-in person (the web), a unit's API token, or the command line
/// acting as the operator or, with `--as`, as a named user.
#[derive(Debug, Clone, Copy)]
pub enum Caller<'a> {
    User(&'a User),
    Token(&'a ApiToken),
    CommandLine { as_user: Option<&'a str> },
}

impl Caller<'_> {
    /// Who acts, for the audit trail and for the workflow. The command line without `--as` acts
    /// as the operator in `default_role` (for `unit`, when the role is bound to a unit); an API
    /// token acts as a reporter of its unit under its own name.
    pub async fn actors(
        self,
        store: &Store,
        default_role: Role,
        unit: Option<&UnitName>,
    ) -> Result<(Actor, workflow::Actor), AppError> {
        match self {
            Caller::User(u) => Ok((Actor::user(&u.username), workflow_actor(u))),
            Caller::Token(t) => {
                let u = token_user(t);
                Ok((Actor::user(&u.username), workflow_actor(&u)))
            }
            Caller::CommandLine {
                as_user: Some(name),
            } => {
                let user = store.user(name).await?.ok_or_else(|| {
                    AppError::Refused(format!(
                        "用户“{name}”不存在（planwatch user list 查看用户）"
                    ))
                })?;
                if !user.is_active() {
                    return Err(AppError::Refused(format!("用户“{name}”已停用")));
                }
                Ok((Actor::user(&user.username), workflow_actor(&user)))
            }
            Caller::CommandLine { as_user: None } => {
                let cli = crate::cli_actor();
                let unit = unit.filter(|_| default_role.is_unit_bound()).cloned();
                Ok((
                    cli.clone(),
                    workflow::Actor {
                        user: cli.name,
                        role: default_role,
                        unit,
                    },
                ))
            }
        }
    }
}

/// The workflow actor for a stored user.
pub fn workflow_actor(user: &User) -> workflow::Actor {
    workflow::Actor {
        user: user.username.clone(),
        role: user.role,
        unit: user.unit.clone(),
    }
}

/// An API token acts as a reporter of its unit, under its own name in the audit trail.
pub fn token_user(token: &ApiToken) -> User {
    User {
        id: 0,
        username: format!("api:{}", token.name),
        display_name: token.name.clone(),
        role: Role::Reporter,
        unit: Some(token.unit.clone()),
        task_force: None,
        disabled_at: None,
        created_at: token.created_at,
        updated_at: token.created_at,
        email: None,
        mobile: None,
    }
}

/// Refuses, in the permission table's words, a role that lacks `p`.
pub fn require(role: Role, p: Permission) -> Result<(), AppError> {
    if policy::allows(role, p) {
        Ok(())
    } else {
        Err(AppError::Forbidden(policy::refusal(role, p)))
    }
}
