//! The DynamoDB store: a SigV4-signed GetItem over HTTP with `reqwest`,
//! which uses hyper natively (tests) and `fetch` inside the Worker.

pub mod request;
pub mod response;

use std::time::{Duration, UNIX_EPOCH};

use crate::config::{Config, Credentials};
use crate::retry::Clock;
use crate::session_id::SessionId;
use crate::store::{Read, StatusStore, StoreError};

use request::GetItem;
use response::{Context, interpret};

pub struct DynamoStore<C> {
    config: Config,
    credentials: Credentials,
    client: reqwest::Client,
    clock: C,
    jitter: fn() -> f64,
}

impl<C: Clock> DynamoStore<C> {
    /// `jitter` returns a uniform random number in [0, 1) for backoff.
    pub fn new(config: Config, credentials: Credentials, clock: C, jitter: fn() -> f64) -> Self {
        DynamoStore {
            config,
            credentials,
            client: client(),
            clock,
            jitter,
        }
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    fn request<'a>(&'a self, id: &'a SessionId) -> GetItem<'a> {
        GetItem {
            endpoint: &self.config.endpoint,
            region: &self.config.region,
            table: &self.config.table,
            key_attribute: &self.config.key_attribute,
            id: id.as_str(),
            consistent_read: self.config.consistent_read,
        }
    }

    /// One attempt: sign at the current time (a retry must not reuse an old
    /// signature), send, read the whole body within `timeout`.
    async fn attempt(
        &self,
        id: &SessionId,
        timeout: Duration,
    ) -> Result<Option<crate::attribute::Item>, StoreError> {
        let now = UNIX_EPOCH + Duration::from_millis(self.clock.now_millis().max(0.0) as u64);
        let signed = self.request(id).sign(&self.credentials, now)?;
        let mut builder = self
            .client
            .post(&signed.url)
            .timeout(timeout)
            .body(signed.body);
        for (name, value) in &signed.headers {
            builder = builder.header(name, value);
        }
        let timeout_ms = timeout.as_millis() as u64;
        let response = builder
            .send()
            .await
            .map_err(|e| transport_error(&e, timeout_ms))?;
        let status = response.status().as_u16();
        let crc32 = response
            .headers()
            .get("x-amz-crc32")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let content_encoding = response
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response
            .bytes()
            .await
            .map_err(|e| match transport_error(&e, timeout_ms) {
                StoreError::Timeout(ms) => StoreError::Timeout(ms),
                _ => StoreError::Body {
                    status,
                    problem: format!("the body could not be read in full ({})", error_chain(&e)),
                },
            })?;
        let context = Context {
            table: &self.config.table,
            region: &self.config.region,
            key_attribute: &self.config.key_attribute,
        };
        interpret(
            status,
            crc32.as_deref(),
            content_encoding.as_deref(),
            &body,
            context,
        )
    }
}

impl<C: Clock> StatusStore for DynamoStore<C> {
    async fn get(&self, id: &SessionId) -> Read {
        let (result, attempts) = self
            .config
            .retry
            .run(&self.clock, self.jitter, |_, timeout| {
                self.attempt(id, timeout)
            })
            .await;
        Read { result, attempts }
    }
}

fn client() -> reqwest::Client {
    #[cfg(not(target_arch = "wasm32"))]
    {
        // Proxies from the environment would send tests' loopback traffic elsewhere.
        reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap_or_else(|_| reqwest::Client::new())
    }
    #[cfg(target_arch = "wasm32")]
    {
        reqwest::Client::new()
    }
}

fn transport_error(error: &reqwest::Error, timeout_ms: u64) -> StoreError {
    // On wasm, reqwest's fetch backend reports its timeout as a JS error
    // (`reqwest::errors::TimedOut`) for which `is_timeout()` is false.
    let chain = error_chain(error);
    if error.is_timeout() || chain.contains("TimedOut") || chain.contains("aborted") {
        StoreError::Timeout(timeout_ms)
    } else {
        StoreError::Connect(chain)
    }
}

/// The error and its sources in one line ("error sending request: connection reset").
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
    text
}
