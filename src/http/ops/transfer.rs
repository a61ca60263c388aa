//! A transfer's three moves, each on its REST route and its RPC twin ([`crate::chat::transfer`]
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

use super::answered::{self, Changed};
use super::{Call, Done, Operation, Run};
use crate::chat::transfer::Step;
use crate::entity::CHAT_SESSION_ENTITY;

/// Offers a session to another agent (the one the request names).
pub const OFFER: Operation = Operation {
    name: "transfer",
    entity: &CHAT_SESSION_ENTITY,
    changes: true,
    run: Run::SessionTo(|call, session, to| {
        let offer = Step::Offer(to.to_string());
        step(call, session, &offer, (OFFER.name, "offered"), Some(to))
    }),
};

/// Accepts a session offered.
pub const ACCEPT: Operation = Operation {
    name: "accept-transfer",
    entity: &CHAT_SESSION_ENTITY,
    changes: true,
    run: Run::Session(|call, session| {
        step(
            call,
            session,
            &Step::Accept,
            (ACCEPT.name, "accepted"),
            None,
        )
    }),
};

/// Declines or withdraws an offer.
pub const REJECT: Operation = Operation {
    name: "reject-transfer",
    entity: &CHAT_SESSION_ENTITY,
    changes: true,
    run: Run::Session(|call, session| {
        let named = (REJECT.name, "transfer ended");
        step(call, session, &Step::Reject, named, None)
    }),
};

/// Takes `step` of session `session`; `named` is the operation's name and what the log
/// calls the step when it is made.
fn step(
    call: &Call,
    session: i64,
    step: &Step,
    (operation, made): (&'static str, &'static str),
    associate: Option<&str>,
) -> Done {
    let change = call.store.transfer(
        &call.principal.agent,
        session,
        step,
        call.now,
        call.key.as_ref(),
    )?;
    let changed = Changed {
        operation,
        made,
        session,
        associate,
    };
    answered::change(call, changed, change)
}
