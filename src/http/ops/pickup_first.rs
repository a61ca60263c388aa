//! `POST /api/v1/ChatSession/Pickup` and `POST /api/v1/Agents/Chat/PickUpFirstChatSession`:
//! the caller takes the first available session of the queue (spec section 2); the store
//! assigns it and posts the welcome message in one transaction.

use super::{Answer, Call, OpError, Operation, claimed};
use crate::entity::{CHAT_SESSION_ENTITY, Shape};

pub struct PickupFirst;

impl Operation for PickupFirst {
    fn name(&self) -> &'static str {
        "pickup-first"
    }

    fn entity(&self) -> &'static Shape {
        &CHAT_SESSION_ENTITY
    }

    fn changes(&self) -> bool {
        true
    }

    fn run(&self, call: &Call) -> Result<Answer, OpError> {
        let claim = call
            .store
            .pickup(&call.principal.agent, call.now, call.key.as_ref())?;
        claimed::answer(call, claim)
    }
}
