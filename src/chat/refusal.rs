//! Why a change (or a read of one session) is refused: one vocabulary for every operation,
//! which the HTTP layer maps to a status and a problem in one place
//! (`crate::http::error`). Each refusal carries what its caller needs to be told.

use super::capacity::Full;

/// Why the caller's request is refused. Nothing changed, and no `Idempotency-Key` was spent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No session of this id that the caller sees: as for a read, ids of other topics'
    /// sessions tell nothing.
    NotFound(i64),
    /// Seen, but neither the caller's nor in a topic the caller manages.
    NotAllowed,
    /// This session is over (finished, closed, deleted...): an ended chat does not go back
    /// to the queue.
    Ended(i64),
    /// The session asked for is in a topic where the caller may not respond.
    NotYourTopic,
    /// The caller holds as many sessions as they may.
    AtCapacity(Full),
    /// A transfer names no user agent of this tenant (the name or id as sent).
    UnknownAssociate(String),
    /// A transfer names the caller.
    ToSelf,
    /// A transfer names an agent (as sent) who may not respond in the session's topic.
    CannotRespond(String),
    /// The request's `Idempotency-Key` was used for this other operation.
    KeyUsedFor(String),
    /// The request's `Idempotency-Key` was used for a change to this other session.
    KeyUsedOn(i64),
    /// This session still waits in the queue: it is picked up before it takes messages.
    NotStarted(i64),
    /// No topic of this id that the caller sees.
    TopicNotFound(i64),
    /// No topic of this id at all (for a customer, who needs no rights).
    NoSuchTopic(i64),
    /// A JSON Patch `test` of this property failed: the session is not as the caller thought.
    TestFailed(&'static str),
    /// The topic's queue holds as many customers (this many) as it may take.
    QueueFull(i64),
}

impl Refusal {
    /// A few words for the log.
    pub fn reason(&self) -> &'static str {
        match self {
            Refusal::NotFound(_) => "not found",
            Refusal::NotAllowed => "not allowed",
            Refusal::Ended(_) => "ended",
            Refusal::NotYourTopic => "in a topic the agent may not respond in",
            Refusal::AtCapacity(_) => "at capacity",
            Refusal::UnknownAssociate(_) => "no such associate",
            Refusal::ToSelf => "to oneself",
            Refusal::CannotRespond(_) => "associate may not respond in the topic",
            Refusal::KeyUsedFor(_) => "key used for another operation",
            Refusal::KeyUsedOn(_) => "key used for another session",
            Refusal::NotStarted(_) => "not picked up yet",
            Refusal::TopicNotFound(_) | Refusal::NoSuchTopic(_) => "no such topic",
            Refusal::TestFailed(_) => "patch test failed",
            Refusal::QueueFull(_) => "queue full",
        }
    }
}
