//! The edge cache end to end: the Worker under wrangler dev (fresh cache
//! state) on the DynamoDB store, reading moto through the fault front, which
//! counts the reads that reach the store. Periods for this worker: running
//! 2 s, finished 4 s, pending 1 s. Started by `scripts/test.sh`.
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use std::time::{Duration, Instant};

use e2e_support::{env, front_count, front_plan, get, put_item, send, status_url, unique_id};

fn worker() -> String {
    env("E2E_FRONT_WORKER_URL")
}

fn front() -> String {
    env("FRONT_URL")
}

/// The cache write happens after the answer (`wait_until`); give it a moment
/// before polls that must hit.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(200)).await;
}

async fn write_session(id: &str, overall_status: &str) {
    put_item(&format!(
        r#"{{"sessionId":{{"S":"{id}"}},"overallStatus":{{"S":"{overall_status}"}},"pdfAdapter":{{"M":{{"status":{{"S":"success"}}}}}}}}"#
    ))
    .await;
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn fifty_polls_within_the_period_cost_one_read_then_it_expires() {
    let id = unique_id("cache-running");
    write_session(&id, "processing").await;
    let url = status_url(&worker(), &id);
    let started = Instant::now();
    let first = get(&url).await;
    assert_eq!(first.header("x-cache"), Some("MISS"));
    assert_eq!(first.header("cache-control"), Some("max-age=2"));
    assert!(
        first
            .header("server-timing")
            .is_some_and(|t| t.starts_with("store;dur="))
    );
    settle().await;
    for _ in 0..49 {
        let answer = get(&url).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, first.body);
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "polls took {:?}",
        started.elapsed()
    );
    assert_eq!(
        front_count(&front(), &id).await,
        1,
        "50 polls, one store read"
    );

    let hit = get(&url).await;
    assert_eq!(hit.header("x-cache"), Some("HIT"));
    assert!(hit.header("age").is_some());
    assert!(
        hit.header("cache-status")
            .is_some_and(|s| s.contains("hit"))
    );

    tokio::time::sleep(Duration::from_millis(2100).saturating_sub(started.elapsed())).await;
    let after = get(&url).await;
    assert_eq!(after.header("x-cache"), Some("MISS"));
    assert_eq!(
        front_count(&front(), &id).await,
        2,
        "a new read once the period is over"
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn finished_sessions_are_kept_longer() {
    let id = unique_id("cache-completed");
    write_session(&id, "completed").await;
    let first = get(&status_url(&worker(), &id)).await;
    assert_eq!(first.header("cache-control"), Some("max-age=4"));
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn an_error_is_never_cached() {
    let id = unique_id("cache-error");
    let url = status_url(&worker(), &id);
    front_plan(&front(), &id, &["throttle", "throttle", "throttle"]).await;
    let failed = get(&url).await;
    assert_eq!(failed.status, 500);
    assert_eq!(front_count(&front(), &id).await, 3);
    settle().await;
    let next = get(&url).await;
    assert_eq!(next.status, 200, "{}", next.body);
    assert_eq!(next.header("x-cache"), Some("MISS"));
    assert_eq!(
        front_count(&front(), &id).await,
        4,
        "the poll after an error reads again"
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn a_new_session_shows_up_within_its_pending_period() {
    let id = unique_id("cache-appears");
    let url = status_url(&worker(), &id);
    let pending = get(&url).await;
    assert_eq!(pending.json()["overallStatus"], "pending");
    assert_eq!(pending.header("cache-control"), Some("max-age=1"));
    settle().await;
    write_session(&id, "processing").await;
    let written = Instant::now();
    loop {
        let answer = get(&url).await;
        if answer.json()["overallStatus"] == "processing" {
            break;
        }
        assert!(
            written.elapsed() < Duration::from_millis(1500),
            "still pending after {:?}",
            written.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn a_burst_of_concurrent_misses_costs_one_read() {
    let id = unique_id("cache-burst");
    write_session(&id, "processing").await;
    // A slow store: every poll of the burst arrives while the first read is out.
    front_plan(&front(), &id, &["delay:0.5"]).await;
    let url = status_url(&worker(), &id);
    let polls: Vec<_> = (0..20)
        .map(|_| {
            tokio::spawn({
                let url = url.clone();
                async move { get(&url).await }
            })
        })
        .collect();
    for poll in polls {
        let answer = poll.await.unwrap();
        assert_eq!(answer.status, 200);
        assert_eq!(answer.json()["overallStatus"], "processing");
    }
    assert_eq!(
        front_count(&front(), &id).await,
        1,
        "20 concurrent misses, one store read"
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn query_strings_share_one_entry() {
    let id = unique_id("cache-query");
    write_session(&id, "processing").await;
    let url = status_url(&worker(), &id);
    get(&format!("{url}?a=1")).await;
    settle().await;
    for query in ["?b=2", "?a=1&cachebust=123", ""] {
        let answer = get(&format!("{url}{query}")).await;
        assert_eq!(answer.header("x-cache"), Some("HIT"), "{query}");
    }
    assert_eq!(front_count(&front(), &id).await, 1);
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn etag_and_if_none_match_give_304() {
    let id = unique_id("cache-etag");
    write_session(&id, "completed").await;
    let url = status_url(&worker(), &id);
    let first = get(&url).await;
    let etag = first.header("etag").expect("an ETag").to_owned();
    settle().await;
    let conditional = send("GET", &url, &[("if-none-match", &etag)]).await;
    assert_eq!(conditional.status, 304);
    assert_eq!(conditional.body, "");
    assert_eq!(conditional.header("etag"), Some(etag.as_str()));
    let changed = send("GET", &url, &[("if-none-match", "\"something-else\"")]).await;
    assert_eq!(changed.status, 200);
    assert_eq!(front_count(&front(), &id).await, 1);
}
