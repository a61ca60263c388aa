//! `POST /api/v1/ChatSession/Pickup` and `POST /api/v1/Agents/Chat/PickUpFirstChatSession`:
//! the caller takes the first available session of the queue (spec section 2); the store
//! assigns it and posts the welcome message in one transaction.

use super::{Call, Done, Operation, Run, answered};
use crate::chat::queue::Which;
use crate::entity::CHAT_SESSION_ENTITY;

pub const PICKUP_FIRST: Operation = Operation {
    name: "pickup-first",
    entity: &CHAT_SESSION_ENTITY,
    changes: true,
    run: Run::Caller(pickup_first),
};

fn pickup_first(call: &Call) -> Done {
    let claim = call.store.pickup(
        &call.principal.agent,
        Which::First,
        call.now,
        call.key.as_ref(),
    )?;
    answered::claim(call, None, claim)
}
