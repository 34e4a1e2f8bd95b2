//! All 300 Open SDG progress vectors, reproduced in strict-compatibility mode.

use planwatch_monitor::csv_series;

fn vectors() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/monitor/opensdg-progress-vectors.csv"
    );
    std::fs::read_to_string(path).expect("the vectors fixture is in the repository")
}

/// The expected columns of one vector: progress_value, status, score (empty = not computable).
fn expected(line: &str) -> (Option<f64>, String, Option<f64>) {
    let cells: Vec<&str> = line.split(',').collect();
    let n = cells.len();
    let num = |s: &str| (!s.is_empty()).then(|| s.parse::<f64>().expect("numeric cell"));
    (
        num(cells[n - 3]),
        cells[n - 2].to_string(),
        num(cells[n - 1]),
    )
}

fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs()),
        _ => false,
    }
}

#[test]
fn strict_mode_reproduces_every_open_sdg_vector() {
    let text = vectors();
    let rows = csv_series::parse(&text).expect("the fixture parses");
    assert_eq!(rows.len(), 300);
    let lines: Vec<&str> = text.lines().collect();
    let mut mismatches = Vec::new();
    for row in &rows {
        let m = row.strict_measure().expect("every vector is valid input");
        let (value, status, score) = expected(lines[row.line - 1]);
        if !same(m.value, value) || m.status.as_str() != status || !same(m.score, score) {
            mismatches.push(format!(
                "{}: got {:?} {} {:?}, expected {:?} {} {:?}",
                row.case(),
                m.value,
                m.status.as_str(),
                m.score,
                value,
                status,
                score
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn normal_mode_accepts_every_vector_that_has_a_direction() {
    let rows = csv_series::parse(&vectors()).expect("the fixture parses");
    for row in &rows {
        let m = row.normal_measure().expect("every vector has a direction");
        if let Some(s) = m.score {
            assert!((-5.0..=5.0).contains(&s), "{}: score {s}", row.case());
        }
    }
}
