//! The yearly breakdown (清单化、项目化、节点化) as an Excel sheet: one row per work item,
//! project or milestone of the year, with blank rows at the end for the task forces to add
//! items. Read back with the same rules as the quarterly form: located messages, all or nothing,
//! and importing the same file twice changes nothing the second time.

use crate::breakdown::{Breakdown, BreakdownItem, ItemKind, ItemOrigin};
use crate::catalogue::Catalogue;
use crate::settings::ReportingSettings;
use crate::validate::{fmt_num, text_limits, text_too_long};
use crate::xlsx::cells::{CellReader, data_text, excel_text as x};
use crate::xlsx::{
    ImportError, META_SHEET, SheetData, SheetIssue, WorkbookMeta, check_headers, open_workbook,
    read_sheet,
};
use chrono::NaiveDate;
use planwatch_model::{Plan, UnitName};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Formula,
    Workbook, XlsxError,
};
use std::collections::{BTreeMap, BTreeSet};

pub const BREAKDOWN_SHEET: &str = "年度任务分解表";

const HEADER_ROW: u32 = 2;
const FIRST_ROW: u32 = 3;
/// Blank rows offered at the end for new items.
const BLANK_ROWS: u32 = 100;

mod col {
    pub const ID: u16 = 0;
    pub const SEQ: u16 = 1;
    pub const FORCE: u16 = 2;
    pub const TASK_NO: u16 = 3;
    pub const TASK: u16 = 4;
    pub const KIND: u16 = 5;
    pub const TITLE: u16 = 6;
    pub const RESP: u16 = 7;
    pub const DUE: u16 = 8;
    pub const INDICATOR: u16 = 9;
    pub const TARGET: u16 = 10;
    pub const ORIGIN: u16 = 11;
    pub const NOTE: u16 = 12;
    pub const WITHDRAWN: u16 = 13;
}

const HEADERS: [&str; 14] = [
    "行标识",
    "序号",
    "专班",
    "任务编号",
    "重点任务",
    "类型",
    "内容",
    "责任单位",
    "完成时限",
    "关联指标",
    "目标值",
    "来源",
    "备注",
    "作废",
];

/// What the breakdown sheet shows.
#[derive(Debug, Clone, Copy)]
pub struct BreakdownTemplate<'a> {
    pub year: i32,
    pub plan: &'a Plan,
    pub breakdown: &'a Breakdown,
    pub catalogue: &'a Catalogue,
    pub task_forces: &'a BTreeMap<u32, String>,
    /// The units that may be made responsible (offered as a drop-down).
    pub units: &'a [UnitName],
}

/// Generates the breakdown workbook of one year.
pub fn write_breakdown(t: &BreakdownTemplate<'_>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let base = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
        .set_font_size(10);
    let input = base
        .clone()
        .set_unlocked()
        .set_background_color(Color::RGB(0xFFF9E6));
    let input_date = input.clone().set_num_format("yyyy-mm-dd");
    let input_number = input.clone().set_num_format("0.####");
    let header = base
        .clone()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color(Color::RGB(0xD9E1F2));
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);

    let ws = wb.add_worksheet();
    ws.set_name(BREAKDOWN_SHEET)?;
    ws.merge_range(
        0,
        1,
        0,
        col::WITHDRAWN,
        &format!("{}年度任务分解表（清单化、项目化、节点化）", t.year),
        &title,
    )?;
    ws.write_string(
        1,
        1,
        "说明：黄色单元格可修改。类型从下拉列表选择（清单、项目、节点）；完成时限应在本年度内；\
         新增事项请在表末空行填写任务编号、类型、内容、责任单位和完成时限，行标识由系统生成；\
         不再执行的事项在“作废”列选“是”，不要删除行。",
    )?;
    for (i, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, u16::try_from(i).expect("few"), *h, &header)?;
    }
    let widths = [
        12.0, 5.0, 10.0, 8.0, 28.0, 8.0, 40.0, 16.0, 11.0, 20.0, 10.0, 9.0, 20.0, 6.0,
    ];
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(u16::try_from(i).expect("few"), *w)?;
    }
    ws.set_column_hidden(col::ID)?;
    ws.set_freeze_panes(FIRST_ROW, col::KIND)?;

    let mut items: Vec<&BreakdownItem> = t
        .breakdown
        .items
        .iter()
        .filter(|i| i.year == t.year)
        .collect();
    items.sort_by(|a, b| (a.task, &a.id).cmp(&(b.task, &b.id)));
    for (i, item) in items.iter().enumerate() {
        let r = FIRST_ROW + u32::try_from(i).expect("rows fit");
        let task_title = t.plan.task(item.task).map_or("", |x| x.title.as_str());
        ws.write_string_with_format(r, col::ID, x(&item.id), &base)?;
        ws.write_number_with_format(r, col::SEQ, (i + 1) as f64, &base)?;
        let force = t.task_forces.get(&item.task).map_or("", String::as_str);
        ws.write_string_with_format(r, col::FORCE, x(force), &base)?;
        ws.write_number_with_format(r, col::TASK_NO, f64::from(item.task), &base)?;
        ws.write_string_with_format(r, col::TASK, x(task_title), &base)?;
        ws.write_string_with_format(r, col::KIND, item.kind.label_zh(), &input)?;
        ws.write_string_with_format(r, col::TITLE, x(&item.title), &input)?;
        ws.write_string_with_format(r, col::RESP, x(&item.responsible_unit), &input)?;
        ws.write_date_with_format(r, col::DUE, item.due, &input_date)?;
        let ind = item
            .indicator
            .as_deref()
            .and_then(|c| t.catalogue.by_code(c))
            .map_or(String::new(), |d| d.name.clone());
        ws.write_string_with_format(r, col::INDICATOR, x(&ind), &base)?;
        match item.target_value {
            Some(v) => ws.write_number_with_format(r, col::TARGET, v, &input_number)?,
            None => ws.write_blank(r, col::TARGET, &input_number)?,
        };
        ws.write_string_with_format(r, col::ORIGIN, item.origin.label_zh(), &base)?;
        ws.write_string_with_format(r, col::NOTE, x(&item.note), &input)?;
        ws.write_string_with_format(
            r,
            col::WITHDRAWN,
            if item.withdrawn { "是" } else { "" },
            &input,
        )?;
    }
    let first_blank = FIRST_ROW + u32::try_from(items.len()).expect("rows fit");
    let last_row = first_blank + BLANK_ROWS - 1;
    for r in first_blank..=last_row {
        for c in [
            col::TASK_NO,
            col::KIND,
            col::TITLE,
            col::RESP,
            col::NOTE,
            col::WITHDRAWN,
        ] {
            ws.write_blank(r, c, &input)?;
        }
        ws.write_blank(r, col::DUE, &input_date)?;
        ws.write_blank(r, col::TARGET, &input_number)?;
    }
    let kinds = DataValidation::new()
        .allow_list_strings(&ItemKind::ALL.map(ItemKind::label_zh))?
        .set_error_message("请选择：清单、项目、节点")?;
    ws.add_data_validation(FIRST_ROW, col::KIND, last_row, col::KIND, &kinds)?;
    let yes = DataValidation::new().allow_list_strings(&["是", "否"])?;
    ws.add_data_validation(FIRST_ROW, col::WITHDRAWN, last_row, col::WITHDRAWN, &yes)?;
    let (start, end) = year_bounds(t.year);
    let due = DataValidation::new()
        .allow_date(DataValidationRule::Between(start, end))
        .set_error_message(format!("完成时限应在 {start} 到 {end} 之间"))?;
    ws.add_data_validation(FIRST_ROW, col::DUE, last_row, col::DUE, &due)?;
    let tasks = DataValidation::new()
        .allow_whole_number(DataValidationRule::Between(
            1,
            i32::try_from(t.plan.tasks.len()).unwrap_or(i32::MAX),
        ))
        .set_error_message("请填写计划中的任务编号")?;
    ws.add_data_validation(first_blank, col::TASK_NO, last_row, col::TASK_NO, &tasks)?;
    if !t.units.is_empty() {
        let n = t.units.len() + 1;
        let units = DataValidation::new()
            .allow_list_formula(Formula::new(format!("={META_SHEET}!$D$2:$D${n}")))
            .set_error_message("请从下拉列表选择责任单位")?;
        ws.add_data_validation(FIRST_ROW, col::RESP, last_row, col::RESP, &units)?;
    }
    ws.protect();

    WorkbookMeta::breakdown(t.year).write(&mut wb)?;
    let meta = wb.worksheet_from_name(META_SHEET)?;
    meta.write_string(0, 3, "单位列表")?;
    for (i, u) in t.units.iter().enumerate() {
        meta.write_string(u32::try_from(i + 1).expect("few units"), 3, x(u))?;
    }
    wb.save_to_buffer()
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January exists"),
        NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December exists"),
    )
}

/// What a breakdown workbook is checked against.
#[derive(Debug, Clone, Copy)]
pub struct BreakdownContext<'a> {
    pub year: i32,
    pub plan: &'a Plan,
    pub breakdown: &'a Breakdown,
    /// Units that may be responsible.
    pub units: &'a BTreeSet<UnitName>,
    pub settings: &'a ReportingSettings,
}

/// The changes a breakdown workbook makes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BreakdownImport {
    /// Existing items whose content changed (new content).
    pub updated: Vec<BreakdownItem>,
    /// New items, with ids assigned.
    pub added: Vec<BreakdownItem>,
    pub unchanged: usize,
}

impl BreakdownImport {
    pub fn is_empty(&self) -> bool {
        self.updated.is_empty() && self.added.is_empty()
    }

    /// Applies the changes to `b`.
    pub fn apply(&self, b: &mut Breakdown) {
        for u in &self.updated {
            if let Some(x) = b.items.iter_mut().find(|i| i.id == u.id) {
                *x = u.clone();
            }
        }
        b.items.extend(self.added.iter().cloned());
    }
}

/// Reads a filled breakdown workbook.
pub fn read_breakdown(
    bytes: &[u8],
    ctx: &BreakdownContext<'_>,
) -> Result<BreakdownImport, ImportError> {
    let mut wb = open_workbook(bytes, ctx.settings)?;
    let meta = WorkbookMeta::read(&mut wb, ctx.settings)?;
    if meta.form != "breakdown" {
        return Err(ImportError::Invalid(vec![SheetIssue::sheet(
            META_SHEET,
            "这是季度报送表，不是年度任务分解表；请用 planwatch submit 提交",
        )]));
    }
    if meta.period != ctx.year.to_string() {
        return Err(ImportError::Invalid(vec![SheetIssue::sheet(
            META_SHEET,
            format!(
                "该表是{}年度的任务分解表，不是{}年度的",
                meta.period, ctx.year
            ),
        )]));
    }
    let sheet = read_sheet(&mut wb, BREAKDOWN_SHEET, ctx.settings)
        .map_err(|i| ImportError::Invalid(vec![i]))?;
    let mut issues = Vec::new();
    check_headers(&sheet, HEADER_ROW, &HEADERS, &mut issues);
    if !issues.is_empty() {
        return Err(ImportError::Invalid(issues));
    }
    let mut out = BreakdownImport::default();
    let mut seen_ids = BTreeSet::new();
    let mut working = ctx.breakdown.clone();
    let last = sheet.last_row().unwrap_or(0);
    for r in FIRST_ROW..=last {
        let id = data_text(sheet.value(r, col::ID));
        let inputs = [
            col::TASK_NO,
            col::KIND,
            col::TITLE,
            col::RESP,
            col::DUE,
            col::TARGET,
            col::NOTE,
            col::WITHDRAWN,
        ];
        if id.is_empty()
            && inputs
                .iter()
                .all(|c| data_text(sheet.value(r, *c)).is_empty())
        {
            continue;
        }
        let existing = if id.is_empty() {
            None
        } else {
            match ctx.breakdown.get(&id).filter(|i| i.year == ctx.year) {
                Some(i) if seen_ids.insert(id.clone()) => Some(i),
                Some(_) => {
                    issues.push(SheetIssue::row(
                        &sheet.name,
                        r,
                        format!("事项 {id} 重复出现；请删除重复的行"),
                    ));
                    continue;
                }
                None => {
                    issues.push(SheetIssue::cell(
                        &sheet.name,
                        r,
                        col::ID,
                        format!("行标识“{id}”不是{}年度的事项；请勿修改隐藏的 A 列，新增事项请在表末空行填写", ctx.year),
                    ));
                    continue;
                }
            }
        };
        let mut row_issues = Vec::new();
        let item = read_row(&sheet, r, existing, ctx, &mut row_issues);
        let ok = row_issues.is_empty();
        issues.append(&mut row_issues);
        let Some(item) = item.filter(|_| ok) else {
            continue;
        };
        match existing {
            Some(old) if *old == item => out.unchanged += 1,
            Some(_) => out.updated.push(item),
            None => {
                // A new row that repeats an item already there (the same file imported again,
                // or a row copied) is that item, not a second one.
                let same = working.items.iter().find(|i| {
                    i.year == item.year
                        && i.task == item.task
                        && i.kind == item.kind
                        && i.title == item.title
                });
                match same {
                    Some(s) if out.added.iter().any(|a| a.id == s.id) => {
                        issues.push(SheetIssue::row(
                            &sheet.name,
                            r,
                            "与本表中前面新增的事项重复；请删除重复的行",
                        ));
                    }
                    Some(s) => {
                        let merged = BreakdownItem {
                            id: s.id.clone(),
                            origin: s.origin,
                            indicator: s.indicator.clone(),
                            ..item
                        };
                        if seen_ids.insert(s.id.clone()) {
                            if merged == *s {
                                out.unchanged += 1;
                            } else {
                                out.updated.push(merged);
                            }
                        }
                    }
                    None => {
                        let id = working.next_id(item.year, item.task, item.kind);
                        let new = BreakdownItem { id, ..item };
                        working.items.push(new.clone());
                        out.added.push(new);
                    }
                }
            }
        }
    }
    if issues.is_empty() {
        Ok(out)
    } else {
        Err(ImportError::Invalid(issues))
    }
}

fn read_row(
    sheet: &SheetData,
    r: u32,
    existing: Option<&BreakdownItem>,
    ctx: &BreakdownContext<'_>,
    issues: &mut Vec<SheetIssue>,
) -> Option<BreakdownItem> {
    let name = sheet.name.clone();
    let mut c = CellReader { sheet, issues };
    let task_no = c.number(r, col::TASK_NO, "任务编号", false);
    let kind_text = c.text(r, col::KIND, "类型");
    let title = c.text(r, col::TITLE, "内容");
    let resp = c.text(r, col::RESP, "责任单位");
    let due = c.date(r, col::DUE, "完成时限");
    let target = c.number(r, col::TARGET, "目标值", false).ok().flatten();
    let note = c.text(r, col::NOTE, "备注");
    let withdrawn_text = c.text(r, col::WITHDRAWN, "作废");
    let mut push = |col: u16, msg: String| issues.push(SheetIssue::cell(&name, r, col, msg));

    let task = match (existing, task_no) {
        (_, Err(_)) => None,
        (Some(e), Ok(Some(n))) if n == f64::from(e.task) => Some(e.task),
        (Some(e), Ok(_)) => {
            push(
                col::TASK_NO,
                format!("已有事项的任务编号不能修改（应为 {}）", e.task),
            );
            None
        }
        (None, Ok(None)) => {
            push(col::TASK_NO, "请填写任务编号".into());
            None
        }
        (None, Ok(Some(n))) => {
            let t = (n.fract() == 0.0 && n >= 1.0)
                .then_some(n as u32)
                .filter(|t| ctx.plan.task(*t).is_some());
            if t.is_none() {
                push(
                    col::TASK_NO,
                    format!(
                        "任务编号 {} 在计划中不存在（共 {} 项任务）",
                        fmt_num(n),
                        ctx.plan.tasks.len()
                    ),
                );
            }
            t
        }
    };
    let kind = ItemKind::from_label_zh(&kind_text);
    if kind.is_none() {
        push(
            col::KIND,
            if kind_text.is_empty() {
                "请选择类型：清单、项目、节点".to_string()
            } else {
                format!("类型“{kind_text}”不在可选范围内；可选：清单、项目、节点")
            },
        );
    }
    if title.is_empty() {
        push(col::TITLE, "请填写内容".into());
    }
    for (c, what, text, max, before) in [
        (
            col::TITLE,
            "内容",
            &title,
            text_limits::ITEM_TITLE,
            existing.map(|e| e.title.as_str()),
        ),
        (
            col::NOTE,
            "备注",
            &note,
            text_limits::NOTE,
            existing.map(|e| e.note.as_str()),
        ),
    ] {
        if before != Some(text.as_str())
            && let Some(msg) = text_too_long(what, text, max)
        {
            push(c, msg);
        }
    }
    if resp.is_empty() {
        push(col::RESP, "请填写责任单位".into());
    } else if !ctx.units.contains(resp.as_str()) {
        push(
            col::RESP,
            format!("责任单位“{resp}”不在单位名单中；请从下拉列表选择"),
        );
    }
    let (start, end) = year_bounds(ctx.year);
    let due = match due {
        Ok(None) => {
            push(col::DUE, "请填写完成时限".into());
            None
        }
        Ok(Some(d)) if d < start || d > end => {
            push(
                col::DUE,
                format!("完成时限 {d} 不在{}年度内（{start} 至 {end}）", ctx.year),
            );
            None
        }
        Ok(Some(d)) => Some(d),
        Err(_) => None,
    };
    let withdrawn = match withdrawn_text.as_str() {
        "是" => true,
        "" | "否" => false,
        other => {
            push(
                col::WITHDRAWN,
                format!("“作废”只能填“是”或“否”，填写的是“{other}”"),
            );
            false
        }
    };
    Some(BreakdownItem {
        id: existing.map(|e| e.id.clone()).unwrap_or_default(),
        year: ctx.year,
        task: task?,
        kind: kind?,
        title,
        responsible_unit: resp.into(),
        due: due?,
        indicator: existing.and_then(|e| e.indicator.clone()),
        target_value: target,
        origin: existing.map_or(ItemOrigin::Added, |e| e.origin),
        note,
        withdrawn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::tests::{yangquan_catalogue, yangquan_plan};
    use crate::xlsx::edit::{CellValue, SheetCopy, copy_with};

    struct Fixture {
        plan: Plan,
        catalogue: Catalogue,
        breakdown: Breakdown,
        units: BTreeSet<UnitName>,
        settings: ReportingSettings,
    }

    fn fixture() -> Fixture {
        let plan = yangquan_plan();
        let catalogue = yangquan_catalogue();
        let breakdown = Breakdown::seed(&plan, &catalogue);
        let mut units: BTreeSet<UnitName> = plan.units.iter().map(UnitName::from).collect();
        units.insert("市人社局".into());
        Fixture {
            plan,
            catalogue,
            breakdown,
            units,
            settings: ReportingSettings::default(),
        }
    }

    impl Fixture {
        fn template(&self, year: i32) -> Vec<u8> {
            let units: Vec<UnitName> = self.units.iter().cloned().collect();
            write_breakdown(&BreakdownTemplate {
                year,
                plan: &self.plan,
                breakdown: &self.breakdown,
                catalogue: &self.catalogue,
                task_forces: &BTreeMap::new(),
                units: &units,
            })
            .expect("template")
        }

        fn read(&self, bytes: &[u8], year: i32) -> Result<BreakdownImport, ImportError> {
            read_breakdown(
                bytes,
                &BreakdownContext {
                    year,
                    plan: &self.plan,
                    breakdown: &self.breakdown,
                    units: &self.units,
                    settings: &self.settings,
                },
            )
        }
    }

    fn row(s: &SheetCopy, id: &str) -> u32 {
        s.find_row(col::ID, id).expect("row")
    }

    /// The first blank row after the items.
    fn blank_row(s: &SheetCopy) -> u32 {
        s.cells
            .keys()
            .filter(|(_, c)| *c == col::ID)
            .map(|(r, _)| *r)
            .max()
            .expect("rows")
            + 1
    }

    #[test]
    fn an_untouched_breakdown_imports_as_no_change() {
        let f = fixture();
        let imp = f.read(&f.template(2023), 2023).expect("valid");
        assert!(imp.is_empty(), "{imp:?}");
        assert_eq!(imp.unchanged, f.breakdown.for_year(2023).count());
    }

    #[test]
    fn edits_and_new_rows_are_imported_once_and_a_second_import_changes_nothing() {
        let mut f = fixture();
        let bytes = copy_with(&f.template(2023), |s| {
            if s.name != BREAKDOWN_SHEET {
                return;
            }
            let r = row(s, "2023-T02-P01");
            s.cells.insert(
                (r, col::DUE),
                CellValue::Date(NaiveDate::from_ymd_opt(2023, 9, 30).expect("d")),
            );
            s.cells
                .insert((r, col::NOTE), CellValue::Text("已列入省重点工程".into()));
            let b = blank_row(s);
            s.cells.insert((b, col::TASK_NO), CellValue::Number(13.0));
            s.cells
                .insert((b, col::KIND), CellValue::Text("项目".into()));
            s.cells.insert(
                (b, col::TITLE),
                CellValue::Text("智创城NO.7二期孵化楼改造".into()),
            );
            s.cells
                .insert((b, col::RESP), CellValue::Text("市科技局".into()));
            s.cells
                .insert((b, col::DUE), CellValue::Text("2023-11-30".into()));
        })
        .expect("fill");
        let imp = f.read(&bytes, 2023).expect("valid");
        assert_eq!(imp.updated.len(), 1);
        assert_eq!(imp.updated[0].note, "已列入省重点工程");
        assert_eq!(imp.added.len(), 1);
        assert_eq!(imp.added[0].id, "2023-T13-P01");
        assert_eq!(imp.added[0].origin, ItemOrigin::Added);
        imp.apply(&mut f.breakdown);
        let again = f.read(&bytes, 2023).expect("valid");
        assert!(again.is_empty(), "{again:?}");
    }

    #[test]
    fn every_bad_cell_is_reported_with_its_place() {
        let f = fixture();
        let bytes = copy_with(&f.template(2023), |s| {
            if s.name != BREAKDOWN_SHEET {
                return;
            }
            let r = row(s, "2023-T02-P01");
            s.cells
                .insert((r, col::KIND), CellValue::Text("任务".into()));
            s.cells.insert(
                (r, col::DUE),
                CellValue::Date(NaiveDate::from_ymd_opt(2024, 3, 1).expect("d")),
            );
            s.cells.insert((r, col::TASK_NO), CellValue::Number(3.0));
            s.cells
                .insert((r, col::WITHDRAWN), CellValue::Text("x".into()));
            let b = blank_row(s);
            s.cells
                .insert((b, col::TITLE), CellValue::Text("新增事项".into()));
            s.cells
                .insert((b, col::RESP), CellValue::Text("市宇宙局".into()));
            s.cells
                .insert((b, col::DUE), CellValue::Text("明年".into()));
        })
        .expect("fill");
        let e = f.read(&bytes, 2023).expect_err("invalid");
        let msgs: Vec<String> = e.issues().iter().map(|i| i.to_string()).collect();
        let want = [
            "类型“任务”不在可选范围内",
            "完成时限 2024-03-01 不在2023年度内",
            "已有事项的任务编号不能修改（应为 2）",
            "“作废”只能填“是”或“否”",
            "请填写任务编号",
            "请选择类型",
            "责任单位“市宇宙局”不在单位名单中",
            "“完成时限”应为日期（如 2023-08-15），实际为“明年”",
        ];
        assert_eq!(msgs.len(), want.len(), "{msgs:#?}");
        for w in want {
            assert!(msgs.iter().any(|m| m.contains(w)), "{w} not in {msgs:#?}");
        }
        assert!(
            msgs.iter()
                .all(|m| m.starts_with("工作表“年度任务分解表” 第"))
        );
    }

    #[test]
    fn a_breakdown_of_another_year_is_refused() {
        let f = fixture();
        let e = f.read(&f.template(2022), 2023).expect_err("wrong year");
        assert!(e.to_string().contains("该表是2022年度的任务分解表"), "{e}");
    }
}
