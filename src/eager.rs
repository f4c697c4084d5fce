//! Runs a request's future synchronously up to its first suspension.
//!
//! Most answers (a memory-tier hit, a 304, a refusal, a preflight) never
//! wait on I/O. Handing every request to a promise executor costs a
//! `Promise`, a microtask and a resolve call across the JS boundary for
//! nothing; polling once first lets the shell return those answers
//! directly and hand only the requests that do wait to the executor.
//!
//! The first poll happens before the executor exists, so it cannot carry
//! the executor's waker. Some leaf futures keep the first waker they see
//! for good (the `worker` crate's `Delay` does), so the waker of the first
//! poll must stay valid afterwards: it forwards every wake to whichever
//! waker polled the future last.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

/// The outcome of the first poll.
pub enum Eager<F: Future> {
    /// Finished without waiting: the answer, now.
    Ready(F::Output),
    /// Waiting on something: drive this to completion on an executor.
    Pending(Resumed<F>),
}

/// Polls `future` once, now.
pub fn poll_once<F: Future>(future: F) -> Eager<F> {
    let relay = Arc::new(Relay::default());
    let waker = Waker::from(Arc::clone(&relay));
    let mut future = Box::pin(future);
    match future.as_mut().poll(&mut Context::from_waker(&waker)) {
        Poll::Ready(output) => Eager::Ready(output),
        Poll::Pending => Eager::Pending(Resumed { future, relay }),
    }
}

/// A future already polled once, ready for an executor.
pub struct Resumed<F: Future> {
    future: Pin<Box<F>>,
    relay: Arc<Relay>,
}

impl<F: Future> Future for Resumed<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.relay.follow(cx.waker());
        self.future.as_mut().poll(cx)
    }
}

/// The first poll's waker: wakes whoever polls the future now. A wake that
/// comes before the executor's first poll is not lost: an executor always
/// polls a future it is given.
#[derive(Default)]
struct Relay {
    target: Mutex<Option<Waker>>,
}

impl Relay {
    fn follow(&self, waker: &Waker) {
        // A poisoned lock only means an earlier wake panicked; the slot is
        // still a plain Option.
        let mut target = self.target.lock().unwrap_or_else(|p| p.into_inner());
        match target.as_mut() {
            Some(current) => current.clone_from(waker),
            None => *target = Some(waker.clone()),
        }
    }
}

impl Wake for Relay {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let target = self.target.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(waker) = target.as_ref() {
            waker.wake_by_ref();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    /// Pending until `fire` is called, waking only the FIRST waker it was
    /// polled with, as `worker::Delay` does.
    #[derive(Clone, Default)]
    struct FirstWakerTimer {
        fired: Rc<Cell<bool>>,
        waker: Rc<RefCell<Option<Waker>>>,
    }

    impl FirstWakerTimer {
        fn fire(&self) {
            self.fired.set(true);
            if let Some(waker) = self.waker.borrow().as_ref() {
                waker.wake_by_ref();
            }
        }
    }

    impl Future for FirstWakerTimer {
        type Output = u32;
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
            if self.fired.get() {
                return Poll::Ready(7);
            }
            let mut slot = self.waker.borrow_mut();
            if slot.is_none() {
                *slot = Some(cx.waker().clone());
            }
            Poll::Pending
        }
    }

    #[derive(Default)]
    struct CountingWaker(AtomicUsize);
    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_future_that_never_waits_answers_on_the_first_poll() {
        match poll_once(async { 42 }) {
            Eager::Ready(value) => assert_eq!(value, 42),
            Eager::Pending(_) => panic!("should not wait"),
        }
    }

    #[test]
    fn the_executor_is_woken_by_a_leaf_that_kept_the_first_pollers_waker() {
        let timer = FirstWakerTimer::default();
        let Eager::Pending(mut resumed) = poll_once(timer.clone()) else {
            panic!("the timer has not fired");
        };
        let executor = Arc::new(CountingWaker::default());
        let waker = Waker::from(Arc::clone(&executor));
        let mut cx = Context::from_waker(&waker);
        assert!(Pin::new(&mut resumed).poll(&mut cx).is_pending());
        timer.fire();
        assert_eq!(executor.0.load(Ordering::SeqCst), 1, "the wake was lost");
        assert_eq!(Pin::new(&mut resumed).poll(&mut cx), Poll::Ready(7));
    }

    #[test]
    fn wakes_go_to_the_latest_poller() {
        let timer = FirstWakerTimer::default();
        let Eager::Pending(mut resumed) = poll_once(timer.clone()) else {
            panic!("the timer has not fired");
        };
        let (first, second) = (
            Arc::new(CountingWaker::default()),
            Arc::new(CountingWaker::default()),
        );
        for executor in [&first, &second] {
            let waker = Waker::from(Arc::clone(executor));
            assert!(
                Pin::new(&mut resumed)
                    .poll(&mut Context::from_waker(&waker))
                    .is_pending()
            );
        }
        timer.fire();
        assert_eq!(first.0.load(Ordering::SeqCst), 0);
        assert_eq!(second.0.load(Ordering::SeqCst), 1);
    }
}
