//! Notifications that reach people (issue 15 item 2, decision 0061), end to end with the real
//! binary and real receivers on loopback started by the test (`tests/notify/receivers.py`): an
//! SMTP server (aiosmtpd from PyPI) and an HTTP server standing in for the group robots. The
//! e-mails and robot messages that arrive are checked: Chinese subject and body naming the unit,
//! the period, the deadline and the link; each platform's JSON as its robot API expects.
//!
//! The Python with aiosmtpd is `PLANWATCH_AIOSMTPD_PYTHON`, else `target/aiosmtpd-venv/bin/python`
//! of the workspace (scripts/test.sh installs it), else `python3`.

mod common;
mod web_support;

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("PLANWATCH_AIOSMTPD_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = workspace().join("target/aiosmtpd-venv/bin/python");
    if venv.is_file() {
        return venv;
    }
    PathBuf::from("python3")
}

/// The receivers, with every message they got.
struct Receivers {
    child: Child,
    got: Arc<Mutex<Vec<Value>>>,
    smtp: u16,
    http: u16,
}

impl Receivers {
    fn start() -> Receivers {
        let mut child = Command::new(python())
            .arg(workspace().join("tests/notify/receivers.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python starts (aiosmtpd: see scripts/test.sh)");
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let ready = lines
            .next()
            .expect("the receivers print READY")
            .expect("a line");
        let port = |name: &str| -> u16 {
            ready
                .split_whitespace()
                .find_map(|w| w.strip_prefix(&format!("{name}=")))
                .and_then(|p| p.parse().ok())
                .unwrap_or_else(|| panic!("no {name} port in {ready:?} (is aiosmtpd installed?)"))
        };
        let (smtp, http) = (port("smtp"), port("http"));
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let v: Value = serde_json::from_str(&line).expect("a JSON line");
                sink.lock().expect("not poisoned").push(v);
            }
        });
        Receivers {
            child,
            got,
            smtp,
            http,
        }
    }

    /// Waits (up to 20 s) until `n` messages of `kind` have arrived since `from`, and returns them.
    fn wait(&self, kind: &str, from: usize, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let all: Vec<Value> = self.got.lock().expect("not poisoned")[from..].to_vec();
            let these: Vec<Value> = all.into_iter().filter(|v| v["type"] == kind).collect();
            if these.len() >= n || Instant::now() > deadline {
                assert_eq!(these.len(), n, "{kind} messages: {these:#?}");
                return these;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn count(&self) -> usize {
        self.got.lock().expect("not poisoned").len()
    }
}

impl Drop for Receivers {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const PUBLIC: &str = "https://planwatch.example.org";

/// `planwatch --data-dir DATA ARGS…` with the notification settings `vars`.
fn run(data: &Path, vars: &[(&str, String)], args: &[&str], stdin: Option<&str>) -> String {
    let mut cmd = common::planwatch(Some(data), None);
    for k in [
        "PLANWATCH_SMTP_URL",
        "PLANWATCH_SMTP_FROM",
        "PLANWATCH_WEBHOOK_URL",
        "PLANWATCH_WEBHOOK_KIND",
        "PLANWATCH_PUBLIC_URL",
        "PLANWATCH_REMIND_DAYS",
        "PLANWATCH_REMIND_AT",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.args(args);
    let out = common::run_with(&mut cmd, stdin);
    assert!(
        out.status.success(),
        "planwatch {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn settings(r: &Receivers, robot: &str) -> Vec<(&'static str, String)> {
    vec![
        ("PLANWATCH_SMTP_URL", format!("smtp://127.0.0.1:{}", r.smtp)),
        (
            "PLANWATCH_SMTP_FROM",
            "PlanWatch <planwatch@example.org>".to_string(),
        ),
        (
            "PLANWATCH_WEBHOOK_URL",
            format!("http://127.0.0.1:{}/{robot}?key=test", r.http),
        ),
        ("PLANWATCH_WEBHOOK_KIND", robot.to_string()),
        ("PLANWATCH_PUBLIC_URL", PUBLIC.to_string()),
    ]
}

/// The link of a unit's report page for 2024Q2 (`/reports/{unit id}/2024Q2`), the unit's id read
/// from the store while no command runs.
fn link(data: &Path, unit: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let id = rt.block_on(async {
        let loc = planwatch_store::Location::resolve(data, None).expect("sqlite");
        let store = planwatch_store::Store::open(&loc, planwatch_store::OpenMode::Existing)
            .await
            .expect("opens");
        let u = store
            .unit_by_name(unit)
            .await
            .expect("reads")
            .expect("the unit exists");
        store.close().await;
        u.id
    });
    format!("{PUBLIC}/reports/{id}/2024Q2")
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn reminders_returns_and_acceptances_reach_mail_and_every_robot_format() {
    let r = Receivers::start();
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("data");
    run(
        &data,
        &[],
        &["demo", "--until", "2024Q2", "--no-serve"],
        None,
    );
    // A reporter for one of the units that have not reported 2024Q2.
    run(
        &data,
        &[],
        &[
            "user",
            "add",
            "zsj",
            "--role",
            "reporter",
            "--unit",
            "市招商中心",
            "--name",
            "招商中心填报员",
            "--email",
            "zsj@example.org",
            "--mobile",
            "13800000000",
            "--password-stdin",
        ],
        Some("Zhaoshang-2024-pw\n"),
    );

    // A dry run lists the messages and sends nothing.
    let wecom = settings(&r, "wecom");
    let dry = run(
        &data,
        &wecom,
        &["remind", "--period", "2024Q2", "--dry-run"],
        None,
    );
    assert!(dry.contains("逾期未报（overdue）：5 个单位"), "{dry}");
    assert!(dry.contains("电子邮件 1 封，群机器人消息 5 条"), "{dry}");
    assert!(
        dry.contains("【逾期提醒】市招商中心2024年第二季度报告已逾期"),
        "{dry}"
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(r.count(), 0, "a dry run sends nothing");

    // The reminders: one e-mail (the one person with an address), five robot messages.
    let out = run(&data, &wecom, &["remind", "--period", "2024Q2"], None);
    assert!(out.contains("逾期未报（overdue）：5 个单位"), "{out}");
    assert!(out.contains("投递：成功 6，失败 0"), "{out}");
    let mail = &r.wait("mail", 0, 1)[0];
    assert_eq!(mail["rcpt_tos"], serde_json::json!(["zsj@example.org"]));
    assert_eq!(mail["mail_from"], "planwatch@example.org");
    assert_eq!(
        mail["subject"],
        "【逾期提醒】市招商中心2024年第二季度报告已逾期"
    );
    let body = mail["body"].as_str().expect("text");
    for want in [
        "市招商中心",
        "2024年第二季度",
        "截止日期为2024年7月10日",
        &link(&data, "市招商中心"),
    ] {
        assert!(body.contains(want), "{want} in {body}");
    }
    let hooks = r.wait("webhook", 0, 5);
    for h in &hooks {
        assert_eq!(h["path"], "/wecom?key=test");
        assert!(
            h["content_type"]
                .as_str()
                .unwrap_or("")
                .starts_with("application/json")
        );
        // 企业微信: {"msgtype":"text","text":{"content":…}} and nothing else.
        assert_eq!(keys(&h["json"]), ["msgtype", "text"]);
        assert_eq!(h["json"]["msgtype"], "text");
        assert_eq!(keys(&h["json"]["text"]), ["content"]);
    }
    let zs = hooks
        .iter()
        .find(|h| {
            h["json"]["text"]["content"]
                .as_str()
                .unwrap_or("")
                .contains("市招商中心")
        })
        .expect("the robot hears about 市招商中心");
    assert!(
        zs["json"]["text"]["content"]
            .as_str()
            .unwrap_or("")
            .contains(&link(&data, "市招商中心"))
    );

    // The same reminders again the same day: nothing is sent twice.
    let before = r.count();
    let again = run(&data, &wecom, &["remind", "--period", "2024Q2"], None);
    assert!(again.contains("今天已发过、不再重复：5 个单位"), "{again}");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(r.count(), before);

    // A return by the office (command line) reaches the unit's reporter and head by e-mail and
    // the 钉钉 robot, with the comment.
    let ding = settings(&r, "dingtalk");
    let from = r.count();
    run(
        &data,
        &ding,
        &[
            "review",
            "reopen",
            "--unit",
            "市科技局",
            "--period",
            "2024Q2",
            "--reason",
            "请补充佐证材料",
        ],
        None,
    );
    run(
        &data,
        &ding,
        &[
            "review",
            "approve",
            "--unit",
            "市科技局",
            "--period",
            "2024Q2",
            "--as",
            "kjj.head",
        ],
        None,
    );
    run(
        &data,
        &ding,
        &[
            "review",
            "send",
            "--unit",
            "市科技局",
            "--period",
            "2024Q2",
            "--as",
            "kjj.head",
        ],
        None,
    );
    // The reopening sent 2 e-mails and 1 robot message (approving and sending tell nobody).
    r.wait("mail", from, 2);
    r.wait("webhook", from, 1);
    let from_return = r.count();
    run(
        &data,
        &ding,
        &[
            "review",
            "return",
            "--unit",
            "市科技局",
            "--period",
            "2024Q2",
            "--comment",
            "第3行完成情况与指标不一致，请核实后重报。",
        ],
        None,
    );
    let mails = r.wait("mail", from_return, 2);
    let mut to: Vec<String> = mails
        .iter()
        .map(|m| m["rcpt_tos"][0].as_str().unwrap_or("").to_string())
        .collect();
    to.sort();
    assert_eq!(to, ["kjj.head@example.org", "kjj@example.org"]);
    for m in &mails {
        assert_eq!(m["subject"], "【退回修改】市科技局2024年第二季度报告被退回");
        let b = m["body"].as_str().expect("text");
        for want in [
            "退回意见：第3行完成情况与指标不一致，请核实后重报。",
            "截止日期2024年7月10日",
            &link(&data, "市科技局"),
        ] {
            assert!(b.contains(want), "{want} in {b}");
        }
    }
    let ding_hook = &r.wait("webhook", from_return, 1)[0];
    assert_eq!(ding_hook["path"], "/dingtalk?key=test");
    // 钉钉: {"msgtype":"text","text":{"content":…}}.
    assert_eq!(keys(&ding_hook["json"]), ["msgtype", "text"]);
    assert!(
        ding_hook["json"]["text"]["content"]
            .as_str()
            .unwrap_or("")
            .contains("退回意见")
    );

    // An acceptance reaches the 飞书 robot in its own format.
    let feishu = settings(&r, "feishu");
    run(
        &data,
        &feishu,
        &[
            "review",
            "approve",
            "--unit",
            "市科技局",
            "--period",
            "2024Q2",
            "--as",
            "kjj.head",
        ],
        None,
    );
    run(
        &data,
        &feishu,
        &[
            "review",
            "send",
            "--unit",
            "市科技局",
            "--period",
            "2024Q2",
            "--as",
            "kjj.head",
        ],
        None,
    );
    let from_accept = r.count();
    run(
        &data,
        &feishu,
        &[
            "review",
            "accept",
            "--unit",
            "市科技局",
            "--period",
            "2024Q2",
        ],
        None,
    );
    let fs = &r.wait("webhook", from_accept, 1)[0];
    assert_eq!(fs["path"], "/feishu?key=test");
    // 飞书: {"msg_type":"text","content":{"text":…}}.
    assert_eq!(keys(&fs["json"]), ["content", "msg_type"]);
    assert_eq!(fs["json"]["msg_type"], "text");
    assert_eq!(keys(&fs["json"]["content"]), ["text"]);
    assert!(
        fs["json"]["content"]["text"]
            .as_str()
            .unwrap_or("")
            .starts_with("【已采纳】市科技局2024年第二季度报告已采纳")
    );
    r.wait("mail", from_accept, 2);
}

#[test]
fn an_unreachable_or_refusing_robot_fails_the_delivery_not_the_command() {
    let r = Receivers::start();
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("data");
    run(
        &data,
        &[],
        &["demo", "--until", "2024Q2", "--no-serve"],
        None,
    );
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let vars = vec![
        (
            "PLANWATCH_WEBHOOK_URL",
            format!("http://127.0.0.1:{closed}/"),
        ),
        ("PLANWATCH_WEBHOOK_KIND", "wecom".to_string()),
    ];
    let out = run(&data, &vars, &["remind", "--period", "2024Q2"], None);
    assert!(out.contains("投递：成功 0，失败 5"), "{out}");
    // A robot that answers 200 with an error code is a failure too, with its answer kept.
    let vars = vec![
        (
            "PLANWATCH_WEBHOOK_URL",
            format!("http://127.0.0.1:{}/reject", r.http),
        ),
        ("PLANWATCH_WEBHOOK_KIND", "wecom".to_string()),
    ];
    let out = run(
        &data,
        &vars,
        &[
            "review",
            "reopen",
            "--unit",
            "市科技局",
            "--period",
            "2024Q2",
            "--reason",
            "补充材料",
        ],
        None,
    );
    assert!(out.contains("已重新开放"), "{out}");
    r.wait("webhook", 0, 1);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let loc = planwatch_store::Location::resolve(&data, None).expect("sqlite");
        let store = planwatch_store::Store::open(&loc, planwatch_store::OpenMode::Existing)
            .await
            .expect("opens");
        let ds = store.deliveries(100).await.expect("reads");
        assert_eq!(ds.len(), 6);
        assert!(
            ds.iter().all(|d| d.status == "pending" && d.attempts == 1),
            "{ds:#?}"
        );
        assert!(
            ds[0].last_error.as_deref().unwrap_or("").contains("93000"),
            "{:?}",
            ds[0]
        );
        assert!(
            ds[1]
                .last_error
                .as_deref()
                .unwrap_or("")
                .contains("无法连接"),
            "{:?}",
            ds[1]
        );
        store.close().await;
    });
}

/// A client signed in with a demo account.
fn demo_sign_in(server: &web_support::Server, who: &str) -> web_support::Client {
    let mut c = server.client();
    let r = c.try_sign_in(who, planwatch_app::demo_accounts::DEMO_PASSWORD);
    assert_eq!(r.status, 303, "signing in as {who}: {}", r.body);
    c
}

/// The version and state of a unit's 2024Q2 report, from `planwatch due`.
fn report_version(server: &web_support::Server, unit: &str) -> u64 {
    let out = server.cli(&["due", "--period", "2024Q2", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).expect("JSON");
    v.as_array()
        .and_then(|a| a.iter().find(|l| l["unit"] == unit))
        .and_then(|l| l["version"].as_u64())
        .unwrap_or_else(|| panic!("{unit} has a 2024Q2 report"))
}

#[test]
fn a_return_in_the_browser_reaches_the_sink_without_waiting_for_a_slow_robot() {
    let r = Receivers::start();
    let smtp = format!("smtp://127.0.0.1:{}", r.smtp);
    // The robot answers only after 60 s: the page must not wait for it.
    let robot = format!("http://127.0.0.1:{}/slow", r.http);
    let server = web_support::Server::demo(
        "2024Q2",
        &[
            "--smtp-url",
            &smtp,
            "--smtp-from",
            "PlanWatch <planwatch@example.org>",
            "--webhook-url",
            &robot,
            "--webhook-kind",
            "wecom",
            "--public-url",
            PUBLIC,
            "--remind-at",
            "off",
        ],
    );
    let unit = {
        let mut leader = demo_sign_in(&server, "leader");
        let units: Value = serde_json::from_str(&leader.get("/api/v1/units").body).expect("JSON");
        units
            .as_array()
            .and_then(|a| a.iter().find(|u| u["name"] == "市科技局"))
            .map(|u| u["id"].to_string())
            .expect("市科技局")
    };
    // The unit sends 2024Q2 again (command line, no mail settings there).
    server.cli(&[
        "review",
        "reopen",
        "--unit",
        "市科技局",
        "--period",
        "2024Q2",
        "--reason",
        "补充材料",
    ]);
    server.cli(&[
        "review",
        "approve",
        "--unit",
        "市科技局",
        "--period",
        "2024Q2",
        "--as",
        "kjj.head",
    ]);
    server.cli(&[
        "review",
        "send",
        "--unit",
        "市科技局",
        "--period",
        "2024Q2",
        "--as",
        "kjj.head",
    ]);
    let version = report_version(&server, "市科技局").to_string();

    // The office returns it with a comment on the report page.
    let mut office = demo_sign_in(&server, "office");
    let started = Instant::now();
    let resp = office.post_form(
        &format!("/reports/{unit}/2024Q2/review"),
        &[
            ("action", "return"),
            ("comment", "请补充第3行的佐证材料。"),
            ("version", &version),
        ],
    );
    let took = started.elapsed();
    assert_eq!(resp.status, 303, "{}", resp.body);
    assert!(
        took < Duration::from_secs(5),
        "the page waited {took:?} for the notifications"
    );

    // The reporter and the head get the e-mail from the server's background sender.
    let mails = r.wait("mail", 0, 2);
    for m in &mails {
        assert_eq!(m["subject"], "【退回修改】市科技局2024年第二季度报告被退回");
        let b = m["body"].as_str().expect("text");
        assert!(b.contains("退回意见：请补充第3行的佐证材料。"), "{b}");
        assert!(
            b.contains(&format!("{PUBLIC}/reports/{unit}/2024Q2")),
            "{b}"
        );
    }
    r.wait("webhook", 0, 1);

    // In the app: the reporter's 通知 page and the API, then marked read.
    let mut kjj = demo_sign_in(&server, "kjj");
    let page = kjj.get("/notifications");
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("【退回修改】市科技局2024年第二季度报告被退回"),
        "{}",
        page.body
    );
    assert!(page.body.contains("请补充第3行的佐证材料。"));
    assert!(
        page.body
            .contains(&format!("href=\"/reports/{unit}/2024Q2\""))
    );
    let api: Value = serde_json::from_str(&kjj.get("/api/v1/notifications").body).expect("JSON");
    let unread = api["unread"].as_i64().expect("a count");
    assert!(unread >= 1, "{api}");
    assert_eq!(api["items"][0]["kind"], "returned");
    assert_eq!(
        kjj.post_form("/notifications/read", &[("id", "all")])
            .status,
        303
    );
    let api: Value = serde_json::from_str(&kjj.get("/api/v1/notifications").body).expect("JSON");
    assert_eq!(api["unread"], 0);
    // Nobody else's list changed: the head still has theirs unread.
    let mut head = demo_sign_in(&server, "kjj.head");
    let theirs: Value =
        serde_json::from_str(&head.get("/api/v1/notifications").body).expect("JSON");
    assert!(theirs["unread"].as_i64().unwrap_or(0) >= 1, "{theirs}");

    // 催办 for every late unit: one 督办 entry with its audit row per unit.
    let resp = office.post_form(
        "/reports/urge",
        &[("period", "2024Q2"), ("note", "请于本周内报送")],
    );
    assert_eq!(resp.status, 303, "{}", resp.body);
    let audit = server.cli(&["audit", "--entity", "supervision", "--format", "json"]);
    let rows: Value = serde_json::from_str(&audit).expect("JSON");
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), 5, "{audit}");
    assert!(
        rows.iter()
            .all(|e| e["action"] == "supervision.urge" && e["actor"] == "office"),
        "{audit}"
    );
    // A reporter may not chase anyone.
    assert_eq!(
        kjj.post_form("/reports/urge", &[("period", "2024Q2")])
            .status,
        403
    );
}
