//! What a change to one named session writes once it is judged: the one list of writes every
//! backend knows how to make.

/// What a change to one named session writes, once judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Put the session back in the queue at its place: nobody's, no bot, no transfer.
    Reset,
    /// Offer the session to this associate.
    Offer(i64),
    /// Give the session to the caller, at their first free Rank.
    Accept,
    /// Clear the pending transfer.
    Reject,
}
