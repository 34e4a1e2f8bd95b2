//! What a use case answers when it does not do what was asked: a refusal in the person's words
//! (Chinese, saying where and what; nothing changed), or an unexpected failure that only the log
//! explains in full. Adapters show the first as it is and the second under a reference number.

/// A use case's failure.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The rules refuse it (the message says why, in Chinese); nothing changed.
    #[error("{0}")]
    Refused(String),
    /// Someone changed the same thing after the caller read it (the message says so); nothing
    /// changed. Read again and retry.
    #[error("{0}")]
    Stale(String),
    /// Unexpected (a database error): for the log, never shown as it is.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// The message a person may see, or `None` for an internal failure.
    pub fn user_message(&self) -> Option<&str> {
        match self {
            AppError::Refused(m) | AppError::Stale(m) => Some(m),
            AppError::Internal(_) => None,
        }
    }
}

impl From<planwatch_store::StoreError> for AppError {
    fn from(e: planwatch_store::StoreError) -> Self {
        match e {
            planwatch_store::StoreError::Workflow(w) => AppError::Stale(w.to_string()),
            other => AppError::Internal(other.into()),
        }
    }
}

/// Who asks a use case: a signed-in person (the web), or the command line acting as the operator
/// or, with `--as`, as a named user.
#[derive(Debug, Clone, Copy)]
pub enum Caller<'a> {
    User(&'a planwatch_store::User),
    CommandLine { as_user: Option<&'a str> },
}
