//! `POST /api/v1/ChatSession/{id}/Reset` and `POST /api/v1/Agents/Chat/ResetChatSession`
//! (body `{"ChatSessionId": n}`): "put it back on the queue for pickup; used by bots to hand
//! off a session to a human" - for the session's agent or a manager of its topic
//! ([`crate::store::reset`] decides).

use super::{Answer, Call, Content, OpError, Operation};
use crate::entity::{CHAT_SESSION_ENTITY, Shape};
use crate::idempotency::KeyError;
use crate::store::Change;
use crate::store::reset::Refusal;

pub struct Reset;

impl Operation for Reset {
    fn name(&self) -> &'static str {
        "reset"
    }

    fn entity(&self) -> &'static Shape {
        &CHAT_SESSION_ENTITY
    }

    fn changes(&self) -> bool {
        true
    }

    fn names_a_session(&self) -> bool {
        true
    }

    fn run(&self, call: &Call) -> Result<Answer, OpError> {
        let id = call.session_id()?;
        let change = call
            .store
            .reset(&call.principal.agent, id, call.now, call.key.as_ref())?;
        tracing::info!(
            request_id = call.request_id,
            tenant = call.tenant.map_or("", |tenant| tenant.as_str()),
            user = call.principal.agent.name.as_str(),
            key = call.key.as_ref().map_or("", |keyed| keyed.key.as_str()),
            session_id = id,
            outcome = outcome(&change),
            "reset"
        );
        let (session, replayed) = match change {
            Change::Made(session) => (Some(session), false),
            Change::Replayed(session) => (session, true),
            Change::KeyUsedFor(operation) => {
                return Err(OpError::Key(KeyError::UsedFor(operation)));
            }
            Change::Refused(Refusal::NotFound) => return Err(OpError::NoSuchSession(id)),
            Change::Refused(Refusal::NotAllowed) => return Err(OpError::NotYours),
            Change::Refused(Refusal::Ended) => return Err(OpError::Ended(id)),
        };
        Ok(Answer {
            content: Content::One(session),
            replayed,
        })
    }
}

fn outcome(change: &Change) -> &'static str {
    match change {
        Change::Made(_) => "back in the queue",
        Change::Replayed(_) => "replayed",
        Change::KeyUsedFor(_) => "key used for another operation",
        Change::Refused(Refusal::NotFound) => "not found",
        Change::Refused(Refusal::NotAllowed) => "not allowed",
        Change::Refused(Refusal::Ended) => "ended",
    }
}
