//! A transfer's step on PostgreSQL, in one transaction: the caller's row locked first (as a
//! pickup does: an acceptance counts their capacity with every earlier pickup committed, and
//! a key's record is read under it); the associate offered found; the session's row locked and its facts read;
//! [`transfer::judge`] asked, its effect written and the key recorded.

use std::sync::LazyLock;

use deadpool_postgres::ClientWrapper;

use super::errors::Failure;
use super::pickup::{self, capacity};
use super::{execute, keys, row, rows};
use crate::account::Agent;
use crate::store::Outcome;
use crate::store::first_free_rank;
use crate::store::idempotency::Keyed;
use crate::store::transfer::{self, Effect, Facts, Step};
use crate::time::Timestamp;

/// The associate `$1` (an id or NULL) or `$2` (a login name, any case: the index on
/// `lower(name)`) names.
static TARGET: LazyLock<String> =
    LazyLock::new(|| transfer::target_query("$1", "lower(name) = lower($2)"));
/// Session `$1` for agent `$2`, the associate offered being `$3`, its row locked.
static FACTS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} FOR NO KEY UPDATE OF s",
        transfer::facts_query("$1", "$2", "$3")
    )
});
static OFFER: LazyLock<String> = LazyLock::new(|| transfer::offer_statement("$1", "$2"));
static ACCEPT: LazyLock<String> = LazyLock::new(|| transfer::accept_statement("$1", "$2", "$3"));
static REJECT: LazyLock<String> = LazyLock::new(|| transfer::reject_statement("$1"));
/// Agent `$1`'s active ranks in order (from the partial rank index).
const RANKS: &str = "SELECT rank FROM chat_session WHERE user_id = $1 AND status IN (5, 6) \
    AND rank >= 1 ORDER BY rank";

pub async fn transfer(
    client: &ClientWrapper,
    agent: &Agent,
    session_id: i64,
    step: &Step,
    now: Timestamp,
    key: Option<&Keyed<'_>>,
) -> Result<Outcome, Failure> {
    let id = agent.associate_id;
    // The caller's lock first: an acceptance counts their capacity under it.
    if let Some(earlier) = keys::lock_and_recall(client, id, key).await? {
        return Ok(Outcome::Before(earlier));
    }
    let target: Option<i64> = match step {
        Step::Offer(_) => row(client, &TARGET, &[&step.target_id(), &step.target_name()])
            .await?
            .map(|row| row.try_get(0))
            .transpose()?,
        _ => None,
    };
    let facts = row(client, &FACTS, &[&session_id, &id, &target])
        .await?
        .map(|row| {
            Ok::<_, tokio_postgres::Error>(Facts {
                holds: row.try_get(0)?,
                offered: row.try_get(1)?,
                sees: row.try_get(2)?,
                status: row.try_get(3)?,
                pending: row.try_get(4)?,
                target_responds: row.try_get(5)?,
            })
        })
        .transpose()?;
    let load = match step {
        Step::Accept => Some(capacity(client, id).await?),
        _ => None,
    };
    let effect = match transfer::judge(step, facts, target, id, load) {
        Err(refusal) => return Ok(Outcome::Refused(refusal)),
        Ok(effect) => effect,
    };
    match effect {
        Some(Effect::Offer(target)) => {
            execute(client, &OFFER, &[&session_id, &target]).await?;
        }
        Some(Effect::Accept) => {
            let ranks = rows(client, RANKS, &[&id]).await?;
            let rank = first_free_rank(ranks.iter().map(|row| row.try_get::<_, i64>(0)))?;
            execute(client, &ACCEPT, &[&session_id, &id, &rank]).await?;
        }
        Some(Effect::Reject) => {
            execute(client, &REJECT, &[&session_id]).await?;
        }
        None => {}
    }
    if let Some(key) = key {
        pickup::record_key(client, id, key, Some(session_id), now).await?;
    }
    Ok(match effect {
        Some(_) => Outcome::Made,
        None => Outcome::Unchanged,
    })
}
