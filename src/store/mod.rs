//! Persistence behind a narrow interface.
//!
//! The handler sees only [`Stores`] (which database serves a tenant) and [`Store`] (look up
//! an account, make a change, read sessions); the `admin` commands see [`admin::Admin`]. All
//! are synchronous: the handler runs them on tokio's blocking pool.
//!
//! Every change has one shape: the backend reads the facts in its transaction, the chat's
//! decision ([`crate::chat`]) judges them once, and the backend writes what the verdict says
//! and reads the session back ([`read_back`]). So the backends hold SQL and row mapping only:
//! the SQL both run is written once ([`sql`]), and each backend - [`sqlite`] (the default)
//! and [`postgres`] (for tenants past one SQLite writer) - adds its locks and its way of
//! committing, in the same file map: `mod.rs` (the store), `tenants.rs`, `migrate.rs`,
//! `reads.rs`, `pickup.rs`, `moves.rs` (reset and transfer), `load.rs` (carriers, one or a
//! list), `admin.rs`, `logins.rs` (failed-login counts), `keys.rs`, `errors.rs`.
//! [`open`] keeps the tenants' stores open, a bounded number at a time; [`load`] assembles a
//! carrier from its row; [`admin`] says what the admin operations mint and store; [`bells`]
//! wakes a customer's long poll when their session changes, [`Stores::watch`] rings it for
//! changes committed elsewhere.

pub mod admin;
pub mod bells;
pub mod load;
pub mod open;
pub mod postgres;
pub mod read_back;
pub mod sql;
pub mod sqlite;

use std::fmt;
use std::sync::{Arc, Weak};

use crate::account::secret::SecretKind;
use crate::account::tenant::Tenant;
use crate::account::{Account, Agent};
use crate::chat::create::{Draft, Visitor};
use crate::chat::customer::{Asking, CustomerMove, Fetch};
use crate::chat::outbox::{Outgoing, Settled};
use crate::chat::queue::Which;
use crate::chat::{Actor, Change, Claim, Move};
use crate::entity::Object;
use crate::locale::{Language, Location, Resources};
use crate::time::Timestamp;

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

    /// Issues `agent` a ticket at `now`, valid until `expires`: a page's sign-in, minted as
    /// `admin issue-ticket` mints one ([`admin::NewSecret::issue`]). Returns the ticket, which
    /// is not stored and cannot be shown again.
    fn issue_ticket(
        &self,
        agent: &Agent,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<String, StoreError> {
        let (ticket, stored) = admin::NewSecret::issue(SecretKind::Ticket, now, Some(expires));
        self.store_secret(agent.associate_id, &stored)?;
        Ok(ticket)
    }

    /// Stores a secret issued to associate `associate_id` ([`sql::accounts::ADD_SECRET`]).
    fn store_secret(&self, associate_id: i64, secret: &admin::NewSecret) -> Result<(), StoreError>;

    /// Revokes the live ticket whose fingerprint is `fingerprint` (a page signing out);
    /// `false` if there is none.
    fn revoke_ticket(&self, fingerprint: &str) -> Result<bool, StoreError>;

    /// Assigns `which` session - the first available of the queue, or one named if it waits
    /// for an agent - to the actor and posts the topic's welcome message, in one transaction
    /// that also records the actor's key, if any, with the outcome, as
    /// [`crate::chat::pickup`] decides. A key used before changes nothing.
    fn pickup(&self, actor: Actor, which: Which) -> Result<Claim, StoreError>;

    /// The sessions `agent` sees, in the order they are shown ([`sql::sessions`]); their
    /// rows as of one moment.
    fn agent_sessions(&self, agent: &Agent) -> Result<Vec<Object>, StoreError>;

    /// Makes `change` of session `session_id` for the actor, as [`crate::chat::reset`] or
    /// [`crate::chat::transfer`] decides, in one transaction that also records the actor's
    /// key; then the session as it is.
    fn change(&self, actor: Actor, session_id: i64, change: &Move) -> Result<Change, StoreError>;

    /// Creates a session in topic `topic_id`'s queue for the actor, as
    /// [`crate::chat::create`] decides, in one transaction that also records the actor's key;
    /// then the session as it is, its SessionKey shown (a replay cannot show it again).
    fn create(&self, actor: Actor, topic_id: i64, draft: &Draft) -> Result<Change, StoreError>;

    /// Starts a session in topic `topic_id`'s queue for a customer ([`Visitor`]), as
    /// [`crate::chat::create`] decides; then the customer's view of it
    /// ([`crate::entity::CUSTOMER_SESSION`]), its SessionKey shown.
    fn start(&self, visitor: &Visitor, topic_id: i64, draft: &Draft) -> Result<Change, StoreError>;

    /// Makes the customer's `asked` of session `session_id` at `now`, as
    /// [`crate::chat::customer`] decides, in one transaction; then the message posted, or
    /// the customer's view of the session.
    fn customer_change(
        &self,
        session_id: i64,
        asking: Asking,
        asked: &CustomerMove,
    ) -> Result<Change, StoreError>;

    /// Session `session_id`'s messages after id `after`, in id order, as its customer reads
    /// them ([`Fetch`]): the read is noted as WhenFetched, keeping the chat alive (at most
    /// every [`crate::chat::customer::FETCH_NOTED_EVERY`]), and the agent's messages marked
    /// read.
    fn customer_messages(
        &self,
        session_id: i64,
        after: i64,
        fetch: Fetch,
    ) -> Result<Page, StoreError>;

    /// The web origins (comma-separated) whose pages may call the customer routes at
    /// `place`; `None` where there is no such topic or session.
    fn customer_origins(&self, place: Place) -> Result<Option<String>, StoreError>;

    /// The customer's view of session `session_id`, whatever its status.
    fn customer_session(&self, session_id: i64) -> Result<Option<Object>, StoreError>;

    /// Session `session_id`'s messages after message id `after` (all for 0), in id order,
    /// if `agent` sees the session ([`sql::sessions::ONE`]); as of one moment.
    fn messages(
        &self,
        agent: &Agent,
        session_id: i64,
        after: i64,
    ) -> Result<Option<Vec<Object>>, StoreError>;

    /// Takes up to `limit` deliveries of the outbox due at `now` ([`crate::chat::outbox`]),
    /// under `claim` (new for every take) for [`crate::chat::outbox::LEASE`]; what they send,
    /// in the order their events were recorded.
    fn take_deliveries(
        &self,
        now: Timestamp,
        claim: &str,
        limit: i64,
    ) -> Result<Vec<Outgoing>, StoreError>;

    /// Whether deliveries wait for a webhook not marked failing, due now or later (a retry,
    /// a lease still held, a session's earlier event).
    fn deliveries_waiting(&self) -> Result<bool, StoreError>;

    /// The sessions waiting in each topic's queue, by topic id; and when the oldest event
    /// still waiting for a webhook happened. For the metrics, read when they are scraped.
    fn gauges(&self) -> Result<Gauges, StoreError>;

    /// Notes what became of delivery `outgoing` at `now`.
    fn settle_delivery(
        &self,
        outgoing: &Outgoing,
        settled: &Settled,
        now: Timestamp,
    ) -> Result<(), StoreError>;

    /// The fingerprint of session `session_id`'s key; `None` for no such session.
    fn session_key(&self, session_id: i64) -> Result<Option<String>, StoreError>;

    /// Session `id` if `agent` sees it ([`sql::sessions::ONE`]), whatever its status.
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

/// Where a customer route acts: a topic (a chat started) or a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Topic(i64),
    Session(i64),
}

/// What a customer's read finds: the messages after their mark, and where the session
/// stands now (a long poll answers once either is new).
#[derive(Debug)]
pub struct Page {
    pub messages: Vec<Object>,
    /// `None` for a session that does not exist.
    pub standing: Option<Standing>,
}

/// Where a session stands for its customer: its status and the agent holding it - another
/// agent taking it over (an accepted transfer) is news to a waiting customer too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    /// The ChatSessionStatus value.
    pub status: i64,
    /// The associate holding it; 0 for none.
    pub agent: i64,
}

/// What the metrics read of a store when they are scraped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gauges {
    /// Topic id and the sessions waiting in its queue, for every topic with some.
    pub queue_depths: Vec<(i64, i64)>,
    /// When the oldest event a webhook (not failing) waits for happened.
    pub oldest_undelivered: Option<Timestamp>,
}

/// A login name's failed password verifications, as the store counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginFailures {
    pub failures: u32,
    pub last: Timestamp,
}

pub trait Stores: Send + Sync {
    /// How many tenants' stores are open now.
    fn open_tenants(&self) -> usize;

    /// Every tenant with a database (the default store is not one).
    fn tenants(&self) -> Result<Vec<Tenant>, StoreError>;

    /// The store of `tenant`, or the default store. A tenant without a database is
    /// [`StoreError::UnknownTenant`]; a tenant's database is never created on demand.
    fn store(&self, tenant: Option<&Tenant>) -> Result<Arc<dyn Store>, StoreError>;

    /// The store of `tenant` for work that passes over every tenant (delivering webhooks,
    /// reading gauges): an open one as it is, another opened for this visit alone and closed
    /// when dropped - so a pass over thousands of tenants holds at most one more open and
    /// never closes the ones requests are using.
    fn visit_store(&self, tenant: Option<&Tenant>) -> Result<Arc<dyn Store>, StoreError> {
        self.store(tenant)
    }

    /// Rings `bells` for the sessions that change in the scopes listened in, whoever commits
    /// the change (another process, another instance), within a second; until `bells` is
    /// dropped. Changes this process makes are rung by the handler at once; a backend that
    /// cannot see others' changes leaves it at that.
    fn watch(self: Arc<Self>, bells: Weak<bells::Bells>) {
        drop(bells);
    }

    /// Closes the dead chats ([`crate::chat::customer`]) of the default store and of every
    /// tenant at `now`; how many were closed.
    fn sweep_all(&self, now: Timestamp) -> Result<usize, StoreError>;
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
