//! Administration, for the `admin` and `demo` commands: associates, topics, memberships,
//! credentials, and customers entering the queue. Both backends implement [`Admin`]; the
//! commands see only the trait.
//!
//! Each operation a backend implements is one transaction. What is minted - secrets, app
//! tokens, the customer's session key - is minted here, in the trait's provided methods, and
//! so are the rules the backends share ([`crate::chat::queue::queue_position`], [`secret_holder`]): a backend
//! stores, it does not decide.

mod records;

use std::fmt;

pub use records::{
    Links, NewSecret, NewSession, NewTopic, NewWebhook, Queued, Rights, TopicSetting, Waiting,
    WebhookInfo,
};

use crate::account::secret::{self, SecretKind};
use crate::chat::outbox::Hook;
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
                write!(f, "the {what} {name:?} exists already")
            }
            AdminError::Store(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for AdminError {}

impl AdminError {
    pub fn unknown(what: &'static str, name: &str) -> Self {
        AdminError::Unknown {
            what,
            name: name.to_string(),
        }
    }

    pub fn exists(what: &'static str, name: &str) -> Self {
        AdminError::Exists {
            what,
            name: name.to_string(),
        }
    }
}

impl From<AdminError> for StoreError {
    /// For operations that name nothing, whose only failures are the store's.
    fn from(error: AdminError) -> Self {
        match error {
            AdminError::Store(error) => error,
            other => StoreError::Internal(other.to_string()),
        }
    }
}

impl From<StoreError> for AdminError {
    fn from(error: StoreError) -> Self {
        AdminError::Store(error)
    }
}

/// The associate a secret may be issued to: not a deleted one, whose credentials no longer
/// work - a secret issued to them would only look valid.
pub fn secret_holder(user: &str, associate_id: i64, deleted: bool) -> Result<i64, AdminError> {
    if deleted {
        return Err(AdminError::unknown("active associate", user));
    }
    Ok(associate_id)
}

pub trait Admin: Send + Sync {
    /// Adds an associate with an argon2id `password_hash` (a PHC string, never a password).
    fn add_associate(
        &self,
        name: &str,
        full_name: &str,
        password_hash: &str,
    ) -> Result<i64, AdminError>;

    /// Adds a topic.
    fn add_topic(&self, topic: &NewTopic) -> Result<i64, AdminError>;

    /// Sets `user`'s own time zone to the location `zone` (a code in any case, or an id); an
    /// empty `zone` clears it. Returns the IANA zone it keeps time by.
    fn set_time_zone(&self, user: &str, zone: &str) -> Result<Option<String>, AdminError> {
        let zone = zone.trim().to_ascii_uppercase();
        self.place_in_zone(user, (!zone.is_empty()).then_some(zone.as_str()))
    }

    /// Sets `user`'s time-zone location (an upper-case code, or an id), or clears it
    /// (`None`); the IANA zone.
    fn place_in_zone(
        &self,
        user: &str,
        location: Option<&str>,
    ) -> Result<Option<String>, AdminError>;

    /// Sets the most sessions `user` may hold at once ([`crate::chat::capacity`]); `None` leaves it
    /// to their topics' default.
    fn set_capacity(&self, user: &str, limit: Option<i64>) -> Result<(), AdminError>;

    /// Stores `setting` of `topic`.
    fn set_topic(&self, topic: &str, setting: &TopicSetting) -> Result<(), AdminError>;

    /// Makes `user` a member of `topic` with `rights`, replacing earlier rights.
    fn add_member(&self, user: &str, topic: &str, rights: Rights) -> Result<(), AdminError>;

    /// Puts a customer in the queue of a topic, with their first message, at `now`.
    fn enqueue(&self, session: &NewSession, now: Timestamp) -> Result<i64, AdminError> {
        self.insert_session(&Queued::new(session, now))
    }

    /// Stores a session entering its topic's queue at [`crate::chat::queue::queue_position`], and its first
    /// message if there is one.
    fn insert_session(&self, queued: &Queued) -> Result<i64, AdminError>;

    /// The sessions waiting in the queue, in pickup order (bot-active ones included).
    fn queue(&self) -> Result<Vec<Waiting>, AdminError>;

    /// Closes the customers' chats dead at `now` (past their `alive_until`,
    /// [`crate::chat::customer`]): a `ClosedByIdle` notice, `Closed`, the agent's place
    /// released. A few hundred at a time; how many it closed.
    fn sweep(&self, now: Timestamp) -> Result<usize, AdminError>;

    /// Registers `webhook` at `now`; a name taken is refused.
    fn add_webhook(&self, webhook: &NewWebhook, now: Timestamp) -> Result<(), AdminError>;

    /// The registered webhooks, by name.
    fn webhooks(&self) -> Result<Vec<WebhookInfo>, AdminError>;

    /// Removes webhook `name` and what it was still to receive.
    fn remove_webhook(&self, name: &str) -> Result<(), AdminError>;

    /// Webhook `name` no longer failing: what it is to receive is due at `now`, each with
    /// its attempts anew.
    fn resume_webhook(&self, name: &str, now: Timestamp) -> Result<(), AdminError>;

    /// Webhook `name`, to send it a test event.
    fn hook(&self, name: &str) -> Result<Hook, AdminError>;

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
    ) -> Result<String, AdminError> {
        let (issued, stored) = NewSecret::issue(kind, now, expires);
        self.add_secret(user, &stored)?;
        Ok(issued)
    }

    /// Stores a secret of [`secret_holder`] `user`.
    fn add_secret(&self, user: &str, secret: &NewSecret) -> Result<(), AdminError>;

    /// Revokes one secret of `kind` by its value; `false` if there was no such live secret.
    fn revoke_secret(&self, kind: SecretKind, value: &str) -> Result<bool, AdminError> {
        self.revoke_fingerprint(kind, &secret::fingerprint(value.trim()))
    }

    /// Revokes the live secret of `kind` with this fingerprint; `false` if there is none.
    fn revoke_fingerprint(&self, kind: SecretKind, fingerprint: &str) -> Result<bool, AdminError>;

    /// Revokes every secret of `kind` that `user` holds; returns how many.
    fn revoke_secrets_of(&self, user: &str, kind: SecretKind) -> Result<u64, AdminError>;

    /// Registers a partner app; returns its token, which is not stored.
    fn add_app(&self, name: &str, now: Timestamp) -> Result<String, AdminError> {
        let token = secret::issue_app_token();
        if !self.register_app(name, &secret::fingerprint(&token), now)? {
            return Err(AdminError::exists("app", name));
        }
        Ok(token)
    }

    /// Stores a partner app by its token's fingerprint; `false` if the name is taken.
    fn register_app(
        &self,
        name: &str,
        fingerprint: &str,
        now: Timestamp,
    ) -> Result<bool, AdminError>;

    /// Revokes the partner app `name`'s token.
    fn revoke_app(&self, name: &str) -> Result<(), AdminError> {
        if self.revoke_apps_named(name)? == 0 {
            return Err(AdminError::unknown("app", name));
        }
        Ok(())
    }

    /// Revokes the apps named `name` (any case); how many there were.
    fn revoke_apps_named(&self, name: &str) -> Result<u64, AdminError>;

    /// Replaces `user`'s password hash (an argon2id PHC string).
    fn set_password(&self, user: &str, password_hash: &str) -> Result<(), AdminError>;

    /// Marks `user` deleted: no credential of theirs authenticates any more.
    fn delete_associate(&self, user: &str) -> Result<(), AdminError>;
}
