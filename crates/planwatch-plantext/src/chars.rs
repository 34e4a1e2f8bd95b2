//! Character classes of Chinese plan text: CJK, full-width punctuation, brackets, sentence ends.

/// A CJK ideograph (the characters that make up unit names and task text).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// CJK characters and full-width (or typographic) punctuation: a space next to one of these is a
/// PDF artefact and is deleted.
pub(crate) fn is_wide(c: char) -> bool {
    is_han(c)
        || matches!(c as u32,
            0x2010..=0x2027 | 0x2030..=0x205E | 0x2E80..=0x2FFF | 0x3000..=0x303F
            | 0x3040..=0x30FF | 0x3100..=0x33FF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF)
            && !is_space(c)
}

/// Spaces a PDF or a word processor may put between characters.
pub(crate) fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{3000}' | '\u{a0}' | '\t' | '\u{c}' | '\u{2002}' | '\u{2003}' | '\u{2009}'
    )
}

/// Characters that end a line which is complete by itself (a line ending otherwise was broken by
/// a page or a wrap).
pub(crate) fn closes_line(c: char) -> bool {
    matches!(
        c,
        '。' | '！'
            | '？'
            | '；'
            | '：'
            | '…'
            | '!'
            | '?'
            | ';'
            | ':'
            | '”'
            | '’'
            | '）'
            | ')'
            | '】'
            | ']'
            | '」'
            | '』'
            | '》'
            | '〕'
            | '.'
    )
}

/// Sentence ends (a year phrase does not govern past one of these).
pub(crate) fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?')
}

/// Clause separators inside a sentence.
pub(crate) fn separates_clause(c: char) -> bool {
    matches!(c, '，' | '；' | '：' | ',' | ';' | ':')
}

pub(crate) fn opens(c: char) -> bool {
    matches!(
        c,
        '（' | '(' | '[' | '【' | '“' | '‘' | '《' | '〔' | '「' | '『' | '{' | '［' | '〈'
    )
}

pub(crate) fn closes(c: char) -> bool {
    matches!(
        c,
        '）' | ')' | ']' | '】' | '”' | '’' | '》' | '〕' | '」' | '』' | '}' | '］' | '〉'
    )
}

/// Quotes and title marks: numbers inside them are names (“12条”, 《2022年工作要点》), not targets.
pub(crate) fn opens_quote(c: char) -> bool {
    matches!(c, '“' | '‘' | '《' | '〔' | '「' | '『' | '〈')
}

pub(crate) fn closes_quote(c: char) -> bool {
    matches!(c, '”' | '’' | '》' | '〕' | '」' | '』' | '〉')
}

/// An ASCII or full-width decimal digit, as its value.
pub(crate) fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// Whether a character is a clause-level punctuation mark (used to tell headings and titles,
/// which carry none, from sentences).
pub(crate) fn is_clause_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '；' | '：' | '、' | '！' | '？' | ',' | ';'
    )
}

/// Removes surrounding punctuation that never belongs to a name or a clause.
pub(crate) fn trim_punct(s: &str) -> &str {
    s.trim_matches(|c: char| {
        is_space(c)
            || c.is_whitespace()
            || matches!(
                c,
                '，' | '。' | '；' | '：' | '、' | ',' | ';' | ':' | '.' | '！' | '？' | '-' | '—'
            )
    })
}

/// The range of `text[r]` without surrounding punctuation (see [`trim_punct`]).
pub(crate) fn trim_punct_range(text: &str, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let Some(s) = text.get(r.clone()) else {
        return r;
    };
    let t = trim_punct(s);
    let lead = s.len()
        - s.trim_start_matches(|c: char| {
            is_space(c)
                || c.is_whitespace()
                || matches!(
                    c,
                    '，' | '。'
                        | '；'
                        | '：'
                        | '、'
                        | ','
                        | ';'
                        | ':'
                        | '.'
                        | '！'
                        | '？'
                        | '-'
                        | '—'
                )
        })
        .len();
    r.start + lead..r.start + lead + t.len()
}

/// The char that ends just before byte `i`.
pub(crate) fn char_before(s: &str, i: usize) -> Option<char> {
    s.get(..i).and_then(|t| t.chars().next_back())
}

/// The char that starts at byte `i`.
pub(crate) fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|t| t.chars().next())
}

/// Levenshtein distance over chars, bounded: returns `limit + 1` as soon as it is exceeded.
pub(crate) fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_one_substitution() {
        assert_eq!(edit_distance("孟县", "盂县", 2), 1);
        assert_eq!(edit_distance("市科技局", "市科技局", 2), 0);
        assert_eq!(edit_distance("abc", "abcdef", 1), 2);
    }

    #[test]
    fn wide_characters_include_cjk_and_full_width_punctuation() {
        for c in ['年', '，', '（', '“', '—', '％'] {
            assert!(is_wide(c), "{c}");
        }
        for c in ['a', '1', '.', '(', ' ', '\u{3000}'] {
            assert!(!is_wide(c), "{c}");
        }
    }
}
