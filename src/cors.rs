//! CORS decisions (contract section 6).

use crate::reply::Reply;

pub const DEFAULT_ORIGINS: [&str; 2] = ["http://localhost:3000", "http://localhost:5173"];
const PREFLIGHT_MAX_AGE: &str = "600";
/// Headers a portal script may read beyond the CORS-safelisted ones.
const EXPOSED_HEADERS: &str = "X-Correlation-ID, ETag, Age, Cache-Status, X-Cache, Server-Timing";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorsPolicy {
    origins: Vec<String>,
    any_origin: bool,
}

impl Default for CorsPolicy {
    fn default() -> Self {
        CorsPolicy::new(DEFAULT_ORIGINS.iter().map(|o| o.to_string()).collect())
    }
}

impl CorsPolicy {
    /// `*` in the list allows every origin; credentials still require the
    /// origin to be echoed, never `*`.
    pub fn new(origins: Vec<String>) -> Self {
        let any_origin = origins.iter().any(|o| o == "*");
        CorsPolicy {
            origins,
            any_origin,
        }
    }

    pub fn origins(&self) -> &[String] {
        &self.origins
    }

    pub fn allows(&self, origin: &str) -> bool {
        self.any_origin || self.origins.iter().any(|o| o == origin)
    }

    /// Adds the headers for a simple (non-preflight) request. A disallowed
    /// origin still gets its answer, just without them.
    pub fn apply(&self, origin: Option<&str>, reply: &mut Reply) {
        if let Some(origin) = origin.filter(|o| self.allows(o)) {
            reply.set_header("access-control-allow-origin", origin);
            reply.set_header("access-control-allow-credentials", "true");
            reply.set_header("access-control-expose-headers", EXPOSED_HEADERS);
            reply.set_header("vary", "Origin");
        }
    }

    /// The answer to a preflight (`OPTIONS` with `Origin` and
    /// `Access-Control-Request-Method`).
    pub fn preflight(&self, origin: &str, request_headers: Option<&str>, methods: &str) -> Reply {
        if !self.allows(origin) {
            return Reply::text(400, "Disallowed CORS origin").with_header("vary", "Origin");
        }
        let mut reply = Reply::text(200, "OK")
            .with_header("access-control-allow-origin", origin)
            .with_header("access-control-allow-credentials", "true")
            .with_header("access-control-allow-methods", methods)
            .with_header("access-control-max-age", PREFLIGHT_MAX_AGE)
            .with_header("vary", "Origin");
        if let Some(requested) = request_headers.filter(|h| !h.trim().is_empty()) {
            reply.set_header("access-control-allow-headers", requested);
        }
        reply
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn default_allows_the_two_local_portals() {
        let cors = CorsPolicy::default();
        assert!(cors.allows("http://localhost:3000"));
        assert!(cors.allows("http://localhost:5173"));
        assert!(!cors.allows("http://localhost:3001"));
        assert!(!cors.allows("https://evil.example"));
    }

    #[test]
    fn allowed_origin_is_echoed_with_credentials() {
        let mut reply = Reply::json(200, "{}".into());
        CorsPolicy::default().apply(Some("http://localhost:3000"), &mut reply);
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some("http://localhost:3000")
        );
        assert_eq!(
            reply.header("access-control-allow-credentials"),
            Some("true")
        );
        assert_eq!(reply.header("vary"), Some("Origin"));
    }

    #[test]
    fn disallowed_or_missing_origin_gets_no_cors_headers() {
        for origin in [Some("https://evil.example"), None] {
            let mut reply = Reply::json(200, "{}".into());
            CorsPolicy::default().apply(origin, &mut reply);
            assert_eq!(reply.header("access-control-allow-origin"), None);
            assert_eq!(reply.header("access-control-allow-credentials"), None);
            assert_eq!(reply.status, 200);
        }
    }

    #[test]
    fn wildcard_echoes_any_origin() {
        let cors = CorsPolicy::new(vec!["*".into()]);
        let mut reply = Reply::json(200, "{}".into());
        cors.apply(Some("https://portal.example"), &mut reply);
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some("https://portal.example")
        );
    }

    #[test]
    fn preflight_from_allowed_origin() {
        let reply = CorsPolicy::default().preflight(
            "http://localhost:5173",
            Some("x-requested-with, content-type"),
            "GET, HEAD, OPTIONS",
        );
        assert_eq!(reply.status, 200);
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some("http://localhost:5173")
        );
        assert_eq!(
            reply.header("access-control-allow-methods"),
            Some("GET, HEAD, OPTIONS")
        );
        assert_eq!(
            reply.header("access-control-allow-headers"),
            Some("x-requested-with, content-type")
        );
        assert_eq!(reply.header("access-control-max-age"), Some("600"));
        assert_eq!(
            reply.header("access-control-allow-credentials"),
            Some("true")
        );
    }

    #[test]
    fn preflight_from_disallowed_origin_is_refused() {
        let reply = CorsPolicy::default().preflight("https://evil.example", None, "GET");
        assert_eq!(reply.status, 400);
        assert_eq!(reply.body, "Disallowed CORS origin");
        assert_eq!(reply.header("access-control-allow-origin"), None);
    }
}
