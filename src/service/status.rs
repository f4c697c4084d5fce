//! `GET /api/workflow/{id}/status`: a cache hit, or one (shared) store
//! read rendered to the document, kept for its period.

use std::time::Duration;

use crate::cache::headers::{self, Tier};
use crate::cache::memory::Layered;
use crate::cache::policy::Answer;
use crate::cache::validators::{etag, if_none_match_hits};
use crate::cache::{EdgeCache, Entry};
use crate::clock::Clock;
use crate::coalesce::Role;
use crate::error::{ApiError, ErrorLog};
use crate::metrics::{DataPoint, State, Tier as Source};
use crate::rate_limit::{RateLimiter, too_many_requests};
use crate::regions::Location;
use crate::reply::Reply;
use crate::service::{Deps, Incoming, Outcome};
use crate::session_id::SessionId;
use crate::setup::Setup;
use crate::store::{RegionEvent, StatusStore};
use crate::timestamp::from_unix_millis;
use crate::transform::{document_from_item, pending_default};

/// The outcome of one store read + transform, shared by coalesced requests.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub result: Result<Document, ApiError>,
    pub attempts: u32,
    /// A retry was wanted but the isolate's retry quota was empty.
    pub quota_exhausted: bool,
    /// Each attempt's region and outcome (`eu-west-1: timeout`).
    pub tried: Vec<String>,
    /// Breaker changes the read caused.
    pub events: Vec<RegionEvent>,
}

impl Fetched {
    /// `Server-Timing` for the read: its time and attempts, whether it was
    /// shared or short of retries, and with several replicas each region
    /// tried and how it went (the last one answered, if any did).
    fn timing(&self, store_ms: f64, shared: bool, regional: bool) -> String {
        let mut desc = format!("{} attempt(s)", self.attempts);
        if shared {
            desc.push_str(", shared");
        }
        if self.quota_exhausted {
            desc.push_str(", retry quota empty");
        }
        if regional && !self.tried.is_empty() {
            desc.push_str("; ");
            desc.push_str(&self.tried.join(", "));
        }
        format!("store;dur={store_ms:.1};desc=\"{desc}\"")
    }
}

#[derive(Debug, Clone)]
pub struct Document {
    pub body: String,
    /// `None` for the pending default.
    pub overall_status: Option<String>,
}

/// Followers wait at most as long as the leader's own deadline allows.
const LEADER_GRACE: Duration = Duration::from_millis(250);

/// One status request: its answer, and its data point for the metrics.
pub(super) async fn status<S, E, C, L>(
    incoming: &Incoming,
    deps: &Deps<'_, S, E, C, L>,
    id: &SessionId,
) -> Outcome
where
    S: StatusStore,
    E: EdgeCache,
    C: Clock,
    L: RateLimiter,
{
    let (outcome, point) = answer(incoming, deps, id).await;
    deps.metrics.record(point);
    outcome
}

/// A point for an answer that read nothing.
fn unread(tier: Source, state: State, status: u16) -> DataPoint {
    DataPoint {
        tier,
        state,
        status,
        attempts: 0,
        store_ms: 0.0,
    }
}

fn state_of(document: &Document) -> State {
    match document.overall_status.as_deref() {
        Some("completed" | "failed") => State::Finished,
        Some(_) => State::Running,
        None => State::Pending,
    }
}

async fn answer<S, E, C, L>(
    incoming: &Incoming,
    deps: &Deps<'_, S, E, C, L>,
    id: &SessionId,
) -> (Outcome, DataPoint)
where
    S: StatusStore,
    E: EdgeCache,
    C: Clock,
    L: RateLimiter,
{
    // Before any cache or store work: an abusive client costs nothing.
    let client = incoming.client.as_deref().unwrap_or("unknown");
    if !deps.limiter.allow(client).await {
        let reply = too_many_requests();
        let point = unread(Source::Bypass, State::Failed, reply.status);
        return (
            Outcome {
                reply,
                log: Vec::new(),
            },
            point,
        );
    }
    let setup = match &deps.isolate.setup {
        Ok(setup) => setup,
        Err(error) => {
            let outcome = failure(incoming, id, ApiError::from(error.clone()), None);
            let point = unread(Source::Bypass, State::Failed, outcome.reply.status);
            return (outcome, point);
        }
    };
    // Decided before any cache lookup or store read: a refused request
    // costs no DynamoDB read and never sees a cached body.
    if !deps.isolate.auth.is_open() {
        let authorization = incoming.authorization.as_ref().map(|a| a.0.as_str());
        let now_ms = deps.clock.now_millis();
        if let Err(refusal) = deps.isolate.auth.check(authorization, now_ms).await {
            let reply = refusal.to_reply();
            let log = vec![refusal.log_line(&incoming.correlation_id, id.as_str())];
            let point = unread(Source::Bypass, State::Failed, reply.status);
            return (Outcome { reply, log }, point);
        }
    }
    let config = &setup.config;
    let key = config.cache_keys.key(id);
    let cache = Layered {
        memory: &deps.isolate.memory,
        edge: deps.edge,
    };
    let now_ms = deps.clock.now_millis();

    if config.cache.enabled()
        && let Some((entry, tier)) = cache.lookup(&key, now_ms).await
        && let Some(reply) = hit_reply(incoming, &entry, tier, now_ms)
    {
        let source = match tier {
            Tier::Memory => Source::Memory,
            Tier::Edge => Source::Edge,
        };
        // A hit keeps no status text; its period says finished or running.
        let state = if entry.ttl == config.cache.finished_ttl {
            State::Finished
        } else {
            State::Running
        };
        let point = unread(source, state, reply.status);
        return (
            Outcome {
                reply,
                log: Vec::new(),
            },
            point,
        );
    }

    let max_wait = config.retry.deadline + LEADER_GRACE;
    let (fetched, role) = deps
        .isolate
        .coalescer
        .run(&key, deps.clock, max_wait, || {
            fetch(setup, id, now_ms, incoming.location.as_ref())
        })
        .await;
    let store_ms = deps.clock.now_millis() - now_ms;
    let regional = config.replicas.len() > 1;
    let timing = fetched.timing(store_ms, role == Role::Follower, regional);
    // The read's own breaker changes, logged once (not by its followers).
    let events: Vec<String> = match role {
        Role::Follower => Vec::new(),
        _ => fetched
            .events
            .iter()
            .map(|e| e.to_line(&incoming.correlation_id))
            .collect(),
    };
    let read = |tier, state, status| DataPoint {
        tier,
        state,
        status,
        attempts: fetched.attempts,
        store_ms,
    };
    let document = match fetched.result {
        Ok(document) => document,
        Err(error) => {
            let context = ReadContext {
                attempts: fetched.attempts,
                quota_exhausted: fetched.quota_exhausted,
                regions: (regional && !fetched.tried.is_empty()).then(|| fetched.tried.join(", ")),
            };
            let mut outcome = failure(incoming, id, error, Some(&context));
            outcome.reply.set_header("server-timing", timing);
            outcome.log.extend(events);
            let point = read(Source::Bypass, State::Failed, outcome.reply.status);
            return (outcome, point);
        }
    };
    let state = state_of(&document);
    let answer = match &document.overall_status {
        Some(overall_status) => Answer::Stored { overall_status },
        None => Answer::Pending,
    };
    let ttl = config.cache.ttl(answer);
    let tag = etag(&document.body);
    if let Some(ttl) = ttl {
        let entry = Entry {
            body: document.body.clone(),
            etag: tag.clone(),
            stored_at_ms: now_ms,
            ttl,
        };
        cache.store(key, entry, now_ms);
    }
    let mut reply = document_reply(incoming, document.body, &tag);
    headers::miss(&mut reply, ttl);
    reply.set_header("server-timing", timing);
    let tier = if ttl.is_some() {
        Source::Miss
    } else {
        Source::Bypass
    };
    let point = read(tier, state, reply.status);
    (Outcome { reply, log: events }, point)
}

/// The answer from a cache entry, if it is still fresh.
fn hit_reply(incoming: &Incoming, entry: &Entry, tier: Tier, now_ms: f64) -> Option<Reply> {
    let freshness = entry.freshness(now_ms)?;
    let mut reply = document_reply(incoming, entry.body.clone(), &entry.etag);
    headers::hit(&mut reply, entry.ttl, freshness, tier);
    Some(reply)
}

/// Reads the store and renders the document.
async fn fetch<S: StatusStore>(
    setup: &Setup<S>,
    id: &SessionId,
    now_ms: f64,
    near: Option<&Location>,
) -> Fetched {
    let read = setup.store.get(id, near).await;
    let now = from_unix_millis(now_ms as i64);
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
        quota_exhausted: read.quota_exhausted,
        tried: read.tried,
        events: read.events,
    }
}

/// A 200 with the document, or a 304 when the client already holds it.
fn document_reply(incoming: &Incoming, body: String, tag: &str) -> Reply {
    let reply = if incoming
        .if_none_match
        .as_deref()
        .is_some_and(|h| if_none_match_hits(h, tag))
    {
        Reply::empty(304)
    } else {
        Reply::json(200, body)
    };
    reply.with_header("etag", tag)
}

/// How a failed read went, for its answer and log line.
struct ReadContext {
    attempts: u32,
    quota_exhausted: bool,
    /// With several replicas: each region tried and how it went.
    regions: Option<String>,
}

/// The error reply plus its one structured log line.
fn failure(
    incoming: &Incoming,
    id: &SessionId,
    error: ApiError,
    read: Option<&ReadContext>,
) -> Outcome {
    let regions = read.and_then(|r| r.regions.as_deref());
    let with_regions = |text: String| match regions {
        Some(regions) => format!("{text} (regions tried: {regions})"),
        None => text,
    };
    let log = ErrorLog {
        level: "error",
        event: "workflow_status_failed",
        kind: error.kind(),
        status: error.status(),
        retryable: error.is_retryable(),
        session_id: Some(id.as_str()),
        correlation_id: &incoming.correlation_id,
        attempts: read.map(|r| r.attempts),
        retry_quota_exhausted: read.is_some_and(|r| r.quota_exhausted),
        message: with_regions(error.log_message()),
    };
    let mut reply = match regions {
        Some(_) => Reply::detail(error.status(), &with_regions(error.detail())),
        None => error.to_reply(),
    };
    headers::never(&mut reply);
    Outcome {
        reply,
        log: vec![log.to_line()],
    }
}
