//! A session's messages on SQLite: posted inside a change's transaction, and read after
//! one (the SQL is [`crate::store::sql::messages`]'s).

use std::sync::LazyLock;

use rusqlite::{Connection, params};

use super::load;
use crate::chat::message::Message;
use crate::entity::{CHAT_MESSAGE, Object};
use crate::store::load::assemble;
use crate::store::sql::{self, messages};
use crate::time::Timestamp;

static INSERT: LazyLock<String> = LazyLock::new(|| sql::sqlite(messages::INSERT));

/// Posts `message` to session `session_id` at `at`; its id.
pub(super) fn insert_message(
    transaction: &Connection,
    session_id: i64,
    message: &Message,
    at: Timestamp,
) -> rusqlite::Result<i64> {
    // A statement with RETURNING is queried, not executed: rusqlite's `execute` reports an
    // error for the row it returns, after the insert.
    transaction.prepare_cached(&INSERT)?.query_row(
        params![
            session_id,
            message.text,
            at,
            message.kind,
            message.special,
            message.param,
            message.author,
            message.created_by
        ],
        |row| row.get(0),
    )
}

static SEES: LazyLock<String> = LazyLock::new(|| sql::sqlite(&messages::SEES));
static AFTER: LazyLock<String> = LazyLock::new(|| {
    let select = crate::store::load::select_all(&CHAT_MESSAGE, |field| field.column.to_string());
    sql::sqlite(&format!("{select} {}", messages::AFTER))
});

/// Session `session_id`'s messages after id `after`, in id order, if agent `agent` sees
/// the session; in one read transaction.
pub(super) fn after(
    connection: &mut Connection,
    agent: i64,
    session_id: i64,
    after: i64,
) -> rusqlite::Result<Option<Vec<Object>>> {
    let transaction = connection.transaction()?;
    let sees: bool = transaction
        .prepare_cached(&SEES)?
        .query_row(params![agent, session_id], |row| row.get(0))?;
    if !sees {
        return Ok(None);
    }
    list(&transaction, session_id, after).map(Some)
}

/// Session `session_id`'s messages after id `after`, in id order.
pub(super) fn list(
    connection: &Connection,
    session_id: i64,
    after: i64,
) -> rusqlite::Result<Vec<Object>> {
    let mut statement = connection.prepare_cached(&AFTER)?;
    let rows = statement.query_map(params![session_id, after], |row| {
        load::read(&CHAT_MESSAGE, row)
    })?;
    rows.map(|cells| assemble(&CHAT_MESSAGE, cells?, |_, _| Ok(None)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SQLite's plan of `sql` on an empty database of the schema, a line a step.
    fn plan(sql: &str) -> String {
        let connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch(super::super::migrate::SCHEMA)
            .unwrap();
        let mut statement = connection
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let steps: Vec<String> = statement
            .query_map(params![1, 2], |row| row.get(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        steps.join("\n")
    }

    /// A read seeks to the session's first message after the one named and walks on in
    /// order: its cost does not grow with the messages before, nor with other sessions'.
    #[test]
    fn a_read_after_a_message_seeks_in_the_sessions_index() {
        let plan = plan(&AFTER);
        assert!(
            plan.contains("SEARCH m USING INDEX chat_message_session (session_id=? AND id>?)"),
            "{plan}"
        );
        assert!(!plan.contains("TEMP B-TREE"), "no sort: {plan}");
    }

    /// Whether the caller sees the session is read by the session's key.
    #[test]
    fn seeing_the_session_is_a_lookup_by_its_key() {
        let plan = plan(&SEES);
        assert!(
            plan.contains("SEARCH s USING INTEGER PRIMARY KEY"),
            "{plan}"
        );
        assert!(!plan.contains("SCAN s"), "{plan}");
    }
}
