//! The changes to one named session on SQLite - a reset, a transfer's step - inside the
//! writer's transaction, which holds the write lock from its start: the key's record and the
//! facts read, the chat's judge asked ([`crate::chat::reset`], [`crate::chat::transfer`]),
//! its effect written and the key recorded. The SQL is [`crate::store::sql::change`]'s.

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, params};

use super::keys;
use super::pickup::{capacity, free_rank};
use crate::account::Agent;
use crate::chat::idempotency::Keyed;
use crate::chat::reset;
use crate::chat::transfer::{self, Effect, Found, Step};
use crate::chat::verdict::{self, Verdict};
use crate::store::sql::{self, change};
use crate::time::Timestamp;

static RESET_FACTS: LazyLock<String> = LazyLock::new(|| sql::sqlite(&change::RESET_FACTS));
static RESET: LazyLock<String> = LazyLock::new(|| sql::sqlite(&change::RESET));
/// A login name matches in any case, on the name's `NOCASE` index.
static TARGET: LazyLock<String> =
    LazyLock::new(|| sql::sqlite(&change::transfer_target("name = $2 COLLATE NOCASE")));
static TRANSFER_FACTS: LazyLock<String> = LazyLock::new(|| sql::sqlite(&change::TRANSFER_FACTS));
static OFFER: LazyLock<String> = LazyLock::new(|| sql::sqlite(change::OFFER));
static ACCEPT: LazyLock<String> = LazyLock::new(|| sql::sqlite(change::ACCEPT));
static REJECT: LazyLock<String> = LazyLock::new(|| sql::sqlite(change::REJECT));

pub(super) fn reset(
    transaction: &Connection,
    agent: &Agent,
    session_id: i64,
    now: Timestamp,
    key: Option<&Keyed>,
) -> rusqlite::Result<Verdict<()>> {
    let id = agent.associate_id;
    let recorded = keys::recorded(transaction, id, key)?;
    let found = transaction
        .prepare_cached(&RESET_FACTS)?
        .query_row(params![session_id, id], |row| change::reset_facts(row))
        .optional()?;
    let verdict = verdict::keyed(key, recorded, || reset::judge(session_id, found));
    let verdict = verdict.try_map(|()| {
        transaction
            .prepare_cached(&RESET)?
            .execute(params![session_id])
            .map(drop)
    })?;
    recorded_with(transaction, agent, key, session_id, verdict, now)
}

pub(super) fn transfer(
    transaction: &Connection,
    agent: &Agent,
    session_id: i64,
    step: &Step,
    now: Timestamp,
    key: Option<&Keyed>,
) -> rusqlite::Result<Verdict<()>> {
    let id = agent.associate_id;
    let recorded = keys::recorded(transaction, id, key)?;
    let target = match step {
        Step::Offer(_) => transaction
            .prepare_cached(&TARGET)?
            .query_row(params![step.target_id(), step.target_name()], |row| {
                row.get(0)
            })
            .optional()?,
        _ => None,
    };
    let found = Found {
        session: transaction
            .prepare_cached(&TRANSFER_FACTS)?
            .query_row(params![session_id, id, target], |row| {
                change::transfer_facts(row)
            })
            .optional()?,
        target,
        load: match step {
            Step::Accept => Some(capacity(transaction, id)?),
            _ => None,
        },
    };
    let verdict = verdict::keyed(key, recorded, || {
        transfer::judge(step, session_id, id, found)
    });
    let verdict = verdict.try_map(|effect| write(transaction, id, session_id, effect))?;
    recorded_with(transaction, agent, key, session_id, verdict, now)
}

/// Writes a transfer's `effect` on session `session_id` for agent `agent`.
fn write(
    transaction: &Connection,
    agent: i64,
    session_id: i64,
    effect: Effect,
) -> rusqlite::Result<()> {
    match effect {
        Effect::Offer(target) => transaction
            .prepare_cached(&OFFER)?
            .execute(params![session_id, target]),
        Effect::Accept => {
            let rank = free_rank(transaction, agent)?;
            transaction
                .prepare_cached(&ACCEPT)?
                .execute(params![session_id, agent, rank])
        }
        Effect::Reject => transaction
            .prepare_cached(&REJECT)?
            .execute(params![session_id]),
    }
    .map(drop)
}

/// `verdict`, after recording the key (where it says to) with the session named.
fn recorded_with(
    transaction: &Connection,
    agent: &Agent,
    key: Option<&Keyed>,
    session_id: i64,
    verdict: Verdict<()>,
    now: Timestamp,
) -> rusqlite::Result<Verdict<()>> {
    if verdict.records_key() {
        keys::record(transaction, agent.associate_id, key, Some(session_id), now)?;
    }
    Ok(verdict)
}
