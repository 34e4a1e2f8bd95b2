//! Where a problem found in a quarterly workbook lies in the report itself, and back: which
//! task or indicator row and which field a cell is, and which column a field is. The column
//! layout is the template's; the rules and their [`Place`]s are [`crate::check`]'s.

use super::{FILLED_BY_CELL, FIRST_ROW, INDICATOR_SHEET, PHONE_CELL, TASK_SHEET, icol, tcol};
pub use crate::check::{IndicatorField, PERSON_MAX_CHARS, Place, TaskField};
use crate::xlsx::SheetIssue;
use crate::xlsx::cells::col_letter;

/// The template's column of a task field.
pub fn task_column(f: TaskField) -> u16 {
    match f {
        TaskField::Contact => tcol::CONTACT,
        TaskField::Progress => tcol::PROGRESS,
        TaskField::Cumulative => tcol::CUMULATIVE,
        TaskField::Status => tcol::STATUS,
        TaskField::Share => tcol::SHARE,
        TaskField::Reached => tcol::REACHED,
        TaskField::Problems => tcol::PROBLEMS,
        TaskField::NextSteps => tcol::NEXT,
        TaskField::Evidence => tcol::EVIDENCE,
        TaskField::Note => tcol::NOTE,
    }
}

/// The template's column of an indicator field.
pub fn indicator_column(f: IndicatorField) -> u16 {
    match f {
        IndicatorField::Value => icol::VALUE,
        IndicatorField::Source => icol::SOURCE,
        IndicatorField::Note => icol::NOTE,
    }
}

fn data_index(row: Option<u32>) -> Option<usize> {
    // `SheetIssue` rows are 1-based; the template's data rows start at 0-based `FIRST_ROW`.
    let r = row?.checked_sub(1)?.checked_sub(FIRST_ROW)?;
    usize::try_from(r).ok()
}

/// Where the reader's problem `issue` lies in the report.
pub fn locate(issue: &SheetIssue) -> Place {
    let column = issue.column.as_deref();
    let is_cell = |cell: (u32, u16)| {
        issue.row == Some(cell.0 + 1) && column == Some(col_letter(cell.1).as_str())
    };
    if issue.sheet == TASK_SHEET {
        if is_cell(FILLED_BY_CELL) {
            return Place::FilledBy;
        }
        if is_cell(PHONE_CELL) {
            return Place::Phone;
        }
        if let Some(index) = data_index(issue.row) {
            let field = TaskField::ALL
                .into_iter()
                .find(|f| column == Some(col_letter(task_column(*f)).as_str()));
            return Place::Task { index, field };
        }
    } else if issue.sheet == INDICATOR_SHEET
        && let Some(index) = data_index(issue.row)
    {
        let field = IndicatorField::ALL
            .into_iter()
            .find(|f| column == Some(col_letter(indicator_column(*f)).as_str()));
        return Place::Indicator { index, field };
    }
    Place::Report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_problems_land_on_their_row_and_field() {
        let first = FIRST_ROW;
        let i = SheetIssue::cell(TASK_SHEET, first + 2, tcol::PROBLEMS, "x");
        assert_eq!(
            locate(&i),
            Place::Task {
                index: 2,
                field: Some(TaskField::Problems)
            }
        );
        let i = SheetIssue::cell(INDICATOR_SHEET, first, icol::VALUE, "x");
        assert_eq!(
            locate(&i),
            Place::Indicator {
                index: 0,
                field: Some(IndicatorField::Value)
            }
        );
        let i = SheetIssue::row(TASK_SHEET, first + 1, "x");
        assert_eq!(
            locate(&i),
            Place::Task {
                index: 1,
                field: None
            }
        );
    }

    #[test]
    fn a_problem_the_reader_finds_in_content_is_located_on_the_row_and_field_it_came_from() {
        use crate::content::{IndicatorRow, ReportContent, TaskRow};
        use crate::scope::tests::yangquan_inputs;
        use crate::settings::ReportingSettings;
        use crate::xlsx::ImportError;
        use crate::xlsx::quarterly::{
            QuarterlyTemplate, ReadContext, read_quarterly, write_quarterly,
        };
        use planwatch_model::{Quarter, TaskStatus};
        use std::collections::BTreeMap;

        let inputs = yangquan_inputs();
        let q = Quarter::parse("2023Q3").expect("quarter");
        let scope = inputs.scope(&"市科技局".into(), q);
        let last = scope.rows.len() - 1;
        let mut content = ReportContent::new("市科技局", q);
        for (i, row) in scope.rows.iter().enumerate() {
            content.tasks.push(TaskRow {
                key: Some(row.key.clone()),
                progress: "推进中".into(),
                status: row.role.owns_status().then_some(if i == last {
                    TaskStatus::Behind
                } else {
                    TaskStatus::OnSchedule
                }),
                ..TaskRow::default()
            });
        }
        let percent = scope
            .indicators
            .iter()
            .position(|d| d.is_percent())
            .expect("市科技局 reports a percentage");
        for (i, d) in scope.indicators.iter().enumerate() {
            content.indicators.push(IndicatorRow {
                code: d.code.clone(),
                value: (i == percent).then_some(250.0),
                ..IndicatorRow::default()
            });
        }
        let (forces, prev, contrib) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        let bytes = write_quarterly(&QuarterlyTemplate {
            scope: &scope,
            plan_title: "计划",
            plan_code: None,
            deadline: chrono::NaiveDate::from_ymd_opt(2023, 10, 10).expect("date"),
            task_forces: &forces,
            previous: None,
            previous_values: &prev,
            contributions: &contrib,
            prefill: Some(&content),
        })
        .expect("template");
        let history = BTreeMap::new();
        let settings = ReportingSettings::default();
        let err = read_quarterly(
            &bytes,
            &ReadContext {
                scope: &scope,
                history: &history,
                settings: &settings,
                require_complete: false,
            },
        )
        .expect_err("two problems");
        let ImportError::Invalid(issues) = err else {
            panic!("located problems expected");
        };
        let places: Vec<Place> = issues.iter().map(locate).collect();
        assert!(places.contains(&Place::Task {
            index: last,
            field: Some(TaskField::Problems)
        }));
        assert!(places.contains(&Place::Indicator {
            index: percent,
            field: Some(IndicatorField::Value)
        }));
    }

    #[test]
    fn the_reporter_cells_and_sheet_problems_are_recognised() {
        let i = SheetIssue::cell(TASK_SHEET, FILLED_BY_CELL.0, FILLED_BY_CELL.1, "x");
        assert_eq!(locate(&i), Place::FilledBy);
        let i = SheetIssue::cell(TASK_SHEET, PHONE_CELL.0, PHONE_CELL.1, "x");
        assert_eq!(locate(&i), Place::Phone);
        assert_eq!(locate(&SheetIssue::sheet(TASK_SHEET, "x")), Place::Report);
        assert_eq!(locate(&SheetIssue::sheet("别的表", "x")), Place::Report);
    }
}
