//! What the web app adds to sessions, on both backends: failed sign-ins are recorded in the audit
//! trail and counted per account within a window; a user's active sessions are listed; signing
//! out everywhere revokes them all in one audited change.

mod common;

use common::{Ctx, at, office};
use planwatch_model::Role;
use planwatch_store::{
    Actor, AuditFilter, NewUser, Password, SIGN_IN_ENTITY, SIGN_IN_FAILED_ACTION, StoreError,
};

fn pw() -> Password {
    Password::new("Hunter2-correct-horse").expect("strong enough")
}

async fn leader(ctx: &Ctx, name: &str) -> i64 {
    ctx.store
        .add_user(
            &office(),
            &NewUser {
                username: name.to_string(),
                display_name: String::new(),
                role: Role::Leader,
                unit: None,
                task_force: None,
            },
            &pw(),
            at(0),
        )
        .await
        .expect("user")
        .id
}

async fn failed_sign_ins_are_audited_and_counted_per_account_within_the_window(ctx: Ctx) {
    let s = &ctx.store;
    for m in [10, 20, 30] {
        s.record_sign_in_failure("203.0.113.7", " leader ", at(m))
            .await
            .expect("recorded");
    }
    s.record_sign_in_failure("203.0.113.8", "office", at(25))
        .await
        .expect("recorded");
    assert_eq!(
        s.sign_in_failures_since("leader", at(0)).await.expect("n"),
        3
    );
    assert_eq!(
        s.sign_in_failures_since("leader", at(20)).await.expect("n"),
        2
    );
    assert_eq!(
        s.sign_in_failures_since("leader", at(31)).await.expect("n"),
        0
    );
    assert_eq!(
        s.sign_in_failures_since("office", at(0)).await.expect("n"),
        1
    );
    assert_eq!(
        s.sign_in_failures_since("nobody", at(0)).await.expect("n"),
        0
    );
    let rows = s
        .audit_entries(&AuditFilter {
            entity: Some(SIGN_IN_ENTITY.to_string()),
            ..AuditFilter::default()
        })
        .await
        .expect("audit");
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r.action == SIGN_IN_FAILED_ACTION));
    assert_eq!(rows[0].actor, "web:203.0.113.7");
    assert_eq!(rows[0].entity_id, "leader");
    assert_eq!(
        rows[0].after.as_deref(),
        Some(r#"{"client":"203.0.113.7"}"#)
    );
    // A huge username typed into the form is recorded cut, and still counted under that name.
    let huge = "x".repeat(5000);
    s.record_sign_in_failure("203.0.113.9", &huge, at(40))
        .await
        .expect("recorded");
    assert_eq!(s.sign_in_failures_since(&huge, at(0)).await.expect("n"), 1);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_failed_sign_ins_are_audited_and_counted_per_account_within_the_window,
    pg_failed_sign_ins_are_audited_and_counted_per_account_within_the_window,
    failed_sign_ins_are_audited_and_counted_per_account_within_the_window
);

async fn signing_out_everywhere_revokes_only_that_users_active_sessions(ctx: Ctx) {
    let s = &ctx.store;
    let a = leader(&ctx, "leader").await;
    let b = leader(&ctx, "other").await;
    let actor = Actor::user("leader");
    s.create_session(&actor, a, "a1", at(1), at(100))
        .await
        .expect("a1");
    s.create_session(&actor, a, "a2", at(2), at(100))
        .await
        .expect("a2");
    s.create_session(&actor, a, "a-old", at(0), at(3))
        .await
        .expect("expired soon");
    s.create_session(&Actor::user("other"), b, "b1", at(1), at(100))
        .await
        .expect("b1");
    let active = s.active_sessions("leader", at(10)).await.expect("list");
    assert_eq!(active.len(), 2, "the expired session is not listed");
    assert_eq!(active[0].created_at, at(2), "newest first");
    assert_eq!(
        s.revoke_user_sessions(&actor, "leader", at(11))
            .await
            .expect("revoke"),
        2
    );
    assert!(s.session_user("a1", at(12)).await.expect("q").is_none());
    assert!(s.session_user("a2", at(12)).await.expect("q").is_none());
    assert!(s.session_user("b1", at(12)).await.expect("q").is_some());
    assert!(
        s.active_sessions("leader", at(12))
            .await
            .expect("list")
            .is_empty()
    );
    // Nothing left to revoke: no change, no audit row.
    assert_eq!(
        s.revoke_user_sessions(&actor, "leader", at(13))
            .await
            .expect("again"),
        0
    );
    let rows = s
        .audit_entries(&AuditFilter {
            entity: Some("user".to_string()),
            entity_id: Some(a.to_string()),
            ..AuditFilter::default()
        })
        .await
        .expect("audit");
    let revokes: Vec<_> = rows
        .iter()
        .filter(|r| r.action == "session.revoke_all")
        .collect();
    assert_eq!(revokes.len(), 1);
    assert_eq!(
        revokes[0].after.as_deref(),
        Some(r#"{"sessions_revoked":2}"#)
    );
    assert!(matches!(
        s.revoke_user_sessions(&actor, "nobody", at(14)).await,
        Err(StoreError::UnknownUser(_))
    ));
    ctx.finish().await;
}
on_both_backends!(
    sqlite_signing_out_everywhere_revokes_only_that_users_active_sessions,
    pg_signing_out_everywhere_revokes_only_that_users_active_sessions,
    signing_out_everywhere_revokes_only_that_users_active_sessions
);
