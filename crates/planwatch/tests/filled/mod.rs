//! A quarterly workbook filled in programmatically, as a unit would: every required cell.

use planwatch_quarterly::xlsx::edit::{CellValue, SheetCopy};
use planwatch_quarterly::xlsx::quarterly::{INDICATOR_SHEET, TASK_SHEET};

/// The rows of a sheet by their hidden identifier.
fn rows(sheet: &SheetCopy) -> Vec<(u32, String)> {
    sheet
        .cells
        .iter()
        .filter_map(|((r, c), v)| match v {
            CellValue::Text(t) if *c == 0 && *r >= 3 => Some((*r, t.clone())),
            _ => None,
        })
        .collect()
}

/// Fills every required cell: progress and status on task rows, a value and a source for every
/// indicator (12 + position, within every indicator's range).
pub fn fill(sheet: &mut SheetCopy) {
    if sheet.name == TASK_SHEET {
        sheet.set("H2", CellValue::Text("张三".into()));
        sheet.set("J2", CellValue::Text("0353-1234567".into()));
        for (r, id) in rows(sheet) {
            sheet
                .cells
                .insert((r, 11), CellValue::Text(format!("{id}：本季度按计划推进")));
            if !id.starts_with("C:") {
                sheet
                    .cells
                    .insert((r, 13), CellValue::Text("序时推进".into()));
                sheet.cells.insert((r, 14), CellValue::Number(75.0));
            }
        }
    } else if sheet.name == INDICATOR_SHEET {
        for (i, (r, _)) in rows(sheet).into_iter().enumerate() {
            sheet
                .cells
                .insert((r, 6), CellValue::Number(12.0 + i as f64));
            sheet
                .cells
                .insert((r, 12), CellValue::Text("科技局统计台账".into()));
        }
    }
}

/// The workbook at `template` filled by [`fill`], written beside it as `name`: its path.
#[allow(dead_code)]
pub fn filled_copy(template: &std::path::Path, name: &str) -> std::path::PathBuf {
    let bytes = std::fs::read(template).expect("template");
    let out = template.with_file_name(name);
    let filled = planwatch_quarterly::xlsx::edit::copy_with(&bytes, fill).expect("fill");
    std::fs::write(&out, filled).expect("write");
    out
}
