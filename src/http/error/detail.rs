//! What the caller reads of each problem: what went wrong and what to do about it.

use super::ApiError;
use super::RouteError;
use crate::auth::session_key::KeyRefused;
use crate::auth::{AuthError, Scheme, SignInOff};
use crate::chat::Refusal;
use crate::http::body::MAX_BODY;
use crate::http::body::{BodyError, FieldError};
use crate::http::in_flight::KeyError;
use crate::http::limits::{Exceeded, Limit};
use crate::http::negotiate::{NegotiationError, PRODUCIBLE};
use crate::locale::HeaderError;
use crate::store::StoreError;

impl ApiError {
    /// What the caller reads: what went wrong and what to do about it.
    pub(super) fn detail(&self) -> String {
        match self {
            ApiError::Route(RouteError::NotFound) => {
                "No such resource. The agents' routes are under /api/v1/ChatSession/, \
                 /api/v1/ChatTopic/ and /api/v1/Agents/Chat/, a page's sign-in under \
                 /api/v1/Auth/, the customers' under /api/v1/Customer/, each optionally \
                 after /{tenant}; /api/v1/openapi.yaml lists them all."
                    .into()
            }
            ApiError::Route(RouteError::MethodNotAllowed(allowed)) => {
                format!("This resource only answers {allowed}.")
            }
            ApiError::Auth(AuthError::Missing) => {
                "Authentication required: send an Authorization header with one of the schemes WWW-Authenticate lists.".into()
            }
            ApiError::Auth(AuthError::Malformed(why)) => format!("Malformed Authorization header: {why}."),
            ApiError::Auth(AuthError::UnsupportedScheme(accepted)) => unsupported_scheme(accepted),
            ApiError::Negotiation(NegotiationError::Malformed(what)) => {
                format!("Malformed Accept header: {what}. Send a list of media ranges such as application/json.")
            }
            ApiError::Negotiation(NegotiationError::NotAcceptable) => format!(
                "None of the media types in Accept can be produced. Available: {}.",
                PRODUCIBLE.map(|(media, _)| media).join(", ")
            ),
            ApiError::Select(error, shape) => {
                let some: Vec<&str> = shape.property_names().take(3).collect();
                format!(
                    "Bad $select: {error}. List top-level properties of {}, separated by commas, such as $select={}.",
                    shape.name,
                    some.join(",")
                )
            }
            ApiError::Locale(HeaderError { header, problem }) => format!("Bad {header} header: {problem}."),
            ApiError::Key(KeyError::Malformed(why)) => format!(
                "Bad Idempotency-Key header: {why}. Send one key of 1-255 printable ASCII characters, such as \"8e03978e-40d5-43e8-bc93-6894a57f9324\", new for each change and the same on its retries."
            ),
            ApiError::Key(KeyError::InFlight) => {
                "A request with this Idempotency-Key is still being answered; retry once it is, and you will get its outcome.".into()
            }
            ApiError::SessionId(error) => {
                let why = match error {
                    FieldError::Missing => "none is named",
                    FieldError::Malformed(why) => why,
                };
                format!(
                    "Name the session to act on ({why}): its id in the path, as in /api/v1/ChatSession/5/Pickup, or ChatSessionId in the body, as {{\"ChatSessionId\": 5}}, <ChatSessionId>5</ChatSessionId> or ChatSessionId=5."
                )
            }
            ApiError::Associate(error) => {
                let why = match error {
                    FieldError::Missing => "none is named",
                    FieldError::Malformed(why) => why,
                };
                format!(
                    "Name the user agent to transfer the session to ({why}): a login name or associate id in the path, as in /api/v1/ChatSession/5/TransferTo/tje0, or ToAssociate in the body, as {{\"ChatSessionId\": 5, \"ToAssociate\": \"tje0\"}}."
                )
            }
            ApiError::Body(BodyError(what)) => format!("Bad request: {what}."),
            ApiError::SignInMedia => {
                "Send the name and password as JSON (Content-Type: application/json), as {\"Username\": \"tje0\", \"Password\": \"...\"}; a form (username=...&password=...) is taken only from this service's own pages.".into()
            }
            ApiError::SessionKey(KeyRefused::Missing) => {
                "Send the session's key, as the answer that started the chat gave it: Authorization: SessionKey <key>.".into()
            }
            ApiError::SessionKey(KeyRefused::Wrong) => {
                "The session key is not valid: this session's customer holds the key its start answered with.".into()
            }
            ApiError::Refused(refusal) => refused(refusal),
            ApiError::Limited(exceeded) => limited(exceeded),
            ApiError::ForeignOrigin(origin) => format!(
                "Pages from {origin:?} may not call this API. Its administrator can allow an origin in CHAT_PICKUP_CORS_ORIGINS."
            ),
            ApiError::ForeignPage(origin) => format!(
                "Pages from {origin:?} may not start or hold chats in this topic. Its administrator can allow the origin with `chat-pickup admin set-topic-origins`."
            ),
            ApiError::BodyTooLarge => format!(
                "The request body is too large: at most {} bytes are read, room for a whole ChatSessionEntity or the longest message.",
                MAX_BODY
            ),
            ApiError::Auth(AuthError::Rejected) => {
                "The credentials are not valid: wrong, expired or revoked, or the user does not exist.".into()
            }
            ApiError::Auth(AuthError::AppTokenRequired) => {
                "This installation only serves registered partner apps: send SO-AppToken.".into()
            }
            ApiError::Auth(AuthError::NotAnAgent) => {
                "Only internal associates (user agents) may pick up chat sessions.".into()
            }
            ApiError::Auth(AuthError::SignInOff(off)) => sign_in_off(off),
            ApiError::Auth(AuthError::Throttled(throttled)) => format!(
                "Too many failed sign-ins; the credentials were not checked. Wait {} s (Retry-After) before trying again.",
                throttled.seconds()
            ),
            ApiError::Store(StoreError::UnknownTenant(tenant)) => format!("There is no tenant named {tenant}."),
            ApiError::Store(StoreError::Busy(_)) => "The chat queue is busy; retry shortly.".into(),
            ApiError::Store(StoreError::OutcomeUnknown(_)) => {
                "The connection to the chat queue's database was lost while the pickup was being committed: it may have been made. Retry with the same Idempotency-Key to get its outcome; without one, check whether a session was assigned to you (GET /api/v1/ChatSession/ForCurrentUser lists yours first) before picking up again.".into()
            }
            ApiError::Store(StoreError::Unreachable(_)) => {
                "The chat queue's database cannot be reached or cannot take changes just now; nothing was changed. Retry in a few seconds.".into()
            }
            ApiError::Store(StoreError::Full(_)) => {
                "The chat queue's storage is full; nothing was changed. Retry later; if it persists, contact the administrator.".into()
            }
            ApiError::Store(StoreError::Unavailable(_)) => {
                "The chat queue's database is unavailable; retry later or contact the administrator.".into()
            }
            ApiError::Store(StoreError::Internal(_)) | ApiError::Internal(_) => {
                "An internal error occurred; it has been logged under this request's id.".into()
            }
        }
    }
}

/// What a customer past a rate is told.
fn limited(exceeded: &Exceeded) -> String {
    let wait = exceeded.seconds();
    match exceeded.limit {
        Limit::StartsPerSource => format!(
            "Too many chats were started from your address; nothing was started. Wait {wait} s (Retry-After) before starting another."
        ),
        Limit::StartsPerTopic => format!(
            "Too many chats are being started in this topic just now; nothing was started. Wait {wait} s (Retry-After) and try again, or leave a message."
        ),
        Limit::MessagesPerSession => format!(
            "Messages are coming faster than this chat takes them; this one was not posted. Wait {wait} s (Retry-After) and send it again."
        ),
    }
}

/// What a refusal tells its caller.
fn refused(refusal: &Refusal) -> String {
    match refusal {
        Refusal::AtCapacity(full) => format!(
            "You hold {} chat sessions, and may hold at most {}: finish or transfer one before taking another. The queue is not empty on that account.",
            full.held, full.limit
        ),
        Refusal::UnknownAssociate(name) => format!(
            "There is no user agent {name:?} here: name one by login name or associate id."
        ),
        Refusal::ToSelf => {
            "The session is yours already: name another user agent to transfer it to.".into()
        }
        Refusal::CannotRespond(name) => format!(
            "{name:?} may not respond in this session's topic; an administrator can make them a member who may."
        ),
        Refusal::NotFound(id) => format!(
            "No session {id} that you can see: there is none, or it is in a topic where you have no rights."
        ),
        Refusal::NotAllowed => {
            "Only the session's agent or a manager of its topic may do this.".into()
        }
        Refusal::Ended(id) => format!(
            "Session {id} is over (finished, closed or deleted): it cannot go back to the queue or take messages."
        ),
        Refusal::NotYourTopic => {
            "This is a topic where you may not respond; an administrator can make you a member who may.".into()
        }
        Refusal::NotStarted(id) => format!(
            "Session {id} still waits in the queue: pick it up before writing to it."
        ),
        Refusal::TopicNotFound(id) => format!(
            "No chat topic {id} that you can see: there is none, or you have no rights in it."
        ),
        Refusal::NoSuchTopic(id) => format!("There is no chat topic {id}."),
        Refusal::TestFailed(property) => format!(
            "The patch's test of {property} failed: the session has changed since you read it. Read it again and retry."
        ),
        Refusal::QueueFull(waiting) => format!(
            "{waiting} customers are waiting in this topic's queue, as many as it takes: leave a message, or try again in a while."
        ),
        Refusal::KeyUsedOn(session) => format!(
            "This Idempotency-Key was used for a change to session {session}; send a new key for this request."
        ),
        Refusal::KeyUsedFor(operation) => format!(
            "This Idempotency-Key was used for another operation ({operation}); send a new key for this request."
        ),
    }
}

/// The 403 text where pages cannot sign in: the settings to change.
fn sign_in_off(off: &SignInOff) -> String {
    let mut missing: Vec<String> = off
        .schemes
        .iter()
        .map(|scheme| {
            let name = scheme.name().to_ascii_lowercase();
            format!("CHAT_PICKUP_AUTH_SCHEMES (--auth-schemes) leaves out {name}")
        })
        .collect();
    if off.no_xsrf_secret {
        missing.push(
            "CHAT_PICKUP_XSRF_SECRET (--xsrf-secret, at least 32 characters) is not set".into(),
        );
    }
    if off.app_token_required {
        missing.push(
            "CHAT_PICKUP_REQUIRE_APP_TOKEN asks every call for a partner app's token, which a page cannot keep".into(),
        );
    }
    format!(
        "Signing in from a page is off here: {}. Its administrator can change that; other clients send their credentials in the Authorization header.",
        missing.join("; ")
    )
}

/// The 401 text for a scheme that is off, naming the ones that are on.
fn unsupported_scheme(accepted: &[Scheme]) -> String {
    let names: Vec<&str> = accepted.iter().map(Scheme::name).collect();
    match names.as_slice() {
        [] => "No Authorization scheme is accepted here.".into(),
        [one] => format!("This Authorization scheme is not accepted here; use {one}."),
        several => format!(
            "This Authorization scheme is not accepted here; use one of {}.",
            several.join(", ")
        ),
    }
}
