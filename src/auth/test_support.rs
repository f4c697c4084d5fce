//! Test doubles: two fixed RSA keys (fixtures/auth), RS256 token minting and
//! a verifier built on the RustCrypto `rsa` crate.

use std::cell::Cell;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1v15::{SigningKey, VerifyingKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::sha2::Sha256;
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::{BoxedUint, PublicKey};
use serde_json::{Value, json};

use super::jwks::RsaPublicJwk;
use super::verify::{SignatureVerifier, VerifierError};

pub const KEY_A: &str = include_str!("../../fixtures/auth/test-key-a.pem");
pub const KEY_B: &str = include_str!("../../fixtures/auth/test-key-b.pem");

pub fn signing_key(pem: &str) -> SigningKey<Sha256> {
    SigningKey::<Sha256>::from_pkcs8_pem(pem).unwrap()
}

/// `claims` with `changes` applied: a null value removes that claim.
pub fn with(mut claims: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A compact RS256 JWS of `header` and `claims`.
pub fn mint(pem: &str, header: &Value, claims: &Value) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let signature = signing_key(pem).sign(input.as_bytes()).to_vec();
    format!("{input}.{}", b64(&signature))
}

/// A JWKS entry for the public half of `pem`.
pub fn jwk_json(pem: &str, kid: &str) -> Value {
    let private = rsa::PrivateKey::from_pkcs8_pem(pem).unwrap();
    let public = private.to_public_key();
    json!({
        "kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
        "n": b64(&public.n_bytes()), "e": b64(&public.e_bytes()),
    })
}

pub fn jwks_body(keys: &[(&str, &str)]) -> Vec<u8> {
    let keys: Vec<Value> = keys.iter().map(|(pem, kid)| jwk_json(pem, kid)).collect();
    json!({ "keys": keys }).to_string().into_bytes()
}

/// RS256 with the `rsa` crate; counts imports and verifications.
#[derive(Default)]
pub struct RsaVerifier {
    pub imports: Cell<u32>,
    pub verifications: Cell<u32>,
}

impl SignatureVerifier for RsaVerifier {
    type Key = VerifyingKey<Sha256>;

    async fn import_key(&self, jwk: &RsaPublicJwk) -> Result<Self::Key, VerifierError> {
        self.imports.set(self.imports.get() + 1);
        let bits = u32::try_from(jwk.n.len() * 8).unwrap();
        let n = BoxedUint::from_be_slice(&jwk.n, bits)
            .map_err(|e| VerifierError(format!("modulus: {e:?}")))?;
        let e = BoxedUint::from_be_slice(&jwk.e, 64)
            .map_err(|e| VerifierError(format!("exponent: {e:?}")))?;
        let public = PublicKey::new(n, e).map_err(|e| VerifierError(e.to_string()))?;
        Ok(VerifyingKey::new(public))
    }

    async fn verify(
        &self,
        key: &Self::Key,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<bool, VerifierError> {
        self.verifications.set(self.verifications.get() + 1);
        let Ok(signature) = rsa::pkcs1v15::Signature::try_from(signature) else {
            return Ok(false);
        };
        Ok(key.verify(signing_input, &signature).is_ok())
    }
}
