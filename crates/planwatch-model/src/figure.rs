//! A figure as every output shows it: the value, its unit, the decimals it is shown with and
//! where it comes from — one type, and one rule for writing a number ([`number_zh`]), used at the
//! edge by the pages, the API's text, `planwatch assess` and the documents (decision 0054). The
//! value stays unrounded; it is rounded once, when it is written.

use serde::{Deserialize, Serialize};

/// Writes a number with at most `decimals` decimals and no trailing zeros (186, 2.1, 0.55), the
/// way Chinese official tables do; −0 is 0.
pub fn number_zh(x: f64, decimals: u8) -> String {
    if !x.is_finite() {
        return "—".to_string();
    }
    let s = format!("{:.*}", usize::from(decimals), x);
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".to_string() } else { s }
}

/// A value with its unit, precision and source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Unrounded.
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The decimals it is written with.
    pub decimals: u8,
    /// The submission or file it comes from, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Figure {
    pub fn new(value: f64, unit: Option<&str>, decimals: u8) -> Figure {
        Figure {
            value,
            unit: unit.filter(|u| !u.is_empty()).map(str::to_string),
            decimals,
            source: None,
        }
    }

    pub fn with_source(mut self, source: Option<&str>) -> Figure {
        self.source = source.map(str::to_string);
        self
    }

    /// The number alone: `86.71`.
    pub fn number(&self) -> String {
        number_zh(self.value, self.decimals)
    }

    /// The number with its unit: `86.71公里`.
    pub fn zh(&self) -> String {
        format!("{}{}", self.number(), self.unit.as_deref().unwrap_or(""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_is_written_once_by_one_rule() {
        assert_eq!(number_zh(86.706, 2), "86.71");
        assert_eq!(number_zh(186.0, 2), "186");
        assert_eq!(number_zh(-0.001, 2), "0");
        assert_eq!(number_zh(f64::NAN, 2), "—");
        let f = Figure::new(86.706, Some("公里"), 2)
            .with_source(Some("市交通运输局2024年第四季度报告"));
        assert_eq!(f.zh(), "86.71公里");
        assert_eq!(f.number(), "86.71");
        assert_eq!(Figure::new(3.0, Some(""), 0).zh(), "3");
    }
}
