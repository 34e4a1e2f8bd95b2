//! The source text and its repaired ("normalised") form: line index, and a byte map from the
//! normalised text back to the source so that every extracted item keeps its source span.

use crate::chars::{is_space, is_wide};
use planwatch_model::Span;
use std::ops::Range;

/// Line starts of the source, for turning byte offsets into line and column.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// The last (byte offset, char column) computed, to count on from it: spans come mostly in
    /// order, and a plan line can be very long.
    last: std::cell::Cell<(usize, usize)>,
    /// The 0-based first line of each page after the first, when the text has pages (a form
    /// feed starts a page, as the PDF reader and `pdftotext` write them); empty otherwise.
    page_starts: Vec<usize>,
    paged: bool,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        let mut page_starts = Vec::new();
        let mut paged = false;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                // A form feed at the end of a line starts the page on the next line.
                b'\x0c' => {
                    paged = true;
                    let line = starts.len() - 1;
                    let ends_line = matches!(bytes.get(i + 1), Some(b'\n' | b'\r') | None);
                    page_starts.push(line + usize::from(ends_line));
                }
                _ => {}
            }
            i += 1;
        }
        Self {
            text,
            starts,
            last: std::cell::Cell::new((0, 0)),
            page_starts,
            paged,
        }
    }

    /// The number of lines.
    pub(crate) fn lines(&self) -> usize {
        self.starts.len()
    }

    /// The 1-based page and the 1-based line on that page of a 0-based line, for a text with
    /// pages.
    pub(crate) fn page_of(&self, line: usize) -> Option<(u32, u32)> {
        if !self.paged {
            return None;
        }
        let before = self.page_starts.partition_point(|&s| s <= line);
        let first = before
            .checked_sub(1)
            .and_then(|k| self.page_starts.get(k))
            .copied()
            .unwrap_or(0);
        let as_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Some((as_u32(before + 1), as_u32(line - first + 1)))
    }

    /// The 0-based line that contains byte `at`.
    pub(crate) fn line_of(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at).saturating_sub(1)
    }

    /// A span for a byte range of the source: 1-based line, 1-based column in characters.
    pub(crate) fn span(&self, r: Range<usize>) -> Span {
        let start = r.start.min(self.text.len());
        let line = self.line_of(start);
        let line_start = self.starts[line];
        let (from, base) = match self.last.get() {
            (at, col) if at >= line_start && at <= start => (at, col),
            _ => (line_start, 0),
        };
        let column = base + self.text.get(from..start).map_or(0, |s| s.chars().count());
        self.last.set((start, column));
        let page = self.page_of(line);
        Span {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
            start,
            end: r.end.max(start).min(self.text.len()),
            sheet: None,
            page: page.map(|p| p.0),
            source_line: page.map(|p| p.1),
        }
    }
}

/// Text assembled from pieces of the source, with page-break joins and deleted spaces, that
/// remembers where each byte came from.
#[derive(Debug, Clone, Default)]
pub(crate) struct NormText {
    pub(crate) text: String,
    /// `(offset in text, offset in source)`: from each entry on, bytes are copied contiguously.
    segs: Vec<(usize, usize)>,
}

impl NormText {
    /// Builds the normalised text of source pieces that are joined without a separator: spaces
    /// next to a CJK character or full-width punctuation are deleted, and the result is trimmed.
    pub(crate) fn from_pieces(src: &str, pieces: &[Range<usize>]) -> Self {
        Self::build(src, pieces, false)
    }

    /// Like [`NormText::from_pieces`], but a space between two Han characters becomes `、`:
    /// in a unit line (牵头单位：市科技局 市财政局) it separates two names.
    pub(crate) fn from_list_pieces(src: &str, pieces: &[Range<usize>]) -> Self {
        Self::build(src, pieces, true)
    }

    fn build(src: &str, pieces: &[Range<usize>], list: bool) -> Self {
        let cap = pieces.iter().map(|p| p.len()).sum();
        let mut out = NormText {
            text: String::with_capacity(cap),
            segs: Vec::with_capacity(pieces.len() + 1),
        };
        // A run of spaces waits until the next non-space shows whether it is kept.
        let mut pending: Vec<(char, usize)> = Vec::new();
        for p in pieces {
            let Some(piece) = src.get(p.clone()) else {
                continue;
            };
            let mut rest = piece;
            let mut at = p.start;
            while !rest.is_empty() {
                // Copy the run up to the next space in one go.
                let run = rest.find(is_space).unwrap_or(rest.len());
                if run > 0 {
                    let first = rest[..run].chars().next().unwrap_or(' ');
                    out.flush_spaces(&mut pending, first, list);
                    out.push_str(&rest[..run], at);
                    at += run;
                    rest = &rest[run..];
                    continue;
                }
                let c = rest.chars().next().unwrap_or(' ');
                pending.push((c, at));
                at += c.len_utf8();
                rest = &rest[c.len_utf8()..];
            }
        }
        out
    }

    /// Joins texts built from the same source with `sep` between them (the cells of a table row
    /// spread over several lines: 设施运行处 / 设施养护处 → 设施运行处、设施养护处). The
    /// separator maps to the start of the part that follows it. Empty parts are left out.
    pub(crate) fn join(parts: Vec<NormText>, sep: char) -> Self {
        let mut out = NormText::default();
        for part in parts.into_iter().filter(|p| !p.text.is_empty()) {
            if !out.text.is_empty() {
                let at = part.src(0);
                out.segs.push((out.text.len(), at));
                out.text.push(sep);
                // The separator stands for no source byte: the part starts where it starts.
            }
            let base = out.text.len();
            out.segs
                .extend(part.segs.iter().map(|&(n, s)| (base + n, s)));
            out.text.push_str(&part.text);
        }
        out
    }

    /// Decides the fate of a run of spaces now that the next character `next` is known.
    fn flush_spaces(&mut self, pending: &mut Vec<(char, usize)>, next: char, list: bool) {
        let Some(&(_, first)) = pending.first() else {
            return;
        };
        let before = self.text.chars().next_back();
        if list && before.is_some_and(crate::chars::is_han) && crate::chars::is_han(next) {
            self.push('、', first);
        } else if before.is_some_and(|b| !is_wide(b) && !is_wide(next)) {
            for &(p, at) in pending.iter() {
                self.push(p, at);
            }
        }
        pending.clear();
    }

    fn push_str(&mut self, run: &str, at: usize) {
        let pos = self.text.len();
        let contiguous = self.segs.last().is_some_and(|&(n, s)| s + (pos - n) == at);
        if !contiguous {
            self.segs.push((pos, at));
        }
        self.text.push_str(run);
    }

    fn push(&mut self, c: char, at: usize) {
        let pos = self.text.len();
        let contiguous = self.segs.last().is_some_and(|&(n, s)| s + (pos - n) == at);
        if !contiguous {
            self.segs.push((pos, at));
        }
        self.text.push(c);
    }

    /// The source offset of a byte offset of the normalised text.
    pub(crate) fn src(&self, at: usize) -> usize {
        let k = self.segs.partition_point(|&(n, _)| n <= at);
        match k.checked_sub(1).and_then(|k| self.segs.get(k)) {
            Some(&(n, s)) => s + (at - n),
            None => 0,
        }
    }

    /// The source byte range of a range of the normalised text (from the first char's start to
    /// the last char's end).
    pub(crate) fn src_range(&self, r: Range<usize>) -> Range<usize> {
        let start = self.src(r.start);
        if r.end <= r.start {
            return start..start;
        }
        let last = self
            .text
            .get(r.start..r.end)
            .and_then(|s| s.char_indices().next_back())
            .map_or(r.start, |(i, _)| r.start + i);
        let last_len = self
            .text
            .get(last..)
            .and_then(|s| s.chars().next())
            .map_or(0, char::len_utf8);
        start..self.src(last) + last_len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_next_to_cjk_are_deleted_and_mapped_back() {
        let src = "到 2024 年，PUE 达到 1.3 以下 ok go";
        let n = NormText::from_pieces(src, std::slice::from_ref(&(0..src.len())));
        assert_eq!(n.text, "到2024年，PUE达到1.3以下ok go");
        let at = n.text.find("1.3").expect("present");
        assert_eq!(&src[n.src_range(at..at + 3)], "1.3");
    }

    #[test]
    fn pieces_are_joined_without_separator() {
        let src = "龙头企\n\n业，加快";
        let n = NormText::from_pieces(src, &[0..9, 11..src.len()]);
        assert_eq!(n.text, "龙头企业，加快");
        let at = n.text.find("企业").expect("present");
        let r = n.src_range(at..at + 6);
        assert_eq!(&src[r], "企\n\n业");
    }

    #[test]
    fn line_index_gives_one_based_line_and_char_column() {
        let src = "一\r\n二三\n四";
        let idx = LineIndex::new(src);
        let at = src.find('三').expect("present");
        let span = idx.span(at..at + 3);
        assert_eq!((span.line, span.column), (2, 2));
        assert_eq!((span.page, span.source_line), (None, None));
    }

    #[test]
    fn form_feeds_give_the_page_and_the_line_on_it() {
        let src = "一\n二\n\u{c}三\n四\u{c}\n五";
        let idx = LineIndex::new(src);
        let place = |c: char| {
            let at = src.find(c).expect("present");
            let s = idx.span(at..at + c.len_utf8());
            (s.line, s.page, s.source_line)
        };
        assert_eq!(place('二'), (2, Some(1), Some(2)));
        assert_eq!(place('三'), (3, Some(2), Some(1)));
        assert_eq!(place('四'), (4, Some(2), Some(2)));
        assert_eq!(place('五'), (5, Some(3), Some(1)));
    }
}
