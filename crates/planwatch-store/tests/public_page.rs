//! What the office publishes on the public page, on both backends: kept with a revision, every
//! change audited, the same choice again a no-op, and a refused choice (unknown indicator,
//! figures without a period, a period still open) changing nothing.

mod common;

use common::{Ctx, at, office};
use planwatch_model::Quarter;
use planwatch_store::{AuditFilter, PublicChoice, StoreError};

fn q(s: &str) -> Quarter {
    Quarter::parse(s).expect("quarter")
}

/// The Yangquan plan with its reporting setup (catalogue and periods).
async fn prepared(ctx: Ctx) -> Ctx {
    let ctx = ctx.with_yangquan().await;
    ctx.store
        .ensure_reporting(&office(), &common::gold_setup(), at(2))
        .await
        .expect("setup");
    ctx
}

fn audit() -> AuditFilter {
    AuditFilter {
        entity: Some("public_page".into()),
        ..Default::default()
    }
}

async fn the_choice_is_kept_audited_and_saving_it_again_changes_nothing(ctx: Ctx) {
    let ctx = prepared(ctx).await;
    let s = &ctx.store;
    let none = s.public_settings().await.expect("settings");
    assert_eq!(none.revision, 0);
    assert!(none.choice.is_empty());
    // Saving "nothing" over nothing is not a change.
    assert!(
        !s.set_public_settings(&office(), &PublicChoice::default(), Some(0), at(5))
            .await
            .expect("no-op")
    );
    let code = s.catalogue().await.expect("c").indicators[0].code.clone();
    let choice = PublicChoice {
        intro: "本页公开三年行动计划的推进情况。\r\n".into(),
        indicators: vec![code.clone()],
        task_counts: true,
        // 2023Q2's deadline (10 July) has passed on 30 September 2023.
        as_of: Some(q("2023Q2")),
    };
    assert!(
        s.set_public_settings(&office(), &choice, Some(0), at(10))
            .await
            .expect("set")
    );
    let stored = s.public_settings().await.expect("settings");
    assert_eq!(stored.revision, 1);
    assert_eq!(stored.choice.intro, "本页公开三年行动计划的推进情况。");
    assert_eq!(stored.choice.indicators, vec![code.clone()]);
    assert!(stored.choice.task_counts);
    assert_eq!(stored.choice.as_of, Some(q("2023Q2")));
    assert_eq!(stored.updated_by.as_deref(), Some("office"));
    let rows = s.audit_entries(&audit()).await.expect("audit");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].action, "public_page.set");
    assert!(
        rows[0]
            .after
            .as_deref()
            .expect("after")
            .contains(code.as_str())
    );

    // The same choice again: nothing written.
    let version = s.data_version().await.expect("v");
    assert!(
        !s.set_public_settings(&office(), &choice, Some(1), at(11))
            .await
            .expect("again")
    );
    assert_eq!(s.data_version().await.expect("v"), version);

    // Withdrawing the indicator and the counts.
    let fewer = PublicChoice {
        indicators: vec![],
        task_counts: false,
        ..choice.clone()
    };
    assert!(
        s.set_public_settings(&office(), &fewer, Some(1), at(12))
            .await
            .expect("fewer")
    );
    let stored = s.public_settings().await.expect("settings");
    assert_eq!(stored.revision, 2);
    assert!(stored.choice.indicators.is_empty());
    let rows = s.audit_entries(&audit()).await.expect("audit");
    assert_eq!(rows.len(), 2);
    assert!(
        rows[1]
            .before
            .as_deref()
            .expect("before")
            .contains(code.as_str())
    );
    ctx.finish().await;
}
on_both_backends!(
    sqlite_the_choice_is_kept_audited_and_saving_it_again_changes_nothing,
    pg_the_choice_is_kept_audited_and_saving_it_again_changes_nothing,
    the_choice_is_kept_audited_and_saving_it_again_changes_nothing
);

async fn only_figures_of_a_closed_period_may_be_published(ctx: Ctx) {
    let ctx = prepared(ctx).await;
    let s = &ctx.store;
    let code = s.catalogue().await.expect("c").indicators[0].code.clone();
    let dump = s.export_json().await.expect("export").0;
    let with =
        |indicators: Vec<planwatch_model::IndicatorCode>, as_of: Option<&str>| PublicChoice {
            intro: String::new(),
            indicators,
            task_counts: false,
            as_of: as_of.map(q),
        };
    let cases = [
        (with(vec!["no-such".into()], Some("2023Q2")), "no-such"),
        (with(vec![code.clone()], None), "须选择数据截至的报送期"),
        (with(vec![code.clone()], Some("2023Q3")), "报送中"),
        (with(vec![code.clone()], Some("2024Q1")), "未开始"),
        (
            with(vec![code.clone()], Some("2030Q1")),
            "不是本计划的报送期",
        ),
        (
            PublicChoice {
                intro: "长".repeat(5_001),
                ..Default::default()
            },
            "上限",
        ),
    ];
    for (choice, needle) in cases {
        let e = s
            .set_public_settings(&office(), &choice, None, at(10))
            .await
            .expect_err(needle);
        assert!(e.to_string().contains(needle), "{e} lacks {needle}");
    }
    assert_eq!(s.export_json().await.expect("export").0, dump);

    // Two offices editing the same revision: the second is told and nothing of it is written.
    let a = with(vec![code.clone()], Some("2023Q2"));
    assert!(
        s.set_public_settings(&office(), &a, Some(0), at(11))
            .await
            .expect("a")
    );
    let b = PublicChoice {
        intro: "另一份说明".into(),
        ..Default::default()
    };
    let e = s
        .set_public_settings(&office(), &b, Some(0), at(12))
        .await
        .expect_err("stale");
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    assert_eq!(s.public_settings().await.expect("s").choice.intro, "");
    ctx.finish().await;
}
on_both_backends!(
    sqlite_only_figures_of_a_closed_period_may_be_published,
    pg_only_figures_of_a_closed_period_may_be_published,
    only_figures_of_a_closed_period_may_be_published
);
