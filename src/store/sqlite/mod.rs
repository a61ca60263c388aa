//! The SQLite backend.
//!
//! One [`SqliteStore`] per database file: a connection for reads behind a mutex, and the
//! database's one writer ([`writer`]), which commits the pickups and sign-in counts queued
//! for it in groups - inside a process writes never fight over the file lock (SQLite's busy
//! handler is unfair under contention), and one sync serves many callers. Across processes,
//! each batch is one short `BEGIN IMMEDIATE` transaction, and a lock not acquired within
//! `busy_timeout` becomes [`StoreError::Busy`] - a 503, never a hang. (The admin commands
//! write on the reading connection: they are rare, and the file lock orders them.)

mod admin;
mod errors;
mod keys;
mod load;
mod logins;
mod migrate;
mod pickup;
mod reads;
mod reset;
mod tenants;
mod transfer;
mod writer;

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use parking_lot::{FairMutex, FairMutexGuard};
use rusqlite::{Connection, OpenFlags};

use super::transfer::Step;
use super::{Change, Claim, Keyed, LoginFailures, Outcome, Store, StoreError, Which, sessions};
use crate::account::secret::SecretKind;
use crate::account::{Account, Agent};
use crate::entity::{CHAT_SESSION_ENTITY, Object};
use crate::idempotency::IdempotencyKey;
use crate::locale::{Language, Location, Resources};
use crate::time::Timestamp;
pub use migrate::{SCHEMA, SCHEMA_VERSION};
use pickup::Taken;
pub use tenants::{SqliteStores, tenant_path};

/// How the journal is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Journal {
    /// Write-ahead log: readers never block the writer. Local disks only.
    Wal,
    /// Rollback journal: works on network file systems (EFS), where WAL's shared memory
    /// does not.
    Delete,
}

/// `PRAGMA synchronous`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Synchronous {
    /// Every commit reaches the disk before the caller is answered: a picked-up session
    /// survives a power cut.
    Full,
    /// Faster commits under WAL; after a power cut (not a crash of this process) the last
    /// pickups can be lost - and then handed out again to someone else.
    Normal,
}

#[derive(Clone, Debug)]
pub struct SqliteOptions {
    pub journal: Journal,
    pub synchronous: Synchronous,
    pub busy_timeout: Duration,
    /// A ceiling on the database's size (SQLite's `max_page_count`): a tenant that reaches
    /// it gets 503s, as on a full disk, instead of filling a volume other tenants share.
    pub max_size_bytes: Option<u64>,
    /// The page cache's ceiling per connection, in KiB (SQLite's default is 2,000).
    pub cache_kib: u32,
    /// How many prepared statements a connection keeps (rusqlite's default is 16).
    pub statements: usize,
    /// Whether the connection keeps SQLite's lookaside allocator (about 120 KB of its own
    /// that speeds up small allocations): worth it for the default database, not for each of
    /// thousands of small tenants.
    pub lookaside: bool,
    /// How many tenant databases stay open at once ([`crate::store::open`]).
    pub open_tenants: NonZeroUsize,
}

/// A tenant's page cache: small tenants touch few pages, and thousands may be open.
const TENANT_CACHE_KIB: u32 = 128;
/// A tenant's prepared statements: the few that every request runs.
const TENANT_STATEMENTS: usize = 4;

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            journal: Journal::Wal,
            synchronous: Synchronous::Full,
            busy_timeout: Duration::from_secs(5),
            max_size_bytes: None,
            cache_kib: 2000,
            statements: 16,
            lookaside: true,
            open_tenants: crate::store::open::default_capacity(),
        }
    }
}

impl SqliteOptions {
    /// The options a tenant's database is opened with: these, with a small page cache.
    fn for_tenant(&self) -> Self {
        Self {
            cache_kib: self.cache_kib.min(TENANT_CACHE_KIB),
            statements: TENANT_STATEMENTS,
            lookaside: false,
            ..self.clone()
        }
    }
}

pub struct SqliteStore {
    writer: writer::Writer,
    /// For reads (and admin writes). Fair: waiting requests get the connection in arrival order. The standard mutex lets
    /// a releasing thread take it straight back, which under load left some requests
    /// waiting many turns (a p99 several times the median).
    connection: Arc<FairMutex<Connection>>,
    path: PathBuf,
    /// Which file the connection opened (device and inode), to notice it being replaced.
    file: Option<FileId>,
    /// Set when the connection met a fault of the file (read-only, corrupt, I/O error): the
    /// next request reopens it, so the service recovers once the fault is removed. A full
    /// disk is not such a fault - the connection is fine, and a reopen would not help.
    faulted: AtomicBool,
}

/// A file's identity: device and inode.
type FileId = (u64, u64);

fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path)
        .ok()
        .map(|metadata| (metadata.dev(), metadata.ino()))
}

impl SqliteStore {
    /// Opens the database at `path`, creating it (and its schema) if it does not exist.
    pub fn create(path: &Path, options: &SqliteOptions) -> Result<Self, StoreError> {
        let connection = Connection::open(path).map_err(|error| errors::opening(path, error))?;
        Self::prepare(connection, path, options)
    }

    /// Opens an existing database; a missing file is an error, never a new database.
    pub fn open_existing(path: &Path, options: &SqliteOptions) -> Result<Self, StoreError> {
        if !path.is_file() {
            return Err(StoreError::Unavailable(format!(
                "{} does not exist",
                path.display()
            )));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let connection = Connection::open_with_flags(path, flags)
            .map_err(|error| errors::opening(path, error))?;
        Self::prepare(connection, path, options)
    }

    fn prepare(
        mut connection: Connection,
        path: &Path,
        options: &SqliteOptions,
    ) -> Result<Self, StoreError> {
        configure(&connection, options).map_err(|error| errors::opening(path, error))?;
        migrate::migrate(&mut connection, path)?;
        let file = file_id(path);
        let connection = Arc::new(FairMutex::new(connection));
        // A rollback journal's readers hold a lock the commit must wait for, and a commit
        // under way turns new readers away: in one process, reads and writes then share the
        // one connection and take turns, instead of meeting in SQLite's sleeping busy handler.
        let shared = (options.journal == Journal::Delete).then(|| connection.clone());
        Ok(Self {
            writer: writer::Writer::new(path, options, file, shared),
            connection,
            path: path.to_path_buf(),
            file,
            faulted: AtomicBool::new(false),
        })
    }

    /// Whether the file at the path is still the one this store opened. A file deleted or
    /// replaced (a restored backup) under a running process is not: an open connection would
    /// go on writing into the old, unlinked file, and every pickup it answered would vanish.
    pub fn is_current(&self) -> bool {
        !self.faulted.load(Ordering::Relaxed)
            && self.file.is_some()
            && file_id(&self.path) == self.file
    }

    /// Passes `result` on, noting a fault of the file (see `faulted`). A busy or full
    /// database is not a fault of this connection: waiting is the cure, not reopening.
    fn watch<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        if let Err(StoreError::Unavailable(_)) = &result {
            self.faulted.store(true, Ordering::Relaxed);
        }
        result
    }

    /// The one connection. A panic while it was held cannot leave a transaction open
    /// (rusqlite rolls back on drop), so the connection stays usable after one.
    pub fn connection(&self) -> FairMutexGuard<'_, Connection> {
        self.connection.lock()
    }
}

/// A [`Keyed`] that owns its key, to send with a write to the writer's thread.
struct OwnedKey {
    key: IdempotencyKey,
    operation: &'static str,
    expired_before: Timestamp,
}

impl OwnedKey {
    fn of(keyed: &Keyed) -> Self {
        Self {
            key: keyed.key.clone(),
            operation: keyed.operation,
            expired_before: keyed.expired_before,
        }
    }

    fn keyed(&self) -> Keyed<'_> {
        Keyed {
            key: &self.key,
            operation: self.operation,
            expired_before: self.expired_before,
        }
    }
}

/// The connection's settings, then the database's journal mode (kept in the file).
fn configure(connection: &Connection, options: &SqliteOptions) -> rusqlite::Result<()> {
    configure_connection(connection, options)?;
    let journal = match options.journal {
        Journal::Wal => "WAL",
        Journal::Delete => "DELETE",
    };
    let _mode: String =
        connection.query_row(&format!("PRAGMA journal_mode = {journal}"), [], |row| {
            row.get(0)
        })?;
    Ok(())
}

/// The settings of one connection, for a database whose journal mode is set already: the
/// writer's connection, opened while others may be writing, must not ask for a journal
/// change (which can be refused as busy without waiting).
fn configure_connection(connection: &Connection, options: &SqliteOptions) -> rusqlite::Result<()> {
    if !options.lookaside {
        without_lookaside(connection);
    }
    connection.busy_timeout(options.busy_timeout)?;
    connection.pragma_update(None, "cache_size", -i64::from(options.cache_kib))?;
    connection.set_prepared_statement_cache_capacity(options.statements);
    let synchronous = match options.synchronous {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    connection.pragma_update(None, "synchronous", synchronous)?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    if let Some(bytes) = options.max_size_bytes {
        let page_size: u64 = connection.pragma_query_value(None, "page_size", |row| row.get(0))?;
        let pages = bytes.div_ceil(page_size).max(1);
        let granted: u64 =
            connection.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |row| {
                row.get(0)
            })?;
        if granted != pages {
            // SQLite never sets the ceiling below the current size.
            tracing::warn!(
                requested_pages = pages,
                granted_pages = granted,
                "the database is already larger than its size ceiling; it cannot grow"
            );
        }
    }
    Ok(())
}

/// Turns SQLite's lookaside allocator off for `connection`, giving back its buffer. rusqlite
/// has no safe call for `SQLITE_DBCONFIG_LOOKASIDE`; a connection that was just opened uses
/// no lookaside memory yet, which is when SQLite allows the change.
fn without_lookaside(connection: &Connection) {
    // SAFETY: the handle is this open connection's, used on this thread under its mutex (or
    // before it is shared); a null buffer with size 0 and count 0 disables lookaside, and a
    // refusal (SQLITE_BUSY) only leaves it on.
    unsafe {
        rusqlite::ffi::sqlite3_db_config(
            connection.handle(),
            rusqlite::ffi::SQLITE_DBCONFIG_LOOKASIDE,
            std::ptr::null_mut::<std::ffi::c_void>(),
            0,
            0,
        );
    }
}

impl Store for SqliteStore {
    fn account(&self, login: &str) -> Result<Option<Account>, StoreError> {
        self.watch(reads::by_login(&self.connection(), login).map_err(Into::into))
    }

    fn account_by_secret(
        &self,
        kind: SecretKind,
        fingerprint: &str,
        now: Timestamp,
    ) -> Result<Option<Account>, StoreError> {
        self.watch(reads::by_secret(&self.connection(), kind, fingerprint, now).map_err(Into::into))
    }

    fn partner_app(&self, fingerprint: &str) -> Result<Option<String>, StoreError> {
        self.watch(reads::partner_app(&self.connection(), fingerprint).map_err(Into::into))
    }

    fn pickup(
        &self,
        agent: &Agent,
        now: Timestamp,
        key: Option<&Keyed>,
    ) -> Result<Claim, StoreError> {
        self.watch(self.pickup_and_load(agent, Which::First, now, key))
    }

    fn pickup_session(
        &self,
        agent: &Agent,
        session_id: i64,
        now: Timestamp,
        key: Option<&Keyed>,
    ) -> Result<Claim, StoreError> {
        self.watch(self.pickup_and_load(agent, Which::Session(session_id), now, key))
    }

    fn agent_sessions(&self, agent: &Agent) -> Result<Vec<Object>, StoreError> {
        let rest = sessions::filter_and_order("?1");
        let listed = load::list(
            &mut self.connection(),
            &CHAT_SESSION_ENTITY,
            &rest,
            &[agent.associate_id],
        );
        self.watch(listed.map_err(Into::into))
    }

    fn reset(
        &self,
        agent: &Agent,
        session_id: i64,
        now: Timestamp,
        key: Option<&Keyed>,
    ) -> Result<Change, StoreError> {
        self.change(agent, session_id, key, move |connection, agent, key| {
            reset::reset(connection, agent, session_id, now, key)
        })
    }

    fn transfer(
        &self,
        agent: &Agent,
        session_id: i64,
        step: &Step,
        now: Timestamp,
        key: Option<&Keyed>,
    ) -> Result<Change, StoreError> {
        let step = step.clone();
        self.change(agent, session_id, key, move |connection, agent, key| {
            transfer::transfer(connection, agent, session_id, &step, now, key)
        })
    }

    fn agent_session(&self, agent: &Agent, id: i64) -> Result<Option<Object>, StoreError> {
        let rest = sessions::one("?1", "?2");
        let found = load::list(
            &mut self.connection(),
            &CHAT_SESSION_ENTITY,
            &rest,
            &[agent.associate_id, id],
        );
        self.watch(
            found
                .map(|found| found.into_iter().next())
                .map_err(Into::into),
        )
    }

    fn location(&self, location: &Location) -> Result<Option<String>, StoreError> {
        self.watch(reads::location(&self.connection(), location).map_err(Into::into))
    }

    fn resources(&self, language: Language) -> Result<Resources, StoreError> {
        self.watch(reads::resources(&self.connection(), language).map_err(Into::into))
    }

    fn login_failures(&self, login: &str) -> Result<Option<LoginFailures>, StoreError> {
        self.watch(logins::failures(&self.connection(), login).map_err(Into::into))
    }

    fn record_login_failure(
        &self,
        login: &str,
        now: Timestamp,
        forget_before: Timestamp,
    ) -> Result<(), StoreError> {
        let login = login.to_string();
        self.watch(
            self.writer
                .run(move |connection| Ok(logins::record(connection, &login, now, forget_before)?)),
        )
    }
}

impl SqliteStore {
    /// The pickup in the writer's next batch, then the session loaded as it will be
    /// committed - or, for a key used before, the session it took as it is now.
    fn pickup_and_load(
        &self,
        agent: &Agent,
        which: Which,
        now: Timestamp,
        key: Option<&Keyed>,
    ) -> Result<Claim, StoreError> {
        let agent = agent.clone();
        let key = key.map(OwnedKey::of);
        self.writer.run(move |connection| {
            let key = key.as_ref().map(OwnedKey::keyed);
            let claimed = match pickup::pickup(connection, &agent, which, now, key.as_ref())? {
                Taken::Now(None) => return Ok(Claim::Picked(None)),
                Taken::Forbidden => return Ok(Claim::Forbidden),
                Taken::AtCapacity(full) => return Ok(Claim::AtCapacity(full)),
                Taken::Now(Some(claimed)) => claimed,
                Taken::Before(earlier) => {
                    return earlier
                        .answer(|id| Ok(load::load(connection, &CHAT_SESSION_ENTITY, id)?));
                }
            };
            let session = load::load(connection, &CHAT_SESSION_ENTITY, claimed.session_id)?
                .ok_or_else(|| {
                    StoreError::Internal(format!(
                        "session {} vanished after pickup",
                        claimed.session_id
                    ))
                })?;
            Ok(Claim::Picked(Some(claimed.picked_up(session, now))))
        })
    }

    /// A change to session `session_id` for `agent`: `work` in the writer's next batch, with
    /// the key; then the session as it is.
    fn change(
        &self,
        agent: &Agent,
        session_id: i64,
        key: Option<&Keyed>,
        work: impl FnOnce(&Connection, &Agent, Option<&Keyed>) -> rusqlite::Result<Outcome>
        + Send
        + 'static,
    ) -> Result<Change, StoreError> {
        let agent = agent.clone();
        let key = key.map(OwnedKey::of);
        let outcome = self.writer.run(move |connection| {
            let key = key.as_ref().map(OwnedKey::keyed);
            Ok(work(connection, &agent, key.as_ref())?)
        });
        let load = |id| Ok(load::load(&self.connection(), &CHAT_SESSION_ENTITY, id)?);
        self.watch(outcome.and_then(|outcome| outcome.change(session_id, load)))
    }

    /// Runs admin `work` in one transaction on the reading connection, which commits if it
    /// returns `Ok`.
    fn write<T, E: From<rusqlite::Error>>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut connection = self.connection();
        let transaction =
            connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let value = work(&transaction)?;
        transaction.commit()?;
        Ok(value)
    }
}
