//! The last step: tasks get their unit lists, the plan its unit register, indicators and
//! diagnostics (task without lead unit, conflicts, typos), sorted by place.

use crate::extract::{Cx, Draft};
use crate::units::Role;
use crate::{Diag, indicators, typos};
use planwatch_model::{Diagnostic, Plan, ResponsibleUnit, Severity, Span, UnitKind};
use std::collections::{HashMap, HashSet};

pub(crate) fn finish(cx: &mut Cx<'_>, mut plan: Plan, drafts: Vec<Draft>) -> Plan {
    let mut register: HashMap<String, ResponsibleUnit> = HashMap::new();
    for d in drafts {
        let mut task = d.task;
        let mut leads: HashSet<&str> = HashSet::new();
        let mut named: HashSet<&str> = HashSet::new();
        // The lead of the task's group leads unless the task names its own lead; the first unit
        // of a single-label list (责任单位：A、B) leads only when no lead is named either way.
        let explicit = d.units.iter().any(|u| u.1 == Role::Lead);
        let inherited = !explicit && d.units.iter().any(|u| u.1 == Role::Inherited);
        for (name, role, _) in &d.units {
            let lead = match role {
                Role::Lead => true,
                Role::Inherited => !explicit,
                Role::Responsible => !explicit && !inherited,
                Role::Participate => false,
            };
            if lead {
                leads.insert(name);
            }
        }
        for (name, role, span) in &d.units {
            if *role == Role::Inherited && explicit {
                continue;
            }
            if !named.insert(name) {
                continue;
            }
            let lead = leads.contains(name.as_str());
            if lead {
                task.lead_units.push(name.clone());
            } else {
                task.participating_units.push(name.clone());
            }
            if !register.contains_key(name.as_str()) {
                register.insert(
                    name.clone(),
                    ResponsibleUnit {
                        name: name.clone(),
                        kind: UnitKind::classify(name),
                        lead_tasks: Vec::new(),
                        participating_tasks: Vec::new(),
                        span: Some(*span),
                    },
                );
            }
            let Some(entry) = register.get_mut(name.as_str()) else {
                continue;
            };
            let tasks = if lead {
                &mut entry.lead_tasks
            } else {
                &mut entry.participating_tasks
            };
            tasks.push(task.number);
        }
        if task.lead_units.is_empty() {
            let span = task.span.unwrap_or_default();
            cx.diags.push(Diag {
                span,
                severity: Severity::Error,
                code: "task-without-lead".to_string(),
                message: format!(
                    "任务{}“{}”没有牵头单位，补充牵头单位后才能导入 (task {} has no lead unit)",
                    task.label, task.title, task.number
                ),
            });
        }
        plan.tasks.push(task);
    }
    let mut units: Vec<ResponsibleUnit> = register.into_values().collect();
    units.sort_by(|a, b| a.name.cmp(&b.name));
    plan.units = units.iter().map(|u| u.name.clone()).collect();
    plan.unit_details = units;

    cx.diags.extend(indicators::link(&mut plan));
    cx.diags.extend(typos::check(cx.src, &cx.idx, &plan.units));
    if plan.tasks.is_empty() {
        cx.diags.push(Diag {
            span: Span {
                line: 1,
                column: 1,
                start: 0,
                end: 0,
                sheet: None,
                page: None,
                source_line: None,
            },
            severity: Severity::Error,
            code: "no-tasks".to_string(),
            message: "没有识别出任何任务：请确认任务带有编号（如（1）、1.、第一条）并写明牵头单位 (no tasks found)".to_string(),
        });
    }
    let mut diags = std::mem::take(&mut cx.diags);
    if let Some(place) = cx.place {
        diags.iter_mut().for_each(place);
    }
    diags.sort_by_key(|d| (d.span.sheet, d.span.line, d.span.column, d.severity));
    diags.dedup_by(|a, b| a.span == b.span && a.code == b.code);
    plan.diagnostics = diags
        .into_iter()
        .map(|d| Diagnostic {
            line: d.span.line,
            column: d.span.column,
            message: d.message,
            severity: d.severity,
            code: d.code,
            sheet: d.span.sheet,
        })
        .collect();
    plan
}
