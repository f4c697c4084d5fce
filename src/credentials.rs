//! AWS credentials from the Worker's secrets, checked once when the
//! isolate starts: a pasted control or non-ASCII character (a zero-width
//! space, a newline) is a configuration error naming the secret, never a
//! panic in the signer or a header silently dropped (an unsigned request).

use std::fmt;

use crate::settings::{ConfigError, Lookup, get, invalid};

pub const ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
pub const SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
pub const SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";

/// `Debug` never shows the secret or the session token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

impl Credentials {
    pub fn new(
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<&str>,
    ) -> Result<Self, ConfigError> {
        Ok(Credentials {
            access_key_id: checked(ACCESS_KEY_ID, access_key_id)?,
            secret_access_key: checked(SECRET_ACCESS_KEY, secret_access_key)?,
            session_token: session_token
                .map(|token| checked(SESSION_TOKEN, token))
                .transpose()?,
        })
    }

    /// From the secrets; the session token only for temporary credentials.
    pub fn from_vars(lookup: Lookup<'_>) -> Result<Self, ConfigError> {
        let required =
            |name: &'static str| get(lookup, name).ok_or(ConfigError::MissingSecret { name });
        Credentials::new(
            &required(ACCESS_KEY_ID)?,
            &required(SECRET_ACCESS_KEY)?,
            get(lookup, SESSION_TOKEN).as_deref(),
        )
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// Every value that must never leave the Worker.
    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        [Some(self.secret_access_key.as_str()), self.session_token()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
    }
}

/// Visible ASCII only: what AWS issues, and all an HTTP header can carry.
/// The message says where the bad character is, never the value.
fn checked(name: &'static str, value: &str) -> Result<String, ConfigError> {
    match value.char_indices().find(|(_, c)| !c.is_ascii_graphic()) {
        None => Ok(value.to_owned()),
        Some((at, c)) => Err(invalid(
            name,
            format!(
                "character {} (U+{:04X}) is not visible ASCII; re-enter the secret",
                value[..at].chars().count() + 1,
                u32::from(c)
            ),
        )),
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::settings::from_pairs;

    #[test]
    fn credentials_are_required_secrets() {
        let none = |_: &str| None;
        assert_eq!(
            Credentials::from_vars(&none).unwrap_err().to_string(),
            "AWS_ACCESS_KEY_ID is not set (a Worker secret: `wrangler secret put AWS_ACCESS_KEY_ID`)"
        );
        let pairs = [("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")];
        assert_eq!(
            Credentials::from_vars(&from_pairs(&pairs)).unwrap_err(),
            ConfigError::MissingSecret {
                name: "AWS_SECRET_ACCESS_KEY"
            }
        );
    }

    #[test]
    fn control_and_non_ascii_characters_are_configuration_errors() {
        for (name, key, secret) in [
            ("AWS_ACCESS_KEY_ID", "AKID\u{7}EXAMPLE", "s3cr3tval"),
            ("AWS_ACCESS_KEY_ID", "AKID\u{200B}EXAMPLE", "s3cr3tval"),
            ("AWS_SECRET_ACCESS_KEY", "AKIDEXAMPLE", "sec\nret"),
            ("AWS_SECRET_ACCESS_KEY", "AKIDEXAMPLE", "sécret"),
        ] {
            let error = Credentials::new(key, secret, None).unwrap_err();
            assert_eq!(error.name(), name, "{key:?} {secret:?}");
            let text = error.to_string();
            assert!(!text.contains(key) && !text.contains(secret), "{text}");
        }
        let token = Credentials::new("AKIDEXAMPLE", "secret", Some("tok en")).unwrap_err();
        assert_eq!(token.name(), "AWS_SESSION_TOKEN");
        assert!(Credentials::new("AKIDEXAMPLE", "wJalr/K7+MDENG=", Some("FQo//+=")).is_ok());
    }

    #[test]
    fn debug_hides_secrets() {
        let creds = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG",
            Some("FQoGZXIvYXdzEJr"),
        )
        .unwrap();
        let shown = format!("{creds:?}");
        assert!(!shown.contains("wJalrXUtnFEMI"));
        assert!(!shown.contains("FQoGZXIvYXdzEJr"));
        assert_eq!(creds.secrets().count(), 2);
    }
}
