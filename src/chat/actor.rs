//! Who makes a change, when, and under which `Idempotency-Key`: what every change is given.

use super::idempotency::Keyed;
use crate::account::Agent;
use crate::time::Timestamp;

/// An agent's change at a moment, perhaps under a key.
#[derive(Clone, Copy, Debug)]
pub struct Actor<'a> {
    pub agent: &'a Agent,
    pub now: Timestamp,
    /// The request's key, for the operation asked.
    pub key: Option<Keyed<'a>>,
    /// What the change answers, as its events name it (`ContextIdentifier`): the request's
    /// id; empty where no request asked (a test, a benchmark).
    pub context: &'a str,
}

impl<'a> Actor<'a> {
    /// `agent`'s change at `now`, under no key.
    pub fn new(agent: &'a Agent, now: Timestamp) -> Self {
        Self {
            agent,
            now,
            key: None,
            context: "",
        }
    }

    /// The agent's associate id.
    pub fn id(&self) -> i64 {
        self.agent.associate_id
    }
}
