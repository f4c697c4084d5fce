//! The embedded fixture store: `fixtures/items/*.json`, compiled into the
//! Worker, so `wrangler dev` answers real documents with no AWS account.

use std::sync::OnceLock;

use crate::attribute::{AttributeValue, Item, parse_item};
use crate::session_id::SessionId;
use crate::store::{Read, StatusStore, StoreError};

include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));

/// Items parsed once per isolate; a fixture that does not parse is reported
/// on every read rather than crashing the Worker.
fn items() -> &'static Result<Vec<Item>, StoreError> {
    static ITEMS: OnceLock<Result<Vec<Item>, StoreError>> = OnceLock::new();
    ITEMS.get_or_init(|| {
        FIXTURE_ITEMS
            .iter()
            .map(|(name, json)| {
                parse_item(json)
                    .map_err(|e| StoreError::Fixture(format!("fixtures/items/{name}.json: {e}")))
            })
            .collect()
    })
}

/// Looks items up by the configured key attribute, as DynamoDB would.
#[derive(Debug, Clone)]
pub struct FixtureStore {
    key_attribute: String,
}

impl FixtureStore {
    pub fn new(key_attribute: &str) -> Self {
        FixtureStore {
            key_attribute: key_attribute.to_owned(),
        }
    }

    /// The session ids the store can serve, for the README and for tests.
    pub fn session_ids(&self) -> Vec<String> {
        let Ok(items) = items() else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| match item.get(&self.key_attribute) {
                Some(AttributeValue::S(id)) => Some(id.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn lookup(&self, id: &str) -> Result<Option<Item>, StoreError> {
        let items = items().as_ref().map_err(Clone::clone)?;
        Ok(items
            .iter()
            .find(|item| matches!(item.get(&self.key_attribute), Some(AttributeValue::S(key)) if key == id))
            .cloned())
    }
}

impl StatusStore for FixtureStore {
    async fn get(&self, id: &SessionId, _near: Option<&crate::regions::Location>) -> Read {
        Read::once(self.lookup(id.as_str()))
    }
}
