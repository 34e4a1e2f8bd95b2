//! `planwatch report …` end to end: the binary reads an assessment (JSON) or a plan and writes
//! the documents; bad input writes nothing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn planwatch() -> Command {
    common::planwatch(None, None)
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn view_json() -> PathBuf {
    repo().join("crates/planwatch-docs/tests/data/annual-view-2023.json")
}

fn out_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("report-cli-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create");
    d
}

fn run(args: &[&str], data_dir: &Path) -> (bool, String, String) {
    let out = planwatch()
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .expect("run planwatch");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_annual_report_is_written_in_all_four_formats() {
    let dir = out_dir("annual");
    let input = view_json();
    for (ext, magic) in [
        ("docx", b"PK".as_slice()),
        ("pdf", b"%PDF".as_slice()),
        ("html", b"<!DOCTYPE html>".as_slice()),
        ("xlsx", b"PK".as_slice()),
    ] {
        let out = dir.join(format!("annual-2023.{ext}"));
        let (ok, stdout, stderr) = run(
            &[
                "report",
                "annual",
                "--year",
                "2023",
                "--format",
                ext,
                "--out",
                out.to_str().expect("utf-8"),
                "--input",
                input.to_str().expect("utf-8"),
            ],
            &dir,
        );
        assert!(ok, "{ext}: {stderr}");
        assert!(
            stdout.contains("已生成年度评价考核报告（含示例数据）"),
            "{stdout}"
        );
        let bytes = std::fs::read(&out).expect("written");
        assert!(
            bytes.starts_with(magic),
            "{ext} starts with {:?}",
            &bytes[..8]
        );
    }
}

#[test]
fn a_feedback_sheet_is_written_and_an_unknown_unit_writes_nothing() {
    let dir = out_dir("feedback");
    let input = view_json();
    let out = dir.join("feedback.pdf");
    let (ok, stdout, stderr) = run(
        &[
            "report",
            "feedback",
            "--unit",
            "市科技局",
            "--year",
            "2023",
            "--out",
            out.to_str().expect("utf-8"),
            "--input",
            input.to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("市科技局反馈单"), "{stdout}");
    assert!(std::fs::read(&out).expect("written").starts_with(b"%PDF"));

    let bad = dir.join("nobody.docx");
    let (ok, _, stderr) = run(
        &[
            "report",
            "feedback",
            "--unit",
            "市不存在局",
            "--year",
            "2023",
            "--out",
            bad.to_str().expect("utf-8"),
            "--input",
            input.to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(!ok);
    assert!(
        stderr.contains("市不存在局") && stderr.contains("可选单位"),
        "{stderr}"
    );
    assert!(!bad.exists());
}

#[test]
fn mismatched_formats_and_years_are_refused_before_anything_is_written() {
    let dir = out_dir("refuse");
    let input = view_json();
    let out = dir.join("report.docx");
    let (ok, _, stderr) = run(
        &[
            "report",
            "annual",
            "--year",
            "2023",
            "--format",
            "pdf",
            "--out",
            out.to_str().expect("utf-8"),
            "--input",
            input.to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(!ok);
    assert!(
        stderr.contains("--format pdf") && stderr.contains(".docx"),
        "{stderr}"
    );
    let (ok, _, stderr) = run(
        &[
            "report",
            "annual",
            "--year",
            "2024",
            "--out",
            out.to_str().expect("utf-8"),
            "--input",
            input.to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(!ok);
    assert!(
        stderr.contains("2023年度") && stderr.contains("--year 2024"),
        "{stderr}"
    );
    let (ok, _, stderr) = run(
        &[
            "report",
            "feedback",
            "--unit",
            "市科技局",
            "--year",
            "2023",
            "--out",
            dir.join("x.html").to_str().expect("utf-8"),
            "--input",
            input.to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(!ok, "html feedback is not offered");
    assert!(stderr.contains("docx、pdf"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(&dir).expect("list").count(),
        0,
        "nothing written"
    );
}

#[test]
fn the_task_list_is_written_from_a_plan_file() {
    let dir = out_dir("tasklist");
    let out = dir.join("tasklist.xlsx");
    let plan = repo().join("fixtures/plans/yangquan-2022-2024.gold.json");
    let (ok, stdout, stderr) = run(
        &[
            "report",
            "tasklist",
            "--out",
            out.to_str().expect("utf-8"),
            "--plan-file",
            plan.to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("22项任务"), "{stdout}");
    assert!(std::fs::read(&out).expect("written").starts_with(b"PK"));
}

#[test]
fn a_broken_report_config_is_an_error_naming_the_file_and_line() {
    let dir = out_dir("config");
    std::fs::write(dir.join("report.toml"), "[fonts]\nsystem = \"yes\"\n").expect("write");
    let out = dir.join("t.xlsx");
    let plan = repo().join("fixtures/plans/yangquan-2022-2024.gold.json");
    let (ok, _, stderr) = run(
        &[
            "report",
            "tasklist",
            "--out",
            out.to_str().expect("utf-8"),
            "--plan-file",
            plan.to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(!ok);
    assert!(stderr.contains("report.toml 第2行"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_monitor_input_is_assessed_and_reported() {
    let dir = out_dir("monitor-input");
    let input = repo().join("crates/planwatch-docs/tests/data/assessment-input-2023.json");
    let out = dir.join("annual.html");
    let (ok, stdout, stderr) = run(
        &[
            "report",
            "annual",
            "--year",
            "2023",
            "--out",
            out.to_str().expect("utf-8"),
            "--input",
            input.to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("含示例数据"), "{stdout}");
    let page = std::fs::read_to_string(&out).expect("written");
    for needle in [
        "二、主要指标完成情况",
        "国家高新技术企业数量",
        "六、存在的问题",
        "示例数据",
    ] {
        assert!(page.contains(needle), "{needle}");
    }
}

#[test]
fn without_a_database_the_task_list_comes_from_the_embedded_plan() {
    let dir = out_dir("tasklist-embedded");
    let out = dir.join("tasklist.xlsx");
    let (ok, stdout, stderr) = run(
        &["report", "tasklist", "--out", out.to_str().expect("utf-8")],
        &dir,
    );
    assert!(ok, "{stderr}");
    assert!(stderr.contains("内置的阳泉市计划"), "{stderr}");
    assert!(stdout.contains("22项任务"), "{stdout}");
    assert!(
        !stderr.contains("未分配专班"),
        "every task has a task force: {stderr}"
    );
}

#[test]
fn with_a_database_the_task_list_comes_from_the_current_plan() {
    let dir = out_dir("tasklist-store");
    let data = dir.join("data");
    let (ok, _, stderr) = run(&["init"], &data);
    assert!(ok, "init: {stderr}");
    let out = dir.join("tasklist.xlsx");
    let (ok, stdout, stderr) = run(
        &["report", "tasklist", "--out", out.to_str().expect("utf-8")],
        &data,
    );
    assert!(ok, "{stderr}");
    assert!(!stderr.contains("内置"), "{stderr}");
    assert!(stdout.contains("22项任务"), "{stdout}");
    assert!(std::fs::read(&out).expect("written").starts_with(b"PK"));
}

#[test]
fn after_demo_data_the_reports_come_from_the_database() {
    let dir = out_dir("store");
    let data = dir.join("data");
    let (ok, _, stderr) = run(&["demo", "--until", "2023Q4", "--no-serve"], &data);
    assert!(ok, "demo: {stderr}");
    let html = dir.join("annual-2023.html");
    let (ok, stdout, stderr) = run(
        &[
            "report",
            "annual",
            "--year",
            "2023",
            "--out",
            html.to_str().expect("utf-8"),
            "--date",
            "2024年1月20日",
        ],
        &data,
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("含示例数据"), "{stdout}");
    let page = std::fs::read_to_string(&html).expect("written");
    for needle in [
        "关于2023年度国家创新型城市建设评价考核情况的报告",
        "二、主要指标完成情况",
        "【草稿】",
        "2024年1月20日",
        "季度报告（示例数据）",
        "class=\"demo-banner\"",
    ] {
        assert!(page.contains(needle), "{needle}");
    }
    // Every figure link points at an element of the page.
    for href in page.split("href=\"#").skip(1) {
        let id = &href[..href.find('"').expect("closed")];
        assert!(
            page.contains(&format!("id=\"{id}\"")),
            "dangling link #{id}"
        );
    }
    let docx = dir.join("feedback.docx");
    let (ok, stdout, stderr) = run(
        &[
            "report",
            "feedback",
            "--unit",
            "市科技局",
            "--year",
            "2023",
            "--out",
            docx.to_str().expect("utf-8"),
        ],
        &data,
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("市科技局反馈单（含示例数据）"), "{stdout}");
    assert!(std::fs::read(&docx).expect("written").starts_with(b"PK"));
}

#[test]
fn every_units_feedback_sheet_is_written_with_a_zip_and_the_fonts_are_told() {
    let dir = out_dir("feedback-all");
    let input = view_json();
    let out = dir.join("sheets");
    let (ok, stdout, stderr) = run(
        &[
            "report",
            "feedback",
            "--all",
            "--year",
            "2023",
            "--format",
            "docx",
            "--out",
            out.to_str().expect("utf-8"),
            "--input",
            input.to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(ok, "{stdout}{stderr}");
    let names: Vec<String> = std::fs::read_dir(&out)
        .expect("the folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let sheets = names.iter().filter(|n| n.ends_with(".docx")).count();
    assert!(sheets > 10, "{names:?}");
    assert!(
        names.iter().any(|n| n == "市科技局2023年度反馈单.docx"),
        "{names:?}"
    );
    let zip = names.iter().find(|n| n.ends_with(".zip")).expect("a zip");
    let archive =
        zip::ZipArchive::new(std::fs::File::open(out.join(zip)).expect("open")).expect("zip");
    assert_eq!(archive.len(), sheets);
    assert!(
        stdout.contains(&format!("已生成{sheets}家单位的反馈单")),
        "{stdout}"
    );
    // Every role's font: what was asked for and what is used.
    for role in [
        "标题：",
        "正文：",
        "一级标题：",
        "二级标题：",
        "表格：",
        "图表：",
    ] {
        assert!(stderr.contains(role), "{role} in {stderr}");
    }

    // --all needs --format (the output is a folder) and refuses html; nothing is written.
    let none = dir.join("none");
    let (ok, _, stderr) = run(
        &[
            "report",
            "feedback",
            "--all",
            "--year",
            "2023",
            "--out",
            none.to_str().expect("utf-8"),
            "--input",
            input.to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(!ok);
    assert!(stderr.contains("--format"), "{stderr}");
    assert!(!none.exists());
}

#[test]
fn the_bulletin_is_written_and_the_final_report_waits_for_the_plans_last_year() {
    let dir = out_dir("bulletin");
    let input = view_json();
    let out = dir.join("bulletin.html");
    let (ok, stdout, stderr) = run(
        &[
            "report",
            "bulletin",
            "--period",
            "2023Q4",
            "--out",
            out.to_str().expect("utf-8"),
            "--input",
            input.to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(ok, "{stdout}{stderr}");
    let html = std::fs::read_to_string(&out).expect("written");
    assert!(html.contains("推进情况的通报"), "the bulletin's title");
    assert!(html.contains("各成员单位："));
    // The view is of 2023Q4: another quarter is refused and nothing is written.
    let other = dir.join("other.html");
    let (ok, _, stderr) = run(
        &[
            "report",
            "bulletin",
            "--period",
            "2023Q3",
            "--out",
            other.to_str().expect("utf-8"),
            "--input",
            input.to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(!ok);
    assert!(stderr.contains("--period 2023Q3"), "{stderr}");
    assert!(!other.exists());

    // 2023 is not the plan's last year (2024): no final report.
    let fin = dir.join("final.docx");
    let (ok, _, stderr) = run(
        &[
            "report",
            "final",
            "--out",
            fin.to_str().expect("utf-8"),
            "--input",
            input.to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(!ok);
    assert!(stderr.contains("不能生成终期评估报告"), "{stderr}");
    assert!(!fin.exists());
}
