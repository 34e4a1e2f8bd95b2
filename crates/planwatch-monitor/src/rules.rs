//! Monitoring and scoring rules: traffic-light thresholds, deductions, attainment points,
//! bonuses and caps, the lead/participating split, ranking classes and aggregation weights.
//!
//! Every key has a default (the `Default` impls below, identical to `config/scoring.toml`, which
//! a test keeps in step). A TOML file may set any subset; unknown keys are errors so a typo
//! never silently falls back to a default. Patterns behind the defaults:
//! shared/reference/report-anatomy.md §2.4 (银川 red/yellow/green thresholds) and §3
//! (起评分100 deduction sheets, 承办60%/协办40%, capped bonuses, ranking within unit classes).

use planwatch_model::UnitKind;
use serde::{Deserialize, Serialize};

/// All rules the monitor reads.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    pub schedule: ScheduleRules,
    pub base: BaseRules,
    pub reporting: ReportingRules,
    pub warnings: WarningRules,
    pub attainment: AttainmentRules,
    pub responsibility: ResponsibilityRules,
    pub workload: WorkloadRules,
    pub bonus: BonusRules,
    pub ranking: RankingRules,
    pub grades: GradeRules,
    pub aggregate: AggregateRules,
}

/// 序时进度 thresholds, in percentage points behind schedule (gap = expected − actual share).
/// gap < 0 超序时 (green); 0 ≤ gap < `yellow_gap` 序时推进 (green: a small lag inside the
/// tolerance band, as in the 银川 rule that warns only from 10 points); `yellow_gap` ≤ gap ≤
/// `red_gap` 滞后序时 yellow (both ends included, "10–30个百分点(含)"); gap > `red_gap` red.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleRules {
    pub yellow_gap: f64,
    pub red_gap: f64,
    /// 终期评估: a task not wholly done is 基本完成 when at least this percent of its parts
    /// (the plan's milestones and the final year's work) is done, else 未完成.
    pub largely_complete: f64,
}

impl Default for ScheduleRules {
    fn default() -> Self {
        ScheduleRules {
            yellow_gap: 10.0,
            red_gap: 30.0,
            largely_complete: 80.0,
        }
    }
}

/// The starting score (起评分) and the lowest score a unit can get.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BaseRules {
    pub points: f64,
    pub floor: f64,
}

impl Default for BaseRules {
    fn default() -> Self {
        BaseRules {
            points: 100.0,
            floor: 0.0,
        }
    }
}

/// Deductions for quarterly reports (per report, per return), with a cap on their total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportingRules {
    /// Per report not submitted after its due date (未报).
    pub missing: f64,
    /// Per report first submitted after its due date (逾期报送).
    pub late: f64,
    /// Per time a report was returned by the office (退回).
    pub returned: f64,
    /// The most all reporting deductions together may take.
    pub cap: f64,
}

impl Default for ReportingRules {
    fn default() -> Self {
        ReportingRules {
            missing: 10.0,
            late: 2.0,
            returned: 1.0,
            cap: 30.0,
        }
    }
}

/// Deductions for the current yellow and red lights of the unit's tasks, shared between lead
/// and participating units by [`ResponsibilityRules`], with a cap on their total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WarningRules {
    pub yellow: f64,
    pub red: f64,
    pub cap: f64,
}

impl Default for WarningRules {
    fn default() -> Self {
        WarningRules {
            yellow: 1.0,
            red: 3.0,
            cap: 20.0,
        }
    }
}

/// Indicator attainment: a unit (or task force) loses up to `points`, in proportion to how far
/// its indicators' scores are below 5: item = −points × wᵢ/Σw × (5 − scoreᵢ)/10, where wᵢ is
/// the indicator's weight times the unit's responsibility share. Indicators without a score are
/// listed with 0 points and left out of Σw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AttainmentRules {
    pub points: f64,
}

impl Default for AttainmentRules {
    fn default() -> Self {
        AttainmentRules { points: 20.0 }
    }
}

/// How a task's or indicator's points are shared between its units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitMode {
    /// Lead units together bear `lead`, participating units together bear `participating`
    /// (each side divided equally); with no participating unit the lead units bear all of it.
    Split,
    /// Every lead unit bears `lead` and every participating unit `participating`.
    Each,
}

/// The lead (牵头/承办) and participating (参加/协办) shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResponsibilityRules {
    pub mode: SplitMode,
    pub lead: f64,
    pub participating: f64,
}

impl Default for ResponsibilityRules {
    fn default() -> Self {
        ResponsibilityRules {
            mode: SplitMode::Split,
            lead: 0.6,
            participating: 0.4,
        }
    }
}

/// Responsibility weighting (任务量折算): a unit that carries little cannot top the ranking only
/// because it had little to lose. A unit's load is the sum of its shares (as split by
/// [`ResponsibilityRules`]) of the tasks and indicators it is named on; at or above `full_load`
/// its own work score (the score without reporting deductions) counts in full, below it only the
/// fraction load ÷ `full_load` does and the rest is its ranking class's load-weighted mean work
/// score: work = mean + (own − mean) × load ÷ full_load. The adjustment is one breakdown line
/// with the figures. `full_load = 0` turns it off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkloadRules {
    pub full_load: f64,
}

impl Default for WorkloadRules {
    fn default() -> Self {
        WorkloadRules { full_load: 2.0 }
    }
}

/// Bonuses (加分) and their caps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BonusRules {
    /// Per indicator whose target is already met before its target year (shared like
    /// deductions).
    pub early_target: f64,
    /// Per task whose year's work is complete before the fourth quarter (shared likewise).
    pub task_completed_early: f64,
    /// The most one approved bonus claim (创新工作、表彰) may give.
    pub max_per_claim: f64,
    /// The most all bonuses together may give.
    pub cap: f64,
}

impl Default for BonusRules {
    fn default() -> Self {
        BonusRules {
            early_target: 1.0,
            task_completed_early: 0.5,
            max_per_claim: 2.0,
            cap: 5.0,
        }
    }
}

/// A group of unit kinds ranked together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankClass {
    pub name: String,
    pub kinds: Vec<UnitKind>,
}

/// Units are ranked within classes; a kind in no class is not ranked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RankingRules {
    pub classes: Vec<RankClass>,
}

impl Default for RankingRules {
    fn default() -> Self {
        let class = |name: &str, kinds: &[UnitKind]| RankClass {
            name: name.to_string(),
            kinds: kinds.to_vec(),
        };
        RankingRules {
            classes: vec![
                class("市直部门", &[UnitKind::CityDepartment]),
                class(
                    "县（区）",
                    &[UnitKind::CountyGovernment, UnitKind::DevelopmentZone],
                ),
                class("企业", &[UnitKind::Enterprise]),
                class("事业单位", &[UnitKind::Institution]),
                class("其他", &[UnitKind::Other]),
            ],
        }
    }
}

/// 等次: grades given within each ranking class, best first. A unit gets the first band whose
/// minimum score it reaches while the band's quota (a share of its class, rounded down, but at
/// least one place: 不足一名的按一名) is not full; units with equal scores always get the same grade, so a tie that would overflow a
/// quota goes to the next band together. Below every band: `below`. The default follows the
/// 等次制 in report-anatomy.md §3 (杭考评办〔2018〕14号: 优秀 ≤15%, 良好 ≤20%). No bands: no
/// grades.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GradeRules {
    pub bands: Vec<GradeBand>,
    pub below: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBand {
    pub name: String,
    pub min_score: f64,
    /// The largest share of the class that may get this grade (0–1); none: no quota.
    #[serde(default)]
    pub max_share: Option<f64>,
}

impl Default for GradeRules {
    fn default() -> Self {
        let band = |name: &str, min_score: f64, max_share: Option<f64>| GradeBand {
            name: name.to_string(),
            min_score,
            max_share,
        };
        GradeRules {
            bands: vec![
                band("优秀", 95.0, Some(0.15)),
                band("良好", 90.0, Some(0.20)),
                band("合格", 60.0, None),
            ],
            below: "不合格".to_string(),
        }
    }
}

/// Weight of each unit kind when unit scores are averaged (overall, per county/district).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KindWeights {
    pub city_department: f64,
    pub county_government: f64,
    pub development_zone: f64,
    pub enterprise: f64,
    pub institution: f64,
    pub other: f64,
}

impl Default for KindWeights {
    fn default() -> Self {
        KindWeights {
            city_department: 1.0,
            county_government: 1.0,
            development_zone: 1.0,
            enterprise: 1.0,
            institution: 1.0,
            other: 1.0,
        }
    }
}

impl KindWeights {
    /// The weight of a kind; groups (各县（区）) are never scored, so they weigh nothing.
    pub fn of(&self, kind: UnitKind) -> f64 {
        match kind {
            UnitKind::CityDepartment => self.city_department,
            UnitKind::CountyGovernment => self.county_government,
            UnitKind::DevelopmentZone => self.development_zone,
            UnitKind::Enterprise => self.enterprise,
            UnitKind::Institution => self.institution,
            UnitKind::Other => self.other,
            UnitKind::Group => 0.0,
        }
    }
}

/// How group scores are averaged.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AggregateRules {
    pub kind_weights: KindWeights,
}

/// A rules file that cannot be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    #[error("评分规则文件格式错误：{0}")]
    Toml(String),
    #[error("评分规则“{key}”取值不合理：{problem}")]
    Invalid { key: String, problem: String },
}

impl Rules {
    /// Reads rules from TOML text; keys left out keep their defaults.
    pub fn from_toml_str(text: &str) -> Result<Rules, RulesError> {
        let rules: Rules = toml::from_str(text).map_err(|e| RulesError::Toml(e.to_string()))?;
        rules.validate()?;
        Ok(rules)
    }

    /// Checks values that parse but make no sense.
    pub fn validate(&self) -> Result<(), RulesError> {
        let bad = |key: &str, problem: &str| RulesError::Invalid {
            key: key.to_string(),
            problem: problem.to_string(),
        };
        let non_negative = [
            ("schedule.yellow_gap", self.schedule.yellow_gap),
            ("schedule.red_gap", self.schedule.red_gap),
            ("schedule.largely_complete", self.schedule.largely_complete),
            ("base.points", self.base.points),
            ("reporting.missing", self.reporting.missing),
            ("reporting.late", self.reporting.late),
            ("reporting.returned", self.reporting.returned),
            ("reporting.cap", self.reporting.cap),
            ("warnings.yellow", self.warnings.yellow),
            ("warnings.red", self.warnings.red),
            ("warnings.cap", self.warnings.cap),
            ("attainment.points", self.attainment.points),
            ("responsibility.lead", self.responsibility.lead),
            (
                "responsibility.participating",
                self.responsibility.participating,
            ),
            ("workload.full_load", self.workload.full_load),
            ("bonus.early_target", self.bonus.early_target),
            (
                "bonus.task_completed_early",
                self.bonus.task_completed_early,
            ),
            ("bonus.max_per_claim", self.bonus.max_per_claim),
            ("bonus.cap", self.bonus.cap),
        ];
        for (key, v) in non_negative {
            if !v.is_finite() || v < 0.0 {
                return Err(bad(key, "应为不小于0的数"));
            }
        }
        if self.schedule.largely_complete > 100.0 {
            return Err(bad("schedule.largely_complete", "应在0到100之间（百分比）"));
        }
        if self.schedule.red_gap < self.schedule.yellow_gap {
            return Err(bad("schedule.red_gap", "不能小于 schedule.yellow_gap"));
        }
        if !self.base.floor.is_finite() || self.base.floor > self.base.points {
            return Err(bad("base.floor", "不能高于起评分 base.points"));
        }
        let w = &self.aggregate.kind_weights;
        for (key, v) in [
            ("city_department", w.city_department),
            ("county_government", w.county_government),
            ("development_zone", w.development_zone),
            ("enterprise", w.enterprise),
            ("institution", w.institution),
            ("other", w.other),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err(bad(
                    &format!("aggregate.kind_weights.{key}"),
                    "应为不小于0的数",
                ));
            }
        }
        let mut seen: Vec<UnitKind> = Vec::new();
        for c in &self.ranking.classes {
            for k in &c.kinds {
                if seen.contains(k) {
                    return Err(bad(
                        "ranking.classes",
                        &format!("单位类型“{}”出现在多个排名类别中", k.label_zh()),
                    ));
                }
                seen.push(*k);
            }
        }
        Ok(())
    }

    /// The ranking class of a unit kind.
    pub fn rank_class(&self, kind: UnitKind) -> Option<&RankClass> {
        self.ranking
            .classes
            .iter()
            .find(|c| c.kinds.contains(&kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_file_equals_the_built_in_defaults() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../config/scoring.toml");
        let text = std::fs::read_to_string(path).expect("config/scoring.toml is in the repository");
        assert_eq!(
            Rules::from_toml_str(&text).expect("valid"),
            Rules::default()
        );
    }

    #[test]
    fn a_partial_file_keeps_the_other_defaults() {
        let r = Rules::from_toml_str("[warnings]\nred = 5\n").expect("valid");
        assert_eq!(r.warnings.red, 5.0);
        assert_eq!(r.warnings.yellow, 1.0);
        assert_eq!(r.reporting, ReportingRules::default());
    }

    #[test]
    fn a_misspelt_key_is_an_error_not_a_default() {
        let e = Rules::from_toml_str("[warnings]\nredd = 5\n").expect_err("unknown key");
        assert!(e.to_string().contains("redd"), "{e}");
    }

    #[test]
    fn contradictory_thresholds_are_rejected() {
        let e = Rules::from_toml_str("[schedule]\nyellow_gap = 20\nred_gap = 10\n")
            .expect_err("invalid");
        assert!(e.to_string().contains("schedule.red_gap"), "{e}");
    }

    #[test]
    fn a_kind_in_two_ranking_classes_is_rejected() {
        let text = "[[ranking.classes]]\nname = \"a\"\nkinds = [\"enterprise\"]\n\
                    [[ranking.classes]]\nname = \"b\"\nkinds = [\"enterprise\"]\n";
        assert!(Rules::from_toml_str(text).is_err());
    }
}
