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

/// One move of a transfer: the operation's name, what the log calls it when made, the step
/// it asks the store for, and whether the request names an associate (for the step).
pub struct Move {
    name: &'static str,
    made: &'static str,
    step: fn(&Call) -> Step,
    names_an_associate: bool,
}

/// Offers a session to another agent (the one the request names).
pub const OFFER: Move = Move {
    name: "transfer",
    made: "offered",
    step: |call| Step::Offer(call.associate.clone().unwrap_or_default()),
    names_an_associate: true,
};

/// Accepts a session offered.
pub const ACCEPT: Move = Move {
    name: "accept-transfer",
    made: "accepted",
    step: |_| Step::Accept,
    names_an_associate: false,
};

/// Declines or withdraws an offer.
pub const REJECT: Move = Move {
    name: "reject-transfer",
    made: "transfer ended",
    step: |_| Step::Reject,
    names_an_associate: false,
};

impl Operation for Move {
    fn name(&self) -> &'static str {
        self.name
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
        self.names_an_associate
    }

    fn run(&self, call: &Call) -> Result<Answer, OpError> {
        let change = call.store.transfer(
            &call.principal.agent,
            call.session_id()?,
            &(self.step)(call),
            call.now,
            call.key.as_ref(),
        )?;
        changed::answer(call, change, self.name, self.made)
    }
}
