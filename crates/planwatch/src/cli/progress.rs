//! `planwatch progress --input FILE.csv [--strict]`: the progress measure for a batch of series
//! in the Open SDG vectors' column layout, printed as CSV `case,progress_value,status,score`.

use anyhow::Context;
use planwatch_monitor::csv_series;
use std::io::Write;
use std::path::{Path, PathBuf};
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
    let bytes = read(&a.input).with_context(|| format!("无法读取文件 {name}"))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| anyhow::anyhow!("{name}：文件不是 UTF-8 编码，请另存为 UTF-8 CSV"))?;
    let parts = render(text, a.strict).map_err(|e| anyhow::anyhow!("{name} {e}"))?;
    let mut out = std::io::stdout().lock();
    for part in &parts {
        out.write_all(part)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Files from this size on are read in two halves at once and assessed on every core.
const LARGE: usize = 4 << 20;

/// The whole output in pieces, or the first input error; every row is checked before anything
/// is printed, so bad input prints nothing but the error.
fn render(text: &str, strict: bool) -> Result<Vec<Vec<u8>>, csv_series::CsvError> {
    let threads = if text.len() < LARGE { 1 } else { threads() };
    // Four pieces a thread, so a thread held back by other work on the machine is helped out.
    csv_series::render(text, strict, threads, 4 * threads)
}

/// The file's bytes. A large file is read in two halves on two threads: copying it from the
/// page cache into fresh memory (faulting that memory in) is a tenth or more of the whole run,
/// and two threads take about two thirds of the time one does.
fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        let file = std::fs::File::open(path)?;
        let len = usize::try_from(file.metadata()?.len()).unwrap_or(0);
        if len >= LARGE && threads() > 1 {
            let mut bytes = vec![0u8; len];
            let half = len / 2;
            let (first, second) = bytes.split_at_mut(half);
            let read = std::thread::scope(|s| {
                let other = s.spawn(|| file.read_exact_at(second, half as u64));
                let this = file.read_exact_at(first, 0);
                this.and(
                    other
                        .join()
                        .unwrap_or_else(|p| std::panic::resume_unwind(p)),
                )
            });
            // A file that changed size meanwhile is read again the ordinary way.
            if read.is_ok() && file.read_at(&mut [0u8], len as u64)? == 0 {
                return Ok(bytes);
            }
        }
    }
    std::fs::read(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The output as one string, as `run` writes it.
    fn render(text: &str, strict: bool) -> Result<String, csv_series::CsvError> {
        super::render(text, strict)
            .map(|parts| String::from_utf8(parts.concat()).expect("the output is UTF-8"))
    }

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

    /// The vectors' data rows `times` over under their header: about 32 kB a time.
    fn vectors_times(times: usize) -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/monitor/opensdg-progress-vectors.csv"
        );
        let text = std::fs::read_to_string(path).expect("fixture");
        let (head, rows) = text.split_once('\n').expect("a header");
        format!("{head}\n{}", rows.repeat(times))
    }

    #[test]
    fn a_large_file_gives_what_one_chunk_gives_in_both_modes() {
        // Large, so `render` uses every core there is.
        let text = vectors_times(140);
        assert!(text.len() >= LARGE);
        for strict in [true, false] {
            let one = csv_series::render(&text, strict, 1, 1)
                .expect("valid")
                .concat();
            assert_eq!(render(&text, strict).expect("valid").into_bytes(), one);
            assert_eq!(one.iter().filter(|&&b| b == b'\n').count(), 42_001);
        }
    }

    #[test]
    fn a_large_file_read_in_halves_is_read_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("series.csv");
        // Not a multiple of anything, with a multi-byte character across the middle.
        let mut bytes: Vec<u8> = (0..LARGE + 12_345).map(|i| (i % 251) as u8).collect();
        let mid = bytes.len() / 2;
        bytes[mid - 1..mid + 2].copy_from_slice("测".as_bytes());
        std::fs::write(&path, &bytes).expect("write");
        assert_eq!(read(&path).expect("read"), bytes);
        let small = dir.path().join("small.csv");
        std::fs::write(&small, b"case\n").expect("write");
        assert_eq!(read(&small).expect("read"), b"case\n");
        assert!(read(&dir.path().join("missing.csv")).is_err());
    }

    #[test]
    fn a_bad_cell_on_the_last_line_of_a_large_file_is_the_only_output() {
        let mut text = vectors_times(140);
        text.push_str("z,2020;2022,1;2,2020,,,sideways,,,,\n");
        let e = render(&text, false).expect_err("bad direction");
        assert_eq!(
            e.to_string(),
            "第42002行第7列（direction）：方向“sideways”无法识别，应为 positive 或 negative"
        );
    }
}
