//! The web's plan upload keeps where each item came from in the original file, as
//! `planwatch extract` and `plan import` do (issue 19): a GBK portal page's tasks show their HTML
//! source line and a PDF's tasks their page and line, in the preview, in the correction (where
//! the place comes from the sealed document, not from the posted table) and in the imported
//! revision. A source-line map edited in the page is refused and nothing is imported.

mod common;
#[path = "publish_formats/make.rs"]
mod make;
mod web_support;

use serde_json::Value;
use web_support::Server;

/// Undoes the page's HTML escaping (named and numeric character references).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').expect("a character reference ends with ;");
        let name = &rest[1..end];
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16),
                    None => name.strip_prefix('#').expect("numeric").parse(),
                }
                .expect("a number");
                char::from_u32(code).expect("a character")
            }
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The value of the first hidden field `name` on the page.
fn hidden(page: &str, name: &str) -> String {
    let after = page
        .split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no field {name} on the page"));
    unescape(&after[..after.find('"').expect("end of value")])
}

/// The plan the page gives the editing table (`#plan-data`).
fn plan_data(page: &str) -> Value {
    let after = page
        .split("id=\"plan-data\" hidden readonly aria-hidden=\"true\">")
        .nth(1)
        .expect("plan data");
    serde_json::from_str(&unescape(&after[..after.find("</textarea>").expect("end")]))
        .expect("plan JSON")
}

/// The places the correction table shows, in task order.
fn shown_places(page: &str) -> Vec<String> {
    page.split("<span class=\"sub\">原文")
        .skip(1)
        .map(|s| s[..s.find("</span>").expect("end")].to_string())
        .collect()
}

/// The places `planwatch extract` gives the tasks of a file, worded as the page words them.
fn cli_places(server: &Server, file: &std::path::Path) -> (Value, Vec<String>) {
    let plan: Value = serde_json::from_str(&server.cli(&[
        "extract",
        file.to_str().expect("utf-8"),
        "--format",
        "json",
    ]))
    .expect("plan JSON");
    let places = plan["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| {
            let s = &t["span"];
            match (s["page"].as_u64(), s["source_line"].as_u64()) {
                (Some(p), Some(l)) => format!("第 {p} 页第 {l} 行"),
                (None, Some(l)) => format!("网页源文件第 {l} 行"),
                other => panic!("no place in the original file: {other:?}"),
            }
        })
        .collect();
    (plan, places)
}

/// The carried document of a preview: file name, text, source-line map and its seal.
fn carried(page: &str) -> [(&'static str, String); 4] {
    [
        ("file_name", hidden(page, "file_name")),
        ("content", hidden(page, "content")),
        ("origin", hidden(page, "origin")),
        ("origin_seal", hidden(page, "origin_seal")),
    ]
}

fn fields<'a>(carried: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    carried.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn a_portal_page_keeps_its_html_source_lines_through_preview_correction_and_import() {
    let server = Server::start();
    let mut office = server.sign_in("office");
    let dir = tempfile::tempdir().expect("temporary folder");
    let bytes = make::portal_page(&web_support::yangquan_text(), 2);
    assert!(std::str::from_utf8(&bytes).is_err(), "the page is GBK");
    let file = dir.path().join("阳泉行动计划.html");
    std::fs::write(&file, &bytes).expect("write");
    let (_, want) = cli_places(&server, &file);
    assert_eq!(want.len(), 22);

    // The preview shows each task's HTML source line, the same as the command line's.
    let preview = office.upload_plan("阳泉行动计划.html", "text/html", &bytes);
    assert_eq!(
        preview.status,
        200,
        "{}",
        &preview.body[..preview.body.len().min(500)]
    );
    assert_eq!(shown_places(&preview.body), want);
    let doc = carried(&preview.body);
    assert!(!doc[2].1.is_empty() && doc[3].1.len() == 64, "sealed map");

    // The correction: the office renames a lead unit in the table; the page posts the plan
    // with spans that lie about the source. The places shown come from the sealed document.
    let mut plan = plan_data(&preview.body);
    plan["tasks"][0]["lead_units"] = serde_json::json!(["市科学技术局"]);
    for t in plan["tasks"].as_array_mut().expect("tasks") {
        t["span"]["source_line"] = serde_json::json!(99_999);
    }
    let edited = plan.to_string();
    let mut check = fields(&doc);
    check.push(("edited", edited.as_str()));
    let corrected = office.post_multipart("/plan/import", &check);
    assert_eq!(corrected.status, 200, "{}", corrected.body);
    assert!(corrected.body.contains("已在表格中校对"));
    assert!(corrected.body.contains("市科学技术局"));
    assert_eq!(shown_places(&corrected.body), want);
    assert!(!corrected.body.contains("99999"));

    // A map edited in the page (one line further down) is refused, nothing is imported.
    let mut forged = doc.clone();
    let first: i64 = forged[2]
        .1
        .split(',')
        .next()
        .expect("entry")
        .parse()
        .expect("number");
    forged[2].1 = forged[2]
        .1
        .replacen(&first.to_string(), &(first + 1).to_string(), 1);
    let refused = office.post_form("/plan/import/confirm", &fields(&forged));
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("来源位置信息与文本不符"),
        "{}",
        refused.body
    );
    let mut check = fields(&forged);
    check.push(("edited", edited.as_str()));
    assert_eq!(office.post_multipart("/plan/import", &check).status, 422);
    assert!(
        !server
            .cli(&["plan", "revisions"])
            .contains("阳泉行动计划.html")
    );

    // The confirmation re-reads the carried document with its map: the revision's spans point
    // into the HTML source.
    let confirm = office.post_form("/plan/import/confirm", &fields(&doc));
    assert_eq!(confirm.status, 303, "{}", confirm.body);
    assert!(
        server
            .cli(&["plan", "revisions"])
            .contains("阳泉行动计划.html")
    );
    let (stored, _) = {
        let shown: Value = serde_json::from_str(&server.cli(&["plan", "show", "--format", "json"]))
            .expect("plan JSON");
        (shown, ())
    };
    let lines: Vec<String> = stored["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| format!("网页源文件第 {} 行", t["span"]["source_line"]))
        .collect();
    assert_eq!(lines, want);
}

#[test]
fn a_pdf_keeps_its_pages_and_lines_through_preview_correction_and_import() {
    let server = Server::start();
    let mut office = server.sign_in("office");
    let dir = tempfile::tempdir().expect("temporary folder");
    let pdf = make::typst_pdf(&web_support::yangquan_text(), 2);
    let file = dir.path().join("阳泉行动计划.pdf");
    std::fs::write(&file, &pdf).expect("write");
    let (_, want) = cli_places(&server, &file);
    assert!(want.iter().any(|p| p.starts_with("第 3 页")), "{want:?}");

    let preview = office.upload_plan("阳泉行动计划.pdf", "application/pdf", &pdf);
    assert_eq!(preview.status, 200);
    assert_eq!(shown_places(&preview.body), want);
    let doc = carried(&preview.body);
    assert!(doc[1].1.contains('\u{c}'), "the pages travel in the text");
    assert!(doc[2].1.is_empty(), "no map for a PDF");

    let mut plan = plan_data(&preview.body);
    plan["tasks"][1]["participating_units"] = serde_json::json!(["市财政局"]);
    for t in plan["tasks"].as_array_mut().expect("tasks") {
        t["span"]["page"] = serde_json::json!(77);
    }
    let edited = plan.to_string();
    let mut check = fields(&doc);
    check.push(("edited", edited.as_str()));
    let corrected = office.post_multipart("/plan/import", &check);
    assert_eq!(corrected.status, 200);
    assert!(corrected.body.contains("已在表格中校对"));
    assert_eq!(shown_places(&corrected.body), want);

    // Confirming the correction imports it with the places of the original file.
    let mut confirm = fields(&doc);
    confirm.push(("edited", edited.as_str()));
    let done = office.post_form("/plan/import/confirm", &confirm);
    assert_eq!(done.status, 303, "{}", done.body);
    let stored: Value = serde_json::from_str(&server.cli(&["plan", "show", "--format", "json"]))
        .expect("plan JSON");
    assert_eq!(
        stored["tasks"][1]["participating_units"],
        serde_json::json!(["市财政局"])
    );
    let places: Vec<String> = stored["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| {
            format!(
                "第 {} 页第 {} 行",
                t["span"]["page"], t["span"]["source_line"]
            )
        })
        .collect();
    assert_eq!(places, want);
}
