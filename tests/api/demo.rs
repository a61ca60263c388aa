//! `serve --demo` needs no other setting for its pages: the real binary, with no
//! `CHAT_PICKUP_XSRF_SECRET`, draws an XSRF secret for the run and says so in its log; the
//! demo's page is served, the demo's agent signs in and the cookie pair picks up. Without
//! `--demo`, neither the page nor a sign-in.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Child;

use http::header::SET_COOKIE;
use http::{HeaderMap, Method, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use test_support::process::{free_port, serve, wait_until_serving};

/// The status, headers and body `method` on `path` gets, with `headers` and `body`.
async fn ask(
    addr: SocketAddr,
    (method, path): (Method, &str),
    headers: &[(&str, &str)],
    body: &str,
) -> (StatusCode, HeaderMap, String) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let io = hyper_util::rt::TokioIo::new(stream);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await.unwrap();
    tokio::spawn(connection);
    let mut request = http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    (
        parts.status,
        parts.headers,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

async fn started(dir: &Path, extra: &[&str]) -> (Child, SocketAddr) {
    let addr = free_port().unwrap();
    let binary = env!("CARGO_BIN_EXE_chat-pickup");
    let server = serve(binary, dir, addr, 1_024, extra).unwrap();
    wait_until_serving(addr).await.unwrap();
    (server, addr)
}

async fn sign_in(addr: SocketAddr) -> (StatusCode, HeaderMap, String) {
    let json = [("content-type", "application/json")];
    let body = r#"{"Username": "tje0", "Password": "Tje0"}"#;
    ask(addr, (Method::POST, "/api/v1/Auth/SignIn"), &json, body).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_signs_pages_in_with_no_other_setting() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, addr) = started(dir.path(), &["--demo"]).await;

    let (status, _, page) = ask(addr, (Method::GET, "/chat/demo"), &[], "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.starts_with("<!doctype html>"), "{page}");

    let (status, headers, body) = sign_in(addr).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let values: Vec<&str> = headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|value| value.to_str().unwrap())
        .filter_map(|cookie| cookie.split(';').next())
        .collect();
    let [ticket, xsrf] = values[..] else {
        panic!("two cookies: {headers:?}");
    };
    let token = xsrf.strip_prefix("XSRF-TOKEN=").unwrap();
    let cookie = format!("{ticket}; {xsrf}");
    let pair = [("cookie", cookie.as_str()), ("x-xsrf-token", token)];
    let pickup = (Method::POST, "/api/v1/ChatSession/Pickup");
    let (status, _, picked) = ask(addr, pickup, &pair, "").await;
    assert_eq!(status, StatusCode::OK, "{picked}");
    assert!(picked.contains("\"ChatSessionId\""), "{picked}");

    server.kill().unwrap();
    server.wait().unwrap();
    let log = std::fs::read_to_string(dir.path().join("server.log")).unwrap();
    assert!(log.contains("random XSRF secret for this run"), "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_demo_neither_the_page_nor_a_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, addr) = started(dir.path(), &[]).await;
    let (status, _, _) = ask(addr, (Method::GET, "/chat/demo"), &[], "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, problem) = sign_in(addr).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert!(problem.contains("CHAT_PICKUP_XSRF_SECRET"), "{problem}");
    server.kill().unwrap();
    server.wait().unwrap();
}
