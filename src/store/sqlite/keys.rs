//! Idempotency keys on SQLite: read, recorded and swept inside the change's transaction,
//! under the write lock that serialises every change ([`crate::store::idempotency`]).

use rusqlite::{Connection, OptionalExtension, params};

use crate::store::idempotency::{Earlier, Keyed, Recorded, SWEEP};
use crate::time::Timestamp;

const LOOKUP: &str = "SELECT operation, session_id, created FROM idempotency_key WHERE associate_id = ?1 AND key = ?2";

/// An expired record of the same key is replaced.
const RECORD: &str = "INSERT INTO idempotency_key (associate_id, key, operation, session_id, created) \
    VALUES (?1, ?2, ?3, ?4, ?5) \
    ON CONFLICT (associate_id, key) DO UPDATE SET operation = excluded.operation, \
      session_id = excluded.session_id, created = excluded.created";

const SWEEP_EXPIRED: &str = "DELETE FROM idempotency_key WHERE rowid IN \
    (SELECT rowid FROM idempotency_key WHERE created < ?1 LIMIT ?2)";

/// What `key` (if any) says to answer instead of making the change: a replay, or its use
/// for another operation; `None` to go on.
pub(super) fn earlier(
    transaction: &Connection,
    associate_id: i64,
    key: Option<&Keyed>,
) -> rusqlite::Result<Option<Earlier>> {
    match key {
        Some(key) => Ok(key.judge(recorded(transaction, associate_id, key)?)),
        None => Ok(None),
    }
}

fn recorded(
    transaction: &Connection,
    associate_id: i64,
    keyed: &Keyed,
) -> rusqlite::Result<Option<Recorded>> {
    transaction
        .prepare_cached(LOOKUP)?
        .query_row(params![associate_id, keyed.key.as_str()], |row| {
            Ok(Recorded {
                operation: row.get(0)?,
                session_id: row.get(1)?,
                created: row.get(2)?,
            })
        })
        .optional()
}

/// Records the key with what the change did, and sweeps a few expired ones away.
pub(super) fn record(
    transaction: &Connection,
    associate_id: i64,
    keyed: &Keyed,
    session_id: Option<i64>,
    now: Timestamp,
) -> rusqlite::Result<()> {
    transaction
        .prepare_cached(SWEEP_EXPIRED)?
        .execute(params![keyed.expired_before, SWEEP])?;
    transaction.prepare_cached(RECORD)?.execute(params![
        associate_id,
        keyed.key.as_str(),
        keyed.operation,
        session_id,
        now
    ])?;
    Ok(())
}
