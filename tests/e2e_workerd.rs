//! End to end on bare `workerd serve` (not `wrangler dev`, whose proxy keeps
//! a request alive after its client goes away): the Worker reading DynamoDB
//! through the fault front. Started by `scripts/test.sh`.
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use e2e_support::{env, front_count, front_plan, get, status_url, unique_id};

/// Sends a GET and resets the connection (RST, no FIN) after `after`, as a
/// browser tab closed mid-poll does.
fn send_then_reset(url: &str, after: Duration) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n"
    )
    .unwrap();
    std::thread::sleep(after);
    socket2::SockRef::from(&stream)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(stream);
}

/// The Worker's coalescing window: its deadline (2.5 s) + 250 ms.
const MAX_WAIT: Duration = Duration::from_millis(2750);

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn a_client_that_disconnects_does_not_poison_its_session() {
    let (worker, front) = (env("E2E_WORKERD_URL"), env("FRONT_URL"));
    let session = unique_id("e2e-disconnect");
    let url = status_url(&worker, &session);
    // The first read hangs at the store; its client goes away meanwhile.
    front_plan(&front, &session, &["hang:4"]).await;
    send_then_reset(&url, Duration::from_millis(300));
    assert_eq!(front_count(&front, &session).await, 1, "the leader's read");
    // Past the window in which anyone should wait for that leader.
    tokio::time::sleep(MAX_WAIT).await;
    for poll in 0..3 {
        let started = Instant::now();
        let answer = get(&url).await;
        let elapsed = started.elapsed();
        assert_eq!(answer.status, 200, "poll {poll}: {}", answer.body);
        assert_eq!(answer.json()["overallStatus"], "pending");
        assert!(
            elapsed < Duration::from_millis(1500),
            "poll {poll} waited {elapsed:?} on a leader whose client left"
        );
    }
}

/// Under persistent throttling, an isolate's polls cost about one read
/// each, not one per attempt: retries are paid from a per-isolate quota
/// (10 tokens here: two retries), and an empty quota means no retry.
#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn persistent_throttling_costs_about_one_read_per_poll() {
    let (worker, front) = (env("E2E_BUDGET_URL"), env("FRONT_URL"));
    let ids: Vec<String> = (0..30).map(|_| unique_id("e2e-quota")).collect();
    for id in &ids {
        front_plan(&front, id, &["throttle"; 5]).await;
    }
    let polls = ids.iter().map(|id| get_owned(status_url(&worker, id)));
    let answers = futures_util::future::join_all(polls).await;
    let mut reads = 0;
    for (id, answer) in ids.iter().zip(&answers) {
        assert_eq!(answer.status, 500, "{id}: {}", answer.body);
        reads += front_count(&front, id).await;
    }
    assert!(
        (30..=32).contains(&reads),
        "30 throttled polls cost {reads} reads (3 attempts each would be 90)"
    );
    let told = answers
        .iter()
        .filter(|a| {
            a.header("server-timing")
                .is_some_and(|t| t.contains("retry quota empty"))
        })
        .count();
    assert!(told >= 28, "only {told} answers said the quota was empty");
    // Successes refill it: a healthy poll after the storm is served.
    let healthy = get(&status_url(&worker, &unique_id("e2e-quota-ok"))).await;
    assert_eq!(healthy.status, 200, "{}", healthy.body);
}

async fn get_owned(url: String) -> e2e_support::Answer {
    get(&url).await
}
