//! A session's messages, each on its REST route and its RPC twin:
//! - `POST /api/v1/ChatSession/{id}/Messages` (body: a ChatMessage) and `POST
//!   /api/v1/Agents/Chat/AddChatMessage` (`{"ChatSessionId": n, "Message": {...}}`): the
//!   session's agent, or a manager of its topic, writes to the customer
//!   ([`crate::chat::post`] decides); answers the message as stored;
//! - `GET /api/v1/ChatSession/{id}/Messages?after=N` and `POST
//!   /api/v1/Agents/Chat/GetChatMessages` (`{"ChatSessionId": n, "After": N}`): the messages
//!   after message id N (all when none or 0), in id order, for anyone who sees the session.

use super::{Answer, Call, Content, Done, Operation, Run, answered};
use crate::chat::post::NewMessage;
use crate::chat::{Move, Refusal};
use crate::entity::CHAT_MESSAGE;
use crate::http::error::ApiError;

/// Posts an agent's message.
pub const ADD: Operation =
    Operation::change("add-message", Run::Post(add)).answering(&CHAT_MESSAGE);

/// Reads messages after one.
pub const READ: Operation = Operation::read("messages", Run::After(read)).answering(&CHAT_MESSAGE);

fn add(call: &Call, session: i64, message: &NewMessage) -> Done {
    let change = call
        .store
        .change(call.actor()?, session, &Move::Post(message.clone()))?;
    answered::change(call, (session, None), "posted a message", change)
}

fn read(call: &Call, session: i64, after: i64) -> Done {
    let messages = call
        .store
        .messages(&call.principal()?.agent, session, after)?;
    let messages = messages.ok_or(ApiError::Refused(Refusal::NotFound(session)))?;
    Ok(Answer::of(Content::List(messages)))
}
