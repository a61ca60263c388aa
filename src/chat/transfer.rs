//! What a transfer decides (spec section 9), once for both backends: offering a session to
//! another agent ("request to send the session to another user; if the session does not
//! belong to the user, nothing happens"), accepting it ("assign the session to the user") and
//! rejecting it ("deny the transfer"; if none is pending, nothing happens).
//!
//! - **Offer**: only the session's agent, while it is in progress (for anyone else nothing
//!   happens, whoever they name); the one offered must be a user agent (not deleted) who may
//!   respond in the session's topic, and not the caller. The
//!   session stays the caller's until it is accepted, and a pending transfer keeps it off
//!   every pickup. Offering again replaces the offer.
//! - **Accept**: only the agent offered, while it is in progress: the session becomes theirs
//!   with their first free Rank, the transfer cleared - one transaction, under the same
//!   capacity check as a pickup ([`super::capacity`]).
//! - **Reject**: the agent offered declines, or the session's agent withdraws the offer; the
//!   session stays where it was.
//!
//! "Nothing happens" answers the session as it is. A session the caller does not see (where
//! a read of that one session would not show it, whatever its status) is not found, so ids
//! of other topics tell nothing.
//!
//! The backends read what is [`Found`] under their write lock (PostgreSQL: the caller's row,
//! then the session's), ask [`judge`] and write the [`Effect`] (the SQL is
//! `crate::store::sql::moves`'s).

use super::capacity::Load;
use super::effect::Effect;
use super::{Refusal, Verdict};
use crate::entity::status::{CUSTOMER_LAST, USER_LAST};

/// Which move of a transfer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Offer the session to this associate: a login name, or an id.
    Offer(String),
    Accept,
    Reject,
}

impl Step {
    /// The associate an offer names as an id, where it is all digits (a login name may be
    /// too: the backend prefers the associate of that id).
    pub fn target_id(&self) -> Option<i64> {
        match self {
            Step::Offer(target) => Some(target.trim())
                .filter(|id| !id.is_empty() && id.bytes().all(|byte| byte.is_ascii_digit()))
                .and_then(|id| id.parse().ok()),
            _ => None,
        }
    }

    /// The associate an offer names, as sent.
    pub fn target_name(&self) -> &str {
        match self {
            Step::Offer(target) => target.trim(),
            _ => "",
        }
    }
}

/// What the backend read of the session, for the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    /// The caller is the session's agent.
    pub holds: bool,
    /// The session is offered to the caller.
    pub offered: bool,
    /// The caller has any right in the session's topic.
    pub sees: bool,
    pub status: i64,
    /// Some transfer is pending.
    pub pending: bool,
    /// The associate an offer names may respond in the session's topic.
    pub target_responds: bool,
}

/// What the backend read for a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    /// The session, for the caller; `None`: no such session.
    pub session: Option<Facts>,
    /// The associate an offer names, if there is one.
    pub target: Option<i64>,
    /// The caller's capacity, which a backend reads under the caller's lock for an
    /// acceptance (`None` for the other steps).
    pub load: Option<Load>,
}

/// The verdict on `step` of session `session_id` for agent `caller`: an effect, nothing
/// ("nothing happens") or a refusal.
pub fn judge(step: &Step, session_id: i64, caller: i64, found: Found) -> Verdict<Effect> {
    let Some(facts) = found
        .session
        .filter(|facts| facts.holds || facts.offered || facts.sees)
    else {
        return Verdict::Refused(Refusal::NotFound(session_id));
    };
    let in_progress = matches!(facts.status, CUSTOMER_LAST | USER_LAST);
    let outcome = match step {
        Step::Offer(_) if facts.holds && in_progress => offer(step, caller, &facts, found.target),
        Step::Accept if facts.offered && in_progress => accept(found.load),
        Step::Reject if facts.pending && (facts.offered || facts.holds) => Ok(Effect::Reject),
        Step::Offer(_) | Step::Accept | Step::Reject => return Verdict::Nothing,
    };
    match outcome {
        Ok(effect) => Verdict::Make(effect),
        Err(refusal) => Verdict::Refused(refusal),
    }
}

/// An offer by the session's agent, to `target`.
fn offer(step: &Step, caller: i64, facts: &Facts, target: Option<i64>) -> Result<Effect, Refusal> {
    let named = || step.target_name().to_string();
    let target = target.ok_or_else(|| Refusal::UnknownAssociate(named()))?;
    if target == caller {
        return Err(Refusal::ToSelf);
    }
    if !facts.target_responds {
        return Err(Refusal::CannotRespond(named()));
    }
    Ok(Effect::Offer(target))
}

/// An acceptance by the agent offered, within their capacity.
fn accept(load: Option<Load>) -> Result<Effect, Refusal> {
    if let Some(load) = load {
        load.check().map_err(Refusal::AtCapacity)?;
    }
    Ok(Effect::Accept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::capacity::Full;

    const ME: i64 = 7;
    const OTHER: i64 = 9;

    fn held() -> Facts {
        Facts {
            holds: true,
            offered: false,
            sees: true,
            status: USER_LAST,
            pending: false,
            target_responds: true,
        }
    }

    fn offered() -> Facts {
        Facts {
            holds: false,
            offered: true,
            sees: false,
            pending: true,
            ..held()
        }
    }

    fn free() -> Option<Load> {
        Some(Load {
            limit: None,
            held: 0,
        })
    }

    fn found(facts: Facts, target: Option<i64>, load: Option<Load>) -> Found {
        Found {
            session: Some(facts),
            target,
            load,
        }
    }

    fn offer(facts: Facts, target: Option<i64>) -> Verdict<Effect> {
        judge(&Step::Offer("x".into()), 5, ME, found(facts, target, None))
    }

    #[test]
    fn the_agent_offers_an_own_session_in_progress_to_someone_who_may_respond() {
        assert_eq!(
            offer(held(), Some(OTHER)),
            Verdict::Make(Effect::Offer(OTHER))
        );
        let not_mine = Facts {
            holds: false,
            ..held()
        };
        assert_eq!(
            offer(not_mine, Some(OTHER)),
            Verdict::Nothing,
            "nothing happens"
        );
        assert_eq!(offer(not_mine, None), Verdict::Nothing, "whoever is named");
        let ended = Facts {
            status: 7,
            ..held()
        };
        assert_eq!(offer(ended, Some(OTHER)), Verdict::Nothing);
        assert_eq!(
            offer(held(), None),
            Verdict::Refused(Refusal::UnknownAssociate("x".into()))
        );
        assert_eq!(offer(held(), Some(ME)), Verdict::Refused(Refusal::ToSelf));
        let outsider = Facts {
            target_responds: false,
            ..held()
        };
        assert_eq!(
            offer(outsider, Some(OTHER)),
            Verdict::Refused(Refusal::CannotRespond("x".into()))
        );
    }

    #[test]
    fn only_the_agent_offered_accepts_and_only_below_capacity() {
        let accept = |facts, load| judge(&Step::Accept, 5, ME, found(facts, None, load));
        assert_eq!(accept(offered(), free()), Verdict::Make(Effect::Accept));
        assert_eq!(
            accept(held(), free()),
            Verdict::Nothing,
            "not being transferred"
        );
        let full = Some(Load {
            limit: Some(2),
            held: 2,
        });
        assert_eq!(
            accept(offered(), full),
            Verdict::Refused(Refusal::AtCapacity(Full { limit: 2, held: 2 }))
        );
    }

    #[test]
    fn the_agent_offered_rejects_and_the_holder_withdraws() {
        let reject = |facts| judge(&Step::Reject, 5, ME, found(facts, None, None));
        assert_eq!(reject(offered()), Verdict::Make(Effect::Reject));
        let withdrawn = Facts {
            pending: true,
            ..held()
        };
        assert_eq!(reject(withdrawn), Verdict::Make(Effect::Reject));
        assert_eq!(reject(held()), Verdict::Nothing, "nothing pending");
    }

    #[test]
    fn a_session_out_of_sight_is_not_found_whatever_the_step() {
        let unseen = Facts {
            holds: false,
            sees: false,
            ..held()
        };
        for step in [Step::Offer("x".into()), Step::Accept, Step::Reject] {
            let not_found = Verdict::Refused(Refusal::NotFound(5));
            let unseen = found(unseen, Some(OTHER), free());
            assert_eq!(judge(&step, 5, ME, unseen), not_found);
            let missing = Found {
                session: None,
                ..unseen
            };
            assert_eq!(judge(&step, 5, ME, missing), not_found);
        }
    }

    #[test]
    fn an_offer_names_an_id_where_it_is_all_digits() {
        assert_eq!(Step::Offer(" 12 ".into()).target_id(), Some(12));
        assert_eq!(Step::Offer("tje0".into()).target_id(), None);
        assert_eq!(Step::Offer("+12".into()).target_id(), None, "digits only");
        assert_eq!(Step::Offer("-5".into()).target_id(), None);
        assert_eq!(Step::Offer(" tje0 ".into()).target_name(), "tje0");
    }
}
