//! Idempotency keys on PostgreSQL, as SQLite keeps them: read after the agent's row is
//! locked (which serialises the agent's changes, and keys are the agent's), recorded and
//! swept in the change's transaction ([`crate::chat::idempotency`]).

use deadpool_postgres::ClientWrapper;
use tokio_postgres::types::ToSql;

use super::{execute, row};
use crate::chat::idempotency::{Keyed, Recorded};
use crate::store::sql::keys::{self, SWEEP};
use crate::time::Timestamp;

pub use keys::{LOOKUP, RECORD};

/// Rows another transaction is sweeping are skipped, so sweeps never wait on each other.
pub const SWEEP_EXPIRED: &str = "DELETE FROM idempotency_key WHERE (associate_id, key) IN \
    (SELECT associate_id, key FROM idempotency_key WHERE created < $1 LIMIT $2 \
     FOR UPDATE SKIP LOCKED)";

/// The record of `key` (if any) of associate `associate_id`.
pub async fn recorded(
    client: &ClientWrapper,
    associate_id: i64,
    key: Option<&Keyed<'_>>,
) -> Result<Option<Recorded>, tokio_postgres::Error> {
    let Some(keyed) = key else {
        return Ok(None);
    };
    let found = row(client, LOOKUP, &[&associate_id, &keyed.key.as_str()]).await?;
    found.map(|found| keys::recorded(&found)).transpose()
}

/// Sweeps a few expired keys and records `key` (if any) with the session the change took or
/// named; both sent without waiting, in this order.
pub async fn record(
    client: &ClientWrapper,
    associate_id: i64,
    key: Option<&Keyed<'_>>,
    session_id: Option<i64>,
    now: Timestamp,
) -> Result<(), tokio_postgres::Error> {
    let Some(keyed) = key else {
        return Ok(());
    };
    let expired = keyed.expired_before.utc();
    let record: [&(dyn ToSql + Sync); 5] = [
        &associate_id,
        &keyed.key.as_str(),
        &keyed.operation,
        &session_id,
        &now.utc(),
    ];
    futures_util::future::try_join(
        execute(client, SWEEP_EXPIRED, &[&expired, &SWEEP]),
        execute(client, RECORD, &record),
    )
    .await?;
    Ok(())
}
