//! `POST /api/v1/ChatSession/{id}/Reset` and `POST /api/v1/Agents/Chat/ResetChatSession`
//! (body `{"ChatSessionId": n}`): "put it back on the queue for pickup; used by bots to hand
//! off a session to a human" - for the session's agent or a manager of its topic
//! ([`crate::chat::reset`] decides).

use super::answered::{self, Changed};
use super::{Call, Done, Operation, Run};
use crate::entity::CHAT_SESSION_ENTITY;

pub const RESET: Operation = Operation {
    name: "reset",
    entity: &CHAT_SESSION_ENTITY,
    changes: true,
    run: Run::Session(reset),
};

fn reset(call: &Call, session: i64) -> Done {
    let change = call
        .store
        .reset(&call.principal.agent, session, call.now, call.key.as_ref())?;
    let changed = Changed {
        operation: RESET.name,
        made: "back in the queue",
        session,
        associate: None,
    };
    answered::change(call, changed, change)
}
