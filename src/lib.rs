//! The workflow-status edge API: a platform-free core (this crate on any
//! target) and a thin Cloudflare Worker shell (`worker_shell`, wasm only).
//!
//! Request path, in reading order: [`route`] → [`service`] → [`cache`] →
//! [`coalesce`] → [`store`] → [`transform`] → [`reply`]. Per isolate:
//! [`setup`] (from [`settings`]: [`config`], [`table`], [`credentials`]).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod attribute;
pub mod auth;
pub mod breaker;
pub mod cache;
pub mod clock;
pub mod coalesce;
pub mod config;
pub mod correlation;
pub mod cors;
pub mod credentials;
pub mod decimal;
pub mod document;
pub mod eager;
pub mod error;
pub mod float_text;
pub mod http;
pub mod metrics;
pub mod rate_limit;
pub mod redact;
pub mod regions;
pub mod reply;
pub mod retry;
pub mod route;
pub mod service;
pub mod session_id;
pub mod settings;
pub mod setup;
pub mod store;
pub mod table;
pub mod timestamp;
pub mod transform;

#[cfg(target_arch = "wasm32")]
mod worker_shell;
