//! The Cloudflare Worker shell: binds the runtime (request, env, bindings, Cache
//! API, clock, console) to the platform-free service. It moves bytes, decides nothing.

use std::cell::OnceCell;
use std::rc::Rc;
use std::time::Duration;

use worker::{
    Cache, Context, Date, Delay, Env, Headers, Response, WorkerVersionMetadata, console_error,
    event, web_sys,
};

mod bindings;
mod response;
mod webcrypto;

use crate::auth::{Authenticator, HttpJwks, gate_for};
use crate::cache::{EdgeCache, Entry, stored};
use crate::clock::Clock;
use crate::correlation::correlation_id;
use crate::error::event_line;
use crate::route::path_and_query;
use crate::service::{Authorization, Deps, Incoming, Isolate, reads_preflight_headers, serve};
use crate::setup::Setup;
use crate::store::AnyStore;

/// What the shell keeps per isolate: the service's state and the runtime's
/// optional bindings, both built on the first request (vars, secrets and
/// bindings are fixed for an isolate's life).
struct Shell {
    isolate: Isolate<AnyStore<WorkerClock>>,
    bindings: bindings::Bindings,
}

impl Shell {
    fn from_env(env: &Env) -> Self {
        let lookup = |name: &str| env.var(name).ok().map(|value| value.to_string());
        let version = env.get_binding::<WorkerVersionMetadata>("VERSION").ok();
        let setup = Setup::from_vars(&lookup, WorkerClock, random);
        let auth = setup.as_ref().ok().map(|s| s.auth.clone());
        let isolate = Isolate::new(setup).with_version(version.map(|v| v.id()));
        let isolate = match auth {
            Some(auth) => isolate.with_auth(gate_for(
                Authenticator::new(auth, webcrypto::WebCrypto),
                HttpJwks::default(),
                WorkerClock,
            )),
            None => isolate,
        };
        Shell {
            isolate,
            bindings: bindings::Bindings::from_env(env),
        }
    }
}

thread_local! {
    static SHELL: OnceCell<Rc<Shell>> = const { OnceCell::new() };
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

fn random() -> f64 {
    js_sys::Math::random()
}

#[event(start)]
fn start() {
    // A panic would kill the isolate; at least leave one structured line.
    std::panic::set_hook(Box::new(|info| {
        console_error!("{}", event_line("error", "panic", &info.to_string()));
    }));
}

// Raw `web_sys` request and response, not `worker`'s wrappers: those copy every header
// and parse `request.cf` per request (seen in the hit path's profile).
#[event(fetch)]
async fn fetch(
    request: web_sys::Request,
    env: Env,
    ctx: Context,
) -> worker::Result<web_sys::Response> {
    let shell = SHELL.with(|cell| Rc::clone(cell.get_or_init(|| Rc::new(Shell::from_env(&env)))));
    let (isolate, bindings) = (&shell.isolate, &shell.bindings);
    let mut incoming = incoming(&request, isolate, bindings.limiter.is_bound());
    if isolate.wants_location() {
        incoming.location = Some(bindings::location(&request));
    }
    let edge = WorkersCache { ctx: &ctx };
    let deps = Deps {
        isolate,
        edge: &edge,
        clock: &WorkerClock,
        limiter: &bindings.limiter,
        metrics: &bindings.metrics,
    };
    let outcome = serve(&incoming, &deps).await;
    for line in &outcome.log {
        console_error!("{line}");
    }
    response::to_response(&outcome.reply)
        .map_err(|error| worker::Error::JsError(format!("{error:?}")))
}

/// Reads only the headers the service will look at: each read crosses
/// into JavaScript.
fn incoming<S>(request: &web_sys::Request, isolate: &Isolate<S>, limited: bool) -> Incoming {
    let headers = request.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let header_if = |wanted: bool, name: &str| if wanted { header(name) } else { None };
    let url = request.url();
    let (path, query) = path_and_query(&url);
    let method = request.method();
    let preflight = reads_preflight_headers(&method);
    Incoming {
        path: path.to_owned(),
        query: query.map(str::to_owned),
        origin: header("origin"),
        access_control_request_method: header_if(preflight, "access-control-request-method"),
        access_control_request_headers: header_if(preflight, "access-control-request-headers"),
        if_none_match: header("if-none-match"),
        client: header_if(limited, "cf-connecting-ip"),
        location: None,
        authorization: header_if(isolate.wants_authorization(), "authorization").map(Authorization),
        correlation_id: correlation_id(header("cf-ray"), random),
        method,
    }
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
    async fn lookup(&self, key: &str) -> Option<Entry> {
        let response = default_cache()?.get(key, false).await.ok()??;
        // The JS text() promise, not worker's chunk-by-chunk stream reader:
        // the profile of the hit path was dominated by that reader's calls.
        let response: web_sys::Response = response.into();
        let headers = response.headers();
        let text = wasm_bindgen_futures::JsFuture::from(response.text().ok()?)
            .await
            .ok()?;
        stored::from_response(|name| headers.get(name).ok().flatten(), text.as_string()?)
    }

    fn store(&self, key: String, entry: Entry) {
        self.ctx.wait_until(async move {
            let Some(cache) = default_cache() else { return };
            let headers = Headers::new();
            for (name, value) in stored::to_headers(&entry) {
                if headers.set(name, &value).is_err() {
                    return;
                }
            }
            let put = async {
                let response = Response::from_bytes(entry.body.into_bytes())?;
                cache
                    .put(key.as_str(), response.with_headers(headers))
                    .await
            };
            if let Err(error) = put.await {
                let line = event_line("warn", "cache_put_failed", &error.to_string());
                console_error!("{line}");
            }
        });
    }
}
