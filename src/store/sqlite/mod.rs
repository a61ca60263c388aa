//! The SQLite backend.
//!
//! One [`SqliteStore`] per database file, holding one connection behind a mutex: inside a
//! process every write goes through that one writer instead of fighting over the file lock
//! (SQLite's busy handler is unfair under contention). Across processes, each pickup is one
//! short `BEGIN IMMEDIATE` transaction, and a lock not acquired within `busy_timeout` becomes
//! [`StoreError::Busy`] - a 503, never a hang.

pub mod admin;
mod credentials;
mod errors;
mod load;
mod pickup;
mod tenants;
mod welcome;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use parking_lot::{FairMutex, FairMutexGuard};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use super::{Account, Agent, Pickup, Store, StoreError};
use crate::auth::secret::SecretKind;
use crate::locale::zone::ZoneName;
use crate::locale::{Language, Resources};
use crate::time::Timestamp;
pub use tenants::SqliteStores;

/// The schema, applied idempotently whenever a database is opened at an older version.
pub const SCHEMA: &str = include_str!("../../../schema.sql");
/// Must match the `PRAGMA user_version` at the end of `schema.sql`.
pub const SCHEMA_VERSION: i64 = 3;

/// What `CREATE TABLE IF NOT EXISTS` cannot do for a database made by an older schema: the
/// columns added since, applied before the schema when upgrading from below each version.
const ADDED_COLUMNS: [(i64, &str); 1] = [(
    2,
    "ALTER TABLE associate ADD COLUMN tzlocation_id INTEGER REFERENCES tzlocation (tzlocation_id);
     ALTER TABLE chat_topic ADD COLUMN widget_agent_use_firstname INTEGER NOT NULL DEFAULT 0;",
)];

/// How the journal is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Journal {
    /// Write-ahead log: readers never block the writer. Local disks only.
    Wal,
    /// Rollback journal: works on network file systems (EFS), where WAL's shared memory
    /// does not.
    Delete,
}

/// `PRAGMA synchronous`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
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
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            journal: Journal::Wal,
            synchronous: Synchronous::Full,
            busy_timeout: Duration::from_secs(5),
            max_size_bytes: None,
        }
    }
}

pub struct SqliteStore {
    /// Fair: waiting requests get the connection in arrival order. The standard mutex lets
    /// a releasing thread take it straight back, which under load left some requests
    /// waiting many turns (a p99 several times the median).
    connection: FairMutex<Connection>,
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
        migrate(&mut connection, path)?;
        Ok(Self {
            connection: FairMutex::new(connection),
            path: path.to_path_buf(),
            file: file_id(path),
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

fn configure(connection: &Connection, options: &SqliteOptions) -> rusqlite::Result<()> {
    connection.busy_timeout(options.busy_timeout)?;
    let journal = match options.journal {
        Journal::Wal => "WAL",
        Journal::Delete => "DELETE",
    };
    let _mode: String =
        connection.query_row(&format!("PRAGMA journal_mode = {journal}"), [], |row| {
            row.get(0)
        })?;
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

/// Brings the schema up to [`SCHEMA_VERSION`]; refuses a database from a newer build.
fn migrate(connection: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let failed = |error| errors::opening(path, error);
    let version: i64 = connection
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(failed)?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::Unavailable(format!(
            "{}: schema version {version} is newer than this build's {SCHEMA_VERSION}",
            path.display()
        )));
    }
    if version < SCHEMA_VERSION {
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed)?;
        // Version 0 is a new database: the schema creates every column.
        for (added_in, sql) in ADDED_COLUMNS {
            if (1..added_in).contains(&version) {
                transaction.execute_batch(sql).map_err(failed)?;
            }
        }
        transaction.execute_batch(SCHEMA).map_err(failed)?;
        transaction.commit().map_err(failed)?;
    }
    Ok(())
}

impl Store for SqliteStore {
    fn account(&self, login: &str) -> Result<Option<Account>, StoreError> {
        self.watch(credentials::by_login(&self.connection(), login).map_err(Into::into))
    }

    fn account_by_secret(
        &self,
        kind: SecretKind,
        fingerprint: &str,
        now: Timestamp,
    ) -> Result<Option<Account>, StoreError> {
        self.watch(
            credentials::by_secret(&self.connection(), kind, fingerprint, now).map_err(Into::into),
        )
    }

    fn partner_app(&self, fingerprint: &str) -> Result<Option<String>, StoreError> {
        self.watch(credentials::partner_app(&self.connection(), fingerprint).map_err(Into::into))
    }

    fn pickup(&self, agent: &Agent, now: Timestamp) -> Result<Option<Pickup>, StoreError> {
        self.watch(self.pickup_and_load(agent, now))
    }

    fn location(&self, name: &ZoneName) -> Result<Option<String>, StoreError> {
        self.watch(self.location_zone(name).map_err(Into::into))
    }

    fn resources(&self, language: Language) -> Result<Resources, StoreError> {
        self.watch(welcome::resources(&self.connection(), language).map_err(Into::into))
    }
}

impl SqliteStore {
    fn pickup_and_load(&self, agent: &Agent, now: Timestamp) -> Result<Option<Pickup>, StoreError> {
        let mut connection = self.connection();
        let Some(claimed) = pickup::pickup(&mut connection, agent, now)? else {
            return Ok(None);
        };
        let session = load::load(
            &connection,
            &crate::entity::CHAT_SESSION_ENTITY,
            claimed.session_id,
        )?
        .ok_or_else(|| {
            StoreError::Internal(format!(
                "session {} vanished after pickup",
                claimed.session_id
            ))
        })?;
        Ok(Some(Pickup {
            session_id: claimed.session_id,
            topic_id: claimed.topic_id,
            waited_ms: now.millis_since(claimed.when_requested),
            session,
        }))
    }

    fn location_zone(&self, name: &ZoneName) -> rusqlite::Result<Option<String>> {
        let connection = self.connection();
        let (sql, key): (&str, &dyn rusqlite::ToSql) = match name {
            ZoneName::Location(code) => (
                "SELECT iana_zone FROM tzlocation WHERE location_code = ?1",
                code,
            ),
            ZoneName::Id(id) => (
                "SELECT iana_zone FROM tzlocation WHERE tzlocation_id = ?1",
                id,
            ),
            ZoneName::Known(zone) => return Ok(Some(zone.label().to_string())),
        };
        connection
            .prepare_cached(sql)?
            .query_row([key], |row| row.get(0))
            .optional()
    }
}

/// Where a tenant's database lives: `{dir}/{tenant}.db`.
pub fn tenant_path(dir: &Path, tenant: &crate::tenant::Tenant) -> PathBuf {
    dir.join(format!("{tenant}.db"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locale::Zone;

    fn store_at(dir: &tempfile::TempDir) -> (PathBuf, SqliteStore) {
        let path = dir.path().join("db.sqlite");
        let store = SqliteStore::create(&path, &SqliteOptions::default()).unwrap();
        (path, store)
    }

    #[test]
    fn a_version_1_database_is_upgraded_and_keeps_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let old = Connection::open(&path).unwrap();
        old.execute_batch(include_str!("../../../tests/fixtures/schema_v1.sql"))
            .unwrap();
        old.execute_batch(
            "INSERT INTO associate (associate_id, name) VALUES (1, 'tje0');
             INSERT INTO chat_topic (id, name, language_id) VALUES (1, 'Support', 4);",
        )
        .unwrap();
        drop(old);
        let store = SqliteStore::create(&path, &SqliteOptions::default()).unwrap();
        let connection = store.connection();
        let (version, swedish, zone, first_name): (i64, String, Option<i64>, i64) = connection
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version), l.code, a.tzlocation_id, \
                 t.widget_agent_use_firstname FROM chat_topic t JOIN language l ON l.id = t.language_id \
                 JOIN associate a ON a.associate_id = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .unwrap();
        assert_eq!(
            (version, swedish.as_str(), zone, first_name),
            (SCHEMA_VERSION, "SW", None, 0)
        );
    }

    #[test]
    fn every_location_keeps_time_by_a_zone_chrono_tz_knows() {
        let dir = tempfile::tempdir().unwrap();
        let (_, store) = store_at(&dir);
        let connection = store.connection();
        let rows: Vec<(i64, String, String)> = connection
            .prepare("SELECT tzlocation_id, location_code, iana_zone FROM tzlocation")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(rows.len() > 300, "{} locations", rows.len());
        for (_, code, zone) in &rows {
            assert!(Zone::from_iana(zone).is_some(), "{code}: {zone}");
        }
        let zone_of = |code: &str| {
            rows.iter()
                .find(|(_, known, _)| known == code)
                .map(|(_, _, zone)| zone.as_str())
        };
        assert_eq!(rows.iter().find(|(id, _, _)| *id == 1).unwrap().1, "UTC");
        let expected = [
            ("NO", "Europe/Oslo"),
            ("DK", "Europe/Copenhagen"),
            ("FR", "Europe/Paris"),
            ("DE", "Europe/Berlin"),
            ("ES", "Europe/Madrid"),
            ("US-NY", "America/New_York"),
            ("US-CA", "America/Los_Angeles"),
            ("US-HI", "Pacific/Honolulu"),
            ("AU-WA", "Australia/Perth"),
            ("AU-NSW", "Australia/Sydney"),
            ("CA-NT", "America/Edmonton"),
            ("CA-QC", "America/Toronto"),
            ("CA-NL", "America/St_Johns"),
        ];
        for (code, zone) in expected {
            assert_eq!(zone_of(code), Some(zone), "{code}");
        }
        // A country spanning several zones has no code of its own: its regions do.
        for code in ["US", "CA", "AU", "RU"] {
            assert_eq!(zone_of(code), None, "{code}");
        }
    }
}
