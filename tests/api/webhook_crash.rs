//! The outbox survives the process: the real binary, killed with SIGKILL while its webhook
//! deliveries lag behind a stream of messages, delivers every event it had committed once it
//! runs again - a delivery repeated only with the event's own `EventId`.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use hyper::body::Bytes;
use test_support::credentials::basic;
use test_support::http::Client;
use test_support::process::{free_port, serve, wait_until_serving};
use test_support::receiver::Receiver;

const SECRET: &str = "crash-test-secret-0123456789";

/// Posts `count` messages into session `id` as tje0, as fast as the server answers; how many
/// were answered 200 (the server may die under them).
async fn post_messages(addr: std::net::SocketAddr, id: i64, count: usize) -> usize {
    let Ok(mut client) = Client::connect(addr).await else {
        return 0;
    };
    let authorization = basic("tje0", "Tje0");
    let path = format!("/api/v1/ChatSession/{id}/Messages");
    let mut posted = 0;
    for n in 0..count {
        let body = Bytes::from(format!(r#"{{"Message": "message {n}"}}"#));
        let asked = (http::Method::POST, path.as_str(), body);
        let headers = [("content-type", "application/json")];
        match client.send(asked, &authorization, &headers).await {
            Ok(answer) if answer.status == 200 => posted += 1,
            _ => break,
        }
    }
    posted
}

#[tokio::test(flavor = "multi_thread")]
async fn events_committed_before_a_sigkill_are_delivered_after_the_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("default.db");
    let binary = env!("CARGO_BIN_EXE_chat-pickup");
    let receiver = Receiver::start().await;
    receiver.set_delay(Duration::from_millis(10));
    let added = std::process::Command::new(binary)
        .args(["--db", db.to_str().unwrap(), "demo"])
        .status()
        .unwrap();
    assert!(added.success());
    let added = std::process::Command::new(binary)
        .args([
            "--db",
            db.to_str().unwrap(),
            "admin",
            "webhook",
            "add",
            "--name",
            "crm",
        ])
        .args(["--url", &receiver.url(), "--secret", SECRET])
        .status()
        .unwrap();
    assert!(added.success());

    // The demo's own events came before the webhook: they are not its.
    let connection = rusqlite::Connection::open(&db).unwrap();
    let before: i64 = connection
        .query_row("SELECT coalesce(max(id), 0) FROM chat_event", [], |row| {
            row.get(0)
        })
        .unwrap();

    let addr = free_port().unwrap();
    let mut server = serve(binary, dir.path(), addr, 1_024, &[]).unwrap();
    wait_until_serving(addr).await.unwrap();
    let mut client = Client::connect(addr).await.unwrap();
    let id = client
        .pickup(&basic("tje0", "Tje0"))
        .await
        .unwrap()
        .unwrap();
    let posting = tokio::spawn(post_messages(addr, id, 200));
    // Killed mid-stream: messages still coming, deliveries behind them.
    let start = Instant::now();
    while receiver.taken().len() < 10 && start.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let posted = posting.await.unwrap();
    let committed: i64 = connection
        .query_row(
            "SELECT count(*) FROM chat_event WHERE id > ?1",
            [before],
            |row| row.get(0),
        )
        .unwrap();
    let delivered_before = receiver.taken().len();
    assert!(
        (delivered_before as i64) < committed,
        "the kill left events undelivered: {delivered_before} of {committed} ({posted} posted)"
    );

    let mut server = serve(binary, dir.path(), addr, 1_024, &[]).unwrap();
    wait_until_serving(addr).await.unwrap();
    let event_ids: HashSet<String> = connection
        .prepare("SELECT event_id FROM chat_event WHERE id > ?1")
        .unwrap()
        .query_map([before], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let start = Instant::now();
    let received = loop {
        let received: HashSet<String> = receiver
            .taken()
            .iter()
            .map(|delivery| delivery.json()["EventId"].as_str().unwrap().to_string())
            .collect();
        // The delivery in flight at the kill is held for the dead sender's lease (15 s).
        if received.len() >= event_ids.len() || start.elapsed() > Duration::from_secs(45) {
            break received;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(
        received, event_ids,
        "every committed event arrived, nothing else"
    );
    let taken = receiver.taken();
    let repeated = taken.len() - received.len();
    assert!(
        repeated <= 1,
        "at most the one in flight at the kill came twice: {repeated}"
    );
}
