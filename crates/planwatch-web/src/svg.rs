//! Small charts drawn on the server as inline SVG (no script, no chart library in the browser):
//! a proportion bar for status counts, horizontal bars for scores, and an indicator's series
//! against its target with the forecast. Text is escaped; sizes are in CSS pixels and the
//! charts scale to their container.
//!
//! Phones: a chart's text must stay readable (≥ 11 CSS px) at 390 px. The compact charts (the
//! proportion bar and the score bars) are drawn [`COMPACT_WIDTH`] wide with 13 px text and are
//! never shown wider than 440 px (`.chart-compact` in app.css), so their text is 11–14 px from a
//! phone to a desktop. The series is drawn twice, wide for screens and narrow for phones
//! (`.chart-screen` / `.chart-phone`); the stylesheet shows one of them.

use std::fmt::Write as _;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn n(x: f64) -> String {
    format!("{x:.1}")
}

/// One part of a proportion bar: label, count, CSS colour.
pub struct Segment<'a> {
    pub label: &'a str,
    pub count: usize,
    pub color: &'a str,
}

/// The width the compact charts are drawn at (user units = CSS px at full size).
pub const COMPACT_WIDTH: f64 = 380.0;

/// The text size of every chart, in user units.
const TEXT: f64 = 13.0;

/// The rough width of `s` at `size`: CJK characters a full em, others about half.
fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum::<f64>()
        * size
}

/// A 100 % bar split by count, with a legend below that wraps onto more lines as needed:
/// 绿灯 12 · 黄灯 3 …
pub fn proportion_bar(title: &str, segments: &[Segment<'_>]) -> String {
    let total: usize = segments.iter().map(|s| s.count).sum();
    let (w, bar_h, line_h) = (COMPACT_WIDTH, 24.0, 20.0);
    // Lay the legend out first: it decides the height.
    let mut legend = Vec::new();
    let (mut lx, mut line) = (0.0, 0usize);
    for s in segments {
        let label = format!("{} {}", s.label, s.count);
        let item_w = 16.0 + text_width(&label, TEXT) + 14.0;
        if lx > 0.0 && lx + item_w > w {
            lx = 0.0;
            line += 1;
        }
        legend.push((lx, line, label, s.color));
        lx += item_w;
    }
    let h = bar_h + 12.0 + line_h * (line + 1) as f64;
    let mut out = format!(
        r#"<svg class="chart chart-compact" viewBox="0 0 {w} {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(title)
    );
    if total == 0 {
        let _ = write!(
            out,
            r##"<rect x="0" y="0" width="{w}" height="{bar_h}" rx="4" fill="#e5e9ee"/>"##
        );
    }
    let mut x = 0.0;
    for s in segments.iter().filter(|s| s.count > 0) {
        let sw = w * s.count as f64 / total.max(1) as f64;
        let _ = write!(
            out,
            r#"<rect x="{}" y="0" width="{}" height="{bar_h}" fill="{}"><title>{} {}</title></rect>"#,
            n(x),
            n(sw),
            s.color,
            esc(s.label),
            s.count
        );
        if sw > text_width(&s.count.to_string(), TEXT) + 8.0 {
            let _ = write!(
                out,
                r##"<text x="{}" y="17" font-size="{TEXT}" fill="#fff" text-anchor="middle">{}</text>"##,
                n(x + sw / 2.0),
                s.count
            );
        }
        x += sw;
    }
    for (lx, line, label, color) in legend {
        let y = bar_h + 12.0 + line_h * line as f64;
        let _ = write!(
            out,
            r##"<rect x="{}" y="{}" width="11" height="11" rx="2" fill="{}"/><text x="{}" y="{}" font-size="{TEXT}" fill="#374151">{}</text>"##,
            n(lx),
            n(y + 1.0),
            color,
            n(lx + 16.0),
            n(y + 11.0),
            esc(&label)
        );
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars, one per row (label, value), on a 0..`max` scale.
pub fn bars(title: &str, rows: &[(String, f64)], max: f64, color: &str) -> String {
    let (label_w, value_w, row_h) = (150.0, 52.0, 26.0);
    let w = COMPACT_WIDTH;
    let bar_w = w - label_w - value_w;
    let h = row_h * rows.len().max(1) as f64 + 4.0;
    let mut out = format!(
        r#"<svg class="chart chart-compact" viewBox="0 0 {w} {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(title)
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = row_h * i as f64 + 2.0;
        let bw = if max > 0.0 {
            (bar_w * v / max).clamp(0.0, bar_w)
        } else {
            0.0
        };
        // As much of the name as fits beside the bar; the full name is in the tooltip.
        let mut short = String::new();
        for c in label.chars() {
            if text_width(&format!("{short}{c}…"), TEXT) > label_w - 8.0 {
                short.push('…');
                break;
            }
            short.push(c);
        }
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" font-size="{TEXT}" fill="#374151" text-anchor="end">{}</text><rect x="{label_w}" y="{}" width="{}" height="16" rx="2" fill="{color}"><title>{} {:.2}</title></rect><text x="{}" y="{}" font-size="{TEXT}" fill="#374151">{:.2}</text>"##,
            n(label_w - 6.0),
            n(y + 13.0),
            esc(&short),
            n(y + 1.0),
            n(bw),
            esc(label),
            v,
            n(label_w + bw + 5.0),
            n(y + 13.0),
            v
        );
    }
    out.push_str("</svg>");
    out
}

/// An indicator's series: points (x = fractional year, value), the target as a dashed line at
/// its year, and the forecast as a dotted line from the last point.
pub struct Series<'a> {
    pub title: &'a str,
    pub unit: &'a str,
    pub points: &'a [(f64, f64)],
    pub target: Option<(f64, f64)>,
    pub forecast: Option<(f64, f64)>,
}

/// The series twice: wide for screens, narrow with the same 13 px text for phones (the
/// stylesheet shows one of them).
pub fn series(s: &Series<'_>) -> String {
    format!(
        "{}{}",
        series_at(s, "chart-screen", (640.0, 260.0), 11.0),
        series_at(s, "chart-phone", (340.0, 230.0), TEXT)
    )
}

fn series_at(s: &Series<'_>, class: &str, (w, h): (f64, f64), text: f64) -> String {
    let (left, right, top, bottom) = (text * 4.4, text * 2.0, 16.0, text * 2.8);
    let mut xs: Vec<f64> = s.points.iter().map(|p| p.0).collect();
    let mut ys: Vec<f64> = s.points.iter().map(|p| p.1).collect();
    for (x, y) in s.target.iter().chain(s.forecast.iter()) {
        xs.push(*x);
        ys.push(*y);
    }
    let mut out = format!(
        r#"<svg class="chart {class}" viewBox="0 0 {w} {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(s.title)
    );
    if xs.is_empty() {
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" font-size="{text}" fill="#5f6b7a" text-anchor="middle">暂无数据</text></svg>"##,
            w / 2.0,
            h / 2.0
        );
        return out;
    }
    let (mut x0, mut x1) = (
        xs.iter().copied().fold(f64::INFINITY, f64::min).floor(),
        xs.iter().copied().fold(f64::NEG_INFINITY, f64::max).ceil(),
    );
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    x0 -= 0.1;
    let y_max = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let y_min = ys.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
    let y1 = if y_max > y_min {
        y_max * 1.1
    } else {
        y_min + 1.0
    };
    let px = |x: f64| left + (x - x0) / (x1 - x0) * (w - left - right);
    let py = |y: f64| top + (1.0 - (y - y_min) / (y1 - y_min)) * (h - top - bottom);
    // Axes and year grid.
    let _ = write!(
        out,
        r##"<line x1="{left}" y1="{}" x2="{}" y2="{}" stroke="#c5ced8"/>"##,
        n(h - bottom),
        n(w - right),
        n(h - bottom)
    );
    let mut year = x0.ceil();
    while year <= x1 {
        let _ = write!(
            out,
            r##"<line x1="{x}" y1="{top}" x2="{x}" y2="{}" stroke="#eef1f4"/><text x="{x}" y="{}" font-size="{text}" fill="#5f6b7a" text-anchor="middle">{}年</text>"##,
            n(h - bottom),
            n(h - bottom + text + 5.0),
            year as i64,
            x = n(px(year)),
        );
        year += 1.0;
    }
    for k in 0..=4 {
        let v = y_min + (y1 - y_min) * f64::from(k) / 4.0;
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" font-size="{text}" fill="#5f6b7a" text-anchor="end">{}</text>"##,
            n(left - 6.0),
            n(py(v) + 4.0),
            esc(&planwatch_monitor::zh::num(
                v,
                if (y1 - y_min) < 10.0 { 2 } else { 0 }
            ))
        );
    }
    if let Some((tx, ty)) = s.target {
        let _ = write!(
            out,
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="#b3261e" stroke-dasharray="6 4"/><circle cx="{}" cy="{y}" r="4" fill="#b3261e"/><text x="{}" y="{}" font-size="{text}" fill="#b3261e" text-anchor="end">目标 {}{}</text>"##,
            n(w - right),
            n(px(tx)),
            n(w - right),
            n(py(ty) - 6.0),
            esc(&planwatch_monitor::zh::num(ty, 2)),
            esc(s.unit),
            y = n(py(ty)),
        );
    }
    if let (Some(last), Some((fx, fy))) = (s.points.last(), s.forecast) {
        let _ = write!(
            out,
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#0b4a8b" stroke-dasharray="2 4" stroke-width="2"/><circle cx="{}" cy="{}" r="3.5" fill="#fff" stroke="#0b4a8b"/>"##,
            n(px(last.0)),
            n(py(last.1)),
            n(px(fx)),
            n(py(fy)),
            n(px(fx)),
            n(py(fy))
        );
    }
    if !s.points.is_empty() {
        let path: Vec<String> = s
            .points
            .iter()
            .map(|(x, y)| format!("{},{}", n(px(*x)), n(py(*y))))
            .collect();
        let _ = write!(
            out,
            r##"<polyline points="{}" fill="none" stroke="#0b4a8b" stroke-width="2"/>"##,
            path.join(" ")
        );
        for (x, y) in s.points {
            let _ = write!(
                out,
                r##"<circle cx="{}" cy="{}" r="3" fill="#0b4a8b"><title>{}</title></circle>"##,
                n(px(*x)),
                n(py(*y)),
                esc(&planwatch_monitor::zh::num(*y, 2))
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proportion_bar_shows_every_count_and_escapes_labels() {
        let svg = proportion_bar(
            "指标<灯>",
            &[
                Segment {
                    label: "绿灯",
                    count: 3,
                    color: "#2e7d32",
                },
                Segment {
                    label: "红灯",
                    count: 1,
                    color: "#c62828",
                },
            ],
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("指标&lt;灯&gt;"));
        assert!(svg.contains("绿灯 3") && svg.contains("红灯 1"));
    }

    #[test]
    fn compact_charts_are_drawn_narrow_with_13px_text_and_the_legend_wraps() {
        let few = proportion_bar(
            "x",
            &[Segment {
                label: "绿灯",
                count: 3,
                color: "#2e7d32",
            }],
        );
        let labels = [
            "已完成",
            "序时推进",
            "滞后序时",
            "未启动",
            "逾期",
            "暂无数据",
        ];
        let many: Vec<Segment<'_>> = labels
            .iter()
            .map(|l| Segment {
                label: l,
                count: 12,
                color: "#000",
            })
            .collect();
        let wrapped = proportion_bar("x", &many);
        let height = |svg: &str| -> f64 {
            svg.split("viewBox=\"0 0 380 ")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .and_then(|h| h.parse().ok())
                .expect("a 380-wide view box")
        };
        assert!(height(&wrapped) > height(&few), "a second legend line");
        let b = bars(
            "x",
            &[("市发展和改革委员会规划科".to_string(), 90.0)],
            100.0,
            "#000",
        );
        assert!(b.contains("viewBox=\"0 0 380 ") && b.contains("chart-compact"));
        assert!(b.contains("…"), "a long name is cut to fit beside the bar");
        for svg in [&few, &wrapped, &b] {
            assert!(!svg.contains("font-size=\"11\"") && svg.contains("font-size=\"13\""));
        }
        let s = series(&Series {
            title: "x",
            unit: "家",
            points: &[(2022.0, 1.0)],
            target: None,
            forecast: None,
        });
        assert!(
            s.contains("chart-screen") && s.contains("chart-phone"),
            "two drawings"
        );
    }

    #[test]
    fn a_series_without_data_says_so() {
        let svg = series(&Series {
            title: "x",
            unit: "家",
            points: &[],
            target: None,
            forecast: None,
        });
        assert!(svg.contains("暂无数据"));
        let svg = series(&Series {
            title: "x",
            unit: "家",
            points: &[(2022.0, 100.0), (2023.0, 150.0)],
            target: Some((2024.0, 200.0)),
            forecast: Some((2024.0, 190.0)),
        });
        assert!(svg.contains("目标 200家"));
        assert!(svg.contains("<polyline"));
    }
}
