//! What changed between two revisions of a plan: tasks, targets and units added, removed or
//! changed. Pure functions over two `Plan`s; the wording is for the office (zh-CN).

use planwatch_model::{Plan, Target, Task};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A changed task and what changed about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskChange {
    pub number: u32,
    pub title: String,
    pub changes: Vec<String>,
}

/// A target present in both revisions with different content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetChange {
    pub place: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlanDiff {
    pub title: Option<(String, String)>,
    pub period: Option<(String, String)>,
    pub tasks_added: Vec<(u32, String)>,
    pub tasks_removed: Vec<(u32, String)>,
    pub tasks_changed: Vec<TaskChange>,
    pub targets_added: Vec<String>,
    pub targets_removed: Vec<String>,
    pub targets_changed: Vec<TargetChange>,
    pub units_added: Vec<String>,
    pub units_removed: Vec<String>,
}

impl PlanDiff {
    pub fn is_empty(&self) -> bool {
        *self == PlanDiff::default()
    }

    /// One line per change, in Chinese, in a fixed order.
    pub fn lines_zh(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some((a, b)) = &self.title {
            out.push(format!("标题：{a} → {b}"));
        }
        if let Some((a, b)) = &self.period {
            out.push(format!("期限：{a} → {b}"));
        }
        for (n, t) in &self.tasks_added {
            out.push(format!("新增任务 {n}：{t}"));
        }
        for (n, t) in &self.tasks_removed {
            out.push(format!("删除任务 {n}：{t}"));
        }
        for c in &self.tasks_changed {
            for what in &c.changes {
                out.push(format!("任务 {}（{}）：{what}", c.number, c.title));
            }
        }
        for t in &self.targets_added {
            out.push(format!("新增目标：{t}"));
        }
        for t in &self.targets_removed {
            out.push(format!("删除目标：{t}"));
        }
        for c in &self.targets_changed {
            out.push(format!(
                "修改目标（{}）：{} → {}",
                c.place, c.before, c.after
            ));
        }
        for u in &self.units_added {
            out.push(format!("新增单位：{u}"));
        }
        for u in &self.units_removed {
            out.push(format!("不再出现的单位：{u}"));
        }
        out
    }
}

fn unit_set(plan: &Plan) -> BTreeSet<String> {
    plan.tasks
        .iter()
        .flat_map(|t| t.lead_units.iter().chain(&t.participating_units))
        .chain(&plan.units)
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty())
        .collect()
}

fn list_change(what: &str, old: &[String], new: &[String]) -> Vec<String> {
    let o: BTreeSet<&str> = old.iter().map(|s| s.trim()).collect();
    let n: BTreeSet<&str> = new.iter().map(|s| s.trim()).collect();
    let mut out = Vec::new();
    let added: Vec<&str> = n.difference(&o).copied().collect();
    let removed: Vec<&str> = o.difference(&n).copied().collect();
    if !added.is_empty() {
        out.push(format!("{what}增加 {}", added.join("、")));
    }
    if !removed.is_empty() {
        out.push(format!("{what}减少 {}", removed.join("、")));
    }
    out
}

fn task_changes(old: &Task, new: &Task) -> Vec<String> {
    let mut out = Vec::new();
    if old.title.trim() != new.title.trim() {
        out.push(format!("标题 {} → {}", old.title.trim(), new.title.trim()));
    }
    if old.section != new.section {
        out.push(format!("所属部分 {} → {}", old.section, new.section));
    }
    out.extend(list_change("牵头单位", &old.lead_units, &new.lead_units));
    out.extend(list_change(
        "参加单位",
        &old.participating_units,
        &new.participating_units,
    ));
    let om: Vec<String> = old.milestones.iter().map(|m| m.text.clone()).collect();
    let nm: Vec<String> = new.milestones.iter().map(|m| m.text.clone()).collect();
    for line in list_change("节点", &om, &nm) {
        out.push(line);
    }
    if old.body.trim() != new.body.trim() && !old.body.is_empty() && !new.body.is_empty() {
        out.push("任务正文有改动".to_string());
    }
    out
}

fn describe_target(t: &Target) -> String {
    let value = match (t.value, t.value_max) {
        (Some(v), Some(m)) => format!("{v}–{m}"),
        (Some(v), None) => format!("{v}"),
        _ => "（定性）".to_string(),
    };
    let unit = t.unit.clone().unwrap_or_default();
    let year = t.year.map(|y| format!("，{y}年")).unwrap_or_default();
    let cmp = t
        .comparator
        .map(|c| {
            format!(
                "，{}",
                serde_json::to_value(c)
                    .map(|v| v.as_str().unwrap_or_default().to_string())
                    .unwrap_or_default()
            )
        })
        .unwrap_or_default();
    format!("{} {value}{unit}{year}{cmp}", t.indicator)
}

type TargetKey = (Option<u32>, String, Option<i32>, usize);

/// Targets keyed by (task, indicator, year, occurrence) so that a changed value is a change,
/// not a removal plus an addition.
fn keyed_targets(plan: &Plan) -> BTreeMap<TargetKey, &Target> {
    let mut counts: BTreeMap<(Option<u32>, String, Option<i32>), usize> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for (task, t) in plan.all_targets() {
        let base = (task, t.indicator.trim().to_string(), t.year);
        let n = counts.entry(base.clone()).or_default();
        out.insert((base.0, base.1, base.2, *n), t);
        *n += 1;
    }
    out
}

fn place(task: Option<u32>) -> String {
    match task {
        Some(n) => format!("任务 {n}"),
        None => "总体目标".to_string(),
    }
}

fn target_content(t: &Target) -> (Option<u64>, Option<u64>, &Option<String>, String) {
    (
        t.value.map(f64::to_bits),
        t.value_max.map(f64::to_bits),
        &t.unit,
        format!("{:?}", t.comparator),
    )
}

/// The changes from `old` to `new`.
pub fn diff_plans(old: &Plan, new: &Plan) -> PlanDiff {
    let mut d = PlanDiff::default();
    if old.title.trim() != new.title.trim() {
        d.title = Some((old.title.trim().to_string(), new.title.trim().to_string()));
    }
    if old.period != new.period {
        d.period = Some((
            format!("{}—{}", old.period.start, old.period.end),
            format!("{}—{}", new.period.start, new.period.end),
        ));
    }
    let old_tasks: BTreeMap<u32, &Task> = old.tasks.iter().map(|t| (t.number, t)).collect();
    let new_tasks: BTreeMap<u32, &Task> = new.tasks.iter().map(|t| (t.number, t)).collect();
    for (n, t) in &new_tasks {
        match old_tasks.get(n) {
            None => d.tasks_added.push((*n, t.title.trim().to_string())),
            Some(o) => {
                let changes = task_changes(o, t);
                if !changes.is_empty() {
                    d.tasks_changed.push(TaskChange {
                        number: *n,
                        title: t.title.trim().to_string(),
                        changes,
                    });
                }
            }
        }
    }
    for (n, t) in &old_tasks {
        if !new_tasks.contains_key(n) {
            d.tasks_removed.push((*n, t.title.trim().to_string()));
        }
    }
    let ot = keyed_targets(old);
    let nt = keyed_targets(new);
    for (k, t) in &nt {
        match ot.get(k) {
            None => d
                .targets_added
                .push(format!("{}：{}", place(k.0), describe_target(t))),
            Some(o) if target_content(o) != target_content(t) => {
                d.targets_changed.push(TargetChange {
                    place: place(k.0),
                    before: describe_target(o),
                    after: describe_target(t),
                })
            }
            Some(_) => {}
        }
    }
    for (k, t) in &ot {
        if !nt.contains_key(k) {
            d.targets_removed
                .push(format!("{}：{}", place(k.0), describe_target(t)));
        }
    }
    let ou = unit_set(old);
    let nu = unit_set(new);
    d.units_added = nu.difference(&ou).cloned().collect();
    d.units_removed = ou.difference(&nu).cloned().collect();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use planwatch_model::{Period, TargetWording};

    fn task(n: u32, title: &str, lead: &[&str], part: &[&str]) -> Task {
        Task {
            number: n,
            label: format!("（{n}）"),
            title: title.to_string(),
            section: "1".to_string(),
            lead_units: lead.iter().map(|s| s.to_string()).collect(),
            participating_units: part.iter().map(|s| s.to_string()).collect(),
            targets: vec![],
            milestones: vec![],
            body: String::new(),
            span: None,
        }
    }

    fn target(indicator: &str, value: f64, year: i32) -> Target {
        Target {
            text: format!("{indicator}达到{value}"),
            indicator: indicator.to_string(),
            value: Some(value),
            unit: Some("个".to_string()),
            year: Some(year),
            comparator: Some(TargetWording::AtLeast),
            ..Target::default()
        }
    }

    fn plan(tasks: Vec<Task>) -> Plan {
        Plan {
            title: "计划".to_string(),
            period: Period {
                start: 2022,
                end: 2024,
            },
            tasks,
            ..Plan::default()
        }
    }

    #[test]
    fn identical_plans_have_no_changes() {
        let p = plan(vec![task(1, "甲", &["市科技局"], &[])]);
        assert!(diff_plans(&p, &p).is_empty());
        assert!(diff_plans(&p, &p).lines_zh().is_empty());
    }

    #[test]
    fn added_removed_and_changed_tasks_are_listed_by_number() {
        let old = plan(vec![
            task(1, "甲", &["市科技局"], &["市财政局"]),
            task(2, "乙", &["市工信局"], &[]),
        ]);
        let new = plan(vec![
            task(1, "甲", &["市科技局", "市发展改革委"], &[]),
            task(3, "丙", &["市工信局"], &[]),
        ]);
        let d = diff_plans(&old, &new);
        assert_eq!(d.tasks_added, vec![(3, "丙".to_string())]);
        assert_eq!(d.tasks_removed, vec![(2, "乙".to_string())]);
        assert_eq!(
            d.tasks_changed[0].changes,
            vec!["牵头单位增加 市发展改革委", "参加单位减少 市财政局"]
        );
        assert_eq!(d.units_added, vec!["市发展改革委"]);
        assert_eq!(d.units_removed, vec!["市财政局"]);
    }

    #[test]
    fn a_target_with_a_new_value_is_a_change_not_a_removal() {
        let mut a = task(1, "甲", &["市科技局"], &[]);
        a.targets = vec![target("5G基站", 3600.0, 2024)];
        let mut b = a.clone();
        b.targets = vec![
            target("5G基站", 4000.0, 2024),
            target("数据中心", 2.0, 2023),
        ];
        let d = diff_plans(&plan(vec![a]), &plan(vec![b]));
        assert_eq!(d.targets_changed.len(), 1);
        assert_eq!(
            d.targets_changed[0].before,
            "5G基站 3600个，2024年，at_least"
        );
        assert_eq!(
            d.targets_changed[0].after,
            "5G基站 4000个，2024年，at_least"
        );
        assert_eq!(
            d.targets_added,
            vec!["任务 1：数据中心 2个，2023年，at_least"]
        );
        assert!(d.targets_removed.is_empty());
        let lines = d.lines_zh();
        assert!(
            lines.iter().any(|l| l.starts_with("修改目标（任务 1）")),
            "{lines:?}"
        );
    }
}
