//! The configuration (contract section 7), assembled from each policy's
//! own settings. Parsing is a pure function of a name → value lookup, so
//! every rule is tested on the host.

use crate::cache::key::CacheKeys;
use crate::cache::policy::CachePolicy;
use crate::cors::CorsPolicy;
use crate::retry::RetryPolicy;
use crate::settings::{ConfigError, Lookup, boolean, get, invalid};
use crate::table::Table;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    DynamoDb,
    Fixtures,
}

impl StoreKind {
    /// `STATUS_STORE`: `dynamodb` (the default) or `fixtures`.
    pub fn from_vars(lookup: Lookup<'_>) -> Result<Self, ConfigError> {
        match get(lookup, "STATUS_STORE").as_deref() {
            None | Some("dynamodb") => Ok(StoreKind::DynamoDb),
            Some("fixtures") => Ok(StoreKind::Fixtures),
            Some(other) => Err(invalid(
                "STATUS_STORE",
                format!("{other:?} is neither \"dynamodb\" nor \"fixtures\""),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::DynamoDb => "dynamodb",
            StoreKind::Fixtures => "fixtures",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub store: StoreKind,
    /// The table `AWS_REGION` names. Its identity keys the cache, whichever
    /// replica answers: the data is the same in every one.
    pub table: Table,
    /// Every replica to read, in the configured order (one, unless `DYNAMODB_REGIONS`).
    pub replicas: Vec<Table>,
    pub consistent_read: bool,
    pub cors: CorsPolicy,
    pub retry: RetryPolicy,
    pub cache: CachePolicy,
    /// Derived from `store` and `table`, once.
    pub cache_keys: CacheKeys,
}

impl Config {
    pub fn from_lookup(lookup: Lookup<'_>) -> Result<Config, ConfigError> {
        let store = StoreKind::from_vars(lookup)?;
        let table = Table::from_vars(lookup)?;
        let replicas = table.replicas_from_vars(lookup)?;
        let cache_keys = CacheKeys::new(store.as_str(), &table);
        Ok(Config {
            store,
            cors: CorsPolicy::from_vars(lookup)?,
            consistent_read: boolean(lookup, "DYNAMODB_CONSISTENT_READ", false)?,
            retry: RetryPolicy::from_vars(lookup)?,
            cache: CachePolicy::from_vars(lookup)?,
            table,
            replicas,
            cache_keys,
        })
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use std::time::Duration;

    use super::*;
    use crate::settings::from_pairs;

    fn parse(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(&from_pairs(pairs))
    }

    fn error(pairs: &[(&str, &str)]) -> String {
        parse(pairs).unwrap_err().to_string()
    }

    #[test]
    fn defaults_follow_the_contract() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.store, StoreKind::DynamoDb);
        assert_eq!(config.table, Table::from_vars(&|_| None).unwrap());
        assert_eq!(config.cors, CorsPolicy::default());
        assert!(!config.consistent_read);
        assert_eq!(config.retry, RetryPolicy::default());
        assert_eq!(config.cache, CachePolicy::default());
    }

    #[test]
    fn reads_every_named_setting() {
        let config = parse(&[
            ("STATUS_STORE", "fixtures"),
            ("DYNAMODB_PROCESSING_STATUS_TABLE", "other-table"),
            ("AWS_REGION", "eu-west-2"),
            ("STATUS_KEY_ATTRIBUTE", "processing_id"),
            ("CORS_ORIGINS", r#"["https://portal.example"]"#),
            ("DYNAMODB_ENDPOINT", "http://127.0.0.1:8000/"),
            ("DYNAMODB_CONSISTENT_READ", "true"),
            ("DYNAMODB_MAX_ATTEMPTS", "5"),
            ("DYNAMODB_ATTEMPT_TIMEOUT_MS", "700"),
            ("DYNAMODB_DEADLINE_MS", "2500"),
            ("DYNAMODB_BACKOFF_BASE_MS", "10"),
            ("DYNAMODB_BACKOFF_MAX_MS", "200"),
            ("CACHE_RUNNING_TTL_SECONDS", "3"),
            ("CACHE_FINISHED_TTL_SECONDS", "60"),
            ("CACHE_PENDING_TTL_SECONDS", "0"),
        ])
        .unwrap();
        assert_eq!(config.store, StoreKind::Fixtures);
        assert_eq!(config.table.name, "other-table");
        assert_eq!(config.table.region, "eu-west-2");
        assert_eq!(config.table.key_attribute, "processing_id");
        assert_eq!(config.cors.origins(), ["https://portal.example"]);
        assert_eq!(config.table.endpoint, "http://127.0.0.1:8000");
        assert!(config.consistent_read);
        assert_eq!(config.retry.max_attempts, 5);
        assert_eq!(config.retry.attempt_timeout, Duration::from_millis(700));
        assert_eq!(config.retry.deadline, Duration::from_millis(2500));
        assert_eq!(config.retry.base_delay, Duration::from_millis(10));
        assert_eq!(config.retry.max_delay, Duration::from_millis(200));
        assert_eq!(config.cache.running_ttl, 3);
        assert_eq!(config.cache.finished_ttl, 60);
        assert_eq!(config.cache.pending_ttl, 0);
    }

    #[test]
    fn empty_values_mean_unset() {
        assert_eq!(
            parse(&[("STATUS_STORE", ""), ("AWS_REGION", "  ")]).unwrap(),
            parse(&[]).unwrap()
        );
    }

    #[test]
    fn invalid_values_name_the_setting() {
        assert_eq!(
            error(&[("STATUS_STORE", "redis")]),
            r#"invalid STATUS_STORE: "redis" is neither "dynamodb" nor "fixtures""#
        );
        assert_eq!(
            error(&[("DYNAMODB_CONSISTENT_READ", "maybe")]),
            r#"invalid DYNAMODB_CONSISTENT_READ: "maybe" is not true or false"#
        );
        assert_eq!(
            error(&[("DYNAMODB_MAX_ATTEMPTS", "0")]),
            "invalid DYNAMODB_MAX_ATTEMPTS: 0 is outside 1..=10"
        );
        assert_eq!(
            error(&[("CACHE_RUNNING_TTL_SECONDS", "2s")]),
            r#"invalid CACHE_RUNNING_TTL_SECONDS: "2s" is not a whole number"#
        );
        assert!(
            error(&[("CACHE_PENDING_TTL_SECONDS", "11")])
                .starts_with("invalid CACHE_PENDING_TTL_SECONDS")
        );
        assert!(error(&[("AWS_REGION", "US East")]).starts_with("invalid AWS_REGION:"));
        assert!(error(&[("CORS_ORIGINS", "[1,2]")]).starts_with("invalid CORS_ORIGINS:"));
    }
}
