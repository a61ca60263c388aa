//! Requests through the handler, and over real HTTP on loopback as curl sends them.

use std::net::SocketAddr;
use std::sync::Arc;

use base64::Engine;
use chat_pickup::handler::App;
use http::StatusCode;
use lambda_http::Body;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::backend::PASSWORD;

pub struct Reply {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: String,
}

pub fn basic(user: &str) -> String {
    let pair = format!("{user}:{PASSWORD}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// POST the pickup through the handler with exactly these headers.
pub async fn post(app: &App, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = http::Request::post(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app.handle(request.body(Body::Empty).unwrap()).await;
    let (parts, body) = response.into_parts();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body: String::from_utf8(body.to_vec()).unwrap(),
    }
}

/// `user` picks up; the body (`null` for an empty queue).
pub async fn pickup(app: &App, user: &str) -> Value {
    let reply = post(
        app,
        "/api/v1/ChatSession/Pickup",
        &[("authorization", &basic(user))],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

/// The session id of a picked-up session.
pub fn id(session: &Value) -> i64 {
    session["ChatSessionId"]
        .as_i64()
        .unwrap_or_else(|| panic!("not a session: {session}"))
}

/// The local server with `app` on a loopback port, for as long as the test runs.
pub async fn serve(app: Arc<App>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(chat_pickup::server::serve(listener, app));
    addr
}

/// What `curl -X POST -H ... http://{addr}{path}` sends; the whole response as received.
pub async fn curl(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: curl/8.5.0\r\n");
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("accept"))
    {
        request.push_str("Accept: */*\r\n");
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    String::from_utf8(response).unwrap()
}
