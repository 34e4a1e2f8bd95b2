//! Responsible units: unit lines (牵头单位：…), inline annotations (（X牵头，Y配合）,
//! [X牵头,会同Y、Z负责]) and the lists inside them, split on 、 and ， but keeping fixed phrases
//! such as 各县（市、区）人民政府 whole.

use crate::chars::{closes, is_han, is_space, opens, trim_punct};
use planwatch_model::UnitKind;
use std::collections::HashSet;
use std::ops::Range;

/// What a unit does for a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Lead,
    Participate,
    /// 责任单位: the first named leads unless the text says they all lead (分别牵头). On a
    /// named unit: the first of a single-label list, which leads unless another unit of the
    /// task is named lead explicitly.
    Responsible,
    /// On a named unit: the lead of the group heading the task sits under, which leads unless
    /// the task names its own lead.
    Inherited,
}

/// What a `label：` introduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    Units(Role),
    /// 牵头负责领导：张三 names a person, not a unit.
    Person,
    /// 完成时限：2023年底.
    Deadline,
    /// 数据提供单位：市统计局 names a unit that neither leads nor takes part in the task.
    Other,
}

const LABELS: &[(&str, Label)] = &[
    ("牵头单位", Label::Units(Role::Lead)),
    ("牵头部门", Label::Units(Role::Lead)),
    ("牵头责任单位", Label::Units(Role::Lead)),
    ("牵头责任部门", Label::Units(Role::Lead)),
    ("主办单位", Label::Units(Role::Lead)),
    ("主责单位", Label::Units(Role::Lead)),
    ("主责部门", Label::Units(Role::Lead)),
    ("主要责任单位", Label::Units(Role::Lead)),
    ("牵头推进单位", Label::Units(Role::Lead)),
    ("牵头实施单位", Label::Units(Role::Lead)),
    ("牵头", Label::Units(Role::Lead)),
    ("参加单位", Label::Units(Role::Participate)),
    ("参加部门", Label::Units(Role::Participate)),
    ("参与单位", Label::Units(Role::Participate)),
    ("参与部门", Label::Units(Role::Participate)),
    ("配合单位", Label::Units(Role::Participate)),
    ("配合部门", Label::Units(Role::Participate)),
    ("配合责任单位", Label::Units(Role::Participate)),
    ("协办单位", Label::Units(Role::Participate)),
    ("协办部门", Label::Units(Role::Participate)),
    ("协助单位", Label::Units(Role::Participate)),
    ("协同单位", Label::Units(Role::Participate)),
    ("协同部门", Label::Units(Role::Participate)),
    ("协作单位", Label::Units(Role::Participate)),
    ("会同单位", Label::Units(Role::Participate)),
    ("协同责任单位", Label::Units(Role::Participate)),
    ("协同责任部门", Label::Units(Role::Participate)),
    ("配合推进单位", Label::Units(Role::Participate)),
    ("配合", Label::Units(Role::Participate)),
    ("参与", Label::Units(Role::Participate)),
    ("协办", Label::Units(Role::Participate)),
    ("责任单位", Label::Units(Role::Responsible)),
    ("责任部门", Label::Units(Role::Responsible)),
    ("责任主体", Label::Units(Role::Responsible)),
    ("责任处室", Label::Units(Role::Responsible)),
    ("实施单位", Label::Units(Role::Responsible)),
    ("实施主体", Label::Units(Role::Responsible)),
    ("实施部门", Label::Units(Role::Responsible)),
    ("推进单位", Label::Units(Role::Responsible)),
    ("推进部门", Label::Units(Role::Responsible)),
    ("执行单位", Label::Units(Role::Responsible)),
    ("承办单位", Label::Units(Role::Responsible)),
    ("落实单位", Label::Units(Role::Responsible)),
    ("负责单位", Label::Units(Role::Responsible)),
    ("牵头负责领导", Label::Person),
    ("牵头领导", Label::Person),
    ("牵头市领导", Label::Person),
    ("责任领导", Label::Person),
    ("分管领导", Label::Person),
    ("联系领导", Label::Person),
    ("包联领导", Label::Person),
    ("市级领导", Label::Person),
    ("牵头负责人", Label::Person),
    ("责任人", Label::Person),
    ("负责人", Label::Person),
    ("联系人", Label::Person),
    ("数据提供单位", Label::Other),
    ("数据来源单位", Label::Other),
    ("统计单位", Label::Other),
    ("完成时限", Label::Deadline),
    ("完成时间", Label::Deadline),
    ("时间节点", Label::Deadline),
    ("时限要求", Label::Deadline),
    ("时限", Label::Deadline),
];

fn is_colon(c: char) -> bool {
    matches!(c, '：' | ':')
}

/// 牵头单位（部门） reads as 牵头单位.
fn strip_label_note(head: &str) -> &str {
    ["（部门）", "(部门)", "（单位）", "(单位)"]
        .iter()
        .find_map(|n| head.strip_suffix(n))
        .unwrap_or(head)
}

/// The label that ends exactly at byte `end` of `s` (just before a colon), longest first.
fn label_ending_at(s: &str, end: usize) -> Option<(Label, usize)> {
    let head = s.get(..end)?;
    let head = strip_label_note(head.trim_end_matches(is_space));
    let mut best: Option<(Label, usize)> = None;
    for &(word, label) in LABELS {
        if head.ends_with(word) {
            let start = head.len() - word.len();
            // The label must not be the tail of a longer word (局配合单位 is fine: the unit list
            // before it ends with a unit name).
            if best.is_none_or(|(_, s)| start < s) {
                best = Some((label, start));
            }
        }
    }
    best
}

/// A label at the very start of a line: `(label, byte offset after the colon)`.
/// Brackets around the label (【牵头单位】：) are allowed.
pub(crate) fn label_at_start(s: &str) -> Option<(Label, usize)> {
    let s_trim =
        s.trim_start_matches(|c: char| is_space(c) || matches!(c, '【' | '[' | '（' | '('));
    let offset = s.len() - s_trim.len();
    for (i, c) in s_trim.char_indices().take(14) {
        if is_colon(c) {
            let head = strip_label_note(
                s_trim[..i].trim_end_matches(|c: char| is_space(c) || matches!(c, '】' | ']')),
            );
            return LABELS
                .iter()
                .find(|(w, _)| *w == head)
                .map(|&(_, l)| (l, offset + i + c.len_utf8()));
        }
    }
    // 牵头单位 市科技局: the colon lost in conversion; the name that follows shows it is a label.
    LABELS
        .iter()
        .filter(|(w, l)| {
            matches!(l, Label::Units(_)) && (w.ends_with("单位") || w.ends_with("部门"))
        })
        .find_map(|&(w, l)| {
            let rest = s_trim.strip_prefix(w)?;
            let name =
                rest.trim_start_matches(|c: char| is_space(c) || matches!(c, '、' | '，' | ','));
            let first = name
                .split(['、', '，', ',', ' ', '　'])
                .next()
                .unwrap_or("");
            looks_like_unit(first).then(|| (l, offset + w.len() + (rest.len() - name.len())))
        })
}

/// Every `label：` in `s`: `(label, label start, byte after the colon)`.
pub(crate) fn find_labels(s: &str) -> Vec<(Label, usize, usize)> {
    s.char_indices()
        .filter(|&(_, c)| is_colon(c))
        .filter_map(|(i, c)| label_ending_at(s, i).map(|(l, st)| (l, st, i + c.len_utf8())))
        .collect()
}

/// One unit named in a spec, with its role and its byte range in the spec text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Named {
    pub(crate) name: String,
    pub(crate) role: Role,
    pub(crate) range: Range<usize>,
}

/// Splits a list at bracket depth 0 on 、，,；;／/ and spaces; `和/及/与` split only between two
/// things that both look like units.
pub(crate) fn split_list(s: &str, base: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if opens(c) {
            depth += 1;
        } else if closes(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0
            && matches!(
                c,
                '、' | '，' | ',' | '；' | ';' | '／' | '/' | '。' | ' ' | '\u{3000}'
            )
        {
            out.push(start..i);
            start = i + c.len_utf8();
        }
    }
    out.push(start..s.len());
    let mut split = Vec::new();
    for r in out {
        // 生态环境局等各相关部门: a named unit, then a group.
        let item = &s[r.clone()];
        let (first, rest) = match item.find("等各") {
            Some(p) if p > 0 => (r.start..r.start + p, Some(r.start + p + "等".len()..r.end)),
            _ => (r.clone(), None),
        };
        split.extend(split_conjunctions(&s[first.clone()], first.start));
        split.extend(rest);
    }
    split
        .into_iter()
        .filter(|r| !trim_punct(&s[r.clone()]).is_empty())
        .map(|r| r.start + base..r.end + base)
        .collect()
}

fn split_conjunctions(s: &str, base: usize) -> Vec<Range<usize>> {
    for (i, c) in s.char_indices() {
        if matches!(c, '和' | '及' | '与') {
            let (l, r) = (&s[..i], &s[i + c.len_utf8()..]);
            if looks_like_unit(l)
                && looks_like_unit(r.split(['和', '及', '与']).next().unwrap_or(r))
                && r.starts_with(['市', '县', '区', '省', '各', '国'])
            {
                let mut v = Vec::new();
                v.push(base..base + i);
                v.extend(split_conjunctions(r, base + i + c.len_utf8()));
                return v;
            }
        }
    }
    std::iter::once(base..base + s.len()).collect()
}

const ROLE_TAILS: &[&str] = &[
    "按职责分工负责",
    "按职责分工落实",
    "按职能分工负责",
    "按职责负责",
    "分别牵头",
    "共同牵头",
    "牵头负责",
    "分别负责",
    "共同负责",
    "负责落实",
    "牵头",
    "负责",
    "配合",
    "参与",
    "参加",
    "协助",
    "协办",
    "协同",
    "落实",
    "分别",
    "共同",
];

const VAGUE_TAILS: &[&str] = &[
    "等有关单位",
    "等有关部门",
    "等相关单位",
    "等相关部门",
    "等单位",
    "等部门",
    "等",
];

/// Cleans one list item into a unit name: trailing 等 and role words dropped. Returns the name
/// and whether it was marked as the lead (市科技局（牵头）).
pub(crate) fn clean_unit(raw: &str) -> Option<(String, bool)> {
    let mut s = trim_punct(raw);
    let mut lead_mark = false;
    for prefix in ["由", "会同", "联合", "协同", "配合"] {
        if let Some(r) = s.strip_prefix(prefix)
            && looks_like_unit(r)
        {
            s = r;
        }
    }
    loop {
        let before = s;
        for mark in ["（牵头）", "(牵头)", "（牵头单位）", "(牵头单位)"] {
            if let Some(r) = s.strip_suffix(mark) {
                s = r;
                lead_mark = true;
            }
        }
        // Most names end in 局/委/府: only a name ending like a role word can carry one.
        if s.ends_with(|c: char| "头责合与加助办同实别等位门".contains(c)) {
            for tail in ROLE_TAILS.iter().chain(VAGUE_TAILS) {
                if let Some(r) = s.strip_suffix(tail)
                    && r.chars().count() >= 2
                {
                    s = trim_punct(r);
                }
            }
        }
        // The closing bracket of a bracketed unit paragraph (（责任单位：A、B）) left on the last
        // name.
        if s.ends_with(['）', ')']) && !s.contains(['（', '(']) {
            let cut = s.char_indices().next_back().map_or(0, |(i, _)| i);
            s = trim_punct(&s[..cut]);
        }
        // A note in brackets after the last name: （按职责分工）, （排名第一的为牵头单位）.
        if s.ends_with(['）', ')'])
            && let Some(open) = s.rfind(['（', '('])
            && ["职责", "分工", "排名", "排序", "负责", "配合", "牵头", "按"]
                .iter()
                .any(|w| s[open..].contains(w))
        {
            s = trim_punct(&s[..open]);
        }
        if s == before {
            break;
        }
    }
    let s = trim_punct(s);
    let n = s.chars().count();
    if !(2..=30).contains(&n) || s.contains(['。', '：', ':']) {
        return None;
    }
    Some((s.to_string(), lead_mark))
}

/// Whether a name has the shape of an organisation (a bureau, a government, a zone, a company).
pub(crate) fn looks_like_unit(name: &str) -> bool {
    let n = trim_punct(name);
    let count = n.chars().count();
    if !(2..=30).contains(&count) || !n.chars().any(is_han) {
        return false;
    }
    UnitKind::classify(n) != UnitKind::Other
        || [
            "单位",
            "部门",
            "企业",
            "机构",
            "街道",
            "海关",
            "支行",
            "分行",
            "公安",
            "法院",
            "检察院",
            "中心",
            "园",
            "所",
            "队",
            "馆",
            "台",
            "社",
            "团",
            "校",
            "室",
            "组",
            "网",
            "县",
            "区",
            "市",
            "镇",
            "乡",
        ]
        .iter()
        .any(|s| n.ends_with(s))
}

/// Parses the text after a unit label (or a free-form annotation when `role` is `None`) into
/// named units with roles. Returns nothing when the text has no recognisable unit.
pub(crate) fn parse_spec(spec: &str, base: usize, role: Option<Role>) -> Vec<Named> {
    match role {
        Some(Role::Responsible) => {
            let all_lead = has_all_lead_phrase(spec);
            // （排名第一的为牵头单位） after the list speaks of the whole list: the first leads.
            let spec = strip_list_note(spec);
            // 市工信局（牵头）、市商务局 marks the lead in the list itself.
            let marked = spec.contains("（牵头") || spec.contains("(牵头");
            if spec.contains("牵头") && !marked {
                let free = parse_freeform(spec, base);
                if !free.is_empty() {
                    return free;
                }
            }
            let mut named = names(spec, base, Role::Participate);
            let marked = named.iter().any(|n| n.role == Role::Lead);
            if all_lead {
                named.iter_mut().for_each(|n| n.role = Role::Lead);
            } else if !marked && let Some(first) = named.first_mut() {
                // Leads unless the task names a lead explicitly (a 牵头单位 line, or the lead of
                // the group the task sits in); resolved when the task is finished.
                first.role = Role::Responsible;
            }
            named
        }
        Some(r) => {
            let mut named = names(spec, base, r);
            named.iter_mut().for_each(|n| n.role = r);
            named
        }
        None => parse_freeform(spec, base),
    }
}

/// A bracketed note at the end of a unit list (（排名第一的为牵头单位）, （按职责分工负责）).
fn strip_list_note(spec: &str) -> &str {
    let t = spec.trim_end_matches(|c: char| is_space(c) || matches!(c, '。' | '；' | ';'));
    if t.ends_with(['）', ')'])
        && let Some(open) = t.rfind(['（', '('])
        && ["排名", "排序", "第一", "首位", "为牵头", "按职责", "分工"]
            .iter()
            .any(|w| t[open..].contains(w))
    {
        return &t[..open];
    }
    spec
}

fn has_all_lead_phrase(s: &str) -> bool {
    [
        "分别牵头",
        "分别负责",
        "按职责分工负责",
        "按职责分工落实",
        "按职能分工负责",
        "共同牵头",
        "各司其职",
    ]
    .iter()
    .any(|p| s.contains(p))
}

/// The units of a list, each with `role` unless it carries a （牵头） mark.
fn names(s: &str, base: usize, role: Role) -> Vec<Named> {
    let mut out: Vec<Named> = Vec::new();
    let mut seen = HashSet::new();
    for r in split_list(s, 0) {
        if let Some((name, lead)) = clean_unit(&s[r.clone()])
            && seen.insert(name.clone())
        {
            out.push(Named {
                name,
                role: if lead { Role::Lead } else { role },
                range: r.start + base..r.end + base,
            });
        }
    }
    out
}

/// Free-form annotations: （X牵头，Y配合）, [X牵头,会同Y、Z负责], （X、Y分别牵头）, （X负责）.
fn parse_freeform(s: &str, base: usize) -> Vec<Named> {
    let mut out: Vec<Named> = Vec::new();
    let mut clauses = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if opens(c) {
            depth += 1;
        } else if closes(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && matches!(c, '，' | ',' | '；' | ';' | '。') {
            clauses.push(start..i);
            start = i + c.len_utf8();
        }
    }
    clauses.push(start..s.len());
    let mut seen = HashSet::new();
    let mut push = |out: &mut Vec<Named>, part: &str, at: usize, role: Role| {
        for mut n in names(part, base + at, role) {
            if n.role != Role::Lead {
                n.role = role;
            }
            if seen.insert(n.name.clone()) {
                out.push(n);
            }
        }
    };
    for r in clauses {
        let c = &s[r.clone()];
        let c_trim = c.trim_start_matches(|ch: char| is_space(ch) || ch == '由');
        let at = r.start + (c.len() - c_trim.len());
        let c = c_trim;
        if let Some(p) = c.find("牵头") {
            let left = &c[..p];
            push(&mut out, left, at, Role::Lead);
            let right = &c[p + "牵头".len()..];
            let right_at = at + p + "牵头".len();
            let r_trim = right.trim_start_matches(['，', ',', '、']);
            let r_trim = r_trim.strip_prefix("负责").unwrap_or(r_trim);
            for kw in ["会同", "联合", "协同", "配合"] {
                if let Some(rest) = r_trim.strip_prefix(kw) {
                    let off = right_at + (right.len() - rest.len());
                    push(&mut out, rest, off, Role::Participate);
                    break;
                }
            }
        } else if ["会同", "协同", "联合", "配合"]
            .iter()
            .any(|k| c.starts_with(k))
            || ["配合", "参与", "参加", "协助", "协办", "协同"]
                .iter()
                .any(|k| trim_punct(c).ends_with(k))
        {
            push(&mut out, c, at, Role::Participate);
        } else if ["负责", "落实", "实施"]
            .iter()
            .any(|k| trim_punct(c).ends_with(k))
        {
            let role = if out.iter().any(|n| n.role == Role::Lead) {
                Role::Participate
            } else {
                Role::Lead
            };
            push(&mut out, c, at, role);
        }
    }
    if out.iter().all(|n| looks_like_unit(&n.name)) {
        out
    } else {
        Vec::new()
    }
}

/// An inline unit annotation inside a text block: the byte range to cut from the text, and the
/// units.
#[derive(Debug, Clone)]
pub(crate) struct Inline {
    pub(crate) range: Range<usize>,
    pub(crate) units: Vec<Named>,
    pub(crate) deadline: Option<Range<usize>>,
}

/// Finds unit annotations in a text block: bracketed ones anywhere, and `label：` runs that start
/// after the block's first sentence.
pub(crate) fn find_inline(s: &str) -> Vec<Inline> {
    let mut found = Vec::new();
    // Bracketed annotations.
    let mut stack: Vec<(usize, char)> = Vec::new();
    for (i, c) in s.char_indices() {
        if matches!(c, '（' | '(' | '[' | '【' | '［') {
            stack.push((i, c));
        } else if matches!(c, '）' | ')' | ']' | '】' | '］') {
            let Some((open, oc)) = stack.pop() else {
                continue;
            };
            if !stack.is_empty() {
                continue;
            }
            let inner_start = open + oc.len_utf8();
            let inner = &s[inner_start..i];
            if inner.chars().count() < 3 {
                continue;
            }
            let units = spec_units(inner, inner_start);
            if !units.0.is_empty() {
                found.push(Inline {
                    range: open..i + c.len_utf8(),
                    units: units.0,
                    deadline: units.1,
                });
            }
        }
    }
    // Unbracketed `牵头单位：X；配合单位：Y` after the start of a block.
    let labels = find_labels(s);
    if let Some(&(_, first, _)) = labels.iter().find(|(l, st, _)| {
        matches!(l, Label::Units(_)) && !found.iter().any(|f| f.range.contains(st))
    }) {
        let end = s[first..].find('。').map_or(s.len(), |e| first + e);
        let units = spec_units(&s[first..end], first);
        if !units.0.is_empty() {
            found.push(Inline {
                range: first..end,
                units: units.0,
                deadline: units.1,
            });
        }
    }
    found
}

/// The units of an annotation that uses labels (牵头单位：X；配合单位：Y) or role words
/// (X牵头，Y配合). Also returns a deadline (完成时限：…) if one is given.
pub(crate) fn spec_units(spec: &str, base: usize) -> (Vec<Named>, Option<Range<usize>>) {
    let labels = find_labels(spec);
    let mut deadline = None;
    if labels.is_empty() {
        let has_role = ["牵头", "负责", "配合", "会同"]
            .iter()
            .any(|k| spec.contains(k));
        if !has_role {
            return (Vec::new(), None);
        }
        return (parse_spec(spec, base, None), None);
    }
    let mut out: Vec<Named> = Vec::new();
    let mut seen = HashSet::new();
    let mut has_lead = false;
    for (k, &(label, _, after)) in labels.iter().enumerate() {
        let end = labels.get(k + 1).map_or(spec.len(), |&(_, st, _)| st);
        let part = &spec[after..end];
        match label {
            Label::Units(role) => {
                let role = if role == Role::Responsible && has_lead {
                    Role::Participate
                } else {
                    role
                };
                for n in parse_spec(part, base + after, Some(role)) {
                    if seen.insert(n.name.clone()) {
                        has_lead |= n.role == Role::Lead;
                        out.push(n);
                    }
                }
            }
            Label::Deadline => deadline = Some(base + after..base + end),
            Label::Person | Label::Other => {}
        }
    }
    (out, deadline)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(spec: &str, role: Option<Role>) -> (Vec<String>, Vec<String>) {
        let named = parse_spec(spec, 0, role);
        let explicit = named.iter().any(|n| n.role == Role::Lead);
        let resolve = |r: Role| match r {
            Role::Responsible if explicit => Role::Participate,
            Role::Responsible => Role::Lead,
            r => r,
        };
        let pick = |r| {
            named
                .iter()
                .filter(|n| resolve(n.role) == r)
                .map(|n| n.name.clone())
                .collect::<Vec<_>>()
        };
        (pick(Role::Lead), pick(Role::Participate))
    }

    #[test]
    fn fixed_phrases_with_brackets_stay_whole() {
        let (lead, part) = roles(
            "市科技局、各县（市、区）人民政府、阳泉高新区",
            Some(Role::Participate),
        );
        assert!(lead.is_empty());
        assert_eq!(part, ["市科技局", "各县（市、区）人民政府", "阳泉高新区"]);
    }

    #[test]
    fn bracketed_notes_after_a_name_are_dropped() {
        let (lead, part) = roles(
            "市科技局、市发展改革委（按职责分工）",
            Some(Role::Participate),
        );
        assert!(lead.is_empty());
        assert_eq!(part, ["市科技局", "市发展改革委"]);
        let (lead, part) = roles(
            "市科技局、市财政局（排名第一的为牵头单位）",
            Some(Role::Responsible),
        );
        assert_eq!(lead, ["市科技局"]);
        assert_eq!(part, ["市财政局"]);
    }

    #[test]
    fn trailing_deng_and_commas_are_handled() {
        let (_, part) = roles("市工信局，市商务局等", Some(Role::Participate));
        assert_eq!(part, ["市工信局", "市商务局"]);
    }

    #[test]
    fn a_responsible_line_makes_its_first_unit_lead() {
        let (lead, part) = roles("市发展改革委、市财政局、市科技局", Some(Role::Responsible));
        assert_eq!(lead, ["市发展改革委"]);
        assert_eq!(part, ["市财政局", "市科技局"]);
    }

    #[test]
    fn fenbie_qiantou_makes_all_lead() {
        let (lead, part) = roles(
            "市发展改革委、市工信局按职责分工负责",
            Some(Role::Responsible),
        );
        assert_eq!(lead, ["市发展改革委", "市工信局"]);
        assert!(part.is_empty());
        let (lead, _) = roles("市科技局、市财政局分别牵头", None);
        assert_eq!(lead, ["市科技局", "市财政局"]);
    }

    #[test]
    fn free_form_lead_and_partners() {
        let (lead, part) = roles("市科技局牵头，市财政局、市税务局配合", None);
        assert_eq!(lead, ["市科技局"]);
        assert_eq!(part, ["市财政局", "市税务局"]);
        let (lead, part) = roles("市工信局牵头,会同市发改委、市财政局负责", None);
        assert_eq!(lead, ["市工信局"]);
        assert_eq!(part, ["市发改委", "市财政局"]);
    }

    #[test]
    fn labels_are_found_with_either_colon() {
        assert_eq!(
            label_at_start("牵头单位：市工信局").map(|l| l.0),
            Some(Label::Units(Role::Lead))
        );
        assert_eq!(
            label_at_start("配合单位:市工信局").map(|l| l.0),
            Some(Label::Units(Role::Participate))
        );
        assert_eq!(
            label_at_start("牵头负责领导：张三").map(|l| l.0),
            Some(Label::Person)
        );
        assert_eq!(label_at_start("目标：到2024年"), None);
    }

    #[test]
    fn a_unit_line_that_lost_its_colon_is_still_a_unit_line() {
        assert_eq!(
            label_at_start("牵头单位 市科技局").map(|l| l.0),
            Some(Label::Units(Role::Lead))
        );
        assert_eq!(label_at_start("责任单位要加强协调配合"), None);
    }

    #[test]
    fn inline_annotations_in_brackets() {
        let s = "加快建设。（牵头单位：市科技局；配合单位：市财政局、市工信局）";
        let found = find_inline(s);
        assert_eq!(found.len(), 1);
        let names: Vec<_> = found[0]
            .units
            .iter()
            .map(|n| (n.name.as_str(), n.role))
            .collect();
        assert_eq!(
            names,
            [
                ("市科技局", Role::Lead),
                ("市财政局", Role::Participate),
                ("市工信局", Role::Participate)
            ]
        );
        assert!(find_inline("培育示范主体（包括示范基地、企业和中试基地）").is_empty());
    }
}
