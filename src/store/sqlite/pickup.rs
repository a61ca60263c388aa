//! The pickup (spec section 2) on SQLite, inside the writer's transaction ([`super::writer`]),
//! which holds SQLite's write lock from before the queue is read: two pickups - in this
//! process or another - can never choose the same session, nor both use one key, and earlier
//! pickups of the same batch are seen as made. The facts are read, [`pickup::judge`] decides,
//! and a session taken is claimed, welcomed and counted - all or nothing: an error leaves the
//! caller's savepoint to be rolled back.

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, params};

use super::messages::insert_message;
use super::{events, keys, reads};
use crate::account::Agent;
use crate::chat::Actor;
use crate::chat::capacity::Load;
use crate::chat::events::{Event, Happened};
use crate::chat::idempotency::Outcome;
use crate::chat::message::Message;
use crate::chat::pickup::{self, Candidate, Facts, Plan};
use crate::chat::queue::{Which, first_free_rank};
use crate::chat::verdict::{self, Verdict};
use crate::entity::status;
use crate::locale::Resources;
use crate::store::sql::{self, queue};
use crate::time::Timestamp;

/// The first session the agent may take, as a candidate.
static FIRST: LazyLock<String> =
    LazyLock::new(|| sql::sqlite(&queue::candidate_query(&queue::first(""), "")));
/// The session named, as a candidate if it waits.
static NAMED: LazyLock<String> =
    LazyLock::new(|| sql::sqlite(&queue::candidate_query(&queue::named(), "")));
static FOREIGN: LazyLock<String> = LazyLock::new(|| sql::sqlite(&queue::FOREIGN));
static CAPACITY: LazyLock<String> = LazyLock::new(|| sql::sqlite(&queue::CAPACITY));
static RANKS: LazyLock<String> = LazyLock::new(|| sql::sqlite(&queue::RANKS));

/// The pickup of `which` session for the actor: what it came to, the candidate taken if one
/// was.
pub(super) fn pickup(
    transaction: &Connection,
    actor: Actor,
    which: Which,
) -> rusqlite::Result<Verdict<Candidate>> {
    let id = actor.id();
    let facts = Facts {
        load: capacity(transaction, id)?,
        foreign: match which {
            Which::First => false,
            Which::Session(session) => foreign(transaction, id, session)?,
        },
        next: next(transaction, id, which)?,
    };
    let recorded = keys::recorded(transaction, actor)?;
    let verdict = verdict::keyed(actor.key.as_ref(), recorded, || pickup::judge(facts))
        .try_map(|candidate| claim_candidate(transaction, actor, candidate))?;
    if verdict.records_key() {
        let taken = match &verdict {
            Verdict::Make(candidate) => Some(candidate.session_id),
            _ => None,
        };
        keys::record(transaction, actor, Outcome::session(taken))?;
    }
    Ok(verdict)
}

/// What agent `agent` may hold and holds, read under the write lock.
pub(super) fn capacity(transaction: &Connection, agent: i64) -> rusqlite::Result<Load> {
    transaction
        .prepare_cached(&CAPACITY)?
        .query_row(params![agent], |row| queue::load(row))
}

/// Whether session `session` is in a topic where `agent` may not respond.
fn foreign(transaction: &Connection, agent: i64, session: i64) -> rusqlite::Result<bool> {
    let found = transaction
        .prepare_cached(&FOREIGN)?
        .query_row(params![agent, session], |row| row.get(0))
        .optional()?;
    Ok(found.unwrap_or(false))
}

/// The session the pickup would take, if there is one.
fn next(transaction: &Connection, agent: i64, which: Which) -> rusqlite::Result<Option<Candidate>> {
    let read = |row: &rusqlite::Row| queue::candidate(row);
    match which {
        Which::First => transaction
            .prepare_cached(&FIRST)?
            .query_row(params![agent], read),
        Which::Session(session) => transaction
            .prepare_cached(&NAMED)?
            .query_row(params![agent, session], read),
    }
    .optional()
}

/// Claims `candidate`, posts its welcome and counts the accept.
fn claim_candidate(
    transaction: &Connection,
    actor: Actor,
    candidate: Candidate,
) -> rusqlite::Result<Candidate> {
    let (agent, now) = (actor.agent, actor.now);
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
    let happened = Happened::by(actor, Event::PICKED_UP, candidate.session_id, None);
    events::record(transaction, &happened)?;
    Ok(candidate)
}

/// The agent's first free Rank, their Ranks read in order from the
/// `chat_session_active_rank` index up to the first gap.
pub(super) fn free_rank(transaction: &Connection, agent: i64) -> rusqlite::Result<i64> {
    let mut statement = transaction.prepare_cached(&RANKS)?;
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

    fn schema() -> Connection {
        let connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch(super::super::migrate::SCHEMA)
            .unwrap();
        connection
    }

    /// SQLite's plan of `sql` (its parameters the agent `1` and the session `2`), a line a
    /// step.
    fn plan(sql: &str) -> String {
        let connection = schema();
        let mut statement = connection
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let parameters = [1, 2];
        let parameters = &parameters[..statement.parameter_count()];
        let steps: Vec<String> = statement
            .query_map(rusqlite::params_from_iter(parameters), |row| row.get(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        steps.join("\n")
    }

    /// The queue walk uses the queue index in order: no sort, however many topics the agent
    /// has and however long the queue is.
    #[test]
    fn the_queue_lookup_walks_the_index_without_sorting() {
        let plan = plan(&FIRST);
        assert!(
            plan.contains("SEARCH s USING INDEX chat_session_queue (status=?)"),
            "{plan}"
        );
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }

    /// A session named by id is found by its key.
    #[test]
    fn the_session_named_is_found_by_its_key() {
        for sql in [&*NAMED, &*FOREIGN] {
            let plan = plan(sql);
            assert!(
                plan.contains("SEARCH s USING INTEGER PRIMARY KEY"),
                "{plan}"
            );
            assert!(!plan.contains("SCAN s"), "{plan}");
        }
    }

    /// The free-rank search reads the agent's ranks from the partial index, in order.
    #[test]
    fn the_free_rank_search_reads_the_rank_index_in_order() {
        let plan = plan(&RANKS);
        assert!(
            plan.contains("USING COVERING INDEX chat_session_active_rank"),
            "{plan}"
        );
    }

    /// The capacity lookup reads indexes only: no scan of the sessions or memberships.
    #[test]
    fn the_capacity_lookup_is_served_by_indexes() {
        let plan = plan(&CAPACITY);
        assert!(
            !plan.contains("SCAN s") && !plan.contains("SCAN chat_session"),
            "{plan}"
        );
        assert!(!plan.contains("SCAN m"), "{plan}");
    }

    #[test]
    fn the_free_rank_is_the_first_gap() {
        let mut connection = schema();
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
