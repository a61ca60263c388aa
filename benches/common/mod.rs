//! What the benchmarks share: a database of a given depth on a real file, and pickups timed
//! one by one and undone outside the timing so that the depth stays fixed. Each benchmark
//! target uses a part of it.
#![allow(dead_code)]

pub mod client;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chat_pickup::account::Agent;
use chat_pickup::store::admin::{Admin, NewTopic};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore, Synchronous};
use chat_pickup::time::Timestamp;
use rusqlite::{Connection, params};
use test_support::credentials::PASSWORD_HASH;

pub struct Bench {
    pub path: PathBuf,
    pub options: SqliteOptions,
    pub store: SqliteStore,
    pub agent: Agent,
}

pub fn database(dir: &Path, depth: usize, synchronous: Synchronous) -> Bench {
    database_with(
        dir,
        depth,
        SqliteOptions {
            synchronous,
            ..SqliteOptions::default()
        },
    )
}

/// As [`database`], opened with `options`.
pub fn database_with(dir: &Path, depth: usize, options: SqliteOptions) -> Bench {
    let synchronous = options.synchronous;
    let path = dir.join(format!("budget-{depth}-{synchronous:?}.db"));
    let store = SqliteStore::create(&path, &options).unwrap();
    let id = store
        .add_associate("tje0", "Thomas Jensen", &PASSWORD_HASH)
        .unwrap();
    store
        .add_topic(&NewTopic::new(
            "Sales",
            "Hello {customer}, this is {agent}.",
        ))
        .unwrap();
    let rights = chat_pickup::store::admin::Rights {
        respond: true,
        ..Default::default()
    };
    store.add_member("tje0", "Sales", rights).unwrap();
    store
        .connection()
        .execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
             INSERT INTO chat_session (topic_id, name, status, when_requested) \
             SELECT 1, 'customer ' || i, 4, \
                    strftime('%Y-%m-%d %H:%M:%S', '2026-01-01', '+' || i || ' seconds') || '.000000' FROM n",
            [depth],
        )
        .unwrap();
    let agent = Agent {
        associate_id: id,
        name: "tje0".into(),
        display_name: "Thomas Jensen".into(),
    };
    Bench {
        path,
        options,
        store,
        agent,
    }
}

pub fn undo(store: &SqliteStore, session: i64) {
    let connection = store.connection();
    connection
        .execute("DELETE FROM chat_message WHERE session_id = ?1", [session])
        .unwrap();
    connection
        .execute(
            "UPDATE chat_session SET status = 4, user_id = NULL, rank = 0 WHERE id = ?1",
            [session],
        )
        .unwrap();
}

/// Times `pickup` (which returns the session it took) `iterations` times, undoing each.
pub fn timed(store: &SqliteStore, iterations: u64, mut pickup: impl FnMut() -> i64) -> Duration {
    let mut spent = Duration::ZERO;
    for _ in 0..iterations {
        let start = Instant::now();
        let session = pickup();
        spent += start.elapsed();
        undo(store, session);
    }
    spent
}

/// (a) The pickup's statements and nothing else, on a connection of its own.
pub fn bare_pickup(connection: &mut Connection, agent: i64) -> i64 {
    let now = Timestamp::now();
    let transaction = connection
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    let (session, topic): (i64, i64) = transaction
        .prepare_cached(
            "SELECT s.id, s.topic_id FROM chat_session s WHERE s.status = 4 AND s.chatbot_isactive = 0 \
             AND s.transfer_to IS NULL AND s.topic_id IN (SELECT topic_id FROM chat_topic_user \
             WHERE user_id = ?1 AND can_respond <> 0) ORDER BY s.when_requested, s.id LIMIT 1",
        )
        .unwrap()
        .query_row([agent], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap();
    transaction
        .prepare_cached(
            "UPDATE chat_session SET user_id = ?1, when_started = ?2, rank = 1, status = 6, \
             last_message = 'Hi', idle = ?2 WHERE id = ?3 AND status = 4 RETURNING id",
        )
        .unwrap()
        .query_row(params![agent, now, session], |row| row.get::<_, i64>(0))
        .unwrap();
    transaction
        .prepare_cached(
            "INSERT INTO chat_message (session_id, message, when_posted, type, special_type, author, created_by) \
             VALUES (?1, 'Hi', ?2, 1, 1, 'Thomas Jensen', ?3)",
        )
        .unwrap()
        .execute(params![session, now, agent])
        .unwrap();
    transaction
        .prepare_cached("UPDATE chat_topic SET last_accept = ?2 WHERE id = ?1")
        .unwrap()
        .execute(params![topic, now])
        .unwrap();
    transaction.commit().unwrap();
    session
}
