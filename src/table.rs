//! Which table is read: endpoint, region, table name and key attribute,
//! built once from the configuration and used by the request builder, the
//! response interpreter (for its hints), the store and the cache key.

use crate::settings::{ConfigError, Lookup, get, invalid};

pub const DEFAULT_TABLE: &str = "trade-matching-system-processing-status";
pub const DEFAULT_REGION: &str = "us-east-1";
pub const DEFAULT_KEY_ATTRIBUTE: &str = "sessionId";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Base URL of the DynamoDB API: the regional AWS endpoint unless overridden.
    pub endpoint: String,
    pub region: String,
    pub name: String,
    pub key_attribute: String,
}

impl Table {
    pub fn from_vars(lookup: Lookup<'_>) -> Result<Table, ConfigError> {
        let name = get(lookup, "DYNAMODB_PROCESSING_STATUS_TABLE")
            .unwrap_or_else(|| DEFAULT_TABLE.to_owned());
        validate_name(&name)?;
        let (region_setting, region) = match get(lookup, "AWS_REGION") {
            Some(region) => ("AWS_REGION", region),
            None => (
                "AWS_DEFAULT_REGION",
                get(lookup, "AWS_DEFAULT_REGION").unwrap_or_else(|| DEFAULT_REGION.to_owned()),
            ),
        };
        validate_region(region_setting, &region)?;
        let key_attribute =
            get(lookup, "STATUS_KEY_ATTRIBUTE").unwrap_or_else(|| DEFAULT_KEY_ATTRIBUTE.to_owned());
        if key_attribute.len() > 255 {
            return Err(invalid("STATUS_KEY_ATTRIBUTE", "longer than 255 bytes"));
        }
        let endpoint = match get(lookup, "DYNAMODB_ENDPOINT") {
            None => format!("https://dynamodb.{region}.amazonaws.com"),
            Some(url) => validate_endpoint(&url)?,
        };
        Ok(Table {
            endpoint,
            region,
            name,
            key_attribute,
        })
    }

    /// What selects the data, for the cache key: two tables never share entries.
    pub fn identity(&self) -> [&str; 4] {
        [
            &self.name,
            &self.region,
            &self.key_attribute,
            &self.endpoint,
        ]
    }
}

fn validate_name(table: &str) -> Result<(), ConfigError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if !(3..=255).contains(&table.len()) || !table.chars().all(allowed) {
        return Err(invalid(
            "DYNAMODB_PROCESSING_STATUS_TABLE",
            format!("{table:?} is not a DynamoDB table name (3-255 of a-z A-Z 0-9 _ - .)"),
        ));
    }
    Ok(())
}

fn validate_region(setting: &'static str, region: &str) -> Result<(), ConfigError> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if region.len() > 32 || !region.contains('-') || !region.chars().all(allowed) {
        return Err(invalid(
            setting,
            format!("{region:?} is not an AWS region name"),
        ));
    }
    Ok(())
}

/// The URL as an error may quote it: a password in it is replaced.
fn shown(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!(
            "{}://<redacted>@{}",
            url.get(..scheme).unwrap_or_default(),
            url.get(at + 1..).unwrap_or_default()
        ),
        _ => url.to_owned(),
    }
}

fn validate_endpoint(url: &str) -> Result<String, ConfigError> {
    let shown = shown(url);
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            invalid(
                "DYNAMODB_ENDPOINT",
                format!("{shown:?} is not an http(s) URL"),
            )
        })?;
    let host = rest.trim_end_matches('/');
    let visible = |c: char| c.is_ascii_graphic();
    if host.is_empty() || host.contains(['/', '?', '#', '@', ' ']) || !host.chars().all(visible) {
        return Err(invalid(
            "DYNAMODB_ENDPOINT",
            format!("{shown:?} must be scheme://host[:port] with no path, query or user"),
        ));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::settings::from_pairs;

    fn table(pairs: &[(&str, &str)]) -> Result<Table, ConfigError> {
        Table::from_vars(&from_pairs(pairs))
    }

    #[test]
    fn defaults_follow_the_contract() {
        let t = table(&[]).unwrap();
        assert_eq!(t.name, "trade-matching-system-processing-status");
        assert_eq!(t.region, "us-east-1");
        assert_eq!(t.key_attribute, "sessionId");
        assert_eq!(t.endpoint, "https://dynamodb.us-east-1.amazonaws.com");
    }

    #[test]
    fn region_falls_back_to_aws_default_region() {
        let t = table(&[("AWS_DEFAULT_REGION", "ap-south-1")]).unwrap();
        assert_eq!(t.region, "ap-south-1");
        assert_eq!(t.endpoint, "https://dynamodb.ap-south-1.amazonaws.com");
        let both = table(&[
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "ap-south-1"),
        ]);
        assert_eq!(both.unwrap().region, "eu-west-1");
    }

    #[test]
    fn invalid_values_name_the_setting() {
        let name = |pairs: &[(&str, &str)]| table(pairs).unwrap_err().name();
        assert_eq!(
            name(&[("DYNAMODB_PROCESSING_STATUS_TABLE", "a b")]),
            "DYNAMODB_PROCESSING_STATUS_TABLE"
        );
        assert_eq!(name(&[("AWS_REGION", "US East")]), "AWS_REGION");
        assert_eq!(
            name(&[("AWS_DEFAULT_REGION", "nowhere")]),
            "AWS_DEFAULT_REGION"
        );
        for url in [
            "localhost:8000",
            "http://h/path",
            "http://user:pw@h",
            "http://h\u{7f}",
        ] {
            assert_eq!(
                name(&[("DYNAMODB_ENDPOINT", url)]),
                "DYNAMODB_ENDPOINT",
                "{url}"
            );
        }
        let with_password = table(&[("DYNAMODB_ENDPOINT", "http://user:hunter2@h")]);
        assert!(!with_password.unwrap_err().to_string().contains("hunter2"));
        assert_eq!(
            table(&[("DYNAMODB_ENDPOINT", "http://127.0.0.1:8000/")])
                .unwrap()
                .endpoint,
            "http://127.0.0.1:8000"
        );
    }
}
