//! The PostgreSQL schema (`schema.pg.sql`, derived from `schema.sql` by
//! `scripts/pg_schema.py`) on a real, throwaway PostgreSQL: it applies to an empty database
//! and again to its own result, ships the same rows as the SQLite schema, and the queue is
//! read through its index in pickup order, without a sort. And the pickup transaction the
//! PostgreSQL store is to run, raced from eight connections (two per agent), hands no
//! session out twice and gives no agent one Rank twice - without the agent's row lock or
//! without `SKIP LOCKED` it fails.

mod cluster;

use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore};
use cluster::Cluster;
use tokio_postgres::{Client, NoTls};

const SCHEMA: &str = include_str!("../../schema.pg.sql");

/// The first session the agent may take, locked; sessions other callers hold are skipped.
const NEXT_IN_QUEUE: &str = "SELECT s.id, s.topic_id FROM chat_session s
    WHERE s.status = 4 AND NOT s.chatbot_isactive AND s.transfer_to IS NULL
      AND s.topic_id IN (SELECT topic_id FROM chat_topic_user WHERE user_id = $1 AND can_respond)
    ORDER BY s.when_requested, s.id
    LIMIT 1
    FOR UPDATE OF s SKIP LOCKED";

/// A client on `url`, its connection driven in the background.
async fn connect(url: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.unwrap();
    tokio::spawn(connection);
    client
}

/// A new database on the cluster with the schema applied.
async fn database(cluster: &Cluster, name: &str) -> Client {
    connect(&cluster.url("postgres"))
        .await
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let client = connect(&cluster.url(name)).await;
    client.batch_execute(SCHEMA).await.unwrap();
    client
}

#[tokio::test]
async fn the_schema_applies_twice_and_ships_the_sqlite_schemas_rows() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let client = database(&cluster, "twice").await;
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

#[tokio::test]
async fn the_queue_is_walked_through_its_index_in_pickup_order() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let client = database(&cluster, "plan").await;
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
        .query(&format!("EXPLAIN {NEXT_IN_QUEUE}"), &[&1_i64])
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

/// The pickup transaction as the PostgreSQL store will run it, in plain SQL: the agent's row
/// locked first (one agent's pickups take turns, so its Ranks stay unique), the session
/// chosen with `FOR UPDATE SKIP LOCKED` (callers never wait on each other's row), claimed
/// conditionally, the welcome message posted, the topic stamped. `None`: nothing waiting.
async fn pick_up(client: &mut Client, agent: i64) -> Option<i64> {
    let transaction = client.transaction().await.unwrap();
    transaction
        .execute(
            "SELECT 1 FROM associate WHERE associate_id = $1 FOR UPDATE",
            &[&agent],
        )
        .await
        .unwrap();
    let candidate = transaction
        .query_opt(NEXT_IN_QUEUE, &[&agent])
        .await
        .unwrap()?;
    let (session, topic): (i64, i64) = (candidate.get(0), candidate.get(1));
    let rank: i64 = transaction
        .query_one(
            "SELECT min(k) FROM generate_series(1::bigint,
                 (SELECT count(*) + 1 FROM chat_session WHERE user_id = $1 AND status IN (5, 6))) k
             WHERE NOT EXISTS (SELECT 1 FROM chat_session
                               WHERE user_id = $1 AND status IN (5, 6) AND rank = k)",
            &[&agent],
        )
        .await
        .unwrap()
        .get(0);
    let claimed = transaction
        .execute(
            "UPDATE chat_session SET user_id = $1, when_started = now(), idle = now(),
                 rank = $2, status = 6, last_message = 'Hi'
             WHERE id = $3 AND status = 4",
            &[&agent, &rank, &session],
        )
        .await
        .unwrap();
    assert_eq!(claimed, 1, "a locked candidate is still in the queue");
    transaction
        .execute(
            "INSERT INTO chat_message (session_id, message, when_posted, type, special_type, author, created_by)
             VALUES ($1, 'Hi', now(), 1, 1, 'agent', $2)",
            &[&session, &agent],
        )
        .await
        .unwrap();
    transaction
        .execute(
            "UPDATE chat_topic SET last_accept = now() WHERE id = $1",
            &[&topic],
        )
        .await
        .unwrap();
    transaction.commit().await.unwrap();
    Some(session)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pickups_never_share_a_session_or_an_agents_rank() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    const SESSIONS: i64 = 2_000;
    let client = database(&cluster, "race").await;
    client
        .batch_execute(&format!(
            "INSERT INTO associate (name) SELECT 'agent' || i FROM generate_series(1, 4) i;
             INSERT INTO chat_topic (name) VALUES ('Sales');
             INSERT INTO chat_topic_user (user_id, topic_id, can_respond)
                 SELECT associate_id, 1, true FROM associate;
             INSERT INTO chat_session (topic_id, name, status, when_requested)
                 SELECT 1, 'customer ' || i, 4, timestamptz '2026-01-01' + i * interval '1 second'
                 FROM generate_series(1, {SESSIONS}) i;"
        ))
        .await
        .unwrap();
    // Two connections per agent: one agent's pickups race each other too.
    let mut workers = Vec::new();
    for worker in 0..8_i64 {
        let url = cluster.url("race");
        workers.push(tokio::spawn(async move {
            let mut client = connect(&url).await;
            let mut taken = Vec::new();
            while let Some(session) = pick_up(&mut client, 1 + worker % 4).await {
                taken.push(session);
            }
            taken
        }));
    }
    let mut taken = Vec::new();
    for worker in workers {
        taken.extend(worker.await.unwrap());
    }
    let handed_out = taken.len();
    taken.sort_unstable();
    taken.dedup();
    assert_eq!(taken.len(), handed_out, "a session was handed out twice");
    assert_eq!(handed_out as i64, SESSIONS, "every session was handed out");
    let check = |sql: &'static str| {
        let client = &client;
        async move { client.query_one(sql, &[]).await.unwrap().get::<_, i64>(0) }
    };
    assert_eq!(
        check(
            "SELECT count(*) FROM chat_session s WHERE
             (SELECT count(*) FROM chat_message m WHERE m.session_id = s.id AND m.special_type = 1) <> 1"
        )
        .await,
        0,
        "exactly one welcome message each"
    );
    assert_eq!(
        check(
            "SELECT count(*) FROM (SELECT user_id, rank FROM chat_session WHERE status IN (5, 6)
             GROUP BY user_id, rank HAVING count(*) > 1) shared"
        )
        .await,
        0,
        "no agent holds two active sessions of one Rank"
    );
}
