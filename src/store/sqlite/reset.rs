//! A reset on SQLite, inside the writer's transaction: the facts read under the write lock,
//! [`reset::judge`] asked, the session put back and the key recorded (the SQL is
//! [`reset`]'s).

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, params};

use super::keys;
use crate::account::Agent;
use crate::entity::status;
use crate::store::Outcome;
use crate::store::idempotency::Keyed;
use crate::store::reset::{self, Facts};
use crate::time::Timestamp;

/// The session `?1` for agent `?2`, and its reset (`?2` the in-queue status).
static FACTS: LazyLock<String> = LazyLock::new(|| reset::facts_query("?1", "?2"));
static RESET: LazyLock<String> = LazyLock::new(|| reset::reset_statement("?1", "?2"));

pub(super) fn reset(
    transaction: &Connection,
    agent: &Agent,
    session_id: i64,
    now: Timestamp,
    key: Option<&Keyed>,
) -> rusqlite::Result<Outcome> {
    let id = agent.associate_id;
    if let Some(earlier) = keys::earlier(transaction, id, key)? {
        return Ok(Outcome::Before(earlier));
    }
    let facts = transaction
        .prepare_cached(&FACTS)?
        .query_row(params![session_id, id], |row| {
            Ok(Facts {
                holds: row.get(0)?,
                manages: row.get(1)?,
                sees: row.get(2)?,
                status: row.get(3)?,
            })
        })
        .optional()?;
    if let Err(refusal) = reset::judge(facts) {
        return Ok(Outcome::Refused(refusal));
    }
    transaction
        .prepare_cached(&RESET)?
        .execute(params![session_id, status::IN_QUEUE])?;
    if let Some(key) = key {
        keys::record(transaction, id, key, Some(session_id), now)?;
    }
    Ok(Outcome::Made)
}
