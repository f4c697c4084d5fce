//! The headers that tell a client how fresh an answer is: `Cache-Control`,
//! `Age`, `X-Cache` and `Cache-Status` (RFC 9211).
//!
//! `max-age` is always the entry's whole period and `Age` how much of it
//! has passed, so a browser's own arithmetic (RFC 9111 section 4.2.3)
//! arrives at exactly the time the edge still keeps it, counted once.

use crate::cache::Freshness;
use crate::reply::Reply;

/// Which tier answered a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// This isolate's memory.
    Memory,
    /// The data centre's Cache API.
    Edge,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Memory => "memory",
            Tier::Edge => "edge",
        }
    }
}

/// An answer served from a cache.
pub fn hit(reply: &mut Reply, ttl: u32, freshness: Freshness, tier: Tier) {
    reply.set_header("cache-control", format!("max-age={ttl}"));
    reply.set_header("age", freshness.age.to_string());
    reply.set_header("x-cache", "HIT");
    reply.set_header(
        "cache-status",
        format!(
            "workflow-status; hit; ttl={}; detail={}",
            freshness.remaining,
            tier.as_str()
        ),
    );
    reply.set_header("server-timing", format!("cache;desc={}", tier.as_str()));
}

/// An answer read from the store just now; `ttl` is `None` when it is not
/// kept (its period is 0).
pub fn miss(reply: &mut Reply, ttl: Option<u32>) {
    let (cache_control, x_cache, status) = match ttl {
        Some(ttl) => (
            format!("max-age={ttl}"),
            "MISS",
            "workflow-status; fwd=miss; stored",
        ),
        None => (
            "no-store".to_owned(),
            "BYPASS",
            "workflow-status; fwd=bypass",
        ),
    };
    reply.set_header("cache-control", cache_control);
    reply.set_header("age", "0");
    reply.set_header("x-cache", x_cache);
    reply.set_header("cache-status", status);
}

/// An error: never kept by anyone.
pub fn never(reply: &mut Reply) {
    reply.set_header("cache-control", "no-store");
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn a_hit_counts_its_age_once() {
        let mut reply = Reply::empty(200);
        hit(
            &mut reply,
            30,
            Freshness {
                age: 12,
                remaining: 18,
            },
            Tier::Memory,
        );
        // A browser: freshness lifetime 30 - current age 12 = 18 s left,
        // the same as the edge.
        assert_eq!(reply.header("cache-control"), Some("max-age=30"));
        assert_eq!(reply.header("age"), Some("12"));
        assert_eq!(reply.header("x-cache"), Some("HIT"));
        assert_eq!(
            reply.header("cache-status"),
            Some("workflow-status; hit; ttl=18; detail=memory")
        );
        assert_eq!(reply.header("server-timing"), Some("cache;desc=memory"));
    }

    #[test]
    fn misses_say_whether_they_were_kept() {
        let mut kept = Reply::empty(200);
        miss(&mut kept, Some(2));
        assert_eq!(kept.header("cache-control"), Some("max-age=2"));
        assert_eq!(kept.header("x-cache"), Some("MISS"));
        assert_eq!(kept.header("age"), Some("0"));
        let mut bypassed = Reply::empty(200);
        miss(&mut bypassed, None);
        assert_eq!(bypassed.header("cache-control"), Some("no-store"));
        assert_eq!(bypassed.header("x-cache"), Some("BYPASS"));
    }
}
