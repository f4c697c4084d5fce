//! A small per-isolate cache in front of the edge cache: an isolate serves
//! many polls of the same sessions, and a hit here needs no I/O at all.
//!
//! Entries keep the edge entry's storage time and period, so nobody is
//! served an answer older than the edge itself would serve. The tier is
//! bounded in bytes, not entries: a few large documents must not grow an
//! isolate past its memory limit.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use crate::cache::headers::Tier;
use crate::cache::{EdgeCache, Entry};

/// Bytes per isolate: far inside a Worker's 128 MB.
pub const DEFAULT_BUDGET: usize = 8 * 1024 * 1024;

pub struct MemoryCache {
    entries: RefCell<HashMap<String, Entry>>,
    bytes: Cell<usize>,
    budget: usize,
}

impl Default for MemoryCache {
    fn default() -> Self {
        MemoryCache::with_budget(DEFAULT_BUDGET)
    }
}

impl MemoryCache {
    pub fn with_budget(budget: usize) -> Self {
        MemoryCache {
            entries: RefCell::new(HashMap::new()),
            bytes: Cell::new(0),
            budget,
        }
    }

    /// The entry if still fresh at `now_ms`; a stale one is dropped.
    pub fn get(&self, key: &str, now_ms: f64) -> Option<Entry> {
        let mut entries = self.entries.borrow_mut();
        let entry = entries.get(key)?;
        if entry.freshness(now_ms).is_some() {
            return Some(entry.clone());
        }
        if let Some(gone) = entries.remove(key) {
            self.bytes
                .set(self.bytes.get().saturating_sub(gone.size(key)));
        }
        None
    }

    /// Stores an entry; when over budget, stale entries go first, then
    /// those that would go stale soonest. An entry larger than the whole
    /// budget is not kept.
    pub fn put(&self, key: String, entry: Entry, now_ms: f64) {
        let size = entry.size(&key);
        if size > self.budget {
            return;
        }
        let mut entries = self.entries.borrow_mut();
        let mut bytes = self.bytes.get();
        if let Some(old) = entries.remove(&key) {
            bytes = bytes.saturating_sub(old.size(&key));
        }
        if bytes + size > self.budget {
            entries.retain(|k, e| {
                let keep = e.freshness(now_ms).is_some();
                if !keep {
                    bytes = bytes.saturating_sub(e.size(k));
                }
                keep
            });
        }
        while bytes + size > self.budget {
            let expires = |e: &Entry| e.stored_at_ms + f64::from(e.ttl) * 1000.0;
            let Some(soonest) = entries
                .iter()
                .min_by(|a, b| expires(a.1).total_cmp(&expires(b.1)))
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(gone) = entries.remove(&soonest) {
                bytes = bytes.saturating_sub(gone.size(&soonest));
            }
        }
        entries.insert(key, entry);
        self.bytes.set(bytes + size);
    }

    pub fn len(&self) -> usize {
        self.entries.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.borrow().is_empty()
    }

    /// Bytes held, as counted against the budget.
    pub fn bytes(&self) -> usize {
        self.bytes.get()
    }
}

/// The memory cache first, then the edge cache behind it; an edge hit is
/// kept in memory for the rest of its period.
pub struct Layered<'a, E> {
    pub memory: &'a MemoryCache,
    pub edge: &'a E,
}

impl<E: EdgeCache> Layered<'_, E> {
    pub async fn lookup(&self, key: &str, now_ms: f64) -> Option<(Entry, Tier)> {
        if let Some(hit) = self.memory.get(key, now_ms) {
            return Some((hit, Tier::Memory));
        }
        let hit = self.edge.lookup(key).await?;
        self.memory.put(key.to_owned(), hit.clone(), now_ms);
        Some((hit, Tier::Edge))
    }

    pub fn store(&self, key: String, entry: Entry, now_ms: f64) {
        self.memory.put(key.clone(), entry.clone(), now_ms);
        self.edge.store(key, entry);
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn entry(stored_at_ms: f64, ttl: u32) -> Entry {
        Entry {
            body: format!("{stored_at_ms}"),
            etag: "\"e\"".into(),
            stored_at_ms,
            ttl,
        }
    }

    #[test]
    fn fresh_entries_are_served_and_stale_ones_dropped() {
        let cache = MemoryCache::default();
        cache.put("k".into(), entry(1_000.0, 2), 1_000.0);
        assert!(cache.get("k", 2_999.0).is_some());
        assert!(
            cache.get("k", 3_000.0).is_none(),
            "goes stale with the edge entry"
        );
        assert!(cache.is_empty());
        assert_eq!(cache.bytes(), 0);
    }

    #[test]
    fn over_budget_drops_stale_then_soonest_to_go_stale() {
        let one = entry(0.0, 1).size("old");
        let cache = MemoryCache::with_budget(one * 2 + 8);
        cache.put("old".into(), entry(0.0, 1), 0.0);
        cache.put("lng".into(), entry(0.0, 30), 0.0);
        cache.put("new".into(), entry(5_000.0, 2), 5_000.0);
        assert!(cache.get("old", 5_000.0).is_none());
        assert!(cache.get("lng", 5_000.0).is_some());
        assert!(cache.get("new", 5_000.0).is_some());
        cache.put("nwr".into(), entry(5_000.0, 10), 5_000.0);
        assert_eq!(cache.len(), 2);
        assert!(
            cache.get("new", 5_000.0).is_none(),
            "the soonest to go stale went"
        );
        assert!(cache.bytes() <= one * 2 + 8);
    }

    #[test]
    fn bytes_stay_within_the_budget_whatever_is_stored() {
        let cache = MemoryCache::with_budget(10_000);
        for i in 0..500 {
            let mut e = entry(0.0, 30);
            e.body = "x".repeat(i * 7 % 3_000);
            cache.put(format!("k{i}"), e, 0.0);
            assert!(cache.bytes() <= 10_000, "after {i}: {}", cache.bytes());
        }
        let mut huge = entry(0.0, 30);
        huge.body = "x".repeat(20_000);
        cache.put("huge".into(), huge, 0.0);
        assert!(cache.get("huge", 0.0).is_none(), "larger than the budget");
        // Replacing an entry does not count it twice.
        let small = MemoryCache::with_budget(10_000);
        for _ in 0..10 {
            small.put("same".into(), entry(0.0, 30), 0.0);
        }
        assert_eq!(small.bytes(), entry(0.0, 30).size("same"));
    }

    /// An edge cache that counts its lookups and stores.
    #[derive(Default)]
    struct CountingEdge {
        entries: RefCell<HashMap<String, Entry>>,
        lookups: Cell<u32>,
        stores: Cell<u32>,
    }

    impl EdgeCache for CountingEdge {
        async fn lookup(&self, key: &str) -> Option<Entry> {
            self.lookups.set(self.lookups.get() + 1);
            self.entries.borrow().get(key).cloned()
        }
        fn store(&self, key: String, entry: Entry) {
            self.stores.set(self.stores.get() + 1);
            self.entries.borrow_mut().insert(key, entry);
        }
    }

    fn run<F: std::future::Future>(future: F) -> F::Output {
        futures_util::FutureExt::now_or_never(future).expect("nothing here waits")
    }

    #[test]
    fn layered_lookups_try_memory_first_and_keep_edge_hits() {
        let (memory, edge) = (MemoryCache::default(), CountingEdge::default());
        edge.store("k".into(), entry(1_000.0, 30));
        let layered = Layered {
            memory: &memory,
            edge: &edge,
        };
        assert_eq!(run(layered.lookup("k", 2_000.0)).unwrap().1, Tier::Edge);
        assert_eq!(run(layered.lookup("k", 2_000.0)).unwrap().1, Tier::Memory);
        assert_eq!(
            edge.lookups.get(),
            1,
            "the second lookup never reached the edge"
        );
        assert!(run(layered.lookup("missing", 2_000.0)).is_none());
    }

    #[test]
    fn layered_stores_write_both_tiers() {
        let (memory, edge) = (MemoryCache::default(), CountingEdge::default());
        let layered = Layered {
            memory: &memory,
            edge: &edge,
        };
        layered.store("k".into(), entry(1_000.0, 2), 1_000.0);
        assert_eq!(edge.stores.get(), 1);
        assert!(memory.get("k", 1_500.0).is_some());
    }
}
