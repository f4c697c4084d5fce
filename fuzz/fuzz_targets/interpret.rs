//! The DynamoDB answer: status, `x-amz-crc32`, `content-encoding` and body
//! through `store::dynamodb::response::interpret`, then the error texts a
//! client and the log would see.
//!
//! Input layout (short inputs are padded with zeros):
//!   [0..2]  HTTP status, big-endian
//!   [2]     flags: bits 0-1 the checksum header: 0 none, 1 the body's real
//!           CRC32 (decimal), 2 the real one + 1, 3 literal from the input;
//!           bits 2-3 `content-encoding`: 0 none, 1 "gzip", 2 "identity",
//!           3 literal from the input
//!   then, for each literal in that order, one length byte and its bytes
//!   (read as UTF-8, lossily: headers reach the Worker as text)
//!   the rest: the body
//!
//! Errors then go through what the store does to them (secrets out, length
//! bounded) and must never show the secret or the session token.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use workflow_status_worker::credentials::Credentials;
use workflow_status_worker::redact;
use workflow_status_worker::store::dynamodb::response::{Answer, interpret};
use workflow_status_worker::table::Table;

fn take<'a>(data: &mut &'a [u8], n: usize) -> &'a [u8] {
    let n = n.min(data.len());
    let (head, rest) = data.split_at(n);
    *data = rest;
    head
}

fn literal(data: &mut &[u8]) -> String {
    let len = take(data, 1).first().copied().unwrap_or(0);
    String::from_utf8_lossy(take(data, usize::from(len))).into_owned()
}

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SESSION_TOKEN: &str = "FwoGZXIvYXdzEXAMPLETOKEN";

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table::from_vars(&|_| None).expect("the default table"))
}

fn credentials() -> &'static Credentials {
    static CREDENTIALS: OnceLock<Credentials> = OnceLock::new();
    CREDENTIALS.get_or_init(|| {
        Credentials::new("AKIAIOSFODNN7EXAMPLE", SECRET, Some(SESSION_TOKEN))
            .expect("valid test credentials")
    })
}

fuzz_target!(|input: &[u8]| {
    let mut data = input;
    let head = take(&mut data, 3);
    let byte = |i: usize| head.get(i).copied().unwrap_or(0);
    let status = u16::from_be_bytes([byte(0), byte(1)]);
    let flags = byte(2);
    let crc_literal = (flags & 0b11 == 3).then(|| literal(&mut data));
    let encoding_literal = ((flags >> 2) & 0b11 == 3).then(|| literal(&mut data));
    let body = data;

    let crc = match flags & 0b11 {
        0 => None,
        1 => Some(crc32fast::hash(body).to_string()),
        2 => Some(crc32fast::hash(body).wrapping_add(1).to_string()),
        _ => crc_literal,
    };
    let content_encoding = match (flags >> 2) & 0b11 {
        0 => None,
        1 => Some("gzip".to_owned()),
        2 => Some("identity".to_owned()),
        _ => encoding_literal,
    };

    let answer = Answer {
        status,
        crc32: crc.as_deref(),
        content_encoding: content_encoding.as_deref(),
        body,
    };
    match interpret(answer, table()) {
        Ok(Some(item)) => {
            assert_eq!(status, 200, "an item from an HTTP {status} answer");
            for value in item.values() {
                let _ = value.type_name();
            }
        }
        Ok(None) => assert_eq!(status, 200, "no item from an HTTP {status} answer"),
        Err(error) => {
            let _ = error.is_retryable();
            let _ = error.is_credential_rejection();
            let _ = error.to_string();
            // What the store does to every error before it leaves an attempt.
            let error = error.map_texts(|text| {
                redact::bounded(
                    &redact::for_log(text, Some(credentials())),
                    redact::MAX_MESSAGE_CHARS,
                )
            });
            let client = error.client_message();
            let log = error.log_message();
            for text in [&client, &log] {
                assert!(!text.contains(SECRET), "secret in {text:?}");
                assert!(!text.contains(SESSION_TOKEN), "session token in {text:?}");
                // Bounded messages plus a fixed frame and hint.
                assert!(
                    text.chars().count() <= 4096,
                    "message of {} chars",
                    text.chars().count()
                );
            }
        }
    }
});
