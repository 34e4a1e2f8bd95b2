//! Many plans in one deployment (issue 17) through the real server: `/p/{code}/…` scopes every
//! page and API route, the cookie keeps the plan for the pages' own links, an unknown code is a
//! 404, a unit's people get one to-do and one 我的填报 across the plans, an indicator another plan
//! already asks is asked once, an ended plan is read-only, and the combined assessment is the
//! weighted mean of the plans' own scores.

mod common;
mod filled;
mod web_support;

use serde_json::Value;
use web_support::{Client, Server, fixture};

/// A second plan with the Yangquan plan's units and indicators (its first five tasks), so that
/// units and indicators are shared.
fn second_plan(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixture("fixtures/plans/yangquan-2022-2024.gold.json"))
        .expect("gold");
    let mut plan: Value = serde_json::from_str(&text).expect("JSON");
    plan["title"] = "阳泉市数字经济发展行动计划（2022—2024年）".into();
    plan["tasks"].as_array_mut().expect("tasks").truncate(5);
    let path = dir.join("szjj.json");
    std::fs::write(&path, serde_json::to_string(&plan).expect("JSON")).expect("write");
    path
}

/// A server on the Yangquan plan (plan1) with the second plan added as `szjj`; the folder holds
/// the second plan's file.
fn two_plans() -> (Server, tempfile::TempDir, std::path::PathBuf) {
    let server = Server::start();
    let dir = tempfile::tempdir().expect("tmp");
    let plan = second_plan(dir.path());
    server.cli(&[
        "plan",
        "add",
        plan.to_str().expect("utf-8"),
        "--code",
        "szjj",
    ]);
    (server, dir, plan)
}

fn json(c: &mut Client, path: &str) -> Value {
    let r = c.get(path);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    serde_json::from_str(&r.body).expect("JSON")
}

/// `unit`'s 2023Q3 form of `plan`, written to `out`; what the command printed.
fn form(server: &Server, plan: &str, unit: &str, out: &std::path::Path) -> String {
    server.cli(&[
        "--plan",
        plan,
        "template",
        "--unit",
        unit,
        "--period",
        "2023Q3",
        "--out",
        out.to_str().expect("utf-8"),
    ])
}

#[test]
fn plans_side_by_side_are_named_in_the_url_and_kept_apart() {
    let server = Server::start();
    // The first plan's quarterly reporting is set up (its indicator catalogue stored).
    server.cli(&["due", "--period", "2023Q3"]);
    let dir = tempfile::tempdir().expect("tmp");
    let plan = second_plan(dir.path());
    let out = server.cli(&[
        "plan",
        "add",
        plan.to_str().expect("utf-8"),
        "--code",
        "szjj",
    ]);
    assert!(out.contains("已新增计划 szjj"), "{out}");
    assert!(
        out.contains("只报一次"),
        "shared indicators are named: {out}"
    );
    let list = server.cli(&["plan", "list"]);
    assert!(list.contains("plan1") && list.contains("szjj"), "{list}");

    let mut office = server.sign_in("office");
    // Each plan's API under its prefix.
    let a = json(&mut office, "/p/plan1/api/v1/tasks");
    let b = json(&mut office, "/p/szjj/api/v1/tasks");
    let count = |v: &Value| v.as_array().map_or(0, Vec::len);
    assert_eq!(count(&a), 22, "{a}");
    assert_eq!(count(&b), 5, "{b}");
    // A page under a prefix says which plan it is and remembers it for the unprefixed links.
    let page = office.get("/p/szjj/tasks");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("当前计划"), "the plan switcher is shown");
    assert!(page.body.contains("阳泉市数字经济发展行动计划"));
    assert!(
        page.body.contains("href=\"/p/plan1/\""),
        "the switcher links the other plan"
    );
    assert_eq!(
        count(&json(&mut office, "/api/v1/tasks")),
        5,
        "the cookie keeps szjj"
    );
    office.get("/p/plan1/");
    assert_eq!(count(&json(&mut office, "/api/v1/tasks")), 22);
    // An unknown code is a 404: a page, or a problem for the API.
    assert_eq!(office.get("/p/nope/tasks").status, 404);
    let r = office.get("/p/nope/api/v1/tasks");
    assert_eq!(r.status, 404);
    assert!(
        r.header("content-type")
            .is_some_and(|t| t.contains("problem+json")),
        "{:?}",
        r.headers
    );
}

#[test]
fn a_units_people_get_one_to_do_list_and_one_reports_page_across_the_plans() {
    let (server, dir, _) = two_plans();
    let mut kjj = server.sign_in("kjj");
    let todo = json(&mut kjj, "/api/v1/todo");
    let items = todo["items"].as_array().expect("items");
    let plans: std::collections::BTreeSet<&str> =
        items.iter().filter_map(|i| i["plan"].as_str()).collect();
    assert_eq!(
        plans.into_iter().collect::<Vec<_>>(),
        ["plan1", "szjj"],
        "{todo}"
    );
    for i in items {
        let code = i["plan"].as_str().expect("each item names its plan");
        let link = i["link"].as_str().expect("link");
        assert!(link.starts_with(&format!("/p/{code}/")), "{link}");
        assert!(i["plan_title"].as_str().is_some_and(|t| !t.is_empty()));
    }
    // Every link opens, in its plan.
    let first = items[0]["link"].as_str().expect("link");
    assert_eq!(kjj.get(first).status, 200, "{first}");
    // 我的填报 lists the quarters of both plans, each linking into its plan.
    let page = kjj.get("/reports").body;
    assert!(page.contains("/p/plan1/reports/"), "plan1 rows");
    assert!(page.contains("/p/szjj/reports/"), "szjj rows");
    assert!(page.contains("阳泉市数字经济发展行动计划"));

    let template = |t: &std::path::Path, plan: &str| form(&server, plan, "市科技局", t);
    // The Yangquan indicators 市科技局 reports are asked in plan1 only: szjj's form has none.
    let t = dir.path().join("b.xlsx");
    let out = template(&t, "szjj");
    assert!(out.contains("指标 0 项"), "{out}");
    // The form names its plan: submitted without --plan it goes back to szjj, and the other
    // plan refuses it by name.
    let f = filled::filled_copy(&t, "b-filled.xlsx");
    let f = f.to_str().expect("utf-8");
    let refused = server.cli_output(&["--plan", "plan1", "submit", f, "--as", "kjj"]);
    assert_eq!(refused.status.code(), Some(1));
    let e = String::from_utf8_lossy(&refused.stderr);
    assert!(e.contains("是计划 szjj 的报送表"), "{e}");
    let out = server.cli(&["submit", f, "--as", "kjj"]);
    assert!(out.contains("待负责人审核"), "{out}");
    // The head's to-do has it to approve, in szjj.
    let mut head = server.sign_in("kjj.head");
    let todo = json(&mut head, "/api/v1/todo");
    let approve: Vec<&Value> = todo["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["kind"] == "approve")
        .collect();
    assert_eq!(approve.len(), 1, "{todo}");
    assert_eq!(approve[0]["plan"], "szjj");
    assert_eq!(approve[0]["period"], "2023Q3");
    let t = dir.path().join("a.xlsx");
    let out = template(&t, "plan1");
    assert!(!out.contains("指标 0 项"), "{out}");
}

#[test]
fn an_ended_plan_is_read_only_and_says_so() {
    let (server, _dir, plan) = two_plans();
    let out = server.cli(&["--plan", "szjj", "plan", "state", "ended"]);
    assert!(out.contains("已结束"), "{out}");
    let mut kjj = server.sign_in("kjj");
    let page = kjj.get("/p/szjj/");
    assert!(page.body.contains("只能查阅"), "the banner");
    // Writing in it is refused with the reason; reading works.
    let units = json(&mut kjj, "/p/szjj/api/v1/units");
    let id = units
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["name"] == "市科技局")
        .and_then(|u| u["id"].as_i64())
        .expect("市科技局");
    kjj.get("/p/szjj/");
    let r = kjj.post_form(
        &format!("/reports/{id}/2024Q4/extension"),
        &[("until", "2030-01-31"), ("reason", "数据尚未发布")],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("已结束"), "{}", r.body);
    // The only active plan is the default again, on the command line too.
    let show = server.cli(&["plan", "show"]);
    assert!(show.contains("重点任务 22 项"), "{show}");
    let refused = server.cli_output(&[
        "--plan",
        "szjj",
        "plan",
        "import",
        plan.to_str().expect("utf-8"),
    ]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("已结束"));
}

/// Another city's plan names the same indicators, reported by its own department: they are its
/// own figures, asked in its own form, not taken over from the first plan (decision 0066's
/// amendment of 0064).
#[test]
fn a_same_named_indicator_of_another_unit_is_its_own_and_asked_in_its_plan() {
    let server = Server::start();
    server.cli(&["due", "--period", "2023Q3"]);
    let dir = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string(fixture("fixtures/plans/yangquan-2022-2024.gold.json"))
        .expect("gold")
        .replace("市科技局", "市数据局");
    let mut plan: Value = serde_json::from_str(&text).expect("JSON");
    plan["title"] = "晋中市国家创新型城市建设三年行动计划（2022—2024年）".into();
    let path = dir.path().join("jz.json");
    std::fs::write(&path, serde_json::to_string(&plan).expect("JSON")).expect("write");
    let out = server.cli(&["plan", "add", path.to_str().expect("utf-8"), "--code", "jz"]);
    assert!(out.contains("已新增计划 jz"), "{out}");
    let out = form(&server, "jz", "市数据局", &dir.path().join("jz.xlsx"));
    assert!(
        out.contains("已生成") && !out.contains("指标 0 项"),
        "{out}"
    );
    // 市科技局 still reports its own in plan1.
    let out = form(&server, "plan1", "市科技局", &dir.path().join("kjj.xlsx"));
    assert!(!out.contains("指标 0 项"), "{out}");
}

#[test]
fn with_more_plans_than_the_switcher_lists_it_links_to_all_plans_which_finds_them() {
    let (server, dir, plan) = two_plans();
    // Twelve more (fourteen in all): more than the switcher lists itself (SWITCHER_MAX, 12).
    let text = std::fs::read_to_string(&plan).expect("plan");
    for n in 0..12 {
        let mut p: Value = serde_json::from_str(&text).expect("JSON");
        p["title"] = format!("阳泉市第{n}号专项行动计划").into();
        p["tasks"].as_array_mut().expect("tasks").truncate(1);
        let file = dir.path().join(format!("x{n}.json"));
        std::fs::write(&file, serde_json::to_string(&p).expect("JSON")).expect("write");
        let code = format!("x{n}");
        server.cli(&[
            "plan",
            "add",
            file.to_str().expect("utf-8"),
            "--code",
            &code,
        ]);
    }
    let mut office = server.sign_in("office");
    let page = office.get("/p/szjj/");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("（共 14 个）") && page.body.contains("href=\"/plans\""),
        "the bar links to 全部计划"
    );
    assert!(
        !page.body.contains("href=\"/p/x7/\""),
        "the switcher does not list fourteen plans"
    );
    let all = office.get("/plans");
    assert_eq!(all.status, 200);
    for code in ["plan1", "szjj", "x0", "x11"] {
        assert!(
            all.body.contains(&format!("href=\"/p/{code}/\"")),
            "{code} is listed"
        );
    }
    assert!(all.body.contains("本系统中的 14 个计划"));
    // Found by title (any part of it) or code; the others are left out.
    let found = office.get("/plans?q=%E7%AC%AC7%E5%8F%B7");
    assert!(found.body.contains("href=\"/p/x7/\""), "{}", found.body);
    assert!(!found.body.contains("href=\"/p/x6/\""));
    assert!(found.body.contains("共 1 个（全部 14 个中）"));
    let by_code = office.get("/plans?q=SZJJ");
    assert!(by_code.body.contains("href=\"/p/szjj/\""));
    assert!(!by_code.body.contains("href=\"/p/plan1/\""));
    // By state: an ended plan only under 已结束.
    server.cli(&["--plan", "x3", "plan", "state", "ended"]);
    let ended = office.get("/plans?state=ended");
    assert!(ended.body.contains("href=\"/p/x3/\""));
    assert!(!ended.body.contains("href=\"/p/x4/\""));
    // With few plans the switcher lists them itself, and 全部计划 last.
    let (small, _d, _p) = two_plans();
    let mut office = small.sign_in("office");
    let page = office.get("/p/szjj/");
    assert!(page.body.contains("href=\"/p/plan1/\"") && page.body.contains("全部计划…"));
}
