//! A new session in a topic's queue, asked by an agent (`CreateChatSessionForTopic`,
//! `SaveChatSessionEntity` of id 0), decided once for both backends: who may create where,
//! what the customer's details may hold, and where the session stands in the queue.
//!
//! An agent who may respond in the topic, or manages it, creates there; a topic the caller
//! has no right in is not found. A customer ([`Visitor`]) starts a chat in any topic, from
//! their address. The session waits `InQueue` from now, at InitialQueuePos
//! (those waiting + 1), with a fresh SessionKey - the customer's credential, stored as its
//! SHA-256 and shown only in the answer that creates it. A first message is the customer's
//! (`ToUser`), kept as the session's FirstMessage and LastMessage.

use super::edit::MAX_TEXT;
use super::message::Message;
use super::post::{MAX_MESSAGE, stray};
use super::queue::queue_position;
use super::{Refusal, Verdict};
use crate::account::{random, secret};
use crate::locale::Language;
use crate::time::Timestamp;

/// The customer's details a new session is created with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Customer {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
    pub consented: bool,
}

/// Why a new session cannot be created as asked, for the caller to fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// A customer property (named) too long or with control characters.
    Text(&'static str),
    /// A first message over [`MAX_MESSAGE`] characters.
    MessageTooLong,
    /// A first message with control characters other than line breaks and tabs.
    MessageControlCharacters,
}

/// A new session, checked: who the customer is, what they wrote first, and its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub customer: Customer,
    /// What the customer wrote first; empty for nothing.
    pub first_message: String,
    /// The SessionKey, shown once; only its fingerprint is stored.
    pub key: String,
}

impl Draft {
    /// A new session for `customer`, who wrote `first_message` (may be empty), with a
    /// fresh key.
    pub fn new(customer: Customer, first_message: &str) -> Result<Self, Invalid> {
        let fields = [
            ("CustomerName", &customer.name),
            ("CustomerEmail", &customer.email),
            ("CustomerPhone", &customer.phone),
            ("CustomerCompanyName", &customer.company),
        ];
        let bad =
            |text: &String| text.chars().count() > MAX_TEXT || text.chars().any(char::is_control);
        if let Some((name, _)) = fields.iter().find(|(_, text)| bad(text)) {
            return Err(Invalid::Text(name));
        }
        if first_message.chars().count() > MAX_MESSAGE {
            return Err(Invalid::MessageTooLong);
        }
        if first_message.chars().any(stray) {
            return Err(Invalid::MessageControlCharacters);
        }
        Ok(Self {
            customer,
            first_message: first_message.trim().to_string(),
            key: random::hex::<16>(),
        })
    }

    /// A new session for a customer not yet known, with a fresh key.
    pub fn anonymous() -> Self {
        Self {
            customer: Customer::default(),
            first_message: String::new(),
            key: random::hex::<16>(),
        }
    }

    /// What is stored of the key.
    pub fn key_fingerprint(&self) -> String {
        secret::fingerprint(&self.key)
    }

    /// The customer's first message, if they wrote one.
    pub fn message(&self) -> Option<Message> {
        (!self.first_message.is_empty())
            .then(|| Message::from_customer(&self.first_message, &self.customer.name))
    }

    /// What the session keeps of the first message as its FirstMessage and LastMessage.
    pub fn copy(&self) -> String {
        self.message()
            .map(|message| message.copy())
            .unwrap_or_default()
    }
}

/// What the backend read of the topic, for the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    /// The caller has any right in the topic.
    pub sees: bool,
    /// The caller may respond in the topic, or manages it.
    pub may_create: bool,
    /// Sessions waiting in the topic's queue now.
    pub waiting: i64,
    /// The topic's own idle allowance for customers, in seconds; `None`: the service's.
    pub idle: Option<i64>,
}

/// A customer starting a chat: from which address, when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visitor {
    /// The caller's address as the service sees it (CustomerHost); empty when unknown.
    pub host: String,
    pub now: Timestamp,
    /// The language they asked in, kept for their welcome; `None`: the topic's.
    pub language: Option<Language>,
    /// How long a chat stays alive without a fetch where its topic sets no allowance of its
    /// own ([`super::customer`]).
    pub idle: std::time::Duration,
    /// The most sessions a topic's queue holds for customers (SuperOffice's "offline form
    /// queue length"); `None`: no cap.
    pub max_queue: Option<i64>,
    /// The request's id, as the session's `chatsession.created` event names it.
    pub context: String,
}

impl Visitor {
    /// Until when the chat is alive without another fetch: the topic's allowance
    /// (`topic_idle` seconds) where it has one, else the service's.
    pub fn alive_until(&self, topic_idle: Option<i64>) -> Timestamp {
        self.now
            .after(super::customer::idle_of(topic_idle, self.idle))
    }
}

/// The verdict on a customer's new session in topic `topic_id`, found as `found` (`None`:
/// no such topic): any topic takes customers, at its InitialQueuePos, until its queue holds
/// `max_queue`.
pub fn judge_visit(topic_id: i64, found: Option<Facts>, max_queue: Option<i64>) -> Verdict<i64> {
    match found {
        None => Verdict::Refused(Refusal::NoSuchTopic(topic_id)),
        Some(facts) if max_queue.is_some_and(|cap| facts.waiting >= cap) => {
            Verdict::Refused(Refusal::QueueFull(facts.waiting))
        }
        Some(facts) => Verdict::Make(queue_position(facts.waiting)),
    }
}

/// The verdict on an agent's new session in topic `topic_id`, found as `found` (`None`: no
/// such topic): made at its InitialQueuePos, or refused.
pub fn judge(topic_id: i64, found: Option<Facts>) -> Verdict<i64> {
    match found.filter(|facts| facts.sees) {
        None => Verdict::Refused(Refusal::TopicNotFound(topic_id)),
        Some(facts) if !facts.may_create => Verdict::Refused(Refusal::NotYourTopic),
        Some(facts) => Verdict::Make(queue_position(facts.waiting)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_lives_by_its_topics_allowance_where_it_sets_one() {
        let visitor = Visitor {
            host: String::new(),
            now: Timestamp::now(),
            language: None,
            idle: std::time::Duration::from_secs(120),
            max_queue: None,
            context: String::new(),
        };
        let lives = |topic_idle| visitor.alive_until(topic_idle).millis_since(visitor.now);
        assert_eq!(lives(None), 120_000);
        assert_eq!(lives(Some(600)), 600_000);
    }

    #[test]
    fn a_responder_or_manager_creates_behind_those_waiting() {
        let facts = |sees, may_create| {
            Some(Facts {
                sees,
                may_create,
                waiting: 2,
                idle: None,
            })
        };
        assert_eq!(judge(1, facts(true, true)), Verdict::Make(3));
        assert_eq!(
            judge(1, facts(true, false)),
            Verdict::Refused(Refusal::NotYourTopic)
        );
        assert_eq!(
            judge(1, facts(false, false)),
            Verdict::Refused(Refusal::TopicNotFound(1))
        );
        assert_eq!(judge(1, None), Verdict::Refused(Refusal::TopicNotFound(1)));
        assert_eq!(
            judge_visit(1, facts(false, false), None),
            Verdict::Make(3),
            "a customer needs no rights"
        );
        assert_eq!(
            judge_visit(1, None, None),
            Verdict::Refused(Refusal::NoSuchTopic(1))
        );
        assert_eq!(
            judge_visit(1, facts(false, false), Some(3)),
            Verdict::Make(3)
        );
        assert_eq!(
            judge_visit(1, facts(false, false), Some(2)),
            Verdict::Refused(Refusal::QueueFull(2))
        );
    }

    #[test]
    fn a_draft_has_a_fresh_key_stored_as_its_fingerprint_and_checked_details() {
        let customer = Customer {
            name: "Ann".into(),
            ..Customer::default()
        };
        let draft = Draft::new(customer.clone(), " Hello ").unwrap();
        assert_eq!(draft.key.len(), 32);
        assert_ne!(draft.key, Draft::new(customer.clone(), "").unwrap().key);
        assert_eq!(draft.key_fingerprint(), secret::fingerprint(&draft.key));
        assert_eq!(draft.message().unwrap().author, "Ann");
        assert_eq!(draft.copy(), "Hello");
        assert_eq!(Draft::new(customer.clone(), "").unwrap().message(), None);
        let long = Customer {
            email: "a".repeat(MAX_TEXT + 1),
            ..customer.clone()
        };
        assert_eq!(Draft::new(long, ""), Err(Invalid::Text("CustomerEmail")));
        assert_eq!(
            Draft::new(customer.clone(), &"a".repeat(MAX_MESSAGE + 1)),
            Err(Invalid::MessageTooLong)
        );
        assert_eq!(
            Draft::new(customer.clone(), "nul\u{0}"),
            Err(Invalid::MessageControlCharacters)
        );
        assert!(Draft::new(customer, "two\nlines").is_ok());
    }
}
