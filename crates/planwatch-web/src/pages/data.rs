//! The current plan as pages use it: the store's view (tasks with resolved units and task forces)
//! together with the plan itself (goals, targets, milestones, texts), plus lookups by unit.

use super::super::AppState;
use super::super::error::WebResult;
use planwatch_model::{Plan, Task};
use planwatch_store::{OrgView, PlanView, StoreError, TaskView, UnitRef};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The plan, its organisation and the units, as every page needs them. The current revision is
/// kept parsed in memory per app server and reloaded whenever the store's reference-data version
/// moves (a plan or organisation import, a unit change), so a page never shows stale data.
pub struct PlanData {
    pub view: PlanView,
    pub plan: Plan,
    pub units: Vec<UnitRef>,
    pub org: OrgView,
}

/// How a unit is responsible for a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Responsibility {
    Lead,
    Participating,
}

impl Responsibility {
    pub fn label(self) -> &'static str {
        match self {
            Responsibility::Lead => "牵头",
            Responsibility::Participating => "参加",
        }
    }
}

impl PlanData {
    /// The current plan, or `None` before any plan has been imported.
    pub async fn load(state: &AppState) -> WebResult<Option<Arc<PlanData>>> {
        let version = state.reference_version().await?;
        if let Some(d) = state.cached_plan(version) {
            return Ok(Some(d));
        }
        let d = Self::load_revision(state, None).await?.map(Arc::new);
        if let Some(d) = &d {
            // Loaded after the version was read, so it is at least that new: at worst the next
            // request reloads it once more.
            state.cache_plan(version, d.clone());
        }
        Ok(d)
    }

    /// A given revision (`None`: the current one); `None` before any plan has been imported.
    pub async fn load_revision(
        state: &AppState,
        revision: Option<i64>,
    ) -> WebResult<Option<PlanData>> {
        let view = match state.store().plan_view(revision).await {
            Ok(v) => v,
            Err(StoreError::NoPlan) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let plan = state.store().plan(Some(view.revision.number)).await?;
        let units = state.store().units().await?;
        let org = state.store().org_view().await?;
        Ok(Some(PlanData {
            view,
            plan,
            units,
            org,
        }))
    }

    pub fn task(&self, number: i64) -> Option<(&TaskView, &Task)> {
        let view = self.view.tasks.iter().find(|t| t.number == number)?;
        let task = self
            .plan
            .tasks
            .iter()
            .find(|t| i64::from(t.number) == number)?;
        Some((view, task))
    }

    /// The names a unit answers to: its own and those of the groups it belongs to
    /// (平定县人民政府 also answers for 各县（区）人民政府).
    pub fn names_of(&self, unit: &str) -> BTreeSet<String> {
        let mut names = BTreeSet::from([unit.to_string()]);
        for (group, members) in &self.view.groups {
            if members.iter().any(|m| m == unit) {
                names.insert(group.clone());
            }
        }
        names
    }

    /// The tasks a unit leads or takes part in, directly or through a group, in plan order.
    pub fn tasks_of(&self, unit: &str) -> Vec<(&TaskView, Responsibility)> {
        let names = self.names_of(unit);
        self.view
            .tasks
            .iter()
            .filter_map(|t| {
                if t.lead_units.iter().any(|u| names.contains(u.name.as_str())) {
                    Some((t, Responsibility::Lead))
                } else if t
                    .participating_units
                    .iter()
                    .any(|u| names.contains(u.name.as_str()))
                {
                    Some((t, Responsibility::Participating))
                } else {
                    None
                }
            })
            .collect()
    }

    pub fn target_count(&self) -> usize {
        self.plan.tasks.iter().map(|t| t.targets.len()).sum()
    }

    pub fn milestone_count(&self) -> usize {
        self.plan.tasks.iter().map(|t| t.milestones.len()).sum()
    }

    /// The title of a section by its number.
    pub fn section_title(&self, number: &str) -> String {
        self.view
            .sections
            .iter()
            .find(|s| s.number == number)
            .map(|s| s.title.clone())
            .unwrap_or_default()
    }
}

/// A unit as a link.
pub struct UnitLink {
    pub id: i64,
    pub name: String,
}

impl From<&UnitRef> for UnitLink {
    fn from(u: &UnitRef) -> Self {
        UnitLink {
            id: u.id,
            name: u.name.to_string(),
        }
    }
}

/// A task as a table row.
pub struct TaskRow {
    pub number: i64,
    pub title: String,
    pub lead: Vec<UnitLink>,
    pub participating: Vec<UnitLink>,
    pub task_force: String,
    pub targets: i64,
    pub milestones: i64,
    /// How the unit in question is responsible (unit pages only).
    pub responsibility: &'static str,
}

impl From<&TaskView> for TaskRow {
    fn from(t: &TaskView) -> Self {
        TaskRow {
            number: t.number,
            title: t.title.clone(),
            lead: t.lead_units.iter().map(UnitLink::from).collect(),
            participating: t.participating_units.iter().map(UnitLink::from).collect(),
            task_force: t.task_force.clone().unwrap_or_default(),
            targets: t.target_count,
            milestones: t.milestone_count,
            responsibility: "",
        }
    }
}
