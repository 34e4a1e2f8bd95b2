//! The whole assessment as one pure function: plan inputs, reports and rules in; indicator
//! statuses, forecasts, task and milestone statuses, reporting status, scores with breakdowns
//! and rankings out. Cheap enough to recompute after every accepted submission, so nothing is
//! cached and nothing can go stale (ARCHITECTURE.md, "monitor").

use crate::error::{InputError, InputErrors};
use crate::indicator::{IndicatorAssessment, IndicatorInput, IndicatorStatus, assess_indicator_at};
use crate::measure::Light;
use crate::reporting::{ReportObligation, ReportingRecord, ReportingStatus, assess_obligation};
use crate::rules::Rules;
use crate::scoring::{
    BonusClaim, GroupScore, OverallScore, ScoringInput, TaskForceInput, UnitInput, UnitScore,
    Units, score_areas, score_overall, score_task_forces, score_units,
};
use crate::task::{
    OverdueMilestone, TaskAssessment, TaskInput, TaskStatus, assess_task_at, overdue_milestones,
};
use chrono::NaiveDate;
use planwatch_model::{Period, PlanStage, Quarter, TaskJudgement, UnitKind};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Everything the monitor reads, filled by the app layer from the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentInput {
    /// The reporting period assessed; observations and reports after it are ignored.
    pub period: Quarter,
    /// "Now": the date at which due dates are judged (milestones, report deadlines).
    pub as_of: NaiveDate,
    #[serde(default)]
    pub plan_title: String,
    /// The years the plan covers; they decide its stage (终期评估 from the final year on).
    /// Without them the plan is taken as running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_period: Option<Period>,
    /// The data are synthetic demo data (示例数据) and must be labelled so.
    #[serde(default)]
    pub demo: bool,
    #[serde(default)]
    pub units: Vec<UnitInput>,
    #[serde(default)]
    pub task_forces: Vec<TaskForceInput>,
    #[serde(default)]
    pub tasks: Vec<TaskInput>,
    #[serde(default)]
    pub indicators: Vec<IndicatorInput>,
    #[serde(default)]
    pub reports: Vec<ReportObligation>,
    #[serde(default)]
    pub bonus_claims: Vec<BonusClaim>,
}

/// Counts for the headline of a report or dashboard.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    pub indicators: usize,
    pub indicators_green: usize,
    pub indicators_yellow: usize,
    pub indicators_red: usize,
    pub indicators_grey: usize,
    /// Indicators whose current target is met or forecast to be met.
    pub indicators_on_track: usize,
    pub tasks: usize,
    pub tasks_completed: usize,
    pub tasks_on_schedule: usize,
    pub tasks_behind: usize,
    pub tasks_not_started: usize,
    pub tasks_overdue: usize,
    /// 终期评估: tasks judged as a whole (all zero while the plan runs).
    #[serde(default)]
    pub tasks_judged_completed: usize,
    #[serde(default)]
    pub tasks_judged_largely_completed: usize,
    #[serde(default)]
    pub tasks_judged_not_completed: usize,
    pub milestones_overdue: usize,
    pub reports_due: usize,
    pub reports_on_time: usize,
    pub reports_late: usize,
    pub reports_missing: usize,
    pub reports_returned: usize,
}

/// The result: self-explanatory and serialisable, the contract for the app, the web pages and
/// the annual report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub period: Quarter,
    pub as_of: NaiveDate,
    pub plan_title: String,
    /// The plan's years, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_period: Option<Period>,
    /// Where the period stands in the plan's life; decides the words of every status.
    #[serde(default)]
    pub stage: PlanStage,
    pub demo: bool,
    pub summary: Summary,
    pub indicators: Vec<IndicatorAssessment>,
    pub tasks: Vec<TaskAssessment>,
    pub overdue_milestones: Vec<OverdueMilestone>,
    /// Every reporting obligation up to the period, with its status at `as_of`.
    pub reporting: Vec<ReportingRecord>,
    /// Scored units, by ranking class, then rank.
    pub units: Vec<UnitScore>,
    pub task_forces: Vec<GroupScore>,
    /// Counties/districts: their own and their member units' scores.
    pub areas: Vec<GroupScore>,
    pub overall: OverallScore,
    /// The rules the scores were computed with.
    pub rules: Rules,
}

/// Collects every problem in the input, so the office can fix them in one go.
pub fn validate(input: &AssessmentInput, rules: &Rules) -> Vec<InputError> {
    let mut errs = Vec::new();
    if let Err(e) = rules.validate() {
        errs.push(InputError::new("评分规则", e.to_string()));
    }
    let mut ids = HashSet::new();
    for u in &input.units {
        if !ids.insert(u.id.as_str()) {
            errs.push(InputError::new(
                format!("单位“{}”", u.id),
                "单位标识重复，请合并",
            ));
        }
    }
    let units = Units::new(&input.units);
    for u in &input.units {
        let place = format!("单位“{}”", u.name);
        errs.extend(units.check(&u.members, &place));
        if let Some(a) = &u.area
            && units
                .get(a)
                .is_none_or(|x| x.kind != UnitKind::CountyGovernment)
        {
            errs.push(InputError::new(
                &place,
                format!("所属县（区）“{a}”不是县（区）单位"),
            ));
        }
    }
    let mut seen = HashSet::new();
    for i in &input.indicators {
        if !seen.insert(i.id.as_str()) {
            errs.push(InputError::new(format!("指标“{}”", i.id), "指标标识重复"));
        }
        errs.extend(i.validate());
        let place = format!("指标“{}”({})", i.name, i.id);
        errs.extend(units.check(&i.lead_units, &place));
        errs.extend(units.check(&i.participating_units, &place));
        if let Some(t) = &i.task
            && !input.tasks.iter().any(|x| &x.id == t)
        {
            errs.push(InputError::new(&place, format!("所属任务“{t}”不存在")));
        }
    }
    let mut seen = HashSet::new();
    for t in &input.tasks {
        if !seen.insert(t.id.as_str()) {
            errs.push(InputError::new(format!("任务“{}”", t.id), "任务标识重复"));
        }
        errs.extend(t.validate());
        let place = format!("任务“{}”({})", t.title, t.id);
        errs.extend(units.check(&t.lead_units, &place));
        errs.extend(units.check(&t.participating_units, &place));
        if let Some(tf) = &t.task_force
            && !input.task_forces.iter().any(|x| &x.id == tf)
        {
            errs.push(InputError::new(&place, format!("所属专班“{tf}”不存在")));
        }
        for r in &t.reports {
            errs.extend(units.check(std::slice::from_ref(&r.unit), &place));
        }
    }
    for o in &input.reports {
        errs.extend(o.validate());
        errs.extend(units.check(std::slice::from_ref(&o.unit), "报送义务"));
    }
    for c in &input.bonus_claims {
        let place = format!("单位“{}”的加分事项“{}”", c.unit, c.reason);
        if !c.points.is_finite() || c.points < 0.0 {
            errs.push(InputError::new(&place, "加分应为不小于0的数"));
        }
        errs.extend(units.check(std::slice::from_ref(&c.unit), &place));
    }
    errs
}

/// Assesses everything at `input.period`, judging dates at `input.as_of`.
pub fn assess(input: &AssessmentInput, rules: &Rules) -> Result<Assessment, InputErrors> {
    let errs = validate(input, rules);
    if !errs.is_empty() {
        return Err(InputErrors(errs));
    }
    let period = input.period;
    let stage = PlanStage::of(input.plan_period.map(|p| p.end), period);
    let indicators = input
        .indicators
        .iter()
        .map(|i| assess_indicator_at(i, period, rules, stage))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| InputErrors(vec![e]))?;
    let tasks: Vec<TaskAssessment> = input
        .tasks
        .iter()
        .map(|t| assess_task_at(t, period, input.as_of, &rules.schedule, stage))
        .collect();
    let overdue = overdue_milestones(&tasks);
    let mut reporting: Vec<ReportingRecord> = input
        .reports
        .iter()
        .filter(|o| o.period <= period)
        .map(|o| assess_obligation(o, input.as_of))
        .collect();
    reporting.sort_by(|a, b| a.period.cmp(&b.period).then_with(|| a.unit.cmp(&b.unit)));
    // The assessment year runs from its first quarter to the period.
    let year_records: Vec<ReportingRecord> = reporting
        .iter()
        .filter(|r| r.period.year() == period.year())
        .cloned()
        .collect();
    let scoring = ScoringInput {
        units: &input.units,
        task_forces: &input.task_forces,
        indicators: &indicators,
        tasks: &tasks,
        reporting: &year_records,
        claims: &input.bonus_claims,
    };
    let units = score_units(&scoring, rules);
    let task_forces = score_task_forces(&scoring, rules);
    let areas = score_areas(&input.units, &units, rules);
    let overall = score_overall(&units, &indicators, rules);
    let summary = summarise(&indicators, &tasks, &overdue, &reporting);
    Ok(Assessment {
        period,
        as_of: input.as_of,
        plan_title: input.plan_title.clone(),
        plan_period: input.plan_period,
        stage,
        demo: input.demo,
        summary,
        indicators,
        tasks,
        overdue_milestones: overdue,
        reporting,
        units,
        task_forces,
        areas,
        overall,
        rules: rules.clone(),
    })
}

fn summarise(
    indicators: &[IndicatorAssessment],
    tasks: &[TaskAssessment],
    overdue: &[OverdueMilestone],
    reporting: &[ReportingRecord],
) -> Summary {
    let light = |l: Light| indicators.iter().filter(|i| i.light == l).count();
    let task = |s: TaskStatus| tasks.iter().filter(|t| t.status == s).count();
    let judged = |j: TaskJudgement| tasks.iter().filter(|t| t.judgement == Some(j)).count();
    let rep = |s: ReportingStatus| reporting.iter().filter(|r| r.status == s).count();
    Summary {
        indicators: indicators.len(),
        indicators_green: light(Light::Green),
        indicators_yellow: light(Light::Yellow),
        indicators_red: light(Light::Red),
        indicators_grey: light(Light::Grey),
        indicators_on_track: indicators
            .iter()
            .filter(|i| {
                i.status == IndicatorStatus::TargetAchieved
                    || i.forecast.as_ref().is_some_and(|f| f.will_meet)
            })
            .count(),
        tasks: tasks.len(),
        tasks_completed: task(TaskStatus::Done),
        tasks_on_schedule: task(TaskStatus::OnSchedule) + task(TaskStatus::Ahead),
        tasks_behind: task(TaskStatus::Behind),
        tasks_not_started: task(TaskStatus::NotStarted),
        tasks_overdue: task(TaskStatus::Overdue),
        tasks_judged_completed: judged(TaskJudgement::Completed),
        tasks_judged_largely_completed: judged(TaskJudgement::LargelyCompleted),
        tasks_judged_not_completed: judged(TaskJudgement::NotCompleted),
        milestones_overdue: overdue.len(),
        reports_due: reporting
            .iter()
            .filter(|r| r.status != ReportingStatus::NotYetDue)
            .count(),
        reports_on_time: reporting.iter().filter(|r| r.timely == Some(true)).count(),
        reports_late: reporting.iter().filter(|r| r.timely == Some(false)).count(),
        reports_missing: rep(ReportingStatus::Missing),
        reports_returned: rep(ReportingStatus::Returned),
    }
}
