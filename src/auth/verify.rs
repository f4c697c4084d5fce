//! The one cryptographic step, behind a trait: the Worker implements it with
//! WebCrypto (`RSASSA-PKCS1-v1_5` / `SHA-256`), the host tests with the
//! RustCrypto `rsa` crate. No RSA arithmetic lives in this crate.

use std::future::Future;

use super::jwks::RsaPublicJwk;

/// Why the verifier could not give an answer (not "the signature is wrong").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct VerifierError(pub String);

pub trait SignatureVerifier {
    /// A key in the verifier's own form, cached per `kid`.
    type Key: Clone;

    /// Turns a JWKS key into the verifier's form (once per key and isolate).
    fn import_key(
        &self,
        jwk: &RsaPublicJwk,
    ) -> impl Future<Output = Result<Self::Key, VerifierError>>;

    /// Whether `signature` is a valid RS256 (RSASSA-PKCS1-v1_5 with SHA-256)
    /// signature of `signing_input` by `key`.
    fn verify(
        &self,
        key: &Self::Key,
        signing_input: &[u8],
        signature: &[u8],
    ) -> impl Future<Output = Result<bool, VerifierError>>;
}
