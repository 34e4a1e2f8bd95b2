//! 计划 → 导入新版本 with corrections made in the preview's table: the confirmation takes the
//! plan the table posts (interchange JSON in `edited`), imports a good one as the next revision
//! and refuses a bad one with 422, naming the task and the field, writing nothing.

mod common;

use axum::http::StatusCode;
use common::{TestApp, Visitor};
use planwatch_model::Plan;

fn yangquan_text() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/plans/yangquan-2022-2024.txt");
    std::fs::read_to_string(path)
        .expect("the Yangquan plan text")
        .replace("\r\n", "\n")
}

/// The Yangquan text with task 2's lead unit line removed: the preview blocks it.
fn text_without_a_lead_unit() -> String {
    let text = yangquan_text();
    let line = "牵头单位：市能源局、市发展改革委\n";
    assert!(text.contains(line), "the fixture names task 2's lead units");
    text.replacen(line, "", 1)
}

async fn confirm(v: &mut Visitor<'_>, content: &str, edited: &str) -> common::Answer {
    let csrf = v.get("/plan/import").await.csrf();
    v.post_form(
        "/plan/import/confirm",
        &[
            ("csrf", csrf.as_str()),
            ("file_name", "plan.txt"),
            ("content", content),
            ("edited", edited),
        ],
    )
    .await
}

fn json(plan: &Plan) -> String {
    serde_json::to_string(plan).expect("a plan serialises")
}

async fn revision_2_exists(v: &mut Visitor<'_>) -> bool {
    v.get("/plan/revisions").await.body.contains("第 2 版")
}

#[tokio::test]
async fn a_plan_corrected_in_the_table_becomes_the_next_revision_with_the_correction() {
    let app = TestApp::yangquan().await;
    let mut office = app.signed_in("office").await;
    let text = yangquan_text();
    let mut plan = planwatch_plantext::extract_text(&text);
    plan.tasks[0].lead_units = vec!["市科学技术局".to_string()];
    let r = confirm(&mut office, &text, &json(&plan)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.header("location"), Some("/plan/revisions"));
    let revisions = office.get("/plan/revisions").await;
    assert!(revisions.body.contains("第 2 版"));
    assert!(
        revisions.body.contains("plan.txt（网页校对）"),
        "the source says so"
    );
    let task = office.get("/tasks/1").await;
    assert!(task.body.contains("市科学技术局"), "{}", task.body);
    let audit = office.get("/audit?entity=plan_revision").await;
    assert!(audit.body.contains("导入计划新版本"));
}

#[tokio::test]
async fn a_blocked_text_is_imported_once_the_table_supplies_the_missing_lead_unit() {
    let app = TestApp::yangquan().await;
    let mut office = app.signed_in("office").await;
    let text = text_without_a_lead_unit();
    let mut plan = planwatch_plantext::extract_text(&text);
    assert!(plan.has_blocking_diagnostics(), "task 2 has no lead unit");
    // The document as uploaded is refused again …
    let r = confirm(&mut office, &text, "").await;
    assert!(r.body.contains("有阻断性问题"), "{}", r.body);
    assert!(!revision_2_exists(&mut office).await);
    // … and accepted once the office names the lead unit in the table.
    plan.tasks[1].lead_units = vec!["市能源局".to_string()];
    let r = confirm(&mut office, &text, &json(&plan)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(revision_2_exists(&mut office).await);
    let task = office.get("/tasks/2").await;
    assert!(task.body.contains("市能源局"), "{}", task.body);
}

#[tokio::test]
async fn a_bad_correction_is_refused_with_the_task_and_field_named_and_nothing_is_written() {
    let app = TestApp::yangquan().await;
    let mut office = app.signed_in("office").await;
    let text = yangquan_text();
    let mut plan = planwatch_plantext::extract_text(&text);
    plan.tasks[0].title = format!("{}（校对）", plan.tasks[0].title);
    plan.tasks[1].lead_units = vec![" ".to_string()];
    let r = confirm(&mut office, &text, &json(&plan)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("任务 2"), "the task is named: {}", r.body);
    assert!(r.body.contains("lead_units"), "the field is named");
    assert!(
        r.body.contains("（校对）"),
        "the office's edits are shown again"
    );
    assert!(!r.body.contains("action=\"/plan/import/confirm\""));
    assert!(!revision_2_exists(&mut office).await);

    // Two tasks with one number.
    let mut twice = planwatch_plantext::extract_text(&text);
    twice.tasks[3].number = twice.tasks[2].number;
    let r = confirm(&mut office, &text, &json(&twice)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("重复（字段 number）"), "{}", r.body);

    // Something that is not a plan at all.
    let r = confirm(&mut office, &text, "{\"title\": 1}").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("表格中校对后的计划无法读取"), "{}", r.body);
    assert!(!revision_2_exists(&mut office).await);
}

#[tokio::test]
async fn only_roles_that_import_plans_may_confirm_a_correction() {
    let app = TestApp::yangquan().await;
    let text = yangquan_text();
    let plan = planwatch_plantext::extract_text(&text);
    let mut reporter = app.signed_in("kjj").await;
    let csrf = reporter.get("/").await.csrf();
    let r = reporter
        .post_form(
            "/plan/import/confirm",
            &[
                ("csrf", csrf.as_str()),
                ("file_name", "plan.txt"),
                ("content", text.as_str()),
                ("edited", json(&plan).as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut office = app.signed_in("office").await;
    assert!(!revision_2_exists(&mut office).await);
}
