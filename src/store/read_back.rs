//! What a change comes to for its caller, once its transaction is over: the verdict it was
//! made under, with the session read back as it is now - the one changed, or the one a key
//! used before replays. Both backends answer through here.

use super::StoreError;
use crate::chat::idempotency::Outcome;
use crate::chat::{Change, Claim, Pickup, Verdict};
use crate::entity::Object;

/// The change that `verdict`, committed, made of session `session_id`; `load` reads a
/// session by id.
pub fn change(
    verdict: Verdict<()>,
    session_id: i64,
    load: impl Fn(i64) -> Result<Option<Object>, StoreError>,
) -> Result<Change, StoreError> {
    let now = |made: fn(Object) -> Change| {
        load(session_id)?.map(made).ok_or_else(|| {
            StoreError::Internal(format!("session {session_id} vanished after a change"))
        })
    };
    match verdict {
        Verdict::Make(()) => now(Change::Made),
        Verdict::Nothing => now(Change::Unchanged),
        Verdict::Replay(replayed) => Ok(Change::Replayed(
            replayed.session_id.map(&load).transpose()?.flatten(),
        )),
        Verdict::Refused(refusal) => Ok(Change::Refused(refusal)),
    }
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
