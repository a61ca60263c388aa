//! The SQL of a session's messages, for both backends: posting one, and reading those after
//! one. Reads are served by `chat_message_session (session_id, id)`: a read seeks to the
//! first message after the one named, so its cost does not grow with the messages before.

use std::sync::LazyLock;

use super::sessions::visible;
use crate::entity::status::USER_LAST;

/// Posts message `$2` to session `$1` at `$3`: ChatMessageType `$4`, SpecialType `$5`,
/// SpecialParam `$6`, Author `$7`, written by associate `$8`. Yields its id.
pub const INSERT: &str = "INSERT INTO chat_message \
      (session_id, message, when_posted, type, special_type, special_param, author, created_by) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";

/// What an agent's message does to session `$1`: its copy `$2` is the LastMessage (and the
/// FirstMessage of a session without one), it went idle at `$3`, the customer is to answer.
pub static POSTED: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE chat_session SET last_message = $2, \
           first_message = CASE WHEN first_message = '' THEN $2 ELSE first_message END, \
           idle = $3, status = {USER_LAST} WHERE id = $1"
    )
});

/// Whether agent `$1` sees session `$2` ([`super::sessions::ONE`]). (SQLite joins the same
/// condition into its read of the messages.)
pub static SEES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT EXISTS (SELECT 1 FROM chat_session s WHERE s.id = $2 AND {})",
        visible("$1")
    )
});

/// What follows `SELECT ... FROM chat_message m`: session `$1`'s messages after id `$2`, in
/// id order.
pub const AFTER: &str = "WHERE m.session_id = $1 AND m.id > $2 ORDER BY m.id";
