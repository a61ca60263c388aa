//! Serde serialization of loaded carriers, in the shape's order. This is the JSON form;
//! every value prints as SuperOffice's WebAPI prints it.

use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};

use super::enums::TABLE_RIGHT;
use super::model::{Object, Shape, Value};
use crate::time::NEVER;

/// The caller may read, update and delete what a pickup hands over. Field rights are not
/// restricted beyond that, so every `FieldRight` is null ("use the table right").
const TABLE_RIGHT_MASK: i64 = 1 | 2 | 8;
/// SuperOffice reports a length for every property; 255 is its usual text column.
const TEXT_LENGTH: u32 = 255;

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let trailer = if self.shape.carrier { 2 } else { 0 };
        let mut map = serializer.serialize_map(Some(self.values.len() + trailer))?;
        for (field, value) in self.shape.fields.iter().zip(&self.values) {
            map.serialize_entry(field.name, value)?;
        }
        if self.shape.carrier {
            map.serialize_entry("TableRight", &TableRight)?;
            map.serialize_entry("FieldProperties", &FieldProperties(self.shape))?;
        }
        map.end()
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_none(),
            Value::Int(value) => serializer.serialize_i64(*value),
            Value::Text(text) => serializer.serialize_str(text),
            Value::Bool(value) => serializer.serialize_bool(*value),
            Value::Double(value) => serializer.serialize_f64(*value),
            Value::Date(Some(at)) => serializer.serialize_str(&at.to_dotnet()),
            Value::Date(None) => serializer.serialize_str(NEVER),
            Value::Enum(def, value) => serializer.serialize_str(&def.name_of(*value)),
            Value::Flags(def, value) => serializer.serialize_str(&def.flags_of(*value)),
            Value::Object(object) => object.serialize(serializer),
            Value::Dictionary => serializer.serialize_map(Some(0))?.end(),
            Value::Layout => serializer.collect_seq(std::iter::empty::<()>()),
        }
    }
}

struct TableRight;

impl Serialize for TableRight {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut right = serializer.serialize_struct("TableRight", 2)?;
        right.serialize_field("Mask", &TABLE_RIGHT.flags_of(TABLE_RIGHT_MASK))?;
        right.serialize_field("Reason", "")?;
        right.end()
    }
}

struct FieldProperties(&'static Shape);

impl Serialize for FieldProperties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.fields.len()))?;
        for field in self.0.fields {
            let length = if field.kind.dotnet_type() == "System.String" {
                TEXT_LENGTH
            } else {
                0
            };
            map.serialize_entry(
                field.name,
                &FieldProperty {
                    kind: field.kind.dotnet_type(),
                    length,
                },
            )?;
        }
        map.end()
    }
}

struct FieldProperty {
    kind: &'static str,
    length: u32,
}

impl Serialize for FieldProperty {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut property = serializer.serialize_struct("FieldProperty", 3)?;
        property.serialize_field("FieldRight", &None::<()>)?;
        property.serialize_field("FieldType", self.kind)?;
        property.serialize_field("FieldLength", &self.length)?;
        property.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::ASSOCIATE;

    #[test]
    fn a_carrier_prints_its_fields_in_order_then_rights() {
        let values = ASSOCIATE
            .fields
            .iter()
            .map(|field| match field.kind {
                crate::entity::Kind::Text => Value::Text(field.name.to_lowercase()),
                crate::entity::Kind::Bool => Value::Bool(false),
                crate::entity::Kind::Dictionary => Value::Dictionary,
                crate::entity::Kind::Enum(def) => Value::Enum(def, 1),
                _ => Value::Int(7),
            })
            .collect();
        let json = serde_json::to_string(&Object {
            shape: &ASSOCIATE,
            values,
        })
        .unwrap();
        assert!(
            json.starts_with(r#"{"AssociateId":7,"Name":"name","PersonId":7,"#),
            "{json}"
        );
        assert!(json.contains(r#""Type":"InternalAssociate""#), "{json}");
        assert!(json.contains(r#""ExtraFields":{},"CustomFields":{},"TableRight":{"Mask":"Select, Update, Delete","Reason":""},"FieldProperties":{"AssociateId":{"FieldRight":null,"FieldType":"System.Int32","FieldLength":0}"#), "{json}");
        assert!(
            json.contains(
                r#""Name":{"FieldRight":null,"FieldType":"System.String","FieldLength":255}"#
            ),
            "{json}"
        );
    }
}
