//! An entry as a response stored in the Cache API, and back: the body, with
//! the entry's fields in headers. The Worker shell only copies these pairs.

use crate::cache::Entry;
use crate::float_text::finite_f64;

const STORED_AT: &str = "x-stored-at";
const TTL: &str = "x-edge-ttl";

/// The headers of the stored response. `cache-control` makes the Cache API
/// drop it when the period ends.
pub fn to_headers(entry: &Entry) -> [(&'static str, String); 5] {
    [
        ("content-type", "application/json".to_owned()),
        ("cache-control", format!("max-age={}", entry.ttl)),
        ("etag", entry.etag.clone()),
        (STORED_AT, entry.stored_at_ms.to_string()),
        (TTL, entry.ttl.to_string()),
    ]
}

/// The entry from a stored response's headers and body; `None` when a
/// header is missing or unreadable (an entry written by another version).
pub fn from_response(header: impl Fn(&str) -> Option<String>, body: String) -> Option<Entry> {
    Some(Entry {
        etag: header("etag")?,
        stored_at_ms: finite_f64(&header(STORED_AT)?)?,
        ttl: header(TTL)?.parse().ok()?,
        body,
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn entries_survive_the_round_trip() {
        let entry = Entry {
            body: r#"{"sessionId":"s"}"#.into(),
            etag: "\"abc\"".into(),
            stored_at_ms: 1_767_323_045_678.0,
            ttl: 30,
        };
        let headers = to_headers(&entry);
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(header("cache-control").as_deref(), Some("max-age=30"));
        assert_eq!(from_response(header, entry.body.clone()), Some(entry));
    }

    #[test]
    fn unreadable_entries_are_misses() {
        let body = String::new();
        assert_eq!(from_response(|_| None, body.clone()), None);
        let bad = |name: &str| match name {
            "x-stored-at" => Some("NaN".to_owned()),
            _ => Some("1".to_owned()),
        };
        assert_eq!(from_response(bad, body), None);
    }
}
