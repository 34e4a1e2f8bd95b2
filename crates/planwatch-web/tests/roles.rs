//! Roles are enforced by the server, page by page, checked in process (no socket): every role
//! signs in and is refused what the permission table does not give it; nobody signed in is sent
//! to the sign-in page.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use planwatch_app::policy::{Permission, allows};
use planwatch_model::Role;

#[tokio::test]
async fn each_role_sees_what_the_permission_table_gives_it_and_is_refused_the_rest() {
    let app = TestApp::yangquan().await;
    let accounts = [
        ("admin", Role::Admin),
        ("office", Role::Office),
        ("leader", Role::Leader),
        ("zb.kjcx", Role::TaskForce),
        ("kjj", Role::Reporter),
        ("kjj.head", Role::UnitHead),
    ];
    let pages = [
        ("/users", Permission::ReadUsers),
        ("/audit", Permission::ReadAudit),
        // The page is everyone's (a unit sees its own feedback); the annual report on it is gated.
        ("/documents", Permission::ReadPlan),
        ("/api-tokens", Permission::ManageApiTokens),
        ("/indicators", Permission::ReadPlan),
        ("/reports", Permission::ReadReports),
    ];
    let mut refused = 0;
    for (user, role) in accounts {
        let mut v = app.signed_in(user).await;
        for (path, permission) in pages {
            let r = v.get(path).await;
            if allows(role, permission) {
                assert_eq!(r.status, StatusCode::OK, "{user} {path}: {}", r.body);
            } else {
                refused += 1;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{user} {path}");
                assert!(r.body.contains("您的角色"), "{user} {path}: the reason");
            }
        }
    }
    assert!(refused >= 10, "the table refuses something to most roles");
}

#[tokio::test]
async fn nobody_signed_in_is_sent_to_the_sign_in_page_and_a_wrong_password_changes_nothing() {
    let app = TestApp::yangquan().await;
    let mut v = app.visitor();
    for path in ["/", "/indicators", "/users", "/reports"] {
        let r = v.get(path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            r.header("location")
                .is_some_and(|l| l.starts_with("/login")),
            "{path}: {:?}",
            r.header("location")
        );
    }
    let login = v.get("/login").await;
    let token = login.csrf();
    let r = v
        .post_form(
            "/login",
            &[
                ("csrf", token.as_str()),
                ("username", "office"),
                ("password", "wrong-password-1"),
                ("next", "/"),
            ],
        )
        .await;
    assert_ne!(
        r.status,
        StatusCode::SEE_OTHER,
        "a wrong password does not sign in"
    );
    assert_eq!(v.get("/").await.status, StatusCode::SEE_OTHER);
}
