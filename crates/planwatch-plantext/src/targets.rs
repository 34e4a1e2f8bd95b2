//! Targets and milestones of a paragraph: which numbers are commitments, their comparator, year
//! (explicit, inherited within the sentence, from an earlier sentence, or the plan's end year),
//! the indicator they measure, and which dated clauses are milestones.

use crate::chars::{opens, trim_punct};
use crate::clauses::{YearPhrase, sentences, year_phrases};
use crate::numbers::{QKind, Quantity, scan};
use planwatch_model::{Comparator, Milestone, MilestoneKind, Target, YearBasis};
use std::ops::Range;

/// What to look for in a paragraph.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    /// The plan's last year, assumed where a paragraph names no year.
    pub(crate) default_year: Option<i32>,
    /// Headline goals: undated positionings become qualitative goals, not milestones.
    pub(crate) goals: bool,
    /// The task title, the subject of last resort for an indicator name.
    pub(crate) subject: &'a str,
    /// A year that governs the whole text (a table column such as 2023年).
    pub(crate) year: Option<i32>,
}

/// A target, milestone or unreadable number with its byte range in the paragraph text.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub(crate) targets: Vec<(Target, Range<usize>)>,
    pub(crate) milestones: Vec<(Milestone, Range<usize>)>,
    pub(crate) unreadable: Vec<Range<usize>>,
}

const PRE_COMPARATORS: &[(&str, Comparator)] = &[
    ("不少于", Comparator::AtLeast),
    ("不低于", Comparator::AtLeast),
    ("不超过", Comparator::AtMost),
    ("不高于", Comparator::AtMost),
    ("至少", Comparator::AtLeast),
    ("达到", Comparator::AtLeast),
    ("超过", Comparator::AtLeast),
    ("突破", Comparator::AtLeast),
    ("高于", Comparator::AtLeast),
    ("大于", Comparator::AtLeast),
    ("提高到", Comparator::AtLeast),
    ("提高至", Comparator::AtLeast),
    ("提升到", Comparator::AtLeast),
    ("提升至", Comparator::AtLeast),
    ("增长到", Comparator::AtLeast),
    ("增加到", Comparator::AtLeast),
    ("增至", Comparator::AtLeast),
    ("低于", Comparator::AtMost),
    ("小于", Comparator::AtMost),
    ("控制在", Comparator::AtMost),
    ("降至", Comparator::AtMost),
    ("降到", Comparator::AtMost),
    ("降低到", Comparator::AtMost),
    ("降低至", Comparator::AtMost),
    ("下降到", Comparator::AtMost),
    ("下降至", Comparator::AtMost),
    ("压缩至", Comparator::AtMost),
    ("压缩到", Comparator::AtMost),
    ("缩短至", Comparator::AtMost),
    ("缩短到", Comparator::AtMost),
    ("大约", Comparator::About),
    ("约", Comparator::About),
    ("近", Comparator::About),
    ("达", Comparator::AtLeast),
];

/// Verbs that make a Chinese-numeral quantity a commitment (培育两家 is one; 依托两家 is not).
const COMMIT_VERBS: &[&str] = &[
    "达到",
    "达",
    "建成",
    "建设",
    "培育",
    "新增",
    "引进",
    "引入",
    "认定",
    "打造",
    "创建",
    "组织",
    "举办",
    "开展",
    "建立",
    "设立",
    "完成",
    "实现",
    "形成",
    "增加",
    "增至",
    "培养",
    "新建",
    "改造",
    "推出",
    "发布",
    "制定",
    "出台",
    "争创",
    "获批",
    "入选",
    "落地",
    "签约",
    "攻克",
    "不少于",
    "不低于",
    "至少",
    "超过",
    "突破",
    "培训",
    "招引",
    "吸引",
    "孵化",
    "扶持",
    "遴选",
    "评选",
    "召开",
];

/// Words of subsidy and reward clauses: their amounts of money are incentives, not targets.
const INCENTIVE: &[&str] = &["给予", "奖励", "补助", "补贴", "资助", "奖补", "一次性"];

/// Clause openings that describe means, not commitments (依托两家龙头企业的技术优势).
const INSTRUMENTAL: &[&str] = &[
    "依托", "借助", "围绕", "依据", "根据", "立足", "聚焦", "按照", "依靠", "发挥", "利用", "借势",
    "对标", "参照",
];

/// Clause openings of ongoing effort: never a milestone, and the rest of the sentence after one
/// is not either (重点推进…，积极推动…，构建…).
const EFFORT: &[&str] = &[
    "重点推进",
    "积极推动",
    "积极推进",
    "加快推进",
    "加快推动",
    "加快",
    "大力",
    "持续",
    "不断",
    "深入",
    "着力",
    "全力",
    "努力",
    "积极",
    "推进",
    "推动",
    "支持",
    "鼓励",
    "加强",
    "强化",
    "探索",
    "谋划",
    "坚持",
    "落实",
    "引导",
    "统筹",
    "健全",
    "深化",
    "做好",
    "抓好",
    "开展",
    "组织",
    "实施",
];

const QUALITATIVE_WORDS: &[&str] = &[
    "打造",
    "成为",
    "重塑",
    "进一步",
    "初见",
    "稳步",
    "有序推进",
    "优化",
    "提升",
    "显著",
    "明显",
    "增强",
    "形成",
    "基本形成",
    "取得",
];

const DELIVERABLE_WORDS: &[&str] = &[
    "建成",
    "完成",
    "投运",
    "投产",
    "上线",
    "开工",
    "具备",
    "完善",
    "出台",
    "设立",
    "成立",
    "启用",
    "运行",
    "投入使用",
    "竣工",
    "开通",
    "挂牌",
    "揭牌",
    "通过",
    "验收",
    "印发",
    "发布",
    "实现",
];

/// Words stripped from the end of the text before a number to leave the indicator's name.
const NAME_TAILS: &[&str] = &[
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
const NAME_HEADS: &[&str] = &[
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

fn strip_words<'a>(mut s: &'a str, heads: &[&str], tails: &[&str]) -> &'a str {
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

/// Removes the year phrases that lie inside `r` from `text[r]`.
fn without_years(text: &str, r: Range<usize>, years: &[YearPhrase]) -> String {
    let mut out = String::new();
    let mut at = r.start;
    for y in years
        .iter()
        .filter(|y| y.range.start >= r.start && y.range.end <= r.end)
    {
        out.push_str(&text[at..y.range.start]);
        at = y.range.end;
    }
    out.push_str(&text[at..r.end]);
    out
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

/// The unit implied by a counted noun when the text gives none (零突破).
fn implied_unit(name: &str) -> &'static str {
    if ["企业", "公司", "机构", "单位", "医院", "银行", "园区"]
        .iter()
        .any(|w| name.ends_with(w))
    {
        "家"
    } else {
        "个"
    }
}

fn is_recurring(s: &str) -> Option<&'static str> {
    if s.contains("每年") {
        Some("annual")
    } else if s.contains("每季度") {
        Some("quarterly")
    } else if s.contains("每月") {
        Some("monthly")
    } else {
        None
    }
}

fn milestone_kind(what: &str) -> MilestoneKind {
    if QUALITATIVE_WORDS.iter().any(|w| what.contains(w)) {
        MilestoneKind::Qualitative
    } else if DELIVERABLE_WORDS.iter().any(|w| what.contains(w)) {
        MilestoneKind::Deliverable
    } else {
        MilestoneKind::Qualitative
    }
}

/// Extracts targets and milestones from `text[range]`, one paragraph (or a part of one).
/// `context` carries the last year phrase seen in earlier parts of the same paragraph.
pub(crate) fn extract(
    text: &str,
    range: Range<usize>,
    ctx: Ctx<'_>,
    context: &mut Option<YearPhrase>,
    out: &mut Found,
) {
    let Some(region) = text.get(range.clone()) else {
        return;
    };
    let years: Vec<YearPhrase> = year_phrases(region)
        .into_iter()
        .map(|mut y| {
            y.range = y.range.start + range.start..y.range.end + range.start;
            y
        })
        .collect();
    let given = ctx.year.map(|y| YearPhrase {
        range: 0..0,
        start: y,
        end: y,
        baseline: false,
    });
    for sentence in sentences(text, range) {
        let s_years: Vec<&YearPhrase> = years
            .iter()
            .filter(|y| y.range.start >= sentence.range.start && y.range.end <= sentence.range.end)
            .collect();
        let mut governing: Option<&YearPhrase> = given.as_ref();
        let mut effort = false;
        let mut prev_name: Option<String> = None;
        let mut pending_double: Option<Range<usize>> = None;
        for (ci, clause) in sentence.clauses.iter().enumerate() {
            let c_years: Vec<&YearPhrase> = s_years
                .iter()
                .copied()
                .filter(|y| y.range.start >= clause.start && y.range.end <= clause.end)
                .collect();
            let own_year = c_years.iter().copied().find(|y| !y.baseline);
            if let Some(y) = own_year {
                governing = Some(y);
                effort = false;
            }
            let ctext = &text[clause.clone()];
            let skip: Vec<Range<usize>> = c_years
                .iter()
                .map(|y| y.range.start - clause.start..y.range.end - clause.start)
                .collect();
            let (qs, bad) = scan(ctext, &skip);
            out.unreadable.extend(
                bad.into_iter()
                    .map(|b| b.range.start + clause.start..b.range.end + clause.start),
            );
            let recurring = is_recurring(ctext);
            let incentive = outside_quotes(&text[sentence.range.clone()], INCENTIVE);
            let qs: Vec<Quantity> = qs
                .into_iter()
                .filter(|q| accept(ctext, q, recurring.is_some(), incentive))
                .collect();
            let doubles = ["翻一番", "翻两番", "翻番"]
                .iter()
                .find(|w| ctext.contains(*w))
                .copied();
            if qs.is_empty() && doubles.is_some() {
                // 比重翻一番，达到15%左右: the next clause states the level without a subject.
                let next_states_level = sentence.clauses.get(ci + 1).is_some_and(|n| {
                    let nt = &text[n.clone()];
                    let (q, _) = scan(nt, &[]);
                    q.first().is_some_and(|q| {
                        strip_words(&nt[..q.range.start], NAME_HEADS, NAME_TAILS).is_empty()
                    })
                });
                if next_states_level {
                    pending_double = Some(clause.clone());
                    continue;
                }
                let name = indicator_before(text, clause.start..clause.end, &years);
                let (year, basis) = year_for(
                    own_year.or(governing),
                    context.as_ref(),
                    ctx.default_year,
                    own_year.is_some() || governing.is_some(),
                );
                out.targets.push((
                    Target {
                        text: trim_punct(ctext).to_string(),
                        indicator: name,
                        comparator: Some(Comparator::Double),
                        year,
                        year_basis: Some(basis),
                        note: Some("翻番目标，需以基期值核算".to_string()),
                        ..Target::default()
                    },
                    clause.clone(),
                ));
                continue;
            }
            if !qs.is_empty() {
                let segments = if qs.len() > 1 {
                    let starts: Vec<usize> =
                        qs.iter().map(|q| q.range.start + clause.start).collect();
                    split_coordinated(text, split_segments(text, clause.clone()), &starts)
                } else {
                    vec![clause.clone()]
                };
                for q in &qs {
                    let abs = q.range.start + clause.start..q.range.end + clause.start;
                    let seg = segments
                        .iter()
                        .find(|s| s.contains(&abs.start))
                        .cloned()
                        .unwrap_or_else(|| clause.clone());
                    let span = match pending_double.take() {
                        Some(d) => d.start..seg.end,
                        None => seg.clone(),
                    };
                    let mut name = indicator_before(text, span.start..abs.start, &years);
                    if name.chars().count() < 2 {
                        name = indicator_after(text, abs.end..seg.end);
                    }
                    if name.chars().count() < 2 {
                        name = prev_name
                            .clone()
                            .or_else(|| subject_from(text, &sentence.clauses[..ci]))
                            .unwrap_or_else(|| ctx.subject.to_string());
                    }
                    prev_name = Some(name.clone());
                    let pre = PRE_COMPARATORS
                        .iter()
                        .find(|(w, _)| text[clause.start..abs.start].ends_with(w))
                        .map(|&(_, c)| c);
                    let comparator = match (q.kind, q.post, q.value_max) {
                        (QKind::Capacity, _, _) => Comparator::Equal,
                        (_, Some(Comparator::About), _) => Comparator::About,
                        (_, Some(p), _) => p,
                        (_, None, Some(_)) => Comparator::AtLeast,
                        _ => pre.unwrap_or(Comparator::Equal),
                    };
                    let dated = own_year.or(governing);
                    let (year, basis, recurrence) = match recurring {
                        Some(r) => (None, YearBasis::Recurring, Some(r.to_string())),
                        None => {
                            let (y, b) = year_for(
                                dated,
                                context.as_ref(),
                                ctx.default_year,
                                dated.is_some(),
                            );
                            (y, b, None)
                        }
                    };
                    let unit = match (&q.unit, q.value_text.as_deref()) {
                        (None, Some("零突破")) => Some(implied_unit(&name).to_string()),
                        (u, _) => u.clone(),
                    };
                    let note = match q.kind {
                        QKind::Capacity => Some("装机规格，不作数值目标".to_string()),
                        QKind::Scale => Some("规模等级，按不少于该值计".to_string()),
                        QKind::Plain if q.value_text.as_deref() == Some("零突破") => {
                            Some("“零突破”按不少于1计".to_string())
                        }
                        QKind::Plain => None,
                    };
                    out.targets.push((
                        Target {
                            text: trim_punct(&text[span.clone()]).to_string(),
                            indicator: name,
                            value: q.value,
                            value_max: q.value_max,
                            value_text: q.value_text.clone(),
                            unit,
                            year,
                            comparator: Some(comparator),
                            year_basis: Some(basis),
                            recurrence,
                            note,
                            ..Target::default()
                        },
                        trimmed(text, span),
                    ));
                }
                continue;
            }
            pending_double = None;
            // No number: a milestone (tasks) or a qualitative positioning (goals), if dated.
            let Some(dated) = own_year.or(governing) else {
                continue;
            };
            let body = without_years(text, clause.clone(), &years);
            let body = trim_punct(&body);
            if body.chars().count() < 4 {
                continue;
            }
            if EFFORT.iter().any(|w| body.starts_with(w)) {
                effort = true;
                continue;
            }
            if effort
                || INSTRUMENTAL
                    .iter()
                    .filter(|w| !matches!(**w, "根据" | "依据"))
                    .any(|w| body.starts_with(w))
                || body.starts_with('为')
                || body.starts_with('对')
            {
                continue;
            }
            if ctx.goals {
                qualitative_goals(text, clause.clone(), body, dated, out);
            } else {
                out.milestones.push((
                    Milestone {
                        text: trim_punct(ctext).to_string(),
                        year: Some(dated.end),
                        year_start: (dated.start != dated.end).then_some(dated.start),
                        what: body.to_string(),
                        kind: Some(milestone_kind(body)),
                        ..Milestone::default()
                    },
                    trimmed(text, clause.clone()),
                ));
            }
        }
        if let Some(last) = s_years.iter().rev().find(|y| !y.baseline) {
            *context = Some((*last).clone());
        }
    }
}

fn trimmed(text: &str, r: Range<usize>) -> Range<usize> {
    crate::chars::trim_punct_range(text, r)
}

fn year_for(
    dated: Option<&YearPhrase>,
    context: Option<&YearPhrase>,
    default: Option<i32>,
    explicit: bool,
) -> (Option<i32>, YearBasis) {
    match (dated, context) {
        (Some(y), _) if explicit => (Some(y.end), YearBasis::Explicit),
        (_, Some(c)) => (Some(c.end), YearBasis::Context),
        _ => (default, YearBasis::Default),
    }
}

/// Whether a quantity found in a clause is a commitment.
fn accept(clause: &str, q: &Quantity, recurring: bool, incentive: bool) -> bool {
    let head = &clause[..q.range.start];
    let body = trim_punct(clause);
    // 依托两家龙头企业… is a means; 对投资超过1000万元的项目… a condition.
    if INSTRUMENTAL.iter().any(|w| body.starts_with(w)) || body.starts_with('对') {
        return false;
    }
    // 给予最高20万元奖励: in a sentence about rewards, amounts of money are incentives.
    if incentive && q.unit.as_deref().is_some_and(|u| u.ends_with('元')) {
        return false;
    }
    // 由2021年的100家增加到200家: the first number is a baseline.
    if head.ends_with('的') && (head.contains('由') || head.contains('从')) {
        return false;
    }
    let pre_bound = PRE_COMPARATORS.iter().any(|(w, _)| head.ends_with(w));
    if q.weak && q.post.is_none() && !pre_bound {
        return false;
    }
    if q.chinese {
        let value = q.value.unwrap_or(0.0);
        if value < 2.0 && !recurring {
            return false;
        }
        if !COMMIT_VERBS.iter().any(|v| head.contains(v)) {
            return false;
        }
    }
    true
}

/// Splits a clause with several quantities at 、 outside brackets (coordinated targets).
fn split_segments(text: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = r.start;
    for (i, c) in text[r.clone()].char_indices() {
        if opens(c) {
            depth += 1;
        } else if crate::chars::closes(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && c == '、' {
            out.push(start..r.start + i);
            start = r.start + i + c.len_utf8();
        }
    }
    out.push(start..r.end);
    out
}

/// Whether one of `words` occurs outside “…” and 《…》 (择优补助 in a quoted name is not a reward).
fn outside_quotes(s: &str, words: &[&str]) -> bool {
    let mut depth = 0usize;
    let mut plain = String::with_capacity(s.len());
    for c in s.chars() {
        if crate::chars::opens_quote(c) {
            depth += 1;
        } else if crate::chars::closes_quote(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 {
            plain.push(c);
        }
    }
    words.iter().any(|w| plain.contains(w))
}

/// A segment that still holds two quantities (2个千亿级产业集群和5个五百亿级产业集群) is split
/// at 和/及 between them.
fn split_coordinated(
    text: &str,
    segments: Vec<Range<usize>>,
    starts: &[usize],
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for seg in segments {
        let inside: Vec<usize> = starts.iter().copied().filter(|s| seg.contains(s)).collect();
        let mut from = seg.start;
        for pair in inside.windows(2) {
            let between = &text[pair[0]..pair[1]];
            if let Some(p) = ["以及", "和", "及", "与"]
                .iter()
                .find_map(|w| between.rfind(w).map(|p| (p, w.len())))
            {
                out.push(from..pair[0] + p.0);
                from = pair[0] + p.0 + p.1;
            }
        }
        out.push(from..seg.end);
    }
    out
}

fn indicator_before(text: &str, r: Range<usize>, years: &[YearPhrase]) -> String {
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

fn indicator_after(text: &str, r: Range<usize>) -> String {
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
fn subject_from(text: &str, before: &[Range<usize>]) -> Option<String> {
    before.iter().rev().find_map(|r| {
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

/// 将我市打造成为A、B、C: one qualitative goal per positioning.
fn qualitative_goals(
    text: &str,
    clause: Range<usize>,
    body: &str,
    dated: &YearPhrase,
    out: &mut Found,
) {
    let goal = |t: &str, indicator: &str, r: Range<usize>| {
        (
            Target {
                text: t.to_string(),
                indicator: indicator.to_string(),
                year: Some(dated.end),
                comparator: Some(Comparator::Qualitative),
                year_basis: Some(YearBasis::Explicit),
                ..Target::default()
            },
            r,
        )
    };
    let ctext = &text[clause.clone()];
    let Some(p) = ctext.find("成为") else {
        out.targets
            .push(goal(trim_punct(ctext), body, trimmed(text, clause)));
        return;
    };
    let list_start = clause.start + p + "成为".len();
    let items = split_segments(text, list_start..clause.end);
    for (k, item) in items.iter().enumerate() {
        let name = trim_punct(&text[item.clone()]);
        if name.is_empty() {
            continue;
        }
        let r = if k == 0 {
            clause.start..item.end
        } else {
            item.clone()
        };
        let r = trimmed(text, r);
        out.targets.push(goal(&text[r.clone()], name, r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, goals: bool) -> Found {
        let mut out = Found::default();
        let mut context = None;
        extract(
            text,
            0..text.len(),
            Ctx {
                default_year: Some(2024),
                goals,
                subject: "任务",
                year: None,
            },
            &mut context,
            &mut out,
        );
        out
    }

    type Row = (Option<f64>, Option<String>, Option<i32>, Comparator);

    fn targets(text: &str) -> Vec<Row> {
        run(text, false)
            .targets
            .into_iter()
            .map(|(t, _)| {
                (
                    t.value,
                    t.unit,
                    t.year,
                    t.comparator.unwrap_or(Comparator::Qualitative),
                )
            })
            .collect()
    }

    fn check(text: &str, expected: &[(f64, &str, i32, Comparator)]) {
        let got = targets(text);
        let want: Vec<_> = expected
            .iter()
            .map(|&(v, u, y, c)| (Some(v), (!u.is_empty()).then(|| u.to_string()), Some(y), c))
            .collect();
        assert_eq!(got, want, "{text}");
    }

    use Comparator::*;

    #[test]
    fn a_leading_year_governs_the_following_clauses() {
        check(
            "到2024年，新材料产值达到200亿元以上，增加值占工业增加值比重达16%。",
            &[(200.0, "亿元", 2024, AtLeast), (16.0, "%", 2024, AtLeast)],
        );
    }

    #[test]
    fn a_later_year_phrase_takes_over_within_the_sentence() {
        check(
            "2022年全市5G基站累计建成2000个，2024年累计建成3600个。",
            &[(2000.0, "个", 2022, Equal), (3600.0, "个", 2024, Equal)],
        );
    }

    #[test]
    fn a_sentence_without_a_year_inherits_from_the_paragraph() {
        let f = run("到2024年，A达到5家。B达到7家。", false);
        let t = &f.targets[1].0;
        assert_eq!(
            (t.year, t.year_basis),
            (Some(2024), Some(YearBasis::Context))
        );
    }

    #[test]
    fn no_year_anywhere_means_the_plan_end_year() {
        let f = run("建成3-5座智能化矿井。", false);
        let t = &f.targets[0].0;
        assert_eq!(
            (t.value, t.value_max, t.year, t.year_basis),
            (Some(3.0), Some(5.0), Some(2024), Some(YearBasis::Default))
        );
    }

    #[test]
    fn comparators_follow_the_conventions() {
        check(
            "到2024年，数据中心PUE达到1.3以下。",
            &[(1.3, "", 2024, AtMost)],
        );
        check(
            "2024年，比重翻一番，达到15%左右。",
            &[(15.0, "%", 2024, About)],
        );
        check(
            "2024年，企业不少于80家，人才不低于10%，场景至少5个。",
            &[
                (80.0, "家", 2024, AtLeast),
                (10.0, "%", 2024, AtLeast),
                (5.0, "个", 2024, AtLeast),
            ],
        );
        check("2024年，引入高端人才15人。", &[(15.0, "人", 2024, Equal)]);
        check(
            "2024年，综合能耗控制在5万吨以内。",
            &[(50000.0, "吨", 2024, AtMost)],
        );
    }

    #[test]
    fn doubling_without_a_value_is_a_double_target() {
        let f = run("到2024年，高新技术企业营业收入翻一番。", false);
        assert_eq!(f.targets[0].0.comparator, Some(Double));
        assert_eq!(f.targets[0].0.value, None);
    }

    #[test]
    fn chinese_numerals_count_only_after_a_commitment_verb() {
        check(
            "2023年，新增两家省级重点实验室。",
            &[(2.0, "家", 2023, Equal)],
        );
        check(
            "2023年，培育三十家专精特新企业。",
            &[(30.0, "家", 2023, Equal)],
        );
        check("依托飞腾、华为两家龙头企业的技术优势，搭建平台。", &[]);
    }

    #[test]
    fn a_yearly_commitment_has_no_single_year() {
        let f = run("每年组织一次科技成果对接活动。", false);
        let t = &f.targets[0].0;
        assert_eq!(
            (t.value, t.unit.as_deref(), t.year, t.recurrence.as_deref()),
            (Some(1.0), Some("次"), None, Some("annual"))
        );
    }

    #[test]
    fn dated_clauses_become_milestones_but_effort_clauses_do_not() {
        let f = run(
            "2022年百度云计算中心（二期）全部投运，重点推进云峰大数据智能算力中心建设，构建超级算力平台。",
            false,
        );
        let texts: Vec<_> = f.milestones.iter().map(|(m, _)| m.text.as_str()).collect();
        assert_eq!(texts, ["2022年百度云计算中心（二期）全部投运"]);
        let f = run("加快推进，2023-2024年根据全省规划有序推进。", false);
        let m = &f.milestones[0].0;
        assert_eq!((m.year, m.year_start), (Some(2024), Some(2023)));
    }

    #[test]
    fn undated_clauses_are_not_milestones() {
        assert!(
            run("坚决完成省定能耗双控目标任务。", false)
                .milestones
                .is_empty()
        );
    }

    #[test]
    fn positionings_in_the_goals_become_qualitative_goals() {
        let f = run(
            "到2024年，将我市打造成为资源型城市绿色转型先行示范、高端新材料研发制造基地。",
            true,
        );
        let texts: Vec<_> = f.targets.iter().map(|(t, _)| t.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "将我市打造成为资源型城市绿色转型先行示范",
                "高端新材料研发制造基地"
            ]
        );
    }

    #[test]
    fn a_baseline_year_is_not_the_target_year() {
        check(
            "到2024年，企业数量由2021年的100家增加到200家。",
            &[(200.0, "家", 2024, AtLeast)],
        );
    }
}
