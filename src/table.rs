//! Which table is read: endpoint, region, table name and key attribute,
//! built once from the configuration and used by the request builder, the
//! response interpreter (for its hints), the store and the cache key.

use crate::regions;
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

    /// Every replica to read: `DYNAMODB_REGIONS` (comma-separated) with
    /// optional per-region endpoints in `DYNAMODB_ENDPOINTS`
    /// (`region=url,…`). Unset, the one table [`Table::from_vars`] builds,
    /// exactly as before. `self` is that table (already parsed): the
    /// replicas share its name and key attribute.
    pub fn replicas_from_vars(&self, lookup: Lookup<'_>) -> Result<Vec<Table>, ConfigError> {
        let Some(list) = get(lookup, "DYNAMODB_REGIONS") else {
            return Ok(vec![self.clone()]);
        };
        let names: Vec<&str> = list
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .collect();
        for (i, name) in names.iter().enumerate() {
            if !regions::is_known(name) {
                return Err(invalid(
                    "DYNAMODB_REGIONS",
                    format!("{name:?} is not an AWS region with DynamoDB"),
                ));
            }
            if names.get(..i).is_some_and(|seen| seen.contains(name)) {
                return Err(invalid(
                    "DYNAMODB_REGIONS",
                    format!("{name} is listed twice"),
                ));
            }
        }
        if names.len() > 1 && get(lookup, "DYNAMODB_ENDPOINT").is_some() {
            return Err(invalid(
                "DYNAMODB_ENDPOINT",
                "with several DYNAMODB_REGIONS, set per-region endpoints in DYNAMODB_ENDPOINTS",
            ));
        }
        let mut endpoints = Vec::new();
        let overrides = get(lookup, "DYNAMODB_ENDPOINTS").unwrap_or_default();
        for pair in overrides
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let Some((region, url)) = pair.split_once('=') else {
                return Err(invalid("DYNAMODB_ENDPOINTS", "expected region=url pairs"));
            };
            let region = region.trim();
            if !names.contains(&region) {
                return Err(invalid(
                    "DYNAMODB_ENDPOINTS",
                    format!("{region:?} is not one of DYNAMODB_REGIONS"),
                ));
            }
            let url = validate_endpoint(url.trim()).map_err(|_| {
                invalid(
                    "DYNAMODB_ENDPOINTS",
                    format!("the URL for {region} must be scheme://host[:port]"),
                )
            })?;
            endpoints.push((region, url));
        }
        if names.is_empty() {
            return Err(invalid("DYNAMODB_REGIONS", "names no region"));
        }
        Ok(names
            .iter()
            .map(|region| Table {
                endpoint: endpoints
                    .iter()
                    .find(|(r, _)| r == region)
                    .map(|(_, url)| url.clone())
                    .or_else(|| {
                        (names.len() == 1)
                            .then(|| get(lookup, "DYNAMODB_ENDPOINT"))
                            .flatten()
                            .and_then(|url| validate_endpoint(&url).ok())
                    })
                    .unwrap_or_else(|| format!("https://dynamodb.{region}.amazonaws.com")),
                region: (*region).to_owned(),
                name: self.name.clone(),
                key_attribute: self.key_attribute.clone(),
            })
            .collect())
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

    fn replicas(pairs: &[(&str, &str)]) -> Result<Vec<Table>, ConfigError> {
        let lookup = from_pairs(pairs);
        Table::from_vars(&lookup)?.replicas_from_vars(&lookup)
    }

    #[test]
    fn one_region_unless_told_otherwise() {
        assert_eq!(replicas(&[]).unwrap(), vec![table(&[]).unwrap()]);
        let pairs = [
            ("AWS_REGION", "eu-west-1"),
            ("DYNAMODB_ENDPOINT", "http://127.0.0.1:1"),
        ];
        assert_eq!(replicas(&pairs).unwrap(), vec![table(&pairs).unwrap()]);
    }

    #[test]
    fn several_regions_each_with_its_endpoint() {
        let all = replicas(&[
            ("DYNAMODB_REGIONS", "us-east-1, eu-west-1,ap-southeast-2"),
            ("DYNAMODB_ENDPOINTS", "eu-west-1=http://127.0.0.1:8001"),
            ("DYNAMODB_PROCESSING_STATUS_TABLE", "global-status"),
        ])
        .unwrap();
        let shown: Vec<_> = all
            .iter()
            .map(|t| (t.region.as_str(), t.endpoint.as_str(), t.name.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "us-east-1",
                    "https://dynamodb.us-east-1.amazonaws.com",
                    "global-status"
                ),
                ("eu-west-1", "http://127.0.0.1:8001", "global-status"),
                (
                    "ap-southeast-2",
                    "https://dynamodb.ap-southeast-2.amazonaws.com",
                    "global-status"
                ),
            ]
        );
    }

    #[test]
    fn unknown_or_inconsistent_regions_are_configuration_errors() {
        let name = |pairs: &[(&str, &str)]| replicas(pairs).unwrap_err().name();
        assert_eq!(
            name(&[("DYNAMODB_REGIONS", "us-east-1,mars-north-1")]),
            "DYNAMODB_REGIONS"
        );
        assert_eq!(
            name(&[("DYNAMODB_REGIONS", "us-east-1,us-east-1")]),
            "DYNAMODB_REGIONS"
        );
        assert_eq!(name(&[("DYNAMODB_REGIONS", " , ")]), "DYNAMODB_REGIONS");
        assert_eq!(
            name(&[
                ("DYNAMODB_REGIONS", "us-east-1,eu-west-1"),
                ("DYNAMODB_ENDPOINT", "http://127.0.0.1:1"),
            ]),
            "DYNAMODB_ENDPOINT"
        );
        for endpoints in ["eu-west-1", "ap-south-1=http://h", "us-east-1=ftp://h"] {
            assert_eq!(
                name(&[
                    ("DYNAMODB_REGIONS", "us-east-1,eu-west-1"),
                    ("DYNAMODB_ENDPOINTS", endpoints),
                ]),
                "DYNAMODB_ENDPOINTS",
                "{endpoints}"
            );
        }
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
