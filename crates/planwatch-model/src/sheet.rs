//! A worksheet as plain text cells: what a spreadsheet reader hands to the plan extractor
//! (task tables kept in Excel, WPS or LibreOffice). No formats, no formulas, no types: every
//! cell is its text as shown.

use serde::{Deserialize, Serialize};

/// A merged range of cells, 0-based and inclusive, indices into [`Sheet::rows`]. The value is in
/// the top-left cell; the other cells of the range are empty in the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Merge {
    pub first_row: u32,
    pub first_column: u32,
    pub last_row: u32,
    pub last_column: u32,
}

impl Merge {
    /// Whether the range covers the 0-based cell (`row`, `column`).
    pub fn contains(&self, row: u32, column: u32) -> bool {
        (self.first_row..=self.last_row).contains(&row)
            && (self.first_column..=self.last_column).contains(&column)
    }
}

/// One worksheet: its name and its cells as text, row by row from the first row of the sheet
/// (row 0 is the sheet's row 1, column 0 its column A). Rows may have different lengths; a
/// missing cell is an empty one. A cell's text keeps its line breaks (`\n`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<String>>,
    /// Merged ranges, as the workbook declares them (may be empty, as for CSV).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merges: Vec<Merge>,
}

impl Sheet {
    /// The text of the 0-based cell (`row`, `column`); empty outside the grid.
    pub fn cell(&self, row: usize, column: usize) -> &str {
        self.rows
            .get(row)
            .and_then(|r| r.get(column))
            .map_or("", String::as_str)
    }

    /// The number of columns of the widest row.
    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_outside_the_grid_are_empty_and_merges_cover_their_range() {
        let s = Sheet {
            name: "表1".into(),
            rows: vec![vec!["a".into()], vec!["b".into(), "c".into()]],
            merges: vec![Merge {
                first_row: 0,
                first_column: 0,
                last_row: 0,
                last_column: 1,
            }],
        };
        assert_eq!((s.cell(1, 1), s.cell(0, 1), s.cell(9, 9)), ("c", "", ""));
        assert_eq!(s.width(), 2);
        assert!(s.merges[0].contains(0, 1) && !s.merges[0].contains(1, 0));
        let json = serde_json::to_string(&s).expect("json");
        assert_eq!(serde_json::from_str::<Sheet>(&json).expect("back"), s);
    }
}
