//! 待办 through the real server: the reporter asks the head to approve (待负责人审核, its event
//! and audit row), the head's to-do shows it and the navigation counts it; once approved and
//! submitted the office's to-do has it; once returned the reporter's to-do carries the comment.
//! The same lists at `GET /api/v1/todo` and on the pages.

mod common;
mod filled;
mod web_support;

use serde_json::Value;
use web_support::{Client, Server};

fn todo(c: &mut Client) -> Vec<Value> {
    let r = c.get("/api/v1/todo");
    assert_eq!(r.status, 200, "{}", r.body);
    let v: Value = serde_json::from_str(&r.body).expect("JSON");
    v["items"].as_array().expect("items").clone()
}

fn of_period<'a>(items: &'a [Value], kind: &str, period: &str) -> Vec<&'a Value> {
    items
        .iter()
        .filter(|i| i["kind"] == kind && i["period"] == period)
        .collect()
}

#[test]
fn a_report_moves_through_each_persons_to_do_list() {
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
    let filled_path = filled::filled_copy(&template, "filled.xlsx");
    let f = filled_path.to_str().expect("utf-8");

    let mut kjj = server.sign_in("kjj");
    let mut head = server.sign_in("kjj.head");
    let mut office = server.sign_in("office");

    // Before anything is sent, every quarter of the plan is overdue for the reporter (the plan
    // ended in 2024) and the head has nothing to approve.
    let before = todo(&mut kjj);
    assert_eq!(
        of_period(&before, "overdue", "2023Q3").len(),
        1,
        "{before:?}"
    );
    assert!(todo(&mut head).iter().all(|i| i["kind"] != "approve"));

    // The reporter's workbook goes to the head: 待负责人审核.
    let out = server.cli(&["submit", f, "--as", "kjj"]);
    assert!(out.contains("待负责人审核"), "{out}");
    let head_items = todo(&mut head);
    let approve = of_period(&head_items, "approve", "2023Q3");
    assert_eq!(approve.len(), 1, "{head_items:?}");
    assert_eq!(approve[0]["unit"], "市科技局");
    let link = approve[0]["link"].as_str().expect("link").to_string();
    assert!(
        link.starts_with("/reports/") && link.ends_with("/2023Q3"),
        "{link}"
    );
    let page = head.get(&link).body;
    assert!(
        page.contains("待负责人审核"),
        "the report page says whose turn it is"
    );
    // The head's home page lists it and the navigation counts it.
    let home = head.get("/").body;
    assert!(home.contains("2023年第三季度报告待您审核"), "{home}");
    assert!(
        home.contains("class=\"nav-count\""),
        "the navigation counts the to-do"
    );
    let todo_page = head.get("/todo").body;
    assert!(todo_page.contains("待您审核"), "{todo_page}");
    // The head is told, in the app (the one workflow hook notifies on RequestApproval).
    let r = head.get("/api/v1/notifications");
    assert_eq!(r.status, 200, "{}", r.body);
    let n: Value = serde_json::from_str(&r.body).expect("JSON");
    assert!(
        n["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["kind"] == "awaiting_approval"
                && i["title"].as_str().is_some_and(|t| t.contains("市科技局"))),
        "{n}"
    );
    // The reporter's list no longer asks for 2023Q3.
    assert!(of_period(&todo(&mut kjj), "overdue", "2023Q3").is_empty());
    let audit = server.cli(&["audit", "--entity", "report"]);
    assert!(audit.contains("report.request_approval"), "{audit}");

    // The head approves and submits: the office's turn.
    let out = server.cli(&["submit", f, "--as", "kjj.head"]);
    assert!(out.contains("已报送"), "{out}");
    assert!(of_period(&todo(&mut head), "approve", "2023Q3").is_empty());
    let office_items = todo(&mut office);
    let review = of_period(&office_items, "review", "2023Q3");
    assert_eq!(review.len(), 1, "{office_items:?}");
    assert_eq!(review[0]["unit"], "市科技局");
    assert!(
        office_items.iter().any(|i| i["kind"] == "unit_overdue"),
        "other units' quarters are overdue for the office"
    );

    // The office returns it: the reporter's to-do carries the comment.
    server.cli(&[
        "review",
        "return",
        "--unit",
        "市科技局",
        "--period",
        "2023Q3",
        "--comment",
        "请补充佐证材料",
    ]);
    let items = todo(&mut kjj);
    let returned = of_period(&items, "returned", "2023Q3");
    assert_eq!(returned.len(), 1, "{items:?}");
    assert!(
        returned[0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("请补充佐证材料")),
        "{returned:?}"
    );
    assert_eq!(returned[0]["urgent"], true);
    assert!(of_period(&todo(&mut office), "review", "2023Q3").is_empty());
}

#[test]
fn leaders_and_task_forces_get_what_the_assessment_flags() {
    let server = Server::demo("2024Q4", &[]);
    let mut leader = server.sign_in_demo("leader");
    let items = todo(&mut leader);
    assert!(
        items.iter().any(|i| i["kind"] == "overdue_milestone"),
        "{items:?}"
    );
    let mut tf = server.sign_in_demo("zb.kjcx");
    let items = todo(&mut tf);
    assert!(
        items.iter().all(|i| i["kind"] == "lagging_task"
            && i["link"].as_str().is_some_and(|l| l.starts_with("/tasks/"))),
        "{items:?}"
    );
}

#[test]
fn a_unit_asks_for_more_time_and_the_office_decides_from_its_to_do() {
    let server = Server::start();
    let mut kjj = server.sign_in("kjj");
    let mut office = server.sign_in("office");
    let v: Value = serde_json::from_str(&kjj.get("/api/v1/units").body).expect("JSON");
    let id = v
        .as_array()
        .and_then(|a| a.iter().find(|u| u["name"] == "市科技局"))
        .map(|u| u["id"].to_string())
        .expect("市科技局");
    let path = format!("/reports/{id}/2024Q4");
    // A day before the deadline and an empty reason are refused with the reason why.
    let r = kjj.post_form(
        &format!("{path}/extension"),
        &[("until", "2024-01-01"), ("reason", "统计数据尚未发布")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("须晚于本单位现在的截止日期"), "{}", r.body);
    let r = kjj.post_form(
        &format!("{path}/extension"),
        &[("until", "2027-01-20"), ("reason", "统计数据尚未发布")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = kjj.get(&path).body;
    assert!(page.contains("办公室审批中"), "the unit sees its request");
    // Asking again while the first is open is refused.
    let again = kjj.post_form(
        &format!("{path}/extension"),
        &[("until", "2027-01-25"), ("reason", "再次申请")],
    );
    assert_ne!(again.status, 303, "{}", again.body);

    let items = todo(&mut office);
    let asked = of_period(&items, "extension_asked", "2024Q4");
    assert_eq!(asked.len(), 1, "{items:?}");
    assert!(
        asked[0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("统计数据尚未发布"))
    );
    let review = office.get("/review").body;
    let action = review
        .split("action=\"/review/extension-requests/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the request is on the review page")
        .to_string();
    let r = office.post_form(
        &format!("/review/extension-requests/{action}"),
        &[("decision", "grant"), ("note", "")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(of_period(&todo(&mut office), "extension_asked", "2024Q4").is_empty());
    let page = kjj.get(&path).body;
    assert!(page.contains("已批准"), "the unit sees the decision");
    assert!(page.contains("2027-01-20"), "the unit's deadline moved");
    let audit = server.cli(&["audit", "--entity", "reporting_period"]);
    assert!(
        audit.contains("extension.ask") && audit.contains("extension.grant"),
        "{audit}"
    );
}
