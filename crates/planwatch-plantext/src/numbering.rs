//! Heading numbers as plans write them: 一、 （一） 1. （1） 1） ① 第一条 第一章.

use crate::chars::{digit, is_space};

/// A numbering style. Plans nest them in varying orders; the outline learns the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Style {
    /// 一、 二、
    CnComma,
    /// （一） (一)
    CnParen,
    /// 1. 1、 1．
    ArabicDot,
    /// （1） (1)
    ArabicParen,
    /// 1） 1)
    ArabicHalfParen,
    /// ① ②
    Circled,
    /// 第一条
    Article,
    /// 第一章 第一部分 第一节
    Chapter,
}

/// A heading number at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Numbering {
    pub(crate) style: Style,
    pub(crate) value: u32,
    /// The number as written: （2）, (1), 1., 一、, 第三条.
    pub(crate) label: String,
    /// Byte offset where the heading text starts (after the number and any spaces).
    pub(crate) rest: usize,
}

const CN_DIGITS: &str = "零〇一二三四五六七八九十百两";

/// Parses a small Chinese numeral (一 … 九十九, 一百 …) as used in headings.
pub(crate) fn cn_small(s: &str) -> Option<u32> {
    if s.is_empty() || s.chars().count() > 5 {
        return None;
    }
    let mut total = 0u32;
    let mut cur = 0u32;
    let mut seen_digit = false;
    for c in s.chars() {
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
            if seen_digit && d != 0 && cur != 0 {
                return None;
            }
            cur = d;
            seen_digit = true;
            continue;
        }
        let mul = match c {
            '十' => 10,
            '百' => 100,
            _ => return None,
        };
        total += if cur == 0 && !seen_digit { 1 } else { cur } * mul;
        cur = 0;
        seen_digit = false;
    }
    Some(total + cur)
}

fn skip_spaces(s: &str, mut i: usize) -> usize {
    while let Some(c) = s.get(i..).and_then(|t| t.chars().next()) {
        if !is_space(c) {
            break;
        }
        i += c.len_utf8();
    }
    i
}

/// Reads a heading number at the start of `s`.
pub(crate) fn parse(s: &str) -> Option<Numbering> {
    let first = s.chars().next()?;
    let mk = |style, value, end: usize| {
        let rest = skip_spaces(s, end);
        let rest = match s.get(rest..).and_then(|t| t.chars().next()) {
            Some(c @ ('、' | '：' | ':' | '．'))
                if matches!(style, Style::Article | Style::Chapter) =>
            {
                rest + c.len_utf8()
            }
            _ => rest,
        };
        Some(Numbering {
            style,
            value,
            label: s[..end].chars().filter(|c| !is_space(*c)).collect(),
            rest: skip_spaces(s, rest),
        })
    };
    // 第一条 / 第一章 / 第1条
    if first == '第' {
        let body = &s[first.len_utf8()..];
        let n_end = body
            .char_indices()
            .find(|&(_, c)| !(CN_DIGITS.contains(c) || digit(c).is_some()))
            .map_or(body.len(), |(i, _)| i);
        let num = &body[..n_end];
        let value = cn_small(num).or_else(|| num.parse().ok())?;
        let after = &body[n_end..];
        let (style, kw) = if after.starts_with('条') {
            (Style::Article, "条")
        } else if after.starts_with('章') {
            (Style::Chapter, "章")
        } else if after.starts_with("部分") {
            (Style::Chapter, "部分")
        } else if after.starts_with('节') {
            (Style::Chapter, "节")
        } else {
            return None;
        };
        return mk(style, value, first.len_utf8() + n_end + kw.len());
    }
    // ① … ⑳
    if ('\u{2460}'..='\u{2473}').contains(&first) {
        return mk(Style::Circled, first as u32 - 0x2460 + 1, first.len_utf8());
    }
    // （一） (一) （1） (1)
    if first == '（' || first == '(' {
        let body_start = skip_spaces(s, first.len_utf8());
        let body = &s[body_start..];
        let close = body.find(['）', ')'])?;
        let inner = body[..close].trim_matches(is_space);
        let close_len = body[close..].chars().next().map_or(1, char::len_utf8);
        let end = body_start + close + close_len;
        if let Some(v) = cn_small(inner) {
            return mk(Style::CnParen, v, end);
        }
        if !inner.is_empty() && inner.len() <= 3 && inner.chars().all(|c| digit(c).is_some()) {
            let v = inner.chars().fold(0, |a, c| a * 10 + digit(c).unwrap_or(0));
            return mk(Style::ArabicParen, v, end);
        }
        return None;
    }
    // 1. 1、 1． 1） 1)
    if digit(first).is_some() {
        let n_end = s
            .char_indices()
            .find(|&(_, c)| digit(c).is_none())
            .map_or(s.len(), |(i, _)| i);
        let digits = &s[..n_end];
        if digits.chars().count() > 3 {
            return None;
        }
        let v = digits
            .chars()
            .fold(0, |a, c| a * 10 + digit(c).unwrap_or(0));
        let mut chars = s[n_end..].chars();
        let sep = chars.next()?;
        let next = chars.next();
        let end = n_end + sep.len_utf8();
        return match sep {
            '.' | '．' | '、' if next.is_some_and(|c| digit(c).is_none() && c != '.') => {
                mk(Style::ArabicDot, v, end)
            }
            '）' | ')' if next.is_some() => mk(Style::ArabicHalfParen, v, end),
            _ => None,
        };
    }
    // 一、 十二、 一．
    let n_end = s
        .char_indices()
        .find(|&(_, c)| !CN_DIGITS.contains(c))
        .map_or(s.len(), |(i, _)| i);
    if n_end > 0 {
        let v = cn_small(&s[..n_end])?;
        let sep = s[n_end..].chars().next()?;
        if matches!(sep, '、' | '．' | '.') {
            return mk(Style::CnComma, v, n_end + sep.len_utf8());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, style: Style, value: u32, label: &str, rest: &str) {
        let n = parse(input).unwrap_or_else(|| panic!("no numbering in {input}"));
        assert_eq!(
            (n.style, n.value, n.label.as_str()),
            (style, value, label),
            "{input}"
        );
        assert_eq!(&input[n.rest..], rest, "{input}");
    }

    #[test]
    fn chinese_comma_numbering() {
        check("一、目标要求", Style::CnComma, 1, "一、", "目标要求");
        check("十二、其他", Style::CnComma, 12, "十二、", "其他");
    }

    #[test]
    fn parenthesised_numbering_in_both_widths() {
        check(
            "（一）建立高位谋划推进机制。",
            Style::CnParen,
            1,
            "（一）",
            "建立高位谋划推进机制。",
        );
        check("(三)加强领导", Style::CnParen, 3, "(三)", "加强领导");
        check(
            "（12）加快打造",
            Style::ArabicParen,
            12,
            "（12）",
            "加快打造",
        );
        check("(1) 打造百亿级", Style::ArabicParen, 1, "(1)", "打造百亿级");
    }

    #[test]
    fn arabic_dot_numbering_with_and_without_space() {
        check("1. 增强新兴产业", Style::ArabicDot, 1, "1.", "增强新兴产业");
        check("2.实施智能物联", Style::ArabicDot, 2, "2.", "实施智能物联");
        check("3、构建", Style::ArabicDot, 3, "3、", "构建");
        check("4）推进", Style::ArabicHalfParen, 4, "4）", "推进");
    }

    #[test]
    fn articles_chapters_and_circled_numbers() {
        check("第一条 为了规范", Style::Article, 1, "第一条", "为了规范");
        check("第十二条　附则", Style::Article, 12, "第十二条", "附则");
        check("第二章 主要任务", Style::Chapter, 2, "第二章", "主要任务");
        check("②建设平台", Style::Circled, 2, "②", "建设平台");
    }

    #[test]
    fn numbers_that_are_not_headings() {
        for s in [
            "2024年，全市",
            "1.3以下",
            "一是加强",
            "第三方机构",
            "（包括示范基地）",
            "一批",
            "12",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
