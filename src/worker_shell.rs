//! The Cloudflare Worker shell: binds the runtime (request, env, Cache API,
//! clock, console) to the platform-free service. Nothing here decides
//! anything about the contract.

use std::cell::OnceCell;
use std::rc::Rc;
use std::time::Duration;

use worker::{Cache, Context, Date, Delay, Env, Headers, Response, console_error, event, web_sys};

use crate::coalesce::Coalescer;
use crate::config::{Config, ConfigError};
use crate::memory_cache::{Layered, MemoryCache};
use crate::reply::Reply;
use crate::retry::Clock;
use crate::route::path_and_query;
use crate::service::{CachedAnswer, Deps, EdgeCache, Fetched, Incoming, new_correlation_id, serve};
use crate::store::{AnyStore, StoreError};

/// What a request needs from the Worker's vars and secrets. They are fixed
/// for the life of an isolate, so this is built once per isolate, not per
/// request (and the store's HTTP client is reused).
struct Setup {
    config: Result<Config, ConfigError>,
    store: Result<Rc<AnyStore<WorkerClock>>, StoreError>,
}

impl Setup {
    fn from_env(env: &Env) -> Self {
        let lookup = |name: &str| env.var(name).ok().map(|value| value.to_string());
        let config = Config::from_lookup(&lookup);
        let store = AnyStore::open(&config, &lookup, WorkerClock, jitter).map(Rc::new);
        Setup { config, store }
    }
}

thread_local! {
    static SETUP: OnceCell<Rc<Setup>> = const { OnceCell::new() };
    /// Requests in flight share store reads through it.
    static COALESCER: Rc<Coalescer<Fetched>> = Rc::new(Coalescer::default());
    /// Answers this isolate has seen, in front of the edge cache.
    static MEMORY: Rc<MemoryCache> = Rc::new(MemoryCache::default());
}

#[derive(Clone, Copy)]
struct WorkerClock;

impl Clock for WorkerClock {
    fn now_millis(&self) -> f64 {
        Date::now().as_millis() as f64
    }
    async fn sleep(&self, duration: Duration) {
        Delay::from(duration).await;
    }
}

fn jitter() -> f64 {
    js_sys::Math::random()
}

#[event(start)]
fn start() {
    // A panic would kill the isolate; at least leave one structured line.
    std::panic::set_hook(Box::new(|info| {
        let line = serde_json::json!({
            "level": "error",
            "event": "panic",
            "message": info.to_string(),
        });
        console_error!("{line}");
    }));
}

// The raw `web_sys` request and response, not `worker`'s wrappers: those
// copy every header across and parse `request.cf` on each request, which
// showed in the hit path's profile; this handler reads five headers.
#[event(fetch)]
async fn fetch(
    request: web_sys::Request,
    env: Env,
    ctx: Context,
) -> worker::Result<web_sys::Response> {
    let incoming = incoming(&request);
    let setup = SETUP.with(|cell| Rc::clone(cell.get_or_init(|| Rc::new(Setup::from_env(&env)))));
    let coalescer = COALESCER.with(Rc::clone);
    let memory = MEMORY.with(Rc::clone);
    let now = || Date::now().as_millis() as f64;
    let edge = WorkersCache { ctx: &ctx };
    let cache = Layered {
        memory: &memory,
        edge: &edge,
        now_ms: &now,
    };
    let deps = Deps {
        config: &setup.config,
        store: &setup.store,
        cache: &cache,
        coalescer: &coalescer,
        clock: &WorkerClock,
        now_ms: &now,
    };
    let outcome = serve(&incoming, &deps).await;
    if let Some(line) = &outcome.log {
        console_error!("{line}");
    }
    to_response(outcome.reply).map_err(|error| worker::Error::JsError(format!("{error:?}")))
}

fn incoming(request: &web_sys::Request) -> Incoming {
    let headers = request.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let url = request.url();
    let (path, query) = path_and_query(&url);
    Incoming {
        method: request.method(),
        path: path.to_owned(),
        query: query.map(str::to_owned),
        origin: header("origin"),
        access_control_request_method: header("access-control-request-method"),
        access_control_request_headers: header("access-control-request-headers"),
        if_none_match: header("if-none-match"),
        correlation_id: header("cf-ray")
            .filter(|ray| !ray.is_empty() && ray.len() <= 128)
            .unwrap_or_else(|| new_correlation_id(jitter)),
    }
}

fn to_response(reply: Reply) -> Result<web_sys::Response, wasm_bindgen::JsValue> {
    let headers = web_sys::Headers::new()?;
    for (name, value) in &reply.headers {
        // Values are built by the service from validated text; a value the
        // runtime still refuses is dropped rather than failing the request.
        let _ = headers.set(name, value);
    }
    let init = web_sys::ResponseInit::new();
    init.set_status(reply.status);
    init.set_headers(&headers);
    let body = (!reply.body.is_empty()).then_some(reply.body.as_str());
    web_sys::Response::new_with_opt_str_and_init(body, &init)
}

/// The Workers Cache API behind the service's `EdgeCache`.
struct WorkersCache<'a> {
    ctx: &'a Context,
}

fn default_cache() -> Option<Cache> {
    // `Cache::default()` unwraps `caches`; check first so a runtime without
    // one (Node, in tests) degrades to no caching instead of a panic.
    let global = js_sys::global();
    js_sys::Reflect::has(&global, &"caches".into())
        .unwrap_or(false)
        .then(Cache::default)
}

impl EdgeCache for WorkersCache<'_> {
    async fn lookup(&self, key: &str) -> Option<CachedAnswer> {
        let response = default_cache()?.get(key, false).await.ok()??;
        let header = |name: &str| response.headers().get(name).ok().flatten();
        let etag = header("etag")?;
        let stored_at_ms = header("x-stored-at")?.parse().ok()?;
        let ttl = header("x-edge-ttl")?.parse().ok()?;
        // The JS text() promise, not worker's chunk-by-chunk stream reader:
        // the profile of the hit path was dominated by that reader's calls.
        let response: web_sys::Response = response.into();
        let text = wasm_bindgen_futures::JsFuture::from(response.text().ok()?)
            .await
            .ok()?;
        Some(CachedAnswer {
            body: text.as_string()?,
            etag,
            stored_at_ms,
            ttl,
            tier: "edge",
        })
    }

    fn store(&self, key: String, answer: CachedAnswer) {
        self.ctx.wait_until(async move {
            let Some(cache) = default_cache() else { return };
            let headers = Headers::new();
            let set = [
                ("content-type", "application/json".to_owned()),
                ("cache-control", format!("max-age={}", answer.ttl)),
                ("etag", answer.etag),
                ("x-stored-at", answer.stored_at_ms.to_string()),
                ("x-edge-ttl", answer.ttl.to_string()),
            ];
            if set
                .iter()
                .any(|(name, value)| headers.set(name, value).is_err())
            {
                return;
            }
            let stored = match Response::from_bytes(answer.body.into_bytes()) {
                Ok(response) => {
                    cache
                        .put(key.as_str(), response.with_headers(headers))
                        .await
                }
                Err(error) => Err(error),
            };
            if let Err(error) = stored {
                let line = serde_json::json!({
                    "level": "warn",
                    "event": "cache_put_failed",
                    "message": error.to_string(),
                });
                console_error!("{line}");
            }
        });
    }
}
