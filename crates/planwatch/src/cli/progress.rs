//! `planwatch progress --input FILE.csv [--strict]`: the progress measure for a batch of series
//! in the Open SDG vectors' column layout, printed as CSV `case,progress_value,status,score`.

use anyhow::Context;
use planwatch_monitor::csv_series;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// CSV with columns case, years, values, base_year, target, target_year, direction, limit
    /// (optional: comparator, kind; others ignored). 输入文件
    #[arg(long)]
    pub input: PathBuf,
    /// Reproduce the Open SDG reference (sdg-build 2.4.x) exactly, quirks included. 严格兼容模式
    #[arg(long)]
    pub strict: bool,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let name = a.input.display().to_string();
    let bytes = std::fs::read(&a.input).with_context(|| format!("无法读取文件 {name}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{name}：文件不是 UTF-8 编码，请另存为 UTF-8 CSV"))?;
    let out = render(&text, a.strict).map_err(|e| anyhow::anyhow!("{name} {e}"))?;
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The whole output, or the first input error; every row is checked before anything is
/// printed, so bad input prints nothing but the error.
fn render(text: &str, strict: bool) -> Result<String, csv_series::CsvError> {
    let rows = csv_series::parse(text)?;
    let mut out = String::with_capacity(64 * (rows.len() + 1));
    out.push_str(csv_series::OUTPUT_HEADER);
    out.push('\n');
    for row in &rows {
        let m = if strict {
            row.strict_measure()?
        } else {
            row.normal_measure()?
        };
        out.push_str(&csv_series::output_line(row.case(), &m));
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_output_reproduces_the_vectors_columns_verbatim() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/monitor/opensdg-progress-vectors.csv"
        );
        let text = std::fs::read_to_string(path).expect("fixture");
        let out = render(&text, true).expect("valid");
        let expected: Vec<String> = text
            .lines()
            .skip(1)
            .map(|l| {
                let c: Vec<&str> = l.split(',').collect();
                let n = c.len();
                format!("{},{},{},{}", c[0], c[n - 3], c[n - 2], c[n - 1])
            })
            .collect();
        let got: Vec<&str> = out.lines().skip(1).collect();
        assert_eq!(got.len(), 300);
        assert_eq!(got, expected);
    }

    #[test]
    fn a_bad_cell_is_reported_with_line_and_column_and_nothing_else() {
        let text = "case,years,values,base_year,target,target_year,direction,limit\n\
                    a,2020;2022,1;2,2020,,,positive,\n\
                    b,2020;x,1;2,2020,,,positive,\n";
        let e = render(text, false).expect_err("bad year");
        assert_eq!(
            e.to_string(),
            "第3行第2列（years）：无法识别的时间“x”，应写作 2023 或 2023Q3 (expected a year or a quarter)"
        );
    }
}
