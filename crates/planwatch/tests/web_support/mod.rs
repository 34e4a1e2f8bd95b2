//! Test support for the web tests: a real `planwatch serve` on a free loopback port with a fresh
//! data folder (the Yangquan plan and one account per role), and a small HTTP/1.1 client that
//! keeps cookies, so tests read like a person's actions: `server.sign_in("office")` then
//! `client.get("/users")`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const PASSWORD: &str = "correct horse battery";

/// The accounts every test server has: (username, role, unit or task force).
pub const ACCOUNTS: [(&str, &str, Option<&str>); 7] = [
    ("admin", "admin", None),
    ("office", "office", None),
    ("zb", "task_force", Some("科技创新专班")),
    ("kjj", "reporter", Some("市科技局")),
    ("kjj.head", "unit_head", Some("市科技局")),
    ("leader", "leader", None),
    // A second account for tests that change or disable someone.
    ("victim", "leader", None),
];

/// The Yangquan plan's text (the repository's fixture).
#[allow(dead_code)]
pub fn yangquan_text() -> String {
    std::fs::read_to_string(fixture("fixtures/plans/yangquan-2022-2024.txt"))
        .expect("the Yangquan text")
}

pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// The common runner, logging only warnings (the servers' logs are read by some tests).
fn planwatch(data: &Path, url: Option<&str>) -> Command {
    let mut cmd = crate::common::planwatch(Some(data), url);
    cmd.env("PLANWATCH_LOG", "warn");
    cmd
}

fn run_ok(cmd: &mut Command, stdin: Option<&str>) {
    let out = crate::common::run_with(cmd, stdin);
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Starts `planwatch serve` on a free port; returns the process, its address and its log file.
fn spawn(
    data: &Path,
    url: Option<&str>,
    flags: &[&str],
    log_name: &str,
) -> (Child, String, PathBuf) {
    let log_file = data.join(log_name);
    let log = std::fs::File::create(&log_file).expect("log file");
    let mut child = planwatch(data, url)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(flags)
        .env("PLANWATCH_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .spawn()
        .expect("planwatch serve starts");
    let stdout = child.stdout.take().expect("piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the server prints its address");
    let start = line
        .find("http://")
        .or_else(|| line.find("https://"))
        .expect("an http:// or https:// address in the first line");
    let base = line[start..]
        .split_whitespace()
        .next()
        .expect("address")
        .trim_end_matches('/')
        .to_string();
    (child, base, log_file)
}

/// A running server; dropping it stops the process and removes its data.
pub struct Server {
    pub base: String,
    child: Child,
    data: PathBuf,
    /// The folder this server created (a second server on the same data has none).
    _owned: Option<tempfile::TempDir>,
    log_file: PathBuf,
}

impl Server {
    /// A server on SQLite in a fresh temporary folder.
    pub fn start() -> Server {
        Self::start_with(None, &[])
    }

    /// A server on the given database (`DATABASE_URL`), with extra `serve` flags.
    pub fn start_with(url: Option<&str>, flags: &[&str]) -> Server {
        let data = tempfile::tempdir().expect("temporary folder");
        let gold = fixture("fixtures/plans/yangquan-2022-2024.gold.json");
        run_ok(
            planwatch(data.path(), url)
                .arg("init")
                .arg("--plan")
                .arg(&gold),
            None,
        );
        for (name, role, affiliation) in ACCOUNTS {
            let mut cmd = planwatch(data.path(), url);
            cmd.args(["user", "add", name, "--role", role, "--password-stdin"]);
            match (role, affiliation) {
                ("task_force", Some(tf)) => {
                    cmd.args(["--task-force", tf]);
                }
                (_, Some(unit)) => {
                    cmd.args(["--unit", unit]);
                }
                _ => {}
            }
            run_ok(&mut cmd, Some(&format!("{PASSWORD}\n")));
        }
        Self::serve(data, url, flags)
    }

    /// `planwatch serve` on a prepared data folder, which the server owns from now on.
    fn serve(data: tempfile::TempDir, url: Option<&str>, flags: &[&str]) -> Server {
        let (child, base, log_file) = spawn(data.path(), url, flags, "server.log");
        Server {
            base,
            child,
            data: data.path().to_path_buf(),
            _owned: Some(data),
            log_file,
        }
    }

    /// A server on a fresh SQLite folder filled by `planwatch demo --until UNTIL` (the demo
    /// accounts sign in with `DEMO_PASSWORD`).
    #[allow(dead_code)]
    pub fn demo(until: &str, flags: &[&str]) -> Server {
        let data = tempfile::tempdir().expect("temporary folder");
        run_ok(
            planwatch(data.path(), None).args(["demo", "--until", until, "--no-serve"]),
            None,
        );
        Self::serve(data, None, flags)
    }

    /// A server on a fresh SQLite folder initialised with another plan (`init --plan FILE`) and
    /// the given accounts (name, role, unit), all with `PASSWORD`.
    #[allow(dead_code)]
    pub fn with_plan(plan: &Path, accounts: &[(&str, &str, Option<&str>)]) -> Server {
        let data = tempfile::tempdir().expect("temporary folder");
        run_ok(
            planwatch(data.path(), None)
                .arg("init")
                .arg("--plan")
                .arg(plan),
            None,
        );
        for (name, role, unit) in accounts {
            let mut cmd = planwatch(data.path(), None);
            cmd.args(["user", "add", name, "--role", role, "--password-stdin"]);
            if let Some(u) = unit {
                cmd.args(["--unit", u]);
            }
            run_ok(&mut cmd, Some(&format!("{PASSWORD}\n")));
        }
        Self::serve(data, None, &[])
    }

    /// A second server on the same data folder (two app servers sharing one SQLite database).
    pub fn another(&self) -> Server {
        let (child, base, log_file) = spawn(&self.data, None, &[], "server2.log");
        Server {
            base,
            child,
            data: self.data.clone(),
            _owned: None,
            log_file,
        }
    }

    /// The data folder (the SQLite file is `planwatch.sqlite` in it).
    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    /// Runs a `planwatch` command on this server's data folder; returns its standard output.
    pub fn cli(&self, args: &[&str]) -> String {
        let out = planwatch(&self.data, None)
            .args(args)
            .output()
            .expect("planwatch runs");
        assert!(
            out.status.success(),
            "planwatch {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Runs a `planwatch` command on this server's data folder and returns how it ended, for
    /// commands that are expected to refuse.
    pub fn cli_output(&self, args: &[&str]) -> std::process::Output {
        planwatch(&self.data, None)
            .args(args)
            .output()
            .expect("planwatch runs")
    }

    /// What the server has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_file).unwrap_or_default()
    }

    pub fn client(&self) -> Client {
        Client {
            base: self.base.clone(),
            cookies: BTreeMap::new(),
        }
    }

    /// A client signed in as `username` (through the sign-in form, CSRF token and all).
    pub fn sign_in(&self, username: &str) -> Client {
        let mut c = self.client();
        let r = c.try_sign_in(username, PASSWORD);
        assert_eq!(r.status, 303, "signing in as {username}: {}", r.body);
        assert!(c.cookies.contains_key("pw_session"));
        c
    }

    /// A client signed in as demo account `username` (a server made by [`Server::demo`]).
    #[allow(dead_code)]
    pub fn sign_in_demo(&self, username: &str) -> Client {
        let mut c = self.client();
        let r = c.try_sign_in(username, "planwatch-demo");
        assert_eq!(r.status, 303, "signing in as {username}: {}", r.body);
        c
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body as sent (downloads: zip, pdf).
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of the first `name="csrf"` field (or `csrf=` in a form action) on the page.
    pub fn csrf(&self) -> String {
        let after = self
            .body
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .or_else(|| self.body.split("?csrf=").nth(1))
            .expect("a CSRF token on the page");
        after
            .chars()
            .take_while(|c| c.is_ascii_hexdigit())
            .collect()
    }
}

/// A minimal HTTP/1.1 client with a cookie jar (one connection per request).
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub cookies: BTreeMap<String, String>,
}

fn decode_chunked(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&body[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .expect("chunk size");
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&body[start..start + size]);
        body = &body[start + size + 2..];
    }
    out
}

impl Client {
    fn host_port(&self) -> String {
        self.base.trim_start_matches("http://").to_string()
    }

    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        let hp = self.host_port();
        let mut stream = TcpStream::connect(&hp).expect("connect to the test server");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {hp}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
        }
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        stream.write_all(req.as_bytes()).expect("send");
        stream.write_all(body).expect("send body");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read response");
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete response head");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let mut lines = head.split("\r\n");
        let status: u16 = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .expect("a status line");
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        if headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
        {
            body = decode_chunked(&body);
        }
        for (k, v) in &headers {
            if k != "set-cookie" {
                continue;
            }
            let first = v.split(';').next().unwrap_or_default();
            if let Some((name, value)) = first.split_once('=') {
                if value.is_empty() || v.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        Response {
            status,
            headers,
            body: String::from_utf8_lossy(&body).to_string(),
            bytes: body,
        }
    }

    pub fn get(&mut self, path: &str) -> Response {
        self.request("GET", path, &[], b"")
    }

    /// Posts a url-encoded form exactly as given (no CSRF token added).
    pub fn post_form_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let body = serde_urlencoded::to_string(fields).expect("encodable form");
        self.request(
            "POST",
            path,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body.as_bytes(),
        )
    }

    /// Uploads a plan file to the plan import form (计划 → 导入新版本), as a browser does.
    #[allow(dead_code)]
    pub fn upload_plan(&mut self, name: &str, content_type: &str, bytes: &[u8]) -> Response {
        let token = self.csrf_token();
        let boundary = "----planwatch-upload";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(
            format!(
                "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n\r\n--{boundary}--\r\n"
            )
            .as_bytes(),
        );
        self.request(
            "POST",
            &format!("/plan/import?csrf={token}"),
            &[(
                "Content-Type",
                &format!("multipart/form-data; boundary={boundary}"),
            )],
            &body,
        )
    }

    /// Posts a form with the CSRF token of this client's session.
    pub fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf_token();
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &all)
    }

    /// Posts a multipart form (text fields only) with the CSRF token in the query string.
    pub fn post_multipart(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf_token();
        let boundary = "----planwatch-test-boundary";
        let mut body = String::new();
        for (k, v) in fields {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let sep = if path.contains('?') { '&' } else { '?' };
        self.request(
            "POST",
            &format!("{path}{sep}csrf={token}"),
            &[(
                "Content-Type",
                &format!("multipart/form-data; boundary={boundary}"),
            )],
            body.as_bytes(),
        )
    }

    /// The CSRF token a page shows this client (signed in: from the account page; signed out:
    /// from the sign-in page, which also sets the pre-session cookie).
    pub fn csrf_token(&mut self) -> String {
        let page = if self.cookies.contains_key("pw_session") {
            self.get("/account")
        } else {
            self.get("/login")
        };
        if page.status == 200 {
            page.csrf()
        } else {
            // The session has ended: the sign-in page gives a pre-session token instead.
            self.get("/login").csrf()
        }
    }

    pub fn try_sign_in(&mut self, username: &str, password: &str) -> Response {
        let login = self.get("/login");
        let token = login.csrf();
        self.post_form_raw(
            "/login",
            &[
                ("csrf", token.as_str()),
                ("username", username),
                ("password", password),
                ("next", "/"),
            ],
        )
    }
}
