//! The PostgreSQL schema (`schema.pg.sql`, derived from `schema.sql` by
//! `scripts/pg_schema.py`) on a real, throwaway PostgreSQL: it applies to an empty database
//! and again to its own result, ships the same rows as the SQLite schema, and the queue is
//! read through its index in pickup order, without a sort.

mod cluster;

use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore};
use cluster::Cluster;
use tokio_postgres::{Client, NoTls};

const SCHEMA: &str = include_str!("../../schema.pg.sql");

/// A new, empty database on the cluster.
async fn database(cluster: &Cluster, name: &str) -> Client {
    let (admin, connection) = tokio_postgres::connect(&cluster.url("postgres"), NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (client, connection) = tokio_postgres::connect(&cluster.url(name), NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

#[tokio::test]
async fn the_schema_applies_twice_and_ships_the_sqlite_schemas_rows() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let client = database(&cluster, "twice").await;
    client.batch_execute(SCHEMA).await.unwrap();
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
    client.batch_execute(SCHEMA).await.unwrap();
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
        .query(
            "EXPLAIN SELECT s.id FROM chat_session s
             WHERE s.status = 4 AND NOT s.chatbot_isactive AND s.transfer_to IS NULL
               AND s.topic_id IN (SELECT topic_id FROM chat_topic_user
                                  WHERE user_id = $1 AND can_respond)
             ORDER BY s.when_requested, s.id
             LIMIT 1
             FOR UPDATE OF s SKIP LOCKED",
            &[&1_i64],
        )
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
