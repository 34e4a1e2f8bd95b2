//! Task pages that monitor, and lists one can filter, sort and take away (issue 15, items 5;
//! docs/decisions/0063), through a real server on the demo data: a task's status, light,
//! milestones and quarter history are the assessment's (`planwatch assess --format json`); a
//! unit's progress shows only from reports its head has signed off; every KPI tile of the
//! dashboard links to a list filtered to exactly its count; every list's Excel export, read back,
//! holds the rows the page shows; units are ranked by score and the dashboard names the last.

mod common;
mod web_support;

use serde_json::Value;
use web_support::{Client, Server};

const DEMO_PASSWORD: &str = "planwatch-demo";

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("JSON: {e}\n{s}"))
}

fn office(server: &Server) -> Client {
    let mut c = server.client();
    let r = c.try_sign_in("office", DEMO_PASSWORD);
    assert_eq!(r.status, 303, "{}", r.body);
    c
}

/// The part of `page` from the element with `id` to the end of its section.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("#{id} on the page"));
    let rest = &page[at..];
    let end = rest
        .find("</section>")
        .or_else(|| rest.find("</details>"))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The visible text of an HTML fragment.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#38;", "&")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The table rows (`<tr>…</tr>`) of the page's bodies, as visible texts of their cells.
fn body_rows(html: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for body in html.split("<tbody>").skip(1) {
        let body = body.split("</tbody>").next().unwrap_or_default();
        for tr in body.split("<tr").skip(1) {
            let tr = tr.split("</tr>").next().unwrap_or_default();
            let cells = tr
                .split("<td")
                .skip(1)
                .map(|td| {
                    let inner = td.split_once('>').map_or("", |(_, x)| x);
                    text(inner.split("</td>").next().unwrap_or_default())
                        .trim()
                        .to_string()
                })
                .collect();
            rows.push(cells);
        }
    }
    rows
}

/// The rows of a workbook's sheet after its head row (the row whose first cell is `first`).
fn sheet(bytes: &[u8], name: &str, first: &str) -> (Vec<String>, Vec<Vec<String>>) {
    use calamine::Reader as _;
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx");
    let range = wb
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let head = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == first))
        .unwrap_or_else(|| panic!("a head row starting with {first}: {rows:?}"));
    (rows[head].clone(), rows[head + 1..].to_vec())
}

fn task_of(cli: &Value, number: u64) -> &Value {
    cli["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .find(|t| t["number"] == number)
        .unwrap_or_else(|| panic!("task {number}"))
}

#[test]
fn a_task_page_shows_the_assessment_milestones_history_indicators_and_signed_off_progress() {
    let server = Server::demo("2024Q4", &[]);
    let mut c = office(&server);
    let cli = json(&server.cli(&["assess", "--period", "2024Q4", "--format", "json"]));
    let t10 = task_of(&cli, 10);
    let page = c.get("/tasks/10?period=2024Q4");
    assert_eq!(page.status, 200, "{}", page.body);
    let b = &page.body;

    // Status, light and explanation: the assessment's words, not recomputed.
    let standing = text(section(b, "task-standing"));
    assert_eq!(t10["status"], "overdue");
    assert!(standing.contains("逾期"), "{standing}");
    assert_eq!(t10["light"], "red");
    assert!(b.contains("id=\"task-light\">红灯<"), "the light");
    assert_eq!(t10["percent_complete"].as_f64(), Some(65.0));
    assert!(b.contains("id=\"task-percent\">65%<"), "the year's share");
    let explanation = t10["explanation"].as_str().expect("explanation");
    assert!(
        text(section(b, "task-explanation")).contains(explanation),
        "the monitor's explanation"
    );

    // The milestone the dashboard lists as overdue is on the task's page, with its date.
    let dashboard = c.get("/?period=2024Q4").body;
    assert!(dashboard.contains("百度云计算中心（二期）全部投运（逾期"));
    let milestones = body_rows(section(b, "milestones"));
    let m = milestones
        .iter()
        .find(|r| r[0] == "百度云计算中心（二期）全部投运")
        .unwrap_or_else(|| panic!("the milestone: {milestones:?}"));
    assert_eq!(m[1], "2022-12-31");
    assert!(
        m[2].contains("逾期") && m[3].contains("逾期 821 天"),
        "{m:?}"
    );

    // One row per quarter from the plan's first to the chosen one, each the quarter's own
    // assessment.
    let history = body_rows(section(b, "history"));
    assert_eq!(history.len(), 12, "2022Q1–2024Q4: {history:?}");
    let q2 = json(&server.cli(&["assess", "--period", "2023Q2", "--format", "json"]));
    let row = history
        .iter()
        .find(|r| r[0] == "2023年第二季度")
        .expect("2023Q2");
    assert!(
        row[3].contains(task_of(&q2, 10)["explanation"].as_str().expect("text")),
        "{row:?}"
    );
    assert_eq!(history[0][0], "2024年第四季度", "newest first");

    // The indicators the task's text sets targets for.
    let linked = text(section(b, "linked-indicators"));
    assert!(linked.contains("大数据中心服务器规模") && linked.contains("数据中心PUE"));

    // Each responsible unit's latest signed-off report; reopening the lead's report (no longer
    // signed off) falls back to its quarter before.
    let lead_row = |html: &str| -> Vec<String> {
        body_rows(section(html, "unit-progress"))
            .into_iter()
            .find(|r| r[0].starts_with("市大数据局"))
            .expect("the lead unit's row")
    };
    let before = lead_row(b);
    assert_eq!(before[1], "2024年第四季度 · 已采纳", "{before:?}");
    assert_eq!(before[3], "65%");
    let rows = body_rows(section(b, "unit-progress"));
    for county in ["平定县人民政府", "盂县人民政府", "郊区人民政府"] {
        assert!(
            rows.iter().any(|r| r[0].starts_with(county)),
            "the members of 各县（区）人民政府 each have a row: {county}"
        );
    }
    server.cli(&[
        "review",
        "reopen",
        "--unit",
        "市大数据局",
        "--period",
        "2024Q4",
        "--reason",
        "请补充佐证材料",
    ]);
    let after = lead_row(&c.get("/tasks/10?period=2024Q4").body);
    assert_eq!(
        after[1], "2024年第三季度 · 已采纳",
        "a reopened report is not shown: {after:?}"
    );
    assert_eq!(after[3], "49%");
}

#[test]
fn every_kpi_tile_links_to_a_list_filtered_to_its_count() {
    let server = Server::demo("2024Q4", &[]);
    let mut c = office(&server);
    let mut checked = 0;
    for period in ["2023Q2", "2024Q4"] {
        let page = c.get(&format!("/?period={period}")).body;
        for (id, path) in [
            ("tile-green", "/indicators"),
            ("tile-red", "/indicators"),
            ("tile-stalled", "/tasks"),
            ("tile-missing", "/reports"),
        ] {
            let tile = page
                .split(&format!("id=\"{id}\" href=\""))
                .nth(1)
                .unwrap_or_else(|| panic!("{period}: the tile {id} is a link"));
            let href = tile.split('"').next().expect("href").replace("&amp;", "&");
            assert!(href.starts_with(path), "{href}");
            let value = text(
                tile.split("class=\"value\">")
                    .nth(1)
                    .expect("value")
                    .split("<span")
                    .next()
                    .expect("number"),
            );
            let count: usize = value.trim().parse().expect("a count");
            let list = c.get(&href);
            assert_eq!(list.status, 200, "{href}: {}", list.body);
            let rows = body_rows(&list.body).len();
            assert_eq!(
                rows, count,
                "{period}: tile {id} says {count}, {href} lists {rows}"
            );
            checked += 1;
        }
    }
    eprintln!("{checked} tiles checked against their lists");
}

#[test]
fn every_list_exports_the_rows_it_shows_and_units_rank_by_score() {
    let server = Server::demo("2024Q4", &[]);
    let mut c = office(&server);
    for (path, sheet_name, first) in [
        ("/tasks?period=2024Q4&status=stalled", "任务", "序号"),
        ("/tasks?period=2023Q2&sort=status", "任务", "序号"),
        ("/indicators?period=2024Q4&light=red", "指标", "指标"),
        ("/indicators?period=2024Q4&sort=light", "指标", "指标"),
        ("/units", "单位", "类别"),
        ("/reports?period=2024Q4&state=missing", "报送情况", "单位"),
        ("/reports?period=2024Q4", "报送情况", "单位"),
    ] {
        let page = c.get(path);
        assert_eq!(page.status, 200, "{path}");
        let shown = body_rows(&page.body);
        assert!(!shown.is_empty(), "{path} lists something");
        let sep = if path.contains('?') { '&' } else { '?' };
        let x = c.get(&format!("{path}{sep}format=xlsx"));
        assert_eq!(x.status, 200, "{path} as xlsx: {}", x.body);
        assert_eq!(
            x.header("content-type"),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        assert!(
            x.header("content-disposition")
                .is_some_and(|d| d.contains("attachment")),
            "a download"
        );
        let (head, rows) = sheet(&x.bytes, sheet_name, first);
        assert_eq!(rows.len(), shown.len(), "{path}: {head:?}");
        // The same rows in the same order: the page's first cell is in the row's first cells
        // (the units' sheet leads with the kind).
        for (r, s) in rows.iter().zip(&shown) {
            let key = if sheet_name == "单位" { &r[1] } else { &r[0] };
            assert!(s[0].starts_with(key.as_str()), "{path}: {s:?} vs {r:?}");
        }
        if path.starts_with("/indicators") {
            let light = head.iter().position(|h| h == "信号").expect("信号");
            if path.contains("light=red") {
                assert!(rows.iter().all(|r| r[light] == "红灯"), "{rows:?}");
            } else {
                let rank = |l: &str| {
                    ["红灯", "黄灯", "绿灯", "无灯"]
                        .iter()
                        .position(|x| *x == l)
                };
                let ranks: Vec<_> = rows.iter().map(|r| rank(&r[light])).collect();
                assert!(
                    ranks.windows(2).all(|w| w[0] <= w[1]),
                    "red first: {ranks:?}"
                );
            }
        }
        if sheet_name == "单位" {
            // Ranked by score within each kind: scores never rise down the list.
            let score = head.iter().position(|h| h == "得分").expect("得分");
            for w in rows.windows(2) {
                if w[0][0] == w[1][0]
                    && let (Ok(a), Ok(b)) = (w[0][score].parse::<f64>(), w[1][score].parse::<f64>())
                {
                    assert!(a >= b, "{} {a} before {} {b}", w[0][1], w[1][1]);
                }
            }
        }
    }

    // The dashboard names the last units as well as the first.
    let cli = json(&server.cli(&["assess", "--period", "2024Q4", "--format", "json"]));
    let mut scores: Vec<(String, f64)> = cli["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| {
            (
                u["name"].as_str().expect("name").to_string(),
                u["score"]["total"].as_f64().expect("score"),
            )
        })
        .collect();
    scores.sort_by(|a, b| a.1.total_cmp(&b.1));
    let page = c.get("/?period=2024Q4").body;
    let bottom = section(&page, "ranking-bottom");
    assert!(
        bottom.contains(&format!("{} {:.2}", scores[0].0, scores[0].1)),
        "the lowest unit {:?} on the dashboard",
        scores[0]
    );
}

#[test]
fn bad_list_parameters_are_refused_with_a_reason() {
    let server = Server::demo("2023Q1", &[]);
    let mut c = office(&server);
    for (path, says) in [
        ("/tasks?status=late-ish", "任务状态"),
        ("/tasks?format=csv", "导出格式"),
        ("/tasks?period=2023Q9", "季度"),
        ("/indicators?light=purple", "信号"),
        ("/units?kind=nation", "单位类别"),
        ("/reports?state=lost", "报送状态"),
    ] {
        let r = c.get(path);
        assert_eq!(r.status, 400, "{path}");
        assert!(r.body.contains(says), "{path}: {}", r.body);
    }
}
