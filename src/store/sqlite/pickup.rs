//! The pickup (spec section 2) on SQLite: choose, claim, welcome, count - all or nothing,
//! inside the writer's transaction. What the claim writes is decided by [`Candidate::plan`].

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, params};

use super::{keys, reads};
use crate::account::Agent;
use crate::entity::status;
use crate::locale::Resources;
use crate::store::capacity::{self, Full, Load};
use crate::store::idempotency::{Earlier, Keyed};
use crate::store::welcome::WelcomeSource;
use crate::store::{Candidate, Message, Plan, Sought, Which, first_free_rank};
use crate::time::Timestamp;

/// The first eligible session: in the queue, no bot talking, no transfer pending, in a topic
/// where the agent may respond; oldest request first, then lowest id. Served by the
/// `chat_session_queue` index in order, without a sort.
pub(super) const NEXT_IN_QUEUE: &str = "\
    SELECT s.id, s.topic_id, s.when_requested FROM chat_session s \
    WHERE s.status = ?1 AND s.chatbot_isactive = 0 AND s.transfer_to IS NULL \
      AND s.topic_id IN (SELECT m.topic_id FROM chat_topic_user m WHERE m.user_id = ?2 AND m.can_respond <> 0) \
    ORDER BY s.when_requested, s.id LIMIT 1";

/// The session a pickup by id names: whether the agent (`?2`) may respond in its topic, and
/// whether it waits for an agent (`?3` the in-queue status).
const SOUGHT: &str = "\
    SELECT EXISTS (SELECT 1 FROM chat_topic_user m WHERE m.topic_id = s.topic_id \
             AND m.user_id = ?2 AND m.can_respond <> 0), \
           s.status = ?3 AND s.chatbot_isactive = 0 AND s.transfer_to IS NULL, \
           s.topic_id, s.when_requested \
    FROM chat_session s WHERE s.id = ?1";

/// The welcome message's inputs: the topic's side and the session's, and the first name of
/// the person behind the agent.
const WELCOME_SOURCE: &str = "\
    SELECT t.welcome_message, t.language_id, t.name, t.widget_agent_use_firstname, \
           s.name, s.customer_alias, p.firstname, s.first_message \
    FROM chat_topic t JOIN chat_session s ON s.id = ?2 \
    LEFT JOIN associate a ON a.associate_id = ?3 \
    LEFT JOIN person p ON p.person_id = a.person_id \
    WHERE t.id = ?1";

/// The capacity of agent `?1`.
static CAPACITY: LazyLock<String> = LazyLock::new(|| capacity::query("?1"));

/// The agent's active ranks in order; the status list matches the partial index's.
pub(super) const FREE_RANK: &str = "SELECT rank FROM chat_session \
    WHERE user_id = ?1 AND status IN (5, 6) AND rank >= 1 ORDER BY rank";

/// What the transaction came to.
pub(super) enum Taken {
    /// The pickup was made: this session, or none eligible.
    Now(Option<Candidate>),
    /// The key says what to answer instead; nothing was changed.
    Before(Earlier),
    /// The session asked for is in a topic where the agent may not respond; nothing changed.
    Forbidden,
    /// The agent holds as many sessions as they may; nothing changed.
    AtCapacity(Full),
}

/// Runs the whole pickup inside the writer's transaction ([`super::writer`]), which holds
/// SQLite's write lock from before the queue is read: two pickups - in this process or
/// another - can never choose the same session, nor both use one key. Earlier pickups of the
/// same batch are seen as made. An error leaves the caller's savepoint to be rolled back.
pub(super) fn pickup(
    transaction: &Connection,
    agent: &Agent,
    which: Which,
    now: Timestamp,
    key: Option<&Keyed>,
) -> rusqlite::Result<Taken> {
    let id = agent.associate_id;
    if let Some(earlier) = keys::earlier(transaction, id, key)? {
        return Ok(Taken::Before(earlier));
    }
    if let Err(full) = capacity(transaction, id)?.check() {
        return Ok(Taken::AtCapacity(full));
    }
    let found = match which {
        Which::First => next_in_queue(transaction, agent)?,
        Which::Session(session_id) => match sought(transaction, agent, session_id)? {
            (Sought::Forbidden, _) => return Ok(Taken::Forbidden),
            (_, found) => found,
        },
    };
    let candidate = match found {
        Some(candidate) => Some(claim_candidate(transaction, agent, candidate, now)?),
        None => None,
    };
    if let Some(key) = key {
        let session = candidate.as_ref().map(|candidate| candidate.session_id);
        keys::record(transaction, id, key, session, now)?;
    }
    Ok(Taken::Now(candidate))
}

/// What agent `agent` may hold and holds, read under the write lock.
pub(super) fn capacity(transaction: &Connection, agent: i64) -> rusqlite::Result<Load> {
    transaction
        .prepare_cached(&CAPACITY)?
        .query_row(params![agent], |row| {
            Ok(Load {
                limit: row.get(0)?,
                held: row.get(1)?,
            })
        })
}

/// Claims `candidate`, posts its welcome and counts the accept.
fn claim_candidate(
    transaction: &Connection,
    agent: &Agent,
    candidate: Candidate,
    now: Timestamp,
) -> rusqlite::Result<Candidate> {
    let resources = match candidate.resources_needed() {
        Some(language) => reads::resources(transaction, language)?,
        None => Resources::default(),
    };
    let rank = free_rank(transaction, agent.associate_id)?;
    let plan = candidate.plan(agent, rank, resources, now);
    if !claim(transaction, &candidate, agent, now, &plan)? {
        return Err(rusqlite::Error::QueryReturnedNoRows);
    }
    if let Some(welcome) = &plan.welcome {
        post_welcome(transaction, candidate.session_id, welcome, &plan, now)?;
    }
    count_accept(transaction, candidate.topic_id, plan.waited_seconds, now)?;
    Ok(candidate)
}

/// The session `session_id` as a pickup by id finds it, and the candidate if it waits.
fn sought(
    transaction: &Connection,
    agent: &Agent,
    session_id: i64,
) -> rusqlite::Result<(Sought, Option<Candidate>)> {
    let found = transaction
        .prepare_cached(SOUGHT)?
        .query_row(
            params![session_id, agent.associate_id, status::IN_QUEUE],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let verdict = Sought::judge(found.map(|(may_respond, waiting, _, _)| (may_respond, waiting)));
    let candidate = match (verdict, found) {
        (Sought::Waiting, Some((_, _, topic_id, when_requested))) => Some(candidate(
            transaction,
            agent,
            session_id,
            topic_id,
            when_requested,
        )?),
        _ => None,
    };
    Ok((verdict, candidate))
}

fn next_in_queue(transaction: &Connection, agent: &Agent) -> rusqlite::Result<Option<Candidate>> {
    let next = transaction
        .prepare_cached(NEXT_IN_QUEUE)?
        .query_row(params![status::IN_QUEUE, agent.associate_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let Some((session_id, topic_id, when_requested)) = next else {
        return Ok(None);
    };
    candidate(transaction, agent, session_id, topic_id, when_requested).map(Some)
}

/// The session about to be claimed, with what its welcome message is made of.
fn candidate(
    transaction: &Connection,
    agent: &Agent,
    session_id: i64,
    topic_id: i64,
    when_requested: Timestamp,
) -> rusqlite::Result<Candidate> {
    let (welcome, first_message) = transaction.prepare_cached(WELCOME_SOURCE)?.query_row(
        params![topic_id, session_id, agent.associate_id],
        |row| {
            let welcome = WelcomeSource {
                raw: row.get(0)?,
                language_id: row.get(1)?,
                topic: row.get(2)?,
                first_name_only: row.get(3)?,
                customer: row.get(4)?,
                alias: row.get(5)?,
                person_first_name: row.get(6)?,
            };
            Ok((welcome, row.get(7)?))
        },
    )?;
    Ok(Candidate {
        session_id,
        topic_id,
        when_requested,
        first_message,
        welcome,
    })
}

/// The agent's first free Rank, its active ranks read in order from the
/// `chat_session_active_rank` index up to the first gap.
pub(super) fn free_rank(transaction: &Connection, agent: i64) -> rusqlite::Result<i64> {
    let mut statement = transaction.prepare_cached(FREE_RANK)?;
    let ranks = statement.query(params![agent])?.mapped(|row| row.get(0));
    first_free_rank(ranks)
}

/// The conditional claim: only a session still in the queue is taken. `false` if it was not.
fn claim(
    transaction: &Connection,
    candidate: &Candidate,
    agent: &Agent,
    now: Timestamp,
    plan: &Plan,
) -> rusqlite::Result<bool> {
    // RETURNING rows must be read with a query: `execute` would report an error after the
    // update had already happened.
    transaction
        .prepare_cached(
            "UPDATE chat_session SET user_id = ?1, when_started = ?2, rank = ?3, status = ?4 \
             WHERE id = ?5 AND status = ?6 RETURNING id",
        )?
        .query_row(
            params![
                agent.associate_id,
                now,
                plan.rank,
                plan.status,
                candidate.session_id,
                status::IN_QUEUE
            ],
            |row| row.get::<_, i64>(0),
        )
        .optional()
        .map(|claimed| claimed.is_some())
}

fn post_welcome(
    transaction: &Connection,
    session: i64,
    welcome: &Message,
    plan: &Plan,
    now: Timestamp,
) -> rusqlite::Result<()> {
    insert_message(transaction, session, welcome, now)?;
    transaction
        .prepare_cached(
            "UPDATE chat_session SET last_message = ?2, idle = ?3, \
             first_message = coalesce(?4, first_message) WHERE id = ?1",
        )?
        .execute(params![session, welcome.text, now, plan.first_message])?;
    Ok(())
}

/// Stores `message` in `session`, posted at `at`.
pub(super) fn insert_message(
    connection: &Connection,
    session: i64,
    message: &Message,
    at: Timestamp,
) -> rusqlite::Result<()> {
    connection
        .prepare_cached(
            "INSERT INTO chat_message (session_id, message, when_posted, type, special_type, \
             author, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            session,
            message.text,
            at,
            message.kind,
            message.special,
            message.author,
            message.created_by
        ])?;
    Ok(())
}

/// `last_accept` := now; `seconds_pr_accept` := running average of the queue wait.
fn count_accept(
    transaction: &Connection,
    topic: i64,
    waited_seconds: f64,
    now: Timestamp,
) -> rusqlite::Result<()> {
    transaction
        .prepare_cached(
            "UPDATE chat_topic SET last_accept = ?2, \
             seconds_pr_accept = CAST(round((seconds_pr_accept * accept_count + ?3) / (accept_count + 1.0)) AS INTEGER), \
             accept_count = accept_count + 1 WHERE id = ?1",
        )?
        .execute(params![topic, now, waited_seconds])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The queue walk uses the queue index in order: no sort, however many topics the agent
    /// has and however long the queue is.
    #[test]
    fn the_queue_lookup_walks_the_index_without_sorting() {
        let connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch(super::super::migrate::SCHEMA)
            .unwrap();
        let plan: Vec<String> = connection
            .prepare(&format!("EXPLAIN QUERY PLAN {NEXT_IN_QUEUE}"))
            .unwrap()
            .query_map(params![status::IN_QUEUE, 1], |row| row.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let plan = plan.join("\n");
        assert!(
            plan.contains("SEARCH s USING INDEX chat_session_queue (status=?)"),
            "{plan}"
        );
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }

    /// The free-rank search reads the agent's ranks from the partial index, in order.
    #[test]
    fn the_free_rank_search_reads_the_rank_index_in_order() {
        let connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch(super::super::migrate::SCHEMA)
            .unwrap();
        let plan: String = connection
            .prepare(&format!("EXPLAIN QUERY PLAN {FREE_RANK}"))
            .unwrap()
            .query_row(params![1], |row| row.get(3))
            .unwrap();
        assert!(
            plan.contains("USING COVERING INDEX chat_session_active_rank"),
            "{plan}"
        );
    }

    /// The capacity lookup reads indexes only: no scan of the sessions or memberships.
    #[test]
    fn the_capacity_lookup_is_served_by_indexes() {
        let connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch(super::super::migrate::SCHEMA)
            .unwrap();
        let plan: Vec<String> = connection
            .prepare(&format!("EXPLAIN QUERY PLAN {}", *CAPACITY))
            .unwrap()
            .query_map(params![1], |row| row.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let plan = plan.join("\n");
        assert!(
            !plan.contains("SCAN s") && !plan.contains("SCAN chat_session"),
            "{plan}"
        );
        assert!(!plan.contains("SCAN m"), "{plan}");
    }

    #[test]
    fn the_free_rank_is_the_first_gap() {
        let mut connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch(super::super::migrate::SCHEMA)
            .unwrap();
        connection
            .execute_batch(
                "INSERT INTO chat_topic (id, name) VALUES (1, 't');
                 INSERT INTO associate (associate_id, name) VALUES (1, 'a'), (2, 'b');",
            )
            .unwrap();
        let add = |connection: &Connection, user: i64, rank: i64, status: i64| {
            connection
                .execute(
                    "INSERT INTO chat_session (topic_id, user_id, status, when_requested, rank) \
                     VALUES (1, ?1, ?2, '2026-01-01 00:00:00.000000', ?3)",
                    params![user, status, rank],
                )
                .unwrap();
        };
        let free = |connection: &mut Connection| {
            let transaction = connection.transaction().unwrap();
            free_rank(&transaction, 1).unwrap()
        };
        assert_eq!(free(&mut connection), 1);
        add(&connection, 1, 1, 5);
        add(&connection, 1, 2, 6);
        assert_eq!(free(&mut connection), 3);
        add(&connection, 1, 4, 6);
        add(&connection, 2, 3, 6);
        add(&connection, 1, 3, 7);
        assert_eq!(
            free(&mut connection),
            3,
            "finished sessions and other agents do not count"
        );
        add(&connection, 1, 3, 5);
        assert_eq!(free(&mut connection), 5);
    }
}
