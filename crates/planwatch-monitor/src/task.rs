//! Tasks and milestones (节点): status from the units' progress reports and the milestone dates,
//! with traffic lights; overdue milestones listed.
//!
//! A task's reported percentage is the share of *this year's* work done (年度工作完成进度), so
//! the schedule is q/4 of the year at the end of quarter q, like the indicators' 序时进度.
//! Milestones are judged on dates: expected progress is the share of the days from the
//! milestone's start to its due date that have passed by `as_of`.

use crate::error::InputError;
use crate::measure::Light;
use crate::rules::ScheduleRules;
use crate::schedule::{ScheduleStatus, classify_gap, clean_points, expected_share};
use crate::zh;
use chrono::{Datelike, NaiveDate};
use planwatch_model::{PlanStage, Quarter, TaskId, TaskJudgement};
use serde::{Deserialize, Serialize};

/// A milestone's state as reported in one quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MilestoneUpdate {
    pub period: Quarter,
    #[serde(default)]
    pub percent_complete: Option<f64>,
    #[serde(default)]
    pub started: bool,
    #[serde(default)]
    pub completed_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A dated milestone of a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MilestoneInput {
    pub id: String,
    pub text: String,
    /// When work on it is planned to start; default: 1 January of the due year.
    #[serde(default)]
    pub start: Option<NaiveDate>,
    pub due: NaiveDate,
    #[serde(default)]
    pub updates: Vec<MilestoneUpdate>,
}

/// One unit's quarterly progress report on a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskReport {
    pub period: Quarter,
    pub unit: String,
    /// Share of the year's work done, 0–100.
    #[serde(default)]
    pub percent_complete: Option<f64>,
    #[serde(default)]
    pub started: bool,
    /// The year's work (or the whole task) is complete.
    #[serde(default)]
    pub completed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A task (重点任务) with its units, milestones and reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskInput {
    pub id: TaskId,
    #[serde(default)]
    pub number: Option<u32>,
    pub title: String,
    /// The task force (专班) that owns it.
    #[serde(default)]
    pub task_force: Option<String>,
    #[serde(default)]
    pub lead_units: Vec<String>,
    #[serde(default)]
    pub participating_units: Vec<String>,
    /// Final deadline of the whole task, if any.
    #[serde(default)]
    pub due: Option<NaiveDate>,
    #[serde(default)]
    pub milestones: Vec<MilestoneInput>,
    #[serde(default)]
    pub reports: Vec<TaskReport>,
}

/// A task's and a milestone's status: the model's words.
pub use planwatch_model::vocab::{MilestoneStatus, TaskStatus};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MilestoneAssessment {
    pub id: String,
    pub text: String,
    pub due: NaiveDate,
    pub status: MilestoneStatus,
    pub light: Light,
    pub percent_complete: Option<f64>,
    /// Share of the milestone's time window passed by `as_of`, 0–100.
    pub expected_percent: f64,
    pub completed_on: Option<NaiveDate>,
    pub completed_late: bool,
    pub days_overdue: Option<i64>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskAssessment {
    pub id: TaskId,
    pub number: Option<u32>,
    pub title: String,
    pub task_force: Option<String>,
    pub lead_units: Vec<String>,
    pub participating_units: Vec<String>,
    pub status: TaskStatus,
    pub light: Light,
    /// Reported share of the year's work done (lead units' mean in the latest report).
    pub percent_complete: Option<f64>,
    pub expected_percent: f64,
    pub gap_points: Option<f64>,
    /// The quarter of the reports the status rests on.
    pub evidence_period: Option<Quarter>,
    pub milestones: Vec<MilestoneAssessment>,
    /// The year's work was complete before the fourth quarter.
    pub completed_early: bool,
    pub explanation: String,
    /// The plan's stage at the period: which words the status is said in.
    #[serde(default)]
    pub stage: PlanStage,
    /// The task judged as a whole once the plan's period is over (终期评估), apart from the
    /// year's work; `None` while the plan runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgement: Option<TaskJudgement>,
    /// What the judgement rests on, e.g. 计划期内节点完成9个（共10个），末年工作完成85%.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgement_basis: Option<String>,
}

impl TaskAssessment {
    /// The status word, in the words of the plan's stage (every output says it this way).
    pub fn status_zh(&self) -> &'static str {
        self.status.label_at(self.stage)
    }

    /// The reported share of the year's work as every output writes it (e.g. `62.5%`).
    pub fn percent_zh(&self) -> Option<String> {
        self.percent_complete.map(percent_zh)
    }

    /// The share of the year's work expected by now (序时进度), e.g. `50%`.
    pub fn expected_zh(&self) -> String {
        percent_zh(self.expected_percent)
    }

    /// Whether the task needs pushing — the dashboard's 滞后或逾期任务 while the plan runs (behind
    /// or overdue), its 未完成 once the plan is over (终期评估). The dashboard counts these and
    /// the task list filters by them (`?status=stalled`), so the tile and the list agree.
    pub fn is_stalled(&self) -> bool {
        if self.stage == PlanStage::Closed {
            self.judgement == Some(TaskJudgement::NotCompleted)
        } else {
            matches!(self.status, TaskStatus::Behind | TaskStatus::Overdue)
        }
    }
}

/// A share (0–100) written as the monitor's explanations write it: one decimal at most.
pub fn percent_zh(p: f64) -> String {
    format!("{}%", zh::num(p, 1))
}

/// An overdue milestone, for the list the office chases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverdueMilestone {
    pub task_id: TaskId,
    pub task_title: String,
    pub milestone_id: String,
    pub text: String,
    pub due: NaiveDate,
    pub days_overdue: i64,
    pub lead_units: Vec<String>,
}

fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

impl TaskInput {
    fn place(&self) -> String {
        format!("任务“{}”({})", self.title, self.id)
    }

    pub fn validate(&self) -> Vec<InputError> {
        let mut errs = Vec::new();
        let pct_ok = |p: Option<f64>| p.is_none_or(|p| p.is_finite() && (0.0..=100.0).contains(&p));
        for r in &self.reports {
            if !pct_ok(r.percent_complete) {
                errs.push(InputError::new(
                    format!("{}的{}{}报告", self.place(), r.unit, r.period.label_zh()),
                    "完成进度应在0到100之间",
                ));
            }
        }
        for m in &self.milestones {
            let place = format!("{}的节点“{}”", self.place(), m.text);
            if m.start.is_some_and(|s| s > m.due) {
                errs.push(InputError::new(&place, "开始日期晚于完成时限"));
            }
            if m.updates.iter().any(|u| !pct_ok(u.percent_complete)) {
                errs.push(InputError::new(&place, "完成进度应在0到100之间"));
            }
        }
        errs
    }
}

/// Assesses one milestone at `as_of`, from its latest update up to `period`.
pub fn assess_milestone(
    m: &MilestoneInput,
    period: Quarter,
    as_of: NaiveDate,
    rules: &ScheduleRules,
) -> MilestoneAssessment {
    let latest = m
        .updates
        .iter()
        .filter(|u| u.period <= period)
        .max_by_key(|u| u.period);
    let completed_on = latest.and_then(|u| u.completed_on).filter(|d| *d <= as_of);
    let percent = latest.and_then(|u| u.percent_complete);
    let started = latest.is_some_and(|u| u.started || u.percent_complete.is_some_and(|p| p > 0.0));
    let start = m.start.unwrap_or_else(|| {
        NaiveDate::from_ymd_opt(m.due.year(), 1, 1).expect("1 January exists in every year")
    });
    let window = (m.due - start).num_days().max(1) as f64;
    let passed = (as_of - start).num_days() as f64;
    let expected = clean_points((passed / window).clamp(0.0, 1.0) * 100.0);
    let mut a = MilestoneAssessment {
        id: m.id.clone(),
        text: m.text.clone(),
        due: m.due,
        status: MilestoneStatus::OnSchedule,
        light: Light::Green,
        percent_complete: percent,
        expected_percent: expected,
        completed_on,
        completed_late: completed_on.is_some_and(|d| d > m.due),
        days_overdue: None,
        source: latest.and_then(|u| u.source.clone()),
    };
    if completed_on.is_some() {
        a.status = MilestoneStatus::Done;
    } else if m.due < as_of {
        a.status = MilestoneStatus::Overdue;
        a.light = Light::Red;
        a.days_overdue = Some((as_of - m.due).num_days());
    } else {
        let done = if started { percent } else { Some(0.0) };
        if let Some(p) = done {
            let (status, light) = classify_gap(expected - p, rules);
            a.light = light;
            a.status = match status {
                _ if !started => MilestoneStatus::NotStarted,
                ScheduleStatus::Behind => MilestoneStatus::Behind,
                _ => MilestoneStatus::OnSchedule,
            };
        }
    }
    a
}

/// Assesses one task at the end of `period`, with dates judged at `as_of` (while the plan runs).
pub fn assess_task(
    t: &TaskInput,
    period: Quarter,
    as_of: NaiveDate,
    rules: &ScheduleRules,
) -> TaskAssessment {
    assess_task_at(t, period, as_of, rules, PlanStage::Running)
}

/// [`assess_task`] at a stage of the plan: its words, and once the plan is over, the task
/// judged as a whole.
pub fn assess_task_at(
    t: &TaskInput,
    period: Quarter,
    as_of: NaiveDate,
    rules: &ScheduleRules,
    stage: PlanStage,
) -> TaskAssessment {
    let term = stage.schedule_term();
    let milestones: Vec<MilestoneAssessment> = t
        .milestones
        .iter()
        .map(|m| assess_milestone(m, period, as_of, rules))
        .collect();
    let expected = expected_share(period);
    let year_reports: Vec<&TaskReport> = t
        .reports
        .iter()
        .filter(|r| r.period.year() == period.year() && r.period <= period)
        .collect();
    let evidence = year_reports.iter().map(|r| r.period).max();
    let current: Vec<&TaskReport> = year_reports
        .iter()
        .copied()
        .filter(|r| Some(r.period) == evidence)
        .collect();
    let leads: Vec<&TaskReport> = current
        .iter()
        .copied()
        .filter(|r| t.lead_units.contains(&r.unit))
        .collect();
    let basis = if leads.is_empty() { &current } else { &leads };
    let pcts: Vec<f64> = basis.iter().filter_map(|r| r.percent_complete).collect();
    let percent = (!pcts.is_empty()).then(|| pcts.iter().sum::<f64>() / pcts.len() as f64);
    let all_ms_done =
        !milestones.is_empty() && milestones.iter().all(|m| m.status == MilestoneStatus::Done);
    let completed = (!basis.is_empty() && basis.iter().all(|r| r.completed))
        || percent.is_some_and(|p| p >= 100.0)
        || all_ms_done;
    let started = year_reports
        .iter()
        .any(|r| r.started || r.completed || r.percent_complete.is_some_and(|p| p > 0.0))
        || milestones.iter().any(|m| {
            m.status == MilestoneStatus::Done || m.percent_complete.is_some_and(|p| p > 0.0)
        });
    let overdue: Vec<&MilestoneAssessment> = milestones
        .iter()
        .filter(|m| m.status == MilestoneStatus::Overdue)
        .collect();
    let task_overdue = t.due.is_some_and(|d| d < as_of) && !completed;
    let at = format!("截至{}末", period.label_zh());
    let mut gap = None;
    let (status, light, explanation) = if completed {
        (
            TaskStatus::Done,
            Light::Green,
            format!("{at}，年度工作已完成"),
        )
    } else if !overdue.is_empty() || task_overdue {
        let what = overdue.first().map_or_else(
            || {
                let d = t
                    .due
                    .expect("a task is overdue only when it has a due date");
                format!("任务应于{}前完成，尚未完成", date_zh(d))
            },
            |m| {
                format!(
                    "节点“{}”应于{}前完成，已逾期{}天",
                    m.text,
                    date_zh(m.due),
                    m.days_overdue.unwrap_or(0)
                )
            },
        );
        let more = if overdue.len() > 1 {
            format!("等{}个节点逾期", overdue.len())
        } else {
            String::new()
        };
        (TaskStatus::Overdue, Light::Red, format!("{what}{more}"))
    } else if !started {
        let g = clean_points(expected);
        gap = Some(g);
        let (_, light) = classify_gap(g, rules);
        (
            TaskStatus::NotStarted,
            light,
            format!("{at}，本年度尚无进展，{term}{}%", zh::num(expected, 1)),
        )
    } else if let Some(p) = percent {
        let g = clean_points(expected - p);
        gap = Some(g);
        let (s, light) = classify_gap(g, rules);
        let status = match s {
            ScheduleStatus::Ahead => TaskStatus::Ahead,
            ScheduleStatus::Behind => TaskStatus::Behind,
            _ => TaskStatus::OnSchedule,
        };
        let tail = if g > 0.0 {
            format!("落后{}个百分点", zh::num(g, 1))
        } else if g < 0.0 {
            format!("超前{}个百分点", zh::num(-g, 1))
        } else {
            format!("与{term}持平")
        };
        (
            status,
            light,
            format!(
                "{at}，年度工作完成{}%，{term}{}%，{tail}",
                zh::num(p, 1),
                zh::num(expected, 1)
            ),
        )
    } else {
        let behind = milestones
            .iter()
            .find(|m| m.status == MilestoneStatus::Behind);
        match behind {
            Some(m) => (
                TaskStatus::Behind,
                m.light,
                format!("{at}，节点“{}”进度滞后", m.text),
            ),
            None => (
                TaskStatus::OnSchedule,
                Light::Green,
                format!("{at}，已启动，节点按期推进"),
            ),
        }
    };
    let (judgement, judgement_basis) = if stage == PlanStage::Closed {
        let (j, basis) = judge_whole(&milestones, status, percent, rules);
        (Some(j), Some(basis))
    } else {
        (None, None)
    };
    TaskAssessment {
        id: t.id.clone(),
        number: t.number,
        title: t.title.clone(),
        task_force: t.task_force.clone(),
        lead_units: t.lead_units.clone(),
        participating_units: t.participating_units.clone(),
        status,
        light,
        percent_complete: percent,
        expected_percent: expected,
        gap_points: gap,
        evidence_period: evidence,
        completed_early: completed && period.number() < 4,
        milestones,
        explanation,
        stage,
        judgement,
        judgement_basis,
    }
}

/// The task as a whole at the end of the plan: the plan's milestones and the final year's work
/// each count as one part. 完成: the year's work and every milestone done; 基本完成: at least
/// `rules.largely_complete` percent of the parts done (a part in progress counts its share);
/// else 未完成.
fn judge_whole(
    milestones: &[MilestoneAssessment],
    status: TaskStatus,
    percent: Option<f64>,
    rules: &ScheduleRules,
) -> (TaskJudgement, String) {
    let done_ms = milestones
        .iter()
        .filter(|m| m.status == MilestoneStatus::Done)
        .count();
    let year = if status == TaskStatus::Done {
        1.0
    } else {
        percent.unwrap_or(0.0).clamp(0.0, 100.0) / 100.0
    };
    let share = clean_points((done_ms as f64 + year) / (milestones.len() as f64 + 1.0) * 100.0);
    let judgement = if status == TaskStatus::Done && done_ms == milestones.len() {
        TaskJudgement::Completed
    } else if share >= rules.largely_complete {
        TaskJudgement::LargelyCompleted
    } else {
        TaskJudgement::NotCompleted
    };
    let year_text = if status == TaskStatus::Done {
        "末年工作已完成".to_string()
    } else {
        match percent {
            Some(p) => format!("末年工作完成{}%", zh::num(p, 1)),
            None => "末年工作无进度报告".to_string(),
        }
    };
    let basis = if milestones.is_empty() {
        year_text
    } else {
        format!(
            "计划期内节点完成{done_ms}个（共{}个），{year_text}，合计完成{}%（{}%及以上为基本完成）",
            milestones.len(),
            zh::num(share, 1),
            zh::num(rules.largely_complete, 0),
        )
    };
    (judgement, basis)
}

/// Every overdue milestone of the assessed tasks, most overdue first.
pub fn overdue_milestones(tasks: &[TaskAssessment]) -> Vec<OverdueMilestone> {
    let mut out: Vec<OverdueMilestone> = tasks
        .iter()
        .flat_map(|t| {
            t.milestones
                .iter()
                .filter(|m| m.status == MilestoneStatus::Overdue)
                .map(move |m| OverdueMilestone {
                    task_id: t.id.clone(),
                    task_title: t.title.clone(),
                    milestone_id: m.id.clone(),
                    text: m.text.clone(),
                    due: m.due,
                    days_overdue: m.days_overdue.unwrap_or(0),
                    lead_units: t.lead_units.clone(),
                })
        })
        .collect();
    out.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then_with(|| a.task_id.cmp(&b.task_id))
    });
    out
}
