//! `POST /api/v1/ChatSession/{id}/Reset` and `POST /api/v1/Agents/Chat/ResetChatSession`
//! (body `{"ChatSessionId": n}`): "put it back on the queue for pickup; used by bots to hand
//! off a session to a human" - for the session's agent or a manager of its topic
//! ([`crate::chat::reset`] decides).

use super::{Call, Done, Operation, Run, answered};
use crate::chat::Move;

pub const RESET: Operation = Operation::change("reset", Run::Session(reset));

fn reset(call: &Call, session: i64) -> Done {
    let change = call.store.change(call.actor()?, session, &Move::Reset)?;
    answered::change(call, (session, None), "back in the queue", change)
}
