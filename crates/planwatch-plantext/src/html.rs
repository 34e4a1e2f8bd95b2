//! A saved web page (a plan published on a government portal) → plan text.
//!
//! The bytes are decoded by the page's own `<meta charset>` (UTF-8, GBK/GB2312/GB18030), else
//! as UTF-8 when they are, else GB18030. A small tokenizer (no recursion, no tree deeper than
//! [`MAX_DEPTH`]; `script`, `style` and hidden elements skipped) reads the elements and their
//! text. The article is the element that holds most of the page's text outside links, credited
//! Readability-style to each paragraph's container and the container's parent; everything around
//! it (navigation, breadcrumbs, the 发布时间 / 浏览次数 / 字体 大 中 小 line, share links, the
//! site footer) is dropped, and lines of the article that are such furniture are dropped too.
//! Tables read as rows of tab-separated cells, as a .docx table does; a layout table (a cell
//! with a whole article in it) reads as paragraphs. When the article has no title of its own,
//! the page's heading (or `<title>` without the site name) comes first.
//!
//! Each line of the text remembers the line of the HTML source where its element begins
//! (`HtmlText::source_lines`), for provenance.

use crate::decode::InputError;
use encoding_rs::{Encoding, GB18030, UTF_8};

/// Elements open at once; deeper elements are read as text of the deepest one (old pages leave
/// many `<font>` and `<p>` unclosed).
pub const MAX_DEPTH: usize = 256;
/// Start tags open at once beyond which the page is refused: no page of a government portal
/// nests this deep, only a hostile or broken one.
pub const MAX_OPEN: usize = 10_000;
/// The largest page read.
pub const MAX_HTML_BYTES: usize = 32 << 20;
/// The least text an article has, in characters (not counting spaces).
const MIN_ARTICLE_CHARS: usize = 20;
/// A cell with more text than this is page layout, not a table cell.
const LAYOUT_CELL_CHARS: usize = 400;

/// A page read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HtmlText {
    pub(crate) text: String,
    /// For each line of `text`, the 1-based line of the HTML source its element begins on.
    pub(crate) source_lines: Vec<u32>,
}

/// Whether the bytes look like a web page: an .htm(l) name, or markup at the start.
pub(crate) fn looks_like_html(bytes: &[u8], file_name: &str) -> bool {
    let lower = file_name.to_lowercase();
    if [".html", ".htm", ".shtml", ".xhtml"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return true;
    }
    let head: Vec<u8> = bytes
        .iter()
        .skip_while(|b| b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF)
        .take(512)
        .map(u8::to_ascii_lowercase)
        .collect();
    head.starts_with(b"<!doctype html")
        || head.starts_with(b"<html")
        || (head.starts_with(b"<?xml") && head.windows(5).any(|w| w == b"<html"))
        || (head.starts_with(b"<!--") && head.windows(5).any(|w| w == b"<html"))
}

/// The encoding a page declares in its first 4 KiB (`<meta charset=gbk>`,
/// `content="text/html; charset=gb2312"`).
fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head: Vec<u8> = bytes
        .iter()
        .take(4096)
        .map(u8::to_ascii_lowercase)
        .collect();
    let at = head.windows(8).position(|w| w == b"charset=")?;
    let rest = &head[at + 8..];
    let rest = rest
        .strip_prefix(b"\"")
        .or(rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
        .unwrap_or(rest.len());
    Encoding::for_label(&rest[..end])
}

/// Decodes a page: by its BOM, its declared charset (GBK and GB2312 read as GB18030, their
/// superset), else UTF-8 when valid, else GB18030.
pub(crate) fn decode_page(bytes: &[u8]) -> Result<String, InputError> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
            .map(|c| c.into_owned())
            .ok_or(InputError::Undecodable);
    }
    let declared = declared_encoding(bytes).map(|e| {
        if e.name() == "GBK" || e.name() == "gb18030" {
            GB18030
        } else {
            e
        }
    });
    let tries: Vec<&'static Encoding> = match declared {
        Some(e) => vec![e, UTF_8, GB18030],
        None => vec![UTF_8, GB18030],
    };
    for enc in tries {
        if let Some(t) = enc.decode_without_bom_handling_and_without_replacement(bytes) {
            return Ok(t.into_owned());
        }
    }
    // A page with a few broken bytes: read it the declared way with replacements.
    let enc = declared.unwrap_or(GB18030);
    Ok(enc.decode_without_bom_handling(bytes).0.into_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Block,
    Inline,
    Link,
    Table,
    Row,
    Cell,
    Heading,
    Title,
}

#[derive(Debug)]
struct Node {
    tag: String,
    kind: Kind,
    parent: Option<usize>,
    depth: usize,
    line: u32,
    hidden: bool,
    colspan: usize,
    /// Characters of text in the subtree, and of them outside links.
    text: usize,
    plain: usize,
    credit: f64,
}

#[derive(Debug)]
enum Event {
    Open(usize),
    Close(usize),
    Text(usize, String),
    Break,
}

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
const SKIP: [&str; 9] = [
    "script", "style", "noscript", "template", "svg", "textarea", "select", "button", "object",
];

fn kind_of(tag: &str) -> Kind {
    match tag {
        "a" => Kind::Link,
        "table" => Kind::Table,
        "tr" => Kind::Row,
        "td" | "th" => Kind::Cell,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Kind::Heading,
        "title" => Kind::Title,
        "p" | "div" | "li" | "ul" | "ol" | "tbody" | "thead" | "tfoot" | "section" | "article"
        | "header" | "footer" | "nav" | "aside" | "main" | "body" | "html" | "form" | "pre"
        | "blockquote" | "center" | "dl" | "dt" | "dd" | "figure" | "figcaption" | "caption"
        | "address" | "head" | "iframe" | "fieldset" | "hr" => Kind::Block,
        _ => Kind::Inline,
    }
}

/// `&amp;`, `&nbsp;`, `&#x4E00;`, `&#19968;` and the few named entities a portal uses.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i + 1);
        let Some(end) = end else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let c = if let Some(num) = name.strip_prefix('#') {
            let n = match num.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None => num.parse().ok(),
            };
            n.and_then(char::from_u32)
        } else {
            match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" | "ensp" | "emsp" | "thinsp" => Some(' '),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                "lsquo" => Some('‘'),
                "rsquo" => Some('’'),
                "mdash" => Some('—'),
                "ndash" => Some('–'),
                "middot" => Some('·'),
                "hellip" => Some('…'),
                "times" => Some('×'),
                "le" => Some('≤'),
                "ge" => Some('≥'),
                "deg" => Some('°'),
                "permil" => Some('‰'),
                _ => None,
            }
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Collapses runs of ASCII whitespace to one space, as a browser shows text.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_ascii_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    if space && !out.is_empty() {
        out.push(' ');
    }
    out
}

/// The value of attribute `name` in a start tag's attribute text.
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(p) = lower[from..].find(name) {
        let at = from + p;
        from = at + name.len();
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let off = lower.len() - rest.len() + 1;
        let value = attrs[off..].trim_start();
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or("").to_string(),
            _ => value
                .split(|c: char| c.is_ascii_whitespace() || c == '>')
                .next()
                .unwrap_or("")
                .to_string(),
        });
    }
    None
}

struct Parsed {
    nodes: Vec<Node>,
    events: Vec<Event>,
    title: String,
    /// The most elements open at once, counting those beyond [`MAX_DEPTH`].
    deepest: usize,
}

fn parse(src: &str) -> Parsed {
    let mut nodes: Vec<Node> = vec![Node {
        tag: "#root".into(),
        kind: Kind::Block,
        parent: None,
        depth: 0,
        line: 1,
        hidden: false,
        colspan: 1,
        text: 0,
        plain: 0,
        credit: 0.0,
    }];
    let mut events = Vec::new();
    let mut stack: Vec<usize> = vec![0];
    let mut title = String::new();
    let mut ignored = 0usize;
    let mut deepest = 0usize;
    let bytes = src.as_bytes();
    let mut i = 0;
    let mut line: u32 = 1;
    let mut counted = 0;
    let line_at = |at: usize, line: &mut u32, counted: &mut usize| {
        *line += u32::try_from(bytes[*counted..at].iter().filter(|&&b| b == b'\n').count())
            .unwrap_or(u32::MAX);
        *counted = at;
    };
    while i < bytes.len() {
        let next = src[i..].find('<').map_or(src.len(), |p| i + p);
        if next > i {
            let top = *stack.last().unwrap_or(&0);
            let text = collapse(&unescape(&src[i..next]));
            if !text.trim().is_empty() || (!text.is_empty() && !events.is_empty()) {
                if nodes[top].kind == Kind::Title {
                    title.push_str(&text);
                } else {
                    events.push(Event::Text(top, text));
                }
            }
        }
        if next >= bytes.len() {
            break;
        }
        i = next;
        line_at(i, &mut line, &mut counted);
        let rest = &src[i..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(bytes.len(), |p| i + p + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i = rest.find('>').map_or(bytes.len(), |p| i + p + 1);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = if closing { 2 } else { 1 };
        let name: String = rest[name_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            // A lone '<' is text.
            let top = *stack.last().unwrap_or(&0);
            events.push(Event::Text(top, "<".into()));
            i += 1;
            continue;
        }
        // The tag's end, outside quoted attribute values.
        let mut j = i + name_start + name.len();
        let mut quote: Option<u8> = None;
        while j < bytes.len() {
            match (quote, bytes[j]) {
                (Some(q), b) if b == q => quote = None,
                (None, b'"' | b'\'') => quote = Some(bytes[j]),
                (None, b'>') => break,
                _ => {}
            }
            j += 1;
        }
        let attrs = &src[(i + name_start + name.len()).min(j)..j.min(src.len())];
        i = (j + 1).min(bytes.len());
        if closing {
            // The end of an element too deep to keep.
            if ignored > 0 {
                ignored -= 1;
                continue;
            }
            if let Some(pos) = stack.iter().rposition(|&n| nodes[n].tag == name)
                && pos > 0
            {
                while stack.len() > pos {
                    if let Some(n) = stack.pop() {
                        events.push(Event::Close(n));
                    }
                }
            }
            continue;
        }
        if SKIP.contains(&name.as_str()) {
            let end = format!("</{name}");
            let lower_rest = src[i..].to_ascii_lowercase();
            i = lower_rest.find(&end).map_or(bytes.len(), |p| i + p);
            continue;
        }
        if name == "br" {
            events.push(Event::Break);
            continue;
        }
        if VOID.contains(&name.as_str()) || attrs.trim_end().ends_with('/') {
            if name == "hr" {
                events.push(Event::Break);
            }
            continue;
        }
        if stack.len() > MAX_DEPTH {
            // Not kept; counted, so that a page nesting without end is refused.
            ignored += 1;
            deepest = deepest.max(stack.len() + ignored);
            continue;
        }
        // Implied ends: a new paragraph, item, row or cell ends the open one.
        let implied: &[&str] = match name.as_str() {
            "p" => &["p"],
            "li" => &["li"],
            "tr" => &["tr", "td", "th"],
            "td" | "th" => &["td", "th"],
            "dt" | "dd" => &["dt", "dd"],
            _ => &[],
        };
        if !implied.is_empty()
            && let Some(pos) = stack.iter().rposition(|&n| {
                implied.contains(&nodes[n].tag.as_str())
                    || matches!(nodes[n].tag.as_str(), "table" | "ul" | "ol" | "dl")
            })
            && implied.contains(&nodes[stack[pos]].tag.as_str())
            && pos > 0
        {
            while stack.len() > pos {
                if let Some(n) = stack.pop() {
                    events.push(Event::Close(n));
                }
            }
        }
        let parent = *stack.last().unwrap_or(&0);
        let style = attribute(attrs, "style")
            .unwrap_or_default()
            .to_ascii_lowercase()
            .replace(' ', "");
        let hidden = nodes[parent].hidden
            || style.contains("display:none")
            || style.contains("visibility:hidden")
            || attribute(attrs, "hidden").is_some();
        let colspan = attribute(attrs, "colspan")
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, 64);
        let id = nodes.len();
        nodes.push(Node {
            kind: kind_of(&name),
            tag: name,
            parent: Some(parent),
            depth: stack.len(),
            line,
            hidden,
            colspan,
            text: 0,
            plain: 0,
            credit: 0.0,
        });
        stack.push(id);
        events.push(Event::Open(id));
    }
    while let Some(n) = stack.pop() {
        if n > 0 {
            events.push(Event::Close(n));
        }
    }
    Parsed {
        nodes,
        events,
        title: collapse(&title).trim().to_string(),
        deepest,
    }
}

fn within(nodes: &[Node], mut n: usize, kind: Kind) -> bool {
    loop {
        if nodes[n].kind == kind {
            return true;
        }
        match nodes[n].parent {
            Some(p) => n = p,
            None => return false,
        }
    }
}

fn chars(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// Counts text per subtree and credits it to containers; returns the article's node.
fn article(p: &mut Parsed) -> usize {
    let nodes = &mut p.nodes;
    let mut own: Vec<(usize, usize)> = vec![(0, 0); nodes.len()];
    for e in &p.events {
        if let Event::Text(n, t) = e {
            if nodes[*n].hidden {
                continue;
            }
            let c = chars(t);
            own[*n].0 += c;
            if !within(nodes, *n, Kind::Link) {
                own[*n].1 += c;
            }
        }
    }
    // Children are created after their parents: sum up in reverse order.
    for n in (0..nodes.len()).rev() {
        nodes[n].text += own[n].0;
        nodes[n].plain += own[n].1;
        if let Some(parent) = nodes[n].parent {
            let (t, pl) = (nodes[n].text, nodes[n].plain);
            nodes[parent].text += t;
            nodes[parent].plain += pl;
        }
    }
    // Credit the plain text of each container (the nearest block of a run; a small table cell
    // counts as its whole table) to it and to its parent. A container whose own text is page
    // furniture (a 发布时间 line, the footer) gets nothing.
    let mut own_text: Vec<String> = vec![String::new(); nodes.len()];
    let mut own_plain: Vec<usize> = vec![0; nodes.len()];
    let container = |nodes: &[Node], n: usize| {
        let mut b = n;
        while matches!(nodes[b].kind, Kind::Inline | Kind::Link) {
            match nodes[b].parent {
                Some(pa) => b = pa,
                None => break,
            }
        }
        b
    };
    for e in &p.events {
        if let Event::Text(n, t) = e
            && !nodes[*n].hidden
        {
            let b = container(nodes, *n);
            if own_text[b].len() < 4096 {
                own_text[b].push_str(t);
            }
            if !within(nodes, *n, Kind::Link) {
                own_plain[b] += chars(t);
            }
        }
    }
    for n in 0..nodes.len() {
        let plain = own_plain[n];
        if plain == 0 || is_furniture(&own_text[n]) {
            continue;
        }
        let mut b = n;
        if matches!(nodes[b].kind, Kind::Cell | Kind::Row) && nodes[b].text <= LAYOUT_CELL_CHARS {
            while nodes[b].kind != Kind::Table {
                match nodes[b].parent {
                    Some(pa) => b = pa,
                    None => break,
                }
            }
        }
        // Short lines (a date, a menu entry) say little about where the article is.
        let weight = if plain < 8 { 0.3 } else { 1.0 };
        let credit = plain as f64 * weight;
        nodes[b].credit += credit;
        if let Some(pa) = nodes[b].parent {
            nodes[pa].credit += credit;
        }
    }
    let best = nodes.iter().map(|n| n.credit).fold(0.0, f64::max);
    // The deepest container with nearly the best credit.
    nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.credit >= best * 0.9 && !n.hidden)
        .max_by_key(|(_, n)| n.depth)
        .map_or(0, |(i, _)| i)
}

/// A line of the article that is page furniture, not plan text.
fn is_furniture(line: &str) -> bool {
    let t: String = line
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect();
    if t.is_empty() {
        return true;
    }
    let short = t.chars().count() <= 80;
    let starts = |p: &[&str]| p.iter().any(|w| t.starts_with(w));
    let has = |p: &[&str]| p.iter().any(|w| t.contains(w));
    // The site footer, however long.
    if has(&[
        "网站标识码",
        "ICP备",
        "ICP证",
        "公网安备",
        "主办单位：",
        "承办单位：",
        "技术支持：",
    ]) {
        return true;
    }
    if !short {
        return false;
    }
    starts(&[
        "当前位置",
        "您的位置",
        "你的位置",
        "您现在的位置",
        "首页>",
        "首页»",
    ]) || has(&[
        "发布时间",
        "发布日期",
        "浏览次数",
        "阅读次数",
        "访问量",
        "点击数",
    ]) || (has(&["字体：", "字号：", "【字体", "【字号"]) && has(&["大", "小"]))
        || t == "打印"
        || t == "关闭"
        || has(&["【打印】", "【关闭", "打印本页", "关闭窗口", "打印此页"])
        || starts(&["分享到", "分享：", "扫一扫"])
        || starts(&["版权所有", "Copyright", "©"])
        || starts(&["上一篇", "下一篇", "【相关链接】", "相关链接"])
}

struct Writer {
    lines: Vec<(String, u32)>,
    current: String,
    line: u32,
}

impl Writer {
    fn flush(&mut self) {
        let t = std::mem::take(&mut self.current);
        let t = t.trim();
        if !t.is_empty() {
            self.lines.push((t.to_string(), self.line));
        }
    }
    fn text(&mut self, s: &str, line: u32) {
        if self.current.trim().is_empty() {
            self.line = line;
        }
        self.current.push_str(s);
    }
}

/// One table being read: the row and the cell under construction.
#[derive(Default)]
struct TableState {
    node: usize,
    layout: bool,
    row: Vec<String>,
    cell: String,
    row_line: u32,
}

fn render(p: &Parsed, top: usize) -> Vec<(String, u32)> {
    let nodes = &p.nodes;
    let mut w = Writer {
        lines: Vec::new(),
        current: String::new(),
        line: nodes[top].line,
    };
    let mut tables: Vec<TableState> = Vec::new();
    let mut inside = top == 0;
    let cell_lines = |t: &mut TableState, s: &str| {
        if !t.cell.is_empty()
            && !s.is_empty()
            && !t
                .cell
                .ends_with(['。', '；', '！', '？', '：', ';', '，', '、'])
        {
            t.cell.push('；');
        }
        t.cell.push_str(s);
    };
    let mut cell_text = String::new();
    for e in &p.events {
        match e {
            Event::Open(n) if *n == top => {
                inside = true;
                continue;
            }
            Event::Close(n) if *n == top => break,
            _ if !inside => continue,
            _ => {}
        }
        let data_table = tables.last().is_some_and(|t| !t.layout);
        match e {
            Event::Open(n) => {
                let node = &nodes[*n];
                if node.hidden {
                    continue;
                }
                match node.kind {
                    Kind::Table => {
                        if data_table {
                            // A table in a cell: its rows join the cell's text.
                            let t = tables.last_mut().expect("checked");
                            cell_lines(t, std::mem::take(&mut cell_text).trim());
                        } else {
                            w.flush();
                        }
                        let layout = nodes
                            .iter()
                            .skip(*n + 1)
                            .take_while(|m| m.depth > node.depth)
                            .any(|m| m.kind == Kind::Cell && m.text > LAYOUT_CELL_CHARS);
                        tables.push(TableState {
                            node: *n,
                            layout,
                            ..TableState::default()
                        });
                    }
                    Kind::Row if data_table => {
                        if let Some(t) = tables.last_mut() {
                            t.row.clear();
                            t.row_line = node.line;
                        }
                    }
                    Kind::Cell if data_table => cell_text.clear(),
                    Kind::Block | Kind::Heading | Kind::Row | Kind::Cell if !data_table => {
                        w.flush();
                    }
                    Kind::Block | Kind::Heading if data_table => {
                        if let Some(t) = tables.last_mut() {
                            cell_lines(t, std::mem::take(&mut cell_text).trim());
                        }
                    }
                    _ => {}
                }
            }
            Event::Close(n) => {
                let node = &nodes[*n];
                match node.kind {
                    Kind::Table if tables.last().is_some_and(|t| t.node == *n) => {
                        let t = tables.pop().expect("checked");
                        if !t.layout && !t.row.is_empty() {
                            w.lines.push((t.row.join("\t"), t.row_line));
                        }
                        if let Some(outer) = tables.last_mut()
                            && !outer.layout
                        {
                            // Rows already went to the lines; nothing more to carry.
                        }
                        w.flush();
                    }
                    Kind::Cell if data_table => {
                        if let Some(t) = tables.last_mut() {
                            cell_lines(t, std::mem::take(&mut cell_text).trim());
                            let cell = std::mem::take(&mut t.cell).replace('\t', " ");
                            t.row.push(cell.trim().to_string());
                            for _ in 1..node.colspan {
                                t.row.push(String::new());
                            }
                        }
                    }
                    Kind::Row if data_table => {
                        if let Some(t) = tables.last_mut() {
                            let row = std::mem::take(&mut t.row);
                            if row.iter().any(|c| !c.is_empty()) {
                                w.flush();
                                w.lines.push((row.join("\t"), t.row_line));
                            }
                        }
                    }
                    Kind::Block | Kind::Heading if data_table => {
                        if let Some(t) = tables.last_mut() {
                            cell_lines(t, std::mem::take(&mut cell_text).trim());
                        }
                    }
                    Kind::Block | Kind::Heading | Kind::Row | Kind::Cell => w.flush(),
                    _ => {}
                }
            }
            Event::Text(n, s) => {
                if nodes[*n].hidden {
                    continue;
                }
                if data_table {
                    cell_text.push_str(s);
                } else {
                    w.text(s, nodes[*n].line);
                }
            }
            Event::Break => {
                if data_table {
                    if let Some(t) = tables.last_mut() {
                        cell_lines(t, std::mem::take(&mut cell_text).trim());
                    }
                } else {
                    w.flush();
                }
            }
        }
    }
    w.flush();
    w.lines
}

/// The page's own heading for the article: the last heading (or element whose class says
/// title) before the article, else `<title>` without the site's name.
fn page_title(p: &Parsed, top: usize) -> String {
    let mut best = String::new();
    let mut in_heading: Option<usize> = None;
    let mut text = String::new();
    for e in &p.events {
        match e {
            Event::Open(n) if *n == top => break,
            Event::Open(n) if p.nodes[*n].kind == Kind::Heading && in_heading.is_none() => {
                in_heading = Some(*n);
                text.clear();
            }
            Event::Close(n) if in_heading == Some(*n) => {
                in_heading = None;
                let t = text.trim();
                if chars(t) >= 6 && !is_furniture(t) {
                    best = t.to_string();
                }
            }
            Event::Text(_, s) if in_heading.is_some() => text.push_str(s),
            _ => {}
        }
    }
    if !best.is_empty() {
        return best;
    }
    let t = p.title.as_str();
    let cut = [" - ", "-", "_", "|", "——", " — "]
        .iter()
        .filter_map(|s| t.find(s))
        .min()
        .unwrap_or(t.len());
    t[..cut].trim().to_string()
}

/// A title that ends in its period in brackets: (name, period).
fn split_period(title: &str) -> Option<(&str, &str)> {
    let t = title.trim_end();
    let open = t.rfind(['（', '('])?;
    let (name, period) = t.split_at(open);
    let inner = period
        .trim_start_matches(['（', '('])
        .trim_end_matches(['）', ')']);
    let ok = period.ends_with(['）', ')'])
        && inner.ends_with('年')
        && inner.chars().filter(char::is_ascii_digit).count() >= 4
        && !name.trim().is_empty();
    ok.then(|| (name.trim_end(), period))
}

/// Reads a web page's article as plan text.
pub(crate) fn read(bytes: &[u8]) -> Result<HtmlText, InputError> {
    if bytes.len() > MAX_HTML_BYTES {
        return Err(InputError::Html(format!(
            "网页文件过大：{} MiB，上限 {} MiB",
            bytes.len() >> 20,
            MAX_HTML_BYTES >> 20
        )));
    }
    let src = decode_page(bytes)?;
    let mut parsed = parse(&src);
    if parsed.deepest > MAX_OPEN {
        return Err(InputError::Html(format!(
            "网页的元素嵌套超过 {MAX_OPEN} 层（{} 层），不是正常的网页",
            parsed.deepest
        )));
    }
    let top = article(&mut parsed);
    let mut lines: Vec<(String, u32)> = render(&parsed, top)
        .into_iter()
        .filter(|(l, _)| !is_furniture(l))
        .collect();
    // A page whose article is a few words (a menu entry, 首页) has no article: a title alone
    // is not a plan.
    if lines.iter().map(|(l, _)| chars(l)).sum::<usize>() < MIN_ARTICLE_CHARS {
        return Err(InputError::Html(
            "网页中没有找到正文（只有导航、页眉页脚等）".to_string(),
        ));
    }
    let title = page_title(&parsed, top);
    let norm = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let has_title = lines
        .iter()
        .take(3)
        .any(|(l, _)| norm(l).contains(&norm(&title)) || norm(&title).contains(&norm(l)));
    if !title.is_empty() && !has_title {
        let line = parsed.nodes.get(top).map_or(1, |n| n.line);
        // 某某行动计划（2022—2024年）: the period goes on its own line, as a document prints it.
        match split_period(&title) {
            Some((name, period)) => {
                lines.insert(0, (period.to_string(), line));
                lines.insert(0, (name.to_string(), line));
            }
            None => lines.insert(0, (title, line)),
        }
    }
    // Lines of text may hold line breaks of their own (a <pre>): one source line each.
    let mut text = String::new();
    let mut source_lines = Vec::new();
    for (l, at) in lines {
        for part in l.split('\n') {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(part.trim_end_matches([' ', '\r']));
            source_lines.push(at);
        }
    }
    Ok(HtmlText { text, source_lines })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html><head><meta charset="gbk"><title>关于印发行动计划的通知 - 某市人民政府</title>
<style>p{color:red}</style><script>var a = "<p>不是正文</p>";</script></head>
<body><div class="nav"><a href="/">首页</a><a href="/zw">政务公开</a><a href="/wj">政策文件</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zw">政务公开</a></div>
<h1>某市科技创新三年行动计划</h1>
<div class="info">发布时间：2022-05-10 来源：市政府办公室 浏览次数：1234 字体：[大 中 小] <a>打印</a> <a>关闭</a></div>
<div id="zoom"><p>为深入实施创新驱动发展战略，特制定本行动计划。</p>
<p>（1）建设省级以上创新平台20家。</p><p>牵头单位：市科技局</p>
<table><tr><td>序号</td><td>任务</td><td colspan="2">牵头单位</td></tr>
<tr><td>1</td><td>建设孵化器<br>3家</td><td>市科技局</td></tr></table>
<p style="display:none">隐藏文字</p></div>
<div class="share">分享到：<a>微信</a><a>微博</a></div>
<div class="footer">主办单位：某市人民政府办公室 网站标识码：1403000001 晋ICP备05001234号</div>
</body></html>"#;

    #[test]
    fn the_article_is_found_and_the_furniture_dropped() {
        let (bytes, _, _) = GB18030.encode(PAGE);
        let page = read(&bytes).expect("a page");
        assert_eq!(
            page.text,
            "某市科技创新三年行动计划\n为深入实施创新驱动发展战略，特制定本行动计划。\n（1）建设省级以上创新平台20家。\n牵头单位：市科技局\n序号\t任务\t牵头单位\t\n1\t建设孵化器；3家\t市科技局"
        );
        assert_eq!(page.source_lines.len(), 6);
        assert_eq!(page.source_lines[1], 7);
    }

    #[test]
    fn the_charset_is_read_from_the_meta_tag_or_guessed() {
        let (gbk, _, _) = GB18030.encode("<meta charset=\"gb2312\"><p>牵头单位</p>");
        assert!(decode_page(&gbk).expect("gbk").contains("牵头单位"));
        let (gbk, _, _) = GB18030.encode("<p>牵头单位</p>");
        assert!(decode_page(&gbk).expect("guessed").contains("牵头单位"));
        assert!(looks_like_html(b"  <!DOCTYPE HTML>", "x"));
        assert!(!looks_like_html("牵头单位".as_bytes(), "plan.txt"));
    }

    #[test]
    fn deep_nesting_is_read_flat_up_to_a_limit_and_refused_beyond() {
        let page = |n: usize| {
            format!(
                "<html><body>{}<p>（1）建设省级以上创新平台20家。</p><p>牵头单位：市科技局</p>{}</body></html>",
                "<div><font>".repeat(n),
                "</font></div>".repeat(n)
            )
        };
        let out = read(page(2_000).as_bytes()).expect("read");
        assert!(out.text.contains("创新平台20家"), "{}", out.text);
        let e = read(page(100_000).as_bytes()).expect_err("too deep");
        assert!(e.to_string().contains("嵌套"), "{e}");
    }
}
