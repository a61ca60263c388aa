//! `PATCH /api/v1/ChatSession/{id}` (a JSON Patch or a JSON Merge Patch) and `PUT
//! /api/v1/ChatSession/{id}` (the entity): changes to a session's own properties, its end
//! (`Status` `Closed`) included - for the session's agent or a manager of its topic
//! ([`crate::chat::edit`] decides). Answers the session as it is after.

use super::{Call, Done, Operation, Run, answered};
use crate::chat::Move;
use crate::chat::edit::Edits;

pub const EDIT: Operation = Operation::change("edit-session", Run::Edit(edit));

fn edit(call: &Call, session: i64, edits: &Edits) -> Done {
    let change = call
        .store
        .change(call.actor()?, session, &Move::Edit(edits.clone()))?;
    answered::change(call, (session, None), "changed", change)
}
