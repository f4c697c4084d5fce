//! Authentication as the service meets it: one call per status request,
//! before any cache lookup or store read. The isolate holds one gate: open
//! when `AUTH_MODE` is off, else an [`Authenticator`] with the runtime's
//! verifier, a JWKS source and a coalescer so concurrent first requests
//! share one key-set fetch.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::authenticate::{Authenticator, Identity, JwksFetchError};
use super::failure::AuthFailure;
use super::settings::AuthMode;
use super::verify::SignatureVerifier;
use crate::clock::Clock;
use crate::coalesce::Coalescer;

/// The key-set fetch's own limit, well inside a request's deadline.
pub const JWKS_TIMEOUT: Duration = Duration::from_millis(2_000);

/// The largest key set read (Cognito's holds two keys, ~1 KB).
pub const MAX_JWKS_BYTES: u64 = 64 * 1024;

type Decision<'a> = Pin<Box<dyn Future<Output = Result<Identity, AuthFailure>> + 'a>>;

/// Decides who is asking. Object-safe, so the isolate can hold any gate.
pub trait AuthGate {
    /// `authorization` is the `Authorization` header's value, if any.
    fn check<'a>(&'a self, authorization: Option<&'a str>, now_ms: f64) -> Decision<'a>;

    /// True when everyone is let in without looking: the service then
    /// skips the call (and its allocation) on every request.
    fn is_open(&self) -> bool {
        false
    }
}

/// Authentication off: everyone is anonymous, the header is not read.
pub struct Open;

impl AuthGate for Open {
    fn check<'a>(&'a self, _authorization: Option<&'a str>, _now_ms: f64) -> Decision<'a> {
        Box::pin(async { Ok(Identity::Anonymous) })
    }

    fn is_open(&self) -> bool {
        true
    }
}

/// Where the key set comes from.
#[allow(async_fn_in_trait)]
pub trait JwksSource {
    /// The body of a 200 from `url`, at most [`MAX_JWKS_BYTES`], within `timeout`.
    async fn fetch(&self, url: &str, timeout: Duration) -> Result<Vec<u8>, JwksFetchError>;
}

/// The key set over HTTP with `reqwest` (`fetch` inside the Worker).
pub struct HttpJwks {
    client: reqwest::Client,
}

impl Default for HttpJwks {
    fn default() -> Self {
        HttpJwks {
            client: crate::http::client(),
        }
    }
}

impl JwksSource for HttpJwks {
    async fn fetch(&self, url: &str, timeout: Duration) -> Result<Vec<u8>, JwksFetchError> {
        let failed = |what: &str| JwksFetchError(format!("{what} ({url})"));
        let response = crate::http::no_redirects(self.client.get(url).timeout(timeout))
            .send()
            .await
            .map_err(|e| {
                failed(if e.is_timeout() {
                    "timed out"
                } else {
                    "unreachable"
                })
            })?;
        if response.status().as_u16() != 200 {
            return Err(failed(&format!("HTTP {}", response.status().as_u16())));
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_JWKS_BYTES)
        {
            return Err(failed("key set too large"));
        }
        let body = response
            .bytes()
            .await
            .map_err(|_| failed("body unreadable"))?;
        if body.len() as u64 > MAX_JWKS_BYTES {
            return Err(failed("key set too large"));
        }
        Ok(body.to_vec())
    }
}

/// Authentication on: tokens checked against the pool's key set.
pub struct Gate<V: SignatureVerifier, J, C> {
    authenticator: Authenticator<V>,
    jwks: J,
    clock: C,
    fetches: Coalescer<Result<Vec<u8>, JwksFetchError>>,
}

impl<V: SignatureVerifier, J: JwksSource, C: Clock> Gate<V, J, C> {
    pub fn new(authenticator: Authenticator<V>, jwks: J, clock: C) -> Self {
        Gate {
            authenticator,
            jwks,
            clock,
            fetches: Coalescer::default(),
        }
    }
}

impl<V: SignatureVerifier, J: JwksSource, C: Clock> AuthGate for Gate<V, J, C> {
    fn check<'a>(&'a self, authorization: Option<&'a str>, now_ms: f64) -> Decision<'a> {
        Box::pin(async move {
            let url = self.authenticator.jwks_url().unwrap_or_default();
            let fetch = || async {
                let max_wait = JWKS_TIMEOUT + Duration::from_millis(250);
                let (body, _) = self
                    .fetches
                    .run("jwks", &self.clock, max_wait, || {
                        self.jwks.fetch(&url, JWKS_TIMEOUT)
                    })
                    .await;
                body
            };
            self.authenticator
                .authenticate(authorization, now_ms, fetch)
                .await
        })
    }
}

/// The gate the settings call for: open when off.
pub fn gate_for<V, J, C>(authenticator: Authenticator<V>, jwks: J, clock: C) -> Box<dyn AuthGate>
where
    V: SignatureVerifier + 'static,
    J: JwksSource + 'static,
    C: Clock + 'static,
{
    if authenticator.mode() == AuthMode::Off {
        Box::new(Open)
    } else {
        Box::new(Gate::new(authenticator, jwks, clock))
    }
}
