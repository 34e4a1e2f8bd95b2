//! Which indicator of the plan an entry of the catalogue file describes. The file names indicators
//! the way the office does (5G基站累计建成数); an extraction may name them as the sentence does
//! (5G基站), and a corrected extraction may name them differently again. So an entry is matched
//! first by name or alias, then by its normalised name, then — among the plan's indicators
//! stated in the entry's tasks — by similarity, and last, when one entry and one indicator of a
//! task are all that is left, to each other.

use crate::catalogue::IndicatorConfig;
use crate::indicator_names;
use planwatch_model::{IndicatorTarget, Plan, TargetWording};
use std::collections::BTreeSet;

/// What the plan says about one indicator, gathered across goals and tasks.
#[derive(Debug, Clone)]
pub(crate) struct PlanIndicator<'a> {
    /// The extractor's display name (or the first mention's name).
    pub name: String,
    /// Every name under which the plan's sentences state it.
    pub mentions: Vec<&'a str>,
    pub unit: Option<&'a str>,
    pub tasks: Vec<u32>,
    pub first_lead: Option<&'a str>,
    pub headline: bool,
    pub targets: Vec<IndicatorTarget>,
    /// Why the name does not read as an indicator (see `indicator_names`).
    pub set_aside: Option<&'static str>,
}

/// Groups the plan's numeric targets by indicator: by the extractor's indicator id when it gives
/// one, else by name.
pub(crate) fn gather_plan_indicators(plan: &Plan) -> Vec<PlanIndicator<'_>> {
    let mut out: Vec<PlanIndicator<'_>> = Vec::new();
    // (key, index into out): several keys may name one indicator.
    let mut keys: Vec<(String, usize)> = Vec::new();
    let years: Vec<i32> = (plan.period.start..=plan.period.end).collect();
    for (task_no, t) in plan.all_targets() {
        let Some(value) = t.value else { continue };
        if t.comparator == Some(TargetWording::Qualitative) || t.indicator.trim().is_empty() {
            continue;
        }
        let mention = t.indicator.trim();
        let key = t
            .indicator_id
            .clone()
            .unwrap_or_else(|| format!("name:{}", indicator_names::propose(mention).name));
        let idx = match keys.iter().position(|(k, _)| *k == key) {
            Some(i) => keys[i].1,
            None => {
                let name = t
                    .indicator_id
                    .as_deref()
                    .and_then(|id| plan.indicators.iter().find(|i| i.id == id))
                    .map_or_else(|| mention.to_string(), |i| i.name.clone());
                let proposal = indicator_names::propose(&name);
                // Two ways of stating one figure (建设绿道 2公里 in a task, 绿道 2公里 in the
                // goals) become one indicator once their names are cleaned.
                if let Some(i) = out.iter().position(|pi| pi.name == proposal.name) {
                    keys.push((key, i));
                    i
                } else {
                    keys.push((key, out.len()));
                    out.push(PlanIndicator {
                        name: proposal.name,
                        set_aside: proposal.set_aside,
                        mentions: Vec::new(),
                        unit: None,
                        tasks: Vec::new(),
                        first_lead: None,
                        headline: false,
                        targets: Vec::new(),
                    });
                    out.len() - 1
                }
            }
        };
        let pi = &mut out[idx];
        if !pi.mentions.contains(&mention) {
            pi.mentions.push(mention);
        }
        if pi.unit.is_none() {
            pi.unit = t.unit.as_deref();
        }
        let source = match task_no {
            None => {
                pi.headline = true;
                "总体目标".to_string()
            }
            Some(n) => {
                if !pi.tasks.contains(&n) {
                    pi.tasks.push(n);
                }
                if pi.first_lead.is_none() {
                    pi.first_lead = plan
                        .task(n)
                        .and_then(|task| task.lead_units.first())
                        .map(String::as_str);
                }
                format!("任务{n}")
            }
        };
        let target_years: Vec<i32> = match t.year {
            Some(y) => vec![y],
            None if t.recurrence.as_deref() == Some("annual") || t.text.contains("每年") => {
                years.clone()
            }
            None => vec![plan.period.end],
        };
        for year in target_years {
            let comparator = t.comparator.unwrap_or(TargetWording::AtLeast);
            if let Some(same) = pi
                .targets
                .iter_mut()
                .find(|x| x.year == year && x.value == value && x.comparator == comparator)
            {
                same.source = format!("{}、{source}", same.source);
                continue;
            }
            pi.targets.push(IndicatorTarget {
                year,
                value,
                value_max: t.value_max,
                comparator,
                source: source.clone(),
                text: t.text.clone(),
            });
        }
    }
    for pi in &mut out {
        // Stable: within a year the plan's order (headline goals first) is kept.
        pi.targets.sort_by_key(|t| t.year);
    }
    out
}

/// A name without what varies between ways of saying it: punctuation, 的, 数量, 累计, 建成,
/// 拥有, a leading 各类/各项/培育, a trailing 数.
pub(crate) fn normalise(name: &str) -> String {
    let mut s: String = name
        .chars()
        .filter(|c| !c.is_whitespace() && !"、，,。“”\"'‘’（）()·.-—".contains(*c))
        .collect();
    for w in ["的", "数量", "累计", "建成", "拥有"] {
        s = s.replace(w, "");
    }
    for p in ["各类", "各项", "培育"] {
        if let Some(rest) = s.strip_prefix(p) {
            s = rest.to_string();
        }
    }
    s.trim_end_matches('数').to_string()
}

/// How alike two normalised names are: 1 when equal, 0.9 when one contains the other, else the
/// share of characters they have in common.
fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    if !a.is_empty() && !b.is_empty() && (a.contains(b) || b.contains(a)) {
        return 0.9;
    }
    let ca: BTreeSet<char> = a.chars().collect();
    let cb: BTreeSet<char> = b.chars().collect();
    let union = ca.union(&cb).count();
    if union == 0 {
        0.0
    } else {
        ca.intersection(&cb).count() as f64 / union as f64
    }
}

/// The least similarity at which a name in the same task is taken as the same indicator.
const MIN_SIMILARITY: f64 = 0.3;

/// For every plan indicator, the index of the catalogue entry that describes it.
pub(crate) fn match_entries(
    plan: &[PlanIndicator<'_>],
    entries: &[IndicatorConfig],
) -> Vec<Option<usize>> {
    let mut of_plan: Vec<Option<usize>> = vec![None; plan.len()];
    let mut taken = vec![false; entries.len()];
    let names = |pi: &PlanIndicator<'_>| -> Vec<String> {
        std::iter::once(pi.name.as_str())
            .chain(pi.mentions.iter().copied())
            .map(str::to_string)
            .collect()
    };
    // 1. Exact names and aliases, then normalised names.
    for exact in [true, false] {
        for (e, entry) in entries.iter().enumerate() {
            if taken[e] {
                continue;
            }
            let wanted: Vec<String> = std::iter::once(&entry.name)
                .chain(&entry.aliases)
                .map(|n| if exact { n.clone() } else { normalise(n) })
                .collect();
            let hit = plan.iter().enumerate().position(|(i, pi)| {
                of_plan[i].is_none()
                    && names(pi)
                        .iter()
                        .map(|n| if exact { n.clone() } else { normalise(n) })
                        .any(|n| wanted.contains(&n))
            });
            if let Some(i) = hit {
                of_plan[i] = Some(e);
                taken[e] = true;
            }
        }
    }
    // 2. The most similar unmatched indicator stated in the entry's tasks (or goals).
    let in_scope = |entry: &IndicatorConfig, pi: &PlanIndicator<'_>| {
        pi.tasks.iter().any(|t| entry.tasks.contains(t)) || (entry.goal && pi.headline)
    };
    for (e, entry) in entries.iter().enumerate() {
        if taken[e] {
            continue;
        }
        let wanted = normalise(&entry.name);
        let best = plan
            .iter()
            .enumerate()
            .filter(|(i, pi)| of_plan[*i].is_none() && in_scope(entry, pi))
            .map(|(i, pi)| {
                let score = names(pi)
                    .iter()
                    .map(|n| similarity(&wanted, &normalise(n)))
                    .fold(0.0, f64::max);
                (i, score)
            })
            .filter(|(_, score)| *score >= MIN_SIMILARITY)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, _)) = best {
            of_plan[i] = Some(e);
            taken[e] = true;
        }
    }
    // 3. One entry and one indicator left in the same scope belong together.
    for (e, entry) in entries.iter().enumerate() {
        if taken[e] || (entry.tasks.is_empty() && !entry.goal) {
            continue;
        }
        let free: Vec<usize> = plan
            .iter()
            .enumerate()
            .filter(|(i, pi)| of_plan[*i].is_none() && in_scope(entry, pi))
            .map(|(i, _)| i)
            .collect();
        let rivals = entries
            .iter()
            .enumerate()
            .filter(|(x, other)| {
                !taken[*x] && *x != e && free.iter().any(|i| in_scope(other, &plan[*i]))
            })
            .count();
        if let [i] = free[..]
            && rivals == 0
        {
            of_plan[i] = Some(e);
            taken[e] = true;
        }
    }
    of_plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_names_drop_what_varies_between_phrasings() {
        assert_eq!(
            normalise("全社会R&D经费支出占GDP的比重"),
            normalise("全社会R&D经费支出占GDP比重")
        );
        assert_eq!(normalise("5G基站累计建成数"), "5G基站");
        assert_eq!(normalise("国家高新技术企业数量"), "国家高新技术企业");
        assert_eq!(normalise("各类本地实用型专业人才"), "本地实用型专业人才");
    }

    #[test]
    fn similarity_prefers_containment_then_shared_characters() {
        assert_eq!(similarity("年产值", "年产值"), 1.0);
        assert_eq!(similarity("中电数字经济产业园年产值", "年产值"), 0.9);
        let close = similarity(
            &normalise("规模以上耐火企业数量"),
            &normalise("耐火企业中规模以上企业"),
        );
        let far = similarity(
            &normalise("规模以上耐火企业数量"),
            &normalise("数据中心PUE"),
        );
        assert!(close > 0.6 && far < 0.1, "{close} {far}");
    }
}
