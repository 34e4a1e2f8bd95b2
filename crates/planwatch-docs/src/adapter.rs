//! From the monitor's `Assessment` (and the input it was computed from) to the report's
//! `AnnualView`. The store supplies what the monitor does not know: who submitted each source
//! and when, the units' own words on each task, and the office's text. Pure: no IO.

use crate::model::Source;
use crate::view::{
    AnnualView, FinalReview, ForecastView, IndicatorVerdict, IndicatorView, MilestoneView,
    OfficeText, PeriodReportView, PointView, ReportingView, ReviewRow, ScoreItemView, SectionKey,
    TargetJudgement, TaskView, UnitScoreView,
};
use chrono::Datelike;
use planwatch_model::Comparator;
use planwatch_monitor::assess::{Assessment, AssessmentInput};
use planwatch_monitor::indicator::TargetState;
use planwatch_monitor::reporting::ReportingStatus;
use planwatch_monitor::rules::Rules;
use planwatch_monitor::scoring::ScoreRule;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A unit's own words on a task, from its latest report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskNote {
    pub progress: String,
    pub problems: String,
}

/// Everything the annual view is made from.
#[derive(Debug, Clone)]
pub struct FromAssessment<'a> {
    pub input: &'a AssessmentInput,
    pub assessment: &'a Assessment,
    pub issuer: String,
    pub issued_on: Option<String>,
    pub plan_source: Source,
    pub rules_source: Option<Source>,
    /// The submissions figures come from, with unit, period, submitter and time.
    pub sources: Vec<Source>,
    /// By task id.
    pub task_notes: BTreeMap<planwatch_model::TaskId, TaskNote>,
    /// Ids (or names) of the indicators among the plan's headline goals (主要目标); when empty,
    /// indicators outside any task count as headline.
    pub headline: BTreeSet<String>,
    pub office_text: BTreeMap<SectionKey, OfficeText>,
    /// The plan's first and last year; in the last year and after, the report adds the
    /// whole-plan review.
    pub plan_years: Option<(i32, i32)>,
    /// The plan's qualitative goals with the office's judgements, for the whole-plan review.
    pub qualitative_goals: Vec<crate::view::QualitativeGoal>,
}

/// 评分办法和标准 for a breakdown line, and the points at stake, from the rules in force.
fn rule_text(rule: ScoreRule, r: &Rules) -> (String, Option<f64>) {
    let n = |v: f64| crate::model::fmt_num(v, 2);
    match rule {
        ScoreRule::Base => (format!("起评分{}分", n(r.base.points)), Some(r.base.points)),
        ScoreRule::MissingReport => (format!("每缺报1期扣{}分", n(r.reporting.missing)), None),
        ScoreRule::LateReport => (format!("每逾期报送1期扣{}分", n(r.reporting.late)), None),
        ScoreRule::ReturnedReport => (format!("每退回1次扣{}分", n(r.reporting.returned)), None),
        ScoreRule::ReportingCap => (format!("报送扣分合计不超过{}分", n(r.reporting.cap)), None),
        ScoreRule::YellowWarning => (format!("每个黄灯扣{}分", n(r.warnings.yellow)), None),
        ScoreRule::RedWarning => (format!("每个红灯扣{}分", n(r.warnings.red)), None),
        ScoreRule::WarningCap => (format!("预警扣分合计不超过{}分", n(r.warnings.cap)), None),
        ScoreRule::Attainment => (
            format!(
                "指标完成情况满分{}分，按各指标进展得分折算",
                n(r.attainment.points)
            ),
            Some(r.attainment.points),
        ),
        ScoreRule::EarlyTarget => (
            format!("指标提前达标每项加{}分", n(r.bonus.early_target)),
            None,
        ),
        ScoreRule::TaskCompletedEarly => (
            format!("任务提前完成每项加{}分", n(r.bonus.task_completed_early)),
            None,
        ),
        ScoreRule::BonusClaim => (
            format!("经认定的加分事项每项不超过{}分", n(r.bonus.max_per_claim)),
            Some(r.bonus.max_per_claim),
        ),
        ScoreRule::BonusCap => (format!("加分合计不超过{}分", n(r.bonus.cap)), None),
        ScoreRule::Floor => (format!("得分不低于{}分", n(r.base.floor)), None),
        ScoreRule::MemberScore => ("成员单位得分按规则计入".into(), None),
        ScoreRule::Workload => (
            format!(
                "承担任务量不足{}项的，按比例与同类单位平均分折算",
                n(r.workload.full_load)
            ),
            None,
        ),
    }
}

/// 考核说明: the rules in force, in the order of a score sheet, each as the breakdown states it.
fn scoring_rules(r: &Rules) -> Vec<String> {
    let mut out: Vec<String> = [
        ScoreRule::Base,
        ScoreRule::MissingReport,
        ScoreRule::LateReport,
        ScoreRule::ReturnedReport,
        ScoreRule::ReportingCap,
        ScoreRule::YellowWarning,
        ScoreRule::RedWarning,
        ScoreRule::WarningCap,
        ScoreRule::Attainment,
        ScoreRule::EarlyTarget,
        ScoreRule::TaskCompletedEarly,
        ScoreRule::BonusCap,
    ]
    .into_iter()
    .map(|rule| rule_text(rule, r).0)
    .collect();
    let pct = |x: f64| crate::model::fmt_pct(x);
    out.push(match r.responsibility.mode {
        planwatch_monitor::rules::SplitMode::Split => format!(
            "任务预警扣分、指标完成情况和提前完成加分由牵头单位合计承担{}、参加单位合计承担{}（同类单位平分；无参加单位的由牵头单位全额承担）",
            pct(r.responsibility.lead),
            pct(r.responsibility.participating)
        ),
        planwatch_monitor::rules::SplitMode::Each => format!(
            "任务预警扣分、指标完成情况和提前完成加分由每个牵头单位承担{}、每个参加单位承担{}",
            pct(r.responsibility.lead),
            pct(r.responsibility.participating)
        ),
    });
    if r.workload.full_load > 0.0 {
        let n = crate::model::fmt_num(r.workload.full_load, 2);
        out.push(format!(
            "任务量折算：单位承担的任务量为其在各项任务和指标中的分担比例之和，不足{n}项的，履职得分（不含报送扣分）按“承担量÷{n}”的比例计入，其余按同类单位按任务量加权的平均履职得分计，使任务很少的单位不因缺少失分机会而排名靠前"
        ));
    }
    out
}

/// Builds the annual view of the assessment's year (the year of its period).
pub fn annual_view(x: &FromAssessment<'_>) -> AnnualView {
    let a = x.assessment;
    let input = x.input;
    let year = a.period.year();
    let unit_name: HashMap<&str, &str> = input
        .units
        .iter()
        .map(|u| (u.id.as_str(), u.name.as_str()))
        .collect();
    let names = |ids: &[String]| -> Vec<String> {
        ids.iter()
            .map(|id| {
                unit_name
                    .get(id.as_str())
                    .map_or(id.clone(), |n| n.to_string())
            })
            .collect()
    };
    let tf_name: HashMap<&str, &str> = input
        .task_forces
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str()))
        .collect();

    // Sources: the store's, plus a stand-in for any id it did not describe, so that no figure
    // is left without a link and the gap is visible in the sources list.
    let mut sources = x.sources.clone();
    let mut known: BTreeSet<String> = sources.iter().map(|s| s.id.clone()).collect();
    let mut trace = |id: &Option<String>| -> Vec<String> {
        match id {
            Some(id) if !id.is_empty() => {
                if known.insert(id.clone()) {
                    sources.push(Source {
                        id: id.clone(),
                        what: format!("数据来源 {id}"),
                        unit: "（未记录）".into(),
                        period: String::new(),
                        submitted_by: "（未记录）".into(),
                        submitted_at: String::new(),
                        note: "来源信息未在数据库中找到".into(),
                    });
                }
                vec![id.clone()]
            }
            _ => Vec::new(),
        }
    };

    let tasks_in = &input.tasks;
    let task_of = |id: &str| tasks_in.iter().find(|t| t.id == id);

    let mut indicators = Vec::new();
    for ia in &a.indicators {
        let ii = input.indicators.iter().find(|i| i.id == ia.id);
        let target = ia.current_target.clone().or_else(|| {
            ia.targets
                .iter()
                .rev()
                .find(|t| matches!(t.state, TargetState::Upcoming | TargetState::Current))
                .or(ia.targets.last())
                .cloned()
        });
        let annual_target = ia.schedule.as_ref().map(|s| s.year_target).or_else(|| {
            ii.and_then(|i| {
                i.annual_targets
                    .iter()
                    .find(|t| t.year == year)
                    .map(|t| t.value)
            })
        });
        let latest_this_year = ia.latest.as_ref().filter(|l| l.at.year() == year);
        let actual = ia
            .schedule
            .as_ref()
            .and_then(|s| s.actual)
            .or(latest_this_year.map(|l| l.value));
        let schedule_share = ia
            .schedule
            .as_ref()
            .map_or(f64::from(a.period.number()) / 4.0, |s| {
                s.expected_share / 100.0
            });
        let status = ia.verdict();
        let series = ii.map_or(Vec::new(), |i| {
            i.observations
                .iter()
                .filter(|o| o.at.t() <= a.period.as_fractional_year() + 1e-9)
                .map(|o| PointView {
                    t: o.at.t(),
                    value: o.value,
                })
                .collect()
        });
        let note = match status {
            IndicatorVerdict::Behind | IndicatorVerdict::NoData => ia
                .schedule
                .as_ref()
                .map_or(ia.explanation.clone(), |s| s.explanation.clone()),
            _ => String::new(),
        };
        let (task_number, task_force) = match ia.task.as_deref().and_then(task_of) {
            Some(t) => (
                t.number,
                t.task_force
                    .as_deref()
                    .map(|id| tf_name.get(id).map_or(id.to_string(), |n| n.to_string())),
            ),
            None => (None, None),
        };
        indicators.push(IndicatorView {
            id: ia.id.clone(),
            name: ia.name.clone(),
            unit: ia.unit.clone().unwrap_or_default(),
            headline: if x.headline.is_empty() {
                ia.task.is_none()
            } else {
                x.headline.contains(&ia.id) || x.headline.contains(&ia.name)
            },
            task: task_number,
            task_force,
            comparator: Comparator::inclusive(ia.direction),
            target: target.as_ref().map(|t| t.value),
            target_year: target.as_ref().map(|t| t.at.year()),
            annual_target,
            actual,
            schedule_share,
            completion: None,
            status,
            light: ia.light,
            forecast: ia.forecast.as_ref().map(|f| ForecastView {
                year: f.target_at.year(),
                value: f.projected,
                meets: f.will_meet,
                explanation: f.explanation.clone(),
            }),
            units: names(&ia.lead_units),
            note,
            series,
            sources: trace(&ia.latest.as_ref().and_then(|l| l.source.clone())),
            // The same decimals as the pages and `planwatch assess` (one rule, in the monitor).
            decimals: Some(ia.display_decimals(ii.and_then(|i| i.decimals))),
            stage: ia.stage,
        });
    }

    let mut tasks = Vec::new();
    for (k, ta) in a.tasks.iter().enumerate() {
        let ti = task_of(&ta.id);
        let mut srcs: Vec<String> = Vec::new();
        if let Some(ti) = ti {
            for r in ti.reports.iter().filter(|r| r.period <= a.period) {
                srcs.extend(trace(&r.source));
            }
        }
        for m in &ta.milestones {
            srcs.extend(trace(&m.source));
        }
        srcs.sort();
        srcs.dedup();
        let note = x.task_notes.get(&ta.id).cloned().unwrap_or_default();
        tasks.push(TaskView {
            number: ta.number.unwrap_or(k as u32 + 1),
            title: ta.title.clone(),
            task_force: ta.task_force.as_deref().map_or("（未分配）".into(), |id| {
                tf_name.get(id).map_or(id.to_string(), |n| n.to_string())
            }),
            lead_units: names(&ta.lead_units),
            participating_units: names(&ta.participating_units),
            status: ta.status,
            light: ta.light,
            progress: if note.progress.is_empty() {
                ta.explanation.clone()
            } else {
                note.progress
            },
            problems: note.problems,
            milestones: ta
                .milestones
                .iter()
                .map(|m| MilestoneView {
                    what: m.text.clone(),
                    due_year: Some(m.due.year()),
                    status: m.status,
                })
                .collect(),
            sources: srcs,
            stage: ta.stage,
            judgement: ta.judgement,
            judgement_basis: ta.judgement_basis.clone(),
        });
    }

    // Reporting over the assessment's year, per unit in the order of the units list.
    let mut reporting: Vec<ReportingView> = Vec::new();
    for r in a.reporting.iter().filter(|r| r.period.year() == year) {
        if r.status == ReportingStatus::NotYetDue {
            continue;
        }
        let name = unit_name
            .get(r.unit.as_str())
            .map_or(r.unit.clone(), |n| n.to_string());
        let idx = match reporting.iter().position(|v| v.unit == name) {
            Some(i) => i,
            None => {
                reporting.push(ReportingView {
                    unit: name.clone(),
                    expected: 0,
                    on_time: 0,
                    late: 0,
                    missing: 0,
                    returned: 0,
                    sources: Vec::new(),
                });
                reporting.len() - 1
            }
        };
        let v = &mut reporting[idx];
        v.expected += 1;
        match r.status {
            ReportingStatus::OnTime => v.on_time += 1,
            ReportingStatus::Late => v.late += 1,
            ReportingStatus::Missing => v.missing += 1,
            ReportingStatus::Returned if r.timely == Some(true) => v.on_time += 1,
            ReportingStatus::Returned if r.first_submitted_on.is_some() => v.late += 1,
            ReportingStatus::Returned | ReportingStatus::NotYetDue => v.missing += 1,
        }
        v.returned += r.returned_times;
        let period = r.period.to_string();
        for s in x
            .sources
            .iter()
            .filter(|s| s.unit == name && s.period == period)
        {
            if !v.sources.contains(&s.id) {
                v.sources.push(s.id.clone());
            }
        }
    }

    // Each unit's report for the period itself (the quarterly bulletin names them).
    let period_label = a.period.to_string();
    let period_reporting: Vec<PeriodReportView> = a
        .reporting
        .iter()
        .filter(|r| r.period == a.period)
        .map(|r| {
            let name = unit_name
                .get(r.unit.as_str())
                .map_or(r.unit.clone(), |n| n.to_string());
            let sources = x
                .sources
                .iter()
                .filter(|s| s.unit == name && s.period == period_label)
                .map(|s| s.id.clone())
                .collect();
            PeriodReportView {
                unit: name,
                status: r.status,
                days_late: r.days_late.filter(|_| r.timely == Some(false)),
                sources,
            }
        })
        .collect();

    let units = a
        .units
        .iter()
        .map(|u| UnitScoreView {
            unit: u.name.clone(),
            class: u
                .class
                .clone()
                .unwrap_or_else(|| u.kind.label_zh().to_string()),
            score: u.score.total.as_f64(),
            rank: u.rank.unwrap_or(0),
            class_size: u.class_size.unwrap_or(0),
            grade: u.grade.clone(),
            items: u
                .score
                .items
                .iter()
                .map(|it| {
                    let (rule, max_points) = rule_text(it.rule, &a.rules);
                    ScoreItemView {
                        item: it.rule.label_zh().to_string(),
                        rule,
                        max_points,
                        points: it.points.as_f64(),
                        note: it.reason.clone(),
                        sources: Vec::new(),
                    }
                })
                .collect(),
        })
        .collect();

    let mut view = AnnualView {
        plan_title: if a.plan_title.is_empty() {
            input.plan_title.clone()
        } else {
            a.plan_title.clone()
        },
        year,
        period: a.period,
        issuer: x.issuer.clone(),
        issued_on: x.issued_on.clone(),
        demo: a.demo,
        plan_source: x.plan_source.clone(),
        rules_source: x.rules_source.clone(),
        task_forces: input.task_forces.iter().map(|t| t.name.clone()).collect(),
        indicators,
        tasks,
        units,
        unit_mean: a.overall.units.as_ref().map(|c| c.total.as_f64()),
        reporting,
        period_reporting,
        sources,
        office_text: x.office_text.clone(),
        stage: a.stage,
        scoring_rules: scoring_rules(&a.rules),
        final_review: x
            .plan_years
            .or(a.plan_period.map(|p| (p.start, p.end)))
            .filter(|(_, end)| year >= *end)
            .map(|(start, end)| FinalReview {
                qualitative_goals: x.qualitative_goals.clone(),
                ..final_review(input, a, start, end)
            }),
    };
    anchor_ids(&mut view);
    view
}

/// Gives the submissions short ids (src-1, src-2 … in list order): the store names sources by
/// labels such as 市科技局2024年第二季度报告（示例数据）, which make poor HTML anchors.
fn anchor_ids(v: &mut AnnualView) {
    let mut rename: HashMap<String, String> = HashMap::new();
    for (k, s) in v.sources.iter_mut().enumerate() {
        let new = format!("src-{}", k + 1);
        rename.insert(std::mem::replace(&mut s.id, new.clone()), new);
    }
    let apply = |ids: &mut Vec<String>| {
        for id in ids.iter_mut() {
            if let Some(n) = rename.get(id.as_str()) {
                id.clone_from(n);
            }
        }
    };
    for i in &mut v.indicators {
        apply(&mut i.sources);
    }
    for t in &mut v.tasks {
        apply(&mut t.sources);
    }
    for r in &mut v.reporting {
        apply(&mut r.sources);
    }
    for r in &mut v.period_reporting {
        apply(&mut r.sources);
    }
    for u in &mut v.units {
        for it in &mut u.items {
            apply(&mut it.sources);
        }
    }
}

/// The whole-plan review from the assessment: each indicator's baseline, latest value and every
/// plan target judged at its date (the monitor's target states, not recomputed).
fn final_review(input: &AssessmentInput, a: &Assessment, start: i32, end: i32) -> FinalReview {
    let rows = a
        .indicators
        .iter()
        .map(|ia| ReviewRow {
            name: ia.name.clone(),
            unit: ia.unit.clone().unwrap_or_default(),
            base: ia.base.as_ref().map(|b| (b.at.year(), b.value)),
            latest: ia.latest.as_ref().map(|l| (l.at.label_zh(), l.value)),
            targets: ia
                .targets
                .iter()
                .map(|t| TargetJudgement {
                    year: t.at.year(),
                    value: t.value,
                    met: match t.state {
                        TargetState::Met => Some(true),
                        TargetState::Missed => Some(false),
                        _ => None,
                    },
                    observed: t.observed,
                })
                .collect(),
            decimals: ia.display_decimals(
                input
                    .indicators
                    .iter()
                    .find(|i| i.id == ia.id)
                    .and_then(|i| i.decimals),
            ),
        })
        .collect();
    FinalReview {
        start,
        end,
        rows,
        qualitative_goals: Vec::new(),
    }
}
