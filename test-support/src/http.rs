//! Requests through the handler, and over real HTTP on loopback: the local server, what
//! curl sends, and a keep-alive client for load.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chat_pickup::http::App;
use chat_pickup::http::server::{Limits, serve_with};
use http::{HeaderMap, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use lambda_http::{Body, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// The pickup's REST route.
pub const PICKUP: &str = "/api/v1/ChatSession/Pickup";

/// A response as received: status, headers, the body as text.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

/// `request` through `app`'s handler, as the Lambda runtime would hand it over.
pub async fn through(app: &App, request: Request) -> Reply {
    let (parts, body) = app.handle(request).await.into_parts();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body: String::from_utf8(body.to_vec()).expect("bodies are UTF-8"),
    }
}

/// POST `path` through the handler with exactly these headers and no body.
pub async fn post(app: &App, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = http::Request::post(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    through(app, request.body(Body::Empty).expect("a valid request")).await
}

/// `user` (a test agent) picks up through the handler; the body (`null` for an empty queue).
pub async fn pickup(app: &App, user: &str) -> serde_json::Value {
    let authorization = crate::credentials::agent(user);
    let reply = post(app, PICKUP, &[("authorization", &authorization)]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).expect("a JSON body")
}

/// The session id of a picked-up session.
pub fn id(session: &serde_json::Value) -> i64 {
    session["ChatSessionId"]
        .as_i64()
        .unwrap_or_else(|| panic!("not a session: {session}"))
}

/// The local server with `app` on a loopback port, for as long as the runtime runs.
pub async fn serve(app: Arc<App>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let addr = listener.local_addr().expect("a bound address");
    tokio::spawn(serve_with(listener, app, Limits::default()));
    addr
}

/// What `curl -X POST -H ... http://{addr}{path}` sends; the whole response as received.
pub async fn curl(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("the server listens");
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
    stream.write_all(request.as_bytes()).await.expect("sent");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("received");
    String::from_utf8(response).expect("responses are UTF-8")
}

/// One keep-alive connection, as a front end holds it.
pub struct Client {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> Result<Self, Failure> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let io = hyper_util::rt::TokioIo::new(stream);
        let (sender, connection) = hyper::client::conn::http1::handshake(io).await?;
        tokio::spawn(connection);
        Ok(Self { sender })
    }

    /// The session picked up; `None` for an empty queue.
    pub async fn pickup(&mut self, authorization: &str) -> Result<Option<i64>, Failure> {
        let answer = self.post(PICKUP, authorization).await?;
        let body = &answer.body[..];
        if answer.status != 200 {
            return Err(format!("{}: {}", answer.status, String::from_utf8_lossy(body)).into());
        }
        Ok((body != b"null").then(|| session_of(body)))
    }

    /// POST `path` with `authorization`, asking for JSON; whatever the answer.
    pub async fn post(&mut self, path: &str, authorization: &str) -> Result<Answer, Failure> {
        self.post_with(path, authorization, &[]).await
    }

    /// [`Client::post`] with more headers.
    pub async fn post_with(
        &mut self,
        path: &str,
        authorization: &str,
        headers: &[(&str, &str)],
    ) -> Result<Answer, Failure> {
        let asked = (http::Method::POST, path, Bytes::new());
        self.send(asked, authorization, headers).await
    }

    /// `method` on `path` with `body`, `authorization` and more headers, asking for JSON.
    pub async fn send(
        &mut self,
        (method, path, body): (http::Method, &str, Bytes),
        authorization: &str,
        headers: &[(&str, &str)],
    ) -> Result<Answer, Failure> {
        self.sender.ready().await?;
        let mut request = http::Request::builder()
            .method(method)
            .uri(path)
            .header("host", "localhost")
            .header("authorization", authorization)
            .header("accept", "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Full::new(body))?;
        let response = self.sender.send_request(request).await?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok()?.parse().ok());
        let replayed = response.headers().contains_key("idempotent-replayed");
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer {
            status,
            retry_after,
            replayed,
            body,
        })
    }
}

/// What a [`Client`] was answered.
pub struct Answer {
    pub status: u16,
    /// `Retry-After` in seconds, if sent.
    pub retry_after: Option<u64>,
    /// Whether it was a replay for a repeated `Idempotency-Key`.
    pub replayed: bool,
    pub body: Bytes,
}

impl Answer {
    /// The session a 200 names; `None` for `null`.
    pub fn session(&self) -> Option<i64> {
        (&self.body[..] != b"null").then(|| session_of(&self.body))
    }
}

/// The session id at the start of a JSON or XML body.
pub fn session_of(body: &[u8]) -> i64 {
    let text = std::str::from_utf8(body).expect("bodies are UTF-8");
    let after = text
        .split_once("ChatSessionId\":")
        .or_else(|| text.split_once("<ChatSessionId>"))
        .expect("a session")
        .1;
    after
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|digits| digits.parse().ok())
        .expect("a session id")
}

/// The latency at `fraction` (0.5, 0.99, 1.0) of sorted `latencies`, in microseconds.
pub fn percentile(latencies: &[Duration], fraction: f64) -> f64 {
    let at = ((latencies.len() as f64 * fraction) as usize).min(latencies.len().saturating_sub(1));
    latencies
        .get(at)
        .map_or(0.0, |latency| latency.as_secs_f64() * 1e6)
}

/// An address no other call of this process used: for requests that must not share their
/// failures' counts with others.
pub fn fresh_source() -> std::net::IpAddr {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(u32::from_be_bytes([10, 0, 0, 1]));
    std::net::Ipv4Addr::from(NEXT.fetch_add(1, Ordering::Relaxed)).into()
}
