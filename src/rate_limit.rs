//! The optional per-client abuse guard: status requests over the limit are
//! answered 429 before any cache lookup or store read, and never cached.
//!
//! The limit itself lives in the runtime (the Workers Rate Limiting
//! binding, keyed here by client address); this module holds the seam and
//! the answer.

use crate::reply::Reply;

/// Seconds a limited client is told to wait: the binding's counting
/// period is 10 or 60 s; 60 never invites a client back too early.
pub const RETRY_AFTER_SECONDS: u32 = 60;

#[allow(async_fn_in_trait)]
pub trait RateLimiter {
    /// Whether a request keyed by `key` may go on.
    async fn allow(&self, key: &str) -> bool;
}

/// No binding: every request goes on.
pub struct NoLimit;

impl RateLimiter for NoLimit {
    async fn allow(&self, _key: &str) -> bool {
        true
    }
}

/// The answer over the limit.
pub fn too_many_requests() -> Reply {
    Reply::detail(429, "Too Many Requests")
        .with_header("retry-after", RETRY_AFTER_SECONDS.to_string())
        .with_header("cache-control", "no-store")
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn the_answer_says_when_to_come_back_and_is_never_kept() {
        let reply = too_many_requests();
        assert_eq!(reply.status, 429);
        assert_eq!(reply.body, r#"{"detail":"Too Many Requests"}"#);
        assert_eq!(reply.header("retry-after"), Some("60"));
        assert_eq!(reply.header("cache-control"), Some("no-store"));
    }
}
