//! The workflow-status edge API: a platform-free core (this crate on any
//! target) and a thin Cloudflare Worker shell (`worker_shell`, wasm only).
//!
//! Request path, in reading order: [`route`] → [`service`] (cache lookup,
//! coalescing) → [`store`] → [`transform`] → [`reply`].
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
pub mod cache_policy;
pub mod coalesce;
pub mod config;
pub mod cors;
pub mod decimal;
pub mod document;
pub mod error;
pub mod memory_cache;
pub mod redact;
pub mod reply;
pub mod retry;
pub mod route;
pub mod service;
pub mod session_id;
pub mod store;
pub mod timestamp;
pub mod transform;

#[cfg(target_arch = "wasm32")]
mod worker_shell;
