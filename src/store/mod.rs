//! Where items come from. Every store answers the same question — the item
//! for this session id, no item, or why not — in the same wire model.

pub mod dynamodb;
pub mod error;
pub mod fixtures;

use crate::attribute::Item;
use crate::breaker::Transition;
use crate::clock::Clock;
use crate::config::{Config, StoreKind};
use crate::credentials::Credentials;
use crate::regions::Location;
use crate::session_id::SessionId;
use crate::settings::{ConfigError, Lookup};

pub use error::StoreError;

/// The result of one read, with how many attempts it took.
#[derive(Debug)]
pub struct Read {
    pub result: Result<Option<Item>, StoreError>,
    pub attempts: u32,
    /// A retry was wanted but the isolate's retry quota was empty.
    pub quota_exhausted: bool,
    /// Each attempt's region and outcome, in order (`eu-west-1: timeout`).
    pub tried: Vec<String>,
    /// Breaker changes this read caused, for the log.
    pub events: Vec<RegionEvent>,
}

impl Read {
    /// One attempt, no retry wanted.
    pub fn once(result: Result<Option<Item>, StoreError>) -> Self {
        Read {
            result,
            attempts: 1,
            quota_exhausted: false,
            tried: Vec::new(),
            events: Vec::new(),
        }
    }
}

/// A region's breaker changed state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionEvent {
    pub region: String,
    pub state: &'static str,
    pub cause: &'static str,
}

impl RegionEvent {
    pub fn new(region: &str, transition: Transition, cause: &'static str) -> Self {
        RegionEvent {
            region: region.to_owned(),
            state: transition.as_str(),
            cause,
        }
    }

    /// One JSON line for the log.
    pub fn to_line(&self, correlation_id: &str) -> String {
        serde_json::json!({
            "level": "warn",
            "event": "region_breaker",
            "region": self.region,
            "state": self.state,
            "cause": self.cause,
            "correlationId": correlation_id,
        })
        .to_string()
    }
}

/// A pluggable source of status items.
#[allow(async_fn_in_trait)] // Workers are single-threaded: no `Send` bound wanted.
pub trait StatusStore {
    /// `near` is where the request is served, for stores with replicas.
    async fn get(&self, id: &SessionId, near: Option<&Location>) -> Read;
}

/// The store a configuration selects.
pub enum AnyStore<C> {
    Fixtures(fixtures::FixtureStore),
    DynamoDb(Box<dynamodb::DynamoStore<C>>),
}

impl<C: Clock> AnyStore<C> {
    /// Opens the store the configuration selects; the DynamoDB store needs
    /// its secrets.
    pub fn open(
        config: &Config,
        lookup: Lookup<'_>,
        clock: C,
        jitter: fn() -> f64,
    ) -> Result<Self, ConfigError> {
        Ok(match config.store {
            StoreKind::Fixtures => {
                AnyStore::Fixtures(fixtures::FixtureStore::new(&config.table.key_attribute))
            }
            StoreKind::DynamoDb => AnyStore::DynamoDb(Box::new(dynamodb::DynamoStore::new(
                config.replicas.clone(),
                config.consistent_read,
                config.retry.clone(),
                Credentials::from_vars(lookup)?,
                clock,
                jitter,
            ))),
        })
    }
}

impl<C: Clock> StatusStore for AnyStore<C> {
    async fn get(&self, id: &SessionId, near: Option<&Location>) -> Read {
        match self {
            AnyStore::Fixtures(store) => store.get(id, near).await,
            AnyStore::DynamoDb(store) => store.get(id, near).await,
        }
    }
}
