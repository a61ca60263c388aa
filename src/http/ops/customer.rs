//! The customer's side (ours: SuperOffice publishes no customer API), under
//! `/api/v1/Customer/`:
//! - `POST /api/v1/Customer/ChatTopic/{topicId}/Sessions` (no credentials; body: the
//!   customer's details and `Message`, their first words): a session waiting in the topic's
//!   queue; answers `201` with the customer's view and the SessionKey, the only time it is
//!   shown;
//! - `GET /api/v1/Customer/ChatSession/{id}` (`Authorization: SessionKey <key>`): the view -
//!   status, place in the queue, the wait still ahead, the agent's name once one answers.

use super::{Audience, Call, Content, Done, Operation, Run, answered};
use crate::chat::Refusal;
use crate::chat::create::{Draft, Visitor};
use crate::chat::customer::{Asking, CustomerMove, Fetch, Words, wait_ahead};
use crate::entity::{CHAT_MESSAGE, CUSTOMER_SESSION, Object, Value};
use crate::http::error::ApiError;
use crate::store::bells::{self, Scope};
use crate::time::Timestamp;

pub const START: Operation = Operation::change("customer-start", Run::Start(start))
    .answering(&CUSTOMER_SESSION)
    .called_by(Audience::Anyone);

pub const VIEW: Operation = Operation::read("customer-session", Run::Session(view))
    .answering(&CUSTOMER_SESSION)
    .called_by(Audience::Customer);

pub const MESSAGES: Operation = Operation::read("customer-messages", Run::After(messages))
    .answering(&CHAT_MESSAGE)
    .called_by(Audience::Customer)
    .waiting();

pub const SAY: Operation = Operation::change("customer-message", Run::Say(say))
    .answering(&CHAT_MESSAGE)
    .called_by(Audience::Customer);

pub const END: Operation = Operation::change("customer-end", Run::Session(end))
    .answering(&CUSTOMER_SESSION)
    .called_by(Audience::Customer);

fn start(call: &Call, topic: i64, draft: &Draft) -> Done {
    call.limiter.start(call.source, &scope(call), topic)?;
    let visitor = Visitor {
        host: call
            .source
            .map(|address| address.to_string())
            .unwrap_or_default(),
        now: call.now,
        language: call.language,
        idle: call.customer_idle,
        max_queue: call.max_queue,
        context: call.request_id.to_string(),
    };
    let change = call.store.start(&visitor, topic, draft)?;
    let mut answer = answered::created(call, topic, change)?;
    if let Content::One(Some(view)) = &answer.content
        && let Some(Value::Int(id)) = view.get("ChatSessionId")
    {
        let prefix = call
            .tenant
            .map(|tenant| format!("/{tenant}"))
            .unwrap_or_default();
        answer.created = Some(format!("{prefix}/api/v1/Customer/ChatSession/{id}"));
    }
    if let Content::One(Some(session)) = &mut answer.content {
        estimate(session, call.now);
    }
    Ok(answer)
}

fn view(call: &Call, session: i64) -> Done {
    let mut found = call
        .store
        .customer_session(session)?
        .ok_or(ApiError::Refused(Refusal::NotFound(session)))?;
    estimate(&mut found, call.now);
    Ok(super::Answer::of(Content::One(Some(found))))
}

/// Where the call's ids are unique: its tenant.
fn scope(call: &Call) -> Scope {
    bells::scope(call.tenant)
}

/// The view's EstimatedWaitSeconds: the topic's average wait less what was waited already.
fn estimate(view: &mut Object, now: Timestamp) {
    let average = match view.get("EstimatedWaitSeconds") {
        Some(Value::Int(average)) => Some(*average),
        _ => None,
    };
    let waited = match view.get("WhenRequested") {
        Some(Value::Date(Some(requested))) => now.millis_since(*requested) / 1000,
        _ => 0,
    };
    let ahead = wait_ahead(average, waited).map_or(Value::Null, Value::Int);
    view.set("EstimatedWaitSeconds", ahead);
}

fn messages(call: &Call, session: i64, after: i64) -> Done {
    let fetch = Fetch::at(call.now, call.customer_idle);
    let page = call.store.customer_messages(session, after, fetch)?;
    let mut answer = super::Answer::of(Content::List(page.messages));
    answer.standing = page.standing;
    Ok(answer)
}

/// The customer of `call` making a move.
fn asking<'a>(call: &Call<'a>) -> Asking<'a> {
    Asking {
        now: call.now,
        key: call.key,
        context: call.request_id,
    }
}

fn say(call: &Call, session: i64, words: &Words) -> Done {
    call.limiter.message(&scope(call), session)?;
    let asked = CustomerMove::Post(words.clone());
    let change = call.store.customer_change(session, asking(call), &asked)?;
    answered::change(call, (session, None), "the customer wrote", change)
}

fn end(call: &Call, session: i64) -> Done {
    let change = call
        .store
        .customer_change(session, asking(call), &CustomerMove::End)?;
    let mut answer = answered::change(call, (session, None), "the customer left", change)?;
    if let Content::One(Some(view)) = &mut answer.content {
        estimate(view, call.now);
    }
    Ok(answer)
}
