//! What a change to one named session (a reset, a transfer's step) comes to, in the words
//! both backends use: [`Outcome`] inside the transaction, [`Change`] once it is committed and
//! the session read back, [`Refusal`] when it was not made.

use super::StoreError;
use super::capacity;
use super::idempotency::Earlier;
use crate::entity::Object;

/// What a change to one named session came to.
#[derive(Debug)]
pub enum Change {
    /// Made now: the session as it is after it.
    Made(Object),
    /// Nothing to do ("nothing happens"): the session as it is. Only the key was recorded.
    Unchanged(Object),
    /// Made before under this key: the session as it is now. Nothing changed.
    Replayed(Option<Object>),
    /// The key was used for this other operation. Nothing changed.
    KeyUsedFor(String),
    /// Not made, for this reason. Nothing changed.
    Refused(Refusal),
}

/// Why a change to a named session is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No such session that the caller sees: as for a read, ids of other topics tell nothing.
    NotFound,
    /// Seen, but neither the caller's nor in a topic the caller manages.
    NotAllowed,
    /// Over (finished, closed, deleted...): an ended chat does not go back to the queue.
    Ended,
    /// The caller holds as many sessions as they may.
    AtCapacity(capacity::Full),
    /// A transfer names no user agent of this tenant.
    UnknownAssociate,
    /// A transfer names the caller.
    ToSelf,
    /// A transfer names an agent who may not respond in the session's topic.
    CannotRespond,
}

/// What the transaction came to, before the session is read back.
pub enum Outcome {
    /// Written.
    Made,
    /// Nothing to do; the key (if any) recorded.
    Unchanged,
    /// The key says what to answer instead; nothing was written.
    Before(Earlier),
    Refused(Refusal),
}

impl Outcome {
    /// The change, with session `session_id` (or the one a key replays) read by `load` as
    /// it is now.
    pub fn change(
        self,
        session_id: i64,
        load: impl Fn(i64) -> Result<Option<Object>, StoreError>,
    ) -> Result<Change, StoreError> {
        let now = |made: fn(Object) -> Change| {
            load(session_id)?.map(made).ok_or_else(|| {
                StoreError::Internal(format!("session {session_id} vanished after a change"))
            })
        };
        match self {
            Outcome::Made => now(Change::Made),
            Outcome::Unchanged => now(Change::Unchanged),
            Outcome::Before(earlier) => earlier.change(load),
            Outcome::Refused(refusal) => Ok(Change::Refused(refusal)),
        }
    }
}
