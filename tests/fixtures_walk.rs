//! Walks `fixtures/`: every stored item must produce, byte for byte, the
//! document (or the 500 detail) in `fixtures/expected/` — natively and in wasm.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{get, serve_fixtures, status_path};
use workflow_status_worker::attribute::{AttributeValue, parse_item};
use workflow_status_worker::store::fixtures::{FIXTURE_EXPECTED, FIXTURE_ITEMS};

fn expected(name: &str) -> &'static str {
    FIXTURE_EXPECTED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, body)| body.trim_end())
        .unwrap_or_else(|| panic!("fixtures/expected/{name}.json is missing"))
}

#[test]
fn every_fixture_item_produces_its_expected_answer() {
    assert!(FIXTURE_ITEMS.len() >= 10, "fixtures were not embedded");
    for (name, json) in FIXTURE_ITEMS {
        let item = parse_item(json).unwrap_or_else(|e| panic!("{name}: {e}"));
        let Some(AttributeValue::S(id)) = item.get("sessionId") else {
            panic!("{name}: no sessionId");
        };
        let outcome = serve_fixtures(&get(&status_path(id)), &[]);
        let want = expected(name);
        let want_status = if want.starts_with(r#"{"detail":"#) {
            500
        } else {
            200
        };
        assert_eq!(
            outcome.reply.status, want_status,
            "{name}: {}",
            outcome.reply.body
        );
        assert_eq!(outcome.reply.body, want, "{name}");
        assert_eq!(
            outcome.reply.header("content-type"),
            Some("application/json"),
            "{name}"
        );
        // Failures, and only failures, leave a log line.
        assert_eq!(!outcome.log.is_empty(), want_status == 500, "{name}");
    }
}

#[test]
fn every_expected_answer_has_an_item() {
    for (name, _) in FIXTURE_EXPECTED {
        assert!(
            FIXTURE_ITEMS.iter().any(|(n, _)| n == name),
            "fixtures/expected/{name}.json has no item"
        );
    }
}
