//! `GET /api/v1/ChatSession/{id}` and `GET /api/v1/Agents/Chat/GetChatSessionEntity?chatSessionEntityId=n`:
//! one session, whatever its status, for a caller who sees it where the list would show it
//! ([`crate::store::sessions::one`]); any other id is "not found", so that ids of other
//! topics' sessions tell nothing.

use super::{Answer, Call, Content, OpError, Operation};
use crate::entity::{CHAT_SESSION_ENTITY, Shape};

pub struct GetSession;

impl Operation for GetSession {
    fn name(&self) -> &'static str {
        "session"
    }

    fn entity(&self) -> &'static Shape {
        &CHAT_SESSION_ENTITY
    }

    fn changes(&self) -> bool {
        false
    }

    fn names_a_session(&self) -> bool {
        true
    }

    fn run(&self, call: &Call) -> Result<Answer, OpError> {
        let id = call.session_id()?;
        let session = call
            .store
            .agent_session(&call.principal.agent, id)?
            .ok_or(OpError::NoSuchSession(id))?;
        Ok(Answer {
            content: Content::One(Some(session)),
            replayed: false,
        })
    }
}
