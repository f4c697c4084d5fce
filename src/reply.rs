//! A platform-free HTTP answer; the Worker shell copies it onto the runtime's
//! response type.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

#[derive(Serialize)]
struct Detail<'a> {
    detail: &'a str,
}

impl Reply {
    pub fn json(status: u16, body: String) -> Self {
        Reply {
            status,
            headers: vec![("content-type", "application/json".to_owned())],
            body,
        }
    }

    /// `{"detail": …}`, the shape every error body has.
    pub fn detail(status: u16, detail: &str) -> Self {
        let body = serde_json::to_string(&Detail { detail }).unwrap_or_default();
        Self::json(status, body)
    }

    pub fn text(status: u16, body: &str) -> Self {
        Reply {
            status,
            headers: vec![("content-type", "text/plain; charset=utf-8".to_owned())],
            body: body.to_owned(),
        }
    }

    pub fn empty(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.set_header(name, value);
        self
    }

    /// Replaces any header of that name (names are lower-case literals).
    pub fn set_header(&mut self, name: &'static str, value: impl Into<String>) {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.into()));
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
