//! Time as the runtime provides it. Injected everywhere time matters
//! (retries, coalescing, cache freshness, timestamps), so the core is
//! deterministic in tests; the Worker shell implements it once.

use std::future::Future;
use std::time::Duration;

pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_millis(&self) -> f64;
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()>;
}
