//! The chat's decisions: what every operation decides about sessions, the queue, Ranks,
//! welcomes, capacity, transfers and `Idempotency-Key` outcomes - as plain types and
//! functions over the facts a backend read. No SQL and no HTTP here: the HTTP layer names
//! the operation, a backend ([`crate::store`]) reads the facts in its transaction, asks the
//! operation's `judge` here and writes what its [`Verdict`] says.
//!
//! - [`queue`]: what waits for an agent, what is in progress, the first free Rank.
//! - [`pickup`]: taking a session - the verdict, the [`pickup::Plan`] it writes, the
//!   [`welcome`] message it posts ([`message`]) and the [`Claim`] it answers.
//! - [`reset`], [`transfer`]: changes to one named session (a [`Move`]), answered as a
//!   [`Change`].
//! - [`effect`]: what such a change writes; [`actor`]: who makes a change, when, under which
//!   key.
//! - [`events`]: the one webhook event each committed change makes; [`outbox`]: delivering
//!   them - what a sender takes out, and when it tries again.
//! - [`capacity`]: how many sessions an agent may hold.
//! - [`idempotency`]: the key a request names, and what a key used before means.
//! - [`verdict`]: the one shape of every change; [`refusal`]: why one is refused.

pub mod actor;
pub mod capacity;
pub mod change;
pub mod create;
pub mod customer;
pub mod edit;
pub mod effect;
pub mod events;
pub mod idempotency;
pub mod message;
pub mod outbox;
pub mod pickup;
pub mod post;
pub mod queue;
pub mod refusal;
pub mod reset;
pub mod standing;
pub mod transfer;
pub mod verdict;
pub mod welcome;

pub use actor::Actor;
pub use change::{Change, Move};
pub use pickup::{Claim, Pickup};
pub use refusal::Refusal;
pub use verdict::Verdict;
