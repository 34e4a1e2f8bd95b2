//! Assessment sources straight from the pure demo generator (示例数据), without a database: the
//! same reports, steps and official values that `planwatch demo` writes to the store, derived
//! in memory. Used by the adapter's tests and the benchmark, and to check that the store path
//! and the in-memory path agree.

use super::input::{AssessSources, MethodConfig, OrgFacts, ReportFacts, ReportStep, ValueFact};
use chrono::NaiveDateTime;
use planwatch_model::{Plan, Quarter};
use planwatch_reporting::demo::generate;
use planwatch_reporting::{
    ActionKind, Breakdown, Catalogue, CatalogueConfig, CatalogueError, ReportingPeriod,
    ReportingSettings, ScopeInputs,
};

/// Demo sources and the moment the demo data describe.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoSources {
    pub sources: AssessSources,
    /// A little after the last quarter's deadline (or `now`, if earlier).
    pub as_of: NaiveDateTime,
}

/// What the demo needs besides the plan.
pub struct DemoSetup<'a> {
    pub org: OrgFacts,
    pub catalogue: &'a CatalogueConfig,
    pub settings: ReportingSettings,
    pub methods: MethodConfig,
}

/// Generates the demo data up to `until` from `seed` (nothing after `now`) and turns it into
/// assessment sources the way the store would hold it: every report with its workflow steps,
/// and the official series made of the values of accepted reports, recorded on acceptance.
pub fn demo_sources(
    plan: Plan,
    setup: DemoSetup<'_>,
    until: Quarter,
    seed: u64,
    now: NaiveDateTime,
) -> Result<DemoSources, CatalogueError> {
    let (catalogue, _notes) = Catalogue::build(&plan, setup.catalogue)?;
    let breakdown = Breakdown::seed(&plan, &catalogue);
    let data = generate(
        &ScopeInputs {
            plan: &plan,
            catalogue: &catalogue,
            breakdown: &breakdown,
            groups: &setup.org.groups,
            settings: &setup.settings,
        },
        until,
        seed,
        now,
    );
    let reports: Vec<ReportFacts> = data
        .reports
        .into_iter()
        .map(|r| ReportFacts {
            content: r.content,
            steps: r
                .steps
                .iter()
                .map(|s| ReportStep {
                    action: s.action.kind(),
                    at: s.at,
                })
                .collect(),
        })
        .collect();
    let values = official_values(&reports);
    let periods = ReportingPeriod::for_plan(plan.period, &setup.settings);
    Ok(DemoSources {
        sources: AssessSources {
            plan,
            org: setup.org,
            catalogue,
            breakdown,
            settings: setup.settings,
            periods,
            reports,
            values,
            baselines: data.baselines,
            methods: setup.methods,
        },
        as_of: data.as_of,
    })
}

/// The values of accepted reports, each recorded on the day of its report's first acceptance.
pub fn official_values(reports: &[ReportFacts]) -> Vec<ValueFact> {
    let mut out = Vec::new();
    for r in reports {
        let (Some(q), Some(accept)) = (
            r.content.period,
            r.steps.iter().find(|s| s.action == ActionKind::Accept),
        ) else {
            continue;
        };
        let label = r.label();
        for row in &r.content.indicators {
            let Some(value) = row.value else { continue };
            out.push(ValueFact {
                code: row.code.clone(),
                quarter: q,
                value,
                source: if row.source.trim().is_empty() {
                    label.clone()
                } else {
                    format!("{label}，数据来源：{}", row.source.trim())
                },
                recorded_on: Some(accept.at.date()),
            });
        }
    }
    out
}
