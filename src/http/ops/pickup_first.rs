//! `POST /api/v1/ChatSession/Pickup` and `POST /api/v1/Agents/Chat/PickUpFirstChatSession`:
//! the caller takes the first available session of the queue (spec section 2); the store
//! assigns it and posts the welcome message in one transaction.

use super::{Call, Operation};
use crate::entity::{CHAT_SESSION_ENTITY, Object, Shape};
use crate::store::{Pickup, StoreError};

pub struct PickupFirst;

impl Operation for PickupFirst {
    fn name(&self) -> &'static str {
        "pickup-first"
    }

    fn entity(&self) -> &'static Shape {
        &CHAT_SESSION_ENTITY
    }

    fn run(&self, call: &Call) -> Result<Option<Object>, StoreError> {
        let picked = call.store.pickup(&call.principal.agent, call.now)?;
        log(call, picked.as_ref());
        Ok(picked.map(|pickup| pickup.session))
    }
}

fn log(call: &Call, picked: Option<&Pickup>) {
    let request_id = call.request_id;
    let source = crate::http::source::shown(call.source);
    let source = source.as_str();
    let tenant = call.tenant.map_or("", |tenant| tenant.as_str());
    let principal = call.principal;
    let user = principal.agent.name.as_str();
    let scheme = principal.scheme.name();
    let app = principal.app.as_deref().unwrap_or("");
    match picked {
        Some(pickup) => tracing::info!(
            request_id,
            source,
            tenant,
            user,
            scheme,
            app,
            session_id = pickup.session_id,
            topic_id = pickup.topic_id,
            wait_ms = pickup.waited_ms,
            "picked up session"
        ),
        None => tracing::info!(request_id, source, tenant, user, scheme, app, "queue empty"),
    }
}
