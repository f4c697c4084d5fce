//! A small per-isolate cache in front of the edge cache: an isolate serves
//! many polls of the same sessions, and a hit here needs no I/O at all.
//!
//! Entries keep the edge entry's storage time and period, so nobody is
//! served an answer older than the edge itself would serve.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::service::{CachedAnswer, EdgeCache};

/// Entries per isolate; at a few KB each, well inside a Worker's 128 MB.
pub const DEFAULT_CAPACITY: usize = 1024;

pub struct MemoryCache {
    entries: RefCell<HashMap<String, CachedAnswer>>,
    capacity: usize,
}

impl Default for MemoryCache {
    fn default() -> Self {
        MemoryCache::with_capacity(DEFAULT_CAPACITY)
    }
}

fn expires_at(answer: &CachedAnswer) -> f64 {
    answer.stored_at_ms + f64::from(answer.ttl) * 1000.0
}

impl MemoryCache {
    pub fn with_capacity(capacity: usize) -> Self {
        MemoryCache {
            entries: RefCell::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    /// The entry if still fresh at `now_ms`; an expired one is dropped.
    pub fn get(&self, key: &str, now_ms: f64) -> Option<CachedAnswer> {
        let mut entries = self.entries.borrow_mut();
        match entries.get(key) {
            Some(answer) if expires_at(answer) > now_ms => Some(answer.clone()),
            Some(_) => {
                entries.remove(key);
                None
            }
            None => None,
        }
    }

    /// Stores an answer; when full, expired entries go first, then the one
    /// that would expire soonest.
    pub fn put(&self, key: String, answer: CachedAnswer, now_ms: f64) {
        let mut entries = self.entries.borrow_mut();
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, a| expires_at(a) > now_ms);
            if entries.len() >= self.capacity {
                let soonest = entries
                    .iter()
                    .min_by(|a, b| expires_at(a.1).total_cmp(&expires_at(b.1)))
                    .map(|(k, _)| k.clone());
                if let Some(soonest) = soonest {
                    entries.remove(&soonest);
                }
            }
        }
        entries.insert(key, answer);
    }

    pub fn len(&self) -> usize {
        self.entries.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.borrow().is_empty()
    }
}

/// The memory cache first, then the edge cache behind it; an edge hit is
/// kept in memory for the rest of its period.
pub struct Layered<'a, E> {
    pub memory: &'a MemoryCache,
    pub edge: &'a E,
    pub now_ms: &'a dyn Fn() -> f64,
}

impl<E: EdgeCache> EdgeCache for Layered<'_, E> {
    async fn lookup(&self, key: &str) -> Option<CachedAnswer> {
        let now = (self.now_ms)();
        if let Some(hit) = self.memory.get(key, now) {
            return Some(CachedAnswer {
                tier: "memory",
                ..hit
            });
        }
        let hit = self.edge.lookup(key).await?;
        self.memory.put(key.to_owned(), hit.clone(), now);
        Some(hit)
    }

    fn store(&self, key: String, answer: CachedAnswer) {
        self.memory
            .put(key.clone(), answer.clone(), (self.now_ms)());
        self.edge.store(key, answer);
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn answer(stored_at_ms: f64, ttl: u32) -> CachedAnswer {
        CachedAnswer {
            body: format!("{stored_at_ms}"),
            etag: "\"e\"".into(),
            stored_at_ms,
            ttl,
            tier: "edge",
        }
    }

    #[test]
    fn fresh_entries_are_served_and_expired_ones_dropped() {
        let cache = MemoryCache::default();
        cache.put("k".into(), answer(1_000.0, 2), 1_000.0);
        assert!(cache.get("k", 2_999.0).is_some());
        assert!(
            cache.get("k", 3_000.0).is_none(),
            "expires with the edge entry"
        );
        assert!(cache.is_empty());
    }

    #[test]
    fn a_full_cache_evicts_expired_then_soonest_to_expire() {
        let cache = MemoryCache::with_capacity(2);
        cache.put("old".into(), answer(0.0, 1), 0.0);
        cache.put("long".into(), answer(0.0, 30), 0.0);
        cache.put("new".into(), answer(5_000.0, 2), 5_000.0);
        assert!(cache.get("old", 5_000.0).is_none());
        assert!(cache.get("long", 5_000.0).is_some());
        assert!(cache.get("new", 5_000.0).is_some());
        cache.put("newer".into(), answer(5_000.0, 10), 5_000.0);
        assert_eq!(cache.len(), 2);
        assert!(
            cache.get("new", 5_000.0).is_none(),
            "the soonest to expire went"
        );
    }

    /// An edge cache that counts its lookups and stores.
    #[derive(Default)]
    struct CountingEdge {
        entries: RefCell<HashMap<String, CachedAnswer>>,
        lookups: std::cell::Cell<u32>,
        stores: std::cell::Cell<u32>,
    }

    impl EdgeCache for CountingEdge {
        async fn lookup(&self, key: &str) -> Option<CachedAnswer> {
            self.lookups.set(self.lookups.get() + 1);
            self.entries.borrow().get(key).cloned()
        }
        fn store(&self, key: String, answer: CachedAnswer) {
            self.stores.set(self.stores.get() + 1);
            self.entries.borrow_mut().insert(key, answer);
        }
    }

    fn run<F: std::future::Future>(future: F) -> F::Output {
        futures_util::FutureExt::now_or_never(future).expect("nothing here waits")
    }

    #[test]
    fn layered_lookups_try_memory_first_and_keep_edge_hits() {
        let (memory, edge) = (MemoryCache::default(), CountingEdge::default());
        edge.store("k".into(), answer(1_000.0, 30));
        let now = || 2_000.0;
        let layered = Layered {
            memory: &memory,
            edge: &edge,
            now_ms: &now,
        };
        assert_eq!(run(layered.lookup("k")).unwrap().tier, "edge");
        assert_eq!(run(layered.lookup("k")).unwrap().tier, "memory");
        assert_eq!(
            edge.lookups.get(),
            1,
            "the second lookup never reached the edge"
        );
        assert!(run(layered.lookup("missing")).is_none());
    }

    #[test]
    fn layered_stores_write_both_tiers() {
        let (memory, edge) = (MemoryCache::default(), CountingEdge::default());
        let now = || 1_000.0;
        let layered = Layered {
            memory: &memory,
            edge: &edge,
            now_ms: &now,
        };
        layered.store("k".into(), answer(1_000.0, 2));
        assert_eq!(edge.stores.get(), 1);
        assert!(memory.get("k", 1_500.0).is_some());
    }
}
