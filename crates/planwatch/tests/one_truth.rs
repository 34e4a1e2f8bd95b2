//! One truth: after `planwatch demo --until 2024Q4`, every figure that several outputs show is the
//! same in each — the API (`/api/v1/indicators`, `/api/v1/scores`), the dashboard page,
//! `planwatch assess --format json`, the annual report (HTML) and the task list's Excel export
//! with its 滞后或逾期 filter — for a mid-plan quarter, the plan's final quarter and an early one. The test counts what it compared and prints it.

mod common;
mod web_support;

use serde_json::Value;
use web_support::Server;

const DEMO_PASSWORD: &str = "planwatch-demo";

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("JSON: {e}\n{s}"))
}

/// The number shown in the dashboard's `id="overall-score"` tile.
fn dashboard_mean(page: &str) -> f64 {
    let at = page.find("id=\"overall-score\">").expect("the score tile");
    let rest = &page[at + "id=\"overall-score\">".len()..];
    rest.split('<')
        .next()
        .expect("a value")
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("score tile: {e}: {rest:.80}"))
}

#[test]
fn the_api_the_dashboard_the_cli_and_the_report_show_the_same_figures() {
    let server = Server::demo("2024Q4", &[]);
    let mut office = server.client();
    let r = office.try_sign_in("office", DEMO_PASSWORD);
    assert_eq!(r.status, 303, "{}", r.body);
    let mut compared = 0usize;
    let mut outputs = std::collections::BTreeSet::new();

    for period in ["2022Q4", "2023Q2", "2024Q4"] {
        let cli = json(&server.cli(&["assess", "--period", period, "--format", "json"]));
        outputs.insert("assess --format json");
        let api_ind = json(
            &office
                .get(&format!("/api/v1/indicators?period={period}"))
                .body,
        );
        let api_sc = json(&office.get(&format!("/api/v1/scores?period={period}")).body);
        outputs.insert("/api/v1/indicators");
        outputs.insert("/api/v1/scores");
        let page = office.get(&format!("/?period={period}")).body;
        outputs.insert("驾驶舱");

        // Same day of judgement everywhere.
        assert_eq!(cli["as_of"], api_ind["as_of"], "{period}: as-of");
        assert_eq!(cli["as_of"], api_sc["as_of"], "{period}: as-of");
        compared += 2;

        // The units' mean: one figure, rounded once.
        let mean = cli["overall"]["units"]["total"].as_f64().expect("mean");
        assert_eq!(api_sc["overall"].as_f64(), Some(mean), "{period}: API mean");
        assert_eq!(dashboard_mean(&page), mean, "{period}: dashboard mean");
        compared += 2;

        // Every unit's score and rank.
        for u in cli["units"].as_array().expect("units") {
            let name = u["name"].as_str().expect("name");
            let a = api_sc["units"]
                .as_array()
                .expect("units")
                .iter()
                .find(|x| x["name"] == name)
                .unwrap_or_else(|| panic!("{period}: {name} in the API"));
            assert_eq!(a["score"], u["score"]["total"], "{period}: {name} score");
            assert_eq!(a["rank"], u["rank"], "{period}: {name} rank");
            compared += 2;
        }

        // Every indicator's latest value is written alike (one Figure: unit and decimals) on
        // the indicator list page and in the API's text.
        let list = office.get(&format!("/indicators?period={period}")).body;
        outputs.insert("指标列表");
        for a in api_ind["indicators"].as_array().expect("indicators") {
            if let Some(text) = a["latest"]["text"].as_str() {
                assert!(
                    list.contains(text),
                    "{period}: {} written as {text} in the API but not on the list page",
                    a["id"]
                );
                compared += 1;
            }
        }

        // Every indicator's status, light, latest value and assessed target.
        for i in cli["indicators"].as_array().expect("indicators") {
            let id = i["id"].as_str().expect("id");
            let a = api_ind["indicators"]
                .as_array()
                .expect("indicators")
                .iter()
                .find(|x| x["id"] == id)
                .unwrap_or_else(|| panic!("{period}: {id} in the API"));
            assert_eq!(a["status"], i["status"], "{period}: {id} status");
            assert_eq!(a["light"], i["light"], "{period}: {id} light");
            assert_eq!(
                a["latest"]["value"], i["latest"]["value"],
                "{period}: {id} latest"
            );
            assert_eq!(
                a["target"]["value"], i["current_target"]["value"],
                "{period}: {id} target"
            );
            compared += 4;
        }
        // Every task's light, year's share and explanation in the task list's workbook, and
        // the status tile's count in the list it links to (0063).
        let x = office.get(&format!("/tasks?period={period}&format=xlsx"));
        assert_eq!(x.status, 200, "{period}: the task list as xlsx");
        outputs.insert("任务列表 .xlsx");
        let rows = {
            use calamine::Reader as _;
            let mut wb =
                calamine::Xlsx::new(std::io::Cursor::new(x.bytes.clone())).expect("an xlsx");
            let range = wb.worksheet_range("任务").expect("the 任务 sheet");
            range
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<String>>())
                .collect::<Vec<_>>()
        };
        let head = rows
            .iter()
            .find(|r| r.first().is_some_and(|c| c == "序号"))
            .expect("a head row");
        let col = |name: &str| head.iter().position(|c| c == name).expect(name);
        let (light, share, why) = (col("信号"), col("年度完成"), col("说明"));
        for t in cli["tasks"].as_array().expect("tasks") {
            let n = t["number"].as_u64().expect("number").to_string();
            let row = rows
                .iter()
                .find(|r| r.first() == Some(&n))
                .unwrap_or_else(|| panic!("{period}: task {n} in the workbook"));
            let word = match t["light"].as_str().expect("light") {
                "green" => "绿灯",
                "yellow" => "黄灯",
                "red" => "红灯",
                _ => "无灯",
            };
            assert_eq!(row[light], word, "{period}: task {n} light");
            let percent = row[share].trim_end_matches('%').parse::<f64>().ok();
            assert_eq!(
                percent,
                t["percent_complete"].as_f64(),
                "{period}: task {n} share"
            );
            assert_eq!(
                row[why],
                t["explanation"].as_str().expect("text"),
                "{period}: task {n}"
            );
            compared += 3;
        }
        let stalled = cli["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .filter(|t| {
                if t["stage"] == "closed" {
                    t["judgement"] == "not_completed"
                } else {
                    t["status"] == "behind" || t["status"] == "overdue"
                }
            })
            .count();
        let list = office
            .get(&format!("/tasks?period={period}&status=stalled"))
            .body;
        assert!(
            list.contains(&format!("筛选出 {stalled} 项")),
            "{period}: {stalled} tasks to push in the list"
        );
        assert!(
            page.contains(&format!("{stalled}<span class=\"unit\">/ ")),
            "{period}: {stalled} on the dashboard's tile"
        );
        compared += 2;
    }

    // The plan's final year: the report says the same mean and measures 省级以上创新平台数量
    // against the same (stricter) target as the dashboard and the CLI.
    let cli = json(&server.cli(&["assess", "--period", "2024Q4", "--format", "json"]));
    let html_path = server.data_dir().join("annual-2024.html");
    server.cli(&[
        "report",
        "annual",
        "--year",
        "2024",
        "--format",
        "html",
        "--out",
        html_path.to_str().expect("utf-8"),
    ]);
    outputs.insert("annual report (HTML)");
    let html = std::fs::read_to_string(&html_path).expect("report written");
    let mean = cli["overall"]["units"]["total"].as_f64().expect("mean");
    let at = html
        .find("，平均")
        .expect("the report gives the units' mean");
    let near: String = html[at..].chars().take(400).collect();
    assert!(
        near.contains(&format!("{mean:.2}")),
        "the report's mean is the dashboard's {mean:.2}: {near}"
    );
    compared += 1;
    let platforms = cli["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|i| i["name"] == "省级以上创新平台数量")
        .expect("indicator");
    let target = platforms["current_target"]["value"]
        .as_f64()
        .expect("target");
    assert_eq!(target, 30.0, "the stricter of 20 (goals) and 30 (task 17)");
    compared += 1;
    // The final year's report reviews the whole plan with the assessment's own target states.
    assert!(html.contains("计划实施总体评估"), "the whole-plan review");
    let t = &platforms["current_target"];
    let judged = format!(
        "2024年目标30：{}（实际{}）",
        if t["state"] == "met" {
            "已实现"
        } else {
            "未实现"
        },
        t["observed"].as_f64().expect("observed")
    );
    assert!(html.contains(&judged), "{judged} in the report");
    assert!(
        html.contains("计划确定的定性目标共4项") && html.contains("资源型城市绿色转型先行示范"),
        "the plan's qualitative goals are listed for the office to judge"
    );
    compared += 2;
    eprintln!(
        "one truth: {compared} figures compared across {} outputs ({})",
        outputs.len(),
        outputs.into_iter().collect::<Vec<_>>().join(", ")
    );
}

/// The text of a Word document: the runs of `word/document.xml` with the tags taken out.
fn docx_text(path: &std::path::Path) -> String {
    use std::io::Read as _;
    let file = std::fs::File::open(path).expect("docx written");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("the document part")
        .read_to_string(&mut xml)
        .expect("utf-8");
    let mut out = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
}

/// `pdftotext` of a PDF, or `None` when poppler is not installed and the run does not require
/// the document tools (CI sets PLANWATCH_REQUIRE_DOC_TOOLS=1, so there it always runs).
fn pdf_text(path: &std::path::Path) -> Option<String> {
    match std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
    {
        Ok(out) if out.status.success() => Some(String::from_utf8(out.stdout).expect("utf-8")),
        Ok(out) => panic!("pdftotext failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => {
            assert!(
                std::env::var("PLANWATCH_REQUIRE_DOC_TOOLS").as_deref() != Ok("1"),
                "pdftotext is required: {e}"
            );
            eprintln!("pdftotext not installed: the PDF is not read back ({e})");
            None
        }
    }
}

/// The rows of one sheet of a workbook, each cell as text.
fn sheet_rows(path: &std::path::Path, sheet: &str) -> Vec<Vec<String>> {
    use calamine::Reader as _;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).expect("xlsx written");
    let range = wb
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("sheet {sheet}: {e}"));
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// Writes the annual report of `year` in `format` into the server's data folder.
fn report(server: &Server, year: &str, format: &str) -> std::path::PathBuf {
    let path = server.data_dir().join(format!("annual-{year}.{format}"));
    server.cli(&[
        "report",
        "annual",
        "--year",
        year,
        "--format",
        format,
        "--out",
        path.to_str().expect("utf-8"),
    ]);
    path
}

/// The four report formats read back — the workbook cell by cell, the Word document, the PDF
/// and the HTML as text — say the same figures and words as `assess --format json` and the API,
/// for the plan's final year (终期评估, no 序时 anywhere), for the same quarter assessed long
/// after the plan's end (as of today), and for a mid-plan year (序时 semantics).
#[test]
fn every_report_format_read_back_says_what_the_api_and_the_cli_say() {
    let server = Server::demo("2024Q4", &[]);
    let mut office = server.client();
    let r = office.try_sign_in("office", DEMO_PASSWORD);
    assert_eq!(r.status, 303, "{}", r.body);
    let mut compared = 0usize;
    let mut outputs = std::collections::BTreeSet::new();

    for (year, period, final_year) in [("2024", "2024Q4", true), ("2023", "2023Q4", false)] {
        let cli = json(&server.cli(&["assess", "--period", period, "--format", "json"]));
        let api = json(
            &office
                .get(&format!("/api/v1/indicators?period={period}"))
                .body,
        );
        outputs.insert("assess --format json");
        outputs.insert("/api/v1/indicators");
        assert_eq!(
            api["stage"],
            if final_year { "closed" } else { "running" },
            "{period}: the plan's stage"
        );
        let mean = format!(
            "{:.2}",
            cli["overall"]["units"]["total"].as_f64().expect("mean")
        );
        let xlsx = report(&server, year, "xlsx");
        let docx = docx_text(&report(&server, year, "docx"));
        let html = std::fs::read_to_string(report(&server, year, "html")).expect("html");
        let pdf = pdf_text(&report(&server, year, "pdf"));
        outputs.extend(["report .xlsx", "report .docx", "report .html"]);
        if pdf.is_some() {
            outputs.insert("report .pdf");
        }
        let mut texts: Vec<(&str, &str)> = vec![("docx", &docx), ("html", &html)];
        if let Some(p) = &pdf {
            texts.push(("pdf", p));
        }

        // The units' mean in every text.
        for (what, text) in &texts {
            assert!(text.contains(&mean), "{period} {what}: the mean {mean}");
            compared += 1;
        }

        // Every unit's score and rank in the workbook's 表3, and its score in every text.
        let ranking = sheet_rows(&xlsx, "表3 考核得分");
        for u in cli["units"].as_array().expect("units") {
            let name = u["name"].as_str().expect("name");
            let score = format!("{:.2}", u["score"]["total"].as_f64().expect("score"));
            let row = ranking
                .iter()
                .find(|r| r.get(1).is_some_and(|c| c == name))
                .unwrap_or_else(|| panic!("{period}: {name} in 表3"));
            assert_eq!(
                row[2].parse::<f64>().expect("a number"),
                u["score"]["total"].as_f64().expect("score"),
                "{period}: {name} score in 表3"
            );
            assert_eq!(
                row[3],
                format!("{}/{}", u["rank"], u["class_size"]),
                "{period}: {name} rank in 表3"
            );
            compared += 2;
            for (what, text) in &texts {
                assert!(text.contains(&score), "{period} {what}: {name} {score}");
                compared += 1;
            }
        }

        // Every indicator's word in 附件1 is the API's verdict, from the same function.
        let attachment = sheet_rows(&xlsx, "主要指标完成情况表");
        let header = attachment
            .iter()
            .find(|r| r.first().is_some_and(|c| c == "序号"))
            .expect("a header row");
        let status_col = header.iter().position(|c| c == "状态").expect("状态");
        for i in api["indicators"].as_array().expect("indicators") {
            let name = i["name"].as_str().expect("name");
            let row = attachment
                .iter()
                .find(|r| r.get(1).is_some_and(|c| c == name))
                .unwrap_or_else(|| panic!("{period}: {name} in 附件1"));
            assert_eq!(
                row[status_col],
                i["verdict_label"].as_str().expect("verdict"),
                "{period}: {name}"
            );
            compared += 1;
        }

        let s = &cli["summary"];
        if final_year {
            // The final evaluation: tasks judged as a whole, the same counts everywhere, and
            // no 序时 in any format.
            for (word, key) in [
                ("完成", "tasks_judged_completed"),
                ("基本完成", "tasks_judged_largely_completed"),
                ("未完成", "tasks_judged_not_completed"),
            ] {
                let n = s[key].as_u64().expect("count");
                let phrase = format!("{word}{n}项");
                for (what, text) in &texts {
                    assert!(text.contains(&phrase), "{period} {what}: {phrase}");
                    compared += 1;
                }
            }
            for (what, text) in &texts {
                assert!(!text.contains("序时"), "{period} {what} says 序时");
                assert!(text.contains("终期评估"), "{period} {what}: 终期评估");
            }
            let sheets: Vec<String> = {
                use calamine::Reader as _;
                let wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).expect("xlsx");
                wb.sheet_names()
            };
            for sheet in sheets {
                for row in sheet_rows(&xlsx, &sheet) {
                    for cell in row {
                        assert!(!cell.contains("序时"), "{period} xlsx {sheet}: {cell}");
                    }
                }
            }
            let page = office.get(&format!("/?period={period}")).body;
            outputs.insert("驾驶舱");
            let n = s["tasks_judged_completed"].as_u64().expect("count");
            assert!(
                page.contains("重点任务终期评估") && page.contains(&format!("完成 {n}")),
                "{period}: the dashboard shows the judgement counts"
            );
            compared += 1;
        } else {
            // Mid-plan: the year's work against 序时进度.
            for (what, text) in &texts {
                assert!(text.contains("序时进度"), "{period} {what}: 序时进度");
                assert!(!text.contains("终期评估"), "{period} {what}: no 终期评估");
            }
        }
    }

    // The final quarter assessed long after the plan's end: the CLI and the API agree on the
    // day, the stage, every indicator's verdict and every unit's score.
    let later = "2026-12-06";
    let cli = json(&server.cli(&[
        "assess", "--period", "2024Q4", "--as-of", later, "--format", "json",
    ]));
    let api = json(
        &office
            .get(&format!("/api/v1/indicators?period=2024Q4&as_of={later}"))
            .body,
    );
    let api_sc = json(
        &office
            .get(&format!("/api/v1/scores?period=2024Q4&as_of={later}"))
            .body,
    );
    assert_eq!(cli["as_of"], later);
    assert_eq!(api["as_of"], later);
    assert_eq!(cli["stage"], "closed");
    assert_eq!(api["stage"], "closed");
    compared += 4;
    for u in cli["units"].as_array().expect("units") {
        let name = u["name"].as_str().expect("name");
        let a = api_sc["units"]
            .as_array()
            .expect("units")
            .iter()
            .find(|x| x["name"] == name)
            .unwrap_or_else(|| panic!("{name} in the API"));
        assert_eq!(a["score"], u["score"]["total"], "{name} after the end");
        compared += 1;
    }
    for i in cli["indicators"].as_array().expect("indicators") {
        let a = api["indicators"]
            .as_array()
            .expect("indicators")
            .iter()
            .find(|x| x["id"] == i["id"])
            .expect("same indicators");
        assert_eq!(a["status"], i["status"]);
        assert_eq!(a["light"], i["light"]);
        compared += 2;
    }
    eprintln!(
        "one truth, documents: {compared} figures compared across {} outputs ({})",
        outputs.len(),
        outputs.into_iter().collect::<Vec<_>>().join(", ")
    );
}

/// The number of pages of a PDF read back (`pdftotext` ends every page with a form feed).
fn pages(text: &str) -> usize {
    text.matches('\u{c}').count()
}

/// The documents the office sends — the compact annual report, every unit's feedback sheet (CLI
/// and the web's one download), the quarterly bulletin (CLI and web, with the office's stored
/// text) and the final evaluation report — say the same figures and words as
/// `assess --format json` and the dashboard, and keep to their lengths.
#[test]
fn the_office_documents_say_what_the_api_and_the_cli_say() {
    let server = Server::demo("2024Q4", &[]);
    let mut office = server.client();
    let r = office.try_sign_in("office", DEMO_PASSWORD);
    assert_eq!(r.status, 303, "{}", r.body);
    let mut compared = 0usize;
    let dir = server.data_dir().to_path_buf();
    let path = |name: &str| dir.join(name).to_str().expect("utf-8").to_string();

    // The compact annual report of the final year: every unit's score, the mean, and short.
    let cli = json(&server.cli(&["assess", "--period", "2024Q4", "--format", "json"]));
    let mean = format!(
        "{:.2}",
        cli["overall"]["units"]["total"].as_f64().expect("mean")
    );
    server.cli(&[
        "report",
        "annual",
        "--year",
        "2024",
        "--format",
        "pdf",
        "--out",
        &path("compact.pdf"),
    ]);
    server.cli(&[
        "report",
        "annual",
        "--year",
        "2024",
        "--format",
        "docx",
        "--out",
        &path("compact.docx"),
    ]);
    let docx = docx_text(&dir.join("compact.docx"));
    assert!(docx.contains(&mean), "compact docx: the mean {mean}");
    assert!(
        !docx.contains("数据来源清单"),
        "compact: the sources stay in the system"
    );
    compared += 1;
    if let Some(text) = pdf_text(&dir.join("compact.pdf")) {
        let n = pages(&text);
        assert!(n <= 30, "the compact annual report has {n} pages");
        assert!(text.contains(&mean), "compact pdf: the mean {mean}");
        compared += 1;
    }

    // Every unit's feedback sheet: its score, rank and class size as the assessment has them.
    let out = dir.join("feedback");
    server.cli(&[
        "report",
        "feedback",
        "--all",
        "--year",
        "2024",
        "--format",
        "docx",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let files: Vec<_> = std::fs::read_dir(&out)
        .expect("the folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(
        files.iter().filter(|f| f.ends_with(".docx")).count(),
        41,
        "{files:?}"
    );
    assert_eq!(files.iter().filter(|f| f.ends_with(".zip")).count(), 1);
    for u in cli["units"].as_array().expect("units") {
        let name = u["name"].as_str().expect("name");
        let text = docx_text(&out.join(format!("{name}2024年度反馈单.docx")));
        let score = format!("{:.2}", u["score"]["total"].as_f64().expect("score"));
        let said = format!(
            "考核得分{score}分，在{}{}家单位中排名第{}",
            u["class"].as_str().expect("class"),
            u["class_size"],
            u["rank"]
        );
        assert!(text.contains(&said), "{name}: {said}");
        compared += 3;
    }
    // The web's one download holds the same sheets.
    let zip = office.get("/documents/feedback-all?year=2024&format=pdf");
    assert_eq!(zip.status, 200, "{}", zip.body);
    assert_eq!(zip.header("content-type"), Some("application/zip"));
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip.bytes)).expect("a zip");
    assert_eq!(archive.len(), 41);
    assert!(
        archive
            .file_names()
            .any(|n| n == "市科技局2024年度反馈单.pdf")
    );

    // The quarterly bulletin of 2024Q3: the lights' counts, every red and yellow indicator and
    // every unit named under its reporting status, with the office's text in place.
    let q3 = json(&server.cli(&["assess", "--period", "2024Q3", "--format", "json"]));
    let s = &q3["summary"];
    let text_file = dir.join("requirements.txt");
    std::fs::write(&text_file, "请各成员单位于10月10日前报送第四季度报告。\n").expect("write");
    server.cli(&[
        "report",
        "bulletin-text",
        "set",
        "--period",
        "2024Q3",
        "--section",
        "下一步工作要求",
        "--mode",
        "append",
        text_file.to_str().expect("utf-8"),
    ]);
    server.cli(&[
        "report",
        "bulletin",
        "--period",
        "2024Q3",
        "--format",
        "html",
        "--out",
        &path("bulletin.html"),
    ]);
    server.cli(&[
        "report",
        "bulletin",
        "--period",
        "2024Q3",
        "--format",
        "pdf",
        "--out",
        &path("bulletin.pdf"),
    ]);
    let cli_html = std::fs::read_to_string(dir.join("bulletin.html")).expect("bulletin");
    let web = office.get("/documents/bulletin?period=2024Q3&format=html");
    assert_eq!(web.status, 200, "{}", web.body);
    let strip = |h: &str| -> String {
        let mut out = String::new();
        let mut tag = false;
        for c in h.chars() {
            match c {
                '<' => tag = true,
                '>' => tag = false,
                c if !tag => out.push(c),
                _ => {}
            }
        }
        out
    };
    let bulletin = strip(&cli_html);
    assert_eq!(
        bulletin,
        strip(&web.body),
        "the web's bulletin is the CLI's"
    );
    assert!(bulletin.contains("关于2024年第三季度国家创新型城市建设推进情况的通报"));
    assert!(bulletin.contains("请各成员单位于10月10日前报送第四季度报告。"));
    let lights = format!(
        "绿灯{}项、黄灯{}项、红灯{}项",
        s["indicators_green"], s["indicators_yellow"], s["indicators_red"]
    );
    assert!(bulletin.contains(&lights), "{lights}");
    compared += 3;
    for i in q3["indicators"].as_array().expect("indicators") {
        if i["light"] == "red" || i["light"] == "yellow" {
            let name = i["name"].as_str().expect("name");
            assert!(bulletin.contains(name), "{name} in the bulletin");
            compared += 1;
        }
    }
    for (status, word) in [
        ("on_time", "按时报送"),
        ("late", "逾期报送"),
        ("missing", "未报送"),
    ] {
        let units: Vec<&str> = q3["reporting"]
            .as_array()
            .expect("reporting")
            .iter()
            .filter(|r| r["period"] == "2024Q3" && r["status"] == status)
            .map(|r| r["unit"].as_str().expect("unit"))
            .collect();
        if units.is_empty() {
            continue;
        }
        let head = format!("{word}（{}家）：", units.len());
        let at = bulletin.find(&head).unwrap_or_else(|| panic!("{head}"));
        let line: String = bulletin[at..].chars().take_while(|c| *c != '。').collect();
        for u in units {
            assert!(line.contains(u), "{u} under {word}: {line}");
            compared += 1;
        }
    }
    if let Some(text) = pdf_text(&dir.join("bulletin.pdf")) {
        let n = pages(&text);
        assert!(n <= 8, "the bulletin has {n} pages");
        assert!(text.contains("通报"));
    }

    // The final evaluation report: the tasks judged as a whole, as the assessment counts them.
    server.cli(&[
        "report",
        "final",
        "--format",
        "docx",
        "--out",
        &path("final.docx"),
    ]);
    let fin = docx_text(&dir.join("final.docx"));
    assert!(fin.contains("关于国家创新型城市建设2022—2024年计划实施情况终期评估的报告"));
    let s = &cli["summary"];
    for (word, key) in [
        ("完成", "tasks_judged_completed"),
        ("基本完成", "tasks_judged_largely_completed"),
        ("未完成", "tasks_judged_not_completed"),
    ] {
        let phrase = format!("{word}{}项", s[key]);
        assert!(fin.contains(&phrase), "final report: {phrase}");
        compared += 1;
    }
    for i in cli["indicators"].as_array().expect("indicators") {
        let name = i["name"].as_str().expect("name");
        assert!(fin.contains(name), "final report: {name}");
        compared += 1;
    }
    eprintln!("one truth, office documents: {compared} figures compared");
}
