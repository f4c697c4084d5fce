//! DynamoDB's JSON wire format for attribute values.
//!
//! Every store (fixtures, DynamoDB over HTTP) hands the transform this one
//! model, so the transform cannot tell where an item came from.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One stored item: attribute name → typed value.
pub type Item = BTreeMap<String, AttributeValue>;

/// A typed DynamoDB attribute value, exactly as the wire format spells it.
///
/// Numbers stay decimal text (`N`): DynamoDB keeps 38 significant digits,
/// which no float can hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttributeValue {
    S(String),
    N(String),
    B(String),
    #[serde(rename = "BOOL")]
    Bool(bool),
    #[serde(rename = "NULL")]
    Null(bool),
    M(Item),
    L(Vec<AttributeValue>),
    SS(Vec<String>),
    NS(Vec<String>),
    BS(Vec<String>),
}

impl AttributeValue {
    /// The wire tag, as used in messages about malformed items.
    pub fn type_name(&self) -> &'static str {
        match self {
            AttributeValue::S(_) => "S",
            AttributeValue::N(_) => "N",
            AttributeValue::B(_) => "B",
            AttributeValue::Bool(_) => "BOOL",
            AttributeValue::Null(_) => "NULL",
            AttributeValue::M(_) => "M",
            AttributeValue::L(_) => "L",
            AttributeValue::SS(_) => "SS",
            AttributeValue::NS(_) => "NS",
            AttributeValue::BS(_) => "BS",
        }
    }
}

/// Parses one item in DynamoDB JSON (the shape `aws dynamodb put-item --item` takes).
pub fn parse_item(json: &str) -> Result<Item, serde_json::Error> {
    serde_json::from_str(json)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn parses_every_wire_type() {
        let item = parse_item(
            r#"{"s":{"S":"x"},"n":{"N":"12345678901234567890123456789012345678"},
                "b":{"B":"AAE="},"t":{"BOOL":true},"z":{"NULL":true},
                "m":{"M":{"k":{"S":"v"}}},"l":{"L":[{"N":"1"},{"S":"a"}]},
                "ss":{"SS":["a"]},"ns":{"NS":["1.5"]},"bs":{"BS":["AA=="]}}"#,
        )
        .unwrap();
        let kinds: Vec<_> = item.values().map(AttributeValue::type_name).collect();
        assert_eq!(
            kinds,
            ["B", "BS", "L", "M", "N", "NS", "S", "SS", "BOOL", "NULL"]
        );
        assert_eq!(
            item["n"],
            AttributeValue::N("12345678901234567890123456789012345678".into())
        );
    }

    #[test]
    fn rejects_unknown_type_tags() {
        assert!(parse_item(r#"{"a":{"X":"1"}}"#).is_err());
    }

    #[test]
    fn serializes_back_to_the_wire_shape() {
        let value = AttributeValue::M(Item::from([("k".into(), AttributeValue::Null(true))]));
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"M":{"k":{"NULL":true}}}"#
        );
    }
}
