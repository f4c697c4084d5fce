//! Entity tags and `If-None-Match` (RFC 9110 section 13.1.2).

use sha2::{Digest, Sha256};

/// A strong validator for a response body.
pub fn etag(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    format!("\"{}\"", hex::encode(digest.get(..12).unwrap_or_default()))
}

/// Does `If-None-Match` name this entity tag? (weak comparison)
pub fn if_none_match_hits(header: &str, etag: &str) -> bool {
    let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    header.trim() == "*" || header.split(',').any(|tag| bare(tag) == bare(etag))
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn etags_follow_the_body() {
        assert_eq!(etag("{}"), etag("{}"));
        assert_ne!(etag("{}"), etag("{ }"));
        assert!(etag("{}").starts_with('"') && etag("{}").ends_with('"'));
    }

    #[test]
    fn if_none_match_uses_weak_comparison() {
        let tag = "\"abc\"";
        assert!(if_none_match_hits("\"abc\"", tag));
        assert!(if_none_match_hits("W/\"abc\"", tag));
        assert!(if_none_match_hits("\"x\", \"abc\"", tag));
        assert!(if_none_match_hits("*", tag));
        assert!(!if_none_match_hits("\"abd\"", tag));
        assert!(!if_none_match_hits("", tag));
    }
}
