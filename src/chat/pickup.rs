//! What a pickup decides, whichever backend stores it (spec section 2), for the first session
//! of the queue or one named by id ([`super::queue::Which`]).
//!
//! The backend reads the [`Facts`] in its transaction - under the write lock, or with the
//! agent's row and the candidate locked - and [`judge`] decides (after the request's key:
//! [`super::verdict::keyed`]), in this order: the agent's capacity, a session named in a
//! topic where the agent may not respond, an empty queue; else the [`Candidate`] is taken.
//! Then the backend reads what the candidate's [`Plan`] needs (the agent's first free Rank,
//! the string resources a welcome refers to), writes the plan and loads the session: the
//! [`Pickup`]. What the caller is answered is a [`Claim`].

use super::Refusal;
use super::capacity::Load;
use super::message::Message;
use super::verdict::Verdict;
use super::welcome::WelcomeSource;
use crate::account::Agent;
use crate::entity::{Object, status};
use crate::locale::{Language, Resources};
use crate::time::Timestamp;

/// What the backend read for a pickup, in its transaction.
pub struct Facts {
    /// The agent's capacity.
    pub load: Load,
    /// The session named by id is in a topic where the agent may not respond (always
    /// `false` for the first of the queue).
    pub foreign: bool,
    /// The session to take: the first waiting for the agent, or the one named if it waits.
    pub next: Option<Candidate>,
}

/// The verdict on a pickup: in the order of the module's doc.
pub fn judge(facts: Facts) -> Verdict<Candidate> {
    if let Err(full) = facts.load.check() {
        return Verdict::Refused(Refusal::AtCapacity(full));
    }
    if facts.foreign {
        return Verdict::Refused(Refusal::NotYourTopic);
    }
    match facts.next {
        Some(candidate) => Verdict::Make(candidate),
        None => Verdict::Nothing,
    }
}

/// What a pickup came to, for its caller.
#[derive(Debug)]
pub enum Claim {
    /// Made now: the session taken, or `None` when nothing was eligible (nothing changed
    /// but the key's record).
    Picked(Option<Pickup>),
    /// Made before under this key: that session (`None`: the queue was empty then), as it
    /// is now. Nothing changed.
    Replayed {
        session_id: Option<i64>,
        session: Option<Object>,
    },
    /// Refused; nothing changed.
    Refused(Refusal),
}

impl Claim {
    /// The session taken now, if this claim took one.
    pub fn taken(self) -> Option<Pickup> {
        match self {
            Claim::Picked(picked) => picked,
            _ => None,
        }
    }
}

/// The session a pickup is about to claim, with what its welcome message is made of.
pub struct Candidate {
    pub session_id: i64,
    pub topic_id: i64,
    pub when_requested: Timestamp,
    /// The session's first message as stored (empty when the customer wrote none).
    pub first_message: String,
    pub welcome: WelcomeSource,
}

/// What the claim writes.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The agent's first free Rank.
    pub rank: i64,
    /// `UserLast` once the welcome is posted, else `CustomerLast`: the customer spoke last.
    pub status: i64,
    /// The welcome to post, its text resolved and filled; `None` when the topic has none. It
    /// becomes the session's last message, and the session is idle from its posting.
    pub welcome: Option<Message>,
    /// The session's new first message: the welcome's text when the customer wrote none.
    pub first_message: Option<String>,
    /// The queue wait in seconds, for the topic's running average.
    pub waited_seconds: f64,
}

/// A session the caller has just picked up.
#[derive(Clone, Debug)]
pub struct Pickup {
    pub session_id: i64,
    pub topic_id: i64,
    /// How long the customer waited in the queue.
    pub waited_ms: i64,
    /// The ChatSessionEntity as committed, nested carriers loaded.
    pub session: Object,
}

impl Candidate {
    /// The language whose string resources the welcome refers to, if it refers to any: the
    /// backend reads them before [`Candidate::plan`].
    pub fn resources_needed(&self) -> Option<Language> {
        self.welcome
            .needs_resources()
            .then(|| self.welcome.language())
    }

    /// The claim for `agent`, whose first free Rank is `rank`, at `now`.
    pub fn plan(&self, agent: &Agent, rank: i64, resources: Resources, now: Timestamp) -> Plan {
        let welcome = self.welcome.compose(agent, resources);
        let status = if welcome.is_some() {
            status::USER_LAST
        } else {
            status::CUSTOMER_LAST
        };
        let first_message = welcome.clone().filter(|_| self.first_message.is_empty());
        Plan {
            rank,
            status,
            welcome: welcome.map(|text| Message::welcome(text, agent)),
            first_message,
            waited_seconds: self.waited_ms(now).max(0) as f64 / 1000.0,
        }
    }

    /// The pickup, once the claim is committed and `session` loaded.
    pub fn picked_up(&self, session: Object, now: Timestamp) -> Pickup {
        Pickup {
            session_id: self.session_id,
            topic_id: self.topic_id,
            waited_ms: self.waited_ms(now),
            session,
        }
    }

    fn waited_ms(&self, now: Timestamp) -> i64 {
        now.millis_since(self.when_requested)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::capacity::Full;
    use crate::entity::message;

    fn candidate(welcome: &str) -> Candidate {
        candidate_with(welcome, "")
    }

    fn candidate_with(welcome: &str, first_message: &str) -> Candidate {
        Candidate {
            session_id: 7,
            topic_id: 2,
            when_requested: Timestamp::parse_stored("2026-01-01 12:00:00.000000").unwrap(),
            first_message: first_message.into(),
            welcome: WelcomeSource {
                raw: welcome.into(),
                language_id: None,
                topic: "Sales".into(),
                first_name_only: false,
                customer: "Kari".into(),
                alias: String::new(),
                person_first_name: None,
            },
        }
    }

    fn agent() -> Agent {
        Agent::new(1, "tje0".into(), "Thomas Jensen".into())
    }

    fn facts(load: Load, foreign: bool, next: bool) -> Facts {
        Facts {
            load,
            foreign,
            next: next.then(|| candidate("Hi")),
        }
    }

    #[test]
    fn capacity_comes_before_the_topic_and_the_topic_before_an_empty_queue() {
        let free = Load {
            limit: None,
            held: 0,
        };
        let full = Load {
            limit: Some(1),
            held: 1,
        };
        let verdict = |facts| {
            let taken = |candidate: Candidate| Ok::<_, ()>(candidate.session_id);
            judge(facts).try_map(taken).unwrap()
        };
        assert_eq!(verdict(facts(free, false, true)), Verdict::Make(7));
        assert_eq!(verdict(facts(free, false, false)), Verdict::Nothing);
        assert_eq!(
            verdict(facts(free, true, false)),
            Verdict::Refused(Refusal::NotYourTopic)
        );
        assert_eq!(
            verdict(facts(full, true, true)),
            Verdict::Refused(Refusal::AtCapacity(Full { limit: 1, held: 1 }))
        );
    }

    #[test]
    fn a_welcome_leaves_the_agent_last_and_none_the_customer() {
        let now = Timestamp::parse_stored("2026-01-01 12:01:30.500000").unwrap();
        let plan = candidate("Hi {customer}").plan(&agent(), 3, Resources::default(), now);
        assert_eq!(plan.status, status::USER_LAST);
        assert_eq!(
            plan.welcome,
            Some(Message::welcome("Hi Kari".into(), &agent()))
        );
        assert_eq!((plan.rank, plan.waited_seconds), (3, 90.5));
        let plan = candidate(" ").plan(&agent(), 1, Resources::default(), now);
        assert_eq!((plan.status, plan.welcome), (status::CUSTOMER_LAST, None));
    }

    #[test]
    fn the_welcome_is_the_first_message_only_where_the_customer_wrote_none() {
        let now = Timestamp::parse_stored("2026-01-01 12:01:00.000000").unwrap();
        let plan = |first: &str| {
            candidate_with("Hi", first)
                .plan(&agent(), 1, Resources::default(), now)
                .first_message
        };
        assert_eq!(plan(""), Some("Hi".into()));
        assert_eq!(plan("Help!"), None);
        let silent = candidate_with("", "").plan(&agent(), 1, Resources::default(), now);
        assert_eq!(silent.first_message, None, "no welcome, nothing to copy");
    }

    #[test]
    fn the_welcome_is_the_agents_message_to_the_customer() {
        let welcome = Message::welcome("Hi".into(), &agent());
        assert_eq!(
            (
                welcome.kind,
                welcome.special,
                welcome.author.as_str(),
                welcome.created_by
            ),
            (
                message::TO_CUSTOMER,
                message::SPECIAL_WELCOME,
                "Thomas Jensen",
                1
            )
        );
    }

    #[test]
    fn resources_are_read_only_for_a_welcome_that_refers_to_them() {
        assert_eq!(candidate("Hi").resources_needed(), None);
        assert_eq!(
            candidate("[SR_CHAT_WELCOME]").resources_needed(),
            Some(Language::ENGLISH)
        );
    }

    #[test]
    fn a_request_in_the_future_waited_no_time() {
        let early = Timestamp::parse_stored("2026-01-01 11:00:00.000000").unwrap();
        let plan = candidate("").plan(&agent(), 1, Resources::default(), early);
        assert_eq!(plan.waited_seconds, 0.0);
    }
}
