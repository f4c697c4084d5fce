//! The whole check, in the contract's order: header → token shape and
//! header → key (perhaps after one JWKS fetch) → signature → claims.

use std::cell::{Ref, RefCell};
use std::future::Future;

use super::claims::{Principal, check_claims, subject};
use super::failure::{AuthFailure, Outage, Rejection};
use super::header::{Presented, read_authorization};
use super::jwks::parse_jwks;
use super::key_cache::{
    CachedKey, FETCH_FAILURE_BACKOFF_MS, KeyCache, KeyLookup, retry_after_secs,
};
use super::settings::{AuthMode, AuthSettings, CognitoSettings};
use super::token::parse_token;
use super::verify::SignatureVerifier;

/// Who is asking.
#[derive(Debug, Clone, PartialEq)]
pub enum Identity {
    /// Auth off, or no credentials in `optional` mode.
    Anonymous,
    User(Principal),
}

/// The shell's JWKS request failed: a network error or a status other than
/// 200. The text goes to the log only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct JwksFetchError(pub String);

/// One per isolate: holds the settings, the verifier and the key cache.
///
/// Not `Sync` (the key cache is a `RefCell`); no borrow is held across an
/// `.await`, so concurrent requests in one isolate may share it.
pub struct Authenticator<V: SignatureVerifier> {
    settings: AuthSettings,
    verifier: V,
    keys: RefCell<KeyCache<V::Key>>,
}

fn unavailable(outage: Outage, retry_after_secs: u32) -> AuthFailure {
    AuthFailure::Unavailable {
        outage,
        retry_after_secs,
    }
}

fn rejected(rejection: Rejection) -> AuthFailure {
    AuthFailure::Rejected {
        rejection,
        sub: None,
    }
}

impl<V: SignatureVerifier> Authenticator<V> {
    pub fn new(settings: AuthSettings, verifier: V) -> Self {
        Authenticator {
            settings,
            verifier,
            keys: RefCell::new(KeyCache::default()),
        }
    }

    pub fn mode(&self) -> AuthMode {
        self.settings.mode
    }

    /// Where the shell fetches the key set from (`None` when auth is off).
    pub fn jwks_url(&self) -> Option<String> {
        match self.settings.mode {
            AuthMode::Off => None,
            _ => self
                .settings
                .cognito
                .as_ref()
                .map(CognitoSettings::jwks_url),
        }
    }

    pub fn verifier(&self) -> &V {
        &self.verifier
    }

    /// The key cache, for diagnostics and tests.
    pub fn key_cache(&self) -> Ref<'_, KeyCache<V::Key>> {
        self.keys.borrow()
    }

    /// Decides a request, before any cache lookup or store read.
    ///
    /// `authorization` is the `Authorization` header's value; `now_ms` the
    /// time (`Date.now()`); `fetch_jwks` GETs [`Self::jwks_url`] and returns
    /// the body of a 200. It is called at most once, only for a well-formed
    /// RS256 token whose key is not cached (or the hourly refresh), and never
    /// with a borrow held, so it may be wrapped in the service's coalescer to
    /// share one fetch among concurrent requests.
    pub async fn authenticate<F, Fut>(
        &self,
        authorization: Option<&str>,
        now_ms: f64,
        fetch_jwks: F,
    ) -> Result<Identity, AuthFailure>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<u8>, JwksFetchError>>,
    {
        let required = match self.settings.mode {
            AuthMode::Off => return Ok(Identity::Anonymous),
            AuthMode::Optional => false,
            AuthMode::Required => true,
        };
        let Some(cognito) = &self.settings.cognito else {
            return Err(unavailable(Outage::NotConfigured, 60));
        };
        let token = match read_authorization(authorization) {
            Presented::Token(token) => token,
            Presented::None if required => return Err(AuthFailure::NotAuthenticated),
            Presented::None => return Ok(Identity::Anonymous),
        };
        let token = parse_token(token).map_err(|e| rejected(e.into()))?;
        let key = self.key_for(&token.kid, now_ms, fetch_jwks).await?;
        let imported = match key.imported {
            Some(imported) => imported,
            None => {
                let imported = self
                    .verifier
                    .import_key(&key.jwk)
                    .await
                    .map_err(|e| unavailable(Outage::KeyImport(e.0), 60))?;
                self.keys
                    .borrow_mut()
                    .remember_imported(&key.jwk, imported.clone());
                imported
            }
        };
        // An RS256 signature is exactly as long as the modulus.
        if token.signature.len() != key.jwk.modulus_len() {
            return Err(rejected(Rejection::BadSignature));
        }
        let valid = self
            .verifier
            .verify(&imported, &token.signing_input, &token.signature)
            .await
            .map_err(|e| unavailable(Outage::Verifier(e.0), 1))?;
        if !valid {
            return Err(rejected(Rejection::BadSignature));
        }
        check_claims(&token.claims, cognito, now_ms)
            .map(Identity::User)
            .map_err(|claim| AuthFailure::Rejected {
                rejection: Rejection::Claim(claim),
                sub: subject(&token.claims).map(str::to_owned),
            })
    }

    /// The key for `kid`, fetching the key set at most once.
    async fn key_for<F, Fut>(
        &self,
        kid: &str,
        now_ms: f64,
        fetch_jwks: F,
    ) -> Result<CachedKey<V::Key>, AuthFailure>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<u8>, JwksFetchError>>,
    {
        let lookup = self.keys.borrow().lookup(kid, now_ms);
        match lookup {
            KeyLookup::Found(key) => return Ok(key),
            KeyLookup::Unknown => return Err(rejected(Rejection::UnknownKid)),
            KeyLookup::Unavailable { retry_after_secs } => {
                return Err(unavailable(Outage::JwksBackoff, retry_after_secs));
            }
            KeyLookup::NeedFetch => {}
        }
        let fetched = match fetch_jwks().await {
            Ok(body) => parse_jwks(&body).map_err(Outage::JwksParse),
            Err(error) => Err(Outage::JwksFetch(error.0)),
        };
        let mut keys = self.keys.borrow_mut();
        match fetched {
            Ok(jwks) => {
                keys.accept_jwks(jwks, now_ms);
                keys.find(kid).ok_or(rejected(Rejection::UnknownKid))
            }
            Err(outage) => {
                keys.record_failure(now_ms);
                Err(unavailable(
                    outage,
                    retry_after_secs(FETCH_FAILURE_BACKOFF_MS),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use std::cell::Cell;

    use futures_util::FutureExt as _;
    use serde_json::{Value, json};

    use super::super::claims::{ClaimError, TokenUse};
    use super::super::key_cache::UNKNOWN_KID_REFETCH_MS;
    use super::super::test_support::{KEY_A, KEY_B, RsaVerifier, b64, jwks_body, mint, with};
    use super::*;

    const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool";
    const CLIENT: &str = "client-a";
    const NOW_MS: f64 = 1_700_000_000_000.0;
    const NOW: i64 = 1_700_000_000;

    fn settings(mode: AuthMode, skew: u32) -> AuthSettings {
        AuthSettings {
            mode,
            cognito: Some(CognitoSettings {
                user_pool_id: "us-east-1_TestPool".into(),
                client_ids: vec!["other-client".into(), CLIENT.into()],
                region: "us-east-1".into(),
                issuer: ISSUER.into(),
                clock_skew_seconds: skew,
            }),
        }
    }

    /// An authenticator whose issuer publishes key A as `kid-a`, counting fetches.
    struct Harness {
        auth: Authenticator<RsaVerifier>,
        fetches: Cell<u32>,
        jwks: std::cell::RefCell<Result<Vec<u8>, JwksFetchError>>,
    }

    impl Harness {
        fn new(mode: AuthMode, skew: u32) -> Self {
            Harness {
                auth: Authenticator::new(settings(mode, skew), RsaVerifier::default()),
                fetches: Cell::new(0),
                jwks: std::cell::RefCell::new(Ok(jwks_body(&[(KEY_A, "kid-a")]))),
            }
        }

        fn required() -> Self {
            Self::new(AuthMode::Required, 0)
        }

        fn run(&self, header: Option<&str>, now_ms: f64) -> Result<Identity, AuthFailure> {
            self.auth
                .authenticate(header, now_ms, || {
                    self.fetches.set(self.fetches.get() + 1);
                    let body = self.jwks.borrow().clone();
                    async move { body }
                })
                .now_or_never()
                .expect("the test doubles never wait")
        }

        fn bearer(&self, token: &str) -> Result<Identity, AuthFailure> {
            self.run(Some(&format!("Bearer {token}")), NOW_MS)
        }
    }

    fn header() -> Value {
        json!({"alg": "RS256", "kid": "kid-a", "typ": "JWT"})
    }

    fn id_claims() -> Value {
        json!({
            "sub": "sub-1", "cognito:username": "alice", "token_use": "id",
            "aud": CLIENT, "iss": ISSUER, "exp": NOW + 3600, "iat": NOW - 5,
            "auth_time": NOW - 5, "email": "alice@example.com",
        })
    }

    fn access_claims() -> Value {
        json!({
            "sub": "sub-2", "username": "bob", "token_use": "access",
            "client_id": CLIENT, "iss": ISSUER, "exp": NOW + 3600, "iat": NOW - 5,
            "scope": "aws.cognito.signin.user.admin",
        })
    }

    fn rejection(result: Result<Identity, AuthFailure>) -> (Rejection, &'static str) {
        match result {
            Err(failure @ AuthFailure::Rejected { rejection, .. }) => {
                assert_eq!(failure.status(), 401);
                assert_eq!(
                    failure.www_authenticate(),
                    Some("Bearer error=\"invalid_token\"")
                );
                (rejection, failure.detail())
            }
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    const INVALID: &str = "Invalid authentication token";
    const FAILED: &str = "Authentication failed";

    #[test]
    fn valid_id_token() {
        let h = Harness::required();
        let identity = h.bearer(&mint(KEY_A, &header(), &id_claims())).unwrap();
        let Identity::User(p) = identity else {
            panic!("anonymous")
        };
        assert_eq!((p.sub.as_str(), p.username.as_str()), ("sub-1", "alice"));
        assert_eq!((p.token_use, p.client_id.as_str()), (TokenUse::Id, CLIENT));
        assert_eq!(h.fetches.get(), 1);
    }

    #[test]
    fn valid_access_token() {
        let h = Harness::new(AuthMode::Optional, 0);
        let identity = h.bearer(&mint(KEY_A, &header(), &access_claims())).unwrap();
        let Identity::User(p) = identity else {
            panic!("anonymous")
        };
        assert_eq!(
            (p.username.as_str(), p.token_use),
            ("bob", TokenUse::Access)
        );
    }

    #[test]
    fn keys_are_fetched_and_imported_once() {
        let h = Harness::required();
        let claims = with(id_claims(), json!({"exp": NOW + 7200}));
        let token = mint(KEY_A, &header(), &claims);
        for i in 0..5 {
            assert!(
                h.run(Some(&format!("Bearer {token}")), NOW_MS + f64::from(i))
                    .is_ok()
            );
        }
        assert_eq!(h.fetches.get(), 1);
        assert_eq!(h.auth.verifier().imports.get(), 1);
        assert_eq!(h.auth.verifier().verifications.get(), 5);
        // After an hour the set is fetched again; the unchanged key is not re-imported.
        assert!(
            h.run(Some(&format!("Bearer {token}")), NOW_MS + 3_600_000.0)
                .is_ok()
        );
        assert_eq!(h.fetches.get(), 2);
        assert_eq!(h.auth.verifier().imports.get(), 1);
    }

    #[test]
    fn no_credentials() {
        for header in [
            None,
            Some("Basic dXNlcjpwYXNz"),
            Some("Bearer"),
            Some("Bearer "),
        ] {
            let h = Harness::required();
            let failure = h.run(header, NOW_MS).unwrap_err();
            assert_eq!(failure, AuthFailure::NotAuthenticated);
            assert_eq!(failure.www_authenticate(), Some("Bearer"));
            let h = Harness::new(AuthMode::Optional, 0);
            assert_eq!(h.run(header, NOW_MS), Ok(Identity::Anonymous));
            assert_eq!(h.fetches.get(), 0);
        }
    }

    #[test]
    fn off_never_looks_at_the_header() {
        let h = Harness::new(AuthMode::Off, 0);
        assert_eq!(
            h.run(Some("Bearer garbage"), NOW_MS),
            Ok(Identity::Anonymous)
        );
        assert_eq!(h.auth.jwks_url(), None);
        let off = Authenticator::new(AuthSettings::off(), RsaVerifier::default());
        assert_eq!(off.mode(), AuthMode::Off);
    }

    #[test]
    fn jwks_url() {
        assert_eq!(
            Harness::required().auth.jwks_url().unwrap(),
            format!("{ISSUER}/.well-known/jwks.json")
        );
    }

    #[test]
    fn optional_mode_still_checks_presented_tokens() {
        let h = Harness::new(AuthMode::Optional, 0);
        assert_eq!(h.bearer("not-a-jwt"), Err(rejected(Rejection::Malformed)));
    }

    #[test]
    fn malformed_tokens() {
        let h = Harness::required();
        let good = mint(KEY_A, &header(), &id_claims());
        let parts: Vec<&str> = good.split('.').collect();
        for token in [
            parts[0].to_owned(),
            format!("{}.{}", parts[0], parts[1]),
            format!("{good}.{}", parts[2]),
            format!("{}.{}!.{}", parts[0], parts[1], parts[2]),
            format!("{}.{}.{}", parts[0], b64(b"not json"), parts[2]),
            format!("{}.{}.{}", b64(b"[]"), parts[1], parts[2]),
        ] {
            assert_eq!(
                rejection(h.bearer(&token)),
                (Rejection::Malformed, INVALID),
                "{token}"
            );
        }
        let huge = format!("{good}{}", "A".repeat(16 * 1024));
        assert_eq!(rejection(h.bearer(&huge)), (Rejection::TooLarge, INVALID));
        assert_eq!(h.fetches.get(), 0, "a malformed token never causes a fetch");
    }

    #[test]
    fn alg_none_and_hs256() {
        let h = Harness::required();
        let claims = b64(id_claims().to_string().as_bytes());
        let none = format!("{}.{claims}.", b64(br#"{"alg":"none","kid":"kid-a"}"#));
        assert_eq!(
            rejection(h.bearer(&none)),
            (Rejection::UnsupportedAlgorithm, INVALID)
        );
        // An HS256 header is refused on alg alone, whatever the signature (the
        // fake issuer's `hs256_public_key` mints the real key-confusion token).
        let hs256 = mint(
            KEY_A,
            &json!({"alg": "HS256", "kid": "kid-a"}),
            &id_claims(),
        );
        assert_eq!(
            rejection(h.bearer(&hs256)),
            (Rejection::UnsupportedAlgorithm, INVALID)
        );
        let rs512 = mint(
            KEY_A,
            &json!({"alg": "RS512", "kid": "kid-a"}),
            &id_claims(),
        );
        assert_eq!(
            rejection(h.bearer(&rs512)),
            (Rejection::UnsupportedAlgorithm, INVALID)
        );
        assert_eq!(h.fetches.get(), 0);
    }

    #[test]
    fn missing_kid() {
        let h = Harness::required();
        let token = mint(KEY_A, &json!({"alg": "RS256"}), &id_claims());
        assert_eq!(rejection(h.bearer(&token)), (Rejection::MissingKid, FAILED));
    }

    #[test]
    fn unknown_kid_refetches_at_most_once_per_penalty_window() {
        let h = Harness::required();
        let good = mint(KEY_A, &header(), &id_claims());
        let stranger = mint(
            KEY_B,
            &json!({"alg": "RS256", "kid": "kid-b"}),
            &id_claims(),
        );
        assert!(h.bearer(&good).is_ok());
        assert_eq!(h.fetches.get(), 1);
        // First unknown kid after the initial fetch: inside the window, no refetch.
        for i in 0..20 {
            let at = NOW_MS + 1_000.0 + f64::from(i) * 100.0;
            let result = h.run(Some(&format!("Bearer {stranger}")), at);
            assert_eq!(rejection(result), (Rejection::UnknownKid, FAILED));
        }
        assert_eq!(h.fetches.get(), 1);
        // After the window: exactly one refetch, then the box closes again.
        let later = NOW_MS + UNKNOWN_KID_REFETCH_MS;
        for i in 0..20 {
            let result = h.run(Some(&format!("Bearer {stranger}")), later + f64::from(i));
            assert_eq!(rejection(result), (Rejection::UnknownKid, FAILED));
        }
        assert_eq!(h.fetches.get(), 2);
        // Known keys keep working meanwhile.
        assert!(h.run(Some(&format!("Bearer {good}")), later + 50.0).is_ok());
        assert_eq!(h.fetches.get(), 2);
    }

    #[test]
    fn rotated_key_is_found_by_the_refetch() {
        let h = Harness::required();
        assert!(h.bearer(&mint(KEY_A, &header(), &id_claims())).is_ok());
        *h.jwks.borrow_mut() = Ok(jwks_body(&[(KEY_A, "kid-a"), (KEY_B, "kid-b")]));
        let rotated = mint(
            KEY_B,
            &json!({"alg": "RS256", "kid": "kid-b"}),
            &id_claims(),
        );
        let later = NOW_MS + UNKNOWN_KID_REFETCH_MS + 1.0;
        assert!(h.run(Some(&format!("Bearer {rotated}")), later).is_ok());
        assert_eq!(h.fetches.get(), 2);
    }

    #[test]
    fn jwks_outage_is_503_with_retry_after() {
        let h = Harness::required();
        *h.jwks.borrow_mut() = Err(JwksFetchError("HTTP 500".into()));
        let token = mint(KEY_A, &header(), &id_claims());
        let failure = h.bearer(&token).unwrap_err();
        assert_eq!(failure.status(), 503);
        assert_eq!(failure.detail(), "Authentication unavailable");
        assert_eq!(failure.retry_after_secs(), Some(2));
        assert_eq!(failure.www_authenticate(), None);
        assert_eq!(failure.reason(), "jwks_fetch");
        // Within the back-off no new fetch is made.
        let failure = h
            .run(Some(&format!("Bearer {token}")), NOW_MS + 500.0)
            .unwrap_err();
        assert_eq!((failure.status(), failure.reason()), (503, "jwks_backoff"));
        assert_eq!(h.fetches.get(), 1);
        // Then the issuer recovers.
        *h.jwks.borrow_mut() = Ok(jwks_body(&[(KEY_A, "kid-a")]));
        assert!(
            h.run(Some(&format!("Bearer {token}")), NOW_MS + 2_000.0)
                .is_ok()
        );
        assert_eq!(h.fetches.get(), 2);
    }

    #[test]
    fn unparsable_jwks_is_503() {
        let h = Harness::required();
        *h.jwks.borrow_mut() = Ok(b"<html>".to_vec());
        let failure = h.bearer(&mint(KEY_A, &header(), &id_claims())).unwrap_err();
        assert_eq!((failure.status(), failure.reason()), (503, "jwks_parse"));
    }

    #[test]
    fn signature_checks() {
        let h = Harness::required();
        // Signed by key B but claiming key A's kid.
        let forged = mint(KEY_B, &header(), &id_claims());
        assert_eq!(
            rejection(h.bearer(&forged)),
            (Rejection::BadSignature, INVALID)
        );
        // A valid token with its payload swapped for another.
        let good = mint(KEY_A, &header(), &id_claims());
        let parts: Vec<&str> = good.split('.').collect();
        let evil = with(
            id_claims(),
            json!({"sub": "admin", "cognito:username": "admin"}),
        );
        let tampered = format!(
            "{}.{}.{}",
            parts[0],
            b64(evil.to_string().as_bytes()),
            parts[2]
        );
        assert_eq!(
            rejection(h.bearer(&tampered)),
            (Rejection::BadSignature, INVALID)
        );
        // Signature truncated, empty, or one bit flipped.
        let mut sig =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, parts[2])
                .unwrap();
        let short = format!("{}.{}.{}", parts[0], parts[1], b64(&sig[1..]));
        assert_eq!(
            rejection(h.bearer(&short)),
            (Rejection::BadSignature, INVALID)
        );
        let empty = format!("{}.{}.", parts[0], parts[1]);
        assert_eq!(
            rejection(h.bearer(&empty)),
            (Rejection::BadSignature, INVALID)
        );
        sig[10] ^= 1;
        let flipped = format!("{}.{}.{}", parts[0], parts[1], b64(&sig));
        assert_eq!(
            rejection(h.bearer(&flipped)),
            (Rejection::BadSignature, INVALID)
        );
        // No sub is reported for a token whose signature failed.
        assert_eq!(h.bearer(&tampered).unwrap_err().sub(), None);
    }

    #[test]
    fn claim_failures_answer_per_contract() {
        let cases = [
            (json!({"exp": null}), ClaimError::MissingExp, INVALID),
            (
                json!({"exp": NOW - 1}),
                ClaimError::Expired,
                "Token has expired",
            ),
            (
                json!({"exp": NOW}),
                ClaimError::Expired,
                "Token has expired",
            ),
            (json!({"nbf": NOW + 60}), ClaimError::NotYetValid, INVALID),
            (
                json!({"iat": NOW + 60}),
                ClaimError::IssuedInFuture,
                INVALID,
            ),
            (
                json!({"iss": "https://evil.example"}),
                ClaimError::WrongIssuer,
                INVALID,
            ),
            (json!({"iss": null}), ClaimError::WrongIssuer, INVALID),
            (
                json!({"aud": "client-z"}),
                ClaimError::WrongAudience,
                INVALID,
            ),
            (json!({"token_use": null}), ClaimError::BadTokenUse, INVALID),
            (
                json!({"token_use": "refresh"}),
                ClaimError::BadTokenUse,
                INVALID,
            ),
            (json!({"sub": null}), ClaimError::MissingSub, FAILED),
            (
                json!({"cognito:username": null}),
                ClaimError::MissingUsername,
                FAILED,
            ),
        ];
        let h = Harness::required();
        for (change, claim, detail) in cases {
            let token = mint(KEY_A, &header(), &with(id_claims(), change.clone()));
            assert_eq!(
                rejection(h.bearer(&token)),
                (Rejection::Claim(claim), detail),
                "{change}"
            );
        }
        let token = mint(
            KEY_A,
            &header(),
            &with(access_claims(), json!({"client_id": "x"})),
        );
        assert_eq!(
            rejection(h.bearer(&token)),
            (Rejection::Claim(ClaimError::WrongClient), INVALID)
        );
    }

    #[test]
    fn rejection_after_signature_names_the_sub() {
        let h = Harness::required();
        let token = mint(
            KEY_A,
            &header(),
            &with(id_claims(), json!({"exp": NOW - 10})),
        );
        let failure = h.bearer(&token).unwrap_err();
        assert_eq!(
            (failure.reason(), failure.sub()),
            ("expired", Some("sub-1"))
        );
        assert!(!failure.to_string().contains(&token));
    }

    #[test]
    fn clock_skew_allowance() {
        let expired_20s = mint(
            KEY_A,
            &header(),
            &with(id_claims(), json!({"exp": NOW - 20})),
        );
        let early = mint(
            KEY_A,
            &header(),
            &with(id_claims(), json!({"nbf": NOW + 20, "iat": NOW + 20})),
        );
        let strict = Harness::new(AuthMode::Required, 0);
        assert!(strict.bearer(&expired_20s).is_err());
        assert!(strict.bearer(&early).is_err());
        let lenient = Harness::new(AuthMode::Required, 30);
        assert!(lenient.bearer(&expired_20s).is_ok());
        assert!(lenient.bearer(&early).is_ok());
    }

    #[test]
    fn float_dates() {
        let h = Harness::required();
        let claims = with(
            id_claims(),
            json!({"exp": NOW as f64 + 0.5, "iat": NOW as f64 - 0.25}),
        );
        assert!(h.bearer(&mint(KEY_A, &header(), &claims)).is_ok());
    }

    #[test]
    fn header_forms_reach_the_verifier() {
        let h = Harness::required();
        let token = mint(KEY_A, &header(), &id_claims());
        for value in [format!("bearer {token}"), format!("BEARER   {token}  ")] {
            assert!(h.run(Some(&value), NOW_MS).is_ok(), "{value}");
        }
        let tab = format!("Bearer\t{token}");
        assert_eq!(
            h.run(Some(&tab), NOW_MS),
            Err(AuthFailure::NotAuthenticated)
        );
    }

    #[test]
    fn enabled_without_cognito_fails_closed() {
        let auth = Authenticator::new(
            AuthSettings {
                mode: AuthMode::Optional,
                cognito: None,
            },
            RsaVerifier::default(),
        );
        let result = auth
            .authenticate(None, NOW_MS, || async { Ok(Vec::new()) })
            .now_or_never()
            .unwrap();
        assert_eq!(result.unwrap_err().reason(), "not_configured");
    }

    /// Concurrent first requests share one JWKS fetch when the shell wraps
    /// its fetch in the service's coalescer (no borrow is held across the
    /// fetch, and followers never await the leader's future).
    #[cfg(not(target_arch = "wasm32"))]
    #[tokio::test(flavor = "current_thread")]
    async fn concurrent_first_requests_share_one_fetch_through_the_coalescer() {
        use std::rc::Rc;
        use std::time::{Duration, Instant};

        use crate::clock::Clock;
        use crate::coalesce::Coalescer;

        struct TokioClock(Instant);
        impl Clock for TokioClock {
            fn now_millis(&self) -> f64 {
                self.0.elapsed().as_secs_f64() * 1000.0
            }
            async fn sleep(&self, duration: Duration) {
                tokio::time::sleep(duration).await;
            }
        }

        let auth = Rc::new(Authenticator::new(
            settings(AuthMode::Required, 0),
            RsaVerifier::default(),
        ));
        let coalescer = Rc::new(Coalescer::<Result<Vec<u8>, JwksFetchError>>::default());
        let fetches = Rc::new(Cell::new(0));
        let token = Rc::new(format!("Bearer {}", mint(KEY_A, &header(), &id_claims())));
        tokio::task::LocalSet::new()
            .run_until(async {
                let tasks: Vec<_> = (0..8)
                    .map(|_| {
                        let (auth, coalescer, fetches, token) = (
                            Rc::clone(&auth),
                            Rc::clone(&coalescer),
                            Rc::clone(&fetches),
                            Rc::clone(&token),
                        );
                        tokio::task::spawn_local(async move {
                            let clock = TokioClock(Instant::now());
                            auth.authenticate(Some(token.as_str()), NOW_MS, || async {
                                let (body, _role) = coalescer
                                    .run("jwks", &clock, Duration::from_secs(5), || async {
                                        fetches.set(fetches.get() + 1);
                                        tokio::time::sleep(Duration::from_millis(30)).await;
                                        Ok(jwks_body(&[(KEY_A, "kid-a")]))
                                    })
                                    .await;
                                body
                            })
                            .await
                        })
                    })
                    .collect();
                for task in tasks {
                    assert!(matches!(task.await.unwrap(), Ok(Identity::User(_))));
                }
            })
            .await;
        assert_eq!(fetches.get(), 1);
    }
}
