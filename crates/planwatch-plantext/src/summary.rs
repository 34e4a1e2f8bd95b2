//! A readable Chinese summary of an extracted plan, for a person to check against the source.

use planwatch_model::{Plan, Severity, Target, TargetWording};
use std::fmt::Write;

fn value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn target_zh(t: &Target) -> String {
    let unit = t.unit.as_deref().unwrap_or("");
    let amount = match (t.value, t.value_max) {
        (Some(lo), Some(hi)) => format!("{}–{}{unit}", value(lo), value(hi)),
        (Some(v), None) => format!("{}{unit}", value(v)),
        _ => t.value_text.clone().unwrap_or_default(),
    };
    let bound = match t.comparator {
        // An exact target reads as its number alone.
        Some(TargetWording::Equal) | None => "",
        Some(w) => w.label_zh(),
    };
    let year = match (t.year, t.recurrence.as_deref()) {
        (_, Some("annual")) => "每年".to_string(),
        (_, Some(r)) => r.to_string(),
        (Some(y), None) => format!("{y}年"),
        (None, None) => "年份未定".to_string(),
    };
    let detail = format!("{bound}{amount}");
    if detail.is_empty() {
        format!("{}（{year}）", t.text)
    } else {
        format!("{}（{year}，{detail}）", t.text)
    }
}

/// Renders the plan as plain Chinese text.
pub fn summary_zh(plan: &Plan) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "《{}》", plan.title);
    if plan.period.end != 0 {
        let _ = writeln!(s, "实施期限：{}—{}年", plan.period.start, plan.period.end);
    }
    let _ = writeln!(s, "\n主要目标（{}项）", plan.goals.len());
    for (i, g) in plan.goals.iter().enumerate() {
        let _ = writeln!(s, "  {}. {}", i + 1, target_zh(g));
    }
    let _ = writeln!(
        s,
        "\n任务（{}项，{}组）",
        plan.tasks.len(),
        plan.sections.len()
    );
    let mut section = None;
    for t in &plan.tasks {
        if section != Some(&t.section) {
            section = Some(&t.section);
            if let Some(sec) = plan.sections.iter().find(|x| x.number == t.section) {
                let _ = writeln!(s, "\n  【{}】{}", sec.number, sec.title);
            }
        }
        let line = t
            .span
            .map(|sp| format!("（第{}行）", sp.line))
            .unwrap_or_default();
        let _ = writeln!(s, "  {}{}{}", t.label, t.title, line);
        let _ = writeln!(s, "      牵头单位：{}", join_or_none(&t.lead_units));
        let _ = writeln!(
            s,
            "      参加单位：{}",
            join_or_none(&t.participating_units)
        );
        for x in &t.targets {
            let _ = writeln!(s, "      目标：{}", target_zh(x));
        }
        for m in &t.milestones {
            let year = match (m.year_start, m.year) {
                (Some(a), Some(b)) => format!("{a}—{b}年"),
                (None, Some(b)) => format!("{b}年"),
                _ => String::new(),
            };
            let _ = writeln!(s, "      节点：{year} {}", m.what);
        }
    }
    if !plan.guarantee_measures.is_empty() {
        let _ = writeln!(s, "\n保障措施");
        for g in &plan.guarantee_measures {
            let _ = writeln!(s, "  {}{}", g.number, g.title);
        }
    }
    if !plan.task_forces.is_empty() {
        let _ = writeln!(s, "\n工作专班：{}", plan.task_forces.join("、"));
    }
    let _ = writeln!(
        s,
        "\n责任单位（{}个）：{}",
        plan.units.len(),
        plan.units.join("、")
    );
    let shared: Vec<_> = plan
        .indicators
        .iter()
        .filter(|i| i.mentions.len() > 1)
        .collect();
    if !shared.is_empty() {
        let _ = writeln!(s, "\n多处提及的指标");
        for i in shared {
            let places: Vec<String> = i
                .mentions
                .iter()
                .map(|m| match m.task {
                    None => "目标".to_string(),
                    Some(n) => format!("任务{n}"),
                })
                .collect();
            let _ = writeln!(s, "  {}：{}", i.name, places.join("、"));
        }
    }
    let _ = writeln!(s, "\n问题提示（{}条）", plan.diagnostics.len());
    for d in &plan.diagnostics {
        let sev = match d.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        };
        let _ = writeln!(s, "  第{}行第{}列 [{sev}] {}", d.line, d.column, d.message);
    }
    s
}

fn join_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "（无）".to_string()
    } else {
        v.join("、")
    }
}
