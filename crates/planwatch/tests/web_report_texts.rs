//! The office's text for sections of the annual report through the web (报告 → 编辑报告文字),
//! against a real server: saved, shown with its revision and in the generated report in place
//! of the draft; an empty text or a stale form re-renders with the field's message and changes
//! nothing; reporters, leaders, posts without a CSRF token and visitors who are not signed in
//! are refused.

mod common;
mod web_support;

use web_support::{Client, Server};

const PROBLEMS: &str = "一是研发投入强度仍低于全省平均水平。\n二是高层次人才引进难、留住难。";

fn save(c: &mut Client, fields: &[(&str, &str)]) -> web_support::Response {
    c.post_form("/documents/texts", fields)
}

/// The body of a numbered section of the HTML report, up to the next heading.
fn html_section<'a>(page: &'a str, heading: &str) -> &'a str {
    let start = page
        .find(&format!("、{heading}</h2>"))
        .unwrap_or_else(|| panic!("the report has a section {heading}"));
    let rest = &page[start..];
    &rest[..rest.find("<h2>").unwrap_or(rest.len())]
}

#[test]
fn the_office_writes_a_section_and_the_generated_report_carries_it() {
    let server = Server::start();
    let mut office = server.sign_in("office");
    let page = office.get("/documents/texts?year=2023");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"section-problems\""));
    assert!(
        page.body.contains("系统草稿（参考）"),
        "the draft is shown for reference"
    );
    assert!(office.get("/documents").body.contains("/documents/texts"));

    let r = save(
        &mut office,
        &[
            ("year", "2023"),
            ("section", "problems"),
            ("mode", "replace"),
            ("revision", "0"),
            ("text", PROBLEMS),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        r.header("location")
            .is_some_and(|l| l.contains("saved=problems")),
        "{:?}",
        r.headers
    );
    let page = office.get("/documents/texts?year=2023&saved=problems");
    assert!(page.body.contains("已保存“存在的问题”的文字"));
    assert!(
        page.body.contains("替换草稿 · 第 1 版 · office"),
        "{}",
        page.body
    );
    assert!(page.body.contains("二是高层次人才引进难、留住难。"));

    let report = office.get("/documents/annual?year=2023&format=html");
    assert_eq!(report.status, 200);
    let problems = html_section(&report.body, "存在的问题");
    assert!(
        problems.contains("一是研发投入强度仍低于全省平均水平。"),
        "{problems}"
    );
    assert!(!problems.contains("【草稿】"), "{problems}");

    // Clearing brings the draft back (and is in the audit trail with the save).
    let cleared = office.post_form(
        "/documents/texts/clear",
        &[("year", "2023"), ("section", "problems"), ("revision", "1")],
    );
    assert_eq!(cleared.status, 303, "{}", cleared.body);
    let report = office.get("/documents/annual?year=2023&format=html").body;
    assert!(!report.contains("研发投入强度仍低于全省平均水平"));
    let audit = office.get("/audit?entity=report_text").body;
    assert!(audit.contains("2023/problems"), "{audit}");
}

#[test]
fn bad_input_and_stale_forms_re_render_with_the_message_and_change_nothing() {
    let server = Server::start();
    let mut office = server.sign_in("office");
    let empty = save(
        &mut office,
        &[
            ("year", "2023"),
            ("section", "countermeasures"),
            ("mode", "replace"),
            ("revision", "0"),
            ("text", "  \r\n "),
        ],
    );
    assert_eq!(empty.status, 422);
    assert!(
        empty.body.contains("id=\"error-countermeasures\""),
        "{}",
        empty.body
    );
    assert!(empty.body.contains("文字为空，未保存"));

    assert_eq!(
        save(
            &mut office,
            &[
                ("year", "2023"),
                ("section", "countermeasures"),
                ("mode", "append"),
                ("revision", "0"),
                ("text", "加快建设创新平台。"),
            ],
        )
        .status,
        303
    );
    // A second tab still showing revision 0.
    let stale = save(
        &mut office,
        &[
            ("year", "2023"),
            ("section", "countermeasures"),
            ("mode", "replace"),
            ("revision", "0"),
            ("text", "另一个页面上的文字。"),
        ],
    );
    assert_eq!(stale.status, 422);
    assert!(
        stale.body.contains("已被 office 修改（现为第 1 版）"),
        "{}",
        stale.body
    );
    assert!(
        stale.body.contains("另一个页面上的文字。"),
        "what was typed is kept"
    );
    let unknown = save(
        &mut office,
        &[
            ("year", "2023"),
            ("section", "summary"),
            ("mode", "replace"),
            ("text", "文字"),
        ],
    );
    assert_eq!(unknown.status, 422);
    assert!(unknown.body.contains("problems（存在的问题）"));
    let bad_year = save(
        &mut office,
        &[("year", "1999"), ("section", "problems"), ("text", "文字")],
    );
    assert_eq!(bad_year.status, 400);
    let page = office.get("/documents/texts?year=2023").body;
    assert!(page.contains("附在草稿之后 · 第 1 版"), "{page}");
    assert!(page.contains("加快建设创新平台。"));
    assert!(!page.contains("另一个页面上的文字。"));
}

#[test]
fn only_the_office_and_admins_may_write_and_every_post_needs_its_token() {
    let server = Server::start();
    let fields = [
        ("year", "2023"),
        ("section", "problems"),
        ("mode", "replace"),
        ("revision", "0"),
        ("text", "不该保存的文字"),
    ];
    for who in ["kjj", "kjj.head", "leader", "zb"] {
        let mut c = server.sign_in(who);
        assert_eq!(c.get("/documents/texts").status, 403, "{who}");
        let r = save(&mut c, &fields);
        assert_eq!(r.status, 403, "{who}");
        assert!(r.body.contains("无权访问"), "{who}: {}", r.body);
        assert_eq!(
            c.post_form(
                "/documents/texts/clear",
                &[("year", "2023"), ("section", "problems")]
            )
            .status,
            403,
            "{who}"
        );
        assert!(
            !c.get("/documents").body.contains("/documents/texts"),
            "{who}"
        );
    }
    let mut admin = server.sign_in("admin");
    assert_eq!(admin.get("/documents/texts").status, 200);
    // Without the CSRF token, even the office is refused.
    let mut office = server.sign_in("office");
    let r = office.post_form_raw("/documents/texts", &fields);
    assert_eq!(r.status, 403);
    // Not signed in: sent to sign in.
    let mut anon = server.client();
    let r = anon.get("/documents/texts?year=2023");
    assert_eq!(r.status, 303);
    assert!(
        r.header("location")
            .is_some_and(|l| l.starts_with("/login"))
    );
    assert!(
        !office
            .get("/documents/texts?year=2023")
            .body
            .contains("不该保存的文字")
    );
}

/// 报告 → 编辑通报文字: the office's text for a section of a quarter's bulletin is saved with
/// its revision, shown on the page and carried by the bulletin it downloads; a stale form and a
/// section the bulletin does not have change nothing; others may not write. The 报告 page lists
/// the fonts of every role.
#[test]
fn the_office_writes_a_bulletin_section_and_the_downloaded_bulletin_carries_it() {
    let server = Server::start();
    let mut office = server.sign_in("office");
    let documents = office.get("/documents");
    assert!(documents.body.contains("/documents/bulletin-texts"));
    assert!(documents.body.contains("/documents/feedback-all"));
    assert!(
        documents.body.contains("id=\"fonts\"") && documents.body.contains("实际使用"),
        "the fonts table"
    );
    let page = office.get("/documents/bulletin-texts?period=2023Q3");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("2023年第三季度通报 · 办公室文字"));
    assert!(page.body.contains("id=\"section-requirements\""));
    let fields = [
        ("period", "2023Q3"),
        ("section", "requirements"),
        ("mode", "replace"),
        ("revision", "0"),
        ("text", "请各成员单位于10月10日前报送第三季度报告。"),
    ];
    let r = office.post_form("/documents/bulletin-texts", &fields);
    assert_eq!(r.status, 303, "{}", r.body);
    let page = office.get("/documents/bulletin-texts?period=2023Q3&saved=requirements");
    assert!(page.body.contains("已保存“下一步工作要求”的文字"));
    assert!(page.body.contains("替换草稿 · 第 1 版 · office"));
    let bulletin = office.get("/documents/bulletin?period=2023Q3&format=html");
    assert_eq!(bulletin.status, 200, "{}", bulletin.body);
    assert!(
        bulletin
            .body
            .contains("请各成员单位于10月10日前报送第三季度报告。")
    );
    assert!(bulletin.body.contains("关于2023年第三季度"));
    // Another quarter's bulletin does not carry it.
    let other = office.get("/documents/bulletin?period=2023Q2&format=html");
    assert!(
        !other
            .body
            .contains("请各成员单位于10月10日前报送第三季度报告。")
    );

    // The same form again (revision 0) is stale; an unknown section is refused.
    let stale = office.post_form(
        "/documents/bulletin-texts",
        &[
            ("period", "2023Q3"),
            ("section", "requirements"),
            ("mode", "replace"),
            ("revision", "0"),
            ("text", "别的文字"),
        ],
    );
    assert_eq!(stale.status, 422, "{}", stale.body);
    let unknown = office.post_form(
        "/documents/bulletin-texts",
        &[
            ("period", "2023Q3"),
            ("section", "problems"),
            ("mode", "replace"),
            ("revision", "0"),
            ("text", "x"),
        ],
    );
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    assert!(unknown.body.contains("季度通报没有“problems”这一部分"));
    let page = office.get("/documents/bulletin-texts?period=2023Q3");
    assert!(
        page.body
            .contains("请各成员单位于10月10日前报送第三季度报告。")
    );
    assert!(!page.body.contains("别的文字"));

    // A unit's reporter may neither open nor post.
    let mut reporter = server.sign_in("kjj");
    assert_eq!(reporter.get("/documents/bulletin-texts").status, 403);
    let r = reporter.post_form("/documents/bulletin-texts", &fields);
    assert_eq!(r.status, 403, "{}", r.body);
}
