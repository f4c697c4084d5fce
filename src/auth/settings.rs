//! Authentication settings (contract section 8), parsed from a name → value
//! lookup like the rest of the configuration.
//!
//! Unset, empty or whitespace-only values take the default. Any set value is
//! validated whatever the mode, so a typo is found before auth is switched
//! on. Errors name the setting and the problem, never the value.

pub const DEFAULT_REGION: &str = "us-east-1";
/// Upper bound of `AUTH_CLOCK_SKEW_SECONDS`.
pub const MAX_CLOCK_SKEW_SECONDS: u32 = 300;

const MAX_CLIENT_IDS: usize = 16;
const MAX_CLIENT_ID_LEN: usize = 128;
const MAX_POOL_ID_LEN: usize = 55;
const MAX_REGION_LEN: usize = 32;
const MAX_ISSUER_LEN: usize = 512;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// The `Authorization` header is not looked at.
    Off,
    /// No credentials: anonymous. A presented token must be valid.
    Optional,
    /// Every request needs a valid token.
    Required,
}

impl AuthMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::Off => "off",
            AuthMode::Optional => "optional",
            AuthMode::Required => "required",
        }
    }
}

/// Which tokens are accepted. Present whenever the mode is not `Off`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CognitoSettings {
    pub user_pool_id: String,
    /// At least one.
    pub client_ids: Vec<String>,
    pub region: String,
    /// Compared with the `iss` claim exactly; no trailing slash.
    pub issuer: String,
    pub clock_skew_seconds: u32,
}

impl CognitoSettings {
    /// `{issuer}/.well-known/jwks.json`
    pub fn jwks_url(&self) -> String {
        format!("{}/.well-known/jwks.json", self.issuer)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSettings {
    pub mode: AuthMode,
    /// `Some` whenever `mode` is not `Off` (when built by [`AuthSettings::from_lookup`]);
    /// also `Some` with `Off` if the pool and client were configured anyway.
    pub cognito: Option<CognitoSettings>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthConfigError {
    #[error("{name} is not set (required when AUTH_MODE is {mode})")]
    Missing {
        name: &'static str,
        mode: &'static str,
    },
    #[error("invalid {name}: {problem}")]
    Invalid {
        name: &'static str,
        problem: &'static str,
    },
}

/// One door for configuration errors: an auth setting is a setting.
impl From<AuthConfigError> for crate::settings::ConfigError {
    fn from(error: AuthConfigError) -> Self {
        crate::settings::invalid(error.setting(), error.to_string())
    }
}

impl AuthConfigError {
    /// The setting at fault.
    pub fn setting(&self) -> &'static str {
        match self {
            AuthConfigError::Missing { name, .. } | AuthConfigError::Invalid { name, .. } => name,
        }
    }
}

fn get(lookup: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn invalid(name: &'static str, problem: &'static str) -> AuthConfigError {
    AuthConfigError::Invalid { name, problem }
}

impl AuthSettings {
    /// Authentication off: what an unconfigured Worker runs with.
    pub fn off() -> AuthSettings {
        AuthSettings {
            mode: AuthMode::Off,
            cognito: None,
        }
    }

    pub fn from_lookup(
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<AuthSettings, AuthConfigError> {
        let mode = match get(lookup, "AUTH_MODE") {
            None => AuthMode::Off,
            Some(text) => match text.to_ascii_lowercase().as_str() {
                "off" => AuthMode::Off,
                "optional" => AuthMode::Optional,
                "required" => AuthMode::Required,
                _ => {
                    return Err(invalid(
                        "AUTH_MODE",
                        "expected \"off\", \"optional\" or \"required\"",
                    ));
                }
            },
        };

        let pool = get(lookup, "COGNITO_USER_POOL_ID");
        if let Some(pool) = &pool {
            validate_pool_id(pool)?;
        }
        let clients = get(lookup, "COGNITO_APP_CLIENT_ID")
            .map(|text| parse_client_ids(&text))
            .transpose()?;
        let (region_name, region) = match get(lookup, "COGNITO_REGION") {
            Some(region) => ("COGNITO_REGION", region),
            None => match get(lookup, "AWS_REGION") {
                Some(region) => ("AWS_REGION", region),
                None => (
                    "AWS_DEFAULT_REGION",
                    get(lookup, "AWS_DEFAULT_REGION").unwrap_or_else(|| DEFAULT_REGION.to_owned()),
                ),
            },
        };
        validate_region(region_name, &region)?;
        let issuer_override = get(lookup, "COGNITO_ISSUER_URL");
        if let Some(issuer) = &issuer_override {
            validate_issuer(issuer)?;
        }
        let clock_skew_seconds = match get(lookup, "AUTH_CLOCK_SKEW_SECONDS") {
            None => 0,
            Some(text) => match text.parse::<u32>() {
                Ok(seconds) if seconds <= MAX_CLOCK_SKEW_SECONDS => seconds,
                Ok(_) => {
                    return Err(invalid("AUTH_CLOCK_SKEW_SECONDS", "more than 300 seconds"));
                }
                Err(_) => {
                    return Err(invalid(
                        "AUTH_CLOCK_SKEW_SECONDS",
                        "not a whole number of seconds",
                    ));
                }
            },
        };

        let (user_pool_id, client_ids) = match (pool, clients) {
            (Some(pool), Some(clients)) => (pool, clients),
            (pool, _) => {
                if mode == AuthMode::Off {
                    return Ok(AuthSettings::off());
                }
                let name = if pool.is_none() {
                    "COGNITO_USER_POOL_ID"
                } else {
                    "COGNITO_APP_CLIENT_ID"
                };
                return Err(AuthConfigError::Missing {
                    name,
                    mode: mode.as_str(),
                });
            }
        };
        let issuer = match issuer_override {
            Some(issuer) => issuer,
            None => {
                // A pool id starts with its region; a pool read from the wrong
                // region's issuer would reject every token.
                if let Some((pool_region, _)) = user_pool_id.split_once('_')
                    && pool_region != region
                {
                    return Err(invalid(
                        region_name,
                        "differs from the region COGNITO_USER_POOL_ID is in (set COGNITO_REGION)",
                    ));
                }
                format!("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}")
            }
        };
        Ok(AuthSettings {
            mode,
            cognito: Some(CognitoSettings {
                user_pool_id,
                client_ids,
                region,
                issuer,
                clock_skew_seconds,
            }),
        })
    }
}

fn validate_pool_id(pool: &str) -> Result<(), AuthConfigError> {
    const NAME: &str = "COGNITO_USER_POOL_ID";
    if pool.len() > MAX_POOL_ID_LEN {
        return Err(invalid(NAME, "longer than 55 characters"));
    }
    let ok_chars = pool
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let well_formed = pool
        .split_once('_')
        .is_some_and(|(region, id)| !region.is_empty() && !id.is_empty());
    if !ok_chars || !well_formed {
        return Err(invalid(
            NAME,
            "expected the form <region>_<id>, e.g. us-east-1_AbCdEf123",
        ));
    }
    Ok(())
}

fn parse_client_ids(text: &str) -> Result<Vec<String>, AuthConfigError> {
    const NAME: &str = "COGNITO_APP_CLIENT_ID";
    let ids: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect();
    if ids.is_empty() {
        return Err(invalid(NAME, "no client id in the list"));
    }
    if ids.len() > MAX_CLIENT_IDS {
        return Err(invalid(NAME, "more than 16 client ids"));
    }
    for id in &ids {
        if id.len() > MAX_CLIENT_ID_LEN {
            return Err(invalid(NAME, "a client id is longer than 128 characters"));
        }
        if !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'+')
        {
            return Err(invalid(
                NAME,
                "a client id has a character other than letters, digits, '_', '-' or '+'",
            ));
        }
    }
    Ok(ids)
}

fn validate_region(name: &'static str, region: &str) -> Result<(), AuthConfigError> {
    let ok = region.len() <= MAX_REGION_LEN
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(invalid(
            name,
            "expected a region name such as us-east-1 (lowercase letters, digits, '-')",
        ))
    }
}

/// `https://…`, or `http://127.0.0.1[:port]/…` / `http://localhost[:port]/…`
/// for a local issuer; no query, fragment, whitespace or trailing slash.
fn validate_issuer(issuer: &str) -> Result<(), AuthConfigError> {
    const NAME: &str = "COGNITO_ISSUER_URL";
    if issuer.len() > MAX_ISSUER_LEN {
        return Err(invalid(NAME, "longer than 512 characters"));
    }
    if issuer
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#')
    {
        return Err(invalid(
            NAME,
            "has whitespace, a control character, a query or a fragment",
        ));
    }
    if issuer.ends_with('/') {
        return Err(invalid(
            NAME,
            "ends with '/' (it must equal the tokens' iss claim exactly)",
        ));
    }
    let host_and_path = if let Some(rest) = issuer.strip_prefix("https://") {
        rest
    } else if let Some(rest) = issuer.strip_prefix("http://") {
        let host = rest.split(['/', ':']).next().unwrap_or_default();
        if host != "127.0.0.1" && host != "localhost" {
            return Err(invalid(
                NAME,
                "http:// is allowed only for 127.0.0.1 or localhost; use https://",
            ));
        }
        rest
    } else {
        return Err(invalid(NAME, "must start with https://"));
    };
    let host = host_and_path.split('/').next().unwrap_or_default();
    if host.is_empty() || host.contains('@') {
        return Err(invalid(NAME, "has no host, or has user information"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<AuthSettings, AuthConfigError> {
        let lookup = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        AuthSettings::from_lookup(&lookup)
    }

    const POOL: (&str, &str) = ("COGNITO_USER_POOL_ID", "us-east-1_AbCdEf123");
    const CLIENT: (&str, &str) = ("COGNITO_APP_CLIENT_ID", "client1");

    fn cognito(pairs: &[(&str, &str)]) -> CognitoSettings {
        settings(pairs).unwrap().cognito.unwrap()
    }

    #[test]
    fn off_by_default() {
        assert_eq!(settings(&[]).unwrap(), AuthSettings::off());
        assert_eq!(
            settings(&[("AUTH_MODE", "  ")]).unwrap(),
            AuthSettings::off()
        );
        assert_eq!(
            settings(&[("AUTH_MODE", "off")]).unwrap(),
            AuthSettings::off()
        );
    }

    #[test]
    fn modes() {
        for (text, mode) in [
            ("optional", AuthMode::Optional),
            ("required", AuthMode::Required),
            (" Required ", AuthMode::Required),
        ] {
            let s = settings(&[("AUTH_MODE", text), POOL, CLIENT]).unwrap();
            assert_eq!(s.mode, mode);
        }
        let err = settings(&[("AUTH_MODE", "on")]).unwrap_err();
        assert_eq!(err.setting(), "AUTH_MODE");
        assert!(!err.to_string().contains("\"on\""), "{err}");
    }

    #[test]
    fn enabled_mode_needs_pool_and_client() {
        let err = settings(&[("AUTH_MODE", "required"), CLIENT]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "COGNITO_USER_POOL_ID is not set (required when AUTH_MODE is required)"
        );
        let err = settings(&[("AUTH_MODE", "optional"), POOL]).unwrap_err();
        assert_eq!(err.setting(), "COGNITO_APP_CLIENT_ID");
        let err = settings(&[
            ("AUTH_MODE", "optional"),
            POOL,
            ("COGNITO_APP_CLIENT_ID", " , ,"),
        ])
        .unwrap_err();
        assert_eq!(err.setting(), "COGNITO_APP_CLIENT_ID");
        // Off with only half the settings is fine.
        assert_eq!(settings(&[POOL]).unwrap(), AuthSettings::off());
    }

    #[test]
    fn default_issuer_and_jwks_url() {
        let c = cognito(&[("AUTH_MODE", "required"), POOL, CLIENT]);
        assert_eq!(c.region, "us-east-1");
        assert_eq!(
            c.issuer,
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123"
        );
        assert_eq!(
            c.jwks_url(),
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123/.well-known/jwks.json"
        );
        assert_eq!(c.clock_skew_seconds, 0);
        assert_eq!(c.client_ids, ["client1"]);
    }

    #[test]
    fn region_falls_back_to_aws_region_then_default_region() {
        let pool = ("COGNITO_USER_POOL_ID", "eu-west-1_Xyz");
        let c = cognito(&[pool, CLIENT, ("AWS_REGION", "eu-west-1")]);
        assert_eq!(c.region, "eu-west-1");
        let c = cognito(&[pool, CLIENT, ("AWS_DEFAULT_REGION", "eu-west-1")]);
        assert_eq!(c.region, "eu-west-1");
        let c = cognito(&[
            pool,
            CLIENT,
            ("AWS_REGION", "us-east-1"),
            ("COGNITO_REGION", "eu-west-1"),
        ]);
        assert_eq!(
            c.issuer,
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Xyz"
        );
        // The pool's own region disagrees with the derived one.
        let err = settings(&[pool, CLIENT, ("AUTH_MODE", "required")]).unwrap_err();
        assert_eq!(err.setting(), "AWS_DEFAULT_REGION");
        let err = settings(&[pool, CLIENT, ("AWS_REGION", "us-west-2")]).unwrap_err();
        assert_eq!(err.setting(), "AWS_REGION");
        let err = settings(&[("COGNITO_REGION", "US EAST")]).unwrap_err();
        assert_eq!(err.setting(), "COGNITO_REGION");
    }

    #[test]
    fn client_id_list() {
        let c = cognito(&[POOL, ("COGNITO_APP_CLIENT_ID", " a1 , b2,,c3 ")]);
        assert_eq!(c.client_ids, ["a1", "b2", "c3"]);
        let err = settings(&[POOL, ("COGNITO_APP_CLIENT_ID", "a1,b 2")]).unwrap_err();
        assert_eq!(err.setting(), "COGNITO_APP_CLIENT_ID");
        let long = "x".repeat(129);
        let err = settings(&[POOL, ("COGNITO_APP_CLIENT_ID", &long)]).unwrap_err();
        assert!(!err.to_string().contains(&long));
    }

    #[test]
    fn pool_id_is_checked() {
        for bad in ["nounderscore", "_abc", "us-east-1_", "us-east-1_a/b"] {
            let err = settings(&[("COGNITO_USER_POOL_ID", bad)]).unwrap_err();
            assert_eq!(err.setting(), "COGNITO_USER_POOL_ID", "{bad}");
        }
    }

    #[test]
    fn issuer_override() {
        let local = "http://127.0.0.1:9229/local_pool";
        let c = cognito(&[
            ("AUTH_MODE", "required"),
            ("COGNITO_USER_POOL_ID", "local_pool"),
            CLIENT,
            ("COGNITO_ISSUER_URL", local),
        ]);
        assert_eq!(c.issuer, local);
        assert_eq!(c.jwks_url(), format!("{local}/.well-known/jwks.json"));
        assert_eq!(
            cognito(&[
                POOL,
                CLIENT,
                ("COGNITO_ISSUER_URL", "https://issuer.example/pool")
            ])
            .issuer,
            "https://issuer.example/pool"
        );
        for bad in [
            "http://issuer.example/pool",
            "ftp://127.0.0.1/x",
            "https://issuer.example/pool/",
            "https://issuer.example/pool?x=1",
            "https://",
            "https://user@host/x",
            "http://127.0.0.1.evil.example/x",
        ] {
            let err = settings(&[("COGNITO_ISSUER_URL", bad)]).unwrap_err();
            assert_eq!(err.setting(), "COGNITO_ISSUER_URL", "{bad}");
            assert!(!err.to_string().contains(bad));
        }
    }

    #[test]
    fn clock_skew() {
        let skew = |text: &str| settings(&[POOL, CLIENT, ("AUTH_CLOCK_SKEW_SECONDS", text)]);
        assert_eq!(skew("30").unwrap().cognito.unwrap().clock_skew_seconds, 30);
        assert_eq!(skew(" ").unwrap().cognito.unwrap().clock_skew_seconds, 0);
        for bad in ["-1", "301", "1.5", "ten"] {
            assert_eq!(
                skew(bad).unwrap_err().setting(),
                "AUTH_CLOCK_SKEW_SECONDS",
                "{bad}"
            );
        }
    }
}
