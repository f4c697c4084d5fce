//! Where items come from. Every store answers the same question — the item
//! for this session id, no item, or why not — in the same wire model.

pub mod dynamodb;
pub mod fixtures;

use crate::attribute::Item;
use crate::config::{ConfigError, Credentials};
use crate::redact;
use crate::retry::Retryable;
use crate::session_id::SessionId;

/// The store a configuration selects.
pub enum AnyStore<C> {
    Fixtures(fixtures::FixtureStore),
    DynamoDb(Box<dynamodb::DynamoStore<C>>),
}

impl<C: crate::retry::Clock> AnyStore<C> {
    /// Opens the store the configuration selects; the DynamoDB store needs
    /// its secrets. An invalid configuration is the store's error too, so
    /// every request reports it.
    pub fn open(
        config: &Result<crate::config::Config, ConfigError>,
        lookup: crate::config::Lookup<'_>,
        clock: C,
        jitter: fn() -> f64,
    ) -> Result<Self, StoreError> {
        let config = config
            .as_ref()
            .map_err(|error| StoreError::Config(error.clone()))?;
        Ok(match config.store {
            crate::config::StoreKind::Fixtures => {
                AnyStore::Fixtures(fixtures::FixtureStore::new(&config.key_attribute))
            }
            crate::config::StoreKind::DynamoDb => {
                let credentials = crate::config::credentials(lookup)?;
                let store = dynamodb::DynamoStore::new(config.clone(), credentials, clock, jitter);
                AnyStore::DynamoDb(Box::new(store))
            }
        })
    }

    /// The credentials in use, so messages can be scrubbed of them.
    pub fn credentials(&self) -> Option<&Credentials> {
        match self {
            AnyStore::Fixtures(_) => None,
            AnyStore::DynamoDb(store) => Some(store.credentials()),
        }
    }
}

impl<C: crate::retry::Clock> StatusStore for AnyStore<C> {
    async fn get(&self, id: &SessionId) -> Read {
        match self {
            AnyStore::Fixtures(store) => store.get(id).await,
            AnyStore::DynamoDb(store) => store.get(id).await,
        }
    }
}

/// The result of one read, with how many attempts it took.
#[derive(Debug)]
pub struct Read {
    pub result: Result<Option<Item>, StoreError>,
    pub attempts: u32,
}

/// A pluggable source of status items.
#[allow(async_fn_in_trait)] // Workers are single-threaded: no `Send` bound wanted.
pub trait StatusStore {
    async fn get(&self, id: &SessionId) -> Read;
}

/// Why a store could not answer. Classified once, here: whether a retry may
/// help, what the client is told, what the log keeps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("configuration error: {0}")]
    Config(#[from] ConfigError),
    #[error("could not sign the DynamoDB request: {0}")]
    Signing(String),
    /// DynamoDB (or something in front of it) answered with an error.
    #[error("{message}")]
    Service {
        status: u16,
        code: String,
        message: String,
        /// What to check, added for the errors a misconfiguration causes.
        hint: Option<String>,
    },
    #[error("could not reach DynamoDB: {0}")]
    Connect(String),
    #[error("DynamoDB did not answer within {0} ms")]
    Timeout(u64),
    #[error("DynamoDB response failed its checksum (x-amz-crc32 {expected}, body {actual})")]
    Checksum { expected: String, actual: u32 },
    #[error("unreadable DynamoDB response (HTTP {status}): {problem}")]
    Body { status: u16, problem: String },
    #[error("fixture store: {0}")]
    Fixture(String),
}

/// DynamoDB error codes that mean "slow down and try again".
const THROTTLING: [&str; 8] = [
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
];

/// Codes that mean the request reached AWS but its credentials or signature
/// were refused: retrying cannot help, the operator must act.
const CREDENTIAL_REJECTIONS: [&str; 9] = [
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "InvalidClientTokenId",
    "MissingAuthenticationToken",
    "MissingAuthenticationTokenException",
    "ExpiredTokenException",
    "IncompleteSignatureException",
    "AccessDeniedException",
];

impl StoreError {
    pub fn is_credential_rejection(&self) -> bool {
        matches!(self, StoreError::Service { code, .. } if CREDENTIAL_REJECTIONS.contains(&code.as_str()))
    }

    /// The text after "Failed to get workflow status: ".
    pub fn client_message(&self, credentials: Option<&Credentials>) -> String {
        let text = match self {
            StoreError::Service {
                message,
                hint,
                code,
                ..
            } => {
                let message = if message.is_empty() {
                    code.as_str()
                } else {
                    message
                };
                match hint {
                    Some(hint) => format!("{message} ({hint})"),
                    None => message.to_owned(),
                }
            }
            other => other.to_string(),
        };
        redact::for_client(&text, credentials)
    }

    /// The full text for the log line: code and status included, secrets not.
    pub fn log_message(&self, credentials: Option<&Credentials>) -> String {
        let text = match self {
            StoreError::Service {
                status,
                code,
                message,
                hint,
            } => format!(
                "DynamoDB HTTP {status} {code}: {message}{}",
                hint.as_deref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default()
            ),
            other => other.to_string(),
        };
        redact::for_log(&text, credentials)
    }
}

impl Retryable for StoreError {
    fn is_retryable(&self) -> bool {
        match self {
            StoreError::Service { status, code, .. } => {
                THROTTLING.contains(&code.as_str()) || *status >= 500 || *status == 429
            }
            StoreError::Connect(_) | StoreError::Timeout(_) | StoreError::Checksum { .. } => true,
            // A body cut short or mangled in transit may read fine next time.
            StoreError::Body { .. } => true,
            StoreError::Config(_) | StoreError::Signing(_) | StoreError::Fixture(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn service(status: u16, code: &str) -> StoreError {
        StoreError::Service {
            status,
            code: code.into(),
            message: "m".into(),
            hint: None,
        }
    }

    #[test]
    fn throttling_and_server_errors_are_retryable() {
        for code in THROTTLING {
            assert!(service(400, code).is_retryable(), "{code}");
        }
        assert!(service(500, "InternalServerError").is_retryable());
        assert!(service(503, "ServiceUnavailable").is_retryable());
        assert!(StoreError::Connect("reset".into()).is_retryable());
        assert!(StoreError::Timeout(2000).is_retryable());
        assert!(
            StoreError::Checksum {
                expected: "1".into(),
                actual: 2
            }
            .is_retryable()
        );
    }

    #[test]
    fn client_errors_are_final() {
        for code in ["ValidationException", "ResourceNotFoundException"]
            .iter()
            .chain(&CREDENTIAL_REJECTIONS)
        {
            assert!(!service(400, code).is_retryable(), "{code}");
        }
        assert!(
            !StoreError::Config(ConfigError::MissingSecret {
                name: "AWS_ACCESS_KEY_ID"
            })
            .is_retryable()
        );
    }

    #[test]
    fn client_message_is_the_service_message_plus_hint() {
        let error = StoreError::Service {
            status: 400,
            code: "ResourceNotFoundException".into(),
            message: "Requested resource not found".into(),
            hint: Some("table \"t\" in region us-east-1".into()),
        };
        assert_eq!(
            error.client_message(None),
            "Requested resource not found (table \"t\" in region us-east-1)"
        );
        assert_eq!(
            error.log_message(None),
            "DynamoDB HTTP 400 ResourceNotFoundException: Requested resource not found (table \"t\" in region us-east-1)"
        );
    }
}
