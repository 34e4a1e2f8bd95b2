//! The office's corrections in the preview: the plan the editing table posts back (interchange
//! JSON) is made to agree with its own tasks before it is checked, and unit names that look like
//! typos of each other are offered for merging.
//!
//! The table edits tasks, targets and milestones; everything derived from them (the unit
//! register, the indicators' mentions) is rebuilt here, so a corrected name never reaches the
//! organisation under its old spelling.

use planwatch_model::{IndicatorMention, Plan, ResponsibleUnit, Severity, Target, UnitKind};
use planwatch_store::parse_plan_json;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The extractor's blocking diagnostics that describe a structure the table can correct: once
/// the office has edited the plan, `check_plan`'s own rules (a lead unit for every task, at least
/// one task) judge the corrected plan instead.
const STRUCTURAL: [&str; 2] = ["task-without-lead", "no-tasks"];

/// Reads the plan posted from the editing table and settles it; the error says where the JSON
/// is wrong, in Chinese.
pub fn corrected(json: &str, file_name: &str) -> Result<Plan, String> {
    let mut plan = parse_plan_json(json, &format!("{file_name}（表格校对）"))
        .map_err(|e| format!("表格中校对后的计划无法读取：{e}"))?;
    settle(&mut plan);
    Ok(plan)
}

fn clean_units(units: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for u in units {
        let u = u.trim();
        // Empty names stay for `check_plan` to name the field; a repeated name is one unit.
        if u.is_empty() || !out.iter().any(|o| o == u) {
            out.push(u.to_string());
        }
    }
    out
}

/// Rebuilds what the plan derives from its tasks: the unit register (every unit named by a task,
/// sorted by code point, with the kind and first place the extraction gave it), the indicators'
/// mentions (indicators no target mentions any more are dropped) and the diagnostics the
/// correction has made obsolete.
pub fn settle(plan: &mut Plan) {
    for t in &mut plan.tasks {
        t.title = t.title.trim().to_string();
        t.lead_units = clean_units(&t.lead_units);
        t.participating_units = clean_units(&t.participating_units);
    }
    let before: HashMap<String, ResponsibleUnit> = std::mem::take(&mut plan.unit_details)
        .into_iter()
        .map(|u| (u.name.clone(), u))
        .collect();
    let mut register: BTreeMap<String, ResponsibleUnit> = BTreeMap::new();
    for t in &plan.tasks {
        for (lead, names) in [(true, &t.lead_units), (false, &t.participating_units)] {
            for name in names.iter().filter(|n| !n.is_empty()) {
                let entry = register.entry(name.clone()).or_insert_with(|| {
                    let old = before.get(name);
                    ResponsibleUnit {
                        name: name.clone(),
                        kind: old.map_or_else(|| UnitKind::classify(name), |u| u.kind),
                        lead_tasks: Vec::new(),
                        participating_tasks: Vec::new(),
                        span: old.and_then(|u| u.span),
                    }
                });
                let tasks = if lead {
                    &mut entry.lead_tasks
                } else {
                    &mut entry.participating_tasks
                };
                if !tasks.contains(&t.number) {
                    tasks.push(t.number);
                }
            }
        }
    }
    plan.units = register.keys().cloned().collect();
    plan.unit_details = register.into_values().collect();

    let position: HashMap<String, usize> = plan
        .indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| (ind.id.clone(), i))
        .collect();
    let mut mentions: Vec<Vec<IndicatorMention>> = vec![Vec::new(); plan.indicators.len()];
    let mention = |task: Option<u32>, i: usize, t: &Target| IndicatorMention {
        task,
        target: i,
        value: t.value,
        year: t.year,
        comparator: t.comparator,
        span: t.span,
    };
    let targets = plan
        .goals
        .iter()
        .enumerate()
        .map(|(i, g)| (None, i, g))
        .chain(plan.tasks.iter().flat_map(|t| {
            t.targets
                .iter()
                .enumerate()
                .map(move |(i, x)| (Some(t.number), i, x))
        }));
    for (task, i, t) in targets {
        if let Some(&p) = t.indicator_id.as_ref().and_then(|k| position.get(k)) {
            mentions[p].push(mention(task, i, t));
        }
    }
    for (ind, m) in plan.indicators.iter_mut().zip(mentions) {
        ind.mentions = m;
    }
    plan.indicators.retain(|ind| !ind.mentions.is_empty());
    plan.diagnostics
        .retain(|d| !(d.severity == Severity::Error && STRUCTURAL.contains(&d.code.as_str())));
}

/// Short and full forms of the same words in unit names (市发改委 = 市发展改革委).
const ABBREVIATIONS: [(&str, &str); 10] = [
    ("发改委", "发展改革委"),
    ("发改委", "发展和改革委员会"),
    ("发展改革委", "发展和改革委员会"),
    ("科技局", "科学技术局"),
    ("工信局", "工业和信息化局"),
    ("人社局", "人力资源和社会保障局"),
    ("住建局", "住房和城乡建设局"),
    ("市场监管局", "市场监督管理局"),
    ("文旅局", "文化和旅游局"),
    ("卫健委", "卫生健康委"),
];

/// Two unit names that probably mean one unit, offered for merging: `from` is replaced by
/// `into` everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    pub from: String,
    pub into: String,
    pub from_count: usize,
    pub into_count: usize,
    pub why: &'static str,
}

/// Whether two names look like one unit: the same length (at least three characters) and one
/// character apart, or a short and a full form.
fn alike(a: &str, b: &str) -> Option<&'static str> {
    for (short, full) in ABBREVIATIONS {
        if (a.contains(short) && a.replace(short, full) == b)
            || (b.contains(short) && b.replace(short, full) == a)
        {
            return Some("简称与全称");
        }
    }
    // 城区、矿区、郊区人民政府: two-character district names differ in one character by nature.
    let district = |u: &str| {
        UnitKind::classify(u) == UnitKind::CountyGovernment && {
            let place = u.trim_end_matches("人民政府").trim_end_matches("政府");
            place.chars().count() == 2 && place.ends_with('区')
        }
    };
    if district(a) && district(b) {
        return None;
    }
    let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if x.len() == y.len() && x.len() >= 3 && x.iter().zip(&y).filter(|(p, q)| p != q).count() == 1 {
        return Some("只差一个字");
    }
    None
}

/// Pairs of unit names in the plan that look like one unit. `known` are the organisation's
/// units: two names it already holds are two units (市教育局 and 市体育局), and a name it holds
/// is the one kept. Otherwise the name the plan uses more often is kept; a one-character
/// difference is offered only when one name is rarer, as the extractor's own typo check does.
pub fn merges(plan: &Plan, known: &BTreeSet<String>) -> Vec<Merge> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &plan.tasks {
        for u in t.lead_units.iter().chain(&t.participating_units) {
            let u = u.trim();
            if !u.is_empty() {
                *count.entry(u).or_default() += 1;
            }
        }
    }
    let names: Vec<(&str, usize)> = count.into_iter().collect();
    let mut out = Vec::new();
    for (i, &(a, na)) in names.iter().enumerate() {
        for &(b, nb) in &names[i + 1..] {
            if known.contains(a) && known.contains(b) {
                continue;
            }
            let Some(why) = alike(a, b) else {
                continue;
            };
            let keep_a = match (known.contains(a), known.contains(b)) {
                (true, false) => true,
                (false, true) => false,
                _ if na != nb => na > nb,
                _ if why == "只差一个字" => continue,
                // The full form of a short and a full name.
                _ => a.chars().count() > b.chars().count(),
            };
            let (from, into, from_count, into_count) = if keep_a {
                (b, a, nb, na)
            } else {
                (a, b, na, nb)
            };
            out.push(Merge {
                from: from.to_string(),
                into: into.to_string(),
                from_count,
                into_count,
                why,
            });
            if out.len() >= 50 {
                return out;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use planwatch_model::{Diagnostic, Indicator, Task};

    fn task(number: u32, lead: &[&str], participating: &[&str]) -> Task {
        Task {
            number,
            label: String::new(),
            title: format!("任务{number}"),
            section: "一".to_string(),
            lead_units: lead.iter().map(|s| s.to_string()).collect(),
            participating_units: participating.iter().map(|s| s.to_string()).collect(),
            targets: Vec::new(),
            milestones: Vec::new(),
            body: String::new(),
            span: None,
        }
    }

    fn plan(tasks: Vec<Task>) -> Plan {
        Plan {
            title: "计划".to_string(),
            tasks,
            ..Plan::default()
        }
    }

    fn merge_pairs(p: &Plan, known: &[&str]) -> Vec<(String, String)> {
        let known = known.iter().map(|s| s.to_string()).collect();
        merges(p, &known)
            .into_iter()
            .map(|m| (m.from, m.into))
            .collect()
    }

    #[test]
    fn a_name_one_character_off_is_merged_into_the_more_frequent_one() {
        let p = plan(vec![
            task(1, &["市科技局"], &["市财政局"]),
            task(2, &["市科技局"], &[]),
            task(3, &["市科枝局"], &[]),
        ]);
        assert_eq!(
            merge_pairs(&p, &[]),
            vec![("市科枝局".to_string(), "市科技局".to_string())]
        );
    }

    #[test]
    fn a_short_form_is_merged_into_the_full_form_or_the_name_the_organisation_holds() {
        let p = plan(vec![task(1, &["市发改委"], &["市发展改革委"])]);
        assert_eq!(
            merge_pairs(&p, &[]),
            vec![("市发改委".to_string(), "市发展改革委".to_string())]
        );
        let p = plan(vec![task(1, &["市发改委"], &["市发展改革委"])]);
        assert_eq!(
            merge_pairs(&p, &["市发改委"]),
            vec![("市发展改革委".to_string(), "市发改委".to_string())]
        );
    }

    #[test]
    fn two_units_the_organisation_holds_or_names_used_equally_often_are_not_offered() {
        let p = plan(vec![task(1, &["市教育局"], &["市体育局"])]);
        assert!(merge_pairs(&p, &["市教育局", "市体育局"]).is_empty());
        assert!(merge_pairs(&p, &[]).is_empty());
        let p = plan(vec![task(1, &["城区"], &["郊区"])]);
        assert!(
            merge_pairs(&p, &[]).is_empty(),
            "names under three characters"
        );
        let p = plan(vec![
            task(1, &["城区人民政府"], &["郊区人民政府"]),
            task(2, &["城区人民政府"], &[]),
        ]);
        assert!(merge_pairs(&p, &[]).is_empty(), "two districts");
    }

    #[test]
    fn settling_rebuilds_the_unit_register_and_mentions_and_drops_the_corrected_blockers() {
        let mut p = plan(vec![task(1, &[" 市科技局 ", "市科技局"], &["市财政局"])]);
        p.units = vec!["市科枝局".to_string()];
        p.tasks[0].targets.push(Target {
            indicator: "研发投入".to_string(),
            indicator_id: Some("I1".to_string()),
            value: Some(2.5),
            ..Target::default()
        });
        p.indicators = vec![
            Indicator {
                id: "I1".to_string(),
                name: "研发投入".to_string(),
                unit: None,
                direction: Default::default(),
                mentions: Vec::new(),
            },
            Indicator {
                id: "I2".to_string(),
                name: "删掉的指标".to_string(),
                unit: None,
                direction: Default::default(),
                mentions: Vec::new(),
            },
        ];
        let diag = |code: &str, severity| Diagnostic {
            line: 3,
            column: 1,
            message: String::new(),
            severity,
            code: code.to_string(),
            sheet: None,
        };
        p.diagnostics = vec![
            diag("task-without-lead", Severity::Error),
            diag("internal-error", Severity::Error),
            diag("unit-name-typo", Severity::Warning),
        ];
        settle(&mut p);
        assert_eq!(p.tasks[0].lead_units, vec!["市科技局"]);
        assert_eq!(p.units, vec!["市科技局", "市财政局"]);
        assert_eq!(p.unit_details[0].lead_tasks, vec![1]);
        assert_eq!(p.unit_details[1].participating_tasks, vec![1]);
        assert_eq!(p.indicators.len(), 1);
        assert_eq!(p.indicators[0].mentions[0].task, Some(1));
        assert_eq!(p.indicators[0].mentions[0].value, Some(2.5));
        let codes: Vec<&str> = p.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, vec!["internal-error", "unit-name-typo"]);
    }

    #[test]
    fn a_broken_table_post_says_where_in_chinese() {
        let e = corrected("{\"title\": 1}", "plan.txt").expect_err("not a plan");
        assert!(e.contains("表格中校对后的计划无法读取"), "{e}");
        assert!(e.contains("plan.txt"), "{e}");
    }
}
