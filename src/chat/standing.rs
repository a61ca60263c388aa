//! Where the caller stands with one session - theirs, in a topic they manage, in a topic
//! they see - and the rule every change to a named session starts from: a session the
//! caller does not see is not found (its id tells nothing), and only its agent or a manager
//! of its topic may change it.

use super::Refusal;
use super::queue::IN_PROGRESS;
use crate::entity::status::IN_QUEUE;

/// What the backend read of the session, for the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    /// The caller is the session's agent.
    pub holds: bool,
    /// The caller manages the session's topic.
    pub manages: bool,
    /// The caller has any right in the session's topic, or is offered the session: sees it.
    pub sees: bool,
    /// The caller may respond in the session's topic: could pick it up.
    pub responds: bool,
    pub status: i64,
}

impl Standing {
    /// The caller's standing with session `session_id`, found as `found` (`None`: no such
    /// session), if they may change it.
    pub fn to_change(session_id: i64, found: Option<Standing>) -> Result<Standing, Refusal> {
        let standing = found
            .filter(|standing| standing.holds || standing.sees)
            .ok_or(Refusal::NotFound(session_id))?;
        match standing.holds || standing.manages {
            true => Ok(standing),
            false => Err(Refusal::NotAllowed),
        }
    }

    /// Whether the session still waits or is in progress: not over.
    pub fn is_live(&self) -> bool {
        self.status == IN_QUEUE || IN_PROGRESS.contains(&self.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::status::{CLOSED, USER_LAST};

    fn standing(holds: bool, manages: bool, sees: bool) -> Option<Standing> {
        Some(Standing {
            holds,
            manages,
            sees,
            responds: holds,
            status: USER_LAST,
        })
    }

    #[test]
    fn the_agent_or_a_manager_may_change_others_who_see_may_not_the_rest_find_nothing() {
        assert!(Standing::to_change(3, standing(true, false, false)).is_ok());
        assert!(Standing::to_change(3, standing(false, true, true)).is_ok());
        assert_eq!(
            Standing::to_change(3, standing(false, false, true)),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(
            Standing::to_change(3, standing(false, true, false)),
            Err(Refusal::NotFound(3))
        );
        assert_eq!(Standing::to_change(3, None), Err(Refusal::NotFound(3)));
        let closed = Standing {
            status: CLOSED,
            ..standing(true, false, false).unwrap()
        };
        assert!(!closed.is_live());
    }
}
