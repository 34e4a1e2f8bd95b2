//! Property test: whatever grid comes in — cells made of the words task tables are made of,
//! merged ranges anywhere (reversed, out of the grid, overlapping) — `extract_sheets` returns a
//! plan and never panics (the entry point would report a panic as `internal-error`), and every
//! span it gives names a sheet, a row and a column inside the grid.

use planwatch_model::{Merge, Sheet};
use planwatch_plantext::extract_sheets;
use proptest::prelude::*;

fn cell() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "",
        "",
        "序号",
        "重点任务",
        "任务内容",
        "责任单位",
        "牵头单位",
        "配合单位",
        "协办部门",
        "完成时限",
        "2024年",
        "2025",
        "前三年目标",
        "五年目标",
        "一、",
        "（二）",
        "1",
        "市科技局",
        "市财政局\n市发展改革委",
        "各县（市、区）人民政府",
        "、",
        "，",
        "\n",
        "建成10个",
        "2026年底前",
        "注：",
        "行动计划",
        "（2024—2026年）",
        "x",
        "😀",
    ]);
    prop::collection::vec(atoms, 0..4).prop_map(|v| v.concat())
}

fn sheet() -> impl Strategy<Value = Sheet> {
    let rows = prop::collection::vec(prop::collection::vec(cell(), 0..7), 0..12);
    let merges = prop::collection::vec(
        (0u32..14, 0u32..9, 0u32..14, 0u32..9).prop_map(|(a, b, c, d)| Merge {
            first_row: a,
            first_column: b,
            last_row: c,
            last_column: d,
        }),
        0..5,
    );
    (rows, merges).prop_map(|(rows, merges)| Sheet {
        name: "表".into(),
        rows,
        merges,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn extract_sheets_never_panics(sheets in prop::collection::vec(sheet(), 0..3)) {
        let plan = extract_sheets(&sheets);
        prop_assert!(!plan.diagnostics.iter().any(|d| d.code == "internal-error"));
        for t in &plan.tasks {
            let s = t.span.expect("a task has a span");
            let sheet = s.sheet.expect("a sheet span") as usize;
            prop_assert!(sheet >= 1 && sheet <= sheets.len());
            let g = &sheets[sheet - 1];
            prop_assert!((s.line as usize) <= g.rows.len());
            let text = g.cell(s.line as usize - 1, s.column as usize - 1);
            prop_assert!(s.end <= text.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        }
    }
}

#[test]
fn huge_merges_and_wide_rows_are_cheap() {
    let mut rows = vec![vec!["序号".to_string(), "任务".into(), "牵头单位".into()]];
    rows.push(vec!["1".into(), "做事".into(), "市科技局".into()]);
    let merges = (0..5000)
        .map(|i| Merge {
            first_row: 1 + i % 3,
            first_column: 2,
            last_row: u32::MAX,
            last_column: u32::MAX,
        })
        .collect();
    let p = extract_sheets(&[Sheet {
        name: "表".into(),
        rows,
        merges,
    }]);
    assert_eq!(p.tasks.len(), 1);
}
