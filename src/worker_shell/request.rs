//! The runtime's request as the service's `Incoming`, in one crossing into
//! JavaScript: the method, the URL and every header the service reads come
//! back as one newline-separated string, not one call (and one string
//! copy) each. Which headers are read is fixed per isolate.

use wasm_bindgen::prelude::wasm_bindgen;
use worker::web_sys;

use crate::correlation::correlation_id;
use crate::route::path_and_query;
use crate::service::{Authorization, Incoming, reads_preflight_headers};

// A header's absence travels as a lone NUL, which no header value can hold
// (Fetch refuses NUL, CR and LF in values), as no URL holds a newline.
#[wasm_bindgen(inline_js = r#"
export function request_parts(request, names) {
  const headers = request.headers;
  let parts = request.method + "\n" + request.url;
  for (const name of names) {
    const value = headers.get(name);
    parts += value === null ? "\n\0" : "\n" + value;
  }
  return parts;
}
"#)]
extern "C" {
    fn request_parts(request: &web_sys::Request, names: &js_sys::Array) -> String;
}

const ALWAYS: [&str; 5] = [
    "origin",
    "if-none-match",
    "cf-ray",
    "access-control-request-method",
    "access-control-request-headers",
];

/// The header names one isolate reads, built once: the rate limit's client
/// address and `Authorization` only when their feature is on.
pub struct HeaderNames {
    names: js_sys::Array,
    client: bool,
    authorization: bool,
}

impl HeaderNames {
    pub fn new(client: bool, authorization: bool) -> Self {
        let names = js_sys::Array::new();
        let optional = [
            (client, "cf-connecting-ip"),
            (authorization, "authorization"),
        ];
        let wanted = optional
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name));
        for name in ALWAYS.into_iter().chain(wanted) {
            names.push(&name.into());
        }
        HeaderNames {
            names,
            client,
            authorization,
        }
    }
}

pub fn incoming(request: &web_sys::Request, names: &HeaderNames, random: fn() -> f64) -> Incoming {
    let parts = request_parts(request, &names.names);
    let mut fields = parts.split('\n');
    let method = fields.next().unwrap_or_default().to_owned();
    let url = fields.next().unwrap_or_default();
    let mut header = || fields.next().filter(|v| *v != "\0").map(str::to_owned);
    let (origin, if_none_match, cf_ray) = (header(), header(), header());
    let preflight = (header(), header());
    let client = if names.client { header() } else { None };
    let authorization = if names.authorization { header() } else { None };
    let (path, query) = path_and_query(url);
    let (request_method, request_headers) = if reads_preflight_headers(&method) {
        preflight
    } else {
        (None, None)
    };
    Incoming {
        path: path.to_owned(),
        query: query.map(str::to_owned),
        origin,
        access_control_request_method: request_method,
        access_control_request_headers: request_headers,
        if_none_match,
        client,
        location: None,
        authorization: authorization.map(Authorization),
        correlation_id: correlation_id(cf_ray, random),
        method,
    }
}
