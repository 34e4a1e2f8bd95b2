//! One truth: after `planwatch demo --until 2024Q4`, every figure that several outputs show is the
//! same in each — the API (`/api/v1/indicators`, `/api/v1/scores`), the dashboard page,
//! `planwatch assess --format json` and the annual report (HTML) — for a mid-plan quarter, the
//! plan's final quarter and an early one. The test counts what it compared and prints it.

mod common;
mod web_support;

use serde_json::Value;
use web_support::Server;

const DEMO_PASSWORD: &str = "planwatch-demo";

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("JSON: {e}\n{s}"))
}

/// The number shown in the dashboard's `id="overall-score"` tile.
fn dashboard_mean(page: &str) -> f64 {
    let at = page.find("id=\"overall-score\">").expect("the score tile");
    let rest = &page[at + "id=\"overall-score\">".len()..];
    rest.split('<')
        .next()
        .expect("a value")
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("score tile: {e}: {rest:.80}"))
}

#[test]
fn the_api_the_dashboard_the_cli_and_the_report_show_the_same_figures() {
    let server = Server::demo("2024Q4", &[]);
    let mut office = server.client();
    let r = office.try_sign_in("office", DEMO_PASSWORD);
    assert_eq!(r.status, 303, "{}", r.body);
    let mut compared = 0usize;
    let mut outputs = std::collections::BTreeSet::new();

    for period in ["2022Q4", "2023Q2", "2024Q4"] {
        let cli = json(&server.cli(&["assess", "--period", period, "--format", "json"]));
        outputs.insert("assess --format json");
        let api_ind = json(
            &office
                .get(&format!("/api/v1/indicators?period={period}"))
                .body,
        );
        let api_sc = json(&office.get(&format!("/api/v1/scores?period={period}")).body);
        outputs.insert("/api/v1/indicators");
        outputs.insert("/api/v1/scores");
        let page = office.get(&format!("/?period={period}")).body;
        outputs.insert("驾驶舱");

        // Same day of judgement everywhere.
        assert_eq!(cli["as_of"], api_ind["as_of"], "{period}: as-of");
        assert_eq!(cli["as_of"], api_sc["as_of"], "{period}: as-of");
        compared += 2;

        // The units' mean: one figure, rounded once.
        let mean = cli["overall"]["units"]["total"].as_f64().expect("mean");
        assert_eq!(api_sc["overall"].as_f64(), Some(mean), "{period}: API mean");
        assert_eq!(dashboard_mean(&page), mean, "{period}: dashboard mean");
        compared += 2;

        // Every unit's score and rank.
        for u in cli["units"].as_array().expect("units") {
            let name = u["name"].as_str().expect("name");
            let a = api_sc["units"]
                .as_array()
                .expect("units")
                .iter()
                .find(|x| x["name"] == name)
                .unwrap_or_else(|| panic!("{period}: {name} in the API"));
            assert_eq!(a["score"], u["score"]["total"], "{period}: {name} score");
            assert_eq!(a["rank"], u["rank"], "{period}: {name} rank");
            compared += 2;
        }

        // Every indicator's status, light, latest value and assessed target.
        for i in cli["indicators"].as_array().expect("indicators") {
            let id = i["id"].as_str().expect("id");
            let a = api_ind["indicators"]
                .as_array()
                .expect("indicators")
                .iter()
                .find(|x| x["id"] == id)
                .unwrap_or_else(|| panic!("{period}: {id} in the API"));
            assert_eq!(a["status"], i["status"], "{period}: {id} status");
            assert_eq!(a["light"], i["light"], "{period}: {id} light");
            assert_eq!(
                a["latest"]["value"], i["latest"]["value"],
                "{period}: {id} latest"
            );
            assert_eq!(
                a["target"]["value"], i["current_target"]["value"],
                "{period}: {id} target"
            );
            compared += 4;
        }
    }

    // The plan's final year: the report says the same mean and measures 省级以上创新平台数量
    // against the same (stricter) target as the dashboard and the CLI.
    let cli = json(&server.cli(&["assess", "--period", "2024Q4", "--format", "json"]));
    let html_path = server.data_dir().join("annual-2024.html");
    server.cli(&[
        "report",
        "annual",
        "--year",
        "2024",
        "--format",
        "html",
        "--out",
        html_path.to_str().expect("utf-8"),
    ]);
    outputs.insert("annual report (HTML)");
    let html = std::fs::read_to_string(&html_path).expect("report written");
    let mean = cli["overall"]["units"]["total"].as_f64().expect("mean");
    let at = html
        .find("，平均")
        .expect("the report gives the units' mean");
    let near: String = html[at..].chars().take(400).collect();
    assert!(
        near.contains(&format!("{mean:.2}")),
        "the report's mean is the dashboard's {mean:.2}: {near}"
    );
    compared += 1;
    let platforms = cli["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|i| i["name"] == "省级以上创新平台数量")
        .expect("indicator");
    let target = platforms["current_target"]["value"]
        .as_f64()
        .expect("target");
    assert_eq!(target, 30.0, "the stricter of 20 (goals) and 30 (task 17)");
    compared += 1;
    // The final year's report reviews the whole plan with the assessment's own target states.
    assert!(html.contains("计划实施总体评估"), "the whole-plan review");
    let t = &platforms["current_target"];
    let judged = format!(
        "2024年目标30：{}（实际{}）",
        if t["state"] == "met" {
            "已实现"
        } else {
            "未实现"
        },
        t["observed"].as_f64().expect("observed")
    );
    assert!(html.contains(&judged), "{judged} in the report");
    assert!(
        html.contains("计划确定的定性目标共4项") && html.contains("资源型城市绿色转型先行示范"),
        "the plan's qualitative goals are listed for the office to judge"
    );
    compared += 2;
    eprintln!(
        "one truth: {compared} figures compared across {} outputs ({})",
        outputs.len(),
        outputs.into_iter().collect::<Vec<_>>().join(", ")
    );
}
