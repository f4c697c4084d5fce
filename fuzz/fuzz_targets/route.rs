//! The request path and the session id: `route`, `path_and_query`,
//! `SessionId::from_segment` and the canonical segment of an id.
//!
//! Input: any bytes, read as UTF-8 (lossily: the runtime only ever hands the
//! Worker text). Properties beyond "never panics":
//! - the canonical segment of an id decodes back to the same id, and is
//!   itself canonical (a fixed point);
//! - a `Route::Status` id is the id `from_segment` gives for that segment;
//! - `path_and_query` returns slices of its input, the path never empty.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workflow_status_worker::route::{Route, path_and_query, route};
use workflow_status_worker::session_id::SessionId;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();

    // As a whole URL, as the runtime hands it over.
    let (path, query) = path_and_query(text);
    assert!(!path.is_empty(), "empty path from {text:?}");
    assert!(
        path == "/" || text.contains(path),
        "path not from the input"
    );
    if let Some(query) = query {
        assert!(text.contains(query), "query not from the input");
    }
    check_route(path);
    // As the path itself, and inside the status route.
    check_route(text);
    check_route(&format!("/api/workflow/{text}/status"));
    check_route(&format!("/api/workflow/{text}/status/"));

    // As one segment.
    check_segment(text);
});

fn check_route(path: &str) {
    match route(path) {
        Ok(Route::Status(id)) => {
            let raw = path
                .strip_prefix("/api/workflow/")
                .and_then(|rest| rest.strip_suffix("/status"))
                .expect("a status route has the status shape");
            assert_eq!(SessionId::from_segment(raw).as_ref(), Ok(&id));
            check_id(&id);
        }
        Ok(Route::TrailingSlash { location }) => {
            assert!(
                !location.ends_with('/'),
                "redirect keeps a slash: {location:?}"
            );
            assert!(
                matches!(route(&location), Ok(Route::Status(_))),
                "redirect to {location:?} does not route"
            );
        }
        Ok(Route::Health) | Err(_) => {}
    }
}

fn check_segment(raw: &str) {
    if let Ok(id) = SessionId::from_segment(raw) {
        check_id(&id);
    }
}

fn check_id(id: &SessionId) {
    let canonical = id.canonical_segment();
    let again = SessionId::from_segment(&canonical).unwrap_or_else(|e| {
        panic!("canonical segment {canonical:?} of {id:?} does not parse: {e}")
    });
    assert_eq!(
        &again, id,
        "canonical segment {canonical:?} round-trips to another id"
    );
    assert_eq!(
        again.canonical_segment(),
        canonical,
        "canonical segment is not a fixed point"
    );
    assert!(
        canonical
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
        "canonical segment {canonical:?} has a byte outside the unreserved set"
    );
    // Also valid directly, and as a route.
    assert_eq!(SessionId::new(id.as_str().to_owned()).as_ref(), Ok(id));
    assert_eq!(
        route(&format!("/api/workflow/{canonical}/status")),
        Ok(Route::Status(id.clone()))
    );
}
