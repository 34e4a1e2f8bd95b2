//! A server that kept a plan's monitoring sources brings them up to date from the reports changed
//! since when only reports changed by steps that leave the official series as it was (a draft
//! sent for approval, approved and submitted, returned): its answers are then exactly those of a
//! server that reads everything afresh (issue 17, decision 0067). An acceptance loads in full.

mod common;
mod filled;
mod web_support;

use web_support::{Client, Server};

/// What the kept sources give, as the API answers it for the office: the scores (a unit's
/// reporting counts in them), the to-do list and the indicators of the quarter, and the scores
/// of the quarter before (an assessment the steps leave as it was: carried over, not computed).
const ANSWERS: [&str; 4] = [
    "/api/v1/scores?period=2023Q2",
    "/api/v1/scores?period=2023Q3",
    "/api/v1/todo",
    "/api/v1/indicators?period=2023Q3",
];

fn answers(c: &mut Client, paths: &[&str]) -> Vec<String> {
    paths
        .iter()
        .map(|p| {
            let r = c.get(p);
            assert_eq!(r.status, 200, "{p}: {}", r.body);
            r.body
        })
        .collect()
}

/// 市科技局's 2023Q3 form of the plan in scope (or of `plan`), filled in, in `dir`: its path.
fn filled_form(server: &Server, plan: Option<&str>, dir: &std::path::Path) -> String {
    let template = dir.join("t.xlsx");
    let mut args: Vec<&str> = plan.map(|p| vec!["--plan", p]).unwrap_or_default();
    args.extend([
        "template",
        "--unit",
        "市科技局",
        "--period",
        "2023Q3",
        "--out",
        template.to_str().expect("utf-8"),
    ]);
    server.cli(&args);
    let filled = filled::filled_copy(&template, "filled.xlsx");
    filled.to_str().expect("utf-8").to_string()
}

fn loads(server: &Server, how: &str) -> u64 {
    counter(
        server,
        &format!("planwatch_plan_loads_total{{how=\"{how}\"}}"),
    )
}

fn counter(server: &Server, name: &str) -> u64 {
    let text = server.client().get("/metrics").body;
    let line = format!("{name} ");
    text.lines()
        .find_map(|l| l.strip_prefix(line.as_str()))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {line} in {text}"))
}

#[test]
fn sources_brought_up_to_date_report_by_report_answer_as_a_full_read_does() {
    let server = Server::start();
    let dir = tempfile::tempdir().expect("tmp");
    let f = &filled_form(&server, None, dir.path());
    let mut office = server.sign_in("office");

    // The report exists (a new report: read in full), then each step only changes it.
    let out = server.cli(&["submit", f, "--as", "kjj"]);
    assert!(out.contains("待负责人审核"), "{out}");
    let before = answers(&mut office, &ANSWERS);
    let refreshed_before = loads(&server, "changed_reports");
    let carried = r#"planwatch_assessments_total{how="carried"}"#;
    let carried_before = counter(&server, carried);
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
        let kept = answers(&mut office, &ANSWERS);
        // A server started now reads everything afresh.
        let fresh_server = server.another();
        let fresh = answers(&mut fresh_server.sign_in("office"), &ANSWERS);
        assert_eq!(kept, fresh, "after {step:?}");
    }
    assert_ne!(
        before,
        answers(&mut office, &ANSWERS),
        "the steps changed what is shown"
    );
    assert_eq!(
        loads(&server, "changed_reports"),
        refreshed_before + 2,
        "each step was read report by report"
    );
    assert!(
        counter(&server, carried) >= carried_before + 2,
        "2023Q2's assessment was carried over at each step"
    );

    // The unit fills its returned report in again and sends it to its head: it is no longer a
    // returned one, which 2023Q3's assessment shows (2023Q2's alone is carried). Filled in and
    // sent once more, nothing an assessment reads changed: 2023Q3's is carried too.
    let again = std::path::Path::new(f).with_file_name("again.xlsx");
    let bytes = std::fs::read(std::path::Path::new(f).with_file_name("t.xlsx")).expect("template");
    let other_values = planwatch_quarterly::xlsx::edit::copy_with(&bytes, |sheet| {
        filled::fill(sheet);
        for v in sheet.cells.values_mut() {
            if let planwatch_quarterly::xlsx::edit::CellValue::Number(n) = v {
                *n += 1.0;
            }
        }
    })
    .expect("filled with other values");
    std::fs::write(&again, other_values).expect("written");
    let mut carried_by_step = Vec::new();
    for file in [f.as_str(), again.to_str().expect("utf-8")] {
        let carried_before = counter(&server, carried);
        let out = server.cli(&["submit", file, "--as", "kjj"]);
        assert!(out.contains("待负责人审核"), "{out}");
        let kept = answers(&mut office, &ANSWERS);
        let fresh = answers(&mut server.another().sign_in("office"), &ANSWERS);
        assert_eq!(kept, fresh, "filled in again");
        carried_by_step.push(counter(&server, carried) - carried_before);
    }
    assert!(
        carried_by_step[1] > carried_by_step[0],
        "more is carried when nothing read changed: {carried_by_step:?}"
    );
    assert_eq!(
        loads(&server, "changed_reports"),
        refreshed_before + 4,
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
    let kept = answers(&mut office, &ANSWERS);
    let fresh = answers(&mut server.another().sign_in("office"), &ANSWERS);
    assert_eq!(kept, fresh, "after the acceptance");
    assert!(loads(&server, "full") > full);
}

#[test]
fn a_draft_in_the_plan_whose_values_another_reads_leaves_the_others_version() {
    // szjj asks plan1's indicators of the same units: it reads plan1's values (asked once).
    let server = Server::start();
    let dir = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string(web_support::fixture(
        "fixtures/plans/yangquan-2022-2024.gold.json",
    ))
    .expect("gold");
    let mut plan: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    plan["title"] = "阳泉市数字经济发展行动计划（2022—2024年）".into();
    plan["tasks"].as_array_mut().expect("tasks").truncate(5);
    let second = dir.path().join("szjj.json");
    std::fs::write(&second, serde_json::to_string(&plan).expect("JSON")).expect("write");
    server.cli(&[
        "plan",
        "add",
        second.to_str().expect("utf-8"),
        "--code",
        "szjj",
    ]);
    let f = &filled_form(&server, Some("plan1"), dir.path());
    let mut office = server.sign_in("office");
    const SZJJ: [&str; 2] = [
        "/p/szjj/api/v1/scores?period=2023Q3",
        "/p/szjj/api/v1/indicators?period=2023Q3",
    ];
    let szjj = |c: &mut Client| answers(c, &SZJJ);
    let before = szjj(&mut office);
    let kept = loads(&server, "kept");
    let full = loads(&server, "full");
    let changed = loads(&server, "changed_reports");
    // plan1's draft goes to the head, then is submitted: szjj's official series is unchanged.
    let out = server.cli(&["submit", f, "--as", "kjj"]);
    assert!(out.contains("待负责人审核"), "{out}");
    assert_eq!(szjj(&mut office), before);
    server.cli(&["submit", f, "--as", "kjj.head"]);
    assert_eq!(szjj(&mut office), before);
    // szjj's version follows plan1's official series only: its kept sources and answers were
    // not even looked at again.
    assert_eq!(loads(&server, "full"), full, "not read again");
    assert_eq!(loads(&server, "changed_reports"), changed);
    assert_eq!(loads(&server, "kept"), kept);
    // The acceptance publishes plan1's values, which szjj reads: read in full, and as a fresh
    // server answers.
    server.cli(&[
        "--plan",
        "plan1",
        "review",
        "accept",
        "--unit",
        "市科技局",
        "--period",
        "2023Q3",
    ]);
    let after = szjj(&mut office);
    assert_eq!(after, szjj(&mut server.another().sign_in("office")));
    assert!(loads(&server, "full") > full);
}
