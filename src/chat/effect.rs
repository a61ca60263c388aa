//! What a change to one named session writes once it is judged: the one list of writes every
//! backend knows how to make.

use super::edit::Edit;
use super::message::Message;

/// What a change to one named session writes, once judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Put the session back in the queue at its place: nobody's, no bot, no transfer.
    Reset,
    /// Offer the session to this associate.
    Offer(i64),
    /// Give the session to the caller, at their first free Rank.
    Accept,
    /// Clear the pending transfer.
    Reject,
    /// Post the agent's message, and keep its copy as the session's last (and, where it
    /// has none, first) message: the customer is to answer next (`UserLast`).
    Post(Message),
    /// Change the session's properties, and end it where the edit says.
    Edit(Edit),
}
