//! How long an answer may be served from the edge cache, and under which key.

use crate::config::Config;
use crate::session_id::SessionId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachePolicy {
    /// Seconds for a session still running (any `overallStatus` but
    /// `completed`/`failed`): short, since its next change is due any moment.
    pub running_ttl: u32,
    /// Seconds for a finished session: it will not change again.
    pub finished_ttl: u32,
    /// Seconds for the pending default of a session not written yet: kept
    /// tiny so a new session shows up almost as soon as it is written.
    pub pending_ttl: u32,
}

impl Default for CachePolicy {
    fn default() -> Self {
        CachePolicy {
            running_ttl: 2,
            finished_ttl: 30,
            pending_ttl: 1,
        }
    }
}

/// What the store read produced, as far as caching is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer<'a> {
    /// A document built from a stored item with this `overallStatus`.
    Stored { overall_status: &'a str },
    /// The pending default for a missing item.
    Pending,
    /// An error, a 4xx, a malformed item: never cached.
    Failure,
}

impl CachePolicy {
    /// Whether any answer is ever stored: with every period 0 a lookup
    /// could only find entries written under other settings, and costs a
    /// Cache API round trip per poll.
    pub fn enabled(&self) -> bool {
        self.running_ttl > 0 || self.finished_ttl > 0 || self.pending_ttl > 0
    }

    /// Seconds to keep this answer at the edge; `None` means do not store it.
    pub fn ttl(&self, answer: Answer<'_>) -> Option<u32> {
        let ttl = match answer {
            Answer::Stored {
                overall_status: "completed" | "failed",
            } => self.finished_ttl,
            Answer::Stored { .. } => self.running_ttl,
            Answer::Pending => self.pending_ttl,
            Answer::Failure => 0,
        };
        (ttl > 0).then_some(ttl)
    }
}

/// The cache key: a URL that depends only on the decoded id and on what
/// selects the data, never on the host, the query string or the id's
/// spelling in the request.
pub fn cache_key(config: &Config, id: &SessionId) -> String {
    format!(
        "https://workflow-status.cache/v1/{}/api/workflow/{}/status",
        fingerprint(config),
        id.canonical_segment()
    )
}

/// Hex of a hash over store kind, table, region, key attribute and endpoint:
/// two configurations never share entries.
fn fingerprint(config: &Config) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for part in [
        config.store.as_str(),
        &config.table,
        &config.region,
        &config.key_attribute,
        &config.endpoint,
    ] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    hex::encode(hash.finalize().get(..8).unwrap_or_default())
}

/// A strong validator for a response body.
pub fn etag(body: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(body.as_bytes());
    format!("\"{}\"", hex::encode(digest.get(..12).unwrap_or_default()))
}

/// Does `If-None-Match` name this entity tag? (weak comparison, RFC 9110 13.1.2)
pub fn if_none_match_hits(header: &str, etag: &str) -> bool {
    let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    header.trim() == "*" || header.split(',').any(|tag| bare(tag) == bare(etag))
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Config {
        let lookup = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        Config::from_lookup(&lookup).unwrap()
    }

    fn id(raw: &str) -> SessionId {
        SessionId::from_segment(raw).unwrap()
    }

    #[test]
    fn caching_is_off_only_when_every_period_is_zero() {
        assert!(CachePolicy::default().enabled());
        let off = CachePolicy {
            running_ttl: 0,
            finished_ttl: 0,
            pending_ttl: 0,
        };
        assert!(!off.enabled());
        assert!(
            CachePolicy {
                pending_ttl: 1,
                ..off
            }
            .enabled()
        );
    }

    #[test]
    fn running_sessions_get_the_short_period() {
        let policy = CachePolicy::default();
        for status in ["processing", "initializing", "pending", "anything else", ""] {
            assert_eq!(
                policy.ttl(Answer::Stored {
                    overall_status: status
                }),
                Some(2),
                "{status}"
            );
        }
    }

    #[test]
    fn finished_sessions_get_the_long_period() {
        let policy = CachePolicy::default();
        assert_eq!(
            policy.ttl(Answer::Stored {
                overall_status: "completed"
            }),
            Some(30)
        );
        assert_eq!(
            policy.ttl(Answer::Stored {
                overall_status: "failed"
            }),
            Some(30)
        );
        // Status text is compared exactly, as the portal compares it.
        assert_eq!(
            policy.ttl(Answer::Stored {
                overall_status: "Completed"
            }),
            Some(2)
        );
    }

    #[test]
    fn pending_default_is_brief_and_can_be_disabled() {
        assert_eq!(CachePolicy::default().ttl(Answer::Pending), Some(1));
        let off = CachePolicy {
            pending_ttl: 0,
            ..CachePolicy::default()
        };
        assert_eq!(off.ttl(Answer::Pending), None);
    }

    #[test]
    fn failures_are_never_cached() {
        let generous = CachePolicy {
            running_ttl: 60,
            finished_ttl: 3600,
            pending_ttl: 10,
        };
        assert_eq!(generous.ttl(Answer::Failure), None);
    }

    #[test]
    fn key_ignores_spelling_of_the_id() {
        let c = config(&[]);
        assert_eq!(cache_key(&c, &id("a%20b")), cache_key(&c, &id("a b")));
        assert_eq!(
            cache_key(&c, &id("caf%C3%A9")),
            cache_key(&c, &id("caf%c3%a9"))
        );
        assert_ne!(cache_key(&c, &id("a+b")), cache_key(&c, &id("a%20b")));
        assert!(cache_key(&c, &id("s-1")).ends_with("/api/workflow/s-1/status"));
        assert!(!cache_key(&c, &id("s-1")).contains('?'));
    }

    #[test]
    fn key_separates_configurations() {
        let base = cache_key(&config(&[]), &id("s"));
        for changed in [
            ("STATUS_STORE", "fixtures"),
            ("DYNAMODB_PROCESSING_STATUS_TABLE", "other"),
            ("AWS_REGION", "eu-west-1"),
            ("STATUS_KEY_ATTRIBUTE", "processing_id"),
            ("DYNAMODB_ENDPOINT", "http://127.0.0.1:9000"),
        ] {
            assert_ne!(
                cache_key(&config(&[changed]), &id("s")),
                base,
                "{changed:?}"
            );
        }
        // Settings that do not select data share entries.
        assert_eq!(
            cache_key(&config(&[("CORS_ORIGINS", "https://x.example")]), &id("s")),
            base
        );
    }

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
