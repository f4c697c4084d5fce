//! The JWT reader: the `Authorization` header, the compact token, the
//! issuer's JWKS and the claim rules.
//!
//! Input: any bytes, fed to every reader at once, so one corpus serves them
//! all (seeds are headers, tokens, JWKS documents and claim sets):
//! - `read_authorization(Some(text))`, and the token it yields through
//!   `parse_token`;
//! - `parse_token(text)` directly;
//! - `parse_jwks(bytes)`;
//! - `check_claims` on the claims of a parsed token, and on the input itself
//!   when it is a JSON object, with a fixed `CognitoSettings`, at a fixed
//!   time and at a time taken from the claims (`exp` boundaries, NaN).
//! Properties beyond "never panics": a presented token is a trimmed,
//! non-empty slice of the header; an accepted principal names a configured
//! client and the issuer was checked.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use workflow_status_worker::auth::claims::{check_claims, subject};
use workflow_status_worker::auth::jwks::parse_jwks;
use workflow_status_worker::auth::token::parse_token;
use workflow_status_worker::auth::{CognitoSettings, Presented, read_authorization};

pub const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_FuzzPool1";
/// 2025-12-24T10:00:00Z, the fixtures' day.
const NOW_MS: f64 = 1_766_570_400_000.0;

fn settings() -> &'static CognitoSettings {
    static SETTINGS: OnceLock<CognitoSettings> = OnceLock::new();
    SETTINGS.get_or_init(|| CognitoSettings {
        user_pool_id: "us-east-1_FuzzPool1".into(),
        client_ids: vec!["client-a".into(), "client-b".into()],
        region: "us-east-1".into(),
        issuer: ISSUER.into(),
        clock_skew_seconds: 60,
    })
}

fn claims(claims: &Map<String, Value>) {
    let _ = subject(claims);
    let exp = claims.get("exp").and_then(Value::as_f64).unwrap_or(0.0);
    for now_ms in [NOW_MS, exp * 1000.0, f64::NAN, f64::INFINITY, -0.0] {
        if let Ok(principal) = check_claims(claims, settings(), now_ms) {
            assert!(
                settings().client_ids.contains(&principal.client_id),
                "{principal:?}"
            );
            assert_eq!(claims.get("iss").and_then(Value::as_str), Some(ISSUER));
            assert!(!now_ms.is_nan(), "accepted at a NaN time: {principal:?}");
        }
    }
}

fn token(text: &str) {
    if let Ok(parsed) = parse_token(text) {
        assert!(!parsed.kid.is_empty());
        assert!(text.as_bytes().starts_with(&parsed.signing_input));
        claims(&parsed.claims);
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();

    if let Presented::Token(presented) = read_authorization(Some(text)) {
        assert!(!presented.is_empty());
        assert_eq!(presented, presented.trim());
        assert!(text.contains(presented));
        token(presented);
    }
    token(text);

    if let Ok(jwks) = parse_jwks(data) {
        for key in &jwks.keys {
            assert!(!key.kid.is_empty());
            assert!(key.modulus_len() > 0);
            let _ = (key.n_base64url(), key.e_base64url(), format!("{key:?}"));
            assert!(jwks.find(&key.kid).is_some());
        }
    }

    if let Ok(object) = serde_json::from_slice::<Map<String, Value>>(data) {
        claims(&object);
    }
});
