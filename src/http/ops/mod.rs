//! The operations, one file each. An operation is what happens once the request is read
//! and the caller is known: the handler ([`super::handler`]) has checked every header,
//! chosen the tenant's store and authenticated the caller; the operation acts on the store
//! and hands back the entity to render. The route table ([`super::routes`]) names them.

mod changed;
mod claimed;
pub mod for_current_user;
pub mod get_session;
pub mod pickup_by_id;
pub mod pickup_first;
pub mod reset;
pub mod transfer;

use std::net::IpAddr;

use super::delivery::Receipt;
use crate::auth::Principal;
use crate::entity::{Object, Shape};
use crate::idempotency::KeyError;
use crate::store::capacity::Full;
use crate::store::{Keyed, Refusal, Store, StoreError};
use crate::tenant::Tenant;
use crate::time::Timestamp;

/// One operation of the API.
pub trait Operation: Sync {
    /// Its name, for the log.
    fn name(&self) -> &'static str;

    /// The entity it answers with, which `$select` names properties of.
    fn entity(&self) -> &'static Shape;

    /// Whether it changes anything: only then is an `Idempotency-Key` read (a read is safe
    /// to repeat as it is).
    fn changes(&self) -> bool;

    /// Whether it acts on one session the request names (in its path or its body), which
    /// the handler reads into [`Call::session`] before anything changes.
    fn names_a_session(&self) -> bool {
        false
    }

    /// Whether it names an associate too (in its path or its body), which the handler reads
    /// into [`Call::associate`].
    fn names_an_associate(&self) -> bool {
        false
    }

    /// Does the work for the authenticated caller; blocking (it runs on tokio's blocking
    /// pool). [`super::error`] maps a failure to a status.
    fn run(&self, call: &Call) -> Result<Answer, OpError>;
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

/// Why an operation did not answer.
#[derive(Debug)]
pub enum OpError {
    Store(StoreError),
    Key(KeyError),
    /// The session named is in a topic where the caller may not respond.
    Forbidden,
    /// No session of this id that the caller sees.
    NoSuchSession(i64),
    /// The session is neither the caller's nor in a topic the caller manages.
    NotYours,
    /// The session is over.
    Ended(i64),
    /// The caller holds as many sessions as they may.
    AtCapacity(Full),
    /// No user agent of this name or id.
    UnknownAssociate(String),
    /// A transfer to the caller.
    ToSelf,
    /// The associate named may not respond in the session's topic.
    CannotRespond(String),
}

impl OpError {
    /// The error for a change to session `session` refused for `refusal`; `associate` is the
    /// associate the request names, if any.
    pub fn refused(refusal: Refusal, session: i64, associate: Option<&str>) -> Self {
        let associate = || associate.unwrap_or_default().to_string();
        match refusal {
            Refusal::NotFound => OpError::NoSuchSession(session),
            Refusal::NotAllowed => OpError::NotYours,
            Refusal::Ended => OpError::Ended(session),
            Refusal::AtCapacity(full) => OpError::AtCapacity(full),
            Refusal::UnknownAssociate => OpError::UnknownAssociate(associate()),
            Refusal::ToSelf => OpError::ToSelf,
            Refusal::CannotRespond => OpError::CannotRespond(associate()),
        }
    }
}

impl From<StoreError> for OpError {
    fn from(error: StoreError) -> Self {
        OpError::Store(error)
    }
}

/// What an operation runs with.
pub struct Call<'a> {
    pub store: &'a dyn Store,
    pub principal: &'a Principal,
    /// The time of the operation, read after authentication (which may take a while).
    pub now: Timestamp,
    pub request_id: &'a str,
    /// The client's address ([`super::source`]), for the log.
    pub source: Option<IpAddr>,
    pub tenant: Option<&'a Tenant>,
    /// The session the request names, for an operation that [names one](Operation::names_a_session).
    pub session: Option<i64>,
    /// The associate the request names, for an operation that
    /// [names one](Operation::names_an_associate).
    pub associate: Option<String>,
    /// The request's `Idempotency-Key`, for this operation.
    pub key: Option<Keyed<'a>>,
    /// Where a committed change is noted, so that an answer that never arrives is logged.
    pub receipt: &'a Receipt,
}

impl Call<'_> {
    /// The session the request names; the handler reads it for every operation that
    /// [names one](Operation::names_a_session), so its absence is a bug.
    pub fn session_id(&self) -> Result<i64, OpError> {
        self.session.ok_or_else(|| {
            OpError::Store(StoreError::Internal(
                "an operation on a named session ran without its id".into(),
            ))
        })
    }
}
