//! RS256 signatures checked by the runtime's WebCrypto (`crypto.subtle`):
//! no RSA code in the bundle, and an imported key is reused per `kid`.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use worker::js_sys::{Array, Object, Reflect};
use worker::web_sys::{CryptoKey, SubtleCrypto};

use crate::auth::{RsaPublicJwk, SignatureVerifier, VerifierError};

const ALGORITHM: &str = "RSASSA-PKCS1-v1_5";

pub struct WebCrypto;

fn failed(what: &str) -> impl Fn(JsValue) -> VerifierError + '_ {
    move |error| VerifierError(format!("{what}: {}", error.as_string().unwrap_or_default()))
}

fn subtle() -> Result<SubtleCrypto, VerifierError> {
    let crypto = Reflect::get(&worker::js_sys::global(), &"crypto".into())
        .map_err(failed("no crypto global"))?;
    let subtle = Reflect::get(&crypto, &"subtle".into()).map_err(failed("no crypto.subtle"))?;
    Ok(subtle.unchecked_into())
}

fn object(pairs: &[(&str, &str)]) -> Result<Object, VerifierError> {
    let object = Object::new();
    for (name, value) in pairs {
        Reflect::set(&object, &(*name).into(), &(*value).into()).map_err(failed("object"))?;
    }
    Ok(object)
}

impl SignatureVerifier for WebCrypto {
    type Key = CryptoKey;

    async fn import_key(&self, jwk: &RsaPublicJwk) -> Result<CryptoKey, VerifierError> {
        let (n, e) = (jwk.n_base64url(), jwk.e_base64url());
        let key_data = object(&[("kty", "RSA"), ("n", &n), ("e", &e), ("alg", "RS256")])?;
        let algorithm = object(&[("name", ALGORITHM), ("hash", "SHA-256")])?;
        let usages = Array::of1(&"verify".into());
        let promise = subtle()?
            .import_key_with_object("jwk", &key_data, &algorithm, false, &usages)
            .map_err(failed("importKey"))?;
        let key = JsFuture::from(promise).await.map_err(failed("importKey"))?;
        Ok(key.unchecked_into())
    }

    async fn verify(
        &self,
        key: &CryptoKey,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<bool, VerifierError> {
        let promise = subtle()?
            .verify_with_str_and_u8_array_and_u8_array(ALGORITHM, key, signature, signing_input)
            .map_err(failed("verify"))?;
        let valid = JsFuture::from(promise).await.map_err(failed("verify"))?;
        Ok(valid.as_bool() == Some(true))
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::auth::jwks::parse_jwks;
    use crate::auth::test_support::{KEY_A, KEY_B, jwks_body, mint};

    /// Node's WebCrypto, as workerd's: a real RS256 token verifies with the
    /// key that signed it and with no other, and a flipped bit fails.
    #[test]
    async fn webcrypto_checks_real_rs256_signatures() {
        let jwks = parse_jwks(&jwks_body(&[(KEY_A, "kid-a"), (KEY_B, "kid-b")])).unwrap();
        let (key_a, key_b) = (jwks.find("kid-a").unwrap(), jwks.find("kid-b").unwrap());
        let token = mint(
            KEY_A,
            &serde_json::json!({"alg": "RS256", "kid": "kid-a"}),
            &serde_json::json!({"sub": "u"}),
        );
        let parsed = crate::auth::token::parse_token(&token).unwrap();
        let verifier = WebCrypto;
        let imported_a = verifier.import_key(key_a).await.unwrap();
        let imported_b = verifier.import_key(key_b).await.unwrap();
        let input = &parsed.signing_input;
        assert!(
            verifier
                .verify(&imported_a, input, &parsed.signature)
                .await
                .unwrap()
        );
        assert!(
            !verifier
                .verify(&imported_b, input, &parsed.signature)
                .await
                .unwrap()
        );
        let mut tampered = parsed.signature.clone();
        tampered[10] ^= 1;
        assert!(
            !verifier
                .verify(&imported_a, input, &tampered)
                .await
                .unwrap()
        );
    }
}
