//! The pickup transaction (spec section 2): choose, claim, welcome, count - all or nothing.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::welcome;
use crate::entity::{message, status};
use crate::store::Agent;
use crate::time::Timestamp;

/// What the claim tells the caller about the session it took.
pub(super) struct Claimed {
    pub session_id: i64,
    pub topic_id: i64,
    pub when_requested: Timestamp,
}

/// The first eligible session: in the queue, no bot talking, no transfer pending, in a topic
/// where the agent may respond; oldest request first, then lowest id. Served by the
/// `chat_session_queue` index in order, without a sort.
pub(super) const FIRST_IN_QUEUE: &str = "\
    SELECT s.id, s.topic_id, s.when_requested FROM chat_session s \
    WHERE s.status = ?1 AND s.chatbot_isactive = 0 AND s.transfer_to IS NULL \
      AND s.topic_id IN (SELECT m.topic_id FROM chat_topic_user m WHERE m.user_id = ?2 AND m.can_respond <> 0) \
    ORDER BY s.when_requested, s.id LIMIT 1";

/// Runs the whole pickup as one `BEGIN IMMEDIATE` transaction: the write lock is taken
/// before the queue is read, so two connections - in this process or another - can never
/// choose the same session. Any error rolls everything back.
pub(super) fn pickup(
    connection: &mut Connection,
    agent: &Agent,
    now: Timestamp,
) -> rusqlite::Result<Option<Claimed>> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(candidate) = first_in_queue(&transaction, agent.associate_id)? else {
        return Ok(None);
    };
    let welcome = welcome::welcome_message(
        &transaction,
        candidate.topic_id,
        candidate.session_id,
        agent,
    )?;
    let status = if welcome.is_some() {
        status::USER_LAST
    } else {
        status::CUSTOMER_LAST
    };
    let rank = free_rank(&transaction, agent.associate_id)?;
    if !claim(&transaction, &candidate, agent, now, rank, status)? {
        return Err(rusqlite::Error::QueryReturnedNoRows);
    }
    if let Some(text) = welcome {
        post_welcome(&transaction, candidate.session_id, &text, agent, now)?;
    }
    count_accept(
        &transaction,
        candidate.topic_id,
        now.millis_since(candidate.when_requested),
        now,
    )?;
    transaction.commit()?;
    Ok(Some(candidate))
}

fn first_in_queue(transaction: &Transaction, agent: i64) -> rusqlite::Result<Option<Claimed>> {
    transaction
        .prepare_cached(FIRST_IN_QUEUE)?
        .query_row(params![status::IN_QUEUE, agent], |row| {
            Ok(Claimed {
                session_id: row.get(0)?,
                topic_id: row.get(1)?,
                when_requested: row.get(2)?,
            })
        })
        .optional()
}

/// The lowest positive number not used by the agent's other active sessions: their ranks in
/// ascending order from the `chat_session_active_rank` index, read up to the first gap.
fn free_rank(transaction: &Transaction, agent: i64) -> rusqlite::Result<i64> {
    let mut statement = transaction.prepare_cached(FREE_RANK)?;
    let ranks = statement.query(params![agent])?.mapped(|row| row.get(0));
    crate::store::first_free_rank(ranks)
}

/// The agent's active ranks in order; the status list matches the partial index's.
pub(super) const FREE_RANK: &str = "SELECT rank FROM chat_session \
    WHERE user_id = ?1 AND status IN (5, 6) AND rank >= 1 ORDER BY rank";

/// The conditional claim: only a session still in the queue is taken. `false` if it was not.
fn claim(
    transaction: &Transaction,
    candidate: &Claimed,
    agent: &Agent,
    now: Timestamp,
    rank: i64,
    status: i64,
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
                rank,
                status,
                candidate.session_id,
                status::IN_QUEUE
            ],
            |row| row.get::<_, i64>(0),
        )
        .optional()
        .map(|claimed| claimed.is_some())
}

fn post_welcome(
    transaction: &Transaction,
    session: i64,
    text: &str,
    agent: &Agent,
    now: Timestamp,
) -> rusqlite::Result<()> {
    transaction
        .prepare_cached(
            "INSERT INTO chat_message (session_id, message, when_posted, type, special_type, special_param, \
             read_by_customer, author, created_by) VALUES (?1, ?2, ?3, ?4, ?5, '', 0, ?6, ?7)",
        )?
        .execute(params![
            session,
            text,
            now,
            message::TO_CUSTOMER,
            message::SPECIAL_WELCOME,
            agent.display_name,
            agent.associate_id
        ])?;
    transaction
        .prepare_cached(
            "UPDATE chat_session SET last_message = ?2, idle = ?3, \
             first_message = CASE WHEN first_message = '' THEN ?2 ELSE first_message END WHERE id = ?1",
        )?
        .execute(params![session, text, now])?;
    Ok(())
}

/// `last_accept` := now; `seconds_pr_accept` := running average of the queue wait.
fn count_accept(
    transaction: &Transaction,
    topic: i64,
    waited_ms: i64,
    now: Timestamp,
) -> rusqlite::Result<()> {
    transaction
        .prepare_cached(
            "UPDATE chat_topic SET last_accept = ?2, \
             seconds_pr_accept = CAST(round((seconds_pr_accept * accept_count + ?3) / (accept_count + 1.0)) AS INTEGER), \
             accept_count = accept_count + 1 WHERE id = ?1",
        )?
        .execute(params![topic, now, waited_ms.max(0) as f64 / 1000.0])?;
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
        connection.execute_batch(super::super::SCHEMA).unwrap();
        let plan: Vec<String> = connection
            .prepare(&format!("EXPLAIN QUERY PLAN {FIRST_IN_QUEUE}"))
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
        connection.execute_batch(super::super::SCHEMA).unwrap();
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

    #[test]
    fn the_free_rank_is_the_first_gap() {
        let mut connection = Connection::open_in_memory().unwrap();
        connection.execute_batch(super::super::SCHEMA).unwrap();
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
