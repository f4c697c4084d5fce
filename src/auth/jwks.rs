//! A JSON Web Key Set as Cognito publishes it at
//! `{issuer}/.well-known/jwks.json`.
//!
//! Keys that cannot verify an RS256 signature (another `kty`, a `use` other
//! than `sig`, an `alg` other than `RS256`, no `kid`) are skipped. A key meant
//! for RS256 that is itself broken, or a document with no usable key, makes
//! the whole set unusable: authentication then fails closed (503).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// A larger document is refused unread.
pub const MAX_JWKS_BYTES: usize = 64 * 1024;
/// More keys than this is not a Cognito key set.
pub const MAX_KEYS: usize = 32;
/// Accepted modulus sizes, in bits.
const MIN_MODULUS_BITS: usize = 2048;
const MAX_MODULUS_BITS: usize = 8192;
const MAX_EXPONENT_BYTES: usize = 8;

/// An RSA public key for RS256, as raw big-endian bytes (no leading zeros).
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublicJwk {
    pub kid: String,
    /// Modulus.
    pub n: Vec<u8>,
    /// Public exponent.
    pub e: Vec<u8>,
}

impl RsaPublicJwk {
    /// The modulus as base64url, for importing as a JWK (WebCrypto `importKey("jwk", …)`).
    pub fn n_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.n)
    }

    /// The exponent as base64url.
    pub fn e_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.e)
    }

    /// The length an RS256 signature by this key must have.
    pub fn modulus_len(&self) -> usize {
        self.n.len()
    }
}

impl std::fmt::Debug for RsaPublicJwk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RsaPublicJwk")
            .field("kid", &self.kid)
            .field("modulus_bits", &(self.n.len() * 8))
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jwks {
    /// In document order; the first key with a given `kid` wins.
    pub keys: Vec<RsaPublicJwk>,
}

impl Jwks {
    pub fn find(&self, kid: &str) -> Option<&RsaPublicJwk> {
        self.keys.iter().find(|k| k.kid == kid)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum JwksError {
    #[error("JWKS larger than 64 KiB")]
    TooLarge,
    #[error("JWKS is not a JSON object with a \"keys\" list")]
    NotAKeySet,
    #[error("JWKS has more than 32 keys")]
    TooManyKeys,
    #[error("JWKS has an RS256 key with a missing or malformed {0}")]
    BadKey(&'static str),
    #[error("JWKS has no RS256 signing key")]
    NoUsableKey,
}

fn unsigned_bytes(value: Option<&Value>, field: &'static str) -> Result<Vec<u8>, JwksError> {
    let text = value
        .and_then(Value::as_str)
        .ok_or(JwksError::BadKey(field))?;
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| JwksError::BadKey(field))?;
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    Ok(bytes.get(first..).unwrap_or_default().to_vec())
}

fn rsa_key(key: &Value) -> Result<Option<RsaPublicJwk>, JwksError> {
    let field = |name: &str| key.get(name);
    if field("kty").and_then(Value::as_str) != Some("RSA") {
        return Ok(None);
    }
    if field("use").is_some_and(|u| u.as_str() != Some("sig"))
        || field("alg").is_some_and(|a| a.as_str() != Some("RS256"))
    {
        return Ok(None);
    }
    let kid = match field("kid").and_then(Value::as_str) {
        Some(kid) if !kid.is_empty() => kid.to_owned(),
        _ => return Ok(None),
    };
    let n = unsigned_bytes(field("n"), "n")?;
    let bits = n.len() * 8;
    if !(MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits) {
        return Err(JwksError::BadKey("n"));
    }
    let e = unsigned_bytes(field("e"), "e")?;
    if e.is_empty() || e.len() > MAX_EXPONENT_BYTES || e.last().is_some_and(|b| b % 2 == 0) {
        return Err(JwksError::BadKey("e"));
    }
    Ok(Some(RsaPublicJwk { kid, n, e }))
}

/// Parses a JWKS document, keeping the keys that can verify RS256.
pub fn parse_jwks(body: &[u8]) -> Result<Jwks, JwksError> {
    if body.len() > MAX_JWKS_BYTES {
        return Err(JwksError::TooLarge);
    }
    let document: Value = serde_json::from_slice(body).map_err(|_| JwksError::NotAKeySet)?;
    let entries = document
        .get("keys")
        .and_then(Value::as_array)
        .ok_or(JwksError::NotAKeySet)?;
    if entries.len() > MAX_KEYS {
        return Err(JwksError::TooManyKeys);
    }
    let mut keys = Vec::new();
    for entry in entries {
        if let Some(key) = rsa_key(entry)? {
            keys.push(key);
        }
    }
    if keys.is_empty() {
        return Err(JwksError::NoUsableKey);
    }
    Ok(Jwks { keys })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use serde_json::json;

    use super::*;

    fn modulus() -> String {
        let mut n = vec![0xc5u8; 256];
        n.insert(0, 0); // a leading zero, as some encoders write
        URL_SAFE_NO_PAD.encode(n)
    }

    fn key(kid: &str) -> Value {
        json!({"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig", "n": modulus(), "e": "AQAB"})
    }

    fn parse(doc: &Value) -> Result<Jwks, JwksError> {
        parse_jwks(doc.to_string().as_bytes())
    }

    #[test]
    fn cognito_shaped_set() {
        let jwks = parse(&json!({"keys": [key("k1"), key("k2")]})).unwrap();
        assert_eq!(jwks.keys.len(), 2);
        let k2 = jwks.find("k2").unwrap();
        assert_eq!(k2.n.len(), 256);
        assert_eq!(k2.e, [1, 0, 1]);
        assert_eq!(k2.e_base64url(), "AQAB");
        assert_eq!(k2.modulus_len(), 256);
        assert!(jwks.find("k3").is_none());
        assert!(!format!("{k2:?}").contains(&modulus()));
    }

    #[test]
    fn skips_keys_that_are_not_for_rs256() {
        let mut ec = key("ec");
        ec["kty"] = json!("EC");
        let mut enc = key("enc");
        enc["use"] = json!("enc");
        let mut rs512 = key("rs512");
        rs512["alg"] = json!("RS512");
        let mut no_kid = key("");
        no_kid.as_object_mut().unwrap().remove("kid");
        let mut bare = key("bare");
        bare.as_object_mut().unwrap().remove("alg");
        bare.as_object_mut().unwrap().remove("use");
        let jwks = parse(&json!({"keys": [ec, enc, rs512, no_kid, "junk", bare]})).unwrap();
        let kids: Vec<_> = jwks.keys.iter().map(|k| k.kid.as_str()).collect();
        assert_eq!(kids, ["bare"]);
    }

    #[test]
    fn first_duplicate_wins() {
        let mut second = key("k1");
        second["e"] = json!("Aw");
        let jwks = parse(&json!({"keys": [key("k1"), second]})).unwrap();
        assert_eq!(jwks.find("k1").unwrap().e, [1, 0, 1]);
    }

    #[test]
    fn broken_documents() {
        assert_eq!(parse_jwks(b"not json"), Err(JwksError::NotAKeySet));
        assert_eq!(parse(&json!([key("k1")])), Err(JwksError::NotAKeySet));
        assert_eq!(parse(&json!({"keys": {}})), Err(JwksError::NotAKeySet));
        assert_eq!(parse(&json!({"keys": []})), Err(JwksError::NoUsableKey));
        let many: Vec<Value> = (0..33).map(|i| key(&format!("k{i}"))).collect();
        assert_eq!(parse(&json!({ "keys": many })), Err(JwksError::TooManyKeys));
        let big = vec![b' '; MAX_JWKS_BYTES + 1];
        assert_eq!(parse_jwks(&big), Err(JwksError::TooLarge));
    }

    #[test]
    fn broken_rs256_keys() {
        let bad = |field: &str, value: Value| {
            let mut k = key("k1");
            k[field] = value;
            parse(&json!({"keys": [k]}))
        };
        assert_eq!(bad("n", json!("!!")), Err(JwksError::BadKey("n")));
        assert_eq!(bad("n", json!(5)), Err(JwksError::BadKey("n")));
        assert_eq!(bad("n", json!("AQAB")), Err(JwksError::BadKey("n"))); // too short
        assert_eq!(
            bad("n", json!(URL_SAFE_NO_PAD.encode([0u8; 300]))),
            Err(JwksError::BadKey("n"))
        );
        assert_eq!(bad("e", json!("")), Err(JwksError::BadKey("e")));
        assert_eq!(bad("e", json!("AAAA")), Err(JwksError::BadKey("e")));
        assert_eq!(bad("e", json!("AQAC")), Err(JwksError::BadKey("e"))); // even
        assert_eq!(bad("e", json!("AQAB=")), Err(JwksError::BadKey("e")));
    }
}
