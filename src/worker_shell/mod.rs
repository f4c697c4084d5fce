//! The Cloudflare Worker shell: binds the runtime (request, env, bindings, Cache
//! API, clock, console) to the platform-free service. It moves bytes, decides nothing.

use std::cell::OnceCell;
use std::rc::Rc;
use std::time::Duration;

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;
use worker::{
    Cache, Context, Delay, Env, Headers, Response, WorkerVersionMetadata, console_error, event,
    web_sys, worker_sys,
};

mod bindings;
mod request;
mod response;
mod webcrypto;

use crate::auth::{Authenticator, HttpJwks, gate_for};
use crate::cache::{EdgeCache, Entry, stored};
use crate::clock::Clock;
use crate::eager::{Eager, poll_once};
use crate::error::event_line;
use crate::service::{Deps, Isolate, serve};
use crate::setup::Setup;
use crate::store::AnyStore;

/// What the shell keeps per isolate: the service's state and the runtime's
/// optional bindings, both built on the first request (vars, secrets and
/// bindings are fixed for an isolate's life).
struct Shell {
    isolate: Isolate<AnyStore<WorkerClock>>,
    bindings: bindings::Bindings,
    headers: request::HeaderNames,
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
        let bindings = bindings::Bindings::from_env(env);
        let headers =
            request::HeaderNames::new(bindings.limiter.is_bound(), isolate.wants_authorization());
        Shell {
            isolate,
            bindings,
            headers,
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
        // The static `Date.now()`: `worker::Date::now()` allocates a `Date`
        // and reads it back, two crossings instead of one.
        js_sys::Date::now()
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

/// The Worker's `fetch` handler (what `#[event(fetch)]` would generate,
/// minus its promise for answers that need no I/O): the request runs
/// synchronously up to its first wait, so a memory-tier hit, a 304 or a
/// refusal returns its `Response` at once, and only a request that waits
/// (a store read, a Cache API lookup) becomes a `Promise`. Raw `web_sys`
/// request and response, not `worker`'s wrappers: those copy every header
/// and parse `request.cf` per request.
#[wasm_bindgen]
pub fn fetch(request: web_sys::Request, env: Env, ctx: worker_sys::Context) -> JsValue {
    match poll_once(handle(request, env, Context::new(ctx))) {
        Eager::Ready(response) => response,
        Eager::Pending(rest) => {
            wasm_bindgen_futures::future_to_promise(async move { Ok(rest.await) }).into()
        }
    }
}

async fn handle(request: web_sys::Request, env: Env, ctx: Context) -> JsValue {
    let shell = SHELL.with(|cell| Rc::clone(cell.get_or_init(|| Rc::new(Shell::from_env(&env)))));
    let (isolate, bindings) = (&shell.isolate, &shell.bindings);
    let mut incoming = request::incoming(&request, &shell.headers, random);
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
    response::to_response(&outcome.reply).unwrap_or_else(|error| {
        let line = event_line("error", "response_failed", &format!("{error:?}"));
        console_error!("{line}");
        response::internal_error()
    })
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
