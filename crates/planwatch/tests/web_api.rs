//! The JSON API and the operator endpoints through a real server, on SQLite and (tests named
//! `pg_…`) on PostgreSQL: the same answers, JSON errors, the OpenAPI document, and an unexpected
//! error that shows a reference number which is also in the log.

mod common;
mod web_support;

use serde_json::Value;
use web_support::Server;

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn the_api_serves_the_plan_tasks_and_units(server: &Server) {
    let mut c = server.sign_in("leader");
    let plan = json(&c.get("/api/v1/plan").body);
    assert_eq!(plan["revision"]["number"], 1);
    assert_eq!(plan["period"]["start"], 2022);
    assert_eq!(plan["tasks"].as_array().map(Vec::len), Some(22));
    assert!(plan["goals"].as_array().is_some_and(|g| !g.is_empty()));
    let tasks = json(&c.get("/api/v1/tasks").body);
    assert_eq!(tasks, plan["tasks"]);
    let t2 = json(&c.get("/api/v1/tasks/2").body);
    assert_eq!(t2["number"], 2);
    assert_eq!(t2["lead_units"][0]["name"], "市能源局");
    assert!(t2["targets"].as_array().is_some_and(|t| !t.is_empty()));
    let units = json(&c.get("/api/v1/units").body);
    assert!(
        units
            .as_array()
            .is_some_and(|u| u.iter().any(|u| u["name"] == "平定县人民政府"
                && u["kind"] == "county_government"
                && u["kind_label"] == "县（区）"))
    );
    let missing = c.get("/api/v1/tasks/99");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("application/problem+json")
    );
    assert_eq!(
        json(&missing.body)["type"],
        "urn:planwatch:problem:not-found"
    );
    let anonymous = server.client().get("/api/v1/plan");
    assert_eq!(anonymous.status, 401);
    assert!(
        json(&anonymous.body)["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("未登录或登录已过期")),
        "{}",
        anonymous.body
    );
}

#[test]
fn sqlite_the_api_serves_the_plan_tasks_and_units() {
    the_api_serves_the_plan_tasks_and_units(&Server::start());
}

#[test]
fn pg_the_api_serves_the_plan_tasks_and_units_and_sign_in_works() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let Some(pg) = rt.block_on(planwatch_store::testing::ScratchPg::create(
        "pg_the_api_serves_the_plan_tasks_and_units_and_sign_in_works",
    )) else {
        return;
    };
    {
        let server = Server::start_with(Some(&pg.url), &[]);
        the_api_serves_the_plan_tasks_and_units(&server);
        let mut c = server.client();
        assert_eq!(c.try_sign_in("office", "wrong password!").status, 401);
        let mut office = server.sign_in("office");
        assert!(
            office
                .get("/audit?entity=sign_in")
                .body
                .contains("登录与密码校验：office")
        );
        assert_eq!(office.post_form("/logout", &[]).status, 303);
        assert_eq!(office.get("/").status, 303);
    }
    rt.block_on(pg.drop_database());
}

#[test]
fn the_openapi_document_describes_the_api_and_is_public() {
    let server = Server::start();
    let r = server.client().get("/api/v1/openapi.json");
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .is_some_and(|v| v.starts_with("application/json"))
    );
    let doc = json(&r.body);
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/v1/plan",
        "/api/v1/units",
        "/api/v1/tasks",
        "/api/v1/tasks/{number}",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path}");
    }
}

#[test]
fn health_and_metrics_are_plain_text_for_operators() {
    let server = Server::start();
    let mut c = server.sign_in("leader");
    c.get("/tasks/1");
    c.get("/tasks/2");
    let health = c.get("/healthz");
    assert_eq!(health.status, 200);
    assert!(health.body.starts_with("ok"));
    let m = c.get("/metrics");
    assert!(
        m.header("content-type")
            .is_some_and(|v| v.starts_with("text/plain; version=0.0.4"))
    );
    assert!(m.body.contains(
        "planwatch_http_requests_total{route=\"/tasks/{number}\",method=\"GET\",status=\"200\"} 2"
    ));
    assert!(
        m.body
            .contains("# TYPE planwatch_http_request_duration_seconds histogram")
    );
    assert!(
        m.body
            .contains("planwatch_sign_ins_total{outcome=\"ok\"} 1")
    );
}

#[test]
fn pg_an_unexpected_error_shows_a_reference_number_that_is_in_the_log() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let Some(pg) = rt.block_on(planwatch_store::testing::ScratchPg::create(
        "pg_an_unexpected_error_shows_a_reference_number_that_is_in_the_log",
    )) else {
        return;
    };
    let server = Server::start_with(Some(&pg.url), &[]);
    let mut c = server.sign_in("leader");
    assert_eq!(c.get("/plan").status, 200);
    // The database disappears under the running server.
    rt.block_on(pg.drop_database_now());
    let r = c.get("/api/v1/units");
    assert_eq!(r.status, 500);
    let body = json(&r.body);
    let api_ref = body["reference"].as_str().expect("a reference").to_string();
    let mut anon = server.client();
    let page = anon.get("/login");
    assert_eq!(
        page.status, 200,
        "the sign-in page works without the database"
    );
    let r = c.get("/plan");
    assert_eq!(r.status, 500);
    assert!(r.body.contains("参考编号"));
    let page_ref: String = r
        .body
        .split("class=\"ref\">")
        .nth(1)
        .expect("a reference on the page")
        .chars()
        .take(11)
        .collect();
    assert!(page_ref.starts_with("PW-"), "{page_ref}");
    let health = c.get("/healthz");
    assert_eq!(health.status, 503);
    let log = server.log();
    assert!(
        log.contains(&page_ref),
        "the page's reference {page_ref} is in the log:\n{log}"
    );
    assert!(
        log.contains(&api_ref),
        "the API's reference {api_ref} is in the log"
    );
}

/// The token the 接口令牌 page shows once, right after it was created.
fn token_on(page: &str) -> String {
    page.split("<pre class=\"json\">")
        .nth(1)
        .expect("the new token is shown once")
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

/// A new API token of 市科技局, created by the office.
fn new_token(office: &mut web_support::Client, name: &str) -> String {
    let page = office.post_form(
        "/api-tokens",
        &[
            ("unit", "市科技局"),
            ("name", name),
            ("read", "on"),
            ("write", "on"),
        ],
    );
    assert_eq!(page.status, 200, "{}", page.body);
    token_on(&page.body)
}

fn write_value(server: &Server, token: &str, body: &str) -> web_support::Response {
    server.client().request(
        "POST",
        "/api/v1/values",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", &format!("Bearer {token}")),
        ],
        body.as_bytes(),
    )
}

#[test]
fn a_units_api_token_writes_its_indicator_values_into_the_report_with_the_same_checks() {
    let server = Server::start();
    let mut office = server.sign_in("office");
    let page = office.post_form(
        "/api-tokens",
        &[
            ("unit", "市科技局"),
            ("name", "城市大脑数据平台"),
            ("write", "on"),
        ],
    );
    assert_eq!(page.status, 200);
    let token = token_on(&page.body);
    assert_eq!(token.len(), 64);
    assert!(
        !office.get("/api-tokens").body.contains(&token),
        "shown only once"
    );

    let ok = write_value(
        &server,
        &token,
        r#"{"indicator":"hightech-revenue-share","quarter":"2023Q3","value":12.5,"source":"统计局月报"}"#,
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    let saved = json(&ok.body);
    assert_eq!(saved["unit"], "市科技局");
    assert_eq!(saved["report_state"], "草稿");
    // The unit's reporter finds the value in the form, as a draft to complete and submit.
    let mut kjj = server.sign_in("kjj");
    let units = json(&kjj.get("/api/v1/units").body);
    let id = units
        .as_array()
        .and_then(|a| a.iter().find(|u| u["name"] == "市科技局"))
        .map(|u| u["id"].to_string())
        .expect("unit");
    let form = kjj.get(&format!("/reports/{id}/2023Q3")).body;
    assert!(
        form.contains("value=\"12.5\""),
        "the written value is in the form"
    );
    assert!(form.contains("统计局月报"));

    let bad = write_value(
        &server,
        &token,
        r#"{"indicator":"hightech-revenue-share","quarter":"2023Q3","value":250}"#,
    );
    assert_eq!(bad.status, 422);
    let problems = json(&bad.body);
    assert!(
        problems["problems"][0]
            .as_str()
            .is_some_and(|m| m.contains("百分比")),
        "{}",
        bad.body
    );
    let other = write_value(
        &server,
        &token,
        r#"{"indicator":"doctors-per-1000","quarter":"2023Q3","value":2.5}"#,
    );
    assert_eq!(other.status, 403, "another unit's indicator");
    let junk = write_value(
        &server,
        "0123",
        r#"{"indicator":"x","quarter":"2023Q3","value":1}"#,
    );
    assert_eq!(junk.status, 401);

    let audit = office.get("/audit?entity=report").body;
    assert!(
        audit.contains("api:城市大脑数据平台"),
        "the token's writes are audited under its name"
    );

    // A second app server on the same database has used (and kept) the token too.
    let other = server.another();
    let there = write_value(
        &other,
        &token,
        r#"{"indicator":"hightech-revenue-share","quarter":"2023Q3","value":12.55}"#,
    );
    assert_eq!(there.status, 200, "{}", there.body);
    let list = office.get("/api-tokens").body;
    let token_id: String = list
        .split("/api-tokens/")
        .nth(1)
        .expect("a revoke form")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(
        office
            .post_form(&format!("/api-tokens/{token_id}/revoke"), &[])
            .status,
        303
    );
    let revoked = write_value(
        &server,
        &token,
        r#"{"indicator":"hightech-revenue-share","quarter":"2023Q3","value":12.6}"#,
    );
    assert_eq!(revoked.status, 401, "a revoked token stops at once");
    let revoked = write_value(
        &other,
        &token,
        r#"{"indicator":"hightech-revenue-share","quarter":"2023Q3","value":12.6}"#,
    );
    assert_eq!(
        revoked.status, 401,
        "and at once on the other server, which had kept it"
    );
}

#[test]
fn the_api_reads_indicators_and_scores_with_a_session_or_a_token() {
    let server = Server::start();
    let mut leader = server.sign_in("leader");
    let list = json(&leader.get("/api/v1/indicators?period=2023Q4").body);
    assert_eq!(list["period"], "2023Q4");
    let first = &list["indicators"][0];
    assert!(first["id"].is_string() && first["light"].is_string());
    let one = json(&leader.get("/api/v1/indicators/hightech-revenue-share").body);
    assert!(one["series"].is_array());
    let scores = json(&leader.get("/api/v1/scores").body);
    assert!(scores["units"].is_array());
    let mut office = server.sign_in("office");
    let token = new_token(&mut office, "读数");
    let r = server.client().request(
        "GET",
        "/api/v1/indicators",
        &[("Authorization", &format!("Bearer {token}"))],
        b"",
    );
    assert_eq!(r.status, 200);
}

#[test]
fn values_sent_at_once_for_one_unit_are_all_saved_and_a_bad_one_is_refused_alone() {
    let server = Server::start();
    let mut office = server.sign_in("office");
    let token = new_token(&mut office, "并发");
    // Eighteen writes to the same draft at the same time, three per thread; one of them is out
    // of range. They queue and are saved together where they can be: none is refused as stale,
    // and the bad one is refused on its own.
    let answers: Vec<(String, u16, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let server = &server;
                let token = &token;
                s.spawn(move || {
                    (0..3)
                        .map(|j| {
                            let value = if (i, j) == (3, 1) {
                                "250".to_string()
                            } else {
                                format!("1{i}.{j}")
                            };
                            let body = format!(
                                r#"{{"indicator":"hightech-revenue-share","quarter":"2023Q3","value":{value},"source":"城市大脑"}}"#
                            );
                            let r = write_value(server, token, &body);
                            (value, r.status, r.body)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    });
    for (value, status, body) in &answers {
        if value == "250" {
            assert_eq!(*status, 422, "{body}");
            assert!(body.contains("百分比"), "{body}");
        } else {
            assert_eq!(*status, 200, "{value}: {body}");
            assert_eq!(json(body)["report_state"], "草稿");
        }
    }
    // The report holds one of the good values, never the refused one.
    let mut kjj = server.sign_in("kjj");
    let units = json(&kjj.get("/api/v1/units").body);
    let id = units
        .as_array()
        .and_then(|a| a.iter().find(|u| u["name"] == "市科技局"))
        .map(|u| u["id"].to_string())
        .expect("unit");
    let form = kjj.get(&format!("/reports/{id}/2023Q3")).body;
    assert!(!form.contains("value=\"250\""));
    assert!(
        answers
            .iter()
            .any(|(v, s, _)| *s == 200 && form.contains(&format!("value=\"{v}\""))),
        "a written value is in the form"
    );
    let audit = office.get("/audit?entity=report").body;
    assert!(audit.contains("api:并发"));
}

#[test]
fn a_units_figures_go_in_one_request_and_each_gets_its_own_answer() {
    let server = Server::start();
    let mut office = server.sign_in("office");
    let token = new_token(&mut office, "批量");
    let r = write_value(
        &server,
        &token,
        r#"{"values":[
            {"indicator":"hightech-revenue-share","quarter":"2023Q3","value":12.5,"source":"统计局"},
            {"indicator":"doctors-per-1000","quarter":"2023Q3","value":2.5},
            {"indicator":"rd-gdp-share","quarter":"2023Q3","value":250},
            {"indicator":"rd-gdp-share","quarter":"2023Q3","value":1.61,"source":"统计局"}
        ]}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = json(&r.body);
    assert_eq!(
        (v["saved"].as_u64(), v["refused"].as_u64()),
        (Some(2), Some(2))
    );
    let statuses: Vec<u64> = v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|x| x["status"].as_u64().expect("status"))
        .collect();
    assert_eq!(statuses, [200, 403, 422, 200], "in the order sent");
    assert_eq!(v["results"][2]["error"]["field"], "values[2].value");
    assert!(
        v["results"][2]["error"]["problems"][0]
            .as_str()
            .is_some_and(|m| m.contains("百分比")),
        "{}",
        r.body
    );
    // Both good values are in the unit's draft; the refused ones are not.
    let mut kjj = server.sign_in("kjj");
    let units = json(&kjj.get("/api/v1/units").body);
    let id = units
        .as_array()
        .and_then(|a| a.iter().find(|u| u["name"] == "市科技局"))
        .map(|u| u["id"].to_string())
        .expect("unit");
    let form = kjj.get(&format!("/reports/{id}/2023Q3")).body;
    assert!(form.contains("value=\"12.5\"") && form.contains("value=\"1.61\""));
    assert!(!form.contains("value=\"250\""));

    for body in [
        r#"{"values":[]}"#.to_string(),
        format!(
            r#"{{"values":[{}]}}"#,
            vec![r#"{"indicator":"rd-gdp-share","quarter":"2023Q3","value":1.6}"#; 501].join(",")
        ),
        r#"{"values":[{"indicator":"rd-gdp-share","quarter":"2023Q3"}]}"#.to_string(),
        r#"{"indicator":"rd-gdp-share","value":1.6}"#.to_string(),
        // A quarter outside the plan refuses the whole request: nothing of it is saved.
        r#"{"values":[
            {"indicator":"rd-gdp-share","quarter":"2023Q3","value":1.7},
            {"indicator":"rd-gdp-share","quarter":"2031Q1","value":1.5}
        ]}"#
        .to_string(),
    ] {
        let r = write_value(&server, &token, &body);
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        let p = json(&r.body);
        assert!(
            p["detail"]
                .as_str()
                .is_some_and(|m| m.starts_with("请求内容不是有效的指标数值")),
            "{}",
            r.body
        );
        assert!(p["field"].is_string(), "{}", r.body);
    }
    let form = kjj.get(&format!("/reports/{id}/2023Q3")).body;
    assert!(
        !form.contains("value=\"1.7\""),
        "a refused batch saves nothing"
    );
}

/// One rule for approving and sending, whichever way the report was filled in: a 市科技局 report
/// holding one of its indicators and none of its task rows, written through the API, is refused by
/// `planwatch review approve` / `send` and by the unit head's 报送 on the page, each naming what is
/// missing; nothing changes.
#[test]
fn a_report_filled_through_the_api_is_approved_and_sent_by_the_same_rules_as_the_form() {
    let server = Server::start();
    let mut office = server.sign_in("office");
    let token = new_token(&mut office, "数据平台");
    let ok = write_value(
        &server,
        &token,
        r#"{"indicator":"hightech-revenue-share","quarter":"2023Q3","value":12.5,"source":"统计局月报"}"#,
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    for command in ["approve", "send"] {
        let out = server.cli_output(&[
            "review",
            command,
            "--unit",
            "市科技局",
            "--period",
            "2023Q3",
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "review {command} was refused");
        assert!(err.contains("尚未填写完整"), "{err}");
        assert!(err.contains("尚未填写：任务3、任务7"), "{err}");
        assert!(err.contains("指标“全社会R&D经费支出占GDP比重”"), "{err}");
        assert!(err.contains("请填写填报人"), "{err}");
    }
    let mut head = server.sign_in("kjj.head");
    let units = json(&head.get("/api/v1/units").body);
    let id = units
        .as_array()
        .and_then(|a| a.iter().find(|u| u["name"] == "市科技局"))
        .map(|u| u["id"].to_string())
        .expect("unit");
    let path = format!("/reports/{id}/2023Q3");
    let r = head.post_form(&path, &[("intent", "submit"), ("version", "1")]);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("尚未填写完整"), "{}", r.body);
    let shown = server.cli(&[
        "review",
        "show",
        "--unit",
        "市科技局",
        "--period",
        "2023Q3",
        "--format",
        "json",
    ]);
    let shown = json(&shown);
    assert_eq!(shown["state"], "draft", "{shown}");
    assert_eq!(shown["version"], 1, "{shown}");
}
