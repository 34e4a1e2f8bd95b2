//! Helpers shared by the extractor's integration tests: a compact rendering of a plan for
//! data-driven tests, fixture paths, and a minimal .docx writer.

#![allow(dead_code)]

use planwatch_model::{Plan, Severity, Target, TargetWording};
use std::fmt::Write;
use std::io::Write as _;
use std::path::PathBuf;

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/plans")
        .join(name)
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn comparator(c: Option<TargetWording>) -> &'static str {
    match c {
        Some(TargetWording::AtLeast) => "at_least",
        Some(TargetWording::AtMost) => "at_most",
        Some(TargetWording::Equal) => "equal",
        Some(TargetWording::About) => "about",
        Some(TargetWording::Double) => "double",
        Some(TargetWording::Qualitative) | None => "qualitative",
    }
}

pub fn target(t: &Target) -> String {
    let value = match (t.value, t.value_max) {
        (Some(v), Some(m)) => format!("{}-{}", num(v), num(m)),
        (Some(v), None) => num(v),
        _ => "-".to_string(),
    };
    let year = match (t.year, t.recurrence.as_deref()) {
        (_, Some(r)) => r.to_string(),
        (Some(y), None) => y.to_string(),
        (None, None) => "-".to_string(),
    };
    format!(
        "{value} {} {year} {}",
        t.unit.as_deref().unwrap_or("-"),
        comparator(t.comparator)
    )
}

/// One line per fact, in document order: what the data-driven tests compare.
pub fn render(plan: &Plan) -> String {
    let mut s = String::new();
    if !plan.title.is_empty() {
        let _ = writeln!(s, "title {}", plan.title);
    }
    for g in &plan.goals {
        let _ = writeln!(s, "goal {}", target(g));
    }
    for t in &plan.tasks {
        let sec = if t.section.is_empty() {
            String::new()
        } else {
            format!(" §{}", t.section)
        };
        let _ = writeln!(s, "task {} {} {}{sec}", t.number, t.label, t.title);
        if !t.lead_units.is_empty() {
            let _ = writeln!(s, "  lead {}", t.lead_units.join("|"));
        }
        if !t.participating_units.is_empty() {
            let _ = writeln!(s, "  part {}", t.participating_units.join("|"));
        }
        for x in &t.targets {
            let _ = writeln!(s, "  target {}", target(x));
        }
        for m in &t.milestones {
            let y = match (m.year_start, m.year) {
                (Some(a), Some(b)) => format!("{a}-{b}"),
                (None, Some(b)) => b.to_string(),
                _ => "-".to_string(),
            };
            let _ = writeln!(s, "  milestone {y} {}", m.what);
        }
    }
    for m in &plan.guarantee_measures {
        let _ = writeln!(s, "measure {} {}", m.number, m.title);
    }
    if !plan.task_forces.is_empty() {
        let _ = writeln!(s, "task forces {}", plan.task_forces.join("|"));
    }
    for a in &plan.attachments {
        let _ = writeln!(s, "attachment {} {}", a.number, a.title);
    }
    for d in &plan.diagnostics {
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let _ = writeln!(s, "{sev} {}:{} {}", d.line, d.column, d.code);
    }
    s
}

/// Extracts `input` and compares the rendering with `expected` (leading indentation of the
/// expected block and blank lines are ignored).
pub fn check(input: &str, expected: &str) {
    let plan = planwatch_plantext::extract_text(input);
    let got = render(&plan);
    let want: String = expected
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.strip_prefix("        ").unwrap_or(l))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(got, want, "\n--- got ---\n{got}--- want ---\n{want}");
}

/// A minimal .docx: each line one paragraph (an empty line an empty paragraph), optionally a
/// table of rows after the paragraphs.
pub fn docx(lines: &[&str], table: &[&[&str]]) -> Vec<u8> {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut body = String::new();
    for l in lines {
        if l.is_empty() {
            body.push_str("<w:p/>");
        } else {
            let _ = write!(
                body,
                r#"<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                esc(l)
            );
        }
    }
    if !table.is_empty() {
        body.push_str("<w:tbl>");
        for row in table {
            body.push_str("<w:tr>");
            for c in *row {
                let _ = write!(
                    body,
                    "<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>",
                    esc(c)
                );
            }
            body.push_str("</w:tr>");
        }
        body.push_str("</w:tbl>");
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        zip.start_file("[Content_Types].xml", opts)
            .expect("zip entry");
        zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).expect("write");
        zip.start_file("word/document.xml", opts)
            .expect("zip entry");
        zip.write_all(document.as_bytes()).expect("write");
        zip.finish().expect("zip");
    }
    buf.into_inner()
}
