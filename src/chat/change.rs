//! A change to one named session - a reset, a transfer's step - as it is asked ([`Move`]),
//! and what it comes to for its caller once it is committed and the session read back
//! ([`Change`]).

use super::Refusal;
use super::edit::Edits;
use super::post::NewMessage;
use super::transfer::Step;
use crate::entity::Object;

/// A change asked of one named session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Move {
    /// Back to the queue ([`super::reset`]).
    Reset,
    /// A step of a transfer ([`super::transfer`]).
    Transfer(Step),
    /// The agent's message ([`super::post`]).
    Post(NewMessage),
    /// A change of the session's properties, its end included ([`super::edit`]).
    Edit(Edits),
}

/// What a change to one named session came to: the session - or, for a message, the
/// message - as it is.
#[derive(Debug)]
pub enum Change {
    /// Made now: the session as it is after it.
    Made(Object),
    /// Nothing to do ("nothing happens"): the session as it is. Only the key was recorded.
    Unchanged(Object),
    /// Made before under this key: the session as it is now. Nothing changed.
    Replayed(Option<Object>),
    /// Not made, for this reason. Nothing changed.
    Refused(Refusal),
}
