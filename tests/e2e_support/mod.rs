//! Helpers for tests that talk HTTP to servers started by `scripts/test.sh`
//! (workers under wrangler dev, moto, the fault front). Host only.
#![allow(dead_code)]

use std::time::{Duration, Instant, SystemTime};

use reqwest::header::HeaderMap;
use workflow_status_worker::attribute::{AttributeValue, parse_item};
use workflow_status_worker::store::fixtures::{FIXTURE_EXPECTED, FIXTURE_ITEMS};

pub const NEEDS_SERVERS: &str = "needs the servers scripts/test.sh starts";

pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run `bash scripts/test.sh`"))
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
    pub elapsed: Duration,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn detail(&self) -> String {
        self.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

pub async fn send(method: &str, url: &str, headers: &[(&str, &str)]) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client().request(method, url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let started = Instant::now();
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Answer {
        status,
        headers,
        body,
        elapsed: started.elapsed(),
    }
}

pub async fn get(url: &str) -> Answer {
    send("GET", url, &[]).await
}

pub fn status_url(base: &str, id: &str) -> String {
    let encoded = percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC);
    format!("{base}/api/workflow/{encoded}/status")
}

/// One fixture: its session id and the answer the contract demands.
pub struct Fixture {
    pub name: &'static str,
    pub id: String,
    pub status: u16,
    pub body: &'static str,
}

pub fn fixtures() -> Vec<Fixture> {
    FIXTURE_ITEMS
        .iter()
        .map(|(name, json)| {
            let item = parse_item(json).unwrap();
            let Some(AttributeValue::S(id)) = item.get("sessionId") else {
                panic!("{name}: no sessionId")
            };
            let body = FIXTURE_EXPECTED
                .iter()
                .find(|(n, _)| n == name)
                .unwrap()
                .1
                .trim_end();
            let status = if body.starts_with(r#"{"detail":"#) {
                500
            } else {
                200
            };
            Fixture {
                name,
                id: id.clone(),
                status,
                body,
            }
        })
        .collect()
}

/// The expected bodies use 2026-01-02T03:04:05.678Z for "now"; a live
/// Worker uses the real time. Checks that the live value is a fresh RFC 3339
/// millisecond timestamp and puts the fixed one in its place.
pub fn with_fixed_now(body: &str) -> String {
    let document: serde_json::Value = serde_json::from_str(body).unwrap();
    let Some(last) = document.get("lastUpdated").and_then(|v| v.as_str()) else {
        return body.to_owned();
    };
    let Ok(time) = chrono::DateTime::parse_from_rfc3339(last) else {
        return body.to_owned();
    };
    let now_ms = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let age = now_ms - time.timestamp_millis();
    if (0..60_000).contains(&age) && last.len() == 24 && last.ends_with('Z') {
        body.replace(last, "2026-01-02T03:04:05.678Z")
    } else {
        body.to_owned()
    }
}

// ---- the fault front's admin API ----

/// Fault plans the front plays once each before passing the request on
/// (see tests/support/fault_front.py), with the attempts a read then takes.
pub const TRANSIENT_FAULTS: [(&[&str], u32); 9] = [
    (&["throttle", "throttle"], 3),
    (&["throttling"], 2),
    (&["error500"], 2),
    (&["error503"], 2),
    (&["reset"], 2),
    (&["hang:5"], 2),
    (&["bad_crc"], 2),
    (&["not_json"], 2),
    (&["truncated"], 2),
];

pub async fn front_plan(front: &str, session: &str, actions: &[&str]) {
    let body = serde_json::json!({ "session": session, "actions": actions }).to_string();
    let response = client()
        .post(format!("{front}/__front/plan"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "front rejected plan {actions:?}");
}

pub async fn front_count(front: &str, session: &str) -> u64 {
    let url = format!(
        "{front}/__front/count?session={}",
        percent_encoding::utf8_percent_encode(session, percent_encoding::NON_ALPHANUMERIC)
    );
    let text = client()
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    body["count"].as_u64().unwrap()
}

/// A unique session id per call, so tests sharing servers never collide.
pub fn unique_id(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{}-{nanos}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Writes an item to the moto table with a signed PutItem, as the
/// orchestrator would.
pub async fn put_item(item_json: &str) {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4;
    let moto = env("MOTO_URL");
    let body =
        format!(r#"{{"TableName":"trade-matching-system-processing-status","Item":{item_json}}}"#);
    let identity = aws_credential_types::Credentials::new(
        env("MOTO_ACCESS_KEY_ID"),
        env("MOTO_SECRET_ACCESS_KEY"),
        None,
        None,
        "test",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("dynamodb")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let url = format!("{moto}/");
    let headers = [
        ("content-type", "application/x-amz-json-1.0"),
        ("x-amz-target", "DynamoDB_20120810.PutItem"),
    ];
    let signable = SignableRequest::new(
        "POST",
        &url,
        headers.iter().copied(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut request = client().post(&url).body(body.clone());
    for (name, value) in headers.iter().copied().chain(instructions.headers()) {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(
        response.status(),
        200,
        "PutItem failed: {}",
        response.text().await.unwrap()
    );
}
