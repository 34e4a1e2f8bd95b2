//! Indicators: targets that measure the same thing (国家高新技术企业达到200家 in the goals and
//! 高新技术企业达到200家 in task 18) become one indicator with several mentions. Mentions that
//! disagree for the same year are reported, never merged silently.

use crate::Diag;
use planwatch_model::{
    Direction, Indicator, IndicatorMention, Plan, Severity, Target, TargetWording,
};
use std::collections::HashMap;

/// The comparable form of an indicator name: no 的, no 全市/我市 prefix.
fn canonical(name: &str) -> String {
    let mut s: String = name
        .chars()
        .filter(|c| *c != '的' && !c.is_whitespace())
        .collect();
    for p in ["全市", "我市", "全省", "全县", "全区"] {
        if let Some(r) = s.strip_prefix(p) {
            s = r.to_string();
        }
    }
    s
}

/// 省级以上重点实验室、工程研究中心等创新平台 is counted as 创新平台: the words after the last 等.
fn after_deng(key: &str) -> Option<String> {
    let p = key.rfind('等')?;
    let tail = &key[p + '等'.len_utf8()..];
    (tail.chars().count() >= 4).then(|| tail.to_string())
}

/// Suffixes of at least four characters (国家高新技术企业 → 高新技术企业, …).
fn suffixes(key: &str) -> impl Iterator<Item = &str> {
    let n = key.chars().count();
    key.char_indices()
        .take(n.saturating_sub(4) + 1)
        .skip(1)
        .map(move |(i, _)| &key[i..])
}

/// A longer name that adds one of these to a shorter one counts something else (新增规上工业企业
/// is a yearly increment, 规上工业企业 a level).
const NOT_A_QUALIFIER: &[&str] = &[
    "新增",
    "新建",
    "新培育",
    "增加",
    "增长",
    "年均",
    "每年",
    "当年",
    "年度",
    "累计",
];

fn qualifies(longer: &str, shorter: &str) -> bool {
    longer
        .strip_suffix(shorter)
        .is_some_and(|prefix| !NOT_A_QUALIFIER.iter().any(|w| prefix.contains(w)))
}

fn lower_is_better(t: &Target) -> bool {
    t.comparator == Some(TargetWording::AtMost)
        || [
            "下降",
            "降低",
            "减少",
            "压减",
            "压缩",
            "缩短",
            "能耗",
            "排放",
            "PUE",
            "事故",
            "死亡率",
            "发生率",
            "失业率",
        ]
        .iter()
        .any(|w| t.indicator.contains(w) || t.text.contains(w))
}

fn where_zh(m: &IndicatorMention) -> String {
    let line = m.span.map_or(0, |s| s.line);
    match m.task {
        None => format!("目标（第{line}行）"),
        Some(n) => format!("任务{n}（第{line}行）"),
    }
}

fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The names known for one unit of measure.
#[derive(Default)]
struct Keys {
    exact: HashMap<String, usize>,
    by_suffix: HashMap<String, usize>,
}

/// Groups the plan's targets into indicators, sets each target's `indicator_id`, and returns
/// the conflicts found.
pub(crate) fn link(plan: &mut Plan) -> Vec<Diag> {
    let mut indicators: Vec<Indicator> = Vec::new();
    // Per unit: canonical name → indicator index, for exact names and for their suffixes.
    let mut by_unit: HashMap<String, Keys> = HashMap::new();
    // Where each indicator has been mentioned: the first task (None for goals) and whether
    // any other place too. Two things named in one task are not merged just because one name
    // ends the other.
    let mut places: Vec<(Option<u32>, bool)> = Vec::new();
    // The canonical key each indicator was created with.
    let mut names: Vec<String> = Vec::new();
    let mut assign = |task: Option<u32>, index: usize, t: &mut Target| {
        if t.value.is_none() && t.comparator != Some(TargetWording::Double) {
            return;
        }
        let key = canonical(&t.indicator);
        let keys = by_unit
            .entry(t.unit.clone().unwrap_or_default())
            .or_default();
        let other_task = |i: usize| places[i].1 || places[i].0 != task;
        let mut found = keys.exact.get(key.as_str()).copied();
        if found.is_none() {
            found = keys
                .by_suffix
                .get(key.as_str())
                .copied()
                .filter(|&i| other_task(i) && qualifies(&names[i], &key));
        }
        if found.is_none() {
            found = suffixes(&key)
                .filter(|s| qualifies(&key, s))
                .find_map(|s| keys.exact.get(s).copied())
                .filter(|&i| other_task(i));
        }
        let alt = after_deng(&key);
        if found.is_none()
            && let Some(alt) = &alt
        {
            found = keys
                .exact
                .get(alt.as_str())
                .or_else(|| keys.by_suffix.get(alt.as_str()))
                .copied()
                .filter(|&i| other_task(i));
        }
        let i = match found {
            Some(i) => {
                places[i].1 |= places[i].0 != task;
                i
            }
            None => {
                let i = indicators.len();
                indicators.push(Indicator {
                    id: format!("I{}", i + 1),
                    name: t.indicator.clone(),
                    unit: t.unit.clone(),
                    direction: Direction::HigherIsBetter,
                    mentions: Vec::new(),
                });
                places.push((task, false));
                names.push(key.clone());
                i
            }
        };
        if let Some(alt) = alt {
            keys.exact.entry(alt).or_insert(i);
        }
        for s in suffixes(&key) {
            if !keys.by_suffix.contains_key(s) {
                keys.by_suffix.insert(s.to_string(), i);
            }
        }
        keys.exact.entry(key).or_insert(i);
        if lower_is_better(t) {
            indicators[i].direction = Direction::LowerIsBetter;
        }
        indicators[i].mentions.push(IndicatorMention {
            task,
            target: index,
            value: t.value,
            year: t.year,
            comparator: t.comparator,
            span: t.span,
        });
        t.indicator_id = Some(indicators[i].id.clone());
    };
    for (k, g) in plan.goals.iter_mut().enumerate() {
        assign(None, k, g);
    }
    for task in &mut plan.tasks {
        let n = task.number;
        for (k, t) in task.targets.iter_mut().enumerate() {
            assign(Some(n), k, t);
        }
    }
    plan.indicators = indicators;

    // For each indicator and year, the first mention with a value is the reference; each later
    // mention that states another value is a conflict.
    let mut diags = Vec::new();
    for ind in &plan.indicators {
        let mut reference: HashMap<Option<i32>, &IndicatorMention> = HashMap::new();
        for m in &ind.mentions {
            let Some(v) = m.value else { continue };
            let Some(first) = reference.get(&m.year).copied() else {
                reference.insert(m.year, m);
                continue;
            };
            let v1 = first.value.unwrap_or(v);
            if (v1 - v).abs() <= 1e-9 * v1.abs().max(1.0) {
                continue;
            }
            let unit = ind.unit.clone().unwrap_or_default();
            let year = m.year.map(|y| format!("（{y}年）")).unwrap_or_default();
            diags.push(Diag {
                span: m.span.unwrap_or_default(),
                severity: Severity::Warning,
                code: "indicator-conflict".to_string(),
                message: format!(
                    "指标“{}”{year}在{}为{}{unit}，在{}为{}{unit}，两处不一致，请核对 (conflicting targets for one indicator)",
                    ind.name,
                    where_zh(first),
                    fmt_value(v1),
                    where_zh(m),
                    fmt_value(v),
                ),
            });
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_are_at_least_four_characters() {
        let v: Vec<_> = suffixes("国家高新技术企业").collect();
        assert_eq!(v.first(), Some(&"家高新技术企业"));
        assert_eq!(v.last(), Some(&"技术企业"));
    }

    #[test]
    fn canonical_names_drop_de_and_city_prefix() {
        assert_eq!(
            canonical("全市科技公共财政支出占公共财政支出的比重"),
            "科技公共财政支出占公共财政支出比重"
        );
        assert_eq!(
            after_deng("省级以上重点实验室、企业技术中心等创新平台").as_deref(),
            Some("创新平台")
        );
    }
}
