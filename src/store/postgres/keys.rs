//! Idempotency keys on PostgreSQL, as SQLite keeps them: read after the agent's row is
//! locked (which serialises the agent's changes, and keys are the agent's), recorded and
//! swept in the change's transaction ([`crate::chat::idempotency`]).

use deadpool_postgres::ClientWrapper;
use tokio_postgres::types::ToSql;

use super::{execute, row};
use crate::chat::Actor;
use crate::chat::idempotency::{Outcome, Recorded};
use crate::store::sql::keys::{self, SWEEP};

pub use keys::{LOOKUP, RECORD};

/// Rows another transaction is sweeping are skipped, so sweeps never wait on each other.
pub const SWEEP_EXPIRED: &str = "DELETE FROM idempotency_key WHERE (associate_id, key) IN \
    (SELECT associate_id, key FROM idempotency_key WHERE created < $1 LIMIT $2 \
     FOR UPDATE SKIP LOCKED)";

/// The record of the actor's key, if they name one.
pub async fn recorded(
    client: &ClientWrapper,
    actor: Actor<'_>,
) -> Result<Option<Recorded>, tokio_postgres::Error> {
    let Some(keyed) = actor.key else {
        return Ok(None);
    };
    let found = row(client, LOOKUP, &[&actor.id(), &keyed.key.as_str()]).await?;
    found.map(|found| keys::recorded(&found)).transpose()
}

/// Sweeps a few expired keys and records the actor's key (if any) with what the change
/// made; both sent without waiting, in this order.
pub async fn record(
    client: &ClientWrapper,
    actor: Actor<'_>,
    outcome: Outcome,
) -> Result<(), tokio_postgres::Error> {
    let Some(keyed) = actor.key else {
        return Ok(());
    };
    let expired = keyed.expired_before.utc();
    let record: [&(dyn ToSql + Sync); 6] = [
        &actor.id(),
        &keyed.key.as_str(),
        &keyed.operation,
        &outcome.session_id,
        &outcome.message_id,
        &actor.now.utc(),
    ];
    futures_util::future::try_join(
        execute(client, SWEEP_EXPIRED, &[&expired, &SWEEP]),
        execute(client, RECORD, &record),
    )
    .await?;
    Ok(())
}
