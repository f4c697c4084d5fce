//! The issuer's signing keys, per isolate, with time passed in (f64
//! milliseconds since the epoch, as `Date.now()` gives).
//!
//! As in awslabs/aws-jwt-verify: the key set is kept for an hour; a token
//! naming a `kid` the set lacks causes at most one refetch per ten seconds
//! (the penalty box), so made-up `kid`s cannot turn into a flood of fetches.
//! After a failed fetch, requests that would need one get a 503 for a short
//! back-off instead of each trying again.
//!
//! Sans-IO: [`KeyCache::lookup`] says whether a fetch is needed; the caller
//! fetches and reports the outcome with [`KeyCache::accept_jwks`] or
//! [`KeyCache::record_failure`]. `K` is whatever the verifier imports a key
//! into (a WebCrypto `CryptoKey` in the Worker), kept beside its JWK so each
//! key is imported once.

use super::jwks::{Jwks, RsaPublicJwk};

/// How long a fetched key set is used.
pub const JWKS_TTL_MS: f64 = 3_600_000.0;
/// After a fetch, an unknown `kid` triggers no other fetch for this long.
pub const UNKNOWN_KID_REFETCH_MS: f64 = 10_000.0;
/// After a failed fetch, no other fetch for this long.
pub const FETCH_FAILURE_BACKOFF_MS: f64 = 2_000.0;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedKey<K> {
    pub jwk: RsaPublicJwk,
    /// The verifier's form of the key, once imported.
    pub imported: Option<K>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyLookup<K> {
    Found(CachedKey<K>),
    /// Fetch the key set, then call `accept_jwks` or `record_failure`.
    NeedFetch,
    /// The current key set lacks the `kid` and a refetch was made recently.
    Unknown,
    /// No usable key set, and the last fetch failed moments ago.
    Unavailable {
        retry_after_secs: u32,
    },
}

#[derive(Debug)]
pub struct KeyCache<K> {
    keys: Vec<CachedKey<K>>,
    loaded_at_ms: Option<f64>,
    last_attempt_ms: Option<f64>,
    last_failure_ms: Option<f64>,
}

impl<K> Default for KeyCache<K> {
    fn default() -> Self {
        KeyCache {
            keys: Vec::new(),
            loaded_at_ms: None,
            last_attempt_ms: None,
            last_failure_ms: None,
        }
    }
}

/// Whether less than `period` has passed since `then` (a clock that went
/// backwards counts as no time passed; NaN as long ago).
fn within(then: Option<f64>, now_ms: f64, period: f64) -> bool {
    then.is_some_and(|then| now_ms - then < period)
}

/// Whole seconds, at least one, for `Retry-After`.
pub fn retry_after_secs(remaining_ms: f64) -> u32 {
    let secs = (remaining_ms / 1000.0).ceil();
    if secs.is_finite() && secs >= 1.0 {
        // Bounded by the back-off constants; the cast cannot truncate.
        secs.min(3600.0) as u32
    } else {
        1
    }
}

impl<K: Clone> KeyCache<K> {
    pub fn new() -> Self {
        Self::default()
    }

    /// What to do for a token signed with `kid`.
    pub fn lookup(&self, kid: &str, now_ms: f64) -> KeyLookup<K> {
        if within(self.loaded_at_ms, now_ms, JWKS_TTL_MS) {
            if let Some(key) = self.find(kid) {
                return KeyLookup::Found(key);
            }
            if within(self.last_attempt_ms, now_ms, UNKNOWN_KID_REFETCH_MS) {
                return KeyLookup::Unknown;
            }
            return KeyLookup::NeedFetch;
        }
        if let Some(failed) = self.last_failure_ms
            && within(Some(failed), now_ms, FETCH_FAILURE_BACKOFF_MS)
        {
            return KeyLookup::Unavailable {
                retry_after_secs: retry_after_secs(FETCH_FAILURE_BACKOFF_MS - (now_ms - failed)),
            };
        }
        KeyLookup::NeedFetch
    }

    /// The key for `kid` in the current set, fresh or not (after a fetch).
    pub fn find(&self, kid: &str) -> Option<CachedKey<K>> {
        self.keys.iter().find(|k| k.jwk.kid == kid).cloned()
    }

    /// A fetch succeeded. Keys that did not change keep their imported form.
    pub fn accept_jwks(&mut self, jwks: Jwks, now_ms: f64) {
        let mut previous = std::mem::take(&mut self.keys);
        self.keys = jwks
            .keys
            .into_iter()
            .map(|jwk| {
                let imported = previous
                    .iter_mut()
                    .find(|old| old.jwk == jwk)
                    .and_then(|old| old.imported.take());
                CachedKey { jwk, imported }
            })
            .collect();
        self.loaded_at_ms = Some(now_ms);
        self.last_attempt_ms = Some(now_ms);
        self.last_failure_ms = None;
    }

    /// A fetch failed (or its document was unusable). A key set still
    /// within its hour stays in use.
    pub fn record_failure(&mut self, now_ms: f64) {
        self.last_attempt_ms = Some(now_ms);
        self.last_failure_ms = Some(now_ms);
    }

    /// Keeps the verifier's form of a key, if the set still holds that key.
    pub fn remember_imported(&mut self, jwk: &RsaPublicJwk, imported: K) {
        if let Some(entry) = self.keys.iter_mut().find(|k| &k.jwk == jwk) {
            entry.imported = Some(imported);
        }
    }

    /// How many keys the current set has.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn jwk(kid: &str, n: u8) -> RsaPublicJwk {
        RsaPublicJwk {
            kid: kid.into(),
            n: vec![n; 256],
            e: vec![1, 0, 1],
        }
    }

    fn set(keys: &[RsaPublicJwk]) -> Jwks {
        Jwks {
            keys: keys.to_vec(),
        }
    }

    const T0: f64 = 1_700_000_000_000.0;

    #[test]
    fn empty_cache_needs_a_fetch() {
        let cache = KeyCache::<u32>::new();
        assert_eq!(cache.lookup("k1", T0), KeyLookup::NeedFetch);
        assert!(cache.is_empty());
    }

    #[test]
    fn found_for_an_hour() {
        let mut cache = KeyCache::<u32>::new();
        cache.accept_jwks(set(&[jwk("k1", 1)]), T0);
        let found = KeyLookup::Found(CachedKey {
            jwk: jwk("k1", 1),
            imported: None,
        });
        assert_eq!(cache.lookup("k1", T0), found);
        assert_eq!(cache.lookup("k1", T0 + JWKS_TTL_MS - 1.0), found);
        assert_eq!(cache.lookup("k1", T0 + JWKS_TTL_MS), KeyLookup::NeedFetch);
        // A clock that went backwards does not expire the set.
        assert_eq!(cache.lookup("k1", T0 - 5_000.0), found);
        assert_eq!(cache.lookup("k1", f64::NAN), KeyLookup::NeedFetch);
    }

    #[test]
    fn unknown_kid_penalty_box() {
        let mut cache = KeyCache::<u32>::new();
        cache.accept_jwks(set(&[jwk("k1", 1)]), T0);
        assert_eq!(cache.lookup("k9", T0 + 1.0), KeyLookup::Unknown);
        assert_eq!(
            cache.lookup("k9", T0 + UNKNOWN_KID_REFETCH_MS - 1.0),
            KeyLookup::Unknown
        );
        let later = T0 + UNKNOWN_KID_REFETCH_MS;
        assert_eq!(cache.lookup("k9", later), KeyLookup::NeedFetch);
        cache.accept_jwks(set(&[jwk("k1", 1)]), later);
        assert_eq!(cache.lookup("k9", later + 1.0), KeyLookup::Unknown);
        // A failed refetch also starts the penalty.
        let later = later + UNKNOWN_KID_REFETCH_MS;
        cache.record_failure(later);
        assert_eq!(cache.lookup("k9", later + 1.0), KeyLookup::Unknown);
        assert!(matches!(
            cache.lookup("k1", later + 1.0),
            KeyLookup::Found(_)
        ));
    }

    #[test]
    fn failure_back_off() {
        let mut cache = KeyCache::<u32>::new();
        cache.record_failure(T0);
        assert_eq!(
            cache.lookup("k1", T0 + 1.0),
            KeyLookup::Unavailable {
                retry_after_secs: 2
            }
        );
        assert_eq!(
            cache.lookup("k1", T0 + 1_500.0),
            KeyLookup::Unavailable {
                retry_after_secs: 1
            }
        );
        assert_eq!(
            cache.lookup("k1", T0 + FETCH_FAILURE_BACKOFF_MS),
            KeyLookup::NeedFetch
        );
        cache.accept_jwks(set(&[jwk("k1", 1)]), T0 + 3_000.0);
        assert!(matches!(
            cache.lookup("k1", T0 + 3_001.0),
            KeyLookup::Found(_)
        ));
    }

    #[test]
    fn imported_keys_survive_a_refetch_when_unchanged() {
        let mut cache = KeyCache::<u32>::new();
        cache.accept_jwks(set(&[jwk("k1", 1), jwk("k2", 2)]), T0);
        cache.remember_imported(&jwk("k1", 1), 11);
        cache.remember_imported(&jwk("k2", 2), 22);
        cache.remember_imported(&jwk("k3", 3), 33); // not in the set: ignored
        // k2 rotated to new material under the same kid.
        cache.accept_jwks(set(&[jwk("k1", 1), jwk("k2", 9), jwk("k3", 3)]), T0 + 1.0);
        assert_eq!(cache.find("k1").unwrap().imported, Some(11));
        assert_eq!(cache.find("k2").unwrap().imported, None);
        assert_eq!(cache.find("k3").unwrap().imported, None);
        assert_eq!(cache.len(), 3);
    }

    #[test]
    fn retry_after_is_whole_seconds() {
        assert_eq!(retry_after_secs(0.0), 1);
        assert_eq!(retry_after_secs(-5.0), 1);
        assert_eq!(retry_after_secs(f64::NAN), 1);
        assert_eq!(retry_after_secs(1_001.0), 2);
        assert_eq!(retry_after_secs(f64::INFINITY), 1);
    }
}
