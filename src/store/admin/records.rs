//! What the administration reads and writes: the records passed to and from [`super::Admin`].

use std::fmt;

use crate::account::secret::{self, SecretKind};
use crate::chat::message::Message;
use crate::time::Timestamp;

/// A webhook to register: where the events it names go, signed with its secret.
#[derive(Clone, PartialEq, Eq)]
pub struct NewWebhook {
    pub name: String,
    pub url: String,
    /// Event names, comma-separated.
    pub events: String,
    pub secret: String,
}

impl fmt::Debug for NewWebhook {
    /// Everything but the secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewWebhook")
            .field("name", &self.name)
            .field("url", &self.url)
            .field("events", &self.events)
            .finish_non_exhaustive()
    }
}

/// A registered webhook as `admin webhook list` shows it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookInfo {
    pub name: String,
    pub url: String,
    pub events: String,
    /// Marked failing (TooManyErrors): nothing is sent until it is resumed.
    pub failing: bool,
    /// Deliveries it is still to receive.
    pub waiting: i64,
    /// When the oldest of those events happened.
    pub oldest: Option<Timestamp>,
}

/// A setting of a chat topic that `admin` changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TopicSetting {
    /// The capacity of the agents who respond in the topic and have none of their own;
    /// `None`: no default.
    Capacity(Option<i64>),
    /// The web origins (comma-separated, normalized) whose pages may call the topic's customer
    /// routes; empty: none.
    Origins(String),
    /// How long (seconds) a customer's chat stays alive without a fetch; `None`: the service's
    /// allowance.
    IdleSeconds(Option<i64>),
}

/// A chat topic to add.
#[derive(Clone, Debug, Default)]
pub struct NewTopic {
    pub name: String,
    /// Plain or multi-language (`US:"Hi!";NO:"Hei!"`); empty for no welcome message.
    pub welcome: String,
    /// The customers' language, a SuperOffice prefix (`US`, `NO`): it picks the variant of a
    /// multi-language welcome message.
    pub language: Option<String>,
    /// `{agent}` in the welcome message is the agent's first name, not the full name.
    pub agent_first_name: bool,
}

impl NewTopic {
    pub fn new(name: &str, welcome: &str) -> Self {
        Self {
            name: name.into(),
            welcome: welcome.into(),
            ..Self::default()
        }
    }

    /// The topic with its customers speaking `language` (a SuperOffice prefix).
    pub fn in_language(self, language: &str) -> Self {
        Self {
            language: Some(language.into()),
            ..self
        }
    }
}

/// A session entering the queue, as the backends store it: the columns SuperOffice fills
/// from the customer's request, decided here.
#[derive(Clone, Debug)]
pub struct Queued<'a> {
    pub session: &'a NewSession,
    /// The customer's side of the session: 128 random bits, hex.
    pub key: String,
    pub requested: Timestamp,
    /// `customer_alias`: the name the customer gave.
    pub alias: &'a str,
    /// `last_message`: the customer's first message, the last one so far.
    pub last_message: &'a str,
    /// `idle`: the session is idle from the request.
    pub idle: Timestamp,
    /// The first message as a chat message, when the customer wrote one.
    pub message: Option<Message>,
}

impl<'a> Queued<'a> {
    pub(super) fn new(session: &'a NewSession, requested: Timestamp) -> Self {
        let first = session.first_message.as_str();
        Self {
            session,
            // The customer's credential, stored as its fingerprint; the command line has
            // no customer to show it to.
            key: crate::account::secret::fingerprint(&crate::account::random::hex::<16>()),
            requested,
            alias: &session.customer_name,
            last_message: first,
            idle: requested,
            message: (!first.is_empty())
                .then(|| Message::from_customer(first, &session.customer_name)),
        }
    }
}

/// A secret to store: only its fingerprint, never the secret.
#[derive(Clone, Debug)]
pub struct NewSecret {
    pub kind: SecretKind,
    pub fingerprint: String,
    pub created: Timestamp,
    /// `None`: valid until revoked.
    pub expires: Option<Timestamp>,
}

impl NewSecret {
    /// A new secret of `kind`, issued at `now` until `expires`, and what is stored of it.
    pub fn issue(kind: SecretKind, now: Timestamp, expires: Option<Timestamp>) -> (String, Self) {
        let issued = secret::issue(kind);
        let stored = NewSecret {
            kind,
            fingerprint: secret::fingerprint(&issued),
            created: now,
            expires,
        };
        (issued, stored)
    }
}

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
