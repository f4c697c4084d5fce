//! The status document the portal reads (contract section 2).
//!
//! Field order here is the wire order: serde writes struct fields in
//! declaration order, which is what makes the key order a guarantee.

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

/// The four agents, in the fixed order the portal renders them.
pub const AGENT_KEYS: [&str; 4] = [
    "pdfAdapter",
    "tradeExtraction",
    "tradeMatching",
    "exceptionManagement",
];

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusDocument {
    pub session_id: String,
    pub agents: Agents,
    pub overall_status: String,
    pub last_updated: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Agents {
    pub pdf_adapter: AgentStatus,
    pub trade_extraction: AgentStatus,
    pub trade_matching: AgentStatus,
    pub exception_management: AgentStatus,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentStatus {
    pub status: String,
    pub activity: Option<String>,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub duration: Option<Integer>,
    pub error: Option<String>,
    pub sub_steps: EmptyList,
}

impl AgentStatus {
    pub fn pending(activity: &str) -> Self {
        AgentStatus {
            status: "pending".to_owned(),
            activity: Some(activity.to_owned()),
            started_at: None,
            completed_at: None,
            duration: None,
            error: None,
            sub_steps: EmptyList,
        }
    }
}

/// An integer of any size, written as a bare JSON number: a 38-digit
/// duration must not lose digits on its way out either.
#[derive(Debug, Clone)]
pub struct Integer(Box<RawValue>);

impl Integer {
    /// `digits` must be an optional `-` and ASCII digits; anything else is refused.
    pub fn from_digits(digits: String) -> Option<Self> {
        let body = digits.strip_prefix('-').unwrap_or(&digits);
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        RawValue::from_string(digits).ok().map(Integer)
    }

    pub fn as_str(&self) -> &str {
        self.0.get()
    }
}

impl Serialize for Integer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// `subSteps`: always `[]`; stored sub-steps are deliberately not passed on.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmptyList;

impl Serialize for EmptyList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        serializer.serialize_seq(Some(0))?.end()
    }
}

impl StatusDocument {
    /// Compact JSON, non-ASCII as UTF-8 (serde_json never writes `\u` escapes
    /// for printable characters).
    pub fn to_json(&self) -> String {
        // Serializing plain strings and raw integers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
