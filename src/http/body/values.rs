//! A body member's value as a property takes it: a whole number (also as digits in a string,
//! as XML and forms send every value), an enum by name or number, text, a yes or no.

use serde_json::Value;

use crate::entity::EnumDef;

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
    }
}
