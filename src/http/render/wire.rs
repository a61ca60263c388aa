//! Serde serialization of loaded carriers, in the shape's order, for both wire formats.
//!
//! The same walk over the same [`Object`] feeds `serde_json` and `quick-xml`; the two
//! differ only where the formats do: a null is `null` in JSON and an empty element with
//! `i:nil="true"` in XML, and XML cannot carry most control characters (they become U+FFFD,
//! the replacement character - XML 1.0 has no way to write them, not even escaped).
//! Every string and instant passes through the request's [`Localizer`] on the way out.

use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};
use std::borrow::Cow;

use crate::entity::{CARRIER_PROPERTIES, Object, Shape, TABLE_RIGHT, Value};
use crate::http::negotiate::Format;
use crate::http::select::{self, Selection};
use crate::locale::Localizer;

/// The caller may read, update and delete what a pickup hands over. Field rights are not
/// restricted beyond that, so every `FieldRight` is null ("use the table right").
const TABLE_RIGHT_MASK: i64 = 1 | 2 | 8;
/// SuperOffice reports a length for every property; 255 is its usual text column.
const TEXT_LENGTH: u32 = 255;

/// The XML Schema instance namespace, which `i:nil` belongs to.
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// `object` as it is written in `format`; `root` adds the `xmlns:i` declaration. Properties
/// outside `selection` are written as null; strings and instants as `localizer` says.
pub struct Wire<'a> {
    pub object: &'a Object,
    pub format: Format,
    pub root: bool,
    pub selection: &'a Selection,
    pub localizer: &'a Localizer,
}

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Wire {
            object: self,
            format: Format::JSON,
            root: false,
            selection: &select::ALL,
            localizer: &Localizer::RAW,
        }
        .serialize(serializer)
    }
}

impl Serialize for Wire<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let object = self.object;
        let format = self.format;
        let mut out = serializer.serialize_struct(object.shape.name, object.values.len() + 3)?;
        if self.root && format.is_xml() {
            out.serialize_field("@xmlns:i", XSI)?;
        }
        let selected = |name| self.selection.includes(name);
        for (field, value) in object.shape.fields.iter().zip(&object.values) {
            let value = if selected(field.name) {
                value
            } else {
                &Value::Null
            };
            out.serialize_field(
                field.name,
                &WireValue {
                    value,
                    format,
                    localizer: self.localizer,
                },
            )?;
        }
        if object.shape.carrier {
            let [table_right, field_properties] = CARRIER_PROPERTIES;
            let right = selected(table_right).then_some(TableRight);
            out.serialize_field(table_right, &OrNil(right, format))?;
            let properties = selected(field_properties).then_some(FieldProperties {
                shape: object.shape,
                format,
            });
            out.serialize_field(field_properties, &OrNil(properties, format))?;
        }
        out.end()
    }
}

struct WireValue<'a> {
    value: &'a Value,
    format: Format,
    localizer: &'a Localizer,
}

impl Serialize for WireValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let format = self.format;
        match self.value {
            Value::Null => Nil(format).serialize(serializer),
            Value::Int(value) => serializer.serialize_i64(*value),
            Value::Text(text) => {
                let text = self.localizer.text(text);
                serializer.serialize_str(&printable(&text, format))
            }
            Value::Bool(value) => serializer.serialize_bool(*value),
            Value::Double(value) => serializer.serialize_f64(*value),
            Value::Date(Some(at)) => serializer.serialize_str(&self.localizer.instant(*at)),
            Value::Date(None) => serializer.serialize_str(self.localizer.never()),
            Value::Enum(def, value) => serializer.serialize_str(&def.name_of(*value)),
            Value::Flags(def, value) => serializer.serialize_str(&def.flags_of(*value)),
            Value::Object(object) => Wire {
                object,
                format,
                root: false,
                selection: &select::ALL,
                localizer: self.localizer,
            }
            .serialize(serializer),
            Value::Dictionary => serializer.serialize_map(Some(0))?.end(),
            Value::Layout if format.is_xml() => serializer.serialize_map(Some(0))?.end(),
            Value::Layout => serializer.collect_seq(std::iter::empty::<()>()),
        }
    }
}

/// A null: `null` in JSON, `<Name i:nil="true"/>` in XML.
struct Nil(Format);

impl Serialize for Nil {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Format::Json(_) => serializer.serialize_none(),
            Format::Xml(_) => {
                let mut nil = serializer.serialize_struct("Nil", 1)?;
                nil.serialize_field("@i:nil", "true")?;
                nil.end()
            }
        }
    }
}

/// A value, or - when there is none - its null.
struct OrNil<T>(Option<T>, Format);

impl<T: Serialize> Serialize for OrNil<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(value) => value.serialize(serializer),
            None => Nil(self.1).serialize(serializer),
        }
    }
}

/// Text as the format can carry it: XML 1.0 forbids most control characters outright.
pub fn printable(text: &str, format: Format) -> Cow<'_, str> {
    let allowed = |c: char| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
    if !format.is_xml() || text.chars().all(allowed) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if allowed(c) {
                    c
                } else {
                    char::REPLACEMENT_CHARACTER
                }
            })
            .collect(),
    )
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

struct FieldProperties {
    shape: &'static Shape,
    format: Format,
}

impl Serialize for FieldProperties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_struct("FieldProperties", self.shape.fields.len())?;
        for field in self.shape.fields {
            let kind = field.kind.dotnet_type();
            let length = if kind == "System.String" {
                TEXT_LENGTH
            } else {
                0
            };
            map.serialize_field(
                field.name,
                &FieldProperty {
                    kind,
                    length,
                    format: self.format,
                },
            )?;
        }
        map.end()
    }
}

struct FieldProperty {
    kind: &'static str,
    length: u32,
    format: Format,
}

impl Serialize for FieldProperty {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut property = serializer.serialize_struct("FieldProperty", 3)?;
        property.serialize_field("FieldRight", &Nil(self.format))?;
        property.serialize_field("FieldType", self.kind)?;
        property.serialize_field("FieldLength", &self.length)?;
        property.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::{ASSOCIATE, Kind};

    #[test]
    fn a_carrier_prints_its_fields_in_order_then_rights() {
        let values = ASSOCIATE
            .fields
            .iter()
            .map(|field| match field.kind {
                Kind::Text => Value::Text(field.name.to_lowercase()),
                Kind::Bool => Value::Bool(false),
                Kind::Dictionary => Value::Dictionary,
                Kind::Enum(def) => Value::Enum(def, 1),
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
