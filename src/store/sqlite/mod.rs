//! The SQLite backend.
//!
//! One [`SqliteStore`] per database file: a connection for reads behind a mutex, and the
//! database's one writer (`writer/`), which commits the pickups and sign-in counts queued
//! for it in groups - inside a process writes never fight over the file lock (SQLite's busy
//! handler is unfair under contention), and one sync serves many callers. Across processes,
//! each batch is one short `BEGIN IMMEDIATE` transaction, and a lock not acquired within
//! `busy_timeout` becomes [`StoreError::Busy`] - a 503, never a hang. (The admin commands
//! write on the reading connection: they are rare, and the file lock orders them.)
//!
//! Here: the store, opened and checked; its [`crate::store::Store`] methods in `store.rs`.

mod admin;
mod columns;
mod create;
mod customer;
mod errors;
mod events;
mod keys;
mod load;
mod logins;
mod messages;
mod migrate;
mod moves;
mod options;
mod owned;
mod pickup;
mod reads;
mod secrets;
mod store;
mod tenants;
mod watch;
mod webhooks;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::{FairMutex, FairMutexGuard};
use rusqlite::{Connection, OpenFlags};

use super::StoreError;
pub use migrate::{SCHEMA, SCHEMA_VERSION};
pub use options::{Journal, SqliteOptions, Synchronous};
use options::{configure, configure_connection};
pub use tenants::{SqliteStores, tenant_path};

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

impl SqliteStore {
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
