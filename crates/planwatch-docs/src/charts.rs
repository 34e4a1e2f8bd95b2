//! Charts drawn once as SVG with plotters (no IO, no fonts needed): an indicator's series
//! against its target with the forecast, a status distribution and a score ranking. The same SVG
//! is inlined in html, placed by typst in pdf and rasterised to PNG for docx.
//!
//! plotters' SVG backend guesses text widths from UTF-8 byte length, which makes Chinese three
//! times too wide; so label areas are sized here from character counts and legends are drawn by
//! hand instead of with plotters' series labels.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Why a chart could not be drawn (a plotters backend error; only malformed numbers cause it).
#[derive(Debug, thiserror::Error)]
#[error("无法绘制图表“{chart}”：{message}")]
pub struct ChartError {
    pub chart: String,
    pub message: String,
}

/// An SVG chart and its size in pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Svg {
    pub svg: String,
    pub width: u32,
    pub height: u32,
}

const FONT: &str = "sans-serif";
const SERIES: RGBColor = RGBColor(0x1f, 0x5f, 0xa8);
const TARGET: RGBColor = RGBColor(0xc0, 0x1c, 0x28);
const FORECAST: RGBColor = RGBColor(0x6a, 0x6a, 0x6a);
const GRID: RGBColor = RGBColor(0xe2, 0xe2, 0xe2);
const AXIS: RGBColor = RGBColor(0x33, 0x33, 0x33);

/// Approximate rendered width of a label: CJK and full-width characters are one em, the rest
/// about 0.6 em.
pub fn text_width(s: &str, px: u32) -> u32 {
    let em: f64 = s
        .chars()
        .map(|c| if (c as u32) >= 0x2e80 { 1.0 } else { 0.6 })
        .sum();
    (em * f64::from(px)).ceil() as u32
}

fn err(chart: &str) -> impl Fn(String) -> ChartError + '_ {
    move |message| ChartError {
        chart: chart.to_string(),
        message,
    }
}

/// One indicator's observed values (x on a fractional-year axis), its target and the forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorSeries {
    pub name: String,
    pub unit: String,
    pub points: Vec<(f64, f64)>,
    /// (year, value) of the target.
    pub target: Option<(i32, f64)>,
    /// (x, value) of the forecast at the target year.
    pub forecast: Option<(f64, f64)>,
    /// Decimals for value labels.
    pub decimals: usize,
}

fn nice_max(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for step in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if step * mag >= v {
            return step * mag;
        }
    }
    10.0 * mag
}

fn legend(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    x: i32,
    y: i32,
    items: &[(&str, RGBColor, bool)],
) -> Result<(), String> {
    let mut x = x;
    for (label, color, dashed) in items {
        if *dashed {
            for k in 0..3 {
                area.draw(&PathElement::new(
                    vec![(x + k * 8, y), (x + k * 8 + 5, y)],
                    color.stroke_width(2),
                ))
                .map_err(|e| e.to_string())?;
            }
        } else {
            area.draw(&PathElement::new(
                vec![(x, y), (x + 22, y)],
                color.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?;
        }
        let style = (FONT, 15)
            .into_font()
            .color(&AXIS)
            .pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(label.to_string(), (x + 28, y), style))
            .map_err(|e| e.to_string())?;
        x += 28 + text_width(label, 15) as i32 + 18;
    }
    Ok(())
}

/// The series against its target (dashed red line) and the forecast (dashed grey segment).
pub fn indicator_chart(s: &IndicatorSeries) -> Result<Svg, ChartError> {
    let (w, h) = (640u32, 300u32);
    let mut out = String::new();
    draw_indicator(&mut out, s, w, h, None).map_err(err(&s.name))?;
    Ok(Svg {
        svg: out,
        width: w,
        height: h,
    })
}

/// Small multiples: one small panel per indicator (its name and unit above it), `columns` to a
/// row, under one shared legend. The annual report shows its headline indicators this way.
pub fn small_multiples(series: &[IndicatorSeries], columns: usize) -> Result<Svg, ChartError> {
    let columns = columns.clamp(1, 4);
    let (pw, ph, top) = (420u32, 250u32, 34u32);
    let rows = series.len().div_ceil(columns).max(1);
    let (w, h) = (pw * columns as u32, top + ph * rows as u32);
    let mut head = String::new();
    {
        let root = SVGBackend::with_string(&mut head, (w, top)).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| err("主要指标走势")(e.to_string()))?;
        legend(
            &root,
            (w as i32) / 2 - 165,
            top as i32 / 2,
            &[
                ("实际值", SERIES, false),
                ("目标值", TARGET, true),
                ("预测值", FORECAST, true),
            ],
        )
        .map_err(err("主要指标走势"))?;
        root.present()
            .map_err(|e| err("主要指标走势")(e.to_string()))?;
    }
    let mut svg = format!(
        r#"<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg">"#
    );
    svg.push_str(&nest(&head, 0, 0));
    for (k, s) in series.iter().enumerate() {
        let mut panel = String::new();
        let title = if s.unit.is_empty() {
            s.name.clone()
        } else {
            format!("{}（{}）", s.name, s.unit)
        };
        draw_indicator(&mut panel, s, pw, ph, Some(&title)).map_err(err(&s.name))?;
        let (x, y) = ((k % columns) as u32 * pw, top + (k / columns) as u32 * ph);
        svg.push_str(&nest(&panel, x, y));
    }
    svg.push_str("</svg>");
    Ok(Svg {
        svg,
        width: w,
        height: h,
    })
}

/// An SVG document placed inside another at (x, y): its XML prolog dropped, its root given a
/// position (nested `<svg>` elements are plain SVG 1.1).
fn nest(inner: &str, x: u32, y: u32) -> String {
    let start = inner.find("<svg").unwrap_or(0);
    let body = &inner[start..];
    format!(
        "<svg x=\"{x}\" y=\"{y}\"{}",
        &body["<svg".len().min(body.len())..]
    )
}

/// Keeps only what can be plotted: finite values on a sane year axis.
fn plottable(s: &IndicatorSeries) -> IndicatorSeries {
    let ok = |x: f64, y: f64| x.is_finite() && y.is_finite() && (1900.0..2200.0).contains(&x);
    IndicatorSeries {
        name: s.name.clone(),
        unit: s.unit.clone(),
        points: s
            .points
            .iter()
            .copied()
            .filter(|(x, y)| ok(*x, *y))
            .collect(),
        target: s.target.filter(|(y, v)| ok(f64::from(*y), *v)),
        forecast: s.forecast.filter(|(x, v)| ok(*x, *v)),
        decimals: s.decimals,
    }
}

/// A y range from zero (or below, for negative values) to a round number above the data.
fn value_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let hi = nice_max(hi * 1.1);
    let lo = if lo < 0.0 { -nice_max(-lo * 1.1) } else { 0.0 };
    (lo, hi)
}

/// Draws one indicator's chart; `panel` (a small multiple) puts that title where the unit goes
/// and leaves the legend to the grid.
fn draw_indicator(
    out: &mut String,
    s: &IndicatorSeries,
    w: u32,
    h: u32,
    panel: Option<&str>,
) -> Result<(), String> {
    let s = &plottable(s);
    let xs = s
        .points
        .iter()
        .map(|p| p.0)
        .chain(s.target.map(|t| f64::from(t.0)))
        .chain(s.forecast.map(|f| f.0));
    let (mut x0, mut x1) = (f64::MAX, f64::MIN);
    for x in xs {
        x0 = x0.min(x);
        x1 = x1.max(x);
    }
    if x0 > x1 {
        (x0, x1) = (2022.0, 2024.0);
    }
    let (x0, x1) = (x0.floor() - 0.4, x1.ceil() + 0.4);
    let (ymin, ymax) = value_range(
        s.points
            .iter()
            .map(|p| p.1)
            .chain(s.target.map(|t| t.1))
            .chain(s.forecast.map(|f| f.1)),
    );
    let ylabel = |v: &f64| crate::model::fmt_num(*v, 2);
    let ylabel_w = [ymin, ymax / 2.0, ymax]
        .iter()
        .map(|v| text_width(&ylabel(v), 15))
        .max()
        .unwrap_or(30)
        + 12;

    let root = SVGBackend::with_string(out, (w, h)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let unit_label = match panel {
        Some(title) => {
            // Cut a long name so that it fits the panel (one em per Chinese character).
            let room = (w as usize).saturating_sub(16) / 15;
            let mut t: String = title.chars().take(room).collect();
            if t.chars().count() < title.chars().count() {
                t.pop();
                t.push('…');
            }
            t
        }
        None if s.unit.is_empty() => String::new(),
        None => format!("单位：{}", s.unit),
    };
    root.draw(&Text::new(
        unit_label,
        (8, 8),
        (FONT, 15)
            .into_font()
            .color(&AXIS)
            .pos(Pos::new(HPos::Left, VPos::Top)),
    ))
    .map_err(|e| e.to_string())?;
    if panel.is_none() {
        legend(
            &root,
            (w as i32) - 330,
            16,
            &[
                ("实际值", SERIES, false),
                ("目标值", TARGET, true),
                ("预测值", FORECAST, true),
            ],
        )?;
    }

    let mut chart = ChartBuilder::on(&root)
        .margin_top(34)
        .margin_right(20)
        .margin_left(8)
        .margin_bottom(6)
        .x_label_area_size(28)
        .y_label_area_size(ylabel_w)
        .build_cartesian_2d(x0..x1, ymin..ymax)
        .map_err(|e| e.to_string())?;
    let year_label = |x: &f64| {
        if (x - x.round()).abs() < 1e-9 {
            format!("{}年", x.round() as i64)
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(AXIS.stroke_width(1))
        .x_labels(((x1 - x0).round() as usize).max(2) + 1)
        .y_labels(5)
        .x_label_formatter(&year_label)
        .y_label_formatter(&ylabel)
        .label_style((FONT, 15).into_font().color(&AXIS))
        .draw()
        .map_err(|e| e.to_string())?;

    if let Some((_, t)) = s.target {
        chart
            .draw_series(DashedLineSeries::new(
                vec![(x0, t), (x1, t)],
                8,
                5,
                TARGET.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(std::iter::once(Text::new(
                format!("目标 {}", crate::model::fmt_num(t, 2)),
                (x0 + 0.05, t),
                (FONT, 15)
                    .into_font()
                    .color(&TARGET)
                    .pos(Pos::new(HPos::Left, VPos::Bottom)),
            )))
            .map_err(|e| e.to_string())?;
    }
    if let (Some(last), Some(f)) = (s.points.last(), s.forecast) {
        chart
            .draw_series(DashedLineSeries::new(
                vec![*last, f],
                6,
                4,
                FORECAST.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(std::iter::once(Circle::new(f, 4, FORECAST.stroke_width(2))))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(std::iter::once(Text::new(
                crate::model::fmt_num(f.1, s.decimals),
                f,
                (FONT, 15)
                    .into_font()
                    .color(&FORECAST)
                    .pos(Pos::new(HPos::Right, VPos::Bottom)),
            )))
            .map_err(|e| e.to_string())?;
    }
    chart
        .draw_series(LineSeries::new(
            s.points.iter().copied(),
            SERIES.stroke_width(2),
        ))
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(s.points.iter().map(|p| Circle::new(*p, 4, SERIES.filled())))
        .map_err(|e| e.to_string())?;
    // A small panel labels its last value only; quarterly labels would run into each other.
    let labelled: Vec<(f64, f64)> = if panel.is_some() {
        s.points.last().copied().into_iter().collect()
    } else {
        s.points.clone()
    };
    chart
        .draw_series(labelled.iter().map(|p| {
            Text::new(
                crate::model::fmt_num(p.1, s.decimals),
                *p,
                (FONT, 15)
                    .into_font()
                    .color(&SERIES)
                    .pos(Pos::new(HPos::Center, VPos::Bottom)),
            )
        }))
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}

/// Vertical bars: how many items have each status; colours are given per bar.
pub fn status_chart(title: &str, bars: &[(String, u32, (u8, u8, u8))]) -> Result<Svg, ChartError> {
    let (w, h) = (640u32, 280u32);
    let mut out = String::new();
    draw_status(&mut out, bars, w, h).map_err(err(title))?;
    Ok(Svg {
        svg: out,
        width: w,
        height: h,
    })
}

fn draw_status(
    out: &mut String,
    bars: &[(String, u32, (u8, u8, u8))],
    w: u32,
    h: u32,
) -> Result<(), String> {
    let n = bars.len().max(1);
    let ymax = nice_max(f64::from(bars.iter().map(|b| b.1).max().unwrap_or(0)) * 1.15).max(4.0);
    let root = SVGBackend::with_string(out, (w, h)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .margin_top(20)
        .x_label_area_size(30)
        .y_label_area_size(text_width(&format!("{ymax}"), 15) + 14)
        .build_cartesian_2d(0.0..(n as f64), 0.0..ymax)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(AXIS.stroke_width(1))
        .x_labels(0)
        .y_labels(5)
        .y_label_formatter(&|v| crate::model::fmt_num(*v, 1))
        .label_style((FONT, 15).into_font().color(&AXIS))
        .draw()
        .map_err(|e| e.to_string())?;
    for (i, (label, count, rgb)) in bars.iter().enumerate() {
        let color = RGBColor(rgb.0, rgb.1, rgb.2);
        let x = i as f64;
        let v = f64::from(*count);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(x + 0.2, 0.0), (x + 0.8, v)],
                color.filled(),
            )))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(std::iter::once(Text::new(
                count.to_string(),
                (x + 0.5, v),
                (FONT, 14)
                    .into_font()
                    .color(&AXIS)
                    .pos(Pos::new(HPos::Center, VPos::Bottom)),
            )))
            .map_err(|e| e.to_string())?;
        // Category names under the axis, placed in pixels below the bar's foot.
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((x + 0.5, 0.0))
                    + Text::new(
                        label.clone(),
                        (0, 8),
                        (FONT, 15)
                            .into_font()
                            .color(&AXIS)
                            .pos(Pos::new(HPos::Center, VPos::Top)),
                    ),
            ))
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}

/// Horizontal bars of scores, best first (the order given).
pub fn ranking_chart(title: &str, rows: &[(String, f64)]) -> Result<Svg, ChartError> {
    let bar = 22u32;
    let w = 640u32;
    let shown = rows.iter().filter(|r| r.1.is_finite()).count();
    let h = 40 + bar * (shown.max(1) as u32);
    let mut out = String::new();
    draw_ranking(&mut out, rows, w, h).map_err(err(title))?;
    Ok(Svg {
        svg: out,
        width: w,
        height: h,
    })
}

fn draw_ranking(out: &mut String, rows: &[(String, f64)], w: u32, h: u32) -> Result<(), String> {
    // Scores that are not numbers are left out of the picture (the table shows them).
    let rows: Vec<(String, f64)> = rows.iter().filter(|r| r.1.is_finite()).cloned().collect();
    let rows = &rows[..];
    let n = rows.len().max(1);
    let label_w = rows
        .iter()
        .map(|r| text_width(&r.0, 15))
        .max()
        .unwrap_or(40)
        + 14;
    let (xmin, xmax) = value_range(rows.iter().map(|r| r.1));
    let xmax = xmax.max(10.0);
    let root = SVGBackend::with_string(out, (w, h)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .margin_right(24)
        .x_label_area_size(24)
        .y_label_area_size(label_w)
        .build_cartesian_2d(xmin..xmax, 0.0..(n as f64))
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(AXIS.stroke_width(1))
        .y_labels(0)
        .x_labels(6)
        .x_label_formatter(&|v| crate::model::fmt_num(*v, 1))
        .label_style((FONT, 14).into_font().color(&AXIS))
        .draw()
        .map_err(|e| e.to_string())?;
    for (i, (name, score)) in rows.iter().enumerate() {
        // Best at the top: row i sits at y = n - i - 1.
        let y = (n - i - 1) as f64;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, y + 0.18), (*score, y + 0.82)],
                SERIES.filled(),
            )))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((xmin, y + 0.5))
                    + Text::new(
                        name.clone(),
                        (-6, 0),
                        (FONT, 15)
                            .into_font()
                            .color(&AXIS)
                            .pos(Pos::new(HPos::Right, VPos::Center)),
                    ),
            ))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((*score, y + 0.5))
                    + Text::new(
                        crate::model::fmt_score(*score),
                        (4, 0),
                        (FONT, 14)
                            .into_font()
                            .color(&AXIS)
                            .pos(Pos::new(HPos::Left, VPos::Center)),
                    ),
            ))
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_labels_are_written_into_the_svg() {
        let s = indicator_chart(&IndicatorSeries {
            name: "国家高新技术企业数量".into(),
            unit: "家".into(),
            points: vec![(2021.0, 120.0), (2022.0, 150.0), (2023.0, 172.0)],
            target: Some((2024, 200.0)),
            forecast: Some((2024.0, 195.0)),
            decimals: 0,
        })
        .expect("draws");
        for needle in ["实际值", "目标 200", "单位：家", "2023年", "195"] {
            assert!(s.svg.contains(needle), "{needle} missing");
        }
        let r = ranking_chart("x", &[("市科技局".into(), 96.5), ("市工信局".into(), 90.0)])
            .expect("draws");
        assert!(r.svg.contains("市科技局") && r.svg.contains("96.5"));
        let b = status_chart("x", &[("已完成".into(), 3, (0, 128, 0))]).expect("draws");
        assert!(b.svg.contains("已完成"));
    }

    #[test]
    fn an_empty_series_still_draws_axes() {
        let s = indicator_chart(&IndicatorSeries {
            name: "x".into(),
            unit: String::new(),
            points: vec![],
            target: None,
            forecast: None,
            decimals: 2,
        })
        .expect("draws");
        assert!(s.svg.starts_with("<svg"));
    }

    #[test]
    fn widths_count_chinese_as_one_em() {
        assert_eq!(text_width("市科技局", 10), 40);
        assert_eq!(text_width("ab", 10), 12);
    }
}
