//! The request path, platform-free: route → cache → store → transform →
//! response. The Worker shell supplies the runtime pieces (store transport,
//! edge cache, clock) and copies the `Reply` out.

use std::rc::Rc;

use chrono::{DateTime, Utc};

use crate::cache_policy::{Answer, cache_key, etag, if_none_match_hits};
use crate::coalesce::{Coalescer, Role};
use crate::config::{Config, ConfigError, Credentials};
use crate::cors::CorsPolicy;
use crate::error::{ApiError, ErrorLog};
use crate::reply::Reply;
use crate::retry::Retryable;
use crate::route::{HEALTH_METHODS, Route, STATUS_METHODS, route};
use crate::session_id::SessionId;
use crate::store::{AnyStore, StatusStore, StoreError};
use crate::timestamp::from_unix_millis;
use crate::transform::{document_from_item, pending_default};

/// The parts of an HTTP request the service looks at.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    pub method: String,
    /// The raw, still percent-encoded path, without the query string.
    pub path: String,
    pub query: Option<String>,
    pub origin: Option<String>,
    pub access_control_request_method: Option<String>,
    pub access_control_request_headers: Option<String>,
    pub if_none_match: Option<String>,
    pub correlation_id: String,
}

/// What to send, and what to log (one line per failed request).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub reply: Reply,
    pub log: Option<String>,
}

/// An answer as kept at the edge.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedAnswer {
    pub body: String,
    pub etag: String,
    pub stored_at_ms: f64,
    pub ttl: u32,
    /// Which cache answered: "memory" (this isolate) or "edge".
    pub tier: &'static str,
}

/// The edge cache, as the service needs it.
#[allow(async_fn_in_trait)]
pub trait EdgeCache {
    async fn lookup(&self, key: &str) -> Option<CachedAnswer>;
    /// Stores off the response path (the Worker hands it to `wait_until`).
    fn store(&self, key: String, answer: CachedAnswer);
}

/// No edge cache: every poll reads the store.
pub struct NoCache;

impl EdgeCache for NoCache {
    async fn lookup(&self, _key: &str) -> Option<CachedAnswer> {
        None
    }
    fn store(&self, _key: String, _answer: CachedAnswer) {}
}

/// The outcome of one store read + transform, shared by coalesced requests.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub result: Result<Document, ApiError>,
    pub attempts: u32,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub body: String,
    /// `None` for the pending default.
    pub overall_status: Option<String>,
}

/// Everything a request needs from its environment.
pub struct Deps<'a, C, E> {
    pub config: &'a Result<Config, ConfigError>,
    /// The store the configuration selects (an error when it cannot be opened).
    pub store: &'a Result<Rc<AnyStore<C>>, StoreError>,
    pub cache: &'a E,
    pub coalescer: &'a Coalescer<Fetched>,
    /// The runtime's timer, for followers waiting on a coalesced read.
    pub clock: &'a C,
    /// Milliseconds since the epoch, from the runtime's clock.
    pub now_ms: &'a dyn Fn() -> f64,
}

pub async fn serve<C, E>(incoming: &Incoming, deps: &Deps<'_, C, E>) -> Outcome
where
    C: crate::retry::Clock + 'static,
    E: EdgeCache,
{
    let default_cors = CorsPolicy::default();
    let cors = deps
        .config
        .as_ref()
        .map(|c| &c.cors)
        .unwrap_or(&default_cors);
    let mut outcome = respond(incoming, deps, cors).await;
    cors.apply(incoming.origin.as_deref(), &mut outcome.reply);
    outcome
        .reply
        .set_header("x-correlation-id", incoming.correlation_id.clone());
    if incoming.method == "HEAD" {
        outcome.reply.body.clear();
    }
    outcome
}

async fn respond<C, E>(incoming: &Incoming, deps: &Deps<'_, C, E>, cors: &CorsPolicy) -> Outcome
where
    C: crate::retry::Clock + 'static,
    E: EdgeCache,
{
    let plain = |reply| Outcome { reply, log: None };
    let route = match route(&incoming.path) {
        Ok(route) => route,
        Err(error) => return plain(ApiError::from(error).to_reply(None)),
    };
    let methods = match route {
        Route::Health => HEALTH_METHODS,
        _ => STATUS_METHODS,
    };
    match incoming.method.as_str() {
        "GET" | "HEAD" => {}
        // A preflight carries both; any other OPTIONS is an ordinary one.
        "OPTIONS" => {
            return plain(
                match (&incoming.origin, &incoming.access_control_request_method) {
                    (Some(origin), Some(_)) => cors.preflight(
                        origin,
                        incoming.access_control_request_headers.as_deref(),
                        methods,
                    ),
                    _ => Reply::empty(204).with_header("allow", methods),
                },
            );
        }
        _ if matches!(route, Route::TrailingSlash { .. }) => {}
        _ => return plain(ApiError::MethodNotAllowed { allow: methods }.to_reply(None)),
    }
    match route {
        Route::Health => plain(Reply::json(200, r#"{"status":"healthy"}"#.to_owned())),
        Route::TrailingSlash { location } => {
            let location = match &incoming.query {
                Some(query) => format!("{location}?{query}"),
                None => location,
            };
            plain(Reply::empty(307).with_header("location", location))
        }
        Route::Status(id) => status(incoming, deps, &id).await,
    }
}

async fn status<C, E>(incoming: &Incoming, deps: &Deps<'_, C, E>, id: &SessionId) -> Outcome
where
    C: crate::retry::Clock + 'static,
    E: EdgeCache,
{
    let config = match deps.config {
        Ok(config) => config,
        Err(error) => return failure(incoming, id, ApiError::from(error.clone()), None, None),
    };
    let store = match deps.store {
        Ok(store) => store,
        Err(error) => return failure(incoming, id, ApiError::from(error.clone()), None, None),
    };
    let key = cache_key(config, id);
    let now_ms = (deps.now_ms)();

    let hit = if config.cache.enabled() {
        deps.cache.lookup(&key).await
    } else {
        None
    };
    if let Some(hit) = hit {
        let age = ((now_ms - hit.stored_at_ms) / 1000.0).floor().max(0.0) as u32;
        if age < hit.ttl {
            let remaining = hit.ttl - age;
            let mut reply = document_reply(incoming, hit.body, &hit.etag, Some(remaining));
            reply.set_header("age", age.to_string());
            reply.set_header("x-cache", "HIT");
            reply.set_header(
                "cache-status",
                format!("workflow-status; hit; ttl={remaining}"),
            );
            return Outcome { reply, log: None };
        }
    }

    // Followers wait at most as long as the leader's own deadline allows.
    let max_wait = config.retry.deadline + std::time::Duration::from_millis(250);
    let now = from_unix_millis(now_ms as i64);
    let (fetched, role) = deps
        .coalescer
        .run(&key, deps.clock, max_wait, || fetch(store, id, now))
        .await;
    let store_ms = (deps.now_ms)() - now_ms;
    let credentials = store.credentials();
    let document = match fetched.result {
        Ok(document) => document,
        Err(error) => return failure(incoming, id, error, Some(fetched.attempts), credentials),
    };
    let answer = match &document.overall_status {
        Some(overall_status) => Answer::Stored { overall_status },
        None => Answer::Pending,
    };
    let ttl = config.cache.ttl(answer);
    let tag = etag(&document.body);
    if let Some(ttl) = ttl {
        deps.cache.store(
            key,
            CachedAnswer {
                body: document.body.clone(),
                etag: tag.clone(),
                stored_at_ms: now_ms,
                ttl,
                tier: "edge",
            },
        );
    }
    let mut reply = document_reply(incoming, document.body, &tag, ttl);
    reply.set_header("age", "0");
    reply.set_header("x-cache", if ttl.is_some() { "MISS" } else { "BYPASS" });
    reply.set_header(
        "cache-status",
        if ttl.is_some() {
            "workflow-status; fwd=miss; stored"
        } else {
            "workflow-status; fwd=bypass"
        },
    );
    reply.set_header(
        "server-timing",
        format!(
            "store;dur={store_ms:.1};desc=\"{} attempt(s){}\"",
            fetched.attempts,
            if role == Role::Follower {
                ", shared"
            } else {
                ""
            }
        ),
    );
    Outcome { reply, log: None }
}

/// Reads the store and renders the document.
async fn fetch<C: crate::retry::Clock>(
    store: &AnyStore<C>,
    id: &SessionId,
    now: DateTime<Utc>,
) -> Fetched {
    let read = store.get(id).await;
    let result = match read.result {
        Ok(Some(item)) => document_from_item(id.as_str(), &item, now)
            .map(|document| Document {
                body: document.to_json(),
                overall_status: Some(document.overall_status),
            })
            .map_err(ApiError::from),
        Ok(None) => Ok(Document {
            body: pending_default(id.as_str(), now).to_json(),
            overall_status: None,
        }),
        Err(error) => Err(ApiError::from(error)),
    };
    Fetched {
        result,
        attempts: read.attempts,
    }
}

/// A 200 with the document, or a 304 when the client already holds it.
/// The browser may keep it no longer than the edge still would.
fn document_reply(incoming: &Incoming, body: String, tag: &str, ttl: Option<u32>) -> Reply {
    let cache_control = match ttl {
        Some(seconds) => format!("max-age={seconds}"),
        None => "no-store".to_owned(),
    };
    let reply = if incoming
        .if_none_match
        .as_deref()
        .is_some_and(|h| if_none_match_hits(h, tag))
    {
        Reply::empty(304)
    } else {
        Reply::json(200, body)
    };
    reply
        .with_header("etag", tag)
        .with_header("cache-control", cache_control)
}

/// The error reply plus its one structured log line.
fn failure(
    incoming: &Incoming,
    id: &SessionId,
    error: ApiError,
    attempts: Option<u32>,
    credentials: Option<&Credentials>,
) -> Outcome {
    let log = ErrorLog {
        level: "error",
        event: "workflow_status_failed",
        kind: error.kind(),
        status: error.status(),
        retryable: error.is_retryable(),
        session_id: Some(id.as_str()),
        correlation_id: &incoming.correlation_id,
        attempts,
        message: error.log_message(credentials),
    };
    Outcome {
        reply: error
            .to_reply(credentials)
            .with_header("cache-control", "no-store"),
        log: Some(log.to_line()),
    }
}

/// A random UUID (version 4 layout) for requests that arrive without a
/// `cf-ray`; `random` returns uniform numbers in [0, 1).
pub fn new_correlation_id(mut random: impl FnMut() -> f64) -> String {
    let mut word = || u128::from((random() * f64::from(u32::MAX)) as u32);
    let bits = (word() << 96) | (word() << 64) | (word() << 32) | word();
    uuid::Builder::from_random_bytes(bits.to_be_bytes())
        .into_uuid()
        .hyphenated()
        .to_string()
}
