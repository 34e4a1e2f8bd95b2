//! From a plan of its own to the first quarterly form without a file (issue 14): `init --plan`
//! with a real district plan proposes the organisation and the indicator catalogue; the office
//! corrects both on the 指标目录 and 组织架构 pages (refusals change nothing; every change is
//! audited) and reaches a unit's quarterly form with the corrected indicators. Other roles read
//! the pages but cannot change them.

mod common;
mod web_support;

use web_support::{Server, fixture};

fn unit_link(list: &str, unit: &str, quarter: &str) -> String {
    let anchor = format!("\">{unit}</a>");
    let end = list
        .find(&anchor)
        .unwrap_or_else(|| panic!("{unit} on the list:\n{list}"));
    let start = list[..end].rfind("href=\"").expect("a link") + "href=\"".len();
    let href = &list[start..end];
    assert!(href.ends_with(quarter), "{href}");
    href.to_string()
}

#[test]
fn the_office_corrects_the_proposed_catalogue_and_organisation_and_reaches_a_form() {
    let plan = fixture("fixtures/plans/dev/B-01-jingan-tanfeng2025.txt");
    let server = Server::with_plan(
        &plan,
        &[
            ("office", "office", None),
            ("ljl", "reporter", Some("临汾路街道")),
        ],
    );
    // No demo data here: the sign-in page says nothing of it.
    assert!(!server.client().get("/login").body.contains("示例数据"));
    let mut office = server.sign_in("office");
    let mut reporter = server.sign_in("ljl");

    // The proposal: indicators from the plan, figures that are not indicators set aside.
    let page = office.get("/setup/catalogue");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("单位增加值能耗累计下降"),
        "{}",
        page.body
    );
    assert!(page.body.contains("暂不报送"));
    assert!(page.body.contains("配合电力公司"));
    assert!(page.body.contains("是单位名称，不是指标名称"));
    let shown = server.cli(&["catalogue", "show"]);
    assert!(
        shown.contains("单位增加值能耗累计下降（%）  比率  报送单位：统计局"),
        "{shown}"
    );

    // Readers read; only the office changes.
    assert_eq!(reporter.get("/setup/catalogue").status, 200);
    let code = shown
        .lines()
        .find(|l| l.contains("单位增加值能耗累计下降"))
        .and_then(|l| l.split_whitespace().next())
        .expect("its code")
        .to_string();
    let edit = |reporter_unit: &'static str, reported: &'static str| {
        vec![
            ("code", code.clone()),
            ("name", "单位增加值能耗累计下降率".to_string()),
            ("unit", "%".to_string()),
            ("kind", "ratio".to_string()),
            ("direction", "higher_is_better".to_string()),
            ("reporter", reporter_unit.to_string()),
            ("reported", reported.to_string()),
            ("reason", String::new()),
        ]
    };
    let post = |c: &mut web_support::Client, fields: Vec<(&'static str, String)>| {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        c.post_form("/setup/catalogue", &f)
    };
    let r = post(&mut reporter, edit("发展改革委", "1"));
    assert_eq!(r.status, 403, "{}", r.body);
    // A group cannot report a figure: refused with the reason, nothing changed.
    let r = post(&mut office, edit("各相关部门", "1"));
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("是单位组，报送单位须是一个具体单位"),
        "{}",
        r.body
    );
    assert!(
        !server
            .cli(&["audit", "--limit", "50"])
            .contains("indicator.edit")
    );

    // The office renames it and gives it to 发展改革委.
    let r = post(&mut office, edit("发展改革委", "1"));
    assert_eq!(r.status, 303, "{}", r.body);
    let shown = server.cli(&["catalogue", "show"]);
    assert!(
        shown.contains("单位增加值能耗累计下降率（%）  比率  报送单位：发展改革委"),
        "{shown}"
    );
    let audit = server.cli(&["audit", "--limit", "50"]);
    assert_eq!(audit.matches("indicator.edit").count(), 1, "{audit}");

    // A set-aside figure is taken in under a proper name.
    let aside = shown
        .lines()
        .find(|l| l.contains("年内新增"))
        .and_then(|l| l.split_whitespace().next())
        .expect("年内新增 is set aside")
        .to_string();
    let take_in = vec![
        ("code", aside),
        ("name", "新增充电桩".to_string()),
        ("unit", "根".to_string()),
        ("kind", "level".to_string()),
        ("direction", "higher_is_better".to_string()),
        ("reporter", "发展改革委".to_string()),
        ("reported", "1".to_string()),
        ("reason", String::new()),
    ];
    assert_eq!(post(&mut office, take_in).status, 303);

    // The organisation: a group the plan could not fill is filled on the page.
    let page = office.get("/setup/org");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("各相关部门"));
    assert!(page.body.contains("尚未指定成员"));
    assert!(page.body.contains("临汾路街道"));
    let r = reporter.post_form(
        "/setup/org",
        &[
            ("what", "group"),
            ("group", "各相关部门"),
            ("member", "统计局"),
        ],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    let r = office.post_form(
        "/setup/org",
        &[
            ("what", "group"),
            ("group", "各相关部门"),
            ("member", "统计局"),
            ("member", "不存在的局"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("“不存在的局”不是已知单位"), "{}", r.body);
    let r = office.post_form(
        "/setup/org",
        &[
            ("what", "group"),
            ("group", "各相关部门"),
            ("member", "统计局"),
            ("member", "财政局"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let exported = server.cli(&["org", "export"]);
    assert!(
        exported.contains("name = \"各相关部门\"\nmembers = [\"统计局\", \"财政局\"]"),
        "{exported}"
    );
    assert!(exported.contains("seat = \"发展改革委\""), "{exported}");

    // The office reaches 发展改革委's form for the plan's last quarter: the corrected indicators
    // are on it; and 临汾路街道 (a member of 各街镇) has its tasks.
    let list = office.get("/reports?period=2025Q4");
    assert_eq!(list.status, 200, "{}", list.body);
    let form = office.get(&unit_link(&list.body, "发展改革委", "2025Q4"));
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(
        form.body.contains("单位增加值能耗累计下降率"),
        "{}",
        form.body
    );
    assert!(form.body.contains("新增充电桩"), "{}", form.body);
    let form = reporter.get(&unit_link(&list.body, "临汾路街道", "2025Q4"));
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("任务6"), "{}", form.body);
}
