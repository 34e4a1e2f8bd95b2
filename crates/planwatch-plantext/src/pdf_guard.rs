//! The check a PDF passes before it is parsed. The parser (`hayro-syntax`) trusts the file: it
//! decompresses a stream whole, recurses into nested arrays and dictionaries and walks the page
//! tree recursively. A hostile file (a compressed-stream bomb, 100 000 nested arrays, a page
//! tree that refers to itself or fans out exponentially, millions of objects) would make it ask
//! for gigabytes, run for ever or overflow its stack. This module reads the raw file with its own
//! small tokenizer and refuses such a file with a message that says what is wrong:
//!
//! - size: at most [`MAX_PDF_BYTES`];
//! - nesting of arrays and dictionaries: at most [`MAX_NESTING`], in the file and inside object
//!   streams;
//! - every stream's decoded size, measured by inflating it into nothing (Flate) or bounded by the
//!   worst expansion of its filters (LZW, RunLength, chains): at most [`MAX_STREAM_DECODED`]
//!   each and [`MAX_TOTAL_DECODED`] together;
//! - objects: at most [`MAX_OBJECTS`] (including those in object streams) and no cross-reference
//!   `/Size` beyond it;
//! - the page tree: every node referred to by one parent at most, no cycle, at most
//!   [`MAX_PAGE_TREE_DEPTH`] levels and [`MAX_PAGES`] pages;
//! - content streams (pages and forms): nesting as above, and at most [`MAX_SAVED_STATES`]
//!   graphics states saved (`q`) or marked-content sequences open at once.

use crate::decode::InputError;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::ops::Range;

/// The largest PDF read: a 500-page scanned plan is larger, but a scan has no text anyway.
pub const MAX_PDF_BYTES: usize = 64 << 20;
/// Pages read.
pub const MAX_PAGES: usize = 5_000;
/// Objects in the file, object streams included.
pub const MAX_OBJECTS: usize = 500_000;
/// Nested arrays and dictionaries (a real file nests fewer than ten).
pub const MAX_NESTING: usize = 64;
/// Levels of the page tree (a balanced tree of 5 000 pages needs four).
pub const MAX_PAGE_TREE_DEPTH: usize = 64;
/// The decoded size of one stream (a whole embedded CJK font is some 10 to 20 MiB).
pub const MAX_STREAM_DECODED: u64 = 32 << 20;
/// The decoded size of all streams together.
pub const MAX_TOTAL_DECODED: u64 = 512 << 20;
/// Graphics states saved at once (`q` without `Q`) and marked-content sequences open at once in
/// a content stream: the interpreter keeps a copy of the state for each (a real page needs
/// fewer than twenty).
pub const MAX_SAVED_STATES: usize = 4_096;

fn refuse(msg: impl Into<String>) -> InputError {
    InputError::Pdf(msg.into())
}

/// An object of the raw file: its number and the bytes of its body (for a stream, up to the
/// `stream` keyword), and its stream data.
struct RawObject {
    num: u64,
    body: Range<usize>,
    stream: Option<Range<usize>>,
}

/// Checks a PDF before it is parsed; see the module documentation.
pub(crate) fn check(bytes: &[u8]) -> Result<(), InputError> {
    if bytes.len() > MAX_PDF_BYTES {
        return Err(refuse(format!(
            "PDF 文件过大：{} MiB，上限 {} MiB",
            bytes.len() >> 20,
            MAX_PDF_BYTES >> 20
        )));
    }
    let objects = tokenize(bytes, "文件")?;
    if objects.len() > MAX_OBJECTS {
        return Err(refuse(format!(
            "PDF 含有 {} 个对象，超过上限 {MAX_OBJECTS}",
            objects.len()
        )));
    }
    check_sizes(bytes)?;
    let mut count = objects.len();
    let mut total: u64 = 0;
    // The last definition of an object wins (incremental updates append new versions).
    let mut bodies: HashMap<u64, Vec<u8>> = HashMap::new();
    for o in &objects {
        let body = &bytes[o.body.clone()];
        if let Some(data) = &o.stream {
            let decoded = decoded_size(o.num, body, &bytes[data.clone()])?;
            total = total.saturating_add(decoded);
            if total > MAX_TOTAL_DECODED {
                return Err(refuse(format!(
                    "PDF 的数据流解压后共超过 {} MiB，超过上限",
                    MAX_TOTAL_DECODED >> 20
                )));
            }
            if is_content_like(body) {
                content_check(o.num, body, &bytes[data.clone()])?;
            }
            if has_name_after(body, b"/Type", b"/ObjStm") {
                let members = object_stream(o.num, body, &bytes[data.clone()])?;
                count = count.saturating_add(members.len());
                if count > MAX_OBJECTS {
                    return Err(refuse(format!(
                        "PDF 含有超过 {MAX_OBJECTS} 个对象，超过上限"
                    )));
                }
                bodies.extend(members);
            }
        }
        bodies.insert(o.num, body.to_vec());
    }
    check_page_tree(&bodies)
}

/// Whether a stream may be drawn as content (a page's contents, a form, a pattern, a Type 3
/// glyph): not a font program, an image, an ICC profile, metadata or a cross-reference stream.
fn is_content_like(body: &[u8]) -> bool {
    let subtype_ok =
        find(body, b"/Subtype", 0).is_none() || has_name_after(body, b"/Subtype", b"/Form");
    subtype_ok
        && [&b"/Length1"[..], b"/Length2", b"/Length3"]
            .iter()
            .all(|k| find(body, k, 0).is_none())
        && int_after(body, b"/N").is_none()
        && ![&b"/XRef"[..], b"/ObjStm", b"/Metadata", b"/EmbeddedFile"]
            .iter()
            .any(|t| has_name_after(body, b"/Type", t))
}

/// Decodes a content stream (Flate or none; other encodings are bounded by their size only)
/// and checks its nesting and saved states.
fn content_check(num: u64, body: &[u8], data: &[u8]) -> Result<(), InputError> {
    let decoded = match filters(body).as_deref() {
        Some([]) => data.to_vec(),
        Some([f]) if is_flate(f) => {
            let mut out = Vec::new();
            let _ = flate2::read::ZlibDecoder::new(data)
                .take(MAX_STREAM_DECODED)
                .read_to_end(&mut out);
            out
        }
        _ => return Ok(()),
    };
    let b = decoded.as_slice();
    let (mut depth, mut states, mut marked) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            }
            b'(' => {
                let mut level = 0usize;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 1,
                        b'(' => level += 1,
                        b')' => {
                            level = level.saturating_sub(1);
                            if level == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'<' if b.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 1;
            }
            b'<' => {
                while i < b.len() && b[i] != b'>' {
                    i += 1;
                }
            }
            b'>' if b.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            c if c.is_ascii_alphabetic() || c == b'\'' || c == b'"' => {
                let start = i;
                while i < b.len() && !is_delimiter(b[i]) {
                    i += 1;
                }
                match &b[start..i] {
                    b"q" => states += 1,
                    b"Q" => states = states.saturating_sub(1),
                    b"BMC" | b"BDC" => marked += 1,
                    b"EMC" => marked = marked.saturating_sub(1),
                    // An inline image: its data runs to `EI`.
                    b"ID" => {
                        i = find(b, b"EI", i).map_or(b.len(), |p| p + 2);
                    }
                    _ => {}
                }
                if states > MAX_SAVED_STATES || marked > MAX_SAVED_STATES {
                    return Err(refuse(format!(
                        "PDF 对象 {num} 的内容流保存了超过 {MAX_SAVED_STATES} 层图形状态，无法读取"
                    )));
                }
                continue;
            }
            _ => {}
        }
        if depth > MAX_NESTING {
            return Err(refuse(format!(
                "PDF 对象 {num} 的内容流中的数组或字典嵌套超过 {MAX_NESTING} 层，无法读取"
            )));
        }
        i += 1;
    }
    Ok(())
}

/// A cross-reference `/Size` or table section (the number of objects the file claims) beyond
/// the limit.
fn check_sizes(bytes: &[u8]) -> Result<(), InputError> {
    let mut from = 0;
    while let Some(at) = find(bytes, b"xref", from) {
        from = at + 4;
        // `xref` then sections `first count`.
        let rest = &bytes[from..bytes.len().min(from + 64)];
        let words: Vec<&[u8]> = rest
            .split(|b| b.is_ascii_whitespace())
            .filter(|w| !w.is_empty())
            .take(2)
            .collect();
        if let [_, count] = words.as_slice()
            && count.iter().all(u8::is_ascii_digit)
            && (count.len() > 12
                || std::str::from_utf8(count)
                    .ok()
                    .and_then(|c| c.parse::<u64>().ok())
                    .is_some_and(|n| n > (MAX_OBJECTS as u64) * 2))
        {
            return Err(refuse(format!(
                "PDF 的交叉引用表声称有 {} 个对象，超过上限 {MAX_OBJECTS}",
                String::from_utf8_lossy(count)
            )));
        }
    }
    from = 0;
    while let Some(at) = find(bytes, b"/Size", from) {
        from = at + 5;
        let rest = &bytes[from..bytes.len().min(from + 40)];
        let digits: Vec<u8> = rest
            .iter()
            .copied()
            .skip_while(u8::is_ascii_whitespace)
            .take_while(u8::is_ascii_digit)
            .collect();
        if digits.len() > 12
            || std::str::from_utf8(&digits)
                .ok()
                .and_then(|d| d.parse::<u64>().ok())
                .is_some_and(|n| n > (MAX_OBJECTS as u64) * 2)
        {
            return Err(refuse(format!(
                "PDF 的交叉引用表声称有 {} 个对象，超过上限 {MAX_OBJECTS}",
                String::from_utf8_lossy(&digits)
            )));
        }
    }
    Ok(())
}

pub(crate) fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= hay.len() || needle.is_empty() {
        return None;
    }
    let first = needle[0];
    let mut i = from;
    while i + needle.len() <= hay.len() {
        match hay[i..].iter().position(|&b| b == first) {
            None => return None,
            Some(p) => {
                i += p;
                if hay[i..].starts_with(needle) {
                    return Some(i);
                }
                i += 1;
            }
        }
    }
    None
}

fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace() || b"()<>[]{}/%".contains(&b)
}

/// Reads the raw file (or an object stream's content): nesting depth, objects and their
/// streams. `place` names where, for the message.
fn tokenize(b: &[u8], place: &str) -> Result<Vec<RawObject>, InputError> {
    let mut objects = Vec::new();
    let mut depth = 0usize;
    let mut ints: [Option<u64>; 2] = [None, None];
    let mut current: Option<(u64, usize)> = None;
    let mut i = 0;
    let deep = || {
        refuse(format!(
            "PDF {place}中的数组或字典嵌套超过 {MAX_NESTING} 层，无法读取"
        ))
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'%' => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            }
            b'(' => {
                let mut level = 0usize;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 1,
                        b'(' => level += 1,
                        b')' => {
                            level = level.saturating_sub(1);
                            if level == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                ints = [None, None];
            }
            b'<' if b.get(i + 1) == Some(&b'<') => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(deep());
                }
                i += 1;
            }
            b'<' => {
                while i < b.len() && b[i] != b'>' {
                    i += 1;
                }
                ints = [None, None];
            }
            b'>' if b.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(deep());
                }
            }
            b']' => depth = depth.saturating_sub(1),
            b'0'..=b'9' => {
                let start = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                let n = std::str::from_utf8(&b[start..i])
                    .ok()
                    .and_then(|s| s.parse::<u64>().ok());
                ints = [ints[1], n];
                continue;
            }
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                let word = &b[start..i];
                match word {
                    b"obj" => {
                        if let [Some(num), Some(_)] = ints {
                            current = Some((num, i));
                            depth = 0;
                        }
                    }
                    b"endobj" => {
                        if let Some((num, body)) = current.take() {
                            objects.push(RawObject {
                                num,
                                body: body..start,
                                stream: None,
                            });
                        }
                        depth = 0;
                    }
                    b"stream" => {
                        let mut data = i;
                        if b.get(data) == Some(&b'\r') {
                            data += 1;
                        }
                        if b.get(data) == Some(&b'\n') {
                            data += 1;
                        }
                        let end = find(b, b"endstream", data).unwrap_or(b.len());
                        let mut stop = end;
                        while stop > data && matches!(b[stop - 1], b'\n' | b'\r') {
                            stop -= 1;
                        }
                        if let Some((num, body)) = current.take() {
                            objects.push(RawObject {
                                num,
                                body: body..start,
                                stream: Some(data..stop),
                            });
                        }
                        i = (end + b"endstream".len()).min(b.len());
                        depth = 0;
                    }
                    _ => {}
                }
                ints = [None, None];
                continue;
            }
            c if c.is_ascii_whitespace() => {}
            _ => ints = [None, None],
        }
        i += 1;
    }
    Ok(objects)
}

/// Whether `name` follows `key` (after spaces) somewhere in `body`, as a whole name.
fn has_name_after(body: &[u8], key: &[u8], name: &[u8]) -> bool {
    let mut from = 0;
    while let Some(at) = find(body, key, from) {
        from = at + key.len();
        let rest = &body[from..];
        let skip = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let rest = &rest[skip..];
        if rest.starts_with(name) && rest.get(name.len()).is_none_or(|&b| is_delimiter(b)) {
            return true;
        }
    }
    false
}

/// The names of the stream's filters, in order; `None` when the entry is not a name or an
/// array of names (an indirect reference, say).
fn filters(body: &[u8]) -> Option<Vec<String>> {
    let Some(at) = find(body, b"/Filter", 0) else {
        return Some(Vec::new());
    };
    let rest = &body[at + 7..];
    let skip = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let rest = &rest[skip..];
    let names_in = |s: &[u8]| -> Vec<String> {
        s.split(|&b| b == b'/')
            .skip(1)
            .map(|n| {
                let end = n.iter().position(|&b| is_delimiter(b)).unwrap_or(n.len());
                String::from_utf8_lossy(&n[..end]).into_owned()
            })
            .collect()
    };
    match rest.first() {
        Some(b'/') => {
            let end = rest[1..]
                .iter()
                .position(|&b| is_delimiter(b))
                .map_or(rest.len(), |p| p + 1);
            Some(names_in(&rest[..end]))
        }
        Some(b'[') => {
            let end = rest.iter().position(|&b| b == b']')?;
            Some(names_in(&rest[1..end]))
        }
        _ => None,
    }
}

fn is_flate(f: &str) -> bool {
    matches!(f, "FlateDecode" | "Fl")
}

/// The worst expansion of a filter: how many decoded bytes one encoded byte can become.
fn worst_ratio(f: &str) -> Option<u64> {
    match f {
        "FlateDecode" | "Fl" => Some(1_032),
        "LZWDecode" | "LZW" => Some(4_096),
        "RunLengthDecode" | "RL" => Some(128),
        "ASCIIHexDecode" | "AHx" | "ASCII85Decode" | "A85" => Some(1),
        // Image codecs: the text reader never decodes an image.
        "DCTDecode" | "DCT" | "JPXDecode" | "JBIG2Decode" | "CCITTFaxDecode" | "CCF" | "Crypt" => {
            Some(1)
        }
        _ => None,
    }
}

/// Inflates (zlib) into nothing, counting the bytes, up to `limit + 1`.
fn inflated_size(data: &[u8], limit: u64) -> u64 {
    let mut z = flate2::read::ZlibDecoder::new(data).take(limit + 1);
    let mut sink = [0u8; 64 * 1024];
    let mut n = 0u64;
    loop {
        match z.read(&mut sink) {
            Ok(0) | Err(_) => return n,
            Ok(k) => n += k as u64,
        }
    }
}

/// The decoded size of a stream, or why it is refused.
fn decoded_size(num: u64, body: &[u8], data: &[u8]) -> Result<u64, InputError> {
    let Some(fs) = filters(body) else {
        return Err(refuse(format!(
            "PDF 对象 {num} 的压缩方式 (/Filter) 无法识别"
        )));
    };
    let too_big = || {
        refuse(format!(
            "PDF 对象 {num} 的数据流解压后超过 {} MiB（压缩炸弹？），无法读取",
            MAX_STREAM_DECODED >> 20
        ))
    };
    let len = data.len() as u64;
    let size = match fs.as_slice() {
        [] => len,
        [f] if is_flate(f) => {
            let n = inflated_size(data, MAX_STREAM_DECODED);
            if n > MAX_STREAM_DECODED {
                return Err(too_big());
            }
            n
        }
        // A Flate stream decoded into an image codec's data: the inflated part is bounded.
        [f, g] if is_flate(f) && worst_ratio(g) == Some(1) => {
            let n = inflated_size(data, MAX_STREAM_DECODED);
            if n > MAX_STREAM_DECODED {
                return Err(too_big());
            }
            n
        }
        chain => {
            let mut bound = len;
            for f in chain {
                let r = worst_ratio(f)
                    .ok_or_else(|| refuse(format!("PDF 对象 {num} 使用了不支持的压缩方式 {f}")))?;
                bound = bound.saturating_mul(r);
            }
            if bound > MAX_STREAM_DECODED {
                return Err(too_big());
            }
            bound
        }
    };
    Ok(size)
}

/// The integer after `key` in a dictionary body.
fn int_after(body: &[u8], key: &[u8]) -> Option<u64> {
    let at = find(body, key, 0)?;
    let rest = &body[at + key.len()..];
    if rest.first().is_some_and(|b| !is_delimiter(*b)) {
        return None;
    }
    let digits: String = rest
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| b as char)
        .collect();
    digits.parse().ok()
}

/// The objects of an object stream (already known to decode within the limit): checked for
/// nesting, returned by number.
fn object_stream(num: u64, body: &[u8], data: &[u8]) -> Result<Vec<(u64, Vec<u8>)>, InputError> {
    let decoded = match filters(body).as_deref() {
        Some([]) => data.to_vec(),
        Some([f]) if is_flate(f) => {
            let mut out = Vec::new();
            let _ = flate2::read::ZlibDecoder::new(data)
                .take(MAX_STREAM_DECODED)
                .read_to_end(&mut out);
            out
        }
        // Other encodings of an object stream are left to the parser (bounded above).
        _ => return Ok(Vec::new()),
    };
    tokenize(&decoded, &format!("对象流 {num} "))?;
    let n = int_after(body, b"/N").unwrap_or(0) as usize;
    let first = int_after(body, b"/First").unwrap_or(0) as usize;
    if n > MAX_OBJECTS {
        return Err(refuse(format!(
            "PDF 对象流 {num} 声称含有 {n} 个对象，超过上限 {MAX_OBJECTS}"
        )));
    }
    let header = decoded.get(..first.min(decoded.len())).unwrap_or(&[]);
    let numbers: Vec<u64> = header
        .split(|b| b.is_ascii_whitespace())
        .filter(|s| !s.is_empty())
        .filter_map(|s| std::str::from_utf8(s).ok()?.parse().ok())
        .collect();
    let pairs: Vec<(u64, usize)> = numbers
        .chunks_exact(2)
        .take(n)
        .map(|p| (p[0], p[1] as usize))
        .collect();
    let mut out = Vec::with_capacity(pairs.len());
    for (k, &(obj, off)) in pairs.iter().enumerate() {
        let start = first.saturating_add(off).min(decoded.len());
        let end = pairs
            .get(k + 1)
            .map_or(decoded.len(), |p| {
                first.saturating_add(p.1).min(decoded.len())
            })
            .max(start);
        out.push((obj, decoded[start..end].to_vec()));
    }
    Ok(out)
}

/// The object numbers in an array of references: `[3 0 R 5 0 R]`.
fn references(array: &[u8]) -> Vec<u64> {
    let tokens: Vec<&[u8]> = array
        .split(|b| b.is_ascii_whitespace() || *b == b'[' || *b == b']')
        .filter(|t| !t.is_empty())
        .collect();
    tokens
        .windows(3)
        .filter(|w| w[2] == b"R")
        .filter_map(|w| std::str::from_utf8(w[0]).ok()?.parse().ok())
        .collect()
}

/// The kids of a page-tree node: an array in the node, or an array object it refers to.
fn kids(body: &[u8], bodies: &HashMap<u64, Vec<u8>>) -> Vec<u64> {
    let Some(at) = find(body, b"/Kids", 0) else {
        return Vec::new();
    };
    let rest = &body[at + 5..];
    let skip = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let rest = &rest[skip..];
    if rest.first() == Some(&b'[') {
        let end = rest.iter().position(|&b| b == b']').unwrap_or(rest.len());
        return references(&rest[..end]);
    }
    // `/Kids 12 0 R`: the array is object 12.
    let end = rest.iter().position(|&b| b == b'R').map_or(0, |p| p + 1);
    match references(&rest[..end]).first() {
        Some(n) => bodies.get(n).map(|b| references(b)).unwrap_or_default(),
        None => Vec::new(),
    }
}

fn check_page_tree(bodies: &HashMap<u64, Vec<u8>>) -> Result<(), InputError> {
    let nodes: HashMap<u64, Vec<u64>> = bodies
        .iter()
        .filter(|(_, b)| has_name_after(b, b"/Type", b"/Pages"))
        .map(|(&n, b)| (n, kids(b, bodies)))
        .collect();
    let mut parents: HashSet<u64> = HashSet::new();
    let mut leaves = 0usize;
    for (node, ks) in &nodes {
        for k in ks {
            if !parents.insert(*k) {
                return Err(refuse(format!(
                    "PDF 页面树中对象 {k} 被多次引用（节点 {node}），页面树无效"
                )));
            }
            if !nodes.contains_key(k) {
                leaves += 1;
            }
        }
    }
    if leaves > MAX_PAGES {
        return Err(refuse(format!(
            "PDF 有 {leaves} 页，超过上限 {MAX_PAGES} 页"
        )));
    }
    // Depth and cycles: every node's chain of parents, walked upwards.
    let parent_of: HashMap<u64, u64> = nodes
        .iter()
        .flat_map(|(&n, ks)| ks.iter().map(move |&k| (k, n)))
        .collect();
    for &start in nodes.keys() {
        let mut at = start;
        let mut steps = 0usize;
        while let Some(&p) = parent_of.get(&at) {
            steps += 1;
            if p == start || steps > MAX_PAGE_TREE_DEPTH {
                return Err(refuse(format!(
                    "PDF 页面树有环或超过 {MAX_PAGE_TREE_DEPTH} 层（节点 {start}），页面树无效"
                )));
            }
            at = p;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).expect("in memory");
        e.finish().expect("in memory")
    }

    fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n".to_vec();
        for (i, o) in objects.iter().enumerate() {
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(o);
            out.extend_from_slice(b"\nendobj\n");
        }
        out.extend_from_slice(b"trailer\n<< /Root 1 0 R /Size 9 >>\n%%EOF\n");
        out
    }

    fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
        let mut o = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        o.extend_from_slice(data);
        o.extend_from_slice(b"\nendstream");
        o
    }

    #[test]
    fn an_ordinary_file_passes() {
        let content = zlib(b"BT /F1 12 Tf (hello) Tj ET");
        let f = pdf(&[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>".to_vec(),
            stream("/Filter /FlateDecode", &content),
        ]);
        assert_eq!(check(&f), Ok(()));
    }

    #[test]
    fn a_compressed_stream_bomb_is_refused() {
        let bomb = zlib(&vec![b' '; (MAX_STREAM_DECODED + 1024) as usize]);
        let f = pdf(&[stream("/Filter [/FlateDecode]", &bomb)]);
        let e = check(&f).expect_err("bomb");
        assert!(e.to_string().contains("解压"), "{e}");
    }

    #[test]
    fn deep_nesting_and_bad_page_trees_are_refused() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let e = check(&pdf(&[deep.into_bytes()])).expect_err("deep");
        assert!(e.to_string().contains("嵌套"), "{e}");
        let cyclic = pdf(&[
            b"<< /Type /Pages /Kids [2 0 R] >>".to_vec(),
            b"<< /Type /Pages /Kids [1 0 R] >>".to_vec(),
        ]);
        assert!(
            check(&cyclic)
                .expect_err("cycle")
                .to_string()
                .contains("页面树")
        );
        let shared = pdf(&[
            b"<< /Type /Pages /Kids [2 0 R 2 0 R] >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R 3 0 R] >>".to_vec(),
            b"<< /Type /Page >>".to_vec(),
        ]);
        assert!(
            check(&shared)
                .expect_err("dag")
                .to_string()
                .contains("多次")
        );
    }

    #[test]
    fn content_streams_are_checked_for_nesting_and_saved_states() {
        let q = zlib(&b"q ".repeat(10_000));
        let f = pdf(&[stream("/Filter /FlateDecode", &q)]);
        assert!(
            check(&f)
                .expect_err("states")
                .to_string()
                .contains("图形状态")
        );
        let deep = zlib(format!("[{}] TJ", "[".repeat(5_000)).as_bytes());
        let f = pdf(&[stream("/Filter /FlateDecode", &deep)]);
        assert!(check(&f).expect_err("nesting").to_string().contains("嵌套"));
        // A font program is not content: its bytes are not read as operators.
        let font = zlib(&b"[".repeat(5_000));
        let f = pdf(&[stream("/Length1 5000 /Filter /FlateDecode", &font)]);
        assert_eq!(check(&f), Ok(()));
        let f = b"%PDF-1.7\nxref\n0 4000000000\ntrailer << /Size 3 >>".to_vec();
        assert!(
            check(&f)
                .expect_err("xref")
                .to_string()
                .contains("交叉引用")
        );
    }

    #[test]
    fn lzw_is_bounded_by_its_worst_expansion() {
        let f = pdf(&[stream("/Filter /LZWDecode", &vec![0u8; 20_000])]);
        assert!(check(&f).is_err());
        let f = pdf(&[stream("/Filter /LZWDecode", &[0u8; 2_000])]);
        assert_eq!(check(&f), Ok(()));
    }
}
