//! The SQL of a new session in a topic's queue, decided in [`crate::chat::create`]:
//! the facts read of the topic (where a backend locks the topic's row, it takes the lock in
//! a statement before them) and the session written. Placeholders: `$1` is the topic, `$2`
//! the caller.

use std::sync::LazyLock;

use super::Columns;
use crate::chat::create::{self, Draft, Visitor};
use crate::entity::status::IN_QUEUE;
use crate::time::Timestamp;

/// The [`create::Facts`] of topic `$1` for agent `$2`; no row for no such topic.
pub static TOPIC_FACTS: LazyLock<String> = LazyLock::new(|| {
    let right = |right: &str| {
        format!(
            "EXISTS (SELECT 1 FROM chat_topic_user m WHERE m.topic_id = t.id \
               AND m.user_id = $2 AND ({right}))"
        )
    };
    format!(
        "SELECT {}, {}, (SELECT count(*) FROM chat_session w \
           WHERE w.status = {IN_QUEUE} AND w.topic_id = t.id), t.customer_idle_seconds \
         FROM chat_topic t WHERE t.id = $1",
        right(super::sessions::ANY_RIGHT),
        right("m.can_respond OR m.manager"),
    )
});

/// What [`TOPIC_FACTS`] read.
pub fn topic_facts<R: Columns>(row: &R) -> Result<create::Facts, R::Error> {
    Ok(create::Facts {
        sees: row.flag(0)?,
        may_create: row.flag(1)?,
        waiting: row.int(2)?,
        idle: row.maybe_int(3)?,
    })
}

/// A new session of topic `$1`, waiting from `$2` (when it was requested and went idle),
/// with the key's fingerprint `$3`, at InitialQueuePos `$4`; the customer's name `$5`
/// (also their alias), e-mail `$6`, phone `$7`, company `$8`, consent `$9` and the copy of
/// their first message `$10`; their address `$11`, when they last fetched `$12` (NULL:
/// no customer fetches yet), the language they asked in `$13` and until when the chat is
/// alive without another fetch `$14` (NULL: no customer, never dead). Yields its id.
pub static INSERT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO chat_session (topic_id, status, when_requested, idle, session_key, \
           initial_queue_pos, name, customer_alias, email, phone, company_name, consented, \
           first_message, last_message, customer_host, customer_fetch, language_id, \
           alive_until) \
         VALUES ($1, {IN_QUEUE}, $2, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $10, $11, $12, \
           $13, $14) RETURNING id"
    )
});

/// A session about to be written: where, for whom, when, and the customer who asked, if
/// one did.
pub struct Opened<'a> {
    pub topic_id: i64,
    pub draft: &'a Draft,
    pub now: Timestamp,
    /// The customer who asked, and until when their chat is alive without a fetch.
    pub visitor: Option<(&'a Visitor, Timestamp)>,
    /// Who asked, as the event names them (0: a customer), and for which request.
    pub by: i64,
    pub context: &'a str,
}

/// What [`INSERT`] keeps of the customer who asked (`$11` to `$14`); all empty for a
/// session an agent opens.
pub struct Asked<'a> {
    pub host: &'a str,
    pub fetched: Option<Timestamp>,
    pub language: Option<i64>,
    pub alive_until: Option<Timestamp>,
}

impl Opened<'_> {
    /// The customer's columns: asking is their first fetch.
    pub fn asked(&self) -> Asked<'_> {
        let visitor = self.visitor;
        Asked {
            host: visitor.map_or("", |(visitor, _)| visitor.host.as_str()),
            fetched: visitor.map(|_| self.now),
            language: visitor
                .and_then(|(visitor, _)| visitor.language)
                .map(|language| language.id()),
            alive_until: visitor.map(|(_, alive_until)| alive_until),
        }
    }
}
