//! `POST /api/v1/ChatSession/{id}/Transcript?html=false|true` and `POST
//! /api/v1/Agents/Chat/GetChatTranscript` (`{"ChatSessionId": n, "Html": bool}`): the
//! conversation as one string, for anyone who sees the session - a line a message, times in
//! the caller's zone, as plain text or as HTML with every message's text escaped
//! (`crate::http::render`).

use super::{Answer, Call, Content, Done, Operation, Run};
use crate::chat::Refusal;
use crate::http::error::ApiError;

pub const TRANSCRIPT: Operation = Operation::read("transcript", Run::Transcript(transcript));

fn transcript(call: &Call, session: i64, html: bool) -> Done {
    let messages = call.store.messages(&call.principal()?.agent, session, 0)?;
    let messages = messages.ok_or(ApiError::Refused(Refusal::NotFound(session)))?;
    Ok(Answer::of(Content::Transcript { messages, html }))
}
