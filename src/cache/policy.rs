//! How long an answer may be served from the caches.

use crate::settings::{ConfigError, Lookup, integer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachePolicy {
    /// Seconds for a session still running (any `overallStatus` but
    /// `completed`/`failed`): short, since its next change is due any moment.
    pub running_ttl: u32,
    /// Seconds for a finished session: it will not change again.
    pub finished_ttl: u32,
    /// Seconds for the pending default of a session not written yet: kept
    /// tiny so a new session shows up almost as soon as it is written.
    pub pending_ttl: u32,
}

impl Default for CachePolicy {
    fn default() -> Self {
        CachePolicy {
            running_ttl: 2,
            finished_ttl: 30,
            pending_ttl: 1,
        }
    }
}

/// What the store read produced, as far as caching is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer<'a> {
    /// A document built from a stored item with this `overallStatus`.
    Stored { overall_status: &'a str },
    /// The pending default for a missing item.
    Pending,
}

impl CachePolicy {
    /// `CACHE_RUNNING_TTL_SECONDS`, `CACHE_FINISHED_TTL_SECONDS`, `CACHE_PENDING_TTL_SECONDS`.
    pub fn from_vars(lookup: Lookup<'_>) -> Result<Self, ConfigError> {
        let d = CachePolicy::default();
        Ok(CachePolicy {
            running_ttl: integer(lookup, "CACHE_RUNNING_TTL_SECONDS", d.running_ttl, 0..=60)?,
            finished_ttl: integer(
                lookup,
                "CACHE_FINISHED_TTL_SECONDS",
                d.finished_ttl,
                0..=3600,
            )?,
            pending_ttl: integer(lookup, "CACHE_PENDING_TTL_SECONDS", d.pending_ttl, 0..=10)?,
        })
    }

    /// Whether any answer is ever stored: with every period 0 a lookup
    /// could only find entries written under other settings, and costs a
    /// Cache API round trip per poll.
    pub fn enabled(&self) -> bool {
        self.running_ttl > 0 || self.finished_ttl > 0 || self.pending_ttl > 0
    }

    /// Seconds to keep this answer at the edge; `None` means do not store it.
    pub fn ttl(&self, answer: Answer<'_>) -> Option<u32> {
        let ttl = match answer {
            Answer::Stored {
                overall_status: "completed" | "failed",
            } => self.finished_ttl,
            Answer::Stored { .. } => self.running_ttl,
            Answer::Pending => self.pending_ttl,
        };
        (ttl > 0).then_some(ttl)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn caching_is_off_only_when_every_period_is_zero() {
        assert!(CachePolicy::default().enabled());
        let off = CachePolicy {
            running_ttl: 0,
            finished_ttl: 0,
            pending_ttl: 0,
        };
        assert!(!off.enabled());
        assert!(
            CachePolicy {
                pending_ttl: 1,
                ..off
            }
            .enabled()
        );
    }

    #[test]
    fn running_sessions_get_the_short_period() {
        let policy = CachePolicy::default();
        for status in ["processing", "initializing", "pending", "anything else", ""] {
            assert_eq!(
                policy.ttl(Answer::Stored {
                    overall_status: status
                }),
                Some(2),
                "{status}"
            );
        }
    }

    #[test]
    fn finished_sessions_get_the_long_period() {
        let policy = CachePolicy::default();
        assert_eq!(
            policy.ttl(Answer::Stored {
                overall_status: "completed"
            }),
            Some(30)
        );
        assert_eq!(
            policy.ttl(Answer::Stored {
                overall_status: "failed"
            }),
            Some(30)
        );
        // Status text is compared exactly, as the portal compares it.
        assert_eq!(
            policy.ttl(Answer::Stored {
                overall_status: "Completed"
            }),
            Some(2)
        );
    }

    #[test]
    fn pending_default_is_brief_and_can_be_disabled() {
        assert_eq!(CachePolicy::default().ttl(Answer::Pending), Some(1));
        let off = CachePolicy {
            pending_ttl: 0,
            ..CachePolicy::default()
        };
        assert_eq!(off.ttl(Answer::Pending), None);
    }
}
