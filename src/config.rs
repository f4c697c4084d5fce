//! Configuration from the Worker's vars and secrets (contract section 7).
//!
//! Parsing is a pure function of a name → value lookup, so every rule is
//! tested on the host. An invalid value is an error naming the setting; only
//! an unset (or empty) one takes the default.

use std::fmt;
use std::time::Duration;

use crate::cache_policy::CachePolicy;
use crate::cors::CorsPolicy;
use crate::retry::RetryPolicy;

pub const DEFAULT_TABLE: &str = "trade-matching-system-processing-status";
pub const DEFAULT_REGION: &str = "us-east-1";
pub const DEFAULT_KEY_ATTRIBUTE: &str = "sessionId";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    DynamoDb,
    Fixtures,
}

impl StoreKind {
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
    pub table: String,
    pub region: String,
    pub key_attribute: String,
    pub cors: CorsPolicy,
    /// Base URL of the DynamoDB API; the regional AWS endpoint unless overridden.
    pub endpoint: String,
    pub consistent_read: bool,
    pub retry: RetryPolicy,
    pub cache: CachePolicy,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid {name}: {problem}")]
    Invalid { name: &'static str, problem: String },
    #[error("{name} is not set (a Worker secret: `wrangler secret put {name}`)")]
    MissingSecret { name: &'static str },
}

/// AWS credentials. `Debug` never shows the secret or the session token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// Reads one setting; `None` when unset.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

fn get(lookup: Lookup<'_>, name: &str) -> Option<String> {
    lookup(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn invalid(name: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        name,
        problem: problem.into(),
    }
}

impl Config {
    pub fn from_lookup(lookup: Lookup<'_>) -> Result<Config, ConfigError> {
        let store = match get(lookup, "STATUS_STORE").as_deref() {
            None | Some("dynamodb") => StoreKind::DynamoDb,
            Some("fixtures") => StoreKind::Fixtures,
            Some(other) => {
                return Err(invalid(
                    "STATUS_STORE",
                    format!("{other:?} is neither \"dynamodb\" nor \"fixtures\""),
                ));
            }
        };
        let table = get(lookup, "DYNAMODB_PROCESSING_STATUS_TABLE")
            .unwrap_or_else(|| DEFAULT_TABLE.to_owned());
        validate_table(&table)?;
        let (region_name, region) = match get(lookup, "AWS_REGION") {
            Some(region) => ("AWS_REGION", region),
            None => (
                "AWS_DEFAULT_REGION",
                get(lookup, "AWS_DEFAULT_REGION").unwrap_or_else(|| DEFAULT_REGION.to_owned()),
            ),
        };
        validate_region(region_name, &region)?;
        let key_attribute =
            get(lookup, "STATUS_KEY_ATTRIBUTE").unwrap_or_else(|| DEFAULT_KEY_ATTRIBUTE.to_owned());
        if key_attribute.len() > 255 {
            return Err(invalid("STATUS_KEY_ATTRIBUTE", "longer than 255 bytes"));
        }
        let cors = match get(lookup, "CORS_ORIGINS") {
            None => CorsPolicy::default(),
            Some(text) => CorsPolicy::new(parse_origins(&text)?),
        };
        let endpoint = match get(lookup, "DYNAMODB_ENDPOINT") {
            None => format!("https://dynamodb.{region}.amazonaws.com"),
            Some(url) => validate_endpoint(&url)?,
        };
        let consistent_read = boolean(lookup, "DYNAMODB_CONSISTENT_READ", false)?;

        let defaults = RetryPolicy::default();
        let retry = RetryPolicy {
            max_attempts: integer(
                lookup,
                "DYNAMODB_MAX_ATTEMPTS",
                defaults.max_attempts,
                1..=10,
            )?,
            attempt_timeout: millis(
                lookup,
                "DYNAMODB_ATTEMPT_TIMEOUT_MS",
                defaults.attempt_timeout,
                1..=60_000,
            )?,
            deadline: millis(
                lookup,
                "DYNAMODB_DEADLINE_MS",
                defaults.deadline,
                1..=120_000,
            )?,
            base_delay: millis(
                lookup,
                "DYNAMODB_BACKOFF_BASE_MS",
                defaults.base_delay,
                0..=10_000,
            )?,
            max_delay: millis(
                lookup,
                "DYNAMODB_BACKOFF_MAX_MS",
                defaults.max_delay,
                0..=60_000,
            )?,
        };
        let defaults = CachePolicy::default();
        let cache = CachePolicy {
            running_ttl: seconds(
                lookup,
                "CACHE_RUNNING_TTL_SECONDS",
                defaults.running_ttl,
                0..=60,
            )?,
            finished_ttl: seconds(
                lookup,
                "CACHE_FINISHED_TTL_SECONDS",
                defaults.finished_ttl,
                0..=3600,
            )?,
            pending_ttl: seconds(
                lookup,
                "CACHE_PENDING_TTL_SECONDS",
                defaults.pending_ttl,
                0..=10,
            )?,
        };

        Ok(Config {
            store,
            table,
            region,
            key_attribute,
            cors,
            endpoint,
            consistent_read,
            retry,
            cache,
        })
    }
}

/// Credentials from the Worker's secrets, needed only by the DynamoDB store.
pub fn credentials(lookup: Lookup<'_>) -> Result<Credentials, ConfigError> {
    let required =
        |name: &'static str| get(lookup, name).ok_or(ConfigError::MissingSecret { name });
    Ok(Credentials {
        access_key_id: required("AWS_ACCESS_KEY_ID")?,
        secret_access_key: required("AWS_SECRET_ACCESS_KEY")?,
        session_token: get(lookup, "AWS_SESSION_TOKEN"),
    })
}

fn validate_table(table: &str) -> Result<(), ConfigError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if !(3..=255).contains(&table.len()) || !table.chars().all(allowed) {
        return Err(invalid(
            "DYNAMODB_PROCESSING_STATUS_TABLE",
            format!("{table:?} is not a DynamoDB table name (3-255 of a-z A-Z 0-9 _ - .)"),
        ));
    }
    Ok(())
}

fn validate_region(name: &'static str, region: &str) -> Result<(), ConfigError> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if region.len() > 32 || !region.contains('-') || !region.chars().all(allowed) {
        return Err(invalid(
            name,
            format!("{region:?} is not an AWS region name"),
        ));
    }
    Ok(())
}

fn validate_endpoint(url: &str) -> Result<String, ConfigError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            invalid(
                "DYNAMODB_ENDPOINT",
                format!("{url:?} is not an http(s) URL"),
            )
        })?;
    let host = rest.trim_end_matches('/');
    if host.is_empty() || host.contains(['/', '?', '#', '@', ' ']) {
        return Err(invalid(
            "DYNAMODB_ENDPOINT",
            format!("{url:?} must be scheme://host[:port] with no path, query or user"),
        ));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// A JSON list of strings, or a comma-separated list.
fn parse_origins(text: &str) -> Result<Vec<String>, ConfigError> {
    let origins: Vec<String> = if text.starts_with('[') {
        serde_json::from_str(text)
            .map_err(|e| invalid("CORS_ORIGINS", format!("not a JSON list of strings ({e})")))?
    } else {
        text.split(',')
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
            .collect()
    };
    for origin in &origins {
        let valid = origin == "*"
            || ((origin.starts_with("http://") || origin.starts_with("https://"))
                && !origin.ends_with('/')
                && origin.splitn(4, '/').nth(3).is_none());
        if !valid {
            return Err(invalid(
                "CORS_ORIGINS",
                format!(
                    "{origin:?} is not an origin (scheme://host[:port], no path or trailing slash)"
                ),
            ));
        }
    }
    Ok(origins)
}

fn boolean(lookup: Lookup<'_>, name: &'static str, default: bool) -> Result<bool, ConfigError> {
    match get(lookup, name).map(|v| v.to_ascii_lowercase()).as_deref() {
        None => Ok(default),
        Some("true" | "1" | "yes") => Ok(true),
        Some("false" | "0" | "no") => Ok(false),
        Some(other) => Err(invalid(name, format!("{other:?} is not true or false"))),
    }
}

fn integer(
    lookup: Lookup<'_>,
    name: &'static str,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, ConfigError> {
    let Some(text) = get(lookup, name) else {
        return Ok(default);
    };
    let value: u32 = text
        .parse()
        .map_err(|_| invalid(name, format!("{text:?} is not a whole number")))?;
    if !range.contains(&value) {
        return Err(invalid(
            name,
            format!("{value} is outside {}..={}", range.start(), range.end()),
        ));
    }
    Ok(value)
}

fn millis(
    lookup: Lookup<'_>,
    name: &'static str,
    default: Duration,
    range: std::ops::RangeInclusive<u32>,
) -> Result<Duration, ConfigError> {
    let default = u32::try_from(default.as_millis()).unwrap_or(u32::MAX);
    integer(lookup, name, default, range).map(|ms| Duration::from_millis(ms.into()))
}

fn seconds(
    lookup: Lookup<'_>,
    name: &'static str,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, ConfigError> {
    integer(lookup, name, default, range)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let lookup = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        Config::from_lookup(&lookup)
    }

    fn error(pairs: &[(&str, &str)]) -> String {
        parse(pairs).unwrap_err().to_string()
    }

    #[test]
    fn defaults_follow_the_contract() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.store, StoreKind::DynamoDb);
        assert_eq!(config.table, "trade-matching-system-processing-status");
        assert_eq!(config.region, "us-east-1");
        assert_eq!(config.key_attribute, "sessionId");
        assert_eq!(config.cors, CorsPolicy::default());
        assert_eq!(config.endpoint, "https://dynamodb.us-east-1.amazonaws.com");
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
        assert_eq!(config.table, "other-table");
        assert_eq!(config.region, "eu-west-2");
        assert_eq!(config.key_attribute, "processing_id");
        assert_eq!(config.cors.origins(), ["https://portal.example"]);
        assert_eq!(config.endpoint, "http://127.0.0.1:8000");
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
    fn region_falls_back_to_aws_default_region() {
        assert_eq!(
            parse(&[("AWS_DEFAULT_REGION", "ap-south-1")])
                .unwrap()
                .region,
            "ap-south-1"
        );
        let both = parse(&[
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "ap-south-1"),
        ]);
        assert_eq!(both.unwrap().region, "eu-west-1");
        assert_eq!(
            parse(&[("AWS_DEFAULT_REGION", "ap-south-1")])
                .unwrap()
                .endpoint,
            "https://dynamodb.ap-south-1.amazonaws.com"
        );
    }

    #[test]
    fn cors_origins_take_a_comma_separated_list() {
        let config =
            parse(&[("CORS_ORIGINS", "https://a.example, https://b.example:8443")]).unwrap();
        assert_eq!(
            config.cors.origins(),
            ["https://a.example", "https://b.example:8443"]
        );
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
        assert!(
            error(&[("DYNAMODB_PROCESSING_STATUS_TABLE", "a b")])
                .starts_with("invalid DYNAMODB_PROCESSING_STATUS_TABLE:")
        );
        assert!(error(&[("AWS_REGION", "US East")]).starts_with("invalid AWS_REGION:"));
        assert!(
            error(&[("AWS_DEFAULT_REGION", "nowhere")]).starts_with("invalid AWS_DEFAULT_REGION:")
        );
        assert!(
            error(&[("CORS_ORIGINS", "[1,2]")])
                .starts_with("invalid CORS_ORIGINS: not a JSON list")
        );
        assert!(
            error(&[("CORS_ORIGINS", "http://a.example/")]).starts_with("invalid CORS_ORIGINS:")
        );
        assert!(error(&[("CORS_ORIGINS", "localhost:3000")]).starts_with("invalid CORS_ORIGINS:"));
        assert!(
            error(&[("DYNAMODB_ENDPOINT", "localhost:8000")])
                .starts_with("invalid DYNAMODB_ENDPOINT:")
        );
        assert!(
            error(&[("DYNAMODB_ENDPOINT", "http://h/path")])
                .starts_with("invalid DYNAMODB_ENDPOINT:")
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
    }

    #[test]
    fn credentials_are_required_secrets() {
        let none = |_: &str| None;
        assert_eq!(
            credentials(&none).unwrap_err().to_string(),
            "AWS_ACCESS_KEY_ID is not set (a Worker secret: `wrangler secret put AWS_ACCESS_KEY_ID`)"
        );
        let key_only = |n: &str| (n == "AWS_ACCESS_KEY_ID").then(|| "AKIDEXAMPLE".to_owned());
        assert_eq!(
            credentials(&key_only).unwrap_err(),
            ConfigError::MissingSecret {
                name: "AWS_SECRET_ACCESS_KEY"
            }
        );
    }

    #[test]
    fn credentials_debug_hides_secrets() {
        let creds = Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG".into(),
            session_token: Some("FQoGZXIvYXdzEJr".into()),
        };
        let shown = format!("{creds:?}");
        assert!(!shown.contains("wJalrXUtnFEMI"));
        assert!(!shown.contains("FQoGZXIvYXdzEJr"));
    }
}
