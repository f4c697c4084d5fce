//! Reading settings (the Worker's vars and secrets) from a name → value
//! lookup: the toolkit each policy's own `from_vars` uses, and the one
//! configuration error type.
//!
//! An unset (or blank) setting takes its default; an invalid one is an
//! error naming the setting, never a silent default.

use std::ops::RangeInclusive;
use std::time::Duration;

/// Reads one setting; `None` when unset.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A setting that cannot be used. `Display` is for the operator's log (it
/// may quote the offending value); clients only ever read
/// [`ConfigError::client_text`], which names the setting alone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid {name}: {problem}")]
    Invalid { name: &'static str, problem: String },
    #[error("{name} is not set (a Worker secret: `wrangler secret put {name}`)")]
    MissingSecret { name: &'static str },
}

impl ConfigError {
    pub fn name(&self) -> &'static str {
        match self {
            ConfigError::Invalid { name, .. } | ConfigError::MissingSecret { name } => name,
        }
    }

    /// What a client may read: which setting, not its value (an endpoint
    /// URL may carry a password, a secret may be half right).
    pub fn client_text(&self) -> String {
        match self {
            ConfigError::Invalid { name, .. } => {
                format!("invalid {name} (the Worker's log has the details)")
            }
            missing @ ConfigError::MissingSecret { .. } => missing.to_string(),
        }
    }
}

pub fn invalid(name: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        name,
        problem: problem.into(),
    }
}

/// The trimmed value, `None` when unset or blank.
pub fn get(lookup: Lookup<'_>, name: &str) -> Option<String> {
    lookup(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

pub fn boolean(lookup: Lookup<'_>, name: &'static str, default: bool) -> Result<bool, ConfigError> {
    match get(lookup, name).map(|v| v.to_ascii_lowercase()).as_deref() {
        None => Ok(default),
        Some("true" | "1" | "yes") => Ok(true),
        Some("false" | "0" | "no") => Ok(false),
        Some(other) => Err(invalid(name, format!("{other:?} is not true or false"))),
    }
}

pub fn integer(
    lookup: Lookup<'_>,
    name: &'static str,
    default: u32,
    range: RangeInclusive<u32>,
) -> Result<u32, ConfigError> {
    let Some(text) = get(lookup, name) else {
        return Ok(default);
    };
    let value: u32 = text
        .parse()
        .map_err(|_| invalid(name, format!("{text:?} is not a whole number")))?;
    if !range.contains(&value) {
        return Err(invalid(
            name,
            format!("{value} is outside {}..={}", range.start(), range.end()),
        ));
    }
    Ok(value)
}

pub fn millis(
    lookup: Lookup<'_>,
    name: &'static str,
    default: Duration,
    range: RangeInclusive<u32>,
) -> Result<Duration, ConfigError> {
    let default = u32::try_from(default.as_millis()).unwrap_or(u32::MAX);
    integer(lookup, name, default, range).map(|ms| Duration::from_millis(ms.into()))
}

/// A lookup over fixed pairs, for tests (here and in `tests/`).
pub fn from_pairs<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn blank_means_unset() {
        let pairs = [("A", "  "), ("B", " x ")];
        let lookup = from_pairs(&pairs);
        assert_eq!(get(&lookup, "A"), None);
        assert_eq!(get(&lookup, "B").as_deref(), Some("x"));
        assert_eq!(get(&lookup, "C"), None);
    }

    #[test]
    fn numbers_are_whole_and_in_range() {
        let pairs = [("N", "7"), ("BAD", "7s"), ("BIG", "99")];
        let lookup = from_pairs(&pairs);
        assert_eq!(integer(&lookup, "N", 1, 0..=10), Ok(7));
        assert_eq!(integer(&lookup, "UNSET", 3, 0..=10), Ok(3));
        assert_eq!(
            integer(&lookup, "BAD", 1, 0..=10).unwrap_err().to_string(),
            r#"invalid BAD: "7s" is not a whole number"#
        );
        assert_eq!(
            integer(&lookup, "BIG", 1, 0..=10).unwrap_err().to_string(),
            "invalid BIG: 99 is outside 0..=10"
        );
    }

    #[test]
    fn clients_see_the_setting_never_its_value() {
        let error = invalid(
            "DYNAMODB_ENDPOINT",
            "\"http://user:hunter2@h\" must have no user",
        );
        assert!(error.to_string().contains("hunter2"), "the log keeps it");
        assert_eq!(
            error.client_text(),
            "invalid DYNAMODB_ENDPOINT (the Worker's log has the details)"
        );
        let missing = ConfigError::MissingSecret {
            name: "AWS_ACCESS_KEY_ID",
        };
        assert_eq!(missing.client_text(), missing.to_string());
    }
}
