//! Idempotency keys on SQLite: read, recorded and swept inside the change's transaction,
//! under the write lock that serialises every change ([`crate::chat::idempotency`]).

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, params};

use crate::chat::idempotency::{Keyed, Recorded};
use crate::store::sql::{self, keys::SWEEP};
use crate::time::Timestamp;

static LOOKUP: LazyLock<String> = LazyLock::new(|| sql::sqlite(sql::keys::LOOKUP));
static RECORD: LazyLock<String> = LazyLock::new(|| sql::sqlite(sql::keys::RECORD));

const SWEEP_EXPIRED: &str = "DELETE FROM idempotency_key WHERE rowid IN \
    (SELECT rowid FROM idempotency_key WHERE created < ?1 LIMIT ?2)";

/// The record of `key` (if any) of associate `associate_id`.
pub(super) fn recorded(
    transaction: &Connection,
    associate_id: i64,
    key: Option<&Keyed>,
) -> rusqlite::Result<Option<Recorded>> {
    let Some(keyed) = key else {
        return Ok(None);
    };
    transaction
        .prepare_cached(&LOOKUP)?
        .query_row(params![associate_id, keyed.key.as_str()], |row| {
            sql::keys::recorded(row)
        })
        .optional()
}

/// Records `key` (if any) with the session the change took or named, and sweeps a few
/// expired ones away.
pub(super) fn record(
    transaction: &Connection,
    associate_id: i64,
    key: Option<&Keyed>,
    session_id: Option<i64>,
    now: Timestamp,
) -> rusqlite::Result<()> {
    let Some(keyed) = key else {
        return Ok(());
    };
    transaction
        .prepare_cached(SWEEP_EXPIRED)?
        .execute(params![keyed.expired_before, SWEEP])?;
    transaction.prepare_cached(&RECORD)?.execute(params![
        associate_id,
        keyed.key.as_str(),
        keyed.operation,
        session_id,
        now
    ])?;
    Ok(())
}
