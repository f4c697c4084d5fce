use std::convert::TryInto;
use std::time::Duration;

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortController, AbortSignal};

mod body;
mod client;
/// TODO
#[cfg(feature = "multipart")]
pub mod multipart;
mod request;
mod response;

pub use self::body::Body;
pub use self::client::{Client, ClientBuilder};
pub use self::request::{Request, RequestBuilder};
pub use self::response::Response;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = "clearTimeout")]
    fn clear_timeout(handle: JsValue) -> JsValue;
}

// Headers cross between Rust and JS as one newline-separated block (names
// and values cannot hold a newline), one call instead of one per header, or
// several per header when reading a response's. The timeout's callback is
// plain JS, so arming it creates no Rust closure for the JS glue to track.
#[wasm_bindgen(inline_js = r#"
export function headers_from_block(block) {
  const headers = new Headers();
  if (block.length > 0) {
    const parts = block.split("\n");
    for (let i = 0; i + 1 < parts.length; i += 2) headers.append(parts[i], parts[i + 1]);
  }
  return headers;
}
export function headers_to_block(headers) {
  let block = "";
  for (const [name, value] of headers) {
    block += (block.length > 0 ? "\n" : "") + name + "\n" + value;
  }
  return block;
}
export function abort_after(controller, ms) {
  return setTimeout(() => controller.abort("reqwest::errors::TimedOut"), ms);
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    fn headers_from_block(block: &str) -> Result<web_sys::Headers, JsValue>;
    fn headers_to_block(headers: &web_sys::Headers) -> String;
    fn abort_after(controller: &AbortController, ms: i32) -> JsValue;
}

async fn promise<T>(promise: js_sys::Promise) -> Result<T, crate::error::BoxError>
where
    T: JsCast,
{
    use wasm_bindgen_futures::JsFuture;

    let js_val = JsFuture::from(promise).await.map_err(crate::error::wasm)?;

    js_val
        .dyn_into::<T>()
        .map_err(|_js_val| "promise resolved to unexpected type".into())
}

/// A guard that cancels a fetch request when dropped.
struct AbortGuard {
    ctrl: AbortController,
    timeout: Option<JsValue>,
    /// Set once the body has been read in full: nothing is left to cancel.
    done: bool,
}

impl AbortGuard {
    fn new() -> crate::Result<Self> {
        Ok(AbortGuard {
            ctrl: AbortController::new()
                .map_err(crate::error::wasm)
                .map_err(crate::error::builder)?,
            timeout: None,
            done: false,
        })
    }

    /// The exchange is over: dropping the guard need not abort anything.
    fn finish(&mut self) {
        self.done = true;
    }

    fn signal(&self) -> AbortSignal {
        self.ctrl.signal()
    }

    fn timeout(&mut self, timeout: Duration) {
        let timeout = abort_after(
            &self.ctrl,
            timeout.as_millis().try_into().expect("timeout"),
        );
        if let Some(id) = self.timeout.replace(timeout) {
            clear_timeout(id);
        }
    }
}

impl Drop for AbortGuard {
    fn drop(&mut self) {
        // Aborting a finished exchange only costs a runtime call per request.
        if !self.done {
            self.ctrl.abort();
        }
        if let Some(id) = self.timeout.take() {
            clear_timeout(id);
        }
    }
}
