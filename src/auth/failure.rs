//! Every way authentication can fail, classified once: the HTTP status, the
//! client's `detail` text (contract section 8, exactly), the
//! `WWW-Authenticate` and `Retry-After` values, and a short reason for the
//! log. Nothing here ever holds the token or its signature.

use super::claims::ClaimError;
use super::jwks::JwksError;
use super::token::TokenError;

pub const NOT_AUTHENTICATED: &str = "Not authenticated";
pub const INVALID_TOKEN: &str = "Invalid authentication token";
pub const AUTHENTICATION_FAILED: &str = "Authentication failed";
pub const TOKEN_EXPIRED: &str = "Token has expired";
pub const AUTHENTICATION_UNAVAILABLE: &str = "Authentication unavailable";

/// Why a presented token was refused, in the contract's rule order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    TooLarge,
    Malformed,
    UnsupportedAlgorithm,
    MissingKid,
    UnknownKid,
    BadSignature,
    Claim(ClaimError),
}

impl Rejection {
    /// Short and stable, for the log line.
    pub fn reason(self) -> &'static str {
        match self {
            Rejection::TooLarge => "too_large",
            Rejection::Malformed => "malformed",
            Rejection::UnsupportedAlgorithm => "bad_alg",
            Rejection::MissingKid => "missing_kid",
            Rejection::UnknownKid => "unknown_kid",
            Rejection::BadSignature => "bad_signature",
            Rejection::Claim(claim) => match claim {
                ClaimError::MissingExp => "missing_exp",
                ClaimError::Expired => "expired",
                ClaimError::NotYetValid => "not_yet_valid",
                ClaimError::IssuedInFuture => "issued_in_future",
                ClaimError::WrongIssuer => "wrong_issuer",
                ClaimError::BadTokenUse => "bad_token_use",
                ClaimError::WrongAudience => "wrong_audience",
                ClaimError::WrongClient => "wrong_client",
                ClaimError::MissingSub => "missing_sub",
                ClaimError::MissingUsername => "missing_username",
            },
        }
    }

    /// What the client is told.
    pub fn detail(self) -> &'static str {
        match self {
            Rejection::MissingKid
            | Rejection::UnknownKid
            | Rejection::Claim(ClaimError::MissingSub | ClaimError::MissingUsername) => {
                AUTHENTICATION_FAILED
            }
            Rejection::Claim(ClaimError::Expired) => TOKEN_EXPIRED,
            _ => INVALID_TOKEN,
        }
    }
}

impl From<TokenError> for Rejection {
    fn from(error: TokenError) -> Self {
        match error {
            TokenError::TooLarge => Rejection::TooLarge,
            TokenError::Malformed => Rejection::Malformed,
            TokenError::UnsupportedAlgorithm => Rejection::UnsupportedAlgorithm,
            TokenError::MissingKid => Rejection::MissingKid,
        }
    }
}

/// Why no token could be checked at all (fail closed: 503).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outage {
    /// The JWKS request failed (the shell's description: status, network error).
    JwksFetch(String),
    /// The JWKS document was unusable.
    JwksParse(JwksError),
    /// A fetch failed moments ago; not retried yet.
    JwksBackoff,
    /// The verifier could not import a JWKS key.
    KeyImport(String),
    /// The verifier could not answer.
    Verifier(String),
    /// Auth is on but has no Cognito settings (not produced by `from_lookup`).
    NotConfigured,
}

impl Outage {
    pub fn reason(&self) -> &'static str {
        match self {
            Outage::JwksFetch(_) => "jwks_fetch",
            Outage::JwksParse(_) => "jwks_parse",
            Outage::JwksBackoff => "jwks_backoff",
            Outage::KeyImport(_) => "key_import",
            Outage::Verifier(_) => "verifier",
            Outage::NotConfigured => "not_configured",
        }
    }
}

impl std::fmt::Display for Outage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outage::JwksFetch(why) | Outage::KeyImport(why) | Outage::Verifier(why) => {
                write!(f, "{}: {why}", self.reason())
            }
            Outage::JwksParse(why) => write!(f, "{}: {why}", self.reason()),
            Outage::JwksBackoff | Outage::NotConfigured => f.write_str(self.reason()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthFailure {
    /// No credentials in `required` mode.
    #[error("missing_token")]
    NotAuthenticated,
    /// A presented token was refused. `sub` only once the signature verified.
    #[error("{}", .rejection.reason())]
    Rejected {
        rejection: Rejection,
        sub: Option<String>,
    },
    /// Tokens cannot be checked right now.
    #[error("{outage}")]
    Unavailable {
        outage: Outage,
        retry_after_secs: u32,
    },
}

impl AuthFailure {
    pub fn status(&self) -> u16 {
        match self {
            AuthFailure::NotAuthenticated | AuthFailure::Rejected { .. } => 401,
            AuthFailure::Unavailable { .. } => 503,
        }
    }

    /// The `detail` of the JSON body.
    pub fn detail(&self) -> &'static str {
        match self {
            AuthFailure::NotAuthenticated => NOT_AUTHENTICATED,
            AuthFailure::Rejected { rejection, .. } => rejection.detail(),
            AuthFailure::Unavailable { .. } => AUTHENTICATION_UNAVAILABLE,
        }
    }

    /// The `WWW-Authenticate` value every 401 carries.
    pub fn www_authenticate(&self) -> Option<&'static str> {
        match self {
            AuthFailure::NotAuthenticated => Some("Bearer"),
            AuthFailure::Rejected { .. } => Some("Bearer error=\"invalid_token\""),
            AuthFailure::Unavailable { .. } => None,
        }
    }

    /// The `Retry-After` value (seconds) a 503 carries.
    pub fn retry_after_secs(&self) -> Option<u32> {
        match self {
            AuthFailure::Unavailable {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// Short and stable, for the log line (`Display` adds the outage's cause).
    pub fn reason(&self) -> &'static str {
        match self {
            AuthFailure::NotAuthenticated => "missing_token",
            AuthFailure::Rejected { rejection, .. } => rejection.reason(),
            AuthFailure::Unavailable { outage, .. } => outage.reason(),
        }
    }

    /// The token's subject, when its signature verified.
    pub fn sub(&self) -> Option<&str> {
        match self {
            AuthFailure::Rejected { sub, .. } => sub.as_deref(),
            _ => None,
        }
    }

    /// The answer: `{"detail"}`, `WWW-Authenticate` on a 401, `Retry-After`
    /// on a 503, never kept by any cache.
    pub fn to_reply(&self) -> crate::reply::Reply {
        let mut reply = crate::reply::Reply::detail(self.status(), self.detail())
            .with_header("cache-control", "no-store");
        if let Some(challenge) = self.www_authenticate() {
            reply.set_header("www-authenticate", challenge);
        }
        if let Some(seconds) = self.retry_after_secs() {
            reply.set_header("retry-after", seconds.to_string());
        }
        reply
    }

    /// One JSON line for the log: the reason, never the token or its
    /// signature; `sub` only once the signature verified.
    pub fn log_line(&self, correlation_id: &str, session_id: &str) -> String {
        serde_json::json!({
            "level": if self.status() == 503 { "error" } else { "warn" },
            "event": "auth_rejected",
            "reason": self.reason(),
            "cause": self.to_string(),
            "status": self.status(),
            "sessionId": session_id,
            "correlationId": correlation_id,
            "sub": self.sub(),
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn rejected(rejection: Rejection) -> AuthFailure {
        AuthFailure::Rejected {
            rejection,
            sub: None,
        }
    }

    #[test]
    fn contract_table() {
        let invalid = [
            Rejection::TooLarge,
            Rejection::Malformed,
            Rejection::UnsupportedAlgorithm,
            Rejection::BadSignature,
            Rejection::Claim(ClaimError::MissingExp),
            Rejection::Claim(ClaimError::NotYetValid),
            Rejection::Claim(ClaimError::IssuedInFuture),
            Rejection::Claim(ClaimError::WrongIssuer),
            Rejection::Claim(ClaimError::BadTokenUse),
            Rejection::Claim(ClaimError::WrongAudience),
            Rejection::Claim(ClaimError::WrongClient),
        ];
        for r in invalid {
            assert_eq!(rejected(r).detail(), INVALID_TOKEN, "{r:?}");
        }
        for r in [
            Rejection::MissingKid,
            Rejection::UnknownKid,
            Rejection::Claim(ClaimError::MissingSub),
            Rejection::Claim(ClaimError::MissingUsername),
        ] {
            assert_eq!(rejected(r).detail(), AUTHENTICATION_FAILED, "{r:?}");
        }
        let expired = rejected(Rejection::Claim(ClaimError::Expired));
        assert_eq!(expired.detail(), "Token has expired");
        assert_eq!(expired.status(), 401);
        assert_eq!(expired.reason(), "expired");
        assert_eq!(
            expired.www_authenticate(),
            Some("Bearer error=\"invalid_token\"")
        );
        assert_eq!(expired.retry_after_secs(), None);
    }

    #[test]
    fn not_authenticated() {
        let f = AuthFailure::NotAuthenticated;
        assert_eq!(
            (f.status(), f.detail(), f.www_authenticate()),
            (401, "Not authenticated", Some("Bearer"))
        );
        assert_eq!(f.reason(), "missing_token");
    }

    #[test]
    fn unavailable() {
        let f = AuthFailure::Unavailable {
            outage: Outage::JwksFetch("HTTP 500".into()),
            retry_after_secs: 2,
        };
        assert_eq!(
            (
                f.status(),
                f.detail(),
                f.www_authenticate(),
                f.retry_after_secs()
            ),
            (503, "Authentication unavailable", None, Some(2))
        );
        assert_eq!(f.reason(), "jwks_fetch");
        assert_eq!(f.to_string(), "jwks_fetch: HTTP 500");
        let f = AuthFailure::Unavailable {
            outage: Outage::JwksParse(JwksError::NoUsableKey),
            retry_after_secs: 2,
        };
        assert_eq!(f.to_string(), "jwks_parse: JWKS has no RS256 signing key");
    }

    #[test]
    fn reasons_are_distinct() {
        let all = [
            Rejection::TooLarge,
            Rejection::Malformed,
            Rejection::UnsupportedAlgorithm,
            Rejection::MissingKid,
            Rejection::UnknownKid,
            Rejection::BadSignature,
            Rejection::Claim(ClaimError::MissingExp),
            Rejection::Claim(ClaimError::Expired),
            Rejection::Claim(ClaimError::NotYetValid),
            Rejection::Claim(ClaimError::IssuedInFuture),
            Rejection::Claim(ClaimError::WrongIssuer),
            Rejection::Claim(ClaimError::BadTokenUse),
            Rejection::Claim(ClaimError::WrongAudience),
            Rejection::Claim(ClaimError::WrongClient),
            Rejection::Claim(ClaimError::MissingSub),
            Rejection::Claim(ClaimError::MissingUsername),
        ];
        let mut reasons: Vec<_> = all.iter().map(|r| r.reason()).collect();
        reasons.sort_unstable();
        reasons.dedup();
        assert_eq!(reasons.len(), all.len());
    }
}
