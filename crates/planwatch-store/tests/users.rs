//! Users, roles and sessions on both backends. No password or password hash ever reaches the
//! audit trail; role/unit rules are enforced by the store.

mod common;

use common::{Ctx, at, office};
use planwatch_model::Role;
use planwatch_store::{AuditFilter, NewUser, Password, StoreError};

const SECRET: &str = "Hunter2-correct-horse";

fn new_user(username: &str, role: Role, unit: Option<&str>, tf: Option<&str>) -> NewUser {
    NewUser {
        username: username.to_string(),
        display_name: String::new(),
        role,
        unit: unit.map(Into::into),
        task_force: tf.map(str::to_string),
    }
}

fn pw() -> Password {
    Password::new(SECRET).expect("strong enough")
}

async fn users_are_added_listed_disabled_and_get_new_passwords(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let s = &ctx.store;
    let reporter = s
        .add_user(
            &office(),
            &new_user("kjj.tb", Role::Reporter, Some("市科技局"), None),
            &pw(),
            at(10),
        )
        .await
        .expect("reporter");
    assert_eq!(reporter.unit.as_deref(), Some("市科技局"));
    s.add_user(
        &office(),
        &new_user("zb.kjcx", Role::TaskForce, None, Some("科技创新专班")),
        &pw(),
        at(11),
    )
    .await
    .expect("task force user");
    s.add_user(
        &office(),
        &new_user("leader", Role::Leader, None, None),
        &pw(),
        at(12),
    )
    .await
    .expect("leader");
    let names: Vec<String> = s
        .users()
        .await
        .expect("list")
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(names, ["kjj.tb", "leader", "zb.kjcx"]);

    assert!(
        s.authenticate("kjj.tb", SECRET)
            .await
            .expect("auth")
            .is_some()
    );
    assert!(
        s.authenticate("kjj.tb", "wrong password")
            .await
            .expect("auth")
            .is_none()
    );
    assert!(
        s.authenticate("nobody", SECRET)
            .await
            .expect("auth")
            .is_none()
    );

    let new_pw = Password::new("another-long-secret").expect("ok");
    s.reset_password(&office(), "kjj.tb", &new_pw, at(13))
        .await
        .expect("reset");
    assert!(
        s.authenticate("kjj.tb", SECRET)
            .await
            .expect("auth")
            .is_none()
    );
    assert!(
        s.authenticate("kjj.tb", "another-long-secret")
            .await
            .expect("auth")
            .is_some()
    );

    let disabled = s
        .disable_user(&office(), "kjj.tb", at(14))
        .await
        .expect("disable");
    assert_eq!(disabled.disabled_at, Some(at(14)));
    assert!(
        s.authenticate("kjj.tb", "another-long-secret")
            .await
            .expect("auth")
            .is_none()
    );

    let audit = s
        .audit_entries(&AuditFilter {
            entity: Some("user".to_string()),
            ..Default::default()
        })
        .await
        .expect("audit");
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "user.create",
            "user.create",
            "user.create",
            "user.reset_password",
            "user.disable"
        ]
    );
    let everything = s.export_json().await.expect("export").0;
    let audit_text: String = s
        .audit_entries(&AuditFilter::default())
        .await
        .expect("audit")
        .iter()
        .map(|a| format!("{:?}{:?}", a.before, a.after))
        .collect();
    assert!(!audit_text.contains(SECRET) && !audit_text.contains("another-long-secret"));
    assert!(
        !audit_text.contains("$argon2"),
        "no hash in the audit trail"
    );
    assert!(
        !everything.contains(SECRET),
        "the password itself is stored nowhere"
    );
    assert!(
        everything.contains("$argon2id$"),
        "only its argon2id hash is"
    );
    ctx.finish().await;
}
on_both_backends!(
    sqlite_users_are_added_listed_disabled_and_get_new_passwords,
    pg_users_are_added_listed_disabled_and_get_new_passwords,
    users_are_added_listed_disabled_and_get_new_passwords
);

async fn roles_and_units_must_fit_together(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let s = &ctx.store;
    let cases = [
        (
            new_user("a", Role::Reporter, None, None),
            "必须指定所属单位",
        ),
        (
            new_user("b", Role::Office, Some("市科技局"), None),
            "不能指定 --unit",
        ),
        (
            new_user("c", Role::TaskForce, None, None),
            "必须指定所属专班",
        ),
        (
            new_user("d", Role::UnitHead, Some("市不存在局"), None),
            "市不存在局",
        ),
        (
            new_user("e", Role::TaskForce, None, Some("不存在专班")),
            "不存在专班",
        ),
        (new_user("has space", Role::Leader, None, None), "不含空格"),
    ];
    for (user, expected) in cases {
        let err = s
            .add_user(&office(), &user, &pw(), at(3))
            .await
            .expect_err(expected);
        assert!(err.to_string().contains(expected), "{err}");
    }
    s.add_user(
        &office(),
        &new_user("dup", Role::Admin, None, None),
        &pw(),
        at(4),
    )
    .await
    .expect("first");
    assert!(matches!(
        s.add_user(
            &office(),
            &new_user("dup", Role::Admin, None, None),
            &pw(),
            at(5)
        )
        .await,
        Err(StoreError::UserExists(_))
    ));
    assert_eq!(s.users().await.expect("list").len(), 1);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_roles_and_units_must_fit_together,
    pg_roles_and_units_must_fit_together,
    roles_and_units_must_fit_together
);

async fn sessions_expire_and_are_revoked_by_sign_out_and_by_disabling(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let s = &ctx.store;
    let u = s
        .add_user(
            &office(),
            &new_user("office1", Role::Office, None, None),
            &pw(),
            at(0),
        )
        .await
        .expect("user");
    let actor = planwatch_store::Actor::user("office1");
    s.create_session(&actor, u.id, "hash-a", at(1), at(61))
        .await
        .expect("a");
    s.create_session(&actor, u.id, "hash-b", at(1), at(61))
        .await
        .expect("b");
    assert_eq!(
        s.session_user("hash-a", at(30))
            .await
            .expect("q")
            .map(|u| u.username),
        Some("office1".to_string())
    );
    assert!(
        s.session_user("hash-a", at(61)).await.expect("q").is_none(),
        "expired"
    );
    assert!(s.session_user("nope", at(30)).await.expect("q").is_none());
    assert!(
        s.revoke_session(&actor, "hash-a", at(31))
            .await
            .expect("revoke")
    );
    assert!(
        !s.revoke_session(&actor, "hash-a", at(32))
            .await
            .expect("again")
    );
    assert!(s.session_user("hash-a", at(33)).await.expect("q").is_none());
    s.disable_user(&office(), "office1", at(34))
        .await
        .expect("disable");
    assert!(s.session_user("hash-b", at(35)).await.expect("q").is_none());
    ctx.finish().await;
}
on_both_backends!(
    sqlite_sessions_expire_and_are_revoked_by_sign_out_and_by_disabling,
    pg_sessions_expire_and_are_revoked_by_sign_out_and_by_disabling,
    sessions_expire_and_are_revoked_by_sign_out_and_by_disabling
);
