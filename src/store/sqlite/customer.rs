//! The customer's side on SQLite, inside the writer's transaction: their moves (the facts
//! read, [`crate::chat::customer`] asked, its writes made) and their reads, which note the
//! fetch and mark the agent's messages read. The SQL is [`crate::store::sql::customer`]'s.

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, params};

use super::events;
use super::messages::{self, insert_message};
use crate::chat::customer::{self, Asking, CustomerMove, Fetch, Written};
use crate::chat::events::{Event, Happened};
use crate::chat::verdict::{Verdict, keyed};
use crate::store::sql::{self, customer as sql_customer, moves};
use crate::store::{Page, Standing};
use crate::time::Timestamp;

static FACTS: LazyLock<String> = LazyLock::new(|| sql::sqlite(sql_customer::FACTS));
static POSTED: LazyLock<String> = LazyLock::new(|| sql::sqlite(&sql_customer::POSTED));
static END: LazyLock<String> = LazyLock::new(|| sql::sqlite(&moves::END));
static READ: LazyLock<String> = LazyLock::new(|| sql::sqlite(sql_customer::READ));
static FETCHED: LazyLock<String> = LazyLock::new(|| sql::sqlite(sql_customer::FETCHED));
static POLLED: LazyLock<String> = LazyLock::new(|| sql::sqlite(sql_customer::POLLED));
static KEY_LOOKUP: LazyLock<String> = LazyLock::new(|| sql::sqlite(sql::keys::CUSTOMER_LOOKUP));
static KEY_RECORD: LazyLock<String> = LazyLock::new(|| sql::sqlite(sql::keys::CUSTOMER_RECORD));

/// Makes the customer's `asked` of session `session_id` at `now`; what it makes is the
/// message it posted, if any.
pub(super) fn change(
    transaction: &Connection,
    session_id: i64,
    asking: Asking,
    asked: &CustomerMove,
) -> rusqlite::Result<Verdict<Option<i64>>> {
    let Asking { now, key, context } = asking;
    let found = transaction
        .prepare_cached(&FACTS)?
        .query_row([session_id], |row| sql_customer::facts(row))
        .optional()?;
    let recorded = match key {
        Some(keyed) => transaction
            .prepare_cached(&KEY_LOOKUP)?
            .query_row(params![session_id, keyed.key.as_str()], |row| {
                sql::keys::recorded(row)
            })
            .optional()?,
        None => None,
    };
    let verdict = keyed(key.as_ref(), recorded, || {
        customer::judge(session_id, found, asked)
    });
    let verdict = verdict.try_map(|written| {
        let event = Event::of_customer(&written);
        let posted = write(transaction, session_id, now, written)?;
        let happened = Happened::by_the_customer(event, session_id, posted, context, now);
        events::record(transaction, &happened).map(|()| posted)
    })?;
    if let Some(keyed) = key.filter(|_| verdict.records_key()) {
        transaction.prepare_cached(&KEY_RECORD)?.execute(params![
            session_id,
            keyed.key.as_str(),
            keyed.operation,
            verdict.outcome(session_id).message_id,
            now
        ])?;
    }
    Ok(verdict)
}

/// Writes what the customer's move came to: the message it posted, if any.
fn write(
    transaction: &Connection,
    session_id: i64,
    now: Timestamp,
    written: Written,
) -> rusqlite::Result<Option<i64>> {
    match written {
        Written::Post { message, answered } => {
            let posted = insert_message(transaction, session_id, &message, now)?;
            transaction.prepare_cached(&POSTED)?.execute(params![
                session_id,
                message.copy(),
                now,
                answered
            ])?;
            Ok(Some(posted))
        }
        Written::End(notice) => {
            transaction
                .prepare_cached(&END)?
                .execute(params![session_id, now])?;
            insert_message(transaction, session_id, &notice, now)?;
            Ok(None)
        }
    }
}

/// Session `session_id`'s messages after id `after`, read by its customer (`fetch`, noted
/// where the last was noted long enough ago); the agent's among them marked read.
pub(super) fn read(
    transaction: &Connection,
    session_id: i64,
    after: i64,
    fetch: Fetch,
) -> rusqlite::Result<Page> {
    let polled = transaction
        .prepare_cached(&POLLED)?
        .query_row([session_id], |row| {
            let standing = Standing {
                status: row.get(0)?,
                agent: row.get(1)?,
            };
            Ok((standing, row.get::<_, Option<i64>>(2)?))
        })
        .optional()?;
    let topic_idle = polled.and_then(|(_, idle)| idle);
    let fetch = fetch.in_topic(topic_idle);
    transaction.prepare_cached(&FETCHED)?.execute(params![
        session_id,
        fetch.at,
        fetch.noted_before(),
        fetch.alive_until
    ])?;
    transaction
        .prepare_cached(&READ)?
        .execute(params![session_id, after])?;
    Ok(Page {
        messages: messages::list(transaction, session_id, after)?,
        standing: polled.map(|(standing, _)| standing),
    })
}
