//! What a request names for its operation besides the caller - the session (in the path,
//! the query or the body), the associate, the topic, the message, the changes - read before
//! anything changes, by the kind of the operation's [`Run`], and bound into the closure the
//! handler runs.

use lambda_http::Request;

use super::body;
use super::error::ApiError;
use super::ops::{Bound, Run};
use super::request::{after, associate, body, edits, html, session_id, topic_id};
use super::routes::Route;

/// The route's operation with what the request names for it - the session (in the path,
/// the query or the body), the associate, the topic, the message, the changes - read before
/// anything changes.
pub fn bind(request: &Request, route: &Route) -> Result<Bound, ApiError> {
    let session = || session_id(request, route.id.as_deref());
    let body = || body(request);
    Ok(match route.operation.run {
        Run::Caller(run) => Box::new(run),
        Run::Session(run) => {
            let session = session()?;
            Box::new(move |call| run(call, session))
        }
        Run::SessionTo(run) => {
            let session = session()?;
            let to = associate(request, route.associate.as_deref()).map_err(ApiError::Associate)?;
            Box::new(move |call| run(call, session, &to))
        }
        Run::Post(run) => {
            let session = session()?;
            let message = body::new_message(&body()?, route.id.is_some())?;
            Box::new(move |call| run(call, session, &message))
        }
        Run::After(run) => {
            let session = session()?;
            let after = after(request, &body()?)?;
            Box::new(move |call| run(call, session, after))
        }
        Run::Edit(run) => {
            let session = session()?;
            let edits = edits(request)?;
            Box::new(move |call| run(call, session, &edits))
        }
        Run::Topic(run) => {
            let topic = topic_id(route.id.as_deref(), &body()?)?;
            Box::new(move |call| run(call, topic))
        }
        Run::Save(run) => {
            let saved = body::saved(&body()?)?;
            Box::new(move |call| run(call, &saved))
        }
        Run::Start(run) => {
            let body = body()?;
            let topic = topic_id(route.id.as_deref(), &body)?;
            let draft = body::start(&body)?;
            Box::new(move |call| run(call, topic, &draft))
        }
        Run::Say(run) => {
            let session = session()?;
            let words = body::words(&body()?)?;
            Box::new(move |call| run(call, session, &words))
        }
        Run::Transcript(run) => {
            let session = session()?;
            let html = html(request, &body()?)?;
            Box::new(move |call| run(call, session, html))
        }
    })
}
