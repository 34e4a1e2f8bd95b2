//! The yearly breakdown (清单化、项目化、节点化): for each year and task, work items (清单),
//! projects (项目) and dated milestones (节点), each with a responsible unit and a due date.
//! Seeded from the plan's dated targets and milestones, then completed by the task forces
//! (in Excel through `xlsx::breakdown`, later in the browser).

use crate::catalogue::Catalogue;
use chrono::NaiveDate;
use planwatch_model::{IndicatorCode, MilestoneKind, Plan, TargetWording, Task, UnitName};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What sort of breakdown item a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 清单: a work item, often an indicator's yearly target.
    WorkItem,
    /// 项目: a project such as 百度云计算中心（二期）.
    Project,
    /// 节点: a dated milestone.
    Milestone,
}

impl ItemKind {
    pub const ALL: [ItemKind; 3] = [ItemKind::WorkItem, ItemKind::Project, ItemKind::Milestone];

    pub fn label_zh(self) -> &'static str {
        match self {
            ItemKind::WorkItem => "清单",
            ItemKind::Project => "项目",
            ItemKind::Milestone => "节点",
        }
    }

    pub fn from_label_zh(s: &str) -> Option<Self> {
        ItemKind::ALL.into_iter().find(|k| k.label_zh() == s.trim())
    }

    fn letter(self) -> char {
        match self {
            ItemKind::WorkItem => 'W',
            ItemKind::Project => 'P',
            ItemKind::Milestone => 'M',
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

/// Where an item came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemOrigin {
    /// A dated numeric target of the plan.
    PlanTarget,
    /// A dated milestone (or project) of the plan.
    PlanMilestone,
    /// Added by a task force.
    Added,
}

impl ItemOrigin {
    pub fn label_zh(self) -> &'static str {
        match self {
            ItemOrigin::PlanTarget => "计划目标",
            ItemOrigin::PlanMilestone => "计划节点",
            ItemOrigin::Added => "专班新增",
        }
    }
}

/// One work item, project or milestone of one year and task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakdownItem {
    /// Stable id such as `2023-T10-P01`.
    pub id: String,
    pub year: i32,
    pub task: u32,
    pub kind: ItemKind,
    pub title: String,
    pub responsible_unit: UnitName,
    pub due: NaiveDate,
    /// The indicator code when the item is an indicator's yearly target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<IndicatorCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_value: Option<f64>,
    pub origin: ItemOrigin,
    #[serde(default)]
    pub note: String,
    /// Withdrawn by the task force (作废); kept so that reports referring to it stay readable.
    #[serde(default)]
    pub withdrawn: bool,
}

/// The breakdown of a plan: items of every year.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Breakdown {
    pub items: Vec<BreakdownItem>,
}

impl Breakdown {
    /// The items of one year, in id order, without withdrawn ones.
    pub fn for_year(&self, year: i32) -> impl Iterator<Item = &BreakdownItem> {
        self.items
            .iter()
            .filter(move |i| i.year == year && !i.withdrawn)
    }

    pub fn get(&self, id: &str) -> Option<&BreakdownItem> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The next free id for (year, task, kind).
    pub fn next_id(&self, year: i32, task: u32, kind: ItemKind) -> String {
        let prefix = format!("{year}-T{task:02}-{}", kind.letter());
        let n = self
            .items
            .iter()
            .filter_map(|i| i.id.strip_prefix(&prefix))
            .filter_map(|rest| rest.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        format!("{prefix}{:02}", n + 1)
    }

    /// Seeds the breakdown of every plan year from the plan's dated targets and milestones.
    pub fn seed(plan: &Plan, catalogue: &Catalogue) -> Self {
        let mut b = Breakdown::default();
        for year in plan.period.start..=plan.period.end {
            b.seed_year(plan, catalogue, year);
        }
        b
    }

    /// Adds the seeded items of one year (idempotent: items already present are kept as they are).
    pub fn seed_year(&mut self, plan: &Plan, catalogue: &Catalogue, year: i32) {
        let due = NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December exists");
        for task in &plan.tasks {
            let lead: UnitName = task
                .lead_units
                .first()
                .map(UnitName::from)
                .unwrap_or_default();
            for t in &task.targets {
                let recurring = t.year.is_none() && t.recurrence.as_deref() == Some("annual");
                let applies = t.year == Some(year)
                    || recurring
                    || (t.year.is_none() && year == plan.period.end);
                if !applies || t.comparator == Some(TargetWording::Qualitative) {
                    continue;
                }
                let (kind, title, indicator, responsible) = match t.value {
                    Some(v) => {
                        let def = catalogue.by_name(&t.indicator);
                        let unit = t.unit.as_deref().unwrap_or("");
                        (
                            ItemKind::WorkItem,
                            format!(
                                "{}：{}{unit}",
                                def.map_or(t.indicator.as_str(), |d| d.name.as_str()),
                                crate::validate::fmt_num(v)
                            ),
                            def.map(|d| d.code.clone()),
                            def.map_or_else(|| lead.clone(), |d| d.reporter.clone()),
                        )
                    }
                    // A capacity or construction commitment without a single number.
                    None => (ItemKind::Project, t.text.clone(), None, lead.clone()),
                };
                self.push_seeded(SeededItem {
                    year,
                    task,
                    kind,
                    title,
                    responsible,
                    due,
                    indicator,
                    target_value: t.value,
                    origin: ItemOrigin::PlanTarget,
                });
            }
            for m in &task.milestones {
                if m.year != Some(year) {
                    continue;
                }
                let what = if m.what.trim().is_empty() {
                    &m.text
                } else {
                    &m.what
                };
                self.push_seeded(SeededItem {
                    year,
                    task,
                    kind: milestone_kind(what, m.kind),
                    title: what.clone(),
                    responsible: lead.clone(),
                    due,
                    indicator: None,
                    target_value: None,
                    origin: ItemOrigin::PlanMilestone,
                });
            }
        }
    }

    fn push_seeded(&mut self, s: SeededItem<'_>) {
        let exists = self
            .items
            .iter()
            .any(|i| i.year == s.year && i.task == s.task.number && i.title == s.title);
        if exists {
            return;
        }
        let id = self.next_id(s.year, s.task.number, s.kind);
        self.items.push(BreakdownItem {
            id,
            year: s.year,
            task: s.task.number,
            kind: s.kind,
            title: s.title,
            responsible_unit: s.responsible,
            due: s.due,
            indicator: s.indicator,
            target_value: s.target_value,
            origin: s.origin,
            note: String::new(),
            withdrawn: false,
        });
    }
}

struct SeededItem<'a> {
    year: i32,
    task: &'a Task,
    kind: ItemKind,
    title: String,
    responsible: UnitName,
    due: NaiveDate,
    indicator: Option<IndicatorCode>,
    target_value: Option<f64>,
    origin: ItemOrigin,
}

/// A plan milestone is a project when it names one (项目, 工程, 一期/二期), a 节点 when it is a
/// concrete deliverable, and a work item when it only describes an end state.
fn milestone_kind(what: &str, kind: Option<MilestoneKind>) -> ItemKind {
    if what.contains("项目")
        || what.contains("工程")
        || what.contains("期）")
        || what.contains("期)")
    {
        ItemKind::Project
    } else if kind == Some(MilestoneKind::Qualitative) {
        ItemKind::WorkItem
    } else {
        ItemKind::Milestone
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::tests::{yangquan_catalogue, yangquan_plan};

    fn seeded() -> Breakdown {
        Breakdown::seed(&yangquan_plan(), &yangquan_catalogue())
    }

    #[test]
    fn the_baidu_cloud_centre_is_a_2022_project_of_task_10() {
        let b = seeded();
        let p = b
            .for_year(2022)
            .find(|i| i.title.contains("百度云计算中心"))
            .expect("seeded");
        assert_eq!(p.kind, ItemKind::Project);
        assert_eq!(p.task, 10);
        assert_eq!(p.id, "2022-T10-P01");
        assert_eq!(p.responsible_unit, "市大数据局");
        assert_eq!(p.due.to_string(), "2022-12-31");
    }

    #[test]
    fn dated_targets_become_work_items_owned_by_the_indicator_reporter() {
        let b = seeded();
        let w: Vec<_> = b
            .for_year(2022)
            .filter(|i| i.indicator.as_deref() == Some("5g-stations"))
            .collect();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].title, "5G基站累计建成数：2000个");
        assert_eq!(w[0].target_value, Some(2000.0));
        let training = b
            .for_year(2024)
            .find(|i| i.indicator.as_deref() == Some("vocational-training"))
            .expect("2024");
        assert_eq!(training.responsible_unit, "市人社局");
    }

    #[test]
    fn a_recurring_target_gives_an_item_every_year() {
        let b = seeded();
        for y in 2022..=2024 {
            assert!(
                b.for_year(y)
                    .any(|i| i.indicator.as_deref() == Some("matchmaking-events")),
                "{y}"
            );
        }
    }

    #[test]
    fn the_2023_pumped_storage_project_and_the_2022_command_centre_node_are_seeded() {
        let b = seeded();
        let m: Vec<_> = b.for_year(2023).filter(|i| i.task == 2).collect();
        assert!(
            m.iter()
                .any(|i| i.kind == ItemKind::Project && i.title.contains("抽水蓄能"))
        );
        let n = b
            .for_year(2022)
            .find(|i| i.title.contains("城市运行指挥中心"))
            .expect("task 9 milestone");
        assert_eq!(
            (n.kind, n.id.as_str()),
            (ItemKind::Milestone, "2022-T09-M01")
        );
    }

    #[test]
    fn seeding_twice_adds_nothing() {
        let plan = yangquan_plan();
        let cat = yangquan_catalogue();
        let mut b = Breakdown::seed(&plan, &cat);
        let n = b.items.len();
        b.seed_year(&plan, &cat, 2023);
        assert_eq!(b.items.len(), n);
    }

    #[test]
    fn new_ids_continue_the_sequence() {
        let b = seeded();
        assert_eq!(b.next_id(2022, 10, ItemKind::Project), "2022-T10-P02");
        assert_eq!(b.next_id(2023, 22, ItemKind::Milestone), "2023-T22-M01");
    }
}
