//! Every DynamoDB error code the Worker treats specially, classified in
//! one place: whether a retry may help, and which setting to check.

use crate::store::error::{ErrorClass, ServiceError, StoreError};
use crate::table::Table;

/// Codes that mean "slow down and try again".
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

/// Codes that mean the credentials or signature were refused.
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

/// A DynamoDB error answer as a classified `StoreError`.
pub fn service_error(status: u16, code: String, message: String, table: &Table) -> StoreError {
    let class = if THROTTLING.contains(&code.as_str()) || status == 429 {
        ErrorClass::Throttling
    } else if CREDENTIAL_REJECTIONS.contains(&code.as_str()) {
        ErrorClass::CredentialsRejected
    } else if status >= 500 {
        ErrorClass::ServerError
    } else {
        ErrorClass::Client
    };
    let hint = hint(&code, &message, table);
    StoreError::Service(ServiceError {
        status,
        code,
        message,
        class,
        hint,
    })
}

fn hint(code: &str, message: &str, table: &Table) -> Option<String> {
    match code {
        "ResourceNotFoundException" => Some(format!(
            "table \"{}\" not found in region {}; check DYNAMODB_PROCESSING_STATUS_TABLE and AWS_REGION",
            table.name, table.region
        )),
        "ValidationException" if message.contains("key element does not match the schema") => {
            Some(format!(
                "the table's partition key is not \"{}\"; check STATUS_KEY_ATTRIBUTE",
                table.key_attribute
            ))
        }
        "UnrecognizedClientException" | "InvalidClientTokenId" => {
            Some("DynamoDB rejected the access key; check the AWS_ACCESS_KEY_ID secret".to_owned())
        }
        "InvalidSignatureException" | "SignatureDoesNotMatch" | "IncompleteSignatureException" => {
            Some(
                "DynamoDB rejected the request signature; check the AWS_SECRET_ACCESS_KEY secret"
                    .to_owned(),
            )
        }
        "ExpiredTokenException" => {
            Some("the session token has expired; update the AWS_SESSION_TOKEN secret".to_owned())
        }
        "AccessDeniedException" => {
            Some("the credentials may not read this table; grant dynamodb:GetItem on it".to_owned())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn classify(status: u16, code: &str) -> StoreError {
        let table = Table::from_vars(&|_| None).unwrap();
        service_error(status, code.into(), "m".into(), &table)
    }

    #[test]
    fn throttling_and_server_errors_are_retryable() {
        for code in THROTTLING {
            assert!(classify(400, code).is_retryable(), "{code}");
        }
        assert!(classify(500, "InternalServerError").is_retryable());
        assert!(classify(503, "ServiceUnavailable").is_retryable());
        assert!(classify(429, "Anything").is_retryable());
    }

    #[test]
    fn client_errors_and_rejected_credentials_are_final() {
        for code in ["ValidationException", "ResourceNotFoundException"] {
            assert!(!classify(400, code).is_retryable(), "{code}");
        }
        for code in CREDENTIAL_REJECTIONS {
            let error = classify(403, code);
            assert!(!error.is_retryable(), "{code}");
            assert!(error.is_credential_rejection(), "{code}");
        }
        // Even behind a front that turns it into a 5xx.
        assert!(!classify(500, "AccessDeniedException").is_retryable());
    }
}
