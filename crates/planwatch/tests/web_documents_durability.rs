//! Document downloads must not endanger acknowledged writes (issue 11). A real `planwatch serve`
//! on a demo data folder is asked, in turns, for every kind of document and for a write the
//! server acknowledges (the office's text of a report section), while — on SQLite — the `sqlite3`
//! shell opens and closes the database file from outside after each round. Then the server is
//! killed with SIGKILL and a fresh process must find every acknowledged write, and on SQLite
//! `PRAGMA integrity_check` must say `ok`.
//!
//! Why this can fail: a process that holds SQLite connections and opens and closes another
//! descriptor on the database file (as re-opening the store per download did) loses every POSIX
//! lock it holds on the file; the `sqlite3` shell closing next then believes it is the last
//! connection and deletes the write-ahead log while the server keeps committing into the unlinked
//! file. On PostgreSQL the same rounds must not open database sessions per download: documents
//! are read with the server's own connections.
//!
//! `PLANWATCH_TEST_BIN` runs the test against another build of `planwatch` (to show that an
//! older build fails it).

mod common;
mod web_support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use web_support::Client;

const YEAR: &str = "2023";
const ROUNDS: usize = 4;

fn planwatch(data: &Path, url: Option<&str>) -> Command {
    let mut cmd = common::planwatch(Some(data), url);
    cmd.env("PLANWATCH_LOG", "warn");
    cmd
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("planwatch runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// The demo data folder (`planwatch demo --no-serve`) and a server on it.
struct Served {
    child: Child,
    client: Client,
    log: PathBuf,
}

fn serve_demo(data: &Path, url: Option<&str>) -> Served {
    run_ok(planwatch(data, url).args(["demo", "--no-serve"]));
    let log = data.join("server.log");
    let mut child = planwatch(data, url)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("PLANWATCH_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(std::fs::File::create(&log).expect("log")))
        .spawn()
        .expect("planwatch serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("the server prints its address");
    let base = line[line.find("http://").expect("an address")..]
        .split_whitespace()
        .next()
        .expect("address")
        .trim_end_matches('/')
        .to_string();
    let mut client = Client {
        base,
        cookies: Default::default(),
    };
    let r = client.try_sign_in("office", "planwatch-demo");
    assert_eq!(r.status, 303, "signing in as office: {}", r.body);
    Served { child, client, log }
}

/// Downloads every kind of document (the annual report's Word file, slow in a debug build, only
/// in the first round); returns what went wrong.
fn download_all(c: &mut Client, round: usize) -> Vec<String> {
    let unit: String = serde_urlencoded::to_string([("unit", "市科技局")]).expect("encodable");
    let asks = [
        (
            format!("/documents/annual?year={YEAR}&format=html"),
            "text/html",
        ),
        (
            format!("/documents/annual?year={YEAR}&format=xlsx"),
            "spreadsheetml",
        ),
        (
            format!("/documents/annual?year={YEAR}&format=docx"),
            "wordprocessingml",
        ),
        (
            format!("/documents/feedback?{unit}&year={YEAR}&format=docx"),
            "wordprocessingml",
        ),
        ("/documents/tasklist.xlsx".to_string(), "spreadsheetml"),
    ];
    let mut problems = Vec::new();
    for (path, mime) in asks {
        if round > 1 && path.contains("annual") && mime == "wordprocessingml" {
            continue;
        }
        let r = c.get(&path);
        let ok = r.status == 200 && r.header("content-type").is_some_and(|t| t.contains(mime));
        if !ok {
            problems.push(format!(
                "{path}: {} {:?} {}",
                r.status,
                r.header("content-type"),
                r.body.chars().take(300).collect::<String>()
            ));
        }
    }
    problems
}

/// The revision the 编辑报告文字 page shows for a section (the page also drafts the year's report,
/// the same way a download does).
fn revision_on(page: &str, section: &str) -> String {
    page.split(&format!("name=\"section\" value=\"{section}\">"))
        .nth(1)
        .and_then(|rest| rest.split("name=\"revision\" value=\"").nth(1))
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_else(|| panic!("a revision for {section} on the page:\n{page}"))
}

/// One write the server acknowledges (303): the office's text for 存在的问题, marked `marker`.
fn write_text(c: &mut Client, marker: &str) -> Result<(), String> {
    let page = c.get(&format!("/documents/texts?year={YEAR}"));
    if page.status != 200 {
        return Err(format!("texts page: {} {}", page.status, page.body));
    }
    let revision = revision_on(&page.body, "problems");
    let text = format!("一是数据报送仍不及时（{marker}）。");
    let r = c.post_form(
        "/documents/texts",
        &[
            ("year", YEAR),
            ("section", "problems"),
            ("mode", "replace"),
            ("text", &text),
            ("revision", &revision),
        ],
    );
    if r.status == 303 {
        Ok(())
    } else {
        Err(format!("saving {marker}: {} {}", r.status, r.body))
    }
}

fn marker(round: usize) -> String {
    format!("durability-mark-{round}")
}

fn sqlite3(db: &Path, sql: &str) -> Result<String, String> {
    let out = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .map_err(|e| format!("sqlite3 does not run: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(format!(
            "sqlite3 {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn have_sqlite3() -> bool {
    let found = Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("PLANWATCH_REQUIRE_DOC_TOOLS").is_none(),
            "the sqlite3 shell is missing but PLANWATCH_REQUIRE_DOC_TOOLS is set \
             (scripts/test.sh installs Debian's sqlite3)"
        );
        eprintln!(
            "note: skipping the SQLite durability test: the sqlite3 shell is not installed \
             (apt-get install sqlite3)"
        );
    }
    found
}

fn kill(mut served: Served) -> String {
    // `Child::kill` is SIGKILL on Unix: no clean shutdown, no checkpoint.
    served.child.kill().expect("SIGKILL");
    served.child.wait().expect("the server ends");
    std::fs::read_to_string(&served.log).unwrap_or_default()
}

#[test]
fn sqlite_acknowledged_writes_survive_document_downloads_an_outside_sqlite3_and_sigkill() {
    if !have_sqlite3() {
        return;
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("data");
    let db = data.join("planwatch.sqlite");
    let mut served = serve_demo(&data, None);
    let mut problems = Vec::new();
    let mut acknowledged = Vec::new();
    for round in 1..=ROUNDS {
        problems.extend(download_all(&mut served.client, round));
        let m = marker(round);
        match write_text(&mut served.client, &m) {
            Ok(()) => acknowledged.push(m),
            Err(e) => problems.push(e),
        }
        // Another process opens the database, reads and closes it: it must see the write.
        match sqlite3(
            &db,
            "SELECT count(*) FROM audit_log; \
             SELECT body FROM report_texts WHERE section = 'problems'",
        ) {
            Ok(out)
                if acknowledged
                    .last()
                    .is_some_and(|m| out.contains(m.as_str())) => {}
            Ok(out) => problems.push(format!(
                "round {round}: the sqlite3 shell does not see the acknowledged write: {out}"
            )),
            Err(e) => problems.push(e),
        }
    }
    let log = kill(served);

    // A fresh process after the crash: the database is sound and every acknowledged write is
    // there.
    let check = sqlite3(&db, "PRAGMA integrity_check").unwrap_or_else(|e| e);
    assert_eq!(check, "ok", "integrity after SIGKILL; server log:\n{log}");
    let audit = sqlite3(
        &db,
        "SELECT after_json FROM audit_log WHERE action = 'report_text.set'",
    )
    .expect("the audit log reads");
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|m| !audit.contains(m.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "acknowledged writes lost after SIGKILL: {lost:?} (of {acknowledged:?})"
    );
    let body = sqlite3(
        &db,
        "SELECT body FROM report_texts WHERE section = 'problems'",
    )
    .expect("the text reads");
    assert!(body.contains(&marker(ROUNDS)), "the last text: {body}");
    assert!(problems.is_empty(), "{problems:#?}\nserver log:\n{log}");
    assert_eq!(acknowledged.len(), ROUNDS);
}

/// Sessions ever opened on the database (PostgreSQL counts them in `pg_stat_database`), through
/// `psql`; `None` when psql is not installed.
fn pg_sessions(url: &str) -> Option<i64> {
    let out = Command::new("psql")
        .arg(url)
        .args([
            "-Atc",
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()",
        ])
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

#[test]
fn pg_acknowledged_writes_survive_document_downloads_and_sigkill() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let Some(pg) = rt.block_on(planwatch_store::testing::ScratchPg::create(
        "pg_acknowledged_writes_survive_document_downloads_and_sigkill",
    )) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("data");
    let mut served = serve_demo(&data, Some(&pg.url));
    let sessions_before = pg_sessions(&pg.url);
    let mut problems = Vec::new();
    let mut acknowledged = Vec::new();
    for round in 1..=ROUNDS {
        problems.extend(download_all(&mut served.client, round));
        let m = marker(round);
        match write_text(&mut served.client, &m) {
            Ok(()) => acknowledged.push(m),
            Err(e) => problems.push(e),
        }
    }
    let sessions_after = pg_sessions(&pg.url);
    let log = kill(served);

    // A fresh process reads the audit trail after the crash.
    let audit = run_ok(planwatch(&data, Some(&pg.url)).args([
        "audit",
        "--entity",
        "report_text",
        "--format",
        "json",
    ]));
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|m| !audit.contains(m.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "acknowledged writes lost after SIGKILL: {lost:?} (of {acknowledged:?})"
    );
    assert!(problems.is_empty(), "{problems:#?}\nserver log:\n{log}");
    assert_eq!(acknowledged.len(), ROUNDS);
    // Documents are read with the server's own pool (at most 10 connections), not with a new
    // pool per download: the rounds above made 21 document requests (with the texts pages, which
    // draft the report).
    match (sessions_before, sessions_after) {
        (Some(before), Some(after)) => {
            let opened = after - before;
            eprintln!("database sessions opened while serving: {opened}");
            assert!(
                opened <= 12,
                "{opened} database sessions were opened while serving the rounds' 21 document \
                 requests"
            );
        }
        _ => eprintln!("note: psql is not installed; database sessions not counted"),
    }
    rt.block_on(pg.drop_database());
}
