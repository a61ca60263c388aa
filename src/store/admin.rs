//! Administration, for the `admin` and `demo` commands: associates, topics, memberships,
//! credentials, and customers entering the queue. Both backends implement [`Admin`]; the
//! commands see only the trait.

use std::fmt;

use crate::auth::secret::SecretKind;
use crate::store::StoreError;
use crate::time::Timestamp;

#[derive(Debug)]
pub enum AdminError {
    /// A name that does not exist (`what` is "associate", "topic", "language"...).
    Unknown {
        what: &'static str,
        name: String,
    },
    /// A name that is taken.
    Exists {
        what: &'static str,
        name: String,
    },
    Store(StoreError),
}

impl fmt::Display for AdminError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdminError::Unknown { what, name } => write!(f, "there is no {what} named {name:?}"),
            AdminError::Exists { what, name } => {
                write!(f, "an {what} named {name:?} exists already")
            }
            AdminError::Store(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for AdminError {}

/// A user agent's rights in a topic (chat_topic_user).
#[derive(Clone, Copy, Debug, Default)]
pub struct Rights {
    pub listen: bool,
    pub respond: bool,
    pub manage: bool,
    pub notify: bool,
}

/// A customer asking for a chat.
#[derive(Clone, Debug, Default)]
pub struct NewSession {
    pub topic: String,
    pub customer_name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
    pub first_message: String,
    pub chatbot_active: bool,
    pub links: Links,
}

/// CRM records the session is connected to.
#[derive(Clone, Copy, Debug, Default)]
pub struct Links {
    pub person: Option<i64>,
    pub contact: Option<i64>,
    pub project: Option<i64>,
    pub sale: Option<i64>,
    pub ticket: Option<i64>,
}

/// One line of `admin queue`.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiting {
    pub session_id: i64,
    pub topic: String,
    pub customer_name: String,
    pub when_requested: Timestamp,
    pub initial_queue_pos: i64,
    pub chatbot_active: bool,
}

pub trait Admin {
    /// Adds an associate with an argon2id `password_hash` (a PHC string, never a password).
    fn add_associate(
        &self,
        name: &str,
        full_name: &str,
        password_hash: &str,
    ) -> Result<i64, AdminError>;

    /// Adds a topic. `language` is a SuperOffice prefix (`US`, `NO`): the customers'
    /// language, which picks the variant of a multi-language welcome message.
    fn add_topic(
        &self,
        name: &str,
        welcome_message: &str,
        language: Option<&str>,
    ) -> Result<i64, AdminError>;

    /// Makes `{agent}` in the topic's welcome message the agent's first name.
    fn use_agent_first_name(&self, topic: &str) -> Result<(), AdminError>;

    /// Sets `user`'s own time zone to the location `zone` (a code or id); empty clears it.
    /// Returns the IANA zone it keeps time by.
    fn set_time_zone(&self, user: &str, zone: &str) -> Result<Option<String>, AdminError>;

    /// Makes `user` a member of `topic` with `rights`, replacing earlier rights.
    fn add_member(&self, user: &str, topic: &str, rights: Rights) -> Result<(), AdminError>;

    /// Puts a customer in the queue of a topic, with their first message, at `now`.
    fn enqueue(&self, session: &NewSession, now: Timestamp) -> Result<i64, AdminError>;

    /// The sessions waiting in the queue, in pickup order (bot-active ones included).
    fn queue(&self) -> Result<Vec<Waiting>, AdminError>;

    /// Whether the database has no associates yet (a fresh database for `demo`).
    fn has_no_associates(&self) -> Result<bool, AdminError>;

    /// Runs trusted SQL written for both backends (the demo's CRM records).
    fn run_script(&self, sql: &str) -> Result<(), AdminError>;

    /// Issues a secret of `kind` for `user`, valid until `expires` (`None`: until revoked).
    /// Returns the secret, which is not stored and cannot be shown again.
    fn issue_secret(
        &self,
        user: &str,
        kind: SecretKind,
        now: Timestamp,
        expires: Option<Timestamp>,
    ) -> Result<String, AdminError>;

    /// Revokes one secret of `kind` by its value; `false` if there was no such live secret.
    fn revoke_secret(&self, kind: SecretKind, value: &str) -> Result<bool, AdminError>;

    /// Revokes every secret of `kind` that `user` holds; returns how many.
    fn revoke_secrets_of(&self, user: &str, kind: SecretKind) -> Result<u64, AdminError>;

    /// Registers a partner app; returns its token, which is not stored.
    fn add_app(&self, name: &str, now: Timestamp) -> Result<String, AdminError>;

    fn revoke_app(&self, name: &str) -> Result<(), AdminError>;

    /// Replaces `user`'s password hash (an argon2id PHC string).
    fn set_password(&self, user: &str, password_hash: &str) -> Result<(), AdminError>;

    /// Marks `user` deleted: no credential of theirs authenticates any more.
    fn delete_associate(&self, user: &str) -> Result<(), AdminError>;
}
