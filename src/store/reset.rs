//! What a reset decides (spec section 9: "put it back on the queue for pickup; used by bots
//! to hand off a session to a human"), once for both backends: who may, and which sessions.
//! The backends read the [`Facts`] under their write lock, ask [`judge`], and when it
//! allows the reset write the same columns: back to `InQueue` in its original place (its
//! request time is kept), its agent and Rank released, the bot flag and any pending transfer
//! cleared.

use super::Refusal;
use crate::entity::status::{CUSTOMER_LAST, IN_QUEUE, USER_LAST};
use crate::store::sessions::ANY_RIGHT;

/// The [`Facts`] of session `session` for agent `agent` (the placeholders of the backend's
/// dialect), in their order; a backend may lock the row after it.
pub fn facts_query(session: &str, agent: &str) -> String {
    format!(
        "SELECT coalesce(s.user_id = {agent}, false), \
           EXISTS (SELECT 1 FROM chat_topic_user m WHERE m.topic_id = s.topic_id \
                   AND m.user_id = {agent} AND m.manager), \
           EXISTS (SELECT 1 FROM chat_topic_user m WHERE m.topic_id = s.topic_id \
                   AND m.user_id = {agent} AND {ANY_RIGHT}), \
           s.status \
         FROM chat_session s WHERE s.id = {session}"
    )
}

/// The reset of session `session`: back in the queue (`in_queue`, the status's placeholder)
/// at its place - `when_requested` kept - nobody's, no bot, no transfer.
pub fn reset_statement(session: &str, in_queue: &str) -> String {
    format!(
        "UPDATE chat_session SET status = {in_queue}, user_id = NULL, rank = 0, \
         chatbot_isactive = false, transfer_to = NULL, when_started = NULL WHERE id = {session}"
    )
}

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

/// Whether the caller may reset the session `found` describes (`None`: no such session):
/// refused as not found, not allowed or ended.
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
