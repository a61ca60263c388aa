use super::enums::EnumDef;
use crate::time::Timestamp;

/// What a property holds, and so how it is read, printed and described.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Int,
    Text,
    Bool,
    Double,
    Date,
    Enum(&'static EnumDef),
    Flags(&'static EnumDef),
    /// Another carrier or structure, linked by the id the column yields; null without a link.
    Nested(&'static Shape),
    /// A `StringDictionary` (ExtraFields, CustomFields); none are defined here, so it is empty.
    Dictionary,
    /// Address lines laid out per country (`LocalizedField[][]`); not modelled, so empty.
    Layout,
    /// A number or text (the kind given) that may be null: our own structures only, as
    /// SuperOffice's carriers have no nulls but links.
    Optional(&'static Kind),
}

impl Kind {
    /// The .NET type name SuperOffice reports in `FieldProperties`.
    pub fn dotnet_type(&self) -> &'static str {
        match self {
            Kind::Int => "System.Int32",
            Kind::Text => "System.String",
            Kind::Bool => "System.Boolean",
            Kind::Double => "System.Double",
            Kind::Date => "System.DateTime",
            Kind::Enum(def) | Kind::Flags(def) => def.name,
            Kind::Nested(shape) => shape.name,
            Kind::Dictionary => "StringDictionary",
            Kind::Layout => "LocalizedField[][]",
            Kind::Optional(kind) => kind.dotnet_type(),
        }
    }
}

/// One property of a carrier.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    /// The SQL expression, over [`Shape::from`], that yields the value (or the link's id).
    pub column: &'static str,
}

/// A carrier (or a plain structure nested in one) and where its data lives.
#[derive(Debug)]
pub struct Shape {
    pub name: &'static str,
    /// Carriers end with `TableRight` and `FieldProperties`; plain structures do not.
    pub carrier: bool,
    /// The SQL `FROM` clause, joins included.
    pub from: &'static str,
    /// The expression compared with the id when loading one instance.
    pub key: &'static str,
    pub fields: &'static [Field],
}

/// What every carrier adds after its own fields, in this order.
pub const CARRIER_PROPERTIES: [&str; 2] = ["TableRight", "FieldProperties"];

impl Shape {
    /// Every top-level property name on the wire, in order.
    pub fn property_names(&self) -> impl Iterator<Item = &'static str> {
        let extras: &'static [&'static str] = if self.carrier {
            &CARRIER_PROPERTIES
        } else {
            &[]
        };
        self.fields
            .iter()
            .map(|field| field.name)
            .chain(extras.iter().copied())
    }

    pub fn field(&self, name: &str) -> Option<(usize, &'static Field)> {
        self.fields
            .iter()
            .enumerate()
            .find(|(_, field)| field.name.eq_ignore_ascii_case(name))
    }
}

/// A property's value, typed by its field's [`Kind`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
    Double(f64),
    /// `None`: never set (printed as .NET's `DateTime.MinValue`).
    Date(Option<Timestamp>),
    Enum(&'static EnumDef, i64),
    Flags(&'static EnumDef, i64),
    Object(Box<Object>),
    Dictionary,
    Layout,
}

impl Value {
    /// The value of a property never set: the type's empty value, as SuperOffice's carriers
    /// have no nulls but links.
    pub fn empty(kind: Kind) -> Value {
        match kind {
            Kind::Int => Value::Int(0),
            Kind::Text => Value::Text(String::new()),
            Kind::Bool => Value::Bool(false),
            Kind::Double => Value::Double(0.0),
            Kind::Date => Value::Date(None),
            Kind::Enum(def) => Value::Enum(def, 0),
            Kind::Flags(def) => Value::Flags(def, 0),
            Kind::Nested(_) | Kind::Optional(_) => Value::Null,
            Kind::Dictionary => Value::Dictionary,
            Kind::Layout => Value::Layout,
        }
    }
}

/// One loaded carrier: a value per field of its shape, in the shape's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub shape: &'static Shape,
    pub values: Vec<Value>,
}

impl Object {
    /// An instance of `shape` with every property empty ([`Value::empty`]).
    pub fn empty(shape: &'static Shape) -> Object {
        let values = shape.fields.iter().map(|field| Value::empty(field.kind));
        Object {
            shape,
            values: values.collect(),
        }
    }

    /// Sets property `name`, if the shape has it.
    pub fn set(&mut self, name: &str, value: Value) {
        if let Some((index, _)) = self.shape.field(name) {
            self.values[index] = value;
        }
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.shape.field(name).map(|(index, _)| &self.values[index])
    }
}

impl PartialEq for Shape {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}
