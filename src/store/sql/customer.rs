//! The SQL of the customer's side, for both backends ([`crate::chat::customer`] decides).
//! Placeholders: `$1` is the session.

use std::sync::LazyLock;

use super::{Columns, moves};
use crate::chat::customer::{Facts, LIVE};
use crate::entity::status::CUSTOMER_LAST;
use crate::store::Place;

/// The customer's [`Facts`] of session `$1`.
pub const FACTS: &str = "SELECT s.status, coalesce(nullif(s.name, ''), s.customer_alias) \
    FROM chat_session s WHERE s.id = $1";

/// What [`FACTS`] read.
pub fn facts<R: Columns>(row: &R) -> Result<Facts, R::Error> {
    Ok(Facts {
        status: row.int(0)?,
        name: row.text(1)?,
    })
}

/// What the customer's message does to session `$1`: its copy `$2` is the LastMessage (and
/// the FirstMessage of a session without one), it went idle at `$3`, and - `$4`, a session
/// in progress - the agent is to answer next.
pub static POSTED: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE chat_session SET last_message = $2, \
           first_message = CASE WHEN first_message = '' THEN $2 ELSE first_message END, \
           idle = $3, status = CASE WHEN $4 THEN {CUSTOMER_LAST} ELSE status END WHERE id = $1"
    )
});

/// Where session `$1` stands (its status, the agent holding it) and its topic's idle
/// allowance in seconds (NULL: the service's): what a customer's read needs of the session,
/// in one lookup. A read changes neither, so it comes first.
pub const POLLED: &str = "SELECT s.status, COALESCE(s.user_id, 0), t.customer_idle_seconds \
    FROM chat_session s JOIN chat_topic t ON t.id = s.topic_id WHERE s.id = $1";

/// The agent's messages of session `$1` after id `$2`, read by the customer now.
pub const READ: &str = "UPDATE chat_message SET read_by_customer = true \
    WHERE session_id = $1 AND id > $2 AND type = 1 AND NOT read_by_customer";

/// The customer of session `$1` fetched at `$2`, so the chat is alive until `$4`; written
/// only when the last fetch was before `$3`, so that polls do not each rewrite the row.
pub const FETCHED: &str = "UPDATE chat_session SET customer_fetch = $2, alive_until = $4 \
    WHERE id = $1 AND (customer_fetch IS NULL OR customer_fetch < $3)";

/// A chat dead at `at`: [`LIVE`] by its status, and past its `alive_until` (NULL: no customer
/// fetches it, so it never dies). Written once for [`DEAD`], which finds the dead chats, and
/// [`END_DEAD`], which closes each.
fn dead_at(at: &str) -> String {
    let [waiting, customer_last, user_last] = LIVE;
    format!("status IN ({waiting}, {customer_last}, {user_last}) AND alive_until < {at}")
}

/// Dead chats at `$1`, a few hundred at a time; read without locks, so each is closed by
/// [`END_DEAD`], never by [`moves::END`].
pub static DEAD: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT id FROM chat_session WHERE {} ORDER BY id LIMIT 500",
        dead_at("$1")
    )
});

/// Session `$1` ended at `$2` as [`moves::END`] ends it, if it is still dead at `$2`: no row
/// changes where it was ended, or fetched back to life, after [`DEAD`] found it - ending
/// twice changes nothing. On PostgreSQL an UPDATE that waited for the row's lock evaluates
/// its condition again on the row as committed (READ COMMITTED), so a change made meanwhile
/// counts. ([`moves::END`] ends in `WHERE id = $1`, which the condition narrows.)
pub static END_DEAD: LazyLock<String> =
    LazyLock::new(|| format!("{} AND {}", *moves::END, dead_at("$2")));

/// The origins topic `$1` allows the customer routes from.
pub const TOPIC_ORIGINS: &str = "SELECT allowed_origins FROM chat_topic WHERE id = $1";

/// The origins the topic of session `$1` allows the customer routes from.
pub const SESSION_ORIGINS: &str = "SELECT t.allowed_origins FROM chat_session s \
    JOIN chat_topic t ON t.id = s.topic_id WHERE s.id = $1";

/// The statement reading the origins `place` allows.
pub fn origins_of(place: Place) -> (&'static str, i64) {
    match place {
        Place::Topic(id) => (TOPIC_ORIGINS, id),
        Place::Session(id) => (SESSION_ORIGINS, id),
    }
}
