//! Unit and place names that look like a typo of another name in the same plan (孟县 beside
//! 盂县): one character apart, and rarer than the name they resemble.

use crate::Diag;
use crate::chars::{edit_distance, is_han};
use crate::source::LineIndex;
use planwatch_model::{Severity, UnitKind};

/// First characters that make "X县" a common word rather than a county (各县, 整县, 全县).
const NOT_A_COUNTY: &str = "各整全本该每我外邻属一二两三四五六七八九十百多个区市州省乡郡村旗知副正强大小重贫富山农牧试点示范名千万边县他此其原新老诸数成以在和与及对向为于由到至是的了将把被等或并";

/// Characters after 县 that make it the start of a word (县域, 县乡村, 县区): the character before
/// 县 then belongs to another word (完成县乡村三级物流体系).
const COUNTY_WORD_NEXT: &str = "域乡级区城委长市镇政直属情际内外里志份界人财";

/// Places named by the plan's county and district governments: 盂县人民政府 → 盂县.
fn places(units: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for u in units {
        if UnitKind::classify(u) != UnitKind::CountyGovernment {
            continue;
        }
        let p = u.trim_end_matches("人民政府").trim_end_matches("政府");
        let n = p.chars().count();
        if (2..=5).contains(&n)
            && p.ends_with(['县', '区', '市', '旗'])
            && p.chars().all(is_han)
            && !(n == 2 && p.ends_with('区'))
            && !out.iter().any(|o| o == p)
        {
            out.push(p.to_string());
        }
    }
    out
}

pub(crate) fn check(src: &str, idx: &LineIndex<'_>, units: &[String]) -> Vec<Diag> {
    let places = places(units);
    let mut diags = Vec::new();
    for p in &places {
        let n = p.chars().count();
        let Some(last) = p.chars().last() else {
            continue;
        };
        let known = src.matches(p.as_str()).count();
        // Windows of n chars ending with the place's last char, e.g. every "?县".
        let mut candidates: Vec<(usize, usize)> = Vec::new();
        for (j, _) in src.match_indices(last) {
            let head = &src[..j];
            let mut start = j;
            let mut ok = true;
            for _ in 1..n {
                match head[..start].chars().next_back() {
                    Some(c) if is_han(c) => start -= c.len_utf8(),
                    _ => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                candidates.push((start, j + last.len_utf8()));
            }
        }
        let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for &(s, e) in &candidates {
            *counts.entry(&src[s..e]).or_default() += 1;
        }
        for &(s, e) in &candidates {
            let w = &src[s..e];
            if w == p || places.iter().any(|q| q == w) {
                continue;
            }
            if n == 2 && w.chars().next().is_some_and(|c| NOT_A_COUNTY.contains(c)) {
                continue;
            }
            // Part of a longer name (定县 in 平定县), or 县 starting the next word.
            if units.iter().chain(places.iter()).any(|u| {
                u.chars().count() > n
                    && (src[..e].ends_with(u.as_str()) || src[s..].starts_with(u.as_str()))
            }) {
                continue;
            }
            if crate::chars::char_at(src, e).is_some_and(|c| COUNTY_WORD_NEXT.contains(c))
                && w.ends_with('县')
            {
                continue;
            }
            if edit_distance(w, p, 1) != 1 || counts.get(w).copied().unwrap_or(0) >= known {
                continue;
            }
            diags.push(Diag {
                span: idx.span(s..e),
                severity: Severity::Warning,
                code: "unit-name-typo".to_string(),
                message: format!(
                    "“{w}”与本计划中的“{p}”只差一个字，可能是笔误，请核对 (possible typo of {p})"
                ),
            });
        }
    }
    // County governments one character apart, the rarer one flagged.
    let counties: Vec<&String> = units
        .iter()
        .filter(|u| UnitKind::classify(u) == UnitKind::CountyGovernment)
        .take(200)
        .collect();
    for (a, u) in counties.iter().enumerate() {
        for v in &counties[a + 1..] {
            if u.chars().count() != v.chars().count() || edit_distance(u, v, 1) != 1 {
                continue;
            }
            let place = |x: &str| {
                x.trim_end_matches("人民政府")
                    .trim_end_matches("政府")
                    .to_string()
            };
            if place(u).chars().count() == 2 && place(u).ends_with('区') {
                continue;
            }
            let (cu, cv) = (
                src.matches(u.as_str()).count(),
                src.matches(v.as_str()).count(),
            );
            let (rare, common) = if cu == 1 && cv >= 3 {
                (u, v)
            } else if cv == 1 && cu >= 3 {
                (v, u)
            } else {
                continue;
            };
            if let Some(at) = src.find(rare.as_str()) {
                diags.push(Diag {
                    span: idx.span(at..at + rare.len()),
                    severity: Severity::Warning,
                    code: "unit-name-typo".to_string(),
                    message: format!("单位“{rare}”与“{common}”只差一个字，可能是笔误，请核对 (possible typo of {common})"),
                });
            }
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_county_one_character_off_is_flagged() {
        let src =
            "盂县人民政府；盂县开发区；盂县、平定县；孟县粤电二期；全力抓好孟县、郊区。整县推进";
        let idx = LineIndex::new(src);
        let units: Vec<String> = ["盂县人民政府", "平定县人民政府", "郊区人民政府"]
            .map(String::from)
            .to_vec();
        let d = check(src, &idx, &units);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|d| d.message.contains("孟县")));
    }

    #[test]
    fn different_departments_are_not_typos() {
        let src = "市商务局、市税务局、市教育局、市体育局";
        let idx = LineIndex::new(src);
        let units: Vec<String> = ["市商务局", "市税务局", "市教育局", "市体育局"]
            .map(String::from)
            .to_vec();
        assert!(check(src, &idx, &units).is_empty());
    }
}
