//! Assessment sources straight from the pure demo generator (示例数据), without a database: the
//! same reports, steps and official values that `planwatch demo` writes to the store, derived
//! in memory. Used by the adapter's tests and the benchmark, and to check that the store path
//! and the in-memory path agree.

use super::input::{
    AssessSources, MethodConfig, OrgFacts, ReportFacts, ReportStep, TaskForceFact, UnitFact,
    official_values,
};
use chrono::NaiveDateTime;
use planwatch_model::{Plan, Quarter, UnitKind};
use planwatch_quarterly::demo::generate;
use planwatch_quarterly::{
    Breakdown, Catalogue, CatalogueConfig, CatalogueError, ReportingPeriod, ReportingSettings,
    ScopeInputs, UnitGroups,
};
use std::collections::{BTreeSet, HashMap};

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
    let reports: Vec<std::sync::Arc<ReportFacts>> = data
        .reports
        .into_iter()
        .map(|r| ReportFacts {
            content: std::sync::Arc::new(r.content),
            steps: r
                .steps
                .iter()
                .map(|s| ReportStep {
                    action: s.action.kind(),
                    at: s.at,
                })
                .collect(),
        })
        .map(std::sync::Arc::new)
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
            judgements: Default::default(),
        },
        as_of: data.as_of,
    })
}

/// From the organisation file (`config/yangquan-org.toml`) and the plan, the way the store's
/// `org import` sees them: every unit the plan names keeps the kind its name suggests unless
/// the file declares it; group members are units too.
pub fn org_from_config(plan: &Plan, cfg: &planwatch_store::OrgConfig) -> OrgFacts {
    let declared: HashMap<&str, UnitKind> = cfg
        .units
        .iter()
        .map(|u| (u.name.as_str(), u.kind))
        .collect();
    let group_names: BTreeSet<&str> = cfg.groups.iter().map(|g| g.name.as_str()).collect();
    let all = plan
        .units
        .iter()
        .chain(
            plan.tasks
                .iter()
                .flat_map(|t| t.lead_units.iter().chain(t.participating_units.iter())),
        )
        .chain(cfg.units.iter().map(|u| &u.name))
        .chain(
            cfg.groups
                .iter()
                .flat_map(|g| std::iter::once(&g.name).chain(g.members.iter())),
        );
    let mut names: Vec<&str> = Vec::new();
    for n in all {
        let n = n.trim();
        if !n.is_empty() && !names.contains(&n) {
            names.push(n);
        }
    }
    OrgFacts {
        units: names
            .into_iter()
            .map(|n| UnitFact {
                name: n.to_string(),
                kind: if group_names.contains(n) {
                    UnitKind::Group
                } else {
                    declared
                        .get(n)
                        .copied()
                        .unwrap_or_else(|| UnitKind::classify(n))
                },
            })
            .collect(),
        groups: UnitGroups(
            cfg.groups
                .iter()
                .map(|g| (g.name.clone(), g.members.clone()))
                .collect(),
        ),
        task_forces: cfg
            .task_forces
            .iter()
            .map(|t| TaskForceFact {
                name: t.name.clone(),
                tasks: t.tasks.clone(),
            })
            .collect(),
    }
}
