//! The API as a contract (issue 18, 0058), through a real server: every refused parameter is a
//! 422 problem+json naming the field in Chinese; token scopes decide what a token may do on each
//! route; a repeated read costs a 304; a caller over its rate limit gets 429 with Retry-After;
//! the bulk read of values pages through the official series. Every answer seen here is also
//! checked against the server's own OpenAPI document: its status is one the operation lists, with
//! the media type the document gives it.

mod common;
mod web_support;

use serde_json::Value;
use sha2::Digest;
use web_support::{Client, Response, Server};

const DEMO_PASSWORD: &str = "planwatch-demo";

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn signed_in(server: &Server, who: &str) -> Client {
    let mut c = server.client();
    let r = c.try_sign_in(who, DEMO_PASSWORD);
    assert_eq!(r.status, 303, "{}", r.body);
    c
}

/// A new token of 市科技局 with the given scopes (`read`, `write`), created on 接口令牌.
fn token(office: &mut Client, name: &str, scopes: &[&str]) -> String {
    let mut fields = vec![("unit", "市科技局"), ("name", name)];
    for s in scopes {
        fields.push((*s, "on"));
    }
    let page = office.post_form("/api-tokens", &fields);
    assert_eq!(page.status, 200, "{}", page.body);
    page.body
        .split("<pre class=\"json\">")
        .nth(1)
        .expect("the new token is shown once")
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

/// The server's document, and a check of an answer against it.
struct Contract {
    doc: Value,
}

impl Contract {
    fn of(server: &Server) -> Contract {
        let r = server.client().get("/api/v1/openapi.json");
        assert_eq!(r.status, 200);
        Contract { doc: json(&r.body) }
    }

    /// The documented operation of `method path` (path with its query, as requested).
    fn operation(&self, method: &str, path: &str) -> &Value {
        let path = path.split('?').next().unwrap_or(path);
        let (pattern, item) = self.doc["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .find(|(pattern, _)| {
                let p: Vec<&str> = pattern.split('/').collect();
                let a: Vec<&str> = path.split('/').collect();
                p.len() == a.len() && p.iter().zip(&a).all(|(x, y)| x.starts_with('{') || x == y)
            })
            .unwrap_or_else(|| panic!("{path} is not in the document"));
        item.get(method.to_lowercase().as_str())
            .unwrap_or_else(|| panic!("{method} {pattern} is not in the document"))
    }

    /// Asserts that the answer's status is listed for the operation, with its media type.
    fn check(&self, method: &str, path: &str, r: &Response) {
        let op = self.operation(method, path);
        let listed = &op["responses"][r.status.to_string()];
        assert!(
            listed.is_object(),
            "{method} {path} answered {} which the document does not list: {}",
            r.status,
            r.body
        );
        let content_type = r.header("content-type").unwrap_or_default();
        match listed["content"].as_object() {
            Some(types) => assert!(
                types.keys().any(|t| content_type.starts_with(t.as_str())),
                "{method} {path} {}: {content_type} is not among {:?}",
                r.status,
                types.keys().collect::<Vec<_>>()
            ),
            None => assert!(r.body.is_empty(), "{method} {path} {}: no body", r.status),
        }
    }
}

fn get(c: &mut Client, contract: &Contract, path: &str, headers: &[(&str, &str)]) -> Response {
    let r = c.request("GET", path, headers, b"");
    contract.check("GET", path, &r);
    r
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A 422 problem naming `field`.
fn assert_refused(r: &Response, field: &str) -> Value {
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    let p = json(&r.body);
    assert_eq!(p["type"], "urn:planwatch:problem:invalid-parameter", "{p}");
    assert_eq!(p["status"], 422);
    assert_eq!(p["field"], field, "{p}");
    let detail = p["detail"].as_str().expect("detail");
    assert!(has_chinese(detail), "{detail}");
    assert!(has_chinese(p["title"].as_str().expect("title")));
    p
}

#[test]
fn every_refused_parameter_is_a_422_problem_naming_the_field_and_nothing_is_substituted() {
    let server = Server::demo("2024Q2", &["--api-rate-limit", "100000"]);
    let contract = Contract::of(&server);
    let mut leader = signed_in(&server, "leader");
    // The server's today is China's (UTC+8): between 16:00 and 24:00 UTC it is already tomorrow.
    let today = chrono::Utc::now()
        .with_timezone(&planwatch_app::assess::china())
        .date_naive();
    let tomorrow = today.succ_opt().expect("a tomorrow").to_string();
    let cases: Vec<(String, &str)> = vec![
        ("/api/v1/indicators?period=3890Q3".into(), "period"),
        ("/api/v1/indicators?period=".into(), "period"),
        ("/api/v1/indicators?period=2024q1".into(), "period"),
        ("/api/v1/indicators?period=2021Q4".into(), "period"),
        ("/api/v1/scores?period=0000Q1".into(), "period"),
        (
            "/api/v1/indicators/rd-gdp-share?period=2030Q1".into(),
            "period",
        ),
        (
            "/api/v1/indicators?period=2023Q1&period=2023Q2".into(),
            "period",
        ),
        (format!("/api/v1/indicators?as_of={tomorrow}"), "as_of"),
        ("/api/v1/scores?as_of=2024-13-01".into(), "as_of"),
        ("/api/v1/indicators?as_of=".into(), "as_of"),
        ("/api/v1/indicators?perod=2023Q1".into(), "perod"),
        ("/api/v1/plan?x=1".into(), "x"),
        ("/api/v1/tasks/abc".into(), "number"),
        ("/api/v1/tasks/0".into(), "number"),
        ("/api/v1/values?limit=0".into(), "limit"),
        ("/api/v1/values?limit=abc".into(), "limit"),
        ("/api/v1/values?since=2024-7-1".into(), "since"),
        ("/api/v1/values?cursor=zz".into(), "cursor"),
    ];
    for (path, field) in &cases {
        let r = get(&mut leader, &contract, path, &[]);
        let p = assert_refused(&r, field);
        if *field == "period" && !path.contains("&period") {
            // The allowed range is said: the plan's quarters up to the current one.
            assert!(
                p["allowed"]
                    .as_str()
                    .is_some_and(|a| a.starts_with("2022Q1—")),
                "{path}: {p}"
            );
            assert!(p["detail"].as_str().is_some_and(|d| d.contains("2022Q1—")));
        }
    }
    // The issue's example: 3890Q3 used to answer 200 with another quarter's data.
    let p = json(&leader.get("/api/v1/indicators?period=3890Q3").body);
    assert!(
        p["detail"].as_str().is_some_and(|d| d.contains("3890Q3")),
        "{p}"
    );
    // A quarter in range is answered for exactly that quarter.
    let ok = get(
        &mut leader,
        &contract,
        "/api/v1/indicators?period=2023Q1",
        &[],
    );
    assert_eq!(ok.status, 200);
    assert_eq!(json(&ok.body)["period"], "2023Q1");

    // Bodies: the field in error is named, down to the item of a batch.
    let mut office = signed_in(&server, "office");
    let t = token(&mut office, "字段", &["read", "write"]);
    let auth = bearer(&t);
    let mut c = server.client();
    for (body, field) in [
        (
            r#"{"indicator":"rd-gdp-share","quarter":"2023Q5","value":1}"#,
            "quarter",
        ),
        (
            r#"{"indicator":"","quarter":"2023Q3","value":1}"#,
            "indicator",
        ),
        (
            r#"{"indicator":"rd-gdp-share","quarter":"2023Q3","value":"1"}"#,
            "value",
        ),
        (
            r#"{"indicator":"rd-gdp-share","quarter":"2023Q3","value":1,"x":1}"#,
            "x",
        ),
        (
            r#"{"values":[{"indicator":"rd-gdp-share","quarter":"2023Q3","value":1},{"indicator":"rd-gdp-share","quarter":"0000Q1","value":1}]}"#,
            "values[1].quarter",
        ),
    ] {
        let r = c.request(
            "POST",
            "/api/v1/values",
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            body.as_bytes(),
        );
        contract.check("POST", "/api/v1/values", &r);
        assert_refused(&r, field);
    }
    // Not JSON at all: 400; not sent as JSON: 415 — both problems, both documented.
    for (content_type, body, status) in [
        ("application/json", "{", 400),
        ("text/plain", r#"{"indicator":"x"}"#, 415),
    ] {
        let r = c.request(
            "POST",
            "/api/v1/values",
            &[("Authorization", &auth), ("Content-Type", content_type)],
            body.as_bytes(),
        );
        contract.check("POST", "/api/v1/values", &r);
        assert_eq!(r.status, status, "{}", r.body);
        assert!(has_chinese(
            json(&r.body)["detail"].as_str().unwrap_or_default()
        ));
    }
}

#[test]
fn token_scopes_decide_each_route_and_a_session_reads_but_never_writes() {
    let server = Server::demo("2024Q2", &["--api-rate-limit", "100000"]);
    let contract = Contract::of(&server);
    let mut office = signed_in(&server, "office");
    let read = token(&mut office, "只读", &["read"]);
    let write = token(&mut office, "只写", &["write"]);
    let both = token(&mut office, "读写", &["read", "write"]);
    // Without a scope the office is told to choose one; no token is made.
    let none = office.post_form("/api-tokens", &[("unit", "市科技局"), ("name", "无权限")]);
    assert_eq!(none.status, 422);
    assert!(none.body.contains("请至少选择一项权限"), "{}", none.body);
    let list = office.get("/api-tokens").body;
    assert!(list.contains("只读") && list.contains("读写"));

    let reads = [
        "/api/v1/plan",
        "/api/v1/units",
        "/api/v1/tasks",
        "/api/v1/tasks/2",
        "/api/v1/indicators",
        "/api/v1/indicators/rd-gdp-share",
        "/api/v1/scores",
        "/api/v1/values",
    ];
    let mut c = server.client();
    let mut leader = signed_in(&server, "leader");
    for path in reads {
        for (who, token, expected) in [
            ("read", &read, 200),
            ("write", &write, 403),
            ("both", &both, 200),
        ] {
            let r = get(
                &mut c,
                &contract,
                path,
                &[("Authorization", &bearer(token))],
            );
            assert_eq!(r.status, expected, "{who} token, {path}: {}", r.body);
            if expected == 403 {
                assert!(
                    json(&r.body)["detail"]
                        .as_str()
                        .is_some_and(|d| d.contains("只写"))
                );
            }
        }
        assert_eq!(
            get(&mut leader, &contract, path, &[]).status,
            200,
            "session, {path}"
        );
        let anonymous = get(&mut server.client(), &contract, path, &[]);
        assert_eq!(anonymous.status, 401, "{path}");
        let forged = get(&mut c, &contract, path, &[("Authorization", "Bearer 00ff")]);
        assert_eq!(forged.status, 401, "{path}");
    }
    let value = r#"{"indicator":"hightech-revenue-share","quarter":"2024Q3","value":12.5,"source":"统计局"}"#.as_bytes();
    for (who, auth, expected) in [
        ("read", bearer(&read), 403),
        ("write", bearer(&write), 200),
        ("both", bearer(&both), 200),
    ] {
        let r = c.request(
            "POST",
            "/api/v1/values",
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            value,
        );
        contract.check("POST", "/api/v1/values", &r);
        assert_eq!(r.status, expected, "{who}: {}", r.body);
    }
    let r = leader.request(
        "POST",
        "/api/v1/values",
        &[("Content-Type", "application/json")],
        value,
    );
    contract.check("POST", "/api/v1/values", &r);
    assert_eq!(r.status, 403, "a session never writes");
    // The document says the same: reads take a session or a read token, writes a write token.
    assert_eq!(
        contract.operation("GET", "/api/v1/plan")["security"],
        serde_json::json!([{ "session": [] }, { "token": ["read"] }])
    );
    assert_eq!(
        contract.operation("POST", "/api/v1/values")["security"],
        serde_json::json!([{ "token": ["write"] }])
    );
}

#[test]
fn a_repeated_read_is_a_304_until_the_answer_changes() {
    let server = Server::demo("2024Q2", &["--api-rate-limit", "100000"]);
    let contract = Contract::of(&server);
    let mut office = signed_in(&server, "office");
    let t = token(&mut office, "轮询", &["read", "write"]);
    let auth = bearer(&t);
    let mut c = server.client();
    for path in [
        "/api/v1/openapi.json",
        "/api/v1/plan",
        "/api/v1/units",
        "/api/v1/tasks",
        "/api/v1/tasks/3",
        "/api/v1/indicators?period=2023Q4",
        "/api/v1/indicators/rd-gdp-share",
        "/api/v1/scores",
        "/api/v1/values?limit=10",
    ] {
        let first = get(&mut c, &contract, path, &[("Authorization", &auth)]);
        assert_eq!(first.status, 200, "{path}");
        let etag = first.header("etag").expect("an ETag").to_string();
        assert!(etag.starts_with("W/\"") && etag.len() > 10, "{etag}");
        // A hash of the exact bytes, whether the answer was made now or kept (rendered.rs).
        let hash: String = sha2::Sha256::digest(&first.bytes)
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(etag, format!("W/\"{hash}\""), "{path}");
        let kept = get(&mut c, &contract, path, &[("Authorization", &auth)]);
        assert_eq!(kept.header("etag"), Some(etag.as_str()), "{path}");
        assert_eq!(kept.bytes, first.bytes, "{path}");
        assert!(first.header("last-modified").is_some(), "{path}");
        let again = get(
            &mut c,
            &contract,
            path,
            &[("Authorization", &auth), ("If-None-Match", &etag)],
        );
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        let other = get(
            &mut c,
            &contract,
            path,
            &[
                ("Authorization", &auth),
                ("If-None-Match", "\"something-else\""),
            ],
        );
        assert_eq!(other.status, 200, "{path}");
    }
    // Last-Modified: a poll with If-Modified-Since is 304 until the data changes.
    let tasks = get(
        &mut c,
        &contract,
        "/api/v1/tasks",
        &[("Authorization", &auth)],
    );
    let modified = tasks
        .header("last-modified")
        .expect("Last-Modified")
        .to_string();
    let etag = tasks.header("etag").expect("ETag").to_string();
    let poll = |c: &mut Client| {
        get(
            c,
            &contract,
            "/api/v1/tasks",
            &[("Authorization", &auth), ("If-Modified-Since", &modified)],
        )
        .status
    };
    assert_eq!(poll(&mut c), 304);
    // A second later something changes (a value is written): the time moves on, the tasks do not.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let w = c.request(
        "POST",
        "/api/v1/values",
        &[("Authorization", &auth), ("Content-Type", "application/json")],
        r#"{"indicator":"hightech-revenue-share","quarter":"2024Q3","value":12.5,"source":"统计局"}"#.as_bytes(),
    );
    assert_eq!(w.status, 200, "{}", w.body);
    assert_eq!(poll(&mut c), 200, "the data changed since");
    let same = get(
        &mut c,
        &contract,
        "/api/v1/tasks",
        &[("Authorization", &auth), ("If-None-Match", &etag)],
    );
    assert_eq!(same.status, 304, "the tasks themselves are the same bytes");
}

#[test]
fn a_token_over_its_rate_limit_gets_429_with_retry_after_and_others_do_not() {
    let server = Server::demo("2022Q2", &["--api-rate-limit", "5"]);
    let contract = Contract::of(&server);
    let mut office = signed_in(&server, "office");
    let busy = token(&mut office, "频繁", &["read"]);
    let calm = token(&mut office, "从容", &["read"]);
    let mut c = server.client();
    for i in 0..5 {
        let r = get(
            &mut c,
            &contract,
            "/api/v1/units",
            &[("Authorization", &bearer(&busy))],
        );
        assert_eq!(r.status, 200, "request {i}");
    }
    let r = get(
        &mut c,
        &contract,
        "/api/v1/units",
        &[("Authorization", &bearer(&busy))],
    );
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    let wait: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&wait), "{wait}");
    let p = json(&r.body);
    assert_eq!(p["type"], "urn:planwatch:problem:too-many-requests");
    assert_eq!(p["retry_after"], wait);
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("每分钟最多 5 次"))
    );
    // Writes count too, and another token has its own minute.
    let w = c.request(
        "POST",
        "/api/v1/values",
        &[
            ("Authorization", &bearer(&busy)),
            ("Content-Type", "application/json"),
        ],
        b"{}",
    );
    assert_eq!(w.status, 429);
    let other = get(
        &mut c,
        &contract,
        "/api/v1/units",
        &[("Authorization", &bearer(&calm))],
    );
    assert_eq!(other.status, 200);
    // The document lists 429 with its Retry-After header on every operation that counts.
    assert_eq!(
        contract.operation("GET", "/api/v1/units")["responses"]["429"]["headers"]["Retry-After"]["required"],
        true
    );
}

#[test]
fn the_bulk_read_pages_through_every_value_with_its_source_and_refuses_a_stale_cursor() {
    let server = Server::demo("2023Q2", &["--api-rate-limit", "100000"]);
    let contract = Contract::of(&server);
    let mut office = signed_in(&server, "office");
    let t = token(&mut office, "批量读取", &["read", "write"]);
    let auth = bearer(&t);
    let mut c = server.client();
    let whole = json(
        &get(
            &mut c,
            &contract,
            "/api/v1/values?limit=5000",
            &[("Authorization", &auth)],
        )
        .body,
    );
    let all = whole["values"].as_array().expect("values").clone();
    assert!(all.len() > 40, "the demo's values: {}", all.len());
    assert!(whole["next_cursor"].is_null());
    for v in &all {
        assert!(
            v["indicator"].is_string() && v["quarter"].is_string(),
            "{v}"
        );
        assert!(v["value"].is_number(), "{v}");
        assert!(v["source"].as_str().is_some_and(|s| !s.is_empty()), "{v}");
    }
    let keys: Vec<(String, String)> = all
        .iter()
        .map(|v| (v["indicator"].to_string(), v["quarter"].to_string()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "by indicator and quarter");

    // Page by page, the same values in the same order.
    let mut paged = Vec::new();
    let mut path = "/api/v1/values?limit=7".to_string();
    let mut pages = 0;
    loop {
        let page = json(&get(&mut c, &contract, &path, &[("Authorization", &auth)]).body);
        let vals = page["values"].as_array().expect("values");
        assert!(vals.len() <= 7);
        paged.extend(vals.iter().cloned());
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/values?limit=7&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(paged, all);
    assert_eq!(pages, all.len().div_ceil(7));

    // since: only what entered the official series on or after that day.
    let day = all
        .iter()
        .filter_map(|v| v["recorded_on"].as_str())
        .max()
        .expect("a recorded day")
        .to_string();
    let recent = json(
        &get(
            &mut c,
            &contract,
            &format!("/api/v1/values?since={day}"),
            &[("Authorization", &auth)],
        )
        .body,
    );
    let recent = recent["values"].as_array().expect("values");
    assert!(!recent.is_empty() && recent.len() < all.len());
    assert!(
        recent
            .iter()
            .all(|v| v["recorded_on"].as_str() >= Some(day.as_str()))
    );

    // A cursor from before a change is refused: pages of two versions are never stitched.
    let first = json(
        &get(
            &mut c,
            &contract,
            "/api/v1/values?limit=3",
            &[("Authorization", &auth)],
        )
        .body,
    );
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_string();
    let w = c.request(
        "POST",
        "/api/v1/values",
        &[("Authorization", &auth), ("Content-Type", "application/json")],
        r#"{"indicator":"hightech-revenue-share","quarter":"2023Q3","value":12.5,"source":"统计局"}"#.as_bytes(),
    );
    assert_eq!(w.status, 200, "{}", w.body);
    let stale = get(
        &mut c,
        &contract,
        &format!("/api/v1/values?limit=3&cursor={cursor}"),
        &[("Authorization", &auth)],
    );
    assert_eq!(stale.status, 409, "{}", stale.body);
    let p = json(&stale.body);
    assert_eq!(p["type"], "urn:planwatch:problem:stale-cursor");
    assert_eq!(p["field"], "cursor");
}
