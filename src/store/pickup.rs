//! What a pickup decides, whichever backend stores it (spec section 2). A backend finds the
//! [`Candidate`] - the first eligible session, locked or under the write lock - reads what
//! its [`Plan`] needs, and writes the plan in the same transaction; then it loads the
//! session and hands back the [`Pickup`].

use crate::account::Agent;
use crate::entity::{Object, status};
use crate::locale::{Language, Resources};
use crate::store::message::Message;
use crate::store::welcome::WelcomeSource;
use crate::time::Timestamp;

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

/// Which session a pickup takes: the first the agent may take, or one named by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    First,
    Session(i64),
}

/// What a pickup by id found the named session to be, under the pickup's lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sought {
    /// Waiting for an agent, in a topic where the caller may respond: it is taken.
    Waiting,
    /// Not waiting - taken, ended, being transferred, with a bot - or not there at all:
    /// SuperOffice's "NULL if session was not in queue"; nothing changes.
    NotInQueue,
    /// In a topic where the caller may not respond: refused, whatever its state, so that a
    /// refusal tells nothing of other topics' sessions. Nothing changes.
    Forbidden,
}

impl Sought {
    /// The verdict on what the backend read of the session: `None` for no such session,
    /// else whether the caller may respond in its topic and whether it waits for an agent
    /// (in the queue, no bot talking, no transfer pending).
    pub fn judge(found: Option<(bool, bool)>) -> Self {
        match found {
            None => Sought::NotInQueue,
            Some((false, _)) => Sought::Forbidden,
            Some((true, false)) => Sought::NotInQueue,
            Some((true, true)) => Sought::Waiting,
        }
    }
}

/// The lowest positive number missing from `ranks` (ascending): an agent's next free Rank.
/// Reads only as far as the first gap.
pub fn first_free_rank<E>(ranks: impl IntoIterator<Item = Result<i64, E>>) -> Result<i64, E> {
    let mut free = 1;
    for rank in ranks {
        let rank = rank?;
        if rank > free {
            break;
        }
        free = free.max(rank + 1);
    }
    Ok(free)
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn a_session_by_id_is_refused_in_a_foreign_topic_whatever_its_state() {
        assert_eq!(Sought::judge(None), Sought::NotInQueue);
        assert_eq!(Sought::judge(Some((false, true))), Sought::Forbidden);
        assert_eq!(Sought::judge(Some((false, false))), Sought::Forbidden);
        assert_eq!(Sought::judge(Some((true, false))), Sought::NotInQueue);
        assert_eq!(Sought::judge(Some((true, true))), Sought::Waiting);
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

    #[test]
    fn the_free_rank_is_the_first_gap() {
        let free = |ranks: &[i64]| first_free_rank(ranks.iter().map(|&r| Ok::<_, ()>(r))).unwrap();
        assert_eq!(free(&[]), 1);
        assert_eq!(free(&[1, 2]), 3);
        assert_eq!(free(&[1, 2, 4]), 3);
        assert_eq!(free(&[2, 3]), 1);
    }
}
