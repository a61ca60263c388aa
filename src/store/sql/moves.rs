//! The SQL of the moves on one named session, decided in [`crate::chat::reset`] and
//! [`crate::chat::transfer`]: the facts each reads (a backend may lock the row after them)
//! and the writes of its effect. Placeholders: `$1` is the session, `$2` the caller.

use std::sync::LazyLock;

use super::Columns;
use super::sessions::{ANY_RIGHT, member};
use crate::chat::{reset, transfer};
use crate::entity::status::IN_QUEUE;

/// The reset's [`reset::Facts`] of session `$1` for agent `$2`.
pub static RESET_FACTS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT coalesce(s.user_id = $2, false), {}, {}, s.status \
         FROM chat_session s WHERE s.id = $1",
        member("$2", "m.manager"),
        member("$2", ANY_RIGHT)
    )
});

/// What [`RESET_FACTS`] read.
pub fn reset_facts<R: Columns>(row: &R) -> Result<reset::Facts, R::Error> {
    Ok(reset::Facts {
        holds: row.flag(0)?,
        manages: row.flag(1)?,
        sees: row.flag(2)?,
        status: row.int(3)?,
    })
}

/// The reset of session `$1`: back in the queue at its place - `when_requested` kept -
/// nobody's, no bot, no transfer.
pub static RESET: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE chat_session SET status = {IN_QUEUE}, user_id = NULL, rank = 0, \
         chatbot_isactive = false, transfer_to = NULL, when_started = NULL WHERE id = $1"
    )
});

/// The user agent an offer names: `$1` (an id, or NULL) or a login name `$2`, which
/// `name_matches` compares in the backend's case-insensitive way (as its login lookup
/// does, on the same index); the id wins.
pub fn transfer_target(name_matches: &str) -> String {
    format!(
        "SELECT associate_id FROM associate \
         WHERE NOT deleted AND type = 1 AND (associate_id = $1 OR {name_matches}) \
         ORDER BY coalesce(associate_id = $1, false) DESC LIMIT 1"
    )
}

/// The transfer's [`transfer::Facts`] of session `$1` for agent `$2`, the associate offered
/// being `$3` (NULL for none).
pub static TRANSFER_FACTS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT coalesce(s.user_id = $2, false), coalesce(s.transfer_to = $2, false), {}, \
           s.status, s.transfer_to IS NOT NULL, {} \
         FROM chat_session s WHERE s.id = $1",
        member("$2", ANY_RIGHT),
        member("$3", "m.can_respond")
    )
});

/// What [`TRANSFER_FACTS`] read.
pub fn transfer_facts<R: Columns>(row: &R) -> Result<transfer::Facts, R::Error> {
    Ok(transfer::Facts {
        holds: row.flag(0)?,
        offered: row.flag(1)?,
        sees: row.flag(2)?,
        status: row.int(3)?,
        pending: row.flag(4)?,
        target_responds: row.flag(5)?,
    })
}

/// The offer of session `$1` to associate `$2`.
pub const OFFER: &str = "UPDATE chat_session SET transfer_to = $2 WHERE id = $1";

/// The acceptance of session `$1` by agent `$2`, at Rank `$3`.
pub const ACCEPT: &str =
    "UPDATE chat_session SET user_id = $2, rank = $3, transfer_to = NULL WHERE id = $1";

/// The end of session `$1`'s pending transfer.
pub const REJECT: &str = "UPDATE chat_session SET transfer_to = NULL WHERE id = $1";
