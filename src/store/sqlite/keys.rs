//! Idempotency keys on SQLite: read, recorded and swept inside the change's transaction,
//! under the write lock that serialises every change ([`crate::chat::idempotency`]).

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, params};

use crate::chat::Actor;
use crate::chat::idempotency::{Outcome, Recorded};
use crate::store::sql::{self, keys::SWEEP};

static LOOKUP: LazyLock<String> = LazyLock::new(|| sql::sqlite(sql::keys::LOOKUP));
static RECORD: LazyLock<String> = LazyLock::new(|| sql::sqlite(sql::keys::RECORD));

const SWEEP_EXPIRED: &str = "DELETE FROM idempotency_key WHERE rowid IN \
    (SELECT rowid FROM idempotency_key WHERE created < ?1 LIMIT ?2)";

/// The record of the actor's key, if they name one.
pub(super) fn recorded(
    transaction: &Connection,
    actor: Actor,
) -> rusqlite::Result<Option<Recorded>> {
    let Some(keyed) = actor.key else {
        return Ok(None);
    };
    transaction
        .prepare_cached(&LOOKUP)?
        .query_row(params![actor.id(), keyed.key.as_str()], |row| {
            sql::keys::recorded(row)
        })
        .optional()
}

/// Records the actor's key (if any) with what the change made, and sweeps a few expired
/// ones away.
pub(super) fn record(
    transaction: &Connection,
    actor: Actor,
    outcome: Outcome,
) -> rusqlite::Result<()> {
    let Some(keyed) = actor.key else {
        return Ok(());
    };
    transaction
        .prepare_cached(SWEEP_EXPIRED)?
        .execute(params![keyed.expired_before, SWEEP])?;
    transaction.prepare_cached(&RECORD)?.execute(params![
        actor.id(),
        keyed.key.as_str(),
        keyed.operation,
        outcome.session_id,
        outcome.message_id,
        actor.now
    ])?;
    Ok(())
}
