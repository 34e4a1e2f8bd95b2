//! The office's judgements for the evaluation (issue 13, decision 0054): which target applies
//! when the plan states two for one indicator and year (default: the stricter, the other named
//! in a note), and, at the final evaluation, whether each qualitative goal of the plan was
//! achieved, with its evidence. The data cannot decide either, so the office does; the store
//! keeps and audits every judgement, and every view reads them from here.

use crate::error::require;
use crate::policy::Permission;
use crate::{AppError, Caller};
use planwatch_model::{Direction, GoalVerdict, IndicatorDef, Plan, Role};
use planwatch_quarterly::Catalogue;
use planwatch_store::{ChoiceKind, EvaluationChoice, Store, target_subject};
use std::collections::BTreeMap;

/// The office's choice of target for an indicator and year.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetChoice {
    pub value: f64,
    pub reason: String,
    pub by: String,
}

/// The office's judgement of a qualitative goal.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalJudgement {
    pub verdict: GoalVerdict,
    pub evidence: String,
    pub by: String,
    pub on: chrono::NaiveDate,
}

/// Every judgement of the plan, as the assessment and the documents use them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Judgements {
    /// By (indicator code, year).
    pub targets: BTreeMap<(String, i32), TargetChoice>,
    /// By the goal's text.
    pub goals: BTreeMap<String, GoalJudgement>,
}

impl Judgements {
    pub fn from_store(choices: &[EvaluationChoice]) -> Judgements {
        let mut j = Judgements::default();
        for c in choices {
            match c.kind {
                ChoiceKind::Target => {
                    let Some((code, year)) = c.subject.rsplit_once('@') else {
                        continue;
                    };
                    let (Ok(year), Ok(value)) = (year.parse::<i32>(), c.choice.parse::<f64>())
                    else {
                        continue;
                    };
                    j.targets.insert(
                        (code.to_string(), year),
                        TargetChoice {
                            value,
                            reason: c.evidence.clone(),
                            by: c.updated_by.clone(),
                        },
                    );
                }
                ChoiceKind::Goal => {
                    if let Some(verdict) = GoalVerdict::parse(&c.choice) {
                        j.goals.insert(
                            c.subject.clone(),
                            GoalJudgement {
                                verdict,
                                evidence: c.evidence.clone(),
                                by: c.updated_by.clone(),
                                on: planwatch_quarterly::period::cst_from_utc(c.updated_at).date(),
                            },
                        );
                    }
                }
            }
        }
        j
    }

    /// Reads them from the store.
    pub async fn load(store: &Store) -> Result<Judgements, planwatch_store::StoreError> {
        Ok(Judgements::from_store(&store.evaluation_choices().await?))
    }
}

/// The plan's qualitative goals (headline goals without a number): one definition for the
/// report, the pages and the judgements.
pub fn qualitative_goals(plan: &Plan) -> Vec<String> {
    plan.goals
        .iter()
        .filter(|g| g.value.is_none())
        .map(|g| g.text.clone())
        .collect()
}

/// An indicator for which the plan states two (or more) different targets in one year.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetConflict {
    pub code: String,
    pub name: String,
    pub year: i32,
    /// (value, where the plan states it), in the catalogue's order.
    pub options: Vec<(f64, String)>,
    /// The value measured against by default: the stricter.
    pub stricter: f64,
}

/// The stricter of two target values for an indicator's direction.
pub fn stricter(direction: Direction, a: f64, b: f64) -> f64 {
    match direction {
        Direction::HigherIsBetter => a.max(b),
        Direction::LowerIsBetter => a.min(b),
    }
}

fn conflicts_of(def: &IndicatorDef) -> Vec<TargetConflict> {
    let mut by_year: BTreeMap<i32, Vec<(f64, String)>> = BTreeMap::new();
    for t in &def.targets {
        let list = by_year.entry(t.year).or_default();
        if !list.iter().any(|(v, _)| *v == t.value) {
            list.push((t.value, t.source.clone()));
        }
    }
    by_year
        .into_iter()
        .filter(|(_, options)| options.len() > 1)
        .map(|(year, options)| TargetConflict {
            code: def.code.to_string(),
            name: def.name.clone(),
            year,
            stricter: options
                .iter()
                .map(|(v, _)| *v)
                .reduce(|a, b| stricter(def.direction, a, b))
                .unwrap_or_default(),
            options,
        })
        .collect()
}

/// Every indicator and year with two different targets in the plan.
pub fn target_conflicts(catalogue: &Catalogue) -> Vec<TargetConflict> {
    catalogue.indicators.iter().flat_map(conflicts_of).collect()
}

fn reason_required(text: &str, what: &str) -> Result<(), AppError> {
    if text.trim().is_empty() {
        return Err(AppError::Field {
            field: "evidence",
            message: format!("请填写{what}"),
        });
    }
    Ok(())
}

/// The office judges a qualitative goal with its evidence. `false`: already stored as is.
pub async fn judge_goal(
    store: &Store,
    caller: Caller<'_>,
    goal: &str,
    verdict: GoalVerdict,
    evidence: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, AppError> {
    let (actor, who) = caller.actors(store, Role::Office, None).await?;
    require(who.role, Permission::Evaluate)?;
    let plan = store.plan(None).await?;
    if !qualitative_goals(&plan).iter().any(|g| g == goal) {
        return Err(AppError::Field {
            field: "goal",
            message: format!("“{goal}”不是本计划的定性目标"),
        });
    }
    reason_required(evidence, "评判依据（佐证材料、完成情况）")?;
    Ok(store
        .set_evaluation_choice(
            &actor,
            ChoiceKind::Goal,
            goal,
            verdict.as_str(),
            evidence,
            now,
        )
        .await?)
}

/// The office chooses which of the plan's targets for an indicator and year applies.
/// `false`: already stored as is.
pub async fn choose_target(
    store: &Store,
    caller: Caller<'_>,
    code: &str,
    year: i32,
    value: f64,
    reason: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, AppError> {
    let (actor, who) = caller.actors(store, Role::Office, None).await?;
    require(who.role, Permission::Evaluate)?;
    let catalogue = store.catalogue().await?;
    let conflict = target_conflicts(&catalogue)
        .into_iter()
        .find(|c| c.code == code && c.year == year)
        .ok_or_else(|| AppError::Field {
            field: "indicator",
            message: format!("指标“{code}”在{year}年只有一个目标，无需选定"),
        })?;
    if !conflict.options.iter().any(|(v, _)| *v == value) {
        return Err(AppError::Field {
            field: "value",
            message: format!(
                "{value}不是计划为“{}”{year}年规定的目标；可选：{}",
                conflict.name,
                conflict
                    .options
                    .iter()
                    .map(|(v, s)| format!("{v}（{s}）"))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        });
    }
    reason_required(reason, "选定理由")?;
    Ok(store
        .set_evaluation_choice(
            &actor,
            ChoiceKind::Target,
            &target_subject(code, year),
            &value.to_string(),
            reason,
            now,
        )
        .await?)
}
