//! End to end: Cognito JWT authentication (contract section 8) in the real
//! runtime, against a local fake issuer (tests/support/fake_cognito.py)
//! serving a JWKS from keys it generated and minting tokens. Started by
//! `scripts/test.sh`.
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use serde_json::{Value, json};

use e2e_support::{Answer, admin, env, front_count, get, send, status_url, unique_id};

async fn mint(options: Value) -> String {
    let base = env("E2E_ISSUER_BASE");
    let body = admin(&format!("{base}/__issuer/mint"), Some(options.to_string())).await;
    body["token"].as_str().unwrap().to_owned()
}

async fn jwks_fetches(base: &str) -> u64 {
    admin(&format!("{base}/__issuer/jwks-count"), None).await["count"]
        .as_u64()
        .unwrap()
}

async fn poll(worker: &str, id: &str, token: Option<&str>) -> Answer {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("origin", "http://localhost:3000")];
    if let Some(bearer) = &bearer {
        headers.push(("authorization", bearer));
    }
    send("GET", &status_url(worker, id), &headers).await
}

fn assert_refused(answer: &Answer, status: u16, detail: &str, case: &str) {
    assert_eq!(answer.status, status, "{case}: {}", answer.body);
    assert_eq!(answer.detail(), detail, "{case}");
    assert_eq!(answer.header("cache-control"), Some("no-store"), "{case}");
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some("http://localhost:3000"),
        "{case}: the portal must be able to read it"
    );
    if status == 401 {
        assert_eq!(
            answer.header("www-authenticate"),
            Some("Bearer error=\"invalid_token\""),
            "{case}"
        );
    }
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn valid_id_and_access_tokens_and_anonymous_callers_are_served() {
    let worker = env("E2E_AUTH_URL");
    for options in [json!({}), json!({"token_use": "access"})] {
        let token = mint(options.clone()).await;
        let answer = poll(&worker, &unique_id("auth-ok"), Some(&token)).await;
        assert_eq!(answer.status, 200, "{options}: {}", answer.body);
        assert_eq!(answer.json()["overallStatus"], "pending");
    }
    // `optional`: no token is anonymous, and allowed.
    let anonymous = poll(&worker, &unique_id("auth-anon"), None).await;
    assert_eq!(anonymous.status, 200, "{}", anonymous.body);
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn bad_tokens_get_the_contracts_401s_and_cost_no_store_read() {
    let (worker, front) = (env("E2E_AUTH_URL"), env("FRONT_URL"));
    let issuer = env("E2E_ISSUER_BASE");
    let cases = [
        ("expired", json!({"exp_offset": -60}), "Token has expired"),
        (
            "wrong audience",
            json!({"claims": {"aud": "someone-else"}}),
            "Invalid authentication token",
        ),
        (
            "wrong client (access)",
            json!({"token_use": "access", "claims": {"client_id": "x"}}),
            "Invalid authentication token",
        ),
        (
            "wrong issuer",
            json!({"claims": {"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"}}),
            "Invalid authentication token",
        ),
        (
            "no exp",
            json!({"claims": {"exp": null}}),
            "Invalid authentication token",
        ),
        (
            "alg none",
            json!({"sign": "none"}),
            "Invalid authentication token",
        ),
        (
            "HS256 keyed with the public key",
            json!({"sign": "hs256_public_key"}),
            "Invalid authentication token",
        ),
        (
            "tampered payload",
            json!({"tamper": true}),
            "Invalid authentication token",
        ),
        (
            "unknown kid",
            json!({"key": "second"}),
            "Authentication failed",
        ),
    ];
    for (case, options, detail) in cases {
        let token = mint(options).await;
        let id = unique_id("auth-bad");
        let answer = poll(&worker, &id, Some(&token)).await;
        assert_refused(&answer, 401, detail, case);
        assert_eq!(front_count(&front, &id).await, 0, "{case}: no store read");
    }
    for malformed in [
        "abc",
        "a.b",
        "a.b.c.d",
        "e30.e30.e30",
        "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln",
    ] {
        let answer = poll(&worker, &unique_id("auth-malformed"), Some(malformed)).await;
        assert_refused(&answer, 401, "Invalid authentication token", malformed);
    }
    // Well formed, RS256, but no `kid`: the key rule, `Authentication failed`.
    let no_kid = "eyJhbGciOiJSUzI1NiJ9.e30.";
    let answer = poll(&worker, &unique_id("auth-no-kid"), Some(no_kid)).await;
    assert_refused(&answer, 401, "Authentication failed", no_kid);
    // A stream of unknown kids costs at most one key-set refetch per 10 s.
    let before = jwks_fetches(&issuer).await;
    for _ in 0..10 {
        let token = mint(json!({"header": {"kid": format!("garbage-{}", unique_id("k"))}})).await;
        let answer = poll(&worker, "session-x", Some(&token)).await;
        assert_eq!(answer.status, 401);
    }
    let refetches = jwks_fetches(&issuer).await - before;
    assert!(
        refetches <= 1,
        "{refetches} JWKS fetches for 10 unknown kids"
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn required_mode_rejects_anonymous_callers() {
    let worker = env("E2E_AUTH_REQUIRED_URL");
    let answer = poll(&worker, "session-completed", None).await;
    assert_eq!(answer.status, 401, "{}", answer.body);
    assert_eq!(answer.detail(), "Not authenticated");
    assert_eq!(answer.header("www-authenticate"), Some("Bearer"));
    let basic = send(
        "GET",
        &status_url(&worker, "session-completed"),
        &[("authorization", "Basic dXNlcjpwYXNz")],
    )
    .await;
    assert_eq!(basic.status, 401, "another scheme is no credentials");
    let token = mint(json!({})).await;
    let ok = poll(&worker, "session-completed", Some(&token)).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.json()["overallStatus"], "completed");
    // Health and preflights stay open.
    assert_eq!(get(&format!("{worker}/health")).await.status, 200);
    let preflight = send(
        "OPTIONS",
        &status_url(&worker, "session-completed"),
        &[
            ("origin", "http://localhost:3000"),
            ("access-control-request-method", "GET"),
            ("access-control-request-headers", "authorization"),
        ],
    )
    .await;
    assert_eq!(preflight.status, 200);
    assert_eq!(
        preflight.header("access-control-allow-headers"),
        Some("authorization")
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn a_key_set_that_cannot_be_fetched_is_503_with_retry_after() {
    let (worker, down) = (env("E2E_AUTH_DOWN_URL"), env("E2E_ISSUER_DOWN_BASE"));
    admin(&format!("{down}/__issuer/jwks-down"), Some("1".to_owned())).await;
    // Signed by the other issuer: the key set is never reached anyway.
    let token = mint(json!({})).await;
    let answer = poll(&worker, "session-completed", Some(&token)).await;
    assert_refused(&answer, 503, "Authentication unavailable", "JWKS down");
    let retry_after: u32 = answer.header("retry-after").unwrap().parse().unwrap();
    assert!(retry_after >= 1, "{retry_after}");
    // Anonymous callers are still served in `optional` mode.
    assert_eq!(poll(&worker, "session-completed", None).await.status, 200);
}
