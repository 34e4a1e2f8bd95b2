//! Defect 12: a report text longer than one Excel cell holds (32 767 characters) made the web
//! form answer 500 instead of a message at the field: the form and the API were checked by
//! writing the unit's quarterly workbook and reading it back, and rust_xlsxwriter refuses such a
//! string. Since issue 12 they are checked by the one validator on the typed content, with no
//! workbook written. Now every text field has its
//! own limit (`validate::text_limits`), refused by the reader at the field with the limit in the
//! message, and the writers clip at Excel's limit so writing a form never fails.

#[path = "hostile/support.rs"]
mod support;

use chrono::NaiveDate;
use planwatch_quarterly::check::{CheckContext, check_report};
use planwatch_quarterly::content::{Contribution, ReportContent};
use planwatch_quarterly::scope::TaskRole;
use planwatch_quarterly::validate::text_limits;
use planwatch_quarterly::xlsx::breakdown::{BreakdownTemplate, write_breakdown};
use planwatch_quarterly::xlsx::edit::{CellValue, copy_with};
use planwatch_quarterly::xlsx::quarterly::locate::{
    IndicatorField, PERSON_MAX_CHARS, Place, TaskField, locate,
};
use planwatch_quarterly::xlsx::quarterly::{
    QuarterlyTemplate, TASK_SHEET, read_quarterly, write_quarterly,
};
use planwatch_quarterly::{ImportError, read_values};
use std::collections::BTreeMap;

/// What the web form and the API do with what a person typed: the one validator, on the typed
/// content (issue 12: no workbook is written to check it); the problems located on the
/// report's fields. The Excel path gives the same (`check_through_excel`).
fn check_as_the_web_form_does(
    content: &ReportContent,
) -> Result<ReportContent, Vec<(Place, String)>> {
    let w = support::world();
    let ctx = w.read_context();
    let by_the_validator = check_report(
        content,
        &CheckContext {
            scope: ctx.scope,
            history: ctx.history,
            settings: ctx.settings,
            require_complete: ctx.require_complete,
        },
    )
    .map_err(|issues| issues.into_iter().map(|i| (i.place, i.message)).collect());
    // The same content through the unit's workbook gives the same problems (where the text fits
    // in an Excel cell: a cell cannot hold more than 32 767 characters).
    let fits = |t: &str| t.encode_utf16().count() < text_limits::EXCEL_CELL;
    let all_fit = fits(&content.filled_by)
        && fits(&content.phone)
        && content.tasks.iter().all(|t| {
            [
                &t.contact,
                &t.progress,
                &t.cumulative,
                &t.problems,
                &t.next_steps,
                &t.note,
            ]
            .iter()
            .all(|x| fits(x))
        })
        && content
            .indicators
            .iter()
            .all(|i| fits(&i.source) && fits(&i.note));
    if all_fit {
        let through_excel = check_through_excel(content);
        assert_eq!(
            by_the_validator.as_ref().err(),
            through_excel.as_ref().err(),
            "the Excel path and the typed path disagree"
        );
    }
    by_the_validator
}

/// What the Excel upload does: the content written into the unit's form and read back.
fn check_through_excel(content: &ReportContent) -> Result<ReportContent, Vec<(Place, String)>> {
    let w = support::world();
    let (forces, prev, contrib) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let bytes = write_quarterly(&QuarterlyTemplate {
        scope: w.scope(),
        plan_title: &w.plan.title,
        plan_code: None,
        deadline: NaiveDate::from_ymd_opt(2023, 10, 10).expect("date"),
        task_forces: &forces,
        previous: None,
        previous_values: &prev,
        contributions: &contrib,
        prefill: Some(content),
    })
    .expect("writing the form never fails on text");
    read_quarterly(&bytes, &w.read_context()).map_err(|e| match e {
        ImportError::Invalid(issues) => issues
            .iter()
            .map(|i| (locate(i), i.message.clone()))
            .collect(),
        other => panic!("a located problem expected, got: {other}"),
    })
}

#[test]
fn a_40000_character_progress_text_is_a_message_at_its_field_not_an_error() {
    let w = support::world();
    let mut content = w.complete_report();
    content.tasks[2].progress = "进".repeat(40_000);
    let problems = check_as_the_web_form_does(&content).expect_err("too long");
    assert_eq!(
        problems,
        vec![(
            Place::Task {
                index: 2,
                field: Some(TaskField::Progress)
            },
            "“本季度进展情况”最多 2000 字，现为 40000 字；请精简后再填写".to_string()
        )]
    );
    // In a workbook the text is cut at what a cell holds, and the message counts what is there.
    let problems = check_through_excel(&content).expect_err("too long");
    assert_eq!(
        problems[0].1,
        "“本季度进展情况”最多 2000 字，现为 32767 字；请精简后再填写"
    );
}

#[test]
fn every_text_field_takes_its_limit_and_refuses_one_character_more() {
    let w = support::world();
    let at_limit = |max: usize| "字".repeat(max);
    let over = |max: usize| "字".repeat(max + 1);
    for field in TaskField::ALL {
        let Some(max) = field.max_chars() else {
            continue;
        };
        for (text, ok) in [(at_limit(max), true), (over(max), false)] {
            let mut content = w.complete_report();
            let row = &mut content.tasks[0];
            match field {
                TaskField::Contact => row.contact = text,
                TaskField::Progress => row.progress = text,
                TaskField::Cumulative => row.cumulative = text,
                TaskField::Problems => row.problems = text,
                TaskField::NextSteps => row.next_steps = text,
                TaskField::Note => row.note = text,
                // A file name: the type must be allowed too.
                TaskField::Evidence => {
                    row.evidence = vec![format!("{}.pdf", &text[..text.len() - 4 * 3])];
                }
                _ => unreachable!("not free text"),
            }
            let got = check_as_the_web_form_does(&content);
            if ok {
                assert!(got.is_ok(), "{field:?} at {max}: {got:?}");
            } else {
                let problems = got.expect_err("one character too many");
                assert_eq!(problems.len(), 1, "{field:?}: {problems:?}");
                assert_eq!(
                    problems[0].0,
                    Place::Task {
                        index: 0,
                        field: Some(field)
                    }
                );
                let m = &problems[0].1;
                assert!(
                    m.contains(&format!("最多 {max} 字，现为 {} 字", max + 1)),
                    "{m}"
                );
            }
        }
    }
    for field in IndicatorField::ALL {
        let Some(max) = field.max_chars() else {
            continue;
        };
        let mut content = w.complete_report();
        match field {
            IndicatorField::Source => content.indicators[1].source = over(max),
            IndicatorField::Note => content.indicators[1].note = over(max),
            IndicatorField::Value => unreachable!("a number"),
        }
        let problems = check_as_the_web_form_does(&content).expect_err("too long");
        assert_eq!(
            problems.iter().map(|p| &p.0).collect::<Vec<_>>(),
            [&Place::Indicator {
                index: 1,
                field: Some(field)
            }]
        );
    }
    let mut content = w.complete_report();
    content.filled_by = over(PERSON_MAX_CHARS);
    content.phone = "1".repeat(40_000);
    let problems = check_as_the_web_form_does(&content).expect_err("too long");
    assert_eq!(
        problems.iter().map(|p| &p.0).collect::<Vec<_>>(),
        [&Place::FilledBy, &Place::Phone]
    );
}

#[test]
fn an_over_long_cell_in_an_uploaded_workbook_is_refused_at_its_cell() {
    let w = support::world();
    let form = w.filled_quarterly();
    let long = copy_with(&form, |s| {
        if s.name == TASK_SHEET {
            s.set("Q4", CellValue::Text("问".repeat(2001)));
        }
    })
    .expect("copy");
    let e = read_quarterly(&long, &w.read_context()).expect_err("too long");
    let issues = e.issues();
    assert_eq!(issues.len(), 1, "{e}");
    assert_eq!(issues[0].a1().as_deref(), Some("Q4"));
    assert_eq!(
        issues[0].message,
        "“存在问题”最多 2000 字，现为 2001 字；请精简后再填写"
    );
}

#[test]
fn the_writers_never_fail_on_text_excel_cannot_hold() {
    let w = support::world();
    let huge = "长".repeat(50_000);
    let mut previous = w.complete_report();
    previous.tasks[0].progress = huge.clone();
    let contributions = BTreeMap::from([(
        13,
        (0..3)
            .map(|i| Contribution {
                unit: format!("单位{i}").into(),
                role: TaskRole::Participant,
                progress: huge.clone(),
                problems: String::new(),
                next_steps: String::new(),
            })
            .collect(),
    )]);
    let (forces, prev) = (BTreeMap::new(), BTreeMap::new());
    let form = write_quarterly(&QuarterlyTemplate {
        scope: w.scope(),
        plan_title: &huge,
        plan_code: None,
        deadline: NaiveDate::from_ymd_opt(2023, 10, 10).expect("date"),
        task_forces: &forces,
        previous: Some(&previous),
        previous_values: &prev,
        contributions: &contributions,
        prefill: None,
    })
    .expect("the quarterly form is written");
    assert!(!form.is_empty());
    let mut breakdown = w.breakdown.clone();
    let item = breakdown
        .items
        .iter_mut()
        .find(|i| i.year == support::YEAR)
        .expect("an item");
    item.title = huge.clone();
    item.note = huge;
    let units: Vec<planwatch_model::UnitName> = w.units.iter().cloned().collect();
    write_breakdown(&BreakdownTemplate {
        year: support::YEAR,
        plan: &w.plan,
        breakdown: &breakdown,
        catalogue: &w.catalogue,
        task_forces: &BTreeMap::new(),
        units: &units,
    })
    .expect("the breakdown form is written");
}

#[test]
fn imported_values_have_the_same_limits_on_source_and_note() {
    let w = support::world();
    let code = &w.catalogue.indicators[0].code;
    let csv = format!(
        "指标,期间,数值,数据来源,说明,基期\n{code},2023Q1,1,{},{},\n",
        "源".repeat(text_limits::SOURCE + 1),
        "说".repeat(text_limits::NOTE + 1)
    );
    let e = read_values(
        "历史数据.csv",
        csv.as_bytes(),
        &w.catalogue,
        &BTreeMap::new(),
        &w.settings,
    )
    .expect_err("too long");
    let at: Vec<String> = e.issues().iter().filter_map(|i| i.a1()).collect();
    assert_eq!(at, ["D2", "E2"], "{e}");
}
