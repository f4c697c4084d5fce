//! The DynamoDB store: a SigV4-signed GetItem over HTTP with `reqwest`,
//! which uses hyper natively (tests) and `fetch` inside the Worker.

pub mod codes;
pub mod request;
pub mod response;

use std::cell::{Cell, RefCell};
use std::time::{Duration, UNIX_EPOCH};

use crate::attribute::Item;
use crate::breaker::Breaker;
use crate::clock::Clock;
use crate::credentials::Credentials;
use crate::redact;
use crate::regions::{Location, nearest_first};
use crate::retry::{RetryPolicy, RetryQuota};
use crate::session_id::SessionId;
use crate::store::error::StoreError;
use crate::store::{Read, RegionEvent, StatusStore};
use crate::table::Table;

use request::GetItem;
use response::{Answer, interpret};

/// The largest answer read. A GetItem result holds one item of at most
/// 400 KB; its JSON, escapes included, stays well below this.
pub const MAX_BODY_BYTES: u64 = 2 * 1024 * 1024;

/// One region's copy of the table, with its breaker.
struct Replica {
    table: Table,
    /// The GetItem URL, parsed once: reqwest would parse the string again
    /// for every request, and the answer's URL is compared with it.
    url: Option<reqwest::Url>,
    breaker: Breaker,
}

pub struct DynamoStore<C> {
    /// In the configured order; each read orders them nearest first.
    replicas: Vec<Replica>,
    consistent_read: bool,
    retry: RetryPolicy,
    /// Shared by every read of this isolate.
    quota: RetryQuota,
    credentials: Credentials,
    client: reqwest::Client,
    clock: C,
    jitter: fn() -> f64,
}

impl<C: Clock> DynamoStore<C> {
    /// `jitter` returns a uniform random number in [0, 1) for backoff.
    pub fn new(
        replicas: Vec<Table>,
        consistent_read: bool,
        retry: RetryPolicy,
        credentials: Credentials,
        clock: C,
        jitter: fn() -> f64,
    ) -> Self {
        DynamoStore {
            replicas: replicas
                .into_iter()
                .map(|table| Replica {
                    url: reqwest::Url::parse(&format!("{}/", table.endpoint)).ok(),
                    table,
                    breaker: Breaker::default(),
                })
                .collect(),
            consistent_read,
            quota: RetryQuota::new(retry.quota),
            retry,
            credentials,
            client: crate::http::client(),
            clock,
            jitter,
        }
    }

    /// One attempt: sign at the current time (a retry must not reuse an old
    /// signature), send, read the whole body within `timeout`. Whatever the
    /// answer said leaves here without secrets and bounded in length.
    async fn attempt(
        &self,
        replica: &Replica,
        id: &SessionId,
        timeout: Duration,
    ) -> Result<Option<Item>, StoreError> {
        self.send(replica, id, timeout).await.map_err(|error| {
            error.map_texts(|text| {
                redact::bounded(
                    &redact::for_log(text, Some(&self.credentials)),
                    redact::MAX_MESSAGE_CHARS,
                )
            })
        })
    }

    async fn send(
        &self,
        replica: &Replica,
        id: &SessionId,
        timeout: Duration,
    ) -> Result<Option<Item>, StoreError> {
        let table = &replica.table;
        let now = UNIX_EPOCH + Duration::from_millis(self.clock.now_millis().max(0.0) as u64);
        let get_item = GetItem {
            table,
            id: id.as_str(),
            consistent_read: self.consistent_read,
        };
        let signed = get_item.sign(&self.credentials, now)?;
        // The URL parsed once per isolate, unless signing produced another
        // spelling; `None` lets reqwest report an unparsable one.
        let parsed;
        let asked = match &replica.url {
            Some(url) if url.as_str() == signed.url => Some(url),
            _ => {
                parsed = reqwest::Url::parse(&signed.url).ok();
                parsed.as_ref()
            }
        };
        let post = match asked {
            Some(url) => self.client.post(url.clone()),
            None => self.client.post(&signed.url),
        };
        let mut builder = crate::http::no_redirects(post.timeout(timeout)).body(signed.body);
        for (name, value) in &signed.headers {
            builder = builder.header(name, value);
        }
        let timeout_ms = timeout.as_millis() as u64;
        let response = builder
            .send()
            .await
            .map_err(|e| transport_error(table, &e, timeout_ms))?;
        let status = response.status().as_u16();
        // A redirect is not followed (`http::no_redirects`), and an answer from
        // anywhere but the endpoint is not DynamoDB's: neither is trusted.
        if asked != Some(response.url()) || (300..400).contains(&status) {
            return Err(StoreError::Body {
                status,
                problem: "the endpoint answered with a redirect, which is not followed".to_owned(),
                retryable: false,
            });
        }
        let too_large = || StoreError::Body {
            status,
            problem: format!("answer larger than {MAX_BODY_BYTES} bytes"),
            retryable: false,
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BODY_BYTES)
        {
            return Err(too_large());
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (crc32, content_encoding) = (header("x-amz-crc32"), header("content-encoding"));
        let body =
            response
                .bytes()
                .await
                .map_err(|e| match transport_error(table, &e, timeout_ms) {
                    StoreError::Timeout(ms) => StoreError::Timeout(ms),
                    _ => StoreError::Body {
                        status,
                        problem: "the body could not be read in full".to_owned(),
                        retryable: true,
                    },
                })?;
        if body.len() as u64 > MAX_BODY_BYTES {
            return Err(too_large());
        }
        let answer = Answer {
            status,
            crc32: crc32.as_deref(),
            content_encoding: content_encoding.as_deref(),
            body: &body,
        };
        interpret(answer, table)
    }

    /// The replica for the next attempt: the nearest not yet tried whose
    /// breaker admits it; when every breaker is open, the next in order
    /// anyway (a read must go somewhere).
    fn pick(
        &self,
        order: &[usize],
        cursor: &Cell<usize>,
        events: &RefCell<Vec<RegionEvent>>,
        tried: &RefCell<Vec<String>>,
    ) -> Option<&Replica> {
        let now_ms = self.clock.now_millis();
        let len = order.len().max(1);
        let start = cursor.get();
        for step in 0..len {
            let replica = order
                .get((start + step) % len)
                .and_then(|i| self.replicas.get(*i))?;
            let (admitted, transition) = if self.replicas.len() > 1 {
                replica.breaker.admit(now_ms)
            } else {
                (true, None)
            };
            if let Some(transition) = transition {
                events.borrow_mut().push(RegionEvent::new(
                    &replica.table.region,
                    transition,
                    "cool-down over: probing",
                ));
            }
            if admitted {
                cursor.set(start + step + 1);
                return Some(replica);
            }
            let skipped = format!("{}: breaker open", replica.table.region);
            if !tried.borrow().contains(&skipped) {
                tried.borrow_mut().push(skipped);
            }
        }
        cursor.set(start + 1);
        order.get(start % len).and_then(|i| self.replicas.get(*i))
    }
}

fn transport_error(table: &Table, error: &reqwest::Error, timeout_ms: u64) -> StoreError {
    // On wasm, reqwest's fetch backend reports its timeout as a JS error
    // (`reqwest::errors::TimedOut`) for which `is_timeout()` is false.
    let cause = error_chain(error);
    if error.is_timeout() || cause.contains("TimedOut") || cause.contains("aborted") {
        StoreError::Timeout(timeout_ms)
    } else {
        let host = table
            .endpoint
            .split_once("://")
            .map_or(table.endpoint.as_str(), |(_, host)| host);
        StoreError::Connect {
            host: host.to_owned(),
            cause,
        }
    }
}

impl<C: Clock> StatusStore for DynamoStore<C> {
    /// A retryable failure in one region moves the next attempt to the
    /// next-nearest replica, inside the same deadline; anything else (an
    /// item, no item, a malformed item, rejected credentials) is the answer.
    async fn get(&self, id: &SessionId, near: Option<&Location>) -> Read {
        let names: Vec<&str> = self
            .replicas
            .iter()
            .map(|r| r.table.region.as_str())
            .collect();
        let order = nearest_first(&names, near);
        let cursor = Cell::new(0);
        let events = RefCell::new(Vec::new());
        let tried = RefCell::new(Vec::new());
        let (result, tally) = self
            .retry
            .run_within(&self.quota, &self.clock, self.jitter, |_, timeout| {
                let replica = self.pick(&order, &cursor, &events, &tried);
                let (events, tried) = (&events, &tried);
                async move {
                    let Some(replica) = replica else {
                        return Err(StoreError::Signing(
                            "no DynamoDB region configured".to_owned(),
                        ));
                    };
                    let result = self.attempt(replica, id, timeout).await;
                    let region = replica.table.region.as_str();
                    let transition = match &result {
                        Err(error) if error.is_retryable() => {
                            tried
                                .borrow_mut()
                                .push(format!("{region}: {}", error.kind()));
                            replica.breaker.failure(self.clock.now_millis())
                        }
                        _ => {
                            tried.borrow_mut().push(format!("{region}: answered"));
                            replica.breaker.success()
                        }
                    };
                    if let (Some(transition), true) = (transition, self.replicas.len() > 1) {
                        let cause = match &result {
                            Err(error) => error.kind(),
                            Ok(_) => "answered",
                        };
                        events
                            .borrow_mut()
                            .push(RegionEvent::new(region, transition, cause));
                    }
                    result
                }
            })
            .await;
        Read {
            result,
            attempts: tally.attempts,
            quota_exhausted: tally.quota_exhausted,
            tried: tried.into_inner(),
            events: events.into_inner(),
        }
    }
}

/// The error and its sources in one line, without the runtime's wrappers
/// (`JsValue(TypeError: Network connection lost.)` → `TypeError: Network
/// connection lost.`).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let shown = cause.to_string();
        if !text.contains(&shown) {
            text.push_str(": ");
            text.push_str(&shown);
        }
        source = cause.source();
    }
    text.replace("JsValue(", "").replace(')', "")
}
