//! Arbitrary DynamoDB JSON → item → status document → JSON text.
//!
//! Input: the item's JSON text (the shape of `fixtures/items/*.json`); bytes
//! that are not UTF-8 are skipped (`parse_item` takes text; `interpret`
//! covers raw bytes). `now` is derived from the input so that
//! `timestamp::from_unix_millis` sees every range, out-of-range included.
//! Properties beyond "never panics": the document serializes to JSON that
//! parses back, with the session id and the four agents in it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workflow_status_worker::attribute::parse_item;
use workflow_status_worker::timestamp::from_unix_millis;
use workflow_status_worker::transform::{document_from_item, pending_default};

const SESSION_ID: &str = "fuzz-session";

fuzz_target!(|data: &[u8]| {
    // FNV-1a over the input: a cheap, input-dependent clock.
    let millis = data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let millis = i64::from_le_bytes(millis.to_le_bytes());
    // Mostly plausible times, sometimes anything at all.
    let now = from_unix_millis(if millis % 4 == 0 {
        millis
    } else {
        millis.rem_euclid(8_000_000_000_000)
    });

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(item) = parse_item(text) else {
        return;
    };
    let document = match document_from_item(SESSION_ID, &item, now) {
        Ok(document) => document,
        Err(malformed) => {
            let _ = malformed.to_string();
            pending_default(SESSION_ID, now)
        }
    };
    let json = document.to_json();
    let value: serde_json::Value = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("document JSON does not parse ({e}): {json}"));
    assert_eq!(value["sessionId"], SESSION_ID, "{json}");
    for agent in [
        "pdfAdapter",
        "tradeExtraction",
        "tradeMatching",
        "exceptionManagement",
    ] {
        assert!(
            value["agents"][agent].is_object(),
            "{agent} missing: {json}"
        );
    }
});
