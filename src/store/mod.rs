//! Persistence behind a narrow interface.
//!
//! The handler sees only [`Stores`] (which database serves a tenant) and [`Store`] (look up
//! an account, pick up a session); the `admin` and `demo` commands see [`admin::Admin`]. All
//! are synchronous: the handler runs them on tokio's blocking pool.
//!
//! What a pickup decides - the Rank, the status, the welcome text and message, the seconds
//! waited - is decided here, once ([`pickup`], [`welcome`], [`message`]), as is which
//! sessions an agent sees ([`sessions`]), who may reset or transfer one ([`reset`],
//! [`transfer`]), how many an agent may hold ([`capacity`]) and what the
//! admin operations mint and store (secrets, app tokens, session keys, a queued session's
//! columns: [`admin`]) and how a carrier is assembled from its row ([`load`]). The two
//! backends, [`sqlite`] (the default) and [`postgres`] (for tenants past one SQLite writer),
//! hold SQL and row mapping, in the same file map: `mod.rs`
//! (the store), `tenants.rs`, `migrate.rs`, `reads.rs`, `pickup.rs`, `reset.rs`,
//! `transfer.rs`, `load.rs` (carriers, one or a list), `admin.rs`,
//! `logins.rs` (failed-login counts), `errors.rs`.

pub mod admin;
pub mod capacity;
mod change;
pub mod idempotency;
pub mod load;
pub mod message;
pub mod open;
pub mod pickup;
pub mod postgres;
pub mod reset;
pub mod sessions;
pub mod sqlite;
pub mod transfer;
pub mod welcome;

use std::fmt;
use std::sync::Arc;

use crate::account::secret::SecretKind;
use crate::account::{Account, Agent};
use crate::entity::Object;
use crate::locale::{Language, Location, Resources};
use crate::tenant::Tenant;
use crate::time::Timestamp;
pub use change::{Change, Outcome, Refusal};
pub use idempotency::Keyed;
pub use message::Message;
pub use pickup::{Candidate, Pickup, Plan, Sought, Which, first_free_rank};

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
    /// welcome message, in one transaction - which also records `key`, if given, with the
    /// outcome. A key used before changes nothing ([`idempotency`]).
    fn pickup(
        &self,
        agent: &Agent,
        now: Timestamp,
        key: Option<&Keyed>,
    ) -> Result<Claim, StoreError>;

    /// Assigns session `session_id` to `agent` if it waits for one, as [`Store::pickup`]
    /// does with the first (the same rules, welcome and counters, in one transaction);
    /// [`Sought`] says what a session that does not wait comes to.
    fn pickup_session(
        &self,
        agent: &Agent,
        session_id: i64,
        now: Timestamp,
        key: Option<&Keyed>,
    ) -> Result<Claim, StoreError>;

    /// The sessions `agent` sees, in the order they are shown ([`sessions`]); their rows
    /// as of one moment.
    fn agent_sessions(&self, agent: &Agent) -> Result<Vec<Object>, StoreError>;

    /// Puts session `session_id` back in the queue for `agent`, as [`reset`] decides, in one
    /// transaction that also records `key`; then the session as it is.
    fn reset(
        &self,
        agent: &Agent,
        session_id: i64,
        now: Timestamp,
        key: Option<&Keyed>,
    ) -> Result<Change, StoreError>;

    /// Takes `step` of a transfer of session `session_id` for `agent`, as [`transfer`]
    /// decides, in one transaction that also records `key`; then the session as it is.
    fn transfer(
        &self,
        agent: &Agent,
        session_id: i64,
        step: &transfer::Step,
        now: Timestamp,
        key: Option<&Keyed>,
    ) -> Result<Change, StoreError>;

    /// Session `id` if `agent` sees it ([`sessions::one`]), whatever its status.
    fn agent_session(&self, agent: &Agent, id: i64) -> Result<Option<Object>, StoreError>;

    /// The IANA zone of a time-zone location named by code or id; `None` if there is none.
    fn location(&self, location: &Location) -> Result<Option<String>, StoreError>;

    /// The string resources in `language`, English where it has none.
    fn resources(&self, language: Language) -> Result<Resources, StoreError>;

    /// The failed password verifications counted for a login name (`login` is its
    /// `LoginKey`), across every source and instance.
    fn login_failures(&self, login: &str) -> Result<Option<LoginFailures>, StoreError>;

    /// Counts one more failed verification for `login` at `now`. A count last raised before
    /// `forget_before` starts again from one, and such stale counts of other names go.
    fn record_login_failure(
        &self,
        login: &str,
        now: Timestamp,
        forget_before: Timestamp,
    ) -> Result<(), StoreError>;
}

/// What a pickup came to.
#[derive(Debug)]
pub enum Claim {
    /// Made now: the session taken, or `None` when nothing was eligible (nothing changed
    /// but the key's record).
    Picked(Option<Pickup>),
    /// Made before under this key: that session (`None`: the queue was empty then), as it
    /// is now. Nothing changed.
    Replayed {
        session_id: Option<i64>,
        session: Option<Object>,
    },
    /// The key was used for this other operation. Nothing changed.
    KeyUsedFor(String),
    /// The session asked for is in a topic where the agent may not respond. Nothing changed.
    Forbidden,
    /// The agent holds as many sessions as they may ([`capacity`]). Nothing changed.
    AtCapacity(capacity::Full),
}

impl Claim {
    /// The session taken now, if this claim took one.
    pub fn taken(self) -> Option<Pickup> {
        match self {
            Claim::Picked(picked) => picked,
            _ => None,
        }
    }
}

/// A login name's failed password verifications, as the store counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginFailures {
    pub failures: u32,
    pub last: Timestamp,
}

pub trait Stores: Send + Sync {
    /// The store of `tenant`, or the default store. A tenant without a database is
    /// [`StoreError::UnknownTenant`]; a tenant's database is never created on demand.
    fn store(&self, tenant: Option<&Tenant>) -> Result<Arc<dyn Store>, StoreError>;
}

/// Why the store could not serve. The text is for the log only: it may name files and SQL.
#[derive(Clone, Debug)]
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
    /// The connection was lost after the change was sent to be committed: it may have been
    /// made. A retry with the same idempotency key finds out.
    OutcomeUnknown(String),
    /// A bug or an unexpected state.
    Internal(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Busy(detail) => write!(f, "database busy: {detail}"),
            StoreError::Unavailable(detail) => write!(f, "database unavailable: {detail}"),
            StoreError::Unreachable(detail) => write!(f, "database unreachable: {detail}"),
            StoreError::Full(detail) => write!(f, "database full: {detail}"),
            StoreError::UnknownTenant(tenant) => write!(f, "no database for tenant {tenant}"),
            StoreError::OutcomeUnknown(detail) => {
                write!(
                    f,
                    "connection lost while committing, outcome unknown: {detail}"
                )
            }
            StoreError::Internal(detail) => write!(f, "store failure: {detail}"),
        }
    }
}

impl std::error::Error for StoreError {}
