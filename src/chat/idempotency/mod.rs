//! `Idempotency-Key`: what a change under a key decides, once for both backends. The key and
//! its outcome are written in the change's own transaction, so a retry - on any instance,
//! after any restart - finds either both or neither.
//!
//! A backend reads the key's record inside the transaction, under the lock that serialises
//! the caller's changes (SQLite's write lock; PostgreSQL's lock on the agent's row); the
//! change's verdict asks [`Keyed::judge`] first ([`super::verdict::keyed`]), and then either
//! the change is made and the key recorded, or nothing changes and the earlier outcome is
//! answered. The key itself, as a request names it, is an [`IdempotencyKey`].

mod key;

pub use key::{IdempotencyKey, MAX_LEN};

use crate::time::Timestamp;

/// A key as the caller's change uses it.
#[derive(Clone, Copy, Debug)]
pub struct Keyed<'a> {
    pub key: &'a IdempotencyKey,
    /// The operation, by name: the REST and RPC routes of one operation count as one.
    pub operation: &'static str,
    /// Records made before this instant have expired: the key is as good as unused.
    pub expired_before: Timestamp,
}

/// A key's record as a backend read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub operation: String,
    pub outcome: Outcome,
    pub created: Timestamp,
}

/// What a change under a key made, as its record keeps it: what a replay answers with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The session the change took or named; `None`: there was nothing to take.
    pub session_id: Option<i64>,
    /// The message the change posted, if it posted one.
    pub message_id: Option<i64>,
}

impl Outcome {
    /// The outcome of a change to `session_id` that posted no message.
    pub fn session(session_id: Option<i64>) -> Self {
        Self {
            session_id,
            message_id: None,
        }
    }
}

/// A key used before (and not expired): the change is not made again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Earlier {
    /// Made before: answer with what it made, as it is now.
    Replay(Outcome),
    /// Used for another operation: refuse.
    OtherOperation(String),
}

impl Keyed<'_> {
    /// What the key's record says; `None`: not used (or expired) - make the change and
    /// record it.
    pub fn judge(&self, recorded: Option<Recorded>) -> Option<Earlier> {
        let recorded = recorded.filter(|recorded| recorded.created >= self.expired_before)?;
        Some(if recorded.operation == self.operation {
            Earlier::Replay(recorded.outcome)
        } else {
            Earlier::OtherOperation(recorded.operation)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_utc(chrono::DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap())
    }

    #[test]
    fn a_live_record_of_the_same_operation_replays_another_is_refused_an_old_one_is_gone() {
        let key = IdempotencyKey::parse("k").unwrap();
        let keyed = Keyed {
            key: &key,
            operation: "pickup-first",
            expired_before: at(100),
        };
        let recorded = |operation: &str, created| Recorded {
            operation: operation.into(),
            outcome: Outcome::session(Some(7)),
            created,
        };
        assert_eq!(keyed.judge(None), None);
        assert_eq!(
            keyed.judge(Some(recorded("pickup-first", at(100)))),
            Some(Earlier::Replay(Outcome::session(Some(7))))
        );
        assert_eq!(
            keyed.judge(Some(recorded("pickup-by-id", at(150)))),
            Some(Earlier::OtherOperation("pickup-by-id".into()))
        );
        assert_eq!(keyed.judge(Some(recorded("pickup-first", at(99)))), None);
    }
}
