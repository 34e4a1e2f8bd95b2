//! The audit trail on both backends: one row per change, written in the same transaction, so a
//! refused change leaves no row; filters by entity and time.

mod common;

use common::{Ctx, at, office};
use planwatch_model::UnitKind;
use planwatch_store::{AuditFilter, StoreError};

async fn every_change_has_its_audit_row_and_a_refused_change_has_none(ctx: Ctx) {
    let s = &ctx.store;
    let u = s
        .add_unit(&office(), "市测试局", UnitKind::CityDepartment, at(1))
        .await
        .expect("add");
    let rows = s
        .audit_entries(&AuditFilter {
            entity: Some("unit".to_string()),
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(
        (row.actor.as_str(), row.action.as_str()),
        ("office", "unit.create")
    );
    assert_eq!(row.entity_id, u.id.to_string());
    assert_eq!(row.at, at(1));
    assert!(row.before.is_none());
    assert_eq!(
        row.after.as_deref(),
        Some(r#"{"kind":"city_department","name":"市测试局","short_name":null}"#)
    );
    assert!(matches!(
        s.add_unit(&office(), "市测试局", UnitKind::Other, at(2))
            .await,
        Err(StoreError::UnitExists(_))
    ));
    assert_eq!(
        s.audit_entries(&AuditFilter::default())
            .await
            .expect("audit")
            .len(),
        1
    );
    ctx.finish().await;
}
on_both_backends!(
    sqlite_every_change_has_its_audit_row_and_a_refused_change_has_none,
    pg_every_change_has_its_audit_row_and_a_refused_change_has_none,
    every_change_has_its_audit_row_and_a_refused_change_has_none
);

async fn the_audit_trail_filters_by_entity_time_and_count(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let s = &ctx.store;
    for i in 0..5 {
        s.add_unit(
            &office(),
            &format!("测试单位{i}"),
            UnitKind::Other,
            at(100 + i),
        )
        .await
        .expect("add");
    }
    let all = s.audit_entries(&AuditFilter::default()).await.expect("all");
    assert!(all.windows(2).all(|w| w[0].id < w[1].id), "oldest first");
    let plan_rows = s
        .audit_entries(&AuditFilter {
            entity: Some("plan_revision".to_string()),
            ..Default::default()
        })
        .await
        .expect("plan");
    assert_eq!(plan_rows.len(), 1);
    assert_eq!(plan_rows[0].action, "plan.create");
    let since = s
        .audit_entries(&AuditFilter {
            since: Some(at(102)),
            ..Default::default()
        })
        .await
        .expect("since");
    assert_eq!(since.len(), 3);
    let last_two = s
        .audit_entries(&AuditFilter {
            limit: Some(2),
            ..Default::default()
        })
        .await
        .expect("limit");
    assert_eq!(
        last_two.iter().map(|r| r.at).collect::<Vec<_>>(),
        [at(103), at(104)]
    );
    ctx.finish().await;
}
on_both_backends!(
    sqlite_the_audit_trail_filters_by_entity_time_and_count,
    pg_the_audit_trail_filters_by_entity_time_and_count,
    the_audit_trail_filters_by_entity_time_and_count
);
