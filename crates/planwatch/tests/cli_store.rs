//! The store's commands end to end, through the real `planwatch` binary: init, plan show and
//! import, org, users, audit, backup, export/import — on SQLite, and on PostgreSQL where the
//! test name starts with `pg_`.

mod common;

use planwatch_store::testing::ScratchPg;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

fn gold() -> String {
    fixture("fixtures/plans/yangquan-2022-2024.gold.json")
        .display()
        .to_string()
}

/// Runs `planwatch --data-dir DIR ARGS…` with `DATABASE_URL` set only if `url` is given.
fn run(dir: &Path, url: Option<&str>, args: &[&str], stdin: Option<&str>) -> Output {
    common::run_with(common::planwatch(Some(dir), url).args(args), stdin)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Runs and expects success; returns stdout.
fn ok(dir: &Path, url: Option<&str>, args: &[&str]) -> String {
    let o = run(dir, url, args, None);
    assert!(
        o.status.success(),
        "planwatch {args:?} failed:\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// Runs and expects failure with exit code 1; returns stderr.
fn fails(dir: &Path, url: Option<&str>, args: &[&str]) -> String {
    let o = run(dir, url, args, None);
    assert_eq!(
        o.status.code(),
        Some(1),
        "planwatch {args:?} should fail:\n{}",
        stdout(&o)
    );
    stderr(&o)
}

fn task_lines(show: &str) -> usize {
    show.lines()
        .filter(|l| l.trim_start().starts_with('（') && l.contains('）'))
        .count()
}

#[test]
fn init_then_plan_show_prints_the_22_tasks_and_their_units() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    let out = ok(&dir, None, &["init", "--plan", &gold()]);
    assert!(out.contains("重点任务 22 项"), "{out}");
    assert!(out.contains("5 个专班"), "{out}");
    assert!(dir.join("planwatch.sqlite").exists());
    let show = ok(&dir, None, &["plan", "show"]);
    assert_eq!(task_lines(&show), 22, "{show}");
    assert!(
        show.contains("（13）高质量建设山西智创城NO.7  ［科技创新专班］"),
        "{show}"
    );
    assert!(show.contains("牵头单位：市委人才办"), "{show}");
    assert!(show.contains("各县（区）人民政府 指：平定县人民政府、盂县人民政府、城区人民政府、矿区人民政府、郊区人民政府"), "{show}");
    let again = ok(&dir, None, &["init"]);
    assert!(again.contains("未作更改"), "{again}");
    let err = fails(&dir, None, &["init", "--plan", &gold()]);
    assert!(err.contains("planwatch plan import"), "{err}");
}

#[test]
fn plan_show_text_is_stable() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    ok(&dir, None, &["init", "--plan", &gold()]);
    insta::assert_snapshot!("plan_show_yangquan_gold", ok(&dir, None, &["plan", "show"]));
}

#[test]
fn a_command_before_init_says_to_run_init() {
    let tmp = tempfile::tempdir().expect("tmp");
    let err = fails(&tmp.path().join("none"), None, &["plan", "show"]);
    assert!(err.contains("planwatch init"), "{err}");
    assert!(!tmp.path().join("none").exists());
}

#[test]
fn an_unknown_database_url_scheme_is_an_error_and_creates_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    let err = fails(
        &dir,
        Some("mysql://root@localhost/pw"),
        &["init", "--plan", &gold()],
    );
    assert!(
        err.contains("mysql") && err.contains("postgres://"),
        "{err}"
    );
    assert!(!dir.join("planwatch.sqlite").exists());
}

#[test]
fn an_unreachable_postgresql_is_an_error_without_the_password() {
    let tmp = tempfile::tempdir().expect("tmp");
    let err = fails(
        tmp.path(),
        Some("postgres://planwatch:hunter2@127.0.0.1:1/pw"),
        &["plan", "show"],
    );
    assert!(err.contains("无法连接 PostgreSQL"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn a_corrupt_database_file_is_named_and_left_alone() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let file = dir.join("planwatch.sqlite");
    std::fs::write(&file, "not a database at all\n".repeat(200)).expect("write");
    let err = fails(dir, None, &["plan", "show"]);
    assert!(
        err.contains(&file.display().to_string()) && err.contains("不是 SQLite 数据库"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("file"),
        "not a database at all\n".repeat(200)
    );
}

#[test]
fn importing_a_corrected_plan_makes_a_new_revision_and_prints_the_changes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    ok(&dir, None, &["init", "--plan", &gold()]);
    // The office prints the plan as JSON, corrects it by hand and imports it back.
    let json = ok(&dir, None, &["plan", "show", "--format", "json"]);
    let same = tmp.path().join("same.json");
    std::fs::write(&same, &json).expect("write");
    let out = ok(
        &dir,
        None,
        &["plan", "import", same.to_str().expect("utf-8")],
    );
    assert!(out.contains("第 2 版") && out.contains("没有变化"), "{out}");
    let corrected = json.replace("\"市邮政管理局\"", "\"市邮政管理局\", \"市新设局\"");
    let fixed = tmp.path().join("fixed.json");
    std::fs::write(&fixed, corrected).expect("write");
    let out = ok(
        &dir,
        None,
        &["plan", "import", fixed.to_str().expect("utf-8")],
    );
    assert!(out.contains("第 3 版"), "{out}");
    assert!(out.contains("参加单位增加 市新设局"), "{out}");
    assert!(out.contains("新增单位：市新设局"), "{out}");
    let revisions = ok(&dir, None, &["plan", "revisions"]);
    assert_eq!(revisions.lines().count(), 3, "{revisions}");
    let old = ok(&dir, None, &["plan", "show", "--revision", "1"]);
    assert!(!old.contains("市新设局"));
}

#[test]
fn a_plan_refused_for_blocking_problems_or_missing_fields_changes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    ok(&dir, None, &["init", "--plan", &gold()]);
    let before = tmp.path().join("before.json");
    ok(&dir, None, &["export", before.to_str().expect("utf-8")]);
    let json = ok(&dir, None, &["plan", "show", "--format", "json"]);
    let no_lead = json.replacen(
        "\"lead_units\": [\n        \"市工信局\"\n      ]",
        "\"lead_units\": []",
        1,
    );
    assert_ne!(no_lead, json, "the edit applied");
    let bad = tmp.path().join("no-lead.json");
    std::fs::write(&bad, no_lead).expect("write");
    let err = fails(
        &dir,
        None,
        &["plan", "import", bad.to_str().expect("utf-8")],
    );
    assert!(
        err.contains("阻断性问题") && err.contains("没有牵头单位"),
        "{err}"
    );
    let missing = tmp.path().join("missing.json");
    std::fs::write(
        &missing,
        json.replace("\"participating_units\"", "\"participants\""),
    )
    .expect("write");
    let err = fails(
        &dir,
        None,
        &["plan", "import", missing.to_str().expect("utf-8")],
    );
    assert!(
        err.contains("缺少字段 participating_units") && err.contains("missing.json"),
        "{err}"
    );
    let after = tmp.path().join("after.json");
    ok(&dir, None, &["export", after.to_str().expect("utf-8")]);
    assert_eq!(
        std::fs::read(&before).expect("a"),
        std::fs::read(&after).expect("b")
    );
}

#[test]
fn users_get_passwords_from_stdin_that_are_never_printed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    ok(&dir, None, &["init", "--plan", &gold()]);
    let secret = "Tianbao-2023-q3-secret";
    let add = |args: &[&str]| run(&dir, None, args, Some(&format!("{secret}\n")));
    let o = add(&[
        "user",
        "add",
        "kjj",
        "--role",
        "reporter",
        "--unit",
        "市科技局",
        "--name",
        "王填报",
        "--password-stdin",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o2 = add(&[
        "user",
        "add",
        "zb",
        "--role",
        "task_force",
        "--task-force",
        "数字经济专班",
        "--password-stdin",
    ]);
    assert!(o2.status.success(), "{}", stderr(&o2));
    let o3 = add(&["user", "reset-password", "kjj", "--password-stdin"]);
    assert!(o3.status.success(), "{}", stderr(&o3));
    let o4 = run(
        &dir,
        None,
        &["user", "add", "nopw", "--role", "leader"],
        None,
    );
    assert_eq!(o4.status.code(), Some(1));
    assert!(stderr(&o4).contains("--password-stdin"), "{}", stderr(&o4));
    let list = ok(&dir, None, &["user", "list"]);
    assert!(
        list.contains("kjj\t王填报\t填报员\t市科技局\t启用"),
        "{list}"
    );
    assert!(list.contains("zb\tzb\t专班\t数字经济专班\t启用"), "{list}");
    ok(&dir, None, &["user", "disable", "kjj"]);
    assert!(ok(&dir, None, &["user", "list"]).contains("kjj\t王填报\t填报员\t市科技局\t已停用"));
    let audit = ok(&dir, None, &["audit", "--entity", "user"]);
    assert!(
        audit.contains("user.create")
            && audit.contains("user.reset_password")
            && audit.contains("user.disable"),
        "{audit}"
    );
    for o in [&o, &o2, &o3, &o4] {
        assert!(!stdout(o).contains(secret) && !stderr(o).contains(secret));
    }
    assert!(
        !audit.contains(secret) && !audit.contains("argon2"),
        "{audit}"
    );
}

#[test]
fn the_audit_trail_lists_the_plan_import_and_filters_by_time() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    ok(&dir, None, &["init", "--plan", &gold()]);
    let audit = ok(&dir, None, &["audit", "--entity", "plan_revision"]);
    assert!(audit.contains("plan.create plan_revision#1"), "{audit}");
    assert!(audit.contains("cli:"), "{audit}");
    let later = ok(&dir, None, &["audit", "--since", "2999-01-01"]);
    assert!(later.contains("没有符合条件的审计记录"), "{later}");
    let json = ok(&dir, None, &["audit", "--limit", "1", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(rows.as_array().map(Vec::len), Some(1));
    assert_eq!(rows[0]["action"], "org.import");
}

#[test]
fn the_organisation_is_shown_and_a_bad_file_is_refused_with_its_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    ok(&dir, None, &["init", "--plan", &gold()]);
    let org = ok(&dir, None, &["org", "show"]);
    for tf in [
        "科技创新专班",
        "创新投入专班",
        "产业发展专班",
        "数字经济专班",
        "人才引育专班",
    ] {
        assert!(org.contains(&format!("{tf}  牵头单位")), "{org}");
    }
    assert!(
        org.contains("阳泉市国家创新型城市建设工作领导小组办公室（设在市科技局）"),
        "{org}"
    );
    let default = ok(&dir, None, &["org", "default"]);
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        default.replace("lead = \"市大数据局\"", "lead = \"市大数据中心\""),
    )
    .expect("write");
    let err = fails(&dir, None, &["org", "import", bad.to_str().expect("utf-8")]);
    assert!(
        err.contains("市大数据中心") && err.contains("不是已知单位"),
        "{err}"
    );
    std::fs::write(&bad, default.replace("[office]", "[office")).expect("write");
    let err = fails(&dir, None, &["org", "import", bad.to_str().expect("utf-8")]);
    assert!(err.contains("bad.toml") && err.contains("行"), "{err}");
    let good = tmp.path().join("good.toml");
    std::fs::write(&good, &default).expect("write");
    let out = ok(
        &dir,
        None,
        &["org", "import", good.to_str().expect("utf-8")],
    );
    assert!(out.contains("5 个专班"), "{out}");
}

#[test]
fn backup_writes_a_database_file_once_and_migrate_reports_the_version() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    ok(&dir, None, &["init", "--plan", &gold()]);
    let target = tmp.path().join("backup.sqlite");
    let out = ok(&dir, None, &["backup", target.to_str().expect("utf-8")]);
    assert!(out.contains("SQLite 数据库文件"), "{out}");
    assert!(
        std::fs::read(&target)
            .expect("backup")
            .starts_with(b"SQLite format 3\0")
    );
    let err = fails(&dir, None, &["backup", target.to_str().expect("utf-8")]);
    assert!(err.contains("已存在"), "{err}");
    let m = ok(&dir, None, &["migrate"]);
    // The newest embedded migration, whatever its number.
    let newest = planwatch_store::embedded_migrations(planwatch_store::Backend::Sqlite)
        .iter()
        .map(|(v, _)| *v)
        .max()
        .expect("at least one migration");
    assert!(m.contains(&format!("已是最新（版本 {newest}）")), "{m}");
}

fn pg_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn pg_init_and_plan_show_give_the_same_output_as_on_sqlite() {
    let rt = pg_runtime();
    let Some(pg) = rt.block_on(ScratchPg::create("pg_cli_show")) else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tmp");
    let sqlite_dir = tmp.path().join("sqlite");
    let pg_dir = tmp.path().join("pg");
    ok(&sqlite_dir, None, &["init", "--plan", &gold()]);
    let out = ok(&pg_dir, Some(&pg.url), &["init", "--plan", &gold()]);
    assert!(
        out.contains("数据库：PostgreSQL") && out.contains("重点任务 22 项"),
        "{out}"
    );
    assert!(
        !out.contains("planwatch:planwatch@"),
        "no password in the output: {out}"
    );
    let a = ok(&sqlite_dir, None, &["plan", "show"]);
    let b = ok(&pg_dir, Some(&pg.url), &["plan", "show"]);
    assert_eq!(task_lines(&b), 22);
    assert_eq!(a, b);
    assert_eq!(
        ok(&sqlite_dir, None, &["org", "show"]),
        ok(&pg_dir, Some(&pg.url), &["org", "show"])
    );
    rt.block_on(pg.drop_database());
}

#[test]
fn pg_export_from_sqlite_import_into_postgresql_and_export_again_gives_identical_files() {
    let rt = pg_runtime();
    let Some(pg) = rt.block_on(ScratchPg::create("pg_cli_move")) else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    ok(&dir, None, &["init", "--plan", &gold()]);
    let o = run(
        &dir,
        None,
        &[
            "user",
            "add",
            "admin",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("a-long-operator-secret\n"),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let a = tmp.path().join("a.json");
    let b = tmp.path().join("b.json");
    let c = tmp.path().join("c.json");
    ok(&dir, None, &["export", a.to_str().expect("utf-8")]);
    let out = ok(
        tmp.path(),
        Some(&pg.url),
        &["import", a.to_str().expect("utf-8")],
    );
    assert!(out.contains("PostgreSQL"), "{out}");
    ok(
        tmp.path(),
        Some(&pg.url),
        &["export", b.to_str().expect("utf-8")],
    );
    assert_eq!(
        std::fs::read(&a).expect("a"),
        std::fs::read(&b).expect("b"),
        "SQLite → PostgreSQL"
    );
    let back = tmp.path().join("back");
    ok(&back, None, &["import", b.to_str().expect("utf-8")]);
    ok(&back, None, &["export", c.to_str().expect("utf-8")]);
    assert_eq!(
        std::fs::read(&a).expect("a"),
        std::fs::read(&c).expect("c"),
        "PostgreSQL → SQLite"
    );
    let err = fails(
        tmp.path(),
        Some(&pg.url),
        &["import", a.to_str().expect("utf-8")],
    );
    assert!(err.contains("不是空的"), "{err}");
    rt.block_on(pg.drop_database());
}

/// `planwatch audit verify` on a fresh database says ok and names the head; after an audit row is
/// edited behind PlanWatch's back (the sqlite3 shell) it exits 1 naming that row.
#[test]
fn audit_verify_reports_a_row_edited_outside_planwatch() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    ok(&dir, None, &["init", "--plan", &gold()]);
    let out = ok(&dir, None, &["audit", "verify"]);
    assert!(out.contains("审计日志校验通过 (ok)"), "{out}");
    assert!(out.contains("链尾：#"), "{out}");
    let edit = Command::new("sqlite3")
        .arg(dir.join("planwatch.sqlite"))
        .arg("UPDATE audit_log SET actor = 'someone-else' WHERE id = 2")
        .output()
        .expect("the sqlite3 shell (scripts/test.sh installs it)");
    assert!(edit.status.success(), "{}", stderr(&edit));
    let o = run(&dir, None, &["audit", "verify"], None);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("第 #2 行起哈希链断开"),
        "{}",
        stdout(&o)
    );
}
