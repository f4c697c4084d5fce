//! Reading DynamoDB's answer: integrity check, item or no item, and errors
//! classified with the hints an operator needs.

use serde::Deserialize;

use crate::attribute::Item;
use crate::store::dynamodb::codes::service_error;
use crate::store::error::StoreError;
use crate::table::Table;

/// CRC-32 (ISO-HDLC, DynamoDB's `x-amz-crc32`), a byte at a time: a
/// 1 KB table instead of crc32fast's 16 KB, for bodies of at most 2 MiB.
const CRC32: crc::Crc<u32, crc::Table<1>> =
    crc::Crc::<u32, crc::Table<1>>::new(&crc::CRC_32_ISO_HDLC);

/// The checksum DynamoDB sends for these bytes.
pub fn checksum(body: &[u8]) -> u32 {
    CRC32.checksum(body)
}

/// The parts of one HTTP answer that are read.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    pub status: u16,
    /// The `x-amz-crc32` header, if sent.
    pub crc32: Option<&'a str>,
    /// The `content-encoding` header, if sent.
    pub content_encoding: Option<&'a str>,
    pub body: &'a [u8],
}

#[derive(Deserialize)]
struct GetItemOutput {
    #[serde(rename = "Item")]
    item: Option<Item>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "__type")]
    error_type: Option<String>,
    #[serde(alias = "Message")]
    message: Option<String>,
}

/// Interprets one HTTP answer.
///
/// DynamoDB computes `x-amz-crc32` over the bytes it sends, compressed or
/// not, while the Workers runtime hands over a compressed body already
/// decoded (the header still visible). The checksum can then say nothing
/// about the bytes in hand, so it is checked only on an unencoded answer.
pub fn interpret(answer: Answer<'_>, table: &Table) -> Result<Option<Item>, StoreError> {
    let Answer {
        status,
        crc32,
        content_encoding,
        body,
    } = answer;
    let encoding = content_encoding
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.eq_ignore_ascii_case("identity"));
    if let (Some(encoding), Some(expected)) = (encoding, crc32) {
        // The checksum of the bytes in hand matching means they are still
        // the compressed stream: nothing here can read it.
        if expected.trim().parse::<u32>().ok() == Some(checksum(body)) {
            return Err(StoreError::Body {
                status,
                problem: format!("answer compressed with {encoding:?} that was not decoded"),
                retryable: false,
            });
        }
    }
    let mut verified = false;
    if let Some(expected) = crc32.filter(|_| encoding.is_none()) {
        let actual = checksum(body);
        if expected.trim().parse::<u32>().ok() != Some(actual) {
            return Err(StoreError::Checksum {
                expected: expected.to_owned(),
                actual,
            });
        }
        verified = true;
    }
    if status == 200 {
        return serde_json::from_slice::<GetItemOutput>(body)
            .map(|output| output.item)
            .map_err(|e| StoreError::Body {
                status,
                problem: format!("not a GetItem result ({e})"),
                // Bytes the checksum vouches for, or a well-formed body of
                // the wrong shape, fail the same way every time; a body cut
                // short or mangled without a checksum may read fine next time.
                retryable: !verified && !e.is_data(),
            });
    }
    let (code, message) = error_code_and_message(body).ok_or_else(|| StoreError::Body {
        status,
        problem: format!(
            "error answer without a DynamoDB error body: {}",
            snippet(body)
        ),
        // A gateway's page: whatever was in front of DynamoDB may recover.
        retryable: true,
    })?;
    Err(service_error(status, code, message, table))
}

/// DynamoDB answers JSON (`__type` + `message`); some fronts (and moto, for
/// signature failures) answer AWS's XML error shape instead.
fn error_code_and_message(body: &[u8]) -> Option<(String, String)> {
    if let Ok(error) = serde_json::from_slice::<ErrorBody>(body) {
        let code = error.error_type?;
        // `com.amazonaws.dynamodb.v20120810#ResourceNotFoundException` → the part after `#`.
        let code = code.rsplit('#').next().unwrap_or(&code).to_owned();
        return Some((code, error.message.unwrap_or_default()));
    }
    let text = std::str::from_utf8(body).ok()?;
    let element = |name: &str| {
        let open = format!("<{name}>");
        let start = text.find(&open)? + open.len();
        let end = start + text[start..].find(&format!("</{name}>"))?;
        Some(text[start..end].trim().to_owned())
    };
    Some((element("Code")?, element("Message").unwrap_or_default()))
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut cut: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        cut.push('…');
    }
    format!("{cut:?}")
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::attribute::AttributeValue;

    fn table() -> Table {
        let pairs = [
            ("DYNAMODB_PROCESSING_STATUS_TABLE", "status-table"),
            ("AWS_REGION", "eu-west-1"),
        ];
        Table::from_vars(&crate::settings::from_pairs(&pairs)).unwrap()
    }

    fn raw(
        status: u16,
        crc32: Option<&str>,
        content_encoding: Option<&str>,
        body: &[u8],
    ) -> Result<Option<Item>, StoreError> {
        let answer = Answer {
            status,
            crc32,
            content_encoding,
            body,
        };
        interpret(answer, &table())
    }

    fn answer(status: u16, body: &str) -> Result<Option<Item>, StoreError> {
        let crc = crc32fast::hash(body.as_bytes()).to_string();
        raw(status, Some(&crc), None, body.as_bytes())
    }

    #[test]
    fn the_checksum_is_crc32_as_an_independent_implementation_computes_it() {
        for body in [&b""[..], b"{}", b"123456789", &[0xff; 5000]] {
            assert_eq!(checksum(body), crc32fast::hash(body));
        }
        assert_eq!(
            checksum(b"123456789"),
            0xCBF4_3926,
            "the standard check value"
        );
    }

    #[test]
    fn empty_object_means_no_item() {
        assert_eq!(answer(200, "{}"), Ok(None));
    }

    #[test]
    fn item_is_returned_in_the_wire_model() {
        let item = answer(200, r#"{"Item":{"sessionId":{"S":"s1"},"n":{"N":"1.50"}}}"#)
            .unwrap()
            .unwrap();
        assert_eq!(item["n"], AttributeValue::N("1.50".into()));
    }

    #[test]
    fn checksum_mismatch_is_a_retryable_error() {
        let body = br#"{"Item":{}}"#;
        let error = raw(200, Some("12345"), None, body).unwrap_err();
        assert!(matches!(error, StoreError::Checksum { .. }));
        assert!(error.is_retryable());
        // No header, no check (some compatible servers omit it).
        assert_eq!(raw(200, None, None, b"{}"), Ok(None));
        // `identity` is no encoding: the check still applies.
        let error = raw(200, Some("12345"), Some("identity"), body).unwrap_err();
        assert!(matches!(error, StoreError::Checksum { .. }));
    }

    #[test]
    fn a_body_the_runtime_decoded_is_not_held_to_the_compressed_checksum() {
        let body = r#"{"Item":{"sessionId":{"S":"s1"}}}"#;
        // What DynamoDB checksums when it compresses: the gzip bytes.
        let compressed_crc = crc32fast::hash(b"\x1f\x8b\x08\x00 stand-in gzip stream").to_string();
        let item = raw(200, Some(&compressed_crc), Some("gzip"), body.as_bytes())
            .unwrap()
            .unwrap();
        assert_eq!(item["sessionId"], AttributeValue::S("s1".into()));
        // Bytes still compressed (their own checksum matches): a clear error.
        let raw_bytes = b"\x1f\x8b\x08\x00 stand-in gzip stream";
        let crc = crc32fast::hash(raw_bytes).to_string();
        let error = raw(200, Some(&crc), Some("gzip"), raw_bytes).unwrap_err();
        assert!(error.to_string().contains("not decoded"), "{error}");
    }

    #[test]
    fn missing_table_names_table_and_region() {
        let error = answer(
            400,
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}"#,
        )
        .unwrap_err();
        assert!(!error.is_retryable());
        let message = error.client_message();
        assert!(
            message.starts_with("Requested resource not found"),
            "{message}"
        );
        assert!(
            message.contains("\"status-table\"") && message.contains("eu-west-1"),
            "{message}"
        );
    }

    #[test]
    fn key_schema_mismatch_points_at_the_key_setting() {
        let error = answer(
            400,
            r#"{"__type":"com.amazon.coral.validate#ValidationException","message":"The provided key element does not match the schema"}"#,
        )
        .unwrap_err();
        let message = error.client_message();
        assert!(
            message.starts_with("The provided key element does not match the schema"),
            "{message}"
        );
        assert!(message.contains("STATUS_KEY_ATTRIBUTE"), "{message}");
    }

    #[test]
    fn throttling_is_retryable_and_keeps_its_message() {
        let error = answer(
            400,
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","Message":"slow down"}"#,
        )
        .unwrap_err();
        assert!(error.is_retryable());
        assert_eq!(error.client_message(), "slow down");
    }

    #[test]
    fn xml_signature_errors_are_understood() {
        let body = "<?xml version=\"1.0\"?><ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>\
                    <Message>The request signature we calculated does not match the signature you provided.</Message>\
                    </Error></ErrorResponse>";
        let error = answer(403, body).unwrap_err();
        assert!(error.is_credential_rejection());
        assert!(!error.is_retryable());
        assert!(error.client_message().contains("AWS_SECRET_ACCESS_KEY"));
    }

    #[test]
    fn unreadable_bodies_are_retried_only_when_another_read_could_differ() {
        // No checksum: a cut or mangled body may read fine next time.
        for (status, body) in [
            (200, "<html>gateway</html>"),
            (200, r#"{"Item":{"a":"#),
            (502, "Bad Gateway"),
        ] {
            let error = raw(status, None, None, body.as_bytes()).unwrap_err();
            assert!(
                matches!(error, StoreError::Body { .. }),
                "{body}: {error:?}"
            );
            assert!(error.is_retryable(), "{body}");
        }
        // Bytes the checksum vouches for, or well-formed JSON of the wrong
        // shape, fail the same way every time.
        let deep = format!(
            r#"{{"Item":{{"a":{}1{}}}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        for body in [
            r#"{"Item":{"a":{"ZZ":"x"}}}"#,
            r#"{"Item":{"a":{"N":1}}}"#,
            deep.as_str(),
            "<html>gateway</html>",
        ] {
            let error = answer(200, body).unwrap_err();
            assert!(!error.is_retryable(), "{body}: {error:?}");
        }
        let unknown_tag = raw(200, None, None, br#"{"Item":{"a":{"ZZ":"x"}}}"#).unwrap_err();
        assert!(!unknown_tag.is_retryable(), "{unknown_tag:?}");
        let invalid_utf8 =
            raw(200, None, None, b"{\"Item\":{\"a\":{\"S\":\"\xff\"}}}").unwrap_err();
        assert!(matches!(invalid_utf8, StoreError::Body { .. }));
    }
}
