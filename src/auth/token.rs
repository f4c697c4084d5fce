//! The compact JWS form of a JWT: `header.payload.signature`, each segment
//! base64url without padding; header and payload JSON objects.
//!
//! Only the shape and the header are checked here; nothing in the payload is
//! trusted until the signature has been verified.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

/// Longer tokens are refused before any decoding.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// A token whose shape and header are acceptable for RS256 verification.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedToken {
    /// The header's `kid`.
    pub kid: String,
    /// `header.payload` exactly as presented: what the signature covers.
    pub signing_input: Vec<u8>,
    /// The decoded signature.
    pub signature: Vec<u8>,
    /// The payload's claims (unverified until the signature is).
    pub claims: Map<String, Value>,
}

/// Why a token was refused before its key was looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Longer than [`MAX_TOKEN_BYTES`].
    TooLarge,
    /// Not three base64url segments with a JSON-object header and payload.
    Malformed,
    /// `alg` is not `RS256`.
    UnsupportedAlgorithm,
    /// No usable `kid` in the header.
    MissingKid,
}

fn decode(segment: &str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| TokenError::Malformed)
}

fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, TokenError> {
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(TokenError::Malformed),
    }
}

/// Checks the rows of the contract's table that need no key: three
/// segments, JSON header and payload, `alg` RS256, `kid` present.
pub fn parse_token(token: &str) -> Result<ParsedToken, TokenError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(TokenError::TooLarge);
    }
    let (signing_input, signature) = token.rsplit_once('.').ok_or(TokenError::Malformed)?;
    let (header, payload) = signing_input.split_once('.').ok_or(TokenError::Malformed)?;
    if payload.contains('.') {
        return Err(TokenError::Malformed);
    }
    let header = json_object(&decode(header)?)?;
    let claims = json_object(&decode(payload)?)?;
    let signature_bytes = decode(signature)?;
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(TokenError::UnsupportedAlgorithm);
    }
    let kid = match header.get("kid").and_then(Value::as_str) {
        Some(kid) if !kid.is_empty() && kid.len() <= 256 => kid.to_owned(),
        _ => return Err(TokenError::MissingKid),
    };
    Ok(ParsedToken {
        kid,
        signing_input: signing_input.as_bytes().to_vec(),
        signature: signature_bytes,
        claims,
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use serde_json::json;

    use super::*;

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn token(header: &Value, payload: &Value, signature: &[u8]) -> String {
        format!(
            "{}.{}.{}",
            b64(header.to_string().as_bytes()),
            b64(payload.to_string().as_bytes()),
            b64(signature)
        )
    }

    fn rs256() -> Value {
        json!({"alg": "RS256", "kid": "k1", "typ": "JWT"})
    }

    #[test]
    fn well_formed_token() {
        let t = token(&rs256(), &json!({"sub": "u"}), b"sig");
        let parsed = parse_token(&t).unwrap();
        assert_eq!(parsed.kid, "k1");
        assert_eq!(parsed.signature, b"sig");
        assert_eq!(parsed.claims.get("sub"), Some(&json!("u")));
        let dot = t.rfind('.').unwrap();
        assert_eq!(parsed.signing_input, &t.as_bytes()[..dot]);
    }

    #[test]
    fn segment_count() {
        let h = b64(rs256().to_string().as_bytes());
        let p = b64(b"{}");
        for t in [
            h.clone(),
            format!("{h}.{p}"),
            format!("{h}.{p}.c2ln.c2ln"),
            format!("{h}.{p}.c2ln.c2ln.c2ln"),
            String::new(),
            "..".to_owned(),
        ] {
            assert_eq!(parse_token(&t), Err(TokenError::Malformed), "{t}");
        }
        // An empty signature segment is well formed (and will not verify).
        assert_eq!(parse_token(&format!("{h}.{p}.")).unwrap().signature, b"");
    }

    #[test]
    fn bad_base64_and_json() {
        let h = b64(rs256().to_string().as_bytes());
        let p = b64(b"{}");
        for t in [
            format!("{h}.{p}.c2ln="), // padding
            format!("{h}.{p}.c2l+"),  // standard alphabet
            format!("{h}.{p}.c2l"),   // non-canonical trailing bits
            format!("{h}.{p}.c"),     // impossible length
            format!("{h}=.{p}.c2ln"),
            format!("{h}.not base64.c2ln"),
            format!("{h}.{}.c2ln", b64(b"not json")),
            format!("{h}.{}.c2ln", b64(b"[1,2]")),
            format!("{h}.{}.c2ln", b64(b"\"text\"")),
            format!("{}.{p}.c2ln", b64(b"{\"alg\":\"RS256\"")),
            format!("{h}.{}.c2ln", b64(&[0xff, 0xfe])),
        ] {
            assert_eq!(parse_token(&t), Err(TokenError::Malformed), "{t}");
        }
    }

    #[test]
    fn algorithm_must_be_rs256() {
        for alg in [
            json!("none"),
            json!("HS256"),
            json!("RS512"),
            json!("rs256"),
            json!("PS256"),
            json!(null),
            json!(["RS256"]),
        ] {
            let t = token(&json!({"alg": alg, "kid": "k1"}), &json!({}), b"sig");
            assert_eq!(
                parse_token(&t),
                Err(TokenError::UnsupportedAlgorithm),
                "{alg}"
            );
        }
        let t = token(&json!({"kid": "k1"}), &json!({}), b"");
        assert_eq!(parse_token(&t), Err(TokenError::UnsupportedAlgorithm));
    }

    #[test]
    fn kid_required() {
        for header in [
            json!({"alg": "RS256"}),
            json!({"alg": "RS256", "kid": ""}),
            json!({"alg": "RS256", "kid": 7}),
            json!({"alg": "RS256", "kid": "k".repeat(257)}),
        ] {
            let t = token(&header, &json!({}), b"sig");
            assert_eq!(parse_token(&t), Err(TokenError::MissingKid), "{header}");
        }
    }

    #[test]
    fn size_is_bounded() {
        let big = json!({"pad": "x".repeat(MAX_TOKEN_BYTES)});
        let t = token(&rs256(), &big, b"sig");
        assert_eq!(parse_token(&t), Err(TokenError::TooLarge));
    }

    #[test]
    fn total_on_odd_input() {
        for t in ["\u{1F600}.\u{1F600}.\u{1F600}", "...", ".a.", "\0.\0.\0"] {
            assert!(parse_token(t).is_err(), "{t}");
        }
    }
}
