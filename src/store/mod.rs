//! Persistence behind a narrow interface.
//!
//! The handler sees only [`Stores`] (which database serves a tenant) and [`Store`] (look up
//! an account, pick up a session); the `admin` and `demo` commands see [`admin::Admin`]. All
//! are synchronous: the handler runs them on tokio's blocking pool. Two backends implement
//! them - [`sqlite`], the default, and [`postgres`], for tenants past one SQLite writer -
//! sharing what is not a query: the welcome message ([`welcome`]), the carriers' cells
//! ([`load`]) and the free Rank ([`first_free_rank`]).

pub mod admin;
pub mod load;
pub mod postgres;
pub mod sqlite;
pub mod welcome;

use std::fmt;
use std::sync::Arc;

use crate::auth::secret::SecretKind;
use crate::entity::Object;
use crate::locale::zone::ZoneName;
use crate::locale::{Language, Resources};
use crate::tenant::Tenant;
use crate::time::Timestamp;

/// An associate acting as a chat user agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    pub associate_id: i64,
    /// The login name (`tje0`).
    pub name: String,
    /// What customers see as the author of the agent's messages: the full name, or the login
    /// name when the associate has none.
    pub display_name: String,
}

impl Agent {
    /// The agent with login `name`, shown to customers by `full_name` - or by the login name
    /// when the associate has no full name.
    pub fn new(associate_id: i64, name: String, full_name: String) -> Self {
        let display_name = if full_name.trim().is_empty() {
            name.clone()
        } else {
            full_name
        };
        Self {
            associate_id,
            name,
            display_name,
        }
    }
}

/// What authentication needs to know about a login name.
#[derive(Clone, Debug)]
pub struct Account {
    pub agent: Agent,
    /// The argon2id PHC string, if the associate has a password.
    pub password_hash: Option<String>,
    pub deleted: bool,
    /// The IANA zone of the associate's own time-zone location, if one is set.
    pub time_zone: Option<String>,
    /// SuperOffice's UserType: 1 is an internal associate, the only kind that picks up chats.
    pub user_type: i64,
}

/// A session the caller has just picked up.
#[derive(Clone, Debug)]
pub struct Pickup {
    pub session_id: i64,
    pub topic_id: i64,
    /// How long the customer waited in the queue.
    pub waited_ms: i64,
    /// The ChatSessionEntity as committed, nested carriers loaded.
    pub session: Object,
}

pub trait Store: Send + Sync {
    /// The account with this login name (case-insensitive), deleted or not.
    fn account(&self, login: &str) -> Result<Option<Account>, StoreError>;

    /// The account holding the live (not revoked, not expired at `now`) secret of `kind`
    /// whose SHA-256 is `fingerprint`; deleted or not.
    fn account_by_secret(
        &self,
        kind: SecretKind,
        fingerprint: &str,
        now: Timestamp,
    ) -> Result<Option<Account>, StoreError>;

    /// The name of the registered, unrevoked partner app whose token has `fingerprint`.
    fn partner_app(&self, fingerprint: &str) -> Result<Option<String>, StoreError>;

    /// Assigns the first available session of the queue to `agent` and posts the topic's
    /// welcome message, in one transaction. `None`: nothing eligible, nothing changed.
    fn pickup(&self, agent: &Agent, now: Timestamp) -> Result<Option<Pickup>, StoreError>;

    /// The IANA zone of a time-zone location named by code or id; `None` if there is none.
    fn location(&self, name: &ZoneName) -> Result<Option<String>, StoreError>;

    /// The string resources in `language`, English where it has none.
    fn resources(&self, language: Language) -> Result<Resources, StoreError>;
}

pub trait Stores: Send + Sync {
    /// The store of `tenant`, or the default store. A tenant without a database is
    /// [`StoreError::UnknownTenant`]; a tenant's database is never created on demand.
    fn store(&self, tenant: Option<&Tenant>) -> Result<Arc<dyn Store>, StoreError>;
}

/// Why the store could not serve. The text is for the log only: it may name files and SQL.
#[derive(Debug)]
pub enum StoreError {
    /// Another writer held the database past the busy timeout; retrying later helps.
    Busy(String),
    /// The database cannot be used: missing, read-only, corrupt or too new.
    Unavailable(String),
    /// The database server cannot be reached or cannot write just now (refused, restarting,
    /// a read-only replica during a failover); retrying in a few seconds can help.
    Unreachable(String),
    /// The disk (or the database's size ceiling) is full; retrying later can help once space
    /// is freed.
    Full(String),
    UnknownTenant(Tenant),
    /// A bug or an unexpected state.
    Internal(String),
}

/// The lowest positive number missing from `ranks` (ascending): an agent's next free Rank.
/// Reads only as far as the first gap.
pub fn first_free_rank<E>(ranks: impl IntoIterator<Item = Result<i64, E>>) -> Result<i64, E> {
    let mut free = 1;
    for rank in ranks {
        let rank = rank?;
        if rank > free {
            break;
        }
        free = free.max(rank + 1);
    }
    Ok(free)
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Busy(detail) => write!(f, "database busy: {detail}"),
            StoreError::Unavailable(detail) => write!(f, "database unavailable: {detail}"),
            StoreError::Unreachable(detail) => write!(f, "database unreachable: {detail}"),
            StoreError::Full(detail) => write!(f, "database full: {detail}"),
            StoreError::UnknownTenant(tenant) => write!(f, "no database for tenant {tenant}"),
            StoreError::Internal(detail) => write!(f, "store failure: {detail}"),
        }
    }
}

impl std::error::Error for StoreError {}
