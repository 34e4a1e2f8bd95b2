//! `planwatch extract` as a user runs it: JSON and text output for the Yangquan plan, the same
//! JSON from GB18030 and .docx files, and one-line errors for files that are not plans.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/plans")
        .join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-extract-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir.join(name)
}

fn planwatch(args: &[&str]) -> Output {
    common::planwatch(None, None)
        .args(args)
        .env("PLANWATCH_DATA_DIR", scratch("data"))
        .output()
        .expect("the binary runs")
}

fn extract(file: &Path, format: &str) -> Output {
    planwatch(&[
        "extract",
        file.to_str().expect("utf-8 path"),
        "--format",
        format,
    ])
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

#[test]
fn json_output_is_the_plan_interchange_format() {
    let out = stdout(&extract(&fixture("yangquan-2022-2024.txt"), "json"));
    let plan: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(plan["tasks"].as_array().map(Vec::len), Some(22));
    assert_eq!(plan["units"].as_array().map(Vec::len), Some(41));
    assert_eq!(plan["period"]["end"], 2024);
    assert_eq!(plan["tasks"][0]["lead_units"][0], "市工信局");
    assert_eq!(plan["tasks"][9]["targets"][0]["value"], 245000.0);
    assert_eq!(plan["tasks"][9]["targets"][2]["comparator"], "at_most");
}

#[test]
fn text_output_is_a_chinese_summary_to_check_by_eye() {
    let out = stdout(&extract(&fixture("yangquan-2022-2024.txt"), "text"));
    assert!(out.starts_with("《阳泉市国家创新型城市建设三年行动计划(2022—2024年)》"));
    assert!(out.contains("牵头单位：市工信局"));
    assert!(out.contains("任务（22项，3组）"));
    assert!(out.contains("“孟县”与本计划中的“盂县”只差一个字"));
}

#[test]
fn a_gb18030_file_gives_the_same_json_as_utf8() {
    let text = std::fs::read_to_string(fixture("yangquan-2022-2024.txt")).expect("fixture");
    let (gbk, _, lossy) = encoding_rs::GB18030.encode(&text);
    assert!(!lossy);
    let path = scratch("yangquan-gb18030.txt");
    std::fs::write(&path, &gbk).expect("write");
    assert_eq!(
        stdout(&extract(&path, "json")),
        stdout(&extract(&fixture("yangquan-2022-2024.txt"), "json"))
    );
}

#[test]
fn a_docx_written_by_python_docx_gives_the_same_json_as_the_text() {
    assert_eq!(
        stdout(&extract(&fixture("yangquan-2022-2024.docx"), "json")),
        stdout(&extract(&fixture("yangquan-2022-2024.txt"), "json"))
    );
}

#[test]
fn a_docx_task_table_becomes_tasks() {
    let out = stdout(&extract(&fixture("task-table.docx"), "json"));
    let plan: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let tasks = plan["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 5);
    assert_eq!(tasks[1]["title"], "建设新型研发机构");
    // The merged 牵头部门 cell leads the second row too.
    assert_eq!(tasks[1]["lead_units"][0], "市科技局");
    assert_eq!(
        tasks[4]["participating_units"],
        serde_json::json!(["市人社局", "市教育局"])
    );
    assert_eq!(tasks[0]["targets"][2]["year"], 2025);
}

/// A refused file: non-zero exit, nothing on stdout, one line on stderr naming the file in
/// Chinese and English.
fn assert_refused(o: &Output, file: &str) {
    assert!(!o.status.success());
    assert!(
        o.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    let err = String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(file), "{err}");
    assert!(err.starts_with("错误 (error): "), "{err}");
    assert!(
        err.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{err}"
    );
    assert!(err.contains('(') && err.trim_end().ends_with(')'), "{err}");
}

#[test]
fn an_empty_file_is_refused_with_one_line() {
    let path = scratch("empty.txt");
    std::fs::write(&path, b"").expect("write");
    let o = extract(&path, "json");
    assert_refused(&o, "empty.txt");
    assert!(String::from_utf8_lossy(&o.stderr).contains("文件为空"));
}

#[test]
fn a_binary_file_is_refused_with_one_line() {
    let path = scratch("binary.txt");
    std::fs::write(
        &path,
        [0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0xff, 0xfe],
    )
    .expect("write");
    assert_refused(&extract(&path, "text"), "binary.txt");
}

#[test]
fn a_missing_file_is_refused_with_one_line() {
    let path = scratch("no-such-plan.txt");
    let o = extract(&path, "json");
    assert_refused(&o, "no-such-plan.txt");
    assert!(String::from_utf8_lossy(&o.stderr).contains("找不到文件"));
}

#[test]
fn a_directory_is_refused_with_one_line() {
    let dir = scratch("a-folder");
    std::fs::create_dir_all(&dir).expect("mkdir");
    assert_refused(&extract(&dir, "json"), "a-folder");
}
