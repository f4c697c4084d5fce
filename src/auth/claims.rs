//! The claim rules of contract section 8, in its order, on a payload whose
//! signature has already been verified.
//!
//! Total on any JSON: a claim of the wrong type fails its rule, nothing
//! panics, and a time comparison that cannot be made (NaN) fails closed.

use serde_json::{Map, Value};

use super::settings::CognitoSettings;

/// Who a valid token speaks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub sub: String,
    /// `cognito:username`, else `username`.
    pub username: String,
    pub token_use: TokenUse,
    /// The configured client id the token was issued to.
    pub client_id: String,
    /// `exp`, in seconds since the epoch.
    pub expires_at: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    Id,
    Access,
}

impl TokenUse {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenUse::Id => "id",
            TokenUse::Access => "access",
        }
    }
}

/// The first claim rule a payload breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimError {
    /// `exp` absent or not a number.
    MissingExp,
    /// `exp` not after now (less the skew allowance).
    Expired,
    /// `nbf` after now (plus the skew allowance), or not a number.
    NotYetValid,
    /// `iat` after now (plus the skew allowance), or not a number.
    IssuedInFuture,
    /// `iss` absent or not the configured issuer.
    WrongIssuer,
    /// No `token_use`, or one other than `id` and `access`.
    BadTokenUse,
    /// An ID token whose `aud` names none of the configured clients.
    WrongAudience,
    /// An access token whose `client_id` is none of the configured clients.
    WrongClient,
    /// No `sub`.
    MissingSub,
    /// Neither `cognito:username` nor `username`.
    MissingUsername,
}

/// Longest `sub` or username accepted (Cognito's are far shorter).
const MAX_NAME_LEN: usize = 256;

fn numeric_date(claims: &Map<String, Value>, name: &str) -> Option<Result<f64, ()>> {
    claims
        .get(name)
        .map(|value| value.as_f64().filter(|v| v.is_finite()).ok_or(()))
}

fn name_claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    claims
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty() && s.len() <= MAX_NAME_LEN)
}

/// The `sub` claim when it is a plausible one, for logging a rejection.
pub fn subject(claims: &Map<String, Value>) -> Option<&str> {
    name_claim(claims, "sub")
}

/// Applies the rules in the contract's order; the first broken one wins.
pub fn check_claims(
    claims: &Map<String, Value>,
    settings: &CognitoSettings,
    now_ms: f64,
) -> Result<Principal, ClaimError> {
    let now = now_ms / 1000.0;
    let skew = f64::from(settings.clock_skew_seconds);

    let expires_at = match numeric_date(claims, "exp") {
        Some(Ok(exp)) => exp,
        None | Some(Err(())) => return Err(ClaimError::MissingExp),
    };
    // Written so that a NaN clock counts as expired.
    let still_valid = expires_at > now - skew;
    if !still_valid {
        return Err(ClaimError::Expired);
    }
    for (name, error) in [
        ("nbf", ClaimError::NotYetValid),
        ("iat", ClaimError::IssuedInFuture),
    ] {
        match numeric_date(claims, name) {
            None => {}
            Some(Ok(at)) if at <= now + skew => {}
            Some(_) => return Err(error),
        }
    }

    if claims.get("iss").and_then(Value::as_str) != Some(settings.issuer.as_str()) {
        return Err(ClaimError::WrongIssuer);
    }

    let is_configured = |id: &str| settings.client_ids.iter().find(|c| c.as_str() == id);
    let (token_use, client_id) = match claims.get("token_use").and_then(Value::as_str) {
        Some("id") => {
            let client = match claims.get("aud") {
                Some(Value::String(aud)) => is_configured(aud),
                Some(Value::Array(auds)) => auds
                    .iter()
                    .filter_map(Value::as_str)
                    .find_map(is_configured),
                _ => None,
            };
            (TokenUse::Id, client.ok_or(ClaimError::WrongAudience)?)
        }
        Some("access") => {
            let client = claims
                .get("client_id")
                .and_then(Value::as_str)
                .and_then(is_configured);
            (TokenUse::Access, client.ok_or(ClaimError::WrongClient)?)
        }
        _ => return Err(ClaimError::BadTokenUse),
    };

    let sub = subject(claims).ok_or(ClaimError::MissingSub)?;
    let username = name_claim(claims, "cognito:username")
        .or_else(|| name_claim(claims, "username"))
        .ok_or(ClaimError::MissingUsername)?;

    Ok(Principal {
        sub: sub.to_owned(),
        username: username.to_owned(),
        token_use,
        client_id: client_id.clone(),
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use serde_json::json;

    use super::*;
    use crate::auth::test_support::with;

    const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool";
    const NOW_MS: f64 = 1_700_000_000_000.0;
    const NOW: i64 = 1_700_000_000;

    fn settings(skew: u32) -> CognitoSettings {
        CognitoSettings {
            user_pool_id: "us-east-1_Pool".into(),
            client_ids: vec!["client-a".into(), "client-b".into()],
            region: "us-east-1".into(),
            issuer: ISSUER.into(),
            clock_skew_seconds: skew,
        }
    }

    fn id_claims() -> Value {
        json!({
            "sub": "sub-1", "cognito:username": "alice", "token_use": "id",
            "aud": "client-a", "iss": ISSUER, "exp": NOW + 60, "iat": NOW - 10,
        })
    }

    fn access_claims() -> Value {
        json!({
            "sub": "sub-2", "username": "bob", "token_use": "access",
            "client_id": "client-b", "iss": ISSUER, "exp": NOW + 60,
        })
    }

    fn check(claims: &Value, skew: u32) -> Result<Principal, ClaimError> {
        check_claims(claims.as_object().unwrap(), &settings(skew), NOW_MS)
    }

    #[test]
    fn valid_id_token() {
        let p = check(&id_claims(), 0).unwrap();
        assert_eq!(
            p,
            Principal {
                sub: "sub-1".into(),
                username: "alice".into(),
                token_use: TokenUse::Id,
                client_id: "client-a".into(),
                expires_at: (NOW + 60) as f64,
            }
        );
        let list = with(id_claims(), json!({"aud": ["other", 5, "client-b"]}));
        assert_eq!(check(&list, 0).unwrap().client_id, "client-b");
    }

    #[test]
    fn valid_access_token() {
        let p = check(&access_claims(), 0).unwrap();
        assert_eq!(
            (p.token_use, p.username.as_str()),
            (TokenUse::Access, "bob")
        );
        assert_eq!(p.client_id, "client-b");
    }

    #[test]
    fn expiry() {
        let c = |exp: Value| with(id_claims(), json!({ "exp": exp }));
        assert_eq!(check(&c(json!(NOW)), 0), Err(ClaimError::Expired));
        assert_eq!(check(&c(json!(NOW - 1)), 0), Err(ClaimError::Expired));
        assert!(check(&c(json!(NOW + 1)), 0).is_ok());
        assert!(check(&c(json!(NOW as f64 + 0.5)), 0).is_ok());
        assert_eq!(
            check(&c(json!(NOW as f64 - 0.5)), 0),
            Err(ClaimError::Expired)
        );
        // Skew: a token expired 20 s ago passes with a 30 s allowance.
        assert!(check(&c(json!(NOW - 20)), 30).is_ok());
        assert_eq!(check(&c(json!(NOW - 30)), 30), Err(ClaimError::Expired));
        for bad in [
            json!(null),
            json!("1900000000"),
            json!(true),
            json!([NOW + 60]),
        ] {
            assert_eq!(
                check(&c(bad.clone()), 0),
                Err(ClaimError::MissingExp),
                "{bad}"
            );
        }
        assert_eq!(check(&c(json!(u64::MAX)), 0).map(|_| ()), Ok(()));
        assert_eq!(check(&c(json!(i64::MIN)), 0), Err(ClaimError::Expired));
    }

    #[test]
    fn not_before_and_issued_at() {
        let nbf = |v: Value| with(id_claims(), json!({ "nbf": v }));
        assert!(check(&nbf(json!(NOW)), 0).is_ok());
        assert_eq!(check(&nbf(json!(NOW + 5)), 0), Err(ClaimError::NotYetValid));
        assert!(check(&nbf(json!(NOW + 5)), 10).is_ok());
        assert_eq!(check(&nbf(json!("soon")), 0), Err(ClaimError::NotYetValid));
        let iat = |v: Value| with(id_claims(), json!({ "iat": v }));
        assert_eq!(
            check(&iat(json!(NOW + 5)), 0),
            Err(ClaimError::IssuedInFuture)
        );
        assert!(check(&iat(json!(NOW as f64 + 4.5)), 5).is_ok());
        assert!(check(&with(id_claims(), json!({"iat": null})), 0).is_ok());
    }

    #[test]
    fn rule_order() {
        // Expired and wrong issuer: expiry is reported first.
        let c = with(
            id_claims(),
            json!({"exp": NOW - 1, "iss": "x", "sub": null}),
        );
        assert_eq!(check(&c, 0), Err(ClaimError::Expired));
        let c = with(id_claims(), json!({"iss": "x", "aud": "nobody"}));
        assert_eq!(check(&c, 0), Err(ClaimError::WrongIssuer));
        let c = with(id_claims(), json!({"aud": "nobody", "sub": null}));
        assert_eq!(check(&c, 0), Err(ClaimError::WrongAudience));
    }

    #[test]
    fn issuer_exact() {
        for iss in [
            json!(null),
            json!(format!("{ISSUER}/")),
            json!(ISSUER.to_uppercase()),
            json!([ISSUER]),
            json!("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"),
        ] {
            let c = with(id_claims(), json!({ "iss": iss }));
            assert_eq!(check(&c, 0), Err(ClaimError::WrongIssuer), "{iss}");
        }
    }

    #[test]
    fn token_use_and_client() {
        for token_use in [json!(null), json!("refresh"), json!("ID"), json!(1)] {
            let c = with(id_claims(), json!({ "token_use": token_use }));
            assert_eq!(check(&c, 0), Err(ClaimError::BadTokenUse), "{token_use}");
        }
        for aud in [
            json!(null),
            json!("client-c"),
            json!(["client-c"]),
            json!({"a": "client-a"}),
        ] {
            let c = with(id_claims(), json!({ "aud": aud }));
            assert_eq!(check(&c, 0), Err(ClaimError::WrongAudience), "{aud}");
        }
        // An ID token is not accepted on its client_id, nor an access token on its aud.
        let c = with(id_claims(), json!({"aud": null, "client_id": "client-a"}));
        assert_eq!(check(&c, 0), Err(ClaimError::WrongAudience));
        let c = with(
            access_claims(),
            json!({"client_id": null, "aud": "client-b"}),
        );
        assert_eq!(check(&c, 0), Err(ClaimError::WrongClient));
        let c = with(access_claims(), json!({"client_id": ["client-b"]}));
        assert_eq!(check(&c, 0), Err(ClaimError::WrongClient));
    }

    #[test]
    fn subject_and_username() {
        for sub in [json!(null), json!(""), json!(42)] {
            let c = with(id_claims(), json!({ "sub": sub }));
            assert_eq!(check(&c, 0), Err(ClaimError::MissingSub), "{sub}");
        }
        let c = with(id_claims(), json!({"cognito:username": null}));
        assert_eq!(check(&c, 0), Err(ClaimError::MissingUsername));
        let c = with(
            id_claims(),
            json!({"cognito:username": null, "username": "carol"}),
        );
        assert_eq!(check(&c, 0).unwrap().username, "carol");
        let c = with(
            id_claims(),
            json!({"cognito:username": "", "username": "carol"}),
        );
        assert_eq!(check(&c, 0).unwrap().username, "carol");
        let c = with(access_claims(), json!({"username": null}));
        assert_eq!(check(&c, 0), Err(ClaimError::MissingUsername));
    }

    #[test]
    fn nan_clock_fails_closed() {
        let claims = id_claims();
        let result = check_claims(claims.as_object().unwrap(), &settings(0), f64::NAN);
        assert_eq!(result, Err(ClaimError::Expired));
    }
}
