//! Optional Cognito JWT authentication (contract section 8), platform-free.
//!
//! Modelled on awslabs/aws-jwt-verify: RS256 only, the issuer's JWKS cached
//! per isolate with a penalty box for unknown `kid`s, `token_use` and the
//! client checked per token type, and every doubt fails closed.
//!
//! Reading order: [`header`] (which token, if any) → [`token`] (shape and
//! header) → [`key_cache`] / [`jwks`] (the key, perhaps after a fetch the
//! caller makes) → [`verify`] (the signature, by an injected verifier) →
//! [`claims`] → [`failure`] (status, detail, headers, log reason).
//! [`Authenticator`] strings them together.
//!
//! ```text
//! let auth = Authenticator::new(AuthSettings::from_lookup(&lookup)?, WebCryptoVerifier);
//! match auth.authenticate(request_header, now_ms, || fetch(auth.jwks_url())).await {
//!     Ok(Identity::Anonymous | Identity::User(_)) => { /* cache lookup, store … */ }
//!     Err(failure) => { /* failure.status(), .detail(), .www_authenticate(), … */ }
//! }
//! ```

mod authenticate;
pub mod claims;
pub mod failure;
pub mod gate;
pub mod header;
pub mod jwks;
pub mod key_cache;
pub mod settings;
pub mod token;
pub mod verify;

#[cfg(test)]
pub(crate) mod test_support;

pub use authenticate::{Authenticator, Identity, JwksFetchError};
pub use claims::{Principal, TokenUse};
pub use failure::{AuthFailure, Outage, Rejection};
pub use gate::{AuthGate, HttpJwks, JwksSource, Open, gate_for};
pub use header::{Presented, read_authorization};
pub use jwks::RsaPublicJwk;
pub use settings::{AuthConfigError, AuthMode, AuthSettings, CognitoSettings};
pub use verify::{SignatureVerifier, VerifierError};
