//! The customer's side, as far as it decides anything (ours: SuperOffice publishes no
//! customer API): what the customer of a session may write and when, ending it, and how
//! long a waiting customer may still wait. The customer proved itself by the session's key;
//! the session is theirs whatever its status.

use super::idempotency::Keyed;
use super::message::Message;
use super::post::{Invalid, MAX_MESSAGE, stray};
use super::queue::IN_PROGRESS;
use super::{Refusal, Verdict};
use crate::entity::status::IN_QUEUE;
use crate::time::Timestamp;

/// How often a customer's reads are noted as WhenFetched at most: the dead-chat rule counts
/// in minutes, and a poll need not rewrite the session's row each time.
pub const FETCH_NOTED_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// A customer's read of their session: when, and until when it keeps the chat alive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fetch {
    pub at: Timestamp,
    pub alive_until: Timestamp,
}

impl Fetch {
    /// A read at `at`, keeping the chat alive for `idle` more.
    pub fn at(at: Timestamp, idle: std::time::Duration) -> Self {
        Self {
            at,
            alive_until: at.after(idle),
        }
    }

    /// The read in a topic whose own allowance is `topic_idle` seconds, where it has one.
    pub fn in_topic(self, topic_idle: Option<i64>) -> Self {
        match topic_idle {
            Some(_) => Self::at(self.at, idle_of(topic_idle, IDLE)),
            None => self,
        }
    }

    /// Reads after the last one noted by this instant are noted again: every
    /// [`FETCH_NOTED_EVERY`], or every quarter of the idle allowance where that is shorter -
    /// a customer polling without a pause must never outlive their chat between two notes.
    pub fn noted_before(&self) -> Timestamp {
        let idle = self.alive_until.millis_since(self.at).max(0) as u64;
        let quarter = std::time::Duration::from_millis(idle / 4);
        self.at.before(FETCH_NOTED_EVERY.min(quarter))
    }
}

/// The allowance of a topic that sets `topic_idle` seconds (or none: `default`).
pub fn idle_of(topic_idle: Option<i64>, default: std::time::Duration) -> std::time::Duration {
    topic_idle
        .and_then(|seconds| u64::try_from(seconds).ok())
        .map_or(default, std::time::Duration::from_secs)
}

/// How long a customer's `Idempotency-Key` is kept: a day, as an agent's by default; the
/// sweep of dead chats removes older ones.
pub const KEYS_KEPT: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// The customer's idle allowance when none is configured: after two minutes without a fetch
/// a customer's chat is dead.
pub const IDLE: std::time::Duration = std::time::Duration::from_secs(120);

/// The customer making a move: when, under which `Idempotency-Key`, answering which request
/// (as the move's event names it).
#[derive(Clone, Copy, Debug)]
pub struct Asking<'a> {
    pub now: Timestamp,
    pub key: Option<Keyed<'a>>,
    pub context: &'a str,
}

/// A change the customer asks of their session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CustomerMove {
    /// Their message, checked.
    Post(Words),
    /// They leave.
    End,
}

/// What a customer writes, checked: 1-4,096 characters, line breaks and tabs but no other
/// control characters - the rule of an agent's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Words(String);

impl Words {
    pub fn new(text: &str) -> Result<Self, Invalid> {
        if text.trim().is_empty() {
            return Err(Invalid::Empty);
        }
        if text.chars().count() > MAX_MESSAGE {
            return Err(Invalid::TooLong);
        }
        if text.chars().any(stray) {
            return Err(Invalid::ControlCharacters);
        }
        Ok(Self(text.to_string()))
    }
}

/// The statuses of a live chat, waiting or in progress: its customer may still write to it,
/// and it dies when they stop fetching.
pub const LIVE: [i64; 3] = [IN_QUEUE, IN_PROGRESS[0], IN_PROGRESS[1]];

/// What the backend read of the customer's session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub status: i64,
    /// The name the customer gave, else their alias: the author of what they write.
    pub name: String,
}

/// What a customer's move writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    /// Their message; `answered`: a session in progress now waits for the agent
    /// (`CustomerLast`); a waiting one stays in the queue.
    Post { message: Message, answered: bool },
    /// The session ends with this notice: `Closed`, its agent's place released.
    End(Message),
}

/// The verdict on the customer's `asked` of session `session_id`, found as `found`.
pub fn judge(session_id: i64, found: Option<Facts>, asked: &CustomerMove) -> Verdict<Written> {
    let Some(facts) = found else {
        return Verdict::Refused(Refusal::NotFound(session_id));
    };
    let live = LIVE.contains(&facts.status);
    match asked {
        _ if !live && *asked == CustomerMove::End => Verdict::Nothing,
        _ if !live => Verdict::Refused(Refusal::Ended(session_id)),
        CustomerMove::Post(Words(text)) => Verdict::Make(Written::Post {
            message: Message::from_customer(text, &facts.name),
            answered: IN_PROGRESS.contains(&facts.status),
        }),
        CustomerMove::End => Verdict::Make(Written::End(Message::closed_by_customer(&facts.name))),
    }
}

/// The wait still ahead of a customer who has waited `waited` seconds, from the topic's
/// running `average` wait (none yet: no estimate). Past the average, the next pickup may
/// come at any moment: 0.
pub fn wait_ahead(average: Option<i64>, waited: i64) -> Option<i64> {
    average.map(|average| (average - waited.max(0)).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::status::{CLOSED, CUSTOMER_LAST, USER_LAST};

    fn at(status: i64) -> Option<Facts> {
        Some(Facts {
            status,
            name: "Ola".into(),
        })
    }

    #[test]
    fn the_customer_writes_until_the_end_and_ending_twice_changes_nothing() {
        let hi = CustomerMove::Post(Words::new("Hi").unwrap());
        let Verdict::Make(Written::Post { message, answered }) = judge(1, at(USER_LAST), &hi)
        else {
            panic!("posted");
        };
        assert!(answered);
        assert_eq!(message.author, "Ola");
        assert!(matches!(
            judge(1, at(IN_QUEUE), &hi),
            Verdict::Make(Written::Post {
                answered: false,
                ..
            })
        ));
        assert_eq!(
            judge(1, at(CLOSED), &hi),
            Verdict::Refused(Refusal::Ended(1))
        );
        assert!(matches!(
            judge(1, at(CUSTOMER_LAST), &CustomerMove::End),
            Verdict::Make(Written::End(_))
        ));
        assert_eq!(judge(1, at(CLOSED), &CustomerMove::End), Verdict::Nothing);
        assert_eq!(
            judge(1, None, &CustomerMove::End),
            Verdict::Refused(Refusal::NotFound(1))
        );
        assert_eq!(Words::new(" "), Err(Invalid::Empty));
        assert_eq!(Words::new("a\u{7}"), Err(Invalid::ControlCharacters));
    }

    #[test]
    fn fetches_are_noted_every_ten_seconds_or_each_quarter_of_a_short_allowance() {
        let now = Timestamp::now();
        let noted_every = |idle: u64| {
            let fetch = Fetch::at(now, std::time::Duration::from_secs(idle));
            now.millis_since(fetch.noted_before()) / 1000
        };
        assert_eq!(noted_every(120), 10);
        assert_eq!(noted_every(20), 5);
    }

    #[test]
    fn the_average_less_what_was_waited_never_below_zero() {
        assert_eq!(wait_ahead(Some(90), 30), Some(60));
        assert_eq!(wait_ahead(Some(90), 120), Some(0));
        assert_eq!(wait_ahead(Some(90), -5), Some(90), "a clock running behind");
        assert_eq!(wait_ahead(None, 30), None);
    }
}
