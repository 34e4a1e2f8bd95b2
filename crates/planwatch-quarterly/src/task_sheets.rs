//! Task tables an office keeps in a spreadsheet (任务分解表 / 任务清单), read into plain grids
//! of text ([`Sheet`]) for `planwatch_plantext::extract_sheets`. Untrusted input, each format
//! checked before anything is built from it:
//!
//! - `.xlsx`: the workbook guard (`xlsx::guard::check`: every zip entry read with a cap, every
//!   XML part scanned for far cells, huge counts, deep nesting, merged ranges out of bounds)
//!   before calamine opens the checked copy;
//! - `.ods`: read here, not by calamine: `content.xml` taken from the zip with the guard's capped
//!   reader, then streamed (no tree) with the same limits — nesting, rows, columns, sheets,
//!   merged ranges, copied text — and repeated rows and columns (LibreOffice writes a million
//!   empty ones) never materialised unless they hold text, within the limits;
//! - `.csv` (UTF-8 with or without BOM, UTF-16 with BOM, GB18030): parsed here with the same
//!   row and column limits;
//! - `.xls` (BIFF in a compound file) and `.et`: refused with a message to save as .xlsx, since
//!   calamine sizes its cell buffer from the sheet dimensions the file declares (rows × columns,
//!   unchecked) before reading a cell; see decision 0055.

use crate::settings::ReportingSettings;
use crate::xlsx::ImportError;
use crate::xlsx::guard::{
    self, MAX_COLUMNS, MAX_DEPTH, MAX_ENTRIES, MAX_PART_BYTES, MAX_ROWS, column_name,
};
use calamine::{Data, Reader, SheetVisible, Xlsx};
use planwatch_model::{Merge, Sheet};
use quick_xml::Reader as XmlReader;
use quick_xml::events::{BytesStart, Event};
use std::io::Cursor;

/// The largest task-table file read (a 1 000-row table with long task texts is about 1 MiB).
pub const MAX_SHEETS_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Sheets read from one file.
pub const MAX_TASK_SHEETS: usize = guard::MAX_SHEETS;
/// Non-empty cells over all sheets (a 1 000-row table with 10 columns has 10 000).
pub const MAX_CELLS: u64 = 500_000;
/// Text of all cells, repeated ones counted each time.
pub const MAX_TEXT_BYTES: u64 = guard::MAX_COPIED_TEXT_BYTES;

/// Why a task-table file was not read. Every message is in Chinese and says where and what.
#[derive(Debug, thiserror::Error)]
pub enum SheetsError {
    #[error("文件为空")]
    Empty,
    #[error("文件过大：{size} 字节，上限为 {max} 字节；请删除多余的工作表、图片或空行后再试")]
    TooLarge { size: u64, max: u64 },
    #[error(
        "这是旧版 Excel 97-2003（.xls）或 WPS（.et）的二进制表格文件，本系统不读取这种格式；请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再提交"
    )]
    LegacyXls,
    #[error("无法读取“{file}”：{what}；任务表请提交 .xlsx、.ods 或 .csv 文件")]
    Unsupported { file: String, what: String },
    /// The workbook guard refused the .xlsx (or calamine could not open the checked copy). The
    /// guard's advice is for the system's own forms; an office's task table gets its own.
    #[error("{}", task_table_advice(.0))]
    Workbook(#[from] ImportError),
    /// Beyond the limits, or built to make a reader allocate without bound.
    #[error("文件超出允许范围，不予读取——{place}：{message}")]
    Unsafe { place: String, message: String },
    #[error("无法读取该文件（文件可能已损坏）——{place}：{message}")]
    Corrupt { place: String, message: String },
}

fn unsafe_at(place: impl Into<String>, message: impl Into<String>) -> SheetsError {
    SheetsError::Unsafe {
        place: place.into(),
        message: message.into(),
    }
}

fn corrupt_at(place: impl Into<String>, message: impl Into<String>) -> SheetsError {
    SheetsError::Corrupt {
        place: place.into(),
        message: message.into(),
    }
}

/// The guard's message with the advice an office's own task table needs: it was not made from
/// the system's template, so "use the template" would send the office nowhere.
fn task_table_advice(e: &ImportError) -> String {
    e.to_string()
        .replace(
            "请使用系统生成的模板，不要改动工作表名称",
            "请在 Excel 或 WPS 中打开并另存为 .xlsx 后再试",
        )
        .replace(
            "请使用系统生成的模板",
            "请在 Excel 或 WPS 中打开并另存为 .xlsx 后再试",
        )
}

/// At most 40 characters of untrusted text, for a message.
fn shown(s: &str) -> String {
    const N: usize = 40;
    if s.chars().count() > N {
        format!("{}…", s.chars().take(N).collect::<String>())
    } else {
        s.to_string()
    }
}

/// `工作表“表1” 第 3 行 第 2 列（B3）` for 0-based row and column.
fn cell_place(sheet: &str, row: u64, col: u64) -> String {
    let (r, c) = (row.saturating_add(1), col.saturating_add(1));
    if c <= 16_384 {
        format!(
            "工作表“{}” 第 {r} 行 第 {c} 列（{}{r}）",
            shown(sheet),
            column_name(c)
        )
    } else {
        format!("工作表“{}” 第 {r} 行 第 {c} 列", shown(sheet))
    }
}

fn beyond_limits() -> String {
    format!(
        "超出任务表的范围（最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列，即 A 至 {} 列）；请删除该处的内容和格式后再提交",
        column_name(MAX_COLUMNS)
    )
}

/// Counts cells and text against the limits over the whole file.
#[derive(Default)]
struct Budget {
    cells: u64,
    text: u64,
}

impl Budget {
    fn take(
        &mut self,
        place: impl FnOnce() -> String,
        cells: u64,
        text: u64,
    ) -> Result<(), SheetsError> {
        self.cells = self.cells.saturating_add(cells);
        self.text = self.text.saturating_add(text.saturating_mul(cells));
        if self.cells > MAX_CELLS {
            return Err(unsafe_at(
                place(),
                format!("有内容的单元格超过 {MAX_CELLS} 个，不予读取"),
            ));
        }
        if self.text > MAX_TEXT_BYTES {
            return Err(unsafe_at(
                place(),
                format!(
                    "单元格文本（重复的单元格每次都计）超过 {} MiB，不予读取",
                    MAX_TEXT_BYTES / (1024 * 1024)
                ),
            ));
        }
        Ok(())
    }
}

/// Reads the sheets of a task-table file: `.xlsx`, `.ods` or `.csv` (by content; `file_name`
/// names a CSV's sheet and feeds the messages). Hidden sheets of a workbook are left out. A
/// cell's text is what it shows (numbers without a needless `.0`, dates as 2024年12月31日);
/// merged ranges are given with the value in their top-left cell.
pub fn read_sheets(bytes: &[u8], file_name: &str) -> Result<Vec<Sheet>, SheetsError> {
    let size = bytes.len() as u64;
    if size == 0 {
        return Err(SheetsError::Empty);
    }
    if size > MAX_SHEETS_FILE_BYTES {
        return Err(SheetsError::TooLarge {
            size,
            max: MAX_SHEETS_FILE_BYTES,
        });
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(SheetsError::LegacyXls);
    }
    let file = shown(file_name);
    if bytes.starts_with(b"PK\x03\x04") {
        let zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| corrupt_at("压缩包", format!("zip 结构错误：{e}")))?;
        let has = |n: &str| zip.file_names().any(|f| f == n);
        if has("xl/workbook.xml") {
            return read_xlsx(bytes);
        }
        if has("content.xml") {
            return read_ods(bytes);
        }
        return Err(SheetsError::Unsupported {
            file,
            what: "是 zip 压缩文件，但既不是 Excel 工作簿（.xlsx）也不是 ODS 表格（可能是 Word 文档或其他压缩包）".into(),
        });
    }
    if bytes.starts_with(b"%PDF") {
        return Err(SheetsError::Unsupported {
            file,
            what: "这是 PDF 文件".into(),
        });
    }
    let lower = file_name.to_lowercase();
    for ext in [".xlsx", ".xlsm", ".ods", ".xls", ".et"] {
        if lower.ends_with(ext) {
            return Err(SheetsError::Unsupported {
                file,
                what: format!(
                    "扩展名为 {ext}，但文件内容不是这种表格（文件可能已损坏或改了扩展名）"
                ),
            });
        }
    }
    read_csv(bytes, file_name)
}

// ---------------------------------------------------------------------------------------------
// .xlsx

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Sheet>, SheetsError> {
    let settings = ReportingSettings {
        max_workbook_bytes: MAX_SHEETS_FILE_BYTES,
        ..ReportingSettings::default()
    };
    let checked = guard::check(bytes, &settings)?;
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(checked))
        .map_err(|e: calamine::XlsxError| ImportError::Corrupt(e.to_string()))?;
    let metas: Vec<(String, bool)> = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect();
    let mut budget = Budget::default();
    let mut out = Vec::new();
    for (i, (name, visible)) in metas.into_iter().enumerate() {
        if !visible {
            continue;
        }
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| corrupt_at(format!("工作表“{}”", shown(&name)), e.to_string()))?;
        let mut rows: Vec<Vec<String>> = Vec::new();
        if let (Some((r0, c0)), Some(_)) = (range.start(), range.end()) {
            for (r, c, d) in range.used_cells() {
                let (row, col) = (r0 as usize + r, c0 as usize + c);
                let text = cell_text(d);
                if text.is_empty() {
                    continue;
                }
                budget.take(
                    || cell_place(&name, row as u64, col as u64),
                    1,
                    text.len() as u64,
                )?;
                if rows.len() <= row {
                    rows.resize_with(row + 1, Vec::new);
                }
                let line = &mut rows[row];
                if line.len() <= col {
                    line.resize_with(col + 1, String::new);
                }
                line[col] = text;
            }
        }
        drop(range);
        let merges = match wb.merge_cells_by_sheet_id(i) {
            Ok(ms) => ms
                .into_iter()
                .filter(|m| m.start.0 <= m.end.0 && m.start.1 <= m.end.1)
                .map(|m| Merge {
                    first_row: m.start.0,
                    first_column: m.start.1,
                    last_row: m.end.0,
                    last_column: m.end.1,
                })
                .collect(),
            Err(e) => {
                return Err(corrupt_at(
                    format!("工作表“{}”的合并单元格", shown(&name)),
                    e.to_string(),
                ));
            }
        };
        out.push(Sheet { name, rows, merges });
    }
    Ok(out)
}

/// A cell's value as the sheet shows it.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => number_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) => t.format("%Y年%m月%d日").to_string(),
            None => number_text(dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

// ---------------------------------------------------------------------------------------------
// .ods

/// The repeat or span count of an ODS attribute (1 when absent), saturating.
fn count_attr(e: &BytesStart<'_>, key: &[u8]) -> Result<Option<u64>, String> {
    for a in e.attributes().with_checks(false).flatten() {
        if a.key.local_name().as_ref() == key {
            let v = a.value.as_ref();
            if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
                return Err(format!(
                    "属性 {}=\"{}\" 不是正整数",
                    String::from_utf8_lossy(key),
                    shown(&String::from_utf8_lossy(v))
                ));
            }
            let n = v.iter().fold(0u64, |acc, c| {
                acc.saturating_mul(10).saturating_add(u64::from(c - b'0'))
            });
            return Ok(Some(n.max(1)));
        }
    }
    Ok(None)
}

fn str_attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// The ODS cell being read.
#[derive(Default)]
struct OdsCell {
    text: String,
    paragraphs: u32,
    repeat: u64,
    span: Option<(u64, u64)>,
    value: Option<String>,
}

/// The ODS sheet being read.
struct OdsSheet {
    name: String,
    rows: Vec<Vec<String>>,
    merges: Vec<Merge>,
    row: u64,
    col: u64,
    /// The current row's cells (materialised when the row holds text).
    line: Vec<String>,
    row_repeat: u64,
}

fn read_ods(bytes: &[u8]) -> Result<Vec<Sheet>, SheetsError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| corrupt_at("压缩包", format!("zip 结构错误：{e}")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(unsafe_at(
            "压缩包",
            format!("含有 {} 个部件，上限 {MAX_ENTRIES} 个", zip.len()),
        ));
    }
    let Some(i) = zip.index_for_name("content.xml") else {
        return Err(corrupt_at("压缩包", "缺少 content.xml"));
    };
    let data = match guard::read_entry(&mut zip, i, MAX_PART_BYTES) {
        Ok(Some((_, data))) => data,
        Ok(None) => return Err(corrupt_at("content.xml", "是目录而不是文件")),
        Err(Some(e)) => return Err(e.into()),
        Err(None) => {
            return Err(unsafe_at(
                "content.xml",
                format!(
                    "解压后超过 {} MiB 的上限；文件可能是“压缩炸弹”，不予读取",
                    MAX_PART_BYTES / (1024 * 1024)
                ),
            ));
        }
    };
    parse_ods_content(&data)
}

/// Streams an ODS `content.xml` into sheets, within the limits.
fn parse_ods_content(data: &[u8]) -> Result<Vec<Sheet>, SheetsError> {
    const PART: &str = "content.xml";
    let mut r = XmlReader::from_reader(data);
    {
        let c = r.config_mut();
        c.expand_empty_elements = true;
        c.check_end_names = false;
        c.trim_text(false);
    }
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut out: Vec<Sheet> = Vec::new();
    let mut sheet: Option<OdsSheet> = None;
    let mut cell: Option<OdsCell> = None;
    // Depth of an annotation (a comment) inside a cell, whose text is not the cell's.
    let mut skip_depth: Option<usize> = None;
    let mut budget = Budget::default();
    let mut merges_total = 0u64;
    loop {
        buf.clear();
        let ev = r.read_event_into(&mut buf).map_err(|e| {
            corrupt_at(
                PART,
                format!("不是格式正确的 XML（位置 {}）：{e}", r.buffer_position()),
            )
        })?;
        match ev {
            Event::Eof => break,
            Event::DocType(_) => {
                return Err(unsafe_at(
                    PART,
                    "含有文档类型声明（DOCTYPE），表格文件中不会出现（可用来构造实体炸弹），不予读取",
                ));
            }
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(unsafe_at(
                        PART,
                        format!("XML 元素嵌套超过 {MAX_DEPTH} 层，不予读取"),
                    ));
                }
                if skip_depth.is_some() {
                    continue;
                }
                let name = e.local_name();
                let name = name.as_ref();
                let place = |s: &Option<OdsSheet>| match s {
                    Some(s) => cell_place(&s.name, s.row, s.col),
                    None => PART.to_string(),
                };
                match name {
                    b"table" => {
                        if sheet.is_some() {
                            return Err(unsafe_at(place(&sheet), "单元格中嵌套了表格，不予读取"));
                        }
                        if out.len() >= MAX_TASK_SHEETS {
                            return Err(unsafe_at(
                                PART,
                                format!("工作表超过 {MAX_TASK_SHEETS} 个，不予读取"),
                            ));
                        }
                        let name = str_attr(&e, b"name")
                            .unwrap_or_else(|| format!("工作表{}", out.len() + 1));
                        sheet = Some(OdsSheet {
                            name,
                            rows: Vec::new(),
                            merges: Vec::new(),
                            row: 0,
                            col: 0,
                            line: Vec::new(),
                            row_repeat: 1,
                        });
                    }
                    b"table-row" => {
                        if cell.is_some() {
                            return Err(unsafe_at(place(&sheet), "行嵌套在单元格中，不予读取"));
                        }
                        let repeat = count_attr(&e, b"number-rows-repeated")
                            .map_err(|m| unsafe_at(place(&sheet), m))?
                            .unwrap_or(1);
                        if let Some(s) = sheet.as_mut() {
                            s.col = 0;
                            s.line.clear();
                            s.row_repeat = repeat;
                        }
                    }
                    b"table-cell" | b"covered-table-cell" => {
                        if cell.is_some() {
                            return Err(unsafe_at(place(&sheet), "单元格嵌套在单元格中，不予读取"));
                        }
                        let repeat = count_attr(&e, b"number-columns-repeated")
                            .map_err(|m| unsafe_at(place(&sheet), m))?
                            .unwrap_or(1);
                        let cols = count_attr(&e, b"number-columns-spanned")
                            .map_err(|m| unsafe_at(place(&sheet), m))?;
                        let rows = count_attr(&e, b"number-rows-spanned")
                            .map_err(|m| unsafe_at(place(&sheet), m))?;
                        let span = match (cols, rows) {
                            (None, None) => None,
                            (c, r) => Some((r.unwrap_or(1), c.unwrap_or(1))),
                        };
                        let value = ["value", "date-value", "boolean-value", "time-value"]
                            .iter()
                            .find_map(|k| str_attr(&e, k.as_bytes()));
                        cell = Some(OdsCell {
                            repeat,
                            span: span.filter(|&(r, c)| r > 1 || c > 1),
                            value: value.map(|v| shown(&v)),
                            ..OdsCell::default()
                        });
                    }
                    b"annotation" => skip_depth = Some(depth),
                    b"p" | b"h" => {
                        if let Some(c) = cell.as_mut() {
                            if c.paragraphs > 0 {
                                c.text.push('\n');
                            }
                            c.paragraphs += 1;
                        }
                    }
                    b"s" => {
                        if let Some(c) = cell.as_mut() {
                            let n = count_attr(&e, b"c")
                                .map_err(|m| unsafe_at(place(&sheet), m))?
                                .unwrap_or(1)
                                .min(64);
                            c.text.extend(std::iter::repeat_n(' ', n as usize));
                        }
                    }
                    b"tab" => {
                        if let Some(c) = cell.as_mut() {
                            c.text.push('\t');
                        }
                    }
                    b"line-break" => {
                        if let Some(c) = cell.as_mut() {
                            c.text.push('\n');
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                if skip_depth.is_none()
                    && let Some(c) = cell.as_mut()
                {
                    let s = t
                        .unescape()
                        .map_err(|e| corrupt_at(PART, format!("文本无法解码：{e}")))?;
                    c.text.push_str(&s);
                    if c.text.len() as u64 > MAX_PART_BYTES {
                        return Err(unsafe_at(PART, "单元格文本过长，不予读取"));
                    }
                }
            }
            Event::CData(t) => {
                if skip_depth.is_none()
                    && let Some(c) = cell.as_mut()
                {
                    c.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::End(e) => {
                let here = depth;
                depth = depth.saturating_sub(1);
                if let Some(d) = skip_depth {
                    if here == d {
                        skip_depth = None;
                    }
                    continue;
                }
                let name = e.local_name();
                match name.as_ref() {
                    b"table-cell" | b"covered-table-cell" => {
                        let (Some(c), Some(s)) = (cell.take(), sheet.as_mut()) else {
                            continue;
                        };
                        end_cell(s, c, &mut budget, &mut merges_total)?;
                    }
                    b"table-row" => {
                        if let Some(s) = sheet.as_mut() {
                            end_row(s)?;
                        }
                    }
                    b"table" => {
                        if let Some(s) = sheet.take() {
                            out.push(Sheet {
                                name: s.name,
                                rows: s.rows,
                                merges: s.merges,
                            });
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if out.is_empty() {
        return Err(corrupt_at(PART, "没有任何工作表（这不是 ODS 电子表格）"));
    }
    Ok(out)
}

fn end_cell(
    s: &mut OdsSheet,
    c: OdsCell,
    budget: &mut Budget,
    merges_total: &mut u64,
) -> Result<(), SheetsError> {
    let text = if c.paragraphs > 0 || !c.text.is_empty() {
        c.text
    } else {
        c.value.unwrap_or_default()
    };
    let at = s.col;
    let has_text = !text.trim().is_empty();
    if has_text || c.span.is_some() {
        // A cell that holds something must lie within the limits, repeats and rows included.
        let last_col = at.saturating_add(c.repeat - 1);
        let last_row = s.row.saturating_add(s.row_repeat - 1);
        if last_col >= MAX_COLUMNS || last_row >= MAX_ROWS {
            let (r, col) = if at >= MAX_COLUMNS || s.row >= MAX_ROWS {
                (s.row, at)
            } else if last_col >= MAX_COLUMNS {
                (s.row, MAX_COLUMNS)
            } else {
                (MAX_ROWS, at)
            };
            return Err(unsafe_at(
                cell_place(&s.name, r, col),
                format!("有内容的单元格{}", beyond_limits()),
            ));
        }
    }
    if has_text {
        let name = s.name.clone();
        let row = s.row;
        budget.take(
            || cell_place(&name, row, at),
            c.repeat.saturating_mul(s.row_repeat),
            text.len() as u64,
        )?;
        let need = usize::try_from(at + c.repeat).unwrap_or(usize::MAX);
        if s.line.len() < need {
            s.line.resize_with(need, String::new);
        }
        for slot in &mut s.line[at as usize..need] {
            slot.clone_from(&text);
        }
    }
    if let Some((rows, cols)) = c.span {
        *merges_total += 1;
        if *merges_total > guard::MAX_MERGES {
            return Err(unsafe_at(
                cell_place(&s.name, s.row, at),
                format!("合并单元格超过 {} 处，不予读取", guard::MAX_MERGES),
            ));
        }
        let last_row = s.row.saturating_add(rows - 1).min(MAX_ROWS - 1);
        let last_col = at.saturating_add(cols - 1).min(MAX_COLUMNS - 1);
        s.merges.push(Merge {
            first_row: s.row as u32,
            first_column: at as u32,
            last_row: last_row as u32,
            last_column: last_col as u32,
        });
    }
    s.col = s.col.saturating_add(c.repeat);
    Ok(())
}

fn end_row(s: &mut OdsSheet) -> Result<(), SheetsError> {
    if s.line.iter().any(|c| !c.is_empty()) {
        // Within the limits: checked cell by cell (end_cell).
        let first = usize::try_from(s.row).unwrap_or(usize::MAX);
        let n = usize::try_from(s.row_repeat).unwrap_or(usize::MAX);
        if s.rows.len() < first {
            s.rows.resize_with(first, Vec::new);
        }
        for _ in 0..n {
            s.rows.push(s.line.clone());
        }
    }
    s.line.clear();
    s.row = s.row.saturating_add(s.row_repeat);
    s.row_repeat = 1;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// .csv

/// Decodes a CSV: UTF-8 (BOM or not), UTF-16 with BOM, else GB18030.
fn decode_text(bytes: &[u8], file: &str) -> Result<String, SheetsError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest).map(str::to_string).map_err(|e| {
            corrupt_at(
                format!("“{file}”"),
                format!(
                    "以 UTF-8 标记开头，但第 {} 字节起不是 UTF-8",
                    e.valid_up_to() + 4
                ),
            )
        });
    }
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (s, bad) = enc.decode_without_bom_handling(&bytes[bom..]);
        if bad {
            return Err(corrupt_at(
                format!("“{file}”"),
                "UTF-16 文本中有无法解码的字符",
            ));
        }
        return Ok(s.into_owned());
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(s) => Ok(s.into_owned()),
        None => Err(SheetsError::Unsupported {
            file: file.to_string(),
            what: "既不是 UTF-8 也不是 GB18030（GBK）编码的文本".into(),
        }),
    }
}

fn read_csv(bytes: &[u8], file_name: &str) -> Result<Vec<Sheet>, SheetsError> {
    let file = shown(file_name);
    let text = decode_text(bytes, &file)?;
    if text.contains('\0') {
        return Err(SheetsError::Unsupported {
            file,
            what: "不是文本文件（含有空字符）".into(),
        });
    }
    let name = std::path::Path::new(file_name)
        .file_stem()
        .map_or_else(|| "CSV".to_string(), |s| s.to_string_lossy().into_owned());
    // The delimiter: tab or comma, whichever the first line has more of (outside quotes).
    let first_line: String = {
        let mut quoted = false;
        text.chars()
            .take_while(|&c| {
                if c == '"' {
                    quoted = !quoted;
                }
                quoted || c != '\n'
            })
            .take(100_000)
            .collect()
    };
    let count = |d: char| {
        let mut quoted = false;
        first_line
            .chars()
            .filter(|&c| {
                if c == '"' {
                    quoted = !quoted;
                }
                !quoted && c == d
            })
            .count()
    };
    let delim = if count('\t') > count(',') { '\t' } else { ',' };
    let mut budget = Budget::default();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut finish_field = |row: &mut Vec<String>, field: &mut String, rows_len: u64| {
        let col = row.len() as u64;
        if !field.trim().is_empty() && col >= MAX_COLUMNS {
            return Err(unsafe_at(
                cell_place(&name, rows_len, col),
                format!("有内容的单元格{}", beyond_limits()),
            ));
        }
        if !field.is_empty() {
            budget.take(|| cell_place(&name, rows_len, col), 1, field.len() as u64)?;
        }
        if col < MAX_COLUMNS {
            row.push(std::mem::take(field));
        } else {
            field.clear();
        }
        Ok(())
    };
    // Rows beyond the limit are counted, not kept, while they are empty.
    let finish_row = |rows: &mut Vec<Vec<String>>, row: &mut Vec<String>, n: &mut u64| {
        while row.last().is_some_and(|c: &String| c.trim().is_empty()) {
            row.pop();
        }
        if *n >= MAX_ROWS {
            if !row.is_empty() {
                return Err(unsafe_at(
                    format!("“{}”第 {} 行", shown(file_name), *n + 1),
                    format!("有内容的行{}", beyond_limits()),
                ));
            }
        } else {
            rows.push(std::mem::take(row));
        }
        *n += 1;
        Ok(())
    };
    let mut n_rows = 0u64;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            '\r' => {}
            '\n' => {
                finish_field(&mut row, &mut field, n_rows)?;
                finish_row(&mut rows, &mut row, &mut n_rows)?;
            }
            c if c == delim => finish_field(&mut row, &mut field, n_rows)?,
            c => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        finish_field(&mut row, &mut field, n_rows)?;
        finish_row(&mut rows, &mut row, &mut n_rows)?;
    }
    while rows.last().is_some_and(Vec::is_empty) {
        rows.pop();
    }
    Ok(vec![Sheet {
        name,
        rows,
        merges: Vec::new(),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_task_table_is_not_told_to_use_the_systems_template() {
        let e = SheetsError::Workbook(ImportError::TooLargeUnpacked { max: 10 });
        let m = e.to_string();
        assert!(!m.contains("系统生成的模板"), "{m}");
        assert!(m.contains("另存为 .xlsx"), "{m}");
    }

    #[test]
    fn csv_in_utf8_bom_and_gb18030_with_quoted_multiline_cells() {
        let text = "序号,重点任务,牵头单位,配合单位\r\n1,\"建设平台，加快转化\",市科技局,\"市财政局\n市发展改革委\"\r\n";
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        for bytes in [text.as_bytes().to_vec(), bom, gbk.into_owned()] {
            let s = read_sheets(&bytes, "任务.csv").expect("read");
            assert_eq!(s.len(), 1);
            assert_eq!(s[0].name, "任务");
            assert_eq!(s[0].rows.len(), 2);
            assert_eq!(s[0].rows[1][1], "建设平台，加快转化");
            assert_eq!(s[0].rows[1][3], "市财政局\n市发展改革委");
        }
    }

    #[test]
    fn csv_beyond_the_limits_is_refused_with_the_place() {
        let wide = format!("{}x\n", ",".repeat(100));
        let m = read_sheets(wide.as_bytes(), "a.csv")
            .expect_err("wide")
            .to_string();
        assert!(m.contains("第 1 行 第 101 列（CW1）"), "{m}");
        // Empty trailing fields are no content.
        assert!(read_sheets(format!("a{}\n", ",".repeat(500)).as_bytes(), "a.csv").is_ok());
        let long = "a\n".repeat(10_001);
        let m = read_sheets(long.as_bytes(), "a.csv")
            .expect_err("long")
            .to_string();
        assert!(m.contains("第 10001 行"), "{m}");
    }

    #[test]
    fn other_files_are_refused_with_what_they_are() {
        let m = read_sheets(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0], "a.xls")
            .expect_err("xls")
            .to_string();
        assert!(m.contains("另存为") && m.contains(".xlsx"), "{m}");
        let m = read_sheets(b"%PDF-1.4", "a.pdf")
            .expect_err("pdf")
            .to_string();
        assert!(m.contains("PDF"), "{m}");
        let m = read_sheets(b"a,b", "a.xlsx").expect_err("text").to_string();
        assert!(m.contains("扩展名为 .xlsx"), "{m}");
        assert!(matches!(read_sheets(b"", "a.csv"), Err(SheetsError::Empty)));
        let m = read_sheets(&[0xFF, 0xFF, 0x81, 0x20], "a.csv")
            .expect_err("binary")
            .to_string();
        assert!(m.contains("GB18030"), "{m}");
    }

    fn ods_content(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"#
        )
    }

    #[test]
    fn ods_repeats_merges_and_paragraphs() {
        let body = r#"<table:table table:name="任务"><table:table-row><table:table-cell table:number-columns-spanned="3"><text:p>标题</text:p></table:table-cell><table:covered-table-cell table:number-columns-repeated="2"/></table:table-row><table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2"><text:p>a<text:s text:c="2"/>b</text:p><text:p>c</text:p><office:annotation><text:p>批注</text:p></office:annotation></table:table-cell><table:table-cell office:value="3" office:value-type="float"/></table:table-row><table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>"#;
        let s = parse_ods_content(ods_content(body).as_bytes()).expect("read");
        assert_eq!(s[0].name, "任务");
        assert_eq!(s[0].rows.len(), 3);
        assert_eq!(s[0].rows[0], ["标题"]);
        assert_eq!(s[0].rows[2], ["a  b\nc", "a  b\nc", "3"]);
        assert_eq!(
            s[0].merges,
            [Merge {
                first_row: 0,
                first_column: 0,
                last_row: 0,
                last_column: 2
            }]
        );
    }

    #[test]
    fn ods_cells_beyond_the_limits_and_deep_nesting_are_refused() {
        let far = r#"<table:table table:name="表"><table:table-row table:number-rows-repeated="20000"><table:table-cell/></table:table-row><table:table-row><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
        let m = parse_ods_content(ods_content(far).as_bytes())
            .expect_err("far")
            .to_string();
        assert!(m.contains("第 20001 行") && m.contains("超出"), "{m}");
        let wide = r#"<table:table table:name="表"><table:table-row><table:table-cell table:number-columns-repeated="99999999999999999999999"><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
        let m = parse_ods_content(ods_content(wide).as_bytes())
            .expect_err("wide")
            .to_string();
        assert!(m.contains("超出"), "{m}");
        let many = r#"<table:table table:name="表"><table:table-row table:number-rows-repeated="6000"><table:table-cell table:number-columns-repeated="100"><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
        let m = parse_ods_content(ods_content(many).as_bytes())
            .expect_err("many")
            .to_string();
        assert!(m.contains("单元格超过"), "{m}");
        let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
        let m = parse_ods_content(ods_content(&deep).as_bytes())
            .expect_err("deep")
            .to_string();
        assert!(m.contains("嵌套超过"), "{m}");
        let m = parse_ods_content(b"<!DOCTYPE x [<!ENTITY a \"b\">]><x/>")
            .expect_err("doctype")
            .to_string();
        assert!(m.contains("DOCTYPE"), "{m}");
    }
}
