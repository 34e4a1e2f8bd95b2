//! Report settings (`config/report.toml`): font families per typographic role, where to look
//! for font files, the page layout of GB/T 9704-2012 and the issuing office. (Which task force
//! steers which task is the organisation's business: `config/yangquan-org.toml`, the store.) Every setting has a
//! default here; the file in the repository lists them all with the same values.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportConfig {
    /// The issuing office printed under the report (发文机关署名).
    pub issuer: String,
    pub fonts: FontConfig,
    pub layout: LayoutConfig,
}

impl Default for ReportConfig {
    fn default() -> Self {
        Self {
            issuer: "阳泉市国家创新型城市建设工作领导小组办公室".into(),
            fonts: FontConfig::default(),
            layout: LayoutConfig::default(),
        }
    }
}

/// The typographic roles of an official document and the font families wanted for each, in
/// order of preference. Word documents name the first family (the office's machines have it);
/// PDF embeds the first family found, or any installed CJK font of the same style.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FontConfig {
    /// Extra font files or folders, searched before the system fonts (for 方正小标宋简体,
    /// 仿宋_GB2312 and other fonts the office licenses).
    pub paths: Vec<PathBuf>,
    /// Also search the system's fonts (fontconfig's folders, or /usr/share/fonts).
    pub system: bool,
    /// 标题: 2号 小标宋.
    pub title: Vec<String>,
    /// 正文: 3号 仿宋.
    pub body: Vec<String>,
    /// 一级标题: 黑体.
    pub heading1: Vec<String>,
    /// 二级标题: 楷体.
    pub heading2: Vec<String>,
    /// 表格: 五号 宋体.
    pub table: Vec<String>,
    /// 页码: 4号 宋体.
    pub page_number: Vec<String>,
    /// Chart labels (a sans-serif face reads best at small sizes).
    pub chart: Vec<String>,
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

impl Default for FontConfig {
    fn default() -> Self {
        Self {
            paths: Vec::new(),
            system: true,
            title: names(&[
                "方正小标宋简体",
                "方正小标宋_GBK",
                "FZXiaoBiaoSong-B05S",
                "华文中宋",
                "STZhongsong",
                "Noto Serif CJK SC",
            ]),
            body: names(&[
                "仿宋_GB2312",
                "仿宋",
                "FangSong",
                "STFangsong",
                "Noto Serif CJK SC",
            ]),
            heading1: names(&["黑体", "SimHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei"]),
            heading2: names(&[
                "楷体_GB2312",
                "楷体",
                "KaiTi",
                "STKaiti",
                "Noto Serif CJK SC",
            ]),
            table: names(&["宋体", "SimSun", "Noto Serif CJK SC"]),
            page_number: names(&["宋体", "SimSun", "Noto Serif CJK SC"]),
            chart: names(&["黑体", "SimHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei"]),
        }
    }
}

/// Page layout in millimetres and points (GB/T 9704-2012 §5.2; practice values where the
/// standard leaves a range).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LayoutConfig {
    pub margin_top_mm: f64,
    pub margin_bottom_mm: f64,
    pub margin_left_mm: f64,
    pub margin_right_mm: f64,
    /// Body line spacing, fixed (固定值); practice uses 28–30 pt.
    pub line_spacing_pt: f64,
}

impl Default for LayoutConfig {
    fn default() -> Self {
        Self {
            margin_top_mm: 37.0,
            margin_bottom_mm: 35.0,
            margin_left_mm: 28.0,
            margin_right_mm: 26.0,
            line_spacing_pt: 28.0,
        }
    }
}

impl LayoutConfig {
    /// How many 2号 (22 pt) characters fit on a title line of an upright A4 page, less half a
    /// character of slack for wide digits.
    pub fn title_chars_per_line(&self) -> f64 {
        let width_pt = (210.0 - self.margin_left_mm - self.margin_right_mm) * 72.0 / 25.4;
        width_pt / 22.0 - 0.5
    }
}

/// A report settings file that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("报告配置有误（{where_}）：{message}。请对照 config/report.toml 的说明修改")]
pub struct ConfigError {
    pub where_: String,
    pub message: String,
}

impl ReportConfig {
    /// Parses the TOML text of `config/report.toml`; `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let where_ = match e.span() {
                Some(span) => {
                    let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                    format!("{origin} 第{line}行")
                }
                None => origin.to_string(),
            };
            ConfigError {
                where_,
                message: e.message().to_string(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_config_file_lists_exactly_the_defaults() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../config/report.toml");
        let text = std::fs::read_to_string(path).expect("config/report.toml exists");
        let cfg = ReportConfig::from_toml(&text, "config/report.toml").expect("parses");
        assert_eq!(cfg, ReportConfig::default());
    }

    #[test]
    fn an_unknown_setting_is_an_error_naming_the_line() {
        let e = ReportConfig::from_toml("issuer = \"x\"\n\n[fonts]\nbogus = 1\n", "r.toml")
            .expect_err("unknown key");
        let msg = e.to_string();
        assert!(msg.contains("r.toml 第4行"), "{msg}");
        assert!(msg.contains("bogus"), "{msg}");
    }
}
