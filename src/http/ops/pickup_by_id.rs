//! `POST /api/v1/ChatSession/{id}/Pickup` and `POST /api/v1/Agents/Chat/PickUpChatSession`
//! (body `{"ChatSessionId": n}`): the caller takes that one session if it waits for an agent,
//! in the same transaction as a pickup of the first ("Returns NULL if session was not in
//! queue"); a session in a topic where the caller may not respond is a 403.

use super::{Call, Done, Operation, Run, answered};
use crate::chat::queue::Which;

pub const PICKUP_BY_ID: Operation = Operation::change("pickup-by-id", Run::Session(pickup_by_id));

fn pickup_by_id(call: &Call, session: i64) -> Done {
    let claim = call.store.pickup(call.actor()?, Which::Session(session))?;
    answered::claim(call, Some(session), claim)
}
