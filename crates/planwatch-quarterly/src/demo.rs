//! Synthetic but plausible demo data (示例数据): for every unit and quarter up to a given one,
//! a report with task progress and indicator values and the workflow steps that brought it to
//! its state — some units late, some reports missing, some indicators lagging, some milestones
//! overdue, some reports returned. Pure and reproducible from the seed; every record says it is
//! demo data (`ReportContent::demo`, data source 示例数据, baselines sourced 示例数据).

use crate::content::{IndicatorRow, ReportContent, TaskRow};
use crate::period::{ReportingPeriod, quarter_end, quarter_start};
use crate::rng::SplitMix64;
use crate::scope::{RowKey, ScopeInputs, ScopeRow};
use crate::validate::{ValueProblem, check_value};
use crate::values::BaselineRecord;
use crate::workflow::{Action, Actor};
use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use planwatch_model::{
    Baseline, Direction, IndicatorCode, IndicatorDef, IndicatorKind, Quarter, Role, TaskStatus,
    UnitName,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The label every demo record carries.
pub const DEMO_LABEL: &str = "示例数据";

/// One workflow step to replay through the normal use case (so that it is audited like any other).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoStep {
    pub action: Action,
    pub actor: Actor,
    pub at: NaiveDateTime,
}

/// One unit's report for one quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoReport {
    pub content: ReportContent,
    /// In order; empty for a report never started (it is then absent from the store).
    pub steps: Vec<DemoStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoData {
    pub seed: u64,
    pub until: Quarter,
    /// The moment the demo data describes (a little after the last quarter's deadline).
    pub as_of: NaiveDateTime,
    pub baselines: Vec<BaselineRecord>,
    pub reports: Vec<DemoReport>,
}

/// How a unit behaves over the demo period.
struct UnitHabits {
    late: f64,
    missing: f64,
    returned: f64,
}

/// Generates the demo data for every quarter of the plan up to `until`. `now` caps the moments
/// generated (nothing happens after it).
pub fn generate(
    inputs: &ScopeInputs<'_>,
    until: Quarter,
    seed: u64,
    now: NaiveDateTime,
) -> DemoData {
    let first = Quarter::new(inputs.plan.period.start, 1).unwrap_or(until);
    let last_deadline = ReportingPeriod::new(until, inputs.settings).deadline;
    let as_of = (last_deadline + Days::new(12))
        .and_time(NaiveTime::MIN)
        .min(now);
    let trajectories = indicator_trajectories(inputs, seed);
    let baselines = trajectories
        .iter()
        .map(|(code, t)| BaselineRecord {
            code: code.clone(),
            baseline: Baseline {
                year: inputs.plan.period.start - 1,
                value: t.baseline,
                source: DEMO_LABEL.into(),
            },
        })
        .collect();
    let mut history: BTreeMap<String, Vec<(Quarter, f64)>> = BTreeMap::new();
    let mut reports = Vec::new();
    let latest = latest_fates(inputs, until, seed);
    for q in Quarter::range(first, until) {
        let period = ReportingPeriod::new(q, inputs.settings);
        for unit in inputs.responsible_units(q) {
            let scope = inputs.scope(&unit, q);
            if scope.is_empty() {
                continue;
            }
            let mut rng = SplitMix64::for_key(seed, &format!("{unit}/{q}"));
            let habits = habits(seed, &unit);
            let fate = if q == until {
                latest.get(&unit).copied().unwrap_or(Fate::OnTime)
            } else {
                habits.fate(&mut rng)
            };
            let mut content = ReportContent::new(&unit, q);
            content.demo = true;
            content.filled_by = format!("{DEMO_LABEL}填报员");
            content.phone = "0353-0000000".into();
            for row in &scope.rows {
                content.tasks.push(task_row(row, q, seed, &mut rng));
            }
            for def in &scope.indicators {
                let value = trajectories[&def.code].value_at(def, q, seed);
                let hist = history
                    .get(def.code.as_str())
                    .map_or(&[][..], Vec::as_slice);
                let problems = check_value(def, q, value, "", hist);
                let note = if problems
                    .iter()
                    .any(|p| matches!(p, ValueProblem::ChangeNeedsNote { .. }))
                {
                    format!("{DEMO_LABEL}：本期集中认定（或统计口径调整），变动较大")
                } else {
                    String::new()
                };
                history
                    .entry(def.code.to_string())
                    .or_default()
                    .push((q, value));
                content.indicators.push(IndicatorRow {
                    code: def.code.clone(),
                    value: Some(value),
                    source: DEMO_LABEL.into(),
                    note,
                });
            }
            let deadline = period.deadline_for(&unit);
            let steps = workflow_steps(&unit, q, deadline, as_of, fate, &mut rng);
            reports.push(DemoReport { content, steps });
        }
    }
    DemoData {
        seed,
        until,
        as_of,
        baselines,
        reports,
    }
}

fn habits(seed: u64, unit: &str) -> UnitHabits {
    let mut r = SplitMix64::for_key(seed, &format!("habits/{unit}"));
    let kind = r.next_f64();
    // Most units are punctual; a few are habitually late or often miss a quarter.
    let (late, missing) = if kind < 0.15 {
        (0.55, 0.15)
    } else if kind < 0.35 {
        (0.25, 0.05)
    } else {
        (0.06, 0.01)
    };
    UnitHabits {
        late,
        missing,
        returned: r.range(0.05, 0.2),
    }
}

/// What happens to one unit's report of one quarter, decided before its steps are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Never submitted (at most a draft).
    Missing,
    /// Submitted after the deadline (and reviewed in the usual way if time allows).
    Late,
    /// Submitted on time, returned by the office and not yet resubmitted.
    Returned,
    /// Submitted on time, not yet reviewed.
    AwaitingReview,
    /// Submitted on time and accepted.
    OnTime,
    /// Past quarters: submitted, returned and resubmitted by the unit's habits.
    Habitual { late: bool, returned: bool },
}

impl UnitHabits {
    fn fate(&self, rng: &mut SplitMix64) -> Fate {
        if rng.chance(self.missing) {
            return Fate::Missing;
        }
        Fate::Habitual {
            late: rng.chance(self.late),
            returned: rng.chance(self.returned),
        }
    }
}

/// The latest quarter is the one a demo user looks at first, so its mix is set by counts rather
/// than left to chance: 3–5 reports missing, 3–5 late, two returned, three awaiting review, the
/// rest on time and accepted. Habitually late units are the likeliest stragglers; units that lead
/// several tasks (chased hardest by the office, and the source of the task statuses) the least.
/// The unit that leads the most tasks (for Yangquan 市科技局, which also hosts the office) is
/// always on time, so the demo opens on a full report.
fn latest_fates(inputs: &ScopeInputs<'_>, until: Quarter, seed: u64) -> BTreeMap<UnitName, Fate> {
    let leads = |u: &str| {
        inputs
            .plan
            .tasks
            .iter()
            .filter(|t| inputs.role(t, u).is_some_and(|r| r.owns_status()))
            .count()
    };
    let units: Vec<(UnitName, usize)> = inputs
        .responsible_units(until)
        .into_iter()
        .filter(|u| !inputs.scope(u, until).is_empty())
        .map(|u| {
            let n = leads(&u);
            (u, n)
        })
        .collect();
    // Ties go to the first name in order, for a stable choice.
    let showcase = units
        .iter()
        .max_by_key(|(u, n)| (*n, std::cmp::Reverse(u.clone())))
        .map(|(u, _)| u.clone());
    let mut r = SplitMix64::for_key(seed, &format!("latest/{until}"));
    let mut ranked: Vec<(f64, UnitName)> = units
        .iter()
        .filter(|(u, _)| Some(u) != showcase.as_ref())
        .map(|(u, n)| {
            let key = r.next_f64() - habits(seed, u).late
                + 0.6 * f64::from(u8::try_from((*n).min(3)).unwrap_or(3));
            (key, u.clone())
        })
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let missing = usize::try_from(r.int(3, 5)).unwrap_or(3);
    let late = usize::try_from(r.int(3, 5)).unwrap_or(3);
    let quotas = [
        (Fate::Missing, missing),
        (Fate::Late, late),
        (Fate::Returned, 2),
        (Fate::AwaitingReview, 3),
    ];
    let mut out: BTreeMap<UnitName, Fate> = ranked
        .into_iter()
        .enumerate()
        .map(|(i, (_, u))| {
            let mut end = 0;
            let fate = quotas
                .iter()
                .find(|(_, n)| {
                    end += n;
                    i < end
                })
                .map_or(Fate::OnTime, |(f, _)| *f);
            (u, fate)
        })
        .collect();
    if let Some(u) = showcase {
        out.insert(u, Fate::OnTime);
    }
    out
}

fn actor(unit: &str, role: Role) -> Actor {
    let user = match role {
        Role::Reporter => format!("demo-reporter:{unit}"),
        Role::UnitHead => format!("demo-head:{unit}"),
        _ => "demo-office".to_string(),
    };
    Actor {
        user,
        role,
        unit: role.is_unit_bound().then(|| unit.into()),
    }
}

fn at(day: NaiveDate, hour: u32) -> NaiveDateTime {
    day.and_hms_opt(hour, 30, 0).expect("a valid hour")
}

fn workflow_steps(
    unit: &str,
    q: Quarter,
    deadline: NaiveDate,
    as_of: NaiveDateTime,
    fate: Fate,
    rng: &mut SplitMix64,
) -> Vec<DemoStep> {
    let reporter = actor(unit, Role::Reporter);
    let head = actor(unit, Role::UnitHead);
    let office = actor(unit, Role::Office);
    let mut steps = Vec::new();
    let push = |steps: &mut Vec<DemoStep>, action: Action, who: &Actor, t: NaiveDateTime| -> bool {
        if t > as_of {
            return false;
        }
        steps.push(DemoStep {
            action,
            actor: who.clone(),
            at: t,
        });
        true
    };
    let days = |rng: &mut SplitMix64, lo: i64, hi: i64| {
        Days::new(u64::try_from(rng.int(lo, hi)).unwrap_or(0))
    };
    let (late, returned) = match fate {
        Fate::Missing => {
            if rng.chance(0.5) {
                let day = quarter_end(q) + days(rng, 1, 5);
                push(&mut steps, Action::Edit, &reporter, at(day, 10));
            }
            return steps;
        }
        Fate::Late => (true, false),
        Fate::Returned => (false, true),
        Fate::AwaitingReview | Fate::OnTime => (false, false),
        Fate::Habitual { late, returned } => (late, returned),
    };
    let submit_day = match fate {
        // Late in the latest quarter, but in before the moment the demo describes.
        Fate::Late => deadline + days(rng, 1, 8),
        _ if late => deadline + days(rng, 1, 20),
        _ => deadline - days(rng, 0, 8),
    };
    let draft_day = (submit_day - days(rng, 1, 4)).max(quarter_start(q.next()));
    if !push(&mut steps, Action::Edit, &reporter, at(draft_day, 9)) {
        return steps;
    }
    if !push(&mut steps, Action::Approve, &head, at(submit_day, 11)) {
        return steps;
    }
    if !push(&mut steps, Action::Submit, &reporter, at(submit_day, 15)) {
        return steps;
    }
    if fate == Fate::AwaitingReview {
        return steps;
    }
    let mut review_day = submit_day + days(rng, 2, 6);
    if returned {
        let comment = rng
            .pick(&[
                "数据来源未填写完整，请补充后重新报送",
                "滞后任务的存在问题和下一步措施过于笼统，请具体说明",
                "指标完成值与统计部门数据不一致，请核实",
                "缺少节点完成的佐证材料，请补充",
            ])
            .to_string();
        if !push(
            &mut steps,
            Action::Return { comment },
            &office,
            at(review_day, 10),
        ) {
            return steps;
        }
        if fate == Fate::Returned {
            return steps;
        }
        let fix_day = review_day + days(rng, 2, 6);
        if !push(&mut steps, Action::Edit, &reporter, at(fix_day, 9))
            || !push(&mut steps, Action::Approve, &head, at(fix_day, 11))
            || !push(&mut steps, Action::Submit, &reporter, at(fix_day, 15))
        {
            return steps;
        }
        review_day = fix_day + days(rng, 1, 4);
    }
    push(&mut steps, Action::Accept, &office, at(review_day, 16));
    steps
}

/// One row of a unit's report: progress text for every row; status and share for the rows the
/// unit leads.
fn task_row(row: &ScopeRow<'_>, q: Quarter, seed: u64, rng: &mut SplitMix64) -> TaskRow {
    let title = &row.task.title;
    let actions = [
        "召开专题推进会，细化年度工作清单和责任分工",
        "深入企业和项目现场开展调研指导",
        "推动重点项目按计划实施",
        "协调解决项目建设中的用地、资金等问题",
        "组织政策宣讲和业务培训",
        "完成阶段性工作总结并上报进展",
    ];
    let progress = format!(
        "围绕“{title}”，{}；{}。（{DEMO_LABEL}）",
        rng.pick(&actions),
        rng.pick(&actions)
    );
    let mut out = TaskRow {
        key: Some(row.key.clone()),
        contact: format!("{DEMO_LABEL}联系人"),
        progress,
        ..Default::default()
    };
    if !row.role.owns_status() {
        out.progress = format!(
            "配合牵头单位推进“{title}”，{}。（{DEMO_LABEL}）",
            rng.pick(&actions)
        );
        return out;
    }
    let key = match &row.key {
        RowKey::Item { id } => id.clone(),
        k => k.encode(),
    };
    let (share, status) = year_share(&key, row.item.is_some(), q, seed, rng);
    out.status = Some(status);
    out.share_complete = Some(share);
    out.cumulative = format!("本年度工作完成约{share}%（{DEMO_LABEL}）");
    if status == TaskStatus::Behind {
        out.problems = rng
            .pick(&[
                "项目前期手续办理进度较慢",
                "配套资金到位不及时",
                "专业技术人才短缺，推进力量不足",
                "受市场环境影响，企业投资意愿下降",
            ])
            .to_string();
        out.next_steps = rng
            .pick(&[
                "建立周调度机制，倒排工期、挂图作战",
                "积极争取上级资金支持，加快资金拨付",
                "加强部门协调，集中解决堵点问题",
            ])
            .to_string();
    }
    if status == TaskStatus::Done && row.item.is_some() {
        let start = quarter_start(q);
        let days = (quarter_end(q) - start).num_days();
        out.reached_on = Some(start + Days::new(u64::try_from(rng.int(0, days)).unwrap_or(0)));
        out.evidence = vec!["验收材料.pdf".into()];
    }
    out
}

/// How a task or item fares over one year.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pace {
    /// Nothing done up to the end of quarter `until`, then behind.
    SlowStart {
        until: u8,
        pace: f64,
    },
    Behind(f64),
    /// Inside the tolerance band: `lag` points short of the expected share; `finishes` says
    /// whether the year's work is complete by the end of the year.
    OnSchedule {
        lag: f64,
        finishes: bool,
    },
    Ahead(f64),
}

/// The share of THIS YEAR's work done by the end of `q` (完成比例 is read against the expected
/// share q/4, 序时进度) and the status a reporter would choose for it. Each task or item draws
/// its pace once per year: most on schedule, some ahead, some behind, a few not started yet.
/// Milestones more often finish on time than whole tasks lag, so only a few end up overdue.
fn year_share(
    key: &str,
    item: bool,
    q: Quarter,
    seed: u64,
    rng: &mut SplitMix64,
) -> (f64, TaskStatus) {
    let mut p = SplitMix64::for_key(seed, &format!("pace/{key}/{}", q.year()));
    let draw = p.next_f64();
    let (slow, behind, ahead) = if item {
        (0.05, 0.2, 0.35)
    } else {
        (0.1, 0.27, 0.42)
    };
    let pace = if draw < slow {
        Pace::SlowStart {
            until: if p.chance(0.4) { 1 } else { 2 },
            pace: p.range(0.5, 0.75),
        }
    } else if draw < behind {
        Pace::Behind(p.range(0.55, 0.8))
    } else if draw < ahead {
        Pace::Ahead(p.range(1.08, 1.3))
    } else {
        Pace::OnSchedule {
            lag: p.range(0.0, 8.0),
            finishes: p.chance(if item { 0.75 } else { 0.5 }),
        }
    };
    let expected = f64::from(q.number()) * 25.0;
    let share = match pace {
        Pace::SlowStart { until, .. } if q.number() <= until => 0.0,
        Pace::SlowStart { pace, .. } | Pace::Behind(pace) => expected * pace + rng.range(-2.0, 2.0),
        Pace::OnSchedule { finishes: true, .. } if q.number() == 4 => 100.0,
        Pace::OnSchedule { lag, .. } => (expected - lag).min(99.0),
        // Ahead of schedule, but a year's work is finished only at the year's end.
        Pace::Ahead(pace) if q.number() < 4 => (expected * pace + rng.range(-2.0, 2.0)).min(97.0),
        Pace::Ahead(_) => 100.0,
    }
    .clamp(0.0, 100.0)
    .round();
    // The same bands as the monitor's schedule method (超序时 above the expected share,
    // 滞后序时 from 10 points behind).
    let gap = expected - share;
    let status = if share >= 100.0 {
        TaskStatus::Done
    } else if share == 0.0 {
        TaskStatus::NotStarted
    } else if gap < 0.0 {
        TaskStatus::Ahead
    } else if gap < 10.0 {
        TaskStatus::OnSchedule
    } else {
        TaskStatus::Behind
    };
    (share, status)
}

/// An indicator's demo path from its baseline towards its last target.
struct Trajectory {
    baseline: f64,
    target: f64,
    /// Below 1: the indicator lags behind.
    pace: f64,
    wobble: f64,
}

fn indicator_trajectories(
    inputs: &ScopeInputs<'_>,
    seed: u64,
) -> BTreeMap<IndicatorCode, Trajectory> {
    let mut out = BTreeMap::new();
    for def in &inputs.catalogue.indicators {
        let mut r = SplitMix64::for_key(seed, &format!("indicator/{}", def.code));
        let target = def.targets.last().map_or(100.0, |t| t.value);
        let baseline = match (&def.baseline, def.direction) {
            (Some(b), _) => b.value,
            (None, Direction::HigherIsBetter) => target * r.range(0.4, 0.7),
            (None, Direction::LowerIsBetter) => target * r.range(1.12, 1.3),
        };
        let baseline = round_for(def, clamp_for(def, baseline));
        let pace = if r.chance(0.3) {
            r.range(0.45, 0.8)
        } else {
            r.range(0.9, 1.2)
        };
        out.insert(
            def.code.clone(),
            Trajectory {
                baseline,
                target,
                pace,
                wobble: r.range(0.0, 0.03),
            },
        );
    }
    out
}

impl Trajectory {
    fn value_at(&self, def: &IndicatorDef, q: Quarter, seed: u64) -> f64 {
        let start = 2022.0_f64;
        let mut r = SplitMix64::for_key(seed, &format!("value/{}/{q}", def.code));
        let noise = 1.0 + r.range(-self.wobble, self.wobble);
        let v = match def.kind {
            IndicatorKind::YearToDate => {
                // The annual total grows towards the target; the year-to-date value is the part
                // of it reached by the quarter's end.
                let years = f64::from(q.year()) - start + 1.0;
                let annual = self.baseline
                    + (self.target - self.baseline) * (self.pace * years / 3.0).min(1.2);
                annual * f64::from(q.number()) / 4.0
            }
            IndicatorKind::Cumulative => {
                // Quarters in, on a path that never turns back.
                let t = (q.as_fractional_year() - start + 1.0) / 3.0;
                self.baseline + (self.target - self.baseline) * (self.pace * t).min(1.2)
            }
            IndicatorKind::Level | IndicatorKind::Ratio => {
                let t = (q.as_fractional_year() - start + 1.0) / 3.0;
                (self.baseline + (self.target - self.baseline) * (self.pace * t).min(1.2)) * noise
            }
        };
        round_for(def, clamp_for(def, v))
    }
}

fn clamp_for(def: &IndicatorDef, v: f64) -> f64 {
    let lo = def.rules.min.unwrap_or(f64::MIN);
    let hi = def.rules.max.unwrap_or(f64::MAX);
    v.clamp(lo, hi)
}

fn round_for(def: &IndicatorDef, v: f64) -> f64 {
    if def.rules.integer {
        v.floor()
    } else {
        (v * 100.0).round() / 100.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::tests::yangquan_inputs;
    use crate::workflow::{ReportRecord, apply};
    use crate::xlsx::quarterly::{QuarterlyTemplate, ReadContext, read_quarterly, write_quarterly};
    use planwatch_model::ReportState;

    fn q(s: &str) -> Quarter {
        Quarter::parse(s).expect("quarter")
    }

    fn now() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-01-01 00:00", "%Y-%m-%d %H:%M").expect("now")
    }

    fn demo(seed: u64) -> DemoData {
        generate(&yangquan_inputs(), q("2024Q2"), seed, now())
    }

    /// Replays a report's steps through the workflow rules; returns the final record.
    fn replay(r: &DemoReport) -> Option<ReportRecord> {
        let mut rec: Option<ReportRecord> = None;
        for s in &r.steps {
            let v = rec.as_ref().map_or(0, |x| x.version);
            let (next, _) = apply(rec.as_ref(), &r.content.unit, &s.action, &s.actor, v, s.at)
                .unwrap_or_else(|e| {
                    panic!("{} {}: {e}", r.content.unit, r.content.period.expect("p"))
                });
            rec = Some(next);
        }
        rec
    }

    #[test]
    fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
        let a = demo(7);
        assert_eq!(a, demo(7));
        assert_ne!(a.reports, demo(8).reports);
    }

    #[test]
    fn every_record_is_marked_as_demo_data() {
        let d = demo(7);
        assert!(d.reports.iter().all(|r| r.content.demo));
        assert!(
            d.reports
                .iter()
                .flat_map(|r| &r.content.indicators)
                .all(|i| i.source == DEMO_LABEL)
        );
        assert!(d.baselines.iter().all(|b| b.baseline.source == DEMO_LABEL));
    }

    #[test]
    fn every_quarter_and_unit_up_to_the_last_is_covered() {
        let d = demo(7);
        let inputs = yangquan_inputs();
        for quarter in Quarter::range(q("2022Q1"), q("2024Q2")) {
            let n = d
                .reports
                .iter()
                .filter(|r| r.content.period == Some(quarter))
                .count();
            assert_eq!(n, inputs.responsible_units(quarter).len(), "{quarter}");
        }
        assert!(
            d.reports
                .iter()
                .all(|r| r.content.period <= Some(q("2024Q2")))
        );
    }

    #[test]
    fn every_step_is_an_allowed_transition_and_nothing_happens_after_as_of() {
        let d = demo(7);
        for r in &d.reports {
            replay(r);
            assert!(r.steps.iter().all(|s| s.at <= d.as_of));
        }
    }

    #[test]
    fn the_demo_has_late_missing_returned_lagging_and_overdue_cases() {
        let d = demo(7);
        let inputs = yangquan_inputs();
        let last: Vec<&DemoReport> = d
            .reports
            .iter()
            .filter(|r| r.content.period == Some(q("2024Q2")))
            .collect();
        let states: Vec<Option<ReportState>> =
            last.iter().map(|r| replay(r).map(|x| x.state)).collect();
        assert!(
            states
                .iter()
                .any(|s| matches!(s, None | Some(ReportState::Draft))),
            "missing"
        );
        assert!(
            states.contains(&Some(ReportState::Submitted)),
            "awaiting review"
        );
        let mut late = 0;
        let mut returned = 0;
        for r in &d.reports {
            let p = ReportingPeriod::new(r.content.period.expect("p"), inputs.settings);
            if let Some(rec) = replay(r) {
                late += usize::from(
                    rec.first_submitted_at
                        .is_some_and(|t| t.date() > p.deadline),
                );
                returned +=
                    usize::from(rec.is_resubmission() || rec.state == ReportState::Returned);
            }
        }
        assert!(
            late > 10 && returned > 5,
            "late {late}, returned {returned}"
        );
        let behind = d
            .reports
            .iter()
            .flat_map(|r| &r.content.tasks)
            .filter(|t| t.status == Some(TaskStatus::Behind))
            .count();
        assert!(behind > 10, "{behind}");
        let overdue = d
            .reports
            .iter()
            .filter(|r| r.content.period.is_some_and(|p| p.number() == 4))
            .flat_map(|r| &r.content.tasks)
            .filter(|t| {
                matches!(t.key, Some(RowKey::Item { .. })) && t.status != Some(TaskStatus::Done)
            })
            .count();
        assert!(overdue > 3, "{overdue}");
    }

    #[test]
    fn the_latest_quarter_has_a_few_missing_late_and_returned_and_the_office_bureau_on_time() {
        let inputs = yangquan_inputs();
        for seed in [7, 20_221_001, 1] {
            let d = demo(seed);
            let p = ReportingPeriod::new(q("2024Q2"), inputs.settings);
            let (mut missing, mut late, mut returned, mut in_time) = (0, 0, 0, 0);
            for r in d
                .reports
                .iter()
                .filter(|r| r.content.period == Some(q("2024Q2")))
            {
                let rec = replay(r);
                let state = rec.as_ref().map(|x| x.state);
                if r.content.unit == "市科技局" {
                    assert!(
                        matches!(state, Some(ReportState::Submitted | ReportState::Accepted)),
                        "seed {seed}: {state:?}"
                    );
                }
                match rec.and_then(|x| x.first_submitted_at) {
                    None => missing += 1,
                    Some(t) if t.date() > p.deadline => late += 1,
                    Some(_) if state == Some(ReportState::Returned) => returned += 1,
                    Some(_) => in_time += 1,
                }
            }
            assert!((3..=5).contains(&missing), "seed {seed}: missing {missing}");
            assert!((3..=5).contains(&late), "seed {seed}: late {late}");
            assert_eq!(returned, 2, "seed {seed}");
            assert!(in_time > 25, "seed {seed}: in time {in_time}");
        }
    }

    #[test]
    fn task_shares_are_of_this_years_work_and_most_tasks_are_on_schedule() {
        let d = demo(20_221_001);
        let mut by_status: BTreeMap<(Quarter, TaskStatus), usize> = BTreeMap::new();
        let mut last: BTreeMap<(UnitName, String), (Quarter, f64)> = BTreeMap::new();
        for r in &d.reports {
            let period = r.content.period.expect("p");
            for t in &r.content.tasks {
                let (Some(RowKey::Task { .. }), Some(status), Some(share)) =
                    (&t.key, t.status, t.share_complete)
                else {
                    continue;
                };
                *by_status.entry((period, status)).or_default() += 1;
                let k = (r.content.unit.clone(), t.key.as_ref().expect("k").encode());
                if let Some((prev_q, prev)) = last.insert(k.clone(), (period, share))
                    && prev_q.year() == period.year()
                {
                    assert!(share >= prev, "{k:?} {period}: {prev} then {share}");
                }
                let expected = f64::from(period.number()) * 25.0;
                match status {
                    TaskStatus::Ahead => assert!(share > expected),
                    TaskStatus::OnSchedule => assert!(share <= expected && share > expected - 10.0),
                    TaskStatus::Behind => assert!(share <= expected - 10.0),
                    _ => {}
                }
            }
        }
        for quarter in [q("2022Q2"), q("2023Q2"), q("2023Q4"), q("2024Q2")] {
            let n = |s| by_status.get(&(quarter, s)).copied().unwrap_or(0);
            let green = n(TaskStatus::OnSchedule) + n(TaskStatus::Ahead) + n(TaskStatus::Done);
            let total: usize = TaskStatus::REPORTED.iter().map(|s| n(*s)).sum();
            assert!(10 * green >= 6 * total, "{quarter}: {by_status:?}");
            assert!(
                n(TaskStatus::OnSchedule) + n(TaskStatus::Done) > n(TaskStatus::Ahead),
                "{quarter}"
            );
            assert!(n(TaskStatus::Behind) > 0, "{quarter}");
            assert!(2 * n(TaskStatus::Behind) < total, "{quarter}");
            if quarter.number() < 4 {
                assert!(n(TaskStatus::Ahead) > 0, "{quarter}");
                assert_eq!(n(TaskStatus::Done), 0, "{quarter}: the year is not over");
            }
        }
        let not_started: usize = Quarter::range(q("2022Q1"), q("2024Q2"))
            .map(|p| {
                by_status
                    .get(&(p, TaskStatus::NotStarted))
                    .copied()
                    .unwrap_or(0)
            })
            .sum();
        assert!(not_started > 0);
    }

    #[test]
    fn figures_per_head_of_population_get_decimals_not_whole_numbers() {
        let d = demo(7);
        let doctors: Vec<f64> = d
            .reports
            .iter()
            .flat_map(|r| &r.content.indicators)
            .filter(|i| i.code == "doctors-per-1000")
            .filter_map(|i| i.value)
            .collect();
        assert!(!doctors.is_empty());
        assert!(doctors.iter().any(|v| v.fract() != 0.0), "{doctors:?}");
        assert!(
            doctors.iter().all(|v| (1.0..=4.0).contains(v)),
            "{doctors:?}"
        );
    }

    #[test]
    fn demo_reports_pass_the_same_checks_as_a_real_submission() {
        let d = demo(7);
        let inputs = yangquan_inputs();
        let mut history: BTreeMap<String, Vec<(Quarter, f64)>> = BTreeMap::new();
        for r in &d.reports {
            let period = r.content.period.expect("period");
            let check = r.content.unit == "市科技局" || period == q("2023Q3");
            if check {
                let scope = inputs.scope(&r.content.unit, period);
                let bytes = write_quarterly(&QuarterlyTemplate {
                    scope: &scope,
                    plan_title: "t",
                    plan_code: None,
                    deadline: ReportingPeriod::new(period, inputs.settings).deadline,
                    task_forces: &BTreeMap::new(),
                    previous: None,
                    previous_values: &BTreeMap::new(),
                    contributions: &BTreeMap::new(),
                    prefill: Some(&r.content),
                })
                .expect("template");
                let back = read_quarterly(
                    &bytes,
                    &ReadContext {
                        scope: &scope,
                        history: &history,
                        settings: inputs.settings,
                        require_complete: true,
                    },
                )
                .unwrap_or_else(|e| panic!("{} {period}: {e}", r.content.unit));
                assert_eq!(back.tasks, r.content.tasks);
            }
            for i in &r.content.indicators {
                history
                    .entry(i.code.to_string())
                    .or_default()
                    .push((period, i.value.expect("v")));
            }
        }
    }
}
