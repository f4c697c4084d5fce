//! Contract rules through the whole platform-free request path (route →
//! cache → store → transform → reply), natively and in wasm.

mod common;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use common::{FIXED_NOW, FIXTURES, get, request, serve_fixtures, serve_with, status_path};
use workflow_status_worker::auth::AuthSettings;
use workflow_status_worker::cache::{EdgeCache, Entry, NoCache};
use workflow_status_worker::config::Config;
use workflow_status_worker::metrics::{NoMetrics, RecordingMetrics};
use workflow_status_worker::rate_limit::{NoLimit, RateLimiter};
use workflow_status_worker::reply::Reply;
use workflow_status_worker::service::{Deps, Incoming, Isolate, serve};
use workflow_status_worker::settings::from_pairs;
use workflow_status_worker::setup::Setup;
use workflow_status_worker::store::Read;

/// A store that counts its reads and has no item.
struct Counting(Cell<u32>);

impl workflow_status_worker::store::StatusStore for Counting {
    async fn get(
        &self,
        _id: &workflow_status_worker::session_id::SessionId,
        _near: Option<&workflow_status_worker::regions::Location>,
    ) -> Read {
        self.0.set(self.0.get() + 1);
        Read::once(Ok(None))
    }
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// Section 1: routes, methods, ids.
mod s1_routes {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn health_answers_healthy() {
        let outcome = serve_fixtures(&get("/health"), &[]);
        assert_eq!(outcome.reply.status, 200);
        assert_eq!(outcome.reply.body, r#"{"status":"healthy"}"#);
        assert_eq!(
            outcome.reply.header("content-type"),
            Some("application/json")
        );
    }

    #[test]
    fn unknown_paths_are_404_not_found() {
        for path in [
            "/",
            "/api",
            "/api/workflow/x",
            "/api/workflow//status",
            "/api/workflow/a%2Fb/status",
            "/healthz",
        ] {
            let outcome = serve_fixtures(&get(path), &[]);
            assert_eq!(outcome.reply.status, 404, "{path}");
            assert_eq!(outcome.reply.body, r#"{"detail":"Not Found"}"#, "{path}");
            assert!(
                outcome.log.is_empty(),
                "a 404 is not an error worth a log line"
            );
        }
    }

    #[test]
    fn other_methods_are_405_with_allow() {
        for method in ["POST", "PUT", "DELETE", "PATCH"] {
            let outcome = serve_fixtures(
                &request(method, "/api/workflow/session-processing/status"),
                &[],
            );
            assert_eq!(outcome.reply.status, 405, "{method}");
            assert_eq!(outcome.reply.body, r#"{"detail":"Method Not Allowed"}"#);
            assert_eq!(outcome.reply.header("allow"), Some("GET, HEAD, OPTIONS"));
        }
    }

    #[test]
    fn head_has_get_status_and_headers_without_body() {
        let path = "/api/workflow/session-completed/status";
        let get = serve_fixtures(&get(path), &[]).reply;
        let head = serve_fixtures(&request("HEAD", path), &[]).reply;
        assert_eq!(head.status, get.status);
        assert_eq!(head.body, "");
        let names = |r: &Reply| {
            let mut n: Vec<_> = r
                .headers
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| !matches!(*n, "x-correlation-id" | "content-length"))
                .collect();
            n.sort();
            n
        };
        assert_eq!(names(&head), names(&get));
        assert_eq!(head.header("etag"), get.header("etag"));
        // The length GET's body has, which HEAD does not send.
        assert_eq!(
            head.header("content-length"),
            Some(get.body.len().to_string().as_str())
        );
        // HEAD on an error path mirrors GET too.
        let missing = serve_fixtures(&request("HEAD", "/api/workflow/%zz/status"), &[]).reply;
        assert_eq!((missing.status, missing.body.as_str()), (400, ""));
    }

    #[test]
    fn trailing_slash_redirects_307_to_the_path_without_it() {
        let outcome = serve_fixtures(&get("/api/workflow/a%20b/status/"), &[]);
        assert_eq!(outcome.reply.status, 307);
        assert_eq!(
            outcome.reply.header("location"),
            Some("/api/workflow/a%20b/status")
        );
    }

    #[test]
    fn invalid_ids_are_400_with_the_reason() {
        let cases = [
            (
                "/api/workflow/%zz/status",
                "Invalid session id: invalid percent-encoding at byte 0",
            ),
            (
                "/api/workflow/a%00/status",
                "Invalid session id: contains control character U+0000",
            ),
            (
                "/api/workflow/a%7F/status",
                "Invalid session id: contains control character U+007F",
            ),
        ];
        for (path, detail) in cases {
            let outcome = serve_fixtures(&get(path), &[]);
            assert_eq!(outcome.reply.status, 400, "{path}");
            assert_eq!(json(&outcome.reply.body)["detail"], detail, "{path}");
        }
        let invalid_utf8 = serve_fixtures(&get("/api/workflow/%C3%28/status"), &[]);
        assert_eq!(invalid_utf8.reply.status, 400);
        assert!(
            json(&invalid_utf8.reply.body)["detail"]
                .as_str()
                .unwrap()
                .starts_with("Invalid session id: not valid UTF-8")
        );
        let long = format!("/api/workflow/{}/status", "x".repeat(2049));
        let outcome = serve_fixtures(&get(&long), &[]);
        assert_eq!(outcome.reply.status, 400);
        assert_eq!(
            json(&outcome.reply.body)["detail"],
            "Invalid session id: longer than 2048 bytes (2049 bytes)"
        );
    }

    #[test]
    fn valid_ids_are_echoed_decoded() {
        for id in [
            "a b",
            "über-ü",
            "v1.2.3",
            "..",
            "a+b",
            "日本語 ✓",
            &"y".repeat(2048),
        ] {
            let outcome = serve_fixtures(&get(&status_path(id)), &[]);
            assert_eq!(outcome.reply.status, 200, "{id}");
            assert_eq!(json(&outcome.reply.body)["sessionId"], id);
        }
    }

    #[test]
    fn query_string_is_ignored() {
        let mut with_query = get("/api/workflow/session-completed/status");
        with_query.query = Some("sessionId=other&x=1".into());
        let plain = serve_fixtures(&get("/api/workflow/session-completed/status"), &[]);
        assert_eq!(
            serve_fixtures(&with_query, &[]).reply.body,
            plain.reply.body
        );
    }
}

/// Sections 2-4: the document, the transform, the pending default.
mod s2_s4_document {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn missing_session_gets_the_pending_default() {
        let outcome = serve_fixtures(&get("/api/workflow/never-written/status"), &[]);
        assert_eq!(outcome.reply.status, 200);
        let pending = |activity: &str| {
            format!(
                r#"{{"status":"pending","activity":"{activity}","startedAt":null,"completedAt":null,"duration":null,"error":null,"subSteps":[]}}"#
            )
        };
        let expected = format!(
            r#"{{"sessionId":"never-written","agents":{{"pdfAdapter":{},"tradeExtraction":{},"tradeMatching":{},"exceptionManagement":{}}},"overallStatus":"pending","lastUpdated":"{FIXED_NOW}"}}"#,
            pending("Waiting for upload"),
            pending("Waiting for PDF processing"),
            pending("Waiting for extraction"),
            pending("No exceptions"),
        );
        assert_eq!(outcome.reply.body, expected);
    }

    /// A store that answers every id with one fixed item.
    struct OneItem(workflow_status_worker::attribute::Item);

    impl workflow_status_worker::store::StatusStore for OneItem {
        async fn get(
            &self,
            _id: &workflow_status_worker::session_id::SessionId,
            _near: Option<&workflow_status_worker::regions::Location>,
        ) -> Read {
            Read::once(Ok(Some(self.0.clone())))
        }
    }

    #[test]
    fn session_id_comes_from_the_path_not_the_item() {
        // Keyed by another attribute, the item's own sessionId says something
        // else: the document still names the id the portal asked for.
        let item = workflow_status_worker::attribute::parse_item(
        r#"{"processing_id":{"S":"p-1"},"sessionId":{"S":"stored-id"},"overallStatus":{"S":"processing"}}"#,
    )
    .unwrap();
        let pairs = [("STATUS_KEY_ATTRIBUTE", "processing_id")];
        let config = Config::from_lookup(&from_pairs(&pairs)).unwrap();
        let isolate = Isolate::new(Ok(Setup {
            config,
            store: OneItem(item),
            auth: AuthSettings::off(),
        }));
        let deps = Deps {
            isolate: &isolate,
            edge: &NoCache,
            clock: &common::FixedClock,
            limiter: &NoLimit,
            metrics: &NoMetrics,
        };
        let outcome = common::run(serve(&get("/api/workflow/p-1/status"), &deps));
        assert_eq!(outcome.reply.status, 200, "{}", outcome.reply.body);
        assert_eq!(json(&outcome.reply.body)["sessionId"], "p-1");
    }

    #[test]
    fn non_ascii_is_written_as_utf8_not_escapes() {
        let outcome = serve_fixtures(&get(&status_path("résumé ✓ 2025-12")), &[]);
        assert!(outcome.reply.body.contains("terminée — «OK»"));
        assert!(!outcome.reply.body.contains("\\u"));
    }
}

/// Section 5: errors.
mod s5_errors {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn malformed_items_fail_with_a_logged_500() {
        let mut incoming = get("/api/workflow/malformed-status-number/status");
        incoming.correlation_id = "ray-123".into();
        let outcome = serve_fixtures(&incoming, &[]);
        assert_eq!(outcome.reply.status, 500);
        assert_eq!(outcome.reply.header("x-correlation-id"), Some("ray-123"));
        assert_eq!(outcome.reply.header("cache-control"), Some("no-store"));
        let log = json(outcome.log.first().expect("a log line"));
        assert_eq!(log["level"], "error");
        assert_eq!(log["sessionId"], "malformed-status-number");
        assert_eq!(log["correlationId"], "ray-123");
        assert_eq!(log["status"], 500);
        assert_eq!(log["kind"], "malformed_item");
    }

    #[test]
    fn invalid_configuration_is_a_500_naming_the_setting() {
        let redis = [("STATUS_STORE", "redis")];
        let outcome = serve_with(&get("/api/workflow/s/status"), &redis, &NoCache);
        assert_eq!(outcome.reply.status, 500);
        let detail = json(&outcome.reply.body)["detail"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            detail.starts_with(
                "Failed to get workflow status: configuration error: invalid STATUS_STORE"
            ),
            "{detail}"
        );
        assert!(!outcome.log.is_empty());
        // Health does not depend on the store configuration.
        let health = serve_with(&get("/health"), &redis, &NoCache);
        assert_eq!(health.reply.status, 200);
    }

    #[test]
    fn dynamodb_store_without_credentials_names_the_missing_secret() {
        let outcome = serve_with(&get("/api/workflow/s/status"), &[], &NoCache);
        assert_eq!(outcome.reply.status, 500);
        assert_eq!(
            json(&outcome.reply.body)["detail"],
            "Failed to get workflow status: configuration error: AWS_ACCESS_KEY_ID is not set (a Worker secret: `wrangler secret put AWS_ACCESS_KEY_ID`)"
        );
        let log = json(outcome.log.first().unwrap());
        assert_eq!(log["kind"], "config");
        assert_eq!(log["sessionId"], "s");
    }

    #[test]
    fn every_answer_carries_the_correlation_id() {
        for path in [
            "/health",
            "/nope",
            "/api/workflow/x/status",
            "/api/workflow/%zz/status",
        ] {
            let mut incoming = get(path);
            incoming.correlation_id = "corr-7".into();
            assert_eq!(
                serve_fixtures(&incoming, &[])
                    .reply
                    .header("x-correlation-id"),
                Some("corr-7"),
                "{path}"
            );
        }
    }

    #[test]
    fn generated_correlation_ids_look_like_uuids() {
        let mut values = [0.1, 0.9, 0.5, 0.25].into_iter().cycle();
        let id = workflow_status_worker::correlation::new_correlation_id(|| values.next().unwrap());
        assert_eq!(id.len(), 36);
        let parsed = uuid::Uuid::parse_str(&id).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
        let mut zero = || 0.0;
        let mut almost_one = || 0.999_999;
        assert_ne!(
            workflow_status_worker::correlation::new_correlation_id(&mut zero),
            workflow_status_worker::correlation::new_correlation_id(&mut almost_one)
        );
    }
}

/// Section 6: CORS.
mod s6_cors {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn with_origin(mut incoming: Incoming, origin: &str) -> Incoming {
        incoming.origin = Some(origin.into());
        incoming
    }

    #[test]
    fn allowed_origin_is_echoed_on_documents_and_errors() {
        for path in [
            "/api/workflow/session-failed/status",
            "/api/workflow/malformed-overall-null/status",
            "/nope",
        ] {
            let reply = serve_fixtures(&with_origin(get(path), "http://localhost:5173"), &[]).reply;
            assert_eq!(
                reply.header("access-control-allow-origin"),
                Some("http://localhost:5173"),
                "{path}"
            );
            assert_eq!(
                reply.header("access-control-allow-credentials"),
                Some("true"),
                "{path}"
            );
            assert_eq!(reply.header("vary"), Some("Origin"), "{path}");
        }
    }

    #[test]
    fn disallowed_origin_gets_the_answer_without_cors_headers() {
        let reply = serve_fixtures(
            &with_origin(
                get("/api/workflow/session-failed/status"),
                "https://evil.example",
            ),
            &[],
        )
        .reply;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("access-control-allow-origin"), None);
        assert_eq!(reply.header("access-control-allow-credentials"), None);
    }

    #[test]
    fn configured_origins_replace_the_defaults() {
        let pairs = [("CORS_ORIGINS", "https://portal.example")];
        let allowed = serve_fixtures(
            &with_origin(get("/health"), "https://portal.example"),
            &pairs,
        )
        .reply;
        assert_eq!(
            allowed.header("access-control-allow-origin"),
            Some("https://portal.example")
        );
        let default = serve_fixtures(
            &with_origin(get("/health"), "http://localhost:3000"),
            &pairs,
        )
        .reply;
        assert_eq!(default.header("access-control-allow-origin"), None);
    }

    fn preflight(origin: &str) -> Incoming {
        let mut incoming = with_origin(request("OPTIONS", "/api/workflow/s-1/status"), origin);
        incoming.access_control_request_method = Some("GET".into());
        incoming.access_control_request_headers = Some("x-requested-with".into());
        incoming
    }

    #[test]
    fn preflight_from_allowed_origin() {
        let reply = serve_fixtures(&preflight("http://localhost:3000"), &[]).reply;
        assert_eq!(reply.status, 200);
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some("http://localhost:3000")
        );
        assert_eq!(
            reply.header("access-control-allow-methods"),
            Some("GET, HEAD, OPTIONS")
        );
        assert_eq!(
            reply.header("access-control-allow-headers"),
            Some("x-requested-with")
        );
        assert_eq!(reply.header("access-control-max-age"), Some("600"));
        assert_eq!(
            reply.header("access-control-allow-credentials"),
            Some("true")
        );
    }

    #[test]
    fn preflight_from_disallowed_origin_is_400() {
        let reply = serve_fixtures(&preflight("https://evil.example"), &[]).reply;
        assert_eq!(reply.status, 400);
        assert_eq!(reply.body, "Disallowed CORS origin");
        assert_eq!(reply.header("access-control-allow-origin"), None);
    }

    #[test]
    fn options_without_preflight_headers_lists_the_methods() {
        let reply = serve_fixtures(&request("OPTIONS", "/api/workflow/s-1/status"), &[]).reply;
        assert_eq!(reply.status, 204);
        assert_eq!(reply.header("allow"), Some("GET, HEAD, OPTIONS"));
    }
}

/// The caches (README, "The edge cache"), with a recording edge double.
mod cache {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[derive(Default)]
    pub struct RecordingEdge {
        pub entries: RefCell<HashMap<String, Entry>>,
        pub stores: RefCell<Vec<String>>,
        pub lookups: Cell<usize>,
    }

    impl EdgeCache for RecordingEdge {
        async fn lookup(&self, key: &str) -> Option<Entry> {
            self.lookups.set(self.lookups.get() + 1);
            self.entries.borrow().get(key).cloned()
        }
        fn store(&self, key: String, entry: Entry) {
            self.stores.borrow_mut().push(key.clone());
            self.entries.borrow_mut().insert(key, entry);
        }
    }

    /// One GET of `path` on the fixture store through `cache`.
    fn poll(cache: &RecordingEdge, path: &str) -> Reply {
        serve_with(&get(path), FIXTURES, cache).reply
    }

    #[test]
    fn documents_are_stored_with_their_status_period_and_served_as_hits() {
        let cache = RecordingEdge::default();
        let first = poll(&cache, "/api/workflow/session-completed/status");
        assert_eq!(first.header("x-cache"), Some("MISS"));
        assert_eq!(first.header("cache-control"), Some("max-age=30"));
        assert!(
            first
                .header("server-timing")
                .unwrap()
                .starts_with("store;dur=")
        );
        assert_eq!(cache.stores.borrow().len(), 1);
        assert_eq!(cache.entries.borrow().values().next().unwrap().ttl, 30);

        let mut other_query = get("/api/workflow/session-completed/status");
        other_query.query = Some("x=1".into());
        let second = serve_with(&other_query, FIXTURES, &cache).reply;
        assert_eq!(second.header("x-cache"), Some("HIT"));
        assert_eq!(second.body, first.body);
        assert_eq!(second.header("etag"), first.header("etag"));
        assert_eq!(second.header("age"), Some("0"));
        assert_eq!(cache.stores.borrow().len(), 1, "a hit is not stored again");

        let running = poll(&cache, "/api/workflow/session-processing/status");
        assert_eq!(running.header("cache-control"), Some("max-age=2"));
        let pending = poll(&cache, "/api/workflow/nobody/status");
        assert_eq!(pending.header("cache-control"), Some("max-age=1"));
    }

    #[test]
    fn expired_entries_are_read_again() {
        let cache = RecordingEdge::default();
        poll(&cache, "/api/workflow/session-processing/status");
        // Age the entry past its 2 s period.
        for entry in cache.entries.borrow_mut().values_mut() {
            entry.stored_at_ms -= 2_000.0;
        }
        let reply = poll(&cache, "/api/workflow/session-processing/status");
        assert_eq!(reply.header("x-cache"), Some("MISS"));
        assert_eq!(cache.stores.borrow().len(), 2);
    }

    #[test]
    fn hits_count_their_age_once_for_the_browser() {
        let cache = RecordingEdge::default();
        poll(&cache, "/api/workflow/session-completed/status");
        for entry in cache.entries.borrow_mut().values_mut() {
            entry.stored_at_ms -= 12_500.0;
        }
        let reply = poll(&cache, "/api/workflow/session-completed/status");
        assert_eq!(reply.header("x-cache"), Some("HIT"));
        // max-age is the whole period and Age what has passed of it: a
        // browser keeps it 30 - 12 = 18 s more, as the edge does.
        assert_eq!(reply.header("age"), Some("12"));
        assert_eq!(reply.header("cache-control"), Some("max-age=30"));
        assert!(
            reply.header("cache-status").unwrap().contains("ttl=18"),
            "{:?}",
            reply.header("cache-status")
        );
    }

    #[test]
    fn errors_and_bad_requests_are_never_stored() {
        let cache = RecordingEdge::default();
        for path in [
            "/api/workflow/malformed-agent-string/status",
            "/api/workflow/%zz/status",
            "/nope",
        ] {
            let reply = poll(&cache, path);
            assert!(reply.status >= 400, "{path}");
            assert_ne!(reply.header("x-cache"), Some("HIT"));
        }
        assert!(cache.stores.borrow().is_empty());
    }

    #[test]
    fn pending_period_zero_disables_storing_the_default() {
        let cache = RecordingEdge::default();
        let pairs = [
            ("STATUS_STORE", "fixtures"),
            ("CACHE_PENDING_TTL_SECONDS", "0"),
        ];
        let reply = serve_with(&get("/api/workflow/nobody/status"), &pairs, &cache).reply;
        assert_eq!(reply.header("x-cache"), Some("BYPASS"));
        assert_eq!(reply.header("cache-control"), Some("no-store"));
        assert!(cache.stores.borrow().is_empty());
    }

    #[test]
    fn every_period_zero_leaves_the_cache_alone() {
        let cache = RecordingEdge::default();
        let zero = [
            ("STATUS_STORE", "fixtures"),
            ("CACHE_RUNNING_TTL_SECONDS", "0"),
            ("CACHE_FINISHED_TTL_SECONDS", "0"),
            ("CACHE_PENDING_TTL_SECONDS", "0"),
        ];
        // An entry written under other settings sharing the key is not served.
        poll(&cache, "/api/workflow/session-completed/status");
        assert_eq!(cache.lookups.get(), 1);
        for path in [
            "/api/workflow/session-completed/status",
            "/api/workflow/session-processing/status",
            "/api/workflow/nobody/status",
        ] {
            let reply = serve_with(&get(path), &zero, &cache).reply;
            assert_eq!(reply.status, 200, "{path}");
            assert_eq!(reply.header("x-cache"), Some("BYPASS"), "{path}");
        }
        assert_eq!(cache.lookups.get(), 1, "no lookups with caching off");
        assert_eq!(cache.stores.borrow().len(), 1);
    }

    #[test]
    fn if_none_match_gets_304_on_miss_and_hit() {
        let cache = RecordingEdge::default();
        let first = poll(&cache, "/api/workflow/session-completed/status");
        let etag = first.header("etag").unwrap().to_owned();
        for _ in 0..2 {
            let mut conditional = get("/api/workflow/session-completed/status");
            conditional.if_none_match = Some(etag.clone());
            let reply = serve_with(&conditional, FIXTURES, &cache).reply;
            assert_eq!(reply.status, 304);
            assert_eq!(reply.body, "");
            assert_eq!(reply.header("etag"), Some(etag.as_str()));
        }
        let fresh = RecordingEdge::default();
        let mut conditional = get("/api/workflow/session-completed/status");
        conditional.if_none_match = Some(etag.clone());
        assert_eq!(serve_with(&conditional, FIXTURES, &fresh).reply.status, 304);
        conditional.if_none_match = Some("\"other\"".into());
        assert_eq!(serve_with(&conditional, FIXTURES, &fresh).reply.status, 200);
    }
}

/// Issue 10's operator features: one data point per status request, the
/// abuse guard before any read, the deployed version in a header.
mod operations {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Lets `left` requests through, then refuses.
    struct Budget(Cell<u32>, RefCell<Vec<String>>);

    impl RateLimiter for Budget {
        async fn allow(&self, key: &str) -> bool {
            self.1.borrow_mut().push(key.to_owned());
            let left = self.0.get();
            self.0.set(left.saturating_sub(1));
            left > 0
        }
    }

    fn isolate(store: Counting, pairs: &[(&str, &str)]) -> Isolate<Counting> {
        let config = Config::from_lookup(&from_pairs(pairs)).unwrap();
        Isolate::new(Ok(Setup {
            config,
            store,
            auth: AuthSettings::off(),
        }))
    }

    fn poll<L: RateLimiter>(
        isolate: &Isolate<Counting>,
        limiter: &L,
        metrics: &RecordingMetrics,
        path: &str,
    ) -> Reply {
        let mut incoming = get(path);
        incoming.client = Some("198.51.100.7".into());
        let deps = Deps {
            isolate,
            edge: &NoCache,
            clock: &common::FixedClock,
            limiter,
            metrics,
        };
        common::run(serve(&incoming, &deps)).reply
    }

    #[test]
    fn each_status_request_hands_one_data_point_to_the_metrics() {
        use workflow_status_worker::metrics::{State, Tier};
        let isolate = isolate(Counting(Cell::new(0)), &[]);
        let metrics = RecordingMetrics::default();
        poll(&isolate, &NoLimit, &metrics, "/api/workflow/s-1/status");
        poll(&isolate, &NoLimit, &metrics, "/api/workflow/s-1/status");
        poll(&isolate, &NoLimit, &metrics, "/health");
        poll(&isolate, &NoLimit, &metrics, "/api/workflow/%zz/status");
        let points = metrics.points.borrow();
        assert_eq!(points.len(), 2, "status requests only: {points:?}");
        assert_eq!(
            (
                points[0].tier,
                points[0].state,
                points[0].status,
                points[0].attempts
            ),
            (Tier::Miss, State::Pending, 200, 1)
        );
        assert_eq!(
            (points[1].tier, points[1].status, points[1].attempts),
            (Tier::Memory, 200, 0),
            "the second poll is a memory hit"
        );
    }

    #[test]
    fn a_client_over_the_limit_gets_429_before_any_read() {
        let isolate = isolate(Counting(Cell::new(0)), &[]);
        let metrics = RecordingMetrics::default();
        let limiter = Budget(Cell::new(1), RefCell::new(Vec::new()));
        let first = poll(&isolate, &limiter, &metrics, "/api/workflow/a/status");
        assert_eq!(first.status, 200);
        let second = poll(&isolate, &limiter, &metrics, "/api/workflow/b/status");
        assert_eq!(second.status, 429);
        assert_eq!(second.body, r#"{"detail":"Too Many Requests"}"#);
        assert_eq!(second.header("retry-after"), Some("60"));
        assert_eq!(second.header("cache-control"), Some("no-store"));
        let store = &isolate.setup.as_ref().unwrap().store;
        assert_eq!(store.0.get(), 1, "the refused request read nothing");
        assert_eq!(*limiter.1.borrow(), ["198.51.100.7", "198.51.100.7"]);
        assert_eq!(metrics.points.borrow()[1].status, 429);
        // Health and preflights are not counted against the client.
        assert_eq!(poll(&isolate, &limiter, &metrics, "/health").status, 200);
        assert_eq!(limiter.1.borrow().len(), 2);
    }

    #[test]
    fn the_deployed_version_is_named_when_known() {
        let known = isolate(Counting(Cell::new(0)), &[]).with_version(Some("8a2f-v7".into()));
        let reply = poll(&known, &NoLimit, &RecordingMetrics::default(), "/health");
        assert_eq!(reply.header("x-worker-version"), Some("8a2f-v7"));
        let unknown = isolate(Counting(Cell::new(0)), &[]).with_version(Some("bad\nid".into()));
        let reply = poll(&unknown, &NoLimit, &RecordingMetrics::default(), "/health");
        assert_eq!(reply.header("x-worker-version"), None);
    }
}

/// Section 8: authentication, as the service applies a gate's decision
/// (the token rules themselves are `src/auth`'s unit tests).
mod s8_authentication {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use std::future::Future;
    use std::pin::Pin;

    use workflow_status_worker::auth::failure::{AuthFailure, Rejection};
    use workflow_status_worker::auth::{AuthGate, Identity};
    use workflow_status_worker::service::Authorization;

    use super::cache::RecordingEdge;

    /// Lets in exactly the header "Bearer good", refuses anything else,
    /// and remembers what it was shown.
    struct Gate(RefCell<Vec<Option<String>>>);

    impl AuthGate for Gate {
        fn check<'a>(
            &'a self,
            authorization: Option<&'a str>,
            _now_ms: f64,
        ) -> Pin<Box<dyn Future<Output = Result<Identity, AuthFailure>> + 'a>> {
            self.0.borrow_mut().push(authorization.map(str::to_owned));
            let decision = match authorization {
                Some("Bearer good") => Ok(Identity::Anonymous),
                Some(_) => Err(AuthFailure::Rejected {
                    rejection: Rejection::BadSignature,
                    sub: None,
                }),
                None => Err(AuthFailure::NotAuthenticated),
            };
            Box::pin(async move { decision })
        }
    }

    fn isolate() -> Isolate<Counting> {
        let config = Config::from_lookup(&|_| None).unwrap();
        Isolate::new(Ok(Setup {
            config,
            store: Counting(Cell::new(0)),
            auth: AuthSettings::off(),
        }))
        .with_auth(Box::new(Gate(RefCell::new(Vec::new()))))
    }

    fn send(isolate: &Isolate<Counting>, edge: &RecordingEdge, incoming: Incoming) -> Outcome {
        let deps = Deps {
            isolate,
            edge,
            clock: &common::FixedClock,
            limiter: &NoLimit,
            metrics: &NoMetrics,
        };
        common::run(serve(&incoming, &deps))
    }

    fn with_token(path: &str, header: &str) -> Incoming {
        let mut incoming = get(path);
        incoming.authorization = Some(Authorization(header.into()));
        incoming.origin = Some("http://localhost:3000".into());
        incoming
    }

    use workflow_status_worker::service::Outcome;

    #[test]
    fn a_refused_token_is_a_401_before_any_cache_or_store_work() {
        let (isolate, edge) = (isolate(), RecordingEdge::default());
        let outcome = send(
            &isolate,
            &edge,
            with_token("/api/workflow/s/status", "Bearer eyJhbGciOi.forged.sig"),
        );
        let reply = &outcome.reply;
        assert_eq!(reply.status, 401);
        assert_eq!(reply.body, r#"{"detail":"Invalid authentication token"}"#);
        assert_eq!(
            reply.header("www-authenticate"),
            Some("Bearer error=\"invalid_token\"")
        );
        assert_eq!(reply.header("cache-control"), Some("no-store"));
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some("http://localhost:3000"),
            "the portal can read the 401"
        );
        assert_eq!(edge.lookups.get(), 0, "no cache lookup");
        assert!(edge.stores.borrow().is_empty());
        let store = &isolate.setup.as_ref().unwrap().store;
        assert_eq!(store.0.get(), 0, "no store read");
        let log = outcome.log.first().unwrap();
        assert!(log.contains("\"reason\":\"bad_signature\""), "{log}");
        assert!(log.contains("test-correlation"), "{log}");
        assert!(!log.contains("forged") && !log.contains("eyJ"), "{log}");
    }

    #[test]
    fn required_without_a_token_is_not_authenticated() {
        let (isolate, edge) = (isolate(), RecordingEdge::default());
        let reply = send(&isolate, &edge, get("/api/workflow/s/status")).reply;
        assert_eq!(reply.status, 401);
        assert_eq!(reply.body, r#"{"detail":"Not authenticated"}"#);
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
    }

    #[test]
    fn an_accepted_request_is_served_and_shares_the_cache() {
        let (isolate, edge) = (isolate(), RecordingEdge::default());
        let first = send(
            &isolate,
            &edge,
            with_token("/api/workflow/s/status", "Bearer good"),
        );
        assert_eq!(first.reply.status, 200);
        assert_eq!(first.reply.header("x-cache"), Some("MISS"));
        let second = send(
            &isolate,
            &edge,
            with_token("/api/workflow/s/status", "Bearer good"),
        );
        assert_eq!(second.reply.header("x-cache"), Some("HIT"));
        // A refused one still never sees the cached body.
        let refused = send(
            &isolate,
            &edge,
            with_token("/api/workflow/s/status", "Bearer bad"),
        );
        assert_eq!(refused.reply.status, 401);
        assert!(!refused.reply.body.contains("pending"));
    }

    #[test]
    fn the_header_is_read_only_when_authentication_is_on() {
        assert!(isolate().wants_authorization());
        let config = Config::from_lookup(&|_| None).unwrap();
        let open = Isolate::new(Ok(Setup {
            config,
            store: Counting(Cell::new(0)),
            auth: AuthSettings::off(),
        }));
        assert!(!open.wants_authorization());
        // Likewise the preflight headers, for OPTIONS alone.
        assert!(workflow_status_worker::service::reads_preflight_headers(
            "OPTIONS"
        ));
        assert!(!workflow_status_worker::service::reads_preflight_headers(
            "GET"
        ));
    }

    #[test]
    fn preflights_and_health_are_not_authenticated() {
        let isolate = isolate();
        let edge = RecordingEdge::default();
        let mut preflight = request("OPTIONS", "/api/workflow/s/status");
        preflight.origin = Some("http://localhost:3000".into());
        preflight.access_control_request_method = Some("GET".into());
        preflight.access_control_request_headers = Some("authorization".into());
        let reply = send(&isolate, &edge, preflight).reply;
        assert_eq!(reply.status, 200);
        assert_eq!(
            reply.header("access-control-allow-headers"),
            Some("authorization")
        );
        assert_eq!(send(&isolate, &edge, get("/health")).reply.status, 200);
    }
}
