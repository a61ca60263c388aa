//! What the handler reads off a `lambda_http` request besides its headers: the path the
//! application sees, the request id, the `$select` parameters and the session it names.

use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

use serde_json::Value;

use super::body::{self, BodyError, Document, FieldError};
use super::in_flight::KeyError;
use super::routes;
use super::select::{SelectError, Selection};
use crate::chat::edit::Edits;
use crate::chat::idempotency::IdempotencyKey;
use crate::entity::Shape;

/// The request header naming one attempt at a change.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// The request's `Idempotency-Key`, if it sends one; one at most.
pub fn idempotency_key(request: &Request) -> Result<Option<IdempotencyKey>, KeyError> {
    let mut values = request.headers().get_all(IDEMPOTENCY_KEY).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(KeyError::Malformed(
            "send one Idempotency-Key header, not several",
        ));
    }
    let text = value
        .to_str()
        .map_err(|_| KeyError::Malformed("a key is printable ASCII"))?;
    IdempotencyKey::parse(text)
        .map(Some)
        .map_err(KeyError::Malformed)
}

/// The query parameter an RPC read names its session with (any case).
pub const SESSION_PARAMETER: &str = "chatSessionEntityId";

/// The session the request names: the path's id segment, else the query's
/// `chatSessionEntityId`, else the body's `ChatSessionId`.
pub fn session_id(request: &Request, in_path: Option<&str>) -> Result<i64, FieldError> {
    if let Some(segment) = in_path {
        return body::from_path(segment);
    }
    let in_query = request
        .query_string_parameters_ref()
        .into_iter()
        .flat_map(|query| query.iter())
        .find(|(name, _)| name.eq_ignore_ascii_case(SESSION_PARAMETER));
    if let Some((_, value)) = in_query {
        return body::from_path(value);
    }
    body::from_body(content_type(request), request.body().as_ref())
}

/// The associate the request names: the path's associate segment, else the body's
/// `ToAssociate`.
pub fn associate(request: &Request, in_path: Option<&str>) -> Result<String, FieldError> {
    if let Some(segment) = in_path {
        return body::associate(segment);
    }
    body::associate_from_body(content_type(request), request.body().as_ref())
}

/// The request's body as one document ([`Document`]).
pub fn body(request: &Request) -> Result<Document, BodyError> {
    Document::parse(content_type(request), request.body().as_ref()).map_err(|error| {
        let why = match error {
            FieldError::Missing => "empty",
            FieldError::Malformed(why) => why,
        };
        BodyError::new(format!(
            "the body cannot be read ({why}): send JSON, XML or a form"
        ))
    })
}

/// The message id a read starts after: the query's `after`, else the body's `After`; 0
/// (every message) when neither names one.
pub fn after(request: &Request, body: &Document) -> Result<i64, BodyError> {
    let sent = query(request, "after").map(|text| Value::String(text.to_string()));
    match sent.as_ref().or_else(|| body.get("After")) {
        None => Ok(0),
        Some(value) => body::whole(value)
            .filter(|after| *after >= 0)
            .ok_or_else(|| BodyError::new("after must be a message id (a whole number from 0)")),
    }
}

/// The topic a request names: the path's id, else the body's `ChatTopicId`.
pub fn topic_id(in_path: Option<&str>, body: &Document) -> Result<i64, BodyError> {
    let sent = in_path.map(|segment| Value::String(segment.to_string()));
    sent.as_ref()
        .or_else(|| body.get("ChatTopicId"))
        .and_then(body::whole)
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            BodyError::new("name the topic: its id in the path, or ChatTopicId in the body, as {\"ChatTopicId\": 1}")
        })
}

/// Whether a transcript is HTML: the query's `html`, else the body's `Html`; plain text
/// when neither says.
pub fn html(request: &Request, body: &Document) -> Result<bool, BodyError> {
    let sent = query(request, "html").map(|text| Value::String(text.to_string()));
    match sent.as_ref().or_else(|| body.get("Html")) {
        None => Ok(false),
        Some(value) => {
            body::boolean(value).ok_or_else(|| BodyError::new("html must be true or false"))
        }
    }
}

/// The changes a request asks of a session: a `PATCH` body (JSON Patch or JSON Merge
/// Patch), or a whole entity (`PUT`).
pub fn edits(request: &Request) -> Result<Edits, BodyError> {
    if request.method() == http::Method::PATCH {
        return body::from_patch(content_type(request), request.body().as_ref());
    }
    body::from_entity(&self::body(request)?)
}

/// Query parameter `name` (any case), if sent.
/// The query parameter `name` (in any case), as sent.
pub fn query<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .query_string_parameters_ref()?
        .iter()
        .find(|(parameter, _)| parameter.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// The request's `Content-Type`, if it is readable.
pub fn content_type(request: &Request) -> Option<&str> {
    request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
}

/// The `$select` query parameters against `shape` (the name matched case-insensitively, as
/// ASP.NET does).
pub fn selection(request: &Request, shape: &'static Shape) -> Result<Selection, SelectError> {
    let lists: Vec<&str> = request
        .query_string_parameters_ref()
        .into_iter()
        .flat_map(|query| query.iter())
        .filter(|(name, _)| name.eq_ignore_ascii_case("$select"))
        .map(|(_, value)| value)
        .collect();
    Selection::parse(lists, shape)
}

/// The request path as the application sees it, without an API Gateway stage.
pub fn path(request: &Request) -> &str {
    let raw = match request.raw_http_path() {
        "" => request.uri().path(),
        raw => raw,
    };
    let stage = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.stage.as_deref(),
        _ => None,
    };
    routes::without_stage(raw, stage)
}

/// Lambda's request id, API Gateway's, or a fresh one for local runs.
pub fn request_id(request: &Request) -> String {
    if let Some(context) = request.lambda_context_ref() {
        return context.request_id.clone();
    }
    let gateway = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.request_id.clone(),
        Some(RequestContext::ApiGatewayV2(context)) => context.request_id.clone(),
        _ => None,
    };
    gateway.unwrap_or_else(|| format!("local-{}", crate::account::random::hex::<8>()))
}
