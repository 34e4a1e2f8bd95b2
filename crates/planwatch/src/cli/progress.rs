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
    let rows = csv_series::parse(&text).map_err(|e| anyhow::anyhow!("{name} {e}"))?;
    // Every row is checked before anything is printed, so bad input prints nothing but the error.
    let mut out = Vec::with_capacity(rows.len() + 1);
    out.push(csv_series::OUTPUT_HEADER.to_string());
    for row in &rows {
        let m = if a.strict {
            row.strict_measure()
        } else {
            row.normal_measure()
        }
        .map_err(|e| anyhow::anyhow!("{name} {e}"))?;
        out.push(csv_series::output_line(row.case(), &m));
    }
    let mut stdout = std::io::stdout().lock();
    for line in out {
        writeln!(stdout, "{line}")?;
    }
    Ok(ExitCode::SUCCESS)
}
