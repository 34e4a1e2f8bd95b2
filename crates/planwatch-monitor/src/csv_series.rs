//! Series in the column layout of the Open SDG test vectors (case, years, values, base_year,
//! target, target_year, direction, limit; optional comparator and kind; further columns
//! ignored), parsed from text and assessed in strict or normal mode. The CLI's
//! `planwatch progress` is a thin wrapper around [`render`].
//!
//! The reader scans bytes and borrows every cell from the text (only a quoted cell with a
//! doubled quote, or with text after its closing quote, is copied); [`render`] assesses the rows
//! in line-aligned chunks on several threads and writes the output into one buffer per chunk,
//! with the same output and the same first error as reading the file row by row.

use std::borrow::Cow;
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::measure::{Comparator, Direction, Measure, MeasureParams, NumericTarget, measure};
use crate::series::{IndicatorKind, Observation, prepare};
use crate::strict::{StrictParams, YearValue, strict_measure};
use crate::time::TimePoint;

/// A problem in the input text, with where it is: 1-based line and column and the column name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("第{line}行第{column}列（{field}）：{message}")]
pub struct CsvError {
    pub line: usize,
    pub column: usize,
    pub field: String,
    pub message: String,
}

impl CsvError {
    /// The same error with its line moved down by `lines` (a chunk's lines are counted from 0).
    fn shifted(mut self, lines: usize) -> CsvError {
        self.line += lines;
        self
    }
}

/// One data row, cells kept as text until a mode interprets them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesRow {
    /// The line the row starts on (1-based, the header is line 1).
    pub line: usize,
    cells: Vec<String>,
    cols: Columns,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Columns {
    case: usize,
    years: usize,
    values: usize,
    base_year: usize,
    target: usize,
    target_year: usize,
    direction: usize,
    limit: usize,
    comparator: Option<usize>,
    kind: Option<usize>,
}

const REQUIRED: [&str; 8] = [
    "case",
    "years",
    "values",
    "base_year",
    "target",
    "target_year",
    "direction",
    "limit",
];

/// Reads CSV records (RFC 4180: quotes, doubled quotes, CRLF) one after another, each into a
/// reused vector of cells borrowed from the text. A quote opens a quoted cell only as the cell's
/// first character; elsewhere it is an ordinary character. Outside quotes a `\r` right before
/// `\n` is dropped; inside quotes everything is kept.
struct Records<'a> {
    text: &'a str,
    pos: usize,
    /// The line `pos` is on: the starting line plus every `\n` read so far, quoted or not.
    line: usize,
}

impl<'a> Records<'a> {
    fn new(text: &'a str, line: usize) -> Records<'a> {
        Records { text, pos: 0, line }
    }

    /// Reads the next record into `cells` and returns the line it starts on; `None` at the end
    /// of the text. A text that does not end in a newline still ends its last record.
    fn next_into(&mut self, cells: &mut Vec<Cow<'a, str>>) -> Result<Option<usize>, CsvError> {
        cells.clear();
        let b = self.text.as_bytes();
        if self.pos >= b.len() {
            return Ok(None);
        }
        let start_line = self.line;
        loop {
            let mut cell = if b[self.pos..].first() == Some(&b'"') {
                self.quoted(cells.len())?
            } else {
                Cow::Borrowed("")
            };
            // The unquoted part: a whole unquoted cell, or what follows a closing quote.
            let from = self.pos;
            let i = cell_end(b, from);
            let mut to = i;
            if i < b.len() && b[i] == b'\n' && to > from && b[to - 1] == b'\r' {
                to -= 1;
            }
            if to > from {
                let tail = &self.text[from..to];
                if cell.is_empty() {
                    cell = Cow::Borrowed(tail);
                } else {
                    cell.to_mut().push_str(tail);
                }
            }
            cells.push(cell);
            if i >= b.len() {
                self.pos = b.len();
                return Ok(Some(start_line));
            }
            self.pos = i + 1;
            if b[i] == b'\n' {
                self.line += 1;
                return Ok(Some(start_line));
            }
        }
    }

    /// The quoted cell whose opening quote is at `pos`, the `column`-th cell (0-based) of its
    /// record; leaves `pos` right after the closing quote.
    fn quoted(&mut self, column: usize) -> Result<Cow<'a, str>, CsvError> {
        let b = self.text.as_bytes();
        let open_line = self.line;
        let mut seg = self.pos + 1;
        let mut i = seg;
        let mut owned: Option<String> = None;
        loop {
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\n' {
                    self.line += 1;
                }
                i += 1;
            }
            if i >= b.len() {
                return Err(CsvError {
                    line: open_line,
                    column: column + 1,
                    field: String::new(),
                    message: "引号未闭合 (unterminated quote)".into(),
                });
            }
            if b.get(i + 1) == Some(&b'"') {
                // A doubled quote: keep one.
                owned
                    .get_or_insert_with(String::new)
                    .push_str(&self.text[seg..=i]);
                i += 2;
                seg = i;
                continue;
            }
            self.pos = i + 1;
            return Ok(match owned {
                Some(mut s) => {
                    s.push_str(&self.text[seg..i]);
                    Cow::Owned(s)
                }
                None => Cow::Borrowed(&self.text[seg..i]),
            });
        }
    }
}

/// The position of the first `,` or `\n` in `b` from `from` on (`b.len()` if none). Eight bytes
/// at a time: in each word, the lowest byte flagged by the zero-byte test of `word ^ splat(c)`
/// is exactly the first `c` (a borrow only runs upwards from a true match).
fn cell_end(b: &[u8], from: usize) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const COMMAS: u64 = u64::from_ne_bytes([b','; 8]);
    const NEWLINES: u64 = u64::from_ne_bytes([b'\n'; 8]);
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut i = from;
    while let Some(word) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let hits = zero_bytes(w ^ COMMAS) | zero_bytes(w ^ NEWLINES);
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && b[i] != b',' && b[i] != b'\n' {
        i += 1;
    }
    i
}

/// `str::trim`, with a shortcut for the usual cell that starts and ends with a visible ASCII
/// character (never white space; a byte from 0x80 on may start a white-space character).
fn trim(s: &str) -> &str {
    let visible = |b: &u8| *b > b' ' && *b < 0x80;
    let bytes = s.as_bytes();
    if bytes.first().is_some_and(visible) && bytes.last().is_some_and(visible) {
        s
    } else {
        s.trim()
    }
}

/// `s.split(';').map(str::trim)`, without the general pattern searcher.
fn parts(s: &str) -> impl Iterator<Item = &str> {
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let from = start?;
        let b = s.as_bytes();
        let mut i = from;
        while i < b.len() && b[i] != b';' {
            i += 1;
        }
        start = (i < b.len()).then_some(i + 1);
        Some(trim(&s[from..i]))
    })
}

/// Blank lines (one cell of white space) carry no row.
fn is_blank<S: AsRef<str>>(cells: &[S]) -> bool {
    cells.len() == 1 && cells[0].as_ref().trim().is_empty()
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Splits CSV text into records (RFC 4180: quotes, doubled quotes, CRLF, a leading BOM), each
/// with the line it starts on.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
    let mut recs = Records::new(strip_bom(text), 1);
    let mut cells = Vec::new();
    let mut out = Vec::new();
    while let Some(line) = recs.next_into(&mut cells)? {
        if !is_blank(&cells) {
            out.push((line, cells.iter().map(|c| c.to_string()).collect()));
        }
    }
    Ok(out)
}

fn empty_file() -> CsvError {
    CsvError {
        line: 1,
        column: 1,
        field: String::new(),
        message: "文件为空，缺少表头 (empty file)".into(),
    }
}

/// Where the columns are, from the header on line `hline`.
fn columns(header: &[String], hline: usize) -> Result<Columns, CsvError> {
    let find = |name: &str| header.iter().position(|h| h.trim() == name);
    let mut required = [0usize; 8];
    for (slot, name) in required.iter_mut().zip(REQUIRED) {
        *slot = find(name).ok_or_else(|| CsvError {
            line: hline,
            column: header.len() + 1,
            field: name.to_string(),
            message: format!(
                "表头缺少“{name}”列；需要 {} (missing column)",
                REQUIRED.join(",")
            ),
        })?;
    }
    Ok(Columns {
        case: required[0],
        years: required[1],
        values: required[2],
        base_year: required[3],
        target: required[4],
        target_year: required[5],
        direction: required[6],
        limit: required[7],
        comparator: find("comparator"),
        kind: find("kind"),
    })
}

/// A row with fewer cells than the header has columns.
fn too_short(line: usize, cells: usize, header: &[String]) -> CsvError {
    CsvError {
        line,
        column: cells + 1,
        field: header[cells].trim().to_string(),
        message: format!(
            "本行只有{}列，表头有{}列 (row too short)",
            cells,
            header.len()
        ),
    }
}

/// Parses the whole text: a header naming at least the eight required columns, then rows.
pub fn parse(text: &str) -> Result<Vec<SeriesRow>, CsvError> {
    let mut recs = records(text)?.into_iter();
    let Some((hline, header)) = recs.next() else {
        return Err(empty_file());
    };
    let cols = columns(&header, hline)?;
    recs.map(|(line, cells)| {
        if cells.len() < header.len() {
            return Err(too_short(line, cells.len(), &header));
        }
        Ok(SeriesRow { line, cells, cols })
    })
    .collect()
}

/// The output of `planwatch progress` for a whole CSV text (header line included), as pieces
/// to be written one after another, or the first error in the text.
///
/// The data rows are cut into up to `chunks` pieces at line ends, which `threads` threads
/// (this one included) take one after another. The result, error included, is the same for
/// every split: an unterminated quote first, then a missing header column, then the first row
/// that is too short, then the first row whose cells cannot be read (as [`parse`] followed by
/// a measure on each row in turn). Should a cut fall inside a quoted cell spanning lines, the
/// rows are read again in one piece.
pub fn render(
    text: &str,
    strict: bool,
    threads: usize,
    chunks: usize,
) -> Result<Vec<Vec<u8>>, CsvError> {
    let text = strip_bom(text);
    let mut recs = Records::new(text, 1);
    let mut cells = Vec::new();
    let hline = loop {
        match recs.next_into(&mut cells)? {
            None => return Err(empty_file()),
            Some(line) if !is_blank(&cells) => break line,
            Some(_) => {}
        }
    };
    let header: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
    let body = Body {
        text: &text[recs.pos..],
        line: recs.line,
        header: &header,
    };
    let cols = match columns(&header, hline) {
        Ok(cols) => cols,
        // An unterminated quote further down is still reported first.
        Err(e) => {
            let rest = body.assess(body.text, None, strict);
            return Err(rest.open_quote.map_or(e, |q| q.shifted(body.line)));
        }
    };
    let mut parts = Vec::with_capacity(chunks + 1);
    parts.push(format!("{OUTPUT_HEADER}\n").into_bytes());
    parts.extend(body.render(&cols, strict, threads, chunks)?);
    Ok(parts)
}

/// The data rows: the text after the header and the line it starts on.
struct Body<'a> {
    text: &'a str,
    line: usize,
    header: &'a [String],
}

/// What one chunk gave; lines are counted from 0 at the chunk's start.
struct Chunk {
    /// How many line ends the chunk has.
    lines: usize,
    /// A quote still open at the end of the chunk.
    open_quote: Option<CsvError>,
    /// The first row that is too short.
    short: Option<CsvError>,
    /// The first row that cannot be measured (before any short row of the chunk).
    bad: Option<CsvError>,
    out: Vec<u8>,
}

/// Buffers reused from row to row.
#[derive(Default)]
struct Scratch {
    years: Vec<i32>,
    values: Vec<f64>,
    year_values: Vec<YearValue>,
    times: Vec<TimePoint>,
    observations: Vec<Observation>,
}

impl Body<'_> {
    fn render(
        &self,
        cols: &Columns,
        strict: bool,
        threads: usize,
        chunks: usize,
    ) -> Result<Vec<Vec<u8>>, CsvError> {
        let pieces = split_lines(self.text, chunks.max(1));
        let threads = threads.clamp(1, pieces.len());
        // Each thread takes the next piece not yet taken, so a thread the system holds back
        // does not hold up the others.
        let next = AtomicUsize::new(0);
        let work = || {
            let mut done = Vec::new();
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(piece) = pieces.get(k) else {
                    return done;
                };
                done.push((k, self.assess(piece, Some(cols), strict)));
            }
        };
        let mut results: Vec<(usize, Chunk)> = std::thread::scope(|s| {
            let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
            let mut results = work();
            for h in helpers {
                results.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
            }
            results
        });
        results.sort_unstable_by_key(|(k, _)| *k);
        let mut line = self.line;
        let (mut short, mut bad) = (None, None);
        let n = results.len();
        let mut parts = Vec::with_capacity(n);
        for (k, c) in results {
            if let Some(q) = c.open_quote {
                if k + 1 < n {
                    // The cut after this chunk fell inside a quoted cell: read in one piece.
                    return self.render(cols, strict, 1, 1);
                }
                return Err(q.shifted(line));
            }
            short = short.or(c.short.map(|e| e.shifted(line)));
            bad = bad.or(c.bad.map(|e| e.shifted(line)));
            line += c.lines;
            parts.push(c.out);
        }
        match short.or(bad) {
            Some(e) => Err(e),
            None => Ok(parts),
        }
    }

    /// Reads and assesses one chunk (only reads it when `cols` is `None`).
    fn assess(&self, chunk: &str, cols: Option<&Columns>, strict: bool) -> Chunk {
        let mut recs = Records::new(chunk, 0);
        let mut cells = Vec::with_capacity(self.header.len() + 4);
        let mut scratch = Scratch::default();
        let mut c = Chunk {
            lines: 0,
            open_quote: None,
            short: None,
            bad: None,
            out: Vec::with_capacity(chunk.len() / 4 * 3),
        };
        loop {
            let line = match recs.next_into(&mut cells) {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(e) => {
                    c.open_quote = Some(e);
                    break;
                }
            };
            let Some(cols) = cols else { continue };
            if is_blank(&cells) {
                continue;
            }
            if cells.len() < self.header.len() {
                if c.short.is_none() {
                    c.short = Some(too_short(line, cells.len(), self.header));
                }
                continue;
            }
            if c.short.is_some() || c.bad.is_some() {
                continue;
            }
            let row = Row {
                line,
                cells: &cells,
                cols,
            };
            let m = if strict {
                row.strict_measure(&mut scratch)
            } else {
                row.normal_measure(&mut scratch)
            };
            match m {
                Ok(m) => write_output_line(&mut c.out, row.case(), &m),
                Err(e) => c.bad = Some(e),
            }
        }
        c.lines = recs.line;
        c
    }
}

/// Cuts `text` into up to `n` pieces of about equal length, each but the last ending with `\n`.
fn split_lines(text: &str, n: usize) -> Vec<&str> {
    let mut pieces = Vec::with_capacity(n);
    let mut start = 0;
    for k in 1..n {
        let aim = (text.len() / n * k).max(start);
        match text.as_bytes()[aim..].iter().position(|&b| b == b'\n') {
            Some(p) if aim + p + 1 < text.len() => {
                pieces.push(&text[start..=aim + p]);
                start = aim + p + 1;
            }
            _ => break,
        }
    }
    pieces.push(&text[start..]);
    pieces
}

/// A row's cells, owned ([`SeriesRow`]) or borrowed from the text ([`render`]).
struct Row<'r, S> {
    line: usize,
    cells: &'r [S],
    cols: &'r Columns,
}

impl SeriesRow {
    fn row(&self) -> Row<'_, String> {
        Row {
            line: self.line,
            cells: &self.cells,
            cols: &self.cols,
        }
    }

    pub fn case(&self) -> &str {
        self.cells[self.cols.case].trim()
    }

    /// The reference's reading: integer years (strings longer than four characters cut to
    /// their first four, as sdg-build does), a missing direction meaning negative.
    pub fn strict_measure(&self) -> Result<Measure, CsvError> {
        self.row().strict_measure(&mut Scratch::default())
    }

    /// The product's reading: years or quarters (`2023Q3`) on the fractional-year axis, a
    /// required direction, an optional `comparator` column (at_least, above, at_most, below)
    /// and an optional `kind` column (year_to_date_flow values are annualised).
    pub fn normal_measure(&self) -> Result<Measure, CsvError> {
        self.row().normal_measure(&mut Scratch::default())
    }
}

/// [`TimePoint::parse`] of a trimmed cell, with a shortcut for the usual four-digit year (which
/// `TimePoint::parse` reads as that year).
fn time_point(s: &str) -> Result<TimePoint, crate::time::TimePointParseError> {
    match s.as_bytes() {
        &[a, b, c, d] if [a, b, c, d].iter().all(u8::is_ascii_digit) => {
            let year = [a, b, c, d]
                .iter()
                .fold(0, |y, &digit| y * 10 + i32::from(digit - b'0'));
            Ok(TimePoint::Year(year))
        }
        _ => TimePoint::parse(s),
    }
}

/// The first four characters of `s` (all of it when shorter).
fn first_four(s: &str) -> &str {
    match s.char_indices().nth(4) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

impl<S: AsRef<str>> Row<'_, S> {
    fn case(&self) -> &str {
        self.cell(self.cols.case)
    }

    fn cell(&self, col: usize) -> &str {
        trim(self.cells[col].as_ref())
    }

    fn err(&self, col: usize, message: impl Into<String>) -> CsvError {
        let name = [
            (self.cols.case, "case"),
            (self.cols.years, "years"),
            (self.cols.values, "values"),
            (self.cols.base_year, "base_year"),
            (self.cols.target, "target"),
            (self.cols.target_year, "target_year"),
            (self.cols.direction, "direction"),
            (self.cols.limit, "limit"),
        ]
        .iter()
        .find(|(c, _)| *c == col)
        .map(|(_, n)| *n)
        .or_else(|| (Some(col) == self.cols.comparator).then_some("comparator"))
        .or_else(|| (Some(col) == self.cols.kind).then_some("kind"))
        .unwrap_or("");
        CsvError {
            line: self.line,
            column: col + 1,
            field: name.to_string(),
            message: message.into(),
        }
    }

    fn number(&self, col: usize) -> Result<Option<f64>, CsvError> {
        let s = self.cell(col);
        if s.is_empty() {
            return Ok(None);
        }
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(self.err(col, format!("“{s}”不是数值 (not a number)"))),
        }
    }

    /// The values list into `out`; empty, `nan` and `NA` entries are missing (`NaN`).
    fn values(&self, expected: usize, out: &mut Vec<f64>) -> Result<(), CsvError> {
        let col = self.cols.values;
        let cell = self.cell(col);
        let count = cell.bytes().filter(|&b| b == b';').count() + 1;
        if count != expected {
            return Err(self.err(
                col,
                format!(
                    "有{}个数值，但 years 有{}个年份 (values and years differ in length)",
                    count, expected
                ),
            ));
        }
        out.clear();
        for s in parts(cell) {
            out.push(match s {
                "" | "nan" | "NaN" | "NA" => f64::NAN,
                _ => s
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| self.err(col, format!("“{s}”不是数值 (not a number)")))?,
            });
        }
        Ok(())
    }

    fn direction(&self) -> Result<Option<Direction>, CsvError> {
        let s = self.cell(self.cols.direction);
        if s.is_empty() {
            return Ok(None);
        }
        Direction::parse(s).map(Some).ok_or_else(|| {
            self.err(
                self.cols.direction,
                format!("方向“{s}”无法识别，应为 positive 或 negative"),
            )
        })
    }

    fn strict_measure(&self, scratch: &mut Scratch) -> Result<Measure, CsvError> {
        let ycol = self.cols.years;
        let ycell = self.cell(ycol);
        let cut = parts(ycell).any(|y| y.len() > 4 && y.chars().count() > 4);
        let years = &mut scratch.years;
        years.clear();
        for y in parts(ycell) {
            let s = if cut { first_four(y) } else { y };
            years.push(
                s.parse::<i32>()
                    .map_err(|_| self.err(ycol, format!("“{y}”不是年份 (not a year)")))?,
            );
        }
        self.values(years.len(), &mut scratch.values)?;
        let obs = &mut scratch.year_values;
        obs.clear();
        obs.extend(
            years
                .iter()
                .zip(&scratch.values)
                .map(|(&year, &value)| YearValue { year, value }),
        );
        let year = |col: usize| -> Result<Option<i32>, CsvError> {
            let s = self.cell(col);
            if s.is_empty() {
                return Ok(None);
            }
            s.parse::<i32>()
                .map(Some)
                .map_err(|_| self.err(col, format!("“{s}”不是年份 (not a year)")))
        };
        let base_year = year(self.cols.base_year)?
            .ok_or_else(|| self.err(self.cols.base_year, "缺少基期年份 (base_year is empty)"))?;
        let p = StrictParams {
            base_year,
            target: self.number(self.cols.target)?,
            target_year: year(self.cols.target_year)?,
            direction: self.direction()?,
            limit: self.number(self.cols.limit)?,
        };
        Ok(strict_measure(obs, &p))
    }

    fn normal_measure(&self, scratch: &mut Scratch) -> Result<Measure, CsvError> {
        let direction = self.direction()?.ok_or_else(|| {
            self.err(
                self.cols.direction,
                "缺少方向；请填写 positive（越高越好）或 negative（越低越好）",
            )
        })?;
        let ycol = self.cols.years;
        let times = &mut scratch.times;
        times.clear();
        for s in parts(self.cell(ycol)) {
            times.push(time_point(s).map_err(|e| self.err(ycol, e.to_string()))?);
        }
        self.values(times.len(), &mut scratch.values)?;
        let kind = match self.cols.kind.map(|c| (c, self.cell(c))) {
            Some((c, s)) if !s.is_empty() => IndicatorKind::parse(s).ok_or_else(|| {
                self.err(
                    c,
                    format!(
                        "类型“{s}”无法识别，应为 cumulative_count、level、ratio 或 year_to_date_flow"
                    ),
                )
            })?,
            _ => IndicatorKind::Level,
        };
        let obs = &mut scratch.observations;
        obs.clear();
        obs.extend(
            times
                .iter()
                .zip(&scratch.values)
                .filter(|(_, v)| !v.is_nan())
                .map(|(&at, &value)| Observation {
                    at,
                    value,
                    source: None,
                }),
        );
        let prepared =
            prepare(obs, kind, f64::INFINITY).map_err(|e| self.err(ycol, e.to_string()))?;
        let time = |col: usize| -> Result<Option<TimePoint>, CsvError> {
            let s = self.cell(col);
            if s.is_empty() {
                return Ok(None);
            }
            time_point(s)
                .map(Some)
                .map_err(|e| self.err(col, e.to_string()))
        };
        let base = time(self.cols.base_year)?
            .ok_or_else(|| self.err(self.cols.base_year, "缺少基期 (base_year is empty)"))?;
        let comparator = match self.cols.comparator.map(|c| (c, self.cell(c))) {
            Some((c, s)) if !s.is_empty() => {
                let cmp = Comparator::parse(s).ok_or_else(|| {
                    self.err(
                        c,
                        format!("比较方式“{s}”无法识别，应为 at_least、above、at_most 或 below"),
                    )
                })?;
                if cmp.direction() != direction {
                    return Err(self.err(
                        c,
                        format!("比较方式“{s}”与方向不一致 (comparator contradicts direction)"),
                    ));
                }
                cmp
            }
            _ => Comparator::inclusive(direction),
        };
        let target = match self.number(self.cols.target)? {
            None => None,
            Some(value) => {
                let at = time(self.cols.target_year)?.ok_or_else(|| {
                    self.err(
                        self.cols.target_year,
                        "有目标值但缺少目标年份 (target_year is empty)",
                    )
                })?;
                Some(NumericTarget {
                    value,
                    t: at.t(),
                    comparator,
                })
            }
        };
        let p = MeasureParams {
            base_t: base.t(),
            target,
            direction,
            limit: self.number(self.cols.limit)?,
        };
        Ok(measure(&prepared.comparable, &p))
    }
}

/// Appends a float the way Python's `repr` writes it (`5.0`, `0.1`, `1e-07`, `inf`): Rust's
/// `{:?}` (shortest round trip, exponent below 1e-4 and from 1e16) with a signed exponent of at
/// least two digits.
///
/// From 1e-4 to 1e16 both `{:?}` and ryu write decimal notation (`0.0001`, `12.5`, `300.0`)
/// of the shortest digits that read back as `x`, the closest to `x` when several do; they
/// differ only when `x` lies exactly halfway between two such candidates (ryu takes the even
/// one, std rounds up). Those values go to `{:?}`, as does everything outside the range.
fn write_py_float(out: &mut Vec<u8>, x: f64) {
    if x.is_nan() {
        out.extend_from_slice(b"nan");
        return;
    }
    if x.is_infinite() {
        out.extend_from_slice(if x > 0.0 { b"inf" } else { b"-inf" });
        return;
    }
    if (1e-4..1e16).contains(&x.abs()) {
        let mut buf = ryu::Buffer::new();
        let s = buf.format_finite(x);
        if !may_be_a_tie(x, s) {
            out.extend_from_slice(s.as_bytes());
            return;
        }
    }
    let start = out.len();
    write!(out, "{x:?}").expect("writing to a Vec cannot fail");
    let Some(e) = out[start..].iter().position(|&b| b == b'e') else {
        return;
    };
    let e = start + e;
    let mut exp = [0u8; 8];
    let (negative, digits) = match out[e + 1..].split_first() {
        Some((b'-', d)) => (true, d),
        _ => (false, &out[e + 1..]),
    };
    let n = digits.len().min(exp.len());
    exp[..n].copy_from_slice(&digits[..n]);
    out.truncate(e + 1);
    out.push(if negative { b'-' } else { b'+' });
    if n < 2 {
        out.push(b'0');
    }
    out.extend_from_slice(&exp[..n]);
}

/// Whether the normal float `x`, printed in decimal notation as `printed`, may sit exactly halfway
/// between two candidates with as many digits.
///
/// `x` is odd × 2^q; for q < 0 its exact decimal expansion has −q fractional digits, the last a 5
/// (odd × 5^−q ends in 5). A candidate with one fractional digit fewer than that is then
/// exactly as far from `x` as its neighbour: a tie. With fewer digits still there is none: odd
/// × 5^n ends in 25 or 75 for n ≥ 2, never in the 50 a halfway point needs. Nor for integers:
/// two candidates 10^j apart both reading back as `x` need an ulp of at least 10^j, while a
/// halfway point needs `x` to have fewer than j trailing zero bits.
fn may_be_a_tie(x: f64, printed: &str) -> bool {
    let bits = x.to_bits();
    let biased = i64::try_from((bits >> 52) & 0x7ff).expect("eleven bits");
    let mantissa = (bits & ((1 << 52) - 1)) | (1 << 52);
    let q = biased - 1075 + i64::from(mantissa.trailing_zeros());
    let exact_fraction = (-q).max(0);
    let printed_fraction = printed.find('.').map_or(0, |p| printed.len() - p - 1);
    i64::try_from(printed_fraction).is_ok_and(|p| p + 1 == exact_fraction)
}

/// Formats a float the way Python's `repr` does (`5.0`, `0.1`, `1e-07`, `inf`), so strict-mode
/// output reads like the reference's.
pub fn py_float(x: f64) -> String {
    let mut out = Vec::with_capacity(24);
    write_py_float(&mut out, x);
    String::from_utf8(out).expect("a formatted float is ASCII")
}

/// Appends one output line `case,progress_value,status,score\n`.
fn write_output_line(out: &mut Vec<u8>, case: &str, m: &Measure) {
    if case.bytes().any(|b| matches!(b, b',' | b'"' | b'\n')) {
        out.push(b'"');
        for &b in case.as_bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(case.as_bytes());
    }
    out.push(b',');
    if let Some(v) = m.value.filter(|x| !x.is_nan()) {
        write_py_float(out, v);
    }
    out.push(b',');
    out.extend_from_slice(m.status.as_str().as_bytes());
    out.push(b',');
    if let Some(v) = m.score.filter(|x| !x.is_nan()) {
        write_py_float(out, v);
    }
    out.push(b'\n');
}

/// One output line `case,progress_value,status,score`; empty cells when not computable.
pub fn output_line(case: &str, m: &Measure) -> String {
    let mut out = Vec::with_capacity(case.len() + 64);
    write_output_line(&mut out, case, m);
    out.pop();
    String::from_utf8(out).expect("the case is UTF-8 and the rest ASCII")
}

/// The output header.
pub const OUTPUT_HEADER: &str = "case,progress_value,status,score";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::ProgressStatus;
    use proptest::prop_oneof;

    const HEAD: &str = "case,years,values,base_year,target,target_year,direction,limit\n";

    #[test]
    fn quoted_cells_and_crlf_are_read() {
        let rows = parse(&format!(
            "{}\r\n\"a,1\",2020;2022,1;2,2020,,,positive,\r\n",
            HEAD.trim_end()
        ))
        .expect("parse");
        assert_eq!(rows[0].case(), "a,1");
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn a_bad_value_names_line_column_and_field() {
        let rows = parse(&format!("{HEAD}x,2020;2022,1;abc,2020,,,positive,\n")).expect("parse");
        let e = rows[0].strict_measure().expect_err("bad value");
        assert_eq!((e.line, e.column, e.field.as_str()), (2, 3, "values"));
        assert!(e.to_string().starts_with("第2行第3列（values）"), "{e}");
    }

    #[test]
    fn a_missing_column_is_reported_on_the_header_line() {
        let e = parse("case,years,values\n").expect_err("missing");
        assert_eq!(e.line, 1);
        assert_eq!(e.field, "base_year");
    }

    #[test]
    fn normal_mode_requires_a_direction() {
        let rows = parse(&format!("{HEAD}x,2020;2022,1;2,2020,3,2024,,\n")).expect("parse");
        let e = rows[0].normal_measure().expect_err("no direction");
        assert_eq!((e.line, e.column), (2, 7));
        let strict = rows[0]
            .strict_measure()
            .expect("strict defaults to negative");
        assert_eq!(strict.status, ProgressStatus::TargetAchieved);
    }

    #[test]
    fn normal_mode_reads_quarters_and_comparators() {
        let text = "case,years,values,base_year,target,target_year,direction,limit,comparator\n\
                    pue,2020;2023Q3,1.6;1.3,2020,1.3,2024,negative,,below\n";
        let rows = parse(text).expect("parse");
        let m = rows[0].normal_measure().expect("measure");
        assert_ne!(m.status, ProgressStatus::TargetAchieved);
        assert_eq!(m.latest.map(|p| p.t), Some(2022.75));
    }

    #[test]
    fn floats_print_like_python() {
        assert_eq!(py_float(5.0), "5.0");
        assert_eq!(py_float(0.6136628443375224), "0.6136628443375224");
        assert_eq!(py_float(1e-7), "1e-07");
        assert_eq!(py_float(1.5e16), "1.5e+16");
        assert_eq!(py_float(-0.0001), "-0.0001");
    }

    // The reader, the float printer and the chunked render against what they replaced.

    /// The reader before the byte scanner (char by char, every cell a `String`): the oracle
    /// for [`records`].
    fn records_char_by_char(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut out = Vec::new();
        let mut fields: Vec<String> = Vec::new();
        let mut field = String::new();
        let mut line = 1usize;
        let mut start_line = 1usize;
        let mut in_quotes = false;
        let mut quote_line = 0usize;
        let mut chars = text.chars().peekable();
        let mut any = false;
        while let Some(c) = chars.next() {
            any = true;
            if in_quotes {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => in_quotes = false,
                    '\n' => {
                        line += 1;
                        field.push('\n');
                    }
                    _ => field.push(c),
                }
                continue;
            }
            match c {
                '"' if field.is_empty() => {
                    in_quotes = true;
                    quote_line = line;
                }
                ',' => fields.push(std::mem::take(&mut field)),
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    fields.push(std::mem::take(&mut field));
                    out.push((start_line, std::mem::take(&mut fields)));
                    line += 1;
                    start_line = line;
                    any = false;
                }
                _ => field.push(c),
            }
        }
        if in_quotes {
            return Err(CsvError {
                line: quote_line,
                column: fields.len() + 1,
                field: String::new(),
                message: "引号未闭合 (unterminated quote)".into(),
            });
        }
        if any {
            fields.push(field);
            out.push((start_line, fields));
        }
        out.retain(|(_, f)| !(f.len() == 1 && f[0].trim().is_empty()));
        Ok(out)
    }

    /// `py_float` before it wrote into a buffer.
    fn py_float_via_strings(x: f64) -> String {
        if x.is_nan() {
            return "nan".into();
        }
        if x.is_infinite() {
            return if x > 0.0 { "inf".into() } else { "-inf".into() };
        }
        let s = format!("{x:?}");
        match s.split_once('e') {
            Some((mantissa, exp)) => {
                let (sign, digits) = match exp.strip_prefix('-') {
                    Some(d) => ('-', d),
                    None => ('+', exp),
                };
                format!("{mantissa}e{sign}{digits:0>2}")
            }
            None => s,
        }
    }

    /// What `planwatch progress` printed before the chunks: parse, then each row in turn.
    fn render_row_by_row(text: &str, strict: bool) -> Result<String, CsvError> {
        let rows = parse(text)?;
        let mut out = format!("{OUTPUT_HEADER}\n");
        for row in &rows {
            let m = if strict {
                row.strict_measure()?
            } else {
                row.normal_measure()?
            };
            out.push_str(&output_line(row.case(), &m));
            out.push('\n');
        }
        Ok(out)
    }

    /// `render` cut into `chunks` pieces, on up to three threads.
    fn render_string(text: &str, strict: bool, chunks: usize) -> Result<String, CsvError> {
        render(text, strict, 3, chunks)
            .map(|parts| String::from_utf8(parts.concat()).expect("the output is UTF-8"))
    }

    const WIDE_HEAD: &str =
        "case,years,values,base_year,target,target_year,direction,limit,comparator,kind";

    /// Rows of every kind: valid, quoted, spanning lines, blank, too short, unreadable.
    const ROWS: [&str; 20] = [
        "a,2020;2022,1;2,2020,3,2024,positive,,,",
        "b,2015;2017,288.594;359.6835,2015,152.9024,2025,negative,,,",
        "\"c,1\",2019;2021,-45.303;-16.4786,2019,0,2030,positive,,,",
        "\"d\"\"x\",2020;2023Q3,1.6;1.3,2020,1.3,2024,negative,,below,",
        "\"e\nf\",2020;2021;2022,1;;3,2020,,,positive,100,,level",
        "g,2023Q1;2023Q2,10;20,2023Q1,100,2024,positive,,,year_to_date_flow",
        "h,2020;2022,1;2,2020,,,,,,",
        "i,2020;x,1;2,2020,,,positive,,,",
        "j,2020;2022,1,2020,,,positive,,,",
        "k,2020;2022,1;2",
        "",
        "  ",
        "l,20201;20222,1;2,2020,5,2030,positive,,,",
        "m,2020;2020,1;2,2020,,,positive,,,",
        "n,2020;2021,1e-7;3e-7,2020,1e17,2030,positive,,,",
        "\"o\" ,2020;2022,1;2,2020,3,2024,positive,,,",
        "p,2020;2022,1;2,2020,3,2024,positive,,above,ratio",
        "q,2020;2022,1;2,2020,3,2024,positive,,below,",
        "\"r\r\ns\"\"\",2020;2022,2;1,2020,,,negative,0,,",
        "\"unterminated,2020;2022,1;2",
    ];

    fn fixture() -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/monitor/opensdg-progress-vectors.csv"
        );
        std::fs::read_to_string(path).expect("the vectors fixture is in the repository")
    }

    /// The fixture's header and its data rows `times` over.
    fn fixture_times(times: usize) -> String {
        let text = fixture();
        let (head, rows) = text.split_once('\n').expect("a header line");
        let mut out = format!("{head}\n");
        for _ in 0..times {
            out.push_str(rows);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn the_byte_reader_reads_records_like_the_char_by_char_reader(
            text in "\u{feff}?[a\",;\r\n \u{3000}é1]{0,60}",
        ) {
            proptest::prop_assert_eq!(records(&text), records_char_by_char(&text));
        }

        #[test]
        fn the_shortcuts_agree_with_the_general_functions(
            s in "[ ;,a\n\r\t\u{3000}\u{a0}\u{85}é1.]{0,30}|[ 0-9Qq年第季度一-]{0,9}",
        ) {
            let expected: Vec<&str> = s.split(';').map(str::trim).collect();
            proptest::prop_assert_eq!(parts(&s).collect::<Vec<_>>(), expected);
            proptest::prop_assert_eq!(trim(&s), s.trim());
            proptest::prop_assert_eq!(time_point(s.trim()), TimePoint::parse(&s));
            for from in 0..=s.len() {
                let naive = s.as_bytes()[from..]
                    .iter()
                    .position(|&b| b == b',' || b == b'\n')
                    .map_or(s.len(), |p| from + p);
                proptest::prop_assert_eq!(cell_end(s.as_bytes(), from), naive);
            }
        }

        #[test]
        fn floats_print_as_before(bits in proptest::num::u64::ANY) {
            let x = f64::from_bits(bits);
            proptest::prop_assert_eq!(py_float(x), py_float_via_strings(x));
        }

        #[test]
        fn floats_in_the_decimal_range_print_as_before(
            x in prop_oneof![-1e6..1e6f64, -10.0..10.0f64, 1e-4..1e-3f64, 1e13..1e16f64],
            ulps in -3i64..=3,
        ) {
            let x = f64::from_bits(x.to_bits().wrapping_add_signed(ulps));
            proptest::prop_assert_eq!(py_float(x), py_float_via_strings(x));
        }

        #[test]
        fn any_number_of_chunks_gives_the_row_by_row_result(
            rows in proptest::collection::vec((0..ROWS.len(), proptest::bool::ANY), 0..40),
            final_newline in proptest::bool::ANY,
            chunks in 1usize..7,
            strict in proptest::bool::ANY,
        ) {
            let mut text = format!("{WIDE_HEAD}\n");
            for (k, crlf) in &rows {
                text.push_str(ROWS[*k]);
                text.push_str(if *crlf { "\r\n" } else { "\n" });
            }
            if !final_newline {
                text.pop();
            }
            proptest::prop_assert_eq!(
                render_string(&text, strict, chunks),
                render_row_by_row(&text, strict)
            );
        }
    }

    #[test]
    fn halfway_values_print_as_before() {
        // Odd × 2^q with few fractional digits: the values where ryu and std could part.
        let mut ties = 0;
        for q in 1..=30 {
            for odd in [1u64, 3, 5, 7, 9, 11, 99, 12_345, 524_289, 8_388_609] {
                for bits in [0u32, 20, 30, 40, 45, 49] {
                    let x = (odd << bits) as f64 / f64::powi(2.0, q);
                    if !(1e-4..1e16).contains(&x) {
                        continue;
                    }
                    for x in [x, -x, f64::from_bits(x.to_bits() | 1)] {
                        assert_eq!(py_float(x), py_float_via_strings(x), "{x:?}");
                        let printed = ryu::Buffer::new().format_finite(x).to_string();
                        if printed != py_float_via_strings(x) {
                            ties += 1;
                            assert!(may_be_a_tie(x, &printed), "{x:?}: {printed}");
                        }
                    }
                }
            }
        }
        // Known ties where ryu alone would print something else: 8 + 2^-16 and a quarter.
        for (x, std) in [
            (524_289.0 / 65_536.0, "8.000015258789063"),
            (8_927_559_789_175_665.0 / 4.0, "2231889947293916.3"),
        ] {
            assert_eq!(py_float(x), std);
            assert_ne!(ryu::Buffer::new().format_finite(x), std);
        }
        assert!(ties > 0, "the generator reaches ties");
    }

    #[test]
    fn floats_at_the_notation_boundaries_print_as_before() {
        for x in [
            0.0,
            -0.0,
            1e-4,
            9.999999999999999e-5,
            1e16,
            9_999_999_999_999_998.0,
            1e100,
            1e-100,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(py_float(x), py_float_via_strings(x), "{x:?}");
        }
    }

    #[test]
    fn the_fixture_gives_the_same_output_in_one_chunk_and_in_many() {
        let text = fixture_times(3);
        for strict in [true, false] {
            let expected = render_row_by_row(&text, strict).expect("valid");
            assert_eq!(expected.lines().count(), 901);
            for chunks in [1, 2, 3, 8, 64] {
                assert_eq!(
                    render_string(&text, strict, chunks).expect("valid"),
                    expected,
                    "{chunks} chunks"
                );
            }
        }
    }

    #[test]
    fn crlf_a_bom_and_a_missing_final_newline_change_nothing() {
        // The fixture has CRLF line ends.
        let crlf = fixture_times(2);
        let expected = render_string(&crlf, true, 1).expect("valid");
        let lf = crlf.replace("\r\n", "\n");
        assert_ne!(lf, crlf);
        let variants = [
            lf.clone(),
            lf.trim_end().to_string(),
            crlf.trim_end().to_string(),
            format!("\u{feff}{crlf}"),
            format!("\n\r\n{lf}\n\r\n"),
        ];
        for v in &variants {
            for chunks in [1, 2, 5] {
                assert_eq!(render_string(v, true, chunks).as_ref(), Ok(&expected));
            }
        }
    }

    #[test]
    fn an_error_in_the_last_chunk_is_reported_alone_with_its_line() {
        let mut text = fixture_times(4);
        text.push_str("last,2020;x,1;2,2020,,,positive,,,,\n");
        let line = text.lines().count();
        for chunks in [1, 2, 4] {
            let e = render(&text, false, 2, chunks).expect_err("a bad year on the last line");
            assert_eq!((e.line, e.column, e.field.as_str()), (line, 2, "years"));
        }
    }

    #[test]
    fn the_lowest_line_wins_whichever_chunk_finishes_first() {
        let text = fixture_times(4);
        let mut lines: Vec<&str> = text.lines().collect();
        // Bad cells in the first and the last quarter of the file: different chunks.
        lines[100] = "early,2020;2022,1;x,2020,,,positive,,,,";
        lines[1100] = "late,2020;y,1;2,2020,,,positive,,,,";
        let text = lines.join("\n");
        for chunks in [1, 2, 4] {
            let e = render(&text, true, 2, chunks).expect_err("two bad rows");
            assert_eq!(
                (e.line, e.field.as_str()),
                (101, "values"),
                "{chunks} chunks"
            );
            assert_eq!(e, render_row_by_row(&text, true).expect_err("two bad rows"));
        }
    }

    #[test]
    fn a_short_row_later_still_beats_an_earlier_unreadable_cell() {
        // As before the chunks: every row is split into cells before any is measured.
        let text = fixture_times(4);
        let mut lines: Vec<&str> = text.lines().collect();
        lines[10] = "early,2020;2022,1;x,2020,,,positive,,,,";
        lines[1150] = "short,2020";
        let text = lines.join("\n");
        for chunks in [1, 2, 4] {
            let e = render(&text, true, 2, chunks).expect_err("two bad rows");
            assert_eq!((e.line, e.column), (1151, 3), "{chunks} chunks");
        }
    }

    #[test]
    fn an_unterminated_quote_is_reported_before_anything_else() {
        let mut text = fixture_times(4).replacen("c7-2,", "c7-2", 1);
        text.push_str("\"open,2020\n");
        let line = text.lines().count();
        for chunks in [1, 2, 4] {
            let e = render(&text, true, 2, chunks).expect_err("open quote");
            assert_eq!((e.line, e.column), (line, 1), "{chunks} chunks");
            assert_eq!(e.message, "引号未闭合 (unterminated quote)");
        }
        let no_limit = text.replacen(",limit,", ",nolimit,", 1);
        let e = render(&no_limit, true, 2, 2).expect_err("open quote");
        assert_eq!(e.line, line);
        assert_eq!(e, parse(&no_limit).expect_err("open quote"));
    }

    #[test]
    fn a_cut_inside_a_quoted_cell_falls_back_to_one_piece() {
        // A case name of 400 lines sits in the middle, where a cut into two chunks falls.
        let name = format!("\"long{}name\"", "\n".repeat(400));
        let text = format!(
            "{HEAD}a,2020;2022,1;2,2020,3,2024,positive,\n\
             {name},2020;2022,1;2,2020,3,2024,positive,\n\
             b,2020;2022,1;2,2020,3,2024,positive,\n"
        );
        let body_start = HEAD.len();
        let body = Body {
            text: &text[body_start..],
            line: 2,
            header: &[],
        };
        let pieces = split_lines(body.text, 2);
        assert_eq!(pieces.len(), 2);
        assert!(
            body.assess(pieces[0], None, false).open_quote.is_some(),
            "the cut is inside the quoted cell"
        );
        let expected = render_row_by_row(&text, false).expect("valid");
        assert!(expected.contains(&format!("{name},")), "{expected}");
        assert_eq!(render_string(&text, false, 2).expect("valid"), expected);
        // Lines after the long cell are still counted right.
        let bad = text.replace("b,2020;2022,1;2", "b,2020;2022,1;z");
        let e = render(&bad, false, 2, 2).expect_err("bad value");
        assert_eq!(e.line, 404);
    }

    #[test]
    fn no_rows_print_the_header_and_no_text_is_an_error() {
        for chunks in [1, 2] {
            assert_eq!(
                render_string(HEAD, true, chunks),
                Ok(format!("{OUTPUT_HEADER}\n"))
            );
            assert_eq!(render("", true, 2, chunks), Err(empty_file()));
            assert_eq!(render("\u{feff}\n \n", true, 2, chunks), Err(empty_file()));
        }
    }

    #[test]
    fn cells_that_need_no_unescaping_are_borrowed() {
        let text = "plain,\"quoted, with comma\",\"dou\"\"bled\",\"tail\"x\r\n";
        let mut recs = Records::new(text, 1);
        let mut cells = Vec::new();
        assert_eq!(recs.next_into(&mut cells), Ok(Some(1)));
        let borrowed: Vec<bool> = cells
            .iter()
            .map(|c| matches!(c, Cow::Borrowed(_)))
            .collect();
        assert_eq!(borrowed, [true, true, false, false]);
        assert_eq!(cells, ["plain", "quoted, with comma", "dou\"bled", "tailx"]);
        assert_eq!(recs.next_into(&mut cells), Ok(None));
    }
}
