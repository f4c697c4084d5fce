//! Reading the `Authorization` header the way the original's FastAPI
//! `HTTPBearer` did (contract section 8).

/// What a request presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presented<'a> {
    /// No credentials: no header, another scheme, no space, or an empty token.
    None,
    /// The bearer token, trimmed; not yet checked in any way.
    Token(&'a str),
}

/// Splits the header value at its first space into scheme and token; the
/// scheme matches `Bearer` case-insensitively and the token is trimmed. A tab
/// is not a separator.
pub fn read_authorization(value: Option<&str>) -> Presented<'_> {
    let Some((scheme, token)) = value.and_then(|v| v.split_once(' ')) else {
        return Presented::None;
    };
    let token = token.trim();
    if scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() {
        Presented::Token(token)
    } else {
        Presented::None
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn bearer_tokens() {
        for (value, token) in [
            ("Bearer abc", "abc"),
            ("bearer abc", "abc"),
            ("BEARER abc", "abc"),
            ("Bearer   abc  ", "abc"),
            ("Bearer a b", "a b"),
            ("Bearer \tabc\t", "abc"),
            ("Bearer a\tb", "a\tb"),
        ] {
            assert_eq!(
                read_authorization(Some(value)),
                Presented::Token(token),
                "{value:?}"
            );
        }
    }

    #[test]
    fn no_credentials() {
        for value in [
            "",
            "Bearer",
            "Bearer ",
            "Bearer    ",
            "Bearer\tabc",
            "Basic dXNlcjpwYXNz",
            "Token abc",
            " Bearer abc",
            "Bearerabc",
            "Bearer\u{a0}abc",
        ] {
            assert_eq!(
                read_authorization(Some(value)),
                Presented::None,
                "{value:?}"
            );
        }
        assert_eq!(read_authorization(None), Presented::None);
    }
}
