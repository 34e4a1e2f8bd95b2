//! Indicators as things that are reported: who reports each figure, its unit, direction, kind,
//! baseline, targets and validation rules. The reporting crate builds the catalogue from the plan
//! and configuration; the monitor reads it. Pure data: no IO, no clock.

use crate::ids::{IndicatorCode, UnitName};
use crate::plan::{Direction, TargetWording};
use serde::{Deserialize, Serialize};

pub use crate::vocab::IndicatorKind;

/// The value an indicator started from (基期值).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub year: i32,
    pub value: f64,
    /// Where the figure comes from (统计公报、部门台账…).
    #[serde(default)]
    pub source: String,
}

/// One dated target of an indicator; an indicator may have several (2000 by 2022, 3600 by 2024).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorTarget {
    pub year: i32,
    pub value: f64,
    /// Upper end of a range target such as 3-5座.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_max: Option<f64>,
    pub comparator: TargetWording,
    /// Where the target was stated: 总体目标, 任务18, or 配置 for configured intermediate targets.
    #[serde(default)]
    pub source: String,
    /// The clause of the plan that states it.
    #[serde(default)]
    pub text: String,
}

/// Checks applied to every reported value of an indicator.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ValidationRules {
    /// Smallest acceptable value (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest acceptable value (inclusive); 100 for a share in %.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Whether the value must be a whole number (counts of enterprises, stations, people).
    #[serde(default)]
    pub integer: bool,
    /// A change of more than this share against the previous period (0.5 = 50%) needs a note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_change_share: Option<f64>,
}

/// One indicator of the plan as a reported figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorDef {
    /// Stable ASCII code used in files and URLs (`hightech-enterprises`).
    pub code: IndicatorCode,
    /// The indicator's name as the plan states it.
    pub name: String,
    /// Unit of measure (家, %, 亿元); `None` for dimensionless figures such as PUE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The one unit that reports this figure. No other unit is ever asked for it.
    pub reporter: UnitName,
    pub kind: IndicatorKind,
    pub direction: Direction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    /// Targets sorted by year.
    #[serde(default)]
    pub targets: Vec<IndicatorTarget>,
    /// The plan's tasks whose text states a target of this indicator (empty for headline goals only).
    #[serde(default)]
    pub tasks: Vec<u32>,
    #[serde(default)]
    pub rules: ValidationRules,
    /// Whether the figure is a headline goal (总体目标) of the plan.
    #[serde(default)]
    pub headline: bool,
    /// The names under which the plan's text states this figure (they may differ from `name`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plan_names: Vec<String>,
}

impl IndicatorDef {
    /// The target that governs `year`: the first target due in or after that year, else the last.
    pub fn target_for_year(&self, year: i32) -> Option<&IndicatorTarget> {
        self.targets
            .iter()
            .find(|t| t.year >= year)
            .or_else(|| self.targets.last())
    }

    /// Whether the unit of measure is a percentage.
    pub fn is_percent(&self) -> bool {
        matches!(self.unit.as_deref(), Some("%" | "％"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(targets: &[(i32, f64)]) -> IndicatorDef {
        IndicatorDef {
            code: "x".into(),
            name: "x".into(),
            unit: Some("个".into()),
            reporter: "市大数据局".into(),
            kind: IndicatorKind::Cumulative,
            direction: Direction::HigherIsBetter,
            baseline: None,
            targets: targets
                .iter()
                .map(|&(year, value)| IndicatorTarget {
                    year,
                    value,
                    value_max: None,
                    comparator: TargetWording::AtLeast,
                    source: String::new(),
                    text: String::new(),
                })
                .collect(),
            tasks: vec![3],
            rules: ValidationRules::default(),
            headline: false,
            plan_names: Vec::new(),
        }
    }

    #[test]
    fn the_governing_target_is_the_next_one_not_yet_due() {
        let d = def(&[(2022, 2000.0), (2024, 3600.0)]);
        assert_eq!(d.target_for_year(2022).map(|t| t.value), Some(2000.0));
        assert_eq!(d.target_for_year(2023).map(|t| t.value), Some(3600.0));
        assert_eq!(d.target_for_year(2025).map(|t| t.value), Some(3600.0));
    }
}
