//! Where the previewed text came from, carried between the preview, the correction and the
//! confirmation: for a saved web page, the HTML source line of each line of the text (a PDF's
//! pages travel in the text itself, as form feeds). The spans of the plan the confirmation
//! extracts again then point into the original file, as `planwatch plan import` gives them.
//!
//! The map travels as a hidden field of deltas (`40,0,2,…`), bounded by the text it describes
//! (one entry per line of the text, so no bigger than the text) and sealed with an HMAC-SHA256
//! keyed by the session's CSRF token over the file name, the text and the map: a map edited in
//! the page, or carried from another session or for another text, is refused and nothing is
//! imported.

use sha2::{Digest, Sha256};

/// The largest source line a map may name (a web page is at most a few MiB).
const MAX_SOURCE_LINE: u32 = 50_000_000;

/// The carried form of a map: the first line, then the difference to each next one.
pub fn encode(lines: &[u32]) -> String {
    let mut out = String::with_capacity(lines.len() * 2);
    let mut prev = 0i64;
    for (i, &l) in lines.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let l = i64::from(l);
        out.push_str(&(l - prev).to_string());
        prev = l;
    }
    out
}

/// Reads a carried map for a text of `text_lines` lines; the error says what is wrong.
pub fn decode(s: &str, text_lines: usize) -> Result<Vec<u32>, String> {
    let bad = || "来源位置信息已损坏，请重新上传文件".to_string();
    // One entry per line of the text: no more entries are read than the text has lines.
    let mut out = Vec::with_capacity(text_lines.min(s.len() / 2 + 1));
    let mut at = 0i64;
    for piece in s.split(',') {
        if out.len() >= text_lines || piece.len() > 10 {
            return Err(bad());
        }
        at += piece.parse::<i64>().map_err(|_| bad())?;
        match u32::try_from(at) {
            Ok(l) if (1..=MAX_SOURCE_LINE).contains(&l) => out.push(l),
            _ => return Err(bad()),
        }
    }
    if out.len() != text_lines {
        return Err(bad());
    }
    Ok(out)
}

/// HMAC-SHA256 (RFC 2104).
fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The seal of a carried map: keyed by the session's CSRF token, over the file name, the text
/// (newlines as LF) and the map.
pub fn seal(csrf: &str, file_name: &str, content: &str, origin: &str) -> String {
    // Each part length-prefixed, so that no two messages are the same bytes.
    let mut message = Vec::with_capacity(content.len() + origin.len() + file_name.len() + 64);
    for part in ["planwatch-plan-origin", file_name, content, origin] {
        message.extend_from_slice(&(part.len() as u64).to_be_bytes());
        message.extend_from_slice(part.as_bytes());
    }
    hex(&hmac(csrf.as_bytes(), &message))
}

/// Whether `given` is the seal of the map for this session, file and text (compared in time
/// that does not depend on where they differ).
pub fn verify(csrf: &str, file_name: &str, content: &str, origin: &str, given: &str) -> bool {
    let want = seal(csrf, file_name, content, origin);
    want.len() == given.len()
        && want
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_goes_and_comes_back_and_a_wrong_one_is_refused() {
        let lines = [40, 40, 42, 39, 120];
        let s = encode(&lines);
        assert_eq!(s, "40,0,2,-3,81");
        assert_eq!(decode(&s, 5), Ok(lines.to_vec()));
        assert!(decode(&s, 4).is_err(), "more entries than lines");
        assert!(decode(&s, 6).is_err(), "fewer entries than lines");
        assert!(decode("40,-40", 2).is_err(), "line 0");
        assert!(decode("40,x", 2).is_err());
        assert!(decode("99999999999999999999", 1).is_err());
    }

    #[test]
    fn the_seal_binds_the_session_the_file_the_text_and_the_map() {
        let s = seal("token-a", "计划.html", "一、总体要求\n二、主要任务", "40,2");
        assert_eq!(s.len(), 64);
        assert!(verify(
            "token-a",
            "计划.html",
            "一、总体要求\n二、主要任务",
            "40,2",
            &s
        ));
        assert!(!verify(
            "token-b",
            "计划.html",
            "一、总体要求\n二、主要任务",
            "40,2",
            &s
        ));
        assert!(!verify(
            "token-a",
            "别的.html",
            "一、总体要求\n二、主要任务",
            "40,2",
            &s
        ));
        assert!(!verify(
            "token-a",
            "计划.html",
            "一、总体要求\n二、任务",
            "40,2",
            &s
        ));
        assert!(!verify(
            "token-a",
            "计划.html",
            "一、总体要求\n二、主要任务",
            "40,3",
            &s
        ));
        assert!(!verify(
            "token-a",
            "计划.html",
            "一、总体要求\n二、主要任务",
            "40,2",
            ""
        ));
        // RFC 4231 test cases 2 and 6 (a key longer than the block).
        assert_eq!(
            hex(&hmac(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex(&hmac(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }
}
