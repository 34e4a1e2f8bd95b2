//! Quarterly reports through the web, against a real server: a draft saved from the form, two
//! people saving the same report at once (the second is told, nothing is lost), the Excel form
//! downloaded and uploaded with the reader's located messages, and the office's extension.

mod common;
mod web_support;

use web_support::{Client, Server};

fn unit_id(c: &mut Client, name: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(&c.get("/api/v1/units").body).expect("JSON");
    v.as_array()
        .and_then(|a| a.iter().find(|u| u["name"] == name))
        .map(|u| u["id"].to_string())
        .unwrap_or_else(|| panic!("{name}"))
}

/// The hidden fields of the form (row keys and indicator codes) as posted pairs.
fn hidden_fields(page: &str) -> Vec<(String, String)> {
    page.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|s| {
            let (name, rest) = s.split_once('"')?;
            let value = rest.split("value=\"").nth(1)?.split('"').next()?;
            (name.starts_with('t') || name.starts_with('v'))
                .then(|| (name.to_string(), value.to_string()))
        })
        .filter(|(n, _)| n.ends_with("_key") || n.ends_with("_code"))
        .collect()
}

fn post(
    c: &mut Client,
    path: &str,
    fields: &[(String, String)],
    extra: &[(&str, &str)],
) -> web_support::Response {
    let mut all: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    all.extend_from_slice(extra);
    c.post_form(path, &all)
}

#[test]
fn a_draft_is_saved_and_a_second_save_from_a_stale_page_is_refused_without_loss() {
    let server = Server::start();
    let mut kjj = server.sign_in("kjj");
    let id = unit_id(&mut kjj, "市科技局");
    let path = format!("/reports/{id}/2023Q3");
    let page = kjj.get(&path).body;
    let fields = hidden_fields(&page);
    assert!(fields.iter().any(|(n, _)| n == "t0_key"));
    let r = post(
        &mut kjj,
        &path,
        &fields,
        &[
            ("intent", "draft"),
            ("version", "0"),
            ("t0_progress", "第一次保存"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("{path}?ok=draft").as_str())
    );
    let mut head = server.sign_in("kjj.head");
    // The head's page was opened before the reporter saved: version 0.
    let r = post(
        &mut head,
        &path,
        &fields,
        &[
            ("intent", "draft"),
            ("version", "0"),
            ("t0_progress", "负责人改写"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("报告已被他人修改"), "{}", r.body);
    let now = kjj.get(&path).body;
    assert!(now.contains("第一次保存"), "the first save is kept");
    assert!(!now.contains("负责人改写"));
    // Asking for approval with an incomplete report is refused, field by field.
    let r = post(
        &mut kjj,
        &path,
        &fields,
        &[
            ("intent", "ready"),
            ("version", "1"),
            ("t0_progress", "第一次保存"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("请填写本季度进展情况"),
        "the reader's own message"
    );
    assert!(r.body.contains("field-error"));
    // Two more saves by the same reporter: the history shows the three as one line.
    for (v, text) in [("1", "第二次保存"), ("2", "第三次保存")] {
        let r = post(
            &mut kjj,
            &path,
            &fields,
            &[("intent", "draft"), ("version", v), ("t0_progress", text)],
        );
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let page = kjj.get(&path).body;
    let history = &page[page.find("办理记录").expect("the history")..];
    let run = history
        .split("<tr>")
        .find(|row| row.contains("填写保存（3 次）"))
        .unwrap_or_else(|| panic!("one line for the three saves: {history}"));
    // Its time cell gives the run's time (first 至 last, when they differ by a minute or more);
    // its comment cell stays empty: it is the office's and the head's column.
    let time = run
        .strip_prefix("<td class=\"nowrap\">")
        .and_then(|t| t.split("</td>").next())
        .unwrap_or_else(|| panic!("a time cell first: {run}"));
    let stamp = |t: &str| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M").is_ok();
    assert!(
        stamp(time)
            || time
                .split_once(" 至 ")
                .is_some_and(|(a, b)| stamp(a) && stamp(b)),
        "{time}"
    );
    assert!(run.contains("<td></td></tr>"), "{run}");
    assert!(!history.contains("首次"), "{history}");
}

#[test]
fn the_excel_form_downloads_and_an_unfilled_upload_is_refused_with_located_messages() {
    let server = Server::start();
    let mut kjj = server.sign_in("kjj");
    let id = unit_id(&mut kjj, "市科技局");
    let r = kjj.get(&format!("/reports/{id}/2023Q3/template.xlsx"));
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .is_some_and(|v| v.contains("spreadsheetml"))
    );
    assert!(
        r.header("content-disposition")
            .is_some_and(|v| v.contains("attachment"))
    );
    assert!(r.body.as_bytes().starts_with(b"PK"), "an xlsx is a zip");
    // Uploading something that is not a workbook changes nothing and says why.
    let up = kjj.post_multipart(
        &format!("/reports/{id}/2023Q3/upload"),
        &[("file", "这不是Excel"), ("version", "0")],
    );
    assert_eq!(up.status, 422);
    assert!(up.body.contains("未导入"), "{}", up.body);
    assert!(
        !kjj.get(&format!("/reports/{id}/2023Q3"))
            .body
            .contains("办理记录"),
        "nothing saved"
    );
}

#[test]
fn the_office_grants_an_extension_and_the_units_deadline_moves() {
    let server = Server::start();
    let mut office = server.sign_in("office");
    let r = office.post_form(
        "/review/extend",
        &[
            ("unit", "市科技局"),
            ("quarter", "2024Q4"),
            ("until", "2030-01-31"),
            ("reason", "数据口径调整"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let review = office.get("/review?ok=extended").body;
    assert!(review.contains("已批准延期"));
    assert!(review.contains("市科技局 延至 2030-01-31（数据口径调整）"));
    let refused = office.post_form(
        "/review/extend",
        &[
            ("unit", "市科技局"),
            ("quarter", "2024Q4"),
            ("until", "2030-01-31"),
            ("reason", ""),
        ],
    );
    assert_eq!(refused.status, 422);
    let audit = office.get("/audit?entity=reporting_period").body;
    assert!(audit.contains("批准延期"));
}
