//! Whether a name the extractor found beside a number reads as an indicator. A plan's sentences
//! put numbers after many words that are not indicators: a bare verb (开工建设 9000个), a
//! comparator (不小于16处), a time (30天1次), a fragment cut at a conjunction (培育和1家), a
//! partner (配合电力公司), a whole clause. The catalogue proposes only names that read as
//! indicators; the others are set aside with the reason, and the office may take them in on the
//! 指标目录 page.

/// A name as proposed for the catalogue, or why it is set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameProposal {
    /// The name without a leading item number or a leading word of intent (确保, 落实, 完成…).
    pub name: String,
    /// Why the name does not read as an indicator (`None` when it does).
    pub set_aside: Option<&'static str>,
}

/// Words of intent or action that open a sentence, not an indicator's name: 确保能耗直报率 is
/// 能耗直报率, 建设绿道 is 绿道. Taken off only when a name of two characters or more remains.
const LEADING_WORDS: [&str; 10] = [
    "确保",
    "力争",
    "落实",
    "完成",
    "实现",
    "建设",
    "新建成",
    "争取",
    "推动",
    "全面",
];

/// Names that are an action or a time by themselves.
const BARE_WORDS: [&str; 38] = [
    "创建",
    "建设",
    "开工建设",
    "新建",
    "新增",
    "年内新增",
    "全年新增",
    "完成",
    "解决",
    "更新",
    "修复",
    "改造",
    "培育",
    "实现",
    "达到",
    "推进",
    "开展",
    "召开",
    "少召开",
    "多召开",
    "减少",
    "增加",
    "提升",
    "举办",
    "组织",
    "打造",
    "培训",
    "引进",
    "落实",
    "确保",
    "点位",
    "三年",
    "两年",
    "五年",
    "年内",
    "全年",
    "每年",
    "累计",
];

/// Words that compare a figure rather than name one.
const COMPARATOR_WORDS: [&str; 10] = [
    "不小于",
    "不低于",
    "不少于",
    "不超过",
    "不高于",
    "不多于",
    "以上",
    "以下",
    "左右",
    "超过",
];

/// Words that open the name of a partner, not a figure: 配合电力公司 1个.
const PARTNER_WORDS: [&str; 4] = ["配合", "协调", "会同", "联合"];

/// Endings of an organisation's name: a figure is not named after one body.
const BODY_ENDINGS: [&str; 9] = [
    "医院",
    "公司",
    "集团",
    "街道",
    "委员会",
    "人民政府",
    "办事处",
    "服务中心",
    "管理局",
];

/// Units of measure that, right after a digit, show a name holds its own target.
const MEASURES_AFTER_DIGIT: [&str; 13] = [
    "%", "％", "米", "个", "次", "天", "辆", "台", "家", "座", "处", "项", "条",
];

/// The longest name that still reads as an indicator's name, in characters.
pub const MAX_NAME_CHARS: usize = 30;

/// Proposes `raw` (a name the extractor put beside a number) as an indicator's name.
pub fn propose(raw: &str) -> NameProposal {
    let name = clean(raw);
    let set_aside = reason(&name);
    NameProposal { name, set_aside }
}

/// Takes off a leading item number (（1）, (1), 1., ①) and a leading word of intent.
fn clean(raw: &str) -> String {
    let mut s = raw.trim().to_string();
    // （1） / (1) / 1. / 1、 / ①
    let numbered = |s: &str| -> Option<usize> {
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        let (_, first) = *chars.first()?;
        if ('①'..='⑳').contains(&first) {
            return Some(first.len_utf8());
        }
        let (open, close): (&[char], &[char]) = if first == '（' || first == '(' {
            (&['（', '('], &['）', ')'])
        } else {
            (&[], &['.', '．', '、'])
        };
        let start = usize::from(!open.is_empty());
        let digits = chars[start..]
            .iter()
            .take_while(|(_, c)| c.is_ascii_digit() || ('一'..='十').contains(c))
            .count();
        if digits == 0 || digits > 3 {
            return None;
        }
        let (at, c) = *chars.get(start + digits)?;
        close.contains(&c).then(|| at + c.len_utf8())
    };
    if let Some(cut) = numbered(&s) {
        s = s[cut..].trim_start().to_string();
    }
    for w in LEADING_WORDS {
        if let Some(rest) = s.strip_prefix(w)
            && rest.chars().count() >= 2
            && !BARE_WORDS.contains(&rest)
        {
            s = rest.to_string();
            break;
        }
    }
    s
}

fn reason(name: &str) -> Option<&'static str> {
    let chars = name.chars().count();
    if chars < 2 {
        return Some("名称过短");
    }
    if BARE_WORDS.contains(&name) {
        return Some("只是一个动作或时间，不是指标名称");
    }
    if COMPARATOR_WORDS
        .iter()
        .any(|w| name == *w || name.ends_with(w))
    {
        return Some("是比较词，不是指标名称");
    }
    if chars > MAX_NAME_CHARS || name.contains(['，', ',', '；', ';', '。']) {
        return Some("是一句话，不是指标名称");
    }
    if has_own_target(name) {
        return Some("名称中含有目标数值");
    }
    if name.ends_with(['和', '与', '及', '、', '或', '等']) {
        return Some("是被截断的短语");
    }
    if PARTNER_WORDS.iter().any(|w| name.starts_with(w))
        || BODY_ENDINGS.iter().any(|w| name.ends_with(w))
    {
        return Some("是单位名称，不是指标名称");
    }
    None
}

/// Whether a digit is followed by a unit of measure (保洁频率实现15/30天, 站点50米范围内…90%);
/// PM2.5浓度 and 5G基站数 stay names.
fn has_own_target(name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    chars.iter().enumerate().any(|(i, c)| {
        c.is_ascii_digit() && {
            let rest: String = chars[i + 1..].iter().collect();
            MEASURES_AFTER_DIGIT.iter().any(|m| rest.starts_with(m))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_read_as_indicators_are_kept_and_cleaned() {
        for (raw, want) in [
            ("研究与试验发展经费投入强度", "研究与试验发展经费投入强度"),
            ("（1）建设精品道路", "精品道路"),
            ("(3)完成慢行交通专项提升项目", "慢行交通专项提升项目"),
            ("确保能耗直报率", "能耗直报率"),
            ("建设绿道", "绿道"),
            ("PM2.5年均浓度", "PM2.5年均浓度"),
            ("5G基站数", "5G基站数"),
            ("新增光伏装机规模", "新增光伏装机规模"),
            ("地区生产总值增长", "地区生产总值增长"),
            ("① 高新技术企业数", "高新技术企业数"),
        ] {
            let p = propose(raw);
            assert_eq!(p.name, want, "{raw}");
            assert_eq!(p.set_aside, None, "{raw}");
        }
    }

    #[test]
    fn names_that_do_not_read_as_indicators_are_set_aside_with_a_reason() {
        for raw in [
            "少召开",
            "创建",
            "开工建设",
            "不小于",
            "30天",
            "三年",
            "解决",
            "培育和",
            "配合电力公司",
            "江宁路街道社区卫生服务中心",
            "北站医院",
            "保洁频率实现15/30天",
            "轨道交通站点50米范围内地面公交配套服务占比达到90%",
            "强化车辆投放、线路服务与实际需求的精准匹配，每年投运中小车型公交车200辆",
            "年内新增",
            "点位",
        ] {
            assert!(
                propose(raw).set_aside.is_some(),
                "{raw} should be set aside"
            );
        }
    }
}
