//! `GET /api/v1/ChatSession/{id}` and `GET /api/v1/Agents/Chat/GetChatSessionEntity?chatSessionEntityId=n`:
//! one session, whatever its status, for a caller who sees it where the list would show it
//! ([`crate::store::sql::sessions::ONE`]); any other id is "not found", so that ids of other
//! topics' sessions tell nothing.

use super::{Answer, Call, Content, Done, Operation, Run};
use crate::chat::Refusal;
use crate::http::error::ApiError;

pub const GET_SESSION: Operation = Operation::read("session", Run::Session(get_session));

fn get_session(call: &Call, id: i64) -> Done {
    let session = call
        .store
        .agent_session(&call.principal()?.agent, id)?
        .ok_or(ApiError::Refused(Refusal::NotFound(id)))?;
    Ok(Answer::of(Content::One(Some(session))))
}
