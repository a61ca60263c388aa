//! The outbox on SQLite: an event recorded beside its change, in the writer's transaction
//! ([`crate::chat::events`]); the SQL is [`crate::store::sql::events`]'s.

use std::sync::LazyLock;

use rusqlite::{Connection, params};

use crate::account::random;
use crate::chat::events::Happened;
use crate::store::sql::{self, events};

static RECORD: LazyLock<String> = LazyLock::new(|| sql::sqlite(events::RECORD));
/// `$1` the event's row, `$2` its event, `$3` its session, `$4` when it is due.
static FAN_OUT: LazyLock<String> = LazyLock::new(|| sql::sqlite(&events::fan_out("$1", "$4", "")));

/// Records `happened` and queues it for the webhooks that want it.
pub(super) fn record(transaction: &Connection, happened: &Happened) -> rusqlite::Result<()> {
    let name = happened.event.kind.name();
    // A RETURNING statement is read as a query: `execute` would fail after inserting.
    let row: i64 = transaction.prepare_cached(&RECORD)?.query_row(
        params![
            random::uuid(),
            name,
            happened.session_id,
            happened.message_id,
            happened.event.changes_listed(),
            happened.by,
            happened.context,
            happened.at,
        ],
        |row| row.get(0),
    )?;
    transaction.prepare_cached(&FAN_OUT)?.execute(params![
        row,
        name,
        happened.session_id,
        happened.at
    ])?;
    Ok(())
}
