//! Series in the column layout of the Open SDG test vectors (case, years, values, base_year,
//! target, target_year, direction, limit; optional comparator and kind; further columns
//! ignored), parsed from text and assessed in strict or normal mode. The CLI's
//! `planwatch progress` is a thin wrapper around this module.

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

/// Splits CSV text into records (RFC 4180: quotes, doubled quotes, CRLF, a leading BOM), each
/// with the line it starts on.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
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
    // Blank lines carry no row.
    out.retain(|(_, f)| !(f.len() == 1 && f[0].trim().is_empty()));
    Ok(out)
}

/// Parses the whole text: a header naming at least the eight required columns, then rows.
pub fn parse(text: &str) -> Result<Vec<SeriesRow>, CsvError> {
    let mut recs = records(text)?.into_iter();
    let Some((hline, header)) = recs.next() else {
        return Err(CsvError {
            line: 1,
            column: 1,
            field: String::new(),
            message: "文件为空，缺少表头 (empty file)".into(),
        });
    };
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
    let cols = Columns {
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
    };
    recs.map(|(line, cells)| {
        if cells.len() < header.len() {
            return Err(CsvError {
                line,
                column: cells.len() + 1,
                field: header[cells.len()].trim().to_string(),
                message: format!(
                    "本行只有{}列，表头有{}列 (row too short)",
                    cells.len(),
                    header.len()
                ),
            });
        }
        Ok(SeriesRow { line, cells, cols })
    })
    .collect()
}

impl SeriesRow {
    pub fn case(&self) -> &str {
        self.cells[self.cols.case].trim()
    }

    fn cell(&self, col: usize) -> &str {
        self.cells[col].trim()
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

    /// The values list; empty, `nan` and `NA` entries are missing (`NaN`).
    fn values(&self, expected: usize) -> Result<Vec<f64>, CsvError> {
        let col = self.cols.values;
        let parts: Vec<&str> = self.cell(col).split(';').map(str::trim).collect();
        if parts.len() != expected {
            return Err(self.err(
                col,
                format!(
                    "有{}个数值，但 years 有{}个年份 (values and years differ in length)",
                    parts.len(),
                    expected
                ),
            ));
        }
        parts
            .iter()
            .map(|s| match *s {
                "" | "nan" | "NaN" | "NA" => Ok(f64::NAN),
                _ => s
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| self.err(col, format!("“{s}”不是数值 (not a number)"))),
            })
            .collect()
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

    /// The reference's reading: integer years (strings longer than four characters cut to
    /// their first four, as sdg-build does), a missing direction meaning negative.
    pub fn strict_measure(&self) -> Result<Measure, CsvError> {
        let ycol = self.cols.years;
        let raw: Vec<&str> = self.cell(ycol).split(';').map(str::trim).collect();
        let cut = raw.iter().any(|y| y.chars().count() > 4);
        let years = raw
            .iter()
            .map(|y| {
                let s: String = if cut {
                    y.chars().take(4).collect()
                } else {
                    (*y).to_string()
                };
                s.parse::<i32>()
                    .map_err(|_| self.err(ycol, format!("“{y}”不是年份 (not a year)")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let values = self.values(years.len())?;
        let obs: Vec<YearValue> = years
            .iter()
            .zip(&values)
            .map(|(&year, &value)| YearValue { year, value })
            .collect();
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
        Ok(strict_measure(&obs, &p))
    }

    /// The product's reading: years or quarters (`2023Q3`) on the fractional-year axis, a
    /// required direction, an optional `comparator` column (at_least, above, at_most, below)
    /// and an optional `kind` column (year_to_date_flow values are annualised).
    pub fn normal_measure(&self) -> Result<Measure, CsvError> {
        let direction = self.direction()?.ok_or_else(|| {
            self.err(
                self.cols.direction,
                "缺少方向；请填写 positive（越高越好）或 negative（越低越好）",
            )
        })?;
        let ycol = self.cols.years;
        let times = self
            .cell(ycol)
            .split(';')
            .map(|s| TimePoint::parse(s).map_err(|e| self.err(ycol, e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let values = self.values(times.len())?;
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
        let obs: Vec<Observation> = times
            .iter()
            .zip(&values)
            .filter(|(_, v)| !v.is_nan())
            .map(|(&at, &value)| Observation {
                at,
                value,
                source: None,
            })
            .collect();
        let prepared =
            prepare(&obs, kind, f64::INFINITY).map_err(|e| self.err(ycol, e.to_string()))?;
        let time = |col: usize| -> Result<Option<TimePoint>, CsvError> {
            let s = self.cell(col);
            if s.is_empty() {
                return Ok(None);
            }
            TimePoint::parse(s)
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

/// Formats a float the way Python's `repr` does (`5.0`, `0.1`, `1e-07`, `inf`), so strict-mode
/// output reads like the reference's.
pub fn py_float(x: f64) -> String {
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

/// One output line `case,progress_value,status,score`; empty cells when not computable.
pub fn output_line(case: &str, m: &Measure) -> String {
    let num = |v: Option<f64>| v.filter(|x| !x.is_nan()).map(py_float).unwrap_or_default();
    let case = if case.contains([',', '"', '\n']) {
        format!("\"{}\"", case.replace('"', "\"\""))
    } else {
        case.to_string()
    };
    format!(
        "{case},{},{},{}",
        num(m.value),
        m.status.as_str(),
        num(m.score)
    )
}

/// The output header.
pub const OUTPUT_HEADER: &str = "case,progress_value,status,score";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::ProgressStatus;

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
}
