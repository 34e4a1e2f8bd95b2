//! A unit's combined assessment across the plans of a year (issue 17, decision 0064). Each plan
//! is assessed on its own (its own quarter of the year, the same assessment as its pages and
//! documents); a unit's combined score is the weighted mean of its scores in the plans that score
//! it, with the breakdown per plan. Weights come from `<data-dir>/combined.toml`
//! (`[weights] plan1 = 0.6`), then the command line; a plan without one weighs 1.

use anyhow::Context as _;
use planwatch_model::Quarter;
use planwatch_monitor::assess::Assessment;
use planwatch_monitor::points::Points;
use planwatch_store::{PlanInfo, PlanState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The settings file with the plans' weights.
pub const WEIGHTS_FILE: &str = "combined.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WeightsFile {
    #[serde(default)]
    weights: BTreeMap<String, f64>,
}

/// The plans' weights: the data folder's `combined.toml`, then `overrides` (`code=weight`).
pub fn load_weights(
    data_dir: &Path,
    overrides: &[String],
) -> anyhow::Result<BTreeMap<String, f64>> {
    let path = data_dir.join(WEIGHTS_FILE);
    let mut weights = if path.is_file() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("无法读取 {}", path.display()))?;
        toml::from_str::<WeightsFile>(&text)
            .map_err(|e| anyhow::anyhow!("{} 有误：{e}", path.display()))?
            .weights
    } else {
        BTreeMap::new()
    };
    for o in overrides {
        let Some((code, w)) = o.split_once('=') else {
            anyhow::bail!("权重“{o}”应写作 计划代码=权重，例如 plan1=0.6");
        };
        let w: f64 = w
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("权重“{o}”中的“{w}”不是数字"))?;
        weights.insert(code.trim().to_string(), w);
    }
    for (code, w) in &weights {
        if !w.is_finite() || *w < 0.0 {
            anyhow::bail!("计划 {code} 的权重 {w} 不可用：权重应为不小于 0 的数");
        }
    }
    Ok(weights)
}

/// The plans that take part in `year`: not archived, and their years include it.
pub fn plans_of_year(plans: &[PlanInfo], year: i32) -> Vec<&PlanInfo> {
    plans
        .iter()
        .filter(|p| p.state != PlanState::Archived)
        .filter(|p| (p.period_start..=p.period_end).contains(&i64::from(year)))
        .collect()
}

/// The quarter of `year` each plan is assessed at: the fourth, or the current quarter while the
/// year is still running.
pub fn quarter_of_year(year: i32, today: chrono::NaiveDate) -> Option<Quarter> {
    let q4 = Quarter::new(year, 4)?;
    let current = planwatch_quarterly::period::quarter_of(today);
    Some(q4.min(current)).filter(|q| q.year() == year)
}

/// One plan's part in a unit's combined score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanPart {
    pub code: String,
    pub title: String,
    pub weight: f64,
    /// The unit's score in that plan (as the plan's own pages show it), if it scores the unit.
    pub score: Option<Points>,
    /// Rank within its class in that plan, and the class size.
    pub rank: Option<(u32, u32)>,
}

/// A unit's combined score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CombinedUnit {
    pub unit: String,
    /// The weighted mean of the parts that score the unit (plans of weight 0 count for nothing).
    pub score: Points,
    /// 1 = best, among all units combined.
    pub rank: u32,
    pub parts: Vec<PlanPart>,
}

/// The combined assessment of a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Combined {
    pub year: i32,
    pub quarter: Quarter,
    /// (code, title, weight) of each plan taking part.
    pub plans: Vec<(String, String, f64)>,
    pub units: Vec<CombinedUnit>,
}

/// Combines the plans' assessments (each with its plan and weight), pure.
pub fn combine(
    year: i32,
    quarter: Quarter,
    assessed: &[(&PlanInfo, f64, &Assessment)],
) -> Combined {
    let mut by_unit: BTreeMap<String, Vec<PlanPart>> = BTreeMap::new();
    for (plan, weight, a) in assessed {
        for u in &a.units {
            by_unit.entry(u.name.clone()).or_default().push(PlanPart {
                code: plan.code.clone(),
                title: plan.title.clone(),
                weight: *weight,
                score: Some(u.score.total),
                rank: u.rank.zip(u.class_size),
            });
        }
    }
    let mut units: Vec<CombinedUnit> = by_unit
        .into_iter()
        .filter_map(|(unit, mut parts)| {
            // Every plan of the year appears in the breakdown, scoring the unit or not.
            for (plan, weight, _) in assessed {
                if !parts.iter().any(|p| p.code == plan.code) {
                    parts.push(PlanPart {
                        code: plan.code.clone(),
                        title: plan.title.clone(),
                        weight: *weight,
                        score: None,
                        rank: None,
                    });
                }
            }
            parts.sort_by_key(|p| {
                assessed
                    .iter()
                    .position(|(pl, _, _)| pl.code == p.code)
                    .unwrap_or(usize::MAX)
            });
            let (sum, weights) = parts
                .iter()
                .filter_map(|p| p.score.map(|s| (s.as_f64() * p.weight, p.weight)))
                .fold((0.0, 0.0), |(s, w), (a, b)| (s + a, w + b));
            (weights > 0.0).then(|| CombinedUnit {
                unit,
                score: Points::from_f64(sum / weights),
                rank: 0,
                parts,
            })
        })
        .collect();
    units.sort_by(|a, b| b.score.cmp(&a.score).then(a.unit.cmp(&b.unit)));
    let mut rank = 0;
    let mut last: Option<Points> = None;
    for (i, u) in units.iter_mut().enumerate() {
        if last != Some(u.score) {
            rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
            last = Some(u.score);
        }
        u.rank = rank;
    }
    Combined {
        year,
        quarter,
        plans: assessed
            .iter()
            .map(|(p, w, _)| (p.code.clone(), p.title.clone(), *w))
            .collect(),
        units,
    }
}

/// `planwatch assess --all-plans`: assesses every plan of `quarter`'s year at `quarter` as of
/// `as_of` (the same day for every plan) and combines the units' scores.
pub async fn from_store(
    data_dir: &Path,
    quarter: Quarter,
    as_of: chrono::NaiveDate,
    weights: &BTreeMap<String, f64>,
    rules: &planwatch_monitor::Rules,
) -> anyhow::Result<Combined> {
    let store = super::open(data_dir, planwatch_store::OpenMode::Existing).await?;
    let result = async {
        let plans = store.plans().await?;
        let year = quarter.year();
        let taking_part = plans_of_year(&plans, year);
        if taking_part.is_empty() {
            anyhow::bail!("{year}年没有在期内的计划");
        }
        let mut outcomes = Vec::new();
        for p in &taking_part {
            let scoped = store.scoped(p.id);
            let methods = super::assess::load_methods(None)?;
            let sources = super::assess::load_sources(&scoped, data_dir, methods).await?;
            let o = super::assess::assess_sources(&sources, quarter, as_of, rules)
                .with_context(|| format!("计划 {}《{}》", p.code, p.title))?;
            outcomes.push(o);
        }
        let assessed: Vec<(&PlanInfo, f64, &Assessment)> = taking_part
            .iter()
            .zip(&outcomes)
            .map(|(p, o)| {
                (
                    *p,
                    weights.get(&p.code).copied().unwrap_or(1.0),
                    &o.assessment,
                )
            })
            .collect();
        Ok(combine(year, quarter, &assessed))
    }
    .await;
    store.close().await;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_come_from_the_file_then_the_command_line_and_are_checked() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(
            dir.path().join(WEIGHTS_FILE),
            "[weights]\nplan1 = 0.6\nszjj = 0.4\n",
        )
        .expect("write");
        let w = load_weights(dir.path(), &["szjj=1.5".to_string()]).expect("weights");
        assert_eq!(w.get("plan1"), Some(&0.6));
        assert_eq!(w.get("szjj"), Some(&1.5));
        let e = load_weights(dir.path(), &["szjj=-1".to_string()]).expect_err("negative");
        assert!(e.to_string().contains("不小于 0"), "{e}");
        let e = load_weights(dir.path(), &["szjj".to_string()]).expect_err("no =");
        assert!(e.to_string().contains("计划代码=权重"), "{e}");
    }

    fn plan(id: i64, code: &str) -> PlanInfo {
        PlanInfo {
            id,
            code: code.into(),
            title: format!("计划{code}"),
            period_start: 2022,
            period_end: 2024,
            state: PlanState::Active,
            revision: 1,
            created_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    fn score_of(a: &Assessment, unit: &str) -> Option<Points> {
        a.units
            .iter()
            .find(|x| x.name == unit)
            .map(|x| x.score.total)
    }

    #[test]
    fn a_units_combined_score_is_the_weighted_mean_of_its_plans_scores_with_each_part_listed() {
        use crate::assess::testing::{q, yangquan_demo};
        let rules = planwatch_monitor::Rules::default();
        let a = yangquan_demo("2024Q2", 7);
        let a = crate::assess::assess_sources(&a.sources, q("2024Q2"), a.as_of.date(), &rules)
            .expect("a");
        let b = yangquan_demo("2023Q4", 11);
        let b = crate::assess::assess_sources(&b.sources, q("2023Q4"), b.as_of.date(), &rules)
            .expect("b");
        let (pa, pb) = (plan(1, "a"), plan(2, "b"));
        let c = combine(
            2024,
            q("2024Q2"),
            &[(&pa, 3.0, &a.assessment), (&pb, 1.0, &b.assessment)],
        );
        assert_eq!(c.units.len(), a.assessment.units.len());
        for u in &c.units {
            let sa = score_of(&a.assessment, &u.unit);
            let sb = score_of(&b.assessment, &u.unit);
            assert_eq!(u.parts.len(), 2, "{}", u.unit);
            assert_eq!(u.parts[0].score, sa, "the part is the plan's own score");
            assert_eq!(u.parts[1].score, sb);
            let want = match (sa, sb) {
                (Some(x), Some(y)) => Points::from_f64((3.0 * x.as_f64() + y.as_f64()) / 4.0),
                (Some(x), None) | (None, Some(x)) => x,
                (None, None) => unreachable!(),
            };
            assert_eq!(u.score, want, "{}", u.unit);
        }
        assert!(c.units.windows(2).all(|w| w[0].score >= w[1].score));
        assert_eq!(c.units[0].rank, 1);
        // A plan of weight 0 counts for nothing.
        let c = combine(
            2024,
            q("2024Q2"),
            &[(&pa, 1.0, &a.assessment), (&pb, 0.0, &b.assessment)],
        );
        for u in &c.units {
            let sa = score_of(&a.assessment, &u.unit);
            assert_eq!(Some(u.score), sa, "{}", u.unit);
        }
    }

    #[test]
    fn the_quarter_of_a_running_year_is_the_current_one() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(
            quarter_of_year(2024, d("2026-12-06")).map(|q| q.to_string()),
            Some("2024Q4".into())
        );
        assert_eq!(
            quarter_of_year(2026, d("2026-05-06")).map(|q| q.to_string()),
            Some("2026Q2".into())
        );
        assert_eq!(quarter_of_year(2027, d("2026-05-06")), None);
    }
}
