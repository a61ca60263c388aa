//! The operations, one file each. An operation is what happens once the request is read
//! and the caller is known: the handler ([`super::handler`]) has checked every header,
//! chosen the tenant's store and authenticated the caller; the operation acts on the store
//! and hands back the entity to render. The route table ([`super::routes`]) names them.

pub mod pickup_first;

use std::net::IpAddr;

use crate::auth::Principal;
use crate::entity::{Object, Shape};
use crate::store::{Store, StoreError};
use crate::tenant::Tenant;
use crate::time::Timestamp;

/// One operation of the API.
pub trait Operation: Sync {
    /// Its name, for the log.
    fn name(&self) -> &'static str;

    /// The entity it answers with, which `$select` names properties of.
    fn entity(&self) -> &'static Shape;

    /// Does the work for the authenticated caller; blocking (it runs on tokio's blocking
    /// pool). `None` is the entity's null: nothing to hand over. A failure is the store's;
    /// [`super::error`] maps it to a status.
    fn run(&self, call: &Call) -> Result<Option<Object>, StoreError>;
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
}
