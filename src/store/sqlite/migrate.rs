//! The schema (`schema.sql`), versioned by `PRAGMA user_version`.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::errors;
use crate::store::StoreError;

/// The schema, applied idempotently whenever a database is opened at an older version.
pub const SCHEMA: &str = include_str!("../../../schema.sql");
/// Must match the `PRAGMA user_version` at the end of `schema.sql`.
pub const SCHEMA_VERSION: i64 = 12;

/// SQLite's alone (PostgreSQL notifies instead): which sessions changed, for a process
/// watching for changes another process committed ([`super::watch`]). One row per session,
/// its `seq` raised by every message posted to it and every change of its status - bounded by
/// the sessions, never swept. (The database's own `PRAGMA data_version` says only that
/// something changed, and not for writes made on the watching connection itself.)
const CHANGE_FEED: &str = "
CREATE TABLE IF NOT EXISTS session_change (
    session_id  INTEGER PRIMARY KEY REFERENCES chat_session (id),
    seq         INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS session_change_seq ON session_change (seq);
CREATE TRIGGER IF NOT EXISTS chat_message_changes AFTER INSERT ON chat_message BEGIN
    INSERT INTO session_change (session_id, seq)
        VALUES (new.session_id, (SELECT coalesce(max(seq), 0) + 1 FROM session_change))
        ON CONFLICT (session_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER IF NOT EXISTS chat_session_changes AFTER UPDATE OF status ON chat_session
    WHEN old.status <> new.status BEGIN
    INSERT INTO session_change (session_id, seq)
        VALUES (new.id, (SELECT coalesce(max(seq), 0) + 1 FROM session_change))
        ON CONFLICT (session_id) DO UPDATE SET seq = excluded.seq;
END;";

/// What `CREATE TABLE IF NOT EXISTS` cannot do for a database made by an older schema: the
/// columns added since - table, column, definition - each added before the schema where its
/// table exists without it (an older database may predate the table: the schema makes it).
const ADDED_COLUMNS: [(&str, &str, &str); 9] = [
    (
        "associate",
        "tzlocation_id",
        "INTEGER REFERENCES tzlocation (tzlocation_id)",
    ),
    (
        "chat_topic",
        "widget_agent_use_firstname",
        "INTEGER NOT NULL DEFAULT 0",
    ),
    (
        "associate",
        "max_active_sessions",
        "INTEGER CHECK (max_active_sessions >= 0)",
    ),
    (
        "chat_topic",
        "agent_max_active_sessions",
        "INTEGER CHECK (agent_max_active_sessions >= 0)",
    ),
    (
        "idempotency_key",
        "message_id",
        "INTEGER REFERENCES chat_message (id)",
    ),
    (
        "chat_session",
        "language_id",
        "INTEGER REFERENCES language (id)",
    ),
    ("chat_session", "alive_until", "TEXT"),
    ("chat_topic", "allowed_origins", "TEXT NOT NULL DEFAULT ''"),
    (
        "chat_topic",
        "customer_idle_seconds",
        "INTEGER CHECK (customer_idle_seconds BETWEEN 60 AND 86400)",
    ),
];

/// Whether `table` exists without `column`.
fn lacks(transaction: &Connection, table: &str, column: &str) -> rusqlite::Result<bool> {
    transaction.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1) \
           AND NOT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)",
        [table, column],
        |row| row.get(0),
    )
}

/// Brings the schema up to [`SCHEMA_VERSION`]; refuses a database from a newer build.
pub(super) fn migrate(connection: &mut Connection, path: &Path) -> Result<(), StoreError> {
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
        for (table, column, definition) in ADDED_COLUMNS {
            if lacks(&transaction, table, column).map_err(failed)? {
                let sql = format!("ALTER TABLE {table} ADD COLUMN {column} {definition}");
                transaction.execute_batch(&sql).map_err(failed)?;
            }
        }
        transaction.execute_batch(SCHEMA).map_err(failed)?;
        transaction.execute_batch(CHANGE_FEED).map_err(failed)?;
        transaction.commit().map_err(failed)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locale::Zone;

    use super::super::{SqliteOptions, SqliteStore};
    use std::path::PathBuf;

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
    fn a_version_3_database_gains_the_failed_login_counts() {
        let dir = tempfile::tempdir().unwrap();
        let (path, store) = store_at(&dir);
        store
            .connection()
            .execute_batch(
                "DROP TABLE login_failure; PRAGMA user_version = 3;
                 ALTER TABLE associate DROP COLUMN max_active_sessions;
                 ALTER TABLE chat_topic DROP COLUMN agent_max_active_sessions;
                 INSERT INTO associate (associate_id, name) VALUES (1, 'tje0');",
            )
            .unwrap();
        drop(store);
        let store = SqliteStore::create(&path, &SqliteOptions::default()).unwrap();
        let connection = store.connection();
        let (version, tables, associates): (i64, i64, i64) = connection
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version), \
                 (SELECT count(*) FROM sqlite_schema WHERE name = 'login_failure'), \
                 (SELECT count(*) FROM associate)",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .unwrap();
        assert_eq!((version, tables, associates), (SCHEMA_VERSION, 1, 1));
    }

    #[test]
    fn a_version_5_database_gains_the_capacity_columns() {
        let dir = tempfile::tempdir().unwrap();
        let (path, store) = store_at(&dir);
        store
            .connection()
            .execute_batch(
                "ALTER TABLE associate DROP COLUMN max_active_sessions;
                 ALTER TABLE chat_topic DROP COLUMN agent_max_active_sessions;
                 PRAGMA user_version = 5;
                 INSERT INTO associate (associate_id, name) VALUES (1, 'tje0');",
            )
            .unwrap();
        drop(store);
        let store = SqliteStore::create(&path, &SqliteOptions::default()).unwrap();
        let connection = store.connection();
        let (version, own, topics): (i64, Option<i64>, i64) = connection
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version), \
                 (SELECT max_active_sessions FROM associate WHERE associate_id = 1), \
                 (SELECT count(agent_max_active_sessions) FROM chat_topic)",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .unwrap();
        assert_eq!((version, own, topics), (SCHEMA_VERSION, None, 0));
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
