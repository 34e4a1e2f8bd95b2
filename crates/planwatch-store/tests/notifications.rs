//! Notifications in the store (decision 0061) on both backends: the daily lease taken by exactly
//! one of several concurrent takers (two stores on one database, as two app servers), reminders
//! recorded once, unread counts and marking read per person, contact details checked, and
//! deliveries claimed by one sender.

mod common;

use common::{Ctx, at, office};
use planwatch_model::Role;
use planwatch_store::{
    Channel, Location, NewDelivery, NewNotification, NewUser, OpenMode, Password, Post,
    ReminderKey, Store, StoreError,
};

async fn second_store(location: &Location) -> Store {
    Store::open(location, OpenMode::Existing)
        .await
        .expect("a second app server opens the same database")
}

async fn the_daily_lease_goes_to_exactly_one_taker(ctx: Ctx) {
    // Two app servers on one database: two stores, four takers on each at once.
    let servers = [
        std::sync::Arc::new(second_store(&ctx.location).await),
        std::sync::Arc::new(second_store(&ctx.location).await),
    ];
    for (day, minute) in [("2024-07-12", 0), ("2024-07-13", 1440)] {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let s = servers[i % 2].clone();
                tokio::spawn(async move {
                    s.take_daily_lease("remind", day, &format!("server-{i}"), at(minute))
                        .await
                        .expect("the lease query runs")
                })
            })
            .collect();
        let mut won = Vec::new();
        for h in handles {
            won.push(h.await.expect("the taker finishes"));
        }
        assert_eq!(
            won.iter().filter(|w| **w).count(),
            1,
            "exactly one taker on {day}: {won:?}"
        );
        // Later the same day nobody takes it again.
        assert!(
            !ctx.store
                .take_daily_lease("remind", day, "late", at(minute + 60))
                .await
                .expect("runs")
        );
    }
    // An earlier day never takes the lease back.
    assert!(
        !ctx.store
            .take_daily_lease("remind", "2024-07-01", "clock-behind", at(3000))
            .await
            .expect("runs")
    );
    for s in servers {
        if let Ok(s) = std::sync::Arc::try_unwrap(s) {
            s.close().await;
        }
    }
    ctx.finish().await;
}
on_both_backends!(
    sqlite_the_daily_lease_goes_to_exactly_one_taker,
    pg_the_daily_lease_goes_to_exactly_one_taker,
    the_daily_lease_goes_to_exactly_one_taker
);

async fn user(ctx: &Ctx, name: &str, role: Role, unit: Option<&str>) -> planwatch_store::User {
    ctx.store
        .add_user(
            &office(),
            &NewUser {
                username: name.to_string(),
                display_name: String::new(),
                role,
                unit: unit.map(Into::into),
                task_force: None,
            },
            &Password::new("Hunter2-correct-horse").expect("strong"),
            at(2),
        )
        .await
        .expect("user added")
}

fn note(user_id: i64, title: &str) -> NewNotification {
    NewNotification {
        user_id,
        kind: "overdue".to_string(),
        title: title.to_string(),
        body: "正文".to_string(),
        link: "/reports/x/2024Q2".to_string(),
    }
}

async fn reminders_are_recorded_once_and_people_read_their_own(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let a = user(&ctx, "kjj", Role::Reporter, Some("市科技局")).await;
    let b = user(&ctx, "kjj.head", Role::UnitHead, Some("市科技局")).await;
    let key = ReminderKey {
        kind: "overdue".to_string(),
        unit: "市科技局".into(),
        period: "2024Q2".to_string(),
        day: "2024-07-12".to_string(),
    };
    let post = Post {
        action: "notify.overdue".to_string(),
        notifications: vec![note(a.id, "一"), note(b.id, "一")],
        deliveries: vec![NewDelivery {
            channel: Channel::Email,
            recipient: "kjj@example.org".to_string(),
            kind: "overdue".to_string(),
            subject: "主题".to_string(),
            body: "正文".to_string(),
        }],
        reminder: Some(key.clone()),
        supervision: None,
    };
    let before = ctx
        .store
        .audit_entries(&Default::default())
        .await
        .expect("audit")
        .len();
    assert!(!ctx.store.reminder_sent(&key).await.expect("reads"));
    let first = ctx
        .store
        .post(&office(), &post, at(10))
        .await
        .expect("posted");
    assert_eq!(first.map(|p| (p.notifications, p.deliveries)), Some((2, 1)));
    assert!(ctx.store.reminder_sent(&key).await.expect("reads"));
    let again = ctx
        .store
        .post(&office(), &post, at(11))
        .await
        .expect("runs");
    assert_eq!(
        again, None,
        "the same reminder the same day is not sent twice"
    );
    let after = ctx
        .store
        .audit_entries(&Default::default())
        .await
        .expect("audit");
    assert_eq!(after.len(), before + 1, "one audit row for the one post");
    assert!(after.iter().any(|e| e.action == "notify.overdue"));
    assert_eq!(
        ctx.store
            .pending_deliveries(10, at(12))
            .await
            .expect("reads")
            .len(),
        1
    );

    // Unread counts and marking read touch only the person's own rows.
    assert_eq!(
        ctx.store.unread_notifications(a.id).await.expect("count"),
        1
    );
    let theirs = ctx.store.notifications(b.id, 10).await.expect("list");
    assert_eq!(
        ctx.store
            .mark_notifications_read(a.id, Some(theirs[0].id), at(13))
            .await
            .expect("runs"),
        0,
        "nobody marks another person's notification"
    );
    assert_eq!(
        ctx.store.unread_notifications(b.id).await.expect("count"),
        1
    );
    assert_eq!(
        ctx.store
            .mark_notifications_read(a.id, None, at(13))
            .await
            .expect("runs"),
        1
    );
    assert_eq!(
        ctx.store.unread_notifications(a.id).await.expect("count"),
        0
    );
    assert_eq!(
        ctx.store.unread_notifications(b.id).await.expect("count"),
        1
    );
    ctx.finish().await;
}
on_both_backends!(
    sqlite_reminders_are_recorded_once_and_people_read_their_own,
    pg_reminders_are_recorded_once_and_people_read_their_own,
    reminders_are_recorded_once_and_people_read_their_own
);

async fn a_delivery_is_claimed_by_one_sender(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let other = second_store(&ctx.location).await;
    let post = Post {
        action: "notify.accepted".to_string(),
        deliveries: vec![NewDelivery {
            channel: Channel::Webhook,
            recipient: "wecom".to_string(),
            kind: "accepted".to_string(),
            subject: "主题".to_string(),
            body: "正文".to_string(),
        }],
        ..Post::default()
    };
    ctx.store
        .post(&office(), &post, at(10))
        .await
        .expect("posted");
    let d = ctx
        .store
        .pending_deliveries(10, at(11))
        .await
        .expect("reads")[0]
        .clone();
    let (x, y) = tokio::join!(
        ctx.store.claim_delivery(d.id, at(11), at(12)),
        other.claim_delivery(d.id, at(11), at(12))
    );
    assert_eq!(
        [x.expect("runs"), y.expect("runs")]
            .iter()
            .filter(|c| **c)
            .count(),
        1,
        "one sender claims it"
    );
    assert!(
        ctx.store
            .pending_deliveries(10, at(11))
            .await
            .expect("reads")
            .is_empty()
    );
    ctx.store
        .record_delivery(d.id, Err("连接被拒绝".to_string()), 2, at(20), at(11))
        .await
        .expect("recorded");
    assert!(
        ctx.store
            .pending_deliveries(10, at(19))
            .await
            .expect("reads")
            .is_empty(),
        "waits"
    );
    let again = ctx
        .store
        .pending_deliveries(10, at(20))
        .await
        .expect("reads");
    assert_eq!(again[0].last_error.as_deref(), Some("连接被拒绝"));
    assert!(
        ctx.store
            .claim_delivery(d.id, at(20), at(21))
            .await
            .expect("runs")
    );
    ctx.store
        .record_delivery(d.id, Err("又失败".to_string()), 2, at(30), at(20))
        .await
        .expect("recorded");
    let all = ctx.store.deliveries(10).await.expect("reads");
    assert_eq!((all[0].status.as_str(), all[0].attempts), ("failed", 2));
    other.close().await;
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_delivery_is_claimed_by_one_sender,
    pg_a_delivery_is_claimed_by_one_sender,
    a_delivery_is_claimed_by_one_sender
);

async fn contact_details_are_checked_and_a_refusal_changes_nothing(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    user(&ctx, "kjj", Role::Reporter, Some("市科技局")).await;
    let u = ctx
        .store
        .set_user_contact(
            &office(),
            "kjj",
            Some(" kjj@example.org "),
            Some("+86 138-0000-0000"),
            at(5),
        )
        .await
        .expect("set");
    assert_eq!(u.email.as_deref(), Some("kjj@example.org"));
    assert_eq!(u.mobile.as_deref(), Some("13800000000"));
    for (email, mobile, word) in [
        (Some("kjj@"), None, "电子邮箱"),
        (Some("a b@example.org"), None, "电子邮箱"),
        (None, Some("12345"), "手机号码"),
    ] {
        let err = ctx
            .store
            .set_user_contact(&office(), "kjj", email, mobile, at(6))
            .await
            .expect_err("refused");
        assert!(
            matches!(&err, StoreError::InvalidInput(m) if m.contains(word)),
            "{err}"
        );
    }
    let kept = ctx.store.user("kjj").await.expect("reads").expect("exists");
    assert_eq!(kept.email.as_deref(), Some("kjj@example.org"));
    assert_eq!(kept.mobile.as_deref(), Some("13800000000"));
    let cleared = ctx
        .store
        .set_user_contact(&office(), "kjj", None, None, at(7))
        .await
        .expect("cleared");
    assert_eq!((cleared.email, cleared.mobile), (None, None));
    ctx.finish().await;
}
on_both_backends!(
    sqlite_contact_details_are_checked_and_a_refusal_changes_nothing,
    pg_contact_details_are_checked_and_a_refusal_changes_nothing,
    contact_details_are_checked_and_a_refusal_changes_nothing
);
