//! Bulk import of historical indicator values and baselines from CSV (UTF-8 or GB18030, as Excel
//! and WPS save it) or xlsx, with the same rules as a quarterly report: every problem located
//! (file, row, column), nothing imported if there is any.
//!
//! Columns, in the first row: 指标 | 期间 | 数值 | 数据来源 | 说明 | 基期 (the last one optional).
//! 指标 is the indicator's code or name; 期间 is a quarter (2023Q3, 2023年第三季度) or a year
//! (2021, 2021年: the year-end value, stored as its fourth quarter); 基期 = 是 marks a baseline.

use crate::catalogue::Catalogue;
use crate::settings::ReportingSettings;
use crate::validate::{check_value, text_limits, text_too_long};
use crate::xlsx::cells::{data_text, parse_number_text};
use crate::xlsx::{ImportError, SheetIssue, col_letter, open_workbook};
use calamine::{Data, Reader};
use planwatch_model::{Baseline, IndicatorCode, Quarter};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const VALUES_SHEET: &str = "指标历史数据";
const HEADERS: [&str; 6] = ["指标", "期间", "数值", "数据来源", "说明", "基期"];

/// One indicator value for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueRecord {
    pub code: IndicatorCode,
    pub period: Quarter,
    pub value: f64,
    pub source: String,
    pub note: String,
}

/// One indicator's baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineRecord {
    pub code: IndicatorCode,
    pub baseline: Baseline,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ValuesImport {
    pub values: Vec<ValueRecord>,
    pub baselines: Vec<BaselineRecord>,
}

/// Reads a values file named `file_name` (for messages) from `bytes`. `existing` holds the values
/// already on record per indicator code; values in the file for the same period replace them.
pub fn read_values(
    file_name: &str,
    bytes: &[u8],
    catalogue: &Catalogue,
    existing: &BTreeMap<String, Vec<(Quarter, f64)>>,
    settings: &ReportingSettings,
) -> Result<ValuesImport, ImportError> {
    let (sheet, rows) = if bytes.starts_with(b"PK\x03\x04") {
        xlsx_rows(bytes, settings)?
    } else {
        if bytes.len() as u64 > settings.max_workbook_bytes {
            return Err(ImportError::TooLarge {
                size: bytes.len() as u64,
                max: settings.max_workbook_bytes,
            });
        }
        (file_name.to_string(), csv_rows(bytes)?)
    };
    if rows.len() > settings.max_rows_per_sheet as usize {
        return Err(ImportError::Invalid(vec![SheetIssue::sheet(
            &sheet,
            format!(
                "行数过多（{} 行，上限 {} 行）；请分成几个文件导入",
                rows.len(),
                settings.max_rows_per_sheet
            ),
        )]));
    }
    parse_rows(&sheet, &rows, catalogue, existing)
}

/// The rows of the values sheet (or the first sheet) as text.
fn xlsx_rows(
    bytes: &[u8],
    settings: &ReportingSettings,
) -> Result<(String, Vec<Vec<String>>), ImportError> {
    let mut wb = open_workbook(bytes, settings)?;
    let names = wb.sheet_names();
    let name = names
        .iter()
        .find(|n| *n == VALUES_SHEET)
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| ImportError::Corrupt("工作簿中没有工作表".into()))?;
    let sheet = crate::xlsx::read_sheet(&mut wb, &name, settings)
        .map_err(|i| ImportError::Invalid(vec![i]))?;
    let mut issues = Vec::new();
    let mut rows = Vec::new();
    for r in 0..=sheet.last_row().unwrap_or(0) {
        let mut row = Vec::new();
        for c in 0..u16::try_from(HEADERS.len()).expect("few") {
            if let Some(f) = sheet.formula(r, c) {
                issues.push(SheetIssue::cell(
                    &name,
                    r,
                    c,
                    format!("含公式（={f}），请改为直接填写数值"),
                ));
            }
            let v = match sheet.value(r, c) {
                Data::Float(f) => crate::validate::fmt_num(*f),
                Data::Error(e) => {
                    issues.push(SheetIssue::cell(
                        &name,
                        r,
                        c,
                        format!("错误值 #{e:?}，请改为有效内容"),
                    ));
                    String::new()
                }
                d => data_text(d),
            };
            row.push(v);
        }
        rows.push(row);
    }
    if issues.is_empty() {
        Ok((name, rows))
    } else {
        Err(ImportError::Invalid(issues))
    }
}

/// Decodes CSV bytes (UTF-8 with or without BOM, else GB18030) and splits them into records.
fn csv_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    if bytes.contains(&0) {
        return Err(ImportError::NotXlsx(
            "既不是 xlsx 也不是 CSV 文本文件".into(),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.trim_start_matches('\u{feff}').to_string(),
        Err(_) => {
            let (s, _, bad) = encoding_rs::GB18030.decode(bytes);
            if bad {
                return Err(ImportError::NotXlsx(
                    "文本编码无法识别（应为 UTF-8 或 GBK）".into(),
                ));
            }
            s.into_owned()
        }
    };
    Ok(parse_csv(&text))
}

/// RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match ch {
            '"' if field.is_empty() => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            c => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Parses a period: a quarter, or a year meaning its year-end (fourth quarter).
fn parse_period(s: &str) -> Option<(Quarter, bool)> {
    let t = s.trim();
    if let Ok(q) = Quarter::parse(t) {
        return Some((q, false));
    }
    let y = t.strip_suffix('年').unwrap_or(t);
    let year: i32 = y.parse().ok().filter(|y| (1900..=2100).contains(y))?;
    Quarter::new(year, 4).map(|q| (q, true))
}

fn parse_rows(
    sheet: &str,
    rows: &[Vec<String>],
    catalogue: &Catalogue,
    existing: &BTreeMap<String, Vec<(Quarter, f64)>>,
) -> Result<ValuesImport, ImportError> {
    let mut issues = Vec::new();
    let cell = |r: usize, c: usize| -> &str {
        rows.get(r).and_then(|x| x.get(c)).map_or("", |s| s.trim())
    };
    let at = |r: usize, c: usize, msg: String| SheetIssue {
        sheet: sheet.to_string(),
        row: Some(u32::try_from(r + 1).unwrap_or(u32::MAX)),
        column: Some(col_letter(u16::try_from(c).unwrap_or(u16::MAX))),
        message: msg,
    };
    let Some(header) = rows.first() else {
        return Err(ImportError::Empty);
    };
    let optional_last = HEADERS.len() - 1;
    for (c, want) in HEADERS.iter().enumerate() {
        let got = header.get(c).map_or("", |s| s.trim());
        if got != *want && !(c == optional_last && got.is_empty()) {
            issues.push(at(
                0,
                c,
                format!(
                    "第一行的列名应为“{want}”，实际为“{got}”；列顺序：{}",
                    HEADERS.join("、")
                ),
            ));
        }
    }
    if !issues.is_empty() {
        return Err(ImportError::Invalid(issues));
    }

    struct Pending<'a> {
        row: usize,
        def: &'a planwatch_model::IndicatorDef,
        period: Quarter,
        value: f64,
        note: String,
    }
    let mut out = ValuesImport::default();
    let mut pending: Vec<Pending<'_>> = Vec::new();
    let mut seen: BTreeMap<(IndicatorCode, Quarter, bool), usize> = BTreeMap::new();
    for (r, fields) in rows.iter().enumerate().skip(1) {
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let key = cell(r, 0);
        let Some(def) = catalogue.lookup(key) else {
            issues.push(at(
                r,
                0,
                if key.is_empty() {
                    "请填写指标编码或名称".to_string()
                } else {
                    format!("未知指标“{key}”；请填写指标目录中的编码或名称")
                },
            ));
            continue;
        };
        let Some((period, year_only)) = parse_period(cell(r, 1)) else {
            issues.push(at(
                r,
                1,
                format!(
                    "期间“{}”无法识别；请写作 2023Q3 或 2021（年度值）",
                    cell(r, 1)
                ),
            ));
            continue;
        };
        let Some(value) = parse_number_text(cell(r, 2), def.is_percent()) else {
            issues.push(at(
                r,
                2,
                if cell(r, 2).is_empty() {
                    "请填写数值".to_string()
                } else {
                    format!("数值应为数字，实际为“{}”", cell(r, 2))
                },
            ));
            continue;
        };
        let is_baseline = match cell(r, 5) {
            "是" => true,
            "" | "否" => false,
            other => {
                issues.push(at(
                    r,
                    5,
                    format!("“基期”只能填“是”或“否”，填写的是“{other}”"),
                ));
                continue;
            }
        };
        for (c, what, max) in [
            (3, "数据来源", text_limits::SOURCE),
            (4, "说明", text_limits::NOTE),
        ] {
            if let Some(msg) = text_too_long(what, cell(r, c), max) {
                issues.push(at(r, c, msg));
            }
        }
        if let Some(first) = seen.insert((def.code.clone(), period, is_baseline), r) {
            issues.push(at(
                r,
                1,
                format!("与第{}行重复：同一指标同一期间只能有一个值", first + 1),
            ));
            continue;
        }
        if is_baseline {
            if !year_only {
                issues.push(at(r, 1, "基期值的期间请只写年份（如 2021）".into()));
                continue;
            }
            for p in check_value(def, period, value, "基期", &[]) {
                issues.push(at(r, 2, p.message_zh(def, value)));
            }
            out.baselines.push(BaselineRecord {
                code: def.code.clone(),
                baseline: Baseline {
                    year: period.year(),
                    value,
                    source: cell(r, 3).to_string(),
                },
            });
            continue;
        }
        pending.push(Pending {
            row: r,
            def,
            period,
            value,
            note: cell(r, 4).to_string(),
        });
        out.values.push(ValueRecord {
            code: def.code.clone(),
            period,
            value,
            source: cell(r, 3).to_string(),
            note: cell(r, 4).to_string(),
        });
    }
    // Rules are checked against everything on record after the import: the file's own values
    // replace existing ones of the same period.
    let mut combined: BTreeMap<&str, BTreeMap<Quarter, f64>> = BTreeMap::new();
    for (code, hist) in existing {
        combined
            .entry(code.as_str())
            .or_default()
            .extend(hist.iter().copied());
    }
    for p in &pending {
        combined
            .entry(p.def.code.as_str())
            .or_default()
            .insert(p.period, p.value);
    }
    for p in &pending {
        let hist: Vec<(Quarter, f64)> = combined
            .get(p.def.code.as_str())
            .map(|m| {
                m.iter()
                    .filter(|(q, _)| **q != p.period)
                    .map(|(q, v)| (*q, *v))
                    .collect()
            })
            .unwrap_or_default();
        for problem in check_value(p.def, p.period, p.value, &p.note, &hist) {
            issues.push(at(p.row, 2, problem.message_zh(p.def, p.value)));
        }
    }
    if issues.is_empty() {
        Ok(out)
    } else {
        issues.sort_by_key(|i| i.row);
        Err(ImportError::Invalid(issues))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::tests::yangquan_catalogue;

    fn read(csv: &str) -> Result<ValuesImport, ImportError> {
        read_values(
            "values.csv",
            csv.as_bytes(),
            &yangquan_catalogue(),
            &BTreeMap::new(),
            &ReportingSettings::default(),
        )
    }

    const HEAD: &str = "指标,期间,数值,数据来源,说明,基期\n";

    #[test]
    fn values_and_baselines_are_read_by_code_or_name() {
        let csv = format!(
            "{HEAD}hightech-enterprises,2021,113,统计公报,,是\n国家高新技术企业数量,2022Q4,128,科技局台账,,\n5g-stations,2022年第四季度,\"2,010\",大数据局,,\n"
        );
        let v = read(&csv).expect("valid");
        assert_eq!(v.baselines.len(), 1);
        assert_eq!(
            v.baselines[0].baseline,
            Baseline {
                year: 2021,
                value: 113.0,
                source: "统计公报".into()
            }
        );
        assert_eq!(v.values.len(), 2);
        assert_eq!(v.values[0].period.to_string(), "2022Q4");
        assert_eq!(v.values[1].value, 2010.0);
    }

    #[test]
    fn a_gbk_csv_saved_by_excel_is_read() {
        let csv = format!("{HEAD}hightech-enterprises,2022Q4,128,科技局台账,,\n");
        let (gbk, _, _) = encoding_rs::GBK.encode(&csv);
        let v = read_values(
            "v.csv",
            &gbk,
            &yangquan_catalogue(),
            &BTreeMap::new(),
            &ReportingSettings::default(),
        )
        .expect("gbk");
        assert_eq!(v.values[0].source, "科技局台账");
    }

    #[test]
    fn every_bad_row_is_reported_and_nothing_is_imported() {
        let csv = format!(
            "{HEAD}unknown,2022Q4,1,,,\nhightech-enterprises,2022Q5,1,,,\nhightech-enterprises,2022Q4,很多,,,\nrd-gdp-share,2022Q4,150,,,\n5g-stations,2022Q3,2500,,,\n5g-stations,2022Q4,2400,,,\nhightech-enterprises,2022Q2,1,,,x\n"
        );
        let e = read(&csv).expect_err("invalid");
        let msgs: Vec<String> = e.issues().iter().map(|i| i.to_string()).collect();
        assert_eq!(msgs.len(), 7, "{msgs:#?}");
        assert!(
            msgs[0].starts_with("工作表“values.csv” 第2行 A列（A2）：未知指标“unknown”"),
            "{}",
            msgs[0]
        );
        assert!(msgs[1].contains("B3") && msgs[1].contains("期间“2022Q5”无法识别"));
        assert!(msgs[2].contains("C4") && msgs[2].contains("数值应为数字，实际为“很多”"));
        assert!(msgs[3].contains("C5") && msgs[3].contains("0 到 100"));
        assert!(msgs[4].contains("C6") && msgs[4].contains("不能大于以后各期"));
        assert!(msgs[5].contains("C7") && msgs[5].contains("累计值，不能减少"));
        assert!(msgs[6].contains("F8") && msgs[6].contains("“基期”只能填“是”或“否”"));
    }

    #[test]
    fn a_value_replacing_one_on_record_is_checked_against_the_others() {
        let existing = BTreeMap::from([(
            "5g-stations".to_string(),
            vec![
                (Quarter::parse("2022Q3").expect("q"), 9999.0),
                (Quarter::parse("2022Q4").expect("q"), 2400.0),
            ],
        )]);
        let csv = format!("{HEAD}5g-stations,2022Q3,2300,,,\n");
        let v = read_values(
            "v.csv",
            csv.as_bytes(),
            &yangquan_catalogue(),
            &existing,
            &ReportingSettings::default(),
        )
        .expect("replacing 9999 by 2300 is fine");
        assert_eq!(v.values[0].value, 2300.0);
    }

    #[test]
    fn duplicate_periods_and_wrong_headers_are_refused() {
        let e = read(&format!(
            "{HEAD}5g-stations,2022Q3,1,,,\n5g-stations,2022Q3,1,,,\n"
        ))
        .expect_err("dup");
        assert!(e.to_string().contains("与第2行重复"), "{e}");
        let e = read("code,period,value\n").expect_err("headers");
        assert!(
            e.to_string()
                .contains("第一行的列名应为“指标”，实际为“code”"),
            "{e}"
        );
    }

    #[test]
    fn csv_quoting_follows_rfc_4180() {
        let rows = parse_csv("a,\"b,c\",\"d\"\"e\"\r\n\"multi\nline\",x\n");
        assert_eq!(
            rows,
            vec![vec!["a", "b,c", "d\"e"], vec!["multi\nline", "x"]]
        );
    }

    #[test]
    fn an_xlsx_values_file_is_read_and_a_formula_is_refused() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in HEADERS.iter().enumerate() {
            ws.write_string(0, u16::try_from(c).expect("few"), *h)
                .expect("w");
        }
        ws.write_string(1, 0, "hightech-enterprises").expect("w");
        ws.write_string(1, 1, "2022Q4").expect("w");
        ws.write_number(1, 2, 128.0).expect("w");
        ws.write_string(2, 0, "hightech-enterprises").expect("w");
        ws.write_string(2, 1, "2023Q1").expect("w");
        ws.write_formula(2, 2, "=128+2").expect("w");
        let bytes = wb.save_to_buffer().expect("save");
        let e = read_values(
            "v.xlsx",
            &bytes,
            &yangquan_catalogue(),
            &BTreeMap::new(),
            &ReportingSettings::default(),
        )
        .expect_err("formula");
        assert!(
            e.to_string().contains("C3") && e.to_string().contains("含公式（=128+2）"),
            "{e}"
        );
    }
}

#[cfg(test)]
mod never_panics {
    use super::*;
    use crate::catalogue::tests::yangquan_catalogue;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn any_text_as_a_values_file_gives_values_or_located_errors(body in "[a-z0-9,\"\n年Q季度是否%.-]{0,200}") {
            let text = format!("指标,期间,数值,数据来源,说明,基期\n{body}");
            let _ = read_values("v.csv", text.as_bytes(), &yangquan_catalogue(), &BTreeMap::new(), &ReportingSettings::default());
        }

        #[test]
        fn any_bytes_as_a_values_file_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = read_values("v.csv", &bytes, &yangquan_catalogue(), &BTreeMap::new(), &ReportingSettings::default());
        }
    }
}
