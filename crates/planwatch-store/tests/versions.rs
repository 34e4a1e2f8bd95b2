//! The reference-data version moves exactly when the plan, the organisation or the units change
//! (on both backends), so app servers may keep them in memory without showing stale data.

mod common;

use common::{Ctx, at, gold_plan, office, org_config};
use planwatch_model::{Role, UnitKind};
use planwatch_store::{NewUser, Password, PlanSource};

async fn the_version_moves_with_plan_organisation_and_units_only(ctx: Ctx) {
    let s = &ctx.store;
    assert_eq!(s.reference_data_version().await.expect("v"), 0);
    assert_eq!(s.data_version().await.expect("v"), 0);
    assert!(
        !s.demo_data_present().await.expect("demo flag"),
        "an empty store has no demo data"
    );
    let source = PlanSource::Json {
        file_name: "gold.json".to_string(),
    };
    s.import_plan(&office(), &gold_plan(), &source, at(0))
        .await
        .expect("plan");
    let v1 = s.reference_data_version().await.expect("v");
    assert!(v1 > 0);
    s.import_org(&office(), &org_config(), "org.toml", at(1))
        .await
        .expect("org");
    let v2 = s.reference_data_version().await.expect("v");
    assert!(v2 > v1);
    // Users, sessions and failed sign-ins do not touch the plan.
    let u = s
        .add_user(
            &office(),
            &NewUser {
                username: "leader".to_string(),
                display_name: String::new(),
                role: Role::Leader,
                unit: None,
                task_force: None,
            },
            &Password::new("Hunter2-correct-horse").expect("strong"),
            at(2),
        )
        .await
        .expect("user");
    s.create_session(&office(), u.id, "h", at(3), at(60))
        .await
        .expect("session");
    s.record_sign_in_failure("127.0.0.1", "leader", at(4))
        .await
        .expect("failure");
    assert_eq!(s.reference_data_version().await.expect("v"), v2);
    // … but every change moves the data version.
    assert!(s.data_version().await.expect("v") > v2);
    assert!(!s.demo_data_present().await.expect("demo flag"));
    s.add_unit(&office(), "市新单位", UnitKind::CityDepartment, at(5))
        .await
        .expect("unit");
    let v3 = s.reference_data_version().await.expect("v");
    assert!(s.reporting_setup_version().await.expect("v") >= v3);
    assert!(v3 > v2);
    s.import_plan(&office(), &gold_plan(), &source, at(6))
        .await
        .expect("revision 2");
    assert!(s.reference_data_version().await.expect("v") > v3);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_the_version_moves_with_plan_organisation_and_units_only,
    pg_the_version_moves_with_plan_organisation_and_units_only,
    the_version_moves_with_plan_organisation_and_units_only
);
