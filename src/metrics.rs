//! One data point per status request, for the operator's dashboards (hit
//! rate, DynamoDB reads per minute): which tier answered, the status, the
//! store's attempts and time, and whether the session is finished.
//!
//! The service hands points to a [`MetricsSink`]; the Worker shell writes
//! them to an Analytics Engine dataset when one is bound (a write that does
//! not delay the answer), and nowhere otherwise.

use std::cell::RefCell;

/// Who answered a status request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// This isolate's memory cache.
    Memory,
    /// The data centre's Cache API.
    Edge,
    /// The store, and the answer was kept.
    Miss,
    /// The store, and the answer was not kept (period 0, or an error).
    Bypass,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Memory => "memory",
            Tier::Edge => "edge",
            Tier::Miss => "miss",
            Tier::Bypass => "bypass",
        }
    }
}

/// What the session's answer said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// `completed` or `failed`: it will not change again.
    Finished,
    /// Any other stored status.
    Running,
    /// No item yet: the pending default.
    Pending,
    /// No document: an error answer.
    Failed,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Finished => "finished",
            State::Running => "running",
            State::Pending => "pending",
            State::Failed => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DataPoint {
    pub tier: Tier,
    pub state: State,
    pub status: u16,
    /// Store attempts this request made or shared (0 for a cache hit).
    pub attempts: u32,
    /// Milliseconds spent waiting for the store (0 for a cache hit).
    pub store_ms: f64,
}

impl DataPoint {
    /// The point in Analytics Engine's layout: `blob1` tier, `blob2` state;
    /// `double1` status, `double2` attempts, `double3` store milliseconds.
    /// The README's queries read these names.
    pub fn blobs(&self) -> [&'static str; 2] {
        [self.tier.as_str(), self.state.as_str()]
    }

    pub fn doubles(&self) -> [f64; 3] {
        [
            f64::from(self.status),
            f64::from(self.attempts),
            self.store_ms,
        ]
    }
}

/// Where data points go.
pub trait MetricsSink {
    fn record(&self, point: DataPoint);
}

/// No dataset bound: points are dropped.
pub struct NoMetrics;

impl MetricsSink for NoMetrics {
    fn record(&self, _point: DataPoint) {}
}

/// Keeps every point, for tests.
#[derive(Default)]
pub struct RecordingMetrics {
    pub points: RefCell<Vec<DataPoint>>,
}

impl MetricsSink for RecordingMetrics {
    fn record(&self, point: DataPoint) {
        self.points.borrow_mut().push(point);
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn a_point_has_the_documented_layout() {
        let point = DataPoint {
            tier: Tier::Miss,
            state: State::Running,
            status: 200,
            attempts: 2,
            store_ms: 12.5,
        };
        assert_eq!(point.blobs(), ["miss", "running"]);
        assert_eq!(point.doubles(), [200.0, 2.0, 12.5]);
    }
}
