//! What a pickup's claim comes to for its caller - the answer, and the trace every pickup
//! leaves where its transaction ends - whichever session it asked for.

use super::{Answer, Call, Content, OpError};
use crate::idempotency::KeyError;
use crate::store::Claim;

/// The answer to `claim`, after logging it and noting a committed pickup on the receipt.
pub fn answer(call: &Call, claim: Claim) -> Result<Answer, OpError> {
    log(call, &claim);
    if let Claim::Picked(Some(pickup)) = &claim {
        let key = call.key.as_ref().map_or("", |keyed| keyed.key.as_str());
        call.receipt
            .committed(pickup.session_id, call.request_id, key);
    }
    match claim {
        Claim::Picked(picked) => Ok(Answer {
            content: Content::One(picked.map(|pickup| pickup.session)),
            replayed: false,
        }),
        Claim::Replayed { session, .. } => Ok(Answer {
            content: Content::One(session),
            replayed: true,
        }),
        Claim::KeyUsedFor(operation) => Err(OpError::Key(KeyError::UsedFor(operation))),
        Claim::Forbidden => Err(OpError::Forbidden),
        Claim::AtCapacity(full) => Err(OpError::AtCapacity(full)),
    }
}

/// The trace of every pickup, written when its transaction is over - whether or not the
/// caller is still there to read the answer.
fn log(call: &Call, claim: &Claim) {
    let request_id = call.request_id;
    let source = crate::http::source::shown(call.source);
    let source = source.as_str();
    let tenant = call.tenant.map_or("", |tenant| tenant.as_str());
    let principal = call.principal;
    let user = principal.agent.name.as_str();
    let scheme = principal.scheme.name();
    let app = principal.app.as_deref().unwrap_or("");
    let key = call.key.as_ref().map_or("", |keyed| keyed.key.as_str());
    match claim {
        Claim::Picked(Some(pickup)) => tracing::info!(
            request_id,
            source,
            tenant,
            user,
            scheme,
            app,
            key,
            session_id = pickup.session_id,
            topic_id = pickup.topic_id,
            wait_ms = pickup.waited_ms,
            "picked up session"
        ),
        Claim::Picked(None) => {
            tracing::info!(
                request_id,
                source,
                tenant,
                user,
                scheme,
                app,
                key,
                "queue empty"
            )
        }
        Claim::Replayed { session_id, .. } => tracing::info!(
            request_id,
            source,
            tenant,
            user,
            scheme,
            app,
            key,
            session_id,
            "replayed a pickup made before under this key"
        ),
        Claim::KeyUsedFor(operation) => tracing::info!(
            request_id,
            tenant,
            user,
            key,
            operation = operation.as_str(),
            "key used before for another operation"
        ),
        Claim::Forbidden => tracing::info!(
            request_id,
            tenant,
            user,
            session_id = call.session,
            "refused a session in a topic the agent may not respond in"
        ),
        Claim::AtCapacity(full) => tracing::info!(
            request_id,
            tenant,
            user,
            session_id = call.session,
            limit = full.limit,
            held = full.held,
            "refused: the agent is at capacity"
        ),
    }
}
