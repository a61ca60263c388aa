//! The changes to one named session on SQLite - a reset, a transfer's step - inside the
//! writer's transaction, which holds the write lock from its start: the key's record read
//! and asked first, then the facts read and the chat's judge asked ([`crate::chat::reset`],
//! [`crate::chat::transfer`]), its effect written and the key recorded. The SQL is [`crate::store::sql::moves`]'s.

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, params};

use super::messages::insert_message;
use super::pickup::{capacity, free_rank};
use super::{events, keys};
use crate::chat::effect::Effect;
use crate::chat::events::{Event, Happened};
use crate::chat::transfer::{self, Found, Step};
use crate::chat::verdict::{self, Verdict};
use crate::chat::{Actor, Move, edit, post, reset};
use crate::store::sql::{self, messages, moves};

static STANDING: LazyLock<String> = LazyLock::new(|| sql::sqlite(&moves::STANDING));
static EDIT_FACTS: LazyLock<String> = LazyLock::new(|| sql::sqlite(&moves::EDIT_FACTS));
static EDIT: LazyLock<String> = LazyLock::new(|| sql::sqlite(moves::EDIT));
static END: LazyLock<String> = LazyLock::new(|| sql::sqlite(&moves::END));
static POSTED: LazyLock<String> = LazyLock::new(|| sql::sqlite(&messages::POSTED));
static RESET: LazyLock<String> = LazyLock::new(|| sql::sqlite(&moves::RESET));
/// A login name matches in any case, on the name's `NOCASE` index.
static TARGET: LazyLock<String> =
    LazyLock::new(|| sql::sqlite(&moves::transfer_target("name = $2 COLLATE NOCASE")));
static TRANSFER_FACTS: LazyLock<String> = LazyLock::new(|| sql::sqlite(&moves::TRANSFER_FACTS));
static OFFER: LazyLock<String> = LazyLock::new(|| sql::sqlite(moves::OFFER));
static ACCEPT: LazyLock<String> = LazyLock::new(|| sql::sqlite(moves::ACCEPT));
static REJECT: LazyLock<String> = LazyLock::new(|| sql::sqlite(moves::REJECT));

/// Makes `asked` of session `session_id` for the actor, and records their key where the
/// verdict says to; what it makes is the message it posted, if any.
pub(super) fn change(
    transaction: &Connection,
    actor: Actor,
    session_id: i64,
    asked: &Move,
) -> rusqlite::Result<Verdict<Option<i64>>> {
    let recorded = keys::recorded(transaction, actor)?;
    if let Some(earlier) = verdict::recall_on(actor.key.as_ref(), recorded, session_id) {
        return Ok(earlier);
    }
    let facts = |sql: &str| transaction.prepare_cached(sql);
    let at = params![session_id, actor.id()];
    let verdict = match asked {
        Move::Reset => {
            let found = facts(&STANDING)?
                .query_row(at, |row| moves::standing(row))
                .optional()?;
            reset::judge(session_id, found)
        }
        Move::Post(message) => {
            let found = facts(&STANDING)?
                .query_row(at, |row| moves::standing(row))
                .optional()?;
            post::judge(session_id, found, message, actor.agent)
        }
        Move::Edit(edits) => {
            let found = facts(&EDIT_FACTS)?
                .query_row(at, |row| moves::edit_facts(row))
                .optional()?;
            edit::judge(session_id, found, edits, actor.agent).map(Effect::Edit)
        }
        Move::Transfer(step) => {
            let found = transfer_facts(transaction, actor.id(), session_id, step)?;
            transfer::judge(step, session_id, actor.id(), found)
        }
    };
    let verdict = verdict.try_map(|effect| {
        let event = Event::of(&effect);
        let posted = write(transaction, actor, session_id, effect)?;
        let happened = Happened::by(actor, event, session_id, posted);
        events::record(transaction, &happened).map(|()| posted)
    })?;
    if verdict.records_key() {
        keys::record(transaction, actor, verdict.outcome(session_id))?;
    }
    Ok(verdict)
}

/// What a transfer's `step` reads: the associate offered, the session's facts and, for an
/// acceptance, the caller's capacity.
fn transfer_facts(
    transaction: &Connection,
    agent: i64,
    session_id: i64,
    step: &Step,
) -> rusqlite::Result<Found> {
    let target = match step {
        Step::Offer(_) => transaction
            .prepare_cached(&TARGET)?
            .query_row(params![step.target_id(), step.target_name()], |row| {
                row.get(0)
            })
            .optional()?,
        _ => None,
    };
    let session = transaction
        .prepare_cached(&TRANSFER_FACTS)?
        .query_row(params![session_id, agent, target], |row| {
            moves::transfer_facts(row)
        })
        .optional()?;
    let load = match step {
        Step::Accept => Some(capacity(transaction, agent)?),
        _ => None,
    };
    Ok(Found {
        session,
        target,
        load,
    })
}

/// Writes `effect` on session `session_id` for the actor; the message it posted, if any.
fn write(
    transaction: &Connection,
    actor: Actor,
    session_id: i64,
    effect: Effect,
) -> rusqlite::Result<Option<i64>> {
    let statement = |sql: &str| transaction.prepare_cached(sql);
    let agent = actor.id();
    match effect {
        Effect::Reset => statement(&RESET)?.execute(params![session_id]),
        Effect::Offer(target) => statement(&OFFER)?.execute(params![session_id, target]),
        Effect::Accept => {
            let rank = free_rank(transaction, agent)?;
            statement(&ACCEPT)?.execute(params![session_id, agent, rank])
        }
        Effect::Reject => statement(&REJECT)?.execute(params![session_id]),
        Effect::Post(message) => {
            let posted = insert_message(transaction, session_id, &message, actor.now)?;
            statement(&POSTED)?.execute(params![session_id, message.copy(), actor.now])?;
            return Ok(Some(posted));
        }
        Effect::Edit(edit) => {
            let (numbers, texts) = moves::edit_values(&edit.sets);
            let [level, flags, rating] = numbers;
            let [name, email, phone, company] = texts;
            statement(&EDIT)?.execute(params![
                session_id, level, flags, rating, name, email, phone, company
            ])?;
            if let Some(notice) = edit.ends {
                statement(&END)?.execute(params![session_id, actor.now])?;
                insert_message(transaction, session_id, &notice, actor.now)?;
            }
            Ok(0)
        }
    }
    .map(|_| None)
}
