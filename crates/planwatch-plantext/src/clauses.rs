//! Sentences, clauses and year phrases (到2024年, 2022年底前, 2023—2024年) of a paragraph.

use crate::chars::{
    char_at, char_before, closes, digit, ends_sentence, is_han, opens, separates_clause,
};
use std::ops::Range;

/// A dated phrase. `start == end` for a single year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YearPhrase {
    pub(crate) range: Range<usize>,
    pub(crate) start: i32,
    pub(crate) end: i32,
    /// A comparison base (比2020年, 较2021年): not the year a target is due.
    pub(crate) baseline: bool,
}

const YEAR_PREFIXES: &[&str] = &[
    "力争到",
    "力争在",
    "截止到",
    "预计到",
    "计划到",
    "截至",
    "截止",
    "到",
    "至",
    "在",
    "于",
    "自",
];

const YEAR_SUFFIXES: &[&str] = &[
    "上半年",
    "下半年",
    "年底前",
    "以前",
    "之前",
    "底前",
    "末前",
    "前后",
    "第一季度",
    "第二季度",
    "第三季度",
    "第四季度",
    "一季度",
    "二季度",
    "三季度",
    "四季度",
    "度",
    "底",
    "末",
    "前",
    "内",
    "起",
];

/// Reads a four-digit year (Arabic, full-width or 二〇二四) at `at`: (year, end).
fn year_at(s: &str, at: usize) -> Option<(i32, usize)> {
    let mut v = 0i32;
    let mut i = at;
    for _ in 0..4 {
        let c = char_at(s, i)?;
        let d = digit(c).map(|d| d as i32).or_else(|| {
            "〇一二三四五六七八九"
                .chars()
                .position(|x| x == c)
                .and_then(|p| i32::try_from(p).ok())
        })?;
        v = v * 10 + d;
        i += c.len_utf8();
    }
    if char_at(s, i).is_some_and(|c| digit(c).is_some()) {
        return None;
    }
    (1950..=2100).contains(&v).then_some((v, i))
}

/// Every year phrase in `s`, with any leading 到/截至 and trailing 底/前/月份 included.
pub(crate) fn year_phrases(s: &str) -> Vec<YearPhrase> {
    let mut out = Vec::new();
    let mut i = 0;
    // Years inside a document title (《2022年工作要点》) date the document, not a commitment.
    let mut in_title = 0usize;
    while i < s.len() {
        let Some(c) = char_at(s, i) else { break };
        match c {
            '《' => in_title += 1,
            '》' => in_title = in_title.saturating_sub(1),
            _ => {}
        }
        if in_title > 0 {
            i += c.len_utf8();
            continue;
        }
        if c == '十'
            && let Some(y) = five_year_plan(s, i)
        {
            i = y.range.end;
            out.push(y);
            continue;
        }
        let starts_number = digit(c).is_some() || c == '二';
        let prev_ok = !char_before(s, i)
            .is_some_and(|p| digit(p).is_some() || p.is_ascii_alphabetic() || p == '.');
        if starts_number
            && prev_ok
            && let Some((y1, mut e)) = year_at(s, i)
        {
            let mut y2 = y1;
            if let Some(sep) = char_at(s, e)
                && matches!(sep, '—' | '–' | '-' | '~' | '～' | '至' | '到' | '－')
                && let Some((y, e2)) = year_at(s, e + sep.len_utf8())
                && y >= y1
            {
                y2 = y;
                e = e2;
            }
            if s[e..].starts_with('年') {
                e += '年'.len_utf8();
                e = suffix_end(s, e);
                let mut start = i;
                for p in YEAR_PREFIXES {
                    if s[..i].ends_with(p) {
                        start = i - p.len();
                        break;
                    }
                }
                let head = &s[..start];
                let baseline = ["比", "较", "相比", "同比", "由", "从", "与"]
                    .iter()
                    .any(|w| head.ends_with(w))
                    || s[e..].starts_with("相比")
                    || s[e..].starts_with("基础上");
                out.push(YearPhrase {
                    range: start..e,
                    start: y1,
                    end: y2,
                    baseline,
                });
                i = e;
                continue;
            }
        }
        i += c.len_utf8();
    }
    out
}

/// 到“十四五”末 (2025), “十五五”期间 (2026—2030): five-year-plan periods named instead of years.
fn five_year_plan(s: &str, at: usize) -> Option<YearPhrase> {
    let rest = &s[at..];
    let (first, name_len) = [
        ("十三五", 2016),
        ("十四五", 2021),
        ("十五五", 2026),
        ("十六五", 2031),
    ]
    .iter()
    .find(|(n, _)| rest.starts_with(n))
    .map(|&(n, y)| (y, n.len()))?;
    let mut e = at + name_len;
    if s[e..].starts_with('”') || s[e..].starts_with('"') {
        e += s[e..].chars().next().map_or(0, char::len_utf8);
    }
    let (start, word) = if let Some(w) = ["期末", "末期", "末"]
        .iter()
        .find(|w| s[e..].starts_with(**w))
    {
        (first + 4, *w)
    } else if let Some(w) = ["期间", "时期"].iter().find(|w| s[e..].starts_with(**w)) {
        (first, *w)
    } else {
        return None;
    };
    e += word.len();
    let mut begin = at;
    if s[..begin].ends_with('“') || s[..begin].ends_with('"') {
        begin -= s[..begin].chars().next_back().map_or(0, char::len_utf8);
    }
    for p in YEAR_PREFIXES {
        if s[..begin].ends_with(p) {
            begin -= p.len();
            break;
        }
    }
    Some(YearPhrase {
        range: begin..e,
        start,
        end: first + 4,
        baseline: false,
    })
}

/// Past 底/前/上半年 and month-day parts such as 6月底前, 12月31日前.
fn suffix_end(s: &str, mut e: usize) -> usize {
    // Month and day.
    let month_end = |at: usize| -> Option<usize> {
        let mut j = at;
        let mut n = 0;
        while let Some(c) = char_at(s, j) {
            if digit(c).is_some() || "一二三四五六七八九十".contains(c) {
                j += c.len_utf8();
                n += 1;
            } else {
                break;
            }
        }
        (n > 0 && n <= 3 && s[j..].starts_with('月')).then(|| j + '月'.len_utf8())
    };
    if let Some(m) = month_end(e) {
        e = m;
        let mut j = e;
        let mut n = 0;
        while let Some(c) = char_at(s, j) {
            if digit(c).is_some() {
                j += c.len_utf8();
                n += 1;
            } else {
                break;
            }
        }
        if n > 0 && (s[j..].starts_with('日') || s[j..].starts_with('号')) {
            e = j + 3;
        }
        for w in ["上旬", "中旬", "下旬", "份", "底", "末"] {
            if s[e..].starts_with(w) {
                e += w.len();
                break;
            }
        }
    }
    for w in YEAR_SUFFIXES {
        if s[e..].starts_with(w) {
            // 年中 only as a time word, not 年中央…
            e += w.len();
            break;
        }
    }
    for w in ["以前", "之前", "前"] {
        if s[e..].starts_with(w) {
            e += w.len();
            break;
        }
    }
    e
}

/// A sentence of a paragraph and its clauses (byte ranges of the paragraph text).
#[derive(Debug, Clone)]
pub(crate) struct Sentence {
    pub(crate) range: Range<usize>,
    pub(crate) clauses: Vec<Range<usize>>,
}

fn is_sentence_end(s: &str, i: usize, c: char) -> bool {
    if ends_sentence(c) {
        return true;
    }
    // A half-width full stop between Chinese words ends a sentence; in 1.3 or NO.7 it does not.
    c == '.' && char_before(s, i).is_some_and(|p| is_han(p) || closes(p))
}

/// Splits `s[range]` into sentences (at 。！？) and each into clauses (at ，；： outside brackets).
pub(crate) fn sentences(s: &str, range: Range<usize>) -> Vec<Sentence> {
    let mut out = Vec::new();
    let Some(text) = s.get(range.clone()) else {
        return out;
    };
    let base = range.start;
    let mut start = 0;
    let mut clauses = Vec::new();
    let mut clause_start = 0;
    let mut depth = 0usize;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if opens(c) {
            depth += 1;
        } else if closes(c) {
            depth = depth.saturating_sub(1);
        }
        if is_sentence_end(text, i, c) {
            let mut end = i + c.len_utf8();
            // Closing quotes and brackets after 。 belong to the sentence.
            while let Some(&(j, n)) = iter.peek() {
                if closes(n) || ends_sentence(n) {
                    end = j + n.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
            push_clause(&mut clauses, text, clause_start, i, base);
            if !clauses.is_empty() {
                out.push(Sentence {
                    range: base + start..base + end,
                    clauses: std::mem::take(&mut clauses),
                });
            }
            start = end;
            clause_start = end;
            depth = 0;
            continue;
        }
        if depth == 0 && separates_clause(c) {
            let between_digits = matches!(c, ',' | ':')
                && char_before(text, i).is_some_and(|p| p.is_ascii_digit())
                && char_at(text, i + 1).is_some_and(|n| n.is_ascii_digit());
            if !between_digits {
                push_clause(&mut clauses, text, clause_start, i, base);
                clause_start = i + c.len_utf8();
            }
        }
    }
    push_clause(&mut clauses, text, clause_start, text.len(), base);
    if !clauses.is_empty() {
        out.push(Sentence {
            range: base + start..base + text.len(),
            clauses,
        });
    }
    out
}

fn push_clause(clauses: &mut Vec<Range<usize>>, text: &str, start: usize, end: usize, base: usize) {
    let Some(part) = text.get(start..end) else {
        return;
    };
    let lead = part.len() - part.trim_start().len();
    let trimmed = part.trim();
    if !trimmed.is_empty() {
        clauses.push(base + start + lead..base + start + lead + trimmed.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn years(s: &str) -> Vec<(&str, i32, i32)> {
        year_phrases(s)
            .into_iter()
            .map(|y| (&s[y.range.clone()], y.start, y.end))
            .collect()
    }

    #[test]
    fn year_phrases_in_their_usual_forms() {
        assert_eq!(years("到2024年，全市"), [("到2024年", 2024, 2024)]);
        assert_eq!(years("2023-2024年根据"), [("2023-2024年", 2023, 2024)]);
        assert_eq!(years("2023—2024年"), [("2023—2024年", 2023, 2024)]);
        assert_eq!(years("2022年底前完成"), [("2022年底前", 2022, 2022)]);
        assert_eq!(
            years("于2022年6月底前建成"),
            [("于2022年6月底前", 2022, 2022)]
        );
        assert_eq!(years("二〇二四年"), [("二〇二四年", 2024, 2024)]);
        assert_eq!(years("到“十四五”末，全市"), [("到“十四五”末", 2025, 2025)]);
        assert_eq!(years("“十五五”期间每年"), [("“十五五”期间", 2026, 2030)]);
    }

    #[test]
    fn numbers_that_are_not_years() {
        assert!(years("累计建成2000个").is_empty());
        assert!(years("受教育年限达11.3年").is_empty());
        assert!(years("建成12024年").is_empty());
        assert!(years("根据《某市2022年工作要点》").is_empty());
    }

    #[test]
    fn sentences_split_at_full_stops_and_clauses_at_commas_outside_brackets() {
        let s = "到2024年，A达到2%；B（含乡镇，村）4%。C达到5家，D。";
        let sents = sentences(s, 0..s.len());
        assert_eq!(sents.len(), 2);
        let clauses: Vec<_> = sents[0].clauses.iter().map(|r| &s[r.clone()]).collect();
        assert_eq!(clauses, ["到2024年", "A达到2%", "B（含乡镇，村）4%"]);
    }

    #[test]
    fn decimal_points_and_codes_do_not_end_sentences() {
        let s = "以山西智创城NO.7为载体，PUE达到1.3以下。";
        assert_eq!(sentences(s, 0..s.len()).len(), 1);
    }
}
