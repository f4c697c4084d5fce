//! A DynamoDB that misbehaves: the fault front (tests/support/fault_front.py,
//! actions `item:NAME`, `huge:MODE`, `redirect`, `gzip`) answers GetItem
//! itself with hostile bodies, each with a correct `x-amz-crc32`. Through the
//! Worker (`E2E_FRONT_WORKER_URL`, wrangler dev, DynamoDB behind the front)
//! every one must be a clean, bounded answer: 200 where the item is valid,
//! or 500 `Failed to get workflow status: …` naming the problem — read once
//! (a 200 body whose checksum matched fails the same way every time; over
//! 2 MiB and redirects are final too), well within the deadline.
//!
//! Cases marked DEFECT assert what the contract or issue 8 defines where the
//! Worker currently does otherwise.
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use std::time::Duration;

use e2e_support::{Answer, env, front_count, front_plan, get, status_url, unique_id};

/// The front worker's deadline is 2.5 s; one attempt of a canned answer
/// takes milliseconds, a 10 MB body well under a second.
const BOUND: Duration = Duration::from_millis(2500);

/// Plans `action` (three times: a retry would meet it again) for a fresh
/// session, polls it once through the Worker, and checks the status, the
/// attempts the front counted and the time taken.
async fn poll(action: &str, status: u16) -> Answer {
    let (worker, front) = (env("E2E_FRONT_WORKER_URL"), env("FRONT_URL"));
    let session = unique_id(&format!("hostile-{}", action.replace(':', "-")));
    front_plan(&front, &session, &[action; 3]).await;
    let answer = get(&status_url(&worker, &session)).await;
    assert_eq!(
        answer.status,
        status,
        "{action}: {}",
        &answer.body[..answer.body.len().min(400)]
    );
    assert_eq!(
        front_count(&front, &session).await,
        1,
        "{action}: attempts seen by the front"
    );
    assert!(
        answer.elapsed < BOUND,
        "{action}: took {:?}",
        answer.elapsed
    );
    assert!(answer.header("x-correlation-id").is_some(), "{action}");
    if status == 200 {
        let document = answer.json();
        assert_eq!(document["sessionId"], session.as_str(), "{action}");
        assert_eq!(
            document["agents"].as_object().map(|a| a.len()),
            Some(4),
            "{action}"
        );
    } else {
        assert_eq!(answer.header("cache-control"), Some("no-store"), "{action}");
    }
    answer
}

/// A 500 whose detail starts with the contract's prefix and contains `needle`.
async fn fails_naming(action: &str, needle: &str) {
    let answer = poll(action, 500).await;
    let detail = answer.detail();
    assert!(
        detail.starts_with("Failed to get workflow status: "),
        "{action}: {detail}"
    );
    assert!(
        detail.contains(needle),
        "{action}: {detail:?} does not name {needle:?}"
    );
    assert!(
        detail.len() < 1024,
        "{action}: a {}-byte detail",
        detail.len()
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn items_near_the_400_kb_limit_are_served() {
    let answer = poll("item:big", 200).await;
    let activity = answer.json()["agents"]["pdfAdapter"]["activity"]
        .as_str()
        .unwrap()
        .len();
    assert_eq!(activity, 390_000);
    let answer = poll("item:big_escaped", 200).await;
    let activity = answer.json()["agents"]["pdfAdapter"]["activity"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(activity, "é".repeat(130_000));
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn deep_nesting_is_a_clean_500_or_ignored() {
    // DynamoDB's own limit is 32 levels: an ignored attribute that deep is fine.
    poll("item:deep_map_32", 200).await;
    // 120 levels cannot come from DynamoDB: refused once, named.
    for action in ["item:deep_map", "item:deep_list", "item:deep_agent"] {
        fails_naming(action, "recursion limit exceeded").await;
    }
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn wrong_types_name_the_attribute() {
    for (action, needle) in [
        (
            "item:wrong_types",
            "malformed status item: pdfAdapter is S, expected M",
        ),
        (
            "item:wrong_agent_fields",
            "malformed status item: pdfAdapter.status is N, expected S",
        ),
        (
            "item:wrong_tokens",
            "malformed status item: pdfAdapter.tokenUsage.totalTokens is S, expected N",
        ),
        (
            "item:wrong_overall",
            "malformed status item: overallStatus is N, expected S",
        ),
        (
            "item:wrong_last_updated",
            "malformed status item: lastUpdated is BOOL, expected S",
        ),
    ] {
        fails_naming(action, needle).await;
    }
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn numbers_at_and_past_dynamodbs_limits() {
    // At the limits: read exactly, never through f64.
    let answer = poll("item:num_max_exponent", 200).await;
    // (Read from the text: serde_json's Value would make it an f64.)
    let exact = format!(r#""duration":{}{},"#, "9".repeat(38), "0".repeat(88));
    assert!(answer.body.contains(&exact), "{}", &answer.body[..300]);
    let answer = poll("item:num_tiny", 200).await;
    assert_eq!(answer.json()["agents"]["pdfAdapter"]["duration"], 0);
    let answer = poll("item:num_38_digits", 200).await;
    assert_eq!(
        answer.json()["agents"]["pdfAdapter"]["activity"],
        "Done (Tokens: 11,111,111,111,111,111,111,111,111,111,111,111,111)"
    );
    // -0 is zero: no duration, no token suffix.
    let answer = poll("item:num_neg_zero", 200).await;
    assert_eq!(
        answer.json()["agents"]["pdfAdapter"]["duration"],
        serde_json::Value::Null
    );
    assert_eq!(answer.json()["agents"]["pdfAdapter"]["activity"], "Done");
    // Past them, or not numbers at all: named.
    for (action, needle) in [
        (
            "item:num_1e126",
            r#"pdfAdapter.duration is N "1E+126" (outside the range DynamoDB can store)"#,
        ),
        (
            "item:num_1e127",
            r#"pdfAdapter.duration is N "1E+127" (outside the range"#,
        ),
        (
            "item:num_39_digits",
            "pdfAdapter.tokenUsage.totalTokens is N \"111111111111111111111111111111111111111\" (more than 38 significant digits)",
        ),
        (
            "item:num_nan",
            r#"pdfAdapter.duration is N "NaN" (not a decimal number)"#,
        ),
        (
            "item:num_infinity",
            r#"pdfAdapter.tokenUsage.totalTokens is N "Infinity" (not a decimal number)"#,
        ),
        ("item:num_hex", r#"pdfAdapter.duration is N "0x10""#),
        ("item:num_empty", r#"pdfAdapter.duration is N """#),
        (
            "item:num_huge_exponent",
            "pdfAdapter.duration is N \"1E+99999999999999999999\"",
        ),
    ] {
        fails_naming(action, needle).await;
    }
}

/// DEFECT (minor): DynamoDB's smallest positive number is 1E-130, and the
/// Worker refuses 1E+126 as "outside the range DynamoDB can store", but it
/// accepts 1E-131 (`src/decimal.rs` checks the magnitude one place too low).
#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn defect_a_number_below_dynamodbs_range_is_refused() {
    fails_naming(
        "item:num_too_tiny",
        r#"pdfAdapter.duration is N "1E-131" (outside the range DynamoDB can store)"#,
    )
    .await;
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn bodies_of_the_wrong_shape_are_read_once() {
    for (action, needle) in [
        (
            "item:n_as_json_number",
            "not a GetItem result (invalid type: integer `12`, expected a string",
        ),
        (
            "item:unknown_tag",
            "not a GetItem result (unknown variant `ZZ`",
        ),
        (
            "item:item_not_a_map",
            "not a GetItem result (invalid type: sequence, expected a map",
        ),
        ("item:json_array", "not a GetItem result"),
        ("item:empty_body", "not a GetItem result (EOF while parsing"),
        (
            "item:trailing_garbage",
            "not a GetItem result (trailing characters",
        ),
        (
            "item:html",
            "unreadable DynamoDB response (HTTP 200): not a GetItem result (expected value",
        ),
        (
            "item:invalid_utf8",
            "not a GetItem result (invalid unicode code point",
        ),
    ] {
        fails_naming(action, needle).await;
    }
    // No item, said two ways: the pending default.
    for action in ["item:item_null", "item:empty_object"] {
        let answer = poll(action, 200).await;
        assert_eq!(answer.json()["overallStatus"], "pending", "{action}");
    }
    // Odd but valid JSON: NUL inside a string, a duplicated key.
    poll("item:nul_in_string", 200).await;
    poll("item:duplicate_keys", 200).await;
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn ten_megabyte_answers_are_refused_once() {
    for action in ["huge:length", "huge:chunked", "huge:close"] {
        fails_naming(action, "answer larger than 2097152 bytes").await;
    }
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn a_gzip_answer_is_read_once() {
    let answer = poll("gzip", 200).await;
    assert_eq!(answer.json()["overallStatus"], "pending");
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn a_redirect_is_a_final_500() {
    for action in ["redirect", "redirect:302", "redirect:308"] {
        fails_naming(action, "redirect").await;
    }
}

/// DEFECT (issue 8, item 7: "redirects from the endpoint are followed
/// (cross-origin they carry … the body)"; README: "redirects refused"):
/// inside the Worker, `fetch` still follows the redirect — the signed
/// GetItem (its body, its `x-amz-*` headers) reaches the other origin, and
/// only its answer is refused afterwards, reported as "HTTP 200". Fetch
/// needs `redirect: "manual"` for the request never to leave.
#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn defect_a_redirect_is_not_followed_to_another_origin() {
    let front = env("FRONT_URL");
    let before = front_count(&front, "(redirected)").await;
    let answer = poll("redirect", 500).await;
    let after = front_count(&front, "(redirected)").await;
    assert_eq!(
        after - before,
        0,
        "the request went on to the redirect's target; detail: {}",
        answer.detail()
    );
    assert!(answer.detail().contains("HTTP 307"), "{}", answer.detail());
}
