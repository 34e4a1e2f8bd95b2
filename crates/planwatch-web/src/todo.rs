//! The signed-in person's to-do list (`planwatch_app::todo`), read the same way for the home
//! page, the count in the navigation and `GET /api/v1/todo`.

use super::AppState;
use super::assessment;
use super::error::{WebError, WebResult};
use planwatch_app::todo::{self, TodoItem};
use planwatch_model::Role;
use planwatch_store::User;

/// `user`'s to-do list now; empty before any plan is imported. A unit's people work for every
/// active plan their unit reports to: their list is one list across those plans, each item
/// naming its plan and linking into it (issue 17).
/// Worked out once per data version and day, per person and plan: a unit's people see every
/// plan's changes (the global version), the others their plan's.
pub async fn items(state: &AppState, user: &User) -> WebResult<Vec<TodoItem>> {
    Ok(kept(state, user).await?.as_ref().clone())
}

/// `user`'s to-do list as kept (see [`items`]): for what reads part of it (the count on every
/// page's navigation, the first items on the home page) without copying it all.
pub async fn kept(state: &AppState, user: &User) -> WebResult<std::sync::Arc<Vec<TodoItem>>> {
    let version = if user.role.is_unit_bound() {
        state.global_version().await?
    } else {
        state.data_version().await?
    };
    let today = assessment::today_in_china();
    if let Some(items) = state.cached_todo(user.id, version, today) {
        return Ok(items);
    }
    let items = std::sync::Arc::new(across_plans(state, user).await?);
    state.cache_todo(user.id, version, today, items.clone());
    Ok(items)
}

/// `user`'s to-do list, across the active plans for a unit's people.
async fn across_plans(state: &AppState, user: &User) -> WebResult<Vec<TodoItem>> {
    if user.role.is_unit_bound() {
        let plans = state.plan_list().await?;
        let active: Vec<&planwatch_store::PlanInfo> = plans
            .iter()
            .filter(|p| p.state == planwatch_store::PlanState::Active)
            .collect();
        if active.len() > 1 {
            let mut lists = Vec::with_capacity(active.len());
            for p in active {
                let list = planwatch_store::in_plan(p.id, plan_items(state, user)).await?;
                lists.push(
                    list.into_iter()
                        .map(|t| t.in_plan(&p.code, &p.title))
                        .collect(),
                );
            }
            return Ok(todo::merge(lists));
        }
    }
    plan_items(state, user).await
}

/// `user`'s to-do list in the plan of the request scope.
async fn plan_items(state: &AppState, user: &User) -> WebResult<Vec<TodoItem>> {
    let now = chrono::Utc::now();
    let ctx = match super::reporting::context(state, &user.username, now).await {
        Ok(c) => c,
        Err(WebError::Internal(e))
            if e.downcast_ref::<planwatch_store::StoreError>()
                .is_some_and(|s| matches!(s, planwatch_store::StoreError::NoPlan)) =>
        {
            return Ok(Vec::new());
        }
        Err(e) => return Err(e),
    };
    // Only task forces and leaders act on the assessment; nobody else pays for it.
    let assessed = if matches!(user.role, Role::TaskForce | Role::Leader) {
        assessment::assessed(state, None).await?
    } else {
        None
    };
    // The plan's stored reports as its monitoring results keep them (read once per version).
    let Some(reports) = assessment::stored_reports(state).await? else {
        return Ok(Vec::new());
    };
    todo::load(
        state.store(),
        &ctx,
        &reports,
        user,
        assessed.as_ref().map(|a| &a.outcome.assessment),
        now,
    )
    .await
    .map_err(WebError::Internal)
}

/// How many things `user` has to do, for the navigation (the list above, counted).
pub async fn count(state: &AppState, user: &User) -> WebResult<usize> {
    Ok(kept(state, user).await?.len())
}
