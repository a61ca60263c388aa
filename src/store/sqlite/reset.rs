//! A reset on SQLite, inside the writer's transaction: the facts read under the write lock,
//! [`reset::judge`] asked, the session put back and the key recorded.

use rusqlite::{Connection, OptionalExtension, params};

use super::keys;
use crate::account::Agent;
use crate::entity::status;
use crate::store::idempotency::{Earlier, Keyed};
use crate::store::reset::{self, Facts, Refusal};
use crate::time::Timestamp;

/// The session `?1` for agent `?2`: theirs, whether they manage or see its topic, its status.
const FACTS: &str = "SELECT coalesce(s.user_id = ?2, 0), \
      EXISTS (SELECT 1 FROM chat_topic_user m WHERE m.topic_id = s.topic_id AND m.user_id = ?2 \
              AND m.manager <> 0), \
      EXISTS (SELECT 1 FROM chat_topic_user m WHERE m.topic_id = s.topic_id AND m.user_id = ?2 \
              AND (m.can_respond OR m.can_listen OR m.manager OR m.notifications)), \
      s.status \
    FROM chat_session s WHERE s.id = ?1";

/// Back in the queue at its place (`when_requested` kept), nobody's, no bot, no transfer.
const RESET: &str = "UPDATE chat_session SET status = ?2, user_id = NULL, rank = 0, \
    chatbot_isactive = 0, transfer_to = NULL, when_started = NULL WHERE id = ?1";

/// What the transaction came to.
pub(super) enum Outcome {
    Reset,
    Before(Earlier),
    Refused(Refusal),
}

pub(super) fn reset(
    transaction: &Connection,
    agent: &Agent,
    session_id: i64,
    now: Timestamp,
    key: Option<&Keyed>,
) -> rusqlite::Result<Outcome> {
    let id = agent.associate_id;
    if let Some(key) = key
        && let Some(earlier) = key.judge(keys::recorded(transaction, id, key)?)
    {
        return Ok(Outcome::Before(earlier));
    }
    let facts = transaction
        .prepare_cached(FACTS)?
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
        .prepare_cached(RESET)?
        .execute(params![session_id, status::IN_QUEUE])?;
    if let Some(key) = key {
        keys::record(transaction, id, key, Some(session_id), now)?;
    }
    Ok(Outcome::Reset)
}
