//! End to end on the DynamoDB store: the Worker under wrangler dev signing
//! GetItem for moto (signatures checked), directly or through the fault
//! front. Started by `scripts/test.sh`.
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use std::time::{Duration, Instant};

use e2e_support::{
    TRANSIENT_FAULTS, env, fixtures, front_count, front_plan, get, status_url, unique_id,
    with_fixed_now,
};

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn both_stores_answer_every_fixture_identically() {
    let (fixture_store, dynamodb) = (env("E2E_FIXTURES_URL"), env("E2E_DYNAMODB_URL"));
    let mut latencies = Vec::new();
    for fixture in fixtures() {
        let from_fixtures = get(&status_url(&fixture_store, &fixture.id)).await;
        let from_dynamodb = get(&status_url(&dynamodb, &fixture.id)).await;
        latencies.push(from_dynamodb.elapsed);
        assert_eq!(
            from_dynamodb.status, fixture.status,
            "{}: {}",
            fixture.name, from_dynamodb.body
        );
        assert_eq!(
            from_dynamodb.status, from_fixtures.status,
            "{}",
            fixture.name
        );
        assert_eq!(
            with_fixed_now(&from_dynamodb.body),
            with_fixed_now(&from_fixtures.body),
            "{}",
            fixture.name
        );
        assert_eq!(
            with_fixed_now(&from_dynamodb.body),
            fixture.body,
            "{}",
            fixture.name
        );
        // This worker has caching off: every answer is a store read.
        assert_ne!(from_dynamodb.header("x-cache"), Some("HIT"));
    }
    latencies.sort();
    eprintln!(
        "cache-less reads through wrangler dev → moto: median {:?}, max {:?} over {}",
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1],
        latencies.len()
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn missing_item_is_the_pending_default() {
    let answer = get(&format!(
        "{}/api/workflow/nobody-here/status",
        env("E2E_DYNAMODB_URL")
    ))
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["overallStatus"], "pending");
    assert_eq!(
        answer.json()["agents"]["pdfAdapter"]["activity"],
        "Waiting for upload"
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn a_rejected_signature_is_a_clear_500() {
    let answer = get(&format!(
        "{}/api/workflow/session-completed/status",
        env("E2E_BAD_SECRET_URL")
    ))
    .await;
    assert_eq!(answer.status, 500);
    let detail = answer.detail();
    assert!(
        detail.starts_with("Failed to get workflow status: "),
        "{detail}"
    );
    assert!(detail.contains("AWS_SECRET_ACCESS_KEY"), "{detail}");
    assert!(!detail.contains("not-the-secret"), "{detail}");
    assert!(!detail.contains(&env("MOTO_ACCESS_KEY_ID")), "{detail}");
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    assert!(answer.header("x-correlation-id").is_some());
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn missing_credentials_name_the_secret() {
    let answer = get(&format!(
        "{}/api/workflow/session-completed/status",
        env("E2E_NO_CREDENTIALS_URL")
    ))
    .await;
    assert_eq!(answer.status, 500);
    assert_eq!(
        answer.detail(),
        "Failed to get workflow status: configuration error: AWS_ACCESS_KEY_ID is not set (a Worker secret: `wrangler secret put AWS_ACCESS_KEY_ID`)"
    );
}

/// Plans faults at the front for a fresh session, polls it through the
/// Worker, and checks the answer and the attempts the front saw.
async fn poll_with_faults(
    plan: &[&str],
    status: u16,
    attempts: u64,
) -> (e2e_support::Answer, Duration) {
    let (worker, front) = (env("E2E_FRONT_WORKER_URL"), env("FRONT_URL"));
    let session = unique_id(&format!("e2e-{}", plan.join("-").replace(':', "_")));
    front_plan(&front, &session, plan).await;
    let started = Instant::now();
    let answer = get(&status_url(&worker, &session)).await;
    let elapsed = started.elapsed();
    assert_eq!(answer.status, status, "{plan:?}: {}", answer.body);
    assert_eq!(
        front_count(&front, &session).await,
        attempts,
        "{plan:?}: attempts seen by the front"
    );
    (answer, elapsed)
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn transient_faults_are_retried_inside_the_worker() {
    for (plan, attempts) in TRANSIENT_FAULTS {
        let (answer, _) = poll_with_faults(plan, 200, u64::from(attempts)).await;
        assert_eq!(answer.json()["overallStatus"], "pending", "{plan:?}");
    }
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn a_gzip_answer_checksummed_over_its_compressed_bytes_is_read() {
    let (worker, front) = (env("E2E_FRONT_WORKER_URL"), env("FRONT_URL"));
    let session = unique_id("e2e-gzip");
    e2e_support::put_item(&format!(
        r#"{{"sessionId":{{"S":"{session}"}},"overallStatus":{{"S":"processing"}}}}"#
    ))
    .await;
    front_plan(&front, &session, &["gzip"; 3]).await;
    let answer = get(&status_url(&worker, &session)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["overallStatus"], "processing");
    assert_eq!(
        front_count(&front, &session).await,
        1,
        "read once, not retried"
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn persistent_throttling_is_a_500_after_three_attempts() {
    let (answer, elapsed) = poll_with_faults(&["throttle"; 5], 500, 3).await;
    assert!(
        answer.detail().contains("provisioned throughput"),
        "{}",
        answer.detail()
    );
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
    assert_eq!(answer.header("cache-control"), Some("no-store"));
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn a_hanging_store_is_a_500_within_the_deadline() {
    let (answer, elapsed) = poll_with_faults(&["hang:10"; 3], 500, 3).await;
    assert!(
        answer.detail().contains("did not answer within"),
        "{}",
        answer.detail()
    );
    assert!(elapsed < Duration::from_millis(3500), "{elapsed:?}");
}
