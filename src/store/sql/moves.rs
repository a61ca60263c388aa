//! The SQL of the moves on one named session, decided in [`crate::chat::reset`],
//! [`crate::chat::transfer`] and [`crate::chat::edit`] (a message's is
//! [`super::messages`]'s): the facts each reads (a backend may lock the row after them)
//! and the writes of its effect. Placeholders: `$1` is the session, `$2` the caller.

use std::sync::LazyLock;

use super::Columns;
use super::sessions::{ANY_RIGHT, member};
use crate::chat::edit::{Current, Property, Setting};
use crate::chat::standing::Standing;
use crate::chat::transfer;
use crate::entity::status::{CLOSED, IN_QUEUE};

/// Agent `$2`'s [`Standing`] with session `$1`: what a reset and a message read.
pub static STANDING: LazyLock<String> = LazyLock::new(|| standing_and(""));

/// [`STANDING`] and the properties an edit may change, in [`Property::ALL`]'s order.
pub static EDIT_FACTS: LazyLock<String> = LazyLock::new(|| {
    standing_and(", s.alert_level, s.flags, s.rating, s.name, s.email, s.phone, s.company_name")
});

fn standing_and(columns: &str) -> String {
    format!(
        "SELECT coalesce(s.user_id = $2, false), {}, \
           ({} OR coalesce(s.transfer_to = $2, false)), {}, s.status{columns} \
         FROM chat_session s WHERE s.id = $1",
        member("$2", "m.manager"),
        member("$2", ANY_RIGHT),
        member("$2", "m.can_respond")
    )
}

/// What [`STANDING`] read.
pub fn standing<R: Columns>(row: &R) -> Result<Standing, R::Error> {
    Ok(Standing {
        holds: row.flag(0)?,
        manages: row.flag(1)?,
        sees: row.flag(2)?,
        responds: row.flag(3)?,
        status: row.int(4)?,
    })
}

/// What [`EDIT_FACTS`] read.
pub fn edit_facts<R: Columns>(row: &R) -> Result<(Standing, Current), R::Error> {
    let int = |at| row.int(at).map(Setting::Int);
    let text = |at| row.text(at).map(Setting::Text);
    let current = Current([
        int(4)?,
        int(5)?,
        int(6)?,
        int(7)?,
        text(8)?,
        text(9)?,
        text(10)?,
        text(11)?,
    ]);
    Ok((standing(row)?, current))
}

/// An edit of session `$1`: each property set where its parameter is not NULL -
/// AlertLevel `$2`, Flags `$3`, Rating `$4`, the customer's name `$5`, e-mail `$6`, phone
/// `$7` and company `$8` ([`edit_values`]).
pub const EDIT: &str = "UPDATE chat_session SET alert_level = coalesce($2, alert_level), \
      flags = coalesce($3, flags), rating = coalesce($4, rating), name = coalesce($5, name), \
      email = coalesce($6, email), phone = coalesce($7, phone), \
      company_name = coalesce($8, company_name) WHERE id = $1";

/// The parameters of [`EDIT`] for `sets`: the numbers, then the texts.
pub fn edit_values(sets: &[(Property, Setting)]) -> ([Option<i64>; 3], [Option<String>; 4]) {
    let value = |property| {
        sets.iter()
            .find(|(set, _)| *set == property)
            .map(|(_, value)| value)
    };
    let int = |property| match value(property) {
        Some(Setting::Int(number)) => Some(*number),
        _ => None,
    };
    let text = |property| match value(property) {
        Some(Setting::Text(text)) => Some(text.clone()),
        _ => None,
    };
    (
        [
            int(Property::AlertLevel),
            int(Property::Flags),
            int(Property::Rating),
        ],
        [
            text(Property::CustomerName),
            text(Property::CustomerEmail),
            text(Property::CustomerPhone),
            text(Property::CustomerCompanyName),
        ],
    )
}

/// The end of session `$1` at `$2`: `Closed`, its Rank (and so the agent's capacity place)
/// released, any pending transfer dropped. Its agent stays, as who held it.
pub static END: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE chat_session SET status = {CLOSED}, when_ended = $2, rank = 0, \
         transfer_to = NULL WHERE id = $1"
    )
});

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
