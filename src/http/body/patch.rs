//! Changes to a session's properties as a body asks them ([`crate::chat::edit`] decides what
//! they do): a JSON Patch (RFC 6902: `add`, `replace`, `remove`, `test`; paths in any case,
//! the leading slash optional), a JSON Merge Patch (RFC 7396), or a whole entity (`PUT`,
//! `SaveChatSessionEntity`), of which only the properties a caller may change are read.

use serde_json::{Map, Value};

use super::values::{member, text, whole};
use super::{BodyError, Document, media};
use crate::chat::edit::{Edits, Property, Setting};
use crate::entity::status::CLOSED;
use crate::entity::{CHAT_SESSION_FLAGS, CHAT_SESSION_STATUS};

/// The edits of a `PATCH` body, read as its `Content-Type` says: JSON Patch
/// (`application/json-patch+json`, or a JSON array), JSON Merge Patch
/// (`application/merge-patch+json`, or a JSON object).
pub fn from_patch(content_type: Option<&str>, body: &[u8]) -> Result<Edits, BodyError> {
    let kind = media(content_type);
    if kind.ends_with("xml") || kind == "application/x-www-form-urlencoded" {
        return Err(BodyError::new(PATCH_FORMS));
    }
    let value: Value = serde_json::from_slice(body).map_err(|_| BodyError::new(PATCH_FORMS))?;
    match value {
        Value::Array(operations) if kind != "application/merge-patch+json" => {
            json_patch(&operations)
        }
        Value::Object(members) if kind != "application/json-patch+json" => merge_patch(&members),
        _ => Err(BodyError::new(PATCH_FORMS)),
    }
}

/// The edits a whole entity asks (`PUT`, a save of an existing session): the properties a
/// caller may change, as sent; the rest of the entity is read-only and not read. `Status`
/// counts only as `Closed` (ending the session): its other values change only through the
/// pickup, reset and transfer operations, so an entity read and saved again keeps them.
pub fn from_entity(entity: &Document) -> Result<Edits, BodyError> {
    let mut edits = Edits::default();
    for (name, value) in entity.members() {
        let Some(property) = Property::named(name) else {
            continue;
        };
        let sent = read(property, value)?;
        if property == Property::Status && sent != Setting::Int(CLOSED) {
            continue;
        }
        edits.sets.push((property, checked(property, sent)?));
    }
    Ok(edits)
}

const PATCH_FORMS: &str = "send a JSON Patch, as [{\"op\": \"replace\", \"path\": \"/Status\", \"value\": \"Closed\"}], or a JSON Merge Patch, as {\"Status\": \"Closed\"}";

fn json_patch(operations: &[Value]) -> Result<Edits, BodyError> {
    let mut edits = Edits::default();
    let mut refused = Vec::new();
    for operation in operations {
        let Value::Object(operation) = operation else {
            return Err(BodyError::new(PATCH_FORMS));
        };
        let operation = Document::of(operation.clone());
        let op = operation
            .get("op")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let path = operation
            .get("path")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(property) = property(path, &mut refused) else {
            continue;
        };
        let value = operation.get("value").cloned().unwrap_or(Value::Null);
        match op.to_ascii_lowercase().as_str() {
            "add" | "replace" => edits.sets.push((property, setting(property, &value)?)),
            "remove" => edits.sets.push((property, cleared(property)?)),
            "test" => test(&mut edits, property, read(property, &value)?),
            _ => {
                return Err(BodyError::new(format!(
                    "op {op:?} is not taken: use add, replace, remove or test"
                )));
            }
        }
    }
    unchangeable(refused)?;
    Ok(edits)
}

/// A `test` of a value the patch set before compares with that; else with the stored one.
/// A failure is noted, not refused here: the caller and the session come first.
fn test(edits: &mut Edits, property: Property, expected: Setting) {
    let set = edits.sets.iter().rev().find(|(set, _)| *set == property);
    match set {
        Some((_, value)) if *value == expected => {}
        Some(_) => {
            edits.contradicted.get_or_insert(property);
        }
        None => edits.expects.push((property, expected)),
    }
}

fn merge_patch(members: &Map<String, Value>) -> Result<Edits, BodyError> {
    let mut edits = Edits::default();
    let mut refused = Vec::new();
    for (name, value) in members {
        let Some(property) = property(name, &mut refused) else {
            continue;
        };
        let setting = match value {
            Value::Null => cleared(property)?,
            value => setting(property, value)?,
        };
        edits.sets.push((property, setting));
    }
    unchangeable(refused)?;
    Ok(edits)
}

/// The property a path names, or `None` with the path noted as one that cannot be changed.
fn property(path: &str, refused: &mut Vec<String>) -> Option<Property> {
    let name = path.strip_prefix('/').unwrap_or(path);
    let found = Property::named(name);
    if found.is_none() {
        refused.push(name.to_string());
    }
    found
}

fn unchangeable(refused: Vec<String>) -> Result<(), BodyError> {
    if refused.is_empty() {
        return Ok(());
    }
    let may: Vec<&str> = Property::ALL
        .iter()
        .map(|property| property.name())
        .collect();
    let refused: Vec<String> = refused.iter().map(|name| format!("{name:?}")).collect();
    Err(BodyError::new(format!(
        "these properties cannot be changed here: {}. A caller may change {}",
        refused.join(", "),
        may.join(", ")
    )))
}

/// The value a property is set to, read as its kind says and checked.
fn setting(property: Property, value: &Value) -> Result<Setting, BodyError> {
    checked(property, read(property, value)?)
}

fn checked(property: Property, value: Setting) -> Result<Setting, BodyError> {
    let name = property.name();
    property
        .check(value)
        .map_err(|what| BodyError::new(format!("{name} must be {what}")))
}

/// A value as its property's kind reads it.
fn read(property: Property, value: &Value) -> Result<Setting, BodyError> {
    let read = match property {
        Property::Status => member(&CHAT_SESSION_STATUS, value).map(Setting::Int),
        Property::Flags => member(&CHAT_SESSION_FLAGS, value).map(Setting::Int),
        Property::AlertLevel | Property::Rating => whole(value).map(Setting::Int),
        _ => text(value).map(Setting::Text),
    };
    let what = match property {
        Property::Status | Property::Flags => "a name or its number",
        Property::AlertLevel | Property::Rating => "a whole number",
        _ => "text",
    };
    read.ok_or_else(|| BodyError::new(format!("{} must be {what}", property.name())))
}

/// What `remove` (or a merge patch's `null`) leaves: empty text, or zero.
fn cleared(property: Property) -> Result<Setting, BodyError> {
    match property {
        Property::Status => Err(BodyError::new(
            "Status cannot be removed: set it to Closed to end the session",
        )),
        property if property.is_text() => Ok(Setting::Text(String::new())),
        _ => Ok(Setting::Int(0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(content_type: Option<&str>, body: &str) -> Result<Edits, BodyError> {
        from_patch(content_type, body.as_bytes())
    }

    #[test]
    fn a_json_patch_sets_removes_and_tests_in_any_case() {
        let edits = patch(
            None,
            r#"[{"op": "test", "path": "/status", "value": "UserLast"},
                {"op": "replace", "path": "Status", "value": "Closed"},
                {"op": "add", "path": "/customerEmail", "value": "a@b.no"},
                {"op": "remove", "path": "/Rating"},
                {"op": "test", "path": "/CustomerEmail", "value": "a@b.no"}]"#,
        )
        .unwrap();
        assert_eq!(edits.expects, [(Property::Status, Setting::Int(6))]);
        assert_eq!(
            edits.sets,
            [
                (Property::Status, Setting::Int(CLOSED)),
                (Property::CustomerEmail, Setting::Text("a@b.no".into())),
                (Property::Rating, Setting::Int(0)),
            ]
        );
        assert_eq!(
            patch(
                None,
                r#"[{"op": "replace", "path": "/Rating", "value": 3}, {"op": "test", "path": "/Rating", "value": 4}]"#
            ),
            Ok(Edits {
                sets: vec![(Property::Rating, Setting::Int(3))],
                contradicted: Some(Property::Rating),
                ..Edits::default()
            })
        );
    }

    #[test]
    fn a_merge_patch_sets_and_nulls_clear() {
        let edits = patch(
            Some("application/merge-patch+json"),
            r#"{"CustomerName": "Bo", "CustomerPhone": null}"#,
        )
        .unwrap();
        assert_eq!(
            edits.sets,
            [
                (Property::CustomerName, Setting::Text("Bo".into())),
                (Property::CustomerPhone, Setting::Text(String::new())),
            ]
        );
    }

    #[test]
    fn read_only_properties_are_named_and_bad_values_explained() {
        let Err(error) = patch(None, r#"{"TopicId": 2, "Rank": 1, "Rating": 2}"#) else {
            panic!("refused");
        };
        assert!(
            error.0.contains("TopicId") && error.0.contains("Rank"),
            "{error:?}"
        );
        for body in [
            r#"{"Status": "InQueue"}"#,
            r#"{"Rating": 11}"#,
            r#"[{"op": "move", "from": "/a", "path": "/Rating"}]"#,
            r#"[{"op": "remove", "path": "/Status"}]"#,
            r#""Closed""#,
        ] {
            assert!(patch(None, body).is_err(), "{body}");
        }
        assert!(patch(Some("application/xml"), "<a/>").is_err());
        assert!(patch(Some("application/json-patch+json"), "{}").is_err());
    }

    #[test]
    fn an_entity_changes_what_a_caller_may_and_keeps_its_status_unless_closed() {
        let entity = Document::parse(
            None,
            br#"{"chatSessionId": 5, "topicId": 9, "status": "UserLast", "rating": 4, "user": {"name": "x"}}"#,
        )
        .unwrap();
        assert_eq!(
            from_entity(&entity).unwrap().sets,
            [(Property::Rating, Setting::Int(4))]
        );
        let closing = Document::parse(None, br#"{"Status": "Closed"}"#).unwrap();
        assert_eq!(
            from_entity(&closing).unwrap().sets,
            [(Property::Status, Setting::Int(CLOSED))]
        );
    }
}
