//! Targets and milestones of a paragraph: which numbers are commitments, their comparator, year
//! (explicit, inherited within the sentence, from an earlier sentence, or the plan's end year),
//! the indicator they measure, and which dated clauses are milestones.

use crate::chars::{opens, trim_punct};
use crate::clauses::{YearPhrase, sentences, year_phrases};
use crate::lexicon::{
    COMMIT_VERBS, DELIVERABLE_WORDS, EFFORT, INCENTIVE, INSTRUMENTAL, PRE_COMPARATORS,
    QUALITATIVE_WORDS,
};
use crate::naming::{
    NAME_HEADS, NAME_TAILS, indicator_after, indicator_before, strip_words, subject_from,
};
use crate::numbers::{QKind, Quantity, scan};
use planwatch_model::{Milestone, MilestoneKind, Target, TargetWording, YearBasis};
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

/// The year phrases (sorted by position) that lie inside `r`.
fn within(years: &[YearPhrase], r: Range<usize>) -> &[YearPhrase] {
    let lo = years.partition_point(|y| y.range.start < r.start);
    let hi = years.partition_point(|y| y.range.start < r.end);
    let hi = (lo..hi)
        .rev()
        .find(|&i| years[i].range.end <= r.end)
        .map_or(lo, |i| i + 1);
    &years[lo..hi]
}

/// Removes the year phrases that lie inside `r` from `text[r]`.
pub(crate) fn without_years(text: &str, r: Range<usize>, years: &[YearPhrase]) -> String {
    let years = within(years, r.clone());
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
        let s_years = within(&years, sentence.range.clone());
        let mut governing: Option<&YearPhrase> = given.as_ref();
        let mut effort = false;
        let mut prev_name: Option<String> = None;
        let mut pending_double: Option<Range<usize>> = None;
        // Whether the sentence is about rewards (computed once, when a number shows up).
        let mut incentive: Option<bool> = None;
        for (ci, clause) in sentence.clauses.iter().enumerate() {
            let c_years = within(s_years, clause.clone());
            let own_year = c_years.iter().find(|y| !y.baseline);
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
            if !qs.is_empty() && incentive.is_none() {
                incentive = Some(outside_quotes(&text[sentence.range.clone()], INCENTIVE));
            }
            let is_incentive = incentive == Some(true);
            let qs: Vec<Quantity> = qs
                .into_iter()
                .filter(|q| accept(ctext, q, recurring.is_some(), is_incentive))
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
                let name = indicator_before(text, clause.start..clause.end, s_years);
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
                        comparator: Some(TargetWording::Double),
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
                let abs_of =
                    |q: &Quantity| q.range.start + clause.start..q.range.end + clause.start;
                let mut seg_at = 0;
                for (k, q) in qs.iter().enumerate() {
                    let abs = abs_of(q);
                    while segments.get(seg_at).is_some_and(|s| s.end <= abs.start) {
                        seg_at += 1;
                    }
                    let mut seg = segments
                        .get(seg_at)
                        .cloned()
                        .unwrap_or_else(|| clause.clone());
                    // Several quantities left in one segment: each gets the words since the
                    // previous one (2022年2023年达到5家…), not the whole segment.
                    if let Some(p) = k
                        .checked_sub(1)
                        .map(|p| abs_of(&qs[p]))
                        .filter(|p| seg.contains(&p.start))
                    {
                        seg.start = p.end;
                    }
                    if let Some(n) = qs.get(k + 1).map(abs_of).filter(|n| seg.contains(&n.start)) {
                        seg.end = abs.end.max(n.start.min(abs.end));
                    }
                    let span = match pending_double.take() {
                        Some(d) => d.start..seg.end,
                        None => seg.clone(),
                    };
                    let mut name = indicator_before(text, span.start..abs.start, s_years);
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
                        (QKind::Capacity, _, _) => TargetWording::Equal,
                        (_, Some(TargetWording::About), _) => TargetWording::About,
                        (_, Some(p), _) => p,
                        (_, None, Some(_)) => TargetWording::AtLeast,
                        _ => pre.unwrap_or(TargetWording::Equal),
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
            let body = without_years(text, clause.clone(), s_years);
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
                // 实现以下目标： introduces the goals; it is not one.
                let intro = ["以下", "如下"].iter().any(|w| body.contains(w))
                    || text[clause.end..].starts_with(['：', ':']);
                if !intro {
                    qualitative_goals(text, clause.clone(), body, dated, out);
                }
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
            *context = Some(last.clone());
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
    // …except 对8家公共机构开展能源审计: a count of what the work covers is a commitment.
    let counted_object = trim_punct(head) == "对"
        && q.unit
            .as_deref()
            .is_some_and(|u| ["家", "个", "所", "座", "处", "项", "条"].contains(&u));
    if INSTRUMENTAL.iter().any(|w| body.starts_with(w))
        || (body.starts_with('对') && !counted_object)
    {
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
    // 60岁以上老年人, 5000万元以上项目: a bound followed by a noun qualifies what is counted;
    // after a verb of delivery (完成5家以上公共建筑能源审计) it is the commitment.
    let delivered = [
        "完成", "建成", "新增", "培育", "引进", "新建", "创建", "打造",
    ]
    .iter()
    .any(|v| head.ends_with(v));
    if q.post.is_some()
        && q.kind == QKind::Plain
        && q.value_text.as_deref() != Some("零突破")
        && !pre_bound
        && !delivered
        && clause[q.range.end..]
            .chars()
            .next()
            .is_some_and(|c| crate::chars::is_han(c) && c != '的')
    {
        return false;
    }
    // 超百亿元企业, 10亿元项目: an amount of money naming a class of enterprises or projects.
    if q.unit.as_deref().is_some_and(|u| u.ends_with('元'))
        && ["企业", "项目", "工程", "产业", "集群", "园区", "级"]
            .iter()
            .any(|w| clause[q.range.end..].starts_with(w))
    {
        return false;
    }
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
                comparator: Some(TargetWording::Qualitative),
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

    type Row = (Option<f64>, Option<String>, Option<i32>, TargetWording);

    fn targets(text: &str) -> Vec<Row> {
        run(text, false)
            .targets
            .into_iter()
            .map(|(t, _)| {
                (
                    t.value,
                    t.unit,
                    t.year,
                    t.comparator.unwrap_or(TargetWording::Qualitative),
                )
            })
            .collect()
    }

    fn check(text: &str, expected: &[(f64, &str, i32, TargetWording)]) {
        let got = targets(text);
        let want: Vec<_> = expected
            .iter()
            .map(|&(v, u, y, c)| (Some(v), (!u.is_empty()).then(|| u.to_string()), Some(y), c))
            .collect();
        assert_eq!(got, want, "{text}");
    }

    use TargetWording::*;

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
    fn a_bound_before_a_noun_qualifies_it_and_is_not_a_target() {
        check(
            "2024年，60岁以上老年人健康管理率达到70%，新开工5000万元以上项目100个。",
            &[(70.0, "%", 2024, AtLeast), (100.0, "个", 2024, Equal)],
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
