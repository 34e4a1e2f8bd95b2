//! Every use case asks the one permission table for whoever calls — a signed-in person, an API
//! token or the command line acting `--as` someone — and answers in the same `AppError` words.
//! Run against a real SQLite store with the demo accounts.

use planwatch_app::demo_accounts::ensure_demo_accounts;
use planwatch_app::policy::{self, Permission};
use planwatch_app::{AppError, Caller, accounts, plan_input, public_page, report_texts};
use planwatch_model::Role;
use planwatch_store::{NewUser, Password, PublicChoice, ReportTextMode, Store};

async fn store(dir: &std::path::Path) -> Store {
    let out = planwatch_app::init(&dir.join("data"), None, None)
        .await
        .expect("init");
    ensure_demo_accounts(&out.store).await.expect("accounts");
    out.store
}

fn forbidden(r: Result<impl std::fmt::Debug, AppError>, role: Role, p: Permission) {
    match r {
        Err(AppError::Forbidden(m)) => assert_eq!(m, policy::refusal(role, p)),
        other => panic!("expected the {p:?} refusal for {role:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn each_use_case_refuses_a_role_the_table_refuses_in_the_tables_words() {
    let tmp = tempfile::tempdir().expect("tmp");
    let s = store(tmp.path()).await;
    let now = planwatch_app::now();
    let reporter = s.user("kjj").await.expect("read").expect("demo reporter");
    let office = s.user("office").await.expect("read").expect("demo office");
    let admin = s.user("admin").await.expect("read").expect("demo admin");
    let pw = Password::new("a-long-enough-password").expect("password");
    let new = NewUser {
        username: "new.user".into(),
        display_name: "新用户".into(),
        role: Role::Leader,
        unit: None,
        task_force: None,
    };
    let before = s.audit_entries(&Default::default()).await.expect("audit");

    let as_reporter = Caller::User(&reporter);
    let as_kjj = Caller::CommandLine {
        as_user: Some("kjj"),
    };
    for who in [as_reporter, as_kjj] {
        forbidden(
            accounts::add_user(&s, who, &new, &pw, now).await,
            Role::Reporter,
            Permission::ManageUsers,
        );
        forbidden(
            accounts::users(&s, who).await,
            Role::Reporter,
            Permission::ReadUsers,
        );
        forbidden(
            accounts::create_api_token(
                &s,
                who,
                &"市科技局".into(),
                "平台",
                planwatch_store::TokenScopes::READ_WRITE,
                "h",
                now,
            )
            .await,
            Role::Reporter,
            Permission::ManageApiTokens,
        );
        forbidden(
            report_texts::set_text(
                &s,
                who,
                2023,
                planwatch_docs::view::SectionKey::Problems,
                ReportTextMode::Replace,
                "文字",
                None,
                now,
            )
            .await,
            Role::Reporter,
            Permission::EditReportTexts,
        );
        forbidden(
            public_page::set_choice(&s, who, &PublicChoice::default(), None, now).await,
            Role::Reporter,
            Permission::ManagePublicPage,
        );
        let (plan, source) = plan_input::embedded_plan();
        forbidden(
            plan_input::import_revision(&s, who, &plan, &source, now).await,
            Role::Reporter,
            Permission::ImportPlan,
        );
    }
    // The office may read users but not manage them.
    assert!(accounts::users(&s, Caller::User(&office)).await.is_ok());
    forbidden(
        accounts::add_user(&s, Caller::User(&office), &new, &pw, now).await,
        Role::Office,
        Permission::ManageUsers,
    );
    assert_eq!(
        s.audit_entries(&Default::default())
            .await
            .expect("audit")
            .len(),
        before.len(),
        "a refusal writes nothing"
    );

    // An administrator may; a name taken is refused at its field; nobody disables themselves.
    let made = accounts::add_user(&s, Caller::User(&admin), &new, &pw, now)
        .await
        .expect("admin adds");
    assert_eq!(made.username, "new.user");
    match accounts::add_user(&s, Caller::User(&admin), &new, &pw, now).await {
        Err(AppError::Field { field, message }) => {
            assert_eq!(field, "username");
            assert_eq!(message, "用户名“new.user”已被使用");
        }
        other => panic!("expected a field refusal, got {other:?}"),
    }
    match accounts::disable_user(&s, Caller::User(&admin), "admin", now).await {
        Err(AppError::Refused(m)) => assert!(m.contains("不能停用自己的账号"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // The command line without --as acts as the operator, an administrator.
    let cli = Caller::CommandLine { as_user: None };
    accounts::disable_user(&s, cli, "new.user", now)
        .await
        .expect("operator disables");
    match accounts::users(
        &s,
        Caller::CommandLine {
            as_user: Some("nobody"),
        },
    )
    .await
    {
        Err(AppError::Refused(m)) => assert!(m.contains("用户“nobody”不存在"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    s.close().await;
}
