//! Both backends, SQLite and PostgreSQL (a throwaway cluster, started by the tests), from
//! the same test code: the pickup's behaviour ([`behaviour`]), byte-identical responses
//! ([`identical`]), a SQLite database copied into PostgreSQL answering as before ([`copy`]),
//! and PostgreSQL's own concerns - its schema applies twice and ships the same rows as
//! SQLite's, the queue is walked through its index, the migration is safe when instances
//! start together, concurrent pickups through the store never collide, and every server
//! failure is a 503 ([`failures`]).

mod behaviour;
mod copy;
mod failures;
mod identical;

use chat_pickup::chat::Actor;
use chat_pickup::chat::queue::Which;
use chat_pickup::store::postgres::{NEXT_IN_QUEUE, SCHEMA};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore};
use test_support::Cluster;
use tokio_postgres::{Client, NoTls};

/// A client on `url`, its connection driven in the background.
async fn connect(url: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.unwrap();
    tokio::spawn(connection);
    client
}

/// A new database on the cluster with the schema applied.
async fn database(cluster: &Cluster) -> Client {
    let client = connect(&cluster.database()).await;
    client.batch_execute(SCHEMA).await.unwrap();
    client
}

#[tokio::test(flavor = "multi_thread")]
async fn the_schema_applies_twice_and_ships_the_sqlite_schemas_rows() {
    let Some(cluster) = Cluster::shared() else {
        return;
    };
    let client = database(&cluster).await;
    client.batch_execute(SCHEMA).await.unwrap();
    let added: i64 = client
        .query_one(
            "INSERT INTO language (code, iso2, name) VALUES ('XX', 'xx', 'Test') RETURNING id",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        added, 13,
        "a row added later gets the id after the shipped ones"
    );
    client
        .batch_execute("DELETE FROM language WHERE code = 'XX'")
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let sqlite =
        SqliteStore::create(&dir.path().join("chat.db"), &SqliteOptions::default()).unwrap();
    // Each table's rows as (number, text, number, text, text), in the same SQL for both.
    for (table, columns) in [
        (
            "tzlocation",
            "tzlocation_id, location_code, country_id, region_name, iana_zone",
        ),
        (
            "resource",
            "language_id, resource_key, CAST(0 AS BIGINT), text, ''",
        ),
        ("language", "id, code, CAST(0 AS BIGINT), iso2, name"),
    ] {
        let query = format!("SELECT {columns} FROM {table} ORDER BY 1, 2");
        let expected: Vec<Row> = sqlite
            .connection()
            .prepare(&query)
            .unwrap()
            .query_map([], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let got: Vec<Row> = client
            .query(&query, &[])
            .await
            .unwrap()
            .iter()
            .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)))
            .collect();
        assert!(!expected.is_empty(), "{table}");
        assert_eq!(got, expected, "{table}");
    }
}

type Row = (i64, String, i64, String, String);

#[tokio::test(flavor = "multi_thread")]
async fn the_queue_is_walked_through_its_index_in_pickup_order() {
    let Some(cluster) = Cluster::shared() else {
        return;
    };
    let client = database(&cluster).await;
    client
        .batch_execute(
            "INSERT INTO associate (name) VALUES ('tje0');
             INSERT INTO chat_topic (name) VALUES ('Sales'), ('Support');
             INSERT INTO chat_topic_user (user_id, topic_id, can_respond)
                 VALUES (1, 1, true), (1, 2, true);
             INSERT INTO chat_session (topic_id, name, status, when_requested)
                 SELECT 1 + i % 2, 'customer ' || i, 4,
                        timestamptz '2026-01-01' + i * interval '1 second'
                 FROM generate_series(1, 100000) i;
             ANALYZE;",
        )
        .await
        .unwrap();
    let plan: Vec<String> = client
        .query(&format!("EXPLAIN {}", *NEXT_IN_QUEUE), &[&1_i64])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    let plan = plan.join("\n");
    assert!(
        plan.contains("Index Scan using chat_session_queue"),
        "{plan}"
    );
    assert!(!plan.contains("Sort"), "{plan}");
    assert!(plan.contains("LockRows"), "{plan}");
}

/// Instances starting together against a new database: one applies the schema under the
/// advisory lock, the others wait and find it done.
#[tokio::test(flavor = "multi_thread")]
async fn instances_starting_together_apply_the_schema_once() {
    use chat_pickup::store::Stores;
    use chat_pickup::store::postgres::{PgOptions, PgStores, SCHEMA_VERSION};
    let Some(cluster) = Cluster::shared() else {
        return;
    };
    let url = cluster.database();
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let target = url.parse().unwrap();
            std::thread::spawn(move || {
                let stores = PgStores::new(&target, PgOptions::default()).unwrap();
                stores
                    .store(None)
                    .map(|_| ())
                    .map_err(|error| error.to_string())
            })
        })
        .collect();
    for start in starts {
        start.join().unwrap().unwrap();
    }
    let client = connect(&url).await;
    let versions: Vec<i64> = client
        .query("SELECT version FROM chat_pickup_schema", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(versions, [SCHEMA_VERSION]);
}

/// A schema of version 1 (before the failed-login counts) is brought up to date when opened,
/// keeping its rows.
#[tokio::test(flavor = "multi_thread")]
async fn a_version_1_schema_gains_the_failed_login_counts() {
    use chat_pickup::store::Stores;
    use chat_pickup::store::postgres::{PgOptions, PgStores, SCHEMA_VERSION};
    let Some(cluster) = Cluster::shared() else {
        return;
    };
    let url = cluster.database();
    let open = || {
        let stores = PgStores::new(&url.parse().unwrap(), PgOptions::default()).unwrap();
        stores.store(None).map(|_| ()).unwrap();
    };
    open();
    let client = connect(&url).await;
    client
        .batch_execute(
            "DROP TABLE login_failure; DELETE FROM chat_pickup_schema WHERE version > 1;
             INSERT INTO chat_pickup_schema (version) VALUES (1) ON CONFLICT DO NOTHING;
             INSERT INTO associate (name, full_name) VALUES ('tje0', 'Thomas');",
        )
        .await
        .unwrap();
    open();
    let row = client
        .query_one(
            "SELECT to_regclass('login_failure') IS NOT NULL, \
             (SELECT array_agg(version ORDER BY version) FROM chat_pickup_schema), \
             (SELECT count(*) FROM associate)",
            &[],
        )
        .await
        .unwrap();
    let (table, versions, associates): (bool, Vec<i64>, i64) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(
        (table, versions, associates),
        (true, vec![1, SCHEMA_VERSION], 1)
    );
}

/// Eight threads, two per agent, call the store's pickup directly over 2,000 sessions: no
/// session is handed out twice, each gets one welcome message, no agent one Rank twice.
/// Without the agent's row lock, or without `SKIP LOCKED`, this fails (checked by hand).
#[tokio::test(flavor = "multi_thread")]
async fn racing_the_store_never_shares_a_session_or_an_agents_rank() {
    use chat_pickup::account::Agent;
    use chat_pickup::store::Stores;
    use chat_pickup::store::postgres::{PgOptions, PgStores};
    use chat_pickup::time::Timestamp;
    const SESSIONS: i64 = 2_000;
    let Some(cluster) = Cluster::shared() else {
        return;
    };
    let url = cluster.database();
    let stores = PgStores::new(&url.parse().unwrap(), PgOptions::default()).unwrap();
    let store = stores.store(None).unwrap();
    let client = connect(&url).await;
    client
        .batch_execute(&format!(
            "INSERT INTO associate (name, full_name) SELECT 'agent' || i, 'Agent ' || i FROM generate_series(1, 4) i;
             INSERT INTO chat_topic (name, welcome_message) VALUES ('Sales', 'Hi {{customer}}');
             INSERT INTO chat_topic_user (user_id, topic_id, can_respond)
                 SELECT associate_id, 1, true FROM associate;
             INSERT INTO chat_session (topic_id, name, status, when_requested)
                 SELECT 1, 'customer ' || i, 4, timestamptz '2026-01-01' + i * interval '1 second'
                 FROM generate_series(1, {SESSIONS}) i;"
        ))
        .await
        .unwrap();
    let workers: Vec<_> = (0..8_i64)
        .map(|worker| {
            let store = store.clone();
            let handle = tokio::runtime::Handle::current();
            std::thread::spawn(move || {
                let _entered = handle.enter();
                let id = 1 + worker % 4;
                let agent = Agent {
                    associate_id: id,
                    name: format!("agent{id}"),
                    display_name: format!("Agent {id}"),
                };
                let mut taken = Vec::new();
                while let Some(pickup) = store
                    .pickup(Actor::new(&agent, Timestamp::now()), Which::First)
                    .unwrap()
                    .taken()
                {
                    taken.push(pickup.session_id);
                }
                taken
            })
        })
        .collect();
    let mut taken = Vec::new();
    for worker in workers {
        taken.extend(worker.join().unwrap());
    }
    let handed_out = taken.len();
    taken.sort_unstable();
    taken.dedup();
    assert_eq!(taken.len(), handed_out, "a session was handed out twice");
    assert_eq!(handed_out as i64, SESSIONS, "every session was handed out");
    let count = async |sql: &str| client.query_one(sql, &[]).await.unwrap().get::<_, i64>(0);
    let welcomes = "SELECT count(*) FROM chat_session s WHERE \
        (SELECT count(*) FROM chat_message m WHERE m.session_id = s.id AND m.special_type = 1) <> 1";
    assert_eq!(count(welcomes).await, 0, "exactly one welcome message each");
    let shared = "SELECT count(*) FROM (SELECT user_id, rank FROM chat_session WHERE status IN (5, 6) \
        GROUP BY user_id, rank HAVING count(*) > 1) shared";
    assert_eq!(
        count(shared).await,
        0,
        "no agent holds two active sessions of one Rank"
    );
}

/// A customer writing into their waiting session (a new message, whose foreign key takes a
/// key-share lock on the session's row) does not hide the session from a pickup.
#[tokio::test(flavor = "multi_thread")]
async fn a_session_whose_customer_is_writing_is_still_picked_up() {
    use chat_pickup::account::Agent;
    use chat_pickup::store::Stores;
    use chat_pickup::store::postgres::{PgOptions, PgStores};
    use chat_pickup::time::Timestamp;
    let Some(cluster) = Cluster::shared() else {
        return;
    };
    let url = cluster.database();
    let stores = PgStores::new(&url.parse().unwrap(), PgOptions::default()).unwrap();
    let store = stores.store(None).unwrap();
    let writer = connect(&url).await;
    writer
        .batch_execute(
            "INSERT INTO associate (name) VALUES ('tje0');
             INSERT INTO chat_topic (name) VALUES ('Sales');
             INSERT INTO chat_topic_user (user_id, topic_id, can_respond) VALUES (1, 1, true);
             INSERT INTO chat_session (topic_id, name, status, when_requested)
                 VALUES (1, 'Kari', 4, timestamptz '2026-01-01');",
        )
        .await
        .unwrap();
    writer
        .batch_execute(
            "BEGIN;
             INSERT INTO chat_message (session_id, message, when_posted, type, author, created_by)
                 VALUES (1, 'hello?', now(), 2, 'Kari', -1);",
        )
        .await
        .unwrap();
    let agent = Agent {
        associate_id: 1,
        name: "tje0".into(),
        display_name: "tje0".into(),
    };
    let picked = tokio::task::spawn_blocking(move || {
        store
            .pickup(Actor::new(&agent, Timestamp::now()), Which::First)
            .map(chat_pickup::chat::Claim::taken)
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(picked.map(|pickup| pickup.session_id), Some(1));
    writer.batch_execute("COMMIT").await.unwrap();
}
