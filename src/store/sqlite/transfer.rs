//! A transfer's step on SQLite, inside the writer's transaction (which holds the write lock
//! from its start): the associate offered found, the facts read, [`transfer::judge`] asked,
//! its effect written and the key recorded (the SQL is [`transfer`]'s).

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, params};

use super::keys;
use super::pickup::{capacity, free_rank};
use crate::account::Agent;
use crate::store::Outcome;
use crate::store::idempotency::Keyed;
use crate::store::transfer::{self, Effect, Facts, Step};
use crate::time::Timestamp;

/// The associate `?1` (an id or NULL) or `?2` (a login name, any case: the name's
/// `NOCASE` index) names.
static TARGET: LazyLock<String> =
    LazyLock::new(|| transfer::target_query("?1", "name = ?2 COLLATE NOCASE"));
/// Session `?1` for agent `?2`, the associate offered being `?3`.
static FACTS: LazyLock<String> = LazyLock::new(|| transfer::facts_query("?1", "?2", "?3"));
static OFFER: LazyLock<String> = LazyLock::new(|| transfer::offer_statement("?1", "?2"));
static ACCEPT: LazyLock<String> = LazyLock::new(|| transfer::accept_statement("?1", "?2", "?3"));
static REJECT: LazyLock<String> = LazyLock::new(|| transfer::reject_statement("?1"));

pub(super) fn transfer(
    transaction: &Connection,
    agent: &Agent,
    session_id: i64,
    step: &Step,
    now: Timestamp,
    key: Option<&Keyed>,
) -> rusqlite::Result<Outcome> {
    let id = agent.associate_id;
    if let Some(earlier) = keys::earlier(transaction, id, key)? {
        return Ok(Outcome::Before(earlier));
    }
    let target = match step {
        Step::Offer(_) => transaction
            .prepare_cached(&TARGET)?
            .query_row(params![step.target_id(), step.target_name()], |row| {
                row.get(0)
            })
            .optional()?,
        _ => None,
    };
    let facts = transaction
        .prepare_cached(&FACTS)?
        .query_row(params![session_id, id, target], |row| {
            Ok(Facts {
                holds: row.get(0)?,
                offered: row.get(1)?,
                sees: row.get(2)?,
                status: row.get(3)?,
                pending: row.get(4)?,
                target_responds: row.get(5)?,
            })
        })
        .optional()?;
    let load = match step {
        Step::Accept => Some(capacity(transaction, id)?),
        _ => None,
    };
    let effect = match transfer::judge(step, facts, target, id, load) {
        Err(refusal) => return Ok(Outcome::Refused(refusal)),
        Ok(effect) => effect,
    };
    match effect {
        Some(Effect::Offer(target)) => {
            transaction
                .prepare_cached(&OFFER)?
                .execute(params![session_id, target])?;
        }
        Some(Effect::Accept) => {
            let rank = free_rank(transaction, id)?;
            transaction
                .prepare_cached(&ACCEPT)?
                .execute(params![session_id, id, rank])?;
        }
        Some(Effect::Reject) => {
            transaction
                .prepare_cached(&REJECT)?
                .execute(params![session_id])?;
        }
        None => {}
    }
    if let Some(key) = key {
        keys::record(transaction, id, key, Some(session_id), now)?;
    }
    Ok(match effect {
        Some(_) => Outcome::Made,
        None => Outcome::Unchanged,
    })
}
