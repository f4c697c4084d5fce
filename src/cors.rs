//! CORS decisions (contract section 6).

use crate::reply::Reply;
use crate::settings::{ConfigError, Lookup, get, invalid};

pub const DEFAULT_ORIGINS: [&str; 2] = ["http://localhost:3000", "http://localhost:5173"];
const PREFLIGHT_MAX_AGE: &str = "600";
/// Headers a portal script may read beyond the CORS-safelisted ones.
const EXPOSED_HEADERS: &str =
    "X-Correlation-ID, ETag, Age, Cache-Status, X-Cache, Server-Timing, X-Worker-Version";

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

/// How an origin is admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Admission {
    /// Listed by name: echoed, with credentials.
    Listed,
    /// Admitted only by `*`: answered `*`, never with credentials (a
    /// wildcard with credentials would let any site read a user's answers).
    Wildcard,
}

impl CorsPolicy {
    /// `CORS_ORIGINS`: a JSON list of strings, or a comma-separated list.
    pub fn from_vars(lookup: Lookup<'_>) -> Result<Self, ConfigError> {
        Ok(match get(lookup, "CORS_ORIGINS") {
            None => CorsPolicy::default(),
            Some(text) => CorsPolicy::new(parse_origins(&text)?),
        })
    }

    /// `*` in the list admits every origin, without credentials.
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
        self.admission(origin).is_some()
    }

    fn admission(&self, origin: &str) -> Option<Admission> {
        if self.origins.iter().any(|o| o == origin) {
            Some(Admission::Listed)
        } else if self.any_origin {
            Some(Admission::Wildcard)
        } else {
            None
        }
    }

    fn allow_origin(reply: &mut Reply, origin: &str, admission: Admission) {
        match admission {
            Admission::Listed => {
                reply.set_header("access-control-allow-origin", origin);
                reply.set_header("access-control-allow-credentials", "true");
            }
            Admission::Wildcard => reply.set_header("access-control-allow-origin", "*"),
        }
    }

    /// Adds the headers for a simple (non-preflight) request. A disallowed
    /// origin still gets its answer, just without them. `Vary: Origin` goes
    /// on every answer, with or without an origin: a shared cache must not
    /// hand one origin's answer (CORS headers or their absence) to another.
    pub fn apply(&self, origin: Option<&str>, reply: &mut Reply) {
        reply.set_header("vary", "Origin");
        if let Some((origin, admission)) = origin.and_then(|o| Some((o, self.admission(o)?))) {
            Self::allow_origin(reply, origin, admission);
            reply.set_header("access-control-expose-headers", EXPOSED_HEADERS);
        }
    }

    /// The answer to a preflight (`OPTIONS` with `Origin` and
    /// `Access-Control-Request-Method`).
    pub fn preflight(&self, origin: &str, request_headers: Option<&str>, methods: &str) -> Reply {
        let Some(admission) = self.admission(origin) else {
            return Reply::text(400, "Disallowed CORS origin").with_header("vary", "Origin");
        };
        let mut reply = Reply::text(200, "OK");
        Self::allow_origin(&mut reply, origin, admission);
        let mut reply = reply
            .with_header("access-control-allow-methods", methods)
            .with_header("access-control-max-age", PREFLIGHT_MAX_AGE)
            .with_header("vary", "Origin");
        if let Some(requested) = request_headers.filter(|h| !h.trim().is_empty()) {
            reply.set_header("access-control-allow-headers", requested);
        }
        reply
    }
}

/// A JSON list of strings, or a comma-separated list.
fn parse_origins(text: &str) -> Result<Vec<String>, ConfigError> {
    let origins: Vec<String> = if text.starts_with('[') {
        serde_json::from_str(text)
            .map_err(|e| invalid("CORS_ORIGINS", format!("not a JSON list of strings ({e})")))?
    } else {
        text.split(',')
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
            .collect()
    };
    for origin in &origins {
        let valid = origin == "*"
            || ((origin.starts_with("http://") || origin.starts_with("https://"))
                && !origin.ends_with('/')
                && origin.chars().all(|c| c.is_ascii_graphic())
                && origin.splitn(4, '/').nth(3).is_none());
        if !valid {
            return Err(invalid(
                "CORS_ORIGINS",
                format!(
                    "{origin:?} is not an origin (scheme://host[:port], no path or trailing slash)"
                ),
            ));
        }
    }
    Ok(origins)
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
    fn wildcard_admits_any_origin_without_credentials() {
        let cors = CorsPolicy::new(vec!["*".into(), "https://portal.example".into()]);
        let mut reply = Reply::json(200, "{}".into());
        cors.apply(Some("https://other.example"), &mut reply);
        assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
        assert_eq!(reply.header("access-control-allow-credentials"), None);
        let preflight = cors.preflight("https://other.example", None, "GET");
        assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
        assert_eq!(preflight.header("access-control-allow-credentials"), None);
        // A listed origin keeps its credentials.
        let mut listed = Reply::json(200, "{}".into());
        cors.apply(Some("https://portal.example"), &mut listed);
        assert_eq!(
            listed.header("access-control-allow-credentials"),
            Some("true")
        );
    }

    #[test]
    fn every_answer_varies_on_origin() {
        for origin in [
            Some("https://evil.example"),
            None,
            Some("http://localhost:3000"),
        ] {
            let mut reply = Reply::json(200, "{}".into());
            CorsPolicy::default().apply(origin, &mut reply);
            assert_eq!(reply.header("vary"), Some("Origin"), "{origin:?}");
        }
    }

    #[test]
    fn origins_come_from_a_json_or_comma_separated_list() {
        let pairs = [("CORS_ORIGINS", "https://a.example, https://b.example:8443")];
        let cors = CorsPolicy::from_vars(&crate::settings::from_pairs(&pairs)).unwrap();
        assert_eq!(
            cors.origins(),
            ["https://a.example", "https://b.example:8443"]
        );
        let pairs = [("CORS_ORIGINS", r#"["https://portal.example"]"#)];
        let cors = CorsPolicy::from_vars(&crate::settings::from_pairs(&pairs)).unwrap();
        assert_eq!(cors.origins(), ["https://portal.example"]);
        for bad in ["[1,2]", "http://a.example/", "localhost:3000"] {
            let pairs = [("CORS_ORIGINS", bad)];
            let error = CorsPolicy::from_vars(&crate::settings::from_pairs(&pairs)).unwrap_err();
            assert_eq!(error.name(), "CORS_ORIGINS", "{bad}");
        }
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
