//! Quarterly reporting in the store, on both backends: the setup, reports with their versions and
//! history, concurrent submissions, accepted values, period actions, values import and the
//! breakdown — each change audited, each refusal changing nothing.

mod common;

use chrono::{DateTime, Utc};
use common::{Ctx, at, office};
use planwatch_model::{Quarter, ReportState, Role};
use planwatch_quarterly::ReportingSettings;
use planwatch_quarterly::breakdown::{ItemKind, ItemOrigin};
use planwatch_quarterly::content::{IndicatorRow, ReportContent, TaskRow};
use planwatch_quarterly::period::cst_from_utc;
use planwatch_quarterly::scope::{ScopeInputs, UnitGroups};
use planwatch_quarterly::values::{BaselineRecord, ValueRecord, ValuesImport};
use planwatch_quarterly::workflow::{self, Action, ReportRecord, WorkflowError, WorkflowEvent};
use planwatch_quarterly::xlsx::breakdown::BreakdownImport;
use planwatch_store::{AuditFilter, PeriodChange, ReportingSetup, Store, StoreError};
use std::sync::Arc;

const UNIT: &str = "市科技局";

fn q(s: &str) -> Quarter {
    Quarter::parse(s).expect("quarter")
}

fn setup() -> ReportingSetup {
    common::gold_setup()
}

async fn prepared(ctx: Ctx) -> Ctx {
    let ctx = ctx.with_yangquan().await;
    ctx.store
        .ensure_reporting(&office(), &setup(), at(2))
        .await
        .expect("setup");
    ctx
}

/// A complete report of 市科技局 for `period` with every indicator at `value`.
async fn content(store: &Store, period: Quarter, value: f64) -> ReportContent {
    let plan = store.plan(None).await.expect("plan");
    let catalogue = store.catalogue().await.expect("catalogue");
    let breakdown = store.breakdown().await.expect("breakdown");
    let org = store.org_view().await.expect("org");
    let groups = UnitGroups(org.groups.into_iter().collect());
    let settings = ReportingSettings::default();
    let inputs = ScopeInputs {
        plan: &plan,
        catalogue: &catalogue,
        breakdown: &breakdown,
        groups: &groups,
        settings: &settings,
    };
    let scope = inputs.scope(&planwatch_model::UnitName::from(UNIT), period);
    let mut c = ReportContent::new(UNIT, period);
    c.filled_by = "张三".into();
    c.phone = "0353-1234567".into();
    for r in &scope.rows {
        c.tasks.push(TaskRow {
            key: Some(r.key.clone()),
            progress: format!("{} 推进顺利", r.key.encode()),
            status: r
                .role
                .owns_status()
                .then_some(planwatch_model::TaskStatus::OnSchedule),
            share_complete: r.role.owns_status().then_some(60.0),
            evidence: vec!["纪要.pdf".into()],
            ..Default::default()
        });
    }
    for d in &scope.indicators {
        c.indicators.push(IndicatorRow {
            code: d.code.clone(),
            value: Some(value),
            source: "台账".into(),
            note: String::new(),
        });
    }
    c
}

fn actor(role: Role) -> workflow::Actor {
    workflow::Actor {
        user: format!("{role}"),
        role,
        unit: role.is_unit_bound().then(|| UNIT.into()),
    }
}

/// Applies actions in order starting from `rec`; returns the steps.
fn steps(
    rec: Option<&ReportRecord>,
    actions: &[(Action, Role)],
    now: DateTime<Utc>,
) -> Vec<(ReportRecord, WorkflowEvent)> {
    let mut cur = rec.cloned();
    let mut out = Vec::new();
    for (a, role) in actions {
        let v = cur.as_ref().map_or(0, |r| r.version);
        let (next, ev) =
            workflow::apply(cur.as_ref(), UNIT, a, &actor(*role), v, cst_from_utc(now))
                .expect("allowed");
        cur = Some(next.clone());
        out.push((next, ev));
    }
    out
}

fn submit_steps(now: DateTime<Utc>) -> Vec<(ReportRecord, WorkflowEvent)> {
    steps(
        None,
        &[
            (Action::Edit, Role::Reporter),
            (Action::Approve, Role::UnitHead),
            (Action::Submit, Role::UnitHead),
        ],
        now,
    )
}

async fn the_setup_is_created_once(ctx: Ctx) {
    let ctx = prepared(ctx).await;
    let again = ctx
        .store
        .ensure_reporting(&office(), &setup(), at(3))
        .await
        .expect("again");
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(ctx.store.catalogue().await.expect("c").indicators.len(), 47);
    assert_eq!(ctx.store.reporting_periods().await.expect("p").len(), 12);
    assert_eq!(
        ctx.store.breakdown().await.expect("b").items,
        setup().breakdown.items
    );
    ctx.finish().await;
}
on_both_backends!(
    sqlite_the_setup_is_created_once,
    pg_the_setup_is_created_once,
    the_setup_is_created_once
);

async fn a_submitted_report_reads_back_equal_with_its_history_and_audit(ctx: Ctx) {
    let ctx = prepared(ctx).await;
    let c = content(&ctx.store, q("2023Q3"), 12.0).await;
    let rec = ctx
        .store
        .save_report(
            &office(),
            UNIT,
            q("2023Q3"),
            0,
            Some(&c),
            &submit_steps(at(10)),
            at(10),
        )
        .await
        .expect("saved");
    assert_eq!((rec.state, rec.version), (ReportState::Submitted, 3));
    let back = ctx
        .store
        .report(&planwatch_model::UnitName::from(UNIT), q("2023Q3"))
        .await
        .expect("read")
        .expect("there");
    assert_eq!(*back.content, c);
    assert_eq!(back.content_hash, c.content_hash());
    assert_eq!(back.record, rec);
    assert_eq!(back.events.len(), 3);
    assert_eq!(back.events[2].to, ReportState::Submitted);
    // What writers read: the same report without its history.
    let current = ctx
        .store
        .report_current(&planwatch_model::UnitName::from(UNIT), q("2023Q3"))
        .await
        .expect("read")
        .expect("there");
    assert_eq!(
        (&current.content, &current.record, &current.content_hash),
        (&back.content, &back.record, &back.content_hash)
    );
    assert!(current.events.is_empty());
    let audit = ctx
        .store
        .audit_entries(&AuditFilter {
            entity: Some("report".into()),
            ..Default::default()
        })
        .await
        .expect("audit");
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["report.edit", "report.approve", "report.submit"]);
    assert!(
        audit[0]
            .after
            .as_deref()
            .is_some_and(|a| a.contains("山西智创城") || a.contains("T:13"))
    );
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_submitted_report_reads_back_equal_with_its_history_and_audit,
    pg_a_submitted_report_reads_back_equal_with_its_history_and_audit,
    a_submitted_report_reads_back_equal_with_its_history_and_audit
);

async fn a_stale_version_changes_nothing(ctx: Ctx) {
    let ctx = prepared(ctx).await;
    let c = content(&ctx.store, q("2023Q3"), 12.0).await;
    let first = steps(None, &[(Action::Edit, Role::Reporter)], at(10));
    ctx.store
        .save_report(&office(), UNIT, q("2023Q3"), 0, Some(&c), &first, at(10))
        .await
        .expect("first");
    let e = ctx
        .store
        .save_report(&office(), UNIT, q("2023Q3"), 0, Some(&c), &first, at(11))
        .await
        .expect_err("stale");
    assert!(
        matches!(
            e,
            StoreError::Workflow(WorkflowError::VersionConflict {
                expected: 0,
                actual: 1
            })
        ),
        "{e}"
    );
    let back = ctx
        .store
        .report(&planwatch_model::UnitName::from(UNIT), q("2023Q3"))
        .await
        .expect("r")
        .expect("there");
    assert_eq!(back.record.version, 1);
    assert_eq!(back.events.len(), 1);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_stale_version_changes_nothing,
    pg_a_stale_version_changes_nothing,
    a_stale_version_changes_nothing
);

async fn of_two_concurrent_submissions_exactly_one_wins(ctx: Ctx) {
    let Ctx {
        store,
        location,
        db,
    } = prepared(ctx).await;
    let store = Arc::new(store);
    let a = content(&store, q("2023Q3"), 12.0).await;
    let mut b = a.clone();
    b.indicators[0].value = Some(13.0);
    let mut handles = Vec::new();
    for (i, c) in [a, b].into_iter().enumerate() {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            let now = at(20 + i64::try_from(i).expect("small"));
            store
                .save_report(
                    &office(),
                    UNIT,
                    q("2023Q3"),
                    0,
                    Some(&c),
                    &submit_steps(now),
                    now,
                )
                .await
        }));
    }
    let results = join_all(handles).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(results.iter().all(|r| match r {
        Ok(_) => true,
        Err(e) => matches!(
            e,
            StoreError::Workflow(WorkflowError::VersionConflict { .. })
        ),
    }));
    let back = store
        .report(&planwatch_model::UnitName::from(UNIT), q("2023Q3"))
        .await
        .expect("r")
        .expect("there");
    assert_eq!((back.record.version, back.events.len()), (3, 3));

    // Two office users reviewing version 3 at the same moment: one decision is kept.
    let mut handles = Vec::new();
    for action in [
        Action::Accept,
        Action::Return {
            comment: "补充材料".into(),
        },
    ] {
        let store = store.clone();
        let rec = back.record.clone();
        handles.push(tokio::spawn(async move {
            let s = steps(Some(&rec), &[(action, Role::Office)], at(30));
            store
                .save_report(&office(), UNIT, q("2023Q3"), 3, None, &s, at(30))
                .await
        }));
    }
    let results = join_all(handles).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    let back = store
        .report(&planwatch_model::UnitName::from(UNIT), q("2023Q3"))
        .await
        .expect("r")
        .expect("there");
    assert_eq!((back.record.version, back.events.len()), (4, 4));
    let store = Arc::try_unwrap(store).expect("every task has finished");
    Ctx {
        store,
        location,
        db,
    }
    .finish()
    .await;
}
on_both_backends!(
    sqlite_of_two_concurrent_submissions_exactly_one_wins,
    pg_of_two_concurrent_submissions_exactly_one_wins,
    of_two_concurrent_submissions_exactly_one_wins
);

async fn join_all<T>(handles: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("the task ran to its end"));
    }
    out
}

async fn accepting_publishes_the_values_and_returning_does_not(ctx: Ctx) {
    let ctx = prepared(ctx).await;
    let c = content(&ctx.store, q("2023Q3"), 12.0).await;
    let rec = ctx
        .store
        .save_report(
            &office(),
            UNIT,
            q("2023Q3"),
            0,
            Some(&c),
            &submit_steps(at(10)),
            at(10),
        )
        .await
        .expect("saved");
    let returned = steps(
        Some(&rec),
        &[(
            Action::Return {
                comment: "补充数据来源".into(),
            },
            Role::Office,
        )],
        at(11),
    );
    let rec = ctx
        .store
        .save_report(&office(), UNIT, q("2023Q3"), 3, None, &returned, at(11))
        .await
        .expect("returned");
    assert_eq!(rec.comment.as_deref(), Some("补充数据来源"));
    assert!(ctx.store.indicator_history().await.expect("h").is_empty());
    let again = steps(
        Some(&rec),
        &[
            (Action::Edit, Role::Reporter),
            (Action::Approve, Role::UnitHead),
            (Action::Submit, Role::Reporter),
            (Action::Accept, Role::Office),
        ],
        at(12),
    );
    let rec = ctx
        .store
        .save_report(&office(), UNIT, q("2023Q3"), 4, Some(&c), &again, at(12))
        .await
        .expect("accepted");
    assert_eq!(
        (rec.state, rec.version, rec.submissions),
        (ReportState::Accepted, 8, 2)
    );
    let history = ctx.store.indicator_history().await.expect("h");
    assert_eq!(history["hightech-enterprises"], [(q("2023Q3"), 12.0)]);
    assert_eq!(history.len(), c.indicators.len());
    ctx.finish().await;
}
on_both_backends!(
    sqlite_accepting_publishes_the_values_and_returning_does_not,
    pg_accepting_publishes_the_values_and_returning_does_not,
    accepting_publishes_the_values_and_returning_does_not
);

async fn a_report_with_an_unknown_indicator_is_refused_and_leaves_nothing(ctx: Ctx) {
    let ctx = prepared(ctx).await;
    let mut c = content(&ctx.store, q("2023Q3"), 12.0).await;
    c.indicators[0].code = "no-such-indicator".into();
    let before = ctx
        .store
        .audit_entries(&AuditFilter::default())
        .await
        .expect("a")
        .len();
    let e = ctx
        .store
        .save_report(
            &office(),
            UNIT,
            q("2023Q3"),
            0,
            Some(&c),
            &submit_steps(at(10)),
            at(10),
        )
        .await
        .expect_err("unknown indicator");
    assert!(e.to_string().contains("no-such-indicator"), "{e}");
    assert!(
        ctx.store
            .report(&planwatch_model::UnitName::from(UNIT), q("2023Q3"))
            .await
            .expect("r")
            .is_none()
    );
    let after = ctx
        .store
        .audit_entries(&AuditFilter::default())
        .await
        .expect("a")
        .len();
    assert_eq!(before, after);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_report_with_an_unknown_indicator_is_refused_and_leaves_nothing,
    pg_a_report_with_an_unknown_indicator_is_refused_and_leaves_nothing,
    a_report_with_an_unknown_indicator_is_refused_and_leaves_nothing
);

async fn period_actions_are_checked_kept_and_audited(ctx: Ctx) {
    let ctx = prepared(ctx).await;
    let office = office();
    ctx.store
        .change_period(&office, q("2023Q3"), &PeriodChange::Lock, at(60 * 24 * 30))
        .await
        .expect("lock");
    let e = ctx
        .store
        .change_period(
            &office,
            q("2023Q3"),
            &PeriodChange::Lock,
            at(60 * 24 * 30 + 1),
        )
        .await
        .expect_err("twice");
    assert!(e.to_string().contains("已处于锁定状态"), "{e}");
    let reopen = PeriodChange::Reopen {
        reason: "更正统计口径".into(),
        until: None,
    };
    ctx.store
        .change_period(&office, q("2023Q3"), &reopen, at(60 * 24 * 31))
        .await
        .expect("reopen");
    let until = chrono::NaiveDate::from_ymd_opt(2023, 11, 20).expect("date");
    let extend = PeriodChange::Extend {
        unit: UNIT.into(),
        until,
        reason: "等待统计局核定".into(),
    };
    ctx.store
        .change_period(&office, q("2023Q3"), &extend, at(60 * 24 * 31 + 1))
        .await
        .expect("extend");
    let p = ctx
        .store
        .reporting_periods()
        .await
        .expect("p")
        .into_iter()
        .find(|p| p.quarter == q("2023Q3"))
        .expect("2023Q3");
    assert_eq!(p.events.len(), 2);
    assert_eq!(
        p.deadline_for(&planwatch_model::UnitName::from(UNIT)),
        until
    );
    assert!(!p.is_locked_at(cst_from_utc(at(60 * 24 * 32))));
    let audit = ctx
        .store
        .audit_entries(&AuditFilter {
            entity: Some("reporting_period".into()),
            entity_id: Some("2023Q3".into()),
            ..Default::default()
        })
        .await
        .expect("audit");
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["period.lock", "period.reopen", "period.extend"]);
    ctx.finish().await;
}
on_both_backends!(
    sqlite_period_actions_are_checked_kept_and_audited,
    pg_period_actions_are_checked_kept_and_audited,
    period_actions_are_checked_kept_and_audited
);

async fn importing_the_same_values_twice_changes_nothing_the_second_time(ctx: Ctx) {
    let ctx = prepared(ctx).await;
    let import = ValuesImport {
        values: vec![ValueRecord {
            code: "hightech-enterprises".into(),
            period: q("2022Q4"),
            value: 128.0,
            source: "统计公报".into(),
            note: String::new(),
        }],
        baselines: vec![BaselineRecord {
            code: "hightech-enterprises".into(),
            baseline: planwatch_model::Baseline {
                year: 2021,
                value: 113.0,
                source: "统计公报".into(),
            },
        }],
    };
    let a = ctx
        .store
        .import_values(&office(), &import, false, "v.csv", at(5))
        .await
        .expect("a");
    assert_eq!((a.values_added, a.baselines_set), (1, 1));
    let n = ctx
        .store
        .audit_entries(&AuditFilter::default())
        .await
        .expect("a")
        .len();
    let b = ctx
        .store
        .import_values(&office(), &import, false, "v.csv", at(6))
        .await
        .expect("b");
    assert_eq!(
        (
            b.values_added,
            b.values_changed,
            b.baselines_set,
            b.unchanged
        ),
        (0, 0, 0, 2)
    );
    assert_eq!(
        ctx.store
            .audit_entries(&AuditFilter::default())
            .await
            .expect("a")
            .len(),
        n
    );
    let cat = ctx.store.catalogue().await.expect("c");
    assert_eq!(
        cat.by_code("hightech-enterprises")
            .and_then(|d| d.baseline.as_ref())
            .map(|b| b.value),
        Some(113.0)
    );
    ctx.finish().await;
}
on_both_backends!(
    sqlite_importing_the_same_values_twice_changes_nothing_the_second_time,
    pg_importing_the_same_values_twice_changes_nothing_the_second_time,
    importing_the_same_values_twice_changes_nothing_the_second_time
);

async fn breakdown_changes_are_kept_and_audited_per_item(ctx: Ctx) {
    let ctx = prepared(ctx).await;
    let mut b = ctx.store.breakdown().await.expect("b");
    let mut changed = b.get("2023-T02-P01").expect("seeded").clone();
    changed.note = "已列入省重点工程".into();
    let mut added = changed.clone();
    added.id = b.next_id(2023, 13, ItemKind::Project);
    added.task = 13;
    added.title = "智创城NO.7二期孵化楼改造".into();
    added.origin = ItemOrigin::Added;
    let changes = BreakdownImport {
        updated: vec![changed.clone()],
        added: vec![added.clone()],
        unchanged: 0,
    };
    ctx.store
        .apply_breakdown(&office(), &changes, at(7))
        .await
        .expect("apply");
    changes.apply(&mut b);
    assert_eq!(ctx.store.breakdown().await.expect("b"), b);
    let audit = ctx
        .store
        .audit_entries(&AuditFilter {
            entity: Some("breakdown_item".into()),
            ..Default::default()
        })
        .await
        .expect("audit");
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        ["breakdown.seed", "breakdown.update", "breakdown.add"]
    );
    ctx.finish().await;
}
on_both_backends!(
    sqlite_breakdown_changes_are_kept_and_audited_per_item,
    pg_breakdown_changes_are_kept_and_audited_per_item,
    breakdown_changes_are_kept_and_audited_per_item
);

async fn successive_drafts_are_saved_as_versions_in_one_transaction(ctx: Ctx) {
    let ctx = prepared(ctx).await;
    let first = content(&ctx.store, q("2023Q3"), 12.0).await;
    let second = content(&ctx.store, q("2023Q3"), 12.5).await;
    let edit1 = steps(None, &[(Action::Edit, Role::Reporter)], at(10));
    let edit2 = steps(Some(&edit1[0].0), &[(Action::Edit, Role::Reporter)], at(10));
    let audit_before = ctx
        .store
        .audit_entries(&AuditFilter {
            entity: Some("report".into()),
            ..Default::default()
        })
        .await
        .expect("audit")
        .len();
    let recs = ctx
        .store
        .save_report_rounds(
            &office(),
            UNIT,
            q("2023Q3"),
            0,
            &[(first, edit1.clone()), (second.clone(), edit2.clone())],
            at(10),
        )
        .await
        .expect("saved");
    assert_eq!(
        recs.iter().map(|r| r.version).collect::<Vec<_>>(),
        [1, 2],
        "one version per round"
    );
    let back = ctx
        .store
        .report(&planwatch_model::UnitName::from(UNIT), q("2023Q3"))
        .await
        .expect("r")
        .expect("there");
    assert_eq!(*back.content, second, "the last round is what stands");
    assert_eq!(back.events.len(), 2);
    let audit_after = ctx
        .store
        .audit_entries(&AuditFilter {
            entity: Some("report".into()),
            ..Default::default()
        })
        .await
        .expect("audit")
        .len();
    assert_eq!(audit_after - audit_before, 2, "an audit row per round");
    // Computed from a version that is no longer current: nothing of it is saved.
    let third = content(&ctx.store, q("2023Q3"), 13.0).await;
    let e = ctx
        .store
        .save_report_rounds(&office(), UNIT, q("2023Q3"), 0, &[(third, edit1)], at(11))
        .await
        .expect_err("stale");
    assert!(matches!(e, StoreError::Workflow(_)), "{e}");
    let back = ctx
        .store
        .report(&planwatch_model::UnitName::from(UNIT), q("2023Q3"))
        .await
        .expect("r")
        .expect("there");
    assert_eq!((back.record.version, &*back.content), (2, &second));
    ctx.finish().await;
}
on_both_backends!(
    sqlite_successive_drafts_are_saved_as_versions_in_one_transaction,
    pg_successive_drafts_are_saved_as_versions_in_one_transaction,
    successive_drafts_are_saved_as_versions_in_one_transaction
);

async fn a_report_read_after_a_kept_copy_equals_a_whole_read(ctx: Ctx) {
    let ctx = prepared(ctx).await;
    let unit = planwatch_model::UnitName::from(UNIT);
    let first = content(&ctx.store, q("2023Q3"), 12.0).await;
    let all = submit_steps(at(10));
    ctx.store
        .save_report(
            &office(),
            UNIT,
            q("2023Q3"),
            0,
            Some(&first),
            &all[..1],
            at(10),
        )
        .await
        .expect("the draft");
    let kept = ctx
        .store
        .report(&unit, q("2023Q3"))
        .await
        .expect("read")
        .expect("there");
    assert_eq!(kept.events.len(), 1);
    // Approved and submitted with new content since the copy was kept.
    let second = content(&ctx.store, q("2023Q3"), 14.0).await;
    ctx.store
        .save_report(
            &office(),
            UNIT,
            q("2023Q3"),
            1,
            Some(&second),
            &all[1..],
            at(11),
        )
        .await
        .expect("submitted");
    let whole = ctx
        .store
        .report(&unit, q("2023Q3"))
        .await
        .expect("read")
        .expect("there");
    let after = ctx
        .store
        .report_after(&kept)
        .await
        .expect("read")
        .expect("there");
    assert_eq!(
        after, whole,
        "only the new events read, the kept ones before them"
    );
    assert_eq!(after.events.len(), 3);
    assert_eq!(*after.content, second);
    // Nothing new: the same.
    let again = ctx.store.report_after(&whole).await.expect("read");
    assert_eq!(again.as_ref(), Some(&whole));
    // A copy of another report by that name (another id) is not trusted: read whole.
    let mut other = kept.clone();
    other.id = -7;
    let read = ctx.store.report_after(&other).await.expect("read");
    assert_eq!(read.as_ref(), Some(&whole));
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_report_read_after_a_kept_copy_equals_a_whole_read,
    pg_a_report_read_after_a_kept_copy_equals_a_whole_read,
    a_report_read_after_a_kept_copy_equals_a_whole_read
);

async fn a_save_writes_only_the_rows_that_changed_and_reads_back_as_saved(ctx: Ctx) {
    let ctx = prepared(ctx).await;
    let unit = planwatch_model::UnitName::from(UNIT);
    let base = content(&ctx.store, q("2023Q3"), 12.0).await;
    assert!(base.indicators.len() >= 2 && !base.tasks.is_empty());
    // One value changed (as a data platform posts it), then a task row, then a row fewer, then
    // back to the start, then a value taken out: each save reads back as it was saved.
    let mut one = base.clone();
    one.indicators[1].value = Some(99.5);
    one.indicators[1].note = "更正".into();
    let mut task = one.clone();
    task.tasks[0].progress = "改写的进展".into();
    let mut fewer = task.clone();
    fewer.indicators.remove(0);
    let mut cleared = base.clone();
    cleared.indicators[0].value = None;
    cleared.indicators[0].source = String::new();
    let mut rec: Option<ReportRecord> = None;
    for (n, c) in [&base, &one, &task, &fewer, &base, &cleared, &cleared]
        .into_iter()
        .enumerate()
    {
        let s = steps(rec.as_ref(), &[(Action::Edit, Role::Reporter)], at(10));
        let v = rec.as_ref().map_or(0, |r| r.version);
        let saved = ctx
            .store
            .save_report(&office(), UNIT, q("2023Q3"), v, Some(c), &s, at(10))
            .await
            .expect("saved");
        let back = ctx
            .store
            .report(&unit, q("2023Q3"))
            .await
            .expect("read")
            .expect("there");
        assert_eq!(&*back.content, c, "save {n}");
        assert_eq!(back.record.version, saved.version);
        rec = Some(saved);
    }
    let problems = ctx.store.check_integrity().await.expect("integrity");
    assert!(problems.is_empty(), "{problems:?}");
    ctx.finish().await;
}
on_both_backends!(
    sqlite_a_save_writes_only_the_rows_that_changed_and_reads_back_as_saved,
    pg_a_save_writes_only_the_rows_that_changed_and_reads_back_as_saved,
    a_save_writes_only_the_rows_that_changed_and_reads_back_as_saved
);
