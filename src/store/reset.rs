//! What a reset decides (spec section 9: "put it back on the queue for pickup; used by bots
//! to hand off a session to a human"), once for both backends: who may, and which sessions.
//! The backends read the [`Facts`] under their write lock, ask [`judge`], and when it
//! allows the reset write the same columns: back to `InQueue` in its original place (its
//! request time is kept), its agent and Rank released, the bot flag and any pending transfer
//! cleared.

use crate::entity::status::{CUSTOMER_LAST, IN_QUEUE, USER_LAST};

/// What the backend read of the session, for the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    /// The caller is the session's agent.
    pub holds: bool,
    /// The caller manages the session's topic.
    pub manages: bool,
    /// The caller has any right in the session's topic (sees it).
    pub sees: bool,
    pub status: i64,
}

/// Why a reset is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No such session that the caller sees: as for a read, ids of other topics tell nothing.
    NotFound,
    /// Seen, but neither the caller's nor in a topic the caller manages.
    NotAllowed,
    /// Over (finished, closed, deleted...): an ended chat does not go back to the queue.
    Ended,
}

/// Whether the caller may reset the session `found` describes (`None`: no such session).
pub fn judge(found: Option<Facts>) -> Result<(), Refusal> {
    let facts = found.ok_or(Refusal::NotFound)?;
    if !facts.holds && !facts.sees {
        return Err(Refusal::NotFound);
    }
    if !facts.holds && !facts.manages {
        return Err(Refusal::NotAllowed);
    }
    match facts.status {
        IN_QUEUE | CUSTOMER_LAST | USER_LAST => Ok(()),
        _ => Err(Refusal::Ended),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(holds: bool, manages: bool, sees: bool, status: i64) -> Option<Facts> {
        Some(Facts {
            holds,
            manages,
            sees,
            status,
        })
    }

    #[test]
    fn the_agent_or_a_manager_may_reset_a_live_session_others_may_not() {
        assert_eq!(judge(facts(true, false, false, USER_LAST)), Ok(()));
        assert_eq!(judge(facts(false, true, true, CUSTOMER_LAST)), Ok(()));
        assert_eq!(judge(facts(false, true, true, IN_QUEUE)), Ok(()));
        assert_eq!(
            judge(facts(false, false, true, USER_LAST)),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(
            judge(facts(false, false, false, USER_LAST)),
            Err(Refusal::NotFound)
        );
        assert_eq!(judge(None), Err(Refusal::NotFound));
        assert_eq!(judge(facts(true, false, true, 7)), Err(Refusal::Ended));
    }
}
