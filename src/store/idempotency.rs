//! What a change under an `Idempotency-Key` decides, once for both backends. The key and its
//! outcome are written in the change's own transaction, so a retry - on any instance, after
//! any restart - finds either both or neither.
//!
//! A backend reads the key's record inside the transaction, under the lock that serialises
//! the caller's changes (SQLite's write lock; PostgreSQL's lock on the agent's row), asks
//! [`Keyed::judge`], and then either makes the change and records it, or changes nothing.

use crate::idempotency::IdempotencyKey;
use crate::time::Timestamp;

/// How many expired keys one keyed change sweeps away: every keyed change adds one, so the
/// table stays bounded, and the sweep stays small beside the change.
pub const SWEEP: i64 = 64;

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
    /// The session the change took; `None`: there was nothing to take.
    pub session_id: Option<i64>,
    pub created: Timestamp,
}

/// What to do with a keyed change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Not used (or expired): make the change and record it.
    Fresh,
    /// Made before: change nothing, answer with this session as it is now.
    Replay(Option<i64>),
    /// Used for another operation: change nothing, refuse.
    OtherOperation(String),
}

impl Keyed<'_> {
    pub fn judge(&self, recorded: Option<Recorded>) -> Verdict {
        match recorded {
            Some(recorded) if recorded.created >= self.expired_before => {
                if recorded.operation == self.operation {
                    Verdict::Replay(recorded.session_id)
                } else {
                    Verdict::OtherOperation(recorded.operation)
                }
            }
            _ => Verdict::Fresh,
        }
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
            session_id: Some(7),
            created,
        };
        assert_eq!(keyed.judge(None), Verdict::Fresh);
        assert_eq!(
            keyed.judge(Some(recorded("pickup-first", at(100)))),
            Verdict::Replay(Some(7))
        );
        assert_eq!(
            keyed.judge(Some(recorded("pickup-by-id", at(150)))),
            Verdict::OtherOperation("pickup-by-id".into())
        );
        assert_eq!(
            keyed.judge(Some(recorded("pickup-first", at(99)))),
            Verdict::Fresh
        );
    }
}
