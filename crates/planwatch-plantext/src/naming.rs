//! Indicator names: the noun phrase a target counts, taken from the words before its number
//! (全市5G基站累计建成2000个 → 5G基站), after it (建成3-5座智能化矿井 → 智能化矿井), or from the
//! subject of the sentence when the clause has none (2024年累计建成3600个).

use crate::chars::trim_punct;
use crate::clauses::YearPhrase;
use crate::targets::without_years;
use std::ops::Range;

/// Words stripped from the end of the text before a number to leave the indicator's name.
pub(crate) const NAME_TAILS: &[&str] = &[
    "累计达到",
    "累计达",
    "力争达到",
    "不少于",
    "不低于",
    "不超过",
    "不高于",
    "至少",
    "达到",
    "超过",
    "突破",
    "提高到",
    "提高至",
    "提升到",
    "提升至",
    "增长到",
    "增加到",
    "增至",
    "控制在",
    "保持在",
    "稳定在",
    "降至",
    "降到",
    "降低到",
    "下降到",
    "压缩至",
    "缩短至",
    "翻一番",
    "翻两番",
    "翻番",
    "达",
    "为",
    "约",
    "近",
    "力争",
    "累计",
    "年均",
    "共",
    "均",
    "建成",
    "培育",
    "引进",
    "引入",
    "认定",
    "完成",
    "实现",
    "培养",
    "建立",
];

/// Words stripped from the start of the text before a number.
pub(crate) const NAME_HEADS: &[&str] = &[
    "力争实现",
    "力争",
    "到",
    "至",
    "将",
    "全市",
    "我市",
    "全省",
    "全县",
    "全区",
    "其中",
    "每年",
    "累计",
    "建成",
    "建设",
    "培育",
    "引进",
    "引入",
    "认定",
    "培养",
    "打造",
    "举办",
    "组织",
    "实现",
    "完成",
    "建立",
    "新建",
    "创建",
    "争创",
    "推动",
    "支持",
    "基本",
    "共",
    "再",
];

/// Verbs that, left alone before a number, say what happens but not to what.
const BARE_VERBS: &[&str] = &[
    "新增",
    "新建",
    "入库",
    "认定",
    "引进",
    "引入",
    "培育",
    "建成",
    "完成",
    "实现",
    "达到",
    "累计",
    "累计达到",
    "新增培育",
    "举办",
    "开展",
    "组织",
    "培训",
    "招引",
    "建设",
    "打造",
    "新培育",
];

/// Words after a quantity where the noun phrase it counts ends (5家自动驾驶企业提供…).
const NAME_CUTS: &[&str] = &[
    "提供", "开展", "实现", "参与", "入驻", "落地", "建设", "进行", "的", "，",
];

pub(crate) fn strip_words<'a>(mut s: &'a str, heads: &[&str], tails: &[&str]) -> &'a str {
    loop {
        let before = s;
        s = trim_punct(s);
        for h in heads {
            if let Some(r) = s.strip_prefix(h) {
                s = r;
            }
        }
        for t in tails {
            if let Some(r) = s.strip_suffix(t) {
                s = r;
            }
        }
        if s == before {
            return s;
        }
    }
}

fn cut_trailing_bracket(s: &str) -> &str {
    let t = trim_punct(s);
    if (t.ends_with('）') || t.ends_with(')'))
        && let Some(p) = t.rfind(['（', '('])
        && p > 0
    {
        return &t[..p];
    }
    t
}

pub(crate) fn indicator_before(text: &str, r: Range<usize>, years: &[YearPhrase]) -> String {
    let raw = without_years(text, r, years);
    let stripped = strip_words(&raw, NAME_HEADS, NAME_TAILS);
    let stripped = stripped.strip_suffix('等').unwrap_or(stripped);
    if stripped.chars().count() >= 3 {
        return trim_punct(stripped).to_string();
    }
    // Too little left (引进企业 → 企业): keep the verb.
    let light = strip_words(
        &raw,
        &["到", "至", "将", "全市", "我市", "其中", "力争"],
        NAME_TAILS,
    );
    let light = trim_punct(light);
    // A bare verb (新增2家, 入库200家) names no indicator: the caller falls back to the subject.
    if BARE_VERBS.contains(&light) {
        return String::new();
    }
    if light.chars().count() > stripped.chars().count() && !light.is_empty() {
        return light.to_string();
    }
    trim_punct(stripped).to_string()
}

pub(crate) fn indicator_after(text: &str, r: Range<usize>) -> String {
    let s = &text[r];
    let end = NAME_CUTS
        .iter()
        .filter_map(|w| s.find(w))
        .min()
        .unwrap_or(s.len());
    trim_punct(&s[..end]).to_string()
}

/// The subject a clause without one refers to: the nearest earlier clause of the sentence that
/// is not a means or manner clause (对…采用…), with its verb and trailing bracket removed.
pub(crate) fn subject_from(text: &str, before: &[Range<usize>]) -> Option<String> {
    before.iter().rev().take(8).find_map(|r| {
        let c = trim_punct(&text[r.clone()]);
        if ["对", "以", "通过", "按照", "依托", "围绕", "为"]
            .iter()
            .any(|w| c.starts_with(w))
        {
            return None;
        }
        let c = cut_trailing_bracket(c);
        let c = strip_words(
            c,
            &[
                "加快推进",
                "加快推动",
                "积极推进",
                "大力",
                "加快",
                "推进",
                "推动",
                "培育",
                "建设",
                "打造",
                "实施",
                "开展",
            ],
            &["建设"],
        );
        (c.chars().count() >= 3).then(|| c.to_string())
    })
}
