//! Helpers shared by the host-and-wasm tests.
#![allow(dead_code)]

use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use futures_util::FutureExt;

use workflow_status_worker::coalesce::Coalescer;
use workflow_status_worker::config::Config;
use workflow_status_worker::retry::Clock;
use workflow_status_worker::service::{Deps, EdgeCache, Incoming, NoCache, Outcome, serve};
use workflow_status_worker::store::AnyStore;

/// 2026-01-02T03:04:05.678Z, the "now" every fixture expects.
pub const FIXED_NOW_MS: f64 = 1_767_323_045_678.0;
pub const FIXED_NOW: &str = "2026-01-02T03:04:05.678Z";

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

pub fn config(pairs: &[(&str, &str)]) -> Config {
    let lookup = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    };
    Config::from_lookup(&lookup).expect("valid test configuration")
}

/// Serves one request on the fixture store, with no edge cache.
pub fn serve_fixtures(incoming: &Incoming, pairs: &[(&str, &str)]) -> Outcome {
    let mut all = vec![("STATUS_STORE", "fixtures")];
    all.extend_from_slice(pairs);
    let config = config(&all);
    serve_with(incoming, Ok(config), &NoCache)
}

pub fn serve_with<E: EdgeCache>(
    incoming: &Incoming,
    config: Result<Config, workflow_status_worker::config::ConfigError>,
    cache: &E,
) -> Outcome {
    let none = |_: &str| None;
    let store = AnyStore::open(&config, &none, FixedClock, || 0.5).map(Rc::new);
    let coalescer = Coalescer::default();
    let now = || FIXED_NOW_MS;
    let deps = Deps {
        config: &config,
        store: &store,
        cache,
        coalescer: &coalescer,
        clock: &FixedClock,
        now_ms: &now,
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
