//! The Yangquan plan end to end: a snapshot of the whole extraction, the gold annotation's task,
//! unit and target sets, and the same plan read from GB18030 bytes and from .docx files.

mod common;

use common::{docx, fixture};
use planwatch_model::{Plan, Severity};
use planwatch_plantext::{YANGQUAN_PLAN, extract_bytes, extract_text};
use serde_json::Value;
use std::collections::BTreeSet;

fn gold() -> Value {
    let text = std::fs::read_to_string(fixture("yangquan-2022-2024.gold.json")).expect("gold file");
    serde_json::from_str(&text).expect("gold JSON")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_yangquan_extraction_matches_its_snapshot() {
    insta::assert_json_snapshot!("yangquan_plan", extract_text(YANGQUAN_PLAN));
}

#[test]
fn yangquan_tasks_and_their_units_equal_the_gold() {
    let plan = extract_text(YANGQUAN_PLAN);
    let gold = gold();
    let gold_tasks = gold["tasks"].as_array().expect("tasks");
    assert_eq!(plan.tasks.len(), gold_tasks.len());
    for (t, g) in plan.tasks.iter().zip(gold_tasks) {
        assert_eq!(Some(u64::from(t.number)), g["number"].as_u64());
        assert_eq!(
            t.title,
            g["title"].as_str().unwrap_or_default(),
            "task {}",
            t.number
        );
        assert_eq!(
            t.label,
            g["label"].as_str().unwrap_or_default(),
            "task {}",
            t.number
        );
        assert_eq!(
            t.section,
            g["section"].as_str().unwrap_or_default(),
            "task {}",
            t.number
        );
        assert_eq!(t.lead_units, strings(&g["lead_units"]), "task {}", t.number);
        assert_eq!(
            t.participating_units,
            strings(&g["participating_units"]),
            "task {}",
            t.number
        );
    }
    assert_eq!(plan.units, strings(&gold["units"]));
    assert_eq!(plan.title, gold["title"].as_str().unwrap_or_default());
    assert_eq!(plan.task_forces, strings(&gold["task_forces"]));
}

type Key = (String, String, Option<i64>, String);

fn key(value: f64, unit: Option<&str>, year: Option<i64>, comparator: &str) -> Key {
    (
        format!("{value:.4}"),
        unit.unwrap_or("").to_string(),
        year,
        comparator.to_string(),
    )
}

#[test]
fn yangquan_targets_equal_the_gold_in_value_unit_year_and_comparator() {
    let plan = extract_text(YANGQUAN_PLAN);
    let got: BTreeSet<(Option<u32>, Key)> = plan
        .all_targets()
        .filter_map(|(task, t)| {
            let c = serde_json::to_value(t.comparator).ok()?;
            Some((
                task,
                key(
                    t.value?,
                    t.unit.as_deref(),
                    t.year.map(i64::from),
                    c.as_str()?,
                ),
            ))
        })
        .collect();
    let gold = gold();
    let mut want = BTreeSet::new();
    let mut add = |task: Option<u32>, t: &Value| {
        if let Some(v) = t["value"].as_f64() {
            want.insert((
                task,
                key(
                    v,
                    t["unit"].as_str(),
                    t["year"].as_i64(),
                    t["comparator"].as_str().unwrap_or(""),
                ),
            ));
        }
    };
    for g in gold["goals"].as_array().expect("goals") {
        add(None, g);
    }
    for t in gold["tasks"].as_array().expect("tasks") {
        let n = t["number"].as_u64().and_then(|n| u32::try_from(n).ok());
        for x in t["targets"].as_array().expect("targets") {
            add(n, x);
        }
    }
    assert_eq!(got, want);
}

#[test]
fn yangquan_milestones_are_the_gold_milestones() {
    let plan = extract_text(YANGQUAN_PLAN);
    let gold = gold();
    for (t, g) in plan
        .tasks
        .iter()
        .zip(gold["tasks"].as_array().expect("tasks"))
    {
        let got: Vec<(Option<i32>, &str)> = t
            .milestones
            .iter()
            .map(|m| (m.year, m.text.as_str()))
            .collect();
        let want: Vec<(Option<i32>, &str)> = g["milestones"]
            .as_array()
            .expect("milestones")
            .iter()
            .map(|m| {
                (
                    m["year"].as_i64().and_then(|y| i32::try_from(y).ok()),
                    m["text"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(got, want, "task {}", t.number);
    }
}

#[test]
fn every_span_points_at_its_text_in_the_source() {
    let plan = extract_text(YANGQUAN_PLAN);
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for (_, t) in plan.all_targets() {
        let span = t.span.expect("target span");
        assert_eq!(
            squeeze(&YANGQUAN_PLAN[span.start..span.end]),
            squeeze(&t.text),
            "{t:?}"
        );
        let line = YANGQUAN_PLAN
            .lines()
            .nth(span.line as usize - 1)
            .expect("line");
        let col_at: String = line
            .chars()
            .skip(span.column as usize - 1)
            .take(2)
            .collect();
        assert!(YANGQUAN_PLAN[span.start..].starts_with(&col_at), "{t:?}");
    }
    for t in &plan.tasks {
        for m in &t.milestones {
            let span = m.span.expect("milestone span");
            assert_eq!(
                squeeze(&YANGQUAN_PLAN[span.start..span.end]),
                squeeze(&m.text)
            );
        }
    }
}

#[test]
fn an_indicator_in_the_goals_and_a_task_is_one_indicator() {
    let plan = extract_text(YANGQUAN_PLAN);
    let hightech = plan
        .indicators
        .iter()
        .find(|i| i.name == "国家高新技术企业")
        .expect("indicator");
    let places: Vec<Option<u32>> = hightech.mentions.iter().map(|m| m.task).collect();
    assert_eq!(places, [None, Some(18)]);
    let pue = plan
        .indicators
        .iter()
        .find(|i| i.name == "数据中心PUE")
        .expect("PUE");
    assert_eq!(pue.direction, planwatch_model::Direction::LowerIsBetter);
    assert_eq!(pue.unit, None);
    for (_, t) in plan.all_targets().filter(|(_, t)| t.value.is_some()) {
        let id = t
            .indicator_id
            .as_deref()
            .expect("every numeric target has an indicator");
        assert!(plan.indicator(id).is_some());
    }
}

#[test]
fn conflicting_platform_targets_are_a_warning_not_a_silent_choice() {
    let plan = extract_text(YANGQUAN_PLAN);
    let conflicts: Vec<_> = plan
        .diagnostics
        .iter()
        .filter(|d| d.code == "indicator-conflict")
        .collect();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].severity, Severity::Warning);
    assert_eq!(conflicts[0].line, 135);
    assert!(conflicts[0].message.contains("20家") && conflicts[0].message.contains("30家"));
    let platforms = plan
        .indicators
        .iter()
        .find(|i| i.name.ends_with("等创新平台"))
        .expect("platforms");
    let values: Vec<_> = platforms.mentions.iter().map(|m| m.value).collect();
    assert_eq!(values, [Some(20.0), Some(30.0)]);
}

#[test]
fn mengxian_beside_yuxian_is_reported_as_a_possible_typo() {
    let plan = extract_text(YANGQUAN_PLAN);
    let typos: Vec<(u32, u32)> = plan
        .diagnostics
        .iter()
        .filter(|d| d.code == "unit-name-typo")
        .map(|d| (d.line, d.column))
        .collect();
    assert_eq!(typos, [(27, 8), (27, 40), (27, 67)]);
    assert!(!plan.has_blocking_diagnostics());
}

fn assert_same(a: &Plan, b: &Plan) {
    assert_eq!(
        serde_json::to_string_pretty(a).expect("json"),
        serde_json::to_string_pretty(b).expect("json")
    );
}

#[test]
fn the_plan_saved_as_gb18030_gives_the_same_json() {
    let (bytes, _, lossy) = encoding_rs::GB18030.encode(YANGQUAN_PLAN);
    assert!(!lossy);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    let plan = extract_bytes(&bytes, "yangquan.txt").expect("GB18030 is read");
    assert_same(&plan, &extract_text(YANGQUAN_PLAN));
}

#[test]
fn the_plan_saved_as_utf8_with_bom_gives_the_same_json() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(YANGQUAN_PLAN.as_bytes());
    assert_same(
        &extract_bytes(&bytes, "a.txt").expect("read"),
        &extract_text(YANGQUAN_PLAN),
    );
}

#[test]
fn a_docx_with_one_paragraph_per_line_gives_the_same_json() {
    let lines: Vec<&str> = YANGQUAN_PLAN
        .strip_suffix('\n')
        .unwrap_or(YANGQUAN_PLAN)
        .split('\n')
        .collect();
    let bytes = docx(&lines, &[]);
    let plan = extract_bytes(&bytes, "yangquan.docx").expect("docx is read");
    assert_same(&plan, &extract_text(YANGQUAN_PLAN));
}

#[test]
fn the_python_docx_fixture_gives_the_same_json() {
    let bytes = std::fs::read(fixture("yangquan-2022-2024.docx")).expect("fixture");
    let plan = extract_bytes(&bytes, "yangquan-2022-2024.docx").expect("docx is read");
    assert_same(&plan, &extract_text(YANGQUAN_PLAN));
}
