//! The GetItem request as data, then signed: no I/O here, and the signing
//! time is a parameter, so signatures are reproducible in tests.

use std::time::SystemTime;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use serde::Serialize;

use crate::attribute::{AttributeValue, Item};
use crate::credentials::Credentials;
use crate::store::error::StoreError;
use crate::table::Table;

pub const CONTENT_TYPE: &str = "application/x-amz-json-1.0";
pub const TARGET: &str = "DynamoDB_20120810.GetItem";

/// One GetItem call, before signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetItem<'a> {
    pub table: &'a Table,
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
        format!("{}/", self.table.endpoint)
    }

    pub fn body(&self) -> Vec<u8> {
        let body = Body {
            table_name: &self.table.name,
            key: Item::from([(
                self.table.key_attribute.to_owned(),
                AttributeValue::S(self.id.to_owned()),
            )]),
            consistent_read: self.consistent_read,
        };
        // A struct of strings and a bool always serializes.
        serde_json::to_vec(&body).unwrap_or_default()
    }

    /// Signs with SigV4 for service `dynamodb` at `time`.
    pub fn sign(
        &self,
        credentials: &Credentials,
        time: SystemTime,
    ) -> Result<SignedRequest, StoreError> {
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
            credentials.access_key_id(),
            credentials.secret_access_key(),
            credentials.session_token().map(str::to_owned),
            None,
            "worker-secrets",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.table.region)
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

        // Never send a request with a header silently left out (an
        // unsigned request): a value that is not text is an error.
        let mut headers = request
            .headers()
            .iter()
            .map(|(name, value)| {
                let value = value.to_str().map_err(|_| {
                    StoreError::Signing(format!("the {name} header is not ASCII text"))
                })?;
                Ok((name.as_str().to_owned(), value.to_owned()))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        // Unsigned on purpose: the runtime may rewrite it. Asking for no
        // compression keeps `x-amz-crc32` about the bytes the Worker reads.
        headers.push(("accept-encoding".to_owned(), "identity".to_owned()));
        Ok(SignedRequest { url, headers, body })
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use std::time::Duration;

    use super::*;

    /// A table for the test's lifetime.
    fn table(pairs: &[(&str, &str)]) -> &'static Table {
        let table = Table::from_vars(&crate::settings::from_pairs(pairs)).unwrap();
        Box::leak(Box::new(table))
    }

    fn get_item() -> GetItem<'static> {
        GetItem {
            table: table(&[]),
            id: "session-123",
            consistent_read: false,
        }
    }

    fn credentials(session_token: Option<&str>) -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            session_token,
        )
        .unwrap()
    }

    /// 2025-12-24T10:00:00Z
    fn fixed_time() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_766_570_400)
    }

    fn header<'a>(signed: &'a SignedRequest, name: &str) -> Option<&'a str> {
        signed
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn body_is_the_getitem_json() {
        assert_eq!(
            String::from_utf8(get_item().body()).unwrap(),
            r#"{"TableName":"trade-matching-system-processing-status","Key":{"sessionId":{"S":"session-123"}}}"#
        );
        let consistent = GetItem {
            consistent_read: true,
            table: table(&[("STATUS_KEY_ATTRIBUTE", "processing_id")]),
            ..get_item()
        };
        assert_eq!(
            String::from_utf8(consistent.body()).unwrap(),
            r#"{"TableName":"trade-matching-system-processing-status","Key":{"processing_id":{"S":"session-123"}},"ConsistentRead":true}"#
        );
    }

    // Expected values were computed independently with botocore's SigV4Auth
    // for the same request, credentials and time.
    #[test]
    fn signature_matches_botocore_at_a_fixed_time() {
        let signed = get_item().sign(&credentials(None), fixed_time()).unwrap();
        assert_eq!(signed.url, "https://dynamodb.us-east-1.amazonaws.com/");
        assert_eq!(header(&signed, "x-amz-date"), Some("20251224T100000Z"));
        assert_eq!(header(&signed, "content-type"), Some(CONTENT_TYPE));
        assert_eq!(header(&signed, "x-amz-target"), Some(TARGET));
        assert_eq!(
            header(&signed, "authorization"),
            Some(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20251224/us-east-1/dynamodb/aws4_request, \
                 SignedHeaders=content-type;host;x-amz-date;x-amz-target, \
                 Signature=564cf616c4ede50b72c289b7ffb11caac3c841cdeb3fa1c4646e1c343969278a"
            )
        );
    }

    #[test]
    fn asks_for_an_uncompressed_answer_without_signing_that() {
        let signed = get_item().sign(&credentials(None), fixed_time()).unwrap();
        assert_eq!(header(&signed, "accept-encoding"), Some("identity"));
        assert!(
            !header(&signed, "authorization")
                .unwrap()
                .contains("accept-encoding")
        );
    }

    #[test]
    fn session_token_is_signed_and_sent() {
        let signed = get_item()
            .sign(&credentials(Some("FwoGZXIvYXdzEXAMPLETOKEN")), fixed_time())
            .unwrap();
        assert_eq!(
            header(&signed, "x-amz-security-token"),
            Some("FwoGZXIvYXdzEXAMPLETOKEN")
        );
        assert!(header(&signed, "authorization").unwrap().ends_with(
            "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, \
             Signature=f1df2fc37b1fad5aa0cc31bbd02336d8f796dcec9777adb04235d4fffaa832bf"
        ));
    }

    #[test]
    fn a_later_time_gives_another_signature() {
        let first = get_item().sign(&credentials(None), fixed_time()).unwrap();
        let later = get_item()
            .sign(&credentials(None), fixed_time() + Duration::from_secs(1))
            .unwrap();
        assert_ne!(
            header(&first, "authorization"),
            header(&later, "authorization")
        );
    }

    #[test]
    fn local_endpoints_keep_their_port() {
        let local = GetItem {
            table: table(&[("DYNAMODB_ENDPOINT", "http://127.0.0.1:8000")]),
            ..get_item()
        };
        assert_eq!(
            local.sign(&credentials(None), fixed_time()).unwrap().url,
            "http://127.0.0.1:8000/"
        );
    }
}
