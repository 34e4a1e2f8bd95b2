//! What the pages show, through a real server: the plan by section, a task with its units and
//! targets, a reporter's own tasks, the plan import preview and its confirmation, and that a
//! second app server on the same database shows a new revision at once.

mod common;
mod web_support;

use web_support::{Server, fixture};

#[test]
fn the_plan_page_lists_every_task_under_its_section_with_its_units() {
    let server = Server::start();
    let mut c = server.sign_in("leader");
    let page = c.get("/plan");
    assert_eq!(page.status, 200);
    for n in 1..=22 {
        assert!(
            page.body.contains(&format!("href=\"/tasks/{n}\"")),
            "task {n}"
        );
    }
    assert!(page.body.contains("主要目标"));
    assert!(page.body.contains("不低于200家"), "targets read as phrases");
    assert!(page.body.contains("市科技局"));
}

#[test]
fn a_task_page_shows_lead_and_participating_units_targets_and_milestones() {
    let server = Server::start();
    let mut c = server.sign_in("kjj");
    let page = c.get("/tasks/2");
    assert_eq!(page.status, 200);
    let b = &page.body;
    assert!(b.contains("加快煤炭绿色高效开发利用和可再生能源发展"));
    assert!(b.contains("牵头单位") && b.contains("市能源局"));
    assert!(b.contains("参加单位") && b.contains("华阳集团"));
    assert!(b.contains("3—5座"), "a range target");
    assert!(
        b.contains("2023年") && b.contains("具备开工条件"),
        "a milestone"
    );
    assert!(b.contains("产业发展专班"));
}

#[test]
fn a_reporter_sees_the_tasks_of_their_unit_including_those_of_its_groups() {
    let server = Server::start();
    let mut c = server.sign_in("kjj");
    let home = c.get("/");
    assert!(home.body.contains("市科技局的任务"));
    assert!(home.body.contains("badge blue\">牵头"));
    let mut admin = server.sign_in("admin");
    let r = admin.post_form(
        "/users",
        &[
            ("username", "pd"),
            ("role", "reporter"),
            ("unit", "平定县人民政府"),
            ("password", "correct horse battery"),
        ],
    );
    assert_eq!(r.status, 303);
    let mut county = server.client();
    assert_eq!(
        county.try_sign_in("pd", "correct horse battery").status,
        303
    );
    let home = county.get("/");
    assert!(home.body.contains("平定县人民政府的任务"));
    // The plan names 各县（区）人民政府, never 平定县 itself: its tasks come through the group.
    assert!(home.body.contains("href=\"/tasks/"), "{}", home.body);
}

fn corrected_plan_json() -> String {
    let text = std::fs::read_to_string(fixture("fixtures/plans/yangquan-2022-2024.gold.json"))
        .expect("gold fixture");
    let mut plan: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    plan["tasks"][0]["title"] =
        serde_json::Value::String("打造百亿级新材料产业基地（校对）".into());
    plan.to_string()
}

#[test]
fn a_plan_import_is_previewed_then_confirmed_and_a_second_server_shows_it_at_once() {
    let server = Server::start();
    let other = server.another();
    let mut reader = other.sign_in("leader");
    assert!(!reader.get("/tasks/1").body.contains("（校对）"));

    let mut office = server.sign_in("office");
    let json = corrected_plan_json();
    let preview = office.post_multipart("/plan/import", &[("text", json.as_str())]);
    assert_eq!(preview.status, 200);
    assert!(preview.body.contains("将保存为第 2 版"));
    assert!(preview.body.contains("（校对）"));
    assert!(preview.body.contains("action=\"/plan/import/confirm\""));
    // Nothing is saved by the preview.
    assert!(!reader.get("/plan/revisions").body.contains("第 2 版"));

    let confirm = office.post_form(
        "/plan/import/confirm",
        &[("file_name", "粘贴的文本"), ("content", json.as_str())],
    );
    assert_eq!(confirm.status, 303);
    assert_eq!(confirm.header("location"), Some("/plan/revisions"));
    // The other app server keeps the plan in memory, yet shows the new revision at once.
    let task = reader.get("/tasks/1");
    assert!(task.body.contains("（校对）"), "{}", task.body);
    assert!(reader.get("/plan/revisions").body.contains("第 2 版"));
    let api: serde_json::Value =
        serde_json::from_str(&reader.get("/api/v1/plan").body).expect("JSON");
    assert_eq!(api["revision"]["number"], 2);
    // The change is in the audit trail under the office's name.
    let audit = office.get("/audit?entity=plan_revision");
    assert!(audit.body.contains("导入计划新版本"));
    assert!(audit.body.contains(">office<"));
}

#[test]
fn a_plan_with_blocking_problems_is_shown_and_cannot_be_imported() {
    let server = Server::start();
    let mut office = server.sign_in("office");
    let preview = office.post_multipart("/plan/import", &[("text", "这不是一份计划\n第二行")]);
    assert_eq!(preview.status, 200);
    assert!(preview.body.contains("有阻断性问题，不能导入"));
    assert!(!preview.body.contains("action=\"/plan/import/confirm\""));
    assert!(
        preview.body.contains("id=\"L2\""),
        "the text is shown line by line"
    );
    let forced = office.post_form(
        "/plan/import/confirm",
        &[("file_name", "x.txt"), ("content", "这不是一份计划")],
    );
    assert_eq!(
        forced.status, 200,
        "the confirmation shows the problems again"
    );
    assert!(forced.body.contains("有阻断性问题"));
    assert!(!office.get("/plan/revisions").body.contains("第 2 版"));
    let broken = office.post_multipart("/plan/import", &[("text", "{\"title\": 1}")]);
    assert_eq!(broken.status, 422);
    assert!(broken.body.contains("计划 JSON 无法读取"));
    let empty = office.post_multipart("/plan/import", &[("text", "  ")]);
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("请选择计划文件"));
}

#[test]
fn the_public_page_is_off_by_default_and_shows_only_the_plan_title_until_something_is_published() {
    let off = Server::start();
    assert_eq!(off.client().get("/public").status, 404);
    let on = Server::start_with(None, &["--public"]);
    let page = on.client().get("/public");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("阳泉市国家创新型城市建设三年行动计划"));
    assert!(page.body.contains("尚未发布任何信息"));
    assert!(
        !page.body.contains("主要目标"),
        "nothing the office did not choose"
    );
    assert!(!page.body.contains("退出"), "no signed-in chrome");
}
