//! The queue's SQL ([`crate::chat::queue`] says what it means): what waits for an agent,
//! the candidate a pickup takes with what its welcome is made of, an agent's Ranks and
//! capacity. Placeholders: `$1` is the agent's associate id, `$2` a session named by id.

use std::sync::LazyLock;

use super::Columns;
use super::sessions::member;
use crate::chat::capacity::Load;
use crate::chat::pickup::Candidate;
use crate::chat::queue::IN_PROGRESS;
use crate::chat::welcome::WelcomeSource;
use crate::entity::status::IN_QUEUE;

/// Session `s` waits for an agent: in the queue, no bot talking, no transfer pending, and
/// its customer not gone ([`crate::chat::customer`]: a chat past its `alive_until` is dead,
/// whether or not a sweep has closed it yet). `CURRENT_TIMESTAMP` reads the same in both
/// dialects: SQLite's UTC text compares with the stored text to the second.
pub static WAITS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "s.status = {IN_QUEUE} AND NOT s.chatbot_isactive AND s.transfer_to IS NULL \
         AND (s.alive_until IS NULL OR s.alive_until > CURRENT_TIMESTAMP)"
    )
});

/// Each topic's sessions waiting for an agent, for the metrics: topic id, count.
pub static DEPTHS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT s.topic_id, count(*) FROM chat_session s WHERE {} GROUP BY s.topic_id",
        *WAITS
    )
});

/// A session in progress: the condition of the partial index `chat_session_active_rank`, to
/// the letter, so that the index serves every statement that repeats it.
pub static IN_PROGRESS_SQL: LazyLock<String> =
    LazyLock::new(|| format!("status IN ({}, {})", IN_PROGRESS[0], IN_PROGRESS[1]));

/// The agent's Ranks in progress, in order: read from the partial index alone, and by the
/// caller only as far as the first gap.
pub static RANKS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT rank FROM chat_session WHERE user_id = $1 AND {} AND rank >= 1 ORDER BY rank",
        *IN_PROGRESS_SQL
    )
});

/// The columns a candidate is made of, in [`candidate`]'s order.
const CANDIDATE_SESSION: &str = "s.id, s.topic_id, s.when_requested, s.name, s.customer_alias, \
    s.first_message, s.language_id";

/// The first session the agent may take: waiting, in a topic where they may respond; the
/// oldest request first, then the lowest id. Served by the `chat_session_queue` index in
/// order, without a sort. `lock` follows the statement (PostgreSQL's row lock).
pub fn first(lock: &str) -> String {
    format!(
        "SELECT {CANDIDATE_SESSION} FROM chat_session s WHERE {} \
           AND s.topic_id IN (SELECT m.topic_id FROM chat_topic_user m \
                              WHERE m.user_id = $1 AND m.can_respond) \
         ORDER BY s.when_requested, s.id LIMIT 1{lock}",
        *WAITS
    )
}

/// The session `$2`, if it waits for an agent (whether the agent may respond in its topic
/// is [`FOREIGN`]'s to say).
pub fn named() -> String {
    format!(
        "SELECT {CANDIDATE_SESSION} FROM chat_session s WHERE s.id = $2 AND {}",
        *WAITS
    )
}

/// Whether session `$2` is in a topic where the agent may not respond; no row: no such
/// session.
pub static FOREIGN: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT NOT {} FROM chat_session s WHERE s.id = $2",
        member("$1", "m.can_respond")
    )
});

/// The session `session` (a query of [`first`]'s or [`named`]'s columns) as a candidate:
/// with its topic's welcome settings (in the customer's language where they asked in one) and the first name of the agent's person, then
/// `extra` columns of the backend's.
pub fn candidate_query(session: &str, extra: &str) -> String {
    format!(
        "WITH next AS ({session}) \
         SELECT next.id, next.topic_id, next.when_requested, \
           t.welcome_message, coalesce(next.language_id, t.language_id), t.name, \
           t.widget_agent_use_firstname, \
           next.name, next.customer_alias, \
           (SELECT p.firstname FROM associate a JOIN person p ON p.person_id = a.person_id \
             WHERE a.associate_id = $1), \
           next.first_message{extra} \
         FROM next JOIN chat_topic t ON t.id = next.topic_id"
    )
}

/// What [`candidate_query`] read.
pub fn candidate<R: Columns>(row: &R) -> Result<Candidate, R::Error> {
    Ok(Candidate {
        session_id: row.int(0)?,
        topic_id: row.int(1)?,
        when_requested: row.instant(2)?,
        welcome: WelcomeSource {
            raw: row.text(3)?,
            language_id: row.maybe_int(4)?,
            topic: row.text(5)?,
            first_name_only: row.flag(6)?,
            customer: row.text(7)?,
            alias: row.text(8)?,
            person_first_name: row.maybe_text(9)?,
        },
        first_message: row.text(10)?,
    })
}

/// The agent's limit (NULL: none) and the sessions they hold (see
/// [`crate::chat::capacity`]). Without a limit the sessions are not counted (both dialects
/// evaluate a `CASE` lazily): a pickup without one costs an indexed lookup or two, however
/// many sessions the agent holds.
pub static CAPACITY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT l.max_active, CASE WHEN l.max_active IS NULL THEN 0 ELSE \
           (SELECT count(*) FROM chat_session WHERE user_id = $1 AND {}) END \
         FROM (SELECT coalesce( \
           (SELECT a.max_active_sessions FROM associate a WHERE a.associate_id = $1), \
           (SELECT min(t.agent_max_active_sessions) FROM chat_topic t \
              JOIN chat_topic_user m ON m.topic_id = t.id \
             WHERE m.user_id = $1 AND m.can_respond)) AS max_active) l",
        *IN_PROGRESS_SQL
    )
});

/// What [`CAPACITY`] read.
pub fn load<R: Columns>(row: &R) -> Result<Load, R::Error> {
    Ok(Load {
        limit: row.maybe_int(0)?,
        held: row.int(1)?,
    })
}
