//! Reading a filled quarterly workbook back: every problem is collected with sheet, row and
//! column and a message in Chinese; if there is any, nothing is returned.

use super::{
    FILLED_BY_CELL, FILLED_BY_LABEL, FIRST_ROW, HEADER_ROW, INDICATOR_HEADERS, INDICATOR_SHEET,
    PHONE_CELL, PHONE_LABEL, TASK_HEADERS, TASK_HEADERS_BEFORE, TASK_SHEET, icol, tcol,
};
use crate::breakdown::ItemKind;
use crate::content::{IndicatorRow, ReportContent, TaskRow};
use crate::period::quarter_end;
use crate::scope::{ReportScope, RowKey};
use crate::settings::ReportingSettings;
use crate::validate::check_value;
use crate::validate::text_limits as limits;
use crate::xlsx::cells::{CellReader, data_text};
use crate::xlsx::{
    ImportError, SheetData, SheetIssue, WorkbookMeta, check_headers, check_headers_or_before,
    open_workbook, read_sheet,
};
use planwatch_model::{Quarter, TaskStatus};
use std::collections::{BTreeMap, BTreeSet};

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
    read_task_sheet(&tasks, ctx, &mut content, &mut issues);
    read_indicator_sheet(&inds, ctx, &mut content, &mut issues);
    if issues.is_empty() {
        Ok(content)
    } else {
        Err(ImportError::Invalid(issues))
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
    content.filled_by =
        cells.text_at_most(FILLED_BY_CELL.0, FILLED_BY_CELL.1, "填报人", limits::PERSON);
    content.phone = cells.text_at_most(PHONE_CELL.0, PHONE_CELL.1, "联系电话", limits::PERSON);
    if ctx.require_complete && content.filled_by.is_empty() {
        issues.push(SheetIssue::cell(
            name,
            FILLED_BY_CELL.0,
            FILLED_BY_CELL.1,
            "请填写填报人",
        ));
    }

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
        let Some(scope_row) = ctx.scope.row(&key) else {
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
        let mut issues_here = Vec::new();
        let row = read_task_row(sheet, r, scope_row, ctx, &mut issues_here);
        issues.append(&mut issues_here);
        found.insert(key, row);
    }
    for sr in &ctx.scope.rows {
        match found.remove(&sr.key) {
            Some(row) => content.tasks.push(row),
            None => issues.push(SheetIssue::sheet(
                name,
                format!(
                    "缺少“任务{}：{}”的行（行标识 {}）；请勿删除行，可重新生成模板",
                    sr.task.number,
                    sr.task.title,
                    sr.key.encode()
                ),
            )),
        }
    }
}

fn read_task_row(
    sheet: &SheetData,
    r: u32,
    sr: &crate::scope::ScopeRow<'_>,
    ctx: &ReadContext<'_>,
    issues: &mut Vec<SheetIssue>,
) -> TaskRow {
    let name = sheet.name.clone();
    let mut c = CellReader { sheet, issues };
    let mut row = TaskRow {
        key: Some(sr.key.clone()),
        contact: c.text_at_most(r, tcol::CONTACT, "责任领导/联系人", limits::CONTACT),
        progress: c.text_at_most(r, tcol::PROGRESS, "本季度进展情况", limits::DESCRIPTION),
        cumulative: c.text_at_most(r, tcol::CUMULATIVE, "累计完成情况", limits::DESCRIPTION),
        problems: c.text_at_most(r, tcol::PROBLEMS, "存在问题", limits::DESCRIPTION),
        next_steps: c.text_at_most(r, tcol::NEXT, "下一步措施", limits::DESCRIPTION),
        note: c.text_at_most(r, tcol::NOTE, "备注", limits::NOTE),
        ..Default::default()
    };
    let status_text = c.text(r, tcol::STATUS, "状态");
    let share = c
        .number(r, tcol::SHARE, "本年度完成比例", true)
        .ok()
        .flatten();
    let reached = c.date(r, tcol::REACHED, "节点完成日期").ok().flatten();
    let evidence = c.text_at_most(r, tcol::EVIDENCE, "佐证材料", limits::EVIDENCE);
    let mut push = |col: u16, msg: String| issues.push(SheetIssue::cell(&name, r, col, msg));

    if ctx.require_complete && row.progress.is_empty() {
        push(
            tcol::PROGRESS,
            "请填写本季度进展情况（没有进展也请写明原因）".into(),
        );
    }
    if sr.role.owns_status() {
        row.status = match TaskStatus::from_label_zh(&status_text) {
            Some(s) => Some(s),
            None if status_text.is_empty() => {
                if ctx.require_complete {
                    push(tcol::STATUS, "请从下拉列表选择状态".into());
                }
                None
            }
            None => {
                push(
                    tcol::STATUS,
                    format!(
                        "状态“{status_text}”不在可选范围内；可选：已完成、超序时、序时推进、滞后序时、未启动、其他"
                    ),
                );
                None
            }
        };
        if let Some(v) = share
            && !(0.0..=100.0).contains(&v)
        {
            push(
                tcol::SHARE,
                format!(
                    "本年度完成比例应在 0 到 100 之间，填写的是 {}",
                    crate::validate::fmt_num(v)
                ),
            );
        }
        row.share_complete = share;
        match row.status {
            Some(TaskStatus::Done) => match share {
                None => row.share_complete = Some(100.0),
                Some(v) if v < 100.0 => push(
                    tcol::SHARE,
                    format!(
                        "状态为已完成，本年度完成比例应为 100，填写的是 {}",
                        crate::validate::fmt_num(v)
                    ),
                ),
                _ => {}
            },
            Some(TaskStatus::NotStarted) if share.is_some_and(|v| v > 0.0) => {
                push(
                    tcol::SHARE,
                    "状态为未启动，本年度完成比例应为 0 或不填".into(),
                );
            }
            Some(TaskStatus::Behind) => {
                if row.problems.is_empty() {
                    push(tcol::PROBLEMS, "状态为滞后序时，请填写存在问题".into());
                }
                if row.next_steps.is_empty() {
                    push(tcol::NEXT, "状态为滞后序时，请填写下一步措施".into());
                }
            }
            Some(TaskStatus::Other) if row.note.is_empty() => {
                push(tcol::NOTE, "状态为其他，请在备注中说明具体情况".into());
            }
            _ => {}
        }
    } else {
        for (col, text) in [(tcol::STATUS, &status_text)] {
            if !text.is_empty() {
                push(
                    col,
                    format!(
                        "本单位是{}单位，不填写状态，由牵头单位统一填写",
                        sr.role.label_zh()
                    ),
                );
            }
        }
        if share.is_some() {
            push(
                tcol::SHARE,
                format!("本单位是{}单位，不填写本年度完成比例", sr.role.label_zh()),
            );
        }
    }
    match sr.item {
        Some(item) => {
            if let Some(d) = reached {
                let end = quarter_end(ctx.scope.period);
                if d > end {
                    push(
                        tcol::REACHED,
                        format!("节点完成日期 {d} 晚于本季度末 {end}；尚未完成的请不要填写日期"),
                    );
                } else if row.status.is_some() && row.status != Some(TaskStatus::Done) {
                    push(tcol::STATUS, "已填写节点完成日期，状态应为已完成".into());
                }
            } else if row.status == Some(TaskStatus::Done) && item.kind != ItemKind::WorkItem {
                push(
                    tcol::REACHED,
                    format!("{}已完成，请填写实际完成日期", item.kind.label_zh()),
                );
            }
            row.reached_on = reached;
        }
        None => {
            if reached.is_some() {
                push(tcol::REACHED, "只有节点和项目行填写完成日期".into());
            }
        }
    }
    row.evidence = evidence
        .split(['；', ';', '、', ',', '，', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    for e in &row.evidence {
        let ext = e.rsplit_once('.').map(|(_, x)| x.to_ascii_lowercase());
        let ok = ext.as_deref().is_some_and(|x| {
            let x = if x == "jpeg" { "jpg" } else { x };
            ctx.settings.evidence_types.iter().any(|t| t == x)
        });
        if !ok {
            push(
                tcol::EVIDENCE,
                format!(
                    "佐证材料“{e}”的类型不允许；可用：{}（填写文件名，多个用“；”分隔）",
                    ctx.settings.evidence_types.join("、")
                ),
            );
        }
    }
    row
}

fn read_indicator_sheet(
    sheet: &SheetData,
    ctx: &ReadContext<'_>,
    content: &mut ReportContent,
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
        let def = ctx
            .scope
            .indicators
            .iter()
            .find(|d| d.code == code)
            .expect("code checked against the scope above");
        let mut c = CellReader { sheet, issues };
        let value = c.number(r, icol::VALUE, "截至本季度末完成值", def.is_percent());
        let source = c.text_at_most(r, icol::SOURCE, "数据来源", limits::SOURCE);
        let note = c.text_at_most(r, icol::NOTE, "说明", limits::NOTE);
        let value = value.unwrap_or_default();
        if let Some(v) = value {
            let history = ctx.history.get(code).map_or(&[][..], Vec::as_slice);
            for p in check_value(def, ctx.scope.period, v, &note, history) {
                issues.push(SheetIssue::cell(
                    &name,
                    r,
                    icol::VALUE,
                    p.message_zh(def, v),
                ));
            }
            if ctx.require_complete && source.is_empty() {
                issues.push(SheetIssue::cell(
                    &name,
                    r,
                    icol::SOURCE,
                    "请填写数据来源（如：统计公报、部门统计台账）",
                ));
            }
        } else if ctx.require_complete && data_text(sheet.value(r, icol::VALUE)).is_empty() {
            issues.push(SheetIssue::cell(
                &name,
                r,
                icol::VALUE,
                format!("请填写“{}”截至本季度末的完成值", def.name),
            ));
        }
        found.insert(
            code.to_string(),
            IndicatorRow {
                code: code.to_string(),
                value,
                source,
                note,
            },
        );
    }
    for def in &ctx.scope.indicators {
        match found.remove(&def.code) {
            Some(row) => content.indicators.push(row),
            None => issues.push(SheetIssue::sheet(
                &name,
                format!(
                    "缺少指标“{}”的行（行标识 V:{}）；请勿删除行",
                    def.name, def.code
                ),
            )),
        }
    }
}
