//! The Yangquan plan, catalogue and breakdown that the hostile-file tests read with, and the
//! forms the base files of `fixtures/hostile/` are made from. Shared by `tests/hostile.rs`,
//! `tests/text_limits.rs` and `examples/hostile_base.rs` (included by path).

// Each test crate that includes this file uses part of it.
#![allow(dead_code)]

use chrono::NaiveDate;
use planwatch_model::{Plan, Quarter, TaskStatus};
use planwatch_quarterly::content::{IndicatorRow, ReportContent, TaskRow};
use planwatch_quarterly::xlsx::breakdown::{BreakdownContext, BreakdownTemplate, write_breakdown};
use planwatch_quarterly::xlsx::quarterly::{QuarterlyTemplate, ReadContext, write_quarterly};
use planwatch_quarterly::{
    Breakdown, Catalogue, ReportScope, ReportingSettings, ScopeInputs, UnitGroups,
};
use std::collections::{BTreeMap, BTreeSet};

/// The unit and quarter of the base quarterly form.
pub const UNIT: &str = "市科技局";
pub const PERIOD: &str = "2023Q3";
/// The year of the base breakdown form.
pub const YEAR: i32 = 2023;

pub struct World {
    pub plan: Plan,
    pub catalogue: Catalogue,
    pub breakdown: Breakdown,
    pub groups: UnitGroups,
    pub settings: ReportingSettings,
    pub units: BTreeSet<planwatch_model::UnitName>,
    pub history: BTreeMap<String, Vec<(Quarter, f64)>>,
}

/// Built once per process and kept for the process's life.
pub fn world() -> &'static World {
    static WORLD: std::sync::OnceLock<World> = std::sync::OnceLock::new();
    WORLD.get_or_init(|| {
        let text = include_str!("../../../../fixtures/plans/yangquan-2022-2024.gold.json");
        let plan: Plan = serde_json::from_str(text).expect("the gold file is a plan");
        let catalogue = Catalogue::yangquan(&plan).expect("catalogue").0;
        let breakdown = Breakdown::seed(&plan, &catalogue);
        let groups = UnitGroups(BTreeMap::from([(
            "各县（区）人民政府".to_string(),
            [
                "平定县人民政府",
                "盂县人民政府",
                "城区人民政府",
                "矿区人民政府",
                "郊区人民政府",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        )]));
        let mut units: BTreeSet<planwatch_model::UnitName> =
            plan.units.iter().map(Into::into).collect();
        units.insert("市人社局".into());
        World {
            plan,
            catalogue,
            breakdown,
            groups,
            settings: ReportingSettings::default(),
            units,
            history: BTreeMap::new(),
        }
    })
}

impl World {
    pub fn period(&self) -> Quarter {
        Quarter::parse(PERIOD).expect("quarter")
    }

    pub fn scope(&'static self) -> &'static ReportScope<'static> {
        static SCOPE: std::sync::OnceLock<ReportScope<'static>> = std::sync::OnceLock::new();
        SCOPE.get_or_init(|| {
            ScopeInputs {
                plan: &self.plan,
                catalogue: &self.catalogue,
                breakdown: &self.breakdown,
                groups: &self.groups,
                settings: &self.settings,
            }
            .scope(&planwatch_model::UnitName::from(UNIT), self.period())
        })
    }

    /// What a submission of the quarterly form is read against.
    pub fn read_context(&'static self) -> ReadContext<'static> {
        ReadContext {
            scope: self.scope(),
            history: &self.history,
            settings: &self.settings,
            require_complete: true,
        }
    }

    pub fn breakdown_context(&'static self) -> BreakdownContext<'static> {
        BreakdownContext {
            year: YEAR,
            plan: &self.plan,
            breakdown: &self.breakdown,
            units: &self.units,
            settings: &self.settings,
        }
    }

    /// The unit's quarterly form as the product generates it, pre-filled (as a saved draft is)
    /// with a complete report.
    pub fn filled_quarterly(&'static self) -> Vec<u8> {
        let empty_forces = BTreeMap::new();
        let empty_prev = BTreeMap::new();
        let empty_contrib = BTreeMap::new();
        let content = self.complete_report();
        write_quarterly(&QuarterlyTemplate {
            scope: self.scope(),
            plan_title: &self.plan.title,
            plan_code: None,
            deadline: NaiveDate::from_ymd_opt(2023, 10, 10).expect("date"),
            task_forces: &empty_forces,
            previous: None,
            previous_values: &empty_prev,
            contributions: &empty_contrib,
            prefill: Some(&content),
        })
        .expect("template")
    }

    /// A complete report of the unit: every row filled in the way a careful unit would.
    pub fn complete_report(&'static self) -> ReportContent {
        let scope = self.scope();
        let mut c = ReportContent::new(UNIT, self.period());
        c.filled_by = "张三".into();
        c.phone = "0353-2021234".into();
        for row in &scope.rows {
            let owns = row.role.owns_status();
            c.tasks.push(TaskRow {
                key: Some(row.key.clone()),
                contact: "李四".into(),
                progress: format!("{} 本季度推进顺利", row.key.encode()),
                cumulative: "累计完成年度任务的七成".into(),
                status: owns.then_some(TaskStatus::OnSchedule),
                share_complete: owns.then_some(70.0),
                evidence: vec!["会议纪要.pdf".into()],
                ..TaskRow::default()
            });
        }
        for (i, def) in scope.indicators.iter().enumerate() {
            c.indicators.push(IndicatorRow {
                code: def.code.clone(),
                value: Some(if def.code == "dc-pue" {
                    1.25
                } else {
                    10.0 + i as f64
                }),
                source: "部门统计台账".into(),
                note: String::new(),
            });
        }
        c
    }

    /// The breakdown form of `YEAR` as generated.
    pub fn breakdown_form(&'static self) -> Vec<u8> {
        let units: Vec<planwatch_model::UnitName> = self.units.iter().cloned().collect();
        write_breakdown(&BreakdownTemplate {
            year: YEAR,
            plan: &self.plan,
            breakdown: &self.breakdown,
            catalogue: &self.catalogue,
            task_forces: &BTreeMap::new(),
            units: &units,
        })
        .expect("breakdown template")
    }
}
