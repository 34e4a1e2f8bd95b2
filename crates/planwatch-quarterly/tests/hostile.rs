//! Hostile files under a hard memory limit.
//!
//! Every file of `fixtures/hostile/` (made by `fixtures/hostile/make_hostile.py` from forms the
//! product generates) goes through every reader entry point — the quarterly form (`read_meta` +
//! `read_quarterly`, as the web upload and `planwatch submit` do), bulk values (`read_values`),
//! `edit::copy_with`, the breakdown form (`read_breakdown`) and the plan reader
//! (`planwatch_plantext::extract_bytes`) — in a child process under an address-space limit
//! (`ulimit -v`). The child is this test binary run again with `PLANWATCH_HOSTILE_CHILD` naming
//! the work; it prints one line per reader. A reader that believes a number in the file and
//! asks for gigabytes dies of SIGABRT in the child instead of taking the test run (or, in
//! production, the server) with it. Each file must be refused with a Chinese message that names
//! what is wrong (`MANIFEST.tsv` gives a word it must contain), and the child must exit normally.
//!
//! A property test mutates the XML parts of the base forms and plan (a digit run made huge, a
//! cell reference made far, an attribute duplicated, a far row added, a part cut short, deep
//! nesting), zips them again and checks, in a child under the same limit, that every mutation
//! is read or refused cleanly.

#[path = "hostile/support.rs"]
mod support;

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The child's address space, in KiB (`ulimit -v`): 1.5 GiB. A correct reader needs far less
/// for any file here: a child reading the base forms peaks at about 220 MiB of address space
/// (nearly all of it the test binary, its thread stacks and allocator arenas) and 15 MiB
/// resident, the worst hostile file at about 50 MiB resident (the `VmPeak`/`VmHWM` in the
/// output). A reader that sizes a buffer from a number in the file asks for 4 GB to 2.4 TB and
/// is refused at once; before the guard, 15 of the files killed the child at this limit.
const LIMIT_KIB: u64 = 1_500_000;
/// Set in the child: the work it is to do.
const CHILD: &str = "PLANWATCH_HOSTILE_CHILD";
/// A child that runs longer than this is killed and the case fails.
const TIMEOUT: Duration = Duration::from_secs(120);
/// Mutated forms the property test reads (a workbook through four readers, a plan through one).
const MUTATION_CASES: u32 = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Quarterly,
    Values,
    Edit,
    Breakdown,
    Docx,
    /// Task tables: `read_sheets` then `planwatch_plantext::extract_sheets`.
    Sheets,
    /// Plans as published (decision 0057): a PDF's text layer or a saved web page, through
    /// `planwatch_plantext::extract_bytes` (the PDF guard, the interpreter under its budget,
    /// the HTML reader).
    Published,
}

const ENTRIES: [Entry; 7] = [
    Entry::Quarterly,
    Entry::Values,
    Entry::Edit,
    Entry::Breakdown,
    Entry::Docx,
    Entry::Sheets,
    Entry::Published,
];

impl Entry {
    fn name(self) -> &'static str {
        match self {
            Entry::Quarterly => "quarterly",
            Entry::Values => "values",
            Entry::Edit => "edit",
            Entry::Breakdown => "breakdown",
            Entry::Docx => "docx",
            Entry::Sheets => "sheets",
            Entry::Published => "published",
        }
    }

    /// Whether the reader is made for a family of files (`MANIFEST.tsv`'s reader column): the
    /// task-table reader takes workbooks too, through the same guard.
    fn reads(self, family: &str) -> bool {
        match self {
            Entry::Docx => family == "docx",
            Entry::Sheets => family == "sheets" || family == "xlsx",
            Entry::Published => family == "pdf" || family == "html",
            _ => family == "xlsx",
        }
    }
}

fn hostile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/hostile")
}

/// Runs one reader; `Ok` is a clean read (with a short summary), `Err` the refusal message.
fn run(entry: Entry, file_name: &str, bytes: &[u8]) -> Result<String, String> {
    let w = support::world();
    match entry {
        Entry::Quarterly => {
            let meta =
                planwatch_quarterly::read_meta(bytes, &w.settings).map_err(|e| e.to_string())?;
            let c = planwatch_quarterly::xlsx::quarterly::read_quarterly(bytes, &w.read_context())
                .map_err(|e| e.to_string())?;
            Ok(format!(
                "{} {}: {} task rows",
                meta.form,
                meta.period,
                c.tasks.len()
            ))
        }
        Entry::Values => planwatch_quarterly::read_values(
            file_name,
            bytes,
            &w.catalogue,
            &BTreeMap::new(),
            &w.settings,
        )
        .map(|v| format!("{} values", v.values.len()))
        .map_err(|e| e.to_string()),
        Entry::Edit => planwatch_quarterly::xlsx::edit::copy_with(bytes, |_| {})
            .map(|b| format!("{} bytes written", b.len()))
            .map_err(|e| e.to_string()),
        Entry::Breakdown => {
            planwatch_quarterly::xlsx::breakdown::read_breakdown(bytes, &w.breakdown_context())
                .map(|b| format!("{} unchanged items", b.unchanged))
                .map_err(|e| e.to_string())
        }
        Entry::Docx | Entry::Published => planwatch_plantext::extract_bytes(bytes, file_name)
            .map(|p| format!("{} tasks", p.tasks.len()))
            .map_err(|e| e.to_string()),
        Entry::Sheets => planwatch_quarterly::read_sheets(bytes, file_name)
            .map(|s| {
                let p = planwatch_plantext::extract_sheets(&s);
                format!("{} sheets, {} tasks", s.len(), p.tasks.len())
            })
            .map_err(|e| e.to_string()),
    }
}

fn one_line(s: &str) -> String {
    s.replace('\n', " | ").replace('\t', " ")
}

/// The child's peak address space and resident size (from /proc), for the report.
fn peak() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    format!("VmPeak {} VmHWM {}", field("VmPeak:"), field("VmHWM:"))
}

/// The child: does the work named in `PLANWATCH_HOSTILE_CHILD`; without it, nothing.
#[test]
fn hostile_child() {
    let Ok(spec) = std::env::var(CHILD) else {
        return;
    };
    let mut out = std::io::stdout();
    // libtest has written "test hostile_child ... " without a line end.
    writeln!(out).expect("stdout");
    if let Some(cases) = spec.strip_prefix("mutations\t") {
        let cases: u32 = cases.parse().expect("case count");
        mutations::run_cases(cases);
        writeln!(out, "PEAK\t{}", peak()).expect("stdout");
        return;
    }
    let path = PathBuf::from(spec);
    let bytes = std::fs::read(&path).expect("hostile file");
    let name = path
        .file_name()
        .expect("name")
        .to_string_lossy()
        .to_string();
    for entry in ENTRIES {
        writeln!(out, "START\t{}", entry.name()).expect("stdout");
        out.flush().expect("stdout");
        let line = match run(entry, &name, &bytes) {
            Ok(summary) => format!("OUTCOME\t{}\tread\t{}", entry.name(), one_line(&summary)),
            Err(msg) => format!("OUTCOME\t{}\trefused\t{}", entry.name(), one_line(&msg)),
        };
        writeln!(out, "{line}").expect("stdout");
        out.flush().expect("stdout");
    }
    writeln!(out, "PEAK\t{}", peak()).expect("stdout");
}

/// What a child did.
struct ChildRun {
    /// `None` when it ended normally with this code; else how it ended.
    code: Option<i32>,
    ended: String,
    stdout: String,
    stderr: String,
    seconds: f64,
}

impl ChildRun {
    fn normal(&self) -> bool {
        self.code == Some(0)
    }
}

/// Runs this test binary as a child under the address-space limit.
fn child(spec: &str) -> ChildRun {
    let exe = std::env::current_exe().expect("test binary");
    let start = Instant::now();
    let mut c = Command::new("/bin/sh")
        .arg("-c")
        .arg(format!("ulimit -v {LIMIT_KIB} && exec \"$0\" \"$@\""))
        .arg(&exe)
        .args([
            "hostile_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, spec)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the child");
    let mut so = c.stdout.take().expect("stdout");
    let mut se = c.stderr.take().expect("stderr");
    let so = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = so.read_to_string(&mut s);
        s
    });
    let se = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = se.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(st) = c.try_wait().expect("wait") {
            break Some(st);
        }
        if start.elapsed() > TIMEOUT {
            let _ = c.kill();
            let _ = c.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let (code, ended) = match status {
        None => (None, format!("killed after {} s", TIMEOUT.as_secs())),
        Some(st) => match (st.code(), st.signal()) {
            (Some(code), _) => (Some(code), format!("exit {code}")),
            (None, Some(sig)) => (None, format!("killed by signal {sig}{}", signal_name(sig))),
            (None, None) => (None, "ended without code".into()),
        },
    };
    ChildRun {
        code,
        ended,
        stdout: so.join().expect("stdout thread"),
        stderr: se.join().expect("stderr thread"),
        seconds: start.elapsed().as_secs_f64(),
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        6 => " (SIGABRT)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        _ => "",
    }
}

/// Runs `specs` in children, two at a time (the machine's cores), in order of the input.
fn children(specs: &[String]) -> Vec<ChildRun> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(spec) = specs.get(i) else { break };
                    let r = child(spec);
                    results.lock().expect("results").insert(i, r);
                }
            });
        }
    });
    results
        .into_inner()
        .expect("results")
        .into_values()
        .collect()
}

struct Case {
    file: String,
    family: String,
    expect: String,
    what: String,
}

fn manifest() -> Vec<Case> {
    let text = std::fs::read_to_string(hostile_dir().join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 4, "MANIFEST line: {l}");
            Case {
                file: f[0].into(),
                family: f[1].into(),
                expect: f[2].into(),
                what: f[3].into(),
            }
        })
        .collect()
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The outcome lines of a child: reader → (read/refused, message).
fn outcomes(stdout: &str) -> BTreeMap<String, (String, String)> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("OUTCOME\t"))
        .filter_map(|l| {
            let mut f = l.splitn(3, '\t');
            Some((
                f.next()?.to_string(),
                (f.next()?.to_string(), f.next().unwrap_or("").to_string()),
            ))
        })
        .collect()
}

fn started(stdout: &str) -> Option<&str> {
    stdout.lines().rev().find_map(|l| l.strip_prefix("START\t"))
}

fn peak_of(stdout: &str) -> &str {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("PEAK\t"))
        .unwrap_or("-")
}

fn shorten(s: &str, n: usize) -> String {
    let t: String = s.chars().take(n).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}

#[test]
fn every_hostile_file_is_refused_cleanly_under_a_memory_limit() {
    let cases = manifest();
    let mut on_disk: Vec<String> = std::fs::read_dir(hostile_dir())
        .expect("fixtures/hostile")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .filter(|n| {
            [".xlsx", ".docx", ".ods", ".csv", ".xls", ".pdf", ".html"]
                .iter()
                .any(|e| n.ends_with(e))
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = cases.iter().map(|c| c.file.clone()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "MANIFEST.tsv lists exactly the files in fixtures/hostile"
    );

    let specs: Vec<String> = cases
        .iter()
        .map(|c| hostile_dir().join(&c.file).to_string_lossy().to_string())
        .collect();
    let runs = children(&specs);
    let mut failures = Vec::new();
    let mut report = String::new();
    for (case, run) in cases.iter().zip(&runs) {
        let outs = outcomes(&run.stdout);
        report.push_str(&format!(
            "{} — {} [{}, {:.1} s, {}]\n",
            case.file,
            case.what,
            run.ended,
            run.seconds,
            peak_of(&run.stdout)
        ));
        if !run.normal() {
            failures.push(format!(
                "{}: the child did not end normally ({}) while reading with “{}”; stderr: {}",
                case.file,
                run.ended,
                started(&run.stdout).unwrap_or("?"),
                shorten(run.stderr.trim(), 600)
            ));
        }
        for entry in ENTRIES {
            let Some((how, msg)) = outs.get(entry.name()) else {
                report.push_str(&format!("    {:<9} —\n", entry.name()));
                continue;
            };
            report.push_str(&format!(
                "    {:<9} {how:<7} {}\n",
                entry.name(),
                shorten(msg, 160)
            ));
            if !entry.reads(&case.family) && how == "read" {
                // Another kind of file (a CSV given to the plan reader is a plan text): any
                // clean outcome will do.
                continue;
            }
            if how != "refused" {
                failures.push(format!("{}: {} read it ({msg})", case.file, entry.name()));
            } else if !has_cjk(msg) {
                failures.push(format!(
                    "{}: {} refused without a Chinese message: {msg}",
                    case.file,
                    entry.name()
                ));
            } else if entry.reads(&case.family)
                && !case.expect.is_empty()
                && !msg.contains(&case.expect)
            {
                failures.push(format!(
                    "{}: {}'s refusal does not mention “{}”: {msg}",
                    case.file,
                    entry.name(),
                    case.expect
                ));
            }
        }
    }
    println!("{report}");
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_base_forms_read_cleanly_under_the_same_limit() {
    let base = hostile_dir().join("base");
    let specs: Vec<String> = ["quarterly.xlsx", "breakdown.xlsx", "plan.docx"]
        .iter()
        .map(|f| base.join(f).to_string_lossy().to_string())
        .collect();
    let runs = children(&specs);
    let want: [(&str, &[&str]); 3] = [
        ("quarterly.xlsx", &["quarterly", "edit"]),
        ("breakdown.xlsx", &["breakdown", "edit"]),
        ("plan.docx", &["docx"]),
    ];
    for ((file, readers), run) in want.iter().zip(&runs) {
        println!(
            "{file}: {} [{}]\n{}",
            run.ended,
            peak_of(&run.stdout),
            run.stdout
        );
        assert!(run.normal(), "{file}: {} {}", run.ended, run.stderr);
        let outs = outcomes(&run.stdout);
        for r in *readers {
            let (how, msg) = outs.get(*r).expect("outcome");
            assert_eq!(how, "read", "{file} through {r}: {msg}");
        }
    }
}

/// The base files are forms as the product writes them today (else regenerate them with
/// `cargo run -p planwatch-quarterly --example hostile_base` and `make_hostile.py`).
#[test]
fn the_base_forms_are_the_products_own() {
    let w = support::world();
    let base = hostile_dir().join("base");
    let on_disk = std::fs::read(base.join("quarterly.xlsx")).expect("base form");
    let read = |b: &[u8]| {
        planwatch_quarterly::xlsx::quarterly::read_quarterly(b, &w.read_context()).expect("reads")
    };
    let today = read(&w.filled_quarterly());
    assert_eq!(read(&on_disk), today);
    assert_eq!(today.tasks.len(), w.complete_report().tasks.len());
    let on_disk = std::fs::read(base.join("breakdown.xlsx")).expect("base form");
    let read = |b: &[u8]| {
        planwatch_quarterly::xlsx::breakdown::read_breakdown(b, &w.breakdown_context())
            .expect("reads")
    };
    assert_eq!(read(&on_disk), read(&w.breakdown_form()));
}

#[test]
fn mutated_forms_are_read_or_refused_cleanly_under_a_memory_limit() {
    let run = child(&format!("mutations\t{MUTATION_CASES}"));
    let last_case = run
        .stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("CASE\t"))
        .unwrap_or("-");
    let summary = run
        .stdout
        .lines()
        .find(|l| l.starts_with("MUTATIONS\t"))
        .unwrap_or("-");
    println!(
        "{summary} [{}, {:.1} s, {}]",
        run.ended,
        run.seconds,
        peak_of(&run.stdout)
    );
    assert!(
        run.normal(),
        "the mutation child did not end normally ({}); last case: {last_case}\nstdout tail: {}\nstderr: {}",
        run.ended,
        shorten(&run.stdout[run.stdout.len().saturating_sub(2000)..], 2000),
        shorten(run.stderr.trim(), 3000)
    );
}

/// The property test proper, run inside the limited child.
mod mutations {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

    /// A workbook's parts, in order.
    type Parts = Vec<(String, Vec<u8>)>;

    fn parts(path: &Path) -> Parts {
        let bytes = std::fs::read(path).expect("base form");
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).expect("entry");
                let mut data = Vec::new();
                f.read_to_end(&mut data).expect("read");
                (f.name().to_string(), data)
            })
            .collect()
    }

    fn zip(parts: &Parts) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, data) in parts {
            w.start_file(name.as_str(), opts).expect("start");
            w.write_all(data).expect("write");
        }
        w.finish().expect("finish").into_inner()
    }

    /// How a part is changed.
    #[derive(Debug, Clone)]
    enum Mutation {
        /// The n-th run of digits becomes this number.
        Number(usize, String),
        /// The n-th cell reference (in r="…" or ref="…") becomes this one.
        Reference(usize, String),
        /// The n-th attribute is written twice, the second time with this value.
        Duplicate(usize, String),
        /// A row with this number and a cell with this reference before </sheetData>.
        FarRow(u64, String),
        /// The part cut at this share of its length.
        Truncate(f64),
        /// This many nested elements after the root element's start.
        Nest(usize),
    }

    fn huge_number() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("100000000000".to_string()),
            Just("4294967296".to_string()),
            Just("4294967295".to_string()),
            Just("99999999999999999999999".to_string()),
            Just("1048576".to_string()),
            Just("16384".to_string()),
            Just("0".to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            (0u32..200_000).prop_map(|n| n.to_string()),
        ]
    }

    fn column(mut n: u64) -> String {
        let mut s = Vec::new();
        loop {
            s.push(b'A' + (n % 26) as u8);
            n /= 26;
            if n == 0 {
                break;
            }
            n -= 1;
        }
        s.reverse();
        String::from_utf8(s).expect("ascii")
    }

    fn far_reference() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("XFD1048576".to_string()),
            Just("A1048576".to_string()),
            Just("XFD1".to_string()),
            (0u64..20_000, 1u64..2_000_000).prop_map(|(c, r)| format!("{}{r}", column(c))),
            (0u64..40, 1u64..12_000).prop_map(|(c, r)| format!("{}{r}", column(c))),
            (0u64..u64::from(u32::MAX), 1u64..u64::MAX)
                .prop_map(|(c, r)| format!("{}{r}", column(c))),
        ]
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            4 => (any::<usize>(), huge_number()).prop_map(|(i, n)| Mutation::Number(i, n)),
            4 => (any::<usize>(), far_reference()).prop_map(|(i, r)| Mutation::Reference(i, r)),
            2 => (any::<usize>(), huge_number()).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
            2 => (1u64..2_000_000, far_reference()).prop_map(|(r, c)| Mutation::FarRow(r, c)),
            1 => (0.0f64..1.0).prop_map(Mutation::Truncate),
            1 => (1usize..5_000).prop_map(Mutation::Nest),
        ]
    }

    fn nth_match(re: &[(usize, usize)], i: usize) -> Option<(usize, usize)> {
        (!re.is_empty()).then(|| re[i % re.len()])
    }

    /// Byte ranges of the digit runs of `s`.
    fn digit_runs(s: &str) -> Vec<(usize, usize)> {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_digit() {
                let start = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                out.push((start, i));
            } else {
                i += 1;
            }
        }
        out
    }

    /// Byte ranges of the values of r="…" and ref="…" attributes that look like A1 references.
    fn references(s: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for key in [" r=\"", " ref=\""] {
            let mut from = 0;
            while let Some(p) = s[from..].find(key) {
                let start = from + p + key.len();
                let end = start + s[start..].find('"').unwrap_or(0);
                let v = &s[start..end];
                // Only the first reference of a range.
                let first = v.split(':').next().unwrap_or("");
                if !first.is_empty() && first.bytes().all(|c| c.is_ascii_alphanumeric()) {
                    out.push((start, start + first.len()));
                }
                from = end.max(start);
            }
        }
        out
    }

    /// Byte ranges of whole attributes (` name="value"`).
    fn attributes(s: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(p) = s[from..].find("=\"") {
            let eq = from + p;
            let name_start = s[..eq].rfind(' ').map_or(eq, |i| i);
            let Some(close) = s[eq + 2..].find('"') else {
                break;
            };
            let end = eq + 2 + close + 1;
            if name_start < eq && !s[name_start..eq].contains(['<', '>', '"']) {
                out.push((name_start, end));
            }
            from = end;
        }
        out
    }

    fn apply(xml: &str, m: &Mutation) -> String {
        let splice =
            |(a, b): (usize, usize), with: &str| format!("{}{with}{}", &xml[..a], &xml[b..]);
        match m {
            Mutation::Number(i, n) => match nth_match(&digit_runs(xml), *i) {
                Some(r) => splice(r, n),
                None => xml.to_string(),
            },
            Mutation::Reference(i, r) => match nth_match(&references(xml), *i) {
                Some(range) => splice(range, r),
                None => xml.to_string(),
            },
            Mutation::Duplicate(i, n) => match nth_match(&attributes(xml), *i) {
                Some((a, b)) => {
                    let attr = &xml[a..b];
                    let name = &attr[..attr.find('=').expect("attribute")];
                    format!("{}{name}=\"{n}\"{}", &xml[..b], &xml[b..])
                }
                None => xml.to_string(),
            },
            Mutation::FarRow(r, c) => xml.replacen(
                "</sheetData>",
                &format!("<row r=\"{r}\"><c r=\"{c}\"><v>1</v></c></row></sheetData>"),
                1,
            ),
            Mutation::Truncate(share) => {
                let mut cut = (xml.len() as f64 * share) as usize;
                while !xml.is_char_boundary(cut) {
                    cut -= 1;
                }
                xml[..cut].to_string()
            }
            Mutation::Nest(n) => match xml
                .find("?>")
                .map(|p| p + 2)
                .and_then(|p| xml[p..].find('>').map(|q| p + q + 1))
            {
                Some(at) => format!(
                    "{}{}{}{}",
                    &xml[..at],
                    "<x>".repeat(*n),
                    "</x>".repeat(*n),
                    &xml[at..]
                ),
                None => xml.to_string(),
            },
        }
    }

    pub(super) fn run_cases(cases: u32) {
        let base = hostile_dir().join("base");
        let forms = [
            parts(&base.join("quarterly.xlsx")),
            parts(&base.join("breakdown.xlsx")),
            parts(&base.join("plan.docx")),
        ];
        const FORMS: [&str; 3] = ["quarterly", "breakdown", "plan"];
        // The parts the plan reader reads; every XML part of a workbook (a relationship can make
        // calamine read any of them as a sheet).
        const PLAN_PARTS: [&str; 3] =
            ["word/document.xml", "word/numbering.xml", "word/styles.xml"];
        let xml_parts: Vec<(usize, usize)> = forms
            .iter()
            .enumerate()
            .flat_map(|(f, p)| {
                p.iter()
                    .enumerate()
                    .filter(move |(_, (n, _))| {
                        if f == 2 {
                            PLAN_PARTS.contains(&n.as_str())
                        } else {
                            n.ends_with(".xml") || n.ends_with(".rels")
                        }
                    })
                    .map(move |(i, _)| (f, i))
            })
            .collect();
        let config = Config {
            cases,
            max_shrink_iters: 16,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner =
            TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
        let read = std::sync::atomic::AtomicUsize::new(0);
        let refused = std::sync::atomic::AtomicUsize::new(0);
        let strategy = (
            0..xml_parts.len(),
            proptest::collection::vec(mutation(), 1..3),
        );
        let result = runner.run(&strategy, |(which, muts)| {
            let (form, part) = xml_parts[which];
            let mut parts = forms[form].clone();
            let (name, data) = &mut parts[part];
            let mut xml = String::from_utf8(std::mem::take(data)).expect("utf-8 part");
            for m in &muts {
                xml = apply(&xml, m);
            }
            let shown: Vec<String> = muts
                .iter()
                .map(|m| shorten(&format!("{m:?}"), 80))
                .collect();
            println!("CASE\t{} {name}: {}", FORMS[form], shown.join(", "));
            std::io::stdout().flush().expect("stdout");
            *data = xml.into_bytes();
            let bytes = zip(&parts);
            let (entries, file): (&[Entry], &str) = if form == 2 {
                (&[Entry::Docx], "mutated.docx")
            } else {
                (
                    &[
                        Entry::Quarterly,
                        Entry::Values,
                        Entry::Edit,
                        Entry::Breakdown,
                    ],
                    "mutated.xlsx",
                )
            };
            for &entry in entries {
                match run(entry, file, &bytes) {
                    Ok(_) => read.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                    Err(msg) => {
                        if !has_cjk(&msg) {
                            return Err(TestCaseError::fail(format!(
                                "{} refused without a Chinese message: {msg}",
                                entry.name()
                            )));
                        }
                        refused.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                    }
                };
            }
            Ok(())
        });
        println!(
            "MUTATIONS\t{cases} cases\t{} reads\t{} refusals",
            read.into_inner(),
            refused.into_inner()
        );
        if let Err(e) = result {
            panic!("{e}");
        }
    }
}
