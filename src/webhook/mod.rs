//! Telling the rest of the world: the outbox ([`crate::chat::events`], recorded with every
//! change) delivered to the registered webhooks as SuperOffice sends them.
//!
//! - [`payload`]: the JSON body of an event - SuperOffice's names, valid JSON, consistent
//!   types - and [`signature`]: its `X-SuperOffice-Signature`.
//! - [`client`]: the outbound HTTPS client (hyper over rustls, the system's roots).
//! - [`sender`]: takes what is due out of a store, sends it, settles each delivery as
//!   [`crate::chat::outbox::retry`] decides; the local server runs it in the background, and
//!   it drains the stores a Lambda invocation touched.

pub mod client;
pub mod payload;
pub mod sender;
pub mod signature;

pub use sender::Sender;
