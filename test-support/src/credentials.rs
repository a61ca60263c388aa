//! Test credentials. Every test agent has the same password, hashed once: argon2 is
//! deliberately slow.

use std::sync::LazyLock;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chat_pickup::auth::password;
use chat_pickup::store::admin::Rights;

/// Every test agent's password (with a colon: Basic splits at the first one only).
pub const PASSWORD: &str = "s3cret:with colon";

/// [`PASSWORD`]'s argon2id hash.
pub static PASSWORD_HASH: LazyLock<String> = LazyLock::new(|| password::hash(PASSWORD));

/// What an agent who answers chats holds in a topic.
pub const RESPOND: Rights = Rights {
    listen: true,
    respond: true,
    manage: false,
    notify: false,
};

/// The `Authorization` header for `user` with `secret`.
pub fn basic(user: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{secret}")))
}

/// The `Authorization` header for a test agent.
pub fn agent(user: &str) -> String {
    basic(user, PASSWORD)
}
