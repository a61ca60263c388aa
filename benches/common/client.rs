//! What the HTTP load examples share: the local server on a loopback port, the agents'
//! logins, a keep-alive client (hyper's, one connection), and latency percentiles.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chat_pickup::http::App;
use chat_pickup::http::server::{Limits, serve_with};
use chat_pickup::store::Stores;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use tokio::net::TcpStream;

use super::session_of;

pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Every load agent's password.
pub const PASSWORD: &str = "Tje0";

/// The local server over `stores` on a loopback port, as `serve` runs it.
pub async fn serve(stores: Arc<dyn Stores>) -> Result<SocketAddr, Failure> {
    let app = Arc::new(App::new(stores));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(serve_with(listener, app, Limits::default()));
    Ok(addr)
}

/// Agent 0 is the demo's `tje0`; the others `agent1`, `agent2`, ...
pub fn login(agent: usize) -> String {
    if agent == 0 {
        "tje0".into()
    } else {
        format!("agent{agent}")
    }
}

/// Agent `agent`'s Basic header.
pub fn credentials(agent: usize) -> String {
    basic(&login(agent), PASSWORD)
}

/// One pickup per agent, so that every measured request finds its credential cached.
pub async fn warm_up(addr: SocketAddr, agents: usize) -> Result<(), Failure> {
    let mut client = Client::connect(addr).await?;
    for agent in 0..agents {
        client.pickup(&credentials(agent)).await?;
    }
    Ok(())
}

/// One keep-alive connection.
pub struct Client {
    sender: hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
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
        self.sender.ready().await?;
        let request = http::Request::post("/api/v1/ChatSession/Pickup")
            .header("host", "localhost")
            .header("authorization", authorization)
            .header("accept", "application/json")
            .body(Empty::new())?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        if status != 200 {
            return Err(format!("{status}: {}", String::from_utf8_lossy(&body)).into());
        }
        Ok((&body[..] != b"null").then(|| session_of(&body)))
    }
}

/// The latency at `fraction` (0.5, 0.99, 1.0) of sorted `latencies`, in microseconds.
pub fn percentile(latencies: &[Duration], fraction: f64) -> f64 {
    let at = ((latencies.len() as f64 * fraction) as usize).min(latencies.len().saturating_sub(1));
    latencies
        .get(at)
        .map_or(0.0, |latency| latency.as_secs_f64() * 1e6)
}

/// A Basic header for `login`.
pub fn basic(login: &str, password: &str) -> String {
    use base64::Engine;
    let pair = format!("{login}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}
