//! The service's `Reply` as the runtime's `Response`, in one crossing into
//! JavaScript: the headers travel as one newline-separated string, not one
//! `Headers.set` call each (those calls led the hit path's CPU profile), and
//! reach the runtime as one record.

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;
use worker::web_sys;

use crate::reply::Reply;

#[wasm_bindgen(inline_js = r#"
export function respond(status, body, block) {
  // A plain record: the runtime converts it in one go, measurably cheaper
  // than a Headers.set call per header. Names are unique lower-case literals.
  const headers = Object.create(null);
  if (block.length > 0) {
    const parts = block.split("\n");
    for (let i = 0; i + 1 < parts.length; i += 2) headers[parts[i]] = parts[i + 1];
  }
  // A null-body status (204, 304) and HEAD answers must have no body at all.
  // The body arrives as a view of the wasm memory: the Response constructor
  // copies a BufferSource's bytes (Fetch, "extract a body"), so the view may
  // change afterwards, and the UTF-8 text is neither decoded here nor
  // encoded again by the runtime.
  const content = body.length > 0 ? body : null;
  try {
    return new Response(content, { status, headers });
  } catch (_) {
    // A value the runtime refuses: drop that header, keep the others.
    const kept = new Headers();
    for (const name in headers) {
      try { kept.set(name, headers[name]); } catch (_) { /* dropped */ }
    }
    return new Response(content, { status, headers: kept });
  }
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    fn respond(status: u16, body: &[u8], block: &str) -> Result<JsValue, JsValue>;
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
    respond(reply.status, reply.body.as_bytes(), &block)
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
