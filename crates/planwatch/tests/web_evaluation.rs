//! 报告 → 终期评估评判 against a real server with the demo data of the plan's final year: the
//! office judges a qualitative goal with its evidence and chooses which of two targets applies;
//! both are audited, and the assessment (CLI and API) and the annual report use them. Missing
//! evidence, a value the plan does not state and other roles are refused, changing nothing.

mod common;
mod web_support;

use serde_json::Value;
use web_support::Server;

const DEMO_PASSWORD: &str = "planwatch-demo";

fn platforms(v: &Value, key: &str) -> f64 {
    v[key]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|i| i["id"] == "innovation-platforms")
        .expect("省级以上创新平台数量")["current_target"]["value"]
        .as_f64()
        .expect("a target")
}

#[test]
fn the_office_judges_goals_and_targets_and_every_output_uses_the_judgement() {
    let server = Server::demo("2024Q4", &[]);
    // Demo data is said before anyone signs in.
    let login = server.client().get("/login");
    assert!(login.body.contains("示例数据"), "{}", login.body);
    let mut office = server.client();
    assert_eq!(office.try_sign_in("office", DEMO_PASSWORD).status, 303);
    let mut reporter = server.client();
    assert_eq!(reporter.try_sign_in("kjj", DEMO_PASSWORD).status, 303);

    let page = office.get("/documents/evaluation");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("定性目标（4项）"),
        "the plan's four goals"
    );
    assert!(page.body.contains("资源型城市绿色转型先行示范"));
    assert!(page.body.contains("省级以上创新平台数量"));
    assert!(page.body.contains("未选定：默认按从严的目标测算"));

    // Before any choice: the stricter target (30, task 17).
    let cli = serde_json::from_str::<Value>(
        &server.cli(&["assess", "--period", "2024Q4", "--format", "json"]),
    )
    .expect("json");
    assert_eq!(platforms(&cli, "indicators"), 30.0);

    // Refused: another role, no evidence, a value the plan does not state. Nothing is written.
    let r = reporter.post_form(
        "/documents/evaluation/goal",
        &[("index", "0"), ("verdict", "achieved"), ("evidence", "x")],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    let r = office.post_form(
        "/documents/evaluation/goal",
        &[("index", "0"), ("verdict", "achieved"), ("evidence", "  ")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("请填写评判依据"), "{}", r.body);
    let r = office.post_form(
        "/documents/evaluation/target",
        &[
            ("code", "innovation-platforms"),
            ("year", "2024"),
            ("value", "25"),
            ("reason", "x"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("不是计划为"), "{}", r.body);
    let audit = server.cli(&["audit", "--limit", "20"]);
    assert!(!audit.contains("evaluation.set"), "{audit}");

    // The office judges a goal and chooses the headline goal's 20.
    let evidence = "2024年获批国家资源型地区转型创新试验区，绿色转型案例入选全省典型。";
    let r = office.post_form(
        "/documents/evaluation/goal",
        &[
            ("index", "0"),
            ("verdict", "achieved"),
            ("evidence", evidence),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = office.post_form(
        "/documents/evaluation/target",
        &[
            ("code", "innovation-platforms"),
            ("year", "2024"),
            ("value", "20"),
            ("reason", "以总体目标为考核口径，经领导小组会议研究确定"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = office.get("/documents/evaluation?saved=1");
    assert!(
        page.body.contains("已由 办公室王主任（示例） 选定"),
        "the person, not the username: {}",
        page.body
    );
    let audit = server.cli(&["audit", "--limit", "20"]);
    assert_eq!(audit.matches("evaluation.set").count(), 2, "{audit}");

    // Every output uses the choice: the CLI, the API and the report.
    let cli = serde_json::from_str::<Value>(
        &server.cli(&["assess", "--period", "2024Q4", "--format", "json"]),
    )
    .expect("json");
    assert_eq!(platforms(&cli, "indicators"), 20.0);
    let api: Value =
        serde_json::from_str(&office.get("/api/v1/indicators?period=2024Q4").body).expect("json");
    let api_target = api["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|i| i["id"] == "innovation-platforms")
        .expect("indicator")["target"]["value"]
        .as_f64();
    assert_eq!(api_target, Some(20.0));
    let text = server.cli(&["assess", "--period", "2024Q4"]);
    assert!(text.contains("按领导小组办公室选定的20"), "{text}");
    let html = server.data_dir().join("annual-2024.html");
    server.cli(&[
        "report",
        "annual",
        "--year",
        "2024",
        "--out",
        html.to_str().expect("utf-8"),
    ]);
    let report = std::fs::read_to_string(&html).expect("report");
    assert!(report.contains("定性目标评判情况"), "表5");
    assert!(report.contains("已实现1项"), "the judged goal is counted");
    assert!(
        report.contains("尚待评判3项"),
        "the others wait for the office"
    );
    assert!(
        report.contains("国家资源型地区转型创新试验区"),
        "the evidence"
    );
    assert!(
        report.contains("2024年目标20"),
        "the chosen target in the review"
    );
}
