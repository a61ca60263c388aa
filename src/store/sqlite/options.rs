//! How a SQLite database is opened: the options a store is given, and the settings each
//! connection is configured with.

use std::num::NonZeroUsize;
use std::time::Duration;

use rusqlite::Connection;

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
    pub(super) fn for_tenant(&self) -> Self {
        Self {
            cache_kib: self.cache_kib.min(TENANT_CACHE_KIB),
            statements: TENANT_STATEMENTS,
            lookaside: false,
            ..self.clone()
        }
    }
}

/// The connection's settings, then the database's journal mode (kept in the file).
pub(super) fn configure(connection: &Connection, options: &SqliteOptions) -> rusqlite::Result<()> {
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
pub(super) fn configure_connection(
    connection: &Connection,
    options: &SqliteOptions,
) -> rusqlite::Result<()> {
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
