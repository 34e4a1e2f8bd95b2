//! The development corpus (fixtures/plans/dev: nine real plans of the genre with hand-made gold
//! annotations) extracted and scored with the metric of `../shared/tools/score_plan_extraction.py`,
//! re-implemented here: the mean F1 of tasks, lead units, participating units and targets.
//! Fails when the mean falls below what the extractor reaches today (minus a margin) or any plan
//! falls below 0.75. Run with `--nocapture` to see the per-plan scores.

use serde_json::Value;
use std::path::PathBuf;

/// The mean over the corpus measured when this test was written was 0.965; the floor leaves a
/// small margin for deliberate trade-offs.
const MEAN_FLOOR: f64 = 0.95;
const PLAN_FLOOR: f64 = 0.75;

fn dev_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/plans/dev")
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

/// Ratcliff–Obershelp similarity, as Python's `difflib.SequenceMatcher.ratio` computes it (the
/// longest matching block, then recursively left and right of it).
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

/// Greedy one-to-one matching: same number and a similar title, else a very similar title.
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

/// (value, unit, year) with a leading 万/千 of the unit multiplied out.
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

fn score(gold: &Value, pred: &Value) -> f64 {
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
            let g: std::collections::HashSet<String> = list(&gt[gi], field)
                .iter()
                .map(|u| norm_unit(u.as_str().unwrap_or("")))
                .collect();
            let p: std::collections::HashSet<String> = list(&pt[pi], field)
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
    let leads = units("lead_units");
    let parts = units("participating_units");
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
    (tasks + leads + parts + targets) / 4.0
}

#[test]
fn the_dev_corpus_scores_above_its_floors() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dev_dir())
        .expect("fixtures/plans/dev")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 9, "nine dev plans expected");
    let mut scores = Vec::new();
    for txt in &files {
        let bytes = std::fs::read(txt).expect("plan text");
        let name = txt.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let plan = planwatch_plantext::extract_bytes(&bytes, name).expect("decodes");
        let pred = serde_json::to_value(&plan).expect("plan JSON");
        let gold_path = txt.with_extension("gold.json");
        let gold: Value =
            serde_json::from_slice(&std::fs::read(&gold_path).expect("gold")).expect("gold JSON");
        let sc = score(&gold, &pred);
        println!("{name}: {sc:.4}");
        scores.push((name.to_string(), sc));
    }
    let mean = scores.iter().map(|s| s.1).sum::<f64>() / scores.len() as f64;
    println!("mean: {mean:.4}");
    let low: Vec<_> = scores.iter().filter(|s| s.1 < PLAN_FLOOR).collect();
    assert!(low.is_empty(), "plans below {PLAN_FLOOR}: {low:?}");
    assert!(mean >= MEAN_FLOOR, "mean {mean:.4} below {MEAN_FLOOR}");
}

#[test]
fn the_similarity_is_the_ratcliff_obershelp_ratio() {
    assert!((similarity("abcd", "abcd") - 1.0).abs() < 1e-9);
    // difflib.SequenceMatcher(None, "建设精品道路300条", "完成300条精品路建设").ratio()
    assert!((similarity("建设精品道路300条", "完成300条精品路建设") - 8.0 / 21.0).abs() < 1e-9);
    assert!(similarity("牵头单位", "配合部门") < 0.01);
}
