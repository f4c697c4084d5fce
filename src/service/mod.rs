//! The request path, platform-free: route → cache → store → transform →
//! response. The Worker shell supplies the runtime pieces (store transport,
//! edge cache, clock) and copies the `Reply` out.

mod status;

use crate::auth::{AuthGate, Open};
use crate::cache::EdgeCache;
use crate::cache::memory::MemoryCache;
use crate::clock::Clock;
use crate::coalesce::Coalescer;
use crate::cors::CorsPolicy;
use crate::error::ApiError;
use crate::metrics::MetricsSink;
use crate::rate_limit::RateLimiter;
use crate::regions::Location;
use crate::reply::Reply;
use crate::route::{HEALTH_METHODS, Route, STATUS_METHODS, route};
use crate::settings::ConfigError;
use crate::setup::Setup;
use crate::store::StatusStore;

pub use status::Fetched;

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
    /// The client's address (`cf-connecting-ip`), for the rate limit.
    pub client: Option<String>,
    /// Where the request is served (`request.cf`), for the nearest replica.
    pub location: Option<Location>,
    pub authorization: Option<Authorization>,
    pub correlation_id: String,
}

/// Whether a request with this method is looked at for CORS preflight
/// headers (`Access-Control-Request-*`): only `OPTIONS` is.
pub fn reads_preflight_headers(method: &str) -> bool {
    method == "OPTIONS"
}

/// The `Authorization` header's value. `Debug` never shows it: a token
/// must not reach a log line.
#[derive(Clone, Default)]
pub struct Authorization(pub String);

impl std::fmt::Debug for Authorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Authorization(<redacted>)")
    }
}

/// What to send, and what to log: one line per failed request, plus one
/// per region breaker that changed state.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub reply: Reply,
    pub log: Vec<String>,
}

/// Everything an isolate keeps between requests.
pub struct Isolate<S> {
    pub setup: Result<Setup<S>, ConfigError>,
    /// Requests in flight share store reads through it.
    pub coalescer: Coalescer<Fetched>,
    /// Answers this isolate has seen, in front of the edge cache.
    pub memory: MemoryCache,
    /// The deployed version's id, when the runtime tells it.
    pub version: Option<String>,
    /// Who may read: open unless the settings turn authentication on.
    pub auth: Box<dyn AuthGate>,
}

impl<S> Isolate<S> {
    pub fn new(setup: Result<Setup<S>, ConfigError>) -> Self {
        Isolate {
            setup,
            coalescer: Coalescer::default(),
            memory: MemoryCache::default(),
            version: None,
            auth: Box::new(Open),
        }
    }

    /// Whether the `Authorization` header is looked at (authentication on):
    /// else the shell need not read it.
    pub fn wants_authorization(&self) -> bool {
        !self.auth.is_open()
    }

    /// Whether reads depend on where a request is served (several
    /// replicas): the shell then reads the location, else it need not.
    pub fn wants_location(&self) -> bool {
        self.setup
            .as_ref()
            .is_ok_and(|setup| setup.config.replicas.len() > 1)
    }

    pub fn with_auth(mut self, auth: Box<dyn AuthGate>) -> Self {
        self.auth = auth;
        self
    }

    /// Only ids that can travel in a header are kept.
    pub fn with_version(mut self, version: Option<String>) -> Self {
        self.version = version
            .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()));
        self
    }
}

/// What one request is served with.
pub struct Deps<'a, S, E, C, L> {
    pub isolate: &'a Isolate<S>,
    pub edge: &'a E,
    pub clock: &'a C,
    /// The per-client abuse guard ([`crate::rate_limit::NoLimit`] for none).
    pub limiter: &'a L,
    /// Where each status request's data point goes.
    pub metrics: &'a dyn MetricsSink,
}

pub async fn serve<S, E, C, L>(incoming: &Incoming, deps: &Deps<'_, S, E, C, L>) -> Outcome
where
    S: StatusStore,
    E: EdgeCache,
    C: Clock,
    L: RateLimiter,
{
    let default_cors = CorsPolicy::default();
    let cors = match &deps.isolate.setup {
        Ok(setup) => &setup.config.cors,
        Err(_) => &default_cors,
    };
    let mut outcome = respond(incoming, deps, cors).await;
    cors.apply(incoming.origin.as_deref(), &mut outcome.reply);
    outcome
        .reply
        .set_header("x-correlation-id", incoming.correlation_id.clone());
    if let Some(version) = &deps.isolate.version {
        outcome
            .reply
            .set_header("x-worker-version", version.clone());
    }
    if incoming.method == "HEAD" {
        // The length GET would send (RFC 9110 section 9.3.2), the body not.
        let length = outcome.reply.body.len();
        outcome
            .reply
            .set_header("content-length", length.to_string());
        outcome.reply.body.clear();
    }
    outcome
}

async fn respond<S, E, C, L>(
    incoming: &Incoming,
    deps: &Deps<'_, S, E, C, L>,
    cors: &CorsPolicy,
) -> Outcome
where
    S: StatusStore,
    E: EdgeCache,
    C: Clock,
    L: RateLimiter,
{
    let plain = |reply| Outcome {
        reply,
        log: Vec::new(),
    };
    let route = match route(&incoming.path) {
        Ok(route) => route,
        Err(error) => return plain(ApiError::from(error).to_reply()),
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
        _ => return plain(ApiError::MethodNotAllowed { allow: methods }.to_reply()),
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
        Route::Status(id) => status::status(incoming, deps, &id).await,
    }
}
