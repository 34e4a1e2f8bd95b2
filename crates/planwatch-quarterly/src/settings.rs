//! Reporting settings (deadlines, participation, file limits) read from `config/reporting.toml`;
//! every setting has a documented default.

use serde::{Deserialize, Serialize};

/// The settings file shipped with the binary; it lists every setting with its default.
pub const DEFAULT_SETTINGS_TOML: &str = include_str!("../../../config/reporting.toml");

/// Evidence file types the reporting rules know how to recognise from their content.
pub const KNOWN_EVIDENCE_TYPES: [&str; 9] = [
    "pdf", "jpg", "png", "docx", "xlsx", "pptx", "doc", "xls", "ofd",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportingSettings {
    /// The deadline is the N-th day after the quarter ends (10 → 10 October for Q3).
    pub deadline_days_after_quarter_end: u32,
    /// Whether a unit's report carries rows for the tasks it participates in.
    pub include_participating_tasks: bool,
    /// Default for indicators without their own setting: a change of more than this share
    /// against the previous period needs a note.
    pub max_change_share: f64,
    pub max_workbook_bytes: u64,
    pub max_unpacked_bytes: u64,
    pub max_rows_per_sheet: u32,
    pub max_evidence_bytes: u64,
    pub evidence_types: Vec<String>,
}

impl Default for ReportingSettings {
    fn default() -> Self {
        Self {
            deadline_days_after_quarter_end: 10,
            include_participating_tasks: true,
            max_change_share: 0.5,
            max_workbook_bytes: 5 * 1024 * 1024,
            max_unpacked_bytes: 100 * 1024 * 1024,
            max_rows_per_sheet: 5000,
            max_evidence_bytes: 20 * 1024 * 1024,
            evidence_types: KNOWN_EVIDENCE_TYPES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// A settings file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("报送设置文件格式错误：{0}")]
    Toml(#[from] toml::de::Error),
    #[error("报送设置“{field}”的值无效：{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
}

impl ReportingSettings {
    /// Parses a settings file; missing settings take their defaults.
    pub fn from_toml(text: &str) -> Result<Self, SettingsError> {
        let s: Self = toml::from_str(text)?;
        s.check()?;
        Ok(s)
    }

    fn check(&self) -> Result<(), SettingsError> {
        if self.deadline_days_after_quarter_end > 90 {
            return Err(SettingsError::Invalid {
                field: "deadline_days_after_quarter_end",
                message: "应在 0 到 90 天之间".into(),
            });
        }
        if !(self.max_change_share >= 0.0 && self.max_change_share.is_finite()) {
            return Err(SettingsError::Invalid {
                field: "max_change_share",
                message: "应为不小于 0 的数".into(),
            });
        }
        if !(1..=crate::xlsx::guard::MAX_ROWS).contains(&u64::from(self.max_rows_per_sheet)) {
            return Err(SettingsError::Invalid {
                field: "max_rows_per_sheet",
                message: format!(
                    "应在 1 到 {} 之间（工作簿在读取前按此上限检查）",
                    crate::xlsx::guard::MAX_ROWS
                ),
            });
        }
        if let Some(t) = self
            .evidence_types
            .iter()
            .find(|t| !KNOWN_EVIDENCE_TYPES.contains(&t.as_str()))
        {
            return Err(SettingsError::Invalid {
                field: "evidence_types",
                message: format!(
                    "不支持的类型“{t}”，可选：{}",
                    KNOWN_EVIDENCE_TYPES.join("、")
                ),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_settings_file_equals_the_defaults() {
        let s = ReportingSettings::from_toml(DEFAULT_SETTINGS_TOML).expect("shipped file parses");
        assert_eq!(s, ReportingSettings::default());
    }

    #[test]
    fn an_unknown_setting_is_an_error_that_names_it() {
        let e = ReportingSettings::from_toml("deadline_days = 5").expect_err("unknown key");
        assert!(e.to_string().contains("deadline_days"), "{e}");
    }

    #[test]
    fn an_unknown_evidence_type_is_refused() {
        let e = ReportingSettings::from_toml(r#"evidence_types = ["exe"]"#).expect_err("exe");
        assert!(e.to_string().contains("exe"), "{e}");
    }
}
