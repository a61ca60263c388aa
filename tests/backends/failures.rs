//! PostgreSQL failing under the service: every failure is a 503 problem - with
//! `Retry-After` where waiting helps - never a 500, and nothing half-written.

use std::sync::Arc;
use std::time::Duration;

use chat_pickup::http::App;
use chat_pickup::store::admin::NewSession;
use chat_pickup::store::postgres::{PgOptions, PgStores};
use http::StatusCode;

use test_support::Backend;
use test_support::backend::target;
use test_support::credentials::agent as basic;
use test_support::http::post;

const PICKUP: &str = "/api/v1/ChatSession/Pickup";

fn app_on(url: &str, timeout: Duration) -> Arc<App> {
    let options = PgOptions {
        connections: 2,
        timeout,
        ..PgOptions::default()
    };
    Arc::new(App::new(Arc::new(
        PgStores::new(&target(url), options).unwrap(),
    )))
}

async fn refused(app: &App, retry_after: Option<&str>) {
    let reply = post(app, PICKUP, &[("authorization", &basic("tje0"))]).await;
    assert_eq!(
        reply.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        reply.body
    );
    assert_eq!(
        reply
            .headers
            .get("retry-after")
            .map(|v| v.to_str().unwrap()),
        retry_after,
        "{}",
        reply.body
    );
    assert!(
        !reply.body.contains("postgres") && !reply.body.contains("SQLSTATE"),
        "{}",
        reply.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_is_not_there_is_503_retry_after_5() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = app_on(
        &format!("postgres://chat@127.0.0.1:{port}/none"),
        Duration::from_secs(2),
    );
    refused(&app, Some("5")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_database_is_503_without_retry_after() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let url = backend.url().rsplit_once('/').unwrap().0.to_string() + "/no_such_database";
    refused(&app_on(&url, Duration::from_secs(2)), None).await;
}

/// One waiting session for `tje0`.
fn one_waiting(backend: &Backend) {
    backend.agent("tje0");
    backend.topic("Sales", "Hi!", &["tje0"]);
    let new = NewSession {
        topic: "Sales".into(),
        ..NewSession::default()
    };
    backend
        .admin
        .enqueue(&new, chat_pickup::time::Timestamp::now())
        .unwrap();
}

/// A replica, or a primary mid-failover, refuses writes (SQLSTATE 25006); a connection the
/// server dropped is replaced on the next request.
#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_server_is_503_retry_after_5_and_a_dropped_connection_is_replaced() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    one_waiting(&backend);
    let app = app_on(backend.url(), Duration::from_secs(2));
    let name = backend.url().rsplit_once('/').unwrap().1.to_string();
    backend.exec(&format!(
        "ALTER DATABASE {name} SET default_transaction_read_only = on;
         SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = '{name}' AND pid <> pg_backend_pid();"
    ));
    refused(&app, Some("5")).await;
    assert_eq!(
        backend.int("SELECT count(*) FROM chat_message"),
        0,
        "nothing half-written"
    );
    assert_eq!(
        backend.int("SELECT count(*) FROM chat_session WHERE status = 4"),
        1
    );
}

/// A statement that waits past the timeout on another transaction's lock is a busy queue:
/// 503 with `Retry-After: 1`, everything rolled back; once the lock is gone it succeeds.
#[tokio::test(flavor = "multi_thread")]
async fn a_statement_timeout_is_503_retry_after_1_and_changes_nothing() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    one_waiting(&backend);
    let app = app_on(backend.url(), Duration::from_millis(300));
    let (holder, connection) = tokio_postgres::connect(backend.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    holder
        .batch_execute("BEGIN; SELECT * FROM chat_topic FOR UPDATE")
        .await
        .unwrap();
    refused(&app, Some("1")).await;
    assert_eq!(backend.int("SELECT count(*) FROM chat_message"), 0);
    assert_eq!(
        backend.int("SELECT count(*) FROM chat_session WHERE status = 4"),
        1
    );
    holder.batch_execute("ROLLBACK").await.unwrap();
    let reply = post(&app, PICKUP, &[("authorization", &basic("tje0"))]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

/// A tenant's schema dropped under a running server: once a statement finds it missing, the
/// tenant is looked up again and is a 404, as a deleted SQLite file is - no restart needed.
#[tokio::test(flavor = "multi_thread")]
async fn a_tenant_schema_dropped_under_a_running_server_is_soon_a_404() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let tenant = backend.tenant("gone");
    tenant
        .add_associate("tje0", "", &test_support::credentials::PASSWORD_HASH)
        .unwrap();
    let app = backend.app(|app| app);
    let path = "/gone/api/v1/ChatSession/Pickup";
    let authorization = basic("tje0");
    let before = post(&app, path, &[("authorization", &authorization)]).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);

    backend.exec("DROP SCHEMA gone CASCADE");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(
            post(&app, path, &[("authorization", &authorization)])
                .await
                .status,
        );
    }
    assert!(
        statuses.iter().all(
            |status| [StatusCode::SERVICE_UNAVAILABLE, StatusCode::NOT_FOUND].contains(status)
        ),
        "{statuses:?}"
    );
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::NOT_FOUND),
        "{statuses:?}"
    );
}

/// The connection cut just after `COMMIT` was sent (by a proxy): the pickup is made, its
/// answer lost. The 503 says it may have been made; the retry with the same key gets the
/// session that was committed, and no second one is taken. Without a key, the 503 says so too.
#[tokio::test(flavor = "multi_thread")]
async fn a_commit_whose_answer_is_lost_is_resolved_by_the_key() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    backend.agent("tje0");
    backend.topic("Sales", "Hi, a cut line here", &["tje0"]);
    for customer in ["first", "second", "third"] {
        let waiting = NewSession {
            topic: "Sales".into(),
            customer_name: customer.into(),
            ..NewSession::default()
        };
        backend
            .admin
            .enqueue(&waiting, chat_pickup::time::Timestamp::now())
            .unwrap();
    }
    // postgres://chat@127.0.0.1:{port}/{database}
    let url = backend.url();
    let (server, database) = url["postgres://chat@".len()..].split_once('/').unwrap();
    let proxy = test_support::proxy::CuttingProxy::start(server.parse().unwrap()).await;
    let via_proxy = format!("postgres://chat@{}/{database}", proxy.addr);
    let app = app_on(&via_proxy, Duration::from_secs(5));
    let held = || backend.int("SELECT count(*) FROM chat_session WHERE user_id IS NOT NULL");
    let authorization = basic("tje0");
    let keyed = [
        ("authorization", authorization.as_str()),
        ("idempotency-key", "cut-1"),
    ];

    proxy.arm("a cut line");
    let lost = post(&app, PICKUP, &keyed).await;
    assert_eq!(proxy.cuts(), 1);
    assert_eq!(
        lost.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        lost.body
    );
    assert!(lost.body.contains("it may have been made"), "{}", lost.body);
    assert_eq!(held(), 1, "committed");

    let retry = post(&app, PICKUP, &keyed).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    let replayed: serde_json::Value = serde_json::from_str(&retry.body).unwrap();
    assert_eq!(replayed["CustomerName"], "first");
    assert_eq!(held(), 1, "nothing more taken");

    proxy.arm("a cut line");
    let unkeyed = post(&app, PICKUP, &[("authorization", &authorization)]).await;
    assert_eq!(
        unkeyed.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        unkeyed.body
    );
    assert!(
        unkeyed.body.contains(
            "check whether a session was assigned to you (GET /api/v1/ChatSession/ForCurrentUser"
        ),
        "{}",
        unkeyed.body
    );
    assert_eq!(held(), 2);
}
