//! What a change reads of its caller on PostgreSQL, under their row's lock: every change
//! takes the lock first, so one agent's changes take turns on every instance - their Ranks
//! stay unique, their capacity is counted with every earlier change committed, and two
//! requests with one key take turns over its record.

use deadpool_postgres::ClientWrapper;

use super::{execute, keys, rows};
use crate::chat::Actor;
use crate::chat::capacity::Load;
use crate::chat::idempotency::Recorded;
use crate::chat::queue::first_free_rank;
use crate::store::sql::queue;

/// Serialises one agent's changes (a lock that does not block foreign keys to the row):
/// taken first, before any session's row.
pub const LOCK_AGENT: &str = "SELECT 1 FROM associate WHERE associate_id = $1 FOR NO KEY UPDATE";

/// Takes the actor's lock, then reads the record of their key (if any).
pub async fn lock(
    client: &ClientWrapper,
    actor: Actor<'_>,
) -> Result<Option<Recorded>, tokio_postgres::Error> {
    execute(client, LOCK_AGENT, &[&actor.id()]).await?;
    keys::recorded(client, actor).await
}

/// What agent `id` may hold and holds; read after their row is locked.
pub async fn capacity(client: &ClientWrapper, id: i64) -> Result<Load, tokio_postgres::Error> {
    let statement = client.prepare_cached(&queue::CAPACITY).await?;
    queue::load(&client.query_one(&statement, &[&id]).await?)
}

/// Agent `id`'s first free Rank, their Ranks read in order from the partial rank index.
pub async fn free_rank(client: &ClientWrapper, id: i64) -> Result<i64, tokio_postgres::Error> {
    let ranks = rows(client, &queue::RANKS, &[&id]).await?;
    first_free_rank(ranks.iter().map(|row| row.try_get::<_, i64>(0)))
}
