//! Every route × every role, through a real server: allowed (200 or the redirect an action
//! answers with), forbidden (403 with the reason), and not signed in (a redirect to the sign-in
//! page, or 401 JSON from the API). The table below is the permission design in one place; a
//! route added to the router without a row here fails `every_route_of_the_router_is_in_the_table`.

mod common;
mod web_support;

use web_support::{Client, Server};

/// The columns of the table: not signed in, then the accounts of each role.
const WHO: [&str; 7] = ["", "admin", "office", "zb", "kjj", "kjj.head", "leader"];

#[derive(Clone, Copy)]
enum Req {
    Get,
    /// A url-encoded form with the caller's CSRF token.
    Post(&'static [(&'static str, &'static str)]),
    /// A multipart form with the caller's CSRF token in the query string.
    Multipart(&'static [(&'static str, &'static str)]),
    /// A JSON body (the API), with no CSRF token and no bearer token.
    Json(&'static str),
}

use Req::*;

/// Redirect (to the sign-in page when not signed in; after an action otherwise).
const R: u16 = 303;
/// Anyone signed in may; not signed in is sent to sign in.
const SIGNED_IN: [u16; 7] = [R, 200, 200, 200, 200, 200, 200];
/// Admins and the office only.
const OFFICE: [u16; 7] = [R, 200, 200, 403, 403, 403, 403];
/// The office only.
const OFFICE_ONLY: [u16; 7] = [R, 403, 200, 403, 403, 403, 403];
/// Everyone signed in except a unit's people, who see only their own unit (403).
const NOT_OTHER_UNITS: [u16; 7] = [R, 200, 200, 200, 403, 403, 200];
const API: [u16; 7] = [401, 200, 200, 200, 200, 200, 200];
const EVERYONE: [u16; 7] = [200; 7];

/// (request, path, expected status for each column of `WHO`). `{unit}` is the id of 市科技局 (the
/// unit of the reporter and unit head), `{other}` that of 市发展改革委.
const TABLE: &[(Req, &str, [u16; 7])] = &[
    (Get, "/login", [200, R, R, R, R, R, R]),
    (Get, "/healthz", EVERYONE),
    (Get, "/metrics", EVERYONE),
    (Get, "/assets/app.css", EVERYONE),
    (Get, "/assets/nope.css", [404; 7]),
    (Get, "/public", [404; 7]),
    (Get, "/", SIGNED_IN),
    (Get, "/plan", SIGNED_IN),
    (Get, "/plan?rev=1", SIGNED_IN),
    (Get, "/plan?rev=99", [R, 404, 404, 404, 404, 404, 404]),
    (Get, "/plan/revisions", SIGNED_IN),
    (Get, "/plan/import", OFFICE),
    (Get, "/todo", SIGNED_IN),
    (Get, "/tasks", SIGNED_IN),
    (Get, "/tasks?by=task_force", SIGNED_IN),
    (Get, "/tasks/1", SIGNED_IN),
    (Get, "/tasks/999", [R, 404, 404, 404, 404, 404, 404]),
    (Get, "/tasks/abc", [R, 404, 404, 404, 404, 404, 404]),
    (Get, "/units", SIGNED_IN),
    (Get, "/units/combined", SIGNED_IN),
    (
        Get,
        "/units/combined?year=1999",
        [R, 400, 400, 400, 400, 400, 400],
    ),
    (Get, "/units/{unit}", SIGNED_IN),
    (Get, "/units/999999", [R, 404, 404, 404, 404, 404, 404]),
    (Get, "/users", OFFICE),
    (Get, "/audit", OFFICE),
    (Get, "/audit?entity=user&since=2020-01-01", OFFICE),
    (Get, "/account", SIGNED_IN),
    (Get, "/notifications", SIGNED_IN),
    (Get, "/plans", SIGNED_IN),
    (Get, "/plans?q=%E5%88%9B%E6%96%B0&state=active", SIGNED_IN),
    (
        Post(&[("email", "someone@example.org")]),
        "/account/contact",
        [R; 7],
    ),
    (Post(&[("id", "all")]), "/notifications/read", [R; 7]),
    (
        Post(&[("period", "2024Q2")]),
        "/reports/urge",
        [R, 403, R, 403, 403, 403, 403],
    ),
    (Get, "/indicators", SIGNED_IN),
    (Get, "/indicators?period=2023Q4", SIGNED_IN),
    (Get, "/indicators/rd-gdp-share", SIGNED_IN),
    (
        Get,
        "/indicators/no-such-indicator",
        [R, 404, 404, 404, 404, 404, 404],
    ),
    (Get, "/reports", SIGNED_IN),
    (Get, "/reports?period=2023Q3", SIGNED_IN),
    (Get, "/reports/{unit}/2023Q3", SIGNED_IN),
    (Get, "/reports/{other}/2023Q3", NOT_OTHER_UNITS),
    (
        Get,
        "/reports/{unit}/1999Q1",
        [R, 404, 404, 404, 404, 404, 404],
    ),
    (Get, "/reports/{unit}/2023Q3/template.xlsx", SIGNED_IN),
    (
        Get,
        "/reports/{other}/2023Q3/template.xlsx",
        NOT_OTHER_UNITS,
    ),
    (Get, "/review", OFFICE_ONLY),
    (Get, "/documents", SIGNED_IN),
    (Get, "/documents/tasklist.xlsx", SIGNED_IN),
    (
        Get,
        "/documents/annual?year=2023&format=html",
        [R, 200, 200, 200, 403, 403, 200],
    ),
    (
        Get,
        "/documents/annual?year=1999&format=html",
        [R, 400, 400, 400, 403, 403, 400],
    ),
    (
        Get,
        "/documents/feedback?unit=%E5%B8%82%E7%A7%91%E6%8A%80%E5%B1%80&year=2023&format=docx",
        SIGNED_IN,
    ),
    (
        Get,
        "/documents/feedback?unit=%E5%B8%82%E5%8F%91%E5%B1%95%E6%94%B9%E9%9D%A9%E5%A7%94&year=2023&format=docx",
        NOT_OTHER_UNITS,
    ),
    // Every unit's feedback sheets in one zip, the quarterly bulletin and the final report: the
    // readers of the documents (the final report is refused while the plan's last year has not
    // been reported).
    (
        Get,
        "/documents/feedback-all?year=2023&format=docx",
        [R, 200, 200, 200, 403, 403, 200],
    ),
    (
        Get,
        "/documents/bulletin?period=2023Q3&format=html",
        [R, 200, 200, 200, 403, 403, 200],
    ),
    (
        Get,
        "/documents/final?format=html",
        [R, 400, 400, 400, 403, 403, 400],
    ),
    (Get, "/documents/bulletin-texts?period=2023Q3", OFFICE),
    (
        Post(&[
            ("period", "2023Q3"),
            ("section", "requirements"),
            ("mode", "replace"),
            ("text", ""),
        ]),
        "/documents/bulletin-texts",
        [R, 422, 422, 403, 403, 403, 403],
    ),
    (
        Post(&[("period", "2023Q3"), ("section", "requirements")]),
        "/documents/bulletin-texts/clear",
        [R, R, R, 403, 403, 403, 403],
    ),
    (Get, "/documents/texts", OFFICE),
    (Get, "/documents/texts?year=2023", OFFICE),
    (
        Get,
        "/documents/texts?year=1999",
        [R, 400, 400, 403, 403, 403, 403],
    ),
    // Allowed for the office and admins (422: an empty text is refused at its field).
    (
        Post(&[
            ("year", "2023"),
            ("section", "problems"),
            ("mode", "replace"),
            ("text", ""),
        ]),
        "/documents/texts",
        [R, 422, 422, 403, 403, 403, 403],
    ),
    // Clearing a section without text changes nothing and goes back to the page.
    (
        Post(&[("year", "2023"), ("section", "problems")]),
        "/documents/texts/clear",
        [R, R, R, 403, 403, 403, 403],
    ),
    // Readers of the documents see the judgements; only the office judges (422: no evidence,
    // no value chosen).
    (
        Get,
        "/documents/evaluation",
        [R, 200, 200, 200, 403, 403, 200],
    ),
    (
        Post(&[("index", "0"), ("verdict", "achieved"), ("evidence", "")]),
        "/documents/evaluation/goal",
        [R, 403, 422, 403, 403, 403, 403],
    ),
    (
        Post(&[
            ("code", "innovation-platforms"),
            ("year", "2024"),
            ("value", ""),
        ]),
        "/documents/evaluation/target",
        [R, 403, 422, 403, 403, 403, 403],
    ),
    // 指标目录 and 组织架构: everyone reads; the office and the administrator change (422: an
    // indicator code or a unit that does not exist).
    (Get, "/setup/catalogue", SIGNED_IN),
    (Get, "/setup/org", SIGNED_IN),
    (
        Post(&[
            ("code", "nope"),
            ("name", "x"),
            ("kind", "level"),
            ("direction", "higher_is_better"),
            ("reporter", "市科技局"),
            ("reported", "1"),
        ]),
        "/setup/catalogue",
        [R, 422, 422, 403, 403, 403, 403],
    ),
    (
        Post(&[("what", "seat"), ("seat", "不存在的单位")]),
        "/setup/org",
        [R, 422, 422, 403, 403, 403, 403],
    ),
    (Get, "/public/settings", OFFICE_ONLY),
    // Allowed for the office only (422: figures need a closed period).
    (
        Post(&[("indicator", "rd-gdp-share")]),
        "/public/settings",
        [R, 403, 422, 403, 403, 403, 403],
    ),
    (Get, "/no-such-page", [404; 7]),
    (Get, "/api/v1/openapi.json", EVERYONE),
    (Get, "/api/v1/plan", API),
    (Get, "/api/v1/units", API),
    (Get, "/api/v1/todo", API),
    (Get, "/api/v1/notifications", API),
    (Get, "/api/v1/tasks", API),
    (Get, "/api/v1/tasks/1", API),
    (
        Get,
        "/api/v1/tasks/999",
        [401, 404, 404, 404, 404, 404, 404],
    ),
    (Get, "/api/v1/nope", [404; 7]),
    (Get, "/api/v1/indicators", API),
    (Get, "/api/v1/indicators?period=2023Q4", API),
    (Get, "/api/v1/indicators/rd-gdp-share", API),
    (Get, "/api/v1/scores", API),
    (Get, "/api/v1/values?limit=5", API),
    // Writing values takes a unit's API token; a session is refused even for the office.
    (
        Json(r#"{"indicator":"rd-gdp-share","quarter":"2023Q3","value":1.5}"#),
        "/api/v1/values",
        [401, 403, 403, 403, 403, 403, 403],
    ),
    (Get, "/api/v1/reports/{unit}/2023Q3/evidence", API),
    (
        Get,
        "/api/v1/reports/{other}/2023Q3/evidence",
        [401, 200, 200, 200, 403, 403, 200],
    ),
    (
        Get,
        "/api/v1/reports/{unit}/2023Q3/evidence/999999",
        [401, 404, 404, 404, 404, 404, 404],
    ),
    // Uploading evidence through the API takes a unit's write token; a session is refused.
    (
        Multipart(&[("row", "task"), ("key", "T:13")]),
        "/api/v1/reports/{unit}/2023Q3/evidence",
        [401, 403, 403, 403, 403, 403, 403],
    ),
    (Get, "/api-tokens", OFFICE),
    (Post(&[]), "/api-tokens", [R, 422, 422, 403, 403, 403, 403]),
    (
        Post(&[]),
        "/api-tokens/999999/revoke",
        [R, 404, 404, 403, 403, 403, 403],
    ),
    (Post(&[]), "/users", [R, 422, 403, 403, 403, 403, 403]),
    (
        Post(&[("password", "short")]),
        "/users/victim/reset-password",
        [R, 422, 403, 403, 403, 403, 403],
    ),
    (
        Post(&[]),
        "/users/nobody/disable",
        [R, 404, 403, 403, 403, 403, 403],
    ),
    (
        Post(&[("email", "not-an-address")]),
        "/users/victim/contact",
        [R, 422, 403, 403, 403, 403, 403],
    ),
    (
        Post(&[]),
        "/users/victim/revoke-sessions",
        [R, R, 403, 403, 403, 403, 403],
    ),
    (Multipart(&[("text", "不是计划")]), "/plan/import", OFFICE),
    (
        Post(&[("file_name", "a.txt"), ("content", "不是计划")]),
        "/plan/import/confirm",
        OFFICE,
    ),
    // Allowed for the unit's people (400: the empty form does not match the unit's rows).
    (
        Post(&[("intent", "draft"), ("version", "0")]),
        "/reports/{unit}/2023Q3",
        [R, 403, 403, 403, 400, 400, 403],
    ),
    (
        Post(&[("intent", "draft"), ("version", "0")]),
        "/reports/{other}/2023Q3",
        [R, 403, 403, 403, 403, 403, 403],
    ),
    (
        Multipart(&[("version", "0")]),
        "/reports/{unit}/2023Q3/upload",
        [R, 403, 403, 403, 422, 422, 403],
    ),
    (
        Post(&[]),
        "/reports/{unit}/2023Q3/extension",
        [R, 403, 403, 403, 422, 422, 403],
    ),
    (
        Multipart(&[("version", "0")]),
        "/reports/{other}/2023Q3/upload",
        [R, 403, 403, 403, 403, 403, 403],
    ),
    // Evidence: the unit's people attach and remove (422: no file; no such attachment); whoever
    // may read the report downloads (404: no such file).
    (
        Multipart(&[("row", "task"), ("key", "T:13")]),
        "/reports/{unit}/2023Q3/evidence",
        [R, 403, 403, 403, 422, 422, 403],
    ),
    (
        Multipart(&[("row", "task"), ("key", "T:13")]),
        "/reports/{other}/2023Q3/evidence",
        [R, 403, 403, 403, 403, 403, 403],
    ),
    (
        Post(&[("id", "999999")]),
        "/reports/{unit}/2023Q3/evidence/remove",
        [R, 403, 403, 403, 422, 422, 403],
    ),
    (
        Get,
        "/reports/{unit}/2023Q3/evidence/999999",
        [R, 404, 404, 404, 404, 404, 404],
    ),
    (
        Get,
        "/reports/{other}/2023Q3/evidence/999999",
        [R, 404, 404, 404, 403, 403, 404],
    ),
    // Allowed for the office (422: there is no report to accept yet).
    (
        Post(&[("action", "accept"), ("version", "0")]),
        "/reports/{unit}/2023Q3/review",
        [R, 403, 422, 403, 403, 403, 403],
    ),
    (
        Post(&[]),
        "/review/extend",
        [R, 403, 422, 403, 403, 403, 403],
    ),
    (
        Post(&[]),
        "/review/extension-requests/1",
        [R, 403, 422, 403, 403, 403, 403],
    ),
    (
        Post(&[("current", "wrong"), ("new", "x"), ("repeat", "y")]),
        "/account/password",
        [R, 422, 422, 422, 422, 422, 422],
    ),
    // Last: it ends the session.
    (Post(&[]), "/logout", [R; 7]),
];

/// The routes the router declares (method, pattern), kept in step with `web::router()`.
const ROUTER: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/account"),
    ("POST", "/account/password"),
    ("POST", "/account/sessions/revoke"),
    ("GET", "/notifications"),
    ("POST", "/account/contact"),
    ("POST", "/users/{username}/contact"),
    ("POST", "/notifications/read"),
    ("POST", "/reports/urge"),
    ("GET", "/plan"),
    ("GET", "/plan/revisions"),
    ("GET", "/plans"),
    ("GET", "/plan/import"),
    ("POST", "/plan/import"),
    ("POST", "/plan/import/confirm"),
    ("GET", "/todo"),
    ("GET", "/tasks"),
    ("GET", "/tasks/{number}"),
    ("GET", "/units"),
    ("GET", "/units/combined"),
    ("GET", "/units/{id}"),
    ("GET", "/users"),
    ("POST", "/users"),
    ("POST", "/users/{username}/disable"),
    ("POST", "/users/{username}/reset-password"),
    ("POST", "/users/{username}/revoke-sessions"),
    ("GET", "/audit"),
    ("GET", "/indicators"),
    ("GET", "/indicators/{id}"),
    ("GET", "/reports"),
    ("GET", "/reports/{unit}/{quarter}"),
    ("POST", "/reports/{unit}/{quarter}"),
    ("POST", "/reports/{unit}/{quarter}/review"),
    ("GET", "/reports/{unit}/{quarter}/template.xlsx"),
    ("POST", "/reports/{unit}/{quarter}/upload"),
    ("POST", "/reports/{unit}/{quarter}/evidence"),
    ("POST", "/reports/{unit}/{quarter}/evidence/remove"),
    ("GET", "/reports/{unit}/{quarter}/evidence/{id}"),
    ("GET", "/review"),
    ("GET", "/documents"),
    ("GET", "/documents/annual"),
    ("GET", "/documents/feedback"),
    ("GET", "/documents/tasklist.xlsx"),
    ("GET", "/documents/feedback-all"),
    ("GET", "/documents/bulletin"),
    ("GET", "/documents/final"),
    ("GET", "/documents/bulletin-texts"),
    ("POST", "/documents/bulletin-texts"),
    ("POST", "/documents/bulletin-texts/clear"),
    ("GET", "/documents/texts"),
    ("POST", "/documents/texts"),
    ("POST", "/documents/texts/clear"),
    ("GET", "/documents/evaluation"),
    ("POST", "/documents/evaluation/goal"),
    ("POST", "/documents/evaluation/target"),
    ("GET", "/setup/catalogue"),
    ("POST", "/setup/catalogue"),
    ("GET", "/setup/org"),
    ("POST", "/setup/org"),
    ("POST", "/review/extend"),
    ("POST", "/review/extension-requests/{id}"),
    ("POST", "/reports/{unit}/{quarter}/extension"),
    ("GET", "/public"),
    ("GET", "/public/settings"),
    ("POST", "/public/settings"),
    ("GET", "/assets/{*file}"),
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/plan"),
    ("GET", "/api/v1/units"),
    ("GET", "/api/v1/todo"),
    ("GET", "/api/v1/notifications"),
    ("GET", "/api/v1/tasks"),
    ("GET", "/api/v1/tasks/{number}"),
    ("GET", "/api/v1/indicators"),
    ("GET", "/api/v1/indicators/{id}"),
    ("GET", "/api/v1/scores"),
    ("GET", "/api/v1/values"),
    ("POST", "/api/v1/values"),
    ("GET", "/api/v1/reports/{unit}/{quarter}/evidence"),
    ("POST", "/api/v1/reports/{unit}/{quarter}/evidence"),
    ("GET", "/api/v1/reports/{unit}/{quarter}/evidence/{id}"),
    ("GET", "/api-tokens"),
    ("POST", "/api-tokens"),
    ("POST", "/api-tokens/{id}/revoke"),
];

/// Routes covered elsewhere because they end or create sessions: sign-in (`web_auth.rs`) and
/// signing out everywhere.
const COVERED_ELSEWHERE: &[(&str, &str)] =
    &[("POST", "/login"), ("POST", "/account/sessions/revoke")];

fn matches(pattern: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let p: Vec<&str> = pattern.split('/').collect();
    let a: Vec<&str> = path.split('/').collect();
    if p.last().is_some_and(|s| s.starts_with("{*")) {
        return a.len() >= p.len() && p[..p.len() - 1].iter().zip(&a).all(|(x, y)| x == y);
    }
    p.len() == a.len()
        && p.iter()
            .zip(&a)
            .all(|(x, y)| (x.starts_with('{') && x.ends_with('}')) || x == y)
}

#[test]
fn every_route_of_the_router_is_in_the_table() {
    let router_src = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../planwatch-web/src/lib.rs"),
    )
    .expect("router source");
    let api_src = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../planwatch-web/src/api/mod.rs"),
    )
    .expect("api router source");
    // Every `.route("…"` in the sources is listed in ROUTER …
    for (src, prefix) in [(&router_src, ""), (&api_src, "/api/v1")] {
        for piece in src.split(".route(").skip(1) {
            let pattern = piece
                .trim_start()
                .trim_start_matches('"')
                .split('"')
                .next()
                .expect("a quoted pattern");
            let full = format!("{prefix}{pattern}");
            assert!(
                ROUTER.iter().any(|(_, p)| *p == full),
                "route {full} is in the router but not in ROUTER"
            );
        }
    }
    // … and every route in ROUTER has a row in TABLE (or a test of its own).
    for (method, pattern) in ROUTER {
        let covered = COVERED_ELSEWHERE.contains(&(*method, *pattern))
            || TABLE.iter().any(|(req, path, _)| {
                let m = match req {
                    Get => "GET",
                    Post(_) | Multipart(_) | Json(_) => "POST",
                };
                m == *method && matches(pattern, path)
            });
        assert!(covered, "{method} {pattern} has no row in TABLE");
    }
}

fn unit_id(server: &Server, name: &str) -> String {
    let mut c = server.sign_in("leader");
    let units = c.get("/api/v1/units").body;
    let v: serde_json::Value = serde_json::from_str(&units).expect("JSON");
    v.as_array()
        .and_then(|a| a.iter().find(|u| u["name"] == name))
        .map(|u| u["id"].to_string())
        .unwrap_or_else(|| panic!("{name} is a unit"))
}

fn check_column(column: usize) {
    let server = Server::start();
    let unit = unit_id(&server, "市科技局");
    let other = unit_id(&server, "市发展改革委");
    let who = WHO[column];
    let mut client: Client = if who.is_empty() {
        server.client()
    } else {
        server.sign_in(who)
    };
    let label = if who.is_empty() { "not signed in" } else { who };
    let mut failures = Vec::new();
    for (req, path, expected) in TABLE {
        let path = path.replace("{unit}", &unit).replace("{other}", &other);
        let r = match req {
            Get => client.get(&path),
            Post(fields) => client.post_form(&path, fields),
            Multipart(fields) => client.post_multipart(&path, fields),
            Json(body) => client.request(
                "POST",
                &path,
                &[("Content-Type", "application/json")],
                body.as_bytes(),
            ),
        };
        let want = expected[column];
        if r.status != want {
            failures.push(format!("{path}: expected {want}, got {}", r.status));
            continue;
        }
        let api = path.starts_with("/api/");
        let to_sign_in = r
            .header("location")
            .is_some_and(|l| l.starts_with("/login"));
        let problem = match want {
            403 if !api && !r.body.contains("无权访问") => Some("403 without the reason"),
            303 if who.is_empty() && path != "/logout" && !to_sign_in => {
                Some("not sent to the sign-in page")
            }
            401 if !r.body.contains("\"urn:planwatch:problem:not-signed-in\"") => {
                Some("401 without a problem+json error")
            }
            _ => None,
        };
        if let Some(p) = problem {
            failures.push(format!("{path}: {p}"));
        }
    }
    assert!(failures.is_empty(), "{label}:\n  {}", failures.join("\n  "));
}

#[test]
fn routes_for_a_visitor_who_is_not_signed_in() {
    check_column(0);
}

#[test]
fn routes_for_an_admin() {
    check_column(1);
}

#[test]
fn routes_for_the_office() {
    check_column(2);
}

#[test]
fn routes_for_a_task_force_user() {
    check_column(3);
}

#[test]
fn routes_for_a_reporter() {
    check_column(4);
}

#[test]
fn routes_for_a_unit_head() {
    check_column(5);
}

#[test]
fn routes_for_a_leader() {
    check_column(6);
}
