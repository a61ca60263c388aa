//! A body member's value as a property takes it: a whole number (also as digits in a string,
//! as XML and forms send every value), an enum by name or number, text, a yes or no.

use serde_json::Value;

use super::{BodyError, Document};
use crate::entity::EnumDef;

/// Member `name` of `document` as text (empty when absent); a member of another kind is
/// refused, naming it.
pub fn text_member(document: &Document, name: &str) -> Result<String, BodyError> {
    match document.get(name) {
        None => Ok(String::new()),
        Some(value) => text(value).ok_or_else(|| BodyError::new(format!("{name} must be text"))),
    }
}

/// Member `name` of `document` as yes or no (no when absent); anything else is refused.
pub fn boolean_member(document: &Document, name: &str) -> Result<bool, BodyError> {
    match document.get(name) {
        None => Ok(false),
        Some(value) => {
            boolean(value).ok_or_else(|| BodyError::new(format!("{name} must be true or false")))
        }
    }
}

/// A whole number: a JSON number, or its digits as text.
pub fn whole(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// An enum member by name (any case) or by number.
pub fn member(def: &EnumDef, value: &Value) -> Option<i64> {
    if let Some(number) = whole(value) {
        return Some(number);
    }
    let name = value.as_str()?.trim();
    def.members
        .iter()
        .find(|(member, _)| member.eq_ignore_ascii_case(name))
        .map(|(_, number)| *number)
}

/// Text: a JSON string, or a number as JSON writes it.
pub fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Yes or no: a JSON boolean, or `true`/`false`/`1`/`0` as text.
pub fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) => number.as_i64().map(|number| number != 0),
        Value::String(text) => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::CHAT_SESSION_STATUS;
    use serde_json::json;

    #[test]
    fn values_read_as_json_xml_and_forms_send_them() {
        assert_eq!(whole(&json!(5)), Some(5));
        assert_eq!(whole(&json!(" 5 ")), Some(5));
        assert_eq!(whole(&json!(5.5)), None);
        assert_eq!(member(&CHAT_SESSION_STATUS, &json!("closed")), Some(9));
        assert_eq!(member(&CHAT_SESSION_STATUS, &json!(9)), Some(9));
        assert_eq!(member(&CHAT_SESSION_STATUS, &json!("Nope")), None);
        assert_eq!(boolean(&json!("True")), Some(true));
        assert_eq!(boolean(&json!(0)), Some(false));
        assert_eq!(text(&json!({})), None);
        let document = Document::parse(None, br#"{"a": true, "b": "x", "c": "yes"}"#).unwrap();
        assert!(text_member(&document, "a").is_err());
        assert_eq!(text_member(&document, "B").unwrap(), "x");
        assert_eq!(text_member(&document, "none").unwrap(), "");
        assert!(boolean_member(&document, "c").is_err());
        assert!(boolean_member(&document, "a").unwrap());
    }
}
