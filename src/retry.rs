//! When to try a DynamoDB read again, and how long to wait: capped
//! exponential backoff with full jitter inside an overall deadline.
//!
//! The loop is generic over the attempt, the clock and the randomness, so it
//! is tested on the host with a fake clock and no sleeping.

use std::cell::Cell;
use std::future::Future;
use std::time::Duration;

use crate::clock::Clock;
use crate::settings::{ConfigError, Lookup, integer, millis};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (AWS's standard mode uses 3).
    pub max_attempts: u32,
    /// Longest one attempt may take, connect to last body byte.
    pub attempt_timeout: Duration,
    /// Longest all attempts and waits together may take.
    pub deadline: Duration,
    /// Backoff before retry n is uniform in [0, min(max_delay, base_delay × 2ⁿ⁻¹)].
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Tokens in the isolate's retry quota (see [`RetryQuota`]); 0 turns
    /// retries off once the first failure is seen.
    pub quota: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            attempt_timeout: Duration::from_millis(2_000),
            deadline: Duration::from_millis(5_000),
            base_delay: Duration::from_millis(50),
            max_delay: Duration::from_millis(1_000),
            quota: 500,
        }
    }
}

/// What a retry costs from the quota, and what a success gives back: the
/// AWS SDKs' standard retry mode.
pub const RETRY_COST: u32 = 5;
pub const TIMEOUT_RETRY_COST: u32 = 10;
pub const SUCCESS_REFUND: u32 = 1;

/// A token bucket shared by every read in an isolate, so that when DynamoDB
/// is throttling or failing the isolate does not multiply the load by its
/// attempt count: each retry spends tokens, each success refunds some, and
/// an empty bucket means failures are answered without retrying.
#[derive(Debug)]
pub struct RetryQuota {
    capacity: u32,
    tokens: Cell<u32>,
}

impl RetryQuota {
    pub fn new(capacity: u32) -> Self {
        RetryQuota {
            capacity,
            tokens: Cell::new(capacity),
        }
    }

    pub fn tokens(&self) -> u32 {
        self.tokens.get()
    }

    fn acquire(&self, cost: u32) -> bool {
        let tokens = self.tokens.get();
        if tokens < cost {
            return false;
        }
        self.tokens.set(tokens - cost);
        true
    }

    fn release(&self, amount: u32) {
        self.tokens
            .set(self.tokens.get().saturating_add(amount).min(self.capacity));
    }
}

/// How a read's attempts went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub attempts: u32,
    /// A retry was wanted but the quota was empty.
    pub quota_exhausted: bool,
}

/// What the retry loop needs to know about a failure.
pub trait Retryable {
    fn is_retryable(&self) -> bool;
    /// Timeouts cost more of the quota: they held a connection for long.
    fn is_timeout(&self) -> bool {
        false
    }
}

impl RetryPolicy {
    /// `DYNAMODB_MAX_ATTEMPTS`, `DYNAMODB_ATTEMPT_TIMEOUT_MS`,
    /// `DYNAMODB_DEADLINE_MS`, `DYNAMODB_BACKOFF_BASE_MS`, `DYNAMODB_BACKOFF_MAX_MS`.
    pub fn from_vars(lookup: Lookup<'_>) -> Result<Self, ConfigError> {
        let d = RetryPolicy::default();
        Ok(RetryPolicy {
            max_attempts: integer(lookup, "DYNAMODB_MAX_ATTEMPTS", d.max_attempts, 1..=10)?,
            attempt_timeout: millis(
                lookup,
                "DYNAMODB_ATTEMPT_TIMEOUT_MS",
                d.attempt_timeout,
                1..=60_000,
            )?,
            deadline: millis(lookup, "DYNAMODB_DEADLINE_MS", d.deadline, 1..=120_000)?,
            base_delay: millis(lookup, "DYNAMODB_BACKOFF_BASE_MS", d.base_delay, 0..=10_000)?,
            max_delay: millis(lookup, "DYNAMODB_BACKOFF_MAX_MS", d.max_delay, 0..=60_000)?,
            quota: integer(lookup, "DYNAMODB_RETRY_QUOTA", d.quota, 0..=100_000)?,
        })
    }

    /// Full jitter: `unit` is a uniform random number in [0, 1).
    pub fn backoff(&self, retry: u32, unit: f64) -> Duration {
        let exponent = retry.saturating_sub(1).min(20);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        ceiling.mul_f64(unit.clamp(0.0, 1.0))
    }

    /// Runs `attempt(n, timeout)` until it succeeds, fails for good, runs out
    /// of attempts or would pass the deadline. Returns the result and the
    /// number of attempts made. No quota: for callers that keep none.
    pub async fn run<T, E, F, Fut>(
        &self,
        clock: &impl Clock,
        random: impl FnMut() -> f64,
        attempt: F,
    ) -> (Result<T, E>, u32)
    where
        E: Retryable,
        F: FnMut(u32, Duration) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let unlimited = RetryQuota::new(u32::MAX);
        let (result, tally) = self.run_within(&unlimited, clock, random, attempt).await;
        (result, tally.attempts)
    }

    /// As [`RetryPolicy::run`], each retry paid for from `quota`.
    pub async fn run_within<T, E, F, Fut>(
        &self,
        quota: &RetryQuota,
        clock: &impl Clock,
        mut random: impl FnMut() -> f64,
        mut attempt: F,
    ) -> (Result<T, E>, Tally)
    where
        E: Retryable,
        F: FnMut(u32, Duration) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let start = clock.now_millis();
        let deadline_ms = self.deadline.as_secs_f64() * 1000.0;
        let mut tally = Tally::default();
        let mut spent = 0;
        loop {
            tally.attempts += 1;
            let elapsed = (clock.now_millis() - start).max(0.0);
            let remaining = Duration::from_secs_f64(((deadline_ms - elapsed) / 1000.0).max(0.001));
            let result = attempt(tally.attempts, self.attempt_timeout.min(remaining)).await;
            let error = match result {
                Ok(value) => {
                    quota.release(if spent > 0 { spent } else { SUCCESS_REFUND });
                    return (Ok(value), tally);
                }
                Err(error) => error,
            };
            if !error.is_retryable() || tally.attempts >= self.max_attempts {
                return (Err(error), tally);
            }
            let delay = self.backoff(tally.attempts, random());
            let elapsed = (clock.now_millis() - start).max(0.0);
            // Waiting only to be cut off by the deadline helps nobody.
            if elapsed + delay.as_secs_f64() * 1000.0 >= deadline_ms {
                return (Err(error), tally);
            }
            let cost = if error.is_timeout() {
                TIMEOUT_RETRY_COST
            } else {
                RETRY_COST
            };
            if !quota.acquire(cost) {
                tally.quota_exhausted = true;
                return (Err(error), tally);
            }
            spent = cost;
            clock.sleep(delay).await;
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use std::cell::{Cell, RefCell};

    use super::*;

    /// A clock that advances only when slept on or told to.
    #[derive(Default)]
    struct FakeClock {
        now: Cell<f64>,
        sleeps: RefCell<Vec<Duration>>,
    }

    impl Clock for FakeClock {
        fn now_millis(&self) -> f64 {
            self.now.get()
        }
        async fn sleep(&self, duration: Duration) {
            self.sleeps.borrow_mut().push(duration);
            self.now
                .set(self.now.get() + duration.as_secs_f64() * 1000.0);
        }
    }

    #[derive(Debug, PartialEq)]
    enum Failure {
        Transient,
        Final,
    }

    impl Retryable for Failure {
        fn is_retryable(&self) -> bool {
            *self == Failure::Transient
        }
    }

    /// The futures here never wait on anything real: one poll finishes them.
    fn block_on<F: Future>(future: F) -> F::Output {
        futures_util::FutureExt::now_or_never(future).expect("test future waited on something")
    }

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            attempt_timeout: Duration::from_millis(1000),
            deadline: Duration::from_millis(5000),
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(250),
            quota: 500,
        }
    }

    #[test]
    fn backoff_is_capped_exponential_with_full_jitter() {
        let p = policy();
        assert_eq!(p.backoff(1, 1.0), Duration::from_millis(100));
        assert_eq!(p.backoff(2, 1.0), Duration::from_millis(200));
        assert_eq!(p.backoff(3, 1.0), Duration::from_millis(250));
        assert_eq!(p.backoff(30, 1.0), Duration::from_millis(250));
        assert_eq!(p.backoff(2, 0.5), Duration::from_millis(100));
        assert_eq!(p.backoff(2, 0.0), Duration::ZERO);
    }

    #[test]
    fn retries_transient_failures_then_succeeds() {
        let clock = FakeClock::default();
        let calls = Cell::new(0);
        let (result, attempts) = block_on(policy().run(
            &clock,
            || 0.5,
            |_, _| {
                calls.set(calls.get() + 1);
                let outcome = if calls.get() < 3 {
                    Err(Failure::Transient)
                } else {
                    Ok("item")
                };
                async move { outcome }
            },
        ));
        assert_eq!(result, Ok("item"));
        assert_eq!(attempts, 3);
        assert_eq!(
            *clock.sleeps.borrow(),
            [Duration::from_millis(50), Duration::from_millis(100)]
        );
    }

    #[test]
    fn stops_at_the_attempt_limit() {
        let clock = FakeClock::default();
        let (result, attempts) = block_on(policy().run(
            &clock,
            || 0.5,
            |_, _| async { Err::<(), _>(Failure::Transient) },
        ));
        assert_eq!(result, Err(Failure::Transient));
        assert_eq!(attempts, 3);
    }

    #[test]
    fn never_retries_a_final_failure() {
        let clock = FakeClock::default();
        let (result, attempts) = block_on(policy().run(
            &clock,
            || 0.5,
            |_, _| async { Err::<(), _>(Failure::Final) },
        ));
        assert_eq!(result, Err(Failure::Final));
        assert_eq!(attempts, 1);
        assert!(clock.sleeps.borrow().is_empty());
    }

    #[test]
    fn attempts_share_the_deadline() {
        let clock = FakeClock::default();
        let p = RetryPolicy {
            max_attempts: 10,
            deadline: Duration::from_millis(1500),
            ..policy()
        };
        let timeouts = RefCell::new(Vec::new());
        let (result, attempts) = block_on(p.run(
            &clock,
            || 0.0,
            |_, timeout| {
                timeouts.borrow_mut().push(timeout);
                // Each attempt times out after using its whole allowance.
                clock
                    .now
                    .set(clock.now.get() + timeout.as_secs_f64() * 1000.0);
                async { Err::<(), _>(Failure::Transient) }
            },
        ));
        assert_eq!(result, Err(Failure::Transient));
        // 1000 ms, then only what is left of 1500; then the deadline is spent.
        assert_eq!(attempts, 2);
        assert_eq!(
            *timeouts.borrow(),
            [Duration::from_millis(1000), Duration::from_millis(500)]
        );
    }

    #[test]
    fn does_not_sleep_past_the_deadline() {
        let clock = FakeClock::default();
        let p = RetryPolicy {
            deadline: Duration::from_millis(60),
            ..policy()
        };
        let (_, attempts) = block_on(p.run(
            &clock,
            || 1.0,
            |_, _| async { Err::<(), _>(Failure::Transient) },
        ));
        assert_eq!(
            attempts, 1,
            "a 100 ms backoff cannot fit in a 60 ms deadline"
        );
    }

    #[test]
    fn retries_are_paid_from_the_quota_and_stop_when_it_is_empty() {
        let clock = FakeClock::default();
        // Room for exactly two retries.
        let quota = RetryQuota::new(2 * RETRY_COST + 1);
        let always_failing = |_, _| async { Err::<(), _>(Failure::Transient) };
        let (_, first) = block_on(policy().run_within(&quota, &clock, || 0.0, always_failing));
        assert_eq!(
            first,
            Tally {
                attempts: 3,
                quota_exhausted: false
            }
        );
        assert_eq!(quota.tokens(), 1);
        let (_, second) = block_on(policy().run_within(&quota, &clock, || 0.0, always_failing));
        assert_eq!(
            second,
            Tally {
                attempts: 1,
                quota_exhausted: true
            },
            "an empty quota: one attempt, no retry"
        );
    }

    #[test]
    fn successes_refund_the_quota_up_to_its_capacity() {
        let clock = FakeClock::default();
        let quota = RetryQuota::new(12);
        let calls = Cell::new(0);
        // Fails once, then succeeds: the retry's cost comes back.
        let flaky = |_, _| {
            calls.set(calls.get() + 1);
            let outcome = if calls.get() == 1 {
                Err(Failure::Transient)
            } else {
                Ok(())
            };
            async move { outcome }
        };
        let (result, tally) = block_on(policy().run_within(&quota, &clock, || 0.0, flaky));
        assert_eq!((result, tally.attempts), (Ok(()), 2));
        assert_eq!(quota.tokens(), 12);
        let (_, _) = block_on(policy().run_within(
            &quota,
            &clock,
            || 0.0,
            |_, _| async { Ok::<(), Failure>(()) },
        ));
        assert_eq!(quota.tokens(), 12, "never above capacity");
        // A plain success gives one token back.
        let drained = RetryQuota::new(12);
        let (_, _) = block_on(policy().run_within(
            &drained,
            &clock,
            || 0.0,
            |_, _| async { Err::<(), _>(Failure::Transient) },
        ));
        assert_eq!(drained.tokens(), 2);
        let (_, _) = block_on(policy().run_within(
            &drained,
            &clock,
            || 0.0,
            |_, _| async { Ok::<(), Failure>(()) },
        ));
        assert_eq!(drained.tokens(), 3);
    }
}
