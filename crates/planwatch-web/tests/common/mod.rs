//! `TestApp`: the web app in this process, on a fresh SQLite data folder with the Yangquan plan
//! and the demo accounts, answering requests through the router itself
//! (`tower::ServiceExt::oneshot`) — no socket, no child process. For what needs a real server
//! (TLS, two processes on one database, killing the process, browsers) the binary's tests start
//! one (`crates/planwatch/tests/web_support`).

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use planwatch_web::{AppState, WebConfig, router};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use tower::ServiceExt;

/// The demo accounts' password (`planwatch_app::demo_accounts`).
pub const PASSWORD: &str = planwatch_app::demo_accounts::DEMO_PASSWORD;

pub struct TestApp {
    router: Router,
    _dir: tempfile::TempDir,
}

/// One answer: status, headers (lower-case names) and body text.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        self.body
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("a form with a CSRF token")
            .to_string()
    }
}

/// A person using the app: the cookies the app gave them.
pub struct Visitor<'a> {
    app: &'a TestApp,
    cookies: BTreeMap<String, String>,
}

impl TestApp {
    /// The Yangquan plan (the gold annotation) and the demo accounts, in a new data folder.
    pub async fn yangquan() -> TestApp {
        let dir = tempfile::tempdir().expect("temporary folder");
        let gold = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/plans/yangquan-2022-2024.gold.json");
        let out = planwatch_app::init(dir.path(), Some(&gold), None)
            .await
            .expect("the plan loads");
        planwatch_app::demo_accounts::ensure_demo_accounts(&out.store)
            .await
            .expect("the demo accounts");
        let config = WebConfig {
            data_dir: dir.path().to_path_buf(),
            ..WebConfig::default()
        };
        TestApp {
            router: router(AppState::new(out.store, config)),
            _dir: dir,
        }
    }

    /// The app on a store the test opened itself (a PostgreSQL database, say), with the data
    /// folder it reads its settings from.
    pub fn on_store(store: planwatch_store::Store, dir: tempfile::TempDir) -> TestApp {
        let config = WebConfig {
            data_dir: dir.path().to_path_buf(),
            ..WebConfig::default()
        };
        TestApp {
            router: router(AppState::new(store, config)),
            _dir: dir,
        }
    }

    /// Someone who has not signed in.
    pub fn visitor(&self) -> Visitor<'_> {
        Visitor {
            app: self,
            cookies: BTreeMap::new(),
        }
    }

    /// `username` signed in with the demo password.
    pub async fn signed_in(&self, username: &str) -> Visitor<'_> {
        let mut v = self.visitor();
        let login = v.get("/login").await;
        let token = login.csrf();
        let r = v
            .post_form(
                "/login",
                &[
                    ("csrf", token.as_str()),
                    ("username", username),
                    ("password", PASSWORD),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{username}: {}", r.body);
        assert!(
            v.cookies.contains_key("pw_session"),
            "{username} has a session"
        );
        v
    }
}

impl Visitor<'_> {
    pub async fn get(&mut self, path: &str) -> Answer {
        self.send("GET", path, None).await
    }

    /// Posts a form; the page's CSRF token must be among the fields where one is needed.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body = serde_urlencoded::to_string(fields).expect("a form");
        self.send("POST", path, Some(body)).await
    }

    async fn send(&mut self, method: &str, path: &str, form: Option<String>) -> Answer {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut req = Request::builder().method(method).uri(path);
        if !cookie.is_empty() {
            req = req.header("cookie", cookie);
        }
        let body = match form {
            Some(f) => {
                req = req.header("content-type", "application/x-www-form-urlencoded");
                Body::from(f)
            }
            None => Body::empty(),
        };
        let mut req = req.body(body).expect("a request");
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let res = self
            .app
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("the router answers");
        let status = res.status();
        let headers: Vec<(String, String)> = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
            .collect();
        for (k, v) in &headers {
            if k == "set-cookie"
                && let Some((pair, _)) = v.split_once(';').or(Some((v.as_str(), "")))
                && let Some((name, value)) = pair.split_once('=')
            {
                if value.is_empty() {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
            .await
            .expect("the body");
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}
