//! The quarterly reporting journey through the real binary, on SQLite and on PostgreSQL:
//! generate a unit's template, fill it programmatically, submit it, submit it again, submit a
//! workbook with three mistakes; load the demo data and list what is due.

mod common;
mod filled;

use common::Env;
use filled::fill;
use planwatch_quarterly::xlsx::edit::{CellValue, SheetCopy, copy_with};
use planwatch_quarterly::xlsx::quarterly::{INDICATOR_SHEET, TASK_SHEET};
use std::path::{Path, PathBuf};

fn s(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

async fn template_fill_submit_and_audit(env: Env) {
    env.ok(&["init"]);
    let template = env.file("kjj-2023Q3.xlsx");
    let out = env.ok(&[
        "template",
        "--unit",
        "市科技局",
        "--period",
        "2023Q3",
        "--out",
        s(&template),
    ]);
    assert!(
        out.contains("已生成“市科技局”2023年第三季度报送模板"),
        "{out}"
    );
    let bytes = std::fs::read(&template).expect("template written");
    let filled = env.file("filled.xlsx");
    std::fs::write(&filled, copy_with(&bytes, fill).expect("fill")).expect("write");

    let out = env.ok(&["submit", s(&filled)]);
    assert!(out.contains("状态“已报送”，第 3 版"), "{out}");
    let again = env.ok(&["submit", s(&filled)]);
    assert!(again.contains("未作任何更改"), "{again}");

    let audit = env.ok(&["audit", "--entity", "report"]);
    for action in ["report.edit", "report.approve", "report.submit"] {
        assert_eq!(audit.matches(action).count(), 1, "{action} in {audit}");
    }
    assert!(audit.contains("2023Q3/市科技局"), "{audit}");

    let due = env.ok(&["due", "--period", "2023Q3", "--format", "json"]);
    let lines: serde_json::Value = serde_json::from_str(&due).expect("json");
    let kjj = lines
        .as_array()
        .expect("array")
        .iter()
        .find(|l| l["unit"] == "市科技局")
        .expect("市科技局 is due");
    assert_eq!(
        kjj["due"]["state"], "late",
        "submitted years after the deadline: {kjj}"
    );

    let accepted = env.ok(&[
        "review",
        "accept",
        "--unit",
        "市科技局",
        "--period",
        "2023Q3",
    ]);
    assert!(accepted.contains("已采纳"), "{accepted}");
    env.finish().await;
}

async fn three_mistakes_give_three_messages_and_store_nothing(env: Env) {
    env.ok(&["init"]);
    let template = env.file("t.xlsx");
    env.ok(&[
        "template",
        "--unit",
        "市科技局",
        "--period",
        "2023Q3",
        "--out",
        s(&template),
    ]);
    let bytes = std::fs::read(&template).expect("template");
    let broken = copy_with(&bytes, |sheet| {
        fill(sheet);
        let find = |sheet: &SheetCopy, id: &str| sheet.find_row(0, id).expect("row");
        if sheet.name == TASK_SHEET {
            let r = find(sheet, "T:13");
            sheet
                .cells
                .insert((r, 13), CellValue::Text("进行中".into()));
        } else if sheet.name == INDICATOR_SHEET {
            let r = find(sheet, "V:rd-gdp-share");
            sheet.cells.insert((r, 6), CellValue::Number(180.0));
            let r = find(sheet, "V:hightech-enterprises");
            sheet
                .cells
                .insert((r, 6), CellValue::Text("约150家".into()));
        }
    })
    .expect("broken copy");
    let path = env.file("broken.xlsx");
    std::fs::write(&path, broken).expect("write");
    let out = env.run(&["submit", s(&path)]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("有 3 处问题，未导入任何内容"), "{err}");
    assert!(err.contains("  1. 工作表“重点任务季度进展报送表”"), "{err}");
    assert!(err.contains("状态“进行中”不在可选范围内"), "{err}");
    assert!(err.contains("应在 0 到 100 之间，填写的是 180"), "{err}");
    assert!(err.contains("应为数字，实际为文本“约150家”"), "{err}");
    let audit = env.ok(&["audit", "--entity", "report"]);
    assert!(audit.contains("没有符合条件的审计记录"), "{audit}");
    env.finish().await;
}

async fn the_demo_shows_late_and_missing_reports(env: Env) {
    let out = env.ok(&["demo", "--until", "2024Q2", "--no-serve"]);
    assert!(out.contains("已载入示例数据"), "{out}");
    let due = env.ok(&["due", "--period", "2024Q2"]);
    assert!(due.contains("【含示例数据】"), "{due}");
    assert!(due.contains("未报送（已逾期）"), "{due}");
    assert!(due.contains("逾期报送"), "{due}");
    // Running the demo again (the README's main command, twice) keeps the data as it is.
    let again = env.ok(&["demo", "--until", "2024Q2", "--no-serve"]);
    assert!(again.contains("不再重复载入"), "{again}");
    let totals = |text: &str| {
        text.lines()
            .filter(|l| l.contains("合计"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let due_again = env.ok(&["due", "--period", "2024Q2"]);
    assert_eq!(
        totals(&due_again),
        totals(&due),
        "a second run loads nothing"
    );
    env.finish().await;
}

/// The command line acting `--as` a person is held to the same permission table as the web:
/// a reporter may not change the breakdown or grant an extension, a task force may change the
/// breakdown; the refusal names the role and who may, and nothing is written.
async fn the_command_line_asks_the_same_permission_table(env: Env) {
    env.ok(&["demo", "--until", "2023Q4", "--no-serve"]);
    let book = env.file("breakdown-2023.xlsx");
    env.ok(&["breakdown", "template", "--year", "2023", "--out", s(&book)]);
    let before = env.ok(&["audit"]);

    let err = env.fails(&["breakdown", "import", s(&book), "--as", "kjj"]);
    assert!(
        err.contains("您的角色（填报员）不能修改年度任务分解。此操作仅限：领导小组办公室、专班。"),
        "{err}"
    );
    let err = env.fails(&[
        "review",
        "extend",
        "--period",
        "2023Q4",
        "--unit",
        "市科技局",
        "--until",
        "2024-02-01",
        "--reason",
        "数据核对",
        "--as",
        "kjj.head",
    ]);
    assert!(
        err.contains("您的角色（单位负责人）不能审核季度报告"),
        "{err}"
    );
    let err = env.fails(&["breakdown", "import", s(&book), "--as", "nobody"]);
    assert!(err.contains("用户“nobody”不存在"), "{err}");
    assert_eq!(env.ok(&["audit"]), before, "a refusal writes nothing");

    let out = env.ok(&["breakdown", "import", s(&book), "--as", "zb.kjcx"]);
    assert!(out.contains("未作任何更改"), "{out}");
    env.finish().await;
}

on_both_backends!(
    sqlite_the_command_line_asks_the_same_permission_table,
    pg_the_command_line_asks_the_same_permission_table,
    the_command_line_asks_the_same_permission_table
);
on_both_backends!(
    sqlite_a_template_is_generated_filled_submitted_once_and_audited,
    pg_a_template_is_generated_filled_submitted_once_and_audited,
    template_fill_submit_and_audit
);
on_both_backends!(
    sqlite_three_mistakes_give_three_messages_and_store_nothing,
    pg_three_mistakes_give_three_messages_and_store_nothing,
    three_mistakes_give_three_messages_and_store_nothing
);
on_both_backends!(
    sqlite_the_demo_shows_late_and_missing_reports,
    pg_the_demo_shows_late_and_missing_reports,
    the_demo_shows_late_and_missing_reports
);

/// The two workbooks that used to abort the process (a huge shared-strings count; a cell at
/// XFD1048576 in the hidden sheet) get a located refusal from `planwatch submit`, exit 2, and
/// nothing is stored.
#[tokio::test]
async fn hostile_workbooks_are_refused_by_submit_with_the_place_named() {
    let env = Env::sqlite();
    env.ok(&["init"]);
    for (file, says) in [
        ("sst-uniquecount-huge.xlsx", "xl/sharedStrings.xml"),
        ("cell-xfd1048576-meta.xlsx", "XFD1048576"),
    ] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/hostile")
            .join(file);
        let out = env.run(&["submit", s(&path)]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{file}: {err}");
        assert!(err.contains("不予读取"), "{file}: {err}");
    }
    let audit = env.ok(&["audit", "--entity", "report"]);
    assert!(audit.contains("没有符合条件的审计记录"), "{audit}");
    env.finish().await;
}
