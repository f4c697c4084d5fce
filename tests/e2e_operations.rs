//! End to end on a Worker started with every optional binding (`wrangler
//! dev --env e2e`: rate limiting at 5 per minute, Analytics Engine, version
//! metadata). Started by `scripts/test.sh`.
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use e2e_support::{env, get, send, status_url};

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn a_client_over_the_limit_gets_429_and_others_do_not() {
    let worker = env("E2E_OPERATIONS_URL");
    let url = status_url(&worker, "session-completed");
    let client = [("cf-connecting-ip", "203.0.113.9")];
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(send("GET", &url, &client).await);
    }
    let ok = statuses.iter().filter(|a| a.status == 200).count();
    let limited: Vec<_> = statuses.iter().filter(|a| a.status == 429).collect();
    assert_eq!(ok + limited.len(), 8, "only 200s and 429s");
    assert!(
        (1..=5).contains(&ok),
        "{ok} answers got through a limit of 5"
    );
    assert!(!limited.is_empty(), "nobody was limited");
    for answer in &limited {
        assert_eq!(answer.body, r#"{"detail":"Too Many Requests"}"#);
        assert_eq!(answer.header("retry-after"), Some("60"));
        assert_eq!(answer.header("cache-control"), Some("no-store"));
        assert!(answer.header("x-correlation-id").is_some());
    }
    // The limit is per client: another address is served, and health is
    // never limited.
    let other = send("GET", &url, &[("cf-connecting-ip", "203.0.113.10")]).await;
    assert_eq!(other.status, 200, "{}", other.body);
    let health = send("GET", &format!("{worker}/health"), &client).await;
    assert_eq!(health.status, 200);
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn every_answer_names_the_deployed_version() {
    let worker = env("E2E_OPERATIONS_URL");
    let health = get(&format!("{worker}/health")).await;
    let version = health.header("x-worker-version").unwrap_or_default();
    assert_eq!(version.len(), 36, "a version id: {version:?}");
    let missing = get(&format!("{worker}/nope")).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("x-worker-version"), Some(version));
}
