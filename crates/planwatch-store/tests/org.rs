//! The organisation on both backends: the default Yangquan file, group expansion, and
//! refusals that name the problem and change nothing.

mod common;

use common::{Ctx, at, office, org_config};
use planwatch_model::UnitKind;
use planwatch_store::{OrgConfig, StoreError};

async fn the_default_organisation_assigns_every_task_to_one_of_five_task_forces(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let org = ctx.store.org_view().await.expect("org");
    let names: Vec<&str> = org
        .task_forces
        .iter()
        .map(|t| t.body.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "科技创新专班",
            "创新投入专班",
            "产业发展专班",
            "数字经济专班",
            "人才引育专班"
        ]
    );
    let mut steered: Vec<i64> = org
        .task_forces
        .iter()
        .flat_map(|t| t.tasks.iter().map(|x| x.0))
        .collect();
    steered.sort_unstable();
    assert_eq!(steered, (1..=22).collect::<Vec<_>>());
    assert!(org.unassigned_tasks.is_empty());
    let office_body = org.office.expect("an office");
    assert_eq!(office_body.seat.as_deref(), Some("市科技局"));
    let lg = org.leading_group.expect("a leading group");
    assert!(lg.members.contains(&"城区人民政府".to_string()));
    assert!(!lg.members.contains(&"各县（区）人民政府".to_string()));
    let view = ctx.store.plan_view(None).await.expect("plan");
    assert_eq!(view.tasks[0].task_force.as_deref(), Some("产业发展专班"));
    assert_eq!(view.tasks[12].task_force.as_deref(), Some("科技创新专班"));
    ctx.finish().await;
}
on_both_backends!(
    sqlite_the_default_organisation_assigns_every_task_to_one_of_five_task_forces,
    pg_the_default_organisation_assigns_every_task_to_one_of_five_task_forces,
    the_default_organisation_assigns_every_task_to_one_of_five_task_forces
);

async fn a_group_name_expands_to_the_five_counties_and_districts(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let members: Vec<String> = ctx
        .store
        .expand_unit("各县（区）人民政府")
        .await
        .expect("expands")
        .into_iter()
        .map(|u| u.name.into_string())
        .collect();
    assert_eq!(
        members,
        [
            "平定县人民政府",
            "盂县人民政府",
            "城区人民政府",
            "矿区人民政府",
            "郊区人民政府"
        ]
    );
    let one = ctx.store.expand_unit("市科技局").await.expect("a unit");
    assert_eq!(one.len(), 1);
    let zone = ctx
        .store
        .unit_by_name("阳泉高新区")
        .await
        .expect("q")
        .expect("exists");
    assert_eq!(zone.kind, UnitKind::DevelopmentZone);
    let group = ctx
        .store
        .unit_by_name("各县（区）人民政府")
        .await
        .expect("q")
        .expect("exists");
    assert_eq!(group.kind, UnitKind::Group);
    let view = ctx.store.plan_view(None).await.expect("plan");
    assert_eq!(view.groups[0].0, "各县（区）人民政府");
    assert_eq!(view.groups[0].1.len(), 5);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_group_name_expands_to_the_five_counties_and_districts,
    pg_a_group_name_expands_to_the_five_counties_and_districts,
    a_group_name_expands_to_the_five_counties_and_districts
);

async fn an_organisation_with_unknown_units_and_tasks_is_refused_with_every_problem(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let before = ctx.store.export_json().await.expect("export").0;
    let mut bad = org_config();
    bad.task_forces[0].members.push("市科技厅".to_string());
    bad.task_forces[1].tasks.push(23);
    bad.office.seat = "市不存在局".to_string();
    match ctx
        .store
        .import_org(&office(), &bad, "bad.toml", at(9))
        .await
    {
        Err(StoreError::OrgConfig {
            source_name,
            problems,
        }) => {
            assert_eq!(source_name, "bad.toml");
            assert_eq!(problems.len(), 3, "{problems:?}");
            assert!(problems.iter().any(|p| p.contains("市科技厅")));
            assert!(
                problems
                    .iter()
                    .any(|p| p.contains("任务 23") && p.contains("1–22"))
            );
            assert!(problems.iter().any(|p| p.contains("市不存在局")));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ctx.store.export_json().await.expect("export").0, before);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_an_organisation_with_unknown_units_and_tasks_is_refused_with_every_problem,
    pg_an_organisation_with_unknown_units_and_tasks_is_refused_with_every_problem,
    an_organisation_with_unknown_units_and_tasks_is_refused_with_every_problem
);

async fn reimporting_an_edited_organisation_moves_a_task_and_is_audited(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let mut edited = org_config();
    // Move task 12 (国家级高新区) from 产业发展专班 to 科技创新专班.
    edited.task_forces[2].tasks.retain(|&n| n != 12);
    edited.task_forces[0].tasks.push(12);
    ctx.store
        .import_org(&office(), &edited, "edited.toml", at(20))
        .await
        .expect("imports");
    let view = ctx.store.plan_view(None).await.expect("plan");
    assert_eq!(view.tasks[11].task_force.as_deref(), Some("科技创新专班"));
    let audit = ctx
        .store
        .audit_entries(&planwatch_store::AuditFilter {
            entity: Some("organisation".to_string()),
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[1].action, "org.import");
    assert!(
        audit[1]
            .after
            .as_deref()
            .unwrap_or_default()
            .contains("edited.toml")
    );
    assert!(
        audit[1]
            .before
            .as_deref()
            .unwrap_or_default()
            .contains("加快打造国家级高新区")
    );
    ctx.finish().await;
}
on_both_backends!(
    sqlite_reimporting_an_edited_organisation_moves_a_task_and_is_audited,
    pg_reimporting_an_edited_organisation_moves_a_task_and_is_audited,
    reimporting_an_edited_organisation_moves_a_task_and_is_audited
);

async fn an_organisation_for_another_plan_is_refused(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let mut other = org_config();
    other.plan_title = Some("某市三年行动计划".to_string());
    let err = ctx
        .store
        .import_org(&office(), &other, "other.toml", at(5))
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("某市三年行动计划"), "{err}");
    ctx.finish().await;
}
on_both_backends!(
    sqlite_an_organisation_for_another_plan_is_refused,
    pg_an_organisation_for_another_plan_is_refused,
    an_organisation_for_another_plan_is_refused
);

#[test]
fn a_task_given_to_two_task_forces_is_a_configuration_error() {
    let text = std::fs::read_to_string(common::fixture("config/yangquan-org.toml")).expect("file");
    let text = text.replacen("tasks = [\n    13,", "tasks = [\n    20, 13,", 1);
    let err = OrgConfig::parse(&text, "x.toml").expect_err("refused");
    assert!(err.to_string().contains("任务 20 同时分配给了"), "{err}");
}

#[test]
fn a_toml_syntax_error_names_the_line() {
    let err = OrgConfig::parse("plan_title = \"x\"\n[office\nname = 1\n", "broken.toml")
        .expect_err("refused");
    let msg = err.to_string();
    assert!(
        msg.contains("broken.toml") && msg.contains("第 2 行"),
        "{msg}"
    );
}

#[test]
fn an_unknown_unit_kind_is_refused() {
    let text = std::fs::read_to_string(common::fixture("config/yangquan-org.toml")).expect("file");
    let text = text.replacen("kind = \"enterprise\"", "kind = \"company\"", 1);
    let msg = OrgConfig::parse(&text, "x.toml")
        .expect_err("refused")
        .to_string();
    assert!(msg.contains("company"), "{msg}");
}
