//! Rendered answers kept per server: the body of a page or of an API read, under a key made of
//! everything it is rendered from — the plan, its data version and the versions of what else it
//! reads, the viewer, the query and the day (China Standard Time). An answer is a pure function
//! of its key, so a kept body is exactly what rendering anew would give; a change to the data
//! moves a version and so the key, and the old body is never served again (it ages out).
//!
//! Why: a province holds hundreds of plans, and one plan's monitoring sources weigh 3–4 MB in
//! memory while its dashboard weighs about 85 KB and its indicator list about 20 KB. The sources
//! of the plans used last are kept (`assessment.rs`, `WebConfig::plans_cached`); the answers of
//! every plan fit here, so reading a plan whose data did not change costs its version probes and
//! a copy, not a load of its sources and a render (BENCHMARKS.md, "Province-sized").

use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// At most this many bytes of bodies (keys not counted: they are short); when a new body would
/// pass it, the bodies used least recently make room.
pub const MAX_BYTES: usize = 48 << 20;

/// A body larger than this is not kept (a page that large is rare and cheap to miss).
const MAX_BODY: usize = 2 << 20;

/// A kept body, with its entity tag once an API read has asked for it (the tag is a hash of the
/// bytes, made once per body rather than once per request: `api/conditional.rs`), and, for a page
/// part kept as text, the text (the same buffer: a part put into a page is not checked to be
/// UTF-8 again on every request).
#[derive(Debug)]
pub struct Kept {
    pub body: Bytes,
    text: Option<Arc<str>>,
    tag: OnceLock<String>,
}

/// Text as the owner of a body's bytes.
struct TextBytes(Arc<str>);

impl AsRef<[u8]> for TextBytes {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl Kept {
    pub fn new(body: Bytes) -> Kept {
        Kept {
            body,
            text: None,
            tag: OnceLock::new(),
        }
    }

    fn text_of(text: String) -> Kept {
        let text: Arc<str> = Arc::from(text);
        Kept {
            body: Bytes::from_owner(TextBytes(text.clone())),
            text: Some(text),
            tag: OnceLock::new(),
        }
    }

    /// The text of a body kept as text ([`Rendered::put_text`]).
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// The body's tag, made by `make` from the bytes the first time it is asked for.
    pub fn tag(&self, make: impl FnOnce(&[u8]) -> String) -> &str {
        self.tag.get_or_init(|| make(&self.body))
    }
}

#[derive(Default)]
pub struct Rendered {
    slots: Mutex<Slots>,
}

#[derive(Default)]
struct Slots {
    by_key: HashMap<String, (Arc<Kept>, u64)>,
    bytes: usize,
    clock: u64,
}

impl Rendered {
    /// The body kept under `key`, if any.
    pub fn get(&self, key: &str) -> Option<Arc<Kept>> {
        let mut s = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        s.clock += 1;
        let now = s.clock;
        s.by_key.get_mut(key).map(|(b, used)| {
            *used = now;
            b.clone()
        })
    }

    /// Keeps `body` under `key`, making room within [`MAX_BYTES`]; gives it back as kept (or
    /// as it would have been kept, when too large to keep).
    pub fn put(&self, key: String, body: Bytes) -> Arc<Kept> {
        self.put_within(key, body, MAX_BYTES)
    }

    /// Keeps `text` under `key` as [`put`](Self::put) does, its text at hand ([`Kept::text`]).
    pub fn put_text(&self, key: String, text: String) -> Arc<Kept> {
        self.keep(key, Arc::new(Kept::text_of(text)), MAX_BYTES)
    }

    fn put_within(&self, key: String, body: Bytes, max: usize) -> Arc<Kept> {
        self.keep(key, Arc::new(Kept::new(body)), max)
    }

    fn keep(&self, key: String, kept: Arc<Kept>, max: usize) -> Arc<Kept> {
        if kept.body.len() > MAX_BODY.min(max) {
            return kept;
        }
        let mut s = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((old, _)) = s.by_key.remove(&key) {
            s.bytes -= old.body.len();
        }
        while s.bytes + kept.body.len() > max {
            let Some(oldest) = s
                .by_key
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((b, _)) = s.by_key.remove(&oldest) {
                s.bytes -= b.body.len();
            }
        }
        s.clock += 1;
        let now = s.clock;
        s.bytes += kept.body.len();
        s.by_key.insert(key, (kept.clone(), now));
        kept
    }

    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).bytes
    }
}

/// A key from its parts, separated by a character no part contains (a unit separator).
pub fn key(parts: &[&dyn std::fmt::Display]) -> String {
    let mut k = String::new();
    for (n, p) in parts.iter().enumerate() {
        if n > 0 {
            k.push('\u{1f}');
        }
        k.push_str(&p.to_string().replace('\u{1f}', "\u{fffd}"));
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_used_least_recently_makes_room_and_the_bytes_stay_within_the_limit() {
        let r = Rendered::default();
        let body = |n: usize| Bytes::from(vec![b'x'; n]);
        r.put_within("a".into(), body(40), 100);
        r.put_within("b".into(), body(40), 100);
        assert!(r.get("a").is_some(), "a used after b");
        r.put_within("c".into(), body(40), 100);
        assert!(r.get("b").is_none(), "b was used least recently");
        assert_eq!(r.get("a").map(|b| b.body.len()), Some(40));
        assert_eq!(r.get("c").map(|b| b.body.len()), Some(40));
        assert_eq!(r.bytes(), 80);
        r.put_within("a".into(), body(10), 100);
        assert_eq!(r.bytes(), 50, "a replaced, not added");
        r.put_within("huge".into(), body(101), 100);
        assert!(r.get("huge").is_none(), "larger than the limit: not kept");
        assert_eq!(r.bytes(), 50);
    }

    #[test]
    fn a_body_kept_as_text_gives_its_text_and_the_same_bytes() {
        let r = Rendered::default();
        let text = r.put_text("t".into(), "驾驶舱".repeat(3));
        assert_eq!(text.text(), Some("驾驶舱驾驶舱驾驶舱"));
        assert_eq!(text.body.as_ref(), "驾驶舱驾驶舱驾驶舱".as_bytes());
        assert_eq!(r.get("t").and_then(|k| k.text().map(str::len)), Some(27));
        assert_eq!(r.bytes(), 27);
        r.put("b".into(), Bytes::from_static(b"x"));
        assert_eq!(r.get("b").map(|k| k.text().is_none()), Some(true));
    }

    #[test]
    fn a_key_keeps_its_parts_apart() {
        assert_ne!(key(&[&"a\u{1f}b", &"c"]), key(&[&"a", &"b\u{1f}c"]));
        assert_eq!(
            key(&[&1, &"x", &Some(3).map_or(0, |v| v)]),
            "1\u{1f}x\u{1f}3"
        );
    }
}
