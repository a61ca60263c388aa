//! The local server over real loopback HTTP, serving the same handler.

use std::net::SocketAddr;

use http::StatusCode;
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use test_support::app::TestApp;
use test_support::credentials::{PASSWORD, basic};
use test_support::given;

async fn post(
    addr: SocketAddr,
    path: &str,
    authorization: &str,
) -> (StatusCode, http::HeaderMap, String) {
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let request = http::Request::post(format!("http://{addr}{path}"))
        .header("authorization", authorization)
        .body(Empty::new())
        .unwrap();
    let response = client.request(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    (
        parts.status,
        parts.headers,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn picks_up_over_loopback_http_then_answers_null() {
    let app = given!(TestApp::new(crate::KIND));
    app.agent("tje0");
    app.topic("Sales", "Hi!");
    app.member("tje0", "Sales");
    let id = app.enqueue("Sales", "customer", 5);
    let addr = app.serve().await;

    let (status, headers, body) =
        post(addr, "/api/v1/ChatSession/Pickup", &basic("tje0", PASSWORD)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers["content-type"], "application/json; charset=utf-8");
    let session: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(session["ChatSessionId"], id);
    assert_eq!(session["Status"], "UserLast");

    let (status, _, body) = post(
        addr,
        "/api/v1/Agents/Chat/PickUpFirstChatSession?$select=Rank",
        &basic("tje0", PASSWORD),
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "null"));

    let (status, headers, _) =
        post(addr, "/api/v1/ChatSession/Pickup", &basic("tje0", "nope")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key("www-authenticate"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_large_body_is_refused_unread_with_a_problem() {
    let app = given!(TestApp::new(crate::KIND));
    let addr = app.serve().await;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let request = http::Request::post(format!("http://{addr}/api/v1/ChatSession/Pickup"))
        .header("authorization", basic("tje0", PASSWORD))
        .header("accept", "text/json")
        .body(Full::new(Bytes::from(vec![b'x'; 200_000])))
        .unwrap();
    let response = client.request(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json; charset=utf-8"
    );
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let problem: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(problem["status"], 413);
    assert!(problem["instance"].as_str().unwrap().starts_with("local-"));
}

/// Clients that open connections and send half a request neither block others nor hold
/// their connections: each is closed once the header timeout passes.
#[tokio::test(flavor = "multi_thread")]
async fn two_thousand_half_sent_requests_are_closed_and_do_not_block_others() {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let app = given!(TestApp::new(crate::KIND));
    app.agent("tje0");
    app.topic("Sales", "Hi!");
    app.member("tje0", "Sales");
    app.enqueue("Sales", "customer", 5);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = chat_pickup::http::server::Limits {
        header_timeout: Duration::from_millis(300),
        connections: 4_000,
    };
    tokio::spawn(chat_pickup::http::server::serve_with(
        listener,
        app.app.clone(),
        limits,
    ));

    allow_descriptors(4_200);
    let mut stalled = Vec::new();
    for _ in 0..2_000 {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"POST /api/v1/ChatSession/Pickup HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        stalled.push(stream);
    }
    let (status, _, body) = tokio::time::timeout(
        Duration::from_secs(10),
        post(addr, "/api/v1/ChatSession/Pickup", &basic("tje0", PASSWORD)),
    )
    .await
    .expect("a normal request is answered beside the stalled ones");
    assert_eq!(status, StatusCode::OK, "{body}");

    for stream in stalled.iter_mut() {
        let mut buffer = Vec::new();
        let closed =
            tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut buffer)).await;
        assert!(closed.is_ok(), "a stalled connection was left open");
    }
}

/// Raises this process's soft limit on open descriptors towards `wanted` (2,000 half-open
/// connections hold about 4,000: both ends live in this process), within the hard limit.
fn allow_descriptors(wanted: u64) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: getrlimit and setrlimit only read and write the struct passed to them.
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < wanted {
            limit.rlim_cur = wanted.min(limit.rlim_max);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}
