//! Many plans in one deployment (issue 17, decision 0064): a database made before plans had codes
//! keeps everything and its plan becomes `plan1`; plans side by side are scoped, named by code,
//! and an ended plan is read-only; a write to one plan moves the data version of that plan (and
//! of the plans reading its values), not of the others (decision 0066).

mod common;

use common::{Ctx, at, fixture, gold_plan, gold_setup, office};
use planwatch_model::Role;
use planwatch_quarterly::values::{ValueRecord, ValuesImport};
use planwatch_store::{
    Actor, AuditFilter, Location, NewUser, OpenMode, Password, PlanSource, PlanState,
    ReportTextMode, Store, StoreError,
};
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
        // The series of some indicators is theirs in the whole series, and nothing else.
        let full = s.indicator_history().await.expect("values");
        let codes: Vec<&str> = full.keys().map(String::as_str).collect();
        assert!(codes.len() > 2, "{codes:?}");
        assert_eq!(s.indicator_history_of(&codes).await.expect("all"), full);
        let some = [codes[0], codes[2]];
        let mut expected = full.clone();
        expected.retain(|k, _| some.contains(&k.as_str()));
        assert_eq!(s.indicator_history_of(&some).await.expect("two"), expected);
        for none in [&[][..], &["no-such-code"][..]] {
            assert!(s.indicator_history_of(none).await.expect("none").is_empty());
        }
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

async fn a_write_to_one_plan_moves_only_the_versions_of_the_plans_that_show_it(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let s = &ctx.store;
    let mut twin = gold_plan();
    twin.title = "阳泉市数字经济发展行动计划".into();
    s.add_plan(&office(), "szjj", &twin, &text_source("szjj.txt"), at(2))
        .await
        .expect("szjj");
    let mut third = gold_plan();
    third.title = "阳泉市科技成果转化行动计划".into();
    s.add_plan(&office(), "kjcg", &third, &text_source("kjcg.txt"), at(3))
        .await
        .expect("kjcg");
    let (a, b, c) = (
        s.for_plan("plan1").await.expect("plan1"),
        s.for_plan("szjj").await.expect("szjj"),
        s.for_plan("kjcg").await.expect("kjcg"),
    );
    // plan1 and szjj ask the same indicators of the same units: szjj reads plan1's values of them
    // (asked once, in the older plan); kjcg has no catalogue and reads nobody's values.
    for p in [&a, &b] {
        p.ensure_reporting(&office(), &gold_setup(), at(4))
            .await
            .expect("setup");
    }
    let ids: Vec<i64> = s
        .plans()
        .await
        .expect("plans")
        .iter()
        .map(|p| p.id)
        .collect();
    let versions = || async {
        let mut v = Vec::new();
        for id in &ids {
            v.push(s.plan_data_version(*id).await.expect("plan version"));
        }
        (
            v,
            s.shared_data_version().await.expect("shared"),
            s.data_version().await.expect("global"),
        )
    };

    // A text of kjcg's report moves kjcg's version and the global one, nobody else's.
    let (before, shared, global) = versions().await;
    c.set_report_text(
        &office(),
        2023,
        "problems",
        ReportTextMode::Replace,
        "一是研发投入不足。",
        Some(0),
        at(5),
    )
    .await
    .expect("text");
    let (after, shared_after, global_after) = versions().await;
    assert_eq!(
        (after[0], after[1]),
        (before[0], before[1]),
        "plan1 and szjj unchanged"
    );
    assert!(after[2] > before[2], "kjcg moved: {before:?} → {after:?}");
    assert_eq!(shared_after, shared, "no shared change");
    assert!(global_after > global && global_after == after[2]);
    let newest = s
        .audit_entries(&AuditFilter::default())
        .await
        .expect("audit")
        .pop()
        .expect("a row");
    assert_eq!(newest.entity, "report_text");

    // Values of plan1 move plan1 and szjj, which monitors them too, and not kjcg.
    let values = ValuesImport {
        values: vec![ValueRecord {
            code: "hightech-enterprises".into(),
            period: planwatch_model::Quarter::parse("2022Q4").expect("quarter"),
            value: 128.0,
            source: "统计公报".into(),
            note: String::new(),
        }],
        baselines: Vec::new(),
    };
    a.import_values(&office(), &values, false, "v.csv", at(6))
        .await
        .expect("values");
    let (moved, shared_moved, _) = versions().await;
    assert!(
        moved[0] > after[0] && moved[1] > after[1],
        "{after:?} → {moved:?}"
    );
    assert_eq!(moved[2], after[2], "kjcg unchanged");
    assert_eq!(shared_moved, shared);
    let history = b.indicator_history().await.expect("history");
    assert_eq!(
        history["hightech-enterprises"].len(),
        1,
        "szjj reads plan1's value"
    );
    // Its own value of a quarter stands beside plan1's, in quarter order; plan1's value of that
    // quarter does not replace it.
    let quarter_value = |q: &str, v: f64| ValuesImport {
        values: vec![ValueRecord {
            period: planwatch_model::Quarter::parse(q).expect("quarter"),
            value: v,
            ..values.values[0].clone()
        }],
        baselines: Vec::new(),
    };
    b.import_values(
        &office(),
        &quarter_value("2023Q1", 131.0),
        false,
        "b.csv",
        at(6),
    )
    .await
    .expect("szjj's own value");
    a.import_values(
        &office(),
        &quarter_value("2023Q1", 130.0),
        false,
        "a.csv",
        at(6),
    )
    .await
    .expect("plan1's value");
    a.import_values(
        &office(),
        &quarter_value("2023Q2", 133.0),
        false,
        "a.csv",
        at(6),
    )
    .await
    .expect("plan1's value");
    let series: Vec<(String, f64)> =
        b.indicator_history().await.expect("history")["hightech-enterprises"]
            .iter()
            .map(|(q, v)| (q.to_string(), *v))
            .collect();
    assert_eq!(
        series,
        [
            ("2022Q4".to_string(), 128.0),
            ("2023Q1".to_string(), 131.0),
            ("2023Q2".to_string(), 133.0)
        ],
        "szjj's own value and plan1's others"
    );
    assert_eq!(
        a.indicator_history().await.expect("history")["hightech-enterprises"].len(),
        3,
        "plan1 reads only its own values"
    );
    // One indicator's series alone is the same, plan1's values included; a code that is not it
    // but close gets nothing.
    assert_eq!(
        b.indicator_history_of(&["hightech-enterprises"])
            .await
            .expect("history")["hightech-enterprises"],
        b.indicator_history().await.expect("history")["hightech-enterprises"]
    );
    assert!(
        b.indicator_history_of(&["hightech_enterprises"])
            .await
            .expect("history")
            .is_empty()
    );

    // A shared change (a new unit) moves every plan's version.
    s.add_unit(
        &office(),
        "市数据局",
        planwatch_model::UnitKind::CityDepartment,
        at(7),
    )
    .await
    .expect("unit");
    let (last, shared_last, _) = versions().await;
    assert!(shared_last > shared);
    assert!(
        last.iter().zip(&moved).all(|(l, m)| l > m),
        "{moved:?} → {last:?}"
    );

    // A sign-in (a user is shared data; the session is access) moves no plan's version and not
    // the shared one, only the access version (the sessions cache) and the global one: a
    // province signs people in all day without making every server reload every plan.
    let u = s
        .add_user(
            &office(),
            &NewUser {
                username: "kjj".into(),
                display_name: "科技局填报员".into(),
                role: Role::Reporter,
                unit: Some("市科技局".into()),
                task_force: None,
            },
            &Password::new("a-long-enough-secret").expect("ok"),
            at(8),
        )
        .await
        .expect("user");
    let (with_user, shared_user, global_user) = versions().await;
    let access = s.access_data_version().await.expect("access");
    assert!(shared_user > shared_last && access >= shared_user);
    s.create_session(&Actor::user("kjj"), u.id, "tokenhash", at(9), at(99))
        .await
        .expect("session");
    s.record_sign_in_failure("203.0.113.7", "kjj", at(10))
        .await
        .expect("failure");
    let (signed_in, shared_signed_in, global_signed_in) = versions().await;
    assert_eq!(signed_in, with_user, "no plan moved");
    assert_eq!(shared_signed_in, shared_user, "shared data unchanged");
    assert!(global_signed_in > global_user);
    assert_eq!(
        s.access_data_version().await.expect("access"),
        global_signed_in,
        "the sessions cache sees it"
    );
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_write_to_one_plan_moves_only_the_versions_of_the_plans_that_show_it,
    pg_a_write_to_one_plan_moves_only_the_versions_of_the_plans_that_show_it,
    a_write_to_one_plan_moves_only_the_versions_of_the_plans_that_show_it
);
