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

/// A test server's admin call: GET (no body) or POST, answered 200 with JSON.
pub async fn admin(url: &str, body: Option<String>) -> serde_json::Value {
    let request = match body {
        Some(body) => client().post(url).body(body),
        None => client().get(url),
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 200, "{url}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: not JSON ({e}): {text}"))
}

pub async fn front_plan(front: &str, session: &str, actions: &[&str]) {
    let body = serde_json::json!({ "session": session, "actions": actions }).to_string();
    admin(&format!("{front}/__front/plan"), Some(body)).await;
}

/// The action for every call whose session has no plan (`pass` restores it).
pub async fn front_default(front: &str, action: &str) {
    let body = serde_json::json!({ "action": action }).to_string();
    admin(&format!("{front}/__front/default"), Some(body)).await;
}

pub async fn front_count(front: &str, session: &str) -> u64 {
    let url = format!(
        "{front}/__front/count?session={}",
        percent_encoding::utf8_percent_encode(session, percent_encoding::NON_ALPHANUMERIC)
    );
    admin(&url, None).await["count"].as_u64().unwrap()
}

/// Calls the front saw, over every session.
pub async fn front_total(front: &str) -> u64 {
    admin(&format!("{front}/__front/count"), None).await["count"]
        .as_u64()
        .unwrap()
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

// ---- raw HTTP/1.1 over TCP: the exact bytes, nothing normalised ----

/// One answer read off a raw TCP exchange.
#[derive(Debug, Clone)]
pub struct RawAnswer {
    pub status: u16,
    /// The status line as sent.
    pub status_line: String,
    /// Header names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub elapsed: Duration,
}

impl RawAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text()))
    }

    pub fn detail(&self) -> String {
        self.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Whether the Worker (not the runtime in front of it) wrote this
    /// answer: every answer of the Worker carries a correlation id.
    pub fn is_from_worker(&self) -> bool {
        self.header("x-correlation-id").is_some()
    }
}

/// `host:port` of a base URL such as `http://127.0.0.1:8787`.
pub fn authority(base: &str) -> &str {
    base.strip_prefix("http://")
        .unwrap_or(base)
        .trim_end_matches('/')
}

/// Writes `request` verbatim to the server at `base`, reads one answer
/// (Content-Length, chunked or close-delimited; no body when `head`), all
/// within `timeout`. A reset or a close before the status line is an Err.
pub fn raw_exchange(
    base: &str,
    request: &[u8],
    head: bool,
    timeout: Duration,
) -> Result<RawAnswer, String> {
    use std::io::{Read, Write};
    let started = Instant::now();
    let mut stream = std::net::TcpStream::connect(authority(base)).map_err(|e| e.to_string())?;
    stream.set_nodelay(true).ok();
    stream
        .write_all(request)
        .map_err(|e| format!("write: {e}"))?;
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 65536];
    // Reads more bytes into `buffer`; Ok(false) at EOF.
    let mut fill = |buffer: &mut Vec<u8>| -> Result<bool, String> {
        let left = timeout
            .checked_sub(started.elapsed())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| format!("no complete answer within {timeout:?}"))?;
        stream.set_read_timeout(Some(left)).ok();
        match stream.read(&mut chunk) {
            Ok(0) => Ok(false),
            Ok(n) => {
                buffer.extend_from_slice(&chunk[..n]);
                Ok(true)
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                Err(format!("no complete answer within {timeout:?}"))
            }
            Err(e) => Err(format!("read: {e}")),
        }
    };
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        if !fill(&mut buffer)? {
            return Err(format!(
                "connection closed before a complete head: {:?}",
                String::from_utf8_lossy(&buffer)
            ));
        }
    };
    let head_text = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head_text.split("\r\n");
    let status_line = lines.next().unwrap_or_default().to_owned();
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = buffer.split_off(head_end + 4);
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let no_body = head || status < 200 || status == 204 || status == 304;
    if !no_body {
        if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
            let mut decoded = Vec::new();
            let mut at = 0;
            loop {
                let Some(line_end) = body[at..].windows(2).position(|w| w == b"\r\n") else {
                    if !fill(&mut body)? {
                        return Err("connection closed inside a chunked body".into());
                    }
                    continue;
                };
                let size_text = String::from_utf8_lossy(&body[at..at + line_end]).into_owned();
                let size =
                    usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                        .map_err(|_| format!("bad chunk size {size_text:?}"))?;
                let start = at + line_end + 2;
                while body.len() < start + size + 2 {
                    if !fill(&mut body)? {
                        return Err("connection closed inside a chunk".into());
                    }
                }
                if size == 0 {
                    break;
                }
                decoded.extend_from_slice(&body[start..start + size]);
                at = start + size + 2;
            }
            body = decoded;
        } else if let Some(length) = find("content-length") {
            let length: usize = length
                .parse()
                .map_err(|_| format!("bad Content-Length {length:?}"))?;
            while body.len() < length {
                if !fill(&mut body)? {
                    return Err(format!(
                        "connection closed after {} of {length} body bytes",
                        body.len()
                    ));
                }
            }
            body.truncate(length);
        } else {
            while fill(&mut body)? {}
        }
    }
    Ok(RawAnswer {
        status,
        status_line,
        headers,
        body,
        elapsed: started.elapsed(),
    })
}

/// `METHOD target HTTP/1.1` with `Host` (the server's authority) and
/// `Connection: close` first, then `headers` verbatim; panics on anything
/// but a complete answer within 10 s.
pub fn raw_request(
    base: &str,
    method: &str,
    target: &[u8],
    headers: &[(&str, &[u8])],
) -> RawAnswer {
    let mut request = Vec::new();
    request.extend_from_slice(method.as_bytes());
    request.push(b' ');
    request.extend_from_slice(target);
    request.extend_from_slice(b" HTTP/1.1\r\nHost: ");
    request.extend_from_slice(authority(base).as_bytes());
    request.extend_from_slice(b"\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.extend_from_slice(name.as_bytes());
        request.extend_from_slice(b": ");
        request.extend_from_slice(value);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"\r\n");
    let head = method.eq_ignore_ascii_case("HEAD");
    raw_exchange(base, &request, head, Duration::from_secs(10)).unwrap_or_else(|e| {
        panic!(
            "{method} {}: {e}",
            String::from_utf8_lossy(&target[..target.len().min(120)])
        )
    })
}

/// A `GET` of `target` with no extra headers.
pub fn raw_get(base: &str, target: &str) -> RawAnswer {
    raw_request(base, "GET", target.as_bytes(), &[])
}

// ---- logs and processes of the servers the driver started ----

/// Every line of every file in `E2E_LOG_DIR` whose name starts with one of
/// `prefixes` (all files when empty), as (file name, line).
pub fn log_lines(prefixes: &[&str]) -> Vec<(String, String)> {
    let dir = env("E2E_LOG_DIR");
    let mut lines = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !prefixes.is_empty() && !prefixes.iter().any(|p| name.starts_with(p)) {
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        for line in String::from_utf8_lossy(&bytes).lines() {
            lines.push((name.clone(), line.to_owned()));
        }
    }
    lines
}

/// The worker logs' lines that show a panic or a hung request.
pub fn worker_log_alarms() -> Vec<(String, String)> {
    log_lines(&["wrangler-", "workerd-"])
        .into_iter()
        .filter(|(_, line)| {
            line.contains(r#""event":"panic""#)
                || line.contains("code had hung")
                || line.contains("RuntimeError: unreachable")
        })
        .collect()
}

/// Resident memory of a process in KiB (`VmRSS` in /proc/PID/status).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
