//! Many plans in one deployment (issue 17, decision 0064): a database made before plans had codes
//! keeps everything and its plan becomes `plan1`; plans side by side are scoped, named by code,
//! and an ended plan is read-only.

mod common;

use common::{Ctx, at, fixture, gold_plan, office};
use planwatch_store::{Location, OpenMode, PlanSource, PlanState, Store, StoreError};
use std::io::Read;

fn gunzip(rel: &str) -> Vec<u8> {
    let file = std::fs::File::open(fixture(rel)).expect("the fixture is in the repository");
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut out)
        .expect("gzip");
    out
}

/// What the database made by main at c7694f0 holds (fixtures/databases/README.md).
async fn holds_the_old_plan_and_its_data(store: &Store) {
    let applied: Vec<i64> = store
        .migrations_applied_on_open()
        .iter()
        .map(|m| m.version)
        .collect();
    assert_eq!(applied.first(), Some(&14), "{applied:?}");
    let plans = store.plans().await.expect("plans");
    assert_eq!(plans.len(), 1, "{plans:?}");
    let p = &plans[0];
    assert_eq!(p.code, "plan1");
    assert_eq!(p.state, PlanState::Active);
    assert_eq!(p.title, "阳泉市国家创新型城市建设三年行动计划(2022—2024年)");
    assert_eq!((p.period_start, p.period_end, p.revision), (2022, 2024, 1));
    // Unscoped (the only active plan) and scoped by its new code give the same data.
    let scoped = store.for_plan("plan1").await.expect("plan1");
    for s in [store, &scoped] {
        assert_eq!(s.reports(None).await.expect("reports").len(), 79);
        assert_eq!(s.plan_view(None).await.expect("view").tasks.len(), 22);
        assert_eq!(s.reporting_periods().await.expect("periods").len(), 12);
        let values: usize = s
            .indicator_history()
            .await
            .expect("values")
            .values()
            .map(Vec::len)
            .sum();
        assert!(values > 0);
    }
    let audit = store
        .audit_entries(&planwatch_store::AuditFilter::default())
        .await
        .expect("audit");
    assert_eq!(audit.len(), 383, "no audit row is lost or added");
    assert_eq!(
        store.check_integrity().await.expect("check"),
        Vec::<String>::new()
    );
    let (dump, _) = store.export_json().await.expect("export");
    assert!(dump.contains("\"plan1\""), "the dump carries the code");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_database_made_by_main_c7694f0_keeps_everything_and_its_plan_becomes_plan1() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join(planwatch_store::SQLITE_FILE_NAME),
        gunzip("fixtures/databases/main-c7694f0.sqlite.gz"),
    )
    .expect("write");
    let loc = Location::resolve(dir.path(), None).expect("sqlite");
    let store = Store::open(&loc, OpenMode::Existing)
        .await
        .expect("the old database opens and is migrated");
    holds_the_old_plan_and_its_data(&store).await;
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_a_database_made_by_main_c7694f0_keeps_everything_and_its_plan_becomes_plan1() {
    let Some(pg) = planwatch_store::testing::ScratchPg::create("pg_old_main").await else {
        return;
    };
    let sql = String::from_utf8(gunzip("fixtures/databases/main-c7694f0.postgres.sql.gz"))
        .expect("utf-8");
    {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&pg.url).await.expect("connect");
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
            .expect("the old database restores");
        conn.close().await.expect("close");
    }
    let loc = Location::resolve(std::path::Path::new("unused"), Some(&pg.url)).expect("pg");
    let store = Store::open(&loc, OpenMode::Existing)
        .await
        .expect("the old database opens and is migrated");
    holds_the_old_plan_and_its_data(&store).await;
    store.close().await;
    pg.drop_database().await;
}

fn text_source(name: &str) -> PlanSource {
    PlanSource::Text {
        file_name: name.into(),
    }
}

async fn plans_side_by_side_are_scoped_by_code(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let s = &ctx.store;
    let mut other = gold_plan();
    other.title = "数字经济发展行动计划".into();
    other.tasks.truncate(5);
    assert!(matches!(
        s.add_plan(&office(), "Bad Code", &other, &text_source("b.txt"), at(2))
            .await,
        Err(StoreError::InvalidInput(m)) if m.contains("Bad Code")
    ));
    assert!(matches!(
        s.add_plan(&office(), "plan1", &other, &text_source("b.txt"), at(2))
            .await,
        Err(StoreError::PlanCodeTaken(c)) if c == "plan1"
    ));
    let imp = s
        .add_plan(
            &office(),
            "szjj",
            &other,
            &text_source("数字经济.txt"),
            at(2),
        )
        .await
        .expect("a second plan");
    assert_eq!(imp.revision, 1);
    assert!(imp.units_created.is_empty(), "units are shared");

    // Unscoped, two active plans are ambiguous, and the error names both codes.
    match s.plan(None).await {
        Err(StoreError::AmbiguousPlan(codes)) => assert_eq!(codes, ["plan1", "szjj"]),
        other => panic!("{other:?}"),
    }
    let e = s.plan(None).await.expect_err("ambiguous").to_string();
    assert!(e.contains("--plan") && e.contains("szjj"), "{e}");
    match s.for_plan("nope").await {
        Err(StoreError::UnknownPlan { code, known }) => {
            assert_eq!(code, "nope");
            assert_eq!(known, ["plan1", "szjj"]);
        }
        other => panic!("{other:?}"),
    }
    let a = s.for_plan("plan1").await.expect("plan1");
    let b = s.for_plan("szjj").await.expect("szjj");
    assert_eq!(a.plan_view(None).await.expect("a").tasks.len(), 22);
    assert_eq!(b.plan_view(None).await.expect("b").tasks.len(), 5);
    assert_eq!(b.plan(None).await.expect("b").title, "数字经济发展行动计划");

    // A new revision goes to the scoped plan only.
    b.import_plan(&office(), &other, &text_source("修订.txt"), at(3))
        .await
        .expect("revision 2 of szjj");
    assert_eq!(b.revisions().await.expect("b").len(), 2);
    assert_eq!(a.revisions().await.expect("a").len(), 1);
    let list = s.plans().await.expect("list");
    let codes: Vec<(&str, i64)> = list.iter().map(|p| (p.code.as_str(), p.revision)).collect();
    assert_eq!(codes, [("plan1", 1), ("szjj", 2)]);

    // Ending a plan makes it read-only; with one active plan left, that is the default again.
    let ended = b
        .set_plan_state(&office(), PlanState::Ended, at(4))
        .await
        .expect("end");
    assert_eq!(ended.state, PlanState::Ended);
    assert_eq!(s.current_plan().await.expect("default").code, "plan1");
    let refused = b
        .import_plan(&office(), &other, &text_source("再修订.txt"), at(5))
        .await
        .expect_err("an ended plan takes no revision");
    assert!(
        matches!(&refused, StoreError::PlanClosed { code, state } if code == "szjj" && state == "已结束"),
        "{refused:?}"
    );
    assert_eq!(b.revisions().await.expect("still readable").len(), 2);
    let audit = s
        .audit_entries(&planwatch_store::AuditFilter::default())
        .await
        .expect("audit");
    assert!(audit.iter().any(|a| a.action == "plan.state"));
    ctx.finish().await;
}
on_both_backends!(
    sqlite_plans_side_by_side_are_scoped_by_code,
    pg_plans_side_by_side_are_scoped_by_code,
    plans_side_by_side_are_scoped_by_code
);
