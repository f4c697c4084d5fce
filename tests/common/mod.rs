//! Helpers shared by the host-and-wasm tests.
#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;

use futures_util::FutureExt;

use workflow_status_worker::cache::{EdgeCache, NoCache};
use workflow_status_worker::clock::Clock;
use workflow_status_worker::metrics::NoMetrics;
use workflow_status_worker::rate_limit::NoLimit;
use workflow_status_worker::service::{Deps, Incoming, Isolate, Outcome, serve};
use workflow_status_worker::settings::from_pairs;
use workflow_status_worker::setup::Setup;

/// 2026-01-02T03:04:05.678Z, the "now" every fixture expects.
pub const FIXED_NOW_MS: f64 = 1_767_323_045_678.0;
pub const FIXED_NOW: &str = "2026-01-02T03:04:05.678Z";

/// Settings that serve the fixture store.
pub const FIXTURES: &[(&str, &str)] = &[("STATUS_STORE", "fixtures")];

/// A clock that never moves; nothing here sleeps.
pub struct FixedClock;

impl Clock for FixedClock {
    fn now_millis(&self) -> f64 {
        FIXED_NOW_MS
    }
    async fn sleep(&self, _duration: Duration) {}
}

/// Runs a future that never waits on real I/O (the fixture store, no cache).
pub fn run<F: Future>(future: F) -> F::Output {
    future
        .now_or_never()
        .expect("future waited on I/O; use an async test")
}

/// Serves one request on the fixture store, with no edge cache.
pub fn serve_fixtures(incoming: &Incoming, pairs: &[(&str, &str)]) -> Outcome {
    let mut all = FIXTURES.to_vec();
    all.extend_from_slice(pairs);
    serve_with(incoming, &all, &NoCache)
}

/// Serves one request in a new isolate set up from `pairs`, with `edge`
/// as its edge cache.
pub fn serve_with<E: EdgeCache>(incoming: &Incoming, pairs: &[(&str, &str)], edge: &E) -> Outcome {
    let lookup = from_pairs(pairs);
    let isolate = Isolate::new(Setup::from_vars(&lookup, FixedClock, || 0.5));
    let deps = Deps {
        isolate: &isolate,
        edge,
        clock: &FixedClock,
        limiter: &NoLimit,
        metrics: &NoMetrics,
    };
    run(serve(incoming, &deps))
}

pub fn get(path: &str) -> Incoming {
    request("GET", path)
}

pub fn request(method: &str, path: &str) -> Incoming {
    Incoming {
        method: method.to_owned(),
        path: path.to_owned(),
        correlation_id: "test-correlation".to_owned(),
        ..Incoming::default()
    }
}

/// The path segment for an id, percent-encoded the way a browser would.
pub fn status_path(id: &str) -> String {
    let encoded = percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC);
    format!("/api/workflow/{encoded}/status")
}
