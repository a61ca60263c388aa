//! New sessions, each on its REST route and its RPC twin:
//! - `POST /api/v1/ChatTopic/{id}/Sessions` and `POST
//!   /api/v1/Agents/Chat/CreateChatSessionForTopic` (`{"ChatTopicId": n}`): a session waiting
//!   in the topic's queue, its SessionKey shown once, in this answer
//!   ([`crate::chat::create`] decides);
//! - `GET /api/v1/ChatSession/default` and `POST
//!   /api/v1/Agents/Chat/CreateDefaultChatSessionEntity`: the entity a new session starts
//!   from, not saved;
//! - `POST /api/v1/ChatSession` and `POST /api/v1/Agents/Chat/SaveChatSessionEntity` (the
//!   entity): with ChatSessionId 0 a new session in its TopicId's queue, for the customer
//!   it names; with an existing id, the changes a `PUT` makes.

use super::{Answer, Call, Content, Done, Operation, Run, answered};
use crate::chat::Move;
use crate::chat::create::Draft;
use crate::entity::status::IN_QUEUE;
use crate::entity::{CHAT_SESSION_ENTITY, CHAT_SESSION_STATUS, Object, Value};
use crate::http::body::Saved;

pub const FOR_TOPIC: Operation = Operation::change("create-session", Run::Topic(for_topic));

pub const DEFAULT: Operation = Operation::read("default-session", Run::Caller(default));

pub const SAVE: Operation = Operation::change("save-session", Run::Save(save));

fn for_topic(call: &Call, topic: i64) -> Done {
    create(call, topic, &Draft::anonymous())
}

fn create(call: &Call, topic: i64, draft: &Draft) -> Done {
    let change = call.store.create(call.actor()?, topic, draft)?;
    answered::created(call, topic, change)
}

fn save(call: &Call, saved: &Saved) -> Done {
    match saved {
        Saved::New { topic_id, draft } => create(call, *topic_id, draft),
        Saved::Existing { session_id, edits } => {
            let asked = Move::Edit(edits.clone());
            let change = call.store.change(call.actor()?, *session_id, &asked)?;
            answered::change(call, (*session_id, None), "changed", change)
        }
    }
}

/// The entity a new session starts from: empty, waiting in the queue.
fn default(_: &Call) -> Done {
    let mut session = Object::empty(&CHAT_SESSION_ENTITY);
    session.set("Status", Value::Enum(&CHAT_SESSION_STATUS, IN_QUEUE));
    Ok(Answer::of(Content::One(Some(session))))
}
