//! Every way a request can fail, mapped to a status and a problem body in one place.
//!
//! Bodies are RFC 9457 problem details. What the caller reads says what went wrong and
//! what to do; internal details (SQL, paths) go only to the log, tagged with the request id
//! that the body carries as `instance`.

use http::header::{ALLOW, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{Response, StatusCode};
use lambda_http::Body;
use serde::Serialize;

use super::body::FieldError;
use super::negotiate::{Format, NegotiationError, PRODUCIBLE};
use super::ops::OpError;
use super::render::{self, printable};
use super::routes::{MAX_BODY, RouteError};
use super::select::SelectError;
use crate::auth::{AuthError, AuthFailure, Scheme};
use crate::idempotency::KeyError;
use crate::locale::HeaderError;
use crate::store::StoreError;
use crate::store::capacity::Full;

/// Seconds a caller should wait after a busy database.
const RETRY_AFTER_BUSY: &str = "1";
/// A database server restarting or failing over takes seconds.
const RETRY_AFTER_UNREACHABLE: &str = "5";
/// A full disk is freed by people or log rotation, not in a second.
const RETRY_AFTER_FULL: &str = "60";

/// The problem `type` of a 429: sign-ins held back after failures. A name, not a page.
pub const LOGIN_THROTTLED: &str = "urn:chat-pickup:problem:login-throttled";
/// The problem `type` of the 409 for an agent who holds as many sessions as they may: a
/// front end tells it from the other 409s (a key in flight, an ended session) by this.
pub const AT_CAPACITY: &str = "urn:chat-pickup:problem:at-capacity";

#[derive(Debug)]
pub enum ApiError {
    Route(RouteError),
    Auth(AuthError),
    Store(StoreError),
    Negotiation(NegotiationError),
    Select(SelectError),
    /// A language, culture or time-zone header that cannot be honoured.
    Locale(HeaderError),
    /// A body beyond [`MAX_BODY`] on a route that takes none.
    BodyTooLarge,
    /// A browser page from an origin that may not call this API; the text is its `Origin`.
    ForeignOrigin(String),
    /// An `Idempotency-Key` that cannot be honoured.
    Key(KeyError),
    /// A route that acts on one session, without a session id it can read.
    SessionId(FieldError),
    /// A transfer that names no associate it can read.
    Associate(FieldError),
    /// The session named is in a topic where the caller may not respond.
    NotYourTopic,
    /// No session of this id that the caller sees.
    NoSuchSession(i64),
    /// The session is neither the caller's nor in a topic the caller manages.
    NotYours,
    /// The session is over: it cannot go back to the queue.
    Ended(i64),
    /// The caller holds as many sessions as they may.
    AtCapacity(Full),
    /// A transfer to no user agent of this tenant; the text is the name or id sent.
    UnknownAssociate(String),
    /// A transfer to the caller.
    ToSelf,
    /// A transfer to an agent who may not respond in the session's topic (named).
    CannotRespond(String),
    /// A bug: a panic or a failed join of a blocking task.
    Internal(String),
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        ApiError::SessionId(error)
    }
}

impl From<KeyError> for ApiError {
    fn from(error: KeyError) -> Self {
        ApiError::Key(error)
    }
}

impl From<OpError> for ApiError {
    fn from(error: OpError) -> Self {
        match error {
            OpError::Store(error) => ApiError::Store(error),
            OpError::Key(error) => ApiError::Key(error),
            OpError::Forbidden => ApiError::NotYourTopic,
            OpError::NoSuchSession(id) => ApiError::NoSuchSession(id),
            OpError::NotYours => ApiError::NotYours,
            OpError::Ended(id) => ApiError::Ended(id),
            OpError::AtCapacity(full) => ApiError::AtCapacity(full),
            OpError::UnknownAssociate(name) => ApiError::UnknownAssociate(name),
            OpError::ToSelf => ApiError::ToSelf,
            OpError::CannotRespond(name) => ApiError::CannotRespond(name),
        }
    }
}

impl From<RouteError> for ApiError {
    fn from(error: RouteError) -> Self {
        ApiError::Route(error)
    }
}

impl From<AuthFailure> for ApiError {
    fn from(failure: AuthFailure) -> Self {
        match failure {
            AuthFailure::Refused(error) => ApiError::Auth(error),
            AuthFailure::Store(error) => ApiError::Store(error),
        }
    }
}

impl From<NegotiationError> for ApiError {
    fn from(error: NegotiationError) -> Self {
        ApiError::Negotiation(error)
    }
}

impl From<SelectError> for ApiError {
    fn from(error: SelectError) -> Self {
        ApiError::Select(error)
    }
}

impl From<HeaderError> for ApiError {
    fn from(error: HeaderError) -> Self {
        ApiError::Locale(error)
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        ApiError::Store(error)
    }
}

/// RFC 9457 problem details; in XML, the `urn:ietf:rfc:7807` vocabulary of its appendix.
#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "@xmlns", skip_serializing_if = "Option::is_none")]
    namespace: Option<&'static str>,
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    status: u16,
    detail: &'a str,
    instance: &'a str,
    /// For [`AT_CAPACITY`]: the caller's limit, and how many sessions they hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    held: Option<i64>,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Route(RouteError::NotFound) => StatusCode::NOT_FOUND,
            ApiError::Route(RouteError::MethodNotAllowed(_)) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Negotiation(NegotiationError::Malformed(_))
            | ApiError::Select(_)
            | ApiError::Locale(_) => StatusCode::BAD_REQUEST,
            ApiError::Negotiation(NegotiationError::NotAcceptable) => StatusCode::NOT_ACCEPTABLE,
            ApiError::Key(KeyError::Malformed(_))
            | ApiError::SessionId(_)
            | ApiError::Associate(_) => StatusCode::BAD_REQUEST,
            ApiError::AtCapacity(_) => StatusCode::CONFLICT,
            ApiError::UnknownAssociate(_) | ApiError::ToSelf | ApiError::CannotRespond(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::NotYourTopic => StatusCode::FORBIDDEN,
            ApiError::NoSuchSession(_) => StatusCode::NOT_FOUND,
            ApiError::NotYours => StatusCode::FORBIDDEN,
            ApiError::Ended(_) => StatusCode::CONFLICT,
            ApiError::Key(KeyError::InFlight) => StatusCode::CONFLICT,
            ApiError::Key(KeyError::UsedFor(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Auth(AuthError::NotAnAgent) => StatusCode::FORBIDDEN,
            ApiError::Auth(AuthError::Throttled(_)) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Auth(_) => StatusCode::UNAUTHORIZED,
            ApiError::ForeignOrigin(_) => StatusCode::FORBIDDEN,
            ApiError::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Store(StoreError::UnknownTenant(_)) => StatusCode::NOT_FOUND,
            ApiError::Store(
                StoreError::Busy(_)
                | StoreError::OutcomeUnknown(_)
                | StoreError::Unreachable(_)
                | StoreError::Unavailable(_)
                | StoreError::Full(_),
            ) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Store(StoreError::Internal(_)) | ApiError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// What the caller reads: what went wrong and what to do about it.
    fn detail(&self) -> String {
        match self {
            ApiError::Route(RouteError::NotFound) => {
                "No such resource. The routes are POST /api/v1/ChatSession/Pickup, \
                 POST /api/v1/ChatSession/{id}/Pickup and GET \
                 /api/v1/ChatSession/ForCurrentUser, and their RPC twins POST \
                 /api/v1/Agents/Chat/PickUpFirstChatSession, PickUpChatSession and \
                 ChatSessionsForUser, each optionally after /{tenant}."
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
            ApiError::Select(error) => format!(
                "Bad $select: {error}. List top-level properties of ChatSessionEntity, separated by commas, such as $select=ChatSessionId,User,Status."
            ),
            ApiError::Locale(HeaderError { header, problem }) => format!("Bad {header} header: {problem}."),
            ApiError::Key(KeyError::Malformed(why)) => format!(
                "Bad Idempotency-Key header: {why}. Send one key of 1-255 printable ASCII characters, such as \"8e03978e-40d5-43e8-bc93-6894a57f9324\", new for each change and the same on its retries."
            ),
            ApiError::Key(KeyError::InFlight) => {
                "A request with this Idempotency-Key is still being answered; retry once it is, and you will get its outcome.".into()
            }
            ApiError::Key(KeyError::UsedFor(operation)) => format!(
                "This Idempotency-Key was used for another operation ({operation}); send a new key for this request."
            ),
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
            ApiError::AtCapacity(full) => format!(
                "You hold {} chat sessions, and may hold at most {}: finish or transfer one before taking another. The queue is not empty on that account.",
                full.held, full.limit
            ),
            ApiError::UnknownAssociate(name) => format!(
                "There is no user agent {name:?} here: name one by login name or associate id."
            ),
            ApiError::ToSelf => {
                "The session is yours already: name another user agent to transfer it to.".into()
            }
            ApiError::CannotRespond(name) => format!(
                "{name:?} may not respond in this session's topic; an administrator can make them a member who may."
            ),
            ApiError::NoSuchSession(id) => format!(
                "No session {id} that you can see: there is none, or it is in a topic where you have no rights."
            ),
            ApiError::NotYours => {
                "Only the session's agent or a manager of its topic may do this.".into()
            }
            ApiError::Ended(id) => format!(
                "Session {id} is over (finished, closed or deleted); it cannot go back to the queue."
            ),
            ApiError::NotYourTopic => {
                "This session is in a topic where you may not respond; an administrator can make you a member who may.".into()
            }
            ApiError::ForeignOrigin(origin) => format!(
                "Pages from {origin:?} may not call this API. Its administrator can allow an origin in CHAT_PICKUP_CORS_ORIGINS."
            ),
            ApiError::BodyTooLarge => format!(
                "The request body is too large: at most {} bytes are read (a route that names a session needs only its id).",
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

    /// The problem response; `challenge` is the `WWW-Authenticate` value a 401 carries.
    pub fn into_response(
        self,
        format: Format,
        request_id: &str,
        challenge: &str,
    ) -> Response<Body> {
        let status = self.status();
        let detail = self.detail();
        let full = match &self {
            ApiError::AtCapacity(full) => Some(full),
            _ => None,
        };
        // The detail may echo the caller's input, which XML may not be able to carry.
        let detail = printable(&detail, format);
        let problem = Problem {
            namespace: matches!(format, Format::Xml(_)).then_some("urn:ietf:rfc:7807"),
            kind: self.problem_type(),
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: &detail,
            instance: request_id,
            limit: full.map(|full| full.limit),
            held: full.map(|full| full.held),
        };
        let body = match format {
            Format::Json(_) => {
                serde_json::to_string(&problem).expect("a problem always serializes")
            }
            Format::Xml(_) => {
                let mut out = String::from(r#"<?xml version="1.0" encoding="utf-8"?>"#);
                render::write_xml(&mut out, "problem", &problem);
                out
            }
        };
        let mut response = Response::builder()
            .status(status)
            .header(CONTENT_TYPE, format.problem_content_type());
        response = match &self {
            ApiError::Auth(AuthError::Throttled(throttled)) => {
                response.header(RETRY_AFTER, throttled.seconds())
            }
            ApiError::Auth(error) if !matches!(error, AuthError::NotAnAgent) => {
                response.header(WWW_AUTHENTICATE, challenge)
            }
            ApiError::Route(RouteError::MethodNotAllowed(allowed)) => {
                response.header(ALLOW, allowed.as_str())
            }
            ApiError::Store(StoreError::Busy(_) | StoreError::OutcomeUnknown(_)) => {
                response.header(RETRY_AFTER, RETRY_AFTER_BUSY)
            }
            ApiError::Store(StoreError::Unreachable(_)) => {
                response.header(RETRY_AFTER, RETRY_AFTER_UNREACHABLE)
            }
            ApiError::Store(StoreError::Full(_)) => response.header(RETRY_AFTER, RETRY_AFTER_FULL),
            _ => response,
        };
        response
            .body(Body::Text(body))
            .expect("static headers are valid")
    }

    /// The problem `type`: a URI of our own where a client should tell the problem from
    /// others of its status, `about:blank` (the status says it all) elsewhere.
    fn problem_type(&self) -> &'static str {
        match self {
            ApiError::Auth(AuthError::Throttled(_)) => LOGIN_THROTTLED,
            ApiError::AtCapacity(_) => AT_CAPACITY,
            _ => "about:blank",
        }
    }

    /// The text for the log: everything, including what the caller does not see.
    pub fn log_detail(&self) -> String {
        match self {
            ApiError::Store(error) => error.to_string(),
            ApiError::Internal(detail) => detail.clone(),
            other => other.detail(),
        }
    }
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
