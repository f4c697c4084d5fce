//! A per-isolate circuit breaker per DynamoDB region: after repeated
//! failures a region is skipped for a cool-down, then probed by a single
//! request; a success closes it again. While it is open, reads go straight
//! to the next replica and spend no time in the dead one.

use std::cell::Cell;

/// Consecutive failures that open a breaker.
pub const FAILURES_TO_OPEN: u32 = 3;
/// How long an open breaker keeps its region out.
pub const COOL_DOWN_MS: f64 = 10_000.0;

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Closed {
        failures: u32,
    },
    Open {
        until_ms: f64,
    },
    /// One request is probing; the others stay away until it reports.
    Probing,
}

/// A change worth a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Opened,
    Probing,
    Closed,
}

impl Transition {
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Opened => "open",
            Transition::Probing => "half_open",
            Transition::Closed => "closed",
        }
    }
}

#[derive(Debug)]
pub struct Breaker {
    state: Cell<State>,
}

impl Default for Breaker {
    fn default() -> Self {
        Breaker {
            state: Cell::new(State::Closed { failures: 0 }),
        }
    }
}

impl Breaker {
    /// Whether a request may use the region now; the first request after
    /// the cool-down becomes the probe (and says so).
    pub fn admit(&self, now_ms: f64) -> (bool, Option<Transition>) {
        match self.state.get() {
            State::Closed { .. } => (true, None),
            State::Open { until_ms } if now_ms >= until_ms => {
                self.state.set(State::Probing);
                (true, Some(Transition::Probing))
            }
            State::Open { .. } | State::Probing => (false, None),
        }
    }

    /// The region answered (any answer from DynamoDB itself counts).
    pub fn success(&self) -> Option<Transition> {
        let was_closed = matches!(self.state.get(), State::Closed { .. });
        self.state.set(State::Closed { failures: 0 });
        (!was_closed).then_some(Transition::Closed)
    }

    /// The region failed in a way another region may not (timeout, 5xx,
    /// throttling, no connection).
    pub fn failure(&self, now_ms: f64) -> Option<Transition> {
        let open = State::Open {
            until_ms: now_ms + COOL_DOWN_MS,
        };
        match self.state.get() {
            State::Closed { failures } if failures + 1 >= FAILURES_TO_OPEN => {
                self.state.set(open);
                Some(Transition::Opened)
            }
            State::Closed { failures } => {
                self.state.set(State::Closed {
                    failures: failures + 1,
                });
                None
            }
            State::Probing => {
                self.state.set(open);
                Some(Transition::Opened)
            }
            State::Open { .. } => None,
        }
    }

    pub fn is_open(&self) -> bool {
        !matches!(self.state.get(), State::Closed { .. })
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn repeated_failures_open_it_and_a_probe_after_the_cool_down_closes_it() {
        let breaker = Breaker::default();
        assert_eq!(breaker.failure(0.0), None);
        assert_eq!(breaker.failure(1.0), None);
        assert_eq!(breaker.failure(2.0), Some(Transition::Opened));
        assert_eq!(breaker.admit(100.0), (false, None), "skipped while open");
        assert_eq!(
            breaker.admit(2.0 + COOL_DOWN_MS),
            (true, Some(Transition::Probing))
        );
        assert_eq!(
            breaker.admit(3.0 + COOL_DOWN_MS),
            (false, None),
            "one probe at a time"
        );
        assert_eq!(breaker.success(), Some(Transition::Closed));
        assert_eq!(breaker.admit(4.0 + COOL_DOWN_MS), (true, None));
    }

    #[test]
    fn a_failed_probe_opens_it_for_another_cool_down() {
        let breaker = Breaker::default();
        for t in 0..3 {
            breaker.failure(f64::from(t));
        }
        let probe_at = 2.0 + COOL_DOWN_MS;
        assert!(breaker.admit(probe_at).0);
        assert_eq!(breaker.failure(probe_at), Some(Transition::Opened));
        assert!(!breaker.admit(probe_at + 1.0).0);
        assert!(breaker.admit(probe_at + COOL_DOWN_MS).0);
    }

    #[test]
    fn a_success_resets_the_count() {
        let breaker = Breaker::default();
        breaker.failure(0.0);
        breaker.failure(0.0);
        assert_eq!(breaker.success(), None);
        breaker.failure(0.0);
        breaker.failure(0.0);
        assert!(!breaker.is_open());
    }
}
