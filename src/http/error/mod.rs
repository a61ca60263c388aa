//! Every way a request can fail, mapped to a status and a problem body in one place.
//!
//! Bodies are RFC 9457 problem details. What the caller reads says what went wrong and
//! what to do; internal details (SQL, paths) go only to the log, tagged with the request id
//! that the body carries as `instance`.

use http::header::{ALLOW, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{Response, StatusCode};
use lambda_http::Body;
use serde::Serialize;

mod detail;

use super::body::{BodyError, FieldError, SignInError};
use super::in_flight::KeyError;
use super::limits::Exceeded;
use super::negotiate::{Format, NegotiationError};
use super::render::{self, printable};
use super::select::SelectError;
use crate::auth::session_key::{self, KeyRefused};
use crate::auth::{AuthError, AuthFailure};
use crate::chat::Refusal;
use crate::entity::Shape;
use crate::locale::HeaderError;
use crate::store::StoreError;

/// Seconds a caller should wait after a busy database.
const RETRY_AFTER_BUSY: &str = "1";
/// A database server restarting or failing over takes seconds.
const RETRY_AFTER_UNREACHABLE: &str = "5";
/// A full queue frees a place as an agent picks up: a minute is a fair guess.
const RETRY_AFTER_QUEUE_FULL: &str = "60";
/// A full disk is freed by people or log rotation, not in a second.
const RETRY_AFTER_FULL: &str = "60";

/// The problem `type` of a 429: sign-ins held back after failures. A name, not a page.
pub const LOGIN_THROTTLED: &str = "urn:chat-pickup:problem:login-throttled";
/// The problem `type` of the 409 for an agent who holds as many sessions as they may: a
/// front end tells it from the other 409s (a key in flight, an ended session) by this.
pub const AT_CAPACITY: &str = "urn:chat-pickup:problem:at-capacity";
/// The problem `type` of the 503 for a topic whose queue is full: a widget shows "leave a
/// message" for it.
pub const QUEUE_FULL: &str = "urn:chat-pickup:problem:queue-full";

/// The problem `type` of the 429 for a customer past a rate ([`super::limits`]).
pub const RATE_LIMITED: &str = "urn:chat-pickup:problem:rate-limited";

/// The problem `type` of the 403 for a page's sign-in or sign-out where settings keep pages
/// from signing in: the detail names them.
pub const SIGN_IN_OFF: &str = "urn:chat-pickup:problem:sign-in-off";

/// Why a path names no operation.
#[derive(Debug, PartialEq, Eq)]
pub enum RouteError {
    NotFound,
    /// The path is a route's, the method is not: these methods are (for `Allow`).
    MethodNotAllowed(String),
}

#[derive(Debug)]
pub enum ApiError {
    Route(RouteError),
    Auth(AuthError),
    Store(StoreError),
    Negotiation(NegotiationError),
    /// A `$select` that names no property of this entity.
    Select(SelectError, &'static Shape),
    /// A language, culture or time-zone header that cannot be honoured.
    Locale(HeaderError),
    /// A body beyond [`super::body::MAX_BODY`].
    BodyTooLarge,
    /// A browser page from an origin that may not call this API; the text is its `Origin`.
    ForeignOrigin(String),
    /// A page from an origin the topic does not allow on its customer routes.
    ForeignPage(String),
    /// An `Idempotency-Key` that cannot be honoured.
    Key(KeyError),
    /// A route that acts on one session, without a session id it can read.
    SessionId(FieldError),
    /// A transfer that names no associate it can read.
    Associate(FieldError),
    /// A body that does not say what the operation needs, or says it wrong.
    Body(BodyError),
    /// A sign-in's body of a type it is not taken in (from where it came).
    SignInMedia,
    /// A customer route without the session's key ([`crate::auth::session_key`]).
    SessionKey(KeyRefused),
    /// The chat's refusal of the operation ([`Refusal`]).
    Refused(Refusal),
    /// A customer past one of the rates of [`super::limits`].
    Limited(Exceeded),
    /// A bug: a panic or a failed join of a blocking task.
    Internal(String),
}

/// `ApiError::$variant` from `$from`, so that `?` turns one into the other.
macro_rules! from {
    ($($from:ty => $variant:ident),* $(,)?) => {
        $(impl From<$from> for ApiError {
            fn from(error: $from) -> Self {
                ApiError::$variant(error)
            }
        })*
    };
}

from!(
    BodyError => Body,
    FieldError => SessionId,
    KeyRefused => SessionKey,
    KeyError => Key,
    Refusal => Refused,
    Exceeded => Limited,
    RouteError => Route,
    NegotiationError => Negotiation,
    HeaderError => Locale,
    StoreError => Store,
);

impl From<SignInError> for ApiError {
    fn from(error: SignInError) -> Self {
        match error {
            SignInError::Media => ApiError::SignInMedia,
            SignInError::Body(error) => ApiError::Body(error),
        }
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
            | ApiError::Select(..)
            | ApiError::Locale(_) => StatusCode::BAD_REQUEST,
            ApiError::Negotiation(NegotiationError::NotAcceptable) => StatusCode::NOT_ACCEPTABLE,
            ApiError::Key(KeyError::Malformed(_))
            | ApiError::SessionId(_)
            | ApiError::Associate(_)
            | ApiError::Body(_) => StatusCode::BAD_REQUEST,
            ApiError::Refused(refusal) => refused(refusal),
            ApiError::Key(KeyError::InFlight) => StatusCode::CONFLICT,
            ApiError::Auth(AuthError::NotAnAgent | AuthError::SignInOff(_)) => {
                StatusCode::FORBIDDEN
            }
            ApiError::SignInMedia => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Auth(AuthError::Throttled(_)) | ApiError::Limited(_) => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ApiError::Auth(_) | ApiError::SessionKey(_) => StatusCode::UNAUTHORIZED,
            ApiError::ForeignOrigin(_) | ApiError::ForeignPage(_) => StatusCode::FORBIDDEN,
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
            ApiError::Refused(Refusal::AtCapacity(full)) => Some(full),
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
            ApiError::Auth(error)
                if !matches!(error, AuthError::NotAnAgent | AuthError::SignInOff(_)) =>
            {
                response.header(WWW_AUTHENTICATE, challenge)
            }
            ApiError::SessionKey(_) => response.header(
                WWW_AUTHENTICATE,
                format!("{} realm=\"{}\"", session_key::SCHEME, crate::auth::REALM),
            ),
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
            ApiError::Refused(Refusal::QueueFull(_)) => {
                response.header(RETRY_AFTER, RETRY_AFTER_QUEUE_FULL)
            }
            ApiError::Limited(exceeded) => response.header(RETRY_AFTER, exceeded.seconds()),
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
            ApiError::Refused(Refusal::AtCapacity(_)) => AT_CAPACITY,
            ApiError::Refused(Refusal::QueueFull(_)) => QUEUE_FULL,
            ApiError::Limited(_) => RATE_LIMITED,
            ApiError::Auth(AuthError::SignInOff(_)) => SIGN_IN_OFF,
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

/// The status of a refusal: not found, forbidden, a conflict with the session's or the
/// caller's state, or a request that names the wrong associate or key.
fn refused(refusal: &Refusal) -> StatusCode {
    match refusal {
        Refusal::NotFound(_) | Refusal::TopicNotFound(_) | Refusal::NoSuchTopic(_) => {
            StatusCode::NOT_FOUND
        }
        Refusal::QueueFull(_) => StatusCode::SERVICE_UNAVAILABLE,
        Refusal::NotAllowed | Refusal::NotYourTopic => StatusCode::FORBIDDEN,
        Refusal::Ended(_)
        | Refusal::AtCapacity(_)
        | Refusal::NotStarted(_)
        | Refusal::TestFailed(_) => StatusCode::CONFLICT,
        Refusal::UnknownAssociate(_)
        | Refusal::ToSelf
        | Refusal::CannotRespond(_)
        | Refusal::KeyUsedFor(_)
        | Refusal::KeyUsedOn(_) => StatusCode::UNPROCESSABLE_ENTITY,
    }
}
