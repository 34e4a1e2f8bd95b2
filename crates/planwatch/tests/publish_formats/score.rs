//! The metric of `../shared/tools/score_plan_extraction.py`, re-implemented: micro F1 of tasks,
//! lead units, participating units, targets, milestones and units against a gold annotation.

use serde_json::Value;
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    pub tasks: f64,
    pub lead_units: f64,
    pub part_units: f64,
    pub targets: f64,
    /// Only where the gold has milestones.
    pub milestones: Option<f64>,
    /// Only where the gold lists the units.
    pub units: Option<f64>,
}

impl Scores {
    /// The script's `score:` line: the mean of tasks, lead units, participating units and
    /// targets.
    pub fn mean(&self) -> f64 {
        (self.tasks + self.lead_units + self.part_units + self.targets) / 4.0
    }
}

/// NFKC for what plan texts contain (full-width ASCII and the ideographic space), then without
/// whitespace.
fn norm_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn norm_number(s: &str) -> String {
    norm_text(s)
        .chars()
        .filter(|c| !"()（）.、．:：,，[]".contains(*c))
        .collect()
}

fn norm_unit(s: &str) -> String {
    norm_text(s).trim_end_matches('等').to_string()
}

/// Ratcliff–Obershelp similarity, as Python's `difflib.SequenceMatcher.ratio`.
fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = norm_text(a).chars().collect();
    let b: Vec<char> = norm_text(b).chars().collect();
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    fn matched(a: &[char], b: &[char]) -> usize {
        let (mut best, mut at_a, mut at_b) = (0, 0, 0);
        let mut prev = vec![0usize; b.len() + 1];
        for (i, ca) in a.iter().enumerate() {
            let mut cur = vec![0usize; b.len() + 1];
            for (j, cb) in b.iter().enumerate() {
                if ca == cb {
                    cur[j + 1] = prev[j] + 1;
                    if cur[j + 1] > best {
                        best = cur[j + 1];
                        at_a = i + 1 - best;
                        at_b = j + 1 - best;
                    }
                }
            }
            prev = cur;
        }
        if best == 0 {
            return 0;
        }
        best + matched(&a[..at_a], &b[..at_b]) + matched(&a[at_a + best..], &b[at_b + best..])
    }
    2.0 * matched(&a, &b) as f64 / (a.len() + b.len()) as f64
}

fn f1(tp: usize, pred: usize, gold: usize) -> f64 {
    let p = if pred > 0 {
        tp as f64 / pred as f64
    } else if gold == 0 {
        1.0
    } else {
        0.0
    };
    let r = if gold > 0 {
        tp as f64 / gold as f64
    } else {
        1.0
    };
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

fn list<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn number(v: &Value) -> String {
    match v.get("number") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn match_tasks(gold: &[Value], pred: &[Value]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut used = vec![false; pred.len()];
    for (gi, g) in gold.iter().enumerate() {
        let mut best: Option<(usize, f64)> = None;
        for (pi, p) in pred.iter().enumerate() {
            if used[pi] {
                continue;
            }
            let sim = similarity(s(g, "title"), s(p, "title"));
            let same_no = norm_number(&number(g)) == norm_number(&number(p));
            let score = sim + if same_no { 1.0 } else { 0.0 };
            let ok = (same_no && sim >= 0.5) || sim >= 0.8;
            if ok && best.is_none_or(|(_, b)| score > b) {
                best = Some((pi, score));
            }
        }
        if let Some((pi, _)) = best {
            used[pi] = true;
            pairs.push((gi, pi));
        }
    }
    pairs
}

fn all_targets(plan: &Value) -> Vec<&Value> {
    let mut out: Vec<&Value> = list(plan, "goals").iter().collect();
    for t in list(plan, "tasks") {
        out.extend(list(t, "targets"));
    }
    out.extend(list(plan, "targets"));
    out
}

fn target_key(t: &Value) -> Option<(i64, String, Option<i64>)> {
    let value = t.get("value").and_then(Value::as_f64)?;
    let unit = norm_text(s(t, "unit"));
    let (v, u) = if let Some(n) = t.get("value_normalized").and_then(Value::as_f64) {
        let u = unit.strip_prefix(['万', '千']).unwrap_or(&unit).to_string();
        (n, u)
    } else if unit.starts_with('万') && unit != "万千瓦" {
        (value * 1e4, unit['万'.len_utf8()..].to_string())
    } else if unit.starts_with('千') && unit != "千瓦" {
        (value * 1e3, unit['千'.len_utf8()..].to_string())
    } else {
        (value, unit)
    };
    let year = t.get("year").and_then(Value::as_i64);
    Some(((v * 1e6).round() as i64, u, year))
}

pub fn score(gold: &Value, pred: &Value) -> Scores {
    let (gt, pt) = (list(gold, "tasks"), list(pred, "tasks"));
    let pairs = match_tasks(gt, pt);
    let tasks = f1(pairs.len(), pt.len(), gt.len());
    let truncated = |t: &Value| t.get("truncated").and_then(Value::as_bool) == Some(true);
    let units = |field: &str| {
        let (mut tp, mut n_pred, mut n_gold) = (0, 0, 0);
        for &(gi, pi) in &pairs {
            if truncated(&gt[gi]) {
                continue;
            }
            let g: HashSet<String> = list(&gt[gi], field)
                .iter()
                .map(|u| norm_unit(u.as_str().unwrap_or("")))
                .collect();
            let p: HashSet<String> = list(&pt[pi], field)
                .iter()
                .map(|u| norm_unit(u.as_str().unwrap_or("")))
                .collect();
            tp += g.intersection(&p).count();
            n_pred += p.len();
            n_gold += g.len();
        }
        n_gold += gt
            .iter()
            .enumerate()
            .filter(|(i, t)| !pairs.iter().any(|p| p.0 == *i) && !truncated(t))
            .map(|(_, t)| list(t, field).len())
            .sum::<usize>();
        f1(tp, n_pred, n_gold)
    };
    let lead_units = units("lead_units");
    let part_units = units("participating_units");
    let gold_t: Vec<_> = all_targets(gold)
        .into_iter()
        .filter_map(target_key)
        .collect();
    let mut pred_t: Vec<_> = all_targets(pred)
        .into_iter()
        .filter_map(target_key)
        .collect();
    let n_pred = pred_t.len();
    let mut tp = 0;
    for g in &gold_t {
        if let Some(k) = pred_t.iter().position(|p| p == g) {
            pred_t.remove(k);
            tp += 1;
        }
    }
    let targets = f1(tp, n_pred, gold_t.len());
    let gold_ms: usize = gt.iter().map(|t| list(t, "milestones").len()).sum();
    let milestones = (gold_ms > 0).then(|| {
        let (mut tp, mut n_pred) = (0, 0);
        let matched: HashSet<usize> = pairs.iter().map(|p| p.1).collect();
        for (gi, t) in gt.iter().enumerate() {
            let mut pms: Vec<&Value> = pairs
                .iter()
                .find(|p| p.0 == gi)
                .map(|p| list(&pt[p.1], "milestones").iter().collect())
                .unwrap_or_default();
            n_pred += pms.len();
            for m in list(t, "milestones") {
                if let Some(k) = pms.iter().position(|pm| {
                    pm.get("year") == m.get("year")
                        && similarity(s(pm, "text"), s(m, "text")) >= 0.5
                }) {
                    pms.remove(k);
                    tp += 1;
                }
            }
        }
        n_pred += pt
            .iter()
            .enumerate()
            .filter(|(i, _)| !matched.contains(i))
            .map(|(_, t)| list(t, "milestones").len())
            .sum::<usize>();
        f1(tp, n_pred, gold_ms)
    });
    let units = (!list(gold, "units").is_empty()).then(|| {
        let names = |v: &Value| -> HashSet<String> {
            list(v, "units")
                .iter()
                .map(|u| norm_unit(u.as_str().unwrap_or("")))
                .collect()
        };
        let (g, p) = (names(gold), names(pred));
        f1(g.intersection(&p).count(), p.len(), g.len())
    });
    Scores {
        tasks,
        lead_units,
        part_units,
        targets,
        milestones,
        units,
    }
}
