//! What the annual report and the feedback sheets are composed from: a plain view of one
//! year's assessment (indicator rows with status, forecast and sources; task rows; unit scores
//! with their breakdown; reporting timeliness; the office's own text). It is filled from the
//! monitor's assessment by an adapter, or by hand in tests; composing from it does no IO.

use crate::model::Source;
use planwatch_model::{Comparator, Direction, Quarter};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One year's assessment, as the documents need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnualView {
    /// The plan's title, e.g. 阳泉市国家创新型城市建设三年行动计划（2022—2024年）.
    pub plan_title: String,
    /// The year assessed.
    pub year: i32,
    /// The last quarter whose reports are included (normally Q4 of `year`).
    pub period: Quarter,
    /// The issuing office (领导小组办公室).
    pub issuer: String,
    /// 成文日期 as printed (2024年1月20日); `None` leaves the date for the office to fill in.
    #[serde(default)]
    pub issued_on: Option<String>,
    /// Whether any figure comes from synthetic demo data.
    #[serde(default)]
    pub demo: bool,
    /// The plan itself as a source: targets, tasks and deadlines trace back to it.
    pub plan_source: Source,
    /// The scoring rules as a source (points that come from the rules, not from a report).
    #[serde(default)]
    pub rules_source: Option<Source>,
    /// The plan's task forces (专班) in the plan's order; sections follow it.
    #[serde(default)]
    pub task_forces: Vec<String>,
    #[serde(default)]
    pub indicators: Vec<IndicatorView>,
    #[serde(default)]
    pub tasks: Vec<TaskView>,
    #[serde(default)]
    pub units: Vec<UnitScoreView>,
    /// The units' mean score as the assessment computed it (weighted by unit kind, rounded
    /// once): the same figure the dashboard and `planwatch assess` show. Never recomputed here.
    #[serde(default)]
    pub unit_mean: Option<f64>,
    #[serde(default)]
    pub reporting: Vec<ReportingView>,
    /// Each unit's report for `period` itself (按时 / 逾期 / 未报 …), as the monitor judged it:
    /// what the quarterly bulletin names units by.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub period_reporting: Vec<PeriodReportView>,
    /// The submissions figures trace back to (unit, period, who, when).
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Text the office wrote for a section; it replaces or follows the drafted text.
    #[serde(default)]
    pub office_text: BTreeMap<SectionKey, OfficeText>,
    /// The whole-plan review (终期评估), present in the plan's final year and after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_review: Option<FinalReview>,
    /// Where the year stands in the plan's life: which words every status is said in.
    #[serde(default)]
    pub stage: PlanStage,
    /// 考核说明: the scoring rules in force, one clause each, from the rules file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scoring_rules: Vec<String>,
}

/// The whole-plan review: every indicator from its baseline to the end, each plan target judged
/// at its date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinalReview {
    pub start: i32,
    pub end: i32,
    pub rows: Vec<ReviewRow>,
    /// The plan's qualitative goals (资源型城市绿色转型先行示范 …) with the office's judgement
    /// and evidence where it has judged them; the report does not judge them from data.
    #[serde(default)]
    pub qualitative_goals: Vec<QualitativeGoal>,
}

/// A qualitative goal of the plan and the office's judgement of it (stored and audited).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualitativeGoal {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<planwatch_model::GoalVerdict>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence: String,
    /// Who judged it and when (领导小组办公室 张三，2025年1月10日).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judged_by: Option<String>,
}

impl QualitativeGoal {
    /// A goal not judged yet.
    pub fn open(text: impl Into<String>) -> QualitativeGoal {
        QualitativeGoal {
            text: text.into(),
            verdict: None,
            evidence: String::new(),
            judged_by: None,
        }
    }
}

/// One indicator in the whole-plan review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewRow {
    pub name: String,
    pub unit: String,
    /// Baseline (year, value).
    pub base: Option<(i32, f64)>,
    /// The latest value and when (e.g. 2024年第四季度).
    pub latest: Option<(String, f64)>,
    /// Every plan target judged at its date: (year, target, met?, value at its date).
    pub targets: Vec<TargetJudgement>,
    pub decimals: u8,
}

/// One plan target judged at its date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetJudgement {
    pub year: i32,
    pub value: f64,
    /// `Some(true)` 已实现, `Some(false)` 未实现, `None` not yet judged (no value for its date).
    pub met: Option<bool>,
    pub observed: Option<f64>,
}

impl ReviewRow {
    /// The plan's verdict on this indicator: its last target's.
    pub fn verdict_zh(&self) -> &'static str {
        match self.targets.last().map(|t| t.met) {
            Some(Some(true)) => "已实现",
            Some(Some(false)) => "未实现",
            Some(None) => "尚无期末数据",
            None => "无量化目标",
        }
    }
}

/// The sections of the annual report the office can write text for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKey {
    /// The opening paragraph (根据…现将有关情况报告如下).
    Opening,
    /// 总体情况.
    Overall,
    /// 主要指标完成情况.
    Indicators,
    /// 重点任务推进情况.
    Tasks,
    /// 组织保障措施落实情况.
    Organisation,
    /// 经验做法.
    Experience,
    /// 存在的问题.
    Problems,
    /// 对策建议.
    Countermeasures,
    /// 考核评价结果.
    Assessment,
}

impl SectionKey {
    pub const ALL: [SectionKey; 9] = [
        SectionKey::Opening,
        SectionKey::Overall,
        SectionKey::Indicators,
        SectionKey::Tasks,
        SectionKey::Organisation,
        SectionKey::Experience,
        SectionKey::Problems,
        SectionKey::Countermeasures,
        SectionKey::Assessment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SectionKey::Opening => "opening",
            SectionKey::Overall => "overall",
            SectionKey::Indicators => "indicators",
            SectionKey::Tasks => "tasks",
            SectionKey::Organisation => "organisation",
            SectionKey::Experience => "experience",
            SectionKey::Problems => "problems",
            SectionKey::Countermeasures => "countermeasures",
            SectionKey::Assessment => "assessment",
        }
    }

    /// The section's heading in the report (without its number).
    pub fn heading_zh(self) -> &'static str {
        match self {
            SectionKey::Opening => "开头语",
            SectionKey::Overall => "总体情况",
            SectionKey::Indicators => "主要指标完成情况",
            SectionKey::Tasks => "重点任务推进情况",
            SectionKey::Organisation => "组织保障措施落实情况",
            SectionKey::Experience => "经验做法",
            SectionKey::Problems => "存在的问题",
            SectionKey::Countermeasures => "对策建议",
            SectionKey::Assessment => "考核评价结果",
        }
    }

    /// A section named by its key (`problems`) or its heading (存在的问题, also numbered as in
    /// the report: 六、存在的问题).
    pub fn parse(s: &str) -> Option<SectionKey> {
        let s = s.trim();
        let heading = s
            .split_once('、')
            .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| "一二三四五六七八九十".contains(c)))
            .map_or(s, |(_, h)| h.trim());
        SectionKey::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s) || k.heading_zh() == heading)
    }
}

/// The office's text for a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeText {
    /// Replace the drafted paragraphs (tables and charts stay), or add after them.
    pub mode: OfficeTextMode,
    pub paragraphs: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficeTextMode {
    Replace,
    Append,
}

/// An indicator's verdict for the year, a traffic light and a task's status: the model's words
/// (one definition each, label next to it), decided by the monitor.
pub use planwatch_model::{IndicatorVerdict, Light, PlanStage, TaskJudgement, TaskStatus};

/// A value at a point on the fractional-year axis (Q4 2023 = 2023.0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PointView {
    pub t: f64,
    pub value: f64,
}

/// The projected value at the target year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastView {
    pub year: i32,
    pub value: f64,
    /// Whether the target will be met on this projection.
    pub meets: bool,
    /// One sentence built from the numbers, e.g. 按2021—2023年年均增长12.4%测算，2024年预计达到186家.
    pub explanation: String,
}

/// One indicator row (表A).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorView {
    pub id: String,
    pub name: String,
    pub unit: String,
    /// A headline goal of the plan (总体目标) rather than a task target.
    #[serde(default)]
    pub headline: bool,
    /// The task the target belongs to.
    #[serde(default)]
    pub task: Option<u32>,
    /// The task force of that task.
    #[serde(default)]
    pub task_force: Option<String>,
    pub comparator: Comparator,
    /// The plan's target and its year.
    pub target: Option<f64>,
    pub target_year: Option<i32>,
    /// This year's target (年度目标值).
    pub annual_target: Option<f64>,
    /// The value at the end of the period (截至期末完成值).
    pub actual: Option<f64>,
    /// 序时进度: the share of the year elapsed at the end of the period (1.0 at Q4).
    pub schedule_share: f64,
    /// 完成率 as given by the monitor; computed from actual and annual target when absent.
    #[serde(default)]
    pub completion: Option<f64>,
    pub status: IndicatorVerdict,
    #[serde(default)]
    pub light: Light,
    #[serde(default)]
    pub forecast: Option<ForecastView>,
    /// Responsible units (责任单位).
    pub units: Vec<String>,
    /// The unit's explanation or the office's remark (备注).
    #[serde(default)]
    pub note: String,
    /// Observed values for the chart.
    #[serde(default)]
    pub series: Vec<PointView>,
    /// Source ids of the reported value.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Decimals to print values with, when the indicator catalogue fixes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
    /// The plan's stage: which words the status is said in.
    #[serde(default)]
    pub stage: PlanStage,
}

impl IndicatorView {
    /// The status word (完成情况) in the words of the plan's stage.
    pub fn status_zh(&self) -> &'static str {
        self.status.label_at(self.stage)
    }

    /// Decimals to show for this indicator's values: none when every observed value and the
    /// plan's target are whole (counts of enterprises, platforms), else two. Derived values
    /// (annual targets interpolated by the monitor) do not count.
    pub fn decimals(&self) -> usize {
        if let Some(d) = self.decimals {
            return usize::from(d.min(4));
        }
        let whole = |v: f64| (v - v.round()).abs() < 1e-9;
        let values = self
            .series
            .iter()
            .map(|p| p.value)
            .chain(self.actual)
            .chain(self.target);
        let mut any = false;
        for v in values {
            any = true;
            if !whole(v) {
                return 2;
            }
        }
        if any { 0 } else { 2 }
    }

    /// A value of this indicator as every output writes it (its unit and decimals).
    pub fn figure(&self, value: f64) -> planwatch_model::Figure {
        planwatch_model::Figure::new(
            value,
            Some(self.unit.as_str()),
            u8::try_from(self.decimals()).unwrap_or(4),
        )
    }

    /// 完成率: actual over annual target (target over actual where lower is better).
    pub fn completion_rate(&self) -> Option<f64> {
        if self.completion.is_some() {
            return self.completion;
        }
        let (a, t) = (self.actual?, self.annual_target?);
        match self.comparator.direction() {
            Direction::LowerIsBetter if a > 0.0 => Some(t / a),
            Direction::LowerIsBetter => None,
            _ if t != 0.0 => Some(a / t),
            _ => None,
        }
    }
}

/// A milestone's status: the model's word.
pub use planwatch_model::MilestoneStatus;

/// A dated milestone (节点) of a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MilestoneView {
    pub what: String,
    pub due_year: Option<i32>,
    pub status: MilestoneStatus,
}

/// One task row (表B).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskView {
    pub number: u32,
    pub title: String,
    pub task_force: String,
    pub lead_units: Vec<String>,
    #[serde(default)]
    pub participating_units: Vec<String>,
    pub status: TaskStatus,
    #[serde(default)]
    pub light: Light,
    /// The latest reported progress (进展情况).
    #[serde(default)]
    pub progress: String,
    /// Problems the units reported (存在问题).
    #[serde(default)]
    pub problems: String,
    #[serde(default)]
    pub milestones: Vec<MilestoneView>,
    /// Source ids of the progress reports.
    #[serde(default)]
    pub sources: Vec<String>,
    /// The plan's stage: which words the status is said in.
    #[serde(default)]
    pub stage: PlanStage,
    /// Once the plan is over: the task judged as a whole (终期评估), and on what.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgement: Option<TaskJudgement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgement_basis: Option<String>,
}

impl TaskView {
    /// The task's word: its judgement as a whole once the plan is over, else the year's status
    /// in the words of the plan's stage.
    pub fn status_zh(&self) -> &'static str {
        self.judgement
            .map_or_else(|| self.year_status_zh(), TaskJudgement::label_zh)
    }

    /// The status of the year's work, in the words of the plan's stage.
    pub fn year_status_zh(&self) -> &'static str {
        self.status.label_at(self.stage)
    }

    /// Needs pushing: 未完成 once judged, else behind, not started or overdue.
    pub fn stalled(&self) -> bool {
        match self.judgement {
            Some(j) => j == TaskJudgement::NotCompleted,
            None => matches!(
                self.status,
                TaskStatus::Behind | TaskStatus::NotStarted | TaskStatus::Overdue
            ),
        }
    }

    /// Going well: 完成 once judged, else done or ahead.
    pub fn leading(&self) -> bool {
        match self.judgement {
            Some(j) => j == TaskJudgement::Completed,
            None => matches!(self.status, TaskStatus::Done | TaskStatus::Ahead),
        }
    }

    /// Where it should be: 完成 or 基本完成 once judged, else done, ahead or on schedule.
    pub fn on_track(&self) -> bool {
        self.judgement
            .map_or(self.status.on_track(), |j| j != TaskJudgement::NotCompleted)
    }
}

/// One line of a unit's score breakdown (温州 layout: 内容, 评分办法和标准, 分值, 得分).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreItemView {
    /// 内容: base points, a deduction, a bonus, indicator attainment…
    pub item: String,
    /// 评分办法和标准: the rule that gave or took the points.
    pub rule: String,
    /// 分值: the points at stake (None for open-ended deductions).
    #[serde(default)]
    pub max_points: Option<f64>,
    /// 得分: what the unit got (negative for deductions).
    pub points: f64,
    /// Why (which report was late, which indicator is red).
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub sources: Vec<String>,
}

/// A unit's score with rank and breakdown (表C).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitScoreView {
    pub unit: String,
    /// The class it is ranked in: 市直部门, 县（区）, 开发区, 企业.
    pub class: String,
    pub score: f64,
    /// Rank within `class`, 1-based.
    pub rank: u32,
    /// How many units the class has.
    pub class_size: u32,
    /// 等次 (优秀, 良好…) when the rules grade.
    #[serde(default)]
    pub grade: Option<String>,
    pub items: Vec<ScoreItemView>,
}

/// A unit's quarterly reporting over the year (报送及时性、完整性).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportingView {
    pub unit: String,
    /// Reports due in the year.
    pub expected: u32,
    /// Submitted by the deadline.
    pub on_time: u32,
    /// Submitted after the deadline.
    pub late: u32,
    /// Not submitted.
    pub missing: u32,
    /// Returned by the office for revision.
    #[serde(default)]
    pub returned: u32,
    #[serde(default)]
    pub sources: Vec<String>,
}

/// One unit's report for the view's period, as the monitor judged it at `as_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodReportView {
    pub unit: String,
    pub status: ReportingStatus,
    /// Days after the due date of the first submission, when it was late.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_late: Option<i64>,
    #[serde(default)]
    pub sources: Vec<String>,
}

impl PeriodReportView {
    /// 按时报送, 逾期报送, 未报送 …: the monitor's word.
    pub fn status_zh(&self) -> &'static str {
        self.status.label_zh()
    }
}

/// A report's status for its period: the monitor's word.
pub use planwatch_monitor::reporting::ReportingStatus;

/// What a plan is about, for titles: 阳泉市国家创新型城市建设三年行动计划（2022—2024年） →
/// 国家创新型城市建设.
pub fn program_name(plan_title: &str) -> String {
    // Drop bracketed parts: （2022—2024年）, (2022-2024).
    let mut s = String::new();
    let mut depth = 0u32;
    for c in plan_title.trim().trim_matches(['《', '》']).chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => s.push(c),
            _ => {}
        }
    }
    let mut s = s.trim().to_string();
    if let Some(rest) = s.strip_prefix("关于") {
        s = rest.to_string();
    }
    for suffix in [
        "行动计划",
        "实施方案",
        "工作要点",
        "任务分解表",
        "工作方案",
        "规划",
    ] {
        if let Some(i) = s.rfind(suffix) {
            s.truncate(i);
            break;
        }
    }
    // A span such as 三年 or 2022—2024年 before the genre word.
    for span in ["三年", "五年", "两年", "年度"] {
        if let Some(rest) = s.strip_suffix(span) {
            s = rest.to_string();
            break;
        }
    }
    let s = s.trim_end_matches(['的', '年']).to_string();
    // Drop the issuing place: 阳泉市, 山西省, 平定县… when a subject follows it.
    let chars: Vec<char> = s.chars().collect();
    for (i, c) in chars.iter().enumerate().take(8) {
        if matches!(c, '市' | '省' | '县') && i + 1 < chars.len() && i >= 1 {
            let rest: String = chars[i + 1..].iter().collect();
            if rest.chars().count() >= 4 {
                return rest;
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_is_named_by_its_key_or_its_heading_with_or_without_its_number() {
        for (name, want) in [
            ("problems", Some(SectionKey::Problems)),
            ("Problems", Some(SectionKey::Problems)),
            ("存在的问题", Some(SectionKey::Problems)),
            ("六、存在的问题", Some(SectionKey::Problems)),
            (" 对策建议 ", Some(SectionKey::Countermeasures)),
            ("overall", Some(SectionKey::Overall)),
            ("问题", None),
            ("summary", None),
            ("", None),
        ] {
            assert_eq!(SectionKey::parse(name), want, "{name}");
        }
        for k in SectionKey::ALL {
            assert_eq!(SectionKey::parse(k.as_str()), Some(k));
            assert_eq!(SectionKey::parse(k.heading_zh()), Some(k));
        }
    }

    #[test]
    fn the_program_is_the_plan_title_without_place_genre_and_years() {
        for (title, want) in [
            (
                "阳泉市国家创新型城市建设三年行动计划（2022—2024年）",
                "国家创新型城市建设",
            ),
            (
                "阳泉市国家创新型城市建设三年行动计划(2022—2024年)",
                "国家创新型城市建设",
            ),
            ("《山西省数字经济发展实施方案》", "数字经济发展"),
            ("关于推进科技创新的工作要点", "推进科技创新"),
            ("城市更新行动计划", "城市更新"),
        ] {
            assert_eq!(program_name(title), want, "{title}");
        }
    }

    #[test]
    fn completion_is_inverted_for_lower_is_better_indicators() {
        let mut i = IndicatorView {
            id: "x".into(),
            name: "数据中心PUE".into(),
            unit: String::new(),
            headline: false,
            task: None,
            task_force: None,
            comparator: Comparator::AtMost,
            target: Some(1.3),
            target_year: Some(2024),
            annual_target: Some(1.4),
            actual: Some(1.25),
            schedule_share: 1.0,
            completion: None,
            status: IndicatorVerdict::Achieved,
            light: Light::Green,
            forecast: None,
            units: vec![],
            note: String::new(),
            series: vec![],
            sources: vec![],
            decimals: None,
            stage: Default::default(),
        };
        assert!((i.completion_rate().expect("rate") - 1.12).abs() < 1e-9);
        i.comparator = Comparator::AtLeast;
        i.annual_target = Some(0.0);
        assert_eq!(i.completion_rate(), None);
    }
}
