//! A pickup whose caller is gone before the answer is written: the real binary commits it,
//! logs it, and warns that the answer was not delivered, naming the session; the caller's
//! retry with the same `Idempotency-Key` gets that session and takes no other.
//!
//! To close the connection while the pickup is under way - not before it starts, when
//! nothing would be taken, nor after its answer is written - the test holds the database's
//! write lock meanwhile, as another process's transaction would.

use std::time::{Duration, Instant};

use test_support::credentials::basic;
use test_support::http::{PICKUP, curl};
use test_support::process::{free_port, serve, wait_until_serving};
use tokio::io::AsyncWriteExt;

/// Waits until the server's log holds `text`; the log.
async fn log_with(log: &std::path::Path, text: &str) -> String {
    let start = Instant::now();
    loop {
        let said = std::fs::read_to_string(log).unwrap_or_default();
        if said.contains(text) || start.elapsed() > Duration::from_secs(10) {
            return said;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_nobody_read_is_logged_and_the_keyed_retry_gets_its_session() {
    let dir = tempfile::tempdir().unwrap();
    let addr = free_port().unwrap();
    let binary = env!("CARGO_BIN_EXE_chat-pickup");
    let mut server = serve(binary, dir.path(), addr, 1_024, &["--demo"]).unwrap();
    wait_until_serving(addr).await.unwrap();
    let authorization = basic("tje0", "Tje0");

    let writer = rusqlite::Connection::open(dir.path().join("default.db")).unwrap();
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST {PICKUP} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {authorization}\r\n\
         Idempotency-Key: \"lost-1\"\r\nContent-Length: 0\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    // Authenticated by now, and waiting for the lock.
    tokio::time::sleep(Duration::from_millis(700)).await;
    drop(stream);
    tokio::time::sleep(Duration::from_millis(300)).await;
    writer.execute_batch("COMMIT").unwrap();

    let log = dir.path().join("server.log");
    let said = log_with(&log, "answer was not delivered").await;
    let undelivered = said
        .lines()
        .find(|line| line.contains("answer was not delivered"))
        .unwrap_or_else(|| panic!("no warning in the log:\n{said}"));
    assert!(undelivered.contains("session_id=1"), "{undelivered}");
    assert!(undelivered.contains("lost-1"), "{undelivered}");
    assert!(
        said.lines()
            .any(|line| line.contains("picked up session") && line.contains("session_id=1")),
        "the commit's trace:\n{said}"
    );

    let retry = curl(
        addr,
        PICKUP,
        &[
            ("Authorization", &authorization),
            ("Idempotency-Key", "\"lost-1\""),
            ("Accept", "application/json"),
        ],
    )
    .await;
    assert!(retry.starts_with("HTTP/1.1 200"), "{retry}");
    assert!(
        retry
            .to_ascii_lowercase()
            .contains("idempotent-replayed: true"),
        "{retry}"
    );
    assert!(retry.contains("\"ChatSessionId\":1,"), "{retry}");

    let next = curl(addr, PICKUP, &[("Authorization", &authorization)]).await;
    assert!(
        next.contains("\"ChatSessionId\":3,"),
        "the next, not a second of the first: {next}"
    );
    server.kill().unwrap();
    server.wait().unwrap();
}
