//! A reset on PostgreSQL, in one transaction: the caller's row locked (before the key's
//! record is read), then the session's, the facts read,
//! [`reset::judge`] asked, the session put back and the key recorded.

use std::sync::LazyLock;

use deadpool_postgres::ClientWrapper;

use super::errors::Failure;
use super::{execute, keys, pickup, row};
use crate::account::Agent;
use crate::entity::status;
use crate::store::Outcome;
use crate::store::idempotency::Keyed;
use crate::store::reset::{self, Facts};
use crate::time::Timestamp;

/// The session `$1` for agent `$2`, its row locked; and its reset (`$2` the in-queue
/// status).
static FACTS: LazyLock<String> =
    LazyLock::new(|| format!("{} FOR NO KEY UPDATE OF s", reset::facts_query("$1", "$2")));
static RESET: LazyLock<String> = LazyLock::new(|| reset::reset_statement("$1", "$2"));

pub async fn reset(
    client: &ClientWrapper,
    agent: &Agent,
    session_id: i64,
    now: Timestamp,
    key: Option<&Keyed<'_>>,
) -> Result<Outcome, Failure> {
    let id = agent.associate_id;
    if let Some(earlier) = keys::lock_and_recall(client, id, key).await? {
        return Ok(Outcome::Before(earlier));
    }
    let facts = row(client, &FACTS, &[&session_id, &id])
        .await?
        .map(|row| {
            Ok::<_, tokio_postgres::Error>(Facts {
                holds: row.try_get(0)?,
                manages: row.try_get(1)?,
                sees: row.try_get(2)?,
                status: row.try_get(3)?,
            })
        })
        .transpose()?;
    if let Err(refusal) = reset::judge(facts) {
        return Ok(Outcome::Refused(refusal));
    }
    execute(client, &RESET, &[&session_id, &status::IN_QUEUE]).await?;
    if let Some(key) = key {
        pickup::record_key(client, id, key, Some(session_id), now).await?;
    }
    Ok(Outcome::Made)
}
