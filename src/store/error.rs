//! Why a store could not answer. Each failure is classified where it is
//! made — whether a retry may help, what the client is told, what the log
//! keeps — and later layers read those fields instead of re-matching.

use crate::redact;
use crate::retry::Retryable;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("could not sign the DynamoDB request: {0}")]
    Signing(String),
    /// DynamoDB (or something in front of it) answered with an error.
    #[error("{}", .0.message)]
    Service(ServiceError),
    /// No answer: refused, reset, lost. `cause` is the transport's own
    /// words, for the log only.
    #[error("could not reach DynamoDB at {host}")]
    Connect { host: String, cause: String },
    #[error("DynamoDB did not answer within {0} ms")]
    Timeout(u64),
    #[error("DynamoDB response failed its checksum (x-amz-crc32 {expected}, body {actual})")]
    Checksum { expected: String, actual: u32 },
    #[error("unreadable DynamoDB response (HTTP {status}): {problem}")]
    Body {
        status: u16,
        problem: String,
        /// False when the same bytes would fail the same way again.
        retryable: bool,
    },
    #[error("fixture store: {0}")]
    Fixture(String),
}

/// A DynamoDB error answer, classified once (see `dynamodb::codes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub class: ErrorClass,
    /// What to check, for the errors a misconfiguration causes.
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Slow down and try again.
    Throttling,
    /// A server-side failure: another attempt may succeed.
    ServerError,
    /// The request reached AWS but its credentials or signature were
    /// refused: retrying cannot help, the operator must act.
    CredentialsRejected,
    /// Anything else the request itself caused.
    Client,
}

impl StoreError {
    /// A short, stable name for logs and `Server-Timing`.
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::Signing(_) => "signing",
            StoreError::Service(e) => match e.class {
                ErrorClass::Throttling => "throttled",
                ErrorClass::ServerError => "server_error",
                ErrorClass::CredentialsRejected => "credentials_rejected",
                ErrorClass::Client => "client_error",
            },
            StoreError::Connect { .. } => "unreachable",
            StoreError::Timeout(_) => "timeout",
            StoreError::Checksum { .. } => "checksum",
            StoreError::Body { .. } => "bad_body",
            StoreError::Fixture(_) => "fixture",
        }
    }

    pub fn is_retryable(&self) -> bool {
        match self {
            StoreError::Service(e) => {
                matches!(e.class, ErrorClass::Throttling | ErrorClass::ServerError)
            }
            StoreError::Body { retryable, .. } => *retryable,
            StoreError::Connect { .. } | StoreError::Timeout(_) | StoreError::Checksum { .. } => {
                true
            }
            StoreError::Signing(_) | StoreError::Fixture(_) => false,
        }
    }

    pub fn is_credential_rejection(&self) -> bool {
        matches!(self, StoreError::Service(e) if e.class == ErrorClass::CredentialsRejected)
    }

    /// The text after "Failed to get workflow status: ".
    pub fn client_message(&self) -> String {
        let text = match self {
            StoreError::Service(e) => {
                let message = if e.message.is_empty() {
                    e.code.as_str()
                } else {
                    &e.message
                };
                match &e.hint {
                    Some(hint) => format!("{message} ({hint})"),
                    None => message.to_owned(),
                }
            }
            other => other.to_string(),
        };
        redact::for_client(&text)
    }

    /// The full text for the log line: code and status included.
    pub fn log_message(&self) -> String {
        match self {
            StoreError::Service(e) => format!(
                "DynamoDB HTTP {} {}: {}{}",
                e.status,
                e.code,
                e.message,
                e.hint
                    .as_deref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default()
            ),
            StoreError::Connect { host, cause } => {
                format!("could not reach DynamoDB at {host}: {cause}")
            }
            other => other.to_string(),
        }
    }

    /// Applies `f` to every text that came from outside (a message, a
    /// transport error), e.g. to take secrets out and bound its length.
    pub fn map_texts(self, f: impl Fn(&str) -> String) -> Self {
        match self {
            StoreError::Service(mut e) => {
                e.message = f(&e.message);
                e.code = f(&e.code);
                StoreError::Service(e)
            }
            StoreError::Connect { host, cause } => StoreError::Connect {
                host,
                cause: f(&cause),
            },
            StoreError::Signing(text) => StoreError::Signing(f(&text)),
            StoreError::Body {
                status,
                problem,
                retryable,
            } => StoreError::Body {
                status,
                problem: f(&problem),
                retryable,
            },
            StoreError::Checksum { expected, actual } => StoreError::Checksum {
                expected: f(&expected),
                actual,
            },
            other => other,
        }
    }
}

impl Retryable for StoreError {
    fn is_retryable(&self) -> bool {
        StoreError::is_retryable(self)
    }
    fn is_timeout(&self) -> bool {
        matches!(self, StoreError::Timeout(_))
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn service(class: ErrorClass, hint: Option<&str>) -> StoreError {
        StoreError::Service(ServiceError {
            status: 400,
            code: "ResourceNotFoundException".into(),
            message: "Requested resource not found".into(),
            class,
            hint: hint.map(str::to_owned),
        })
    }

    #[test]
    fn retryability_is_read_from_the_classification() {
        assert!(service(ErrorClass::Throttling, None).is_retryable());
        assert!(service(ErrorClass::ServerError, None).is_retryable());
        assert!(!service(ErrorClass::Client, None).is_retryable());
        assert!(!service(ErrorClass::CredentialsRejected, None).is_retryable());
        assert!(service(ErrorClass::CredentialsRejected, None).is_credential_rejection());
        let connect = StoreError::Connect {
            host: "h".into(),
            cause: "JsValue(Error: Network connection lost)".into(),
        };
        assert!(connect.is_retryable());
        assert_eq!(connect.client_message(), "could not reach DynamoDB at h");
        assert!(connect.log_message().contains("Network connection lost"));
        assert!(StoreError::Timeout(2000).is_retryable());
        let body = |retryable| StoreError::Body {
            status: 200,
            problem: "p".into(),
            retryable,
        };
        assert!(body(true).is_retryable());
        assert!(!body(false).is_retryable());
    }

    #[test]
    fn client_message_is_the_service_message_plus_hint() {
        let error = service(ErrorClass::Client, Some("table \"t\" in region us-east-1"));
        assert_eq!(
            error.client_message(),
            "Requested resource not found (table \"t\" in region us-east-1)"
        );
        assert_eq!(
            error.log_message(),
            "DynamoDB HTTP 400 ResourceNotFoundException: Requested resource not found (table \"t\" in region us-east-1)"
        );
    }
}
