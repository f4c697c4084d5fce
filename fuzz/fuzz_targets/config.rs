//! Configuration values: `Config::from_lookup`, `Table::from_vars`,
//! `Credentials::from_vars` and `AuthSettings::from_lookup` on settings
//! built from the input, then every error text.
//!
//! Input: lines. A line `NAME=value` with a known NAME sets that setting;
//! any other line sets the setting its first byte picks (byte % count) to
//! the rest of the line. A later line for the same name wins. So seeds stay
//! readable, and mutations of a name still land on some setting.
//! Properties beyond "never panics": an error names a known setting, and
//! its client text never carries the value that was set, nor a failing
//! credential's log text the secret.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use workflow_status_worker::auth::AuthSettings;
use workflow_status_worker::config::Config;
use workflow_status_worker::credentials::Credentials;
use workflow_status_worker::table::Table;

/// Every setting the Worker reads: README "Configuration", contract
/// section 7 and section 8 (authentication).
const NAMES: [&str; 29] = [
    "STATUS_STORE",
    "DYNAMODB_PROCESSING_STATUS_TABLE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "STATUS_KEY_ATTRIBUTE",
    "DYNAMODB_ENDPOINT",
    "DYNAMODB_CONSISTENT_READ",
    "CORS_ORIGINS",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "DYNAMODB_MAX_ATTEMPTS",
    "DYNAMODB_ATTEMPT_TIMEOUT_MS",
    "DYNAMODB_DEADLINE_MS",
    "DYNAMODB_BACKOFF_BASE_MS",
    "DYNAMODB_BACKOFF_MAX_MS",
    "CACHE_RUNNING_TTL_SECONDS",
    "CACHE_FINISHED_TTL_SECONDS",
    "CACHE_PENDING_TTL_SECONDS",
    "AUTH_MODE",
    "COGNITO_USER_POOL_ID",
    "COGNITO_APP_CLIENT_ID",
    "COGNITO_REGION",
    "COGNITO_ISSUER_URL",
    "AUTH_CLOCK_SKEW_SECONDS",
    // Twice more for the ones whose parsers are richest, so the byte-picked
    // lines reach them more often.
    "CORS_ORIGINS",
    "DYNAMODB_ENDPOINT",
    "COGNITO_ISSUER_URL",
    "COGNITO_APP_CLIENT_ID",
];

fn settings(data: &[u8]) -> HashMap<&'static str, String> {
    let mut map = HashMap::new();
    for line in data.split(|&b| b == b'\n') {
        let Some((&first, rest)) = line.split_first() else {
            continue;
        };
        let named = line.iter().position(|&b| b == b'=').and_then(|at| {
            let name = line.get(..at)?;
            let name = NAMES.iter().find(|n| n.as_bytes() == name)?;
            Some((*name, line.get(at + 1..)?))
        });
        let (name, value) = named.unwrap_or_else(|| {
            let index = usize::from(first) % NAMES.len();
            (NAMES.get(index).copied().unwrap_or("CORS_ORIGINS"), rest)
        });
        map.insert(name, String::from_utf8_lossy(value).into_owned());
    }
    map
}

fuzz_target!(|data: &[u8]| {
    let map = settings(data);
    let lookup = |name: &str| map.get(name).cloned();
    // Values distinctive enough that finding one in a text is no
    // coincidence with the text's own words: long, with a digit, a letter
    // and a character no message template uses.
    let distinctive = |v: &str| {
        v.len() >= 12
            && v.bytes().any(|b| b.is_ascii_digit())
            && v.bytes().any(|b| b.is_ascii_alphabetic())
            && v.bytes().any(|b| b"!#$%&*+=?@^|~".contains(&b))
    };
    let leaks = |text: &str| {
        map.values()
            .map(|v| v.trim())
            .filter(|v| distinctive(v))
            .any(|v| text.contains(v))
    };

    match Config::from_lookup(&lookup) {
        Ok(config) => {
            let _ = format!("{config:?}");
        }
        Err(error) => {
            assert!(
                NAMES.contains(&error.name()),
                "unknown setting {:?}",
                error.name()
            );
            let client = error.client_text();
            assert!(!leaks(&client), "client text carries a value: {client:?}");
            let _ = error.to_string();
        }
    }
    match Table::from_vars(&lookup) {
        Ok(table) => {
            let _ = table.identity();
        }
        Err(error) => {
            let client = error.client_text();
            assert!(!leaks(&client), "client text carries a value: {client:?}");
        }
    }
    match Credentials::from_vars(&lookup) {
        Ok(credentials) => {
            // Debug redacts: never the secret.
            let debug = format!("{credentials:?}");
            // (A secret short or shared with the key id could be in it by chance.)
            let secret = credentials.secret_access_key();
            let telling = secret.len() >= 16 && !credentials.access_key_id().contains(secret);
            assert!(
                !telling || !debug.contains(secret),
                "secret in Debug: {debug}"
            );
        }
        Err(error) => {
            let client = error.client_text();
            assert!(!leaks(&client), "client text carries a value: {client:?}");
            let log = error.to_string();
            if let Some(secret) = map.get("AWS_SECRET_ACCESS_KEY").map(|s| s.trim()) {
                assert!(
                    !distinctive(secret) || !log.contains(secret),
                    "secret in the log text: {log}"
                );
            }
        }
    }
    match AuthSettings::from_lookup(&lookup) {
        Ok(auth) => {
            if let Some(cognito) = &auth.cognito {
                assert!(!cognito.client_ids.is_empty(), "no client id: {auth:?}");
                let _ = cognito.jwks_url();
            }
        }
        Err(error) => {
            // Its texts are static: they cannot carry a value.
            assert!(
                NAMES.contains(&error.setting()),
                "unknown setting {:?}",
                error.setting()
            );
            let _ = error.to_string();
        }
    }
});
