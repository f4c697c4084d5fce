//! Stored item → status document (contract sections 3 and 4).

use chrono::{DateTime, Utc};

use crate::attribute::{AttributeValue, Item};
use crate::decimal::{Decimal, parse_integer_literal};
use crate::document::{AGENT_KEYS, AgentStatus, Agents, EmptyList, Integer, StatusDocument};
use crate::timestamp::{format_now, repair};

/// An attribute whose type (or content) the contract does not cover.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed status item: {path} is {found}, expected {expected}")]
pub struct MalformedItem {
    pub path: String,
    pub found: String,
    pub expected: &'static str,
}

fn malformed(
    path: impl Into<String>,
    found: impl Into<String>,
    expected: &'static str,
) -> MalformedItem {
    MalformedItem {
        path: path.into(),
        found: found.into(),
        expected,
    }
}

/// The document for a stored item. Checks run in the contract's order, so
/// the first malformed attribute reported is the one the contract names.
pub fn document_from_item(
    session_id: &str,
    item: &Item,
    now: DateTime<Utc>,
) -> Result<StatusDocument, MalformedItem> {
    let [pdf, extraction, matching, exceptions] = AGENT_KEYS.map(|key| agent(item, key));
    let agents = Agents {
        pdf_adapter: pdf?,
        trade_extraction: extraction?,
        trade_matching: matching?,
        exception_management: exceptions?,
    };
    let overall_status = match item.get("overallStatus") {
        None => "unknown".to_owned(),
        Some(AttributeValue::S(s)) => s.clone(),
        Some(other) => return Err(malformed("overallStatus", other.type_name(), "S")),
    };
    let last_updated = match item.get("lastUpdated") {
        None => format_now(now),
        Some(AttributeValue::S(s)) => repair(s),
        Some(other) => return Err(malformed("lastUpdated", other.type_name(), "S")),
    };
    Ok(StatusDocument {
        session_id: session_id.to_owned(),
        agents,
        overall_status,
        last_updated,
    })
}

/// The document for a session the store does not know yet (section 4).
pub fn pending_default(session_id: &str, now: DateTime<Utc>) -> StatusDocument {
    StatusDocument {
        session_id: session_id.to_owned(),
        agents: Agents {
            pdf_adapter: AgentStatus::pending("Waiting for upload"),
            trade_extraction: AgentStatus::pending("Waiting for PDF processing"),
            trade_matching: AgentStatus::pending("Waiting for extraction"),
            exception_management: AgentStatus::pending("No exceptions"),
        },
        overall_status: "pending".to_owned(),
        last_updated: format_now(now),
    }
}

fn agent(item: &Item, key: &'static str) -> Result<AgentStatus, MalformedItem> {
    static EMPTY: std::sync::OnceLock<Item> = std::sync::OnceLock::new();
    let fields = match item.get(key) {
        None => EMPTY.get_or_init(Item::new),
        Some(AttributeValue::M(fields)) => fields,
        Some(other) => return Err(malformed(key, other.type_name(), "M")),
    };
    let path = |field: &str| format!("{key}.{field}");

    let status = match fields.get("status") {
        None => "pending".to_owned(),
        Some(AttributeValue::S(s)) => s.clone(),
        Some(other) => return Err(malformed(path("status"), other.type_name(), "S")),
    };
    let activity = match fields.get("activity") {
        None => Some(String::new()),
        Some(AttributeValue::Null(_)) => None,
        Some(AttributeValue::S(s)) => Some(s.clone()),
        Some(other) => return Err(malformed(path("activity"), other.type_name(), "S or NULL")),
    };
    let started_at = optional_timestamp(fields, "startedAt", &path)?;
    let completed_at = optional_timestamp(fields, "completedAt", &path)?;
    let duration = duration(fields.get("duration"), &path)?;
    let error = match fields.get("error") {
        None | Some(AttributeValue::Null(_)) => None,
        Some(AttributeValue::S(s)) => Some(s.clone()),
        Some(other) => return Err(malformed(path("error"), other.type_name(), "S or NULL")),
    };
    let tokens = total_tokens(fields.get("tokenUsage"), &path)?;

    let activity = match (activity, tokens) {
        (Some(text), Some(total)) if !text.is_empty() => {
            Some(format!("{text} (Tokens: {})", total.grouped()))
        }
        (activity, _) => activity,
    };
    Ok(AgentStatus {
        status,
        activity,
        started_at,
        completed_at,
        duration,
        error,
        sub_steps: EmptyList,
    })
}

fn optional_timestamp(
    fields: &Item,
    name: &str,
    path: &dyn Fn(&str) -> String,
) -> Result<Option<String>, MalformedItem> {
    match fields.get(name) {
        None | Some(AttributeValue::Null(_)) => Ok(None),
        Some(AttributeValue::S(s)) => Ok(Some(repair(s))),
        Some(other) => Err(malformed(path(name), other.type_name(), "S or NULL")),
    }
}

fn duration(
    value: Option<&AttributeValue>,
    path: &dyn Fn(&str) -> String,
) -> Result<Option<Integer>, MalformedItem> {
    let digits = match value {
        None | Some(AttributeValue::Null(_)) => return Ok(None),
        Some(AttributeValue::N(text)) => {
            let number = Decimal::parse(text).map_err(|e| {
                malformed(path("duration"), format!("N {text:?} ({e})"), "a number")
            })?;
            if number.is_zero() {
                return Ok(None);
            }
            number.truncated()
        }
        Some(AttributeValue::S(text)) if text.is_empty() => return Ok(None),
        Some(AttributeValue::S(text)) => parse_integer_literal(text).ok_or_else(|| {
            malformed(
                path("duration"),
                format!("S {text:?}"),
                "an integer literal",
            )
        })?,
        Some(other) => {
            return Err(malformed(
                path("duration"),
                other.type_name(),
                "N, S or NULL",
            ));
        }
    };
    Integer::from_digits(digits)
        .map(Some)
        .ok_or_else(|| malformed(path("duration"), "not an integer", "an integer"))
}

/// `tokenUsage.totalTokens` when it is a positive number, else `None`.
fn total_tokens(
    value: Option<&AttributeValue>,
    path: &dyn Fn(&str) -> String,
) -> Result<Option<Decimal>, MalformedItem> {
    let usage = match value {
        None | Some(AttributeValue::Null(_)) => return Ok(None),
        Some(AttributeValue::M(usage)) => usage,
        Some(other) => {
            return Err(malformed(
                path("tokenUsage"),
                other.type_name(),
                "M or NULL",
            ));
        }
    };
    match usage.get("totalTokens") {
        None => Ok(None),
        Some(AttributeValue::N(text)) => {
            let total = Decimal::parse(text).map_err(|e| {
                malformed(
                    path("tokenUsage.totalTokens"),
                    format!("N {text:?} ({e})"),
                    "a number",
                )
            })?;
            Ok(total.is_positive().then_some(total))
        }
        Some(other) => Err(malformed(
            path("tokenUsage.totalTokens"),
            other.type_name(),
            "N",
        )),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::attribute::parse_item;
    use crate::timestamp::from_unix_millis;

    fn agent_from(fields: &str) -> Result<AgentStatus, MalformedItem> {
        let item = parse_item(&format!(r#"{{"pdfAdapter":{{"M":{{{fields}}}}}}}"#)).unwrap();
        document_from_item("s", &item, from_unix_millis(0)).map(|d| d.agents.pdf_adapter)
    }

    fn duration_of(value: &str) -> Option<String> {
        agent_from(&format!(r#""duration":{value}"#))
            .unwrap()
            .duration
            .map(|d| d.as_str().to_owned())
    }

    fn activity_with(tokens: &str) -> Option<String> {
        agent_from(&format!(
            r#""activity":{{"S":"Working"}},"tokenUsage":{tokens}"#
        ))
        .unwrap()
        .activity
    }

    #[test]
    fn duration_follows_the_table() {
        assert_eq!(duration_of(r#"{"N":"17.095"}"#).as_deref(), Some("17"));
        assert_eq!(duration_of(r#"{"N":"59.999"}"#).as_deref(), Some("59"));
        assert_eq!(duration_of(r#"{"N":"0.4"}"#).as_deref(), Some("0"));
        assert_eq!(duration_of(r#"{"N":"-1.5"}"#).as_deref(), Some("-1"));
        assert_eq!(duration_of(r#"{"N":"0"}"#), None);
        assert_eq!(duration_of(r#"{"N":"-0.0"}"#), None);
        assert_eq!(duration_of(r#"{"NULL":true}"#), None);
        assert_eq!(duration_of(r#"{"S":""}"#), None);
        assert_eq!(duration_of(r#"{"S":" +12 "}"#).as_deref(), Some("12"));
        assert_eq!(duration_of(r#"{"S":"0"}"#).as_deref(), Some("0"));
        assert_eq!(
            agent_from("")
                .unwrap()
                .duration
                .map(|d| d.as_str().to_owned()),
            None
        );
    }

    #[test]
    fn duration_rejects_what_the_table_does_not_cover() {
        for (value, found) in [
            (r#"{"S":"12.5"}"#, r#"S "12.5""#),
            (r#"{"S":"  "}"#, r#"S "  ""#),
            (r#"{"BOOL":true}"#, "BOOL"),
            (r#"{"N":"abc"}"#, r#"N "abc" (not a decimal number)"#),
        ] {
            let error = agent_from(&format!(r#""duration":{value}"#)).unwrap_err();
            assert_eq!(error.path, "pdfAdapter.duration");
            assert_eq!(error.found, found);
        }
    }

    #[test]
    fn token_suffix_needs_a_positive_total_and_an_activity() {
        assert_eq!(
            activity_with(r#"{"M":{"totalTokens":{"N":"14169"}}}"#).as_deref(),
            Some("Working (Tokens: 14,169)")
        );
        assert_eq!(
            activity_with(r#"{"M":{"totalTokens":{"N":"1500.5"}}}"#).as_deref(),
            Some("Working (Tokens: 1,500.5)")
        );
        for no_suffix in [
            r#"{"M":{"totalTokens":{"N":"0"}}}"#,
            r#"{"M":{"totalTokens":{"N":"-3"}}}"#,
            r#"{"M":{"inputTokens":{"N":"10"},"outputTokens":{"N":"5"}}}"#,
            r#"{"M":{}}"#,
            r#"{"NULL":true}"#,
        ] {
            assert_eq!(
                activity_with(no_suffix).as_deref(),
                Some("Working"),
                "{no_suffix}"
            );
        }
        let empty =
            agent_from(r#""activity":{"S":""},"tokenUsage":{"M":{"totalTokens":{"N":"5"}}}"#)
                .unwrap();
        assert_eq!(empty.activity.as_deref(), Some(""));
        let absent = agent_from(r#""tokenUsage":{"M":{"totalTokens":{"N":"5"}}}"#).unwrap();
        assert_eq!(absent.activity.as_deref(), Some(""));
        let null =
            agent_from(r#""activity":{"NULL":true},"tokenUsage":{"M":{"totalTokens":{"N":"5"}}}"#)
                .unwrap();
        assert_eq!(null.activity, None);
    }

    #[test]
    fn absent_fields_take_their_defaults() {
        let agent = agent_from("").unwrap();
        assert_eq!(agent.status, "pending");
        assert_eq!(agent.activity.as_deref(), Some(""));
        assert_eq!(
            (agent.started_at, agent.completed_at, agent.error),
            (None, None, None)
        );
        let document =
            document_from_item("s", &Item::new(), from_unix_millis(1_795_934_360_899)).unwrap();
        assert_eq!(document.overall_status, "unknown");
        assert_eq!(document.last_updated, "2026-11-29T06:39:20.899Z");
    }

    #[test]
    fn null_timestamps_and_errors_are_null() {
        let agent = agent_from(
            r#""startedAt":{"NULL":true},"completedAt":{"NULL":true},"error":{"NULL":true}"#,
        )
        .unwrap();
        assert_eq!(
            (agent.started_at, agent.completed_at, agent.error),
            (None, None, None)
        );
    }

    #[test]
    fn malformed_fields_are_reported_in_contract_order() {
        // Within an agent: status, activity, startedAt, completedAt, duration, error, tokenUsage.
        let fields = [
            ("status", r#"{"S":"ok"}"#),
            ("activity", r#"{"S":"a"}"#),
            ("startedAt", r#"{"NULL":true}"#),
            ("completedAt", r#"{"NULL":true}"#),
            ("duration", r#"{"NULL":true}"#),
            ("error", r#"{"NULL":true}"#),
            ("tokenUsage", r#"{"NULL":true}"#),
        ];
        // Fields before `bad` are valid, `bad` and all after it are BOOL.
        for bad in 0..fields.len() {
            let json: Vec<String> = fields
                .iter()
                .enumerate()
                .rev()
                .map(|(i, (name, good))| {
                    format!(
                        r#""{name}":{}"#,
                        if i < bad { *good } else { r#"{"BOOL":true}"# }
                    )
                })
                .collect();
            let error = agent_from(&json.join(",")).unwrap_err();
            assert_eq!(error.path, format!("pdfAdapter.{}", fields[bad].0));
        }
    }
}
