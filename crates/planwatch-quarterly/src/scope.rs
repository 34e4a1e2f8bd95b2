//! Who reports what: for a unit and a quarter, the task rows it owes (tasks it leads, the
//! breakdown items it is responsible for, and — configurable — its contribution to tasks it
//! takes part in) and the indicators it reports. One figure, one unit: indicators come only from
//! the catalogue's `reporter`, never from task participation.

use crate::breakdown::{Breakdown, BreakdownItem};
use crate::catalogue::Catalogue;
use crate::settings::ReportingSettings;
use planwatch_model::{IndicatorDef, Plan, Quarter, Task, UnitName};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Group names that stand for several units (各县（区）人民政府 → the five counties/districts).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UnitGroups(pub BTreeMap<String, Vec<String>>);

impl UnitGroups {
    /// The units a name stands for: its members if it is a group, else itself.
    pub fn expand<'a>(&'a self, name: &'a str) -> Vec<&'a str> {
        match self.0.get(name) {
            Some(members) => members.iter().map(String::as_str).collect(),
            None => vec![name],
        }
    }

    fn contains(&self, names: &[String], unit: &str) -> bool {
        names.iter().any(|n| self.expand(n).contains(&unit))
    }
}

/// How a unit stands to a task in its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskRole {
    /// The first-named lead unit (主责单位): reports the task's status for everyone.
    Lead,
    /// A further lead unit (共同牵头): contributes its part to the lead's report.
    CoLead,
    /// A participating unit (参加单位): contributes its part to the lead's report.
    Participant,
}

impl TaskRole {
    pub fn label_zh(self) -> &'static str {
        match self {
            TaskRole::Lead => "牵头",
            TaskRole::CoLead => "共同牵头",
            TaskRole::Participant => "参加",
        }
    }

    /// Whether rows in this role carry status and share (only the lead's do).
    pub fn owns_status(self) -> bool {
        self == TaskRole::Lead
    }
}

/// The identity of one row of a unit's report; written (hidden) into the Excel template.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "row", rename_all = "snake_case")]
pub enum RowKey {
    /// The task as a whole, for its lead unit.
    Task { task: u32 },
    /// A co-lead's or participant's contribution to a task.
    Contribution { task: u32 },
    /// A breakdown item the unit is responsible for.
    Item { id: String },
}

impl RowKey {
    /// The compact form used in the template's hidden column: `T:13`, `C:3`, `I:2023-T13-M01`.
    pub fn encode(&self) -> String {
        match self {
            RowKey::Task { task } => format!("T:{task}"),
            RowKey::Contribution { task } => format!("C:{task}"),
            RowKey::Item { id } => format!("I:{id}"),
        }
    }

    pub fn decode(s: &str) -> Option<Self> {
        let (k, v) = s.trim().split_once(':')?;
        match k {
            "T" => v.parse().ok().map(|task| RowKey::Task { task }),
            "C" => v.parse().ok().map(|task| RowKey::Contribution { task }),
            "I" if !v.is_empty() => Some(RowKey::Item { id: v.to_string() }),
            _ => None,
        }
    }
}

/// One task row a unit owes in a quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeRow<'a> {
    pub key: RowKey,
    pub task: &'a Task,
    pub role: TaskRole,
    pub item: Option<&'a BreakdownItem>,
}

/// Everything one unit reports for one quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportScope<'a> {
    pub unit: UnitName,
    pub period: Quarter,
    pub rows: Vec<ScopeRow<'a>>,
    pub indicators: Vec<&'a IndicatorDef>,
}

impl ReportScope<'_> {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.indicators.is_empty()
    }

    pub fn row(&self, key: &RowKey) -> Option<&ScopeRow<'_>> {
        self.rows.iter().find(|r| &r.key == key)
    }
}

/// The inputs that decide who reports what.
#[derive(Debug, Clone, Copy)]
pub struct ScopeInputs<'a> {
    pub plan: &'a Plan,
    pub catalogue: &'a Catalogue,
    pub breakdown: &'a Breakdown,
    pub groups: &'a UnitGroups,
    pub settings: &'a ReportingSettings,
}

impl<'a> ScopeInputs<'a> {
    /// How `unit` stands to `task`, if at all.
    pub fn role(&self, task: &Task, unit: &str) -> Option<TaskRole> {
        let leads: Vec<&str> = task
            .lead_units
            .iter()
            .flat_map(|n| self.groups.expand(n))
            .collect();
        match leads.iter().position(|u| *u == unit) {
            Some(0) => Some(TaskRole::Lead),
            Some(_) => Some(TaskRole::CoLead),
            None if self.groups.contains(&task.participating_units, unit) => {
                Some(TaskRole::Participant)
            }
            None => None,
        }
    }

    /// What `unit` reports for `period`.
    pub fn scope(&self, unit: &UnitName, period: Quarter) -> ReportScope<'a> {
        ReportScope {
            unit: unit.into(),
            period,
            rows: self.rows(unit, period).collect(),
            indicators: self.catalogue.reported_by(unit).collect(),
        }
    }

    /// Whether `unit` reports anything for `period`: `!self.scope(unit, period).is_empty()`,
    /// answered at the first row or indicator found (the to-do lists ask it for every unit and
    /// quarter of a plan each time its reports change).
    pub fn reports_anything(&self, unit: &UnitName, period: Quarter) -> bool {
        self.catalogue.reported_by(unit).next().is_some()
            || self.rows(unit, period).next().is_some()
    }

    /// The rows of `unit`'s report for `period`, task by task: its own row (lead, or a
    /// contribution when those are asked), then the breakdown items it is responsible for.
    fn rows<'s>(
        &'s self,
        unit: &'s UnitName,
        period: Quarter,
    ) -> impl Iterator<Item = ScopeRow<'a>> + 's {
        let this = *self;
        let breakdown: &'a Breakdown = self.breakdown;
        this.plan.tasks.iter().flat_map(move |task| {
            let own = match this.role(task, unit) {
                Some(TaskRole::Lead) => Some(ScopeRow {
                    key: RowKey::Task { task: task.number },
                    task,
                    role: TaskRole::Lead,
                    item: None,
                }),
                Some(role) if this.settings.include_participating_tasks => Some(ScopeRow {
                    key: RowKey::Contribution { task: task.number },
                    task,
                    role,
                    item: None,
                }),
                _ => None,
            };
            let items = breakdown
                .for_year(period.year())
                .filter(move |i| i.task == task.number && &i.responsible_unit == unit)
                .map(move |item| ScopeRow {
                    key: RowKey::Item {
                        id: item.id.clone(),
                    },
                    task,
                    role: TaskRole::Lead,
                    item: Some(item),
                });
            own.into_iter().chain(items)
        })
    }

    /// Every unit that has something to report in `period`, sorted.
    pub fn responsible_units(&self, period: Quarter) -> Vec<UnitName> {
        let mut units: BTreeSet<UnitName> = BTreeSet::new();
        for task in &self.plan.tasks {
            for n in &task.lead_units {
                units.extend(self.groups.expand(n).into_iter().map(UnitName::from));
            }
            if self.settings.include_participating_tasks {
                for n in &task.participating_units {
                    units.extend(self.groups.expand(n).into_iter().map(UnitName::from));
                }
            }
        }
        units.extend(self.catalogue.reporters().into_iter().map(UnitName::from));
        units.extend(
            self.breakdown
                .for_year(period.year())
                .map(|i| i.responsible_unit.clone()),
        );
        units.retain(|u| !self.groups.0.contains_key(u.as_str()));
        units.into_iter().collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::catalogue::tests::{yangquan_catalogue, yangquan_plan};

    pub(crate) fn yangquan_groups() -> UnitGroups {
        UnitGroups(BTreeMap::from([(
            "各县（区）人民政府".to_string(),
            [
                "平定县人民政府",
                "盂县人民政府",
                "城区人民政府",
                "矿区人民政府",
                "郊区人民政府",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        )]))
    }

    /// The Yangquan inputs, leaked for 'static borrows in tests.
    pub(crate) fn yangquan_inputs() -> ScopeInputs<'static> {
        let plan: &'static Plan = Box::leak(Box::new(yangquan_plan()));
        let catalogue: &'static Catalogue = Box::leak(Box::new(yangquan_catalogue()));
        let breakdown: &'static Breakdown = Box::leak(Box::new(Breakdown::seed(plan, catalogue)));
        ScopeInputs {
            plan,
            catalogue,
            breakdown,
            groups: Box::leak(Box::new(yangquan_groups())),
            settings: Box::leak(Box::new(ReportingSettings::default())),
        }
    }

    fn q(s: &str) -> Quarter {
        Quarter::parse(s).expect("quarter")
    }

    #[test]
    fn the_science_bureau_leads_seven_tasks_and_contributes_to_others() {
        let s = yangquan_inputs().scope(&"市科技局".into(), q("2023Q3"));
        let lead: Vec<u32> = s
            .rows
            .iter()
            .filter(|r| matches!(r.key, RowKey::Task { .. }))
            .map(|r| r.task.number)
            .collect();
        assert_eq!(lead, [13, 15, 17, 18, 19, 21, 22]);
        let contrib: Vec<(u32, TaskRole)> = s
            .rows
            .iter()
            .filter(|r| matches!(r.key, RowKey::Contribution { .. }))
            .map(|r| (r.task.number, r.role))
            .collect();
        assert!(contrib.contains(&(20, TaskRole::CoLead)));
        assert!(contrib.contains(&(3, TaskRole::Participant)));
        assert!(
            s.indicators
                .iter()
                .any(|i| i.code == "hightech-enterprises")
        );
    }

    #[test]
    fn a_county_takes_part_through_its_group_name() {
        let i = yangquan_inputs();
        let task1 = i.plan.task(1).expect("task 1");
        assert_eq!(i.role(task1, "盂县人民政府"), Some(TaskRole::Participant));
        assert_eq!(i.role(task1, "市科技局"), None);
        assert!(
            i.responsible_units(q("2023Q3"))
                .contains(&"盂县人民政府".into())
        );
        assert!(
            !i.responsible_units(q("2023Q3"))
                .contains(&"各县（区）人民政府".into())
        );
    }

    #[test]
    fn participation_rows_can_be_switched_off() {
        let mut i = yangquan_inputs();
        let s = ReportingSettings {
            include_participating_tasks: false,
            ..Default::default()
        };
        i.settings = Box::leak(Box::new(s));
        let scope = i.scope(&"市科技局".into(), q("2023Q3"));
        assert!(scope.rows.iter().all(|r| r.role == TaskRole::Lead));
        assert!(i.scope(&"盂县人民政府".into(), q("2023Q3")).is_empty());
    }

    #[test]
    fn whether_a_unit_reports_anything_is_whether_its_scope_has_rows_or_indicators() {
        for participating in [true, false] {
            let mut i = yangquan_inputs();
            i.settings = Box::leak(Box::new(ReportingSettings {
                include_participating_tasks: participating,
                ..Default::default()
            }));
            let mut units: BTreeSet<UnitName> =
                i.responsible_units(q("2023Q3")).into_iter().collect();
            units
                .extend(["各县（区）人民政府", "不存在的单位", "盂县人民政府"].map(UnitName::from));
            let (mut yes, mut no) = (0, 0);
            for year in 2022..=2024 {
                for n in 1..=4 {
                    let period = q(&format!("{year}Q{n}"));
                    for u in &units {
                        let answer = i.reports_anything(u, period);
                        assert_eq!(answer, !i.scope(u, period).is_empty(), "{u} {period}");
                        if answer { yes += 1 } else { no += 1 }
                    }
                }
            }
            assert!(yes > 0 && no > 0, "both answers are met: {yes} / {no}");
        }
    }

    #[test]
    fn every_indicator_is_asked_of_exactly_one_unit() {
        let i = yangquan_inputs();
        let mut seen = BTreeMap::new();
        for u in i.responsible_units(q("2023Q3")) {
            for d in i.scope(&u, q("2023Q3")).indicators {
                assert!(
                    seen.insert(d.code.clone(), u.clone()).is_none(),
                    "{}",
                    d.code
                );
            }
        }
        assert_eq!(seen.len(), i.catalogue.indicators.len());
    }

    #[test]
    fn row_keys_round_trip_through_their_hidden_form() {
        for k in [
            RowKey::Task { task: 13 },
            RowKey::Contribution { task: 3 },
            RowKey::Item {
                id: "2023-T13-M01".into(),
            },
        ] {
            assert_eq!(RowKey::decode(&k.encode()), Some(k));
        }
        assert_eq!(RowKey::decode("X:1"), None);
        assert_eq!(RowKey::decode("T:abc"), None);
        assert_eq!(RowKey::decode("I:"), None);
    }
}
