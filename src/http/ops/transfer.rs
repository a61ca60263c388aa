//! A transfer's three moves, each on its REST route and its RPC twin ([`crate::store::transfer`]
//! decides who may and what happens):
//! - `POST /api/v1/ChatSession/{id}/TransferTo/{toAssociate}`, `POST
//!   /api/v1/Agents/Chat/TransferChatSession` (body `{"ChatSessionId": n, "ToAssociate":
//!   "name or id"}`): the session's agent offers it to another;
//! - `.../{id}/AcceptTransfer`, `Agents/Chat/AcceptChatSessionTransfer`: the agent offered
//!   takes it (under their capacity);
//! - `.../{id}/RejectTransfer`, `Agents/Chat/RejectChatSessionTransfer`: the agent offered
//!   declines, or the session's agent withdraws the offer.
//!
//! Each answers the session as it is after the move - unchanged where "nothing happens".

use super::{Answer, Call, OpError, Operation, changed};
use crate::entity::{CHAT_SESSION_ENTITY, Shape};
use crate::store::transfer::Step;

/// Offers a session to another agent.
pub struct Offer;
/// Accepts a session offered.
pub struct Accept;
/// Declines or withdraws an offer.
pub struct Reject;

impl Operation for Offer {
    fn name(&self) -> &'static str {
        "transfer"
    }

    fn entity(&self) -> &'static Shape {
        &CHAT_SESSION_ENTITY
    }

    fn changes(&self) -> bool {
        true
    }

    fn names_a_session(&self) -> bool {
        true
    }

    fn names_an_associate(&self) -> bool {
        true
    }

    fn run(&self, call: &Call) -> Result<Answer, OpError> {
        let to = call.associate.clone().unwrap_or_default();
        step(call, Step::Offer(to), self.name(), "offered")
    }
}

impl Operation for Accept {
    fn name(&self) -> &'static str {
        "accept-transfer"
    }

    fn entity(&self) -> &'static Shape {
        &CHAT_SESSION_ENTITY
    }

    fn changes(&self) -> bool {
        true
    }

    fn names_a_session(&self) -> bool {
        true
    }

    fn run(&self, call: &Call) -> Result<Answer, OpError> {
        step(call, Step::Accept, self.name(), "accepted")
    }
}

impl Operation for Reject {
    fn name(&self) -> &'static str {
        "reject-transfer"
    }

    fn entity(&self) -> &'static Shape {
        &CHAT_SESSION_ENTITY
    }

    fn changes(&self) -> bool {
        true
    }

    fn names_a_session(&self) -> bool {
        true
    }

    fn run(&self, call: &Call) -> Result<Answer, OpError> {
        step(call, Step::Reject, self.name(), "transfer ended")
    }
}

fn step(
    call: &Call,
    step: Step,
    operation: &'static str,
    made: &'static str,
) -> Result<Answer, OpError> {
    let change = call.store.transfer(
        &call.principal.agent,
        call.session_id()?,
        &step,
        call.now,
        call.key.as_ref(),
    )?;
    changed::answer(call, change, operation, made)
}
