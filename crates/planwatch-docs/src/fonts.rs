//! Font discovery and loading, done once: each typographic role (title, body, headings, table,
//! page number, chart) is resolved to an installed face from the configured families, the
//! configured paths and the system's fonts, falling back to any installed CJK face of the same
//! style. The result is kept in a `Fonts` value that the PDF and chart writers reuse.

use crate::config::FontConfig;
use resvg::usvg::fontdb;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

/// A typographic role of an official document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FontRole {
    Title,
    Body,
    Heading1,
    Heading2,
    Table,
    PageNumber,
    Chart,
}

impl FontRole {
    pub const ALL: [FontRole; 7] = [
        FontRole::Title,
        FontRole::Body,
        FontRole::Heading1,
        FontRole::Heading2,
        FontRole::Table,
        FontRole::PageNumber,
        FontRole::Chart,
    ];

    pub fn key(self) -> &'static str {
        match self {
            FontRole::Title => "title",
            FontRole::Body => "body",
            FontRole::Heading1 => "heading1",
            FontRole::Heading2 => "heading2",
            FontRole::Table => "table",
            FontRole::PageNumber => "page_number",
            FontRole::Chart => "chart",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            FontRole::Title => "标题",
            FontRole::Body => "正文",
            FontRole::Heading1 => "一级标题",
            FontRole::Heading2 => "二级标题",
            FontRole::Table => "表格",
            FontRole::PageNumber => "页码",
            FontRole::Chart => "图表",
        }
    }

    /// Whether a stand-in for this role should be a sans-serif (黑体-like) face.
    fn wants_sans(self) -> bool {
        matches!(self, FontRole::Heading1 | FontRole::Chart)
    }

    pub fn families(self, cfg: &FontConfig) -> &[String] {
        match self {
            FontRole::Title => &cfg.title,
            FontRole::Body => &cfg.body,
            FontRole::Heading1 => &cfg.heading1,
            FontRole::Heading2 => &cfg.heading2,
            FontRole::Table => &cfg.table,
            FontRole::PageNumber => &cfg.page_number,
            FontRole::Chart => &cfg.chart,
        }
    }
}

/// Why fonts could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error(
        "找不到中文字体：配置的字体“{wanted}”均未安装，系统中也没有其他中文字体。\
         请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk），\
         或在 config/report.toml 的 [fonts] paths 中写明字体文件路径"
    )]
    NoCjkFont { wanted: String },
    #[error("无法读取字体文件 {path}：{source}。请检查 config/report.toml 的 [fonts] paths")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("字体文件 {path} 无法解析（第{index}个字形集）。请换用 .ttf/.otf/.ttc 字体文件")]
    Parse { path: PathBuf, index: u32 },
    #[error("配置的字体路径不存在：{path}。请检查 config/report.toml 的 [fonts] paths")]
    MissingPath { path: PathBuf },
}

/// The face chosen for a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedFont {
    /// The first family configured for the role (what Word documents name).
    pub wanted: String,
    /// Whether the first family configured is the one used (the official font is installed).
    pub first: bool,
    /// The family the face is known by in the PDF engine.
    pub family: String,
    /// Whether it is a stand-in: none of the configured families is installed.
    pub substitute: bool,
    pub path: PathBuf,
    pub index: u32,
}

/// Which font a role asked for and which one the PDF and the charts use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FontUse {
    /// 标题, 正文, 一级标题 …
    pub role: &'static str,
    /// The first family configured for the role (what Word documents name).
    pub wanted: String,
    /// The family the PDF embeds and the charts are drawn with.
    pub used: String,
    /// The file it was read from.
    pub file: String,
    /// How it was chosen: the configured family, a later one of the role's list, or a stand-in
    /// because none of them is installed.
    pub how: FontChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FontChoice {
    /// The first family configured: the official font.
    Wanted,
    /// A later family of the role's list (the official one is not installed).
    Alternative,
    /// None of the role's families is installed; any CJK face of the style stands in.
    StandIn,
}

impl FontChoice {
    pub fn label_zh(self) -> &'static str {
        match self {
            FontChoice::Wanted => "已安装",
            FontChoice::Alternative => "未安装，使用备选字体",
            FontChoice::StandIn => "未安装，使用替代字体",
        }
    }
}

impl FontUse {
    /// 标题：要求“方正小标宋简体”，使用“Noto Serif CJK SC”（未安装，使用备选字体）.
    pub fn line_zh(&self) -> String {
        if self.how == FontChoice::Wanted {
            format!("{}：“{}”（{}）", self.role, self.used, self.how.label_zh())
        } else {
            format!(
                "{}：要求“{}”，使用“{}”（{}）",
                self.role,
                self.wanted,
                self.used,
                self.how.label_zh()
            )
        }
    }
}

/// The loaded fonts, shared by every PDF and chart rendering of the process.
pub struct Fonts {
    roles: BTreeMap<FontRole, ResolvedFont>,
    fonts: Vec<Font>,
    book: LazyHash<FontBook>,
    /// The chart face for resvg (SVG → PNG for Word), backed by the same bytes.
    chart_db: Arc<fontdb::Database>,
    notes: Vec<String>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("roles", &self.roles)
            .field("faces", &self.fonts.len())
            .finish()
    }
}

/// What a face is called, in every language its name table has.
fn face_names(face: &fontdb::FaceInfo) -> impl Iterator<Item = &str> {
    face.families
        .iter()
        .map(|(n, _)| n.as_str())
        .chain(std::iter::once(face.post_script_name.as_str()))
}

fn path_of(face: &fontdb::FaceInfo) -> Option<PathBuf> {
    match &face.source {
        fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => Some(p.clone()),
        fontdb::Source::Binary(_) => None,
    }
}

/// How well a face suits as the regular face of its family: upright, normal weight, normal
/// width. Lower is better.
fn regular_distance(face: &fontdb::FaceInfo) -> (u8, u16, bool) {
    (
        u8::from(face.style != fontdb::Style::Normal),
        face.weight.0.abs_diff(400),
        face.monospaced,
    )
}

/// Whether a face's names suggest CJK coverage (checked for real before it is used).
fn looks_cjk(face: &fontdb::FaceInfo) -> bool {
    face_names(face).any(|n| {
        n.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) || {
            let l = n.to_lowercase();
            [
                "cjk",
                "wenquanyi",
                "wqy",
                "hei",
                "song",
                "kai",
                "fang",
                "ming",
                "droid sans fallback",
                "ar pl",
            ]
            .iter()
            .any(|k| l.contains(k))
        }
    })
}

fn looks_sans(face: &fontdb::FaceInfo) -> bool {
    face_names(face).any(|n| {
        let l = n.to_lowercase();
        l.contains("sans") || l.contains("hei") || n.contains('黑')
    })
}

impl Fonts {
    /// Finds and loads the faces for every role. Reads font files; do it once per process.
    pub fn load(cfg: &FontConfig) -> Result<Self, FontError> {
        let mut db = fontdb::Database::new();
        for p in &cfg.paths {
            if p.is_dir() {
                db.load_fonts_dir(p);
            } else if p.is_file() {
                db.load_font_file(p).map_err(|source| FontError::Read {
                    path: p.clone(),
                    source,
                })?;
            } else {
                return Err(FontError::MissingPath { path: p.clone() });
            }
        }
        if cfg.system {
            db.load_system_fonts();
        }
        Self::from_database(cfg, &db)
    }

    fn from_database(cfg: &FontConfig, db: &fontdb::Database) -> Result<Self, FontError> {
        let mut roles = BTreeMap::new();
        let mut notes = Vec::new();
        let mut loaded: BTreeMap<(PathBuf, u32), Font> = BTreeMap::new();
        let mut files: BTreeMap<PathBuf, Bytes> = BTreeMap::new();
        let mut load = |path: &PathBuf, index: u32| -> Result<Font, FontError> {
            if let Some(f) = loaded.get(&(path.clone(), index)) {
                return Ok(f.clone());
            }
            let bytes = match files.get(path) {
                Some(b) => b.clone(),
                None => {
                    let data = std::fs::read(path).map_err(|source| FontError::Read {
                        path: path.clone(),
                        source,
                    })?;
                    let b = Bytes::new(data);
                    files.insert(path.clone(), b.clone());
                    b
                }
            };
            let font = Font::new(bytes, index).ok_or_else(|| FontError::Parse {
                path: path.clone(),
                index,
            })?;
            loaded.insert((path.clone(), index), font.clone());
            Ok(font)
        };

        for role in FontRole::ALL {
            let wanted = role.families(cfg);
            let first = wanted.first().cloned().unwrap_or_default();
            // The configured families, in order; within a family the most regular face.
            let mut choice = None;
            for (rank, name) in wanted.iter().enumerate() {
                let hit = db
                    .faces()
                    .filter(|f| path_of(f).is_some())
                    .filter(|f| face_names(f).any(|n| n.eq_ignore_ascii_case(name)))
                    .min_by_key(|f| regular_distance(f));
                if let Some(f) = hit {
                    choice = Some((f, rank));
                    break;
                }
            }
            let (face, substitute, rank) = match choice {
                Some((f, rank)) => (f, false, rank),
                None => {
                    // Any CJK face, of the role's style if there is one.
                    let mut cands: Vec<&fontdb::FaceInfo> = db
                        .faces()
                        .filter(|f| path_of(f).is_some() && looks_cjk(f))
                        .collect();
                    cands.sort_by_key(|f| {
                        (
                            looks_sans(f) != role.wants_sans(),
                            regular_distance(f),
                            f.families.first().map(|x| x.0.clone()),
                        )
                    });
                    let mut found = None;
                    for f in cands {
                        let path = path_of(f).expect("filtered on having a path");
                        let font = load(&path, f.index)?;
                        if font.info().coverage.contains('中' as u32) {
                            found = Some(f);
                            break;
                        }
                    }
                    match found {
                        Some(f) => (f, true, usize::MAX),
                        None => {
                            return Err(FontError::NoCjkFont {
                                wanted: wanted.join("”“"),
                            });
                        }
                    }
                }
            };
            let path = path_of(face).expect("chosen faces have a path");
            let font = load(&path, face.index)?;
            let family = font.info().family.clone();
            if rank > 0 {
                notes.push(format!(
                    "{}字体“{}”未安装，PDF 改用“{}”",
                    role.label_zh(),
                    first,
                    family
                ));
            }
            roles.insert(
                role,
                ResolvedFont {
                    wanted: first,
                    first: rank == 0,
                    family,
                    substitute,
                    path,
                    index: face.index,
                },
            );
        }

        let fonts: Vec<Font> = loaded.into_values().collect();
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        let mut chart_db = fontdb::Database::new();
        let chart = &roles[&FontRole::Chart];
        let chart_bytes = files
            .get(&chart.path)
            .expect("the chart face was loaded above")
            .clone();
        chart_db.load_font_source(fontdb::Source::Binary(Arc::new(chart_bytes)));
        // plotters writes font-family="sans-serif"; without this resvg finds no face for it and
        // silently drops every label.
        chart_db.set_sans_serif_family(chart_family_in_db(&chart_db, chart.index));
        Ok(Self {
            roles,
            fonts,
            book,
            chart_db: Arc::new(chart_db),
            notes,
        })
    }

    /// The face chosen for a role.
    pub fn role(&self, role: FontRole) -> &ResolvedFont {
        &self.roles[&role]
    }

    /// For every role, the font asked for and the one used, in the roles' order.
    pub fn report(&self) -> Vec<FontUse> {
        FontRole::ALL
            .iter()
            .map(|r| {
                let f = &self.roles[r];
                FontUse {
                    role: r.label_zh(),
                    wanted: f.wanted.clone(),
                    used: f.family.clone(),
                    file: f.path.display().to_string(),
                    how: if f.substitute {
                        FontChoice::StandIn
                    } else if f.first {
                        FontChoice::Wanted
                    } else {
                        FontChoice::Alternative
                    },
                }
            })
            .collect()
    }

    /// Substitutions made (a configured family was not installed), in Chinese, for the user.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    pub(crate) fn typst_fonts(&self) -> &[Font] {
        &self.fonts
    }

    pub(crate) fn typst_book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    pub(crate) fn chart_db(&self) -> Arc<fontdb::Database> {
        Arc::clone(&self.chart_db)
    }
}

/// The English family name fontdb gives the chart face (the name usvg matches on).
fn chart_family_in_db(db: &fontdb::Database, index: u32) -> String {
    db.faces()
        .find(|f| f.index == index)
        .or_else(|| db.faces().next())
        .and_then(|f| f.families.first())
        .map(|(n, _)| n.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_no_fonts_anywhere_the_error_names_the_wanted_family() {
        let cfg = FontConfig {
            system: false,
            ..FontConfig::default()
        };
        let e = Fonts::load(&cfg).expect_err("no fonts at all");
        let msg = e.to_string();
        assert!(msg.contains("方正小标宋简体"), "{msg}");
        assert!(msg.contains("fonts-noto-cjk"), "{msg}");
    }

    #[test]
    fn a_missing_configured_font_path_is_an_error_naming_it() {
        let cfg = FontConfig {
            paths: vec!["/nonexistent/仿宋_GB2312.ttf".into()],
            ..FontConfig::default()
        };
        let e = Fonts::load(&cfg).expect_err("missing path");
        assert!(e.to_string().contains("/nonexistent/仿宋_GB2312.ttf"));
    }
}
