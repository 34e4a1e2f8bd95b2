//! `planwatch report text …` end to end: the office's text for a section is stored, shown, and
//! put into the generated annual report in place of (or after) the 【草稿】 draft; a reporter, an
//! unknown section or an empty text is refused with exit code 2 and changes nothing.

mod common;

use std::io::Read as _;
use std::path::{Path, PathBuf};

fn out_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("report-text-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create");
    d
}

/// Runs planwatch with `stdin`; returns (exit code, stdout, stderr).
fn run(data: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    run_on(data, None, args, stdin)
}

/// Runs planwatch on `url` (`DATABASE_URL`) or the SQLite file in `data`.
fn run_on(data: &Path, url: Option<&str>, args: &[&str], stdin: &str) -> (i32, String, String) {
    let out = common::run_with(common::planwatch(Some(data), url).args(args), Some(stdin));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(data: &Path, args: &[&str], stdin: &str) -> String {
    let (code, stdout, stderr) = run(data, args, stdin);
    assert_eq!(code, 0, "{args:?}: {stdout}\n{stderr}");
    stdout
}

/// The body of a numbered section of the HTML report, up to the next heading.
fn html_section<'a>(page: &'a str, heading: &str) -> &'a str {
    let start = page
        .find(&format!("、{heading}</h2>"))
        .unwrap_or_else(|| panic!("the report has a section {heading}"));
    let rest = &page[start..];
    let end = rest.find("<h2>").unwrap_or(rest.len());
    &rest[..end]
}

fn annual(data: &Path, out: &Path) -> String {
    ok(
        data,
        &[
            "report",
            "annual",
            "--year",
            "2023",
            "--out",
            out.to_str().expect("utf-8"),
        ],
        "",
    );
    std::fs::read_to_string(out).expect("written")
}

fn docx_xml(path: &Path) -> String {
    let file = std::fs::File::open(path).expect("docx");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("document.xml")
        .read_to_string(&mut xml)
        .expect("utf-8 xml");
    xml
}

#[test]
fn the_offices_text_replaces_the_draft_in_the_generated_report() {
    let dir = out_dir("replace");
    let data = dir.join("data");
    ok(&data, &["demo", "--until", "2023Q4", "--no-serve"], "");
    let before = annual(&data, &dir.join("before.html"));
    let drafted = html_section(&before, "存在的问题");
    assert!(drafted.contains("【草稿】"), "{drafted}");
    assert!(drafted.contains("部分指标进度滞后"), "{drafted}");

    // The problems from standard input, by the section's Chinese heading.
    let office = "一是研发投入强度仍低于全省平均水平，企业创新主体作用发挥不够。\n二是高层次人才引进难、留住难。\n";
    let said = ok(
        &data,
        &[
            "report",
            "text",
            "set",
            "--year",
            "2023",
            "--section",
            "存在的问题",
            "-",
        ],
        office,
    );
    assert!(
        said.contains("已保存2023年度报告“存在的问题”的办公室文字（替换草稿，第 1 版）"),
        "{said}"
    );
    // Countermeasures from a file, after the draft.
    let file = dir.join("对策.txt");
    std::fs::write(&file, "\u{feff}加快建设太行实验室阳泉基地。\r\n").expect("file");
    ok(
        &data,
        &[
            "report",
            "text",
            "set",
            "--year",
            "2023",
            "--section",
            "countermeasures",
            "--mode",
            "append",
            file.to_str().expect("utf-8"),
        ],
        "",
    );
    // Setting the same text again changes nothing.
    let again = ok(
        &data,
        &[
            "report",
            "text",
            "set",
            "--year",
            "2023",
            "--section",
            "problems",
            "-",
        ],
        office,
    );
    assert!(again.contains("未作更改"), "{again}");
    let shown = ok(&data, &["report", "text", "show", "--year", "2023"], "");
    assert!(
        shown.contains("[problems] 存在的问题：替换草稿，第 1 版"),
        "{shown}"
    );
    assert!(
        shown.contains("    二是高层次人才引进难、留住难。"),
        "{shown}"
    );
    assert!(
        shown.contains("[countermeasures] 对策建议：附在草稿之后，第 1 版"),
        "{shown}"
    );
    assert!(
        shown.contains("[overall] 总体情况：未填写，使用系统草稿"),
        "{shown}"
    );

    let after = annual(&data, &dir.join("after.html"));
    let problems = html_section(&after, "存在的问题");
    assert!(
        problems.contains("一是研发投入强度仍低于全省平均水平"),
        "{problems}"
    );
    assert!(
        problems.contains("二是高层次人才引进难、留住难。"),
        "{problems}"
    );
    assert!(!problems.contains("【草稿】"), "{problems}");
    assert!(
        !after.contains("部分指标进度滞后"),
        "the drafted problems are gone"
    );
    let measures = html_section(&after, "对策建议");
    assert!(
        measures.contains("【草稿】"),
        "append keeps the draft: {measures}"
    );
    let draft_at = measures.find("【草稿】").expect("draft");
    let office_at = measures
        .find("加快建设太行实验室阳泉基地")
        .expect("office text");
    assert!(draft_at < office_at, "the office's text follows the draft");

    let docx = dir.join("after.docx");
    ok(
        &data,
        &[
            "report",
            "annual",
            "--year",
            "2023",
            "--out",
            docx.to_str().expect("utf-8"),
        ],
        "",
    );
    let xml = docx_xml(&docx);
    assert!(xml.contains("一是研发投入强度仍低于全省平均水平，企业创新主体作用发挥不够。"));
    assert!(xml.contains("加快建设太行实验室阳泉基地。"));
    assert!(!xml.contains("部分指标进度滞后"));

    // Clearing brings the draft back.
    let cleared = ok(
        &data,
        &[
            "report",
            "text",
            "clear",
            "--year",
            "2023",
            "--section",
            "problems",
        ],
        "",
    );
    assert!(cleared.contains("报告将显示系统草稿"), "{cleared}");
    let back = annual(&data, &dir.join("back.html"));
    assert!(html_section(&back, "存在的问题").contains("部分指标进度滞后"));
    let audit = ok(&data, &["audit", "--entity", "report_text"], "");
    assert!(audit.contains("report_text.set"), "{audit}");
    assert!(audit.contains("report_text.clear"), "{audit}");
}

#[test]
fn refused_changes_exit_with_2_and_change_nothing() {
    let dir = out_dir("refused");
    let data = dir.join("data");
    ok(&data, &["init"], "");
    ok(
        &data,
        &[
            "user",
            "add",
            "kjj",
            "--role",
            "reporter",
            "--unit",
            "市科技局",
            "--password-stdin",
        ],
        "correct horse battery\n",
    );
    let show = || ok(&data, &["report", "text", "show", "--year", "2023"], "");
    let nothing = show();
    let cases: [(&[&str], &str, &str); 5] = [
        (
            &[
                "report",
                "text",
                "set",
                "--year",
                "2023",
                "--section",
                "问题",
                "-",
            ],
            "文字",
            "problems（存在的问题）、countermeasures（对策建议）",
        ),
        (
            &[
                "report",
                "text",
                "set",
                "--year",
                "2023",
                "--section",
                "problems",
                "-",
            ],
            " \n\n",
            "清除",
        ),
        (
            &[
                "report",
                "text",
                "set",
                "--year",
                "2023",
                "--section",
                "problems",
                "--as",
                "kjj",
                "-",
            ],
            "填报员的文字",
            "您的角色（填报员）不能修改年度报告的文字。此操作仅限：系统管理员、领导小组办公室。",
        ),
        (
            &[
                "report",
                "text",
                "set",
                "--year",
                "2023",
                "--section",
                "problems",
                "--mode",
                "overwrite",
                "-",
            ],
            "文字",
            "replace（替换草稿）",
        ),
        (
            &[
                "report",
                "text",
                "set",
                "--year",
                "2031",
                "--section",
                "problems",
                "-",
            ],
            "文字",
            "不在计划期",
        ),
    ];
    for (args, stdin, needle) in cases {
        let (code, _, stderr) = run(&data, args, stdin);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    let gbk = dir.join("gbk.txt");
    std::fs::write(&gbk, [0xb4, 0xe6, 0xd4, 0xda]).expect("file");
    let (code, _, stderr) = run(
        &data,
        &[
            "report",
            "text",
            "set",
            "--year",
            "2023",
            "--section",
            "problems",
            gbk.to_str().expect("utf-8"),
        ],
        "",
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("不是 UTF-8 编码"), "{stderr}");
    assert_eq!(show(), nothing);
    let audit = ok(&data, &["audit", "--entity", "report_text"], "");
    assert!(!audit.contains("report_text.set"), "{audit}");
}

#[test]
fn pg_the_offices_text_is_kept_in_postgresql_and_reaches_the_report() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let Some(pg) = rt.block_on(planwatch_store::testing::ScratchPg::create(
        "pg_report_text_cli",
    )) else {
        return;
    };
    let dir = out_dir("pg");
    let url = Some(pg.url.as_str());
    let ok_pg = |args: &[&str], stdin: &str| {
        let (code, stdout, stderr) = run_on(&dir, url, args, stdin);
        assert_eq!(code, 0, "{args:?}: {stdout}\n{stderr}");
        stdout
    };
    ok_pg(&["init"], "");
    let said = ok_pg(
        &[
            "report",
            "text",
            "set",
            "--year",
            "2023",
            "--section",
            "problems",
            "-",
        ],
        "一是基础研究投入不足。\n",
    );
    assert!(said.contains("第 1 版"), "{said}");
    let (code, _, stderr) = run_on(
        &dir,
        url,
        &[
            "report",
            "text",
            "set",
            "--year",
            "2023",
            "--section",
            "problems",
            "-",
        ],
        "",
    );
    assert_eq!(code, 2, "{stderr}");
    let html = dir.join("annual.html");
    ok_pg(
        &[
            "report",
            "annual",
            "--year",
            "2023",
            "--out",
            html.to_str().expect("utf-8"),
        ],
        "",
    );
    let page = std::fs::read_to_string(&html).expect("written");
    let problems = html_section(&page, "存在的问题");
    assert!(problems.contains("一是基础研究投入不足。"), "{problems}");
    assert!(!problems.contains("【草稿】"), "{problems}");
    let shown = ok_pg(&["report", "text", "show", "--year", "2023"], "");
    assert!(
        shown.contains("[problems] 存在的问题：替换草稿，第 1 版"),
        "{shown}"
    );
    rt.block_on(pg.drop_database());
}
