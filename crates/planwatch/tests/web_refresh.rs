//! A server that kept a plan's monitoring sources brings them up to date from the reports changed
//! since when only reports changed by steps that leave the official series as it was (a draft
//! sent for approval, approved and submitted, returned): its answers are then exactly those of a
//! server that reads everything afresh (issue 17, decision 0067). An acceptance loads in full.

mod common;
mod filled;
mod web_support;

use planwatch_quarterly::xlsx::edit::copy_with;
use web_support::{Client, Server};

/// What the kept sources give, as the API answers it for the office: the scores (a unit's
/// reporting counts in them), the to-do list and the indicators of the quarter.
fn answers(c: &mut Client) -> Vec<String> {
    [
        "/api/v1/scores?period=2023Q3",
        "/api/v1/todo",
        "/api/v1/indicators?period=2023Q3",
    ]
    .iter()
    .map(|p| {
        let r = c.get(p);
        assert_eq!(r.status, 200, "{p}: {}", r.body);
        r.body
    })
    .collect()
}

fn loads(server: &Server, how: &str) -> u64 {
    let text = server.client().get("/metrics").body;
    let line = format!("planwatch_plan_loads_total{{how=\"{how}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(line.as_str()))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {line} in {text}"))
}

#[test]
fn sources_brought_up_to_date_report_by_report_answer_as_a_full_read_does() {
    let server = Server::start();
    let dir = tempfile::tempdir().expect("tmp");
    let template = dir.path().join("t.xlsx");
    let t = template.to_str().expect("utf-8");
    server.cli(&[
        "template",
        "--unit",
        "市科技局",
        "--period",
        "2023Q3",
        "--out",
        t,
    ]);
    let filled_path = dir.path().join("filled.xlsx");
    let bytes = std::fs::read(&template).expect("template");
    std::fs::write(&filled_path, copy_with(&bytes, filled::fill).expect("fill")).expect("write");
    let f = filled_path.to_str().expect("utf-8");
    let mut office = server.sign_in("office");

    // The report exists (a new report: read in full), then each step only changes it.
    let out = server.cli(&["submit", f, "--as", "kjj"]);
    assert!(out.contains("待负责人审核"), "{out}");
    let before = answers(&mut office);
    let refreshed_before = loads(&server, "changed_reports");
    let steps: [&[&str]; 2] = [
        &["submit", f, "--as", "kjj.head"],
        &[
            "review",
            "return",
            "--unit",
            "市科技局",
            "--period",
            "2023Q3",
            "--comment",
            "请补充",
        ],
    ];
    for step in steps {
        server.cli(step);
        let kept = answers(&mut office);
        // A server started now reads everything afresh.
        let fresh_server = server.another();
        let fresh = answers(&mut fresh_server.sign_in("office"));
        assert_eq!(kept, fresh, "after {step:?}");
    }
    assert_ne!(
        before,
        answers(&mut office),
        "the steps changed what is shown"
    );
    assert_eq!(
        loads(&server, "changed_reports"),
        refreshed_before + 2,
        "each step was read report by report"
    );

    // An acceptance publishes values: read in full.
    let full = loads(&server, "full");
    server.cli(&["submit", f, "--as", "kjj.head"]);
    server.cli(&[
        "review",
        "accept",
        "--unit",
        "市科技局",
        "--period",
        "2023Q3",
    ]);
    let kept = answers(&mut office);
    let fresh = answers(&mut server.another().sign_in("office"));
    assert_eq!(kept, fresh, "after the acceptance");
    assert!(loads(&server, "full") > full);
}
