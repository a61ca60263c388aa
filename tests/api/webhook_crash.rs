//! The outbox survives the process, on both backends: the real binary, killed with SIGKILL
//! while its webhook deliveries lag behind a stream of messages, delivers every event it had
//! committed once it runs again - a delivery repeated only with the event's own `EventId`.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hyper::body::Bytes;
use test_support::Cluster;
use test_support::credentials::basic;
use test_support::http::Client;
use test_support::process::{free_port, wait_until_serving};
use test_support::receiver::Receiver;

const SECRET: &str = "crash-test-secret-0123456789";

/// The database the binary runs on, and the test's look into it.
enum Db {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Db {
    fn arg(&self) -> String {
        match self {
            Db::Sqlite(path) => path.display().to_string(),
            Db::Postgres(url) => url.clone(),
        }
    }

    /// The EventIds of the events recorded after event row `after`.
    async fn events_after(&self, after: i64) -> Vec<String> {
        let sql = "SELECT event_id FROM chat_event WHERE id > $1 ORDER BY id";
        match self {
            Db::Sqlite(path) => {
                let connection = rusqlite::Connection::open(path).unwrap();
                let mut statement = connection.prepare(&sql.replace("$1", "?1")).unwrap();
                let rows = statement.query_map([after], |row| row.get(0)).unwrap();
                rows.map(Result::unwrap).collect()
            }
            Db::Postgres(url) => {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                    .await
                    .unwrap();
                tokio::spawn(connection);
                let rows = client.query(sql, &[&after]).await.unwrap();
                rows.iter().map(|row| row.get(0)).collect()
            }
        }
    }

    async fn last_event(&self) -> i64 {
        let sql = "SELECT coalesce(max(id), 0) FROM chat_event";
        match self {
            Db::Sqlite(path) => rusqlite::Connection::open(path)
                .unwrap()
                .query_row(sql, [], |row| row.get(0))
                .unwrap(),
            Db::Postgres(url) => {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                    .await
                    .unwrap();
                tokio::spawn(connection);
                client.query_one(sql, &[]).await.unwrap().get(0)
            }
        }
    }
}

/// The binary with `args` on `db`, its log in `dir`.
fn run(dir: &Path, db: &Db, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chat-pickup"));
    command.args(["--db", &db.arg()]).args(args);
    let log = std::fs::File::create(dir.join("server.log")).unwrap();
    command.stdout(Stdio::null()).stderr(log);
    command
}

fn start(dir: &Path, db: &Db, addr: std::net::SocketAddr) -> Child {
    let addr = addr.to_string();
    run(dir, db, &["serve", "--addr", &addr]).spawn().unwrap()
}

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

async fn killed_mid_stream_then_restarted(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start().await;
    receiver.set_delay(Duration::from_millis(10));
    assert!(run(dir.path(), &db, &["demo"]).status().unwrap().success());
    let url = receiver.url();
    let add = [
        "admin", "webhook", "add", "--name", "crm", "--url", &url, "--secret", SECRET,
    ];
    assert!(run(dir.path(), &db, &add).status().unwrap().success());
    // The demo's own events came before the webhook: they are not its.
    let before = db.last_event().await;

    let addr = free_port().unwrap();
    let mut server = start(dir.path(), &db, addr);
    wait_until_serving(addr).await.unwrap();
    let mut client = Client::connect(addr).await.unwrap();
    let id = client
        .pickup(&basic("tje0", "Tje0"))
        .await
        .unwrap()
        .unwrap();
    let posting = tokio::spawn(post_messages(addr, id, 200));
    // Killed mid-stream: messages still coming, deliveries behind them.
    let start_at = Instant::now();
    while receiver.taken().len() < 10 && start_at.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let posted = posting.await.unwrap();
    let committed = db.events_after(before).await.len();
    let delivered_before = receiver.taken().len();
    assert!(
        delivered_before < committed,
        "the kill left events undelivered: {delivered_before} of {committed} ({posted} posted)"
    );

    let mut server = start(dir.path(), &db, addr);
    wait_until_serving(addr).await.unwrap();
    let event_ids: HashSet<String> = db.events_after(before).await.into_iter().collect();
    let start_at = Instant::now();
    let received = loop {
        let received: HashSet<String> = receiver
            .taken()
            .iter()
            .map(|delivery| delivery.json()["EventId"].as_str().unwrap().to_string())
            .collect();
        // The delivery in flight at the kill is held for the dead sender's lease (15 s).
        if received.len() >= event_ids.len() || start_at.elapsed() > Duration::from_secs(45) {
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
    let repeated = receiver.taken().len() - received.len();
    assert!(
        repeated <= 1,
        "at most the one in flight at the kill came twice: {repeated}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn events_committed_before_a_sigkill_are_delivered_after_the_restart_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    killed_mid_stream_then_restarted(Db::Sqlite(dir.path().join("default.db"))).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn events_committed_before_a_sigkill_are_delivered_after_the_restart_on_postgres() {
    let Some(cluster) = Cluster::shared() else {
        return;
    };
    killed_mid_stream_then_restarted(Db::Postgres(cluster.database())).await;
}
