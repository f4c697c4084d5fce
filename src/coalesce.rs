//! Concurrent misses for one key inside an isolate share one store read.
//!
//! workerd cancels a request as hung when all it waits on is I/O that
//! belongs to another request, so followers never await the leader's
//! future: they look at a shared slot between short timer ticks of their
//! own, and read the store themselves if the leader gives up (its request
//! was cancelled) or takes longer than `max_wait`.
//!
//! A leader whose client disconnects may be neither resumed nor dropped by
//! workerd, so its guard never runs and its slot would stay for the life
//! of the isolate. A slot is therefore only trusted for `max_wait` after it
//! was opened: the next request for the key after that replaces it and
//! leads, so a stuck leader costs at most one wait, never one per request.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use crate::clock::Clock;

/// How often a follower looks for the leader's result.
pub const POLL_INTERVAL: Duration = Duration::from_millis(5);

/// How a request got its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Read the store; others may have shared the result.
    Leader,
    /// Used the result of a read another request made.
    Follower,
    /// Waited for a leader that gave up or took too long, then read itself.
    FellBack,
}

struct Slot<T> {
    value: RefCell<Option<T>>,
    abandoned: Cell<bool>,
    /// When the leader opened it (the clock's milliseconds).
    opened_ms: f64,
}

impl<T> Slot<T> {
    /// Still worth waiting for at `now_ms`: its leader has neither given
    /// up nor outlived its own deadline.
    fn is_live(&self, now_ms: f64, max_wait_ms: f64) -> bool {
        !self.abandoned.get() && now_ms - self.opened_ms < max_wait_ms
    }
}

pub struct Coalescer<T> {
    inflight: RefCell<HashMap<String, Rc<Slot<T>>>>,
}

impl<T> Default for Coalescer<T> {
    fn default() -> Self {
        Coalescer {
            inflight: RefCell::new(HashMap::new()),
        }
    }
}

/// Unregisters the leader's slot however the leader ends, so a cancelled
/// leader never leaves followers waiting on nothing.
struct LeaderGuard<'a, T> {
    inflight: &'a RefCell<HashMap<String, Rc<Slot<T>>>>,
    key: &'a str,
    slot: Rc<Slot<T>>,
}

impl<T> Drop for LeaderGuard<'_, T> {
    fn drop(&mut self) {
        if self.slot.value.borrow().is_none() {
            self.slot.abandoned.set(true);
        }
        let mut inflight = self.inflight.borrow_mut();
        if inflight
            .get(self.key)
            .is_some_and(|s| Rc::ptr_eq(s, &self.slot))
        {
            inflight.remove(self.key);
        }
    }
}

impl<T: Clone> Coalescer<T> {
    pub async fn run<F: Future<Output = T>>(
        &self,
        key: &str,
        clock: &impl Clock,
        max_wait: Duration,
        fetch: impl FnOnce() -> F,
    ) -> (T, Role) {
        let max_wait_ms = max_wait.as_secs_f64() * 1000.0;
        let opened_ms = clock.now_millis();
        let live = self
            .inflight
            .borrow()
            .get(key)
            .filter(|slot| slot.is_live(opened_ms, max_wait_ms))
            .cloned();
        if let Some(slot) = live {
            loop {
                if let Some(value) = slot.value.borrow().clone() {
                    return (value, Role::Follower);
                }
                if !slot.is_live(clock.now_millis(), max_wait_ms) {
                    break;
                }
                clock.sleep(POLL_INTERVAL).await;
            }
            return (fetch().await, Role::FellBack);
        }

        // No live leader: lead, replacing any stale slot. The stale leader's
        // guard, should it ever run, leaves this new slot alone.
        let slot = Rc::new(Slot {
            value: RefCell::new(None),
            abandoned: Cell::new(false),
            opened_ms,
        });
        self.inflight
            .borrow_mut()
            .insert(key.to_owned(), Rc::clone(&slot));
        let guard = LeaderGuard {
            inflight: &self.inflight,
            key,
            slot,
        };
        let value = fetch().await;
        *guard.slot.value.borrow_mut() = Some(value.clone());
        drop(guard);
        (value, Role::Leader)
    }

    /// Keys with a read in flight (for tests and diagnostics).
    pub fn in_flight(&self) -> usize {
        self.inflight.borrow().len()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use std::cell::Cell;
    use std::time::Instant;

    use super::*;

    struct TokioClock(Instant);

    impl Clock for TokioClock {
        fn now_millis(&self) -> f64 {
            self.0.elapsed().as_secs_f64() * 1000.0
        }
        async fn sleep(&self, duration: Duration) {
            tokio::time::sleep(duration).await;
        }
    }

    async fn in_local_set<F: Future>(future: F) -> F::Output {
        tokio::task::LocalSet::new().run_until(future).await
    }

    #[tokio::test(flavor = "current_thread")]
    async fn concurrent_callers_share_one_fetch() {
        in_local_set(async {
            let coalescer = Rc::new(Coalescer::<u32>::default());
            let fetches = Rc::new(Cell::new(0));
            let tasks: Vec<_> = (0..10)
                .map(|_| {
                    let (coalescer, fetches) = (Rc::clone(&coalescer), Rc::clone(&fetches));
                    tokio::task::spawn_local(async move {
                        let clock = TokioClock(Instant::now());
                        coalescer
                            .run("k", &clock, Duration::from_secs(5), || async {
                                fetches.set(fetches.get() + 1);
                                tokio::time::sleep(Duration::from_millis(50)).await;
                                42
                            })
                            .await
                    })
                })
                .collect();
            let mut roles = Vec::new();
            for task in tasks {
                let (value, role) = task.await.unwrap();
                assert_eq!(value, 42);
                roles.push(role);
            }
            assert_eq!(fetches.get(), 1);
            assert_eq!(roles.iter().filter(|r| **r == Role::Leader).count(), 1);
            assert_eq!(roles.iter().filter(|r| **r == Role::Follower).count(), 9);
            assert_eq!(coalescer.in_flight(), 0);
        })
        .await;
    }

    #[tokio::test(flavor = "current_thread")]
    async fn different_keys_do_not_share() {
        let coalescer = Coalescer::<&str>::default();
        let clock = TokioClock(Instant::now());
        let (a, b) = tokio::join!(
            coalescer.run("a", &clock, Duration::from_secs(1), || async { "a" }),
            coalescer.run("b", &clock, Duration::from_secs(1), || async { "b" }),
        );
        assert_eq!((a, b), (("a", Role::Leader), ("b", Role::Leader)));
    }

    /// A leader for key "k" whose fetch takes a minute.
    fn spawn_stuck_leader(coalescer: &Rc<Coalescer<u32>>) -> tokio::task::JoinHandle<(u32, Role)> {
        let coalescer = Rc::clone(coalescer);
        tokio::task::spawn_local(async move {
            let clock = TokioClock(Instant::now());
            coalescer
                .run("k", &clock, Duration::from_secs(5), || async {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    1
                })
                .await
        })
    }

    #[tokio::test(flavor = "current_thread")]
    async fn followers_fall_back_when_the_leader_is_cancelled() {
        in_local_set(async {
            let coalescer = Rc::new(Coalescer::<u32>::default());
            let leader = spawn_stuck_leader(&coalescer);
            tokio::task::yield_now().await;
            assert_eq!(coalescer.in_flight(), 1);
            let follower = tokio::task::spawn_local({
                let coalescer = Rc::clone(&coalescer);
                async move {
                    let clock = TokioClock(Instant::now());
                    coalescer
                        .run("k", &clock, Duration::from_secs(5), || async { 2 })
                        .await
                }
            });
            tokio::time::sleep(Duration::from_millis(20)).await;
            leader.abort();
            let started = Instant::now();
            assert_eq!(follower.await.unwrap(), (2, Role::FellBack));
            assert!(started.elapsed() < Duration::from_secs(1));
            assert_eq!(coalescer.in_flight(), 0);
        })
        .await;
    }

    /// A clock that moves only when told to or slept on, recording sleeps.
    #[derive(Default)]
    struct ManualClock {
        now: Cell<f64>,
        sleeps: Cell<u32>,
    }

    impl Clock for ManualClock {
        fn now_millis(&self) -> f64 {
            self.now.get()
        }
        async fn sleep(&self, duration: Duration) {
            self.sleeps.set(self.sleeps.get() + 1);
            self.now
                .set(self.now.get() + duration.as_secs_f64() * 1000.0);
        }
    }

    #[test]
    fn a_leader_never_resumed_nor_dropped_stalls_nobody_after_max_wait() {
        use futures_util::FutureExt;
        let coalescer = Coalescer::<u32>::default();
        let clock = ManualClock::default();
        let max_wait = Duration::from_millis(100);
        // What workerd does to a leader whose client went away: polled once,
        // then neither resumed nor dropped, so its guard never runs.
        let mut leader = Box::pin(coalescer.run("k", &clock, max_wait, std::future::pending));
        assert!((&mut leader).now_or_never().is_none());
        std::mem::forget(leader);
        assert_eq!(coalescer.in_flight(), 1);

        clock.now.set(150.0);
        let (value, role) = coalescer
            .run("k", &clock, max_wait, || async { 2 })
            .now_or_never()
            .expect("nothing to wait for");
        assert_eq!((value, role), (2, Role::Leader));
        assert_eq!(clock.sleeps.get(), 0, "did not wait on the stale slot");
        assert_eq!(coalescer.in_flight(), 0, "the stale slot is gone");
    }

    #[test]
    fn followers_wait_only_for_what_is_left_of_the_leaders_time() {
        use futures_util::FutureExt;
        let coalescer = Coalescer::<u32>::default();
        let clock = ManualClock::default();
        let max_wait = Duration::from_millis(100);
        let mut leader = Box::pin(coalescer.run("k", &clock, max_wait, std::future::pending));
        assert!((&mut leader).now_or_never().is_none());
        clock.now.set(90.0);
        let (value, role) = coalescer
            .run("k", &clock, max_wait, || async { 2 })
            .now_or_never()
            .expect("the fake clock never blocks");
        assert_eq!((value, role), (2, Role::FellBack));
        assert!(clock.now.get() < 100.0 + 2.0 * POLL_INTERVAL.as_secs_f64() * 1000.0);
        drop(leader);
        assert_eq!(coalescer.in_flight(), 0);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn followers_stop_waiting_after_max_wait() {
        in_local_set(async {
            let coalescer = Rc::new(Coalescer::<u32>::default());
            let _leader = spawn_stuck_leader(&coalescer);
            tokio::task::yield_now().await;
            let clock = TokioClock(Instant::now());
            let (value, role) = coalescer
                .run("k", &clock, Duration::from_millis(100), || async { 2 })
                .await;
            assert_eq!((value, role), (2, Role::FellBack));
            assert!(clock.0.elapsed() >= Duration::from_millis(100));
        })
        .await;
    }
}
