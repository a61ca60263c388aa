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
//! "Nothing happens" answers the session as it is. A session the caller does not see (as
//! [`super::sessions::one`] decides) is not found, so ids of other topics tell nothing.
//!
//! The backends read the [`Facts`] under their write lock (PostgreSQL: the caller's row, then
//! the session's), ask [`judge`] and write the [`Effect`] with the SQL below.

use super::Refusal;
use super::capacity::Load;
use crate::entity::status::{CUSTOMER_LAST, USER_LAST};
use crate::store::sessions::ANY_RIGHT;

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
    /// too: [`target_query`] prefers the id).
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

/// The user agent an offer names: `id` (a placeholder for an id or NULL) or a login name,
/// which `name_matches` compares in the backend's case-insensitive way (each backend's
/// login lookup does the same); the id wins.
pub fn target_query(id: &str, name_matches: &str) -> String {
    format!(
        "SELECT associate_id FROM associate \
         WHERE NOT deleted AND type = 1 AND (associate_id = {id} OR {name_matches}) \
         ORDER BY coalesce(associate_id = {id}, false) DESC LIMIT 1"
    )
}

/// The [`Facts`] of session `session` for agent `agent` and the associate offered, `target`
/// (a placeholder that may be NULL), in their order; a backend may lock the row after it.
pub fn facts_query(session: &str, agent: &str, target: &str) -> String {
    format!(
        "SELECT coalesce(s.user_id = {agent}, false), coalesce(s.transfer_to = {agent}, false), \
           EXISTS (SELECT 1 FROM chat_topic_user m WHERE m.topic_id = s.topic_id \
                   AND m.user_id = {agent} AND {ANY_RIGHT}), \
           s.status, s.transfer_to IS NOT NULL, \
           EXISTS (SELECT 1 FROM chat_topic_user m WHERE m.topic_id = s.topic_id \
                   AND m.user_id = {target} AND m.can_respond) \
         FROM chat_session s WHERE s.id = {session}"
    )
}

/// The offer of session `session` to `target`.
pub fn offer_statement(session: &str, target: &str) -> String {
    format!("UPDATE chat_session SET transfer_to = {target} WHERE id = {session}")
}

/// The acceptance of session `session` by `agent`, at Rank `rank`.
pub fn accept_statement(session: &str, agent: &str, rank: &str) -> String {
    format!(
        "UPDATE chat_session SET user_id = {agent}, rank = {rank}, transfer_to = NULL \
         WHERE id = {session}"
    )
}

/// The end of session `session`'s pending transfer.
pub fn reject_statement(session: &str) -> String {
    format!("UPDATE chat_session SET transfer_to = NULL WHERE id = {session}")
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

/// What the backend writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Offer the session to this associate.
    Offer(i64),
    /// Give the session to the caller, at their first free Rank.
    Accept,
    /// Clear the pending transfer.
    Reject,
}

/// The verdict on `step` for the session `found` describes (`None`: no such session).
/// `target` is the associate an offer names, if there is one; `load` the caller's capacity,
/// which a backend reads under the caller's lock for every acceptance (`None` for the other
/// steps). `Ok(None)`: nothing happens.
pub fn judge(
    step: &Step,
    found: Option<Facts>,
    target: Option<i64>,
    caller: i64,
    load: Option<Load>,
) -> Result<Option<Effect>, Refusal> {
    let facts = found.ok_or(Refusal::NotFound)?;
    if !facts.holds && !facts.offered && !facts.sees {
        return Err(Refusal::NotFound);
    }
    let in_progress = matches!(facts.status, CUSTOMER_LAST | USER_LAST);
    match step {
        Step::Offer(_) if facts.holds && in_progress => {
            let target = target.ok_or(Refusal::UnknownAssociate)?;
            if target == caller {
                return Err(Refusal::ToSelf);
            }
            if !facts.target_responds {
                return Err(Refusal::CannotRespond);
            }
            Ok(Some(Effect::Offer(target)))
        }
        Step::Accept if facts.offered && in_progress => {
            if let Some(load) = load {
                load.check().map_err(Refusal::AtCapacity)?;
            }
            Ok(Some(Effect::Accept))
        }
        Step::Reject if facts.pending && (facts.offered || facts.holds) => Ok(Some(Effect::Reject)),
        Step::Offer(_) | Step::Accept | Step::Reject => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::capacity::Full;

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

    fn offer(facts: Facts, target: Option<i64>) -> Result<Option<Effect>, Refusal> {
        judge(&Step::Offer("x".into()), Some(facts), target, ME, None)
    }

    #[test]
    fn the_agent_offers_an_own_session_in_progress_to_someone_who_may_respond() {
        assert_eq!(offer(held(), Some(OTHER)), Ok(Some(Effect::Offer(OTHER))));
        let not_mine = Facts {
            holds: false,
            ..held()
        };
        assert_eq!(offer(not_mine, Some(OTHER)), Ok(None), "nothing happens");
        assert_eq!(offer(not_mine, None), Ok(None), "whoever is named");
        let ended = Facts {
            status: 7,
            ..held()
        };
        assert_eq!(offer(ended, Some(OTHER)), Ok(None));
        assert_eq!(offer(held(), None), Err(Refusal::UnknownAssociate));
        assert_eq!(offer(held(), Some(ME)), Err(Refusal::ToSelf));
        let outsider = Facts {
            target_responds: false,
            ..held()
        };
        assert_eq!(offer(outsider, Some(OTHER)), Err(Refusal::CannotRespond));
    }

    #[test]
    fn only_the_agent_offered_accepts_and_only_below_capacity() {
        let accept = |facts, load: Option<Load>| judge(&Step::Accept, Some(facts), None, ME, load);
        assert_eq!(accept(offered(), free()), Ok(Some(Effect::Accept)));
        assert_eq!(accept(held(), free()), Ok(None), "not being transferred");
        let full = Some(Load {
            limit: Some(2),
            held: 2,
        });
        assert_eq!(
            accept(offered(), full),
            Err(Refusal::AtCapacity(Full { limit: 2, held: 2 }))
        );
    }

    #[test]
    fn the_agent_offered_rejects_and_the_holder_withdraws() {
        let reject = |facts| judge(&Step::Reject, Some(facts), None, ME, None);
        assert_eq!(reject(offered()), Ok(Some(Effect::Reject)));
        let withdrawn = Facts {
            pending: true,
            ..held()
        };
        assert_eq!(reject(withdrawn), Ok(Some(Effect::Reject)));
        assert_eq!(reject(held()), Ok(None), "nothing pending");
    }

    #[test]
    fn a_session_out_of_sight_is_not_found_whatever_the_step() {
        let unseen = Facts {
            holds: false,
            sees: false,
            ..held()
        };
        for step in [Step::Offer("x".into()), Step::Accept, Step::Reject] {
            assert_eq!(
                judge(&step, Some(unseen), Some(OTHER), ME, free()),
                Err(Refusal::NotFound)
            );
            assert_eq!(
                judge(&step, None, Some(OTHER), ME, free()),
                Err(Refusal::NotFound)
            );
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
