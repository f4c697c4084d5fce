//! Timestamps the Worker writes, and the repair of ones the orchestrator wrote.

use chrono::{DateTime, SecondsFormat, Utc};

/// "Now" as the portal expects it: RFC 3339, UTC, milliseconds, `Z`.
pub fn format_now(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The original writer appended `Z` to an offset (`…+00:00Z`), which browsers
/// reject as "Invalid Date"; that one suffix becomes `Z`, anything else is
/// returned verbatim.
pub fn repair(stored: &str) -> String {
    match stored.strip_suffix("+00:00Z") {
        Some(head) => format!("{head}Z"),
        None => stored.to_owned(),
    }
}

/// Milliseconds since the Unix epoch → a UTC time; the runtime hands us
/// milliseconds (`Date.now()`), never a `SystemTime`, which panics on wasm.
pub fn from_unix_millis(millis: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(millis).unwrap_or(DateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn formats_now_with_milliseconds_and_z() {
        let now = from_unix_millis(1_795_934_360_899);
        assert_eq!(format_now(now), "2026-11-29T06:39:20.899Z");
        assert_eq!(
            format_now(from_unix_millis(1_795_934_360_000)),
            "2026-11-29T06:39:20.000Z"
        );
    }

    #[test]
    fn repairs_only_the_offset_plus_z_suffix() {
        assert_eq!(
            repair("2025-12-24T10:00:05.123456+00:00Z"),
            "2025-12-24T10:00:05.123456Z"
        );
        for verbatim in [
            "2025-12-24T10:00:05.123Z",
            "2025-12-24T10:00:05+00:00",
            "2025-12-24T10:00:05+01:00Z",
            "not a time",
            "",
        ] {
            assert_eq!(repair(verbatim), verbatim);
        }
    }
}
