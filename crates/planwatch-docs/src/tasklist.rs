//! The task list (任务清单, the plan's attachment 2) as a document with one table — 序号、任务、
//! 专班、牵头单位、参加单位、目标、完成时限 — grouped by the plan's sections; written as xlsx.

use crate::model::{Align, Cell, Column, Document, Row, Table, zh_numeral};
use crate::view::program_name;
use planwatch_model::{Plan, Task};
use std::collections::BTreeMap;

/// The targets and milestones of a task, one per line, with their years.
fn goals_of(t: &Task) -> String {
    let mut lines: Vec<String> = Vec::new();
    for x in &t.targets {
        lines.push(x.text.trim().to_string());
    }
    for m in &t.milestones {
        let text = m.text.trim();
        match m.year {
            Some(y) if !text.contains(&y.to_string()) => lines.push(format!("{y}年：{text}")),
            _ => lines.push(text.to_string()),
        }
    }
    if lines.is_empty() {
        "—".into()
    } else {
        lines.join("\n")
    }
}

/// The latest year the task commits to, or the plan's period when it names none.
fn deadline(t: &Task, plan: &Plan) -> String {
    let latest = t
        .targets
        .iter()
        .filter_map(|x| x.year)
        .chain(t.milestones.iter().filter_map(|m| m.year))
        .max();
    match latest {
        Some(y) => format!("{y}年底前"),
        None if plan.period.start > 0 => format!("{}—{}年", plan.period.start, plan.period.end),
        None => "—".into(),
    }
}

/// The title of the plan's task-list attachment, or one made from the plan's subject.
fn title(plan: &Plan) -> String {
    plan.attachments
        .iter()
        .find(|a| a.title.contains("任务清单"))
        .map(|a| a.title.clone())
        .unwrap_or_else(|| format!("{}任务清单", program_name(&plan.title)))
}

/// The task list of `plan`; `task_force_of` maps task numbers to task forces (专班).
pub fn compose(plan: &Plan, task_force_of: &BTreeMap<u32, String>) -> Document {
    let mut rows = Vec::new();
    let mut section = None;
    for t in &plan.tasks {
        if section != Some(&t.section) {
            section = Some(&t.section);
            let heading = plan
                .sections
                .iter()
                .find(|s| s.number == t.section)
                .map(|s| match s.number.parse::<usize>() {
                    Ok(n) => format!("{}、{}", zh_numeral(n), s.title),
                    Err(_) => format!("{} {}", s.number, s.title),
                });
            if let Some(h) = heading {
                rows.push(Row::Group { text: h });
            }
        }
        let dash = |v: &[String]| {
            if v.is_empty() {
                "—".to_string()
            } else {
                v.join("、")
            }
        };
        rows.push(Row::cells(vec![
            Cell::text(t.number.to_string()),
            Cell::text(&t.title),
            Cell::text(
                task_force_of
                    .get(&t.number)
                    .cloned()
                    .unwrap_or_else(|| "（未分配）".into()),
            ),
            Cell::text(dash(&t.lead_units)),
            Cell::text(dash(&t.participating_units)),
            Cell::text(goals_of(t)),
            Cell::text(deadline(t, plan)),
        ]));
    }
    let title = title(plan);
    Document {
        title: title.clone(),
        demo: false,
        blocks: vec![crate::model::Block::Table(Table {
            id: "tasklist".into(),
            number: None,
            title,
            columns: vec![
                Column::key("序号", 3),
                Column::new("任务", 12, Align::Left),
                Column::new("专班", 7, Align::Center),
                Column::new("牵头单位", 9, Align::Left),
                Column::new("参加单位", 14, Align::Left),
                Column::new("目标", 26, Align::Left),
                Column::new("完成时限", 6, Align::Center),
            ],
            rows,
            sheet: Some("任务清单".into()),
            note: Some(format!(
                "注：根据《{}》整理；专班分工以领导小组办公室确认为准。",
                plan.title.trim_matches(['《', '》'])
            )),
        })],
        sources: Vec::new(),
    }
}
