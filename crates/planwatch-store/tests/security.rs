//! Security properties of the store on both backends (issue 11): the audit trail is a hash chain
//! that `verify_audit_chain` checks row by row, so a row edited or deleted behind the product's
//! back is reported; the per-account password-check limit is reserved in one write transaction,
//! so simultaneous attempts cannot pass it; a passed check resets it.

mod common;

use common::{Ctx, Db, at, office};
use planwatch_model::{Role, UnitKind};
use planwatch_store::{CheckPurpose, NewUser, Password, SignInGate, SignInLimits};

/// Polls every future on this task until all are done (borrowed futures, no extra crate):
/// requests that reach the store at the same time, as a server's would.
async fn join_all<F: std::future::Future>(futs: Vec<F>) -> Vec<F::Output> {
    use std::task::Poll;
    let mut futs: Vec<std::pin::Pin<Box<F>>> = futs.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = futs.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, slot) in futs.iter_mut().zip(out.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => *slot = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    out.into_iter()
        .map(|o| o.expect("every future finished"))
        .collect()
}

fn limits() -> SignInLimits {
    SignInLimits {
        max_failures: 5,
        window: chrono::Duration::minutes(15),
    }
}

/// Runs one statement on the database behind the store's back.
async fn tamper(ctx: &Ctx, sql: &str) {
    match (&ctx.db, ctx.sqlite_path()) {
        (Db::Postgres(pg), _) => {
            let pool = sqlx::PgPool::connect(&pg.url).await.expect("connect");
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&pool)
                .await
                .expect("tamper");
            pool.close().await;
        }
        (_, Some(path)) => {
            let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&path);
            let pool = sqlx::SqlitePool::connect_with(opts).await.expect("connect");
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&pool)
                .await
                .expect("tamper");
            pool.close().await;
        }
        _ => unreachable!("a store is SQLite or PostgreSQL"),
    }
}

async fn some_changes(ctx: &Ctx) {
    for (i, name) in ["市甲局", "市乙局", "市丙局", "市丁局"].iter().enumerate() {
        ctx.store
            .add_unit(
                &office(),
                name,
                UnitKind::CityDepartment,
                at(i64::try_from(i).expect("small")),
            )
            .await
            .expect("unit");
    }
}

async fn an_edited_row_is_reported_by_verify(ctx: Ctx) {
    some_changes(&ctx).await;
    let ok = ctx.store.verify_audit_chain().await.expect("verify");
    assert_eq!(ok.first_broken, None);
    assert_eq!(ok.rows, 4);
    let (head_id, head_hash) = ok.head.clone().expect("a head");
    assert_eq!(head_hash.len(), 64);
    let ids: Vec<i64> = ctx
        .store
        .audit_entries(&Default::default())
        .await
        .expect("rows")
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ids.last(), Some(&head_id));
    // Someone rewrites the third row's content with SQL.
    tamper(
        &ctx,
        &format!(
            "UPDATE audit_log SET after_json = '{{\"name\":\"市伪造局\"}}' WHERE id = {}",
            ids[2]
        ),
    )
    .await;
    let bad = ctx.store.verify_audit_chain().await.expect("verify");
    let broken = bad.first_broken.expect("reported");
    assert_eq!(broken.id, ids[2]);
    assert!(broken.problem.contains("内容被改动"), "{}", broken.problem);
    ctx.finish().await;
}

on_both_backends!(
    sqlite_an_edited_row_is_reported_by_verify,
    pg_an_edited_row_is_reported_by_verify,
    an_edited_row_is_reported_by_verify
);

async fn a_deleted_or_unhashed_row_breaks_the_chain(ctx: Ctx) {
    some_changes(&ctx).await;
    let ids: Vec<i64> = ctx
        .store
        .audit_entries(&Default::default())
        .await
        .expect("rows")
        .iter()
        .map(|e| e.id)
        .collect();
    tamper(
        &ctx,
        &format!("DELETE FROM audit_log WHERE id = {}", ids[1]),
    )
    .await;
    let broken = ctx
        .store
        .verify_audit_chain()
        .await
        .expect("verify")
        .first_broken
        .expect("reported");
    assert_eq!(broken.id, ids[2]);
    assert!(broken.problem.contains("链接断开"), "{}", broken.problem);
    // Clearing the hashes does not make the store re-chain them on the next open.
    tamper(&ctx, "UPDATE audit_log SET hash = NULL, prev_hash = NULL").await;
    let ctx = ctx.reopen().await;
    let broken = ctx
        .store
        .verify_audit_chain()
        .await
        .expect("verify")
        .first_broken
        .expect("still reported");
    assert_eq!(broken.id, ids[0]);
    ctx.finish().await;
}

on_both_backends!(
    sqlite_a_deleted_or_unhashed_row_breaks_the_chain,
    pg_a_deleted_or_unhashed_row_breaks_the_chain,
    a_deleted_or_unhashed_row_breaks_the_chain
);

async fn simultaneous_attempts_cannot_pass_the_account_limit(ctx: Ctx) {
    let s = &ctx.store;
    let now = at(100);
    let futs: Vec<_> = (0..40)
        .map(|i| async move {
            s.admit_password_check(
                &format!("198.51.100.{i}"),
                "leader",
                CheckPurpose::SignIn,
                now,
                limits(),
            )
            .await
            .expect("gate")
        })
        .collect();
    let gates = join_all(futs).await;
    let admitted = gates.iter().filter(|g| **g == SignInGate::Admitted).count();
    assert_eq!(admitted, 5, "{gates:?}");
    ctx.finish().await;
}

on_both_backends!(
    sqlite_simultaneous_attempts_cannot_pass_the_account_limit,
    pg_simultaneous_attempts_cannot_pass_the_account_limit,
    simultaneous_attempts_cannot_pass_the_account_limit
);

async fn the_fifth_failure_locks_and_a_passed_check_resets(ctx: Ctx) {
    let s = &ctx.store;
    let user = s
        .add_user(
            &office(),
            &NewUser {
                username: "leader".into(),
                display_name: String::new(),
                role: Role::Leader,
                unit: None,
                task_force: None,
            },
            &Password::new("Hunter2-correct-horse").expect("strong"),
            at(0),
        )
        .await
        .expect("user");
    // One check passes: failures before it stop counting.
    for m in 1..=4 {
        assert_eq!(
            s.admit_password_check("c", "leader", CheckPurpose::SignIn, at(m), limits())
                .await
                .expect("gate"),
            SignInGate::Admitted
        );
        assert_eq!(
            s.password_check_failed("c", "leader", CheckPurpose::SignIn, at(m), limits())
                .await
                .expect("failed"),
            None
        );
    }
    assert_eq!(
        s.admit_password_check("c", "leader", CheckPurpose::SignIn, at(5), limits())
            .await
            .expect("gate"),
        SignInGate::Admitted
    );
    s.start_session(&user, "hash-1", "c", at(5), at(600))
        .await
        .expect("session");
    // Then five failures in a row lock the account for the window, counted from the first.
    for m in 6..=10 {
        assert_eq!(
            s.admit_password_check("c", "leader", CheckPurpose::PasswordChange, at(m), limits())
                .await
                .expect("gate"),
            SignInGate::Admitted
        );
        let locked = s
            .password_check_failed("c", "leader", CheckPurpose::PasswordChange, at(m), limits())
            .await
            .expect("failed");
        assert_eq!(locked.is_some(), m == 10);
    }
    assert_eq!(
        s.admit_password_check("c", "leader", CheckPurpose::SignIn, at(11), limits())
            .await
            .expect("gate"),
        SignInGate::Locked { until: at(6 + 15) }
    );
    assert_eq!(
        s.admit_password_check("c", "leader", CheckPurpose::SignIn, at(22), limits())
            .await
            .expect("gate"),
        SignInGate::Admitted
    );
    let locks = s
        .audit_entries(&planwatch_store::AuditFilter {
            entity: Some(planwatch_store::SECURITY_FILTER.to_string()),
            ..Default::default()
        })
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == planwatch_store::ACCOUNT_LOCKED_ACTION)
        .count();
    assert_eq!(locks, 1);
    ctx.finish().await;
}

on_both_backends!(
    sqlite_the_fifth_failure_locks_and_a_passed_check_resets,
    pg_the_fifth_failure_locks_and_a_passed_check_resets,
    the_fifth_failure_locks_and_a_passed_check_resets
);
