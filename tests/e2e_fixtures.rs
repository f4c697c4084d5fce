//! End to end on the fixture store: the real Workers runtime (wrangler dev /
//! workerd) answering over HTTP. Started by `scripts/test.sh`.
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use e2e_support::{NEEDS_SERVERS, fixtures, get, send, status_url, with_fixed_now};

fn base() -> String {
    e2e_support::env("E2E_FIXTURES_URL")
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn every_fixture_session_gets_its_exact_body() {
    let _ = NEEDS_SERVERS;
    for fixture in fixtures() {
        let answer = get(&status_url(&base(), &fixture.id)).await;
        assert_eq!(
            answer.status, fixture.status,
            "{}: {}",
            fixture.name, answer.body
        );
        assert_eq!(
            with_fixed_now(&answer.body),
            fixture.body,
            "{}",
            fixture.name
        );
        assert_eq!(
            answer.header("content-type"),
            Some("application/json"),
            "{}",
            fixture.name
        );
        assert!(
            answer
                .header("x-correlation-id")
                .is_some_and(|id| !id.is_empty())
        );
    }
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn unknown_session_gets_the_pending_default_with_a_fresh_timestamp() {
    let answer = get(&format!("{}/api/workflow/not-written-yet/status", base())).await;
    assert_eq!(answer.status, 200);
    let document = answer.json();
    assert_eq!(document["sessionId"], "not-written-yet");
    assert_eq!(document["overallStatus"], "pending");
    let activities: Vec<_> = [
        "pdfAdapter",
        "tradeExtraction",
        "tradeMatching",
        "exceptionManagement",
    ]
    .iter()
    .map(|agent| {
        document["agents"][agent]["activity"]
            .as_str()
            .unwrap()
            .to_owned()
    })
    .collect();
    assert_eq!(
        activities,
        [
            "Waiting for upload",
            "Waiting for PDF processing",
            "Waiting for extraction",
            "No exceptions"
        ]
    );
    let normalised = with_fixed_now(&answer.body);
    assert!(
        normalised.ends_with(r#""lastUpdated":"2026-01-02T03:04:05.678Z"}"#),
        "{}",
        answer.body
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn route_errors_have_the_contract_shapes() {
    let base = base();
    let not_found = get(&format!("{base}/api/workflow//status")).await;
    assert_eq!(
        (not_found.status, not_found.body.as_str()),
        (404, r#"{"detail":"Not Found"}"#)
    );
    let not_found = get(&format!("{base}/api/workflow/a%2Fb/status")).await;
    assert_eq!(not_found.status, 404);
    let not_found = get(&format!("{base}/elsewhere")).await;
    assert_eq!(
        (not_found.status, not_found.body.as_str()),
        (404, r#"{"detail":"Not Found"}"#)
    );

    let not_allowed = send("POST", &format!("{base}/api/workflow/s/status"), &[]).await;
    assert_eq!(not_allowed.status, 405);
    assert_eq!(not_allowed.body, r#"{"detail":"Method Not Allowed"}"#);
    assert_eq!(not_allowed.header("allow"), Some("GET, HEAD, OPTIONS"));

    let bad = get(&format!("{base}/api/workflow/%zz/status")).await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.detail(),
        "Invalid session id: invalid percent-encoding at byte 0"
    );
    let bad = get(&format!("{base}/api/workflow/a%00b/status")).await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.detail(),
        "Invalid session id: contains control character U+0000"
    );
    let long = get(&format!("{base}/api/workflow/{}/status", "x".repeat(2049))).await;
    assert_eq!(long.status, 400);

    let redirect = get(&format!("{base}/api/workflow/session-completed/status/")).await;
    assert_eq!(redirect.status, 307);
    assert_eq!(
        redirect.header("location"),
        Some("/api/workflow/session-completed/status")
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn head_mirrors_get_without_a_body() {
    let url = format!("{}/api/workflow/session-failed/status", base());
    let get = get(&url).await;
    let head = send("HEAD", &url, &[]).await;
    assert_eq!(head.status, get.status);
    assert_eq!(head.body, "");
    for name in ["content-type", "etag", "cache-control"] {
        assert_eq!(head.header(name), get.header(name), "{name}");
    }
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn health_is_healthy() {
    let answer = get(&format!("{}/health", base())).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (200, r#"{"status":"healthy"}"#)
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn cors_simple_requests_and_preflights() {
    let url = format!("{}/api/workflow/session-completed/status", base());
    let allowed = send("GET", &url, &[("origin", "http://localhost:3000")]).await;
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    assert_eq!(
        allowed.header("access-control-allow-credentials"),
        Some("true")
    );
    assert!(allowed.header("vary").is_some_and(|v| v.contains("Origin")));

    let other = send("GET", &url, &[("origin", "https://evil.example")]).await;
    assert_eq!(other.status, 200);
    assert_eq!(other.header("access-control-allow-origin"), None);

    let preflight = [
        ("origin", "http://localhost:5173"),
        ("access-control-request-method", "GET"),
        ("access-control-request-headers", "x-requested-with"),
    ];
    let ok = send("OPTIONS", &url, &preflight).await;
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("http://localhost:5173")
    );
    assert_eq!(
        ok.header("access-control-allow-methods"),
        Some("GET, HEAD, OPTIONS")
    );
    assert_eq!(
        ok.header("access-control-allow-headers"),
        Some("x-requested-with")
    );
    assert_eq!(ok.header("access-control-max-age"), Some("600"));

    let refused = send(
        "OPTIONS",
        &url,
        &[
            ("origin", "https://evil.example"),
            ("access-control-request-method", "GET"),
        ],
    )
    .await;
    assert_eq!(
        (refused.status, refused.body.as_str()),
        (400, "Disallowed CORS origin")
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn correlation_id_comes_from_cf_ray_when_present() {
    let url = format!("{}/api/workflow/malformed-overall-null/status", base());
    let answer = send("GET", &url, &[("cf-ray", "8f1e2d3c4b5a6978-LHR")]).await;
    assert_eq!(answer.status, 500);
    assert_eq!(
        answer.header("x-correlation-id"),
        Some("8f1e2d3c4b5a6978-LHR")
    );
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    let generated = get(&url).await;
    assert_eq!(generated.header("x-correlation-id").map(str::len), Some(36));
}
