//! The service's `Reply` as the runtime's `Response`, in one crossing into
//! JavaScript: the headers travel as one newline-separated string, not one
//! `Headers.set` call each (those calls led the hit path's CPU profile).

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;
use worker::web_sys;

use crate::reply::Reply;

#[wasm_bindgen(inline_js = r#"
export function respond(status, body, block) {
  const headers = new Headers();
  if (block.length > 0) {
    const parts = block.split("\n");
    for (let i = 0; i + 1 < parts.length; i += 2) {
      try { headers.set(parts[i], parts[i + 1]); } catch (_) { /* refused value: dropped */ }
    }
  }
  // A null-body status (204, 304) and HEAD answers must have no body at all.
  return new Response(body.length > 0 ? body : null, { status, headers });
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    fn respond(status: u16, body: &str, block: &str) -> Result<JsValue, JsValue>;
}

pub fn to_response(reply: &Reply) -> Result<JsValue, JsValue> {
    // Header values come from the service, built from validated text; one
    // holding a newline (which HTTP forbids anyway) would shift the pairs,
    // so it takes the slow path instead.
    let separated = reply
        .headers
        .iter()
        .all(|(name, value)| !name.contains('\n') && !value.contains('\n'));
    if !separated {
        return one_by_one(reply);
    }
    let mut block = String::with_capacity(512);
    for (name, value) in &reply.headers {
        if !block.is_empty() {
            block.push('\n');
        }
        block.push_str(name);
        block.push('\n');
        block.push_str(value);
    }
    respond(reply.status, &reply.body, &block)
}

/// The answer when the runtime refused to build the service's reply.
pub fn internal_error() -> JsValue {
    let init = web_sys::ResponseInit::new();
    init.set_status(500);
    let body = r#"{"detail":"Failed to build the response"}"#;
    web_sys::Response::new_with_opt_str_and_init(Some(body), &init)
        .map_or(JsValue::UNDEFINED, JsValue::from)
}

fn one_by_one(reply: &Reply) -> Result<JsValue, JsValue> {
    let headers = web_sys::Headers::new()?;
    for (name, value) in &reply.headers {
        let _ = headers.set(name, value);
    }
    let init = web_sys::ResponseInit::new();
    init.set_status(reply.status);
    init.set_headers(&headers);
    let body = (!reply.body.is_empty()).then_some(reply.body.as_str());
    web_sys::Response::new_with_opt_str_and_init(body, &init).map(JsValue::from)
}
