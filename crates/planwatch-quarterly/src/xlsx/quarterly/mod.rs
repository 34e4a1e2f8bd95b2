//! The unit's quarterly form as an Excel workbook: two sheets, 重点任务季度进展报送表 and
//! 指标季度报送表 (report-anatomy §2.2), with status drop-downs, locked fixed columns, hidden row
//! identifiers and the previous quarter's values for reference. `write` generates it; `read`
//! (in `read.rs`) reads a filled one back, all-or-nothing.

pub mod locate;
mod read;
#[cfg(test)]
mod tests;

pub use read::{ReadContext, read_quarterly};

use crate::content::{Contribution, ReportContent, TaskRow};
use crate::scope::{ReportScope, RowKey, ScopeRow, TaskRole};
use crate::validate::fmt_num;
use crate::xlsx::WorkbookMeta;
use crate::xlsx::cells::excel_text as x;
use crate::{breakdown::ItemKind, content::IndicatorRow};
use chrono::NaiveDate;
use planwatch_model::{Direction, Quarter, TaskStatus};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Workbook,
    Worksheet, XlsxError,
};
use std::collections::BTreeMap;

pub const TASK_SHEET: &str = "重点任务季度进展报送表";
pub const INDICATOR_SHEET: &str = "指标季度报送表";

/// 0-based row of the column titles; data starts on the next row.
pub(crate) const HEADER_ROW: u32 = 2;
pub(crate) const FIRST_ROW: u32 = 3;

/// Columns of the task sheet (0-based). Column A holds the hidden row identifier.
pub(crate) mod tcol {
    pub const ID: u16 = 0;
    pub const SEQ: u16 = 1;
    pub const FORCE: u16 = 2;
    pub const TASK: u16 = 3;
    pub const PROJECT: u16 = 4;
    pub const NODE: u16 = 5;
    pub const DUE: u16 = 6;
    pub const LEAD: u16 = 7;
    pub const RESP: u16 = 8;
    pub const ROLE: u16 = 9;
    pub const CONTACT: u16 = 10;
    pub const PROGRESS: u16 = 11;
    pub const CUMULATIVE: u16 = 12;
    pub const STATUS: u16 = 13;
    pub const SHARE: u16 = 14;
    pub const REACHED: u16 = 15;
    pub const PROBLEMS: u16 = 16;
    pub const NEXT: u16 = 17;
    pub const EVIDENCE: u16 = 18;
    pub const NOTE: u16 = 19;
    pub const PREV_STATUS: u16 = 20;
    pub const PREV_PROGRESS: u16 = 21;
    pub const CONTRIB: u16 = 22;
}

pub(crate) const TASK_HEADERS: [&str; 23] = [
    "行标识",
    "序号",
    "专班",
    "重点任务（清单）",
    "项目",
    "节点（里程碑）",
    "计划完成时限",
    "牵头单位",
    "责任单位",
    "本单位角色",
    "责任领导/联系人",
    "本季度进展情况",
    "累计完成情况",
    "状态",
    "本年度完成比例（%）",
    "节点完成日期",
    "存在问题",
    "下一步措施",
    "佐证材料",
    "备注",
    "上季度状态（参考）",
    "上季度进展情况（参考）",
    "参加单位报送情况（参考）",
];

/// Columns of the indicator sheet (0-based).
pub(crate) mod icol {
    pub const ID: u16 = 0;
    pub const SEQ: u16 = 1;
    pub const NAME: u16 = 2;
    pub const UNIT: u16 = 3;
    pub const TARGET: u16 = 4;
    pub const TARGET_YEAR: u16 = 5;
    pub const VALUE: u16 = 6;
    pub const RATE: u16 = 7;
    pub const SCHEDULE: u16 = 8;
    pub const GAP: u16 = 9;
    pub const WARN: u16 = 10;
    pub const REPORTER: u16 = 11;
    pub const SOURCE: u16 = 12;
    pub const NOTE: u16 = 13;
    pub const PREV: u16 = 14;
    pub const KIND: u16 = 15;
}

pub(crate) const INDICATOR_HEADERS: [&str; 16] = [
    "行标识",
    "序号",
    "指标名称",
    "单位",
    "年度目标值",
    "目标年份",
    "截至本季度末完成值",
    "完成率",
    "序时进度",
    "差距（百分点）",
    "预警",
    "责任单位",
    "数据来源",
    "说明",
    "上期完成值（参考）",
    "指标类型",
];

/// Headers of earlier templates that are still read, by column: the share column said only
/// 完成比例 but always meant the share of this year's work (序时进度 compares it with q/4).
pub(crate) const TASK_HEADERS_BEFORE: [(u16, &str); 1] = [(tcol::SHARE, "完成比例（%）")];

/// Fixed cells of the task sheet's second row: the reporter's name and phone (inputs).
pub(crate) const FILLED_BY_CELL: (u32, u16) = (1, 7);
pub(crate) const PHONE_CELL: (u32, u16) = (1, 9);
pub(crate) const FILLED_BY_LABEL: (u32, u16) = (1, 6);
pub(crate) const PHONE_LABEL: (u32, u16) = (1, 8);

/// Everything the template shows besides the unit's scope.
#[derive(Debug, Clone, Copy)]
pub struct QuarterlyTemplate<'a> {
    pub scope: &'a ReportScope<'a>,
    /// The plan's title, shown above the form.
    pub plan_title: &'a str,
    /// The plan's code, kept in the identification sheet so that the form goes back to its plan.
    pub plan_code: Option<&'a str>,
    /// The unit's deadline.
    pub deadline: NaiveDate,
    /// Task number → task force (专班); tasks not in the map show an empty cell.
    pub task_forces: &'a BTreeMap<u32, String>,
    /// The unit's report of the previous quarter, for reference.
    pub previous: Option<&'a ReportContent>,
    /// The latest value on record before this period, per indicator code.
    pub previous_values: &'a BTreeMap<String, (Quarter, f64)>,
    /// What co-leads and participants reported, per task the unit leads.
    pub contributions: &'a BTreeMap<u32, Vec<Contribution>>,
    /// Content to pre-fill (a saved draft or a returned report).
    pub prefill: Option<&'a ReportContent>,
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("生成 Excel 模板失败：{0}")]
    Xlsx(#[from] XlsxError),
}

struct Formats {
    title: Format,
    label: Format,
    header: Format,
    fixed: Format,
    fixed_grey: Format,
    input: Format,
    input_number: Format,
    input_date: Format,
    percent: Format,
    number: Format,
}

impl Formats {
    fn new() -> Self {
        let base = Format::new()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter)
            .set_font_size(10);
        let input = base
            .clone()
            .set_unlocked()
            .set_background_color(Color::RGB(0xFFF9E6));
        Self {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            label: Format::new().set_bold().set_font_size(10),
            header: base
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xD9E1F2)),
            fixed: base.clone(),
            fixed_grey: base.clone().set_background_color(Color::RGB(0xEDEDED)),
            input_number: input.clone().set_num_format("0.####"),
            input_date: input.clone().set_num_format("yyyy-mm-dd"),
            input,
            percent: base.clone().set_num_format("0.0%"),
            number: base.set_num_format("0.####"),
        }
    }
}

/// Generates the unit's quarterly workbook.
pub fn write_quarterly(t: &QuarterlyTemplate<'_>) -> Result<Vec<u8>, TemplateError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    // The fastest deflate level: a form is a few kilobytes either way, and the web form and the
    // API check every save by writing one and reading it back.
    wb.set_zip_compression_level(1);
    let demo = t.prefill.is_some_and(|p| p.demo);
    write_task_sheet(wb.add_worksheet(), t, &f, demo)?;
    write_indicator_sheet(wb.add_worksheet(), t, &f, demo)?;
    WorkbookMeta::quarterly(&t.scope.unit, t.scope.period)
        .for_plan(t.plan_code)
        .write(&mut wb)?;
    Ok(wb.save_to_buffer()?)
}

fn title_line(sheet: &str, t: &QuarterlyTemplate<'_>, demo: bool) -> String {
    format!(
        "{}（{}）{}",
        sheet,
        t.scope.period.label_zh(),
        if demo { "【示例数据】" } else { "" }
    )
}

fn write_task_sheet(
    ws: &mut Worksheet,
    t: &QuarterlyTemplate<'_>,
    f: &Formats,
    demo: bool,
) -> Result<(), TemplateError> {
    ws.set_name(TASK_SHEET)?;
    let last_col = u16::try_from(TASK_HEADERS.len() - 1).expect("few columns");
    ws.merge_range(
        0,
        1,
        0,
        last_col,
        &title_line(TASK_SHEET, t, demo),
        &f.title,
    )?;
    ws.write_string_with_format(1, 1, "填报单位", &f.label)?;
    ws.write_string_with_format(1, 2, x(&t.scope.unit), &f.label)?;
    ws.write_string_with_format(
        1,
        3,
        format!("报送期限：{}", t.deadline.format("%Y年%m月%d日")),
        &f.label,
    )?;
    ws.write_string_with_format(1, 4, x(t.plan_title), &f.label)?;
    ws.write_string_with_format(FILLED_BY_LABEL.0, FILLED_BY_LABEL.1, "填报人", &f.label)?;
    ws.write_string_with_format(PHONE_LABEL.0, PHONE_LABEL.1, "联系电话", &f.label)?;
    let (filled_by, phone) = t
        .prefill
        .map_or(("", ""), |p| (p.filled_by.as_str(), p.phone.as_str()));
    ws.write_string_with_format(FILLED_BY_CELL.0, FILLED_BY_CELL.1, x(filled_by), &f.input)?;
    ws.write_string_with_format(PHONE_CELL.0, PHONE_CELL.1, x(phone), &f.input)?;
    for (i, h) in TASK_HEADERS.iter().enumerate() {
        let c = u16::try_from(i).expect("few columns");
        ws.write_string_with_format(HEADER_ROW, c, *h, &f.header)?;
    }
    let widths: [f64; 23] = [
        8.0, 5.0, 10.0, 30.0, 18.0, 18.0, 11.0, 14.0, 12.0, 8.0, 12.0, 36.0, 30.0, 10.0, 8.0, 11.0,
        24.0, 24.0, 16.0, 14.0, 10.0, 28.0, 36.0,
    ];
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(u16::try_from(i).expect("few columns"), *w)?;
    }
    ws.set_column_hidden(tcol::ID)?;
    ws.set_row_height(HEADER_ROW, 30)?;
    ws.set_freeze_panes(FIRST_ROW, tcol::CONTACT)?;

    let status_list = DataValidation::new()
        .allow_list_strings(&TaskStatus::REPORTED.map(TaskStatus::label_zh))?
        .set_error_title("状态不在可选范围内")?
        .set_error_message("请从下拉列表选择：已完成、超序时、序时推进、滞后序时、未启动、其他")?;
    let share_rule = DataValidation::new()
        .allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
        .set_error_title("本年度完成比例应在 0 到 100 之间")?
        .set_error_message("请填写本年度工作已完成的百分比，0 到 100 之间的数字（不带 % 号）")?;
    let date_rule = DataValidation::new()
        .allow_date(DataValidationRule::Between(
            NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid"),
            NaiveDate::from_ymd_opt(2100, 12, 31).expect("valid"),
        ))
        .set_error_title("应为日期")?
        .set_error_message("请填写日期，例如 2023-08-15")?;

    for (i, row) in t.scope.rows.iter().enumerate() {
        let r = FIRST_ROW + u32::try_from(i).expect("rows fit");
        let current = t.prefill.and_then(|p| p.task(&row.key));
        let previous = t.previous.and_then(|p| p.task(&row.key));
        write_task_row(ws, f, t, r, i + 1, row, current, previous)?;
        if row.role.owns_status() {
            ws.add_data_validation(r, tcol::STATUS, r, tcol::STATUS, &status_list)?;
            ws.add_data_validation(r, tcol::SHARE, r, tcol::SHARE, &share_rule)?;
        }
        if row.item.is_some() {
            ws.add_data_validation(r, tcol::REACHED, r, tcol::REACHED, &date_rule)?;
        }
    }
    let note_row = FIRST_ROW + u32::try_from(t.scope.rows.len()).expect("rows fit") + 1;
    ws.write_string(
        note_row,
        1,
        "填写说明：黄色单元格为填写项，其余为固定内容。状态从下拉列表选择；本年度完成比例填本年度工作已完成的百分比（0–100，\
         不是三年计划的累计比例，按季度序时进度一季度末25、二季度末50、三季度末75、年末100对照）；\
         节点完成日期填实际完成日；参加单位只填写本单位配合工作进展，状态由牵头单位统一填写。\
         单位主要负责人审核（签字）后报送。",
    )?;
    ws.protect();
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_task_row(
    ws: &mut Worksheet,
    f: &Formats,
    t: &QuarterlyTemplate<'_>,
    r: u32,
    seq: usize,
    row: &ScopeRow<'_>,
    current: Option<&TaskRow>,
    previous: Option<&TaskRow>,
) -> Result<(), TemplateError> {
    let task = row.task;
    let task_label = format!("任务{}：{}", task.number, task.title);
    let (task_cell, project, node, due, resp, role) = match row.item {
        Some(item) => {
            let task_cell = if item.kind == ItemKind::WorkItem {
                format!("{task_label}\n清单：{}", item.title)
            } else {
                task_label
            };
            (
                task_cell,
                if item.kind == ItemKind::Project {
                    item.title.clone()
                } else {
                    String::new()
                },
                if item.kind == ItemKind::Milestone {
                    item.title.clone()
                } else {
                    String::new()
                },
                item.due.to_string(),
                item.responsible_unit.clone(),
                "责任单位".to_string(),
            )
        }
        None => (
            task_label,
            String::new(),
            String::new(),
            String::new(),
            t.scope.unit.clone(),
            row.role.label_zh().to_string(),
        ),
    };
    ws.write_string_with_format(r, tcol::ID, x(&row.key.encode()), &f.fixed)?;
    ws.write_number_with_format(r, tcol::SEQ, seq as f64, &f.fixed)?;
    let force = t.task_forces.get(&task.number).map_or("", String::as_str);
    ws.write_string_with_format(r, tcol::FORCE, x(force), &f.fixed)?;
    ws.write_string_with_format(r, tcol::TASK, x(&task_cell), &f.fixed)?;
    ws.write_string_with_format(r, tcol::PROJECT, x(&project), &f.fixed)?;
    ws.write_string_with_format(r, tcol::NODE, x(&node), &f.fixed)?;
    ws.write_string_with_format(r, tcol::DUE, due, &f.fixed)?;
    ws.write_string_with_format(r, tcol::LEAD, x(&task.lead_units.join("、")), &f.fixed)?;
    ws.write_string_with_format(r, tcol::RESP, x(&resp), &f.fixed)?;
    ws.write_string_with_format(r, tcol::ROLE, role, &f.fixed)?;

    let c = current.cloned().unwrap_or_default();
    ws.write_string_with_format(r, tcol::CONTACT, x(&c.contact), &f.input)?;
    ws.write_string_with_format(r, tcol::PROGRESS, x(&c.progress), &f.input)?;
    ws.write_string_with_format(r, tcol::CUMULATIVE, x(&c.cumulative), &f.input)?;
    if row.role.owns_status() {
        ws.write_string_with_format(
            r,
            tcol::STATUS,
            c.status.map_or("", TaskStatus::label_zh),
            &f.input,
        )?;
        match c.share_complete {
            Some(v) => ws.write_number_with_format(r, tcol::SHARE, v, &f.input_number)?,
            None => ws.write_blank(r, tcol::SHARE, &f.input_number)?,
        };
    } else {
        ws.write_blank(r, tcol::STATUS, &f.fixed_grey)?;
        ws.write_blank(r, tcol::SHARE, &f.fixed_grey)?;
    }
    if row.item.is_some() {
        match c.reached_on {
            Some(d) => ws.write_date_with_format(r, tcol::REACHED, d, &f.input_date)?,
            None => ws.write_blank(r, tcol::REACHED, &f.input_date)?,
        };
    } else {
        ws.write_blank(r, tcol::REACHED, &f.fixed_grey)?;
    }
    ws.write_string_with_format(r, tcol::PROBLEMS, x(&c.problems), &f.input)?;
    ws.write_string_with_format(r, tcol::NEXT, x(&c.next_steps), &f.input)?;
    ws.write_string_with_format(r, tcol::EVIDENCE, x(&c.evidence.join("；")), &f.input)?;
    ws.write_string_with_format(r, tcol::NOTE, x(&c.note), &f.input)?;

    let prev_status = previous
        .and_then(|p| p.status)
        .map_or("", TaskStatus::label_zh);
    ws.write_string_with_format(r, tcol::PREV_STATUS, prev_status, &f.fixed_grey)?;
    ws.write_string_with_format(
        r,
        tcol::PREV_PROGRESS,
        x(previous.map_or("", |p| p.progress.as_str())),
        &f.fixed_grey,
    )?;
    let contrib = match (&row.key, row.role) {
        (RowKey::Task { task }, TaskRole::Lead) => t
            .contributions
            .get(task)
            .map(|cs| {
                cs.iter()
                    .map(Contribution::summary_zh)
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default(),
        _ => String::new(),
    };
    ws.write_string_with_format(r, tcol::CONTRIB, x(&contrib), &f.fixed_grey)?;
    Ok(())
}

fn write_indicator_sheet(
    ws: &mut Worksheet,
    t: &QuarterlyTemplate<'_>,
    f: &Formats,
    demo: bool,
) -> Result<(), TemplateError> {
    ws.set_name(INDICATOR_SHEET)?;
    let last_col = u16::try_from(INDICATOR_HEADERS.len() - 1).expect("few columns");
    ws.merge_range(
        0,
        1,
        0,
        last_col,
        &title_line(INDICATOR_SHEET, t, demo),
        &f.title,
    )?;
    ws.write_string_with_format(1, 1, "填报单位", &f.label)?;
    ws.write_string_with_format(1, 2, x(&t.scope.unit), &f.label)?;
    ws.write_string_with_format(
        1,
        3,
        "完成值填截至本季度末的数值（累计值填累计数，年内累计值填1月1日至季度末合计），只填数字；与上期相比变动较大的请在“说明”栏写明原因",
        &f.label,
    )?;
    for (i, h) in INDICATOR_HEADERS.iter().enumerate() {
        let c = u16::try_from(i).expect("few columns");
        ws.write_string_with_format(HEADER_ROW, c, *h, &f.header)?;
    }
    let widths: [f64; 16] = [
        8.0, 5.0, 36.0, 7.0, 11.0, 8.0, 14.0, 9.0, 9.0, 10.0, 8.0, 14.0, 20.0, 28.0, 20.0, 16.0,
    ];
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(u16::try_from(i).expect("few columns"), *w)?;
    }
    ws.set_column_hidden(icol::ID)?;
    ws.set_row_height(HEADER_ROW, 30)?;
    ws.set_freeze_panes(FIRST_ROW, icol::UNIT)?;
    let schedule = f64::from(t.scope.period.number()) / 4.0;

    for (i, def) in t.scope.indicators.iter().enumerate() {
        let r = FIRST_ROW + u32::try_from(i).expect("rows fit");
        let excel_row = r + 1;
        let current: Option<&IndicatorRow> = t.prefill.and_then(|p| p.indicator(&def.code));
        ws.write_string_with_format(r, icol::ID, x(&format!("V:{}", def.code)), &f.fixed)?;
        ws.write_number_with_format(r, icol::SEQ, (i + 1) as f64, &f.fixed)?;
        ws.write_string_with_format(r, icol::NAME, x(&def.name), &f.fixed)?;
        ws.write_string_with_format(
            r,
            icol::UNIT,
            x(def.unit.as_deref().unwrap_or("")),
            &f.fixed,
        )?;
        match def.target_for_year(t.scope.period.year()) {
            Some(target) => {
                ws.write_number_with_format(r, icol::TARGET, target.value, &f.number)?;
                ws.write_number_with_format(
                    r,
                    icol::TARGET_YEAR,
                    f64::from(target.year),
                    &f.fixed,
                )?;
            }
            None => {
                ws.write_blank(r, icol::TARGET, &f.fixed)?;
                ws.write_blank(r, icol::TARGET_YEAR, &f.fixed)?;
            }
        }
        match current.and_then(|c| c.value) {
            Some(v) => ws.write_number_with_format(r, icol::VALUE, v, &f.input_number)?,
            None => ws.write_blank(r, icol::VALUE, &f.input_number)?,
        };
        let (g, e) = (format!("G{excel_row}"), format!("E{excel_row}"));
        let rate = match def.direction {
            Direction::HigherIsBetter => {
                format!("=IF(AND(ISNUMBER({g}),ISNUMBER({e}),{e}<>0),{g}/{e},\"\")")
            }
            Direction::LowerIsBetter => {
                format!("=IF(AND(ISNUMBER({g}),ISNUMBER({e}),{g}<>0),{e}/{g},\"\")")
            }
        };
        ws.write_formula_with_format(r, icol::RATE, rate.as_str(), &f.percent)?;
        ws.write_number_with_format(r, icol::SCHEDULE, schedule, &f.percent)?;
        let gap = format!("=IF(ISNUMBER(H{excel_row}),(H{excel_row}-I{excel_row})*100,\"\")");
        ws.write_formula_with_format(r, icol::GAP, gap.as_str(), &f.number)?;
        ws.write_string_with_format(r, icol::WARN, "报送后由系统计算", &f.fixed_grey)?;
        ws.write_string_with_format(r, icol::REPORTER, x(&def.reporter), &f.fixed)?;
        ws.write_string_with_format(
            r,
            icol::SOURCE,
            x(current.map_or("", |c| c.source.as_str())),
            &f.input,
        )?;
        ws.write_string_with_format(
            r,
            icol::NOTE,
            x(current.map_or("", |c| c.note.as_str())),
            &f.input,
        )?;
        let prev = t
            .previous_values
            .get(def.code.as_str())
            .map(|(q, v)| format!("{}（{}）", fmt_num(*v), q.label_zh()))
            .unwrap_or_default();
        ws.write_string_with_format(r, icol::PREV, prev, &f.fixed_grey)?;
        ws.write_string_with_format(
            r,
            icol::KIND,
            format!("{}，{}", def.kind.label_zh(), def.direction.label_zh()),
            &f.fixed_grey,
        )?;
        let rule = match (def.rules.min, def.rules.max) {
            (Some(lo), Some(hi)) => Some(DataValidationRule::Between(lo, hi)),
            (Some(lo), None) => Some(DataValidationRule::GreaterThanOrEqualTo(lo)),
            (None, Some(hi)) => Some(DataValidationRule::LessThanOrEqualTo(hi)),
            (None, None) => None,
        };
        if let Some(rule) = rule {
            let v = DataValidation::new()
                .allow_decimal_number(rule)
                .set_error_title("数值超出允许范围")?
                .set_error_message(range_text(def.rules.min, def.rules.max))?;
            ws.add_data_validation(r, icol::VALUE, r, icol::VALUE, &v)?;
        }
    }
    ws.protect();
    Ok(())
}

fn range_text(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(lo), Some(hi)) => format!("请填写 {} 到 {} 之间的数字", fmt_num(lo), fmt_num(hi)),
        (Some(lo), None) => format!("请填写不小于 {} 的数字", fmt_num(lo)),
        (None, Some(hi)) => format!("请填写不大于 {} 的数字", fmt_num(hi)),
        (None, None) => "请填写数字".into(),
    }
}
