//! What a change comes to for its caller, once its transaction is over: the verdict it was
//! made under, with the session read back as it is now - the one changed, or the one a key
//! used before replays. Both backends answer through here.

use super::StoreError;
use crate::chat::idempotency::Outcome;
use crate::chat::{Change, Claim, Pickup, Verdict};
use crate::entity::{CHAT_MESSAGE, Object, Shape, Value};

/// The change that `verdict`, committed, made of session `session_id` (what it makes: the
/// message it posted, if any); `load` reads a carrier by id. A message posted is answered
/// with itself, any other change with the session as `session` shows it.
pub fn change(
    verdict: Verdict<Option<i64>>,
    (session_id, session): (i64, &'static Shape),
    load: impl Fn(&'static Shape, i64) -> Result<Option<Object>, StoreError>,
) -> Result<Change, StoreError> {
    let answer = |posted: Option<i64>| match posted {
        Some(message_id) => load(&CHAT_MESSAGE, message_id),
        None => load(session, session_id),
    };
    let now = |posted, made: fn(Object) -> Change| {
        answer(posted)?.map(made).ok_or_else(|| {
            StoreError::Internal(format!("session {session_id} vanished after a change"))
        })
    };
    match verdict {
        Verdict::Make(posted) => now(posted, Change::Made),
        Verdict::Nothing => now(None, Change::Unchanged),
        Verdict::Replay(outcome) => Ok(Change::Replayed(match outcome.message_id {
            Some(message_id) => load(&CHAT_MESSAGE, message_id)?,
            None => outcome
                .session_id
                .map(|id| load(session, id))
                .transpose()?
                .flatten(),
        })),
        Verdict::Refused(refusal) => Ok(Change::Refused(refusal)),
    }
}

/// The change that a new session's `verdict`, committed, came to: the session as it is,
/// with its `key` shown where it was made now.
pub fn created(
    verdict: Verdict<i64>,
    key: &str,
    load: impl Fn(i64) -> Result<Option<Object>, StoreError>,
) -> Result<Change, StoreError> {
    Ok(match verdict {
        Verdict::Make(session_id) => {
            let mut session = load(session_id)?.ok_or_else(|| {
                StoreError::Internal(format!("session {session_id} vanished after its creation"))
            })?;
            session.set("SessionKey", Value::Text(key.to_string()));
            Change::Made(session)
        }
        Verdict::Nothing => {
            return Err(StoreError::Internal("a creation made nothing".into()));
        }
        Verdict::Replay(outcome) => {
            Change::Replayed(outcome.session_id.map(load).transpose()?.flatten())
        }
        Verdict::Refused(refusal) => Change::Refused(refusal),
    })
}

/// The claim that a pickup's `verdict`, committed, came to; `taken` makes the [`Pickup`] of
/// a session taken now.
pub fn claim<T>(
    verdict: Verdict<T>,
    taken: impl FnOnce(T) -> Result<Pickup, StoreError>,
    load: impl Fn(i64) -> Result<Option<Object>, StoreError>,
) -> Result<Claim, StoreError> {
    Ok(match verdict {
        Verdict::Make(made) => Claim::Picked(Some(taken(made)?)),
        Verdict::Nothing => Claim::Picked(None),
        Verdict::Replay(Outcome { session_id, .. }) => Claim::Replayed {
            session_id,
            session: session_id.map(load).transpose()?.flatten(),
        },
        Verdict::Refused(refusal) => Claim::Refused(refusal),
    })
}
