//! The public page (公开) and the office's choice of what it shows, against a real server with
//! demo data: off unless `--public`; readable without signing in; exactly the chosen items, as of
//! a closed period — a published indicator's value is on the page and an unpublished one's is
//! not; never scores or people; 示例数据 while demo data is present; the settings only for the
//! office, with a CSRF token.

mod common;
mod web_support;

use std::io::BufRead as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use web_support::{Client, Server};

const DEMO_PASSWORD: &str = "planwatch-demo";

/// `planwatch serve` on a data folder filled by `planwatch demo` (with its demo accounts).
struct DemoServer {
    child: Child,
    base: String,
    _data: tempfile::TempDir,
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn planwatch(data: &Path) -> Command {
    let mut c = common::planwatch(Some(data), None);
    c.env("PLANWATCH_LOG", "warn");
    c
}

fn demo_server(flags: &[&str]) -> DemoServer {
    let data = tempfile::tempdir().expect("temporary folder");
    let out = planwatch(data.path())
        .args(["demo", "--until", "2023Q4", "--no-serve"])
        .output()
        .expect("demo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut child = planwatch(data.path())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(flags)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("the server prints its address");
    let start = line.find("http://").expect("an address");
    let base = line[start..]
        .split_whitespace()
        .next()
        .expect("address")
        .trim_end_matches('/')
        .to_string();
    DemoServer {
        child,
        base,
        _data: data,
    }
}

impl DemoServer {
    fn client(&self) -> Client {
        Client {
            base: self.base.clone(),
            cookies: Default::default(),
        }
    }

    fn sign_in(&self, who: &str) -> Client {
        let mut c = self.client();
        let r = c.try_sign_in(who, DEMO_PASSWORD);
        assert_eq!(r.status, 303, "{who}: {}", r.body);
        c
    }
}

/// (code, name, preview) of every headline indicator on the settings page.
fn choices(page: &str) -> Vec<(String, String, String)> {
    page.split("<input type=\"checkbox\" name=\"indicator\" value=\"")
        .skip(1)
        .map(|s| {
            let code = s.split('"').next().expect("code").to_string();
            let name = s
                .split_once("> ")
                .map(|(_, rest)| rest)
                .and_then(|x| x.split("</label>").next())
                .expect("name")
                .trim()
                .to_string();
            let preview = s
                .split("</label>")
                .nth(1)
                .and_then(|x| x.split("<span class=\"meta\">").nth(1))
                .and_then(|x| x.split("</span>").next())
                .unwrap_or_default()
                .to_string();
            (code, name, preview)
        })
        .collect()
}

#[test]
fn the_public_page_shows_exactly_what_the_office_publishes() {
    let server = demo_server(&["--public"]);
    let mut anon = server.client();
    let first = anon.get("/public");
    assert_eq!(first.status, 200);
    assert!(first.body.contains("阳泉市国家创新型城市建设三年行动计划"));
    assert!(first.body.contains("尚未发布任何信息"), "{}", first.body);
    assert!(first.body.contains("示例数据"), "demo data is labelled");
    assert!(!first.body.contains("退出"), "no signed-in chrome");

    let mut office = server.sign_in("office");
    let settings = office.get("/public/settings");
    assert_eq!(settings.status, 200);
    assert!(
        settings.body.contains("href=\"/public/settings\""),
        "in the office's nav"
    );
    // First choose the period, so that the page previews what each indicator would show.
    let r = office.post_form(
        "/public/settings",
        &[("revision", "0"), ("as_of", "2023Q4"), ("intro", "")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let settings = office.get("/public/settings").body;
    let with_values: Vec<(String, String, String)> = choices(&settings)
        .into_iter()
        .filter(|(_, _, p)| !p.is_empty() && !p.starts_with("暂无"))
        .collect();
    assert!(with_values.len() >= 2, "{settings}");
    let (published, unpublished) = (&with_values[0], &with_values[1]);
    let value_of = |p: &str| p.split(" · ").next().expect("value").to_string();
    assert_ne!(value_of(&published.2), value_of(&unpublished.2));

    let r = office.post_form(
        "/public/settings",
        &[
            ("revision", "1"),
            (
                "intro",
                "本页公开阳泉市国家创新型城市建设进展。\n数据经领导小组办公室审核。",
            ),
            ("as_of", "2023Q4"),
            ("indicator", published.0.as_str()),
            ("task_counts", "1"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);

    let page = anon.get("/public").body;
    assert!(page.contains("本页公开阳泉市国家创新型城市建设进展。"));
    assert!(page.contains("数据截至2023年第四季度"), "{page}");
    assert!(
        page.contains(&published.1),
        "the published indicator {} is named: {page}",
        published.1
    );
    assert!(
        page.contains(&value_of(&published.2)),
        "its value {} is shown: {page}",
        published.2
    );
    assert!(
        !page.contains(&unpublished.1),
        "an unpublished indicator is not named"
    );
    assert!(
        !page.contains(&value_of(&unpublished.2)),
        "an unpublished value {} is not shown",
        unpublished.2
    );
    assert!(page.contains("项重点任务"), "task counts are published");
    for private in ["得分", "填报员", "示例数据填报员", "市科技局", "尚未发布"]
    {
        assert!(!page.contains(private), "{private} is not public");
    }
    assert!(page.contains("示例数据"));

    // Withdrawing everything: the page says nothing has been published.
    let r = office.post_form(
        "/public/settings",
        &[("revision", "2"), ("intro", ""), ("as_of", "")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = anon.get("/public").body;
    assert!(page.contains("尚未发布任何信息"));
    assert!(!page.contains(&value_of(&published.2)));
    let audit = office.get("/audit?entity=public_page").body;
    assert!(audit.contains("设置公开内容"), "{audit}");
}

#[test]
fn bad_choices_re_render_with_the_message_and_change_nothing() {
    let server = Server::start();
    let mut office = server.sign_in("office");
    let page = office.get("/public/settings");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("id=\"public-off\""),
        "the page says /public is off"
    );
    let code = choices(&page.body)
        .first()
        .map(|c| c.0.clone())
        .expect("a headline indicator");
    for (fields, needle) in [
        (
            vec![("revision", "0"), ("indicator", code.as_str())],
            "须选择数据截至的报送期",
        ),
        (
            vec![
                ("revision", "0"),
                ("indicator", "no-such"),
                ("as_of", "2023Q4"),
            ],
            "不是计划的主要目标",
        ),
        (vec![("revision", "0"), ("as_of", "2023Q9")], "2023Q9"),
        (vec![("revision", "7"), ("intro", "过期页面的说明")], "已被"),
    ] {
        let r = office.post_form("/public/settings", &fields);
        assert_eq!(r.status, 422, "{fields:?}: {}", r.body);
        assert!(r.body.contains(needle), "{needle}: {}", r.body);
    }
    let audit = office.get("/audit?entity=public_page").body;
    assert!(!audit.contains("设置公开内容"), "nothing was saved");
}

#[test]
fn the_settings_are_the_offices_alone_and_need_a_csrf_token() {
    let server = Server::start_with(None, &["--public"]);
    for who in ["admin", "zb", "kjj", "kjj.head", "leader"] {
        let mut c = server.sign_in(who);
        assert_eq!(c.get("/public/settings").status, 403, "{who}");
        let r = c.post_form("/public/settings", &[("intro", "不该公开的说明")]);
        assert_eq!(r.status, 403, "{who}");
        assert!(r.body.contains("无权访问"), "{who}");
    }
    let mut office = server.sign_in("office");
    let r = office.post_form_raw("/public/settings", &[("intro", "不该公开的说明")]);
    assert_eq!(r.status, 403, "no CSRF token");
    let mut anon = server.client();
    let r = anon.get("/public/settings");
    assert_eq!(r.status, 303);
    assert!(
        r.header("location")
            .is_some_and(|l| l.starts_with("/login"))
    );
    let r = anon.post_form("/public/settings", &[("intro", "不该公开的说明")]);
    assert_eq!(r.status, 303, "not signed in");
    let page = anon.get("/public");
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("不该公开的说明"));
    // Without --public the page is not there at all.
    let off = Server::start();
    assert_eq!(off.client().get("/public").status, 404);
}

#[test]
fn pg_the_published_choice_and_the_report_texts_work_on_postgresql() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let Some(pg) = rt.block_on(planwatch_store::testing::ScratchPg::create("pg_web_public")) else {
        return;
    };
    {
        let server = Server::start_with(Some(&pg.url), &["--public"]);
        let mut office = server.sign_in("office");
        let r = office.post_form(
            "/public/settings",
            &[
                ("revision", "0"),
                ("intro", "公开说明（PostgreSQL）"),
                ("as_of", "2023Q4"),
                ("task_counts", "1"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let page = server.client().get("/public").body;
        assert!(page.contains("公开说明（PostgreSQL）"), "{page}");
        assert!(page.contains("共 22 项重点任务"), "{page}");
        let r = office.post_form(
            "/documents/texts",
            &[
                ("year", "2023"),
                ("section", "countermeasures"),
                ("mode", "replace"),
                ("revision", "0"),
                ("text", "加大研发投入。"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let report = office.get("/documents/annual?year=2023&format=html").body;
        assert!(report.contains("加大研发投入。"));
    }
    rt.block_on(pg.drop_database());
}
