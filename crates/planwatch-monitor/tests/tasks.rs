//! Task and milestone statuses: every status word, the lights, and the overdue list.

mod common;

use common::{d, q};
use planwatch_monitor::measure::Light;
use planwatch_monitor::rules::ScheduleRules;
use planwatch_monitor::task::{
    MilestoneInput, MilestoneStatus, MilestoneUpdate, TaskInput, TaskReport, TaskStatus,
    assess_milestone, assess_task, overdue_milestones,
};

fn report(period: &str, unit: &str, pct: Option<f64>) -> TaskReport {
    TaskReport {
        period: q(period),
        unit: unit.into(),
        percent_complete: pct,
        started: pct.is_some(),
        completed: false,
        source: None,
    }
}

fn task(reports: Vec<TaskReport>, milestones: Vec<MilestoneInput>) -> TaskInput {
    TaskInput {
        id: "T5".into(),
        number: Some(5),
        title: "建设中试基地".into(),
        task_force: None,
        lead_units: vec!["市科技局".into()],
        participating_units: vec!["市工信局".into()],
        due: None,
        milestones,
        reports,
    }
}

fn milestone(due: &str, updates: Vec<MilestoneUpdate>) -> MilestoneInput {
    MilestoneInput {
        id: "M1".into(),
        text: "建成中试基地".into(),
        start: Some(d("2024-01-01")),
        due: d(due),
        updates,
    }
}

fn update(period: &str, pct: Option<f64>, completed_on: Option<&str>) -> MilestoneUpdate {
    MilestoneUpdate {
        period: q(period),
        percent_complete: pct,
        started: pct.is_some(),
        completed_on: completed_on.map(d),
        source: None,
    }
}

fn status(t: &TaskInput, period: &str, as_of: &str) -> (TaskStatus, Light, String) {
    let a = assess_task(t, q(period), d(as_of), &ScheduleRules::default());
    (a.status, a.light, a.explanation)
}

#[test]
fn a_task_ahead_of_the_quarter_is_ahead() {
    let t = task(vec![report("2024Q2", "市科技局", Some(60.0))], vec![]);
    let (s, l, e) = status(&t, "2024Q2", "2024-07-10");
    assert_eq!((s, l), (TaskStatus::Ahead, Light::Green));
    assert_eq!(
        e,
        "截至2024年第二季度末，年度工作完成60%，序时进度50%，超前10个百分点"
    );
}

#[test]
fn a_task_slightly_behind_is_still_on_schedule() {
    let t = task(vec![report("2024Q2", "市科技局", Some(45.0))], vec![]);
    assert_eq!(status(&t, "2024Q2", "2024-07-10").0, TaskStatus::OnSchedule);
}

#[test]
fn a_task_ten_or_more_points_behind_is_behind_and_yellow() {
    let t = task(vec![report("2024Q2", "市科技局", Some(40.0))], vec![]);
    let (s, l, _) = status(&t, "2024Q2", "2024-07-10");
    assert_eq!((s, l), (TaskStatus::Behind, Light::Yellow));
}

#[test]
fn a_task_far_behind_is_red() {
    let t = task(vec![report("2024Q3", "市科技局", Some(40.0))], vec![]);
    let (s, l, _) = status(&t, "2024Q3", "2024-10-10");
    assert_eq!((s, l), (TaskStatus::Behind, Light::Red));
}

#[test]
fn the_lead_units_reports_decide_over_the_participating_ones() {
    let t = task(
        vec![
            report("2024Q2", "市科技局", Some(50.0)),
            report("2024Q2", "市工信局", Some(10.0)),
        ],
        vec![],
    );
    let a = assess_task(&t, q("2024Q2"), d("2024-07-10"), &ScheduleRules::default());
    assert_eq!(a.percent_complete, Some(50.0));
    assert_eq!(a.evidence_period, Some(q("2024Q2")));
}

#[test]
fn a_task_without_reports_this_year_has_not_started() {
    let t = task(vec![report("2023Q4", "市科技局", Some(100.0))], vec![]);
    let (s, l, e) = status(&t, "2024Q1", "2024-04-10");
    // Not started at Q1 is 25 points behind: yellow; at Q2 it is 50 points: red.
    assert_eq!((s, l), (TaskStatus::NotStarted, Light::Yellow));
    assert_eq!(e, "截至2024年第一季度末，本年度尚无进展，序时进度25%");
    assert_eq!(status(&t, "2024Q2", "2024-07-10").1, Light::Red);
}

#[test]
fn a_completed_years_work_is_complete_and_early_before_q4() {
    let mut r = report("2024Q3", "市科技局", Some(100.0));
    r.completed = true;
    let t = task(vec![r], vec![]);
    let a = assess_task(&t, q("2024Q3"), d("2024-10-10"), &ScheduleRules::default());
    assert_eq!((a.status, a.light), (TaskStatus::Done, Light::Green));
    assert!(a.completed_early);
}

#[test]
fn an_overdue_milestone_makes_the_task_overdue_and_red() {
    let t = task(
        vec![report("2024Q2", "市科技局", Some(80.0))],
        vec![milestone(
            "2024-06-30",
            vec![update("2024Q2", Some(80.0), None)],
        )],
    );
    let (s, l, e) = status(&t, "2024Q2", "2024-07-10");
    assert_eq!((s, l), (TaskStatus::Overdue, Light::Red));
    assert_eq!(e, "节点“建成中试基地”应于2024年6月30日前完成，已逾期10天");
}

#[test]
fn a_past_task_deadline_without_completion_is_overdue() {
    let mut t = task(vec![report("2024Q2", "市科技局", Some(80.0))], vec![]);
    t.due = Some(d("2024-06-30"));
    let (s, _, e) = status(&t, "2024Q2", "2024-07-10");
    assert_eq!(s, TaskStatus::Overdue);
    assert_eq!(e, "任务应于2024年6月30日前完成，尚未完成");
}

#[test]
fn milestone_statuses_follow_dates_and_progress() {
    let rules = ScheduleRules::default();
    let at = |m: &MilestoneInput, as_of: &str| {
        let a = assess_milestone(m, q("2024Q2"), d(as_of), &rules);
        (a.status, a.light)
    };
    // Window 2024-01-01 … 2024-12-31; on 2024-07-01, 182 of 365 days have passed (49.86 %).
    let done = milestone(
        "2024-12-31",
        vec![update("2024Q2", Some(100.0), Some("2024-06-20"))],
    );
    assert_eq!(
        at(&done, "2024-07-01"),
        (MilestoneStatus::Done, Light::Green)
    );
    let on = milestone("2024-12-31", vec![update("2024Q2", Some(45.0), None)]);
    assert_eq!(
        at(&on, "2024-07-01"),
        (MilestoneStatus::OnSchedule, Light::Green)
    );
    let behind = milestone("2024-12-31", vec![update("2024Q2", Some(30.0), None)]);
    assert_eq!(
        at(&behind, "2024-07-01"),
        (MilestoneStatus::Behind, Light::Yellow)
    );
    let idle = milestone("2024-12-31", vec![]);
    assert_eq!(
        at(&idle, "2024-07-01"),
        (MilestoneStatus::NotStarted, Light::Red)
    );
    // 60 of 365 days (16.4 %) with nothing started: yellow.
    assert_eq!(
        at(&idle, "2024-03-01"),
        (MilestoneStatus::NotStarted, Light::Yellow)
    );
    assert_eq!(
        at(&idle, "2024-01-01"),
        (MilestoneStatus::NotStarted, Light::Green)
    );
    let late = milestone("2024-06-30", vec![update("2024Q2", Some(90.0), None)]);
    assert_eq!(
        at(&late, "2024-07-01"),
        (MilestoneStatus::Overdue, Light::Red)
    );
}

#[test]
fn a_milestone_completed_after_its_due_date_is_done_but_late() {
    let m = milestone(
        "2024-03-31",
        vec![update("2024Q2", Some(100.0), Some("2024-05-10"))],
    );
    let a = assess_milestone(&m, q("2024Q2"), d("2024-07-01"), &ScheduleRules::default());
    assert_eq!(a.status, MilestoneStatus::Done);
    assert!(a.completed_late);
}

#[test]
fn updates_after_the_period_are_ignored() {
    let m = milestone(
        "2024-06-30",
        vec![update("2024Q3", Some(100.0), Some("2024-08-01"))],
    );
    let a = assess_milestone(&m, q("2024Q2"), d("2024-07-10"), &ScheduleRules::default());
    assert_eq!(a.status, MilestoneStatus::Overdue);
}

#[test]
fn overdue_milestones_are_listed_most_overdue_first() {
    let rules = ScheduleRules::default();
    let a = assess_task(
        &task(vec![], vec![milestone("2024-06-30", vec![])]),
        q("2024Q2"),
        d("2024-07-10"),
        &rules,
    );
    let mut other = task(vec![], vec![milestone("2024-03-31", vec![])]);
    other.id = "T6".into();
    let b = assess_task(&other, q("2024Q2"), d("2024-07-10"), &rules);
    let list = overdue_milestones(&[a, b]);
    let v: Vec<(&str, i64)> = list
        .iter()
        .map(|o| (o.task_id.as_str(), o.days_overdue))
        .collect();
    assert_eq!(v, [("T6", 101), ("T5", 10)]);
    assert_eq!(list[0].lead_units, ["市科技局"]);
}
