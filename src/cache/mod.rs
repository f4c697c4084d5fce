//! Everything about how long an answer stays good: the periods
//! ([`policy`]), the key ([`key`]), the validators ([`validators`]), the
//! freshness rule (on [`Entry`]), the headers that tell it ([`headers`]),
//! the per-isolate tier ([`memory`]) and the entry's encoding as a stored
//! response in the Cache API ([`stored`]).

pub mod headers;
pub mod key;
pub mod memory;
pub mod policy;
pub mod stored;
pub mod validators;

/// An answer as kept by either tier.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub body: String,
    pub etag: String,
    /// When the store was read (the clock's milliseconds).
    pub stored_at_ms: f64,
    /// Seconds it is good for from then.
    pub ttl: u32,
}

/// How old an entry is and how long it has left, in whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    pub age: u32,
    pub remaining: u32,
}

impl Entry {
    /// The one freshness rule both tiers use: fresh while fewer whole
    /// seconds than its period have passed since the read; `None` once stale.
    pub fn freshness(&self, now_ms: f64) -> Option<Freshness> {
        let age = ((now_ms - self.stored_at_ms) / 1000.0).floor().max(0.0);
        let age = if age >= f64::from(u32::MAX) {
            u32::MAX
        } else {
            age as u32
        };
        (age < self.ttl).then(|| Freshness {
            age,
            remaining: self.ttl - age,
        })
    }

    /// Rough bytes held, for the memory tier's budget.
    pub fn size(&self, key: &str) -> usize {
        key.len() + self.body.len() + self.etag.len() + std::mem::size_of::<Entry>()
    }
}

/// The edge cache, as the service needs it.
#[allow(async_fn_in_trait)]
pub trait EdgeCache {
    async fn lookup(&self, key: &str) -> Option<Entry>;
    /// Stores off the response path (the Worker hands it to `wait_until`).
    fn store(&self, key: String, entry: Entry);
}

/// No edge cache: every poll reads the store.
pub struct NoCache;

impl EdgeCache for NoCache {
    async fn lookup(&self, _key: &str) -> Option<Entry> {
        None
    }
    fn store(&self, _key: String, _entry: Entry) {}
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn entry(stored_at_ms: f64, ttl: u32) -> Entry {
        Entry {
            body: "{}".into(),
            etag: "\"e\"".into(),
            stored_at_ms,
            ttl,
        }
    }

    #[test]
    fn fresh_for_whole_seconds_below_the_period() {
        let e = entry(1_000.0, 2);
        assert_eq!(
            e.freshness(1_000.0),
            Some(Freshness {
                age: 0,
                remaining: 2
            })
        );
        assert_eq!(
            e.freshness(2_999.0),
            Some(Freshness {
                age: 1,
                remaining: 1
            })
        );
        assert_eq!(e.freshness(3_000.0), None);
        // A clock that went backwards counts as age 0, not a panic.
        assert_eq!(
            e.freshness(0.0),
            Some(Freshness {
                age: 0,
                remaining: 2
            })
        );
        assert_eq!(e.freshness(f64::MAX), None);
    }
}
