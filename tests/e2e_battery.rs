//! A bad-input battery over HTTP: exact request bytes written to a raw TCP
//! socket (nothing normalised by a client library), each answer checked
//! against the contract (section 1, README "What it answers") or, where the
//! runtime answers before the Worker sees the request, checked to be a
//! prompt 4xx/5xx of the runtime's own; after every case the Worker still
//! serves `/health` and a fixture. Runs against the fixture store on bare
//! `workerd serve` (`E2E_WORKERD_FIXTURES_URL`, tests/workerd/
//! hardening-fixtures.capnp) and under `wrangler dev` (`E2E_FIXTURES_URL`),
//! whose proxy may answer some cases itself.
//!
//! Cases marked DEFECT assert the behaviour the contract defines where the
//! Worker currently answers otherwise.
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use std::time::Duration;

use e2e_support::{RawAnswer, env, raw_exchange, raw_get, raw_request};

/// Every answer, the runtime's or the Worker's, must come within this.
const PROMPT: Duration = Duration::from_secs(3);
const COMPLETED: &str = "/api/workflow/session-completed/status";

/// Bare workerd first (raw bytes reach the Worker), then wrangler dev.
fn targets() -> Vec<(&'static str, String)> {
    vec![
        ("workerd", env("E2E_WORKERD_FIXTURES_URL")),
        ("wrangler", env("E2E_FIXTURES_URL")),
    ]
}

fn status_target(id: &str) -> String {
    format!("/api/workflow/{id}/status")
}

/// The Worker still answers: `/health` and a fixture, promptly.
fn still_serving(base: &str, after: &str) {
    let health = raw_get(base, "/health");
    assert_eq!(
        health.status,
        200,
        "after {after}: /health {}",
        health.text()
    );
    assert_eq!(health.text(), r#"{"status":"healthy"}"#, "after {after}");
    let fixture = raw_get(base, COMPLETED);
    assert_eq!(fixture.status, 200, "after {after}: {}", fixture.text());
    assert_eq!(
        fixture.json()["overallStatus"],
        "completed",
        "after {after}"
    );
    assert!(
        fixture.elapsed < PROMPT,
        "after {after}: {:?}",
        fixture.elapsed
    );
}

/// A prompt answer that is JSON `{"detail": detail}` with `status`, from
/// the Worker (correlation id, JSON content type, `Vary: Origin`).
fn assert_detail(case: &str, answer: &RawAnswer, status: u16, detail: &str) {
    assert_eq!(answer.status, status, "{case}: {}", answer.text());
    assert!(answer.elapsed < PROMPT, "{case}: {:?}", answer.elapsed);
    assert!(answer.is_from_worker(), "{case}: {:?}", answer.headers);
    assert_eq!(
        answer.header("content-type"),
        Some("application/json"),
        "{case}"
    );
    assert_eq!(answer.detail(), detail, "{case}");
}

/// A 200 status document for `id`.
fn assert_document(case: &str, answer: &RawAnswer, id: &str) {
    assert_eq!(answer.status, 200, "{case}: {}", answer.text());
    assert!(answer.elapsed < PROMPT, "{case}: {:?}", answer.elapsed);
    let document = answer.json();
    assert_eq!(document["sessionId"], id, "{case}");
    assert_eq!(
        document["agents"].as_object().map(|a| a.len()),
        Some(4),
        "{case}"
    );
}

/// The runtime (or wrangler's proxy) refused the request before the
/// Worker saw it: promptly, with a status in `allowed`.
fn assert_runtime_refusal(case: &str, answer: &RawAnswer, allowed: &[u16]) {
    assert!(
        allowed.contains(&answer.status),
        "{case}: {} {}",
        answer.status_line,
        answer.text()
    );
    assert!(answer.elapsed < PROMPT, "{case}: {:?}", answer.elapsed);
}

#[test]
#[ignore = "needs the servers scripts/test.sh starts"]
fn ids_at_and_past_the_2048_byte_limit() {
    for (name, base) in targets() {
        let at = "a".repeat(2048);
        assert_document(
            &format!("{name}: 2048 bytes"),
            &raw_get(&base, &status_target(&at)),
            &at,
        );
        let past = "a".repeat(2049);
        assert_detail(
            &format!("{name}: 2049 bytes"),
            &raw_get(&base, &status_target(&past)),
            400,
            "Invalid session id: longer than 2048 bytes (2049 bytes)",
        );
        // Counted in bytes of UTF-8, not characters: 1024 × é is 2048 bytes.
        let accents = "%C3%A9".repeat(1024);
        assert_document(
            &format!("{name}: 1024 × é"),
            &raw_get(&base, &status_target(&accents)),
            &"é".repeat(1024),
        );
        let accents_past = format!("{accents}a");
        assert_detail(
            &format!("{name}: 1024 × é + a"),
            &raw_get(&base, &status_target(&accents_past)),
            400,
            "Invalid session id: longer than 2048 bytes (2049 bytes)",
        );
        // Encoded, 2048 bytes are 6144 characters of path: still the id's
        // length that counts.
        let encoded = "%61".repeat(2048);
        assert_document(
            &format!("{name}: %61 × 2048"),
            &raw_get(&base, &status_target(&encoded)),
            &at,
        );
        let huge = "a".repeat(100_000);
        let answer = raw_get(&base, &status_target(&huge));
        if answer.is_from_worker() {
            assert_detail(
                &format!("{name}: 100 000 bytes"),
                &answer,
                400,
                "Invalid session id: longer than 2048 bytes (100000 bytes)",
            );
        } else {
            assert_runtime_refusal(&format!("{name}: 100 000 bytes"), &answer, &[400, 414, 431]);
        }
        still_serving(&base, "overlong ids");
    }
}

#[test]
#[ignore = "needs the servers scripts/test.sh starts"]
fn malformed_percent_encoding_is_a_400() {
    for (name, base) in targets() {
        for (raw, at) in [
            ("%zz", 0),
            ("%", 0),
            ("%4", 0),
            ("a%G0", 1),
            ("abc%", 3),
            ("ok%2", 2),
            ("%%41", 0),
        ] {
            assert_detail(
                &format!("{name}: {raw}"),
                &raw_get(&base, &status_target(raw)),
                400,
                &format!("Invalid session id: invalid percent-encoding at byte {at}"),
            );
        }
        still_serving(&base, "malformed percent-encoding");
    }
}

#[test]
#[ignore = "needs the servers scripts/test.sh starts"]
fn encoded_slashes_and_dots() {
    for (name, base) in targets() {
        // A decoded `/` does not match the route.
        for raw in ["%2F", "%2f", "a%2Fb", "%2F%2F", "..%2F..%2Fhealth"] {
            assert_detail(
                &format!("{name}: {raw}"),
                &raw_get(&base, &status_target(raw)),
                404,
                "Not Found",
            );
        }
        // Dots are ordinary characters of an id once encoded.
        for (raw, id) in [
            ("%2E%2E", ".."),
            ("%2E", "."),
            ("%2e%2e", ".."),
            ("...", "..."),
            ("a..b", "a..b"),
        ] {
            let answer = raw_get(&base, &status_target(raw));
            if name == "wrangler" && raw.contains("%2") && answer.status == 404 {
                // wrangler dev's proxy parses the URL the WHATWG way, where
                // `%2e` spells a dot segment, and resolves it before the
                // Worker sees the path; bare workerd (and the Worker) keep
                // the encoded dots as an id.
                assert_detail(&format!("{name}: {raw}"), &answer, 404, "Not Found");
                continue;
            }
            assert_document(&format!("{name}: {raw}"), &answer, id);
        }
        // Raw dot segments are resolved by the runtime's URL parser before
        // routing: `/api/workflow/../status` is `/api/status`.
        assert_detail(
            &format!("{name}: raw .."),
            &raw_get(&base, "/api/workflow/../status"),
            404,
            "Not Found",
        );
        assert_document(
            &format!("{name}: raw a/../b"),
            &raw_get(&base, "/api/workflow/a/../session-x/status"),
            "session-x",
        );
        // Empty segment, extra segments, the trailing slash.
        for target in [
            "/api/workflow//status",
            "/api/workflow/a/b/status",
            "/api/workflow/a/status/x",
        ] {
            assert_detail(
                &format!("{name}: {target}"),
                &raw_get(&base, target),
                404,
                "Not Found",
            );
        }
        let slash = raw_get(&base, "/api/workflow/a%20b/status/?x=1");
        assert_eq!(slash.status, 307, "{name}: {}", slash.text());
        assert_eq!(
            slash.header("location"),
            Some("/api/workflow/a%20b/status?x=1"),
            "{name}"
        );
        still_serving(&base, "encoded slashes and dots");
    }
}

#[test]
#[ignore = "needs the servers scripts/test.sh starts"]
fn nul_and_control_characters() {
    for (name, base) in targets() {
        for (raw, code) in [
            ("%00", "0000"),
            ("a%01b", "0001"),
            ("%09", "0009"),
            ("%0A", "000A"),
            ("%0D%0A", "000D"),
            ("%1F", "001F"),
            ("%7F", "007F"),
            ("x%00", "0000"),
        ] {
            assert_detail(
                &format!("{name}: {raw}"),
                &raw_get(&base, &status_target(raw)),
                400,
                &format!("Invalid session id: contains control character U+{code}"),
            );
        }
        // C1 controls and other Unicode are ordinary characters.
        assert_document(
            &format!("{name}: U+0085"),
            &raw_get(&base, &status_target("%C2%85")),
            "\u{85}",
        );
        still_serving(&base, "encoded control characters");
    }
    // Raw bytes in the request line: only bare workerd lets them through
    // to be judged.
    let base = env("E2E_WORKERD_FIXTURES_URL");
    let nul = raw_request(&base, "GET", b"/api/workflow/a\x00b/status", &[]);
    assert_runtime_refusal("workerd: raw NUL", &nul, &[400]);
    for byte in [0x01u8, 0x1f, 0x7f] {
        let target = [b"/api/workflow/a".as_slice(), &[byte], b"b/status"].concat();
        let answer = raw_request(&base, "GET", &target, &[]);
        if answer.is_from_worker() {
            assert_detail(
                &format!("workerd: raw {byte:#04x}"),
                &answer,
                400,
                &format!("Invalid session id: contains control character U+{byte:04X}"),
            );
        } else {
            assert_runtime_refusal(&format!("workerd: raw {byte:#04x}"), &answer, &[400]);
        }
    }
    // A raw TAB or a raw CR splits or ends the request line.
    for target in [
        b"/api/workflow/a\tb/status".as_slice(),
        b"/api/workflow/a\rb/status",
    ] {
        let answer = raw_request(&base, "GET", target, &[]);
        assert!(
            answer.status < 500,
            "{:?}: {}",
            String::from_utf8_lossy(target),
            answer.status_line
        );
        assert!(answer.elapsed < PROMPT);
    }
    still_serving(&base, "raw control characters");
}

#[test]
#[ignore = "needs the servers scripts/test.sh starts"]
fn invalid_utf8_is_a_400() {
    for (name, base) in targets() {
        for raw in [
            "%FF",
            "%C3",
            "%C3%28",
            "%ED%A0%80",
            "%C0%AF",
            "%F4%90%80%80",
            "a%E2%9C",
            "%80",
        ] {
            let answer = raw_get(&base, &status_target(raw));
            assert_eq!(answer.status, 400, "{name}: {raw}: {}", answer.text());
            assert!(answer.is_from_worker(), "{name}: {raw}");
            assert!(
                answer
                    .detail()
                    .starts_with("Invalid session id: not valid UTF-8 after decoding"),
                "{name}: {raw}: {}",
                answer.detail()
            );
        }
        still_serving(&base, "invalid UTF-8");
    }
    // A raw non-ASCII byte in the request line is not HTTP (RFC 9112 targets
    // are ASCII); workerd decodes the line lossily and percent-encodes the
    // replacement character, so the Worker sees `%EF%BF%BD`, a valid id.
    let base = env("E2E_WORKERD_FIXTURES_URL");
    let answer = raw_request(&base, "GET", b"/api/workflow/\xff/status", &[]);
    if answer.status == 200 {
        assert_document("workerd: raw 0xFF", &answer, "\u{fffd}");
    } else {
        assert_runtime_refusal("workerd: raw 0xFF", &answer, &[400]);
    }
    still_serving(&base, "raw 0xFF");
}

#[test]
#[ignore = "needs the servers scripts/test.sh starts"]
fn huge_and_numerous_headers() {
    for (name, base) in targets() {
        for size in [8 * 1024, 16 * 1024, 64 * 1024] {
            let value = format!("\"{}\"", "a".repeat(size));
            let answer = raw_request(
                &base,
                "GET",
                COMPLETED.as_bytes(),
                &[("If-None-Match", value.as_bytes())],
            );
            let case = format!("{name}: If-None-Match of {size} bytes");
            if answer.is_from_worker() {
                assert_document(&case, &answer, "session-completed");
            } else {
                assert_runtime_refusal(&case, &answer, &[400, 431]);
            }
        }
        for count in [200, 1000] {
            let names: Vec<String> = (0..count).map(|i| format!("X-Filler-{i}")).collect();
            let headers: Vec<(&str, &[u8])> = names
                .iter()
                .map(|n| (n.as_str(), b"v".as_slice()))
                .collect();
            let answer = raw_request(&base, "GET", COMPLETED.as_bytes(), &headers);
            let case = format!("{name}: {count} headers");
            if answer.is_from_worker() {
                assert_document(&case, &answer, "session-completed");
            } else {
                assert_runtime_refusal(&case, &answer, &[400, 431]);
            }
        }
        // A malformed header line is the runtime's to refuse.
        let answer = raw_request(&base, "GET", COMPLETED.as_bytes(), &[("Bad Header", b"x")]);
        assert!(
            answer.status == 400 || answer.status == 200,
            "{name}: {}",
            answer.status_line
        );
        // Odd bytes in the headers the Worker reads: answered, never echoed raw.
        for (header, value) in [
            ("cf-ray", b"\xff\xfe\x01".as_slice()),
            ("Origin", b"http://localhost:3000\xff"),
            ("If-None-Match", b",,, W/ \"\" \x01garbage"),
        ] {
            let answer = raw_request(&base, "GET", COMPLETED.as_bytes(), &[(header, value)]);
            let case = format!("{name}: {header} {value:?}");
            if answer.is_from_worker() {
                assert_document(&case, &answer, "session-completed");
                assert!(
                    !answer
                        .header("x-correlation-id")
                        .unwrap_or("")
                        .contains('\u{fffd}'),
                    "{case}"
                );
                assert_eq!(answer.header("access-control-allow-origin"), None, "{case}");
            } else {
                assert_runtime_refusal(&case, &answer, &[400]);
            }
        }
        still_serving(&base, "huge headers");
    }
}

#[test]
#[ignore = "needs the servers scripts/test.sh starts"]
fn odd_methods() {
    for (name, base) in targets() {
        for method in [
            "PATCH", "DELETE", "PUT", "POST", "PROPFIND", "TRACE", "CONNECT",
        ] {
            let answer = raw_request(&base, method, COMPLETED.as_bytes(), &[]);
            let case = format!("{name}: {method}");
            if answer.is_from_worker() {
                assert_detail(&case, &answer, 405, "Method Not Allowed");
                assert_eq!(answer.header("allow"), Some("GET, HEAD, OPTIONS"), "{case}");
            } else {
                // CONNECT and TRACE may be refused by the runtime itself;
                // bare workerd fails CONNECT with its own 500 (runtime, not
                // Worker: no correlation id, nothing in the Worker's code ran).
                assert_runtime_refusal(&case, &answer, &[400, 405, 500, 501]);
            }
        }
        let on_health = raw_request(&base, "DELETE", b"/health", &[]);
        assert_detail(
            &format!("{name}: DELETE /health"),
            &on_health,
            405,
            "Method Not Allowed",
        );
        // Route errors come before method errors.
        let answer = raw_request(&base, "PATCH", b"/api/workflow/%zz/status", &[]);
        assert_eq!(answer.status, 400, "{name}: PATCH on a bad id");
        let answer = raw_request(&base, "PATCH", b"/nowhere", &[]);
        assert_detail(
            &format!("{name}: PATCH /nowhere"),
            &answer,
            404,
            "Not Found",
        );
        // Methods are case-sensitive (RFC 9110 §9.1): `get` is not GET. The
        // runtime refuses methods it does not know; a Worker that saw one
        // must not treat it as GET.
        for method in ["get", "Get", "FOO", "head"] {
            let answer = raw_request(&base, method, COMPLETED.as_bytes(), &[]);
            let case = format!("{name}: {method}");
            if answer.is_from_worker() {
                assert_detail(&case, &answer, 405, "Method Not Allowed");
            } else {
                assert_runtime_refusal(&case, &answer, &[400, 405, 501]);
            }
        }
        still_serving(&base, "odd methods");
    }
}

#[test]
#[ignore = "needs the servers scripts/test.sh starts"]
fn absolute_form_and_overlong_targets() {
    for (name, base) in targets() {
        let authority = e2e_support::authority(&base).to_owned();
        // Absolute-form targets (RFC 9112 §3.2.2), same host and another:
        // bare workerd's URL handling fails on them with its own 500
        // (kj/compat/url.c++ "invalid URL"), before any Worker code runs;
        // wrangler's proxy may route them. Either way: prompt, and never a
        // 5xx from the Worker.
        for target in [
            format!("http://{authority}{COMPLETED}"),
            format!("http://evil.example{COMPLETED}"),
            format!("https://{authority}{COMPLETED}"),
        ] {
            let answer = raw_request(&base, "GET", target.as_bytes(), &[]);
            let case = format!("{name}: absolute-form {target}");
            if answer.is_from_worker() {
                assert_document(&case, &answer, "session-completed");
            } else {
                assert_runtime_refusal(&case, &answer, &[400, 500]);
            }
        }
        // Asterisk-form on anything but OPTIONS is not HTTP; on OPTIONS it
        // asks about the server.
        for method in ["GET", "OPTIONS"] {
            let answer = raw_request(&base, method, b"*", &[]);
            let case = format!("{name}: {method} *");
            if answer.is_from_worker() {
                assert!(answer.status < 500, "{case}: {}", answer.status_line);
            } else {
                assert_runtime_refusal(&case, &answer, &[400, 404, 500]);
            }
        }
        // Query strings are ignored, whatever their length or bytes.
        for query in [
            "x=1",
            "%zz",
            "%00",
            "%FF",
            "a=b?c=d#e",
            &"q".repeat(8 * 1024),
            &"q".repeat(64 * 1024),
        ] {
            let target = format!("{COMPLETED}?{query}");
            let answer = raw_get(&base, &target);
            let case = format!("{name}: query of {} bytes", query.len());
            if answer.is_from_worker() {
                assert_document(&case, &answer, "session-completed");
            } else {
                assert_runtime_refusal(&case, &answer, &[400, 414, 431]);
            }
        }
        // Not found, whatever the shape.
        for target in [
            "/",
            "/api",
            "/API/workflow/a/status",
            "/health/",
            "/health?x",
            "/%2e%2e/health",
        ] {
            let answer = raw_get(&base, target);
            if target == "/health?x" {
                assert_eq!(answer.status, 200, "{name}: {target}");
            } else if name == "wrangler" && target == "/%2e%2e/health" && answer.status == 200 {
                // wrangler's proxy resolved `%2e%2e` as a dot segment (above).
                assert_eq!(answer.text(), r#"{"status":"healthy"}"#);
            } else {
                assert_detail(&format!("{name}: {target}"), &answer, 404, "Not Found");
            }
        }
        still_serving(&base, "absolute-form and overlong targets");
    }
    // No Host, HTTP/1.0, a TLS hello: the runtime's to refuse.
    let base = env("E2E_WORKERD_FIXTURES_URL");
    for request in [
        format!("GET {COMPLETED} HTTP/1.1\r\nConnection: close\r\n\r\n").into_bytes(),
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n".to_vec(),
    ] {
        let answer = raw_exchange(&base, &request, false, Duration::from_secs(10)).unwrap();
        assert_runtime_refusal(
            &format!("{:?}", String::from_utf8_lossy(&request)),
            &answer,
            &[400, 501],
        );
    }
    still_serving(&base, "requests without Host");
}

#[test]
#[ignore = "needs the servers scripts/test.sh starts"]
fn if_none_match_and_range() {
    for (name, base) in targets() {
        let first = raw_get(&base, COMPLETED);
        let etag = first.header("etag").expect("an ETag").to_owned();
        let not_modified = |value: &[u8]| {
            let answer = raw_request(
                &base,
                "GET",
                COMPLETED.as_bytes(),
                &[("If-None-Match", value)],
            );
            assert!(answer.is_from_worker(), "{name}: {value:?}");
            assert!(answer.elapsed < PROMPT);
            answer
        };
        for value in [
            etag.clone(),
            format!("W/{etag}"),
            format!("\"x\", {etag}"),
            "*".to_owned(),
            " * ".to_owned(),
        ] {
            let answer = not_modified(value.as_bytes());
            assert_eq!(answer.status, 304, "{name}: If-None-Match {value}");
            assert!(answer.body.is_empty(), "{name}: {value}");
            assert_eq!(
                answer.header("etag"),
                Some(etag.as_str()),
                "{name}: {value}"
            );
        }
        for value in [
            b"".as_slice(),
            b"\"\"",
            b"garbage",
            b",,,,",
            b"W/",
            b"\"unterminated",
            b"*, \"x\"",
            etag.trim_matches('"').as_bytes(),
        ] {
            let answer = not_modified(value);
            // `*` inside a list is not the `*` form; a bare tag is not a tag.
            assert_eq!(
                answer.status,
                200,
                "{name}: If-None-Match {:?}",
                String::from_utf8_lossy(value)
            );
            assert_eq!(answer.body, first.body, "{name}");
        }
        // An error answer has no representation: `*` does not make it a 304.
        let bad = raw_request(
            &base,
            "GET",
            b"/api/workflow/%zz/status",
            &[("If-None-Match", b"*")],
        );
        assert_eq!(bad.status, 400, "{name}: If-None-Match * on a bad id");
        let malformed = raw_request(
            &base,
            "GET",
            b"/api/workflow/malformed-status-number/status",
            &[("If-None-Match", b"*")],
        );
        assert_eq!(
            malformed.status, 500,
            "{name}: If-None-Match * on a malformed item"
        );
        // Range is not supported: the whole document, never a 206 or a 416.
        for range in [
            b"bytes=0-9".as_slice(),
            b"bytes=99999-",
            b"bytes=-5",
            b"bytes=5-1",
            b"lines=1-2",
            b"bytes=0-0,2-3",
        ] {
            let answer = raw_request(&base, "GET", COMPLETED.as_bytes(), &[("Range", range)]);
            assert_eq!(
                answer.status,
                200,
                "{name}: Range {:?}",
                String::from_utf8_lossy(range)
            );
            assert_eq!(
                answer.body,
                first.body,
                "{name}: Range {:?}",
                String::from_utf8_lossy(range)
            );
            assert_eq!(answer.header("content-range"), None);
        }
        still_serving(&base, "If-None-Match and Range");
    }
}

#[test]
#[ignore = "needs the servers scripts/test.sh starts"]
fn head_oddities() {
    for (name, base) in targets() {
        for target in [
            COMPLETED,
            "/api/workflow/%zz/status",
            "/nowhere",
            "/health",
            "/api/workflow/malformed-status-number/status",
        ] {
            let get = raw_get(&base, target);
            let head = raw_request(&base, "HEAD", target.as_bytes(), &[]);
            assert_eq!(head.status, get.status, "{name}: HEAD {target}");
            assert!(head.is_from_worker(), "{name}: HEAD {target}");
            assert_eq!(
                head.header("content-type"),
                get.header("content-type"),
                "{name}: HEAD {target}"
            );
            assert_eq!(
                head.header("etag"),
                get.header("etag"),
                "{name}: HEAD {target}"
            );
        }
        // HEAD with a body and a Content-Length: the body is not the next request.
        let request = format!(
            "HEAD {COMPLETED} HTTP/1.1\r\nHost: {}\r\nContent-Length: 3\r\n\r\nabcGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            e2e_support::authority(&base)
        );
        let answer =
            raw_exchange(&base, request.as_bytes(), true, Duration::from_secs(10)).unwrap();
        assert_eq!(answer.status, 200, "{name}: HEAD with a body");
        still_serving(&base, "HEAD oddities");
    }
}

/// DEFECT (issue 8, item 7: "HEAD with `Content-Length`"; README: HEAD has
/// "the same status and headers" as GET): a HEAD answer carries no
/// `Content-Length` on either runtime, while the GET answer does. The
/// Worker empties the body for HEAD, so the runtime cannot know the length.
#[test]
#[ignore = "needs the servers scripts/test.sh starts"]
fn defect_head_carries_the_get_content_length() {
    for (name, base) in targets() {
        let get = raw_get(&base, COMPLETED);
        let head = raw_request(&base, "HEAD", COMPLETED.as_bytes(), &[]);
        assert_eq!(head.status, 200);
        assert_eq!(
            head.header("content-length"),
            get.header("content-length"),
            "{name}: HEAD {COMPLETED} lacks GET's Content-Length ({:?})",
            head.headers
        );
    }
}

#[test]
#[ignore = "needs the servers scripts/test.sh starts"]
fn options_oddities() {
    for (name, base) in targets() {
        let options = |target: &str, headers: &[(&str, &[u8])]| {
            let answer = raw_request(&base, "OPTIONS", target.as_bytes(), headers);
            assert!(
                answer.is_from_worker(),
                "{name}: OPTIONS {target} {headers:?}"
            );
            assert!(answer.elapsed < PROMPT);
            answer
        };
        // Only an Origin (no Access-Control-Request-Method): not a preflight.
        for origin in [
            b"http://localhost:3000".as_slice(),
            b"https://evil.example",
            b"null",
            b"",
        ] {
            let answer = options(COMPLETED, &[("Origin", origin)]);
            assert_eq!(
                answer.status, 204,
                "{name}: OPTIONS with only Origin {origin:?}"
            );
            assert_eq!(answer.header("allow"), Some("GET, HEAD, OPTIONS"), "{name}");
            assert!(answer.body.is_empty(), "{name}");
        }
        let bare = options(COMPLETED, &[]);
        assert_eq!(bare.status, 204, "{name}: bare OPTIONS");
        assert_eq!(bare.header("allow"), Some("GET, HEAD, OPTIONS"), "{name}");
        // Preflight with odd requested methods and headers: the Worker
        // answers with its own method list, whatever was asked.
        for method in [
            b"PROPFIND".as_slice(),
            b"get",
            b"",
            b"DELETE, PUT",
            b"X\x01Y",
        ] {
            let answer = options(
                COMPLETED,
                &[
                    ("Origin", b"http://localhost:3000"),
                    ("Access-Control-Request-Method", method),
                ],
            );
            let case = format!(
                "{name}: preflight for {:?}",
                String::from_utf8_lossy(method)
            );
            assert_eq!(answer.status, 200, "{case}: {}", answer.text());
            assert_eq!(
                answer.header("access-control-allow-methods"),
                Some("GET, HEAD, OPTIONS"),
                "{case}"
            );
            assert_eq!(
                answer.header("access-control-allow-origin"),
                Some("http://localhost:3000"),
                "{case}"
            );
            assert_eq!(
                answer.header("access-control-max-age"),
                Some("600"),
                "{case}"
            );
            assert_eq!(answer.header("vary"), Some("Origin"), "{case}");
        }
        let headers = options(
            COMPLETED,
            &[
                ("Origin", b"http://localhost:5173"),
                ("Access-Control-Request-Method", b"GET"),
                (
                    "Access-Control-Request-Headers",
                    b"x-requested-with, content-type",
                ),
            ],
        );
        assert_eq!(
            headers.header("access-control-allow-headers"),
            Some("x-requested-with, content-type"),
            "{name}"
        );
        // Disallowed origins, look-alikes included.
        for origin in [
            b"https://evil.example".as_slice(),
            b"http://localhost:3000.evil.example",
            b"http://localhost:30000",
            b"HTTP://LOCALHOST:3000",
            b"http://localhost:3000/",
            b"null",
        ] {
            let answer = options(
                COMPLETED,
                &[
                    ("Origin", origin),
                    ("Access-Control-Request-Method", b"GET"),
                ],
            );
            let case = format!(
                "{name}: preflight from {:?}",
                String::from_utf8_lossy(origin)
            );
            assert_eq!(answer.status, 400, "{case}");
            assert_eq!(answer.text(), "Disallowed CORS origin", "{case}");
            assert_eq!(answer.header("access-control-allow-origin"), None, "{case}");
        }
        // Preflight on other paths: /health answers it; a bad id is a 400
        // and an unknown path a 404 before any CORS decision.
        let health = options(
            "/health",
            &[
                ("Origin", b"http://localhost:3000"),
                ("Access-Control-Request-Method", b"GET"),
            ],
        );
        assert_eq!(health.status, 200, "{name}: preflight /health");
        let bad = options(
            "/api/workflow/%zz/status",
            &[
                ("Origin", b"http://localhost:3000"),
                ("Access-Control-Request-Method", b"GET"),
            ],
        );
        assert_eq!(bad.status, 400, "{name}: preflight on a bad id");
        let nowhere = options(
            "/nowhere",
            &[
                ("Origin", b"http://localhost:3000"),
                ("Access-Control-Request-Method", b"GET"),
            ],
        );
        assert_eq!(nowhere.status, 404, "{name}: preflight on /nowhere");
        still_serving(&base, "OPTIONS oddities");
    }
}

/// Every answer the battery provoked on the fixture store left no panic
/// and no hung request in the Worker's log.
#[test]
#[ignore = "needs the servers scripts/test.sh starts"]
fn the_battery_left_no_panic_in_the_logs() {
    // Runs alongside the other cases: give them a moment to finish, then read.
    std::thread::sleep(Duration::from_millis(200));
    let alarms: Vec<_> = e2e_support::worker_log_alarms()
        .into_iter()
        .filter(|(file, _)| file.contains("fixtures"))
        .collect();
    assert!(alarms.is_empty(), "{alarms:#?}");
}
