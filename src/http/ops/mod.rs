//! The operations, one file each. An operation is what happens once the request is read
//! and the caller is known: the handler ([`super::handler`]) has checked every header,
//! chosen the tenant's store and authenticated the caller; the operation acts on the store
//! and hands back the entity to render. The route table ([`super::routes`]) names them.
//!
//! What differs between operations is data, in each file's `const` [`Operation`]: its name,
//! the entity it answers with, whether it changes anything, and, by the kind of its
//! [`Run`], what the request must name. What a change comes to for its caller, and the line
//! it leaves in the log, is `answered`'s, for every change alike.

mod answered;
pub mod for_current_user;
pub mod get_session;
pub mod pickup_by_id;
pub mod pickup_first;
pub mod reset;
pub mod transfer;

use std::net::IpAddr;

use super::delivery::Receipt;
use super::error::ApiError;
use crate::account::tenant::Tenant;
use crate::auth::Principal;
use crate::chat::Actor;
use crate::chat::idempotency::Keyed;
use crate::entity::{CHAT_SESSION_ENTITY, Object, Shape};
use crate::store::Store;
use crate::time::Timestamp;

/// One operation of the API.
pub struct Operation {
    /// Its name, for the log and an `Idempotency-Key`'s record.
    pub name: &'static str,
    /// The entity it answers with, which `$select` names properties of.
    pub entity: &'static Shape,
    /// Whether it changes anything: only then is an `Idempotency-Key` read (a read is safe
    /// to repeat as it is).
    pub changes: bool,
    pub run: Run,
}

impl Operation {
    /// A change, answered with a ChatSessionEntity.
    pub const fn change(name: &'static str, run: Run) -> Self {
        Self {
            name,
            entity: &CHAT_SESSION_ENTITY,
            changes: true,
            run,
        }
    }

    /// A read, answered with ChatSessionEntities.
    pub const fn read(name: &'static str, run: Run) -> Self {
        Self {
            changes: false,
            ..Self::change(name, run)
        }
    }
}

/// What an operation does, by what the request names besides the caller (in its path or
/// its body): the handler reads that before anything changes, and hands it over. Blocking:
/// it runs on tokio's blocking pool.
#[derive(Clone, Copy)]
pub enum Run {
    /// Acts for the caller alone.
    Caller(fn(&Call) -> Done),
    /// Acts on one session, by id.
    Session(fn(&Call, i64) -> Done),
    /// Acts on one session, toward an associate (a login name or an id, as sent).
    SessionTo(fn(&Call, i64, &str) -> Done),
}

/// What an operation comes to; [`super::error`] maps a failure to a status.
pub type Done = Result<Answer, ApiError>;

/// An operation's [`Run`] with what the request named.
pub enum Bound {
    Caller(fn(&Call) -> Done),
    Session(fn(&Call, i64) -> Done, i64),
    SessionTo(fn(&Call, i64, &str) -> Done, i64, String),
}

impl Bound {
    pub fn run(&self, call: &Call) -> Done {
        match self {
            Bound::Caller(run) => run(call),
            Bound::Session(run, session) => run(call, *session),
            Bound::SessionTo(run, session, associate) => run(call, *session, associate),
        }
    }
}

/// What an operation hands back.
#[derive(Debug)]
pub struct Answer {
    pub content: Content,
    /// Answered from a change made before under the request's `Idempotency-Key`.
    pub replayed: bool,
}

/// The body of an answer, in the operation's entity.
#[derive(Debug)]
pub enum Content {
    /// One entity; `None` is its null: nothing to hand over.
    One(Option<Object>),
    /// A list, in the order given.
    List(Vec<Object>),
}

/// What an operation runs with.
pub struct Call<'a> {
    /// The operation's name.
    pub operation: &'static str,
    pub store: &'a dyn Store,
    pub principal: &'a Principal,
    /// The time of the operation, read after authentication (which may take a while).
    pub now: Timestamp,
    pub request_id: &'a str,
    /// The client's address ([`super::source`]), for the log.
    pub source: Option<IpAddr>,
    pub tenant: Option<&'a Tenant>,
    /// The request's `Idempotency-Key`, for this operation.
    pub key: Option<Keyed<'a>>,
    /// Where a committed change is noted, so that an answer that never arrives is logged.
    pub receipt: &'a Receipt,
}

impl Call<'_> {
    /// The caller as the one who makes a change now, under the request's key.
    pub fn actor(&self) -> Actor<'_> {
        Actor {
            agent: &self.principal.agent,
            now: self.now,
            key: self.key,
        }
    }
}
