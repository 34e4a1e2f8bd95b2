//! What the public progress page shows (issue 7, 宣传机制): the office chooses it — an
//! introduction, which headline indicators have their latest accepted value and light published,
//! whether task status counts are published, and the closed reporting period the figures are as
//! of. Only the office may change it (checked here); the store keeps it and audits every change.

use crate::error::require;
use crate::policy::{self, Permission};
use crate::{AppError, Caller};
use planwatch_model::Role;
use planwatch_store::{PublicChoice, Store};

/// Whether `role` may choose what is published (the permission table's answer).
pub fn may_publish(role: Role) -> bool {
    policy::allows(role, Permission::ManagePublicPage)
}

/// Saves the office's choice; `false` when it was already stored. Only headline indicators (the
/// plan's 主要目标) may be published.
pub async fn set_choice(
    store: &Store,
    caller: Caller<'_>,
    choice: &PublicChoice,
    expected_revision: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, AppError> {
    let (actor, who) = caller.actors(store, Role::Office, None).await?;
    require(who.role, Permission::ManagePublicPage)?;
    let catalogue = store.catalogue().await?;
    if let Some(code) = choice.indicators.iter().find(|c| {
        !catalogue
            .indicators
            .iter()
            .any(|d| d.headline && &d.code == *c)
    }) {
        return Err(AppError::Refused(format!(
            "指标“{code}”不是计划的主要目标，不能在公开页面发布"
        )));
    }
    Ok(store
        .set_public_settings(&actor, choice, expected_revision, now)
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
