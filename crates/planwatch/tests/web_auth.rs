//! Sign-in, sessions and CSRF through a real server: cookies are HttpOnly and SameSite=Strict
//! (Secure behind TLS), failed sign-ins are limited and audited, sessions end on sign-out, on
//! disabling and on a password change, and no form is accepted without its CSRF token.

mod common;
mod web_support;

use web_support::{PASSWORD, Server};

#[test]
fn the_session_cookie_is_http_only_strict_and_secure_only_behind_tls() {
    let server = Server::start();
    let mut c = server.client();
    let r = c.try_sign_in("office", PASSWORD);
    assert_eq!(r.status, 303);
    let cookie = r
        .headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("pw_session="))
        .map(|(_, v)| v.clone())
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");

    let mut tls = server.client();
    let token = tls.get("/login").csrf();
    let body = serde_urlencoded::to_string([
        ("csrf", token.as_str()),
        ("username", "office"),
        ("password", PASSWORD),
    ])
    .expect("form");
    let r = tls.request(
        "POST",
        "/login",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Forwarded-Proto", "https"),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 303);
    assert!(
        r.headers.iter().any(|(k, v)| k == "set-cookie"
            && v.starts_with("pw_session=")
            && v.ends_with("Secure")),
        "behind a TLS proxy the cookie is Secure: {:?}",
        r.headers
    );
}

#[test]
fn secure_cookies_can_be_required_by_configuration() {
    let server = Server::start_with(None, &["--secure-cookies"]);
    let mut c = server.client();
    let r = c.get("/login");
    assert!(
        r.header("set-cookie")
            .is_some_and(|v| v.contains("; Secure")),
        "{:?}",
        r.headers
    );
}

#[test]
fn a_wrong_password_is_refused_and_five_failures_lock_the_account_for_a_while() {
    let server = Server::start();
    let mut c = server.client();
    for i in 0..5 {
        let r = c.try_sign_in("leader", "wrong password!");
        assert_eq!(r.status, 401, "attempt {i}");
        assert!(r.body.contains("用户名或密码不正确"));
        assert!(!c.cookies.contains_key("pw_session"));
    }
    let r = c.try_sign_in("leader", PASSWORD);
    assert_eq!(r.status, 429, "the right password no longer helps");
    assert!(r.body.contains("登录失败次数过多"));
    assert!(r.header("retry-after").is_some());
    // Other accounts are not affected, and the office can read who tried.
    let mut office = server.sign_in("office");
    let audit = office.get("/audit?entity=sign_in");
    assert_eq!(audit.status, 200);
    assert!(audit.body.matches("登录失败").count() >= 5);
    assert!(
        audit.body.contains("登录与密码校验：leader"),
        "{}",
        audit.body
    );
    let metrics = c.get("/metrics").body;
    assert!(metrics.contains("planwatch_sign_ins_total{outcome=\"failed\"} 5"));
    assert!(metrics.contains("planwatch_sign_ins_total{outcome=\"refused\"} 1"));
}

#[test]
fn an_unknown_user_gets_the_same_answer_as_a_wrong_password() {
    let server = Server::start();
    let mut c = server.client();
    let unknown = c.try_sign_in("nobody", PASSWORD);
    let wrong = c.try_sign_in("leader", "wrong password!");
    assert_eq!(unknown.status, wrong.status);
    assert!(unknown.body.contains("用户名或密码不正确"));
}

#[test]
fn signing_out_ends_the_session_for_good() {
    let server = Server::start();
    let mut c = server.sign_in("leader");
    let stolen = c.cookies.clone();
    assert_eq!(c.post_form("/logout", &[]).status, 303);
    assert!(!c.cookies.contains_key("pw_session"));
    let mut replay = server.client();
    replay.cookies = stolen;
    let r = replay.get("/plan");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login?next=/plan"));
}

#[test]
fn disabling_a_user_ends_their_sessions_at_once() {
    let server = Server::start();
    let mut victim = server.sign_in("victim");
    assert_eq!(victim.get("/").status, 200);
    let mut admin = server.sign_in("admin");
    assert_eq!(admin.post_form("/users/victim/disable", &[]).status, 303);
    assert_eq!(victim.get("/").status, 303);
    assert_eq!(victim.try_sign_in("victim", PASSWORD).status, 401);
    // An admin cannot lock themselves out.
    let r = admin.post_form("/users/admin/disable", &[]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不能停用自己的账号"));
}

#[test]
fn changing_the_password_checks_the_old_one_and_ends_every_session() {
    let server = Server::start();
    let mut phone = server.sign_in("kjj");
    let mut desk = server.sign_in("kjj");
    let r = desk.post_form(
        "/account/password",
        &[
            ("current", "wrong"),
            ("new", "new password 12"),
            ("repeat", "new password 12"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("当前密码不正确"));
    let r = desk.post_form(
        "/account/password",
        &[
            ("current", PASSWORD),
            ("new", "new password 12"),
            ("repeat", "other password 3"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("两次输入的新密码不一致"));
    let r = desk.post_form(
        "/account/password",
        &[
            ("current", PASSWORD),
            ("new", "new password 12"),
            ("repeat", "new password 12"),
        ],
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login?msg=password_changed"));
    assert_eq!(
        phone.get("/").status,
        303,
        "the other device is signed out too"
    );
    assert_eq!(desk.try_sign_in("kjj", PASSWORD).status, 401);
    assert_eq!(desk.try_sign_in("kjj", "new password 12").status, 303);
}

#[test]
fn signing_out_everywhere_ends_every_session_of_the_user_only() {
    let server = Server::start();
    let mut a = server.sign_in("office");
    let mut b = server.sign_in("office");
    let mut other = server.sign_in("leader");
    let r = a.post_form("/account/sessions/revoke", &[]);
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login?msg=sessions_revoked"));
    assert_eq!(b.get("/").status, 303);
    assert_eq!(other.get("/").status, 200);
}

#[test]
fn after_sign_in_only_local_addresses_are_followed() {
    let server = Server::start();
    for (next, expected) in [
        ("/tasks/3", "/tasks/3"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
    ] {
        let mut c = server.client();
        let token = c.get("/login").csrf();
        let r = c.post_form_raw(
            "/login",
            &[
                ("csrf", token.as_str()),
                ("username", "leader"),
                ("password", PASSWORD),
                ("next", next),
            ],
        );
        assert_eq!(r.status, 303);
        assert_eq!(r.header("location"), Some(expected), "next={next}");
    }
}

/// Every state-changing form, with fields that would succeed if the token were right.
const FORMS: &[(&str, &[(&str, &str)])] = &[
    (
        "/users",
        &[
            ("username", "evil"),
            ("role", "admin"),
            ("password", "correct horse battery"),
        ],
    ),
    ("/users/victim/disable", &[]),
    (
        "/users/victim/reset-password",
        &[("password", "another password 9")],
    ),
    ("/users/victim/revoke-sessions", &[]),
    (
        "/plan/import/confirm",
        &[("file_name", "a.json"), ("content", "{}")],
    ),
    (
        "/account/password",
        &[
            ("current", PASSWORD),
            ("new", "new password 12"),
            ("repeat", "new password 12"),
        ],
    ),
    ("/account/sessions/revoke", &[]),
    ("/logout", &[]),
];

#[test]
fn no_form_is_accepted_without_the_sessions_csrf_token() {
    let server = Server::start();
    let mut admin = server.sign_in("admin");
    let mut other = server.sign_in("office");
    let others_token = other.csrf_token();
    for (path, fields) in FORMS {
        let r = admin.post_form_raw(path, fields);
        assert_eq!(r.status, 403, "{path} without a token");
        assert!(r.body.contains("表单已失效"), "{path}");
        let mut with_wrong = vec![("csrf", others_token.as_str())];
        with_wrong.extend_from_slice(fields);
        assert_eq!(
            admin.post_form_raw(path, &with_wrong).status,
            403,
            "{path} with another session's token"
        );
    }
    // Multipart uploads carry the token in the query string.
    let r = admin.request(
        "POST",
        "/plan/import",
        &[("Content-Type", "multipart/form-data; boundary=x")],
        b"--x\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nabc\r\n--x--\r\n",
    );
    assert_eq!(r.status, 403);
    // Nothing happened: no user was created or changed, and both sessions still work.
    let users = admin.get("/users");
    assert_eq!(users.status, 200);
    assert!(!users.body.contains("evil"));
    assert_eq!(server.client().try_sign_in("victim", PASSWORD).status, 303);
    assert_eq!(other.get("/").status, 200);
    // A sign-in form without the pre-session cookie's token is refused too.
    let mut fresh = server.client();
    let r = fresh.post_form_raw("/login", &[("username", "admin"), ("password", PASSWORD)]);
    assert_eq!(r.status, 403);
}

#[test]
fn the_admin_creates_a_user_and_a_bad_form_says_which_field_is_wrong() {
    let server = Server::start();
    let mut admin = server.sign_in("admin");
    let r = admin.post_form(
        "/users",
        &[
            ("username", "fgw.tb"),
            ("role", "reporter"),
            ("password", "correct horse battery"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("填报员必须选择所属单位"));
    assert!(
        r.body.contains("value=\"fgw.tb\""),
        "what was typed is kept"
    );
    let r = admin.post_form(
        "/users",
        &[
            ("username", "fgw.tb"),
            ("display_name", "钱五"),
            ("role", "reporter"),
            ("unit", "市发展改革委"),
            ("password", "correct horse battery"),
        ],
    );
    assert_eq!(r.status, 303);
    let r = admin.post_form(
        "/users",
        &[
            ("username", "fgw.tb"),
            ("role", "leader"),
            ("password", "correct horse battery"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("已被使用"));
    let mut person = server.client();
    assert_eq!(
        person.try_sign_in("fgw.tb", "correct horse battery").status,
        303
    );
    let home = person.get("/");
    assert!(home.body.contains("市发展改革委的任务"));
}

#[test]
fn pages_carry_security_headers_and_assets_are_cached_for_long() {
    let server = Server::start();
    let mut c = server.sign_in("leader");
    let page = c.get("/plan");
    let csp = page.header("content-security-policy").expect("CSP");
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let css = c.get("/assets/app.css");
    assert_eq!(css.status, 200);
    assert!(
        css.header("content-type")
            .is_some_and(|v| v.starts_with("text/css"))
    );
    assert!(
        css.header("cache-control")
            .is_some_and(|v| v.contains("immutable"))
    );
}

fn failed_sign_in_from(server: &Server, forwarded_for: &str) {
    let mut c = server.client();
    let token = c.get("/login").csrf();
    let body = serde_urlencoded::to_string([
        ("csrf", token.as_str()),
        ("username", "leader"),
        ("password", "wrong password!"),
    ])
    .expect("form");
    let r = c.request(
        "POST",
        "/login",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Forwarded-For", forwarded_for),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 401);
}

#[test]
fn the_client_address_comes_from_the_proxy_only_when_told_so() {
    let direct = Server::start();
    failed_sign_in_from(&direct, "198.51.100.1");
    let audit = direct.sign_in("office").get("/audit?entity=sign_in").body;
    assert!(
        audit.contains("web:127.0.0.1"),
        "a client cannot choose its address"
    );
    assert!(!audit.contains("198.51.100.1"));

    let proxied = Server::start_with(None, &["--behind-proxy"]);
    failed_sign_in_from(&proxied, "198.51.100.1, 203.0.113.5");
    let audit = proxied.sign_in("office").get("/audit?entity=sign_in").body;
    assert!(
        audit.contains("web:203.0.113.5"),
        "the address the proxy appended is recorded"
    );
}
