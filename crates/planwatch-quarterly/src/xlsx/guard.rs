//! Untrusted workbooks are checked before any parser sees them.
//!
//! calamine sizes its buffers from numbers written in the file: `uniqueCount` of the shared
//! strings (`Vec::reserve`), the bounding box of the cells with a value (`Range::from_sparse`
//! allocates rows × columns cells, so one cell at XFD1048576 asks for 17 billion), the number of
//! a shared formula (`si`: its table is resized to that length), and it copies a shared string
//! into every cell that refers to it and a shared formula into every cell that shares it. Its
//! reference parser multiplies without checking (a debug build panics on `A99999999999`, a
//! release build wraps), and `<dimension ref="W22:A1">` subtracts past zero. A file of a few
//! kilobytes can so ask for terabytes, and Rust aborts the whole process when an allocation
//! fails. Every number it trusts is checked here first.
//!
//! [`check`] reads every entry of the zip itself, with a hard cap on each entry and on the total
//! (the sizes the zip declares are not believed: each entry is read with `Read::take(cap + 1)`),
//! and scans every part that is XML with a streaming reader (no tree, nothing kept per element
//! but a few counters), applying the same rules to every part whatever its name — a relationship
//! can make calamine read any part as a worksheet. It then writes a new zip holding exactly the
//! parts it checked (uncompressed), which is what calamine opens: calamine's own zip reader never
//! sees the original archive, so no trick in the container (duplicate names, two central
//! directories, sizes that lie) can make it read something that was not checked. Parts that are
//! not XML (pictures, printer settings) are left out: no reader here needs them.
//!
//! The limits are what the product's forms can ever need, with room: a unit's quarterly form has
//! 23 columns and tens of rows (the benchmark form has 1,000 rows), the breakdown form 14 columns
//! and a few hundred rows.

use crate::settings::ReportingSettings;
use crate::xlsx::ImportError;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read, Write};

/// Rows a sheet may use (row 10 000 at most): twice the default `max_rows_per_sheet` and ten
/// times the benchmark form. `ReportingSettings::max_rows_per_sheet` may not exceed it.
pub const MAX_ROWS: u64 = 10_000;
/// Columns a sheet may use (A to CV): the widest form has 23.
pub const MAX_COLUMNS: u64 = 100;
/// Entries in the zip (a generated form has 12; Excel adds a few more on saving).
pub const MAX_ENTRIES: usize = 256;
/// Uncompressed bytes of one entry (a 10 000-row form's sheet is about 10 MiB).
pub const MAX_PART_BYTES: u64 = 32 * 1024 * 1024;
/// Sheets a workbook may list (a form has 2 or 3).
pub const MAX_SHEETS: usize = 32;
/// Strings in the shared strings table, and the most its `uniqueCount` may claim.
pub const MAX_SHARED_STRINGS: u64 = 1_000_000;
/// The most the shared strings table's `count` (cells holding a shared string) may claim.
pub const MAX_SHARED_STRING_CELLS: u64 = MAX_ROWS * MAX_COLUMNS * MAX_SHEETS as u64;
/// Records in one style list (cell formats, fonts, fills, borders, number formats): Excel's own
/// limit on cell formats is 64 000.
pub const MAX_STYLE_RECORDS: u64 = 64_000;
/// Shared formula numbers (`si`); the forms refuse formulas in input cells anyway.
pub const MAX_SHARED_FORMULAS: u64 = 10_000;
/// Element nesting (a sheet nests 6 deep, a drawing about 15).
pub const MAX_DEPTH: usize = 64;
/// Merged ranges (`<mergeCell>`) in one part: a task table has tens, a form a few.
pub const MAX_MERGES: u64 = 20_000;
/// Text a reader may copy out of shared strings into the cells that refer to them, and out of
/// shared formulas into the cells that share them (64 MiB each).
pub const MAX_COPIED_TEXT_BYTES: u64 = 64 * 1024 * 1024;

/// Style lists whose `count` and number of records are checked, with their record element.
const STYLE_LISTS: [(&str, &str); 8] = [
    ("numFmts", "numFmt"),
    ("fonts", "font"),
    ("fills", "fill"),
    ("borders", "border"),
    ("cellStyleXfs", "xf"),
    ("cellXfs", "xf"),
    ("cellStyles", "cellStyle"),
    ("dxfs", "dxf"),
];

fn mib(n: u64) -> String {
    format!("{} MiB", n / (1024 * 1024))
}

fn refuse(place: impl Into<String>, message: impl Into<String>) -> ImportError {
    ImportError::Unsafe {
        place: place.into(),
        message: message.into(),
    }
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

/// Checks a workbook's container and every XML part in it; returns a new zip with exactly the
/// parts that were checked, for calamine to open. `bytes` is already known to start like a zip.
pub fn check(bytes: &[u8], settings: &ReportingSettings) -> Result<Vec<u8>, ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ImportError::Corrupt(format!("zip 结构错误：{e}")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(refuse(
            "压缩包",
            format!(
                "含有 {} 个部件，上限 {MAX_ENTRIES} 个；Excel 工作簿不会有这么多部件，请使用系统生成的模板",
                zip.len()
            ),
        ));
    }
    // The declared sizes first: an honest bomb is refused before anything is inflated.
    let mut declared_total: u64 = 0;
    let mut has_workbook = false;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| ImportError::Corrupt(format!("zip 结构错误：{e}")))?;
        if entry.size() > MAX_PART_BYTES {
            return Err(too_big(entry.name(), Some(entry.size())));
        }
        declared_total = declared_total.saturating_add(entry.size());
        has_workbook |= entry.name() == "xl/workbook.xml";
    }
    if declared_total > settings.max_unpacked_bytes {
        return Err(ImportError::TooLargeUnpacked {
            max: settings.max_unpacked_bytes,
        });
    }
    if !has_workbook {
        return Err(ImportError::NotXlsx(
            "是 zip 压缩文件，但不含 Excel 工作簿（可能是 Word 文档或其他压缩包）".into(),
        ));
    }

    let names = SheetNames::read(&mut zip, settings)?;
    let mut totals = Totals::default();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(false);
    let mut unpacked: u64 = 0;
    for i in 0..zip.len() {
        let left = settings.max_unpacked_bytes.saturating_sub(unpacked);
        let cap = MAX_PART_BYTES.min(left);
        let (name, data) = match read_entry(&mut zip, i, cap) {
            Ok(Some(entry)) => entry,
            Ok(None) => continue,
            Err(Some(e)) => return Err(e),
            Err(None) if cap < MAX_PART_BYTES => {
                return Err(ImportError::TooLargeUnpacked {
                    max: settings.max_unpacked_bytes,
                });
            }
            Err(None) => {
                let name = zip.name_for_index(i).unwrap_or("?").to_string();
                return Err(too_big(&name, None));
            }
        };
        unpacked += data.len() as u64;
        let place = names.place(&name);
        match scan_part(&place, &data, &mut totals)? {
            Scanned::Xml => {}
            Scanned::NotXml if is_xml_name(&name) => {
                return Err(refuse(
                    place,
                    "不是格式正确的 XML（或不是 UTF-8 编码）；文件可能已损坏，请使用系统生成的模板",
                ));
            }
            // Pictures and other binary parts: no reader here needs them.
            Scanned::NotXml => continue,
        }
        out.start_file(name.as_str(), stored)
            .and_then(|()| out.write_all(&data).map_err(Into::into))
            .map_err(|e| {
                ImportError::Corrupt(format!("zip 部件 {} 无法复制：{e}", shown(&name)))
            })?;
    }
    totals.check()?;
    let out = out
        .finish()
        .map_err(|e| ImportError::Corrupt(format!("zip 无法写出：{e}")))?;
    Ok(out.into_inner())
}

fn too_big(name: &str, declared: Option<u64>) -> ImportError {
    let what = match declared {
        Some(d) => format!("声明解压后为 {d} 字节，超过"),
        None => "解压后超过".to_string(),
    };
    refuse(
        format!("文件部件 {}", shown(name)),
        format!(
            "{what}每个部件 {} 的上限（{MAX_PART_BYTES} 字节）；文件可能是“压缩炸弹”，不予读取",
            mib(MAX_PART_BYTES)
        ),
    )
}

fn is_xml_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".xml") || n.ends_with(".rels")
}

/// Reads entry `i` with a hard cap: never more than `cap` bytes whatever the zip declares
/// (`Ok(None)` for a directory). `Err(None)` when the entry holds more than `cap`.
pub(crate) fn read_entry<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    i: usize,
    cap: u64,
) -> Result<Option<(String, Vec<u8>)>, Option<ImportError>> {
    let mut f = zip
        .by_index(i)
        .map_err(|e| Some(ImportError::Corrupt(format!("zip 部件无法读取：{e}"))))?;
    if f.is_dir() {
        return Ok(None);
    }
    let name = f.name().to_string();
    let declared = f.size();
    let mut data = Vec::new();
    (&mut f).take(cap + 1).read_to_end(&mut data).map_err(|e| {
        Some(ImportError::Corrupt(format!(
            "zip 部件 {} 无法解压：{e}",
            shown(&name)
        )))
    })?;
    let got = data.len() as u64;
    if got > cap {
        return Err(None);
    }
    if got != declared {
        return Err(Some(refuse(
            format!("文件部件 {}", shown(&name)),
            format!(
                "声明解压后为 {declared} 字节，实际为 {got} 字节；压缩包已损坏或被篡改，不予读取"
            ),
        )));
    }
    Ok(Some((name, data)))
}

/// The sheet names of the workbook by part path, to name the sheet in a message (best effort:
/// a workbook whose names cannot be read is still checked, its parts named by path).
#[derive(Default)]
struct SheetNames(HashMap<String, String>);

impl SheetNames {
    fn read<R: Read + std::io::Seek>(
        zip: &mut zip::ZipArchive<R>,
        _settings: &ReportingSettings,
    ) -> Result<Self, ImportError> {
        let mut part = |name: &str| -> Option<Vec<u8>> {
            let mut f = zip.by_name(name).ok()?;
            let mut data = Vec::new();
            (&mut f).take(MAX_PART_BYTES).read_to_end(&mut data).ok()?;
            Some(data)
        };
        let (Some(workbook), Some(rels)) =
            (part("xl/workbook.xml"), part("xl/_rels/workbook.xml.rels"))
        else {
            return Ok(Self::default());
        };
        let mut ids: Vec<(String, String)> = Vec::new();
        each_start(&workbook, |e| {
            if e.local_name().as_ref() == b"sheet"
                && ids.len() <= MAX_SHEETS
                && let (Some(n), Some(id)) = (attr(e, "name"), attr(e, "id"))
            {
                ids.push((id, n));
            }
        });
        let mut targets: HashMap<String, String> = HashMap::new();
        each_start(&rels, |e| {
            if e.local_name().as_ref() == b"Relationship"
                && targets.len() <= 4 * MAX_SHEETS
                && let (Some(id), Some(t)) = (attr(e, "Id"), attr(e, "Target"))
            {
                let path = match t.strip_prefix('/') {
                    Some(abs) => abs.to_string(),
                    None => format!("xl/{t}"),
                };
                targets.insert(id, path);
            }
        });
        Ok(Self(
            ids.into_iter()
                .filter_map(|(id, name)| Some((targets.get(&id)?.clone(), name)))
                .collect(),
        ))
    }

    /// How a part is named in a message.
    fn place(&self, part: &str) -> String {
        match self.0.get(part) {
            Some(sheet) => format!("工作表“{}”（{}）", shown(sheet), shown(part)),
            None => format!("文件部件 {}", shown(part)),
        }
    }
}

/// Calls `f` for each start tag of `xml` until the end or the first error (for naming only).
fn each_start(xml: &[u8], mut f: impl FnMut(&BytesStart<'_>)) {
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut depth = 0usize;
    loop {
        buf.clear();
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return;
                }
                f(&e);
            }
            Ok(Event::Empty(e)) => f(&e),
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// The first attribute whose local name is `key`, unescaped no further (names for messages).
fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    raw_attrs(e.attributes_raw())
        .find(|(k, _)| local_key(k) == key.as_bytes())
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
}

/// The attributes of a start tag as calamine reads them: `key = "value"` pairs, a key being
/// whatever precedes `=`; stops at the first malformed one (calamine stops there with an error).
fn raw_attrs(raw: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        while pos < raw.len() && raw[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= raw.len() {
            return None;
        }
        let key_start = pos;
        while pos < raw.len() && raw[pos] != b'=' {
            pos += 1;
        }
        if pos >= raw.len() {
            pos = raw.len();
            return None;
        }
        let key = raw[key_start..pos].trim_ascii();
        pos += 1;
        while pos < raw.len() && raw[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let quote = *raw.get(pos)?;
        if quote != b'"' && quote != b'\'' {
            pos = raw.len();
            return None;
        }
        pos += 1;
        let val_start = pos;
        while pos < raw.len() && raw[pos] != quote {
            pos += 1;
        }
        let val = &raw[val_start..pos];
        pos = (pos + 1).min(raw.len());
        Some((key, val))
    })
}

/// `r:id` → `id`.
fn local_key(k: &[u8]) -> &[u8] {
    k.rsplit(|&b| b == b':').next().unwrap_or(k)
}

/// Every value of attribute `key` (by local name) of a start tag.
fn values<'a>(e: &'a BytesStart<'a>, key: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
    raw_attrs(e.attributes_raw())
        .filter(move |(k, _)| local_key(k) == key.as_bytes())
        .map(|(_, v)| v)
}

/// Untrusted bytes for a message.
fn text(v: &[u8]) -> String {
    shown(&String::from_utf8_lossy(v))
}

/// A1 reference → 1-based (row, column), saturating (so `A99999999999` is a large row, never a
/// wrapped one). `None` unless it is letters then digits (the letters optional when
/// `column_optional`, as in a row's `r`).
fn parse_a1(b: &[u8], column_optional: bool) -> Option<(u64, u64)> {
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let digits = &b[letters..];
    if digits.is_empty()
        || !digits.iter().all(u8::is_ascii_digit)
        || (letters == 0 && !column_optional)
    {
        return None;
    }
    let col = b[..letters].iter().fold(0u64, |acc, c| {
        acc.saturating_mul(26)
            .saturating_add(u64::from(c.to_ascii_uppercase() - b'A') + 1)
    });
    let row = digits.iter().fold(0u64, |acc, c| {
        acc.saturating_mul(10).saturating_add(u64::from(c - b'0'))
    });
    (row >= 1).then_some((row, col))
}

/// A plain decimal number, saturating.
fn parse_count(s: &[u8]) -> Option<u64> {
    (!s.is_empty() && s.iter().all(u8::is_ascii_digit)).then(|| {
        s.iter().fold(0u64, |acc, c| {
            acc.saturating_mul(10).saturating_add(u64::from(c - b'0'))
        })
    })
}

/// 1-based column → A, B, …, AA (also for the task-table reader's messages).
pub(crate) fn column_name(mut col: u64) -> String {
    let mut s = Vec::new();
    while col > 0 {
        col -= 1;
        s.push(b'A' + (col % 26) as u8);
        col /= 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn out_of_range(what: String) -> String {
    format!(
        "{what}超出本系统表格的范围（最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列，即 A 至 {} 列）；请删除该处的内容和格式后再提交",
        column_name(MAX_COLUMNS)
    )
}

/// What the whole workbook copies: shared strings into cells, shared formulas into cells.
#[derive(Default)]
struct Totals {
    /// Bytes of each shared string (the largest seen at that index in any part).
    string_bytes: Vec<u64>,
    /// Per part (by its place in messages): how many cells refer to each shared string.
    string_refs: Vec<(String, BTreeMap<u64, u64>)>,
    /// Formula text copied into cells that share a formula, in all parts so far.
    formula_bytes: u64,
}

impl Totals {
    /// The shared strings are known only once every part is read: the text copied into the
    /// cells of each part, summed, must stay within the limit.
    fn check(&self) -> Result<(), ImportError> {
        let mut total = 0u64;
        let mut largest: Option<(&str, u64)> = None;
        for (place, refs) in &self.string_refs {
            let copied = refs.iter().fold(0u64, |acc, (i, n)| {
                let len = usize::try_from(*i)
                    .ok()
                    .and_then(|i| self.string_bytes.get(i))
                    .copied()
                    .unwrap_or(0);
                acc.saturating_add(len.saturating_mul(*n))
            });
            total = total.saturating_add(copied);
            if largest.is_none_or(|(_, c)| copied > c) {
                largest = Some((place, copied));
            }
        }
        match largest {
            Some((place, _)) if total > MAX_COPIED_TEXT_BYTES => Err(refuse(
                place,
                format!(
                    "单元格大量重复引用很长的共享字符串，读取时要复制出约 {} MiB 文本，超过 {} 的上限；请使用系统生成的模板",
                    total / (1024 * 1024),
                    mib(MAX_COPIED_TEXT_BYTES)
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Counts the copy of a shared formula of `len` bytes into one more cell.
    fn add_formula_copy(&mut self, place: &str, len: u64) -> Result<(), ImportError> {
        // A translated copy: references may grow (A1 → XFD10000).
        self.formula_bytes = self
            .formula_bytes
            .saturating_add(len.saturating_mul(5).saturating_add(16));
        if self.formula_bytes > MAX_COPIED_TEXT_BYTES {
            return Err(refuse(
                place,
                format!(
                    "共享公式被大量单元格共用，读取时要展开超过 {} 的公式文本；本系统的表格不接受公式",
                    mib(MAX_COPIED_TEXT_BYTES)
                ),
            ));
        }
        Ok(())
    }
}

enum Scanned {
    Xml,
    NotXml,
}

/// The state of a cell being scanned.
#[derive(Default)]
struct CellState {
    shared_string: bool,
    in_value: bool,
    /// The shared formula whose text is being read (anchor), by number.
    formula_anchor: Option<u64>,
    formula_len: u64,
}

/// Scans one part. Every rule applies to every part: the tags are looked up by local name, as
/// calamine does, so `<x:c>` counts as a cell.
fn scan_part(place: &str, data: &[u8], totals: &mut Totals) -> Result<Scanned, ImportError> {
    if std::str::from_utf8(data).is_err() {
        return Ok(Scanned::NotXml);
    }
    let part_len = data.len() as u64;
    let mut r = Reader::from_reader(data);
    {
        let c = r.config_mut();
        c.expand_empty_elements = true;
        c.check_end_names = false;
        c.check_comments = false;
        c.allow_unmatched_ends = true;
        c.trim_text(false);
    }
    let mut buf = Vec::new();
    let mut stack: Vec<Tag> = Vec::new();
    // calamine's position of a cell without reference: the row after the last row, the column
    // after the last cell.
    let (mut row_idx, mut col_idx) = (1u64, 1u64);
    let mut cell = CellState::default();
    let mut shared_formulas: HashMap<u64, u64> = HashMap::new();
    let mut sheets = 0usize;
    let mut merges = 0u64;
    let mut records: HashMap<&'static str, u64> = HashMap::new();
    let mut strings: Option<u64> = None;
    let mut si_bytes: u64 = 0;
    let mut string_refs: BTreeMap<u64, u64> = BTreeMap::new();
    loop {
        buf.clear();
        let ev = match r.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(_) => return Ok(Scanned::NotXml),
        };
        match ev {
            Event::Eof => break,
            Event::DocType(_) => {
                return Err(refuse(
                    place,
                    "含有文档类型声明（DOCTYPE），Excel 文件中不会出现（可用来构造实体炸弹），不予读取",
                ));
            }
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(refuse(
                        place,
                        format!(
                            "XML 元素嵌套超过 {MAX_DEPTH} 层；Excel 文件不会这样嵌套，不予读取"
                        ),
                    ));
                }
                let name = e.local_name();
                let tag = Tag::of(name.as_ref());
                let inside = |t: Tag| stack.contains(&t);
                // Every element with t="shared" is a shared formula to calamine, whatever its
                // name: its number sizes a table, its ref is parsed as a range.
                let shared = values(&e, "t").any(|t| t == b"shared");
                if shared || tag == Tag::F {
                    for si in values(&e, "si") {
                        match parse_count(si) {
                            Some(n) if n < MAX_SHARED_FORMULAS => {}
                            _ => {
                                return Err(refuse(
                                    place,
                                    format!(
                                        "共享公式编号 si=\"{}\" 超出上限 {MAX_SHARED_FORMULAS}；本系统的表格不接受公式",
                                        text(si)
                                    ),
                                ));
                            }
                        }
                    }
                    for rf in values(&e, "ref") {
                        check_range(place, "公式范围 ref", rf)?;
                    }
                }
                if shared && inside(Tag::C) {
                    let si = values(&e, "si").next().and_then(parse_count).unwrap_or(0);
                    if values(&e, "ref").next().is_some() {
                        cell.formula_anchor = (tag == Tag::F).then_some(si);
                        cell.formula_len = 0;
                        shared_formulas.insert(si, 0);
                    } else if let Some(len) = shared_formulas.get(&si) {
                        totals.add_formula_copy(place, *len)?;
                    }
                }
                // A merged range is parsed by calamine's reference parser (task tables are read
                // with their merged cells).
                if name.as_ref() == b"mergeCell" {
                    merges += 1;
                    if merges > MAX_MERGES {
                        return Err(refuse(
                            place,
                            format!("合并单元格超过 {MAX_MERGES} 处，不予读取"),
                        ));
                    }
                    for v in values(&e, "ref") {
                        check_range(place, "合并单元格 ref", v)?;
                    }
                }
                match tag {
                    Tag::Row => {
                        if inside(Tag::C) || inside(Tag::Row) {
                            return Err(refuse(
                                place,
                                "行（row）嵌套在单元格或行中，结构异常，不予读取",
                            ));
                        }
                        for v in values(&e, "r") {
                            match parse_a1(v, true) {
                                Some((row, _)) if row <= MAX_ROWS => row_idx = row,
                                Some((row, _)) => {
                                    return Err(refuse(
                                        place,
                                        out_of_range(format!("第 {row} 行")),
                                    ));
                                }
                                None => {
                                    return Err(refuse(place, format!("行号“{}”无效", text(v))));
                                }
                            }
                        }
                    }
                    Tag::C => {
                        if inside(Tag::C) {
                            return Err(refuse(
                                place,
                                "单元格（c）嵌套在单元格中，结构异常，不予读取",
                            ));
                        }
                        let mut any = false;
                        for v in values(&e, "r") {
                            any = true;
                            match parse_a1(v, false) {
                                Some((row, col)) if row <= MAX_ROWS && col <= MAX_COLUMNS => {
                                    col_idx = col;
                                }
                                Some(_) => {
                                    return Err(refuse(
                                        place,
                                        out_of_range(format!("单元格 {} ", text(v))),
                                    ));
                                }
                                None => {
                                    return Err(refuse(
                                        place,
                                        format!("单元格位置“{}”无效", text(v)),
                                    ));
                                }
                            }
                        }
                        if !any && (row_idx > MAX_ROWS || col_idx > MAX_COLUMNS) {
                            let at = format!("{}{}", column_name(col_idx.min(1_000_000)), row_idx);
                            return Err(refuse(
                                place,
                                out_of_range(format!("未注明位置的单元格（按顺序应在 {at}）")),
                            ));
                        }
                        cell = CellState {
                            shared_string: values(&e, "t").any(|t| t == b"s"),
                            ..CellState::default()
                        };
                    }
                    Tag::V => cell.in_value = inside(Tag::C),
                    Tag::Dimension => {
                        for v in values(&e, "ref") {
                            check_range(place, "表格范围 dimension", v)?;
                        }
                    }
                    Tag::Sst => {
                        strings = Some(0);
                        for v in values(&e, "uniqueCount") {
                            let plausible = part_len / 5;
                            match parse_count(v) {
                                Some(n) if n <= MAX_SHARED_STRINGS && n <= plausible => {}
                                _ => {
                                    return Err(refuse(
                                        place,
                                        format!(
                                            "共享字符串表的 uniqueCount=\"{}\" 不合理（上限 {MAX_SHARED_STRINGS}，且本部件只有 {part_len} 字节，最多容纳 {plausible} 个字符串）；文件可能已损坏或被篡改",
                                            text(v)
                                        ),
                                    ));
                                }
                            }
                        }
                        for v in values(&e, "count") {
                            match parse_count(v) {
                                Some(n) if n <= MAX_SHARED_STRING_CELLS => {}
                                _ => {
                                    return Err(refuse(
                                        place,
                                        format!(
                                            "共享字符串表的 count=\"{}\" 不合理（上限 {MAX_SHARED_STRING_CELLS}）；文件可能已损坏或被篡改",
                                            text(v)
                                        ),
                                    ));
                                }
                            }
                        }
                    }
                    Tag::Si if inside(Tag::Sst) => {
                        si_bytes = 0;
                        let n = strings.get_or_insert(0);
                        *n += 1;
                        if *n > MAX_SHARED_STRINGS {
                            return Err(refuse(
                                place,
                                format!("共享字符串超过 {MAX_SHARED_STRINGS} 个，不予读取"),
                            ));
                        }
                    }
                    // calamine lists every <sheet> of the workbook part, wherever it stands.
                    Tag::Sheet => {
                        sheets += 1;
                        if sheets > MAX_SHEETS {
                            return Err(refuse(
                                place,
                                format!("工作簿列出的工作表超过 {MAX_SHEETS} 个，不予读取"),
                            ));
                        }
                    }
                    Tag::Other => {
                        let n = name.as_ref();
                        if let Some((list, _)) = STYLE_LISTS.iter().find(|(l, _)| l.as_bytes() == n)
                        {
                            for v in values(&e, "count") {
                                let plausible = part_len / 5;
                                match parse_count(v) {
                                    Some(c) if c <= MAX_STYLE_RECORDS && c <= plausible => {}
                                    _ => {
                                        return Err(refuse(
                                            place,
                                            format!(
                                                "样式表 {list} 的 count=\"{}\" 不合理（上限 {MAX_STYLE_RECORDS}）；文件可能已损坏或被篡改",
                                                text(v)
                                            ),
                                        ));
                                    }
                                }
                            }
                        }
                        // A record of a style list counts against the list it is in.
                        if let Some((list, _)) = STYLE_LISTS.iter().find(|(l, rec)| {
                            rec.as_bytes() == n && stack.last() == Some(&Tag::Style(l))
                        }) {
                            let c = records.entry(list).or_insert(0);
                            *c += 1;
                            if *c > MAX_STYLE_RECORDS {
                                return Err(refuse(
                                    place,
                                    format!(
                                        "样式表 {list} 中的记录超过 {MAX_STYLE_RECORDS} 个（Excel 的单元格格式上限为 64000 个），不予读取"
                                    ),
                                ));
                            }
                        }
                    }
                    _ => {}
                }
                let pushed = match STYLE_LISTS
                    .iter()
                    .find(|(l, _)| l.as_bytes() == name.as_ref())
                {
                    Some((l, _)) => Tag::Style(l),
                    None => tag,
                };
                stack.push(pushed);
            }
            Event::End(e) => {
                let tag = stack.pop();
                match Tag::of(e.local_name().as_ref()) {
                    Tag::Row => {
                        row_idx = row_idx.saturating_add(1);
                        col_idx = 1;
                    }
                    Tag::C => col_idx = col_idx.saturating_add(1),
                    Tag::V => cell.in_value = false,
                    Tag::F => {
                        if let Some(si) = cell.formula_anchor.take() {
                            shared_formulas.insert(si, cell.formula_len);
                        }
                    }
                    Tag::Si if tag == Some(Tag::Si) => {
                        let i = strings.unwrap_or(1).saturating_sub(1);
                        if let Ok(i) = usize::try_from(i) {
                            if totals.string_bytes.len() <= i {
                                totals.string_bytes.resize(i + 1, 0);
                            }
                            totals.string_bytes[i] = totals.string_bytes[i].max(si_bytes);
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                let len = t.len() as u64;
                if stack.contains(&Tag::Si) {
                    si_bytes = si_bytes.saturating_add(len);
                }
                if cell.formula_anchor.is_some() {
                    cell.formula_len = cell.formula_len.saturating_add(len);
                }
                if cell.in_value
                    && cell.shared_string
                    && let Some(i) = parse_count(t.trim_ascii())
                    && i < MAX_SHARED_STRINGS
                {
                    *string_refs.entry(i).or_insert(0) += 1;
                }
            }
            Event::CData(t) => {
                let len = t.len() as u64;
                if stack.contains(&Tag::Si) {
                    si_bytes = si_bytes.saturating_add(len);
                }
                if cell.formula_anchor.is_some() {
                    cell.formula_len = cell.formula_len.saturating_add(len);
                }
            }
            _ => {}
        }
    }
    if !string_refs.is_empty() {
        totals.string_refs.push((place.to_string(), string_refs));
    }
    Ok(Scanned::Xml)
}

/// The elements the rules look at, by local name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Row,
    C,
    V,
    F,
    Dimension,
    Sst,
    Si,
    Sheet,
    /// A style list (`cellXfs`, `fonts`, …).
    Style(&'static str),
    Other,
}

impl Tag {
    fn of(local: &[u8]) -> Tag {
        match local {
            b"row" => Tag::Row,
            b"c" => Tag::C,
            b"v" => Tag::V,
            b"f" => Tag::F,
            b"dimension" => Tag::Dimension,
            b"sst" => Tag::Sst,
            b"si" => Tag::Si,
            b"sheet" => Tag::Sheet,
            _ => Tag::Other,
        }
    }
}

/// A range such as `A1:W22` (or one cell): each end within the bounds, the first not after the
/// second.
fn check_range(place: &str, what: &str, v: &[u8]) -> Result<(), ImportError> {
    let ends: Option<Vec<(u64, u64)>> = v
        .split(|&b| b == b':')
        .map(|p| parse_a1(p, false))
        .collect();
    let Some(ends) = ends.filter(|e| (1..=2).contains(&e.len())) else {
        return Err(refuse(place, format!("{what}=\"{}\" 无效", text(v))));
    };
    for (row, col) in &ends {
        if *row > MAX_ROWS || *col > MAX_COLUMNS {
            return Err(refuse(
                place,
                out_of_range(format!("{what}=\"{}\" ", text(v))),
            ));
        }
    }
    if let [a, b] = ends[..]
        && (a.0 > b.0 || a.1 > b.1)
    {
        return Err(refuse(
            place,
            format!(
                "{what}=\"{}\" 起止颠倒（终点在起点之前），不予读取",
                text(v)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader};

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, data) in parts {
            w.start_file(*name, opts).expect("start");
            w.write_all(data).expect("write");
        }
        w.finish().expect("finish").into_inner()
    }

    const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表一" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

    /// A one-sheet workbook whose sheet data is `rows`, plus `extra` parts.
    fn workbook(rows: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
        let sheet = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
        );
        let mut parts: Vec<(&str, &[u8])> = vec![
            ("_rels/.rels", PACKAGE_RELS.as_bytes()),
            ("xl/workbook.xml", WORKBOOK.as_bytes()),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ];
        parts.extend_from_slice(extra);
        zip_of(&parts)
    }

    fn refusal(bytes: &[u8]) -> String {
        match check(bytes, &ReportingSettings::default()) {
            Ok(_) => panic!("expected a refusal"),
            Err(e) => e.to_string(),
        }
    }

    /// The checked copy, opened by calamine: the sheet's cells.
    fn cells(bytes: &[u8]) -> Vec<(u32, u32, Data)> {
        let checked = check(bytes, &ReportingSettings::default()).expect("accepted");
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(Cursor::new(checked)).expect("opens");
        let range = wb.worksheet_range("表一").expect("sheet");
        let (r0, c0) = range.start().unwrap_or((0, 0));
        range
            .used_cells()
            .map(|(r, c, d)| (r0 + r as u32, c0 + c as u32, d.clone()))
            .collect()
    }

    /// Rewrites the uncompressed size an entry declares, in its local and central headers.
    fn lie_about_size(mut zip: Vec<u8>, name: &str, declared: u32) -> Vec<u8> {
        let eocd = zip
            .windows(4)
            .rposition(|w| w == b"PK\x05\x06")
            .expect("eocd");
        let at = |z: &[u8], p: usize, n: usize| -> usize {
            let mut v = 0usize;
            for i in (0..n).rev() {
                v = v << 8 | usize::from(z[p + i]);
            }
            v
        };
        let count = at(&zip, eocd + 10, 2);
        let mut pos = at(&zip, eocd + 16, 4);
        for _ in 0..count {
            let (nl, el, cl) = (
                at(&zip, pos + 28, 2),
                at(&zip, pos + 30, 2),
                at(&zip, pos + 32, 2),
            );
            let local = at(&zip, pos + 42, 4);
            if &zip[pos + 46..pos + 46 + nl] == name.as_bytes() {
                zip[pos + 24..pos + 28].copy_from_slice(&declared.to_le_bytes());
                zip[local + 22..local + 26].copy_from_slice(&declared.to_le_bytes());
            }
            pos += 46 + nl + el + cl;
        }
        zip
    }

    #[test]
    fn the_corner_cell_is_read_and_one_row_or_column_beyond_is_refused() {
        let got = cells(&workbook(
            r#"<row r="10000"><c r="CV10000"><v>7</v></c></row>"#,
            &[],
        ));
        assert_eq!(got, vec![(9999, 99, Data::Float(7.0))]);
        for far in ["CW1", "A10001"] {
            let m = refusal(&workbook(
                &format!(r#"<row r="1"><c r="{far}"><v>7</v></c></row>"#),
                &[],
            ));
            assert!(m.contains(&format!("单元格 {far} 超出")), "{m}");
            assert!(
                m.contains("工作表“表一”（xl/worksheets/sheet1.xml）"),
                "{m}"
            );
            assert!(m.contains("最多 10000 行、100 列"), "{m}");
        }
        let m = refusal(&workbook(r#"<row r="10001"/>"#, &[]));
        assert!(m.contains("第 10001 行超出"), "{m}");
    }

    #[test]
    fn cells_without_reference_are_placed_as_calamine_places_them() {
        let row = |n: usize| format!(r#"<row r="10000">{}</row>"#, "<c><v>1</v></c>".repeat(n));
        let got = cells(&workbook(&row(100), &[]));
        assert_eq!(got.last().map(|c| (c.0, c.1)), Some((9999, 99)));
        let m = refusal(&workbook(&row(101), &[]));
        assert!(m.contains("按顺序应在 CW10000"), "{m}");
        // The row after the last one, when rows carry no number either.
        let rows = format!("<row r=\"10000\"/>{}", "<row><c><v>1</v></c></row>");
        let m = refusal(&workbook(&rows, &[]));
        assert!(m.contains("A10001"), "{m}");
    }

    #[test]
    fn references_are_parsed_without_overflow() {
        assert_eq!(parse_a1(b"A1", false), Some((1, 1)));
        assert_eq!(parse_a1(b"cv10000", false), Some((10_000, 100)));
        assert_eq!(parse_a1(b"XFD1048576", false), Some((1_048_576, 16_384)));
        assert_eq!(
            parse_a1(b"A99999999999999999999999", false),
            Some((u64::MAX, 1))
        );
        assert!(parse_a1("Z".repeat(40).as_bytes(), true).is_none());
        assert_eq!(
            parse_a1(format!("{}1", "Z".repeat(40)).as_bytes(), false).map(|x| x.1),
            Some(u64::MAX)
        );
        assert_eq!(parse_a1(b"5", true), Some((5, 0)));
        for bad in ["5", "A0", "A", "$A$1", "A1B", "", "Ａ1"] {
            assert_eq!(parse_a1(bad.as_bytes(), false), None, "{bad}");
        }
        assert_eq!(column_name(1), "A");
        assert_eq!(column_name(100), "CV");
        assert_eq!(column_name(16_384), "XFD");
    }

    #[test]
    fn a_part_is_read_with_a_cap_whatever_size_it_declares() {
        let big = format!("<x>{}</x>", " ".repeat(5000));
        let honest = workbook("", &[("xl/big.xml", big.as_bytes())]);
        let lying = lie_about_size(honest.clone(), "xl/big.xml", 100);
        let small = ReportingSettings {
            max_unpacked_bytes: 3000,
            ..ReportingSettings::default()
        };
        // Declared honestly: refused from the declared sizes, before anything is inflated.
        assert!(matches!(
            check(&honest, &small),
            Err(ImportError::TooLargeUnpacked { max: 3000 })
        ));
        // Declaring 100 bytes: read with the cap, refused when the cap is passed.
        assert!(matches!(
            check(&lying, &small),
            Err(ImportError::TooLargeUnpacked { max: 3000 })
        ));
        // Within the caps but not what it declared: refused too.
        let m = check(&lying, &ReportingSettings::default())
            .expect_err("lies")
            .to_string();
        assert!(m.contains("声明解压后为 100 字节，实际为 5007 字节"), "{m}");
    }

    #[test]
    fn binary_parts_are_left_out_and_a_broken_xml_part_is_refused() {
        let png = [0x89u8, b'P', b'N', b'G', 0xFF, 0xFE, 0x00, b'<', b'c'];
        let bytes = workbook(
            r#"<row r="1"><c r="A1"><v>1</v></c></row>"#,
            &[("xl/media/image1.png", &png)],
        );
        let checked = check(&bytes, &ReportingSettings::default()).expect("accepted");
        let z = zip::ZipArchive::new(Cursor::new(checked)).expect("zip");
        assert!(z.file_names().all(|n| n != "xl/media/image1.png"));
        assert!(z.file_names().any(|n| n == "xl/worksheets/sheet1.xml"));
        let broken = workbook(
            "",
            &[("xl/styles.xml", b"<styleSheet><fonts count=\"1\"><font")],
        );
        let m = refusal(&broken);
        assert!(
            m.contains("xl/styles.xml") && m.contains("不是格式正确的 XML"),
            "{m}"
        );
    }

    #[test]
    fn every_rule_applies_to_every_part_whatever_its_name() {
        // A relationship can make calamine read any part as a sheet.
        let m = refusal(&workbook(
            "",
            &[(
                "xl/media/notes.bin",
                br#"<sheetData><row><c r="XFD1"><v>1</v></c></row></sheetData>"#,
            )],
        ));
        assert!(
            m.contains("文件部件 xl/media/notes.bin") && m.contains("XFD1"),
            "{m}"
        );
        // Prefixed names are the same elements.
        let m = refusal(&workbook(
            r#"<x:row r="1"><x:c r="XFD1"><x:v>1</x:v></x:c></x:row>"#,
            &[],
        ));
        assert!(m.contains("XFD1"), "{m}");
        // A shared formula number on any element inside a cell sizes calamine's table.
        let m = refusal(&workbook(
            r#"<row r="1"><c r="A1"><v t="shared" si="50000" ref="A1:A2">1</v></c></row>"#,
            &[],
        ));
        assert!(m.contains("si=\"50000\""), "{m}");
    }

    #[test]
    fn copied_shared_strings_are_counted_per_reference() {
        let sst = |len: usize| {
            format!(
                r#"<sst count="2" uniqueCount="2"><si><t>短</t></si><si><t>{}</t></si></sst>"#,
                "长".repeat(len)
            )
        };
        let rows = |n: usize| {
            (1..=n)
                .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>1</v></c></row>"#))
                .collect::<String>()
        };
        // 1 000 cells × 30 000 bytes = 30 MB: within the limit.
        let ok = sst(10_000);
        let got = cells(&workbook(
            &rows(1000),
            &[("xl/sharedStrings.xml", ok.as_bytes())],
        ));
        assert_eq!(got.len(), 1000);
        // 3 000 cells × 30 000 bytes = 90 MB: refused, naming the sheet that copies them.
        let m = refusal(&workbook(
            &rows(3000),
            &[("xl/sharedStrings.xml", ok.as_bytes())],
        ));
        assert!(
            m.contains("工作表“表一”") && m.contains("共享字符串"),
            "{m}"
        );
    }

    #[test]
    fn counts_must_be_numbers_a_part_of_its_size_can_hold() {
        let sst = |attrs: &str| format!("<sst {attrs}><si><t>a</t></si></sst>");
        for (attrs, ok) in [
            (r#"count="1" uniqueCount="1""#, true),
            (r#"uniqueCount="8""#, true),
            (r#"uniqueCount="9""#, false),
            (r#"uniqueCount="999""#, false),
            (r#"uniqueCount="-1""#, false),
            (r#"uniqueCount=" 1""#, false),
            (r#"uniqueCount="1" uniqueCount="99999""#, false),
            (r#"count="99999999999""#, false),
        ] {
            let x = sst(attrs);
            let r = check(
                &workbook("", &[("xl/sharedStrings.xml", x.as_bytes())]),
                &ReportingSettings::default(),
            );
            assert_eq!(r.is_ok(), ok, "{attrs}: {r:?}");
        }
    }
}
