//! Evidence files and forms that carry over (issue 15, items 3 and 4), against a real server on
//! the demo data: real PDF and PNG files attached in the browser and through the API, refused
//! when they are not what their names say or too large, downloaded by the unit and the office
//! but not by another unit, removed with an audit row, kept once per hash and carried through
//! export/import and backup; drafts saved with invalid rows, 沿用上季度, one card per task, the
//! office's comment closed on acceptance, participants' drafts not shown to the lead unit.

mod common;
mod web_support;

use planwatch_app::demo_accounts::DEMO_PASSWORD;
use web_support::{Client, Response, Server, fixture};

fn sign_in(server: &Server, user: &str) -> Client {
    let mut c = server.client();
    let r = c.try_sign_in(user, DEMO_PASSWORD);
    assert_eq!(r.status, 303, "signing in as {user}: {}", r.body);
    c
}

fn unit_id(c: &mut Client, name: &str) -> i64 {
    let v: serde_json::Value = serde_json::from_str(&c.get("/api/v1/units").body).expect("JSON");
    v.as_array()
        .and_then(|a| a.iter().find(|u| u["name"] == name))
        .and_then(|u| u["id"].as_i64())
        .unwrap_or_else(|| panic!("{name}"))
}

/// A multipart body with text fields and one file.
fn multipart_body(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----planwatch-evidence-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Attaches a file to a row of the report page (as the signed-in person of `c`).
fn attach(c: &mut Client, path: &str, row: &str, key: &str, name: &str, bytes: &[u8]) -> Response {
    let token = c.csrf_token();
    let (ct, body) = multipart_body(&[("row", row), ("key", key)], (name, bytes));
    c.request(
        "POST",
        &format!("{path}/evidence?csrf={token}"),
        &[("Content-Type", &ct)],
        &body,
    )
}

/// The value of the hidden field `name` on the page.
fn hidden(page: &str, name: &str) -> String {
    page.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no hidden field {name}"))
        .to_string()
}

/// The download links of evidence on the page: (href, name).
fn links(page: &str) -> Vec<(String, String)> {
    page.split("<a href=\"")
        .skip(1)
        .filter_map(|s| {
            let (href, rest) = s.split_once('"')?;
            let name = rest.split_once('>')?.1.split('<').next()?;
            href.contains("/evidence/")
                .then(|| (href.to_string(), name.to_string()))
        })
        .collect()
}

fn kept_files(server: &Server) -> Vec<String> {
    match std::fs::read_dir(server.data_dir().join("evidence")) {
        Ok(d) => {
            let mut v: Vec<String> = d
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| !n.starts_with('.'))
                .collect();
            v.sort();
            v
        }
        Err(_) => Vec::new(),
    }
}

#[test]
fn evidence_is_checked_by_content_listed_and_downloaded_by_the_unit_and_the_office_only() {
    let server = Server::demo("2024Q2", &[]);
    let pdf = std::fs::read(fixture("fixtures/evidence/meeting-minutes.pdf")).expect("pdf");
    let png = std::fs::read(fixture("fixtures/evidence/site-photo.png")).expect("png");
    let mut kjj = sign_in(&server, "kjj");
    let id = unit_id(&mut kjj, "市科技局");
    let path = format!("/reports/{id}/2024Q3");
    let page = kjj.get(&path).body;
    let task_key = hidden(&page, "t0_key");
    let indicator = hidden(&page, "v0_code");

    // A real PDF on a task row and the same file on an indicator value: one file kept.
    let r = attach(&mut kjj, &path, "task", &task_key, "会议纪要.pdf", &pdf);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("{path}?ok=evidence").as_str())
    );
    let r = attach(
        &mut kjj,
        &path,
        "indicator",
        &indicator,
        "会议纪要.pdf",
        &pdf,
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = attach(&mut kjj, &path, "task", &task_key, "现场照片.png", &png);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(kept_files(&server).len(), 2, "the same bytes are kept once");
    let page = kjj.get(&format!("{path}?ok=evidence")).body;
    assert!(page.contains("佐证材料已上传"));
    let found = links(&page);
    assert_eq!(
        found.iter().filter(|(_, n)| n == "会议纪要.pdf").count(),
        2,
        "listed on both rows: {found:?}"
    );
    let (pdf_href, _) = found
        .iter()
        .find(|(_, n)| n == "会议纪要.pdf")
        .cloned()
        .expect("a link");

    // Not what the name says, of a type not allowed, too large: refused, naming the file.
    let r = attach(
        &mut kjj,
        &path,
        "task",
        &task_key,
        "假的.pdf",
        "这不是PDF".as_bytes(),
    );
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("佐证材料“假的.pdf”的内容不是 PDF 文件"),
        "{}",
        r.body
    );
    let r = attach(
        &mut kjj,
        &path,
        "task",
        &task_key,
        "工具.exe",
        b"MZ\x90\x00",
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("佐证材料“工具.exe”的类型无法识别或不允许"));
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(21 * 1024 * 1024, b' ');
    let r = attach(&mut kjj, &path, "task", &task_key, "扫描件.pdf", &big);
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("佐证材料“扫描件.pdf”过大") && r.body.contains("超过 20 MB 的上限"),
        "{}",
        r.body
    );
    let r = attach(&mut kjj, &path, "task", "T:999", "会议纪要.pdf", &pdf);
    assert_eq!(r.status, 422, "a row the report does not have");
    assert_eq!(kept_files(&server).len(), 2, "nothing refused was kept");

    // Downloads: the reporter, the unit head and the office; never another unit.
    for user in ["kjj", "kjj.head", "office", "leader"] {
        let mut c = sign_in(&server, user);
        let r = c.get(&pdf_href);
        assert_eq!(r.status, 200, "{user}");
        assert_eq!(r.bytes, pdf, "{user} gets the very bytes");
        assert_eq!(r.header("content-type"), Some("application/pdf"));
        assert!(
            r.header("content-disposition")
                .is_some_and(|v| v.starts_with("attachment") && v.contains("filename*=UTF-8''")),
        );
        let head_page = c.get(&path).body;
        assert!(head_page.contains(&pdf_href), "{user} sees the link");
    }
    let mut wjw = sign_in(&server, "wjw");
    let r = wjw.get(&pdf_href);
    assert_eq!(r.status, 403, "another unit may not download");
    assert_ne!(r.bytes, pdf);
    // The same file id under another unit's report is not found.
    let other = unit_id(&mut wjw, "市卫健委");
    let moved = pdf_href.replace(&format!("/reports/{id}/"), &format!("/reports/{other}/"));
    assert_eq!(wjw.get(&moved).status, 404);

    // The API: the list for the unit and the office, 403 for another unit.
    let api = format!("/api/v1/reports/{id}/2024Q3/evidence");
    let mut office = sign_in(&server, "office");
    let r = office.get(&api);
    assert_eq!(r.status, 200, "{}", r.body);
    let list: serde_json::Value = serde_json::from_str(&r.body).expect("JSON");
    assert_eq!(list.as_array().map(Vec::len), Some(3));
    assert_eq!(list[0]["kind"], "pdf");
    assert_eq!(list[0]["row"], "task");
    assert_eq!(list[1]["row"], "indicator");
    assert_eq!(list[0]["sha256"], list[1]["sha256"]);
    let r = office.get(list[2]["download"].as_str().expect("download"));
    assert_eq!(r.bytes, png);
    assert_eq!(r.header("content-type"), Some("image/png"));
    let r = wjw.get(&api);
    assert_eq!(r.status, 403);
    assert!(
        r.header("content-type")
            .is_some_and(|v| v.contains("problem+json"))
    );

    // Uploading through the API takes the unit's write token, never a session.
    let page = office.post_form(
        "/api-tokens",
        &[
            ("unit", "市科技局"),
            ("name", "科技局业务系统"),
            ("read", "on"),
            ("write", "on"),
        ],
    );
    let token: String = page
        .body
        .split("<pre class=\"json\">")
        .nth(1)
        .expect("token shown once")
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    let (ct, body) = multipart_body(&[("row", "task"), ("key", &task_key)], ("台账.png", &png));
    let r = server.client().request(
        "POST",
        &api,
        &[
            ("Content-Type", &ct),
            ("Authorization", &format!("Bearer {token}")),
        ],
        &body,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let made: serde_json::Value = serde_json::from_str(&r.body).expect("JSON");
    assert_eq!(made["name"], "台账.png");
    assert_eq!(made["kind"], "png");
    let (ct, body) = multipart_body(
        &[("row", "task"), ("key", &task_key)],
        ("假的.pdf", b"GIF89a"),
    );
    let r = server.client().request(
        "POST",
        &api,
        &[
            ("Content-Type", &ct),
            ("Authorization", &format!("Bearer {token}")),
        ],
        &body,
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let p: serde_json::Value = serde_json::from_str(&r.body).expect("problem");
    assert_eq!(p["field"], "file");
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("假的.pdf")));
    let (ct, body) = multipart_body(&[("row", "task"), ("key", &task_key)], ("a.png", &png));
    let r = kjj.request("POST", &api, &[("Content-Type", &ct)], &body);
    assert_eq!(r.status, 403, "a session cannot upload through the API");

    // Removing: the link goes, the audit trail keeps both steps.
    let remove_id = pdf_href.rsplit('/').next().expect("id").to_string();
    let r = kjj.post_form(&format!("{path}/evidence/remove"), &[("id", &remove_id)]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(!kjj.get(&path).body.contains(&pdf_href));
    let audit = server.cli(&["audit", "--entity", "report_evidence", "--limit", "20"]);
    assert!(audit.contains("evidence.attach"), "{audit}");
    assert!(audit.contains("evidence.remove"), "{audit}");
    // Another unit cannot remove.
    let r = wjw.post_form(&format!("{path}/evidence/remove"), &[("id", "2")]);
    assert_eq!(r.status, 403);

    // Export and import into a new data folder: the bytes come back, checked by their hash.
    let out = tempfile::tempdir().expect("tmp");
    let dump = out.path().join("dump.json");
    let said = server.cli(&["export", dump.to_str().expect("path")]);
    assert!(said.contains("佐证材料 2 个已复制到"), "{said}");
    let fresh = tempfile::tempdir().expect("tmp");
    let imported = std::process::Command::new(env!("CARGO_BIN_EXE_planwatch"))
        .args(["--data-dir", fresh.path().to_str().expect("path"), "import"])
        .arg(&dump)
        .output()
        .expect("import runs");
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert!(String::from_utf8_lossy(&imported.stdout).contains("恢复佐证材料 2 个"));
    let sha = list[0]["sha256"].as_str().expect("sha");
    assert_eq!(
        std::fs::read(fresh.path().join("evidence").join(sha)).expect("restored"),
        pdf
    );
    // A backup carries them too.
    let backup = out.path().join("backup.sqlite");
    let said = server.cli(&["backup", backup.to_str().expect("path")]);
    assert!(said.contains("佐证材料 2 个已复制到"), "{said}");
    assert_eq!(
        std::fs::read(out.path().join("backup.sqlite.evidence").join(sha)).expect("backed up"),
        pdf
    );
}

#[test]
fn forms_carry_over_keep_invalid_drafts_group_tasks_and_close_accepted_comments() {
    let server = Server::demo("2024Q2", &[]);
    let mut kjj = sign_in(&server, "kjj");
    let id = unit_id(&mut kjj, "市科技局");
    let path = format!("/reports/{id}/2024Q3");
    let page = kjj.get(&path).body;

    // One card per task: task 20 (co-lead, and two breakdown items) appears once, naming both.
    assert_eq!(page.matches("id=\"task-20\"").count(), 1);
    assert!(
        page.contains("共同牵头 · 负责分解事项 2 项"),
        "both roles named"
    );
    assert_eq!(page.matches("id=\"task-13\"").count(), 1);

    let fields: Vec<(String, String)> = page
        .split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|s| {
            let (name, rest) = s.split_once('"')?;
            let value = rest.split("value=\"").nth(1)?.split('"').next()?;
            (name.ends_with("_key") || name.ends_with("_code"))
                .then(|| (name.to_string(), value.to_string()))
        })
        .collect();
    let post = |c: &mut Client, extra: &[(&str, &str)]| {
        let mut all: Vec<(&str, &str)> = fields
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        all.extend_from_slice(extra);
        c.post_form(&path, &all)
    };

    // 沿用上季度: blank rows filled from 2024Q2 and marked; saved as a draft.
    let r = post(&mut kjj, &[("intent", "carry"), ("version", "0")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("已沿用上季度填写"), "{}", r.body);
    let carried = r.body.matches("badge yellow carried").count();
    assert!(carried > 5, "carried rows are marked ({carried})");
    // The head sees the marks too (the report is shown read-only once it is with the office;
    // here, on the form).
    let mut head = sign_in(&server, "kjj.head");
    assert!(head.get(&path).body.contains("沿用上季度"));

    // A draft with an invalid row is saved; the problem is shown at its field and kept.
    let page = kjj.get(&path).body;
    let version = hidden(&page, "version");
    let progress0 = page
        .split("name=\"t0_progress\" rows=\"3\">")
        .nth(1)
        .and_then(|s| s.split("</textarea>").next())
        .expect("t0 progress")
        .to_string();
    assert!(!progress0.is_empty(), "row 0 was carried");
    let status_row = page
        .split("name=\"t")
        .filter_map(|s| s.split('"').next()?.strip_suffix("_share"))
        .map(str::to_string)
        .next()
        .expect("a row with a share");
    let share = format!("t{status_row}_share");
    let r = post(
        &mut kjj,
        &[
            ("intent", "draft"),
            ("version", &version),
            ("t0_progress", "本季度新写的进展"),
            (&share, "150"),
        ],
    );
    assert_eq!(r.status, 200, "saved, not refused: {}", r.body);
    assert!(r.body.contains("草稿已保存"));
    assert!(r.body.contains("草稿中有"), "the count of problems");
    assert!(r.body.contains("field-error"));
    assert!(!r.body.contains("未保存"));
    let again = kjj.get(&path).body;
    assert!(
        again.contains("本季度新写的进展"),
        "the valid rows were saved"
    );
    assert!(again.contains("草稿中有"), "the problems are kept");
    assert!(
        again.contains("value=\"150\""),
        "the invalid value is kept as typed"
    );
    // Asking for approval is what the problems block.
    let version = hidden(&again, "version");
    let r = post(&mut kjj, &[("intent", "ready"), ("version", &version)]);
    assert_eq!(r.status, 422);
    assert!(kjj.get(&path).body.contains("id=\"report-state\">草稿"));

    // The office's return comment is closed once the report is accepted; it stays in history.
    let mut office = sign_in(&server, "office");
    let gxj = unit_id(&mut office, "市工信局");
    let accepted = office.get(&format!("/reports/{gxj}/2022Q1")).body;
    assert!(accepted.contains("已采纳"));
    assert!(
        !accepted.contains("id=\"office-comment\""),
        "closed on acceptance"
    );
    assert!(
        accepted.contains("数据来源未填写完整，请补充后重新报送"),
        "kept in the history"
    );

    // A participant's draft is not shown on the lead unit's page (市市场监管局's draft about
    // task 18, which 市科技局 leads).
    let q2 = kjj.get(&format!("/reports/{id}/2024Q2")).body;
    assert!(q2.contains("【"), "signed-off contributions are shown");
    assert!(!q2.contains("【市市场监管局"), "a draft is not");
}

/// On PostgreSQL (when `PLANWATCH_TEST_PG_URL` is set): attached through the page, downloaded,
/// exported from PostgreSQL and imported into a fresh SQLite folder with its bytes.
#[test]
fn pg_evidence_is_attached_and_moves_to_sqlite_with_its_bytes() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let Some(pg) = rt.block_on(planwatch_store::testing::ScratchPg::create(
        "pg_evidence_is_attached_and_moves_to_sqlite_with_its_bytes",
    )) else {
        return;
    };
    {
        let server = Server::start_with(Some(&pg.url), &[]);
        let pdf = std::fs::read(fixture("fixtures/evidence/meeting-minutes.pdf")).expect("pdf");
        let mut kjj = server.sign_in("kjj");
        let id = unit_id(&mut kjj, "市科技局");
        let path = format!("/reports/{id}/2023Q3");
        let page = kjj.get(&path).body;
        let key = hidden(&page, "t0_key");
        let r = attach(&mut kjj, &path, "task", &key, "会议纪要.pdf", &pdf);
        assert_eq!(r.status, 303, "{}", r.body);
        let page = kjj.get(&path).body;
        let (href, name) = links(&page).into_iter().next().expect("a link");
        assert_eq!(name, "会议纪要.pdf");
        let mut head = server.sign_in("kjj.head");
        assert_eq!(head.get(&href).bytes, pdf);

        let out = tempfile::tempdir().expect("tmp");
        let dump = out.path().join("dump.json");
        let mut export = common::planwatch(Some(server.data_dir()), Some(&pg.url));
        let done = export.arg("export").arg(&dump).output().expect("export");
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        let text = std::fs::read_to_string(&dump).expect("dump");
        assert!(text.contains("\"report_evidence\""));
        let fresh = tempfile::tempdir().expect("tmp");
        let mut import = common::planwatch(Some(fresh.path()), None);
        let done = import.arg("import").arg(&dump).output().expect("import");
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        let sha = planwatch_quarterly::evidence::sha256_hex(&pdf);
        assert_eq!(
            std::fs::read(fresh.path().join("evidence").join(&sha)).expect("restored"),
            pdf
        );
    }
    rt.block_on(pg.drop_database());
}
