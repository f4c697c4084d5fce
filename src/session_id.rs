//! The `{session_id}` path segment: decoding and validation (contract section 1).

/// DynamoDB's partition-key limit.
pub const MAX_SESSION_ID_BYTES: usize = 2048;

/// A decoded, validated session id: safe to use as a DynamoDB key and to echo.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionId(String);

/// Why a path segment is not a session id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SegmentError {
    /// Empty, or decodes to text with `/`: the route does not match (404).
    #[error("segment does not match the route")]
    NoMatch,
    /// A segment that matched but is not a usable id (400).
    #[error("{0}")]
    Invalid(String),
}

impl SessionId {
    /// Decodes one raw (percent-encoded) path segment.
    pub fn from_segment(raw: &str) -> Result<Self, SegmentError> {
        if raw.is_empty() {
            return Err(SegmentError::NoMatch);
        }
        if let Some(at) = invalid_escape_at(raw) {
            return Err(SegmentError::Invalid(format!(
                "invalid percent-encoding at byte {at}"
            )));
        }
        let decoded = percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .map_err(|e| SegmentError::Invalid(format!("not valid UTF-8 after decoding ({e})")))?;
        if decoded.contains('/') {
            return Err(SegmentError::NoMatch);
        }
        Self::new(decoded.into_owned())
    }

    /// Validates an already-decoded id.
    pub fn new(id: String) -> Result<Self, SegmentError> {
        if id.is_empty() {
            return Err(SegmentError::NoMatch);
        }
        if id.len() > MAX_SESSION_ID_BYTES {
            return Err(SegmentError::Invalid(format!(
                "longer than {MAX_SESSION_ID_BYTES} bytes ({} bytes)",
                id.len()
            )));
        }
        if let Some(c) = id
            .chars()
            .find(|c| matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'))
        {
            return Err(SegmentError::Invalid(format!(
                "contains control character U+{:04X}",
                c as u32
            )));
        }
        Ok(SessionId(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id encoded one canonical way, for cache keys: every byte outside
    /// the RFC 3986 unreserved set escaped, so `a b`, `a%20b` and `a+b` cannot
    /// collide or split.
    pub fn canonical_segment(&self) -> String {
        const ESCAPE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'.')
            .remove(b'_')
            .remove(b'~');
        percent_encoding::utf8_percent_encode(&self.0, ESCAPE).to_string()
    }
}

/// Byte offset of the first `%` not followed by two hex digits.
fn invalid_escape_at(raw: &str) -> Option<usize> {
    let bytes = raw.as_bytes();
    bytes.iter().enumerate().find_map(|(at, &b)| {
        let valid = b != b'%'
            || matches!(bytes.get(at + 1..at + 3), Some([h, l]) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit());
        (!valid).then_some(at)
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn decode(raw: &str) -> Result<String, SegmentError> {
        SessionId::from_segment(raw).map(|id| id.as_str().to_owned())
    }

    fn invalid(raw: &str) -> String {
        match SessionId::from_segment(raw) {
            Err(SegmentError::Invalid(reason)) => reason,
            other => panic!("{raw:?}: expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn decodes_percent_encoding_as_utf8() {
        assert_eq!(decode("session-123").unwrap(), "session-123");
        assert_eq!(decode("a%20b").unwrap(), "a b");
        assert_eq!(decode("caf%C3%A9").unwrap(), "café");
        assert_eq!(decode("%E2%9C%93.v1").unwrap(), "✓.v1");
        assert_eq!(decode("a+b").unwrap(), "a+b");
        assert_eq!(decode("..").unwrap(), "..");
    }

    #[test]
    fn empty_or_slash_does_not_match_the_route() {
        assert_eq!(decode(""), Err(SegmentError::NoMatch));
        assert_eq!(decode("a%2Fb"), Err(SegmentError::NoMatch));
        assert_eq!(decode("%2f"), Err(SegmentError::NoMatch));
    }

    #[test]
    fn bad_encoding_is_invalid() {
        assert_eq!(invalid("abc%zz"), "invalid percent-encoding at byte 3");
        assert_eq!(invalid("abc%4"), "invalid percent-encoding at byte 3");
        assert_eq!(invalid("%"), "invalid percent-encoding at byte 0");
        assert!(invalid("%FF%FE").starts_with("not valid UTF-8 after decoding"));
        assert!(invalid("%C3").starts_with("not valid UTF-8 after decoding"));
    }

    #[test]
    fn control_characters_are_invalid() {
        assert_eq!(invalid("a%00b"), "contains control character U+0000");
        assert_eq!(invalid("a%0Ab"), "contains control character U+000A");
        assert_eq!(invalid("a%1F"), "contains control character U+001F");
        assert_eq!(invalid("%7F"), "contains control character U+007F");
        // U+0080 and beyond are not in the contract's list.
        assert_eq!(decode("%C2%80").unwrap(), "\u{80}");
    }

    #[test]
    fn length_is_limited_in_utf8_bytes() {
        assert!(decode(&"a".repeat(2048)).is_ok());
        assert_eq!(
            invalid(&"a".repeat(2049)),
            "longer than 2048 bytes (2049 bytes)"
        );
        // 683 × "é" = 1366 bytes ok; 1025 × "é" = 2050 bytes, although 1025 characters.
        assert!(decode(&"%C3%A9".repeat(1024)).is_ok());
        assert_eq!(
            invalid(&"%C3%A9".repeat(1025)),
            "longer than 2048 bytes (2050 bytes)"
        );
    }

    #[test]
    fn canonical_segment_is_one_encoding_per_id() {
        let a = SessionId::from_segment("a%20b").unwrap();
        let b = SessionId::from_segment("a b").unwrap();
        assert_eq!(a.canonical_segment(), "a%20b");
        assert_eq!(a.canonical_segment(), b.canonical_segment());
        assert_eq!(
            SessionId::from_segment("a+b").unwrap().canonical_segment(),
            "a%2Bb"
        );
        assert_eq!(
            SessionId::from_segment("caf%c3%a9")
                .unwrap()
                .canonical_segment(),
            "caf%C3%A9"
        );
    }
}
