//! The response model: SuperOffice carriers described as data.
//!
//! Each carrier is a [`Shape`]: its properties in wire order, each with a [`Kind`] and the
//! expression in SuperOffice's database schema it is read from. That one list drives
//! everything that depends on it - the store's query, the element order of JSON and XML, the
//! `FieldProperties` block - so there is no second field list to keep in step. How a carrier
//! is written on the wire is HTTP's business (`http::render`).
//! [`CHAT_SESSION_ENTITY`] is the entity the pickup returns; [`CHAT_MESSAGE`] a message;
//! [`SIGNED_IN`] a page's sign-in.

mod chat_message;
mod customer;
mod enums;
mod model;
mod shapes;
mod signed_in;

pub use chat_message::{CHAT_MESSAGE, CHAT_MESSAGE_SPECIAL_TYPE, CHAT_MESSAGE_TYPE, message};
pub use customer::CUSTOMER_SESSION;
pub use enums::{CHAT_SESSION_FLAGS, CHAT_SESSION_STATUS, EnumDef, TABLE_RIGHT};
pub use model::{CARRIER_PROPERTIES, Field, Kind, Object, Shape, Value};
pub use shapes::{
    ADDRESS, ALL as ALL_SHAPES, ASSOCIATE, CHAT_SESSION_ENTITY, CONTACT, PERSON, POSTAL_ADDRESS,
    PROJECT, SALE, STREET_ADDRESS, TICKET,
};
pub use signed_in::SIGNED_IN;

/// SuperOffice's ChatSessionStatus values the service reads and writes.
pub mod status {
    pub const IN_QUEUE: i64 = 4;
    pub const CUSTOMER_LAST: i64 = 5;
    pub const USER_LAST: i64 = 6;
    pub const CLOSED: i64 = 9;
}
