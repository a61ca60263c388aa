//! Idempotency keys on PostgreSQL, as SQLite keeps them: read after the agent's row is
//! locked (which serialises the agent's changes, and keys are the agent's), recorded and
//! swept in the change's transaction ([`crate::store::idempotency`]).

use deadpool_postgres::ClientWrapper;
use tokio_postgres::Row;

use super::errors::Failure;
use super::pickup::LOCK_AGENT;
use super::{execute, row};
use crate::store::idempotency::{Earlier, Keyed, Recorded};
use crate::time::Timestamp;

pub const LOOKUP: &str = "SELECT operation, session_id, created FROM idempotency_key WHERE associate_id = $1 AND key = $2";

/// An expired record of the same key is replaced.
pub const RECORD: &str = "INSERT INTO idempotency_key (associate_id, key, operation, session_id, created) \
    VALUES ($1, $2, $3, $4, $5) \
    ON CONFLICT (associate_id, key) DO UPDATE SET operation = excluded.operation, \
      session_id = excluded.session_id, created = excluded.created";

/// Rows another transaction is sweeping are skipped, so sweeps never wait on each other.
pub const SWEEP_EXPIRED: &str = "DELETE FROM idempotency_key WHERE (associate_id, key) IN \
    (SELECT associate_id, key FROM idempotency_key WHERE created < $1 LIMIT $2 \
     FOR UPDATE SKIP LOCKED)";

pub fn recorded(row: Option<Row>) -> Result<Option<Recorded>, Failure> {
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(Recorded {
        operation: row.try_get(0)?,
        session_id: row.try_get(1)?,
        created: Timestamp::from_utc(row.try_get(2)?),
    }))
}

/// Takes the agent's row lock, which every change takes first, then reads what `key` (if any)
/// says to answer instead of the change: under the lock, two instances given one key take
/// turns over its record. `None` to go on.
pub async fn lock_and_recall(
    client: &ClientWrapper,
    associate_id: i64,
    key: Option<&Keyed<'_>>,
) -> Result<Option<Earlier>, Failure> {
    execute(client, LOCK_AGENT, &[&associate_id]).await?;
    let Some(key) = key else {
        return Ok(None);
    };
    let found = row(client, LOOKUP, &[&associate_id, &key.key.as_str()]).await?;
    Ok(key.judge(recorded(found)?))
}
