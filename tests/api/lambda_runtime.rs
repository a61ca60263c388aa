//! The binary as Lambda runs it: a Runtime API of our own on loopback hands the real process
//! an API Gateway event (`lambda_http`'s own fixture), and the settings come from the
//! environment alone - `AWS_LAMBDA_RUNTIME_API` set, no arguments - as on Lambda.

use std::convert::Infallible;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

const REQUEST_ID: &str = "lambda-request-1";

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

/// The Runtime API: the first `next` is the event, later ones never answer; what the
/// function posts back (a response or an error) goes to `posted`.
async fn runtime_api(
    listener: TcpListener,
    event: String,
    posted: UnboundedSender<(String, Value)>,
) {
    let handed_out = Arc::new(AtomicBool::new(false));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let (event, posted, handed_out) = (event.clone(), posted.clone(), handed_out.clone());
        tokio::spawn(async move {
            let service = service_fn(move |request: hyper::Request<Incoming>| {
                let (event, posted, handed_out) =
                    (event.clone(), posted.clone(), handed_out.clone());
                async move { Ok::<_, Infallible>(answer(request, &event, &posted, &handed_out).await) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    request: hyper::Request<Incoming>,
    event: &str,
    posted: &UnboundedSender<(String, Value)>,
    handed_out: &AtomicBool,
) -> hyper::Response<Full<Bytes>> {
    let path = request.uri().path().to_string();
    if path == "/2018-06-01/runtime/invocation/next" {
        if handed_out.swap(true, Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
        let deadline =
            SystemTime::now().duration_since(UNIX_EPOCH).unwrap() + Duration::from_secs(60);
        return hyper::Response::builder()
            .header("lambda-runtime-aws-request-id", REQUEST_ID)
            .header(
                "lambda-runtime-deadline-ms",
                deadline.as_millis().to_string(),
            )
            .header(
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:eu-north-1:123456789012:function:chat-pickup",
            )
            .body(Full::new(Bytes::from(event.to_string())))
            .unwrap();
    }
    let body = request.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let _ = posted.send((path, json));
    hyper::Response::builder()
        .status(202)
        .body(Full::default())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_on_lambda_serves_an_event_with_settings_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (posted, mut answers) = unbounded_channel();
    tokio::spawn(runtime_api(listener, event(), posted));

    let mut function = Command::new(env!("CARGO_BIN_EXE_chat-pickup"))
        .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "chat-pickup")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("CHAT_PICKUP_DB", dir.path().join("chat.db"))
        .env("CHAT_PICKUP_DEMO", "true")
        .env("CHAT_PICKUP_DEFAULT_TZ", "Europe/Oslo")
        // Empty, as a SAM parameter left empty arrives: unset, not a start-up failure.
        .env("CHAT_PICKUP_JOURNAL", "")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let posted = tokio::time::timeout(Duration::from_secs(60), answers.recv()).await;
    let _ = function.kill();
    let _ = function.wait();
    let (path, response) = posted
        .expect("the function answered within a minute")
        .unwrap();

    assert_eq!(
        path,
        format!("/2018-06-01/runtime/invocation/{REQUEST_ID}/response"),
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
