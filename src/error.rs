//! The request boundary's error: what went wrong, the HTTP status it maps
//! to, what the client may read and what the log keeps.

use serde::Serialize;

use crate::reply::Reply;
use crate::route::RouteError;
use crate::settings::ConfigError;
use crate::store::StoreError;
use crate::transform::MalformedItem;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Route(#[from] RouteError),
    #[error("Method Not Allowed")]
    MethodNotAllowed { allow: &'static str },
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Malformed(#[from] MalformedItem),
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Route(RouteError::NotFound) => 404,
            ApiError::Route(RouteError::InvalidSessionId(_)) => 400,
            ApiError::MethodNotAllowed { .. } => 405,
            ApiError::Config(_) | ApiError::Store(_) | ApiError::Malformed(_) => 500,
        }
    }

    /// A stable name for logs and dashboards.
    pub fn kind(&self) -> &'static str {
        match self {
            ApiError::Route(RouteError::NotFound) => "not_found",
            ApiError::Route(RouteError::InvalidSessionId(_)) => "invalid_session_id",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::Config(_) => "config",
            ApiError::Store(_) => "store",
            ApiError::Malformed(_) => "malformed_item",
        }
    }

    /// The `detail` the client reads: redacted, never a secret, never a
    /// configured value.
    pub fn detail(&self) -> String {
        match self {
            ApiError::Route(e) => e.to_string(),
            ApiError::MethodNotAllowed { .. } => self.to_string(),
            ApiError::Config(e) => format!(
                "Failed to get workflow status: configuration error: {}",
                e.client_text()
            ),
            ApiError::Store(e) => format!("Failed to get workflow status: {}", e.client_message()),
            ApiError::Malformed(e) => format!("Failed to get workflow status: {e}"),
        }
    }

    /// The full text for the operator's log line, still without secrets.
    pub fn log_message(&self) -> String {
        match self {
            ApiError::Store(e) => e.log_message(),
            ApiError::Config(e) => format!("configuration error: {e}"),
            other => other.detail(),
        }
    }

    pub fn is_retryable(&self) -> bool {
        matches!(self, ApiError::Store(e) if e.is_retryable())
    }

    pub fn to_reply(&self) -> Reply {
        let reply = Reply::detail(self.status(), &self.detail());
        match self {
            ApiError::MethodNotAllowed { allow } => reply.with_header("allow", *allow),
            _ => reply,
        }
    }
}

/// One structured log line for a failed request.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorLog<'a> {
    pub level: &'static str,
    pub event: &'static str,
    pub kind: &'static str,
    pub status: u16,
    pub retryable: bool,
    pub session_id: Option<&'a str>,
    pub correlation_id: &'a str,
    pub attempts: Option<u32>,
    /// A retry was wanted but the isolate's retry quota was empty.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub retry_quota_exhausted: bool,
    pub message: String,
}

impl ErrorLog<'_> {
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// One structured line for an event outside a request's answer (a panic,
/// a cache write that failed).
pub fn event_line(level: &str, event: &str, message: &str) -> String {
    serde_json::json!({ "level": level, "event": event, "message": message }).to_string()
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn statuses_follow_the_contract() {
        assert_eq!(ApiError::from(RouteError::NotFound).status(), 404);
        assert_eq!(
            ApiError::from(RouteError::InvalidSessionId("x".into())).status(),
            400
        );
        assert_eq!(ApiError::MethodNotAllowed { allow: "GET" }.status(), 405);
        assert_eq!(ApiError::from(StoreError::Timeout(5)).status(), 500);
        assert_eq!(
            ApiError::from(ConfigError::MissingSecret {
                name: "AWS_ACCESS_KEY_ID"
            })
            .status(),
            500
        );
    }

    #[test]
    fn bodies_have_the_detail_shape() {
        let reply = ApiError::MethodNotAllowed {
            allow: "GET, HEAD, OPTIONS",
        }
        .to_reply();
        assert_eq!(reply.body, r#"{"detail":"Method Not Allowed"}"#);
        assert_eq!(reply.header("allow"), Some("GET, HEAD, OPTIONS"));
        assert_eq!(
            ApiError::from(RouteError::NotFound).to_reply().body,
            r#"{"detail":"Not Found"}"#
        );
        assert_eq!(
            ApiError::from(RouteError::InvalidSessionId(
                "contains control character U+0000".into()
            ))
            .to_reply()
            .body,
            r#"{"detail":"Invalid session id: contains control character U+0000"}"#
        );
    }

    #[test]
    fn store_failures_read_failed_to_get_workflow_status() {
        let table = crate::table::Table::from_vars(&|_| None).unwrap();
        let error = ApiError::from(crate::store::dynamodb::codes::service_error(
            400,
            "ValidationException".into(),
            "boom".into(),
            &table,
        ));
        assert_eq!(error.detail(), "Failed to get workflow status: boom");
        assert_eq!(
            error.log_message(),
            "DynamoDB HTTP 400 ValidationException: boom"
        );
    }

    #[test]
    fn configuration_errors_name_the_setting_to_clients_and_the_value_to_the_log() {
        let error = ApiError::from(crate::settings::invalid(
            "DYNAMODB_ENDPOINT",
            "\"localhost:8000\" is not an http(s) URL",
        ));
        assert_eq!(error.status(), 500);
        assert!(!error.detail().contains("localhost"), "{}", error.detail());
        assert!(error.detail().contains("DYNAMODB_ENDPOINT"));
        assert!(error.log_message().contains("localhost:8000"));
    }
}
