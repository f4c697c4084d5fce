//! End to end: global reads across two DynamoDB regions (us-east-1 and
//! eu-west-1, each behind its own fault front) on bare workerd, with the
//! request's location set the way Cloudflare's edge sets it (`request.cf`,
//! here from workerd's cf-blob header). Started by `scripts/test.sh`.
//!
//! One test, in order: the breakers are per isolate, so concurrent
//! scenarios would see each other's open breakers.
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use std::time::{Duration, Instant};

use e2e_support::{
    Answer, env, front_count, front_default, front_plan, front_total, send, status_url, unique_id,
};

/// A request served in Frankfurt: eu-west-1 is nearer than us-east-1.
const FRANKFURT: &str = r#"{"latitude":"50.11","longitude":"8.68","continent":"EU","colo":"FRA"}"#;
/// A request served in Ashburn: us-east-1 is nearer.
const ASHBURN: &str = r#"{"latitude":"39.04","longitude":"-77.49","continent":"NA","colo":"IAD"}"#;

async fn poll(worker: &str, id: &str, cf: &str) -> (Answer, Duration) {
    let started = Instant::now();
    let answer = send("GET", &status_url(worker, id), &[("x-test-cf", cf)]).await;
    (answer, started.elapsed())
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn reads_go_to_the_nearest_replica_and_fail_over_within_the_deadline() {
    let worker = env("E2E_REGIONS_URL");
    let (us, eu) = (env("FRONT_URL"), env("FRONT_EU_URL"));

    // Nearest first: Frankfurt reads eu-west-1, Ashburn us-east-1.
    let id = unique_id("regions-near");
    let (answer, _) = poll(&worker, &id, FRANKFURT).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        (front_count(&eu, &id).await, front_count(&us, &id).await),
        (1, 0)
    );
    let timing = answer
        .header("server-timing")
        .unwrap_or_default()
        .to_owned();
    assert!(timing.contains("eu-west-1: answered"), "{timing}");
    let id = unique_id("regions-near");
    let (answer, _) = poll(&worker, &id, ASHBURN).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        (front_count(&eu, &id).await, front_count(&us, &id).await),
        (0, 1)
    );
    // A real item reads the same from either replica.
    let (frankfurt, _) = poll(&worker, "session-completed", FRANKFURT).await;
    let (ashburn, _) = poll(&worker, "session-completed", ASHBURN).await;
    assert_eq!(frankfurt.json()["overallStatus"], "completed");
    assert_eq!(
        frankfurt.json()["agents"],
        ashburn.json()["agents"],
        "both replicas serve the same document"
    );

    // A non-retryable answer in the near region is the answer: no failover.
    let id = unique_id("regions-final");
    front_plan(&eu, &id, &["item:unknown_tag"]).await;
    let (answer, _) = poll(&worker, &id, FRANKFURT).await;
    assert_eq!(answer.status, 500, "{}", answer.body);
    assert_eq!(
        (front_count(&eu, &id).await, front_count(&us, &id).await),
        (1, 0)
    );

    // The near region hangs: answered from the far one, within the deadline.
    let id = unique_id("regions-hang");
    front_plan(&eu, &id, &["hang:5"]).await;
    let (answer, elapsed) = poll(&worker, &id, FRANKFURT).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
    let timing = answer
        .header("server-timing")
        .unwrap_or_default()
        .to_owned();
    assert!(
        timing.contains("eu-west-1: timeout") && timing.contains("us-east-1: answered"),
        "{timing}"
    );
    let closed_failover = elapsed;

    // eu-west-1 goes down: after a few failures its breaker opens, and the
    // reads that follow go straight to us-east-1, costing no time there.
    front_default(&eu, "hang:5").await;
    let before = front_total(&eu).await;
    let mut answers = Vec::new();
    for _ in 0..12 {
        let (answer, elapsed) = poll(&worker, &unique_id("regions-down"), FRANKFURT).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
        answers.push(elapsed);
    }
    let probes = front_total(&eu).await - before;
    assert!(probes <= 3, "the dead region still got {probes} requests");
    let open_failover = answers[answers.len() - 1];
    assert!(
        open_failover < Duration::from_millis(400),
        "with the breaker open a read costs no time in the dead region: {open_failover:?}"
    );
    eprintln!(
        "regions: failover with the breaker closed {closed_failover:?}, open {open_failover:?}; \
         {probes} requests reached the dead region in 12 polls"
    );

    // Both regions fail: a 500 naming both.
    let id = unique_id("regions-both");
    front_plan(&us, &id, &["error503"; 5]).await;
    front_default(&eu, "error503").await;
    let (answer, _) = poll(&worker, &id, ASHBURN).await;
    assert_eq!(answer.status, 500, "{}", answer.body);
    let detail = answer.detail();
    assert!(
        detail.contains("us-east-1") && detail.contains("eu-west-1"),
        "{detail}"
    );

    // eu-west-1 recovers: after the cool-down one probe closes the breaker
    // and Frankfurt reads it again.
    front_default(&eu, "pass").await;
    tokio::time::sleep(Duration::from_millis(10_500)).await;
    let id = unique_id("regions-back");
    let (answer, _) = poll(&worker, &id, FRANKFURT).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let id = unique_id("regions-back");
    let (answer, _) = poll(&worker, &id, FRANKFURT).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        (front_count(&eu, &id).await, front_count(&us, &id).await),
        (1, 0),
        "the breaker closed again"
    );
}
