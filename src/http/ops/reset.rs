//! `POST /api/v1/ChatSession/{id}/Reset` and `POST /api/v1/Agents/Chat/ResetChatSession`
//! (body `{"ChatSessionId": n}`): "put it back on the queue for pickup; used by bots to hand
//! off a session to a human" - for the session's agent or a manager of its topic
//! ([`crate::store::reset`] decides).

use super::{Answer, Call, OpError, Operation, changed};
use crate::entity::{CHAT_SESSION_ENTITY, Shape};

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
        let change = call.store.reset(
            &call.principal.agent,
            call.session_id()?,
            call.now,
            call.key.as_ref(),
        )?;
        changed::answer(call, change, "reset", "back in the queue")
    }
}
