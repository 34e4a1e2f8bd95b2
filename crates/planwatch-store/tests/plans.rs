//! Plans with revisions, on both backends: import, re-import with a diff, refusals that change
//! nothing, and the normalised tables later issues refer to.

mod common;

use common::{Ctx, at, gold_plan, office};
use planwatch_model::{Diagnostic, Severity};
use planwatch_store::{PlanSource, StoreError, parse_plan_json};

fn json_source() -> PlanSource {
    PlanSource::Json {
        file_name: "plan.json".to_string(),
    }
}

async fn the_gold_plan_imports_as_revision_one_with_22_tasks_and_their_units(ctx: Ctx) {
    let import = ctx
        .store
        .import_plan(&office(), &gold_plan(), &json_source(), at(0))
        .await
        .expect("imports");
    assert_eq!(import.revision, 1);
    assert!(import.diff.is_none());
    assert_eq!(import.units_created.len(), 41);
    let view = ctx.store.plan_view(None).await.expect("view");
    assert_eq!(view.tasks.len(), 22);
    assert_eq!(view.sections.len(), 3);
    let t1 = &view.tasks[0];
    assert_eq!(t1.title, "打造百亿级新材料产业基地");
    let names =
        |u: &[planwatch_store::UnitRef]| u.iter().map(|u| u.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&t1.lead_units), ["市工信局"]);
    assert_eq!(
        names(&t1.participating_units),
        [
            "市发展改革委",
            "各县（区）人民政府",
            "阳泉高新区",
            "华阳集团"
        ]
    );
    assert_eq!(t1.target_count, 2);
    assert_eq!(t1.milestone_count, 1);
    assert_eq!(ctx.store.plan(None).await.expect("plan"), gold_plan());
    ctx.finish().await;
}
on_both_backends!(
    sqlite_the_gold_plan_imports_as_revision_one_with_22_tasks_and_their_units,
    pg_the_gold_plan_imports_as_revision_one_with_22_tasks_and_their_units,
    the_gold_plan_imports_as_revision_one_with_22_tasks_and_their_units
);

async fn a_second_import_is_a_new_revision_that_keeps_the_old_and_lists_the_changes(ctx: Ctx) {
    let first = ctx
        .store
        .import_plan(&office(), &gold_plan(), &json_source(), at(0))
        .await
        .expect("first");
    let mut changed = gold_plan();
    changed.tasks[2].targets[0].value = Some(2500.0);
    changed.tasks[0].lead_units.push("市科技局".to_string());
    changed.tasks.pop();
    changed.tasks[5]
        .participating_units
        .push("市新设局".to_string());
    let second = ctx
        .store
        .import_plan(&office(), &changed, &json_source(), at(10))
        .await
        .expect("second");
    assert_eq!(second.revision, 2);
    let lines = second.diff.expect("a diff").lines_zh();
    assert!(
        lines.iter().any(|l| l.starts_with("删除任务 22：")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("牵头单位增加 市科技局")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("修改目标（任务 3）")),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"新增单位：市新设局".to_string()),
        "{lines:?}"
    );
    assert_eq!(second.units_created, ["市新设局"]);

    let revisions = ctx.store.revisions().await.expect("revisions");
    assert_eq!(
        revisions.iter().map(|r| r.number).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(revisions[0].task_count, 22);
    assert_eq!(revisions[1].task_count, 21);
    assert_eq!(ctx.store.plan(Some(1)).await.expect("rev 1"), gold_plan());
    // A task keeps its id across revisions.
    let v1 = ctx.store.plan_view(Some(1)).await.expect("v1");
    let v2 = ctx.store.plan_view(None).await.expect("v2");
    assert_eq!(v1.tasks[4].id, v2.tasks[4].id);
    assert_eq!(v2.tasks[0].lead_units.len(), 2);
    assert_eq!(first.plan_id, second.plan_id);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_second_import_is_a_new_revision_that_keeps_the_old_and_lists_the_changes,
    pg_a_second_import_is_a_new_revision_that_keeps_the_old_and_lists_the_changes,
    a_second_import_is_a_new_revision_that_keeps_the_old_and_lists_the_changes
);

async fn a_plan_with_blocking_diagnostics_is_refused_and_nothing_changes(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let before = ctx.store.export_json().await.expect("export").0;
    let mut bad = gold_plan();
    bad.diagnostics.push(Diagnostic {
        line: 12,
        column: 3,
        message: "任务没有牵头单位".to_string(),
        severity: Severity::Error,
        code: "task-without-lead".to_string(),
        sheet: None,
    });
    bad.tasks[3].lead_units.clear();
    match ctx
        .store
        .import_plan(&office(), &bad, &json_source(), at(5))
        .await
    {
        Err(StoreError::BlockingDiagnostics(problems)) => {
            assert!(problems[0].contains("第 12 行第 3 列"), "{problems:?}");
            assert!(
                problems
                    .iter()
                    .any(|p| p.contains("tasks[3]") && p.contains("lead_units"))
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(ctx.store.export_json().await.expect("export").0, before);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_plan_with_blocking_diagnostics_is_refused_and_nothing_changes,
    pg_a_plan_with_blocking_diagnostics_is_refused_and_nothing_changes,
    a_plan_with_blocking_diagnostics_is_refused_and_nothing_changes
);

async fn warnings_do_not_block_an_import(ctx: Ctx) {
    let mut plan = gold_plan();
    plan.diagnostics.push(Diagnostic {
        line: 1,
        column: 1,
        message: "可能的错别字".to_string(),
        severity: Severity::Warning,
        code: String::new(),
        sheet: None,
    });
    ctx.store
        .import_plan(&office(), &plan, &json_source(), at(0))
        .await
        .expect("a warning is not blocking");
    ctx.finish().await;
}
on_both_backends!(
    sqlite_warnings_do_not_block_an_import,
    pg_warnings_do_not_block_an_import,
    warnings_do_not_block_an_import
);

#[test]
fn a_plan_json_with_a_missing_field_names_the_field_and_the_line() {
    let text = "{\n  \"title\": \"t\",\n  \"period\": {\"start\": 2022, \"end\": 2024},\n  \"tasks\": [\n    {\"number\": 1, \"title\": \"x\", \"section\": \"1\", \"participating_units\": []}\n  ]\n}";
    match parse_plan_json(text, "bad.json") {
        Err(e @ StoreError::PlanJson { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("bad.json"), "{msg}");
            assert!(msg.contains("缺少字段 lead_units"), "{msg}");
            assert!(msg.contains("第 5 行"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_gold_file_parses_as_interchange_json() {
    let text = std::fs::read_to_string(common::fixture(
        "fixtures/plans/yangquan-2022-2024.gold.json",
    ))
    .expect("fixture");
    let plan = parse_plan_json(&text, "gold").expect("parses");
    assert_eq!(plan.tasks.len(), 22);
    assert!(planwatch_store::check_plan(&plan).is_empty());
}

#[test]
fn an_empty_plan_is_blocked() {
    let problems = planwatch_store::check_plan(&planwatch_model::Plan::default());
    assert!(
        problems.iter().any(|p| p.contains("没有任何任务")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("没有标题")),
        "{problems:?}"
    );
}

async fn the_extracted_yangquan_plan_keeps_its_indicators_and_milestone_years(ctx: Ctx) {
    let plan = planwatch_plantext::extract_text(planwatch_plantext::YANGQUAN_PLAN);
    assert!(!plan.indicators.is_empty());
    ctx.store
        .import_plan(
            &office(),
            &plan,
            &PlanSource::Embedded {
                name: "yangquan".to_string(),
            },
            at(0),
        )
        .await
        .expect("the extracted plan imports");
    let (dump, summary) = ctx.store.export_json().await.expect("export");
    let rows = |table: &str| {
        summary
            .tables
            .iter()
            .find(|t| t.0 == table)
            .map(|t| t.1)
            .expect("table")
    };
    assert_eq!(rows("plan_indicators"), plan.indicators.len());
    assert_eq!(rows("task_versions"), 22);
    assert_eq!(rows("targets"), plan.all_targets().count());
    let doc: serde_json::Value = serde_json::from_str(&dump).expect("json");
    let targets = doc["tables"]["targets"]["rows"].as_array().expect("rows");
    let keyed = targets.iter().filter(|r| !r[5].is_null()).count();
    let expected = plan
        .all_targets()
        .filter(|(_, t)| t.indicator_id.is_some())
        .count();
    assert_eq!(keyed, expected);
    assert!(keyed > 0);
    assert_eq!(ctx.store.plan(None).await.expect("plan"), plan);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_the_extracted_yangquan_plan_keeps_its_indicators_and_milestone_years,
    pg_the_extracted_yangquan_plan_keeps_its_indicators_and_milestone_years,
    the_extracted_yangquan_plan_keeps_its_indicators_and_milestone_years
);

#[test]
fn a_target_pointing_at_a_missing_indicator_is_blocked() {
    let mut plan = gold_plan();
    plan.tasks[0].targets[0].indicator_id = Some("I99".to_string());
    let problems = planwatch_store::check_plan(&plan);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("tasks[0].targets[0]") && problems[0].contains("I99"));
}
