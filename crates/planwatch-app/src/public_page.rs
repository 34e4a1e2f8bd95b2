//! What the public progress page shows (issue 7, 宣传机制): the office chooses it — an
//! introduction, which headline indicators have their latest accepted value and light published,
//! whether task status counts are published, and the closed reporting period the figures are as
//! of. Only the office may change it (checked here); the store keeps it and audits every change.

use planwatch_model::Role;
use planwatch_store::{Actor, PublicChoice, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum PublicError {
    #[error("您的角色（{}）不能设置公开内容：仅限领导小组办公室", .0.label_zh())]
    Forbidden(Role),
    #[error("指标“{0}”不是计划的主要目标，不能在公开页面发布")]
    NotHeadline(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl PublicError {
    /// A refusal of the input (as opposed to a database failure).
    pub fn is_refusal(&self) -> bool {
        match self {
            PublicError::Store(e) => {
                matches!(e, StoreError::InvalidInput(_) | StoreError::Conflict(_))
            }
            _ => true,
        }
    }
}

/// Whether `role` may choose what is published.
pub fn may_publish(role: Role) -> bool {
    role == Role::Office
}

/// Saves the office's choice; `false` when it was already stored. Only headline indicators (the
/// plan's 主要目标) may be published.
pub async fn set_choice(
    store: &Store,
    actor: &Actor,
    role: Role,
    choice: &PublicChoice,
    expected_revision: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, PublicError> {
    if !may_publish(role) {
        return Err(PublicError::Forbidden(role));
    }
    let catalogue = store.catalogue().await?;
    if let Some(code) = choice.indicators.iter().find(|c| {
        !catalogue
            .indicators
            .iter()
            .any(|d| d.headline && &d.code == *c)
    }) {
        return Err(PublicError::NotHeadline(code.to_string()));
    }
    Ok(store
        .set_public_settings(actor, choice, expected_revision, now)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_office_publishes() {
        for r in Role::ALL {
            assert_eq!(may_publish(r), r == Role::Office, "{r:?}");
        }
    }
}
