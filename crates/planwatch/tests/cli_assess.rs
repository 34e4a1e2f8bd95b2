//! `planwatch assess` through the real binary, on SQLite and (tests named `pg_…`) PostgreSQL:
//! after the demo data every indicator, task and unit is listed in all three formats; an
//! accepted submission shows in the very next assessment; the store path gives the same
//! assessment as the in-memory demo; bad periods and missing databases are refused.

// The in-memory assessment the store path must agree with comes from the use-case library.
mod common;

use common::Env;
use planwatch_app::assess::{demo, input};

use chrono::{NaiveDate, NaiveDateTime};
use planwatch_model::{Plan, Quarter};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The seed `planwatch demo` uses when none is given.
const DEMO_SEED: u64 = 20_221_001;

fn gold() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/plans/yangquan-2022-2024.gold.json")
}

impl Env {
    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        serde_json::from_str(&self.ok(&all)).expect("assess --format json prints JSON")
    }

    /// `planwatch demo --until 2024Q2` on a fresh data folder: the embedded Yangquan plan as the
    /// extractor reads it, the default organisation and the demo data.
    fn with_demo(&self) {
        let out = self.ok(&["demo", "--until", "2024Q2", "--no-serve"]);
        assert!(out.contains("已载入示例数据"), "{out}");
    }

    /// The same demo data on the gold annotation of the plan (what the in-memory demo uses).
    fn with_demo_on_gold(&self) {
        let plan = gold();
        self.ok(&["init", "--plan", plan.to_str().expect("UTF-8 path")]);
        self.with_demo();
    }
}

fn arr<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is an array"))
}

fn cents(v: &Value) -> i64 {
    (v.as_f64().expect("points are numbers") * 100.0).round() as i64
}

async fn every_indicator_task_and_unit_in_all_three_formats(env: Env) {
    env.with_demo();
    let a = env.json(&["assess", "--period", "2024Q2"]);
    assert_eq!(a["period"], "2024Q2");
    assert_eq!(a["demo"], true);
    assert_eq!(arr(&a, "indicators").len(), 47);
    assert_eq!(arr(&a, "tasks").len(), 22);
    let units = arr(&a, "units");
    assert_eq!(units.len(), 41);
    for u in units {
        let items: i64 = arr(&u["score"], "items")
            .iter()
            .map(|i| cents(&i["points"]))
            .sum();
        assert_eq!(items, cents(&u["score"]["total"]), "{}", u["unit"]);
    }
    for i in arr(&a, "indicators") {
        assert!(
            i["status"].is_string() && i["explanation"].as_str().is_some_and(|e| !e.is_empty())
        );
    }

    let text = env.ok(&["assess", "--period", "2024Q2"]);
    assert!(text.contains("监测评价结果（2024年第二季度）"), "{text}");
    assert!(text.contains("【示例数据】"));
    for i in arr(&a, "indicators") {
        let name = i["name"].as_str().expect("name");
        let explanation = i["explanation"].as_str().expect("explanation");
        assert!(text.contains(name) && text.contains(explanation), "{name}");
    }
    for t in arr(&a, "tasks") {
        let title = t["title"].as_str().expect("title");
        assert!(text.contains(title), "{title}");
    }
    assert_eq!(text.matches("预测：").count(), 47);
    for u in units {
        let line = format!(
            "{}  {:.2}分",
            u["name"].as_str().expect("name"),
            u["score"]["total"].as_f64().expect("total")
        );
        assert!(text.contains(&line), "{line}");
    }
    assert!(text.contains("第1名/"));

    let csv = env.ok(&["assess", "--period", "2024Q2", "--format", "csv"]);
    let tables: Vec<&str> = csv.split("\n\n").collect();
    assert_eq!(tables.len(), 7, "seven tables");
    let rows = |t: &str| t.trim_end().lines().count() - 1;
    assert_eq!(rows(tables[0]), 47);
    assert_eq!(rows(tables[1]), 22);
    assert_eq!(rows(tables[4]), 41);
    assert!(tables[0].starts_with("序号,指标编码,指标名称"));
    let units_only = env.ok(&[
        "assess", "--period", "2024Q2", "--format", "csv", "--table", "units",
    ]);
    assert_eq!(units_only.trim_end(), tables[4].trim_end());
    env.finish().await;
}

async fn an_accepted_submission_shows_in_the_next_assessment(env: Env) {
    env.with_demo();
    // Judged at a day after the acceptance below (the command records it at today's date).
    let args = ["assess", "--period", "2024Q2", "--as-of", "2099-12-31"];
    let before = env.json(&args);
    let awaiting: BTreeSet<&str> = arr(&before, "reporting")
        .iter()
        .filter(|r| r["period"] == "2024Q2" && r["review"] == "awaiting_review")
        .filter_map(|r| r["unit"].as_str())
        .collect();
    let task = arr(&before, "tasks")
        .iter()
        .find(|t| {
            t["lead_units"][0]
                .as_str()
                .is_some_and(|u| awaiting.contains(u))
        })
        .expect("the demo leaves some task lead's 2024Q2 report awaiting review");
    let unit = task["lead_units"][0].as_str().expect("unit").to_string();
    assert_ne!(task["evidence_period"], "2024Q2");
    let out = env.ok(&["review", "accept", "--unit", &unit, "--period", "2024Q2"]);
    assert!(out.contains("已采纳"), "{out}");

    let after = env.json(&args);
    let same_task = arr(&after, "tasks")
        .iter()
        .find(|t| t["id"] == task["id"])
        .expect("same task");
    assert_eq!(same_task["evidence_period"], "2024Q2", "{unit}");
    let record = arr(&after, "reporting")
        .iter()
        .find(|r| r["period"] == "2024Q2" && r["unit"] == unit.as_str())
        .expect("record");
    assert_eq!(record["review"], "accepted");
    env.finish().await;
}

on_both_backends!(
    after_the_demo_assess_lists_every_indicator_task_and_unit_as_text_json_and_csv,
    pg_after_the_demo_assess_lists_every_indicator_task_and_unit_as_text_json_and_csv,
    every_indicator_task_and_unit_in_all_three_formats
);
on_both_backends!(
    an_accepted_submission_changes_the_very_next_assessment,
    pg_an_accepted_submission_changes_the_very_next_assessment,
    an_accepted_submission_shows_in_the_next_assessment
);

#[test]
fn the_store_path_gives_the_same_assessment_as_the_demo_in_memory() {
    let env = Env::sqlite();
    env.with_demo_on_gold();
    let stored = env.json(&["assess", "--period", "2024Q2", "--as-of", "2024-09-30"]);

    let plan: Plan =
        serde_json::from_str(&std::fs::read_to_string(gold()).expect("gold")).expect("plan");
    let org_toml = include_str!("../../../config/yangquan-org.toml");
    let org = demo::org_from_config(
        &plan,
        &planwatch_store::OrgConfig::parse(org_toml, "org").expect("org"),
    );
    let now = NaiveDateTime::parse_from_str("2026-01-01 00:00", "%Y-%m-%d %H:%M").expect("now");
    let d = demo::demo_sources(
        plan,
        demo::DemoSetup {
            org,
            catalogue: &planwatch_quarterly::CatalogueConfig::yangquan(),
            settings: planwatch_quarterly::ReportingSettings::default(),
            methods: input::MethodConfig::builtin(),
        },
        Quarter::parse("2024Q2").expect("q"),
        DEMO_SEED,
        now,
    )
    .expect("demo");
    let built = d.sources.build(
        Quarter::parse("2024Q2").expect("q"),
        NaiveDate::from_ymd_opt(2024, 9, 30).expect("date"),
    );
    // Both sides go through the same JSON text, so floats are read back identically.
    let memory: Value = serde_json::from_str(
        &serde_json::to_string(
            &planwatch_monitor::assess(&built.input, &planwatch_monitor::Rules::default())
                .expect("valid"),
        )
        .expect("serialises"),
    )
    .expect("json");

    assert_eq!(stored["summary"], memory["summary"]);
    assert_eq!(stored["reporting"], memory["reporting"]);
    let key = |v: &Value, k: &str, fields: &[&str]| -> Vec<Vec<String>> {
        arr(v, k)
            .iter()
            .map(|x| fields.iter().map(|f| x[*f].to_string()).collect())
            .collect()
    };
    let same = |a: Vec<Vec<String>>, b: Vec<Vec<String>>| {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y);
        }
    };
    let ind = [
        "id",
        "status",
        "light",
        "score",
        "current_target",
        "forecast",
    ];
    same(
        key(&stored, "indicators", &ind),
        key(&memory, "indicators", &ind),
    );
    let latest = |v: &Value| -> Vec<(String, String)> {
        arr(v, "indicators")
            .iter()
            .map(|i| {
                (
                    i["latest"]["at"].to_string(),
                    i["latest"]["value"].to_string(),
                )
            })
            .collect()
    };
    assert_eq!(latest(&stored), latest(&memory));
    let task = [
        "id",
        "status",
        "percent_complete",
        "evidence_period",
        "milestones",
    ];
    same(key(&stored, "tasks", &task), key(&memory, "tasks", &task));
    let units = |v: &Value| {
        let mut u = key(v, "units", &["unit", "class", "rank", "score"]);
        u.sort();
        u
    };
    same(units(&stored), units(&memory));
}

#[test]
fn a_period_outside_the_plan_and_a_missing_database_are_refused_with_a_reason() {
    let env = Env::sqlite();
    let err = env.fails(&["assess", "--period", "2024Q2"]);
    assert!(err.contains("planwatch init"), "{err}");
    assert!(!env.data().exists(), "a refused assess creates nothing");
    let plan = gold();
    env.ok(&["init", "--plan", plan.to_str().expect("UTF-8 path")]);
    let err = env.fails(&["assess", "--period", "2025Q1"]);
    assert!(err.contains("2025年第一季度不在计划期内"), "{err}");
    let rules = env.dir.path().join("scoring.toml");
    std::fs::write(&rules, "[base]\npoints = 100.0\nfloor = 0.0\nbonus = 3\n").expect("write");
    let err = env.fails(&[
        "assess",
        "--period",
        "2024Q2",
        "--rules",
        rules.to_str().expect("UTF-8 path"),
    ]);
    assert!(
        err.contains("scoring.toml") && err.contains("bonus"),
        "{err}"
    );
    let methods = env.dir.path().join("methods.toml");
    std::fs::write(&methods, "[indicator]\n\"5g-stations\" = \"sequential\"\n").expect("write");
    let err = env.fails(&[
        "assess",
        "--period",
        "2024Q2",
        "--methods",
        methods.to_str().expect("UTF-8 path"),
    ]);
    assert!(err.contains("methods.toml"), "{err}");
    let bad = env.run(&["assess", "--period", "2024Q5"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("2024Q5"));
}

#[test]
fn before_any_report_nothing_is_due_and_no_indicator_has_a_reported_value() {
    let env = Env::sqlite();
    let plan = gold();
    env.ok(&["init", "--plan", plan.to_str().expect("UTF-8 path")]);
    let a = env.json(&["assess", "--period", "2022Q1", "--as-of", "2022-03-31"]);
    assert_eq!(a["demo"], false);
    assert_eq!(a["summary"]["reports_due"], 0);
    for i in arr(&a, "indicators") {
        let at = &i["latest"]["at"];
        assert!(at.is_null() || at == "2021", "{}: {at}", i["id"]);
    }
    let text = env.ok(&["assess", "--period", "2022Q1", "--as-of", "2022-03-31"]);
    assert!(!text.contains("示例数据"));
}
