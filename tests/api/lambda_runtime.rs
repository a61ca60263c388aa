//! The binary as Lambda runs it: a Runtime API of our own on loopback hands the real process
//! an API Gateway event (`lambda_http`'s own fixture), and the settings come from the
//! environment alone - `AWS_LAMBDA_RUNTIME_API` set, no arguments - as on Lambda.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::Barrier;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

const REQUEST_ID: &str = "lambda-request";

/// An HTTP API (v2) event for `curl -u tje0:Tje0 -X POST .../api/v1/ChatSession/Pickup`.
fn event() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/lambda_http/apigw_v2_proxy_request.json"
    );
    let mut event: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    event["rawPath"] = "/api/v1/ChatSession/Pickup".into();
    event["rawQueryString"] = "".into();
    event["queryStringParameters"] = Value::Null;
    event["requestContext"]["http"]["method"] = "POST".into();
    event["requestContext"]["http"]["path"] = "/api/v1/ChatSession/Pickup".into();
    event["headers"] = serde_json::json!({
        "authorization": test_support::credentials::basic("tje0", "Tje0"),
        "accept": "application/json",
    });
    event.to_string()
}

/// The Runtime API: hands out `events` in order, each to a `next` call, the first `together`
/// only once that many `next` calls wait at once (so a runtime that polls one at a time gets
/// nothing); later calls never answer. What the function posts back (a response or an error)
/// goes to `posted`.
async fn runtime_api(
    listener: TcpListener,
    events: Vec<String>,
    together: usize,
    posted: UnboundedSender<(String, Value)>,
) {
    let emulator = Arc::new(Emulator {
        events,
        together: Barrier::new(together),
        handed_out: AtomicUsize::new(0),
        posted,
    });
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let emulator = emulator.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: hyper::Request<Incoming>| {
                let emulator = emulator.clone();
                async move { Ok::<_, Infallible>(emulator.answer(request).await) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

struct Emulator {
    events: Vec<String>,
    together: Barrier,
    handed_out: AtomicUsize,
    posted: UnboundedSender<(String, Value)>,
}

fn request_id(index: usize) -> String {
    format!("{REQUEST_ID}-{index}")
}

impl Emulator {
    async fn answer(&self, request: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
        let path = request.uri().path().to_string();
        if path == "/2018-06-01/runtime/invocation/next" {
            self.together.wait().await;
            let index = self.handed_out.fetch_add(1, Ordering::SeqCst);
            let Some(event) = self.events.get(index) else {
                std::future::pending::<()>().await;
                unreachable!("pending never completes");
            };
            let deadline =
                SystemTime::now().duration_since(UNIX_EPOCH).unwrap() + Duration::from_secs(60);
            return hyper::Response::builder()
                .header("lambda-runtime-aws-request-id", request_id(index))
                .header(
                    "lambda-runtime-deadline-ms",
                    deadline.as_millis().to_string(),
                )
                .header(
                    "lambda-runtime-invoked-function-arn",
                    "arn:aws:lambda:eu-north-1:123456789012:function:chat-pickup",
                )
                .body(Full::new(Bytes::from(event.clone())))
                .unwrap();
        }
        let body = request.into_body().collect().await.unwrap().to_bytes();
        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let _ = self.posted.send((path, json));
        hyper::Response::builder()
            .status(202)
            .body(Full::default())
            .unwrap()
    }
}

/// The binary as Lambda starts it, against the Runtime API at `addr`, with a demo database
/// in `dir`.
fn function(addr: std::net::SocketAddr, dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chat-pickup"));
    command
        .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "chat-pickup")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("CHAT_PICKUP_DB", dir.join("chat.db"))
        .env("CHAT_PICKUP_DEMO", "true")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// What the function started by `start` (given the Runtime API's address) answered to
/// `event`, its only invocation: the path it posted to and the body.
async fn invoked(event: String, start: impl FnOnce(SocketAddr) -> Child) -> (String, Value) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (posted, mut answers) = unbounded_channel();
    tokio::spawn(runtime_api(listener, vec![event], 1, posted));
    let mut function = start(addr);
    let posted = tokio::time::timeout(Duration::from_secs(60), answers.recv()).await;
    let _ = function.kill();
    let _ = function.wait();
    posted
        .expect("the function answered within a minute")
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_on_lambda_serves_an_event_with_settings_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let (path, response) = invoked(event(), |addr| {
        function(addr, dir.path())
            .env("CHAT_PICKUP_DEFAULT_TZ", "Europe/Oslo")
            // Empty, as a SAM parameter left empty arrives: unset, not a start-up failure.
            .env("CHAT_PICKUP_JOURNAL", "")
            .spawn()
            .unwrap()
    })
    .await;

    assert_eq!(
        path,
        format!("/2018-06-01/runtime/invocation/{}/response", request_id(0)),
        "{response}"
    );
    assert_eq!(response["statusCode"], 200, "{response}");
    assert_eq!(
        response["headers"]["so-timezone"], "Europe/Oslo",
        "CHAT_PICKUP_DEFAULT_TZ reached the Lambda runtime"
    );
    let session: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        session["ChatSessionId"], 1,
        "the demo data, seeded by CHAT_PICKUP_DEMO"
    );
    assert_eq!(session["User"]["Name"], "tje0");
}

/// On Lambda Managed Instances `AWS_LAMBDA_MAX_CONCURRENCY` says how many invocations one
/// instance serves at once. The emulator releases eight pickups only once eight `next` calls
/// wait together - a runtime that polls one at a time would get none - and the demo queue's
/// four eligible sessions go to four of them, once each; the other four find it empty.
#[tokio::test(flavor = "multi_thread")]
async fn with_max_concurrency_the_binary_serves_invocations_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (posted, mut answers) = unbounded_channel();
    tokio::spawn(runtime_api(listener, vec![event(); 8], 8, posted));

    let mut function = function(addr, dir.path())
        .env("AWS_LAMBDA_MAX_CONCURRENCY", "8")
        .spawn()
        .unwrap();
    let mut responses = BTreeMap::new();
    while responses.len() < 8 {
        let posted = tokio::time::timeout(Duration::from_secs(60), answers.recv()).await;
        let Ok(Some((path, response))) = posted else {
            break;
        };
        responses.insert(path, response);
    }
    let _ = function.kill();
    let _ = function.wait();

    assert_eq!(
        responses.len(),
        8,
        "eight invocations answered at once: {responses:?}"
    );
    let mut sessions = Vec::new();
    for (index, (path, response)) in responses.iter().enumerate() {
        assert_eq!(
            path,
            &format!(
                "/2018-06-01/runtime/invocation/{}/response",
                request_id(index)
            ),
        );
        assert_eq!(response["statusCode"], 200, "{response}");
        let session: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
        sessions.push(session["ChatSessionId"].as_i64());
    }
    sessions.sort_unstable();
    assert_eq!(
        sessions,
        [None, None, None, None, Some(1), Some(3), Some(4), Some(5)],
        "each eligible session to one invocation"
    );
}

/// The schedule's event (`aws_lambda_events`' own fixture), as EventBridge sends it.
fn schedule() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/lambda_http/eventbridge_schedule.json"
    );
    std::fs::read_to_string(path).unwrap()
}

/// A database at `path` whose one chat is dead: waiting, its customer gone since 2000.
fn with_a_dead_chat(path: &Path) {
    use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore};
    drop(SqliteStore::create(path, &SqliteOptions::default()).unwrap());
    rusqlite::Connection::open(path)
        .unwrap()
        .execute_batch(
            "INSERT INTO chat_topic (id, name) VALUES (100, 'Leads');
             INSERT INTO chat_session (topic_id, status, when_requested, alive_until)
                 VALUES (100, 4, '2000-01-01 00:00:00', '2000-01-01 00:00:00');",
        )
        .unwrap();
}

/// On Lambda no timer runs between invocations: `template.yaml`'s schedule invokes the
/// function, which recognizes the event and closes the dead chats of the default database
/// and of every tenant.
#[tokio::test(flavor = "multi_thread")]
async fn the_schedules_event_closes_every_tenants_dead_chats() {
    let dir = tempfile::tempdir().unwrap();
    let tenants = dir.path().join("tenants");
    std::fs::create_dir(&tenants).unwrap();
    with_a_dead_chat(&dir.path().join("chat.db"));
    with_a_dead_chat(&tenants.join("acme.db"));
    let (path, response) = invoked(schedule(), |addr| {
        function(addr, dir.path())
            .env("CHAT_PICKUP_TENANTS_DIR", &tenants)
            .spawn()
            .unwrap()
    })
    .await;

    assert_eq!(
        path,
        format!("/2018-06-01/runtime/invocation/{}/response", request_id(0)),
        "{response}"
    );
    assert_eq!(response["closed"], 2, "{response}");
    for db in [dir.path().join("chat.db"), tenants.join("acme.db")] {
        let status: i64 = rusqlite::Connection::open(&db)
            .unwrap()
            .query_row(
                "SELECT status FROM chat_session WHERE topic_id = 100",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(status, 9, "{} closed", db.display());
    }
}
