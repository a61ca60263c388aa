//! Language-dependent text. For now: SuperOffice's multi-language values, which the pickup
//! resolves to the topic's customer language when it posts the welcome message.

mod multilang;

pub use multilang::resolve;
