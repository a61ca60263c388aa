//! An [`Actor`] that owns what it borrows, to send with a write to the writer's thread.

use crate::account::Agent;
use crate::chat::Actor;
use crate::chat::idempotency::{IdempotencyKey, Keyed};
use crate::time::Timestamp;

pub(super) struct OwnedActor {
    agent: Agent,
    now: Timestamp,
    key: Option<OwnedKey>,
    context: String,
}

/// A [`Keyed`] that owns its key.
pub(super) struct OwnedKey {
    key: IdempotencyKey,
    operation: &'static str,
    expired_before: Timestamp,
}

impl OwnedKey {
    pub(super) fn of(keyed: Keyed) -> Self {
        Self {
            key: keyed.key.clone(),
            operation: keyed.operation,
            expired_before: keyed.expired_before,
        }
    }

    pub(super) fn keyed(&self) -> Keyed<'_> {
        Keyed {
            key: &self.key,
            operation: self.operation,
            expired_before: self.expired_before,
        }
    }
}

impl OwnedActor {
    pub(super) fn of(actor: Actor) -> Self {
        Self {
            agent: actor.agent.clone(),
            now: actor.now,
            key: actor.key.map(OwnedKey::of),
            context: actor.context.to_string(),
        }
    }

    pub(super) fn actor(&self) -> Actor<'_> {
        Actor {
            agent: &self.agent,
            now: self.now,
            key: self.key.as_ref().map(OwnedKey::keyed),
            context: &self.context,
        }
    }
}
