//! `GET /api/v1/ChatSession/ForCurrentUser` and `POST /api/v1/Agents/Chat/ChatSessionsForUser`:
//! the sessions the caller can see - waiting or in progress in their topics, their own first
//! (spec section 9; which and in what order is decided in [`crate::store::sql::sessions`]).
//! This is how a front end whose pickup answer was lost finds the session on its next
//! refresh.

use super::{Answer, Call, Content, Done, Operation, Run};

pub const FOR_CURRENT_USER: Operation =
    Operation::read("sessions-for-user", Run::Caller(for_current_user));

fn for_current_user(call: &Call) -> Done {
    let sessions = call.store.agent_sessions(&call.principal()?.agent)?;
    tracing::debug!(
        request_id = call.request_id,
        tenant = call.tenant.map_or("", |tenant| tenant.as_str()),
        user = call.principal()?.agent.name.as_str(),
        sessions = sessions.len(),
        "listed the agent's sessions"
    );
    Ok(Answer::of(Content::List(sessions)))
}
