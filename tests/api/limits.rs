//! The local server outlives its descriptor limit: the real binary under `ulimit -n 64` is
//! sent more connections than it has descriptors for. It pauses accepting - it does not exit
//! - and serves again once they close.

use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use test_support::credentials::basic;
use test_support::http::Client;

/// The demo agent picks up through a fresh connection; the answer's status or the failure.
async fn pickup(addr: SocketAddr) -> Result<Option<i64>, String> {
    let mut client = Client::connect(addr)
        .await
        .map_err(|error| error.to_string())?;
    client
        .pickup(&basic("tje0", "Tje0"))
        .await
        .map_err(|error| error.to_string())
}

async fn served_within(addr: SocketAddr, limit: Duration) -> Result<Option<i64>, String> {
    let start = Instant::now();
    loop {
        match pickup(addr).await {
            Ok(session) => return Ok(session),
            Err(error) if start.elapsed() > limit => return Err(error),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_pauses_when_descriptors_run_out_and_serves_again_once_freed() {
    let dir = tempfile::tempdir().unwrap();
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let log = dir.path().join("server.log");
    let mut server = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -n 64 && exec "$0" --db "$1" serve --addr "$2" --demo 2>"$3""#)
        .arg(env!("CARGO_BIN_EXE_chat-pickup"))
        .arg(dir.path().join("chat.db"))
        .arg(addr.to_string())
        .arg(&log)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let first = served_within(addr, Duration::from_secs(30)).await;
    assert_eq!(first, Ok(Some(1)), "the server started");

    // Connections that send nothing: each accepted one holds a descriptor.
    let mut held = Vec::new();
    for _ in 0..200 {
        held.push(tokio::net::TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(server.try_wait().unwrap().is_none(), "alive at its limit");
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(said.contains("cannot accept connections"), "{said}");

    drop(held);
    let again = served_within(addr, Duration::from_secs(10)).await;
    assert_eq!(
        again,
        Ok(Some(3)),
        "served again (session 2 is the chatbot's)"
    );
    assert!(server.try_wait().unwrap().is_none(), "still alive");
    server.kill().unwrap();
    server.wait().unwrap();
}
