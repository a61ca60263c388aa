//! The changes to one named session on PostgreSQL - a reset, a transfer's step - each in one
//! transaction: the caller's row locked and the key's record read ([`agent::lock`]), the
//! associate offered found, the session's row locked and its facts read, the chat's judge
//! asked ([`crate::chat::reset`], [`crate::chat::transfer`]), its effect written and the key
//! recorded. The SQL is [`crate::store::sql::change`]'s, with the session's row lock.

use std::sync::LazyLock;

use deadpool_postgres::ClientWrapper;

use super::errors::Failure;
use super::{agent, execute, keys, row};
use crate::account::Agent;
use crate::chat::idempotency::Keyed;
use crate::chat::reset;
use crate::chat::transfer::{self, Effect, Found, Step};
use crate::chat::verdict::{self, Verdict};
use crate::store::sql::change;
use crate::time::Timestamp;

/// The session's row lock, taken as its facts are read.
const LOCK: &str = " FOR NO KEY UPDATE OF s";

static RESET_FACTS: LazyLock<String> = LazyLock::new(|| format!("{}{LOCK}", *change::RESET_FACTS));
/// A login name matches in any case, on the index on `lower(name)`.
static TARGET: LazyLock<String> =
    LazyLock::new(|| change::transfer_target("lower(name) = lower($2)"));
static TRANSFER_FACTS: LazyLock<String> =
    LazyLock::new(|| format!("{}{LOCK}", *change::TRANSFER_FACTS));

pub async fn reset(
    client: &ClientWrapper,
    agent: &Agent,
    session_id: i64,
    now: Timestamp,
    key: Option<&Keyed<'_>>,
) -> Result<Verdict<()>, Failure> {
    let id = agent.associate_id;
    let recorded = agent::lock(client, id, key).await?;
    let found = row(client, &RESET_FACTS, &[&session_id, &id])
        .await?
        .map(|found| change::reset_facts(&found))
        .transpose()?;
    let verdict = verdict::keyed(key, recorded, || reset::judge(session_id, found));
    if verdict == Verdict::Make(()) {
        execute(client, &change::RESET, &[&session_id]).await?;
    }
    recorded_with(client, id, key, session_id, verdict, now).await
}

pub async fn transfer(
    client: &ClientWrapper,
    agent: &Agent,
    session_id: i64,
    step: &Step,
    now: Timestamp,
    key: Option<&Keyed<'_>>,
) -> Result<Verdict<()>, Failure> {
    let id = agent.associate_id;
    // The caller's lock first: an acceptance counts their capacity under it.
    let recorded = agent::lock(client, id, key).await?;
    let target: Option<i64> = match step {
        Step::Offer(_) => row(client, &TARGET, &[&step.target_id(), &step.target_name()])
            .await?
            .map(|row| row.try_get(0))
            .transpose()?,
        _ => None,
    };
    let session = row(client, &TRANSFER_FACTS, &[&session_id, &id, &target])
        .await?
        .map(|found| change::transfer_facts(&found))
        .transpose()?;
    let load = match step {
        Step::Accept => Some(agent::capacity(client, id).await?),
        _ => None,
    };
    let found = Found {
        session,
        target,
        load,
    };
    let verdict = verdict::keyed(key, recorded, || {
        transfer::judge(step, session_id, id, found)
    });
    let verdict = match verdict.into_change() {
        Ok(effect) => {
            write(client, id, session_id, effect).await?;
            Verdict::Make(())
        }
        Err(verdict) => verdict,
    };
    recorded_with(client, id, key, session_id, verdict, now).await
}

/// Writes a transfer's `effect` on session `session_id` for agent `agent`.
async fn write(
    client: &ClientWrapper,
    agent: i64,
    session_id: i64,
    effect: Effect,
) -> Result<(), tokio_postgres::Error> {
    match effect {
        Effect::Offer(target) => execute(client, change::OFFER, &[&session_id, &target]).await?,
        Effect::Accept => {
            let rank = agent::free_rank(client, agent).await?;
            execute(client, change::ACCEPT, &[&session_id, &agent, &rank]).await?
        }
        Effect::Reject => execute(client, change::REJECT, &[&session_id]).await?,
    };
    Ok(())
}

/// `verdict`, after recording the key (where it says to) with the session named.
async fn recorded_with(
    client: &ClientWrapper,
    agent: i64,
    key: Option<&Keyed<'_>>,
    session_id: i64,
    verdict: Verdict<()>,
    now: Timestamp,
) -> Result<Verdict<()>, Failure> {
    if verdict.records_key() {
        keys::record(client, agent, key, Some(session_id), now).await?;
    }
    Ok(verdict)
}
