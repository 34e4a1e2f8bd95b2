//! SVG → PNG for Word, which cannot show SVG charts: resvg with the chart face from `Fonts`.

use crate::fonts::{FontRole, Fonts};
use resvg::{tiny_skia, usvg};

/// Why a chart could not be rasterised.
#[derive(Debug, thiserror::Error)]
pub enum RasterError {
    #[error("图表 SVG 无法解析：{0}")]
    Parse(String),
    #[error("图表尺寸无效：{0}×{1}")]
    Size(u32, u32),
    #[error("图表 PNG 编码失败：{0}")]
    Encode(String),
}

/// A PNG and its size in pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Png {
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Renders an SVG at `scale` times its own size (2 gives print-quality charts in Word).
pub fn svg_to_png(svg: &str, fonts: &Fonts, scale: f32) -> Result<Png, RasterError> {
    let opt = usvg::Options {
        fontdb: fonts.chart_db(),
        font_family: fonts.role(FontRole::Chart).family.clone(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| RasterError::Parse(e.to_string()))?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or(RasterError::Size(w, h))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let data = pixmap
        .encode_png()
        .map_err(|e| RasterError::Encode(e.to_string()))?;
    Ok(Png {
        data,
        width: w,
        height: h,
    })
}
