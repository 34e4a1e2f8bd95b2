//! Word's automatic list numbering (word/numbering.xml): headings such as 一、 or （一） that
//! Word draws but does not store in the text. The .docx reader writes the labels back into the
//! text so that the outline sees them.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;

/// How one list level draws its number.
#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    format: String,
    /// e.g. "%1、" or "（%2）".
    text: String,
}

/// The list definitions of a document and the running counters.
#[derive(Debug, Default)]
pub(crate) struct Numbering {
    /// numId → levels (ilvl 0..=8).
    lists: HashMap<String, Vec<Level>>,
    counters: HashMap<String, [u32; 9]>,
    /// Paragraph styles that carry a list (Heading 1 → numId, ilvl), from word/styles.xml.
    styles: HashMap<String, (String, usize)>,
}

fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|&b| b == b':').next().unwrap_or(name)
}

pub(crate) fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| local(a.key.as_ref()) == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

impl Numbering {
    /// Reads word/numbering.xml; a malformed part gives no numbering rather than an error.
    pub(crate) fn parse(xml: &str) -> Self {
        let mut abstracts: HashMap<String, Vec<Level>> = HashMap::new();
        let mut nums: HashMap<String, String> = HashMap::new();
        let mut reader = Reader::from_str(xml);
        let mut current_abstract: Option<String> = None;
        let mut current_num: Option<String> = None;
        let mut level: Option<usize> = None;
        loop {
            let (e, empty) = match reader.read_event() {
                Ok(Event::Start(e)) => (e, false),
                Ok(Event::Empty(e)) => (e, true),
                Ok(Event::End(e)) => {
                    match local(e.name().as_ref()) {
                        b"abstractNum" => current_abstract = None,
                        b"num" => current_num = None,
                        b"lvl" => level = None,
                        _ => {}
                    }
                    continue;
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => continue,
            };
            let name = e.name();
            match local(name.as_ref()) {
                b"abstractNum" if !empty => current_abstract = attr(&e, b"abstractNumId"),
                b"num" if !empty => current_num = attr(&e, b"numId"),
                b"abstractNumId" => {
                    if let (Some(n), Some(v)) = (&current_num, attr(&e, b"val")) {
                        nums.insert(n.clone(), v);
                    }
                }
                b"lvl" if !empty => {
                    level = attr(&e, b"ilvl")
                        .and_then(|v| v.parse::<usize>().ok())
                        .filter(|l| *l < 9);
                }
                b"start" | b"numFmt" | b"lvlText" => {
                    let (Some(a), Some(l), Some(v)) = (&current_abstract, level, attr(&e, b"val"))
                    else {
                        continue;
                    };
                    let levels = abstracts.entry(a.clone()).or_default();
                    if levels.len() <= l {
                        levels.resize(
                            l + 1,
                            Level {
                                start: 1,
                                ..Level::default()
                            },
                        );
                    }
                    match local(name.as_ref()) {
                        b"start" => levels[l].start = v.parse().unwrap_or(1),
                        b"numFmt" => levels[l].format = v,
                        _ => levels[l].text = v,
                    }
                }
                _ => {}
            }
        }
        let lists = nums
            .into_iter()
            .filter_map(|(num, abs)| abstracts.get(&abs).map(|l| (num, l.clone())))
            .collect();
        Numbering {
            lists,
            counters: HashMap::new(),
            styles: HashMap::new(),
        }
    }

    /// Reads the list links of paragraph styles from word/styles.xml.
    pub(crate) fn add_styles(&mut self, xml: &str) {
        let mut reader = Reader::from_str(xml);
        let mut style: Option<String> = None;
        let mut num: Option<String> = None;
        let mut ilvl = 0usize;
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) if local(e.name().as_ref()) == b"style" => {
                    style = attr(&e, b"styleId");
                    num = None;
                    ilvl = 0;
                }
                Ok(Event::Start(e) | Event::Empty(e)) => match local(e.name().as_ref()) {
                    b"numId" => num = attr(&e, b"val"),
                    b"ilvl" => ilvl = attr(&e, b"val").and_then(|v| v.parse().ok()).unwrap_or(0),
                    _ => {}
                },
                Ok(Event::End(e)) if local(e.name().as_ref()) == b"style" => {
                    if let (Some(s), Some(n)) = (style.take(), num.take())
                        && n != "0"
                    {
                        self.styles.insert(s, (n, ilvl.min(8)));
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }

    /// The list a paragraph style puts its paragraphs in.
    pub(crate) fn style_list(&self, style: &str) -> Option<(String, usize)> {
        self.styles.get(style).cloned()
    }

    /// The label of the next paragraph in list `num_id` at level `ilvl`, counting it.
    pub(crate) fn next_label(&mut self, num_id: &str, ilvl: usize) -> Option<String> {
        let levels = self.lists.get(num_id)?;
        let lvl = levels.get(ilvl)?;
        if lvl.format == "bullet" || lvl.format == "none" || lvl.text.is_empty() {
            return None;
        }
        let counters = self.counters.entry(num_id.to_string()).or_insert([0; 9]);
        let current = counters[ilvl];
        counters[ilvl] = if current == 0 {
            lvl.start.max(1)
        } else {
            current + 1
        };
        for c in counters.iter_mut().skip(ilvl + 1) {
            *c = 0;
        }
        let mut label = lvl.text.clone();
        for (k, level) in levels.iter().enumerate().take(ilvl + 1) {
            let value = if counters[k] == 0 {
                level.start.max(1)
            } else {
                counters[k]
            };
            label = label.replace(&format!("%{}", k + 1), &format_number(value, &level.format));
        }
        Some(label)
    }
}

fn chinese(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[(n - 10) as usize] }),
        20..=99 => format!(
            "{}十{}",
            D[(n / 10) as usize],
            if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            }
        ),
        _ => n.to_string(),
    }
}

fn format_number(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "chineseLegalSimplified"
        | "ideographTraditional"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand" => chinese(n),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        "lowerLetter" | "upperLetter" if (1..=26).contains(&n) => {
            let base = if format == "lowerLetter" { b'a' } else { b'A' };
            char::from(base + u8::try_from(n - 1).unwrap_or(0)).to_string()
        }
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl><w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl></w:abstractNum><w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num></w:numbering>"#;

    #[test]
    fn labels_follow_the_list_levels() {
        let mut n = Numbering::parse(XML);
        let labels: Vec<_> = [
            (0),
            (1),
            (1),
            (2),
            (0),
            (1),
            (1),
            (1),
            (1),
            (1),
            (1),
            (1),
            (1),
            (1),
            (1),
            (1),
        ]
        .iter()
        .filter_map(|&l| n.next_label("3", l))
        .collect();
        assert_eq!(
            &labels[..6],
            ["一、", "（一）", "（二）", "1.", "二、", "（一）"]
        );
        assert_eq!(labels[15], "（十一）");
        assert_eq!(n.next_label("9", 0), None);
    }
}
