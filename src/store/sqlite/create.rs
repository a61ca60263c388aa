//! A new session on SQLite, inside the writer's transaction: the key's record read and asked
//! first, then the topic's facts read and [`crate::chat::create`]'s judge asked, the session
//! (and the customer's first message) written and the key recorded. The SQL is
//! [`crate::store::sql::create`]'s.

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, params};

use super::messages::insert_message;
use super::{events, keys};
use crate::chat::Actor;
use crate::chat::create::{self, Draft, Visitor};
use crate::chat::events::Happened;
use crate::chat::idempotency::Outcome;
use crate::chat::verdict::{self, Verdict};
use crate::store::sql::create::Opened;
use crate::store::sql::{self, create as sql_create};

static TOPIC_FACTS: LazyLock<String> = LazyLock::new(|| sql::sqlite(&sql_create::TOPIC_FACTS));
static INSERT: LazyLock<String> = LazyLock::new(|| sql::sqlite(&sql_create::INSERT));

/// Creates `draft` in topic `topic_id` for the actor, and records their key where the
/// verdict says to; what it makes is the new session's id.
pub(super) fn create(
    transaction: &Connection,
    actor: Actor,
    topic_id: i64,
    draft: &Draft,
) -> rusqlite::Result<Verdict<i64>> {
    let recorded = keys::recorded(transaction, actor)?;
    if let Some(earlier) = verdict::recall(actor.key.as_ref(), recorded) {
        return Ok(earlier);
    }
    let found = transaction
        .prepare_cached(&TOPIC_FACTS)?
        .query_row(params![topic_id, actor.id()], |row| {
            sql_create::topic_facts(row)
        })
        .optional()?;
    let opened = Opened {
        topic_id,
        draft,
        now: actor.now,
        visitor: None,
        by: actor.id(),
        context: actor.context,
    };
    let verdict = create::judge(topic_id, found)
        .try_map(|position| insert(transaction, &opened, position))?;
    if let Verdict::Make(session_id) = verdict {
        keys::record(transaction, actor, Outcome::session(Some(session_id)))?;
    }
    Ok(verdict)
}

/// Starts `draft` in topic `topic_id` for a customer; what it makes is the new session's id.
pub(super) fn start(
    transaction: &Connection,
    visitor: &Visitor,
    topic_id: i64,
    draft: &Draft,
) -> rusqlite::Result<Verdict<i64>> {
    let found = transaction
        .prepare_cached(&TOPIC_FACTS)?
        .query_row(params![topic_id, None::<i64>], |row| {
            sql_create::topic_facts(row)
        })
        .optional()?;
    let topic_idle = found.as_ref().and_then(|facts| facts.idle);
    let opened = Opened {
        topic_id,
        draft,
        now: visitor.now,
        visitor: Some((visitor, visitor.alive_until(topic_idle))),
        by: 0,
        context: &visitor.context,
    };
    create::judge_visit(topic_id, found, visitor.max_queue)
        .try_map(|position| insert(transaction, &opened, position))
}

fn insert(transaction: &Connection, opened: &Opened, position: i64) -> rusqlite::Result<i64> {
    let Opened {
        topic_id,
        draft,
        now,
        by,
        context,
        ..
    } = *opened;
    let customer = &draft.customer;
    let asked = opened.asked();
    let session_id = transaction.prepare_cached(&INSERT)?.query_row(
        params![
            topic_id,
            now,
            draft.key_fingerprint(),
            position,
            customer.name,
            customer.email,
            customer.phone,
            customer.company,
            customer.consented,
            draft.copy(),
            asked.host,
            asked.fetched,
            asked.language,
            asked.alive_until,
        ],
        |row| row.get(0),
    )?;
    if let Some(message) = draft.message() {
        insert_message(transaction, session_id, &message, now)?;
    }
    events::record(
        transaction,
        &Happened::created(session_id, by, context, now),
    )?;
    Ok(session_id)
}
