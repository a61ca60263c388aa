//! `POST /api/v1/ChatSession/{id}/Pickup` and `POST /api/v1/Agents/Chat/PickUpChatSession`
//! (body `{"ChatSessionId": n}`): the caller takes that one session if it waits for an agent,
//! in the same transaction as a pickup of the first ("Returns NULL if session was not in
//! queue"); a session in a topic where the caller may not respond is a 403.

use super::{Call, OpError, Operation, claimed};
use crate::entity::{CHAT_SESSION_ENTITY, Shape};
use crate::http::ops::Answer;

pub struct PickupById;

impl Operation for PickupById {
    fn name(&self) -> &'static str {
        "pickup-by-id"
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
        let session = call.session_id()?;
        let claim = call.store.pickup_session(
            &call.principal.agent,
            session,
            call.now,
            call.key.as_ref(),
        )?;
        claimed::answer(call, claim)
    }
}
