//! The words of monitoring, each defined once with its Chinese label next to it: a task's
//! status, a milestone's status, the traffic light, an indicator's verdict for the year, which
//! way is better, how a value is compared with a target, and what kind of figure an indicator
//! is. The extractor, the quarterly forms, the monitor, the documents and the web all use these
//! types; none of them keeps its own copy or a mapping between copies.
//!
//! Where two crates used to spell a word differently on the wire, the old spelling is still
//! read (`serde(alias)`) so stored reports, snapshots and configuration files keep loading;
//! everything is written in one spelling (docs/decisions/0049-one-vocabulary.md).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A task's or work item's progress status (report-anatomy §2.3, canonical set, plus 逾期).
///
/// A unit reports one of [`TaskStatus::REPORTED`] (其他 needs an explanation); the monitor
/// assesses one of [`TaskStatus::ASSESSED`] (逾期 when a due milestone is not done). The order
/// of the variants is the order of the documents' tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// 已完成 (including 提前完成).
    #[serde(alias = "completed")]
    Done,
    /// 超序时: ahead of the pro-rata schedule.
    #[serde(alias = "ahead_of_schedule")]
    Ahead,
    /// 序时推进: on schedule.
    OnSchedule,
    /// 滞后序时: behind schedule.
    #[serde(alias = "behind_schedule")]
    Behind,
    /// 未启动.
    NotStarted,
    /// 逾期: a milestone is past due and not done (assessed, never reported).
    Overdue,
    /// 其他, e.g. 客观原因暂缓; needs an explanation (reported, never assessed).
    Other,
}

impl TaskStatus {
    /// What a unit may choose in a quarterly report, in the forms' order.
    pub const REPORTED: [TaskStatus; 6] = [
        TaskStatus::Done,
        TaskStatus::Ahead,
        TaskStatus::OnSchedule,
        TaskStatus::Behind,
        TaskStatus::NotStarted,
        TaskStatus::Other,
    ];

    /// What the monitor concludes for a task, in the documents' order.
    pub const ASSESSED: [TaskStatus; 6] = [
        TaskStatus::Done,
        TaskStatus::Ahead,
        TaskStatus::OnSchedule,
        TaskStatus::Behind,
        TaskStatus::NotStarted,
        TaskStatus::Overdue,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            TaskStatus::Done => "已完成",
            TaskStatus::Ahead => "超序时",
            TaskStatus::OnSchedule => "序时推进",
            TaskStatus::Behind => "滞后序时",
            TaskStatus::NotStarted => "未启动",
            TaskStatus::Overdue => "逾期",
            TaskStatus::Other => "其他",
        }
    }

    /// The status word at a stage of the plan: 序时 words while it runs, plain words in the
    /// final evaluation (进度超前 / 按计划推进 / 进度滞后).
    pub fn label_at(self, stage: PlanStage) -> &'static str {
        match (self, stage.is_final()) {
            (TaskStatus::Ahead, true) => "进度超前",
            (TaskStatus::OnSchedule, true) => "按计划推进",
            (TaskStatus::Behind, true) => "进度滞后",
            _ => self.label_zh(),
        }
    }

    /// Reads a status a unit may report from its Chinese label (also 其它 and 提前完成, which
    /// mean the same). 逾期 is the monitor's conclusion, never a unit's answer: `None`.
    pub fn from_label_zh(s: &str) -> Option<Self> {
        match s.trim() {
            "已完成" | "提前完成" => Some(TaskStatus::Done),
            "超序时" => Some(TaskStatus::Ahead),
            "序时推进" => Some(TaskStatus::OnSchedule),
            "滞后序时" => Some(TaskStatus::Behind),
            "未启动" => Some(TaskStatus::NotStarted),
            "其他" | "其它" => Some(TaskStatus::Other),
            _ => None,
        }
    }

    /// Whether the task is where it should be (for the overall judgement).
    pub fn on_track(self) -> bool {
        matches!(
            self,
            TaskStatus::Done | TaskStatus::Ahead | TaskStatus::OnSchedule
        )
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

/// Where the assessed period stands in the plan's life (docs/decisions/0054-plan-stage.md).
/// While the plan runs, a year's work is measured against 序时进度 (the share of the year
/// elapsed); from the plan's final year on, the assessment is the final evaluation (终期评估):
/// targets are 已实现 / 未实现 and tasks are judged as a whole, and no word says 序时.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStage {
    /// Before the plan's final year (or the plan's years are unknown).
    #[default]
    Running,
    /// The plan's final year, before its last quarter ends.
    FinalYear,
    /// The plan's last quarter and after: its whole period is over at the period's end.
    Closed,
}

impl PlanStage {
    /// The stage of `period` for a plan ending in `end_year` (`None`: not known, running).
    pub fn of(end_year: Option<i32>, period: crate::Quarter) -> PlanStage {
        match end_year {
            Some(end) if period.year() > end || (period.year() == end && period.number() == 4) => {
                PlanStage::Closed
            }
            Some(end) if period.year() == end => PlanStage::FinalYear,
            _ => PlanStage::Running,
        }
    }

    /// The final evaluation (终期评估) applies: the plan's final year or later.
    pub fn is_final(self) -> bool {
        self != PlanStage::Running
    }

    /// The word for the share of the year elapsed: 序时进度 while the plan runs, 时间进度 in the
    /// final evaluation.
    pub fn schedule_term(self) -> &'static str {
        if self.is_final() {
            "时间进度"
        } else {
            "序时进度"
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PlanStage::Running => "计划实施期",
            PlanStage::FinalYear => "计划收官之年",
            PlanStage::Closed => "计划期满（终期评估）",
        }
    }
}

/// A task judged as a whole at the end of the plan (终期评估), apart from the year's work:
/// 完成 when its work and every milestone of the plan are done; 基本完成 when at least the
/// configured share of it is; else 未完成.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskJudgement {
    Completed,
    LargelyCompleted,
    NotCompleted,
}

impl TaskJudgement {
    pub const ALL: [TaskJudgement; 3] = [
        TaskJudgement::Completed,
        TaskJudgement::LargelyCompleted,
        TaskJudgement::NotCompleted,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            TaskJudgement::Completed => "完成",
            TaskJudgement::LargelyCompleted => "基本完成",
            TaskJudgement::NotCompleted => "未完成",
        }
    }
}

/// The office's judgement of a qualitative goal of the plan (资源型城市绿色转型先行示范 …) at
/// the final evaluation: the data cannot decide it, so the office judges it with evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalVerdict {
    Achieved,
    LargelyAchieved,
    NotAchieved,
}

impl GoalVerdict {
    pub const ALL: [GoalVerdict; 3] = [
        GoalVerdict::Achieved,
        GoalVerdict::LargelyAchieved,
        GoalVerdict::NotAchieved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GoalVerdict::Achieved => "achieved",
            GoalVerdict::LargelyAchieved => "largely_achieved",
            GoalVerdict::NotAchieved => "not_achieved",
        }
    }

    pub fn parse(s: &str) -> Option<GoalVerdict> {
        GoalVerdict::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            GoalVerdict::Achieved => "已实现",
            GoalVerdict::LargelyAchieved => "基本实现",
            GoalVerdict::NotAchieved => "未实现",
        }
    }
}

/// A milestone's (节点) status, judged on its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneStatus {
    Done,
    OnSchedule,
    Behind,
    NotStarted,
    Overdue,
}

impl MilestoneStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            MilestoneStatus::Done => "已完成",
            MilestoneStatus::OnSchedule => "按期推进",
            MilestoneStatus::Behind => "滞后",
            MilestoneStatus::NotStarted => "未启动",
            MilestoneStatus::Overdue => "逾期",
        }
    }
}

/// A traffic light (红黄绿灯, 三色预警). Grey means there is nothing to judge yet.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Green,
    Yellow,
    Red,
    #[default]
    #[serde(alias = "none")]
    Grey,
}

impl Light {
    /// The name on the wire (JSON, CSS classes): `green`, `yellow`, `red`, `grey`.
    pub fn as_str(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
            Light::Grey => "grey",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Light::Green => "绿灯",
            Light::Yellow => "黄灯",
            Light::Red => "红灯",
            Light::Grey => "无灯",
        }
    }
}

/// Where an indicator stands for the year against 序时进度: the annual report's and the
/// feedback's four-way verdict (表A 完成情况). The monitor's finer
/// `planwatch_monitor::indicator::IndicatorStatus` (eleven values across the progress and
/// schedule methods) decides it, in the monitor, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorVerdict {
    /// The annual target is reached.
    Achieved,
    /// At or ahead of schedule.
    OnSchedule,
    /// Behind schedule.
    Behind,
    /// Nothing reported yet.
    NoData,
}

impl IndicatorVerdict {
    pub fn label_zh(self) -> &'static str {
        match self {
            IndicatorVerdict::Achieved => "已完成",
            IndicatorVerdict::OnSchedule => "达到序时进度",
            IndicatorVerdict::Behind => "未达到序时进度",
            IndicatorVerdict::NoData => "暂无数据",
        }
    }

    /// The verdict at a stage of the plan. In the final evaluation the year's target is the
    /// plan's target: 已实现, 按计划推进 / 尚未实现 during the final year, 未实现 once it is over.
    pub fn label_at(self, stage: PlanStage) -> &'static str {
        match (self, stage) {
            (_, PlanStage::Running) | (IndicatorVerdict::NoData, _) => self.label_zh(),
            (IndicatorVerdict::Achieved, _) => "已实现",
            (IndicatorVerdict::OnSchedule, _) => "按计划推进",
            (IndicatorVerdict::Behind, PlanStage::FinalYear) => "尚未实现",
            (IndicatorVerdict::Behind, PlanStage::Closed) => "未实现",
        }
    }
}

/// Which way is better for an indicator: R&D 投入 up, PUE and 能耗 down. The monitor's
/// formulas call it `d` (+1 / −1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher is better (达到、不低于、以上).
    #[default]
    #[serde(alias = "positive")]
    HigherIsBetter,
    /// Lower is better (以下、不超过、降低).
    #[serde(alias = "negative")]
    LowerIsBetter,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::HigherIsBetter, Direction::LowerIsBetter];

    /// The name on the wire (JSON, the store's columns).
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher_is_better",
            Direction::LowerIsBetter => "lower_is_better",
        }
    }

    /// `d` of the formulas: +1 or −1.
    pub fn sign(self) -> f64 {
        match self {
            Direction::HigherIsBetter => 1.0,
            Direction::LowerIsBetter => -1.0,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "越高越好",
            Direction::LowerIsBetter => "越低越好",
        }
    }

    /// Parses `positive` / `negative` (the Open SDG columns), the JSON names
    /// `higher_is_better` / `lower_is_better`, and 正向 / 逆向.
    pub fn parse(s: &str) -> Option<Direction> {
        match s.trim() {
            "positive" | "higher_is_better" | "正向" => Some(Direction::HigherIsBetter),
            "negative" | "lower_is_better" | "逆向" => Some(Direction::LowerIsBetter),
            _ => None,
        }
    }
}

/// How the plan words a target's relation to its number (the `comparator` field of the plan
/// interchange JSON). The monitor turns it into a [`Comparator`] with the indicator's
/// [`Direction`] ([`Comparator::from_wording`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetWording {
    /// 达到 / 达 / 以上 / 不少于 / 不低于 / 至少.
    AtLeast,
    /// 以下 / 不超过 / 控制在…以内.
    AtMost,
    /// A point value with no reach verb and no bound word.
    Equal,
    /// 左右 / 约.
    About,
    /// 翻一番 with no stated value.
    Double,
    /// No number at all.
    Qualitative,
}

impl TargetWording {
    /// Every wording, in the order a form offers them.
    pub const ALL: [TargetWording; 6] = [
        TargetWording::AtLeast,
        TargetWording::AtMost,
        TargetWording::Equal,
        TargetWording::About,
        TargetWording::Double,
        TargetWording::Qualitative,
    ];

    /// The word a person reads: 不少于, 不超过, 等于, 约, 翻一番, 定性.
    pub fn label_zh(self) -> &'static str {
        match self {
            TargetWording::AtLeast => "不少于",
            TargetWording::AtMost => "不超过",
            TargetWording::Equal => "等于",
            TargetWording::About => "约",
            TargetWording::Double => "翻一番",
            TargetWording::Qualitative => "定性",
        }
    }

    /// The name on the wire (the plan JSON's `comparator`, the store's columns).
    pub fn as_str(self) -> &'static str {
        match self {
            TargetWording::AtLeast => "at_least",
            TargetWording::AtMost => "at_most",
            TargetWording::Equal => "equal",
            TargetWording::About => "about",
            TargetWording::Double => "double",
            TargetWording::Qualitative => "qualitative",
        }
    }
}

/// How a value is compared with a target: `≥ > ≤ <`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    /// `≥`: 达到、不低于、以上.
    AtLeast,
    /// `>`: 超过、高于.
    Above,
    /// `≤`: 不超过、控制在…以内.
    AtMost,
    /// `<`: 低于、…以下 in the sense of the PUE target.
    Below,
}

impl Comparator {
    /// The direction a target with this comparator implies.
    pub fn direction(self) -> Direction {
        match self {
            Comparator::AtLeast | Comparator::Above => Direction::HigherIsBetter,
            Comparator::AtMost | Comparator::Below => Direction::LowerIsBetter,
        }
    }

    /// The inclusive comparator for a direction (the reference's only behaviour).
    pub fn inclusive(d: Direction) -> Comparator {
        match d {
            Direction::HigherIsBetter => Comparator::AtLeast,
            Direction::LowerIsBetter => Comparator::AtMost,
        }
    }

    pub fn is_met(self, value: f64, target: f64) -> bool {
        match self {
            Comparator::AtLeast => value >= target,
            Comparator::Above => value > target,
            Comparator::AtMost => value <= target,
            Comparator::Below => value < target,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => "≥",
            Comparator::Above => ">",
            Comparator::AtMost => "≤",
            Comparator::Below => "<",
        }
    }

    /// The comparator for a target as the plan words it: 达到/以上 → `≥`, 以下/不超过 → `≤`; a
    /// bare point value or 左右 is read in the indicator's direction (inclusive); 翻一番
    /// without a value and qualitative targets have no comparator. Strict `<`/`>` are never
    /// inferred from the text: the office sets them in the indicator's configuration.
    pub fn from_wording(w: TargetWording, d: Direction) -> Option<Comparator> {
        match w {
            TargetWording::AtLeast => Some(Comparator::AtLeast),
            TargetWording::AtMost => Some(Comparator::AtMost),
            TargetWording::Equal | TargetWording::About => Some(Comparator::inclusive(d)),
            TargetWording::Double | TargetWording::Qualitative => None,
        }
    }

    /// Parses `at_least`, `above`, `at_most`, `below` or the symbols `>=`, `>`, `<=`, `<`.
    pub fn parse(s: &str) -> Option<Comparator> {
        match s.trim() {
            "at_least" | ">=" | "≥" => Some(Comparator::AtLeast),
            "above" | ">" => Some(Comparator::Above),
            "at_most" | "<=" | "≤" => Some(Comparator::AtMost),
            "below" | "<" => Some(Comparator::Below),
            _ => None,
        }
    }
}

/// What an indicator's reported figure is; decides validation, how quarterly values are read
/// and which forecast model applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// A running total since the start (累计数): 5G基站累计建成数, 国家高新技术企业数量 as a
    /// stock at each date. Never decreases. Forecast by compound growth.
    #[serde(alias = "cumulative_count")]
    Cumulative,
    /// A point-in-time level (时点值): PUE, output per head, a price. Forecast by compound
    /// growth.
    #[default]
    Level,
    /// A share or rate (比重、占比、增长速度), usually in %. Forecast linearly (percentage points
    /// per year): a share must not be compounded past its natural bounds.
    Ratio,
    /// A flow summed from 1 January to the end of the period (年内累计): 技术合同成交额,
    /// investment. Never decreases within a year; starts again each January. Quarterly values
    /// are annualised (× 4/q) before they are compared with annual targets; the schedule method
    /// reads the raw year-to-date value against the year's target.
    #[serde(alias = "year_to_date_flow")]
    YearToDate,
}

impl IndicatorKind {
    pub const ALL: [IndicatorKind; 4] = [
        IndicatorKind::Cumulative,
        IndicatorKind::Level,
        IndicatorKind::Ratio,
        IndicatorKind::YearToDate,
    ];

    /// The name on the wire (JSON, TOML, the store's column).
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Cumulative => "cumulative",
            IndicatorKind::Level => "level",
            IndicatorKind::Ratio => "ratio",
            IndicatorKind::YearToDate => "year_to_date",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            IndicatorKind::Cumulative => "累计值",
            IndicatorKind::Level => "时点值",
            IndicatorKind::Ratio => "比率",
            IndicatorKind::YearToDate => "年内累计值",
        }
    }

    /// Parses the snake_case names used in JSON, TOML and CSV (also the monitor's former
    /// `cumulative_count` and `year_to_date_flow`).
    pub fn parse(s: &str) -> Option<IndicatorKind> {
        match s.trim() {
            "cumulative" | "cumulative_count" => Some(IndicatorKind::Cumulative),
            "level" => Some(IndicatorKind::Level),
            "ratio" => Some(IndicatorKind::Ratio),
            "year_to_date" | "year_to_date_flow" => Some(IndicatorKind::YearToDate),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stage_follows_the_plan_years_and_no_final_word_says_xushi() {
        let q = |y, n| crate::Quarter::new(y, n).expect("valid quarter");
        assert_eq!(PlanStage::of(Some(2024), q(2023, 4)), PlanStage::Running);
        assert_eq!(PlanStage::of(Some(2024), q(2024, 1)), PlanStage::FinalYear);
        assert_eq!(PlanStage::of(Some(2024), q(2024, 3)), PlanStage::FinalYear);
        assert_eq!(PlanStage::of(Some(2024), q(2024, 4)), PlanStage::Closed);
        assert_eq!(PlanStage::of(Some(2024), q(2025, 2)), PlanStage::Closed);
        assert_eq!(PlanStage::of(None, q(2030, 4)), PlanStage::Running);
        for stage in [PlanStage::FinalYear, PlanStage::Closed] {
            assert!(!stage.schedule_term().contains("序时"));
            for s in TaskStatus::ASSESSED {
                assert!(!s.label_at(stage).contains("序时"), "{s:?} at {stage:?}");
            }
            for v in [
                IndicatorVerdict::Achieved,
                IndicatorVerdict::OnSchedule,
                IndicatorVerdict::Behind,
                IndicatorVerdict::NoData,
            ] {
                assert!(!v.label_at(stage).contains("序时"), "{v:?} at {stage:?}");
            }
        }
        assert_eq!(
            IndicatorVerdict::Behind.label_at(PlanStage::Running),
            "未达到序时进度"
        );
        assert_eq!(
            IndicatorVerdict::Behind.label_at(PlanStage::Closed),
            "未实现"
        );
        assert_eq!(TaskStatus::Behind.label_at(PlanStage::Running), "滞后序时");
    }

    #[test]
    fn every_reported_status_label_reads_back_to_itself_and_overdue_is_not_reportable() {
        for s in TaskStatus::REPORTED {
            assert_eq!(TaskStatus::from_label_zh(s.label_zh()), Some(s));
        }
        assert_eq!(TaskStatus::from_label_zh("逾期"), None);
        assert_eq!(TaskStatus::from_label_zh("进行中"), None);
    }

    #[test]
    fn old_spellings_still_read_and_one_spelling_is_written() {
        let s: TaskStatus = serde_json::from_str("\"completed\"").expect("valid");
        assert_eq!(s, TaskStatus::Done);
        assert_eq!(serde_json::to_string(&s).expect("valid"), "\"done\"");
        let l: Light = serde_json::from_str("\"none\"").expect("valid");
        assert_eq!(l, Light::Grey);
        let d: Direction = serde_json::from_str("\"negative\"").expect("valid");
        assert_eq!(d, Direction::LowerIsBetter);
        assert_eq!(
            serde_json::to_string(&d).expect("valid"),
            "\"lower_is_better\""
        );
        let k: IndicatorKind = serde_json::from_str("\"year_to_date_flow\"").expect("valid");
        assert_eq!(k, IndicatorKind::YearToDate);
        assert_eq!(
            IndicatorKind::parse("cumulative_count"),
            Some(IndicatorKind::Cumulative)
        );
    }

    #[test]
    fn the_wire_names_are_the_serde_names() {
        for l in [Light::Green, Light::Yellow, Light::Red, Light::Grey] {
            assert_eq!(json(&l), format!("\"{}\"", l.as_str()));
        }
        for d in [Direction::HigherIsBetter, Direction::LowerIsBetter] {
            assert_eq!(json(&d), format!("\"{}\"", d.as_str()));
        }
        for w in [
            TargetWording::AtLeast,
            TargetWording::AtMost,
            TargetWording::Equal,
            TargetWording::About,
            TargetWording::Double,
            TargetWording::Qualitative,
        ] {
            assert_eq!(json(&w), format!("\"{}\"", w.as_str()));
        }
    }

    fn json<T: Serialize>(v: &T) -> String {
        serde_json::to_string(v).expect("serialises")
    }

    #[test]
    fn a_worded_target_becomes_a_comparator_in_the_indicators_direction() {
        let lower = Direction::LowerIsBetter;
        assert_eq!(
            Comparator::from_wording(TargetWording::About, lower),
            Some(Comparator::AtMost)
        );
        assert_eq!(Comparator::from_wording(TargetWording::Double, lower), None);
        for c in [
            Comparator::AtLeast,
            Comparator::Above,
            Comparator::AtMost,
            Comparator::Below,
        ] {
            assert_eq!(Comparator::parse(c.symbol()), Some(c));
        }
    }
}
