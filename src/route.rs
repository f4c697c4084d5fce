//! Path and method → what to do (contract section 1). No I/O.

use crate::session_id::{SegmentError, SessionId};

const STATUS_PREFIX: &str = "/api/workflow/";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/api/workflow/{id}/status`
    Status(SessionId),
    /// `/health`
    Health,
    /// `/api/workflow/{id}/status/`: redirect to the path without the slash.
    TrailingSlash { location: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    #[error("Not Found")]
    NotFound,
    #[error("Invalid session id: {0}")]
    InvalidSessionId(String),
}

/// Methods a route answers; anything else is 405 with this list in `Allow`.
pub const STATUS_METHODS: &str = "GET, HEAD, OPTIONS";
pub const HEALTH_METHODS: &str = "GET, HEAD, OPTIONS";

/// Matches a raw (still percent-encoded) path. The query string is not part
/// of `path` and never influences routing.
pub fn route(path: &str) -> Result<Route, RouteError> {
    if path == "/health" {
        return Ok(Route::Health);
    }
    let rest = path
        .strip_prefix(STATUS_PREFIX)
        .ok_or(RouteError::NotFound)?;
    let mut segments = rest.split('/');
    let (Some(raw_id), Some("status")) = (segments.next(), segments.next()) else {
        return Err(RouteError::NotFound);
    };
    let trailing_slash = match (segments.next(), segments.next()) {
        (None, _) => false,
        (Some(""), None) => true,
        _ => return Err(RouteError::NotFound),
    };
    let id = SessionId::from_segment(raw_id).map_err(|e| match e {
        SegmentError::NoMatch => RouteError::NotFound,
        SegmentError::Invalid(reason) => RouteError::InvalidSessionId(reason),
    })?;
    Ok(if trailing_slash {
        Route::TrailingSlash {
            location: path.trim_end_matches('/').to_owned(),
        }
    } else {
        Route::Status(id)
    })
}

/// The path and the query of a request URL. The runtime hands the Worker an
/// absolute URL its own parser has already normalised
/// (`scheme://authority/path?query`), so splitting it is enough; parsing it
/// again with the `url` crate cost time on every request.
pub fn path_and_query(url: &str) -> (&str, Option<&str>) {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let target = after_scheme
        .find(['/', '?', '#'])
        .and_then(|at| after_scheme.get(at..))
        .unwrap_or("");
    let target = target.split_once('#').map_or(target, |(before, _)| before);
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    (if path.is_empty() { "/" } else { path }, query)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn status(id: &str) -> Result<Route, RouteError> {
        Ok(Route::Status(SessionId::new(id.to_owned()).unwrap()))
    }

    #[test]
    fn matches_the_status_route() {
        assert_eq!(route("/api/workflow/s-1/status"), status("s-1"));
        assert_eq!(route("/api/workflow/a%20b/status"), status("a b"));
        assert_eq!(route("/api/workflow/v1.2/status"), status("v1.2"));
    }

    #[test]
    fn matches_health() {
        assert_eq!(route("/health"), Ok(Route::Health));
        assert_eq!(route("/health/"), Err(RouteError::NotFound));
    }

    #[test]
    fn redirects_a_trailing_slash() {
        assert_eq!(
            route("/api/workflow/a%20b/status/"),
            Ok(Route::TrailingSlash {
                location: "/api/workflow/a%20b/status".into()
            })
        );
    }

    #[test]
    fn anything_else_is_not_found() {
        for path in [
            "/",
            "/api/workflow",
            "/api/workflow/",
            "/api/workflow//status",
            "/api/workflow/a%2Fb/status",
            "/api/workflow/a/b/status",
            "/api/workflow/a/status/extra",
            "/api/workflow/a/status//",
            "/api/workflow/a/statuses",
            "/API/workflow/a/status",
            "/api/workflows/a/status",
        ] {
            assert_eq!(route(path), Err(RouteError::NotFound), "{path}");
        }
    }

    #[test]
    fn invalid_ids_are_bad_requests() {
        assert_eq!(
            route("/api/workflow/%zz/status"),
            Err(RouteError::InvalidSessionId(
                "invalid percent-encoding at byte 0".into()
            ))
        );
        assert!(matches!(
            route("/api/workflow/%FF/status"),
            Err(RouteError::InvalidSessionId(_))
        ));
        assert_eq!(
            route("/api/workflow/a%09b/status").unwrap_err().to_string(),
            "Invalid session id: contains control character U+0009"
        );
    }

    #[test]
    fn path_and_query_are_split_off_the_request_url() {
        assert_eq!(
            path_and_query("https://status.example.com/api/workflow/a%20b/status?x=1&y"),
            ("/api/workflow/a%20b/status", Some("x=1&y"))
        );
        assert_eq!(
            path_and_query("http://127.0.0.1:8787/health"),
            ("/health", None)
        );
        assert_eq!(path_and_query("http://h/p?"), ("/p", Some("")));
        assert_eq!(path_and_query("http://h/p#frag"), ("/p", None));
        assert_eq!(path_and_query("http://h/p?q=a?b"), ("/p", Some("q=a?b")));
        assert_eq!(path_and_query("http://h"), ("/", None));
        assert_eq!(path_and_query("http://h?q"), ("/", Some("q")));
    }
}
