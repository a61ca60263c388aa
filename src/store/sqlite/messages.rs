//! A session's messages on SQLite: posted inside a change's transaction, and read after
//! one (the SQL is [`crate::store::sql::messages`]'s).

use std::sync::LazyLock;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, params};

use super::load;
use crate::chat::message::Message;
use crate::entity::{CHAT_MESSAGE, Object};
use crate::store::load::assemble;
use crate::store::sql::sessions::visible;
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

static AFTER: LazyLock<String> = LazyLock::new(|| {
    let select = crate::store::load::select_all(&CHAT_MESSAGE, |field| field.column.to_string());
    sql::sqlite(&format!("{select} {}", messages::AFTER))
});

/// The agent's read: the session's row, if agent `$3` sees it ([`messages::SEES`]'s
/// condition), joined to its messages after id `$2`. One statement is its own read
/// transaction - the same snapshot as `BEGIN`, two statements and `COMMIT`, whose ends
/// rusqlite parses anew each time. No row: not seen; one row of NULLs: seen, nothing new.
/// (The subquery's own `m`, the memberships, hides the message's inside it.)
static SEEN_AFTER: LazyLock<String> = LazyLock::new(|| {
    let columns: Vec<&str> = CHAT_MESSAGE
        .fields
        .iter()
        .map(|field| field.column)
        .collect();
    sql::sqlite(&format!(
        "SELECT {} FROM chat_session s LEFT JOIN {} ON m.session_id = s.id AND m.id > $2 \
         WHERE s.id = $1 AND {} ORDER BY m.id",
        columns.join(", "),
        CHAT_MESSAGE.from,
        visible("$3")
    ))
});

/// Session `session_id`'s messages after id `after`, in id order, if agent `agent` sees
/// the session.
pub(super) fn after(
    connection: &Connection,
    agent: i64,
    session_id: i64,
    after: i64,
) -> rusqlite::Result<Option<Vec<Object>>> {
    let mut statement = connection.prepare_cached(&SEEN_AFTER)?;
    let mut rows = statement.query(params![session_id, after, agent])?;
    let mut seen = None;
    while let Some(row) = rows.next()? {
        let messages = seen.get_or_insert_with(Vec::new);
        // The first column is the message's id: NULL in the row of a session with none after.
        if row.get_ref(0)? != ValueRef::Null {
            let cells = load::read(&CHAT_MESSAGE, row)?;
            messages.push(assemble(&CHAT_MESSAGE, cells, |_, _| {
                Ok::<_, rusqlite::Error>(None)
            })?);
        }
    }
    Ok(seen)
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
        let values: Vec<i64> = (1..=statement.parameter_count() as i64).collect();
        let steps: Vec<String> = statement
            .query_map(rusqlite::params_from_iter(values), |row| row.get(3))
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

    /// The agent's read finds the session by its key, and its messages as a read after one
    /// does: no scan, no sort.
    #[test]
    fn the_agents_read_finds_the_session_by_its_key_and_seeks_its_messages() {
        let plan = plan(&SEEN_AFTER);
        assert!(
            plan.contains("SEARCH s USING INTEGER PRIMARY KEY"),
            "{plan}"
        );
        assert!(
            plan.contains("SEARCH m USING INDEX chat_message_session (session_id=? AND id>?)"),
            "{plan}"
        );
        assert!(!plan.contains("SCAN"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "no sort: {plan}");
    }
}
