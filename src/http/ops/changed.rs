//! What a change to one named session (a reset, a transfer's step) comes to for its caller -
//! the answer, and the line every such change leaves in the log.

use super::{Answer, Call, Content, OpError};
use crate::idempotency::KeyError;
use crate::store::{Change, Refusal};

/// The answer to `change`, after logging it as `operation`; `made` names what a change made
/// now did.
pub fn answer(
    call: &Call,
    change: Change,
    operation: &'static str,
    made: &'static str,
) -> Result<Answer, OpError> {
    let id = call.session_id()?;
    tracing::info!(
        request_id = call.request_id,
        tenant = call.tenant.map_or("", |tenant| tenant.as_str()),
        user = call.principal.agent.name.as_str(),
        key = call.key.as_ref().map_or("", |keyed| keyed.key.as_str()),
        session_id = id,
        associate = call.associate.as_deref().unwrap_or(""),
        outcome = outcome(&change, made),
        "{operation}"
    );
    let (session, replayed) = match change {
        Change::Made(session) | Change::Unchanged(session) => (Some(session), false),
        Change::Replayed(session) => (session, true),
        Change::KeyUsedFor(operation) => {
            return Err(OpError::Key(KeyError::UsedFor(operation)));
        }
        Change::Refused(refusal) => {
            return Err(OpError::refused(refusal, id, call.associate.as_deref()));
        }
    };
    Ok(Answer {
        content: Content::One(session),
        replayed,
    })
}

fn outcome(change: &Change, made: &'static str) -> &'static str {
    match change {
        Change::Made(_) => made,
        Change::Unchanged(_) => "nothing to do",
        Change::Replayed(_) => "replayed",
        Change::KeyUsedFor(_) => "key used for another operation",
        Change::Refused(Refusal::NotFound) => "not found",
        Change::Refused(Refusal::NotAllowed) => "not allowed",
        Change::Refused(Refusal::Ended) => "ended",
        Change::Refused(Refusal::AtCapacity(_)) => "at capacity",
        Change::Refused(Refusal::UnknownAssociate) => "no such associate",
        Change::Refused(Refusal::ToSelf) => "to oneself",
        Change::Refused(Refusal::CannotRespond) => "associate may not respond in the topic",
    }
}
