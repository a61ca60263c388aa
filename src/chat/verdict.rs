//! The one shape of every change: the backend reads the facts inside its transaction, they
//! are judged once - the request's `Idempotency-Key` first ([`recall`]), then the operation's
//! own rules - into a [`Verdict`], and the backend writes what the verdict says, recording the
//! key where [`Verdict::records_key`] says so. A change to a named session asks the key before
//! it reads (and locks) the session; a pickup reads all its facts at once and asks [`keyed`].

use super::Refusal;
use super::idempotency::{Earlier, Keyed, Outcome, Recorded};

/// What a change comes to, decided before anything is written.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict<T> {
    /// Made before under the request's key: answer with what it made (the session, the
    /// message; no session: there was none to take) as it is now. Nothing is written.
    Replay(Outcome),
    /// Refused. Nothing is written, the key included.
    Refused(Refusal),
    /// Nothing to do: nothing is written but the key.
    Nothing,
    /// Write what `T` describes, and the key.
    Make(T),
}

impl<T> Verdict<T> {
    /// Whether the backend records the request's key with this verdict: a change made or
    /// found unnecessary is the key's outcome; a refusal or a replay is not.
    pub fn records_key(&self) -> bool {
        matches!(self, Verdict::Nothing | Verdict::Make(_))
    }

    /// The change to make, or - where there is none - the verdict, as one of any change.
    pub fn into_change<U>(self) -> Result<T, Verdict<U>> {
        match self {
            Verdict::Make(change) => Ok(change),
            Verdict::Replay(outcome) => Err(Verdict::Replay(outcome)),
            Verdict::Refused(refusal) => Err(Verdict::Refused(refusal)),
            Verdict::Nothing => Err(Verdict::Nothing),
        }
    }

    /// What the verdict makes, if it makes something.
    pub fn as_made(&self) -> Option<&T> {
        match self {
            Verdict::Make(change) => Some(change),
            _ => None,
        }
    }

    /// The verdict with what it makes turned into another thing by `made`.
    pub fn map<U>(self, made: impl FnOnce(T) -> U) -> Verdict<U> {
        match self.into_change() {
            Ok(change) => Verdict::Make(made(change)),
            Err(verdict) => verdict,
        }
    }

    /// The verdict with what it makes turned by `made` (a write), which may fail.
    pub fn try_map<U, E>(self, made: impl FnOnce(T) -> Result<U, E>) -> Result<Verdict<U>, E> {
        match self.into_change() {
            Ok(change) => made(change).map(Verdict::Make),
            Err(verdict) => Ok(verdict),
        }
    }
}

impl Verdict<Option<i64>> {
    /// What a change of session `session_id` made, as its key's record keeps it: the
    /// message it posted, if any.
    pub fn outcome(&self, session_id: i64) -> Outcome {
        let message_id = match self {
            Verdict::Make(posted) => *posted,
            _ => None,
        };
        Outcome {
            session_id: Some(session_id),
            message_id,
        }
    }
}

/// The verdict on a change under `key`, whose record the backend read as `recorded`: what
/// the key says if it was used before and has not expired, else what the operation's
/// `rules` say.
pub fn keyed<T>(
    key: Option<&Keyed>,
    recorded: Option<Recorded>,
    rules: impl FnOnce() -> Verdict<T>,
) -> Verdict<T> {
    recall(key, recorded).unwrap_or_else(rules)
}

/// What the request's key says before the operation's rules are asked: a replay or a
/// refusal when it was used before (and has not expired); `None` to judge the change.
pub fn recall<T>(key: Option<&Keyed>, recorded: Option<Recorded>) -> Option<Verdict<T>> {
    let earlier = key?.judge(recorded)?;
    Some(match earlier {
        Earlier::Replay(outcome) => Verdict::Replay(outcome),
        Earlier::OtherOperation(operation) => Verdict::Refused(Refusal::KeyUsedFor(operation)),
    })
}

/// As [`recall`], for a change to session `session_id`: a key whose change was made to
/// another session is refused rather than replayed - a key names one request, and a retry
/// repeats its request.
pub fn recall_on<T>(
    key: Option<&Keyed>,
    recorded: Option<Recorded>,
    session_id: i64,
) -> Option<Verdict<T>> {
    recall(key, recorded).map(|verdict| match verdict {
        Verdict::Replay(outcome) if outcome.session_id != Some(session_id) => {
            Verdict::Refused(Refusal::KeyUsedOn(outcome.session_id.unwrap_or(0)))
        }
        verdict => verdict,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::idempotency::IdempotencyKey;
    use crate::time::Timestamp;

    #[test]
    fn only_a_change_made_or_unnecessary_records_the_key() {
        assert!(Verdict::Make(()).records_key());
        assert!(Verdict::<()>::Nothing.records_key());
        assert!(!Verdict::<()>::Replay(Outcome::session(Some(1))).records_key());
        assert!(!Verdict::<()>::Refused(Refusal::NotAllowed).records_key());
    }

    #[test]
    fn a_key_used_before_replays_or_refuses_and_no_key_judges_on() {
        let key = IdempotencyKey::parse("k").unwrap();
        let now = Timestamp::parse_stored("2026-01-01 12:00:00.000000").unwrap();
        let keyed = Keyed {
            key: &key,
            operation: "reset",
            expired_before: now,
        };
        let recorded = |operation: &str| {
            Some(Recorded {
                operation: operation.into(),
                outcome: Outcome::session(Some(4)),
                created: now,
            })
        };
        assert_eq!(recall::<()>(None, recorded("reset")), None);
        assert_eq!(recall::<()>(Some(&keyed), None), None);
        assert_eq!(
            recall::<()>(Some(&keyed), recorded("reset")),
            Some(Verdict::Replay(Outcome::session(Some(4))))
        );
        assert_eq!(
            recall::<()>(Some(&keyed), recorded("transfer")),
            Some(Verdict::Refused(Refusal::KeyUsedFor("transfer".into())))
        );
        assert_eq!(
            recall_on::<()>(Some(&keyed), recorded("reset"), 4),
            Some(Verdict::Replay(Outcome::session(Some(4))))
        );
        assert_eq!(
            recall_on::<()>(Some(&keyed), recorded("reset"), 5),
            Some(Verdict::Refused(Refusal::KeyUsedOn(4))),
            "the key's change was to session 4"
        );
    }
}
