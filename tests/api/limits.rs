//! The service outlives its descriptor limit. The real binary under `ulimit -n 64` is sent
//! more connections than it has descriptors for: it pauses accepting - it does not exit - and
//! serves again once they close. And a tenant whose database cannot be opened for want of
//! descriptors is a 503 with `Retry-After`, served once descriptors are free.

use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chat_pickup::store::admin::{NewSession, NewTopic};
use chat_pickup::time::Timestamp;
use http::StatusCode;
use test_support::Backend;
use test_support::credentials::{PASSWORD_HASH, RESPOND, agent, basic};
use test_support::http::{Client, post};

/// Set in the child process that runs the descriptor-exhaustion scenario; names the file it
/// writes once every assertion held.
const CHILD: &str = "CHAT_PICKUP_TEST_EXHAUSTED_CHILD";

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

/// The scenario runs in a child of this test binary under `ulimit -n 64`, so that using up
/// the descriptors touches no other test. The child says it got to the end by writing a
/// file: a filter that matched nothing would also exit 0.
#[tokio::test(flavor = "multi_thread")]
async fn a_tenant_opened_without_descriptors_is_a_503_then_served() {
    if let Some(done) = std::env::var_os(CHILD) {
        tenant_open_with_descriptors_exhausted().await;
        std::fs::write(done, "done").unwrap();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let done = dir.path().join("done");
    let status = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -n 64 && exec "$0" "$@""#)
        .arg(std::env::current_exe().unwrap())
        .args([
            "limits::a_tenant_opened_without_descriptors_is_a_503_then_served",
            "--exact",
            "--test-threads",
            "1",
        ])
        .env(CHILD, &done)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(done.exists(), "the child ran the scenario");
}

async fn tenant_open_with_descriptors_exhausted() {
    let backend = Backend::sqlite();
    let acme = backend.tenant("acme");
    acme.add_associate("tje0", "Thomas", &PASSWORD_HASH)
        .unwrap();
    acme.add_topic(&NewTopic::new("Sales", "Hi!")).unwrap();
    acme.add_member("tje0", "Sales", RESPOND).unwrap();
    let waiting = NewSession {
        topic: "Sales".into(),
        customer_name: "customer".into(),
        ..NewSession::default()
    };
    acme.enqueue(&waiting, Timestamp::now()).unwrap();
    drop(acme);
    let app = backend.app(|app| app);
    let authorization = agent("tje0");
    let headers = [("authorization", authorization.as_str())];
    const PATH: &str = "/acme/api/v1/ChatSession/Pickup";

    let mut held = Vec::new();
    while let Ok(file) = std::fs::File::open("/dev/null") {
        held.push(file);
    }
    let refused = post(&app, PATH, &headers).await;
    drop(held);
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused.body
    );
    assert_eq!(refused.headers["retry-after"], "1");
    assert!(
        refused.body.contains("busy; retry shortly"),
        "{}",
        refused.body
    );
    assert!(
        !refused.body.contains("descriptor"),
        "no internals: {}",
        refused.body
    );

    let served = post(&app, PATH, &headers).await;
    assert_eq!(served.status, StatusCode::OK, "{}", served.body);
    assert!(served.body.contains("\"customer\""), "{}", served.body);
}
