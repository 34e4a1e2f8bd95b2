//! One indicator's assessment: its targets (past ones recorded met or missed, the next one not
//! yet due assessed), the progress measure, the schedule method, the forecast, and the status,
//! light and score of the method the indicator chose.
//!
//! The headline never contradicts the forecast: the words after the light come from the
//! forecast when there is one ([`forecast_verdict_zh`]: 已实现目标 / 预计可按期实现 /
//! 预计难以按期实现), otherwise from the method's status, whose words describe pace and never
//! predict (进展良好, 超序时 …); and the light is never green while the forecast projects a
//! miss ([`headline_light`]). See ARCHITECTURE.md, "monitor".

use crate::error::InputError;
use crate::forecast::{Forecast, ForecastInput, ForecastModel, Reach, forecast};
use crate::measure::{
    Comparator, Direction, Light, Measure, MeasureParams, NumericTarget, ProgressStatus, measure,
};
use crate::rules::Rules;
use crate::schedule::{
    ScheduleInput, ScheduleResult, ScheduleStatus, YearTargetSource, schedule_at,
};
use crate::series::{IndicatorKind, Observation, Prepared, prepare};
use crate::time::{Point, TimePoint, quarter_at_or_after};
use crate::zh;
use planwatch_model::{IndicatorVerdict, PlanStage, Quarter, TaskId};
use serde::{Deserialize, Serialize};

/// Which method gives the indicator its status, light and score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Open SDG / Statistics Canada growth-ratio measure towards the plan target.
    #[default]
    ProgressMeasure,
    /// 序时进度 against the year's target.
    Schedule,
}

impl Method {
    /// The method's name at a stage of the plan (序时进度 while it runs, 时间进度 after).
    pub fn label_at(self, stage: PlanStage) -> &'static str {
        match self {
            Method::ProgressMeasure => "增长率进展测度",
            Method::Schedule => stage.schedule_term(),
        }
    }
}

/// A dated numeric target (“到2024年达到3600个”).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetInput {
    pub value: f64,
    /// When it is due: `2024` means the end of 2024.
    pub at: TimePoint,
    pub comparator: Comparator,
    /// The plan's wording, for the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A target set for one year of the plan (年度目标), used by the schedule method.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AnnualTarget {
    pub year: i32,
    pub value: f64,
}

fn one() -> f64 {
    1.0
}

/// Everything the monitor needs about one indicator (filled by the app layer from the plan,
/// the indicator configuration and the accepted reports).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorInput {
    pub id: String,
    pub name: String,
    /// Unit of measure as the plan writes it: 家, 个, %, 亿元.
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub kind: IndicatorKind,
    pub direction: Direction,
    #[serde(default)]
    pub method: Method,
    /// The base period (基期), usually the year before the plan starts.
    pub base: TimePoint,
    /// Plan targets; several for milestone paths (2000 by 2022, 3600 by 2024).
    #[serde(default)]
    pub targets: Vec<TargetInput>,
    #[serde(default)]
    pub annual_targets: Vec<AnnualTarget>,
    /// A natural limit (100 for a rate in percent), used only without a target.
    #[serde(default)]
    pub limit: Option<f64>,
    #[serde(default)]
    pub observations: Vec<Observation>,
    /// The task the indicator belongs to; `None` for headline goals (主要目标).
    #[serde(default)]
    pub task: Option<TaskId>,
    #[serde(default)]
    pub lead_units: Vec<String>,
    #[serde(default)]
    pub participating_units: Vec<String>,
    /// Weight in attainment points (default 1).
    #[serde(default = "one")]
    pub weight: f64,
    /// Overrides the kind's default forecast model.
    #[serde(default)]
    pub forecast_model: Option<ForecastModel>,
    /// Decimals for values in sentences (default: by magnitude, none for counts).
    #[serde(default)]
    pub decimals: Option<u8>,
}

/// Where a target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetState {
    /// Due, and the value at its date met it.
    Met,
    /// Due, and the value at its date did not meet it.
    Missed,
    /// Due, but no value for its date has been reported yet.
    AwaitingData,
    /// The next target not yet due: the one being assessed.
    Current,
    /// A later target.
    Upcoming,
}

impl TargetState {
    pub fn label_zh(self) -> &'static str {
        match self {
            TargetState::Met => "已实现",
            TargetState::Missed => "未实现",
            TargetState::AwaitingData => "待数据",
            TargetState::Current => "当前考核目标",
            TargetState::Upcoming => "后续目标",
        }
    }
}

/// A target with its state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetRecord {
    pub value: f64,
    pub at: TimePoint,
    pub comparator: Comparator,
    pub state: TargetState,
    /// The comparable value at the target's date, once due.
    pub observed: Option<f64>,
}

/// An observation as used: the value as reported, the value compared with annual targets (the
/// same except for annualised year-to-date flows), and its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedValue {
    pub at: TimePoint,
    pub value: f64,
    pub comparable: f64,
    pub source: Option<String>,
}

/// One status vocabulary for both methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorStatus {
    TargetAchieved,
    SubstantialProgress,
    ModerateProgress,
    LimitedProgress,
    Deterioration,
    YearTargetMet,
    AheadOfSchedule,
    OnSchedule,
    BehindSchedule,
    NotAvailable,
    NotAssessable,
}

impl IndicatorStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            IndicatorStatus::TargetAchieved => ProgressStatus::TargetAchieved.label_zh(),
            IndicatorStatus::SubstantialProgress => ProgressStatus::SubstantialProgress.label_zh(),
            IndicatorStatus::ModerateProgress => ProgressStatus::ModerateProgress.label_zh(),
            IndicatorStatus::LimitedProgress => ProgressStatus::LimitedProgress.label_zh(),
            IndicatorStatus::Deterioration => ProgressStatus::Deterioration.label_zh(),
            IndicatorStatus::YearTargetMet => ScheduleStatus::YearTargetMet.label_zh(),
            IndicatorStatus::AheadOfSchedule => ScheduleStatus::Ahead.label_zh(),
            IndicatorStatus::OnSchedule => ScheduleStatus::OnSchedule.label_zh(),
            IndicatorStatus::BehindSchedule => ScheduleStatus::Behind.label_zh(),
            IndicatorStatus::NotAvailable => ProgressStatus::NotAvailable.label_zh(),
            IndicatorStatus::NotAssessable => ProgressStatus::NotAssessable.label_zh(),
        }
    }

    /// The word at a stage of the plan: the schedule words lose 序时 in the final evaluation.
    pub fn label_at(self, stage: PlanStage) -> &'static str {
        match self {
            IndicatorStatus::AheadOfSchedule => ScheduleStatus::Ahead.label_at(stage),
            IndicatorStatus::OnSchedule => ScheduleStatus::OnSchedule.label_at(stage),
            IndicatorStatus::BehindSchedule => ScheduleStatus::Behind.label_at(stage),
            _ => self.label_zh(),
        }
    }

    fn from_progress(s: ProgressStatus) -> IndicatorStatus {
        match s {
            ProgressStatus::TargetAchieved => IndicatorStatus::TargetAchieved,
            ProgressStatus::SubstantialProgress => IndicatorStatus::SubstantialProgress,
            ProgressStatus::ModerateProgress => IndicatorStatus::ModerateProgress,
            ProgressStatus::LimitedProgress => IndicatorStatus::LimitedProgress,
            ProgressStatus::Deterioration => IndicatorStatus::Deterioration,
            ProgressStatus::NotAvailable => IndicatorStatus::NotAvailable,
            ProgressStatus::NotAssessable => IndicatorStatus::NotAssessable,
        }
    }

    fn from_schedule(s: ScheduleStatus) -> IndicatorStatus {
        match s {
            ScheduleStatus::YearTargetMet => IndicatorStatus::YearTargetMet,
            ScheduleStatus::Ahead => IndicatorStatus::AheadOfSchedule,
            ScheduleStatus::OnSchedule => IndicatorStatus::OnSchedule,
            ScheduleStatus::Behind => IndicatorStatus::BehindSchedule,
            ScheduleStatus::NoData => IndicatorStatus::NotAvailable,
        }
    }
}

/// The assessment of one indicator at one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorAssessment {
    pub id: String,
    pub name: String,
    pub unit: Option<String>,
    pub kind: IndicatorKind,
    pub direction: Direction,
    pub method: Method,
    pub task: Option<TaskId>,
    pub lead_units: Vec<String>,
    pub participating_units: Vec<String>,
    pub weight: f64,
    pub base: Option<ObservedValue>,
    pub latest: Option<ObservedValue>,
    /// Every target in date order with its state.
    pub targets: Vec<TargetRecord>,
    /// The target assessed: the next not yet due, or the last one after all are due.
    pub current_target: Option<TargetRecord>,
    /// The growth-ratio measure (computed for every indicator).
    pub progress: Measure,
    /// The schedule method (computed whenever a year's target can be set).
    pub schedule: Option<ScheduleResult>,
    /// Status, light and score of the chosen method.
    pub status: IndicatorStatus,
    pub light: Light,
    pub score: Option<f64>,
    pub forecast: Option<Forecast>,
    /// The current target is already met before its date (counts for a bonus).
    pub achieved_early: bool,
    /// One or two sentences explaining the status from the numbers.
    pub explanation: String,
    /// The plan's stage at the period: which words the status is said in.
    #[serde(default)]
    pub stage: PlanStage,
}

/// The light shown for an indicator: the chosen method's light, except that it is never green
/// while the forecast says the target will be missed at its date — a pace within 5 % of the
/// required one (the measure's "substantial progress") can still fall short, and a green light
/// next to 预计难以按期实现 would contradict itself. Such a light becomes yellow.
pub fn headline_light(method_light: Light, forecast: Option<&Forecast>) -> Light {
    match forecast {
        Some(f) if method_light == Light::Green && !f.will_meet && f.reach != Reach::AlreadyMet => {
            Light::Yellow
        }
        _ => method_light,
    }
}

impl IndicatorAssessment {
    /// Where the indicator stands for the year (表A: 已完成 / 达到序时进度 / 未达到序时进度 /
    /// 暂无数据): decided here, once, from the status; the progress measure's middle statuses
    /// follow its traffic light.
    pub fn verdict(&self) -> IndicatorVerdict {
        use IndicatorStatus as S;
        // A target that has fallen due is met or missed at its date, whatever the pace was.
        match self.current_target.as_ref().map(|t| t.state) {
            Some(TargetState::Met) => return IndicatorVerdict::Achieved,
            Some(TargetState::Missed) => return IndicatorVerdict::Behind,
            _ => {}
        }
        let verdict = match self.status {
            S::TargetAchieved | S::YearTargetMet => IndicatorVerdict::Achieved,
            S::NotAvailable | S::NotAssessable => IndicatorVerdict::NoData,
            S::AheadOfSchedule | S::OnSchedule => IndicatorVerdict::OnSchedule,
            S::BehindSchedule | S::Deterioration => IndicatorVerdict::Behind,
            S::SubstantialProgress | S::ModerateProgress | S::LimitedProgress => match self.light {
                Light::Green => IndicatorVerdict::OnSchedule,
                Light::Yellow | Light::Red => IndicatorVerdict::Behind,
                Light::Grey => IndicatorVerdict::NoData,
            },
        };
        // Words never contradict numbers: a share of the year's work below the expected share
        // is 未达到序时进度 even inside the light's tolerance band (the light may stay green).
        match &self.schedule {
            Some(s)
                if verdict == IndicatorVerdict::OnSchedule
                    && s.actual_share.is_some_and(|a| a < s.expected_share) =>
            {
                IndicatorVerdict::Behind
            }
            _ => verdict,
        }
    }

    /// The decimals every output shows this indicator's values with (one rule for pages, API
    /// text and documents): the configured ones, whole numbers for a cumulative count, else by
    /// the size of the assessed target (or, without one, of the latest value).
    pub fn display_decimals(&self, configured: Option<u8>) -> u8 {
        match (configured, self.kind) {
            (Some(d), _) => d,
            (None, IndicatorKind::Cumulative) => 0,
            (None, _) => crate::zh::default_decimals(
                self.current_target
                    .as_ref()
                    .map(|t| t.value)
                    .or(self.latest.as_ref().map(|l| l.value))
                    .unwrap_or(1.0),
            ),
        }
    }

    /// A value of this indicator as every output writes it: its unit and the decimals of
    /// [`IndicatorAssessment::display_decimals`], one type (`planwatch_model::Figure`).
    pub fn figure(&self, value: f64, configured: Option<u8>) -> planwatch_model::Figure {
        planwatch_model::Figure::new(
            value,
            self.unit.as_deref(),
            self.display_decimals(configured),
        )
    }

    /// The words after the light (【绿灯·预计可按期实现】). Whether the target will be met is
    /// said only by the forecast: 已实现目标, 预计可按期实现 or 预计难以按期实现. Without a
    /// forecast (no target, no span, target date passed) or without a light, the method's status
    /// words (进展良好, 超序时, 暂无数据 …) describe the pace instead; they never predict.
    pub fn headline_zh(&self) -> &'static str {
        match &self.forecast {
            Some(f) if self.light != Light::Grey => forecast_verdict_zh(f),
            _ => self.status_zh(),
        }
    }

    /// The status word, in the words of the plan's stage (every output says it this way).
    pub fn status_zh(&self) -> &'static str {
        match self.current_target.as_ref().map(|t| t.state) {
            Some(s @ (TargetState::Met | TargetState::Missed)) => s.label_zh(),
            _ => self.status.label_at(self.stage),
        }
    }

    /// The verdict word (表A 完成情况), in the words of the plan's stage.
    pub fn verdict_zh(&self) -> &'static str {
        self.verdict().label_at(self.stage)
    }
}

/// 已实现目标 / 预计可按期实现 / 预计难以按期实现.
pub fn forecast_verdict_zh(f: &Forecast) -> &'static str {
    if f.reach == Reach::AlreadyMet {
        "已实现目标"
    } else if f.will_meet {
        "预计可按期实现"
    } else {
        "预计难以按期实现"
    }
}

impl IndicatorInput {
    fn place(&self) -> String {
        format!("指标“{}”({})", self.name, self.id)
    }

    /// Checks the parts the type system cannot.
    pub fn validate(&self) -> Vec<InputError> {
        let mut errs = Vec::new();
        let place = self.place();
        if !self.weight.is_finite() || self.weight < 0.0 {
            errs.push(InputError::new(&place, "权重应为不小于0的数"));
        }
        if self.limit.is_some_and(|l| !l.is_finite()) {
            errs.push(InputError::new(&place, "自然上限不是有限数"));
        }
        for t in &self.targets {
            if !t.value.is_finite() {
                errs.push(InputError::new(
                    format!("{place}的{}目标", t.at.label_zh()),
                    "目标值不是有限数",
                ));
            }
            if t.comparator.direction() != self.direction {
                errs.push(InputError::new(
                    format!("{place}的{}目标", t.at.label_zh()),
                    format!(
                        "比较方式“{}”与指标方向“{}”矛盾，请核对方向或比较方式",
                        t.comparator.symbol(),
                        self.direction.label_zh()
                    ),
                ));
            }
        }
        let mut times: Vec<f64> = self.targets.iter().map(|t| t.at.t()).collect();
        times.sort_by(f64::total_cmp);
        if times.windows(2).any(|w| w[0] == w[1]) {
            errs.push(InputError::new(&place, "同一时间有两个目标，请合并"));
        }
        if let Err(e) = prepare(&self.observations, self.kind, f64::INFINITY) {
            errs.push(InputError::new(&place, e.to_string()));
        }
        errs
    }
}

fn decimals_for(i: &IndicatorInput) -> u8 {
    i.decimals.unwrap_or_else(|| match i.kind {
        IndicatorKind::Cumulative => 0,
        _ => {
            let reference = i.targets.last().map_or_else(
                || i.observations.last().map_or(0.0, |o| o.value),
                |t| t.value,
            );
            zh::default_decimals(reference)
        }
    })
}

fn point_at(points: &[Point], t: f64) -> Option<usize> {
    points.iter().position(|p| (p.t - t).abs() < 1e-9)
}

/// The year's target for the schedule method: explicit, a plan target due in the year, or the
/// straight line from the base to the next plan target.
fn year_target(
    i: &IndicatorInput,
    targets: &[TargetInput],
    base: Option<Point>,
    year: i32,
) -> Option<(f64, YearTargetSource)> {
    if let Some(a) = i.annual_targets.iter().find(|a| a.year == year) {
        return Some((a.value, YearTargetSource::Explicit));
    }
    let y = f64::from(year);
    if let Some(t) = targets.iter().find(|t| t.at.t() > y - 1.0 && t.at.t() <= y) {
        return Some((t.value, YearTargetSource::PlanTarget));
    }
    let base = base?;
    if y <= base.t {
        return None;
    }
    let mut prev = base;
    for t in targets {
        let node = Point {
            t: t.at.t(),
            value: t.value,
        };
        if node.t > y {
            let v = prev.value + (node.value - prev.value) * (y - prev.t) / (node.t - prev.t);
            return Some((v, YearTargetSource::Interpolated));
        }
        prev = node;
    }
    // Every plan target is dated before this year: none of them is this year's target (a target
    // of 2022 is met or missed at its date, not 2024's 年度目标), so the schedule method does not
    // apply.
    None
}

fn observed(i: &IndicatorInput, prep: &Prepared, idx: usize) -> ObservedValue {
    let o = &i.observations[prep.origin[idx]];
    ObservedValue {
        at: o.at,
        value: o.value,
        comparable: prep.comparable[idx].value,
        source: o.source.clone(),
    }
}

/// Assesses one indicator at the end of `period`; observations after it are ignored.
pub fn assess_indicator(
    i: &IndicatorInput,
    period: Quarter,
    rules: &Rules,
) -> Result<IndicatorAssessment, InputError> {
    assess_indicator_at(i, period, rules, PlanStage::Running)
}

/// [`assess_indicator`] in the words of the plan's stage.
pub fn assess_indicator_at(
    i: &IndicatorInput,
    period: Quarter,
    rules: &Rules,
    stage: PlanStage,
) -> Result<IndicatorAssessment, InputError> {
    let term = stage.schedule_term();
    let now_t = period.as_fractional_year();
    let prep = prepare(&i.observations, i.kind, now_t)
        .map_err(|e| InputError::new(i.place(), e.to_string()))?;
    let mut targets = i.targets.clone();
    targets.sort_by(|a, b| a.at.t().total_cmp(&b.at.t()));
    let current = targets
        .iter()
        .position(|t| t.at.t() > now_t + 1e-9)
        .or_else(|| targets.len().checked_sub(1));
    let records: Vec<TargetRecord> = targets
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let due = t.at.t() <= now_t + 1e-9;
            let observed = if due {
                point_at(&prep.comparable, t.at.t()).map(|j| prep.comparable[j].value)
            } else {
                None
            };
            let state = match (due, observed) {
                (true, Some(v)) if t.comparator.is_met(v, t.value) => TargetState::Met,
                (true, Some(_)) => TargetState::Missed,
                (true, None) => TargetState::AwaitingData,
                (false, _) if Some(k) == current => TargetState::Current,
                (false, _) => TargetState::Upcoming,
            };
            TargetRecord {
                value: t.value,
                at: t.at,
                comparator: t.comparator,
                state,
                observed,
            }
        })
        .collect();
    let cur = current.map(|k| &targets[k]);
    let params = MeasureParams {
        base_t: i.base.t(),
        target: cur.map(|t| NumericTarget {
            value: t.value,
            t: t.at.t(),
            comparator: t.comparator,
        }),
        direction: i.direction,
        limit: i.limit,
    };
    let progress = measure(&prep.comparable, &params);
    let base_idx = progress.base.and_then(|b| point_at(&prep.comparable, b.t));
    let latest_idx = progress
        .latest
        .and_then(|l| point_at(&prep.comparable, l.t));
    let decimals = decimals_for(i);
    let unit = i.unit.as_deref();

    let comparator = cur.map_or(Comparator::inclusive(i.direction), |t| t.comparator);
    let year = period.year();
    let sched = year_target(i, &targets, progress.base, year).map(|(value, source)| {
        let prev_end = f64::from(year) - 1.0;
        let start = prep
            .raw
            .iter()
            .rev()
            .find(|p| p.t <= prev_end + 1e-9)
            .map(|p| p.value);
        // A value not yet reported for this quarter: judge the latest quarter of this year
        // that has one, and say so, rather than showing no light at all.
        let (assessed, actual) = match point_at(&prep.raw, now_t) {
            Some(j) => (period, Some(prep.raw[j].value)),
            None => prep
                .raw
                .iter()
                .rev()
                .find(|p| p.t > prev_end + 1e-9 && p.t <= now_t + 1e-9)
                .and_then(|p| quarter_at_or_after(p.t).map(|q| (q, Some(p.value))))
                .unwrap_or((period, None)),
        };
        let mut r = schedule_at(
            &ScheduleInput {
                period: assessed,
                kind: i.kind,
                comparator,
                year_target: value,
                year_target_source: source,
                start_value: start,
                actual,
                unit,
                decimals,
            },
            &rules.schedule,
            stage,
        );
        if assessed != period {
            r.explanation = format!(
                "{}数据尚未报送，按{}数据评估：{}",
                period.label_zh(),
                assessed.label_zh(),
                r.explanation
            );
        } else if actual.is_none()
            && let Some(last) = prep.raw.last().and_then(|p| quarter_at_or_after(p.t))
        {
            r.explanation = format!(
                "{}{}，{year}年尚未报送本年数据（最新为{}），暂不能按{term}评估",
                r.year_target_source.label_zh(),
                zh::value(r.year_target, decimals, unit),
                last.label_zh()
            );
        }
        r
    });

    let fc = match (cur, base_idx, latest_idx) {
        (Some(t), Some(b), Some(l)) => {
            let o = |j: usize| i.observations[prep.origin[j]].at;
            forecast(&ForecastInput {
                base: (o(b), prep.comparable[b].value),
                latest: (o(l), prep.comparable[l].value),
                target: t.value,
                target_at: t.at,
                comparator: t.comparator,
                model: i.forecast_model.unwrap_or(ForecastModel::for_kind(i.kind)),
                unit,
                decimals,
                reported: (i.kind == IndicatorKind::YearToDate)
                    .then(|| i.observations[prep.origin[l]].value),
            })
        }
        _ => None,
    };

    let (status, light, score) = match (i.method, &sched) {
        (Method::ProgressMeasure, _) => (
            IndicatorStatus::from_progress(progress.status),
            progress.status.light(),
            progress.score,
        ),
        (Method::Schedule, Some(s)) => (IndicatorStatus::from_schedule(s.status), s.light, s.score),
        (Method::Schedule, None) => (IndicatorStatus::NotAssessable, Light::Grey, None),
    };
    // A year-to-date flow whose annualised figure meets the target has not met it yet.
    let not_yet_met = fc.as_ref().is_some_and(|f| f.reach != Reach::AlreadyMet);
    let status = if status == IndicatorStatus::TargetAchieved && not_yet_met {
        IndicatorStatus::SubstantialProgress
    } else {
        status
    };
    let light = headline_light(light, fc.as_ref());
    // A target that has fallen due and is missed is never shown green.
    let light = match current.map(|k| records[k].state) {
        Some(TargetState::Missed) if light == Light::Green => Light::Yellow,
        _ => light,
    };
    let achieved_early = cur.is_some_and(|t| t.at.t() > now_t + 1e-9)
        && progress.status == ProgressStatus::TargetAchieved
        && !not_yet_met;
    let current_target = current.map(|k| records[k].clone());
    let base = base_idx.map(|j| observed(i, &prep, j));
    let latest = latest_idx
        .or_else(|| prep.comparable.len().checked_sub(1))
        .map(|j| observed(i, &prep, j));
    let explanation = explain(
        i,
        &progress,
        sched.as_ref(),
        fc.as_ref(),
        &current_target,
        decimals,
        term,
    );
    Ok(IndicatorAssessment {
        id: i.id.clone(),
        name: i.name.clone(),
        unit: i.unit.clone(),
        kind: i.kind,
        direction: i.direction,
        method: i.method,
        task: i.task.clone(),
        lead_units: i.lead_units.clone(),
        participating_units: i.participating_units.clone(),
        weight: i.weight,
        base,
        latest,
        targets: records,
        current_target,
        progress,
        schedule: sched,
        status,
        light,
        score,
        forecast: fc,
        achieved_early,
        explanation,
        stage,
    })
}

fn explain(
    i: &IndicatorInput,
    m: &Measure,
    sched: Option<&ScheduleResult>,
    fc: Option<&Forecast>,
    current: &Option<TargetRecord>,
    decimals: u8,
    term: &str,
) -> String {
    let unit = i.unit.as_deref().unwrap_or("");
    if i.method == Method::Schedule {
        return match (sched, fc) {
            (Some(s), Some(f)) => format!("{}；{}", s.explanation, f.explanation),
            (Some(s), None) => s.explanation.clone(),
            (None, _) => format!("未设定年度目标，无法按{term}评估"),
        };
    }
    if let Some(f) = fc {
        return if f.reach == Reach::AlreadyMet {
            f.explanation.clone()
        } else {
            format!("{}，{}", f.explanation, f.when_zh)
        };
    }
    if let Some(t) = current
        && matches!(t.state, TargetState::Met | TargetState::Missed)
    {
        let v = t.observed.map_or(String::new(), |v| {
            format!("（实际{}{unit}）", zh::num(v, decimals))
        });
        return format!(
            "{}目标{}{unit}{}{v}",
            t.at.label_zh(),
            zh::num(t.value, decimals),
            if t.state == TargetState::Met {
                "已实现"
            } else {
                "未实现"
            }
        );
    }
    if let Some(t) = current
        && t.state == TargetState::AwaitingData
    {
        let head = format!(
            "{}目标{}{unit}已到期，到期时尚无数据",
            t.at.label_zh(),
            zh::num(t.value, decimals)
        );
        return match m
            .latest
            .and_then(|l| quarter_at_or_after(l.t).map(|q| (q, l.value)))
        {
            Some((q, v)) => format!(
                "{head}；最新{}为{}{unit}，{}",
                q.label_zh(),
                zh::num(v, decimals),
                if t.comparator.is_met(v, t.value) {
                    "已达到目标"
                } else {
                    "仍未达到目标"
                }
            ),
            None => head,
        };
    }
    match (m.base, m.latest, m.value) {
        (Some(b), Some(l), Some(_)) if current.is_none() && b.value != 0.0 => {
            let growth = (l.value / b.value).powf(1.0 / (l.t - b.t)) - 1.0;
            let word = if growth >= 0.0 { "增长" } else { "下降" };
            format!(
                "基期至最新年均{word}{}%，无量化目标，按增速评估",
                zh::num(growth.abs() * 100.0, 1)
            )
        }
        _ => m.note.map_or_else(
            || m.status.label_zh().to_string(),
            |n| n.label_zh().to_string(),
        ),
    }
}
