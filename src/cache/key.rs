//! The cache key: a URL that depends only on the decoded id and on what
//! selects the data, never on the host, the query string or the id's
//! spelling in the request.

use sha2::{Digest, Sha256};

use crate::session_id::SessionId;
use crate::table::Table;

/// The keys of one configuration. The fingerprint is computed once per
/// isolate, when the configuration is parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKeys {
    prefix: String,
}

impl CacheKeys {
    /// `store` names the store kind; with the table's identity it decides
    /// which data an entry holds, so two configurations never share entries.
    pub fn new(store: &str, table: &Table) -> Self {
        let mut hash = Sha256::new();
        for part in std::iter::once(store).chain(table.identity()) {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part.as_bytes());
        }
        let fingerprint = hex::encode(hash.finalize().get(..8).unwrap_or_default());
        CacheKeys {
            prefix: format!("https://workflow-status.cache/v1/{fingerprint}/api/workflow/"),
        }
    }

    pub fn key(&self, id: &SessionId) -> String {
        format!("{}{}/status", self.prefix, id.canonical_segment())
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::settings::from_pairs;

    fn keys(store: &str, pairs: &[(&str, &str)]) -> CacheKeys {
        CacheKeys::new(store, &Table::from_vars(&from_pairs(pairs)).unwrap())
    }

    fn id(raw: &str) -> SessionId {
        SessionId::from_segment(raw).unwrap()
    }

    #[test]
    fn key_ignores_spelling_of_the_id() {
        let k = keys("dynamodb", &[]);
        assert_eq!(k.key(&id("a%20b")), k.key(&id("a b")));
        assert_eq!(k.key(&id("caf%C3%A9")), k.key(&id("caf%c3%a9")));
        assert_ne!(k.key(&id("a+b")), k.key(&id("a%20b")));
        assert!(k.key(&id("s-1")).ends_with("/api/workflow/s-1/status"));
        assert!(!k.key(&id("s-1")).contains('?'));
    }

    #[test]
    fn key_separates_configurations() {
        let base = keys("dynamodb", &[]).key(&id("s"));
        assert_ne!(keys("fixtures", &[]).key(&id("s")), base);
        for changed in [
            ("DYNAMODB_PROCESSING_STATUS_TABLE", "other"),
            ("AWS_REGION", "eu-west-1"),
            ("STATUS_KEY_ATTRIBUTE", "processing_id"),
            ("DYNAMODB_ENDPOINT", "http://127.0.0.1:9000"),
        ] {
            assert_ne!(
                keys("dynamodb", &[changed]).key(&id("s")),
                base,
                "{changed:?}"
            );
        }
    }
}
