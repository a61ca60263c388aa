//! Failed-login counts per login name: the store's part of login throttling.

use rusqlite::{Connection, OptionalExtension, params};

use crate::store::LoginFailures;
use crate::time::Timestamp;

const FAILURES: &str = "SELECT failures, last_failure FROM login_failure WHERE login = ?1";

/// One more failure, atomically; a count older than the forget instant starts again.
const RECORD: &str = "INSERT INTO login_failure (login, failures, last_failure) VALUES (?1, 1, ?2) \
    ON CONFLICT (login) DO UPDATE SET \
      failures = CASE WHEN last_failure < ?3 THEN 1 ELSE failures + 1 END, \
      last_failure = excluded.last_failure";

const FORGET: &str = "DELETE FROM login_failure WHERE last_failure < ?1";

pub(super) fn failures(
    connection: &Connection,
    login: &str,
) -> rusqlite::Result<Option<LoginFailures>> {
    connection
        .prepare_cached(FAILURES)?
        .query_row([login], |row| {
            Ok(LoginFailures {
                failures: row.get(0)?,
                last: row.get(1)?,
            })
        })
        .optional()
}

pub(super) fn record(
    transaction: &rusqlite::Connection,
    login: &str,
    now: Timestamp,
    forget_before: Timestamp,
) -> rusqlite::Result<()> {
    transaction
        .prepare_cached(FORGET)?
        .execute([forget_before])?;
    transaction
        .prepare_cached(RECORD)?
        .execute(params![login, now, forget_before])?;
    Ok(())
}
