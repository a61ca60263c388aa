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

use super::{Call, Done, Operation, Run, answered};
use crate::chat::Move;
use crate::chat::transfer::Step;

/// Offers a session to another agent (the one the request names).
pub const OFFER: Operation = Operation::change("transfer", Run::SessionTo(offer));

/// Accepts a session offered.
pub const ACCEPT: Operation = Operation::change("accept-transfer", Run::Session(accept));

/// Declines or withdraws an offer.
pub const REJECT: Operation = Operation::change("reject-transfer", Run::Session(reject));

fn offer(call: &Call, session: i64, to: &str) -> Done {
    let step = Step::Offer(to.to_string());
    let change = call
        .store
        .change(call.actor()?, session, &Move::Transfer(step))?;
    answered::change(call, (session, Some(to)), "offered", change)
}

fn accept(call: &Call, session: i64) -> Done {
    let change = call
        .store
        .change(call.actor()?, session, &Move::Transfer(Step::Accept))?;
    answered::change(call, (session, None), "accepted", change)
}

fn reject(call: &Call, session: i64) -> Done {
    let change = call
        .store
        .change(call.actor()?, session, &Move::Transfer(Step::Reject))?;
    answered::change(call, (session, None), "transfer ended", change)
}
