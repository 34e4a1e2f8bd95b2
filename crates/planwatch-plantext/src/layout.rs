//! Physical lines → paragraphs ("blocks"): lines broken by a page break or a hard wrap are
//! joined back (龙头企 / 业，加快 → 龙头企业，加快); headings, unit lines, attachment lines
//! and table rows stay on their own.

use crate::chars::{closes_line, is_clause_punct, is_space};
use crate::flat_table;
use crate::numbering;
use crate::source::NormText;
use crate::units;
use std::ops::Range;

/// A paragraph of the plan, or one table row.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub(crate) norm: NormText,
    /// The cells of a table row (tab-separated text, as the .docx reader writes tables).
    pub(crate) cells: Option<Vec<NormText>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    Table,
    Heading,
    Label,
    Attachment,
    Text,
}

struct Line {
    range: Range<usize>,
    kind: Kind,
}

/// Bullets some converters put before a line (- 附件：…).
fn strip_bullet(s: &str) -> usize {
    for b in ["- ", "* ", "• ", "● ", "▪ ", "· ", "-\u{3000}"] {
        if s.starts_with(b) {
            return b.len();
        }
    }
    0
}

/// A page number left by PDF conversion: — 2 —, - 3 -, 第3页, 第 3 页 共 10 页.
pub(crate) fn is_page_number(s: &str) -> bool {
    let t: String = s.chars().filter(|c| !is_space(*c)).collect();
    let core = t.trim_matches(|c: char| matches!(c, '-' | '－' | '—' | '–' | '_' | '·'));
    let dashed = core.len() < t.len();
    let digits = !core.is_empty() && core.len() <= 4 && core.chars().all(|c| c.is_ascii_digit());
    if digits && (dashed || t.len() <= 3) {
        return true;
    }
    let paged = core.strip_prefix('第').and_then(|r| r.split_once('页'));
    paged.is_some_and(|(n, rest)| {
        !n.is_empty()
            && n.chars().all(|c| c.is_ascii_digit())
            && (rest.is_empty() || rest.trim_start_matches(['，', ',']).starts_with('共'))
    })
}

fn classify(s: &str) -> Kind {
    if s.is_empty() || is_page_number(s) {
        Kind::Blank
    } else if s.starts_with('|') && s.ends_with('|') && s.matches('|').count() >= 3 {
        Kind::Table
    } else if s.starts_with("附件") {
        Kind::Attachment
    } else if units::label_at_start(s).is_some() {
        Kind::Label
    } else if numbering::parse(s).is_some() {
        Kind::Heading
    } else {
        Kind::Text
    }
}

fn lines(src: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = src.as_bytes();
    let mut i = 0;
    while i <= bytes.len() {
        let at_end = i == bytes.len();
        if at_end || bytes[i] == b'\n' || bytes[i] == b'\r' {
            let raw = &src[start..i];
            let ws = |c: char| is_space(c) || c.is_whitespace();
            let content = raw.trim_matches(ws);
            let after_indent = raw.trim_start_matches(ws);
            let tabs = after_indent.matches('\t').count();
            let cells_follow = after_indent
                .split_once('\t')
                .is_some_and(|(_, rest)| rest.chars().any(|c| !ws(c)));
            let line = if !content.is_empty() && (cells_follow || tabs >= 2) {
                // A table row keeps its leading empty cells: split the raw line.
                Line {
                    range: start..i,
                    kind: Kind::Table,
                }
            } else {
                let lead = raw.len() - raw.trim_start_matches(ws).len();
                let b = strip_bullet(content);
                let range = start + lead + b..start + lead + content.len();
                Line {
                    kind: classify(&src[range.clone()]),
                    range,
                }
            };
            out.push(line);
            if at_end {
                break;
            }
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            start = i + 1;
        }
        i += 1;
    }
    out
}

/// What a block looks like so far, for deciding whether the next line continues it.
struct Facts {
    first: Kind,
    last: Option<char>,
    clause_punct: bool,
    sentence_punct: bool,
    chars: usize,
}

impl Facts {
    fn add(&mut self, s: &str) {
        for c in s.chars().filter(|c| !is_space(*c)) {
            self.chars += 1;
            self.clause_punct |= is_clause_punct(c);
            self.sentence_punct |= matches!(c, '。' | '；' | '！' | '？' | ';');
            self.last = Some(c);
        }
    }
}

fn is_subtitle(s: &str) -> bool {
    let n = s.chars().filter(|c| !is_space(*c)).count();
    n <= 30 && ((s.starts_with(['（', '(']) && s.ends_with(['）', ')'])) || s.starts_with('—'))
}

/// A unit line broken by a page break (…、阳泉高 / 新区、华阳集团): the next line is a short
/// list whose items, after the first, are all unit names.
fn continues_unit_list(next: &str) -> bool {
    if next.contains(['。', '；', '：', ':']) || next.chars().count() > 60 {
        return false;
    }
    let items: Vec<&str> = next.split(['、', '，', ',']).collect();
    items.len() >= 2 && items[1..].iter().all(|i| units::looks_like_unit(i))
        || items.len() == 1 && next.chars().count() <= 6
}

fn continues(f: &Facts, next: &str, next_kind: Kind) -> bool {
    if next_kind != Kind::Text || f.first == Kind::Table {
        return false;
    }
    let Some(last) = f.last else { return false };
    if closes_line(last) {
        return false;
    }
    match f.first {
        Kind::Heading if !f.sentence_punct => return false,
        Kind::Attachment => return matches!(last, '、' | '，' | ','),
        Kind::Label => return matches!(last, '、' | '，' | ',') || continues_unit_list(next),
        _ => {}
    }
    if !f.clause_punct && f.chars < 40 {
        // A short line without punctuation stands alone (a title, a signature, a date) unless
        // a subtitle such as (2022—2024年) follows it.
        return is_subtitle(next);
    }
    true
}

/// Splits the source into blocks.
pub(crate) fn blocks(src: &str) -> Vec<Block> {
    let lines = lines(src);
    // Task tables printed one cell per line, rebuilt into rows before lines are joined.
    let spans: Vec<(Range<usize>, bool)> = lines
        .iter()
        .map(|l| (l.range.clone(), l.kind == Kind::Table || l.range.is_empty()))
        .collect();
    let mut tables = flat_table::find(src, &spans).into_iter().peekable();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(t) = tables.next_if(|t| t.lines.start <= i)
            && t.lines.start == i
        {
            out.extend(t.blocks);
            i = t.lines.end;
            continue;
        }
        let line = &lines[i];
        match line.kind {
            Kind::Blank => {
                i += 1;
                continue;
            }
            Kind::Table => {
                out.push(table_row(src, line));
                i += 1;
                continue;
            }
            _ => {}
        }
        let mut pieces = vec![line.range.clone()];
        let mut facts = Facts {
            first: line.kind,
            last: None,
            clause_punct: false,
            sentence_punct: false,
            chars: 0,
        };
        facts.add(&src[line.range.clone()]);
        let mut j = i + 1;
        while let Some(k) = (j..lines.len()).find(|&k| lines[k].kind != Kind::Blank) {
            let next = &src[lines[k].range.clone()];
            if tables.peek().is_some_and(|t| k >= t.lines.start)
                || !continues(&facts, next, lines[k].kind)
            {
                break;
            }
            facts.add(next);
            pieces.push(lines[k].range.clone());
            j = k + 1;
        }
        out.push(Block {
            norm: if line.kind == Kind::Label {
                NormText::from_list_pieces(src, &pieces)
            } else {
                NormText::from_pieces(src, &pieces)
            },
            cells: None,
        });
        i = j;
    }
    out
}

fn table_row(src: &str, line: &Line) -> Block {
    let text = &src[line.range.clone()];
    let mut cells = Vec::new();
    let piped = !text.contains('\t');
    let (body, base) = if piped {
        let inner = text.trim_start_matches('|').trim_end_matches('|');
        (
            inner,
            line.range.start + (text.len() - text.trim_start_matches('|').len()),
        )
    } else {
        (text, line.range.start)
    };
    let sep = if piped { '|' } else { '\t' };
    let mut start = 0;
    for (k, c) in body
        .char_indices()
        .chain(std::iter::once((body.len(), sep)))
    {
        if c == sep {
            let piece = base + start..base + k;
            cells.push(NormText::from_pieces(src, std::slice::from_ref(&piece)));
            start = k + c.len_utf8();
        }
    }
    Block {
        norm: NormText::from_pieces(src, std::slice::from_ref(&line.range)),
        cells: Some(cells),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<String> {
        blocks(src).into_iter().map(|b| b.norm.text).collect()
    }

    #[test]
    fn page_breaks_inside_a_paragraph_are_joined() {
        let src = "（1）打造基地。依托龙头企\n\n业，加快推动产业。\n\n牵头单位：市工信局\n";
        assert_eq!(
            texts(src),
            [
                "（1）打造基地。依托龙头企业，加快推动产业。",
                "牵头单位：市工信局"
            ]
        );
    }

    #[test]
    fn a_title_joins_its_period_but_not_the_preamble() {
        let src =
            "阳泉市三年行动计划\n\n(2022—2024年)\n\n创新型城市建设是重大任务，特制定本行动计划。\n";
        assert_eq!(
            texts(src),
            [
                "阳泉市三年行动计划(2022—2024年)",
                "创新型城市建设是重大任务，特制定本行动计划。"
            ]
        );
    }

    #[test]
    fn headings_and_unit_lines_stay_separate() {
        let src = "一、目标要求\n\n到2024年，全市达到2%\n二、主要任务\n1. 增强竞争力，培育新动能\n（1）打造基地\n";
        assert_eq!(
            texts(src),
            [
                "一、目标要求",
                "到2024年，全市达到2%",
                "二、主要任务",
                "1.增强竞争力，培育新动能",
                "（1）打造基地"
            ]
        );
    }

    #[test]
    fn a_unit_line_broken_by_a_page_break_is_joined() {
        let src = "参加单位：市发展改革委、各县（区）人民政府、阳泉高\n\n新区、华阳集团\n\n（2）加快发展。\n";
        assert_eq!(
            texts(src),
            [
                "参加单位：市发展改革委、各县（区）人民政府、阳泉高新区、华阳集团",
                "（2）加快发展。"
            ]
        );
    }

    #[test]
    fn page_numbers_left_by_pdf_conversion_are_dropped() {
        let src = "培育和推进大数据、云计算等重点领域，依托龙头企\n— 2 —\n业，加快推动。\n- 3 -\n第4页 共9页\n12\n";
        assert_eq!(
            texts(src),
            ["培育和推进大数据、云计算等重点领域，依托龙头企业，加快推动。"]
        );
    }

    #[test]
    fn hard_wrapped_lines_are_joined() {
        let src = "（四）建立机制。精心组织好集中宣传活动，\n综合利用报刊、电视等多种媒体。\n";
        assert_eq!(
            texts(src),
            ["（四）建立机制。精心组织好集中宣传活动，综合利用报刊、电视等多种媒体。"]
        );
    }

    #[test]
    fn tab_separated_lines_are_table_rows() {
        let b = blocks("序号\t重点任务\t牵头单位\n1\t建设平台\t市科技局\n");
        assert_eq!(b.len(), 2);
        let cells: Vec<_> = b[1]
            .cells
            .as_ref()
            .expect("row")
            .iter()
            .map(|c| c.text.clone())
            .collect();
        assert_eq!(cells, ["1", "建设平台", "市科技局"]);
    }
}
