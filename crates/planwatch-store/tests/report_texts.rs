//! The office's text for sections of the annual report, on both backends: kept per year and
//! section with a revision, every change audited, the same text again a no-op without an audit
//! row, and every refusal (empty text, unknown section, year outside the plan, stale revision)
//! changing nothing.

mod common;

use common::{Ctx, at, office};
use planwatch_store::{AuditFilter, ReportTextMode, Store, StoreError, TextChange, normalise_text};

fn audit_of(entity_id: &str) -> AuditFilter {
    AuditFilter {
        entity: Some("report_text".into()),
        entity_id: Some(entity_id.into()),
        ..Default::default()
    }
}

async fn audit_count(s: &Store) -> usize {
    s.audit_entries(&AuditFilter::default())
        .await
        .expect("audit")
        .len()
}

async fn a_text_is_kept_replaced_and_audited_with_before_and_after(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let s = &ctx.store;
    assert!(s.report_texts(2023).await.expect("texts").is_empty());
    let first = s
        .set_report_text(
            &office(),
            2023,
            "problems",
            ReportTextMode::Replace,
            "一是研发投入不足。\r\n二是人才短缺。  ",
            Some(0),
            at(10),
        )
        .await
        .expect("set");
    let TextChange::Changed(t) = first else {
        panic!("the first text is a change: {first:?}");
    };
    assert_eq!(t.revision, 1);
    assert_eq!(
        t.current,
        Some((
            ReportTextMode::Replace,
            "一是研发投入不足。\n二是人才短缺。".to_string()
        ))
    );
    assert_eq!(t.updated_by, "office");
    let rows = s
        .audit_entries(&audit_of("2023/problems"))
        .await
        .expect("a");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].action, "report_text.set");
    assert_eq!(rows[0].before, None);
    assert!(
        rows[0]
            .after
            .as_deref()
            .is_some_and(|a| a.contains("研发投入不足") && a.contains("\"revision\":1")),
        "{:?}",
        rows[0].after
    );

    let second = s
        .set_report_text(
            &office(),
            2023,
            "problems",
            ReportTextMode::Append,
            "三是成果转化慢。",
            Some(1),
            at(11),
        )
        .await
        .expect("replace");
    assert!(matches!(second, TextChange::Changed(ref t) if t.revision == 2));
    let rows = s
        .audit_entries(&audit_of("2023/problems"))
        .await
        .expect("a");
    assert_eq!(rows.len(), 2);
    let before = rows[1].before.as_deref().expect("before");
    assert!(
        before.contains("研发投入不足") && before.contains("replace"),
        "{before}"
    );
    assert!(rows[1].after.as_deref().expect("after").contains("append"));

    // Another year and another section are separate rows.
    s.set_report_text(
        &office(),
        2022,
        "countermeasures",
        ReportTextMode::Replace,
        "加大投入。",
        None,
        at(12),
    )
    .await
    .expect("2022");
    let texts = s.report_texts(2023).await.expect("texts");
    assert_eq!(texts.len(), 1);
    assert_eq!(texts[0].section, "problems");
    assert_eq!(
        s.report_texts(2022).await.expect("t")[0].section,
        "countermeasures"
    );
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_text_is_kept_replaced_and_audited_with_before_and_after,
    pg_a_text_is_kept_replaced_and_audited_with_before_and_after,
    a_text_is_kept_replaced_and_audited_with_before_and_after
);

async fn the_same_text_again_is_a_no_op_without_an_audit_row(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let s = &ctx.store;
    s.set_report_text(
        &office(),
        2023,
        "overall",
        ReportTextMode::Replace,
        "总体进展顺利。\n各项任务有序推进。",
        None,
        at(10),
    )
    .await
    .expect("set");
    let audits = audit_count(s).await;
    let version = s.data_version().await.expect("v");
    // The same words with Windows line endings and trailing spaces, even from a stale form.
    let again = s
        .set_report_text(
            &office(),
            2023,
            "overall",
            ReportTextMode::Replace,
            "总体进展顺利。  \r\n各项任务有序推进。\r\n",
            Some(0),
            at(11),
        )
        .await
        .expect("no-op");
    assert!(
        matches!(again, TextChange::Unchanged(Some(ref t)) if t.revision == 1),
        "{again:?}"
    );
    assert_eq!(audit_count(s).await, audits);
    assert_eq!(s.data_version().await.expect("v"), version);
    // The same text in another mode is a change.
    let mode = s
        .set_report_text(
            &office(),
            2023,
            "overall",
            ReportTextMode::Append,
            "总体进展顺利。\n各项任务有序推进。",
            None,
            at(12),
        )
        .await
        .expect("mode");
    assert!(matches!(mode, TextChange::Changed(ref t) if t.revision == 2));
    assert_eq!(audit_count(s).await, audits + 1);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_the_same_text_again_is_a_no_op_without_an_audit_row,
    pg_the_same_text_again_is_a_no_op_without_an_audit_row,
    the_same_text_again_is_a_no_op_without_an_audit_row
);

async fn bad_input_and_stale_revisions_change_nothing(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let s = &ctx.store;
    s.set_report_text(
        &office(),
        2023,
        "problems",
        ReportTextMode::Replace,
        "原有文字。",
        None,
        at(10),
    )
    .await
    .expect("set");
    let dump = s.export_json().await.expect("export").0;
    let refusals: Vec<(StoreError, &str)> = vec![
        (
            s.set_report_text(
                &office(),
                2023,
                "problems",
                ReportTextMode::Replace,
                " \r\n\t",
                None,
                at(11),
            )
            .await
            .expect_err("empty"),
            "清除",
        ),
        (
            s.set_report_text(
                &office(),
                2023,
                "summary",
                ReportTextMode::Replace,
                "文字",
                None,
                at(11),
            )
            .await
            .expect_err("unknown section"),
            "countermeasures",
        ),
        (
            s.set_report_text(
                &office(),
                2030,
                "problems",
                ReportTextMode::Replace,
                "文字",
                None,
                at(11),
            )
            .await
            .expect_err("year outside the plan"),
            "不在计划期",
        ),
        (
            s.set_report_text(
                &office(),
                2023,
                "problems",
                ReportTextMode::Replace,
                &"长".repeat(planwatch_store::MAX_REPORT_TEXT_CHARS + 1),
                None,
                at(11),
            )
            .await
            .expect_err("too long"),
            "上限",
        ),
        (
            s.set_report_text(
                &office(),
                2023,
                "problems",
                ReportTextMode::Replace,
                "别人没看到的新文字。",
                Some(0),
                at(11),
            )
            .await
            .expect_err("stale"),
            "已被 office 修改",
        ),
        (
            s.clear_report_text(&office(), 2023, "problems", Some(7), at(11))
                .await
                .expect_err("stale clear"),
            "第 1 版",
        ),
    ];
    for (e, needle) in &refusals {
        assert!(e.to_string().contains(needle), "{e} lacks {needle}");
    }
    assert!(matches!(refusals[4].0, StoreError::Conflict(_)));
    assert_eq!(s.export_json().await.expect("export").0, dump);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_bad_input_and_stale_revisions_change_nothing,
    pg_bad_input_and_stale_revisions_change_nothing,
    bad_input_and_stale_revisions_change_nothing
);

async fn clearing_brings_the_draft_back_and_keeps_the_revision_moving(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let s = &ctx.store;
    let nothing = s
        .clear_report_text(&office(), 2023, "experience", None, at(9))
        .await
        .expect("clear nothing");
    assert_eq!(nothing, TextChange::Unchanged(None));
    s.set_report_text(
        &office(),
        2023,
        "experience",
        ReportTextMode::Append,
        "建立了周调度机制。",
        None,
        at(10),
    )
    .await
    .expect("set");
    let cleared = s
        .clear_report_text(&office(), 2023, "experience", Some(1), at(11))
        .await
        .expect("clear");
    let TextChange::Changed(t) = cleared else {
        panic!("a clear of a text is a change");
    };
    assert_eq!((t.current, t.revision), (None, 2));
    let rows = s
        .audit_entries(&audit_of("2023/experience"))
        .await
        .expect("a");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].action, "report_text.clear");
    assert!(rows[1].before.as_deref().expect("b").contains("周调度"));
    assert!(
        rows[1]
            .after
            .as_deref()
            .expect("a")
            .contains("\"text\":null")
    );
    // Clearing again changes nothing and writes no row.
    let audits = audit_count(s).await;
    let again = s
        .clear_report_text(&office(), 2023, "experience", None, at(12))
        .await
        .expect("again");
    assert!(matches!(again, TextChange::Unchanged(Some(_))));
    assert_eq!(audit_count(s).await, audits);
    // A form rendered when the text was at revision 1 cannot write over the cleared state.
    let stale = s
        .set_report_text(
            &office(),
            2023,
            "experience",
            ReportTextMode::Append,
            "旧页面上的修改。",
            Some(1),
            at(13),
        )
        .await
        .expect_err("stale after clear");
    assert!(matches!(stale, StoreError::Conflict(_)));
    // A fresh text after a clear is revision 3.
    let fresh = s
        .set_report_text(
            &office(),
            2023,
            "experience",
            ReportTextMode::Append,
            "新文字。",
            Some(2),
            at(14),
        )
        .await
        .expect("fresh");
    assert!(matches!(fresh, TextChange::Changed(ref t) if t.revision == 3));
    // The store survives a reopen with the text.
    let ctx = ctx.reopen().await;
    let texts = ctx.store.report_texts(2023).await.expect("texts");
    assert_eq!(
        texts[0].current,
        Some((ReportTextMode::Append, "新文字。".to_string()))
    );
    ctx.finish().await;
}
on_both_backends!(
    sqlite_clearing_brings_the_draft_back_and_keeps_the_revision_moving,
    pg_clearing_brings_the_draft_back_and_keeps_the_revision_moving,
    clearing_brings_the_draft_back_and_keeps_the_revision_moving
);

#[tokio::test]
async fn a_store_without_a_plan_has_no_texts_to_keep() {
    let ctx = Ctx::sqlite().await;
    let e = ctx
        .store
        .set_report_text(
            &office(),
            2023,
            "problems",
            ReportTextMode::Replace,
            "文字",
            None,
            at(1),
        )
        .await
        .expect_err("no plan");
    assert!(matches!(e, StoreError::NoPlan));
    assert_eq!(normalise_text("a\r\nb"), "a\nb");
    ctx.finish().await;
}

/// (the text's revision, the number of its audit rows) in one consistent snapshot (the export).
fn revision_and_audit_rows(dump: &str) -> (i64, usize) {
    let doc: serde_json::Value = serde_json::from_str(dump).expect("a dump is JSON");
    let revision = doc["tables"]["report_texts"]["rows"]
        .as_array()
        .and_then(|rows| rows.first())
        .map_or(0, |row| row[5].as_i64().expect("revision"));
    let audits = doc["tables"]["audit_log"]["rows"]
        .as_array()
        .expect("audit rows")
        .iter()
        .filter(|row| row[4] == "report_text")
        .count();
    (revision, audits)
}

async fn no_reader_ever_sees_a_text_without_its_audit_row(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let Ctx {
        store,
        location,
        db,
    } = ctx;
    let store = std::sync::Arc::new(store);
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            for k in 0..40 {
                let text = format!("第{k}稿");
                if k % 5 == 4 {
                    store
                        .clear_report_text(&office(), 2023, "problems", None, at(k))
                        .await
                        .expect("clear");
                } else {
                    store
                        .set_report_text(
                            &office(),
                            2023,
                            "problems",
                            ReportTextMode::Replace,
                            &text,
                            None,
                            at(k),
                        )
                        .await
                        .expect("set");
                }
            }
        })
    };
    // Read whole snapshots while the writer runs (and once after): in each, the text's revision
    // equals the number of its audit rows.
    loop {
        let done = writer.is_finished();
        let dump = store.export_json().await.expect("export").0;
        let (revision, audits) = revision_and_audit_rows(&dump);
        assert_eq!(
            usize::try_from(revision).expect("positive"),
            audits,
            "every change and its audit row commit together"
        );
        if done {
            assert_eq!((revision, audits), (40, 40));
            break;
        }
    }
    writer.await.expect("writer");
    let store = std::sync::Arc::try_unwrap(store).expect("the writer has finished");
    Ctx {
        store,
        location,
        db,
    }
    .finish()
    .await;
}
on_both_backends!(
    sqlite_no_reader_ever_sees_a_text_without_its_audit_row,
    pg_no_reader_ever_sees_a_text_without_its_audit_row,
    no_reader_ever_sees_a_text_without_its_audit_row
);

/// A quarterly bulletin's texts (migration 0009) are kept beside the annual report's, under the
/// quarter's year and `q<N>.<section>`: audited alike, carried by the export, and a section that
/// is neither the report's nor a bulletin's is refused without writing anything.
async fn a_bulletin_text_is_kept_beside_the_annual_reports(ctx: Ctx) {
    let ctx = ctx.with_yangquan().await;
    let s = &ctx.store;
    let key = planwatch_store::bulletin_section(3, "requirements");
    assert_eq!(key, "q3.requirements");
    let r = s
        .set_report_text(
            &office(),
            2024,
            &key,
            ReportTextMode::Append,
            "请各单位于10月10日前报送。",
            Some(0),
            at(10),
        )
        .await
        .expect("set");
    assert!(matches!(r, TextChange::Changed(_)), "{r:?}");
    s.set_report_text(
        &office(),
        2024,
        "problems",
        ReportTextMode::Replace,
        "年度报告的问题。",
        Some(0),
        at(11),
    )
    .await
    .expect("the annual report's");
    let texts = s.report_texts(2024).await.expect("texts");
    assert_eq!(texts.len(), 2);
    assert!(texts.iter().any(|t| t.section == "q3.requirements"
        && t.current == Some((ReportTextMode::Append, "请各单位于10月10日前报送。".into()))));
    let rows = s
        .audit_entries(&audit_of("2024/q3.requirements"))
        .await
        .expect("audit");
    assert_eq!(rows.len(), 1);
    for bad in ["q5.requirements", "q3.problems", "q3.", "bulletin"] {
        let before = audit_count(s).await;
        let e = s
            .set_report_text(
                &office(),
                2024,
                bad,
                ReportTextMode::Replace,
                "x",
                None,
                at(12),
            )
            .await
            .expect_err(bad);
        assert!(matches!(e, StoreError::InvalidInput(_)), "{bad}: {e}");
        assert_eq!(audit_count(s).await, before, "{bad}: nothing written");
    }
    // Export and import carry the bulletin's text.
    let (dump, _) = s.export_json().await.expect("export");
    assert!(dump.contains("q3.requirements"));
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_bulletin_text_is_kept_beside_the_annual_reports,
    pg_a_bulletin_text_is_kept_beside_the_annual_reports,
    a_bulletin_text_is_kept_beside_the_annual_reports
);
