//! The portable dump and backups: SQLite → PostgreSQL → SQLite gives byte-identical dumps; a
//! bad dump or a non-empty target changes nothing; backups restore to the same data.

mod common;

use common::{Ctx, at, office};
use planwatch_model::Role;
use planwatch_store::{
    Actor, BackupKind, Location, NewUser, OpenMode, Password, Store, StoreError,
};

/// A store with a bit of everything: two plan revisions, the organisation, users, a session.
async fn populated(ctx: Ctx) -> Ctx {
    let ctx = ctx.with_yangquan().await;
    let s = &ctx.store;
    let mut revised = common::gold_plan();
    revised.tasks[0].targets[0].value = Some(210.5);
    s.import_plan(
        &office(),
        &revised,
        &planwatch_store::PlanSource::Text {
            file_name: "修订稿.txt".into(),
        },
        at(30),
    )
    .await
    .expect("revision 2");
    let pw = Password::new("a-long-enough-secret").expect("ok");
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
            &pw,
            at(31),
        )
        .await
        .expect("user");
    s.create_session(&Actor::user("kjj"), u.id, "tokenhash", at(32), at(92))
        .await
        .expect("session");
    s.disable_user(&office(), "kjj", at(33))
        .await
        .expect("disable");
    // API tokens with each scope (0058): the scopes travel with the dump.
    for (name, scopes) in [
        ("只读平台", planwatch_store::TokenScopes::READ),
        ("写入平台", planwatch_store::TokenScopes::WRITE),
    ] {
        s.create_api_token(
            &office(),
            "市科技局",
            name,
            scopes,
            &format!("hash-{name}"),
            at(33),
        )
        .await
        .expect("token");
    }
    // The office's report texts (one cleared) and what the public page shows.
    s.ensure_reporting(&office(), &common::gold_setup(), at(34))
        .await
        .expect("reporting setup");
    for (section, text) in [("problems", "一是投入不足。"), ("experience", "周调度。")] {
        s.set_report_text(
            &office(),
            2023,
            section,
            planwatch_store::ReportTextMode::Replace,
            text,
            None,
            at(35),
        )
        .await
        .expect("text");
    }
    s.clear_report_text(&office(), 2023, "experience", None, at(36))
        .await
        .expect("clear");
    let code = s.catalogue().await.expect("catalogue").indicators[0]
        .code
        .clone();
    s.set_public_settings(
        &office(),
        &planwatch_store::PublicChoice {
            intro: "公开说明".into(),
            indicators: vec![code],
            task_counts: true,
            as_of: Some(planwatch_model::Quarter::parse("2023Q2").expect("quarter")),
        },
        None,
        at(37),
    )
    .await
    .expect("public settings");
    // A second plan beside the first, ended: the dump carries every plan with its code and state.
    let mut other = common::gold_plan();
    other.title = "另一项行动计划".into();
    s.add_plan(
        &office(),
        "other-2024",
        &other,
        &planwatch_store::PlanSource::Text {
            file_name: "另一项计划.txt".into(),
        },
        at(38),
    )
    .await
    .expect("a second plan");
    s.for_plan("other-2024")
        .await
        .expect("scoped")
        .set_plan_state(&office(), planwatch_store::PlanState::Ended, at(39))
        .await
        .expect("ended");
    ctx
}

async fn export(store: &Store) -> String {
    store.export_json().await.expect("export").0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_a_dump_moves_sqlite_to_postgresql_and_back_byte_for_byte() {
    let Some(pg) = Ctx::pg("pg_round_trip").await else {
        return;
    };
    let sqlite = populated(Ctx::sqlite().await).await;
    let a = export(&sqlite.store).await;
    let summary = pg
        .store
        .import_json(&a, "a.json")
        .await
        .expect("import into PostgreSQL");
    assert!(summary.total_rows() > 500, "{summary:?}");
    let b = export(&pg.store).await;
    assert_eq!(a, b, "SQLite and PostgreSQL dumps differ");
    let back = Ctx::sqlite().await;
    back.store
        .import_json(&b, "b.json")
        .await
        .expect("import back into SQLite");
    assert_eq!(export(&back.store).await, a);
    // The restored PostgreSQL database keeps working: new ids follow the restored ones.
    assert_eq!(
        pg.store.check_integrity().await.expect("check"),
        Vec::<String>::new()
    );
    let u = pg
        .store
        .add_unit(
            &office(),
            "市新单位",
            planwatch_model::UnitKind::Other,
            at(40),
        )
        .await
        .expect("add");
    let max_before = sqlite
        .store
        .units()
        .await
        .expect("units")
        .iter()
        .map(|u| u.id)
        .max()
        .expect("units");
    assert_eq!(u.id, max_before + 1);
    assert!(
        pg.store
            .authenticate("kjj", "a-long-enough-secret")
            .await
            .expect("auth")
            .is_none(),
        "still disabled"
    );
    sqlite.finish().await;
    back.finish().await;
    pg.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_a_dump_from_postgresql_restores_into_sqlite_byte_for_byte() {
    let Some(pg) = Ctx::pg("pg_round_trip_back").await else {
        return;
    };
    let pg = populated(pg).await;
    let a = export(&pg.store).await;
    let sqlite = Ctx::sqlite().await;
    sqlite
        .store
        .import_json(&a, "pg.json")
        .await
        .expect("import");
    assert_eq!(export(&sqlite.store).await, a);
    sqlite.finish().await;
    pg.finish().await;
}

async fn a_dump_restores_into_a_new_database_byte_for_byte(ctx: Ctx) {
    let source = populated(Ctx::sqlite().await).await;
    let a = export(&source.store).await;
    ctx.store.import_json(&a, "a.json").await.expect("import");
    assert_eq!(export(&ctx.store).await, a);
    let plan = ctx.store.plan_view(None).await.expect("plan");
    assert_eq!((plan.revision.number, plan.tasks.len()), (2, 22));
    let scopes: Vec<(String, planwatch_store::TokenScopes)> = ctx
        .store
        .api_tokens()
        .await
        .expect("tokens")
        .into_iter()
        .map(|t| (t.name, t.scopes))
        .collect();
    assert_eq!(
        scopes,
        [
            ("写入平台".to_string(), planwatch_store::TokenScopes::WRITE),
            ("只读平台".to_string(), planwatch_store::TokenScopes::READ),
        ],
        "the tokens' scopes come back as they were"
    );
    source.finish().await;
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_dump_restores_into_a_new_database_byte_for_byte,
    pg_a_dump_restores_into_a_new_database_byte_for_byte,
    a_dump_restores_into_a_new_database_byte_for_byte
);

async fn a_dump_is_refused_by_a_database_that_already_has_data(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let before = export(&ctx.store).await;
    let err = ctx
        .store
        .import_json(&before, "self.json")
        .await
        .expect_err("not empty");
    assert!(matches!(err, StoreError::NotEmpty { .. }), "{err:?}");
    assert!(err.to_string().contains("空数据库"));
    assert_eq!(export(&ctx.store).await, before);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_dump_is_refused_by_a_database_that_already_has_data,
    pg_a_dump_is_refused_by_a_database_that_already_has_data,
    a_dump_is_refused_by_a_database_that_already_has_data
);

async fn a_damaged_dump_names_the_table_row_and_column_and_imports_nothing(ctx: Ctx) {
    let source = populated(Ctx::sqlite().await).await;
    let good = export(&source.store).await;
    let empty = export(&ctx.store).await;
    let cases = [
        (
            good.replacen("2023-09-30T08:30:00.000000Z", "yesterday", 1),
            "列",
        ),
        (
            good.replacen("\"planwatch-dump\"", "\"other\"", 1),
            "不是 PlanWatch 导出文件",
        ),
        (
            // The current version, whatever the newest migration is, replaced by a future one.
            good.replacen(
                &format!("\"schema_version\": {}", schema_version(&good)),
                "\"schema_version\": 999",
                1,
            ),
            "结构版本",
        ),
        (truncated_at_half(&good), "不是有效的 JSON"),
    ];
    for (text, expected) in cases {
        let err = ctx
            .store
            .import_json(&text, "bad.json")
            .await
            .expect_err(expected);
        let msg = err.to_string();
        assert!(msg.contains(expected) && msg.contains("bad.json"), "{msg}");
    }
    let typed = good.replacen("[1,\"", "[\"1\",\"", 1);
    let msg = ctx
        .store
        .import_json(&typed, "typed.json")
        .await
        .expect_err("typed")
        .to_string();
    assert!(msg.contains("表 units 第 1 行列 id：应为整数"), "{msg}");
    // A row that breaks a constraint half-way through rolls the whole import back.
    let broken = good.replacen("\"city_department\"", "\"planet\"", 1);
    assert!(ctx.store.import_json(&broken, "broken.json").await.is_err());
    assert_eq!(export(&ctx.store).await, empty);
    source.finish().await;
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_damaged_dump_names_the_table_row_and_column_and_imports_nothing,
    pg_a_damaged_dump_names_the_table_row_and_column_and_imports_nothing,
    a_damaged_dump_names_the_table_row_and_column_and_imports_nothing
);

async fn a_backup_restores_to_the_same_data_and_never_overwrites(ctx: Ctx) {
    let ctx = populated(ctx).await;
    let dir = tempfile::tempdir().expect("tmp");
    let target = dir.path().join("backup-2023Q3");
    let kind = ctx.store.backup(&target).await.expect("backup");
    let original = export(&ctx.store).await;
    match kind {
        BackupKind::SqliteFile => {
            let restored_dir = dir.path().join("restored");
            std::fs::create_dir(&restored_dir).expect("dir");
            std::fs::copy(
                &target,
                restored_dir.join(planwatch_store::SQLITE_FILE_NAME),
            )
            .expect("copy");
            let loc = Location::resolve(&restored_dir, None).expect("sqlite");
            let restored = Store::open(&loc, OpenMode::Existing)
                .await
                .expect("the backup opens");
            assert_eq!(export(&restored).await, original);
            restored.close().await;
        }
        BackupKind::Dump => {
            assert_eq!(std::fs::read_to_string(&target).expect("dump"), original);
        }
    }
    let err = ctx.store.backup(&target).await.expect_err("exists");
    assert!(matches!(err, StoreError::BackupExists { .. }));
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_backup_restores_to_the_same_data_and_never_overwrites,
    pg_a_backup_restores_to_the_same_data_and_never_overwrites,
    a_backup_restores_to_the_same_data_and_never_overwrites
);

/// The first half of a dump, cut at a character boundary (the dump holds Chinese text).
fn truncated_at_half(s: &str) -> String {
    let mut cut = s.len() / 2;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s[..cut].to_string()
}

/// The schema version a dump declares.
fn schema_version(dump: &str) -> i64 {
    serde_json::from_str::<serde_json::Value>(dump).expect("a dump is JSON")["schema_version"]
        .as_i64()
        .expect("a dump declares its schema version")
}
