//! The lists (报送情况, 指标, 任务, 单位) as tables one can take away: `?format=xlsx` on a list's
//! own address gives the rows the page shows — with the same filters, in the same order, in the
//! same words and figures — as an Excel workbook written by the documents' xlsx writer
//! (`planwatch_docs::xlsx`). Sorting and filtering on the page itself are the list's query
//! parameters; `app.js` adds sorting by a click on a column head as a convenience.

use super::super::error::{WebError, WebResult, percent_encode};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use planwatch_docs::model::{Align, Block, Cell, Column, Document, Row, Table};

/// A list as the page shows it: column heads and the text of each cell.
pub struct ListTable {
    /// The workbook's title row, e.g. 重点任务（2024年第四季度）.
    pub title: String,
    /// The sheet's name and the file's, e.g. 任务.
    pub sheet: &'static str,
    /// Column heads with whether the column holds numbers (stored as numbers in Excel).
    pub columns: Vec<(&'static str, bool)>,
    pub rows: Vec<Vec<String>>,
    pub demo: bool,
}

/// Whether the list was asked for as a workbook (`?format=xlsx`); any other format is refused.
pub fn wants_xlsx(format: &str) -> WebResult<bool> {
    match format.trim() {
        "" | "html" => Ok(false),
        "xlsx" => Ok(true),
        other => Err(WebError::BadRequest(format!(
            "不支持的导出格式“{other}”：列表可导出为 xlsx（?format=xlsx）"
        ))),
    }
}

/// A numeric cell when the text is a plain number (`87.5`), written with as many decimals as
/// the page shows; any other text as text.
fn cell(text: &str, numeric: bool) -> Cell {
    if numeric && let Ok(v) = text.trim().parse::<f64>() {
        let decimals = text.trim().split_once('.').map_or(0, |(_, d)| d.len());
        let format = if decimals == 0 {
            "0".to_string()
        } else {
            format!("0.{}", "0".repeat(decimals))
        };
        return Cell::number(text, v, &format, &[]);
    }
    Cell::text(text)
}

impl ListTable {
    /// The workbook as bytes.
    pub fn xlsx_bytes(&self) -> WebResult<Vec<u8>> {
        let table = Table {
            id: "list".to_string(),
            number: None,
            title: self.title.clone(),
            columns: self
                .columns
                .iter()
                .map(|(title, numeric)| {
                    let width = if *numeric { 8 } else { 20 };
                    let align = if *numeric { Align::Right } else { Align::Left };
                    Column::new(title, width, align)
                })
                .collect(),
            rows: self
                .rows
                .iter()
                .map(|r| Row::Cells {
                    cells: r
                        .iter()
                        .zip(&self.columns)
                        .map(|(t, (_, numeric))| cell(t, *numeric))
                        .collect(),
                })
                .collect(),
            sheet: Some(self.sheet.to_string()),
            note: None,
        };
        let doc = Document {
            title: self.title.clone(),
            demo: self.demo,
            blocks: vec![Block::Table(table)],
            sources: Vec::new(),
        };
        planwatch_docs::xlsx::render(&doc, "宋体")
            .map_err(|e| WebError::Internal(anyhow::anyhow!("{e}")))
    }

    /// The workbook as a download named after the list, e.g. `任务.xlsx`.
    pub fn download(&self) -> WebResult<Response> {
        let bytes = self.xlsx_bytes()?;
        let mut res = bytes.into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        );
        let file = format!("{}.xlsx", self.title);
        let disposition = format!(
            "attachment; filename=\"planwatch-list.xlsx\"; filename*=UTF-8''{}",
            percent_encode(&file)
        );
        h.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition)
                .map_err(|e| WebError::Internal(anyhow::anyhow!("{e}")))?,
        );
        Ok(res)
    }
}

/// The query string of a list page with `format=xlsx` added: the export link keeps the filters.
pub fn export_href(path: &str, query: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(&str, &str)> = query
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .copied()
        .collect();
    pairs.push(("format", "xlsx"));
    let q = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("{path}?{q}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_decimals_and_text_stays_text() {
        let c = cell("87.50", true);
        assert_eq!(c.number, Some(87.5));
        assert_eq!(c.format.as_deref(), Some("0.00"));
        assert_eq!(cell("12", true).format.as_deref(), Some("0"));
        assert_eq!(cell("3/12 A", true).number, None);
        assert_eq!(cell("87.5", false).number, None);
    }

    #[test]
    fn only_xlsx_is_offered() {
        assert_eq!(wants_xlsx("").ok(), Some(false));
        assert_eq!(wants_xlsx("xlsx").ok(), Some(true));
        assert!(wants_xlsx("csv").is_err());
    }

    #[test]
    fn the_export_link_keeps_the_filters() {
        assert_eq!(
            export_href("/tasks", &[("status", "stalled"), ("q", "")]),
            "/tasks?status=stalled&format=xlsx"
        );
    }
}
