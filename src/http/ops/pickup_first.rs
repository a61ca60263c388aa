//! `POST /api/v1/ChatSession/Pickup` and `POST /api/v1/Agents/Chat/PickUpFirstChatSession`:
//! the caller takes the first available session of the queue (spec section 2); the store
//! assigns it and posts the welcome message in one transaction.

use super::{Call, Done, Operation, Run, answered};
use crate::chat::queue::Which;

pub const PICKUP_FIRST: Operation = Operation::change("pickup-first", Run::Caller(pickup_first));

fn pickup_first(call: &Call) -> Done {
    let claim = call.store.pickup(call.actor()?, Which::First)?;
    answered::claim(call, None, claim)
}
