//! The one report model every writer renders: a document is a title, a list of blocks
//! (headings, paragraphs, tables, charts, page breaks, attachments) and the list of data sources
//! its figures trace back to. Building it does no IO; writers turn it into bytes.

use serde::{Deserialize, Serialize};

/// A whole document: the annual report, a feedback sheet or the task list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The title, set in 2号 小标宋 at the top (GB/T 9704 §7.3.1).
    pub title: String,
    /// Whether any figure in the document comes from synthetic demo data. Every writer then puts
    /// 示例数据 on every page (header and watermark in docx/pdf, banner in html, sheet header in
    /// xlsx).
    pub demo: bool,
    pub blocks: Vec<Block>,
    /// Where the figures come from; `Inline::Figure` and `Cell::trace` refer to these by id.
    pub sources: Vec<Source>,
}

/// One element of the document flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A heading. Level 1 is 一、 (黑体), level 2 is （一） (楷体), level 3 is 1. (仿宋).
    /// The numbering is part of `text`.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(Paragraph),
    Table(Table),
    Chart(Chart),
    /// The 附件 list after the body (附件：1.…), GB/T 9704 附件说明.
    AttachmentList {
        items: Vec<String>,
    },
    /// The issuing office and the date, right-aligned after the body.
    Signature {
        issuer: String,
        date: String,
    },
    /// An attachment begins: a new page with 附件N at the top left and the title centred.
    /// `landscape` turns the attachment's pages for wide tables.
    Attachment {
        label: String,
        title: String,
        landscape: bool,
    },
    /// The list of `Document::sources` as a table (the traceability appendix); html gives
    /// every row an anchor that figures link to.
    Sources,
    PageBreak,
}

/// A paragraph of body text (3号 仿宋, first line indented two characters).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Paragraph {
    /// A mark shown before the text, such as 【草稿】 for drafted text the office should edit.
    pub label: Option<Label>,
    pub inlines: Vec<Inline>,
    /// Smaller type for notes under tables and charts (4号 instead of 3号, no indent).
    #[serde(default)]
    pub note: bool,
    /// Flush left, no first-line indent (the addressee line 主送机关 is set 顶格).
    #[serde(default)]
    pub flush: bool,
}

/// Marks that writers render in a distinct colour so nobody issues them by accident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// 【草稿】: drafted from the data by PlanWatch, for the office to edit.
    Draft,
    /// 【示例数据】: the paragraph describes synthetic data.
    Demo,
}

impl Label {
    pub fn text(self) -> &'static str {
        match self {
            Label::Draft => "【草稿】",
            Label::Demo => "【示例数据】",
        }
    }
}

/// A run of text inside a paragraph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Inline {
    Text {
        text: String,
    },
    /// A number taken from the data. `trace` holds the ids it links to: source ids (a
    /// submission, the plan) or the anchor of the table that itemises it.
    Figure {
        text: String,
        trace: Vec<String>,
    },
}

impl Inline {
    pub fn as_str(&self) -> &str {
        match self {
            Inline::Text { text } | Inline::Figure { text, .. } => text,
        }
    }
}

impl Paragraph {
    /// A body paragraph of plain text.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            label: None,
            inlines: vec![Inline::Text { text: text.into() }],
            note: false,
            flush: false,
        }
    }

    /// A paragraph set flush left (顶格), such as the addressee line.
    pub fn flush(text: impl Into<String>) -> Self {
        Self {
            flush: true,
            ..Self::text(text)
        }
    }

    /// A small note paragraph (under a table or chart).
    pub fn note(text: impl Into<String>) -> Self {
        Self {
            note: true,
            ..Self::text(text)
        }
    }

    pub fn plain_text(&self) -> String {
        self.inlines.iter().map(Inline::as_str).collect()
    }
}

/// A helper for writing paragraphs that mix text and traced figures.
#[derive(Debug, Default)]
pub struct ParagraphBuilder {
    p: Paragraph,
}

impl ParagraphBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn label(mut self, label: Label) -> Self {
        self.p.label = Some(label);
        self
    }

    pub fn text(mut self, text: impl AsRef<str>) -> Self {
        let text = text.as_ref();
        if text.is_empty() {
            return self;
        }
        if let Some(Inline::Text { text: last }) = self.p.inlines.last_mut() {
            last.push_str(text);
        } else {
            self.p.inlines.push(Inline::Text { text: text.into() });
        }
        self
    }

    pub fn figure(mut self, text: impl Into<String>, trace: &[String]) -> Self {
        self.p.inlines.push(Inline::Figure {
            text: text.into(),
            trace: trace.to_vec(),
        });
        self
    }

    pub fn push_text(&mut self, text: impl AsRef<str>) {
        let b = std::mem::take(self);
        *self = b.text(text);
    }

    pub fn push_figure(&mut self, text: impl Into<String>, trace: &[String]) {
        self.p.inlines.push(Inline::Figure {
            text: text.into(),
            trace: trace.to_vec(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.p.inlines.is_empty()
    }

    pub fn build(self) -> Paragraph {
        self.p
    }
}

/// A table with a number and a title (表1 主要指标完成情况表), 五号 type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Anchor id, unique in the document (`table-1`, `attachment-1`); figures may link to it.
    pub id: String,
    /// 表1, 表2 … for tables in the body; `None` for the table that is an attachment itself.
    pub number: Option<String>,
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// The sheet name when the table is written to xlsx; `None` keeps it out of the workbook.
    pub sheet: Option<String>,
    /// A note printed under the table (口径、说明).
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub title: String,
    /// Relative width; writers scale the widths to the text area.
    pub width: u16,
    pub align: Align,
    /// A key column (序号) holds no data figures.
    #[serde(default)]
    pub key: bool,
}

impl Column {
    pub fn new(title: &str, width: u16, align: Align) -> Self {
        Self {
            title: title.into(),
            width,
            align,
            key: false,
        }
    }

    pub fn key(title: &str, width: u16) -> Self {
        Self {
            key: true,
            ..Self::new(title, width, Align::Center)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Row {
    /// One cell per column.
    Cells { cells: Vec<Cell> },
    /// A group heading spanning the whole row (科技创新专班, 市科技局 合计).
    Group { text: String },
}

/// A table cell. Cells holding data carry a trace; `number` gives xlsx a numeric value.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Cell {
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<String>,
    /// The numeric value behind `text`, written to xlsx as a number with `format`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<f64>,
    /// An Excel number format such as `0.0` or `0.0%`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// A text cell traced to its sources.
    pub fn traced(text: impl Into<String>, trace: &[String]) -> Self {
        Self {
            text: text.into(),
            trace: trace.to_vec(),
            ..Self::default()
        }
    }

    /// A numeric cell; `text` is what documents show, `number`/`format` what Excel stores.
    pub fn number(text: impl Into<String>, value: f64, format: &str, trace: &[String]) -> Self {
        Self {
            text: text.into(),
            trace: trace.to_vec(),
            number: Some(value),
            format: Some(format.into()),
        }
    }
}

impl Row {
    pub fn cells(cells: Vec<Cell>) -> Self {
        Row::Cells { cells }
    }
}

/// A chart drawn once as SVG (plotters); html inlines it, pdf places it, docx gets a PNG.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Anchor id, unique in the document (`chart-1`).
    pub id: String,
    /// 图1, 图2 …
    pub number: String,
    pub title: String,
    pub svg: String,
    /// The SVG's own size in pixels.
    pub width: u32,
    pub height: u32,
    /// What the chart shows, in words (the text form and the html `aria-label`).
    pub alt: String,
    /// The sources of the plotted values.
    pub trace: Vec<String>,
}

/// Where a figure comes from: a unit's submission (unit, period, who, when) or the plan itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Anchor id, unique in the document (`src-12`, `src-plan`).
    pub id: String,
    /// What this source is: 2023年第四季度报告, 计划文本.
    pub what: String,
    /// The reporting unit.
    pub unit: String,
    /// The period reported, e.g. 2023Q4 (empty for the plan).
    pub period: String,
    /// Who submitted it.
    pub submitted_by: String,
    /// When it was submitted, as written by the store (e.g. 2024-01-10 15:20).
    pub submitted_at: String,
    /// Review state or remarks (已审核通过).
    #[serde(default)]
    pub note: String,
}

impl Document {
    /// Every table in the document, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }

    /// Every chart in the document, in order.
    pub fn charts(&self) -> impl Iterator<Item = &Chart> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Chart(c) => Some(c),
            _ => None,
        })
    }

    /// The sources as a table (for writers that print `Block::Sources` as an ordinary table).
    pub fn sources_table(&self) -> Table {
        Table {
            id: "sources".into(),
            number: None,
            title: "数据来源清单".into(),
            columns: vec![
                Column::key("编号", 5),
                Column::new("来源", 12, Align::Left),
                Column::new("报送单位", 12, Align::Left),
                Column::new("报送期", 7, Align::Center),
                Column::new("报送人", 10, Align::Center),
                Column::new("报送时间", 11, Align::Center),
                Column::new("备注", 13, Align::Left),
            ],
            rows: self
                .sources
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    Row::cells(vec![
                        Cell::text((i + 1).to_string()),
                        Cell::text(s.what.clone()),
                        Cell::text(s.unit.clone()),
                        Cell::text(s.period.clone()),
                        Cell::text(s.submitted_by.clone()),
                        Cell::text(s.submitted_at.clone()),
                        Cell::text(s.note.clone()),
                    ])
                })
                .collect(),
            sheet: Some("数据来源".into()),
            note: None,
        }
    }

    /// Every anchor a trace may point to: sources, tables and charts.
    pub fn anchors(&self) -> std::collections::BTreeSet<&str> {
        let mut a: std::collections::BTreeSet<&str> =
            self.sources.iter().map(|s| s.id.as_str()).collect();
        a.extend(self.tables().map(|t| t.id.as_str()));
        a.extend(self.charts().map(|c| c.id.as_str()));
        if self.blocks.iter().any(|b| matches!(b, Block::Sources)) {
            a.insert("sources");
        }
        a
    }

    /// Drops trace ids that point nowhere: a composition that leaves a table out keeps its
    /// words but not the link to it.
    pub fn prune_traces(&mut self) {
        let anchors: std::collections::BTreeSet<String> =
            self.anchors().into_iter().map(str::to_string).collect();
        let keep = |t: &mut Vec<String>| t.retain(|id| anchors.contains(id));
        for b in &mut self.blocks {
            match b {
                Block::Paragraph(p) => {
                    for i in &mut p.inlines {
                        if let Inline::Figure { trace, .. } = i {
                            keep(trace);
                        }
                    }
                }
                Block::Table(t) => {
                    for r in &mut t.rows {
                        if let Row::Cells { cells } = r {
                            for c in cells {
                                keep(&mut c.trace);
                            }
                        }
                    }
                }
                Block::Chart(c) => keep(&mut c.trace),
                _ => {}
            }
        }
    }

    /// Trace ids that point nowhere (a bug in composition; writers would emit dead links).
    pub fn dangling_traces(&self) -> Vec<String> {
        let anchors = self.anchors();
        let mut bad = Vec::new();
        let mut check = |t: &Vec<String>| {
            for id in t {
                if !anchors.contains(id.as_str()) {
                    bad.push(id.clone());
                }
            }
        };
        for b in &self.blocks {
            match b {
                Block::Paragraph(p) => {
                    for i in &p.inlines {
                        if let Inline::Figure { trace, .. } = i {
                            check(trace);
                        }
                    }
                }
                Block::Table(t) => {
                    for r in &t.rows {
                        if let Row::Cells { cells } = r {
                            for c in cells {
                                check(&c.trace);
                            }
                        }
                    }
                }
                Block::Chart(c) => check(&c.trace),
                _ => {}
            }
        }
        bad
    }
}

/// Formats a score (points): always two decimals (92.60), as score sheets print them and as the
/// pages and `planwatch assess` show the same figure (the monitor's `Points`).
pub fn fmt_score(value: f64) -> String {
    if value.is_finite() {
        format!("{value:.2}")
    } else {
        "—".into()
    }
}

/// Formats a number the way Chinese official tables do: no trailing zeros, at most `max_dp`
/// decimals (186, 2.1, 0.55).
pub fn fmt_num(value: f64, max_dp: usize) -> String {
    // The one rule of every output (planwatch_model::figure).
    planwatch_model::figure::number_zh(value, u8::try_from(max_dp).unwrap_or(u8::MAX))
}

/// A share as a percentage with one decimal (0.952 → 95.2%).
pub fn fmt_pct(share: f64) -> String {
    format!("{}%", fmt_num(share * 100.0, 1))
}

/// Splits a long title into lines of even length (GB/T 9704 §7.3.1: 回行时词意完整、排列对称),
/// breaking near the middle and preferably after a word such as 年度, 建设 or 的. `per_line` is
/// how many Chinese characters fit on a line (digits and Latin letters count half).
pub fn title_lines(title: &str, per_line: f64) -> Vec<String> {
    let chars: Vec<char> = title.chars().collect();
    // Latin letters and digits are half a character; CJK punctuation such as — and “ is a full
    // one in a Chinese face.
    let width = |c: &char| if c.is_ascii() { 0.5 } else { 1.0 };
    let total: f64 = chars.iter().map(width).sum();
    if total <= per_line || chars.len() < 4 {
        return vec![title.to_string()];
    }
    let n = (total / per_line).ceil() as usize;
    let good = [
        "关于", "年度", "季度", "城市", "建设", "情况", "考核", "评价", "推进", "计划", "实施",
        "评估", "》", "的", "和", "与", "市", "省", "县",
    ];
    let mut lines = Vec::new();
    let mut start = 0;
    for k in 1..n {
        let target = total * k as f64 / n as f64;
        let mut acc = 0.0;
        let mut best: Option<(f64, usize)> = None;
        for (i, c) in chars.iter().enumerate().skip(start) {
            acc += width(c);
            if i + 1 >= chars.len() || acc > per_line * k as f64 {
                break;
            }
            let head: String = chars[..=i].iter().collect();
            // A break inside a word (国家创|新型) costs more than an uneven pair of lines.
            let bonus = if good.iter().any(|g| head.ends_with(g)) {
                0.0
            } else {
                5.0
            };
            // Never split a run of digits or Latin letters.
            let splits_word =
                chars[i].is_ascii_alphanumeric() && chars[i + 1].is_ascii_alphanumeric();
            if splits_word {
                continue;
            }
            let cost = (acc - target).abs() + bonus;
            if best.is_none_or(|(b, _)| cost < b) {
                best = Some((cost, i + 1));
            }
        }
        let Some((_, cut)) = best else { break };
        lines.push(chars[start..cut].iter().collect());
        start = cut;
    }
    lines.push(chars[start..].iter().collect());
    lines
}

/// Chinese numerals for section numbers (1 → 一, 12 → 十二); enough for outlines.
pub fn zh_numeral(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].into(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[n - 10]),
        20..=99 => {
            let (t, u) = (n / 10, n % 10);
            if u == 0 {
                format!("{}十", D[t])
            } else {
                format!("{}十{}", D[t], D[u])
            }
        }
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(fmt_num(186.0, 2), "186");
        assert_eq!(fmt_num(2.10, 2), "2.1");
        assert_eq!(fmt_num(0.554, 2), "0.55");
        assert_eq!(fmt_num(-0.0001, 2), "0");
        assert_eq!(fmt_num(f64::NAN, 2), "—");
        assert_eq!(fmt_pct(0.9523), "95.2%");
    }

    #[test]
    fn long_titles_break_evenly_after_a_word() {
        assert_eq!(
            title_lines("关于2023年度国家创新型城市建设评价考核情况的报告", 19.5),
            ["关于2023年度国家创新型城市", "建设评价考核情况的报告"]
        );
        assert_eq!(
            title_lines("2023年度国家创新型城市建设评价考核反馈单", 19.5),
            ["2023年度国家创新型城市", "建设评价考核反馈单"]
        );
        assert_eq!(title_lines("短标题", 20.0), ["短标题"]);
        assert_eq!(
            title_lines(
                "关于国家创新型城市建设2022—2024年计划实施情况终期评估的报告",
                19.5
            ),
            [
                "关于国家创新型城市建设",
                "2022—2024年计划实施情况终期评估的报告"
            ]
        );
        assert_eq!(
            title_lines("关于2024年第三季度国家创新型城市建设推进情况的通报", 19.5),
            ["关于2024年第三季度", "国家创新型城市建设推进情况的通报"]
        );
    }

    #[test]
    fn chinese_numerals_cover_outline_numbers() {
        assert_eq!(zh_numeral(1), "一");
        assert_eq!(zh_numeral(8), "八");
        assert_eq!(zh_numeral(10), "十");
        assert_eq!(zh_numeral(12), "十二");
        assert_eq!(zh_numeral(22), "二十二");
        assert_eq!(zh_numeral(30), "三十");
    }

    #[test]
    fn a_trace_to_a_missing_source_is_reported_as_dangling() {
        let doc = Document {
            title: "t".into(),
            demo: false,
            blocks: vec![Block::Paragraph(
                ParagraphBuilder::new()
                    .text("共")
                    .figure("3", &["src-1".into()])
                    .text("项")
                    .build(),
            )],
            sources: vec![],
        };
        assert_eq!(doc.dangling_traces(), ["src-1"]);
    }
}
