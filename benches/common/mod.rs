//! What the benchmarks share: a database of a given depth on a real file, and pickups timed
//! one by one and undone outside the timing so that the depth stays fixed. Each benchmark
//! target uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chat_pickup::auth::password;
use chat_pickup::store::Agent;
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore, Synchronous};

pub struct Bench {
    pub path: PathBuf,
    pub options: SqliteOptions,
    pub store: SqliteStore,
    pub agent: Agent,
}

pub fn database(dir: &Path, depth: usize, synchronous: Synchronous) -> Bench {
    let options = SqliteOptions {
        synchronous,
        ..SqliteOptions::default()
    };
    let path = dir.join(format!("budget-{depth}-{synchronous:?}.db"));
    let store = SqliteStore::create(&path, &options).unwrap();
    let id = store
        .add_associate("tje0", "Thomas Jensen", &password::hash("Tje0"))
        .unwrap();
    store
        .add_topic("Sales", "Hello {customer}, this is {agent}.", None)
        .unwrap();
    let rights = chat_pickup::store::sqlite::admin::Rights {
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
    store.connection().execute_batch("ANALYZE").unwrap();
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
