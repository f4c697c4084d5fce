//! The GetItem request as data, then signed: no I/O here, and the signing
//! time is a parameter, so signatures are reproducible in tests.

use std::time::SystemTime;

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use serde::Serialize;

use crate::attribute::{AttributeValue, Item};
use crate::config::Credentials;
use crate::store::StoreError;

pub const CONTENT_TYPE: &str = "application/x-amz-json-1.0";
pub const TARGET: &str = "DynamoDB_20120810.GetItem";

/// One GetItem call, before signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetItem<'a> {
    pub endpoint: &'a str,
    pub region: &'a str,
    pub table: &'a str,
    pub key_attribute: &'a str,
    pub id: &'a str,
    pub consistent_read: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Body<'a> {
    table_name: &'a str,
    key: Item,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    consistent_read: bool,
}

/// A signed request, ready for any HTTP client.
#[derive(Debug, Clone)]
pub struct SignedRequest {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl GetItem<'_> {
    pub fn url(&self) -> String {
        format!("{}/", self.endpoint)
    }

    pub fn body(&self) -> Vec<u8> {
        let body = Body {
            table_name: self.table,
            key: Item::from([(self.key_attribute.to_owned(), AttributeValue::S(self.id.to_owned()))]),
            consistent_read: self.consistent_read,
        };
        // A struct of strings and a bool always serializes.
        serde_json::to_vec(&body).unwrap_or_default()
    }

    /// Signs with SigV4 for service `dynamodb` at `time`.
    pub fn sign(&self, credentials: &Credentials, time: SystemTime) -> Result<SignedRequest, StoreError> {
        let url = self.url();
        let body = self.body();
        let mut request = http::Request::builder()
            .method("POST")
            .uri(&url)
            .header("content-type", CONTENT_TYPE)
            .header("x-amz-target", TARGET)
            .body(())
            .map_err(|e| StoreError::Signing(format!("invalid request for {url}: {e}")))?;

        let identity = aws_credential_types::Credentials::new(
            credentials.access_key_id.clone(),
            credentials.secret_access_key.clone(),
            credentials.session_token.clone(),
            None,
            "worker-secrets",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(self.region)
            .name("dynamodb")
            .time(time)
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| StoreError::Signing(e.to_string()))?
            .into();
        let headers = request
            .headers()
            .iter()
            .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)));
        let signable = SignableRequest::new("POST", &url, headers, SignableBody::Bytes(&body))
            .map_err(|e| StoreError::Signing(e.to_string()))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| StoreError::Signing(e.to_string()))?
            .into_parts();
        instructions.apply_to_request_http1x(&mut request);

        let headers = request
            .headers()
            .iter()
            .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
            .collect();
        Ok(SignedRequest { url, headers, body })
    }
}
