//! Eight threads, each with its own connection to one database file, pick in lockstep rounds
//! until the queue is empty: every session goes to exactly one of them, with exactly one welcome
//! message.

use std::collections::HashSet;
use std::sync::{Arc, Barrier};

use chat_pickup::account::Agent;
use chat_pickup::chat::Actor;
use chat_pickup::chat::queue::Which;
use chat_pickup::store::Store;
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore};
use chat_pickup::time::Timestamp;
use test_support::app::TestApp;

const THREADS: usize = 8;
const SESSIONS: usize = 400;

#[test]
fn eight_writers_never_share_a_session() {
    let app = TestApp::sqlite();
    let mut agents = Vec::new();
    app.topic("Sales", "Hi!");
    for index in 0..THREADS {
        let name = format!("agent{index}");
        let id = app.agent(&name);
        app.member(&name, "Sales");
        agents.push(Agent {
            associate_id: id,
            name: name.clone(),
            display_name: name,
        });
    }
    for minutes in 0..SESSIONS {
        app.enqueue("Sales", "customer", minutes as i64);
    }

    // Every round releases all eight at once, so each pickup is contended by seven others
    // however the machine schedules the threads; a free-for-all could be drained by one thread
    // that got going early on a loaded machine, and nothing would have competed.
    let rounds = SESSIONS / THREADS;
    let round = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = agents
        .into_iter()
        .map(|agent| {
            let db = app.db().to_path_buf();
            let round = round.clone();
            std::thread::spawn(move || {
                // Its own connection, as a second process would have.
                let store = Arc::new(SqliteStore::create(&db, &SqliteOptions::default()).unwrap());
                let pick = || {
                    round.wait();
                    store
                        .pickup(Actor::new(&agent, Timestamp::now()), Which::First)
                        .unwrap()
                        .taken()
                        .map(|pickup| pickup.session_id)
                };
                let picked: Vec<Option<i64>> = (0..rounds).map(|_| pick()).collect();
                (picked, pick())
            })
        })
        .collect();
    let mut per_thread = Vec::new();
    for handle in handles {
        let (picked, after_the_last) = handle.join().unwrap();
        assert!(after_the_last.is_none(), "the queue is empty at the end");
        per_thread.push(picked);
    }
    assert!(
        per_thread.iter().flatten().all(Option::is_some),
        "while sessions wait, every contended pickup takes one"
    );

    let all: Vec<i64> = per_thread.iter().flatten().flatten().copied().collect();
    let distinct: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), SESSIONS, "every session picked once");
    assert_eq!(distinct.len(), SESSIONS, "no session picked twice");
    assert_eq!(
        app.int("SELECT count(*) FROM chat_session WHERE status = 4"),
        0
    );
    assert_eq!(
        app.int("SELECT count(*) FROM chat_message WHERE special_type = 1"),
        SESSIONS as i64
    );
    assert_eq!(
        app.int("SELECT count(*) FROM (SELECT session_id FROM chat_message WHERE special_type = 1 GROUP BY session_id HAVING count(*) = 1)"),
        SESSIONS as i64
    );
    assert_eq!(
        app.int("SELECT accept_count FROM chat_topic"),
        SESSIONS as i64
    );
}
