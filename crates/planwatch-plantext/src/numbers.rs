//! Quantities in plan text: Arabic and Chinese numerals, 万/亿 multipliers, ranges (3-5座),
//! capacity specs (2×100万千瓦), scale classes (百亿级), units and the bound words right after
//! a number (以上、以下、左右).

use crate::chars::{char_at, char_before, closes_quote, digit, opens_quote};
use crate::lexicon::UNITS;
use planwatch_model::TargetWording;
use std::ops::Range;

/// What kind of quantity was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QKind {
    Plain,
    /// 2×100万千瓦: a capacity spec, recorded with no value.
    Capacity,
    /// 百亿级 / 500亿级: at least that many 亿元.
    Scale,
}

/// A number with its unit as found in a clause.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Quantity {
    /// From the first digit to the end of the unit and any bound word.
    pub(crate) range: Range<usize>,
    pub(crate) value: Option<f64>,
    pub(crate) value_max: Option<f64>,
    pub(crate) unit: Option<String>,
    /// The number as written when `value` differs from it (24.5万台, 两家, 2×100万千瓦).
    pub(crate) value_text: Option<String>,
    pub(crate) kind: QKind,
    /// A bound word after the number: 以上, 以下, 左右, 余.
    pub(crate) post: Option<TargetWording>,
    /// Written with Chinese numerals (两、三十): needs a commitment verb to count as a target.
    pub(crate) chinese: bool,
    /// The unit is a duration or date part (年, 天, 小时) and needs a bound word or verb.
    pub(crate) weak: bool,
}

/// A digit sequence next to a unit that could not be read as a number (1.2.3家, 2O0家).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Unreadable {
    pub(crate) range: Range<usize>,
}

fn unit_at(s: &str, at: usize) -> Option<(&'static str, bool, bool)> {
    let rest = s.get(at..)?;
    let &(u, weak, cn) = UNITS
        .iter()
        .filter(|(u, _, _)| rest.starts_with(u))
        .max_by_key(|(u, _, _)| u.len())?;
    // An ASCII unit must not run into more ASCII letters (5G, 3D, PUE).
    if u.is_ascii() && char_at(s, at + u.len()).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((u, weak, cn))
}

fn normalise_unit(u: &str) -> String {
    match u {
        "％" => "%".to_string(),
        _ => u.to_string(),
    }
}

/// Reads an Arabic number at `at`: digits, thousands groups (1,000), a decimal part.
/// Returns the value and the end offset; `Err(end)` if it is malformed (1.2.3, 2O0).
fn arabic(s: &str, at: usize) -> Option<Result<(f64, usize), usize>> {
    let mut txt = String::new();
    let mut i = at;
    let mut dots = 0;
    let mut bad = false;
    while let Some(c) = char_at(s, i) {
        if let Some(d) = digit(c) {
            txt.push(char::from_digit(d, 10).unwrap_or('0'));
            i += c.len_utf8();
        } else if matches!(c, '.' | '．') && char_at(s, i + c.len_utf8()).and_then(digit).is_some()
        {
            dots += 1;
            txt.push('.');
            i += c.len_utf8();
        } else if matches!(c, ',' | '，')
            && !txt.contains('.')
            && (1..=3).contains(&digit_run_len(&txt))
            && digits_then_non_digit(s, i + c.len_utf8(), 3)
        {
            i += c.len_utf8();
        } else if matches!(c, 'O' | 'o' | 'l' | 'I') && !txt.is_empty() && letters_in_number(s, i) {
            bad = true;
            txt.push('0');
            i += 1;
        } else {
            break;
        }
    }
    if txt.is_empty() {
        return None;
    }
    if bad || dots > 1 {
        return Some(Err(i));
    }
    Some(txt.parse::<f64>().map(|v| (v, i)).map_err(|_| i))
}

/// 1OO% / 2O0家: letters that look like digits, inside a number that runs on to a digit or a
/// unit.
fn letters_in_number(s: &str, at: usize) -> bool {
    let run = s[at..]
        .chars()
        .take_while(|c| matches!(c, 'O' | 'o' | 'l' | 'I'))
        .count();
    let after = at + run;
    run <= 3
        && (char_at(s, after).and_then(digit).is_some()
            || unit_at(s, after).is_some_and(|u| !u.0.is_ascii() || u.0 == "%"))
}

fn digit_run_len(t: &str) -> usize {
    t.chars().rev().take_while(char::is_ascii_digit).count()
}

fn digits_then_non_digit(s: &str, at: usize, n: usize) -> bool {
    let mut i = at;
    for _ in 0..n {
        match char_at(s, i) {
            Some(c) if digit(c).is_some() => i += c.len_utf8(),
            _ => return false,
        }
    }
    char_at(s, i).and_then(digit).is_none()
}

/// Reads a Chinese numeral (三十, 两, 一百二十, 五千) at `at`, without 万/亿 (those are
/// multipliers, handled like after Arabic numbers). `Err(end)` for a run that is not a number.
fn chinese(s: &str, at: usize) -> Option<Result<(f64, usize), usize>> {
    let end = s[at..]
        .char_indices()
        .find(|&(_, c)| !is_cn_numeral(c))
        .map_or(s.len(), |(i, _)| at + i);
    if end == at {
        return None;
    }
    let run = &s[at..end];
    let mut total = 0u64;
    let mut cur = 0u64;
    let mut seen = false;
    let mut last_mul = u64::MAX;
    for c in run.chars() {
        let d = match c {
            '零' | '〇' => Some(0),
            '一' => Some(1),
            '二' | '两' => Some(2),
            '三' => Some(3),
            '四' => Some(4),
            '五' => Some(5),
            '六' => Some(6),
            '七' => Some(7),
            '八' => Some(8),
            '九' => Some(9),
            _ => None,
        };
        if let Some(d) = d {
            if seen && cur != 0 && d != 0 {
                return Some(Err(end));
            }
            cur = d;
            seen = true;
            continue;
        }
        let mul = match c {
            '十' => 10,
            '百' => 100,
            _ => 1000,
        };
        if mul >= last_mul {
            return Some(Err(end));
        }
        last_mul = mul;
        total += if !seen { 1 } else { cur } * mul;
        cur = 0;
        seen = false;
    }
    Some(Ok(((total + cur) as f64, end)))
}

/// Characters before a Chinese numeral that make it part of a word (统一, 进一步, 之一, 第三).
const CN_STOP_BEFORE: &str = "每第之统唯单专初同任逐划某万星周另其";

/// Finds the quantities of a clause. `skip` are ranges already taken (year phrases).
pub(crate) fn scan(s: &str, skip: &[Range<usize>]) -> (Vec<Quantity>, Vec<Unreadable>) {
    let mut found = Vec::new();
    let mut bad = Vec::new();
    let mut quote = 0usize;
    let mut i = 0;
    // `skip` is sorted; `next_skip` is the first range that does not end before `i`.
    let mut next_skip = 0;
    while i < s.len() {
        let Some(c) = char_at(s, i) else { break };
        while skip.get(next_skip).is_some_and(|r| r.end <= i) {
            next_skip += 1;
        }
        if let Some(r) = skip.get(next_skip).filter(|r| r.contains(&i)) {
            i = r.end.max(i + c.len_utf8());
            continue;
        }
        if opens_quote(c) {
            quote += 1;
        } else if closes_quote(c) {
            quote = quote.saturating_sub(1);
        }
        if quote > 0 {
            i += c.len_utf8();
            continue;
        }
        let is_digit = digit(c).is_some();
        let is_cn = is_cn_numeral(c);
        if !(is_digit || is_cn) {
            i += c.len_utf8();
            continue;
        }
        match read_quantity(s, i, is_digit) {
            Read::Found(q) => {
                i = q.range.end.max(i + c.len_utf8());
                // 2个千亿级产业集群: the class qualifies what is counted.
                let qualifier = q.kind == QKind::Scale
                    && found
                        .last()
                        .is_some_and(|p: &Quantity| p.range.end == q.range.start);
                if !qualifier {
                    found.push(q);
                }
            }
            Read::Bad(end) => {
                bad.push(Unreadable { range: i..end });
                i = end.max(i + c.len_utf8());
            }
            Read::Skip(end) => i = end.max(i + c.len_utf8()),
        }
    }
    (found, bad)
}

enum Read {
    Found(Quantity),
    Bad(usize),
    Skip(usize),
}

fn read_number(s: &str, at: usize, arabic_digits: bool) -> Option<Result<(f64, usize), usize>> {
    if arabic_digits {
        arabic(s, at)
    } else {
        chinese(s, at)
    }
}

fn read_quantity(s: &str, at: usize, is_digit: bool) -> Read {
    let prev = char_before(s, at);
    // The number must start here, not in the middle of a word or code.
    if is_digit {
        if prev
            .is_some_and(|p| p.is_ascii_alphanumeric() || matches!(p, '.' | '．' | '+' | '-' | '/'))
            || prev.is_some_and(|p| p == '第' || p == '每')
        {
            return skip_number(s, at, true);
        }
    } else {
        if s[at..].starts_with("零突破") {
            return Read::Found(Quantity {
                range: at..at + "零突破".len(),
                value: Some(1.0),
                value_max: None,
                unit: None,
                value_text: Some("零突破".to_string()),
                kind: QKind::Plain,
                post: Some(TargetWording::AtLeast),
                chinese: false,
                weak: false,
            });
        }
        if prev.is_some_and(|p| CN_STOP_BEFORE.contains(p) || is_cn_numeral(p)) {
            return skip_number(s, at, false);
        }
    }
    let (value, mut end) = match read_number(s, at, is_digit) {
        None => return Read::Skip(at),
        Some(Ok(v)) => v,
        Some(Err(end)) => {
            return if unit_at(s, end).is_some() && is_digit {
                Read::Bad(end)
            } else {
                Read::Skip(end)
            };
        }
    };
    let mut q = Quantity {
        range: at..end,
        value: Some(value),
        value_max: None,
        unit: None,
        value_text: None,
        kind: QKind::Plain,
        post: None,
        chinese: !is_digit,
        weak: false,
    };
    // 2×100万千瓦: a capacity spec.
    if let Some(x) = char_at(s, end)
        && matches!(x, '×' | 'x' | 'X' | '*' | '✕')
        && is_digit
        && let Some(Ok((_, e2))) = arabic(s, end + x.len_utf8())
    {
        let mut e = e2;
        let mut unit = String::new();
        for m in ["万", "亿"] {
            if s[e..].starts_with(m) {
                unit.push_str(m);
                e += m.len();
            }
        }
        if let Some((u, _, _)) = unit_at(s, e) {
            unit.push_str(u);
            e += u.len();
        }
        q.range = at..e;
        q.value = None;
        q.unit = (!unit.is_empty()).then_some(unit);
        q.value_text = Some(s[at..e].to_string());
        q.kind = QKind::Capacity;
        return Read::Found(q);
    }
    if char_at(s, end) == Some('+')
        || (is_digit
            && char_at(s, end).is_some_and(|c| c.is_ascii_alphabetic())
            && unit_at(s, end).is_none())
    {
        return skip_number(s, at, is_digit);
    }
    // 100余家 / 100多家
    if matches!(char_at(s, end), Some('余' | '多')) && unit_or_mult_at(s, end + 3) {
        q.post = Some(TargetWording::AtLeast);
        end += 3;
    }
    // Multipliers and units.
    let (v, unit, e, text_differs, weak, cn_ok) = unit_and_multiplier(s, end, value);
    if let Some(kind_end) = scale_class(s, e, unit.as_deref()) {
        q.range = at..kind_end;
        q.value = Some(value);
        q.unit = Some("亿元".to_string());
        q.kind = QKind::Scale;
        q.post = Some(TargetWording::AtLeast);
        q.value_text = Some(s[at..kind_end].to_string());
        return Read::Found(q);
    }
    q.value = Some(v);
    q.unit = unit;
    q.weak = weak;
    end = e;
    // 3-5座: a range.
    if let Some(sep) = char_at(s, end)
        && matches!(sep, '-' | '—' | '–' | '~' | '～' | '至' | '到' | '－')
    {
        let after = end + sep.len_utf8();
        let second_is_digit = char_at(s, after).and_then(digit).is_some();
        if second_is_digit == is_digit
            && let Some(Ok((v2, e2))) = read_number(s, after, is_digit)
        {
            let (v2m, unit2, e3, _, weak2, _) = unit_and_multiplier(s, e2, v2);
            let same_unit = q.unit.is_none() || unit2.is_none() || q.unit == unit2;
            if same_unit && (q.unit.is_some() || unit2.is_some()) {
                if q.unit.is_none() {
                    // 3-5万台: the multiplier written once applies to both ends.
                    let (v1m, _, _, _, _, _) = unit_and_multiplier(s, e2, value);
                    q.value = Some(v1m);
                    q.unit = unit2;
                    q.weak = weak2;
                }
                q.value_max = Some(v2m);
                end = e3;
            }
        }
    }
    // Bound words after the number.
    for (w, cmp) in [
        ("及以上", TargetWording::AtLeast),
        ("以上", TargetWording::AtLeast),
        ("及以下", TargetWording::AtMost),
        ("以下", TargetWording::AtMost),
        ("以内", TargetWording::AtMost),
        ("左右", TargetWording::About),
    ] {
        if s[end..].starts_with(w) {
            q.post = Some(cmp);
            end += w.len();
            break;
        }
    }
    q.range = at..end;
    if q.unit.is_none() && q.post.is_none() && !reach_before(&s[..at]) {
        return Read::Skip(end);
    }
    // 百亿企业: a bare 亿 before a noun names a class of things, not an amount.
    if q.unit.as_deref() == Some("亿")
        && q.post.is_none()
        && char_at(s, end).is_some_and(|c| crate::chars::is_han(c) && !"规元".contains(c))
    {
        return Read::Skip(end);
    }
    if q.chinese && !cn_ok && q.unit.is_some() {
        return Read::Skip(end);
    }
    if q.chinese && q.unit.is_none() {
        return Read::Skip(end);
    }
    if text_differs || q.chinese {
        q.value_text = Some(
            s[at..end]
                .trim_end_matches(['以', '上', '下', '内', '左', '右', '及'])
                .to_string(),
        );
    }
    if let (Some(lo), Some(hi)) = (q.value, q.value_max)
        && lo > hi
    {
        return Read::Bad(end);
    }
    Read::Found(q)
}

fn unit_or_mult_at(s: &str, at: usize) -> bool {
    unit_at(s, at).is_some() || matches!(char_at(s, at), Some('万' | '亿'))
}

/// After a number: 万 (multiplied out, except 万千瓦), 亿 (kept in the unit: 亿元), 千 (×1000
/// before a unit that does not itself start with 千), then the unit.
/// Returns (value, unit, end, value text differs, weak unit, unit allowed after Chinese).
fn unit_and_multiplier(
    s: &str,
    at: usize,
    v: f64,
) -> (f64, Option<String>, usize, bool, bool, bool) {
    let (v, unit, mut end, differs, weak, cn) = unit_and_multiplier_simple(s, at, v);
    // A compound unit: 元/千瓦时, 吨/万元.
    let Some(mut unit) = unit else {
        return (v, None, end, differs, weak, cn);
    };
    if let Some(slash) = char_at(s, end).filter(|c| matches!(c, '/' | '／')) {
        let after = end + slash.len_utf8();
        let (mult, u_at) = match char_at(s, after) {
            Some(m @ ('万' | '亿')) => (Some(m), after + m.len_utf8()),
            _ => (None, after),
        };
        if let Some((u, _, _)) = unit_at(s, u_at) {
            unit.push('/');
            if let Some(m) = mult {
                unit.push(m);
            }
            unit.push_str(&normalise_unit(u));
            end = u_at + u.len();
        }
    }
    (v, Some(unit), end, differs, weak, cn)
}

fn unit_and_multiplier_simple(
    s: &str,
    at: usize,
    v: f64,
) -> (f64, Option<String>, usize, bool, bool, bool) {
    let rest = &s[at..];
    if rest.starts_with("万千瓦") && !rest.starts_with("万千瓦时") {
        return (
            v,
            Some("万千瓦".to_string()),
            at + "万千瓦".len(),
            false,
            false,
            true,
        );
    }
    if let Some((u, weak, cn)) = unit_at(s, at) {
        return (v, Some(normalise_unit(u)), at + u.len(), false, weak, cn);
    }
    if rest.starts_with('万') {
        let e = at + '万'.len_utf8();
        return match unit_at(s, e) {
            Some((u, weak, _)) => (
                v * 1e4,
                Some(normalise_unit(u)),
                e + u.len(),
                true,
                weak,
                true,
            ),
            None => (v * 1e4, None, e, true, false, true),
        };
    }
    if rest.starts_with('亿') {
        let e = at + '亿'.len_utf8();
        if s[e..].starts_with('级') {
            return (v, Some("亿".to_string()), e, false, false, true);
        }
        return match unit_at(s, e) {
            Some((u, weak, _)) => (
                v,
                Some(format!("亿{}", normalise_unit(u))),
                e + u.len(),
                false,
                weak,
                true,
            ),
            None => (v, Some("亿".to_string()), e, false, false, true),
        };
    }
    if rest.starts_with('千')
        && let Some((u, weak, _)) = unit_at(s, at + '千'.len_utf8())
    {
        return (
            v * 1e3,
            Some(normalise_unit(u)),
            at + '千'.len_utf8() + u.len(),
            true,
            weak,
            true,
        );
    }
    (v, None, at, false, false, true)
}

/// 百亿级 / 500亿级 / 百亿元级: returns the end of the class word.
fn scale_class(s: &str, at: usize, unit: Option<&str>) -> Option<usize> {
    if !matches!(unit, Some("亿" | "亿元")) {
        return None;
    }
    let rest = &s[at..];
    if unit == Some("亿") && rest.starts_with('级') {
        return Some(at + '级'.len_utf8());
    }
    if unit == Some("亿元") && rest.starts_with('级') {
        return Some(at + '级'.len_utf8());
    }
    None
}

/// Whether the text before a unitless number ends with a verb that sets a level (达到1.3).
fn reach_before(head: &str) -> bool {
    [
        "达到",
        "达",
        "不低于",
        "不少于",
        "不超过",
        "不高于",
        "低于",
        "高于",
        "控制在",
        "降至",
        "降到",
        "降低到",
        "下降到",
        "提高到",
        "提升到",
        "提高至",
        "提升至",
        "保持在",
        "稳定在",
    ]
    .iter()
    .any(|w| head.ends_with(w))
}

/// Skips a number that is part of a code or a word (NO.7, 5G, 第三).
fn skip_number(s: &str, at: usize, arabic_digits: bool) -> Read {
    let end = s[at..]
        .char_indices()
        .find(|&(_, c)| {
            if arabic_digits {
                !(digit(c).is_some() || matches!(c, '.' | '．'))
            } else {
                !is_cn_numeral(c)
            }
        })
        .map_or(s.len(), |(i, _)| at + i);
    Read::Skip(end)
}

/// Whether a char can sit right before a Chinese numeral that starts a quantity.
pub(crate) fn is_cn_numeral(c: char) -> bool {
    matches!(
        c,
        '零' | '〇'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Quantity {
        let (q, bad) = scan(s, &[]);
        assert!(bad.is_empty(), "{s}: unreadable {bad:?}");
        assert_eq!(q.len(), 1, "{s}: {q:?}");
        q.into_iter().next().expect("one")
    }

    fn check(s: &str, value: Option<f64>, max: Option<f64>, unit: Option<&str>) {
        let q = one(s);
        assert_eq!(
            (q.value, q.value_max, q.unit.as_deref()),
            (value, max, unit),
            "{s}"
        );
    }

    #[test]
    fn wan_is_multiplied_out_and_yi_yuan_kept() {
        check("服务器规模达到24.5万台", Some(245000.0), None, Some("台"));
        check("培训累计达10万人次", Some(100000.0), None, Some("人次"));
        check("产值达到200亿元以上", Some(200.0), None, Some("亿元"));
        check("投资5000万元", Some(5e7), None, Some("元"));
        check("装机100万千瓦", Some(100.0), None, Some("万千瓦"));
        check("电价降低0.03元/千瓦时", Some(0.03), None, Some("元/千瓦时"));
        check("能耗0.5吨/万元", Some(0.5), None, Some("吨/万元"));
    }

    #[test]
    fn ranges_give_lower_and_upper_bound() {
        check("建成3-5座智能化矿井", Some(3.0), Some(5.0), Some("座"));
        check("建成三至五家", Some(3.0), Some(5.0), Some("家"));
        check("提高10%-15%", Some(10.0), Some(15.0), Some("%"));
    }

    #[test]
    fn chinese_numerals_are_read() {
        check("新增两家", Some(2.0), None, Some("家"));
        check("培育三十家", Some(30.0), None, Some("家"));
        check("引进一百二十人", Some(120.0), None, Some("人"));
    }

    #[test]
    fn bound_words_after_the_number() {
        assert_eq!(one("PUE达到1.3以下").post, Some(TargetWording::AtMost));
        assert_eq!(one("比重达到15%左右").post, Some(TargetWording::About));
        assert_eq!(one("比重达6%以上").post, Some(TargetWording::AtLeast));
        assert_eq!(one("PUE达到1.3以下").unit, None);
    }

    #[test]
    fn scale_classes_and_capacity_specs() {
        let q = one("打造百亿级数字经济产业集群");
        assert_eq!(
            (q.value, q.unit.as_deref(), q.kind),
            (Some(100.0), Some("亿元"), QKind::Scale)
        );
        let q = one("打造500亿级现代服务业集群");
        assert_eq!((q.value, q.kind), (Some(500.0), QKind::Scale));
        let q = one("阳光二期2×100万千瓦项目");
        assert_eq!(
            (q.value, q.kind, q.unit.as_deref()),
            (None, QKind::Capacity, Some("万千瓦"))
        );
    }

    #[test]
    fn codes_and_words_are_not_quantities() {
        for s in [
            "加快5G基站建设",
            "山西智创城NO.7",
            "进一步提升",
            "统一部署",
            "三大基础库",
            "第三方机构",
            "每万人口",
            "每千人口拥有",
            "一批示范应用",
            "“12条”",
            "《2022年要点》",
            "构建1+N体系",
            "1947",
        ] {
            let (q, _) = scan(s, &[]);
            assert!(q.is_empty(), "{s}: {q:?}");
        }
    }

    #[test]
    fn malformed_numbers_are_reported() {
        let (_, bad) = scan("培育1.2.3家企业", &[]);
        assert_eq!(bad.len(), 1);
        let (_, bad) = scan("培育2O0家企业", &[]);
        assert_eq!(bad.len(), 1);
        let (_, bad) = scan("覆盖率达到1OO%", &[]);
        assert_eq!(bad.len(), 1);
        let (_, bad) = scan("建成5-3座", &[]);
        assert_eq!(bad.len(), 1);
    }

    #[test]
    fn zero_breakthrough_is_at_least_one() {
        let q = one("实现省级高科技领军企业零突破");
        assert_eq!((q.value, q.post), (Some(1.0), Some(TargetWording::AtLeast)));
    }
}
