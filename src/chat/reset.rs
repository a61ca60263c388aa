//! What a reset decides (spec section 9: "put it back on the queue for pickup; used by bots
//! to hand off a session to a human"), once for both backends: who may, and which sessions.
//! The backends read the caller's [`Standing`] under their write lock, ask [`judge`], and when it
//! allows the reset write the same columns (`crate::store::sql::moves`): back to `InQueue`
//! in its original place (its request time is kept), its agent and Rank released, the bot
//! flag and any pending transfer cleared.

use super::effect::Effect;
use super::standing::Standing;
use super::{Refusal, Verdict};

/// The verdict on a reset of session `session_id`, which the backend found as `found`
/// (`None`: no such session): made, or refused as not found, not allowed or ended.
pub fn judge(session_id: i64, found: Option<Standing>) -> Verdict<Effect> {
    match Standing::to_change(session_id, found) {
        Err(refusal) => Verdict::Refused(refusal),
        Ok(standing) if standing.is_live() => Verdict::Make(Effect::Reset),
        Ok(_) => Verdict::Refused(Refusal::Ended(session_id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::entity::status::{CUSTOMER_LAST, IN_QUEUE, USER_LAST};

    fn facts(holds: bool, manages: bool, sees: bool, status: i64) -> Option<Standing> {
        Some(Standing {
            holds,
            manages,
            sees,
            responds: holds,
            status,
        })
    }

    #[test]
    fn the_agent_or_a_manager_may_reset_a_live_session_others_may_not() {
        let refused = |refusal| Verdict::Refused(refusal);
        assert_eq!(
            judge(3, facts(true, false, false, USER_LAST)),
            Verdict::Make(Effect::Reset)
        );
        assert_eq!(
            judge(3, facts(false, true, true, CUSTOMER_LAST)),
            Verdict::Make(Effect::Reset)
        );
        assert_eq!(
            judge(3, facts(false, true, true, IN_QUEUE)),
            Verdict::Make(Effect::Reset)
        );
        assert_eq!(
            judge(3, facts(false, false, true, USER_LAST)),
            refused(Refusal::NotAllowed)
        );
        assert_eq!(
            judge(3, facts(false, false, false, USER_LAST)),
            refused(Refusal::NotFound(3))
        );
        assert_eq!(judge(3, None), refused(Refusal::NotFound(3)));
        assert_eq!(
            judge(3, facts(true, false, true, 7)),
            refused(Refusal::Ended(3))
        );
    }
}
