//! The response model: SuperOffice carriers described as data.
//!
//! Each carrier is a [`Shape`]: its properties in wire order, each with a [`Kind`] and the
//! expression in SuperOffice's database schema it is read from. That one list drives
//! everything that depends on it - the store's query, the element order of JSON and XML, the
//! `FieldProperties` block - so there is no second field list to keep in step. How a carrier
//! is written on the wire is HTTP's business (`http::render`).
//! [`CHAT_SESSION_ENTITY`] is the entity the pickup returns.

mod enums;
mod model;
mod shapes;

pub use enums::{CHAT_SESSION_STATUS, EnumDef, TABLE_RIGHT};
pub use model::{CARRIER_PROPERTIES, Field, Kind, Object, Shape, Value};
pub use shapes::{
    ADDRESS, ALL as ALL_SHAPES, ASSOCIATE, CHAT_SESSION_ENTITY, CONTACT, PERSON, POSTAL_ADDRESS,
    PROJECT, SALE, STREET_ADDRESS, TICKET,
};

/// SuperOffice's ChatSessionStatus values the pickup reads and writes.
pub mod status {
    pub const IN_QUEUE: i64 = 4;
    pub const CUSTOMER_LAST: i64 = 5;
    pub const USER_LAST: i64 = 6;
}

/// SuperOffice's ChatMessageType and ChatMessageSpecialType values the pickup writes.
pub mod message {
    pub const TO_CUSTOMER: i64 = 1;
    pub const TO_USER: i64 = 2;
    pub const SPECIAL_NONE: i64 = 0;
    pub const SPECIAL_WELCOME: i64 = 1;
    /// `created_by` of a message the customer wrote.
    pub const BY_CUSTOMER: i64 = -1;
}
