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
use crate::reply::Reply;
use crate::service::{Deps, Incoming, Outcome};
use crate::session_id::SessionId;
use crate::setup::Setup;
use crate::store::StatusStore;
use crate::timestamp::from_unix_millis;
use crate::transform::{document_from_item, pending_default};

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

/// Followers wait at most as long as the leader's own deadline allows.
const LEADER_GRACE: Duration = Duration::from_millis(250);

pub(super) async fn status<S, E, C>(
    incoming: &Incoming,
    deps: &Deps<'_, S, E, C>,
    id: &SessionId,
) -> Outcome
where
    S: StatusStore,
    E: EdgeCache,
    C: Clock,
{
    let setup = match &deps.isolate.setup {
        Ok(setup) => setup,
        Err(error) => return failure(incoming, id, ApiError::from(error.clone()), None),
    };
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
        return Outcome { reply, log: None };
    }

    let max_wait = config.retry.deadline + LEADER_GRACE;
    let (fetched, role) = deps
        .isolate
        .coalescer
        .run(&key, deps.clock, max_wait, || fetch(setup, id, now_ms))
        .await;
    let store_ms = deps.clock.now_millis() - now_ms;
    let document = match fetched.result {
        Ok(document) => document,
        Err(error) => return failure(incoming, id, error, Some(fetched.attempts)),
    };
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
    let shared = if role == Role::Follower {
        ", shared"
    } else {
        ""
    };
    reply.set_header(
        "server-timing",
        format!(
            "store;dur={store_ms:.1};desc=\"{} attempt(s){shared}\"",
            fetched.attempts
        ),
    );
    Outcome { reply, log: None }
}

/// The answer from a cache entry, if it is still fresh.
fn hit_reply(incoming: &Incoming, entry: &Entry, tier: Tier, now_ms: f64) -> Option<Reply> {
    let freshness = entry.freshness(now_ms)?;
    let mut reply = document_reply(incoming, entry.body.clone(), &entry.etag);
    headers::hit(&mut reply, entry.ttl, freshness, tier);
    Some(reply)
}

/// Reads the store and renders the document.
async fn fetch<S: StatusStore>(setup: &Setup<S>, id: &SessionId, now_ms: f64) -> Fetched {
    let read = setup.store.get(id).await;
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

/// The error reply plus its one structured log line.
fn failure(incoming: &Incoming, id: &SessionId, error: ApiError, attempts: Option<u32>) -> Outcome {
    let log = ErrorLog {
        level: "error",
        event: "workflow_status_failed",
        kind: error.kind(),
        status: error.status(),
        retryable: error.is_retryable(),
        session_id: Some(id.as_str()),
        correlation_id: &incoming.correlation_id,
        attempts,
        message: error.log_message(),
    };
    let mut reply = error.to_reply();
    headers::never(&mut reply);
    Outcome {
        reply,
        log: Some(log.to_line()),
    }
}
