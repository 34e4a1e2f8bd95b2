//! Reading a filled quarterly workbook back: every problem is collected with sheet, row and
//! column and a message in Chinese; if there is any, nothing is returned.

use super::{
    FILLED_BY_CELL, FILLED_BY_LABEL, FIRST_ROW, HEADER_ROW, INDICATOR_HEADERS, INDICATOR_SHEET,
    PHONE_CELL, PHONE_LABEL, TASK_HEADERS, TASK_HEADERS_BEFORE, TASK_SHEET, icol, tcol,
};
use crate::check::{CheckContext, IndicatorField, Place, TaskField, check_report};
use crate::content::{IndicatorRow, ReportContent, TaskRow};
use crate::scope::{ReportScope, RowKey};
use crate::settings::ReportingSettings;
use crate::xlsx::cells::{CellReader, data_text};
use crate::xlsx::{
    ImportError, SheetData, SheetIssue, WorkbookMeta, check_headers, check_headers_or_before,
    open_workbook, read_sheet,
};
use planwatch_model::{Quarter, TaskStatus};
use std::collections::{BTreeMap, BTreeSet};

fn task_column(f: TaskField) -> u16 {
    super::locate::task_column(f)
}

fn indicator_column(f: IndicatorField) -> u16 {
    super::locate::indicator_column(f)
}

/// What reading a quarterly workbook is checked against.
#[derive(Debug, Clone, Copy)]
pub struct ReadContext<'a> {
    /// What the unit owes this quarter (decides the expected rows).
    pub scope: &'a ReportScope<'a>,
    /// Values on record of the unit's indicators in other periods, per code.
    pub history: &'a BTreeMap<String, Vec<(Quarter, f64)>>,
    pub settings: &'a ReportingSettings,
    /// Submission: every required cell must be filled. Off for saving a draft.
    pub require_complete: bool,
}

/// Reads a filled quarterly workbook for `ctx.scope`.
pub fn read_quarterly(bytes: &[u8], ctx: &ReadContext<'_>) -> Result<ReportContent, ImportError> {
    let mut wb = open_workbook(bytes, ctx.settings)?;
    let meta = WorkbookMeta::read(&mut wb, ctx.settings)?;
    let mut issues = Vec::new();
    check_meta(&meta, ctx.scope, &mut issues);
    let tasks = read_sheet(&mut wb, TASK_SHEET, ctx.settings);
    let inds = read_sheet(&mut wb, INDICATOR_SHEET, ctx.settings);
    let (tasks, inds) = match (tasks, inds) {
        (Ok(t), Ok(i)) => (t, i),
        (t, i) => {
            issues.extend(t.err());
            issues.extend(i.err());
            return Err(ImportError::Invalid(issues));
        }
    };
    if !issues.is_empty() {
        return Err(ImportError::Invalid(issues));
    }
    check_headers_or_before(
        &tasks,
        HEADER_ROW,
        &TASK_HEADERS,
        &TASK_HEADERS_BEFORE,
        &mut issues,
    );
    check_headers(&inds, HEADER_ROW, &INDICATOR_HEADERS, &mut issues);
    if !issues.is_empty() {
        // With columns moved every further message would point at the wrong column.
        return Err(ImportError::Invalid(issues));
    }
    let mut content = ReportContent::new(&ctx.scope.unit, ctx.scope.period);
    let mut at = Positions::default();
    read_task_sheet(&tasks, ctx, &mut content, &mut at, &mut issues);
    read_indicator_sheet(&inds, ctx, &mut content, &mut at, &mut issues);
    // What was read is checked by the one validator the form and the API use; its problems are
    // put back on the cells they came from. A cell that could not be read at all already has its
    // message.
    let checked = check_report(
        &content,
        &CheckContext {
            scope: ctx.scope,
            history: ctx.history,
            settings: ctx.settings,
            require_complete: ctx.require_complete,
        },
    );
    match checked {
        Ok(content) if issues.is_empty() => Ok(content),
        Ok(_) => Err(ImportError::Invalid(issues)),
        Err(found) => {
            let unreadable: Vec<(String, Option<u32>, Option<String>)> = issues
                .iter()
                .filter(|x| x.row.is_some())
                .map(|x| (x.sheet.clone(), x.row, x.column.clone()))
                .collect();
            for i in found {
                let located = at.cell_of(ctx.scope, &i.place, i.message);
                let taken = unreadable.iter().any(|(sheet, row, column)| {
                    *sheet == located.sheet && *row == located.row && *column == located.column
                });
                if !taken {
                    issues.push(located);
                }
            }
            Err(ImportError::Invalid(issues))
        }
    }
}

/// The sheet rows the report's rows were read from (0-based).
#[derive(Debug, Default)]
struct Positions {
    tasks: BTreeMap<RowKey, u32>,
    indicators: BTreeMap<String, u32>,
}

impl Positions {
    /// The sheet, row and column of a [`Place`] in this workbook.
    fn cell_of(&self, scope: &ReportScope<'_>, place: &Place, message: String) -> SheetIssue {
        match place {
            Place::FilledBy => {
                SheetIssue::cell(TASK_SHEET, FILLED_BY_CELL.0, FILLED_BY_CELL.1, message)
            }
            Place::Phone => SheetIssue::cell(TASK_SHEET, PHONE_CELL.0, PHONE_CELL.1, message),
            Place::Task { index, field } => {
                let row = scope
                    .rows
                    .get(*index)
                    .and_then(|sr| self.tasks.get(&sr.key));
                match (row, field) {
                    (Some(r), Some(f)) => {
                        SheetIssue::cell(TASK_SHEET, *r, task_column(*f), message)
                    }
                    (Some(r), None) => SheetIssue::row(TASK_SHEET, *r, message),
                    (None, _) => SheetIssue::sheet(TASK_SHEET, message),
                }
            }
            Place::Indicator { index, field } => {
                let row = scope
                    .indicators
                    .get(*index)
                    .and_then(|d| self.indicators.get(d.code.as_str()));
                match (row, field) {
                    (Some(r), Some(f)) => {
                        SheetIssue::cell(INDICATOR_SHEET, *r, indicator_column(*f), message)
                    }
                    (Some(r), None) => SheetIssue::row(INDICATOR_SHEET, *r, message),
                    (None, _) => SheetIssue::sheet(INDICATOR_SHEET, message),
                }
            }
            Place::Report => SheetIssue::sheet(TASK_SHEET, message),
        }
    }
}

fn check_meta(meta: &WorkbookMeta, scope: &ReportScope<'_>, issues: &mut Vec<SheetIssue>) {
    let sheet = super::super::META_SHEET;
    if meta.form != "quarterly" {
        issues.push(SheetIssue::sheet(
            sheet,
            "这是年度任务分解表，不是季度报送表；请用 planwatch breakdown import 导入",
        ));
        return;
    }
    if meta.unit.as_deref() != Some(scope.unit.as_str()) {
        issues.push(SheetIssue::sheet(
            sheet,
            format!(
                "该模板属于“{}”，不能作为“{}”的报告提交",
                meta.unit.as_deref().unwrap_or("（未知单位）"),
                scope.unit
            ),
        ));
    }
    if meta.period != scope.period.to_string() {
        let shown = Quarter::parse(&meta.period).map_or(meta.period.clone(), |q| q.label_zh());
        issues.push(SheetIssue::sheet(
            sheet,
            format!(
                "该模板是{shown}的，不能作为{}的报告提交",
                scope.period.label_zh()
            ),
        ));
    }
}

/// Whether any input cell of a row holds something (a row without identifier must be blank).
fn row_has_input(sheet: &SheetData, row: u32, cols: &[u16]) -> bool {
    cols.iter()
        .any(|c| !data_text(sheet.value(row, *c)).is_empty())
}

const TASK_INPUTS: [u16; 10] = [
    tcol::CONTACT,
    tcol::PROGRESS,
    tcol::CUMULATIVE,
    tcol::STATUS,
    tcol::SHARE,
    tcol::REACHED,
    tcol::PROBLEMS,
    tcol::NEXT,
    tcol::EVIDENCE,
    tcol::NOTE,
];

fn read_task_sheet(
    sheet: &SheetData,
    ctx: &ReadContext<'_>,
    content: &mut ReportContent,
    at: &mut Positions,
    issues: &mut Vec<SheetIssue>,
) {
    let name = &sheet.name;
    for (label_cell, want) in [(FILLED_BY_LABEL, "填报人"), (PHONE_LABEL, "联系电话")] {
        if data_text(sheet.value(label_cell.0, label_cell.1)) != want {
            issues.push(SheetIssue::cell(
                name,
                label_cell.0,
                label_cell.1,
                format!("此处应为“{want}”；请勿移动表头区域的单元格"),
            ));
        }
    }
    let mut cells = CellReader { sheet, issues };
    content.filled_by = cells.text(FILLED_BY_CELL.0, FILLED_BY_CELL.1, "填报人");
    content.phone = cells.text(PHONE_CELL.0, PHONE_CELL.1, "联系电话");

    let mut found: BTreeMap<RowKey, TaskRow> = BTreeMap::new();
    let last = sheet.last_row().unwrap_or(0);
    for r in FIRST_ROW..=last {
        let id = data_text(sheet.value(r, tcol::ID));
        if id.is_empty() {
            if row_has_input(sheet, r, &TASK_INPUTS) {
                issues.push(SheetIssue::row(
                    name,
                    r,
                    "该行不是模板中的行（没有隐藏的行标识，可能是插入或复制的行）；请在模板原有的行中填写",
                ));
            }
            continue;
        }
        let Some(key) = RowKey::decode(&id) else {
            issues.push(SheetIssue::cell(
                name,
                r,
                tcol::ID,
                format!("行标识“{id}”无法识别；请勿修改隐藏的 A 列"),
            ));
            continue;
        };
        if ctx.scope.row(&key).is_none() {
            issues.push(SheetIssue::row(
                name,
                r,
                format!("该行（行标识 {id}）不在“{}”{}的报送范围内；计划或任务分解可能已调整，请重新生成模板",
                    ctx.scope.unit, ctx.scope.period.label_zh()),
            ));
            continue;
        };
        if found.contains_key(&key) {
            issues.push(SheetIssue::row(
                name,
                r,
                format!("该行与前面的行重复（行标识 {id}）；请删除重复的行"),
            ));
            continue;
        }
        let row = read_task_row(sheet, r, &key, issues);
        at.tasks.insert(key.clone(), r);
        found.insert(key, row);
    }
    // In the scope's order; a missing row is the validator's to report.
    for sr in &ctx.scope.rows {
        if let Some(row) = found.remove(&sr.key) {
            content.tasks.push(row);
        }
    }
}

/// Reads one task row's cells: what cannot be read (a word where a date belongs, an unknown
/// status) is an issue at its cell; the rules are the validator's.
fn read_task_row(sheet: &SheetData, r: u32, key: &RowKey, issues: &mut Vec<SheetIssue>) -> TaskRow {
    let name = sheet.name.clone();
    let mut c = CellReader { sheet, issues };
    let mut row = TaskRow {
        key: Some(key.clone()),
        contact: c.text(r, tcol::CONTACT, "责任领导/联系人"),
        progress: c.text(r, tcol::PROGRESS, "本季度进展情况"),
        cumulative: c.text(r, tcol::CUMULATIVE, "累计完成情况"),
        problems: c.text(r, tcol::PROBLEMS, "存在问题"),
        next_steps: c.text(r, tcol::NEXT, "下一步措施"),
        note: c.text(r, tcol::NOTE, "备注"),
        ..Default::default()
    };
    let status_text = c.text(r, tcol::STATUS, "状态");
    row.share_complete = c
        .number(r, tcol::SHARE, "本年度完成比例", true)
        .ok()
        .flatten();
    row.reached_on = c.date(r, tcol::REACHED, "节点完成日期").ok().flatten();
    let evidence = c.text(r, tcol::EVIDENCE, "佐证材料");
    row.status = TaskStatus::from_label_zh(&status_text);
    if row.status.is_none() && !status_text.is_empty() {
        issues.push(SheetIssue::cell(
            &name,
            r,
            tcol::STATUS,
            format!(
                "状态“{status_text}”不在可选范围内；可选：已完成、超序时、序时推进、滞后序时、未启动、其他"
            ),
        ));
    }
    row.evidence = evidence
        .split(['；', ';', '、', ',', '，', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    row
}

fn read_indicator_sheet(
    sheet: &SheetData,
    ctx: &ReadContext<'_>,
    content: &mut ReportContent,
    at: &mut Positions,
    issues: &mut Vec<SheetIssue>,
) {
    let name = sheet.name.clone();
    let mut found: BTreeMap<String, IndicatorRow> = BTreeMap::new();
    let expected: BTreeSet<&str> = ctx
        .scope
        .indicators
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    let last = sheet.last_row().unwrap_or(0);
    for r in FIRST_ROW..=last {
        let id = data_text(sheet.value(r, icol::ID));
        if id.is_empty() {
            if row_has_input(sheet, r, &[icol::VALUE, icol::SOURCE, icol::NOTE]) {
                issues.push(SheetIssue::row(
                    &name,
                    r,
                    "该行不是模板中的行（没有隐藏的行标识）；请在模板原有的行中填写",
                ));
            }
            continue;
        }
        let Some(code) = id.strip_prefix("V:").filter(|c| expected.contains(c)) else {
            issues.push(SheetIssue::row(
                &name,
                r,
                format!(
                    "该行（行标识 {id}）不是“{}”应报送的指标；指标目录可能已调整，请重新生成模板",
                    ctx.scope.unit
                ),
            ));
            continue;
        };
        if found.contains_key(code) {
            issues.push(SheetIssue::row(
                &name,
                r,
                format!("指标行重复（行标识 {id}）"),
            ));
            continue;
        }
        let percent = ctx
            .scope
            .indicators
            .iter()
            .find(|d| d.code == code)
            .is_some_and(|d| d.is_percent());
        let mut c = CellReader { sheet, issues };
        let value = c
            .number(r, icol::VALUE, "截至本季度末完成值", percent)
            .unwrap_or_default();
        let source = c.text(r, icol::SOURCE, "数据来源");
        let note = c.text(r, icol::NOTE, "说明");
        at.indicators.insert(code.to_string(), r);
        found.insert(
            code.to_string(),
            IndicatorRow {
                code: code.into(),
                value,
                source,
                note,
            },
        );
    }
    for def in &ctx.scope.indicators {
        if let Some(row) = found.remove(def.code.as_str()) {
            content.indicators.push(row);
        }
    }
}
